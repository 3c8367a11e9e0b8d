/**
 * Business metrics through Powertools Metrics (CloudWatch Embedded Metric Format: one JSON line on
 * stdout, turned into metrics by CloudWatch Logs, no API call). Imported only by the handlers that emit
 * (never by functions/shared/http.ts: the HTTP bundles stay without it). Each handler publishes with
 * the middy `logMetrics(metrics)` middleware; use-cases stay free of AWS and receive a
 * `MetricsRecorder` (schemas/business-metrics.ts) or return what the handler records.
 *
 * Quiet by design: `publishStoredMetrics` warns "No application metrics to publish" on every invocation
 * that stored none (throwOnEmptyMetrics is false by default, so nothing throws), e.g. a stream batch
 * without emails. Powertools lets the warnings go to a logger of one's own (the `logger` option): that
 * one drops this warning and passes every other to the function's Powertools logger.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  type BusinessMetric,
  businessMetrics,
  type MetricsRecorder,
  metricsNamespace,
  serviceName,
} from '../../schemas/business-metrics.ts';
import { logger } from './powertools.ts';

const emptyPublish = 'No application metrics to publish';

/** The Metrics utility's own warnings, without the one an invocation that emitted nothing causes. */
export const metricsWarnings = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (...content: unknown[]) => {
    if (typeof content[0] === 'string' && content[0].startsWith(emptyPublish)) return;
    logger.warn(String(content[0]), { details: content.slice(1) });
  },
  error: (...content: unknown[]) => logger.error(String(content[0]), { details: content.slice(1) }),
};

export function newMetrics(): Metrics {
  return new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? metricsNamespace,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName,
    logger: metricsWarnings,
  });
}

/** The one Metrics of the bundle; handlers publish it with `logMetrics(metrics)`. */
export const metrics = newMetrics();

/**
 * Counts into Powertools: a metric without dimension goes to the buffer (published when the handler
 * ends); one with a dimension (kind, event) is emitted at once as a single metric (`singleMetric()`),
 * since one EMF line carries one value per dimension.
 */
export function powertoolsRecorder(target: Metrics = metrics): MetricsRecorder {
  return {
    count(name: BusinessMetric, value: number, dimensionValue?: string) {
      const dimension: string | undefined = (businessMetrics[name] as { dimension?: string }).dimension;
      if (!dimension) {
        target.addMetric(name, MetricUnit.Count, value);
        return;
      }
      if (!dimensionValue) throw new Error(`${name} needs its ${dimension} dimension`);
      target.singleMetric().addDimension(dimension, dimensionValue).addMetric(name, MetricUnit.Count, value);
    },
  };
}

export const recorder = powertoolsRecorder();
