/** Patents: registration, self-assessment, inventory review, queries and coverage. Joined with the other areas in infra/resources.ts. */

import type { FunctionDeclaration } from './declarations.ts';

export const patentsFunctions = {
  registerPatent: {
    entry: 'functions/patents/register-patent.handler.ts',
    description: 'POST /v1/patents: one inventory row as JSON, through the intake use-case',
    tables: { core: 'readWrite' },
  },
  registerPatentsBatch: {
    entry: 'functions/patents/register-patents-batch.handler.ts',
    description: 'POST /v1/patents:batch: up to 1,000 inventory rows as JSON',
    tables: { core: 'readWrite' },
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  submitSelfAssessment: {
    entry: 'functions/patents/submit-self-assessment.handler.ts',
    description: 'PUT /v1/patents/{applicationNumber}/self-assessment: edit the self-assessment of a draft',
    tables: { core: 'readWrite' },
  },
  reviewInventory: {
    entry: 'functions/patents/review-inventory.handler.ts',
    description: 'POST /v1/patents/{applicationNumber}/review: submit, approve (screening) or return',
    tables: { core: 'readWrite' },
  },
  withdrawPatent: {
    entry: 'functions/patents/withdraw-patent.handler.ts',
    description:
      'POST /v1/patents/{applicationNumber}/withdrawal: the institution withdraws a patent, with a reason',
    tables: { core: 'readWrite' },
  },
  listPatents: {
    entry: 'functions/patents/list-patents.handler.ts',
    description: 'GET /v1/patents: patents in the caller scope, filtered, with an opaque cursor',
    tables: { core: 'read' },
  },
  getPatent: {
    entry: 'functions/patents/get-patent.handler.ts',
    description:
      'GET /v1/patents/{applicationNumber}: one patent in the caller scope (public view for enterprises and experts)',
    tables: { core: 'read' },
  },
  listCoOwnedPatents: {
    entry: 'functions/patents/list-co-owned-patents.handler.ts',
    description:
      'GET /v1/institutions/{uscc}/co-owned-patents: patents naming the institution as a co-owner (public view)',
    tables: { core: 'read' },
  },
  getInventoryCoverage: {
    entry: 'functions/patents/get-coverage.handler.ts',
    description:
      'GET /v1/inventory/coverage: inventoried / total and the conversion pool against the Work Plan deadlines (metrics counters)',
    tables: { core: 'read', metrics: 'read' },
    // Behind an HTTP API route: API Gateway gives up after 30 s, so at most 29 s (checked at synth).
    // It reads counters, O(institutions of the scope), not patents.
    timeoutSeconds: 29,
  },
} as const satisfies Record<string, FunctionDeclaration>;
