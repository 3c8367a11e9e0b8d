/** deadline-sweep task (daily): closes the evaluation windows whose deadline has passed. */
import type { Context } from 'aws-lambda';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { evaluationDeps } from './evaluation-deps.ts';
import { closeDueEvaluationWindows } from './window.ts';

const deps = evaluationDeps();

export const handler = taskHandler(async (_event: unknown, context: Context) => {
  const outcome = await closeDueEvaluationWindows({
    ...deps,
    // Leave a minute for the pages in flight; the next run (or a retry) continues where this one stopped.
    shouldStop: () => context.getRemainingTimeInMillis() < 60_000,
  });
  logger.info('evaluation windows swept', { ...outcome, failed: outcome.failed.length });
  if (outcome.failed.length) {
    // Fail the invocation so that the operations alarms see it; closing is idempotent, a retry is safe.
    throw new Error(
      `${outcome.failed.length} evaluation windows could not be closed, e.g. ${outcome.failed
        .slice(0, 5)
        .map((f) => `${f.applicationNumber}: ${f.error}`)
        .join('; ')}`,
    );
  }
  return outcome;
});
