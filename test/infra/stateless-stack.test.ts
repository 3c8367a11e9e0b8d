/**
 * The stateless stack: each declared function with its runtime defaults and exactly the access it
 * declares, each route behind the JWT authorizer unless public, the workflows with their task
 * functions substituted, the schedules, the stream consumers, the S3 notifications and their
 * dead-letter queues. Bundling is skipped ('aws:cdk:bundling-stacks': []) so the suite is fast.
 */
import { readFileSync } from 'node:fs';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { repoPath } from '../../infra/constructs/repo-path.ts';
import {
  type Access,
  type BucketName,
  bucketNotifications,
  buckets,
  envNames,
  type FunctionDeclaration,
  type FunctionName,
  functions,
  routes,
  type ScheduleDeclaration,
  scheduleGroupName,
  schedules,
  streamConsumers,
  type TableName,
  tables,
  type WorkflowDeclaration,
  type WorkflowName,
  workflows,
} from '../../infra/resources.ts';
import type { AreaStack } from '../../infra/stacks/area-stack.ts';
import { exportNames, searchDomainName, searchVolumeGib } from '../../infra/stacks/stateful-stack.ts';
import {
  assertRouteTimeouts,
  assertStreamReaders,
  maxRouteTimeoutSeconds,
} from '../../infra/stacks/stateless-stack.ts';
import { batchKinds } from '../../schemas/batch-job.ts';
import {
  businessMetricNames,
  businessMetrics,
  metricsNamespace,
  serviceName,
} from '../../schemas/business-metrics.ts';
import { lifecycleEvents } from '../../schemas/lifecycle.ts';
import { type RouteDeclaration, takesCursor } from '../../schemas/routes/route.ts';

/** Synthesized CloudFormation JSON, navigated freely by the assertions. */
// biome-ignore lint/suspicious/noExplicitAny: template JSON has no static type
type TemplateJson = Record<string, any>;

const context = (stage: string) => ({
  'aws:cdk:bundling-stacks': [],
  stage,
  mailFrom: 'noreply@patents.example.cn',
  mailDomain: 'patents.example.cn',
});

const stage = 'test';
const { stateless } = buildApp(context(stage));
/** The parent stack: API, routes, workflows, schedules, notifications. */
const template = Template.fromStack(stateless);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: TemplateJson }>;
const names = exportNames(stage);
const importOf = (exportName: string) => ({ 'Fn::ImportValue': exportName });

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  Stack.of(construct as never).resolve((construct.node.defaultChild as CfnElement).logicalId) as string;

/** The nested stack of a function's area, its template and its resources. */
const areaStacks = Object.values(stateless.areas);
const areaTemplates = new Map(areaStacks.map((area) => [area, Template.fromStack(area)] as const));
const areaOfFunction = (name: FunctionName) => Stack.of(stateless.functions[name].lambda) as AreaStack;
const templateOf = (name: FunctionName) => areaTemplates.get(areaOfFunction(name))!;
const resourcesOf = (name: FunctionName) =>
  templateOf(name).toJSON().Resources as Record<string, { Type: string; Properties: TemplateJson }>;
const functionId = (name: FunctionName) => logicalId(stateless.functions[name].lambda);
const roleId = (name: FunctionName) => logicalId(stateless.functions[name].role);
/** How the parent refers to a function: the named ARN output of its area stack. */
const arnRef = (name: FunctionName) => ({
  'Fn::GetAtt': [
    stateless.resolve(areaOfFunction(name).nestedStackResource!.logicalId) as string,
    `Outputs.${name.charAt(0).toUpperCase()}${name.slice(1)}Arn`,
  ],
});

/** Functions behind a list route: they sign cursors with the key in the stateful stack's secret. */
const listingFunctions = new Set<string>([
  ...(routes as readonly RouteDeclaration[]).filter(takesCursor).map((route) => route.function),
  // The spot-check sampler derives its sample key from the same secret (issue 14).
  'assignSpotChecks',
]);
const functionEntries = Object.entries(functions) as Array<[FunctionName, FunctionDeclaration]>;
const workflowEntries = Object.entries(workflows) as Array<[WorkflowName, WorkflowDeclaration]>;
const scheduleEntries = Object.entries(schedules) as Array<[string, ScheduleDeclaration]>;

