/** The expert pool (专利评价专家库, issue 15 item 7): province verification, the listing by field, commissions. Joined with the other areas in infra/resources.ts. */

import type { FunctionDeclaration } from './declarations.ts';

export const expertsFunctions = {
  decideExpert: {
    entry: 'functions/experts/decide-expert.handler.ts',
    description:
      'POST /v1/experts/{expertId}/verification: the province admits an expert to the pool (listed by field) or rejects it with a reason',
    tables: { core: 'readWrite' },
  },
  listExperts: {
    entry: 'functions/experts/list-experts.handler.ts',
    description:
      'GET /v1/experts: the verified experts by field (no contact); pending ones for administrators',
    tables: { core: 'read' },
  },
  requestCommission: {
    entry: 'functions/experts/request-commission.handler.ts',
    description:
      'POST /v1/experts/{expertId}/commissions: an enterprise or institution commissions an expert to evaluate a patent (the expert is mailed)',
    tables: { core: 'readWrite' },
  },
  listCommissions: {
    entry: 'functions/experts/list-commissions.handler.ts',
    description:
      'GET /v1/commissions: the commissions an expert received / an enterprise or institution sent',
    tables: { core: 'read' },
  },
  decideCommission: {
    entry: 'functions/experts/decide-commission.handler.ts',
    description:
      'POST /v1/commissions/{commissionId}/decision: the expert accepts (contact revealed, evaluation request in its inbox) or declines',
    tables: { core: 'readWrite' },
  },
} as const satisfies Record<string, FunctionDeclaration>;
