/**
 * Pipeline task `TierPatent` (stage of `evaluationClosed`): tiers the evaluated patent, records the tier
 * with its inputs, and emails the institution the outcome with the evaluations' feedback. Payload:
 * `{ event: PipelineEvent, executionArn }` (docs/pipeline.md). A replayed event answers `duplicate`.
 */
import { taskInput } from '../pipeline/task.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { tierPatent } from './promotion.ts';
import { promotionDeps } from './promotion-deps.ts';

const deps = promotionDeps();

export const handler = taskHandler(async (payload: unknown) => {
  const { event, executionArn } = taskInput(payload, 'tierPatent', ['evaluationClosed']);
  const result = await tierPatent(deps, {
    applicationNumber: event.applicationNumber,
    eventId: event.eventId,
    ...(executionArn ? { executionArn } : {}),
  });
  logger.info('patent tiered', { ...result });
  return result;
});
