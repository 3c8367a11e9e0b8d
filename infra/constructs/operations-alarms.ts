import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

export interface OperationsAlarmsProps {
  /** Operator address subscribed to the alarm topic (context `alarmEmail`); none: subscribe later. */
  email?: string;
}

/**
 * One SNS topic for everything an operator must look at: dead letters, function errors, API 5xx,
 * failed workflow executions, stream readers falling behind, throttled functions. Nothing that fails in this system may fail silently.
 */
export class OperationsAlarms extends Construct {
  readonly topic: Topic;
  /**
   * Every alarm created, with its group: `system` for the parent stack's, else the id of the nested
   * stack that holds it (`<Area>Area`). The dashboard lists them (operations-dashboard.ts).
   */
  readonly created: Array<{ alarm: Alarm; group: string }> = [];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'Patents alarms', enforceSSL: true });
    acknowledge(
      this.topic,
      'SNS2',
      'Alarm notifications carry only alarm names and states, no personal data; CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer key only for this is not worth its cost.',
    );
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }

  /** `scope`: where the alarm is created (a nested stack keeps its own alarms); the topic stays here. */
  watchDeadLetters(queue: IQueue, what: string, scope: Construct = this): void {
    this.alarm(
      scope,
      `${queue.node.id}Alarm`,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      `${what}: messages in the dead-letter queue`,
    );
  }

  watchFunction(fn: IFunction, name: string, scope: Construct = this): void {
    this.alarm(
      scope,
      `${name}ErrorsAlarm`,
      fn.metricErrors({ period: Duration.minutes(5) }),
      `${name}: function errors`,
    );
  }

  /**
   * A stream reader falling behind: the age of the newest record it has read. DynamoDB keeps stream
   * records 24 hours; 5 minutes behind means the reader is failing, throttled or too slow.
   */
  watchStreamReader(fn: IFunction, name: string, scope: Construct = this): void {
    this.alarm(
      scope,
      `${name}IteratorAgeAlarm`,
      fn.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }),
      `${name}: stream records waiting more than 5 minutes (IteratorAge)`,
      5 * 60 * 1000,
    );
  }

  /**
   * Throttled Lambda invocations, all functions of the account and Region (AWS/Lambda Throttles with no
   * dimension). No function has reserved concurrency, so a function is throttled only when the account's
   * concurrency is exhausted, and then all of them are: one alarm sees it for every function at the
   * cost of one ($0.10 a month), where one per function would cost one per function. It also counts other
   * workloads of the account, which would be throttled alike. A function that ever gets reserved
   * concurrency needs its own Throttles alarm.
   */
  watchAccountThrottles(): void {
    this.alarm(
      this,
      'LambdaThrottlesAlarm',
      LambdaFunction.metricAllThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      'Lambda: throttled invocations in this account and Region (concurrency exhausted)',
    );
  }

  watchApi(api: IHttpApi): void {
    this.alarm(
      this,
      'ApiServerErrorsAlarm',
      api.metricServerError({ period: Duration.minutes(5) }),
      'HTTP API: 5xx responses',
      5,
    );
  }

  watchWorkflow(stateMachine: IStateMachine, name: string): void {
    this.alarm(
      this,
      `${name}FailedAlarm`,
      stateMachine.metricFailed({ period: Duration.minutes(5) }),
      `${name}: failed executions`,
    );
  }

  /**
   * The search domain (OpenSearch Service, namespace AWS/ES, dimensions DomainName and ClientId), with
   * AWS's recommended alarms that apply to it ("Recommended CloudWatch alarms for Amazon OpenSearch
   * Service", OpenSearch Service Developer Guide): red cluster status (max >= 1 for 1 minute), index
   * writes blocked (>= 1 for 5 minutes), free storage on a node at or below 25 % of its volume (min, 1
   * minute), JVM memory pressure (max >= 95 % for 3 minutes in a row). Yellow status is left out: a
   * one-node domain cannot place replicas. The domain lives in the stateful stack under a fixed name,
   * so these need no cross-stack reference.
   */
  watchSearchDomain(domainName: string, volumeGib: number): void {
    const metric = (metricName: string, statistic: string, minutes: number) =>
      new Metric({
        namespace: 'AWS/ES',
        metricName,
        dimensionsMap: { DomainName: domainName, ClientId: Stack.of(this).account },
        statistic,
        period: Duration.minutes(minutes),
      });
    this.alarm(
      this,
      'SearchClusterRedAlarm',
      metric('ClusterStatus.red', 'Maximum', 1),
      'Search domain: cluster status red (a primary shard is not allocated: searches miss patents or fail)',
    );
    this.alarm(
      this,
      'SearchWritesBlockedAlarm',
      metric('ClusterIndexWritesBlocked', 'Maximum', 5),
      'Search domain: index writes blocked (the stream writer cannot index: search results go stale)',
    );
    this.alarm(
      this,
      'SearchFreeStorageAlarm',
      metric('FreeStorageSpace', 'Minimum', 1),
      `Search domain: a node has 25 % or less of its ${volumeGib} GiB free (FreeStorageSpace, MiB)`,
      { threshold: volumeGib * 1024 * 0.25, comparison: ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD },
    );
    this.alarm(
      this,
      'SearchJvmMemoryPressureAlarm',
      metric('JVMMemoryPressure', 'Maximum', 1),
      'Search domain: JVM memory pressure at 95 % or more for 3 minutes (out-of-memory errors ahead)',
      { threshold: 95, evaluationPeriods: 3 },
    );
  }

  private alarm(
    scope: Construct,
    id: string,
    metric: Metric,
    description: string,
    options: number | { threshold: number; evaluationPeriods?: number; comparison?: ComparisonOperator } = 1,
  ): void {
    const {
      threshold,
      evaluationPeriods = 1,
      comparison,
    } = typeof options === 'number' ? { threshold: options } : options;
    const alarm = new Alarm(scope, id.replace(/[^A-Za-z0-9]/g, ''), {
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator: comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    const stack = Stack.of(scope);
    this.created.push({ alarm, group: stack === Stack.of(this) ? 'system' : stack.node.id });
  }
}
