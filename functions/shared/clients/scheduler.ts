/** The EventBridge Scheduler client, created once per container (see ./dynamodb.ts). */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { traced } from '../powertools.ts';

export const scheduler = traced(new SchedulerClient({}));
