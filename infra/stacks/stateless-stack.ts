/**
 * The code and its wiring, all derived from infra/resources.ts: one AppFunction per declared function
 * (bound to exactly the resources it declares), the HTTP API and its routes, the S3 notifications,
 * the stream consumers, the workflows, the schedules and the alarms. Nothing here holds data, so the
 * stack can be deleted and redeployed at will; the stateful resources are imported by export name.
 */
import { readFileSync } from 'node:fs';
import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { type ITableV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Schedule, ScheduleExpression, ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { EmailIdentity } from 'aws-cdk-lib/aws-ses';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { AppFunction } from '../constructs/app-function.ts';
import { DeadLetterQueue } from '../constructs/dead-letter-queue.ts';
import { acknowledge, acknowledgeWildcardResource } from '../constructs/nag.ts';
import { OperationsAlarms } from '../constructs/operations-alarms.ts';
import { repoPath } from '../constructs/repo-path.ts';
import {
  bucketNotifications,
  buckets,
  type FunctionDeclaration,
  type FunctionName,
  functions,
  routes,
  type ScheduleDeclaration,
  scheduleGroupName,
  schedules,
  streamConsumers,
  tables,
  type WorkflowDeclaration,
  type WorkflowName,
  workflows,
} from '../resources.ts';
import { type ExportNames, keepsData } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  stage: string;
  /** Sender address of every email (context `mailFrom`), in `stateful.mailDomain`. */
  mailFrom: string;
  /** Operator address for alarms (context `alarmEmail`). */
  alarmEmail?: string;
  /** What this stack uses of the stateful stack: its export names and the SES identity domain. */
  stateful: { exportNames: ExportNames; mailDomain: string };
}

/** API Gateway throttling of the whole stage (per-account limits apply on top). */
const apiThrottle = { rateLimit: 200, burstLimit: 400 };

export class StatelessStack extends Stack {
  readonly functions: Record<FunctionName, AppFunction>;
  readonly workflows: Record<WorkflowName, StateMachine>;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  readonly scheduleGroup: ScheduleGroup;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const names = props.stateful.exportNames;
    const retain = keepsData(stage);
    const logsRemovalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // --- the stateful resources, imported by export name ---------------------------------------
    const tableRefs = mapEntries(
      tables,
      (name, declaration): ITableV2 =>
        TableV2.fromTableAttributes(this, `${pascal(name)}Table`, {
          tableArn: Fn.importValue(names.tableArn(name)),
          tableStreamArn: 'stream' in declaration ? Fn.importValue(names.tableStreamArn(name)) : undefined,
          grantIndexPermissions: declaration.globalIndexes.length > 0,
        }),
    );
    const bucketRefs = mapEntries(
      buckets,
      (name): IBucket =>
        Bucket.fromBucketAttributes(this, `${pascal(name)}Bucket`, {
          bucketArn: Fn.importValue(names.bucketArn(name)),
          bucketName: Fn.importValue(names.bucketName(name)),
        }),
    );
    const mailIdentity = EmailIdentity.fromEmailIdentityName(this, 'MailIdentity', props.stateful.mailDomain);
    const alarms = new OperationsAlarms(this, 'Alarms', { email: props.alarmEmail });

