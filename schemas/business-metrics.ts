/**
 * The business metrics the functions emit (CloudWatch Embedded Metric Format, through Powertools
 * Metrics: functions/shared/business-metrics.ts) and the dashboard graphs (infra/constructs/
 * operations-dashboard.ts). Dependency-free, like schemas/resource-names.ts: the runtime and the
 * deployment read the same names. docs/operations.md "Dashboard and business metrics" says where each
 * is emitted and what a change means.
 */

/** POWERTOOLS_METRICS_NAMESPACE of every function. */
export const metricsNamespace = 'Patents';
/** POWERTOOLS_SERVICE_NAME of every function: Powertools adds it to every metric as the `service` dimension. */
export const serviceName = 'patents';

/** Every business metric (unit Count) and the dimension it is split by, if any. */
export const businessMetrics = {
  /** Rows of a batch file stored (new or changed), per job, at the end of the ingest task. */
  RowsAccepted: { dimension: 'kind' },
  /** Rows of a batch file refused (listed in the job's error report). */
  RowsRefused: { dimension: 'kind' },
  /** Rows of a batch file that changed nothing (already stored as they are). */
  RowsUnchanged: { dimension: 'kind' },
  /** Batch jobs that ended failed: an unusable file, or a system error the retries did not cure. */
  JobsFailed: { dimension: 'kind' },
  /** Lifecycle transitions (pipeline-event items) read from the core stream, by event. */
  Transitions: { dimension: 'event' },
  /** Emails handed to SES / the SMTP relay (first sends and retries). */
  MailsSent: {},
  /** Send attempts that failed (each is retried by mail-retry, at most 5 attempts an email). */
  MailsFailed: {},
  /** Pipeline stages that failed after their retries (a PIPELINE-FAILURE item recorded). */
  PipelineFailures: {},
  /** Quarterly report scopes whose email step ran (the report of one province, ministry, the nation...). */
  ReportScopes: {},
} as const satisfies Record<string, { dimension?: string }>;

export type BusinessMetric = keyof typeof businessMetrics;
export const businessMetricNames = Object.keys(businessMetrics) as BusinessMetric[];

/** Where a use-case boundary records counts: Powertools in Lambda, an array in tests, nothing locally. */
export interface MetricsRecorder {
  /**
   * Adds `value` to the metric (unit Count); `dimensionValue` is the value of the dimension the metric
   * declares (the job's kind, the lifecycle event), required for those and only for those.
   */
  count(name: BusinessMetric, value: number, dimensionValue?: string): void;
}
