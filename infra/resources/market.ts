/** Market: enterprise and expert pools, matching, push and inbox. Joined with the other areas in infra/resources.ts. */

import { settingsOf } from '../../schemas/resource-names.ts';
import type { FunctionDeclaration, ScheduleDeclaration } from './declarations.ts';

export const marketFunctions = {
  registerEnterprise: {
    entry: 'functions/market/register-enterprise.handler.ts',
    description:
      'POST /v1/enterprises: an enterprise registers itself (or an admin registers one of its province)',
    tables: { core: 'readWrite' },
    settings: settingsOf('market'),
  },
  getEnterprise: {
    entry: 'functions/market/get-enterprise.handler.ts',
    description: 'GET /v1/enterprises/{uscc}',
    tables: { core: 'read' },
    settings: settingsOf('market'),
  },
  listEnterprises: {
    entry: 'functions/market/list-enterprises.handler.ts',
    description: 'GET /v1/enterprises: the enterprises of a province by status (e.g. pending verification)',
    tables: { core: 'read' },
    settings: settingsOf('market'),
  },
  decideEnterprise: {
    entry: 'functions/market/decide-enterprise.handler.ts',
    description:
      'POST /v1/enterprises/{uscc}/verification: verify (indexes it for matching) or reject with a reason',
    tables: { core: 'readWrite' },
    settings: settingsOf('market'),
  },
  registerExpert: {
    entry: 'functions/market/register-expert.handler.ts',
    description: 'PUT /v1/experts/me: the profile of an expert and fields (indexed for matching)',
    tables: { core: 'readWrite' },
    settings: settingsOf('market'),
  },
  rematch: {
    entry: 'functions/market/rematch.handler.ts',
    description: 'POST /v1/patents/{applicationNumber}/matching: match and push again',
    tables: { core: 'readWrite' },
    settings: settingsOf('market'),
  },
  listInbox: {
    entry: 'functions/market/list-inbox.handler.ts',
    description: 'GET /v1/inbox: the evaluation requests of an enterprise or expert',
    tables: { core: 'read' },
  },
  sendDigests: {
    entry: 'functions/market/send-digests.handler.ts',
    description:
      'Schedule: closes needs past their deadline (one email each); the daily digest of new evaluation requests (one email per evaluator), of patents matched with needs (one per institution); saved-search alerts (one per enterprise)',
    tables: { core: 'readWrite' },
    timeoutSeconds: 300,
    settings: settingsOf('portal'),
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const marketSchedules = {
  'evaluation-digest': {
    description:
      "Needs past their deadline closed; daily digest of yesterday's new evaluation requests to each enterprise and expert, and of patents matched with enterprises' needs to each institution (08:00 China time)",
    cron: 'cron(0 8 * * ? *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'sendDigests' },
  },
} as const satisfies Record<string, ScheduleDeclaration>;
