/**
 * infra/resources.ts is the single declaration of the system's resources; the CDK stacks and the
 * workflow files must never disagree with it. These tests fail on any drift: a resource added in a
 * stack but not declared (or the reverse), a workflow variable without a declared task function,
 * a task that is not a plain Lambda invoke, a declared function that nothing triggers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { repoPath } from '../../infra/constructs/repo-path.ts';
import {
  bucketNotifications,
  buckets,
  type FunctionDeclaration,
  functions,
  lambdaInvokeResource,
  routes,
  type ScheduleDeclaration,
  schedules,
  streamConsumers,
  tables,
  type WorkflowDeclaration,
  workflows,
  workflowVariables,
} from '../../infra/resources.ts';

/** Synthesized CloudFormation JSON, navigated freely by the assertions. */
// biome-ignore lint/suspicious/noExplicitAny: template JSON has no static type
type TemplateJson = Record<string, any>;

const { app, stateful, stateless } = buildApp({
  'aws:cdk:bundling-stacks': [],
  stage: 'dev',
  mailFrom: 'noreply@example.org',
  mailDomain: 'example.org',
});
const statefulTemplate = Template.fromStack(stateful);
const statelessTemplate = Template.fromStack(stateless);
type Resource = { Type: string; Properties: TemplateJson };
const statelessResources = Object.values(statelessTemplate.toJSON().Resources) as Resource[];
/** The parent and the nested stacks of the areas. */
const allStatelessResources = [
  ...statelessResources,
  ...Object.values(stateless.areas).flatMap(
    (area) => Object.values(Template.fromStack(area).toJSON().Resources) as Resource[],
  ),
];

const workflowEntries = Object.entries(workflows) as Array<[string, WorkflowDeclaration]>;
const functionEntries = Object.entries(functions) as Array<[string, FunctionDeclaration]>;

interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Branches?: AslMachine[];
  Iterator?: AslMachine;
  ItemProcessor?: AslMachine;
}
interface AslMachine {
  States: Record<string, AslState>;
}

/** Every Task state of a definition, inside Parallel branches and Map processors too. */
function tasksOf(machine: AslMachine): Array<[string, AslState]> {
  return Object.entries(machine.States).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [[name, state] as [string, AslState]] : []),
    ...(state.Branches ?? []).flatMap(tasksOf),
    ...[state.Iterator, state.ItemProcessor].filter((m): m is AslMachine => m !== undefined).flatMap(tasksOf),
  ]);
}

describe('infra/resources.ts and the synthesized templates agree', () => {
  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    expect(() => app.synth()).not.toThrow();
  });

  it('tables', () => {
    statefulTemplate.resourceCountIs('AWS::DynamoDB::GlobalTable', Object.keys(tables).length);
  });

  it('buckets (plus the one access-log bucket)', () => {
    statefulTemplate.resourceCountIs('AWS::S3::Bucket', Object.keys(buckets).length + 1);
  });

  it('functions (plus the CDK handler that configures bucket notifications)', () => {
    const lambdas = allStatelessResources.filter((r) => r.Type === 'AWS::Lambda::Function');
    const ours = lambdas.filter((r) => r.Properties.Runtime === 'nodejs24.x');
    expect(ours).toHaveLength(functionEntries.length);
    expect(lambdas.length - ours.length).toBe(bucketNotifications.length > 0 ? 1 : 0);
  });

  it('routes', () => {
    statelessTemplate.resourceCountIs('AWS::ApiGatewayV2::Route', routes.length);
    const keys = statelessResources
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map((r) => r.Properties.RouteKey);
    expect(keys.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('state machines', () => {
    statelessTemplate.resourceCountIs('AWS::StepFunctions::StateMachine', workflowEntries.length);
  });

  it('schedules', () => {
    statelessTemplate.resourceCountIs('AWS::Scheduler::Schedule', Object.keys(schedules).length);
  });

  it('stream consumers (event source mappings)', () => {
    expect(allStatelessResources.filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')).toHaveLength(
      streamConsumers.length,
    );
  });

  it('bucket notifications', () => {
    const configurations = statelessResources
      .filter((r) => r.Type === 'Custom::S3BucketNotifications')
      .flatMap((r) => r.Properties.NotificationConfiguration.LambdaFunctionConfigurations ?? []);
    expect(configurations).toHaveLength(bucketNotifications.length);
  });
});

describe('the declarations are consistent in themselves', () => {
  it.each(functionEntries)('function %s has an entry module', (_, declaration) => {
    expect(existsSync(repoPath(declaration.entry)), declaration.entry).toBe(true);
  });

  it('every function is triggered by something (route, S3, stream, workflow task or schedule)', () => {
    const triggered = new Set<string>([
      ...routes.map((r) => r.function),
      ...bucketNotifications.map((n) => n.function),
      ...streamConsumers.map((c) => c.function),
      ...workflowEntries.flatMap(([, w]) => Object.values(w.tasks)),
      ...(Object.values(schedules) as ScheduleDeclaration[]).flatMap((s) =>
        'function' in s.target ? [s.target.function] : [],
      ),
    ]);
    expect(functionEntries.map(([name]) => name).filter((name) => !triggered.has(name))).toEqual([]);
  });

  it('no two routes share a method and path', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe.each(workflowEntries)('workflow %s', (_, declaration) => {
  const text = readFileSync(repoPath(declaration.file), 'utf8');
  const definition = JSON.parse(text) as AslMachine;

  it('uses exactly the declared task variables', () => {
    const used = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    used.delete(workflowVariables.lambdaInvoke);
    expect([...used].sort()).toEqual(Object.keys(declaration.tasks).sort());
  });

  it('holds no literal partition (arn:aws:): ARNs take the partition variable', () => {
    expect(text).not.toMatch(/arn:aws[a-z-]*:/);
  });

  it('invokes Lambda functions only through lambdaInvokeResource (lambda:invoke in the partition), named by a declared variable', () => {
    const tasks = tasksOf(definition);
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, task] of tasks) {
      expect(task.Resource, name).toBe(lambdaInvokeResource);
      const functionName = task.Parameters?.FunctionName as string;
      expect(
        Object.keys(declaration.tasks).map((v) => `\${${v}}`),
        name,
      ).toContain(functionName);
    }
  });
});
