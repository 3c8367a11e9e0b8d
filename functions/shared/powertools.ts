/**
 * Powertools objects, created once and shared by every handler of this bundle. Metrics live in
 * ./business-metrics.ts, imported only by the handlers that emit them (the HTTP bundles carry none).
 */
import { Logger } from '@aws-lambda-powertools/logger';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'patents';

export const logger = new Logger({ serviceName });

/**
 * The Powertools Tracer (X-Ray subsegments for every AWS SDK call and the handler), loaded only when
 * the deployment asks for it (`-c sdkTracing=true` sets POWERTOOLS_TRACE_ENABLED=true). Lambda's
 * active tracing traces every invocation either way. Measured (docs/bundles.md): the tracer and the
 * X-Ray SDK under it add ~30-50 ms to every cold start, about a third of a lean function's import
 * time. esbuild keeps this dynamic import of a CommonJS file lazy (./tracer.cjs says why CommonJS),
 * so a bundle that does not trace never evaluates any of it.
 */
const tracerModule =
  process.env.POWERTOOLS_TRACE_ENABLED === 'true' ? await import('./tracer.cjs') : undefined;
export const tracer = tracerModule ? new tracerModule.Tracer({ serviceName, enabled: true }) : undefined;

/** The client, instrumented when tracing is on (see `tracer`). */
export function traced<Client>(client: Client): Client {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/** Middy middleware opening a handler subsegment, when tracing is on. */
export const tracerMiddleware =
  tracer && tracerModule ? tracerModule.captureLambdaHandler(tracer) : undefined;
