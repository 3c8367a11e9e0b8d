/** The EventBridge Scheduler client, created once per container (see ./dynamodb.ts). */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { tracer } from '../powertools.ts';

export const scheduler = tracer.captureAWSv3Client(new SchedulerClient({}));
