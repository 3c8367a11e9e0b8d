/**
 * Pipeline task `MatchAndPush` (stage of `inventoried`, or `rescreened`, into the conversion pool): finds and scores the
 * patent's evaluators, pushes the requests and opens the evaluation window, which is the `matched`
 * transition with the event id `matched:<inventoried event id>` and this execution's ARN. A replay
 * pushes nothing new and opens nothing twice.
 */
import { pushDeps } from '../market/market-deps.ts';
import { matchAndPush } from '../market/push.ts';
import { systemActor } from '../shared/audit.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { taskInput } from './task.ts';

const deps = pushDeps();

export const handler = taskHandler(async (payload: unknown) => {
  const { event, executionArn } = taskInput(payload, 'MatchAndPush', ['inventoried', 'rescreened']);
  const result = await matchAndPush(deps, event.applicationNumber, {
    eventId: `matched:${event.eventId}`,
    actor: systemActor('pipeline'),
    ...(executionArn ? { executionArn } : {}),
  });
  logger.info('matched and pushed', { ...result, eventId: event.eventId });
  return { eventId: event.eventId, ...result };
});
