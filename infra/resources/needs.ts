/** Needs: enterprise technology needs (技术需求 / 揭榜挂帅) and the institutions' proposals (docs/market.md, "Technology needs"). Joined with the other areas in infra/resources.ts. */

import { settingsOf } from '../../schemas/resource-names.ts';
import type { FunctionDeclaration } from './declarations.ts';

export const needsFunctions = {
  postNeed: {
    entry: 'functions/needs/post-need.handler.ts',
    description:
      'POST /v1/needs: a verified enterprise (or its province administrator) posts a technology need',
    tables: { core: 'readWrite' },
    // A need posted open (by its province administrator) is matched with the pool through search.
    search: 'read',
  },
  listNeeds: {
    entry: 'functions/needs/list-needs.handler.ts',
    description: "GET /v1/needs: an enterprise's needs, a province's review queue, the open needs",
    tables: { core: 'read' },
  },
  getNeed: {
    entry: 'functions/needs/get-need.handler.ts',
    description: 'GET /v1/needs/{needId}',
    tables: { core: 'read' },
  },
  reviewNeed: {
    entry: 'functions/needs/review-need.handler.ts',
    description:
      'POST /v1/needs/{needId}/review: the province approves or rejects a need with a comment, mailed to the enterprise',
    tables: { core: 'readWrite' },
    // An approved need is matched with the pool through search (functions/needs/need-matching.ts).
    search: 'read',
    // The enterprise is mailed the outcome (through the outbox), linking to the need on the portal.
    settings: settingsOf('portal'),
  },
  closeNeed: {
    entry: 'functions/needs/close-need.handler.ts',
    description: 'POST /v1/needs/{needId}/closure: close a need or mark it fulfilled',
    tables: { core: 'readWrite' },
  },
  proposePatents: {
    entry: 'functions/needs/propose-patents.handler.ts',
    description:
      '揭榜 POST /v1/needs/{needId}/proposals: an institution proposes its patents for an open need',
    tables: { core: 'readWrite' },
  },
  listProposals: {
    entry: 'functions/needs/list-proposals.handler.ts',
    description: 'GET /v1/needs/{needId}/proposals: the patents proposed for a need',
    tables: { core: 'read' },
  },
  getNeedFunnel: {
    entry: 'functions/needs/get-need-funnel.handler.ts',
    description:
      'GET /v1/needs/{needId}/funnel: patents matched and proposed, requests to negotiate, negotiations, deals',
    tables: { core: 'read' },
  },
  listNeedMatches: {
    entry: 'functions/needs/list-need-matches.handler.ts',
    description: 'GET /v1/needs/{needId}/matches: the pool patents matched with a need, with why',
    tables: { core: 'read' },
  },
} as const satisfies Record<string, FunctionDeclaration>;
