/** Institutions registry. Joined with the other areas in infra/resources.ts. */

import type { FunctionDeclaration } from './declarations.ts';

export const institutionsFunctions = {
  registerInstitution: {
    entry: 'functions/institutions/register-institution.handler.ts',
    description: 'POST /v1/institutions: an admin registers an institution',
    tables: { core: 'readWrite' },
  },
  updateInstitution: {
    entry: 'functions/institutions/update-institution.handler.ts',
    description: 'PATCH /v1/institutions/{uscc}: an admin sets the supervising department and pilot status',
    tables: { core: 'readWrite' },
  },
  setInventorRewardRule: {
    entry: 'functions/institutions/set-inventor-reward-rule.handler.ts',
    description:
      "PUT /v1/institutions/{uscc}/inventor-reward-rule: the institution's own share for its inventors (art. 44)",
    tables: { core: 'readWrite' },
  },
  getInstitution: {
    entry: 'functions/institutions/get-institution.handler.ts',
    description: 'GET /v1/institutions/{uscc}',
    tables: { core: 'read' },
  },
  listInstitutions: {
    entry: 'functions/institutions/list-institutions.handler.ts',
    description: 'GET /v1/institutions: by province or supervising ministry, paginated',
    tables: { core: 'read' },
  },
} as const satisfies Record<string, FunctionDeclaration>;
