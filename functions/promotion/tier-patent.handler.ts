/**
 * Pipeline task `TierPatent` (stage of `evaluationClosed`): tiers the evaluated patent, records the tier
 * with its inputs, and emails the institution the outcome with the evaluations' feedback. Payload:
 * `{ event: PipelineEvent, executionArn }` (docs/pipeline.md). A replayed event answers `duplicate`.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../shared/powertools.ts';
import { tierPatent } from './promotion.ts';
import { promotionDeps } from './promotion-deps.ts';

const deps = promotionDeps();

export interface TierPatentPayload {
  event: { eventId: string; type: string; applicationNumber: string };
  executionArn?: string;
}

export const handler = middy(async (payload: TierPatentPayload) => {
  const { event } = payload;
  if (event?.type !== 'evaluationClosed' || !event.applicationNumber || !event.eventId)
    throw new Error(
      `tierPatent handles evaluationClosed events with applicationNumber and eventId; got ${JSON.stringify(event)}`,
    );
  const result = await tierPatent(deps, {
    applicationNumber: event.applicationNumber,
    eventId: event.eventId,
    ...(payload.executionArn ? { executionArn: payload.executionArn } : {}),
  });
  logger.info('patent tiered', { ...result });
  return result;
}).use(injectLambdaContext(logger));
