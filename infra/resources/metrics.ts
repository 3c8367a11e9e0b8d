import type { FunctionDeclaration, ScheduleDeclaration } from './declarations.ts';

/** The counters are maintained by the one core stream reader (infra/resources/streams.ts). */

export const metricsFunctions = {
  recomputeMetrics: {
    entry: 'functions/metrics/recompute-metrics.handler.ts',
    description:
      'Schedule metrics-recompute: rebuilds the counters from a parallel Scan of core, corrects and records the differences',
    tables: { core: 'read', metrics: 'readWrite' },
    timeoutSeconds: 900,
    memoryMb: 3008,
  },
  listReconciliations: {
    entry: 'functions/metrics/list-reconciliations.handler.ts',
    description: 'GET /v1/metrics/reconciliation: the last recompute runs and the differences they found',
    tables: { metrics: 'read' },
  },
  getRankings: {
    entry: 'functions/metrics/get-rankings.handler.ts',
    description:
      'GET /v1/rankings/{quarter}: the assessment indicators ranked by province or ministry, with formulas and anomaly flags',
    tables: { metrics: 'read', core: 'read' },
    // A national read of the counters: O(provinces + institutions) items, as the national report.
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const metricsSchedules = {
  'metrics-recompute': {
    description:
      'Weekly full recompute of the metrics counters from core; differences are corrected and recorded (Sundays 03:00 China time)',
    cron: 'cron(0 3 ? * SUN *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'recomputeMetrics' },
  },
  'metrics-quarter-close': {
    description:
      'Closes the quarter just ended: per-institution and per-province snapshots the quarterly report reads (00:30 China time on the first day of each quarter, before the report at 01:00)',
    cron: 'cron(30 0 1 1,4,7,10 ? *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'recomputeMetrics' },
    input: { closeOnly: true },
  },
} as const satisfies Record<string, ScheduleDeclaration>;
