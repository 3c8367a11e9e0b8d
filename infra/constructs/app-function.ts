/**
 * The one Lambda construct of the system: Node.js 24 on arm64, an ESM bundle built by esbuild, X-Ray
 * tracing, its own log group with a retention, Powertools settings in the environment, and a role
 * that starts empty. Access to a resource is given only through the `bind...` / `allow...` helpers,
 * each of which grants the least IAM it needs and acknowledges, with the reason, the cdk-nag findings it causes.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { openSearchIndexNames } from '../../functions/search/opensearch-documents.ts';
import { type DeploymentNames, type FunctionTraits, functionEnvironment } from '../resources/environment.ts';
import {
  type Access,
  type BucketName,
  type FunctionDeclaration,
  functionDefaults,
  type TableName,
  tables,
  type WorkflowName,
  workflowStateMachineName,
} from '../resources.ts';
import { acknowledgeWildcardAction, acknowledgeWildcardResource } from './nag.ts';
import { repoPath, repoRoot } from './repo-path.ts';

export interface AppFunctionProps {
  declaration: FunctionDeclaration;
  stage: string;
  /** Keep the log group when the stack is deleted (every stage but 'dev'). */
  retainLogs: boolean;
  /** Where the declared resources are: the environment comes from functionEnvironment (shared with the local cloud). */
  names: Omit<DeploymentNames, 'stage' | 'logLevel'>;
  traits: FunctionTraits;
  /** A fixed role name, for functions a bucket policy names (infra/resources.ts, writeProtected). */
  roleName?: string;
}

/** How email leaves (deployment choice `mail`): SES v2 from a domain identity, or an SMTP relay. */
export type MailSender =
  | { transport: 'ses'; identity: IEmailIdentity; from: string }
  | { transport: 'smtp'; secret: ISecret; from: string };

/** ESM bundles have no `require`; CommonJS dependencies inside them still call it. */
export const requireBanner =
  "import { createRequire as __patentsCreateRequire } from 'node:module'; const require = __patentsCreateRequire(import.meta.url);";

