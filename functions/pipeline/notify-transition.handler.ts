/** Pipeline task `NotifyTransition` (dealRecorded, filingConfirmed, productFiled): emails the institution. */
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { notifyTransition } from './notify.ts';
import { notifyDeps } from './pipeline-deps.ts';
import { taskInput } from './task.ts';

const deps = notifyDeps();

export const handler = taskHandler(async (payload: unknown) => {
  const { event } = taskInput(payload, 'NotifyTransition', [
    'dealRecorded',
    'filingConfirmed',
    'productFiled',
  ]);
  const result = await notifyTransition(deps, event);
  logger.info('transition notified', result);
  return result;
});
