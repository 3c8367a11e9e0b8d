/**
 * The code and its wiring, all derived from infra/resources.ts. The functions live in one nested
 * stack per area (infra/stacks/area-stack.ts: each AppFunction bound to exactly the resources it
 * declares, its alarms, dead letters and stream consumers); this parent holds what they share: the
 * HTTP API and its routes, the S3 notifications, the workflows, the schedules and the alarm topic.
 * The parent sees a function only through its area's named ARN output. Nothing here holds data, so
 * the stack can be deleted and redeployed at will; the stateful resources are imported by export name.
 */

import { readFileSync } from 'node:fs';
import { Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
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
import type { Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { pascal } from '../cloud-assembly.ts';
import type { AppFunction } from '../constructs/app-function.ts';
import { DeadLetterQueue } from '../constructs/dead-letter-queue.ts';
import { acknowledge, acknowledgeWildcardResource } from '../constructs/nag.ts';
import { OperationsAlarms } from '../constructs/operations-alarms.ts';
import { OperationsDashboard } from '../constructs/operations-dashboard.ts';
import { repoPath } from '../constructs/repo-path.ts';
import type { Deployment } from '../deployment.ts';
import { apiCors } from '../resources/cors.ts';
import {
  bucketNotifications,
  buckets,
  type FunctionDeclaration,
  type FunctionName,
  functionDefaults,
  functions,
  lambdaInvokeArn,
  routes,
  type ScheduleDeclaration,
  scheduleGroupName,
  schedules,
  streamConsumers,
  type WorkflowDeclaration,
  type WorkflowName,
  workflowStateMachineName,
  workflows,
  workflowVariables,
} from '../resources.ts';
import { AreaStack, areaOf, entriesOf } from './area-stack.ts';
import { type ExportNames, keepsData, searchDomainName, searchVolumeGib } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  /** The deployment choices (infra/deployment.ts): stage, identity provider, mail transport, alarm email. */
  deployment: Deployment;
  /** What this stack uses of the stateful stack: its export names. */
  stateful: { exportNames: ExportNames };
}

/** API Gateway throttling of the whole stage (per-account limits apply on top). */
const apiThrottle = { rateLimit: 200, burstLimit: 400 };

/**
 * An HTTP API waits at most 30 s for a Lambda integration (a hard limit), then answers 503 while the
 * function runs on, billed, and its result is lost. A function behind a route must end before that.
 */
export const maxRouteTimeoutSeconds = 29;

/** Throws, naming every offender, when a function behind a route may run longer than the API waits. */
export function assertRouteTimeouts(
  deployedRoutes: ReadonlyArray<{ method: string; path: string; function: string }>,
  declarations: Readonly<Record<string, FunctionDeclaration>>,
): void {
  const offenders = deployedRoutes.flatMap((route) => {
    const timeout = declarations[route.function]?.timeoutSeconds ?? functionDefaults.timeoutSeconds;
    return timeout > maxRouteTimeoutSeconds
      ? [`${route.method} ${route.path} -> ${route.function} (timeoutSeconds ${timeout})`]
      : [];
  });
  if (offenders.length > 0)
    throw new Error(
      `A function behind an HTTP API route must time out within ${maxRouteTimeoutSeconds} s (the HTTP API integration limit is 30 s); move longer work to a workflow or an asynchronous job: ${offenders.join('; ')}`,
    );
}

/**
 * DynamoDB Streams advises at most two simultaneous readers per shard (more are throttled, adding
 * latency). The system uses one per stream, which fans out in process; a second stays free.
 */
export const maxReadersPerStream = 2;

/** Throws when a table's stream has more readers than DynamoDB Streams advises. */
export function assertStreamReaders(consumers: ReadonlyArray<{ table: string; function: string }>): void {
  // No Map.groupBy: `cdk synth` may run the app on the machine's Node 20.
  const byTable = new Map<string, Array<{ table: string; function: string }>>();
  for (const c of consumers) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  for (const [table, readers] of byTable)
    if (readers.length > maxReadersPerStream)
      throw new Error(
        `The ${table} table's stream has ${readers.length} readers (${readers.map((r) => r.function).join(', ')}); DynamoDB Streams advises at most ${maxReadersPerStream} per shard: fan out from one reader (functions/streams/)`,
      );
}

export class StatelessStack extends Stack {
  readonly functions: Record<FunctionName, AppFunction>;
  readonly areas: Record<string, AreaStack>;
  readonly workflows: Record<WorkflowName, StateMachine>;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  readonly scheduleGroup: ScheduleGroup;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { deployment } = props;
    const { stage } = deployment;
    const names = props.stateful.exportNames;
    const retain = keepsData(stage);
    const logsRemovalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // The buckets whose notifications live here (on the imported bucket, so that the stateful stack
    // never references a function).
    const bucketRefs = mapEntries(
      buckets,
      (name): IBucket =>
        Bucket.fromBucketAttributes(this, `${pascal(name)}Bucket`, {
          bucketArn: Fn.importValue(names.bucketArn(name)),
          bucketName: Fn.importValue(names.bucketName(name)),
        }),
    );
    const alarms = new OperationsAlarms(this, 'Alarms', { email: deployment.alarmEmail });
    alarms.watchAccountThrottles();

    this.scheduleGroup = new ScheduleGroup(this, 'ScheduleGroup', {
      scheduleGroupName: scheduleGroupName(stage),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    assertStreamReaders(streamConsumers);
    // --- functions: one nested stack per area (functions/<area>/), bound to what they declare ---
    const invokedAsynchronously = new Set<FunctionName>([
      ...bucketNotifications.map((n) => n.function),
      ...Object.values(schedules as Record<string, ScheduleDeclaration>).flatMap((s) =>
        'function' in s.target ? [s.target.function] : [],
      ),
    ]);
    const byArea = new Map<string, Array<[FunctionName, FunctionDeclaration]>>();
    for (const [name, declaration] of entriesOf(functions as Record<FunctionName, FunctionDeclaration>)) {
      const area = areaOf(declaration);
      byArea.set(area, [...(byArea.get(area) ?? []), [name, declaration]]);
    }
    this.areas = {};
    const appFunctions: Partial<Record<FunctionName, AppFunction>> = {};
    for (const [area, areaFunctions] of byArea) {
      const members = new Set(areaFunctions.map(([name]) => name));
      const nested = new AreaStack(this, `${pascal(area)}Area`, {
        description: `Patent revitalization (${stage}): functions of the ${area} area`,
        stage,
        retainLogs: retain,
        exportNames: names,
        deployment,
        alarms,
        scheduleGroup: this.scheduleGroup,
        functions: areaFunctions,
        invokedAsynchronously,
        streamConsumers: streamConsumers.filter((c) => members.has(c.function)),
      });
      this.areas[area] = nested;
      Object.assign(appFunctions, nested.functions);
    }
    this.functions = appFunctions as Record<FunctionName, AppFunction>;

    // --- workflows --------------------------------------------------------------------------------
    this.workflows = mapEntries(workflows, (name, declaration) =>
      this.workflow(name, declaration, stage, logsRemovalPolicy),
    );
    for (const [name, stateMachine] of entriesOf(this.workflows))
      alarms.watchWorkflow(stateMachine, pascal(name));

    // --- HTTP API -------------------------------------------------------------------------------
    const identity = deployment.identity;
    const authorizer =
      identity.provider === 'cognito'
        ? new HttpJwtAuthorizer(
            'CognitoAuthorizer',
            `https://cognito-idp.${this.region}.${this.urlSuffix}/${Fn.importValue(names.userPoolId)}`,
            { authorizerName: 'cognito', jwtAudience: [Fn.importValue(names.userPoolClientId)] },
          )
        : // API Gateway reads <issuer>/.well-known/openid-configuration for the JWKS and checks iss, aud, exp.
          new HttpJwtAuthorizer('OidcAuthorizer', identity.issuer, {
            authorizerName: 'oidc',
            jwtAudience: identity.audience,
          });
    this.api = new HttpApi(this, 'Api', {
      apiName: `patents-${stage}`,
      description: `Patent revitalization API (${stage})`,
      createDefaultStage: false,
      // infra/resources/cors.ts: the local API answers preflights from the same declaration.
      corsPreflight: {
        allowOrigins: [...apiCors.allowOrigins],
        allowMethods: apiCors.allowMethods.map(() => CorsHttpMethod.ANY),
        allowHeaders: [...apiCors.allowHeaders],
        exposeHeaders: [...apiCors.exposeHeaders],
        maxAge: Duration.seconds(apiCors.maxAgeSeconds),
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
    alarms.watchSearchDomain(searchDomainName(stage), searchVolumeGib);
    assertRouteTimeouts(routes, functions as Record<FunctionName, FunctionDeclaration>);
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of routes) {
      let integration = integrations.get(route.function);
      if (!integration) {
        // The integration's own permission would land in this stack, one per route (~100 of this
        // stack's 500 resources): the function's area grants it instead, below.
        integration = new HttpLambdaIntegration(
          `${pascal(route.function)}Integration`,
          LambdaFunction.fromFunctionAttributes(this, `${pascal(route.function)}RouteTarget`, {
            functionArn: this.areas[areaOf(functions[route.function] as FunctionDeclaration)]!.functionArn(
              route.function,
            ),
            skipPermissions: true,
          }),
        );
        integrations.set(route.function, integration);
      }
      const httpRoute = new HttpRoute(this, `Route${route.method}${route.path}`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration,
        authorizer: route.roles === 'public' ? new HttpNoneAuthorizer() : authorizer,
      });
      // API Gateway may invoke the function for this route only: the permission HttpLambdaIntegration
      // would add (same source ARN), created in the function's area stack.
      this.functions[route.function].lambda.addPermission(`ApiInvoke${route.method}${route.path}`, {
        principal: new ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: Stack.of(this).formatArn({
          service: 'execute-api',
          resource: this.api.apiId,
          resourceName: `*/*${route.path}`,
        }),
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
        new LambdaDestination(this.functionRef(notification.function)),
        { prefix: notification.prefix },
      );
    }
    this.acknowledgeBucketNotificationsHandler();

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
        ...(declaration.input ? { input: ScheduleTargetInput.fromObject(declaration.input) } : {}),
      };
      let target: LambdaInvoke | StepFunctionsStartExecution;
      if ('function' in declaration.target) {
        const fn = this.functionRef(declaration.target.function);
        target = new LambdaInvoke(fn, delivery);
        acknowledgeWildcardResource(
          role,
          fn.functionArn,
          ':*',
          `lambda:InvokeFunction on the versions and aliases of ${declaration.target.function}, the target of schedule ${name} (CDK grantInvoke).`,
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

    // --- dashboard: the business metrics and every alarm above (and in the area stacks) ------------
    this.dashboard = new OperationsDashboard(this, 'Operations', { stage, alarms }).dashboard;

    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'ScheduleGroupName', { value: this.scheduleGroup.scheduleGroupName });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarms.topic.topicArn,
      description: 'Subscribe operators here',
    });
    new CfnOutput(this, 'DashboardName', {
      value: this.dashboard.dashboardName,
      description: 'CloudWatch dashboard: business metrics and alarms (docs/operations.md)',
    });
  }

  private workflow(
    name: WorkflowName,
    declaration: WorkflowDeclaration,
    stage: string,
    removalPolicy: RemovalPolicy,
  ): StateMachine {
    const logGroup = new LogGroup(this, `${pascal(name)}WorkflowLogs`, {
      // The /aws/vendedlogs/ prefix keeps CloudWatch Logs resource policies small (AWS guidance). The
      // name ends with the id of this stack's deployment (the UUID of AWS::StackId): a retained group
      // of an earlier, deleted stack keeps its name and no longer makes the create of this one fail.
      logGroupName: `/aws/vendedlogs/states/patents-${stage}-${name}-${this.deploymentId}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    const taskFunctions = entriesOf(declaration.tasks).map(
      ([variable, fn]) => [variable, fn, this.functionRef(fn)] as const,
    );
    const stateMachine = new StateMachine(this, `${pascal(name)}Workflow`, {
      stateMachineName: workflowStateMachineName(stage, name),
      stateMachineType: StateMachineType[declaration.type],
      // Inline (not an S3 asset) so that the template, cdk diff and the tests show the definition.
      definitionBody: DefinitionBody.fromString(readFileSync(repoPath(declaration.file), 'utf8')),
      // The Lambda invoke integration in this stack's partition (aws-cn in AWS China): the definitions
      // hold no literal partition.
      definitionSubstitutions: {
        [workflowVariables.lambdaInvoke]: lambdaInvokeArn(Aws.PARTITION),
        ...Object.fromEntries(taskFunctions.map(([variable, , fn]) => [variable, fn.functionArn])),
      },
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    for (const [, fnName, fn] of taskFunctions) {
      fn.grantInvoke(stateMachine);
      acknowledgeWildcardResource(
        stateMachine.role,
        fn.functionArn,
        ':*',
        `lambda:InvokeFunction on the versions and aliases of ${fnName}, a task of the ${name} workflow (CDK grantInvoke).`,
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

  /** The UUID of this stack's deployment (last part of AWS::StackId): new when the stack is re-created. */
  private get deploymentId(): string {
    return Fn.select(2, Fn.split('/', this.stackId));
  }

  private readonly functionRefs = new Map<FunctionName, IFunction>();
  /** A function of an area stack as the parent sees it: its ARN through the area's named output. */
  private functionRef(name: FunctionName): IFunction {
    let ref = this.functionRefs.get(name);
    if (!ref) {
      const area = this.areas[areaOf(functions[name] as FunctionDeclaration)]!;
      ref = LambdaFunction.fromFunctionAttributes(this, `${pascal(name)}Ref`, {
        functionArn: area.functionArn(name),
        sameEnvironment: true,
      });
      this.functionRefs.set(name, ref);
    }
    return ref;
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

function mapEntries<K extends string, V, R>(
  record: Record<K, V>,
  map: (key: K, value: V) => R,
): Record<K, R> {
  return Object.fromEntries(entriesOf<K, V>(record).map(([key, value]) => [key, map(key, value)])) as Record<
    K,
    R
  >;
}