export class AppFunction extends Construct {
  readonly lambda: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { declaration, stage } = props;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to its log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      ...(props.roleName ? { roleName: props.roleName } : {}),
    });
    this.logGroup.grantWrite(this.role);

    const logLevel = stage === 'dev' ? 'DEBUG' : 'INFO';
    this.lambda = new NodejsFunction(this, 'Function', {
      entry: repoPath(declaration.entry),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: repoPath('package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      description: declaration.description.slice(0, 256),
      memorySize: declaration.memoryMb ?? functionDefaults.memoryMb,
      timeout: Duration.seconds(declaration.timeoutSeconds ?? functionDefaults.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      // JSON logging turns on Lambda's log-level filter; keep it equal to the Powertools level.
      applicationLogLevelV2: ApplicationLogLevel[logLevel],
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: requireBanner,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        charset: Charset.UTF8,
        // The tracing switch is fixed per deployment: baked in, esbuild drops the Powertools Tracer and
        // the X-Ray SDK from every bundle of a deployment without SDK tracing (functions/shared/powertools.ts).
        define: { 'process.env.POWERTOOLS_TRACE_ENABLED': JSON.stringify(String(props.names.sdkTracing)) },
        esbuildArgs: exceljsAliases,
        ...nativeBundling(declaration),
      },
      // Every variable, the resources' names included, from the one function the local cloud uses too.
      environment: functionEnvironment(declaration, { ...props.names, stage, logLevel }, props.traits),
    });
    // Active tracing adds xray:PutTraceSegments / PutTelemetryRecords, which have no resource type.
    acknowledgeWildcardResource(
      this.role,
      '*',
      '',
      'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions (Resource "*" is required).',
    );
  }

  /** Lets the function read and/or write one table; it learns the table name from `TABLE_<NAME>`. */
  bindTable({ table, name, access }: { table: ITableV2; name: TableName; access: Access }): void {
    if (access === 'read') table.grantReadData(this.lambda);
    else if (access === 'write') table.grantWriteData(this.lambda);
    else table.grantReadWriteData(this.lambda);
    if (tables[name].globalIndexes.length > 0) {
      acknowledgeWildcardResource(
        this.role,
        table.tableArn,
        '/index/*',
        `Queries on the GSIs (${tables[name].globalIndexes.map((index) => index.name).join(', ')}) of the ${name} table: grant*Data covers its indexes as <table>/index/*.`,
      );
    }
  }

  /** Lets the function read and/or write one bucket; it learns the bucket name from `BUCKET_<NAME>`. */
  bindBucket({ bucket, name, access }: { bucket: IBucket; name: BucketName; access: Access }): void {
    const why = `objects of the ${name} bucket are addressed by key under prefixes decided at run time`;
    const actions: Record<Access, string[]> = {
      read: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
      write: ['s3:DeleteObject*', 's3:Abort*'],
      readWrite: ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'],
    };
    if (access === 'read') bucket.grantRead(this.lambda);
    else if (access === 'write') bucket.grantWrite(this.lambda);
    else bucket.grantReadWrite(this.lambda);
    for (const action of actions[access]) {
      acknowledgeWildcardAction(
        this.role,
        action,
        `CDK's bucket.grant${capitalize(access)} action group (${action} covers object versions, tags and ACL reads of that family only); ${why}.`,
      );
    }
    acknowledgeWildcardResource(
      this.role,
      bucket.bucketArn,
      '/*',
      `Object-level permissions on the ${name} bucket: ${why}.`,
    );
  }

  /**
   * Lets the function use the search domain (SEARCH_* come from functionEnvironment): `read` POSTs
   * _search and _analyze of the two indices, `write` creates them (PUT) and POSTs _bulk. Exact paths,
   * no wildcard: the domain's access policy admits the account, this policy decides which paths.
   */
  allowSearch({ domainArn, access }: { domainArn: string; access: 'read' | 'write' }): void {
    const indices = Object.values(openSearchIndexNames);
    if (access === 'read')
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['es:ESHttpPost', 'es:ESHttpGet'],
          resources: indices.flatMap((index) => [
            `${domainArn}/${index}/_search`,
            `${domainArn}/${index}/_analyze`,
          ]),
        }),
      );
    else {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['es:ESHttpPut'],
          resources: indices.map((index) => `${domainArn}/${index}`),
        }),
      );
      this.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['es:ESHttpPost'], resources: [`${domainArn}/_bulk`] }),
      );
    }
  }

  /** Lets the function start (also synchronously) and describe one workflow: `WORKFLOW_<NAME>_ARN`. */
  allowStartWorkflow({ name, stage }: { name: WorkflowName; stage: string }): void {
    // By name, not by reference: workflows live in the parent stack and call functions of the area
    // stacks, so a reference back would be a cycle between the stacks.
    const stack = Stack.of(this);
    const stateMachineName = workflowStateMachineName(stage, name);
    const stateMachineArn = workflowArn(stack, stage, name);
    const executionsOf = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['states:StartExecution', 'states:StartSyncExecution'],
        resources: [stateMachineArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['states:DescribeExecution'], resources: [`${executionsOf}:*`] }),
    );
    acknowledgeWildcardResource(
      this.role,
      executionsOf,
      ':*',
      `DescribeExecution on the executions of the ${name} workflow only: execution names are generated per run.`,
    );
  }

  /**
   * Lets the function send email as `from` (MAIL_* come from functionEnvironment): through SES v2 from
   * the system's domain identity, or through the SMTP relay whose credentials it reads at cold start
   * from the secret (its ARN only is in the environment, never the credentials).
   */
  allowSendMail(sender: MailSender): void {
    if (sender.transport === 'smtp') {
      sender.secret.grantRead(this.lambda);
      return;
    }
    sender.identity.grantSendEmail(this.lambda);
    // The mail probe of /v1/admin/health reads the account's sending status; GetAccount has no resource type.
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }));
    acknowledgeWildcardResource(
      this.role,
      '*',
      '',
      'ses:GetAccount (sending quota and status) supports no resource-level permissions.',
    );
  }

  /**
   * Lets the function list the administrators (admin directory). Cognito: the members of the user
   * pool's admin groups (`USER_POOL_ID`, cognito-idp:ListUsersInGroup). A generic OIDC issuer has no
   * directory API: the administrators who registered their profile with the API, read from the core
   * table (`USER_DIRECTORY=registered`; the function must bind the core table): nothing to grant.
   */
  allowReadUserDirectory(
    directory: { source: 'cognito'; userPoolId: string } | { source: 'registered' },
  ): void {
    if (directory.source === 'registered') return;
    const { userPoolId } = directory;
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['cognito-idp:ListUsersInGroup'],
        resources: [
          Stack.of(this).formatArn({
            service: 'cognito-idp',
            resource: 'userpool',
            resourceName: userPoolId,
          }),
        ],
      }),
    );
  }

  /**
   * Lets a function that lists sign and check its cursors: it reads the key once per cold start from
   * the secret named by `CURSOR_SIGNING_SECRET_ARN` (set by functionEnvironment; GetSecretValue on that secret only).
   */
  allowCursorSigning({ secretArn }: { secretArn: string }): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] }),
    );
  }

  /** Lets the function read the schedule group of the system (health): `SCHEDULE_GROUP`. */
  allowReadSchedules({ group }: { group: IScheduleGroup }): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['scheduler:GetScheduleGroup'], resources: [group.scheduleGroupArn] }),
    );
  }
}

/** The ARN of a workflow's state machine, by its fixed name (see allowStartWorkflow). */
export function workflowArn(stack: Stack, stage: string, name: WorkflowName): string {
  return stack.formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: workflowStateMachineName(stage, name),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** declaration.bundleFiles are copied beside index.mjs (offline: no install step in the asset folder). */
/**
 * Packages replaced in every bundle (esbuild `--alias`, resolved from the project root), so that exceljs'
 * streaming reader and writer carry only what they call:
 * - `readable-stream` (a copy of Node's streams for old Node versions, which exceljs and unzipper
 *   require by its root entry only: about 100 KB) by Node's own `stream`;
 * - `unzipper` by the one function exceljs' streaming reader uses (functions/intake/unzipper-parse.cjs);
 * - `archiver` by the zip writer exceljs' streaming writer uses, on yazl (functions/shared/archiver-yazl.cjs).
 * previewUpload went from about 960 KB to about 750 KB, exportPool from 800 KB to about 500 KB
 * (docs/bundles.md). A bundle that imports none of them is unchanged. The readers and writers run as
 * bundles in test/aws/bundles-smoke.test.ts (an XLSX previewed and ingested, the pool exported, a report
 * workbook and the template downloaded, each read back).
 */
const exceljsAliases = {
  '--alias:readable-stream': 'stream',
  '--alias:unzipper': './functions/intake/unzipper-parse.cjs',
  '--alias:archiver': './functions/shared/archiver-yazl.cjs',
};

function nativeBundling(declaration: FunctionDeclaration) {
  const files = [...(declaration.bundleFiles ?? [])];
  if (files.length === 0) return {};
  return {
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (input: string, output: string) =>
        files.map((file) => `cp "${input}/${file}" "${output}/"`),
    },
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