/** Every (action, resource) pair the role of a function is allowed, resources as JSON. */
function allowedPairs(name: FunctionName): Array<{ action: string; resource: string }> {
  return Object.values(resourcesOf(name))
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => JSON.stringify(r.Properties.Roles).includes(`"${roleId(name)}"`))
    .flatMap(
      (r) =>
        r.Properties.PolicyDocument.Statement as Array<{
          Effect: string;
          Action: string | string[];
          Resource: unknown;
        }>,
    )
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) =>
      [s.Action]
        .flat()
        .flatMap((action) =>
          [s.Resource].flat().map((resource) => ({ action, resource: JSON.stringify(resource) })),
        ),
    );
}
const actionsOn = (name: FunctionName, resourceFragment: string) =>
  allowedPairs(name)
    .filter((p) => p.resource.includes(resourceFragment))
    .map((p) => p.action);

describe('StatelessStack', () => {
  it('passes cdk-nag (AwsSolutions) with no unacknowledged finding, in dev and in prod', () => {
    for (const s of ['dev', 'prod']) {
      const { app } = buildApp(context(s));
      expect(() => app.synth()).not.toThrow();
    }
  });

  it('keeps every stack well under the CloudFormation limit of 500 resources', () => {
    // The limit fails a deploy, not a synth: keep a margin so that the next routes do not hit it. A
    // route costs this stack two resources (route, integration); its invoke permission is in the area.
    expect(Object.keys(resources).length).toBeLessThan(400);
    const sizes = [...areaTemplates].map(([area, areaTemplate]) => ({
      area: area.node.id,
      resources: Object.keys(areaTemplate.toJSON().Resources).length,
    }));
    expect(sizes.filter((s) => s.resources >= 400)).toEqual([]);
  });

  it('puts each function in the nested stack of its area (its folder under functions/)', () => {
    for (const [name, declaration] of functionEntries)
      expect(areaOfFunction(name).node.id).toBe(
        `${declaration.entry.split('/')[1]!.replace(/^\w/, (c) => c.toUpperCase())}Area`,
      );
  });

  describe.each(functionEntries)('function %s', (name, declaration) => {
    it('runs Node.js 24 on arm64 with active tracing, its own log group and the Powertools settings', () => {
      const fn = resourcesOf(name)[functionId(name)]!;
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        MemorySize: declaration.memoryMb ?? 512,
        Timeout: declaration.timeoutSeconds ?? 10,
        Environment: {
          Variables: expect.objectContaining({
            STAGE: stage,
            POWERTOOLS_SERVICE_NAME: 'patents',
            POWERTOOLS_METRICS_NAMESPACE: 'Patents',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            // The Powertools Tracer is a deployment choice (sdkTracing), off by default.
            POWERTOOLS_TRACE_ENABLED: 'false',
            NODE_OPTIONS: '--enable-source-maps',
          }),
        },
      });
      const logGroupId = logicalId(stateless.functions[name].logGroup);
      expect(fn.Properties.LoggingConfig).toEqual({
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        LogGroup: { Ref: logGroupId },
      });
      expect(resourcesOf(name)[logGroupId]!.Properties.RetentionInDays).toBe(30);
      expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId(name), 'Arn'] });
    });

    it('gets exactly the environment variables of the resources it declares', () => {
      const expected = [
        'STAGE',
        'POWERTOOLS_SERVICE_NAME',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_TRACE_ENABLED',
        'NODE_OPTIONS',
        'IDENTITY_PROVIDER',
        ...Object.keys(declaration.tables ?? {}).map((t) => envNames.table(t as TableName)),
        ...Object.keys(declaration.buckets ?? {}).map((b) => envNames.bucket(b as BucketName)),
        ...(declaration.workflows ?? []).map((w) => envNames.workflow(w)),
        ...(declaration.sendsMail ? ['MAIL_TRANSPORT', 'MAIL_FROM'] : []),
        ...(declaration.readsSchedules ? ['SCHEDULE_GROUP'] : []),
        ...(declaration.readsUserDirectory ? ['USER_POOL_ID'] : []),
        ...(listingFunctions.has(name) ? ['CURSOR_SIGNING_SECRET_ARN'] : []),
        ...(declaration.search ? ['SEARCH_ENGINE', 'SEARCH_ENDPOINT'] : []),
      ];
      const variables = resourcesOf(name)[functionId(name)]!.Properties.Environment.Variables;
      expect(Object.keys(variables).sort()).toEqual(expected.sort());
      if (declaration.sendsMail)
        expect(variables).toMatchObject({ MAIL_TRANSPORT: 'ses', MAIL_FROM: 'noreply@patents.example.cn' });
      if (declaration.readsSchedules) expect(variables.SCHEDULE_GROUP).toBe(scheduleGroupName(stage));
      expect(variables.IDENTITY_PROVIDER).toBe('cognito');
      if (declaration.search)
        expect(variables).toMatchObject({
          SEARCH_ENGINE: 'opensearch',
          SEARCH_ENDPOINT: importOf(names.searchDomainEndpoint),
        });
    });

    it('reads the cursor signing secret (GetSecretValue only) if and only if it lists', () => {
      const secret = JSON.stringify(importOf(names.cursorSigningSecretArn));
      const onSecret = allowedPairs(name).filter((p) => p.resource === secret);
      expect(onSecret.map((p) => p.action)).toEqual(
        listingFunctions.has(name) ? ['secretsmanager:GetSecretValue'] : [],
      );
      const variables = resourcesOf(name)[functionId(name)]!.Properties.Environment.Variables;
      if (listingFunctions.has(name))
        expect(variables.CURSOR_SIGNING_SECRET_ARN).toEqual(importOf(names.cursorSigningSecretArn));
    });

    it('may write only to its own log group, not through AWSLambdaBasicExecutionRole', () => {
      const role = resourcesOf(name)[roleId(name)]!;
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      templateOf(name).hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId(name) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: { 'Fn::GetAtt': [logicalId(stateless.functions[name].logGroup), 'Arn'] },
            }),
          ]),
        },
      });
    });

    const tableAccess = Object.entries(tables).map(
      ([table]) => [table, declaration.tables?.[table as TableName]] as const,
    );
    it.each(tableAccess)('has on table %s exactly the declared access (%s)', (table, access?: Access) => {
      const actions = actionsOn(name, names.tableArn(table as TableName));
      const reads = actions.includes('dynamodb:GetItem') && actions.includes('dynamodb:Query');
      const writes = actions.includes('dynamodb:PutItem') && actions.includes('dynamodb:DeleteItem');
      expect({ reads, writes }).toEqual({
        reads: access === 'read' || access === 'readWrite',
        writes: access === 'write' || access === 'readWrite',
      });
      if (access) {
        // On the table itself (not only on a pattern that happens to contain its ARN).
        const action = access === 'write' ? 'dynamodb:PutItem' : 'dynamodb:GetItem';
        expect(allowedPairs(name)).toContainEqual({
          action,
          resource: JSON.stringify(importOf(names.tableArn(table as TableName))),
        });
      }
    });

    const bucketAccess = Object.entries(buckets).map(
      ([bucket]) => [bucket, declaration.buckets?.[bucket as BucketName]] as const,
    );
    it.each(bucketAccess)('has on bucket %s exactly the declared access (%s)', (bucket, access?: Access) => {
      const actions = actionsOn(name, names.bucketArn(bucket as BucketName));
      expect({ reads: actions.includes('s3:GetObject*'), writes: actions.includes('s3:PutObject') }).toEqual({
        reads: access === 'read' || access === 'readWrite',
        writes: access === 'write' || access === 'readWrite',
      });
    });

    it(`may send mail only if declared (${Boolean(declaration.sendsMail)})`, () => {
      const sends = allowedPairs(name).some(
        (p) => p.action === 'ses:SendEmail' && p.resource.includes(':identity/patents.example.cn'),
      );
      expect(sends).toBe(Boolean(declaration.sendsMail));
    });

    it('may start exactly the workflows it declares', () => {
      const startable = workflowEntries
        .filter(([workflow]) =>
          actionsOn(name, `:stateMachine:patents-${stage}-${workflow}"`).includes(
            'states:StartSyncExecution',
          ),
        )
        .map(([workflow]) => workflow);
      expect(startable).toEqual(declaration.workflows ?? []);
    });

    it(`may read the schedule group only if declared (${Boolean(declaration.readsSchedules)})`, () => {
      expect(allowedPairs(name).some((p) => p.action === 'scheduler:GetScheduleGroup')).toBe(
        Boolean(declaration.readsSchedules),
      );
    });

    it(`may list the user pool's groups only if declared (${Boolean(declaration.readsUserDirectory)})`, () => {
      const pairs = allowedPairs(name).filter((p) => p.action.startsWith('cognito-idp:'));
      if (!declaration.readsUserDirectory) return expect(pairs).toEqual([]);
      expect(pairs.map((p) => p.action)).toEqual(['cognito-idp:ListUsersInGroup']);
      expect(pairs[0]!.resource).toContain(':userpool/');
    });
  });

  describe('HTTP API', () => {
    const authorizerId = Object.entries(resources).find(
      ([, r]) => r.Type === 'AWS::ApiGatewayV2::Authorizer',
    )![0];

    it('verifies Cognito JWTs: issuer is the user pool, audience its client', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Audience: [importOf(names.userPoolClientId)],
          Issuer: {
            'Fn::Join': ['', Match.arrayWith(['https://cognito-idp.', importOf(names.userPoolId)])],
          },
        },
      });
    });

    it('has exactly the declared routes', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Route', routes.length);
    });

    it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', (routeKey, route) => {
      const [, resource] = Object.entries(resources).find(
        ([, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === routeKey,
      )!;
      if (route.roles === 'public') {
        expect(resource.Properties.AuthorizationType).toBe('NONE');
        expect(resource.Properties.AuthorizerId).toBeUndefined();
      } else {
        expect(resource.Properties.AuthorizationType).toBe('JWT');
        expect(resource.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
      }
      const integrationId = resource.Properties.Target['Fn::Join'][1][1].Ref as string;
      expect(resources[integrationId]!.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: arnRef(route.function),
      });
    });

    it('gives every function behind a route at most 29 s: the HTTP API waits 30 s for an integration', () => {
      const tooSlow = routes
        .map((route) => ({
          route: `${route.method} ${route.path}`,
          timeout: resourcesOf(route.function)[functionId(route.function)]!.Properties.Timeout as number,
        }))
        .filter((r) => r.timeout > maxRouteTimeoutSeconds);
      expect(tooSlow).toEqual([]);
      expect(maxRouteTimeoutSeconds).toBe(29);
    });

    it('answers the public GET /health with a function that may touch nothing (no writes, no AWS calls)', () => {
      const health = routes.find((r) => r.method === 'GET' && r.path === '/health')!;
      expect(health.roles).toBe('public');
      const declaration = functions[health.function] as FunctionDeclaration;
      expect(declaration).not.toHaveProperty('tables');
      expect(declaration).not.toHaveProperty('buckets');
      expect(declaration).not.toHaveProperty('workflows');
      expect(declaration.sendsMail ?? false).toBe(false);
      expect(declaration.readsSchedules ?? false).toBe(false);
      const actions = allowedPairs(health.function).map((p) => p.action);
      expect(actions.filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual([]);
    });

    it('keeps the deep probe (workflow round trip, table, bucket, scheduler, mail) behind GET /v1/admin/health, national admins only', () => {
      const deep = routes.find((r) => r.method === 'GET' && r.path === '/v1/admin/health')!;
      expect(deep.roles).toEqual(['national-admin']);
      expect((functions[deep.function] as FunctionDeclaration).workflows).toEqual(['system-probe']);
      const [, resource] = Object.entries(resources).find(
        ([, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === 'GET /v1/admin/health',
      )!;
      expect(resource.Properties.AuthorizationType).toBe('JWT');
    });

    it('refuses to synthesize a route whose function may run longer than the API waits', () => {
      const declarations = {
        slow: { entry: 'functions/x/slow.handler.ts', description: 'slow', timeoutSeconds: 60 },
        fast: { entry: 'functions/x/fast.handler.ts', description: 'fast' },
      };
      expect(() =>
        assertRouteTimeouts(
          [
            { method: 'GET', path: '/v1/slow', function: 'slow' },
            { method: 'GET', path: '/v1/fast', function: 'fast' },
          ],
          declarations,
        ),
      ).toThrow(/within 29 s.*GET \/v1\/slow -> slow \(timeoutSeconds 60\)$/);
      expect(() =>
        assertRouteTimeouts([{ method: 'GET', path: '/v1/fast', function: 'fast' }], declarations),
      ).not.toThrow();
    });

    it('logs every request and throttles the stage', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingBurstLimit: Match.anyValue(),
          ThrottlingRateLimit: Match.anyValue(),
        },
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
          Format: Match.stringLikeRegexp('routeKey'),
        },
      });
      expect(Object.keys(template.toJSON().Outputs)).toContain('ApiUrl');
    });
  });

  describe('alarms', () => {
    const alarmsOf = (t: Template) =>
      Object.values(
        t.toJSON().Resources as Record<string, { Type: string; Properties: TemplateJson }>,
      ).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const all = [template, ...areaTemplates.values()].flatMap(alarmsOf);

    it('alarm on throttled Lambda invocations (account-wide: no function has reserved concurrency)', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Statistic: 'Sum',
        Threshold: 1,
        AlarmActions: [Match.anyValue()],
      });
      expect(all.filter((a) => a.Properties.MetricName === 'Throttles')).toHaveLength(1);
      template.resourcePropertiesCountIs(
        'AWS::Lambda::Function',
        { ReservedConcurrentExecutions: Match.anyValue() },
        0,
      );
      for (const t of areaTemplates.values())
        t.resourcePropertiesCountIs(
          'AWS::Lambda::Function',
          { ReservedConcurrentExecutions: Match.anyValue() },
          0,
        );
    });

    it("watch the search domain with AWS's recommended alarms, by its fixed name and this account", () => {
      const search = all.filter((a) => a.Properties.Namespace === 'AWS/ES');
      expect(
        search.map((a) => [
          a.Properties.MetricName,
          a.Properties.Statistic,
          a.Properties.Period,
          a.Properties.EvaluationPeriods,
          a.Properties.ComparisonOperator,
          a.Properties.Threshold,
        ]),
      ).toEqual([
        ['ClusterStatus.red', 'Maximum', 60, 1, 'GreaterThanOrEqualToThreshold', 1],
        ['ClusterIndexWritesBlocked', 'Maximum', 300, 1, 'GreaterThanOrEqualToThreshold', 1],
        ['FreeStorageSpace', 'Minimum', 60, 1, 'LessThanOrEqualToThreshold', searchVolumeGib * 1024 * 0.25],
        ['JVMMemoryPressure', 'Maximum', 60, 3, 'GreaterThanOrEqualToThreshold', 95],
      ]);
      for (const alarm of search)
        expect(alarm.Properties.Dimensions).toEqual([
          { Name: 'ClientId', Value: { Ref: 'AWS::AccountId' } },
          { Name: 'DomainName', Value: searchDomainName(stage) },
        ]);
    });

    it('are counted in docs/operations.md (each costs about $0.10 a month)', () => {
      const doc = readFileSync(repoPath('docs/operations.md'), 'utf8');
      expect(doc).toContain(`${all.length} alarms`);
      for (const alarm of all) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    });
  });

  describe('dashboard', () => {
    const dashboards = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);

    it('is one per stage and Region, in the parent stack only', () => {
      expect(dashboards).toHaveLength(1);
      expect(dashboards[0]!.Properties.DashboardName).toEqual({
        'Fn::Join': ['', [`patents-${stage}-`, { Ref: 'AWS::Region' }]],
      });
      for (const t of areaTemplates.values()) t.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
      expect(Object.keys(template.toJSON().Outputs)).toContain('DashboardName');
    });

    it('graphs every business metric in the Powertools namespace, by service and its dimension', () => {
      for (const name of businessMetricNames) {
        const dimension = (businessMetrics[name] as { dimension?: string }).dimension;
        expect(body).toContain(`\\"${metricsNamespace}\\",\\"${name}\\"`);
        expect(body).toMatch(
          new RegExp(
            `${name}\\\\",${dimension ? `[^\\]]*${dimension}` : ''}[^\\]]*\\\\"service\\\\",\\\\"${serviceName}`,
          ),
        );
      }
      for (const kind of batchKinds) expect(body).toContain(`\\"RowsRefused\\",\\"kind\\",\\"${kind}\\"`);
      for (const event of lifecycleEvents)
        expect(body).toContain(`\\"Transitions\\",\\"event\\",\\"${event}\\"`);
    });

    it('shows the state of every alarm of the parent and the area stacks', () => {
      const alarmIds = (t: Template) =>
        Object.entries(t.toJSON().Resources as Record<string, { Type: string }>)
          .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
          .map(([id]) => id);
      for (const id of alarmIds(template))
        expect(body).toContain(JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }));
      let nested = 0;
      for (const [area, t] of areaTemplates) {
        const outputs = Object.entries(
          (t.toJSON().Outputs ?? {}) as Record<string, { Value: unknown }>,
        ) as Array<[string, { Value: unknown }]>;
        const areaId = stateless.resolve(area.nestedStackResource!.logicalId) as string;
        for (const id of alarmIds(t)) {
          const output = outputs.find(
            ([, o]) => JSON.stringify(o.Value) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }),
          );
          expect(output, `${areaId}: ${id} is on the dashboard`).toBeDefined();
          expect(body).toContain(JSON.stringify({ 'Fn::GetAtt': [areaId, `Outputs.${output![0]}`] }));
          nested++;
        }
      }
      const all = alarmIds(template).length + nested;
      expect(all).toBeGreaterThan(100);
      expect((body.match(/\\"type\\":\\"alarm\\"/g) ?? []).length).toBe(
        1 + areaStacks.filter((area) => alarmIds(areaTemplates.get(area)!).length > 0).length,
      );
    });
  });

  describe('log groups', () => {
    const logGroups = [template, ...areaTemplates.values()].flatMap((stackTemplate) =>
      Object.entries(
        stackTemplate.toJSON().Resources as Record<
          string,
          { Type: string; DeletionPolicy?: string; Properties: TemplateJson }
        >,
      ).filter(([, r]) => r.Type === 'AWS::Logs::LogGroup'),
    );

    it('are retained outside dev with a retention, and never under a fixed name (a retained group of that name would make the next create fail)', () => {
      expect(logGroups.length).toBeGreaterThan(Object.keys(functions).length);
      const fixedNames = logGroups
        .filter(([, r]) => r.Properties.LogGroupName !== undefined)
        .map(([id, r]) => ({ id, name: JSON.stringify(r.Properties.LogGroupName) }))
        .filter(({ name }) => !name.includes('AWS::StackId'));
      expect(fixedNames).toEqual([]);
      for (const [, r] of logGroups) {
        expect(r.DeletionPolicy).toBe('Retain');
        expect(r.Properties.RetentionInDays).toBeGreaterThan(0);
      }
    });

    it.each(workflowEntries)(
      '%s logs to /aws/vendedlogs/states/, suffixed with the stack deployment id',
      (name) => {
        const machine = resources[logicalId(stateless.workflows[name])]!;
        const groupId = machine.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup
          .LogGroupArn['Fn::GetAtt'][0] as string;
        expect(resources[groupId]!.Properties.LogGroupName).toEqual({
          'Fn::Join': [
            '',
            [
              `/aws/vendedlogs/states/patents-${stage}-${name}-`,
              { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] },
            ],
          ],
        });
      },
    );
  });

  describe('workflows', () => {
    it('has exactly the declared state machines', () => {
      template.resourceCountIs('AWS::StepFunctions::StateMachine', workflowEntries.length);
    });

    it.each(workflowEntries)(
      '%s runs the ASL file with its task functions substituted',
      (name, declaration) => {
        const machine = resources[logicalId(stateless.workflows[name])]!;
        expect(machine.Properties.StateMachineType).toBe(declaration.type);
        const definition = machine.Properties.DefinitionString as string;
        expect(JSON.parse(definition)).toEqual(JSON.parse(readFileSync(repoPath(declaration.file), 'utf8')));
        for (const variable of Object.keys(declaration.tasks))
          expect(definition).toContain(`"\${${variable}}"`);
        expect(machine.Properties.DefinitionSubstitutions).toEqual({
          LambdaInvoke: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:::lambda:invoke']] },
          ...Object.fromEntries(
            Object.entries(declaration.tasks).map(([variable, fn]) => [variable, arnRef(fn)]),
          ),
        });
        expect(machine.Properties.LoggingConfiguration).toMatchObject({
          Level: 'ALL',
          IncludeExecutionData: true,
        });
        expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
        const roleLogicalId = machine.Properties.RoleArn['Fn::GetAtt'][0] as string;
        for (const fn of Object.values(declaration.tasks)) {
          template.hasResourceProperties('AWS::IAM::Policy', {
            Roles: [{ Ref: roleLogicalId }],
            PolicyDocument: {
              Statement: Match.arrayWith([
                Match.objectLike({
                  Action: 'lambda:InvokeFunction',
                  Resource: Match.arrayWith([arnRef(fn)]),
                }),
              ]),
            },
          });
        }
      },
    );
  });

  describe('schedules', () => {
    it('live in the stage schedule group', () => {
      template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: scheduleGroupName(stage) });
      template.resourceCountIs('AWS::Scheduler::Schedule', scheduleEntries.length);
    });

    it.each(scheduleEntries)(
      '%s fires on the declared cron and time zone, with retries and a dead-letter queue',
      (_, declaration) => {
        const targetArn =
          'function' in declaration.target
            ? arnRef(declaration.target.function)
            : { Ref: logicalId(stateless.workflows[declaration.target.workflow]) };
        template.hasResourceProperties('AWS::Scheduler::Schedule', {
          GroupName: scheduleGroupName(stage),
          ScheduleExpression: declaration.cron,
          ScheduleExpressionTimezone: declaration.timezone,
          State: 'ENABLED',
          Target: {
            Arn: targetArn,
            ...(declaration.input ? { Input: JSON.stringify(declaration.input) } : {}),
            RoleArn: Match.anyValue(),
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } },
            RetryPolicy: {
              MaximumRetryAttempts: Match.anyValue(),
              MaximumEventAgeInSeconds: Match.anyValue(),
            },
          },
        });
      },
    );
  });

  describe('events', () => {
    it.each(streamConsumers.map((c) => [c.function, c] as const))(
      '%s consumes its table stream, filtered, with partial-batch failures and a dead-letter queue',
      (_, consumer) => {
        templateOf(consumer.function).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          FunctionName: { Ref: functionId(consumer.function) },
          EventSourceArn: importOf(names.tableStreamArn(consumer.table)),
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: consumer.batchSize,
          MaximumRetryAttempts: consumer.retryAttempts,
          BisectBatchOnFunctionError: true,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          FilterCriteria: {
            Filters: consumer.filterPatterns.map((pattern) => ({ Pattern: JSON.stringify(pattern) })),
          },
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
        });
        expect(actionsOn(consumer.function, names.tableStreamArn(consumer.table))).toEqual(
          expect.arrayContaining([
            'dynamodb:DescribeStream',
            'dynamodb:GetRecords',
            'dynamodb:GetShardIterator',
          ]),
        );
      },
    );

    it('reads each table stream with one function (DynamoDB Streams advises at most two readers per shard)', () => {
      const mappings = [template, ...areaTemplates.values()].flatMap((t) =>
        Object.values(t.toJSON().Resources as Record<string, { Type: string; Properties: TemplateJson }>)
          .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
          .map((r) => JSON.stringify(r.Properties.EventSourceArn)),
      );
      expect(mappings).toEqual([JSON.stringify(importOf(names.tableStreamArn('core')))]);
      expect(streamConsumers.map((c) => c.function)).toEqual(['fanOutCoreStream']);
    });

    it('alarms when a stream reader falls 5 minutes behind (IteratorAge)', () => {
      for (const consumer of streamConsumers)
        templateOf(consumer.function).hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'IteratorAge',
          Statistic: 'Maximum',
          Threshold: 300_000,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(consumer.function) } }],
          AlarmActions: [Match.anyValue()],
        });
    });

    it('refuses to synthesize more than two readers of one stream', () => {
      const reader = (fn: string) => ({ table: 'core', function: fn });
      expect(() => assertStreamReaders([reader('a'), reader('b')])).not.toThrow();
      expect(() => assertStreamReaders([reader('a'), reader('b'), reader('c')])).toThrow(
        /core table's stream has 3 readers \(a, b, c\); DynamoDB Streams advises at most 2/,
      );
    });

    it.each(bucketNotifications.map((n) => [`${n.bucket}/${n.prefix}`, n] as const))(
      'objects created under %s invoke their function, whose failures are kept',
      (_, notification) => {
        template.hasResourceProperties('Custom::S3BucketNotifications', {
          BucketName: importOf(names.bucketName(notification.bucket)),
          NotificationConfiguration: {
            LambdaFunctionConfigurations: Match.arrayWith([
              {
                Events: ['s3:ObjectCreated:*'],
                Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: notification.prefix }] } },
                LambdaFunctionArn: arnRef(notification.function),
              },
            ]),
          },
        });
        template.hasResourceProperties('AWS::Lambda::Permission', {
          Action: 'lambda:InvokeFunction',
          Principal: 's3.amazonaws.com',
          FunctionName: arnRef(notification.function),
          SourceArn: importOf(names.bucketArn(notification.bucket)),
        });
        templateOf(notification.function).hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: functionId(notification.function) },
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
        });
      },
    );

    it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
      'API Gateway may invoke the function of %s for that route only, granted in its area stack',
      (_, route) => {
        const grants = Object.values(
          templateOf(route.function).toJSON().Resources as Record<
            string,
            { Type: string; Properties: TemplateJson }
          >,
        ).filter(
          (r) =>
            r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === 'apigateway.amazonaws.com',
        );
        const forRoute = grants.filter(
          (r) =>
            JSON.stringify(r.Properties.SourceArn).endsWith(`/*/*${route.path}"]]}`) &&
            JSON.stringify(r.Properties.FunctionName).includes(functionId(route.function)),
        );
        expect(forRoute).toHaveLength(1);
        expect(forRoute[0]!.Properties.Action).toBe('lambda:InvokeFunction');
      },
    );

    it('keeps no per-route permission in the parent stack (its 500-resource limit)', () => {
      expect(
        Object.values(resources).filter(
          (r) =>
            r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === 'apigateway.amazonaws.com',
        ),
      ).toEqual([]);
    });

    it('keeps dead letters encrypted, TLS-only and watched by an alarm, in every stack', () => {
      let count = 0;
      for (const stackTemplate of [template, ...areaTemplates.values()]) {
        const stackResources = stackTemplate.toJSON().Resources as Record<
          string,
          { Type: string; Properties: TemplateJson }
        >;
        const queues = Object.entries(stackResources).filter(([, r]) => r.Type === 'AWS::SQS::Queue');
        count += queues.length;
        for (const [id, queue] of queues) {
          expect(queue.Properties).toMatchObject({
            SqsManagedSseEnabled: true,
            MessageRetentionPeriod: 14 * 24 * 3600,
          });
          stackTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
            Queues: [{ Ref: id }],
            PolicyDocument: {
              Statement: Match.arrayWith([
                Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
              ]),
            },
          });
          stackTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
          });
        }
      }
      expect(count).toBeGreaterThan(0);
    });
  });
});
