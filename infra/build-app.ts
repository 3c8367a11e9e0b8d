/**
 * Builds the CDK app: a stateful and a stateless stack per stage, checked by cdk-nag (AwsSolutions)
 * on every synth. infra/app.ts runs it for the CLI; the infra tests call it with their own context.
 *
 * Context: the deployment choices of infra/deployment.ts (stage, region, identity provider, mail
 * transport ...), validated there.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type Deployment, deploymentFromContext } from './deployment.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { StatelessStack } from './stacks/stateless-stack.ts';

export interface BuiltApp {
  app: App;
  stateful: StatefulStack;
  stateless: StatelessStack;
  deployment: Deployment;
}

/** Feature flags this app relies on (new-project defaults of aws-cdk-lib). */
const featureFlags = {
  // Server access logs are delivered through a bucket policy, not the legacy log-delivery ACL
  // (the buckets enforce bucket-owner object ownership, which disables ACLs).
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};

export function buildApp(context?: Record<string, unknown>): BuiltApp {
  const app = new App({ context: { ...featureFlags, ...context } });
  const deployment = deploymentFromContext(app.node);
  const { stage } = deployment;

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  const stateful = new StatefulStack(app, `Patents-${stage}-Stateful`, {
    deployment,
    env: deployment.env,
    description: `Patent revitalization (${stage}): tables, buckets, ${
      deployment.identity.provider === 'cognito' ? 'user pool, ' : ''
    }mail ${deployment.mail.transport === 'smtp' ? 'SMTP secret' : 'identity'}`,
    terminationProtection: stage !== 'dev',
  });
  const stateless = new StatelessStack(app, `Patents-${stage}-Stateless`, {
    deployment,
    env: deployment.env,
    stateful,
    description: `Patent revitalization (${stage}): functions, API, workflows, schedules`,
  });
  stateless.addStackDependency(
    stateful,
    'imports the tables, buckets, user pool and mail secret exported by the stateful stack',
  );
  return { app, stateful, stateless, deployment };
}
