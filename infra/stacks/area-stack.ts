/**
 * The functions of one area (one folder of functions/) in a nested stack: each AppFunction bound to
 * exactly what it declares, its error alarm, the dead-letter queue of its asynchronous invocations and
 * its DynamoDB stream consumers. A CloudFormation stack holds at most 500 resources; one stack per
 * area keeps every stack far below that while the system grows, and the parent stateless stack keeps
 * what is shared (API, workflows, schedules, notifications, alarm topic).
 */
import { CfnOutput, Fn, NestedStack, type NestedStackProps, Token } from 'aws-cdk-lib';
import { type ITableV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { EmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { pascal } from '../cloud-assembly.ts';
import { AppFunction, workflowArn } from '../constructs/app-function.ts';
import { DeadLetterQueue } from '../constructs/dead-letter-queue.ts';
import { acknowledgeWildcardResource } from '../constructs/nag.ts';
import type { OperationsAlarms } from '../constructs/operations-alarms.ts';
import type { Deployment } from '../deployment.ts';
import {
  buckets,
  type FunctionDeclaration,
  type FunctionName,
  functionRoleName,
  functionTraits,
  namedRoleFunctions,
  type StreamConsumerDeclaration,
  type TableDeclaration,
  type TableName,
  tables,
} from '../resources.ts';
import type { ExportNames } from './stateful-stack.ts';

export interface AreaStackProps extends NestedStackProps {
  stage: string;
  retainLogs: boolean;
  exportNames: ExportNames;
  /** The deployment choices: identity provider (claim names for the handlers), mail transport. */
  deployment: Deployment;
  alarms: OperationsAlarms;
  scheduleGroup: IScheduleGroup;
  /** The functions of this area. */
  functions: Array<[FunctionName, FunctionDeclaration]>;
  /** Functions invoked asynchronously (S3 events, schedules): their failures go to a dead-letter queue. */
  invokedAsynchronously: ReadonlySet<FunctionName>;
  /** Stream consumers among this area's functions. */
  streamConsumers: readonly StreamConsumerDeclaration[];
}

/** The area of a function: the folder of functions/ its entry lives in. */
export const areaOf = (declaration: FunctionDeclaration) => declaration.entry.split('/')[1]!;

export class AreaStack extends NestedStack {
  readonly functions: Partial<Record<FunctionName, AppFunction>> = {};
  private readonly arnOutputs = new Map<FunctionName, CfnOutput>();

  /**
   * The ARN of one of this area's functions, for the parent stack, through an output of a fixed name,
   * so that it renders the same in the template and in the cdk-nag acknowledgements of the parent.
   */
  functionArn(name: FunctionName): string {
    const output = this.arnOutputs.get(name);
    if (!output) throw new Error(`Function ${name} is not in this area`);
    const outputName = this.resolve(output.logicalId) as string;
    return Token.asString(this.nestedStackResource!.getAtt(`Outputs.${outputName}`));
  }

  constructor(scope: Construct, id: string, props: AreaStackProps) {
    super(scope, id, props);
    const names = props.exportNames;
    // The stateful resources, imported by export name here (not passed in), so that nothing of the
    // parent flows into this stack but the alarm topic and the schedule group.
    const tableRefs = {} as Record<TableName, ITableV2>;
    for (const [name, declaration] of entriesOf<TableName, TableDeclaration>(tables)) {
      tableRefs[name] = TableV2.fromTableAttributes(this, `${pascal(name)}Table`, {
        tableArn: Fn.importValue(names.tableArn(name)),
        tableStreamArn: declaration.stream ? Fn.importValue(names.tableStreamArn(name)) : undefined,
        grantIndexPermissions: declaration.globalIndexes.length > 0,
      });
    }
    const bucketRefs = {} as Record<keyof typeof buckets, IBucket>;
    for (const name of Object.keys(buckets) as Array<keyof typeof buckets>) {
      bucketRefs[name] = Bucket.fromBucketAttributes(this, `${pascal(name)}Bucket`, {
        bucketArn: Fn.importValue(names.bucketArn(name)),
        bucketName: Fn.importValue(names.bucketName(name)),
      });
    }
    const { identity, mail, mailFrom } = props.deployment;
    // SES: the domain identity by name (owned by the stateful stack of one stage, or created outside
    // the stacks); SMTP: the credentials secret exported by the stateful stack.
    const mailSender =
      mail.transport === 'ses'
        ? {
            transport: 'ses' as const,
            identity: EmailIdentity.fromEmailIdentityName(this, 'MailIdentity', mail.mailDomain),
            from: mailFrom,
          }
        : {
            transport: 'smtp' as const,
            secret: Secret.fromSecretAttributes(this, 'SmtpSecret', {
              secretCompleteArn: Fn.importValue(names.smtpSecretArn),
            }),
            from: mailFrom,
          };

    // Every function behind a list route signs its cursors with the key of the stateful stack's secret.
    const cursorSigningSecretArn = Fn.importValue(names.cursorSigningSecretArn);
    // The search domain (docs/search.md, "AWS"): its endpoint in the environment, its ARN in the policies.
    const searchDomainEndpoint = Fn.importValue(names.searchDomainEndpoint);
    const searchDomainArn = Fn.importValue(names.searchDomainArn);
    for (const [name, declaration] of props.functions) {
      const fn = new AppFunction(this, pascal(name), {
        declaration,
        stage: props.stage,
        retainLogs: props.retainLogs,
        names: {
          table: (table) => tableRefs[table].tableName,
          bucket: (bucket) => bucketRefs[bucket].bucketName,
          workflowArn: (workflow) => workflowArn(this, props.stage, workflow),
          scheduleGroup: props.scheduleGroup.scheduleGroupName,
          identity,
          mail:
            mailSender.transport === 'ses'
              ? { transport: 'ses', from: mailFrom }
              : { transport: 'smtp', from: mailFrom, smtpSecretArn: mailSender.secret.secretArn },
          directory:
            identity.provider === 'cognito'
              ? { userPoolId: Fn.importValue(names.userPoolId) }
              : { registered: true },
          cursorSigning: { secretArn: cursorSigningSecretArn },
          settings: props.deployment.settings,
          sdkTracing: props.deployment.sdkTracing,
          search: { engine: 'opensearch', endpoint: searchDomainEndpoint },
        },
        traits: functionTraits(name),
        ...(namedRoleFunctions.has(name) ? { roleName: functionRoleName(props.stage, name) } : {}),
      });
      for (const [table, access] of entriesOf(declaration.tables ?? {})) {
        fn.bindTable({ table: tableRefs[table], name: table, access });
      }
      for (const [bucket, access] of entriesOf(declaration.buckets ?? {})) {
        fn.bindBucket({ bucket: bucketRefs[bucket], name: bucket, access });
      }
      if (declaration.sendsMail) fn.allowSendMail(mailSender);
      if (functionTraits(name).signsCursors) fn.allowCursorSigning({ secretArn: cursorSigningSecretArn });
      if (declaration.readsSchedules) fn.allowReadSchedules({ group: props.scheduleGroup });
      if (declaration.search) fn.allowSearch({ domainArn: searchDomainArn, access: declaration.search });
      if (declaration.readsUserDirectory)
        fn.allowReadUserDirectory(
          identity.provider === 'cognito'
            ? { source: 'cognito', userPoolId: Fn.importValue(names.userPoolId) }
            : { source: 'registered' },
        );
      for (const workflow of declaration.workflows ?? []) {
        fn.allowStartWorkflow({ name: workflow, stage: props.stage });
      }
      props.alarms.watchFunction(fn.lambda, pascal(name), this);

      if (props.invokedAsynchronously.has(name)) {
        const deadLetters = new DeadLetterQueue(this, `${pascal(name)}AsyncDeadLetters`);
        fn.lambda.configureAsyncInvoke({ onFailure: new SqsDestination(deadLetters), retryAttempts: 2 });
        props.alarms.watchDeadLetters(deadLetters, `${name} (async invocations)`, this);
      }
      this.functions[name] = fn;
      this.arnOutputs.set(name, new CfnOutput(this, `${pascal(name)}Arn`, { value: fn.lambda.functionArn }));
    }

    for (const consumer of props.streamConsumers) {
      const fn = this.functions[consumer.function]!;
      const deadLetters = new DeadLetterQueue(this, `${pascal(consumer.function)}StreamDeadLetters`);
      fn.lambda.addEventSource(
        new DynamoEventSource(tableRefs[consumer.table], {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: consumer.batchSize,
          retryAttempts: consumer.retryAttempts,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          filters: consumer.filterPatterns.map((pattern) =>
            FilterCriteria.filter(structuredClone(pattern) as Record<string, unknown>),
          ),
          onFailure: new SqsDlq(deadLetters),
        }),
      );
      acknowledgeWildcardResource(
        fn.role,
        '*',
        '',
        'dynamodb:ListStreams (granted with stream reads) supports no resource-level permissions.',
      );
      props.alarms.watchDeadLetters(deadLetters, `${consumer.function} (${consumer.table} stream)`, this);
      props.alarms.watchStreamReader(fn.lambda, pascal(consumer.function), this);
    }
  }
}

export function entriesOf<K extends string, V>(record: Partial<Record<K, V>>): Array<[K, V]> {
  return Object.entries(record) as Array<[K, V]>;
}
