/** Schedule weekly-feedback (Mondays, 09:00 China time): each institution's new evaluations of the week, once. */
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { sendWeeklyFeedback } from './weekly-feedback.ts';
import { dynamoFeedbackStore } from './weekly-feedback-store.ts';

const store = dynamoFeedbackStore(documents, config.tableName('core'));

export const handler = taskHandler(async () => {
  const outcome = await sendWeeklyFeedback({ store, now: () => new Date() });
  logger.info('weekly feedback', outcome);
  return outcome;
});
