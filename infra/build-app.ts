/**
 * Builds the CDK app: a stateful and a stateless stack per stage, checked by cdk-nag (AwsSolutions)
 * on every synth. infra/app.ts runs it for the CLI; the infra tests call it with their own context.
 *
 * Context: `stage` (default 'dev'), `mailFrom` (sender address), `mailDomain` (SES identity domain,
 * the domain of `mailFrom` or a parent of it), optional `alarmEmail`.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { StatelessStack } from './stacks/stateless-stack.ts';

export interface BuiltApp {
  app: App;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/** Feature flags this app relies on (new-project defaults of aws-cdk-lib). */
const featureFlags = {
  // Server access logs are delivered through a bucket policy, not the legacy log-delivery ACL
  // (the buckets enforce bucket-owner object ownership, which disables ACLs).
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};

export function buildApp(context?: Record<string, unknown>): BuiltApp {
  const app = new App({ context: { ...featureFlags, ...context } });
  const stage = contextValue(app, 'stage') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) {
    throw new Error(`Context "stage" must be lowercase letters, digits and dashes (max 16), got "${stage}"`);
  }
  const mailFrom = requiredContext(app, 'mailFrom');
  const mailDomain = requiredContext(app, 'mailDomain');
  const senderDomain = mailFrom.split('@')[1]?.toLowerCase() ?? '';
  if (senderDomain !== mailDomain.toLowerCase() && !senderDomain.endsWith(`.${mailDomain.toLowerCase()}`)) {
    throw new Error(
      `Context "mailFrom" (${mailFrom}) must be an address in the SES identity domain "${mailDomain}"`,
    );
  }

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  const stateful = new StatefulStack(app, `Patents-${stage}-Stateful`, {
    stage,
    mailDomain,
    description: `Patent revitalization (${stage}): tables, buckets, user pool, mail identity`,
    terminationProtection: stage !== 'dev',
  });
  const stateless = new StatelessStack(app, `Patents-${stage}-Stateless`, {
    stage,
    mailFrom,
    alarmEmail: contextValue(app, 'alarmEmail'),
    stateful,
    description: `Patent revitalization (${stage}): functions, API, workflows, schedules`,
  });
  stateless.addStackDependency(
    stateful,
    'imports the tables, buckets and user pool exported by the stateful stack',
  );
  return { app, stateful, stateless };
}

function contextValue(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function requiredContext(app: App, key: string): string {
  const value = contextValue(app, key);
  if (!value) throw new Error(`Context "${key}" is required (cdk.json or -c ${key}=...)`);
  return value;
}
