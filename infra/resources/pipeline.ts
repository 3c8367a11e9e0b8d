/**
 * The patent pipeline (issue 5): the workflow that runs each stage on its pipeline event (started by
 * the one core stream reader, infra/resources/streams.ts), its tasks, the admins' failure list and retry, and a patent's history.
 * Joined with the other areas in infra/resources.ts. See docs/pipeline.md.
 */

import { settingsOf } from '../../schemas/resource-names.ts';
import type { FunctionDeclaration, WorkflowDeclaration } from './declarations.ts';

export const pipelineFunctions = {
  pipelineMatchAndPush: {
    entry: 'functions/pipeline/match-and-push.handler.ts',
    description:
      'Pipeline task (inventoried into the conversion pool): match, push evaluation requests, open the window (matched)',
    tables: { core: 'readWrite' },
    timeoutSeconds: 60,
    settings: settingsOf('market'),
  },
  pipelineNotify: {
    entry: 'functions/pipeline/notify-transition.handler.ts',
    description:
      'Pipeline task (dealRecorded, filingConfirmed, productFiled): emails the institution what was recorded and what is due',
    tables: { core: 'readWrite' },
    settings: settingsOf('portal'),
  },
  recordPipelineFailure: {
    entry: 'functions/pipeline/record-failure.handler.ts',
    description:
      "Pipeline task (every stage's Catch): records the failed event for the admins' list and retry",
    tables: { core: 'readWrite' },
  },
  listPipelineFailures: {
    entry: 'functions/pipeline/list-failures.handler.ts',
    description: 'GET /v1/pipeline/failures: failed pipeline events (national: all, province admins: theirs)',
    tables: { core: 'read' },
  },
  retryPipelineFailure: {
    entry: 'functions/pipeline/retry-failure.handler.ts',
    description: 'POST /v1/pipeline/failures/{eventId}/retry: starts the pipeline again with the same event',
    tables: { core: 'readWrite' },
    workflows: ['patent-pipeline'],
  },
  getPatentHistory: {
    entry: 'functions/pipeline/get-history.handler.ts',
    description: 'GET /v1/patents/{applicationNumber}/history: the lifecycle transitions of a patent',
    tables: { core: 'read' },
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const pipelineWorkflows = {
  'patent-pipeline': {
    file: 'workflows/patent-pipeline.asl.json',
    description:
      "One pipeline event: that stage's tasks (match and push, tiering, notification) with retries, or the recorded failure",
    // Express: short executions, one per event, and no cap on open executions (the national pool holds
    // 676,000+ patents). Idempotency comes from the applied markers, not from execution names.
    type: 'EXPRESS',
    tasks: {
      MatchAndPushFunction: 'pipelineMatchAndPush',
      TierPatentFunction: 'tierPatent',
      NotifyTransitionFunction: 'pipelineNotify',
      RecordFailureFunction: 'recordPipelineFailure',
    },
  },
} as const satisfies Record<string, WorkflowDeclaration>;
