/**
 * Negotiation (issue 13, item 8): an enterprise asks to negotiate, the institution accepts or declines,
 * and the funnel (pushed -> evaluated -> interest -> negotiation -> deal) per patent and institution.
 * An area of its own (functions/negotiation/), so that each nested stack stays well under
 * CloudFormation's 500 resources. Joined with the other areas in infra/resources.ts.
 */

import type { FunctionDeclaration } from './declarations.ts';

export const negotiationFunctions = {
  expressInterest: {
    entry: 'functions/negotiation/express-interest.handler.ts',
    description:
      'POST /v1/patents/{applicationNumber}/interest: a verified enterprise asks to negotiate (the institution is mailed)',
    tables: { core: 'readWrite' },
  },
  listInterests: {
    entry: 'functions/negotiation/list-interests.handler.ts',
    description: 'GET /v1/interests: the requests to negotiate an institution received / an enterprise sent',
    tables: { core: 'read' },
  },
  getInterest: {
    entry: 'functions/negotiation/get-interest.handler.ts',
    description:
      'GET /v1/interests/{interestId}: one request to negotiate, to its institution and its enterprise',
    tables: { core: 'read' },
  },
  decideInterest: {
    entry: 'functions/negotiation/decide-interest.handler.ts',
    description:
      'POST /v1/interests/{interestId}/decision: the institution accepts (negotiationOpened, contact revealed) or declines',
    tables: { core: 'readWrite' },
  },
  getPatentFunnel: {
    entry: 'functions/negotiation/get-patent-funnel.handler.ts',
    description:
      'GET /v1/patents/{applicationNumber}/funnel: pushed, evaluated, interest, negotiation, deal counts',
    tables: { core: 'read' },
  },
  getInstitutionFunnel: {
    entry: 'functions/negotiation/get-institution-funnel.handler.ts',
    description: "GET /v1/institutions/{uscc}/funnel: the institution's patents at each step of the funnel",
    tables: { core: 'read' },
  },
} as const satisfies Record<string, FunctionDeclaration>;