    this.scheduleGroup = new ScheduleGroup(this, 'ScheduleGroup', {
      scheduleGroupName: scheduleGroupName(stage),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // --- functions, bound to what they declare --------------------------------------------------
    this.functions = mapEntries(functions, (name, declaration: FunctionDeclaration) => {
      const fn = new AppFunction(this, pascal(name), { declaration, stage, retainLogs: retain });
      for (const [table, access] of entriesOf(declaration.tables ?? {})) {
        fn.bindTable({ table: tableRefs[table], name: table, access });
      }
      for (const [bucket, access] of entriesOf(declaration.buckets ?? {})) {
        fn.bindBucket({ bucket: bucketRefs[bucket], name: bucket, access });
      }
      if (declaration.sendsMail) fn.allowSendMail({ identity: mailIdentity, from: props.mailFrom });
      if (declaration.readsSchedules) fn.allowReadSchedules({ group: this.scheduleGroup });
      if (declaration.readsUserDirectory)
        fn.allowReadUserDirectory({ userPoolId: Fn.importValue(names.userPoolId) });
      alarms.watchFunction(fn.lambda, pascal(name));
      return fn;
    });

    // --- workflows --------------------------------------------------------------------------------
    this.workflows = mapEntries(workflows, (name, declaration) =>
      this.workflow(name, declaration, stage, logsRemovalPolicy),
    );
    for (const [name, stateMachine] of entriesOf(this.workflows))
      alarms.watchWorkflow(stateMachine, pascal(name));
    for (const [name, declaration] of entriesOf(functions as Record<FunctionName, FunctionDeclaration>)) {
      for (const workflow of declaration.workflows ?? []) {
        this.functions[name].allowStartWorkflow({ stateMachine: this.workflows[workflow], name: workflow });
      }
    }

    // --- HTTP API -------------------------------------------------------------------------------
    const userPoolId = Fn.importValue(names.userPoolId);
    const authorizer = new HttpJwtAuthorizer(
      'CognitoAuthorizer',
      `https://cognito-idp.${this.region}.${this.urlSuffix}/${userPoolId}`,
      {
        authorizerName: 'cognito',
        jwtAudience: [Fn.importValue(names.userPoolClientId)],
      },
    );
    this.api = new HttpApi(this, 'Api', {
      apiName: `patents-${stage}`,
      description: `Patent revitalization API (${stage})`,
      createDefaultStage: false,
      // Bearer tokens, no cookies: any origin may call, the token is the credential.
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.ANY],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      // China's Cybersecurity Law asks for network logs to be kept at least six months.
      retention: RetentionDays.SIX_MONTHS,
      removalPolicy: logsRemovalPolicy,
    });
    this.apiStage = new HttpStage(this, 'ApiStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: apiThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
    alarms.watchApi(this.api);
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of routes) {
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(
          `${pascal(route.function)}Integration`,
          this.functions[route.function].lambda,
        );
        integrations.set(route.function, integration);
      }
      const httpRoute = new HttpRoute(this, `Route${route.method}${route.path}`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration,
        authorizer: route.roles === 'public' ? new HttpNoneAuthorizer() : authorizer,
      });
      if (route.roles === 'public') {
        acknowledge(
          httpRoute,
          'APIG4',
          `${route.method} ${route.path} is declared public in infra/resources.ts (${route.summary}): it must answer without a token, e.g. for uptime checks and API documentation, and returns no tenant data.`,
        );
      }
    }

    // --- S3 object-created notifications ----------------------------------------------------------
    // On the imported bucket, so that the notification (and its permission) live in this stack and
    // the stateful stack never references a function.
    for (const notification of bucketNotifications) {
      bucketRefs[notification.bucket].addEventNotification(
        EventType.OBJECT_CREATED,
        new LambdaDestination(this.functions[notification.function].lambda),
        { prefix: notification.prefix },
      );
    }
    this.acknowledgeBucketNotificationsHandler();

    // --- async invocations (S3 events, scheduler): failures go to a dead-letter queue -------------
    const invokedAsynchronously = new Set<FunctionName>([
      ...bucketNotifications.map((n) => n.function),
      ...Object.values(schedules as Record<string, ScheduleDeclaration>).flatMap((s) =>
        'function' in s.target ? [s.target.function] : [],
      ),
    ]);
    for (const name of invokedAsynchronously) {
      const deadLetters = new DeadLetterQueue(this, `${pascal(name)}AsyncDeadLetters`);
      this.functions[name].lambda.configureAsyncInvoke({
        onFailure: new SqsDestination(deadLetters),
        retryAttempts: 2,
      });
      alarms.watchDeadLetters(deadLetters, `${name} (async invocations)`);
    }

    // --- DynamoDB stream consumers ----------------------------------------------------------------
    for (const consumer of streamConsumers) {
      const deadLetters = new DeadLetterQueue(this, `${pascal(consumer.function)}StreamDeadLetters`);
      const fn = this.functions[consumer.function];
      fn.lambda.addEventSource(
        new DynamoEventSource(tableRefs[consumer.table], {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: consumer.batchSize,
          retryAttempts: consumer.retryAttempts,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          filters: [
            FilterCriteria.filter(structuredClone(consumer.filterPattern) as Record<string, unknown>),
          ],
          onFailure: new SqsDlq(deadLetters),
        }),
      );
      acknowledgeWildcardResource(
        fn.role,
        '*',
        '',
        'dynamodb:ListStreams (granted with stream reads) supports no resource-level permissions.',
      );
      alarms.watchDeadLetters(deadLetters, `${consumer.function} (${consumer.table} stream)`);
    }

    // --- schedules --------------------------------------------------------------------------------
    for (const [name, declaration] of entriesOf(schedules as Record<string, ScheduleDeclaration>)) {
      const deadLetters = new DeadLetterQueue(this, `${pascal(name)}ScheduleDeadLetters`);
      // An own role (not CDK's shared one) so that its one wildcard is acknowledged right here.
      const role = new Role(this, `${pascal(name)}ScheduleRole`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      });
      const delivery = {
        role,
        deadLetterQueue: deadLetters,
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      };
      let target: LambdaInvoke | StepFunctionsStartExecution;
      if ('function' in declaration.target) {
        const fn = this.functions[declaration.target.function];
        target = new LambdaInvoke(fn.lambda, delivery);
        acknowledgeWildcardResource(
          role,
          fn.lambda.functionArn,
          ':*',
          `lambda:InvokeFunction on the versions and aliases of ${fn.node.id}, the target of schedule ${name} (CDK grantInvoke).`,
        );
      } else {
        target = new StepFunctionsStartExecution(this.workflows[declaration.target.workflow], delivery);
      }
      new Schedule(this, `${pascal(name)}Schedule`, {
        scheduleGroup: this.scheduleGroup,
        schedule: ScheduleExpression.expression(declaration.cron, TimeZone.of(declaration.timezone)),
        description: declaration.description,
        target,
      });
      alarms.watchDeadLetters(deadLetters, `schedule ${name}`);
    }

    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'ScheduleGroupName', { value: this.scheduleGroup.scheduleGroupName });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarms.topic.topicArn,
      description: 'Subscribe operators here',
    });
  }

  private workflow(
    name: WorkflowName,
    declaration: WorkflowDeclaration,
    stage: string,
    removalPolicy: RemovalPolicy,
  ): StateMachine {
    const logGroup = new LogGroup(this, `${pascal(name)}WorkflowLogs`, {
      // The /aws/vendedlogs/ prefix keeps CloudWatch Logs resource policies small (AWS guidance).
      logGroupName: `/aws/vendedlogs/states/patents-${stage}-${name}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    const taskFunctions = entriesOf(declaration.tasks).map(
      ([variable, fn]) => [variable, this.functions[fn]] as const,
    );
    const stateMachine = new StateMachine(this, `${pascal(name)}Workflow`, {
      stateMachineType: StateMachineType[declaration.type],
      // Inline (not an S3 asset) so that the template, cdk diff and the tests show the definition.
      definitionBody: DefinitionBody.fromString(readFileSync(repoPath(declaration.file), 'utf8')),
      definitionSubstitutions: Object.fromEntries(
        taskFunctions.map(([variable, fn]) => [variable, fn.lambda.functionArn]),
      ),
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    for (const [, fn] of taskFunctions) {
      fn.lambda.grantInvoke(stateMachine);
      acknowledgeWildcardResource(
        stateMachine.role,
        fn.lambda.functionArn,
        ':*',
        `lambda:InvokeFunction on the versions and aliases of ${fn.node.id}, a task of the ${name} workflow (CDK grantInvoke).`,
      );
    }
    acknowledgeWildcardResource(
      stateMachine.role,
      '*',
      '',
      'Step Functions log delivery (logs:CreateLogDelivery, PutResourcePolicy, DescribeLogGroups ...) and X-Ray tracing (xray:PutTraceSegments ...) support no resource-level permissions.',
    );
    return stateMachine;
  }

  /** The singleton Lambda that CDK uses to configure notifications on imported buckets. */
  private acknowledgeBucketNotificationsHandler(): void {
    const handler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (!handler) return;
    acknowledge(
      handler,
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'CDK-provided handler that configures S3 notifications at deploy time; it uses AWSLambdaBasicExecutionRole for its own logs.',
    );
    acknowledge(
      handler,
      'IAM5[Resource::*]',
      'CDK-provided handler: s3:PutBucketNotification is granted on "*" by CDK; it only runs during deployment.',
    );
  }
}

function pascal(name: string): string {
  return name
    .replace(/(^|[-_])(\w)/g, (_, __, c: string) => c.toUpperCase())
    .replace(/^\w/, (c) => c.toUpperCase());
}

function entriesOf<K extends string, V>(record: Partial<Record<K, V>>): Array<[K, V]> {
  return Object.entries(record) as Array<[K, V]>;
}

function mapEntries<K extends string, V, R>(
  record: Record<K, V>,
  map: (key: K, value: V) => R,
): Record<K, R> {
  return Object.fromEntries(entriesOf<K, V>(record).map(([key, value]) => [key, map(key, value)])) as Record<
    K,
    R
  >;
}
