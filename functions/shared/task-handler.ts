/**
 * The middleware chain of every handler that no HTTP route calls (schedules, workflow tasks, S3 and
 * stream events), as `httpRoute` (./http.ts) is for the API: the tracer's handler segment when tracing
 * is on (`-c sdkTracing=true`, ./powertools.ts), then the logger's Lambda context. Inputs are parsed
 * after it, each handler with its own schema (schemas/task-inputs.ts, Powertools' parser).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, tracerMiddleware } from './powertools.ts';

export function taskHandler<TEvent, TResult>(run: (event: TEvent, context: Context) => Promise<TResult>) {
  return middy<TEvent, TResult, Error, Context>(run)
    .use(tracerMiddleware ? [tracerMiddleware] : [])
    .use(injectLambdaContext(logger));
}

/** The same chain for handlers that declare their middlewares first (`.use(parser(...)).handler(...)`). */
export function taskChain<TEvent, TResult>() {
  return middy<TEvent, TResult, Error, Context>()
    .use(tracerMiddleware ? [tracerMiddleware] : [])
    .use(injectLambdaContext(logger));
}

/**
 * A sweep task's round handled every item it could and some failed: the task fails with this error
 * naming them (its message is JSON: what to do, the round's totals, the failures), after the others
 * were handled; the workflow records it in the sweep's output and the next sweep retries.
 */
export class SweepItemsFailed extends Error {
  override name = 'SweepItemsFailed';
}
