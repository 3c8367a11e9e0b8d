import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

/**
 * Where events go that could not be processed after their retries (stream batches, async Lambda
 * invocations, scheduler deliveries): encrypted, TLS only, kept for the SQS maximum of 14 days so an
 * operator can inspect and redrive them. Every one of them is watched by an alarm.
 */
export class DeadLetterQueue extends Queue {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this,
      'SQS3',
      'This queue is itself a dead-letter queue: failed messages end here for inspection and redrive.',
    );
  }
}
