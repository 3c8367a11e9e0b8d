/**
 * Tiered promotion and the deadline sweep (issue 5, items 2-3): the pipeline's tiering task, the
 * promotion expiry, the daily deadline-sweep workflow and its schedule. Joined with the other areas in
 * infra/resources.ts. Tiering rules: functions/promotion/tiering-rules.ts (docs/pipeline.md).
 */
import { settingsOf } from '../../schemas/resource-names.ts';
import type { FunctionDeclaration, ScheduleDeclaration, WorkflowDeclaration } from './declarations.ts';

export const promotionFunctions = {
  tierPatent: {
    entry: 'functions/promotion/tier-patent.handler.ts',
    description:
      'Pipeline task (evaluationClosed): tiers the evaluated patent by the tiering rules, records tier and inputs (tiered), emails the institution the outcome and feedback',
    tables: { core: 'readWrite' },
    settings: settingsOf('market', 'evaluation', 'promotion', 'portal'),
  },
  expirePromotions: {
    entry: 'functions/promotion/expire-promotions.handler.ts',
    description:
      'Deadline sweep task: promotions past their window (gsi3 DUE#promotion) -> promotionExpired (listed), in bounded rounds',
    tables: { core: 'readWrite' },
    timeoutSeconds: 300,
    settings: settingsOf('market', 'evaluation', 'promotion', 'portal'),
  },
  expirePatents: {
    entry: 'functions/patents/expire-patents.handler.ts',
    description:
      'Deadline sweep task: patents past their statutory term (专利法 art. 42) -> expired (final), in bounded rounds of a filtered Scan',
    tables: { core: 'readWrite' },
    timeoutSeconds: 300,
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const promotionWorkflows = {
  'deadline-sweep': {
    file: 'workflows/deadline-sweep.asl.json',
    description:
      'Daily: closes evaluation windows past their deadline, expires promotions past their window, flags overdue filings, expires patents past their statutory term, runs deferred re-tiers; counts per branch',
    // Standard: a sweep of a large backlog may run longer than the 5 minutes Express allows; one
    // execution a day costs next to nothing.
    type: 'STANDARD',
    tasks: {
      CloseEvaluationWindowsFunction: 'closeEvaluationWindows',
      ExpirePromotionsFunction: 'expirePromotions',
      FlagOverdueFilingsFunction: 'flagOverdueFilings',
      ExpirePatentsFunction: 'expirePatents',
      RunDeferredRetiersFunction: 'runDeferredRetiers',
    },
  },
} as const satisfies Record<string, WorkflowDeclaration>;

export const promotionSchedules = {
  'deadline-sweep': {
    description:
      'The deadline sweep: evaluation windows, promotion windows, filing deadlines (daily, 02:30 China time)',
    cron: 'cron(30 2 * * ? *)',
    timezone: 'Asia/Shanghai',
    target: { workflow: 'deadline-sweep' },
  },
} as const satisfies Record<string, ScheduleDeclaration>;
