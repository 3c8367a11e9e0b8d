/** Evaluations: submitting, reading, evaluation windows, weekly feedback. Joined with the other areas in infra/resources.ts. */

import { settingsOf } from '../../schemas/resource-names.ts';
import type { FunctionDeclaration, ScheduleDeclaration } from './declarations.ts';

export const evaluationsFunctions = {
  submitEvaluation: {
    entry: 'functions/evaluations/submit-evaluation.handler.ts',
    description:
      'PUT /v1/patents/{applicationNumber}/evaluations/mine: an enterprise or expert evaluates a conversion-pool patent (closes the window on quorum; after it closed, re-tiers by the tiering rules at most once a day)',
    tables: { core: 'readWrite' },
    // promotion: a late evaluation re-tiers by the tiering rules and providers (functions/evaluations/late.ts).
    settings: settingsOf('market', 'evaluation', 'promotion'),
  },
  getMyEvaluation: {
    entry: 'functions/evaluations/get-my-evaluation.handler.ts',
    description: 'GET /v1/patents/{applicationNumber}/evaluations/mine: the own evaluation of the caller',
    tables: { core: 'read' },
    settings: settingsOf('market', 'evaluation'),
  },
  listEvaluations: {
    entry: 'functions/evaluations/list-evaluations.handler.ts',
    description:
      'GET /v1/patents/{applicationNumber}/evaluations: every evaluation and the aggregate (institution, admins)',
    tables: { core: 'read' },
    settings: settingsOf('market', 'evaluation'),
  },
  declineRequest: {
    entry: 'functions/evaluations/decline-request.handler.ts',
    description: 'POST /v1/inbox/{applicationNumber}/decline: a matched evaluator declines its request',
    tables: { core: 'readWrite' },
    settings: settingsOf('market', 'evaluation'),
  },
  closeEvaluationWindows: {
    entry: 'functions/evaluations/close-evaluation-windows.handler.ts',
    description:
      'Deadline sweep task (workflow deadline-sweep): closes the evaluation windows past their deadline (aggregate, evaluationClosed event)',
    tables: { core: 'readWrite' },
    timeoutSeconds: 900,
    settings: settingsOf('market', 'evaluation'),
  },
  runDeferredRetiers: {
    entry: 'functions/evaluations/run-deferred-retiers.handler.ts',
    description:
      'Deadline sweep task (workflow deadline-sweep): runs the re-tiers deferred to this day (once a day per patent) by the tiering rules',
    tables: { core: 'readWrite' },
    timeoutSeconds: 300,
    // The tiering rules and service providers of a re-tier (functions/evaluations/late.ts).
    settings: settingsOf('market', 'evaluation', 'promotion'),
  },
  sendWeeklyFeedback: {
    entry: 'functions/evaluations/send-weekly-feedback.handler.ts',
    description: 'Schedule: emails the weekly summary of new evaluations to each institution',
    tables: { core: 'readWrite' },
    timeoutSeconds: 900,
    settings: settingsOf('portal'),
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const evaluationsSchedules = {
  'weekly-feedback': {
    description: 'Weekly summary of new evaluations to each institution (Mondays, 09:00 China time)',
    cron: 'cron(0 9 ? * MON *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'sendWeeklyFeedback' },
  },
} as const satisfies Record<string, ScheduleDeclaration>;
