/**
 * Everything that holds data and must outlive a redeploy of the code: the DynamoDB tables, the S3
 * buckets, and by deployment choice (infra/deployment.ts) the Cognito user pool (accounts, passwords,
 * MFA secrets, group memberships; none with `identity=oidc`), the SES domain identity (its DKIM tokens
 * are published in DNS once; only with `createMailIdentity=true`: one identity per domain and account,
 * so a second stage in the same account would collide) or the SMTP credentials secret (`mail=smtp`).
 * The OpenSearch Service domain of the search routes (docs/search.md, "AWS") is here too: its indices
 * are derived from the core table (rebuilt by a replay), but the domain takes ~20 minutes to create
 * and its endpoint is in every search function's environment.
 * Outside 'dev' all of it is retained on stack deletion and the tables and user pool are
 * deletion-protected.
 *
 * The stateless stack reaches these resources only through the exports listed in `exportNames`:
 * explicit, stable names (they survive construct refactors, unlike generated ones) that also read
 * well in the cdk-nag acknowledgements of the grants made on them.
 */
import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EbsDeviceVolumeType } from 'aws-cdk-lib/aws-ec2';
import { AccountRootPrincipal, AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type CfnDomain, Domain, EngineVersion, TLSSecurityPolicy } from 'aws-cdk-lib/aws-opensearchservice';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  type LifecycleRule,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { roleLabels, roles } from '../../schemas/roles.ts';
import { acknowledge } from '../constructs/nag.ts';
import type { Deployment } from '../deployment.ts';
import {
  type BucketDeclaration,
  type BucketName,
  buckets,
  functionRoleName,
  type TableDeclaration,
  type TableName,
  tables,
} from '../resources.ts';

export interface StatefulStackProps extends StackProps {
  deployment: Deployment;
}

/** Names of the exports through which the stateless stack imports this stack's resources. */
export const exportNames = (stage: string) => ({
  tableArn: (name: TableName) => `patents-${stage}-table-${name}-arn`,
  tableStreamArn: (name: TableName) => `patents-${stage}-table-${name}-stream-arn`,
  bucketArn: (name: BucketName) => `patents-${stage}-bucket-${name}-arn`,
  bucketName: (name: BucketName) => `patents-${stage}-bucket-${name}-name`,
  userPoolId: `patents-${stage}-user-pool-id`,
  userPoolClientId: `patents-${stage}-user-pool-client-id`,
  smtpSecretArn: `patents-${stage}-smtp-secret-arn`,
  cursorSigningSecretArn: `patents-${stage}-cursor-signing-secret-arn`,
  searchDomainEndpoint: `patents-${stage}-search-domain-endpoint`,
  searchDomainArn: `patents-${stage}-search-domain-arn`,
});

/** The search domain's name (3-28 characters; the stage has at most 16). */
export const searchDomainName = (stage: string) => `patents-${stage}`;
/** The EBS volume of each search data node, GiB (the free-storage alarm is a share of it). */
export const searchVolumeGib = 10;
export type ExportNames = ReturnType<typeof exportNames>;

/** Only 'dev' may lose its data when the stack is deleted. */
export const keepsData = (stage: string) => stage !== 'dev';

export class StatefulStack extends Stack {
  readonly stage: string;
  readonly exportNames: ExportNames;
  readonly tables: Record<TableName, TableV2>;
  readonly buckets: Record<BucketName, Bucket>;
  readonly accessLogsBucket: Bucket;
  /** With `identity=cognito` only. */
  readonly userPool?: UserPool;
  readonly userPoolClient?: UserPoolClient;
  /** With `mail=ses` and `createMailIdentity=true` only. */
  readonly mailIdentity?: EmailIdentity;
  /** With `mail=smtp` only: created here unless `smtpSecretArn` names an existing one. */
  readonly smtpSecret?: ISecret;
  readonly deployment: Deployment;
  readonly cursorSigningSecret: Secret;
  readonly searchDomain: Domain;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { deployment } = props;
    const stage = deployment.stage;
    this.stage = stage;
    this.deployment = deployment;
    this.exportNames = exportNames(stage);
    const retain = keepsData(stage);
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.tables = mapEntries(tables, (name, declaration) => this.table(name, declaration, retain));

    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // China's Cybersecurity Law asks for network logs to be kept at least six months.
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy,
      autoDeleteObjects: !retain,
    });
    acknowledge(
      this.accessLogsBucket,
      'S1',
      'This is the server-access-log bucket of the data buckets; logging it into itself would loop.',
    );

    this.buckets = mapEntries(buckets, (name, declaration) => this.bucket(name, declaration, retain));

    if (deployment.identity.provider === 'cognito') {
      const userPool = new UserPool(this, 'UserPool', {
        userPoolName: `patents-${stage}`,
        // Accounts are created by administrators (institutions, enterprises, experts, admins), never self-registered.
        selfSignUpEnabled: false,
        signInAliases: { email: true },
        signInCaseSensitive: false,
        autoVerify: { email: true },
        // A changed email stays unverified, and the old one keeps signing in, until the user confirms the code.
        keepOriginal: { email: true },
        standardAttributes: {
          email: { required: true, mutable: true },
          fullname: { required: false, mutable: true },
        },
        customAttributes: {
          // Unified social credit code (GB 32100) of the user's organization.
          uscc: new StringAttribute({ minLen: 18, maxLen: 18, mutable: true }),
          // GB/T 2260 province code of the user's organization or administration.
          province: new StringAttribute({ minLen: 6, maxLen: 6, mutable: true }),
          // Department (院系) of an institution user who submits self-assessments; absent for reviewers.
          department: new StringAttribute({ minLen: 1, maxLen: 100, mutable: true }),
          // The supervising ministry of a ministry admin (e.g. 教育部; schemas/supervision.ts, Work Plan
          // 二、（一）2): which institutions it reads. Set by administrators only, like uscc and province.
          ministry: new StringAttribute({ minLen: 1, maxLen: 50, mutable: true }),
        },
        passwordPolicy: {
          minLength: 12,
          requireLowercase: true,
          requireUppercase: true,
          requireDigits: true,
          requireSymbols: true,
          tempPasswordValidity: Duration.days(3),
        },
        mfa: Mfa.OPTIONAL,
        mfaSecondFactor: { otp: true, sms: false },
        accountRecovery: AccountRecovery.EMAIL_ONLY,
        featurePlan: FeaturePlan.PLUS,
        standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
        deletionProtection: retain,
        removalPolicy,
      });
      acknowledge(
        userPool,
        'COG2',
        'MFA is optional at pool level: thousands of institution staff are invited by administrators and enrol TOTP themselves; threat protection (PLUS plan, full function) adds adaptive MFA on risky sign-ins.',
      );
      for (const [precedence, role] of roles.entries()) {
        new CfnUserPoolGroup(this, `Group-${role}`, {
          userPoolId: userPool.userPoolId,
          groupName: role,
          description: roleLabels[role],
          precedence,
        });
      }
      this.userPoolClient = userPool.addClient('WebClient', {
        generateSecret: false,
        authFlows: { userSrp: true },
        disableOAuth: true,
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        accessTokenValidity: Duration.hours(1),
        idTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.days(30),
        // Tenancy lives in custom:uscc / custom:province / custom:department / custom:ministry and group membership: only
        // administrators set them (AdminUpdateUserAttributes). Without this list CDK lets the client write
        // every attribute, so a signed-in user could move itself into another institution with
        // UpdateUserAttributes. Email must stay writable because the pool requires it.
        writeAttributes: webClientWriteAttributes(),
      });
      this.userPool = userPool;
    }

    this.searchDomain = this.searchDomainOf(deployment, removalPolicy);

    // The HMAC key of list cursors (functions/shared/cursor.ts): here, because replacing it invalidates
    // every cursor in flight (clients restart from the first page, which is safe but visible).
    this.cursorSigningSecret = new Secret(this, 'CursorSigningSecret', {
      description: `Patent revitalization (${stage}): HMAC-SHA256 key that signs list cursors`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    acknowledge(
      this.cursorSigningSecret,
      'SMG4',
      'The cursor signing key protects only pagination positions (no data, no access): a rotation would just send clients back to the first page; rotate by hand if it leaks.',
    );

    const mail = deployment.mail;
    if (mail.transport === 'ses' && mail.createMailIdentity) {
      const mailIdentity = new EmailIdentity(this, 'MailIdentity', {
        identity: Identity.domain(mail.mailDomain),
      });
      mailIdentity.applyRemovalPolicy(removalPolicy);
      for (const n of [1, 2, 3] as const) {
        const record = mailIdentity[`dkimDnsTokenName${n}`];
        new CfnOutput(this, `MailDkimRecord${n}`, {
          description: `Publish in DNS to verify ${mail.mailDomain} for SES: CNAME ${n} of 3`,
          value: `${record} CNAME ${mailIdentity[`dkimDnsTokenValue${n}`]}`,
        });
      }
      this.mailIdentity = mailIdentity;
    }
    if (mail.transport === 'smtp') {
      if (mail.smtpSecretArn) {
        this.smtpSecret = Secret.fromSecretCompleteArn(this, 'SmtpSecret', mail.smtpSecretArn);
      } else {
        // Created with placeholder values; the operator puts the relay's real ones in after the first
        // deploy (README, "Deploy to AWS China"). Never in the template, never in an environment variable.
        const secret = new Secret(this, 'SmtpSecret', {
          secretName: `patents-${stage}/smtp`,
          description: `SMTP relay of patents-${stage}: JSON {host, port, secure, user, password}`,
          secretObjectValue: {
            host: SecretValue.unsafePlainText('smtp.example.org'),
            port: SecretValue.unsafePlainText('465'),
            secure: SecretValue.unsafePlainText('true'),
            user: SecretValue.unsafePlainText('set-me'),
            password: SecretValue.unsafePlainText('set-me'),
          },
          removalPolicy,
        });
        acknowledge(
          secret,
          'SMG4',
          'SMTP relay credentials are issued by the mail provider and rotated there; the operator puts the new password into this secret (no Lambda rotation possible).',
        );
        this.smtpSecret = secret;
      }
    }

    this.exportAll();
  }

  private table(name: TableName, declaration: TableDeclaration, retain: boolean): TableV2 {
    const key = (attribute: string) => ({ name: attribute, type: AttributeType.STRING });
    return new TableV2(this, `${capitalize(name)}Table`, {
      partitionKey: key(declaration.partitionKey),
      sortKey: declaration.sortKey ? key(declaration.sortKey) : undefined,
      globalSecondaryIndexes: declaration.globalIndexes.map((index) => ({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: index.sortKey ? key(index.sortKey) : undefined,
      })),
      dynamoStream: declaration.stream ? StreamViewType[declaration.stream] : undefined,
      timeToLiveAttribute: declaration.ttlAttribute,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }

  private bucket(name: BucketName, declaration: BucketDeclaration, retain: boolean): Bucket {
    const expiring: LifecycleRule[] = Object.entries(declaration.expireAfterDays).map(([prefix, days]) => ({
      id: `expire-${prefix.replace(/\W+/g, '')}`,
      prefix,
      expiration: Duration.days(days),
    }));
    const bucket = new Bucket(this, `${capitalize(name)}Bucket`, {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        ...expiring,
        {
          id: 'housekeeping',
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          noncurrentVersionExpiration: Duration.days(30),
          expiredObjectDeleteMarker: true,
        },
      ],
      cors: declaration.browserUploads
        ? [
            {
              // The presigned POST (signed policy) is the credential, so any origin may POST with it.
              allowedMethods: [HttpMethods.POST],
              allowedOrigins: ['*'],
              allowedHeaders: ['*'],
              exposedHeaders: ['ETag'],
              maxAge: 3600,
            },
          ]
        : undefined,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: `${name}/`,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !retain,
    });
    const protectedPrefix = (declaration as BucketDeclaration).writeProtected;
    if (protectedPrefix) {
      // A Deny beats every Allow: no other role or user of the account writes there, whatever its
      // IAM policy says. The writers' roles have fixed names (functionRoleName), so this stack names
      // them without depending on the stateless stack.
      const writers = [
        ...protectedPrefix.writers.map((writer) =>
          this.formatArn({
            service: 'iam',
            region: '',
            resource: 'role',
            resourceName: functionRoleName(this.stage, writer),
          }),
        ),
        ...this.deployment.inboxWriterArns,
      ];
      bucket.addToResourcePolicy(
        new PolicyStatement({
          sid: `OnlyDeclaredWritersUnder${capitalize(protectedPrefix.prefix.replace(/\W+/g, ''))}`,
          effect: Effect.DENY,
          principals: [new AnyPrincipal()],
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects(`${protectedPrefix.prefix}*`)],
          conditions: { ArnNotLike: { 'aws:PrincipalArn': writers } },
        }),
      );
    }
    return bucket;
  }

  /**
   * The OpenSearch Service domain (docs/search.md, "AWS"): OpenSearch 2.19 (the IK analyzer is one of
   * its default plugins), encrypted at rest with the service key, node-to-node encryption, HTTPS only
   * (TLS 1.2), public endpoint with IAM authentication only: the access policy admits SigV4-signed
   * requests of this account's principals, and the functions' identity policies name the paths each
   * may use (infra/constructs/app-function.ts, allowSearch: the search functions _search and _analyze,
   * the core stream reader index creation and _bulk). No fine-grained access control: it needs a
   * master user and, with IAM-only access, adds nothing the identity policies do not already decide.
   */
  private searchDomainOf(deployment: Deployment, removalPolicy: RemovalPolicy): Domain {
    const { instanceType, dataNodes, availabilityZones } = deployment.search;
    const domainName = searchDomainName(deployment.stage);
    const domain = new Domain(this, 'SearchDomain', {
      domainName,
      version: EngineVersion.OPENSEARCH_2_19,
      capacity: { dataNodes, dataNodeInstanceType: instanceType, multiAzWithStandbyEnabled: false },
      ...(availabilityZones > 1
        ? { zoneAwareness: { enabled: true, availabilityZoneCount: availabilityZones } }
        : { zoneAwareness: { enabled: false } }),
      ebs: { volumeSize: searchVolumeGib, volumeType: EbsDeviceVolumeType.GP3 },
      encryptionAtRest: { enabled: true },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: TLSSecurityPolicy.TLS_1_2,
      removalPolicy,
    });
    // The access policy on the L1 resource, naming the domain by its fixed name: Domain's
    // `accessPolicies` would add a custom resource (a Lambda function) to set it after creation.
    (domain.node.defaultChild as CfnDomain).accessPolicies = {
      Version: '2012-10-17',
      Statement: [
        new PolicyStatement({
          effect: Effect.ALLOW,
          principals: [new AccountRootPrincipal()],
          actions: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut'],
          resources: [
            Stack.of(this).formatArn({
              service: 'es',
              resource: 'domain',
              resourceName: `${domainName}/*`,
            }),
          ],
        }).toStatementJson(),
      ],
    };
    acknowledge(
      domain,
      'OS1',
      'Public endpoint with IAM authentication: the functions run outside a VPC (no NAT gateway or VPC endpoints to pay for, docs/costs.md); every request is SigV4-signed and the access policy admits this account only.',
    );
    acknowledge(
      domain,
      'OS3',
      'No IP allowlist: the callers are Lambda functions without fixed addresses; access is decided by IAM (signed requests, per-path identity policies).',
    );
    acknowledge(
      domain,
      'OS4',
      'No dedicated master nodes: one data node in dev and a few in production hold two small indices; dedicated masters would triple the cost (docs/costs.md). Add them with the data nodes when the domain grows.',
    );
    acknowledge(
      domain,
      'OS5',
      'No anonymous access: the access policy names this account (root) as the principal, i.e. IAM principals of the account with a policy that allows the path.',
    );
    if (availabilityZones === 1)
      acknowledge(
        domain,
        'OS7',
        'One data node by default (dev): zone awareness needs two or more (-c searchDataNodes=2 for production); the indices are rebuilt from the core table by a replay.',
      );
    for (const log of ['SEARCH_SLOW_LOGS', 'INDEX_SLOW_LOGS'])
      acknowledge(
        domain,
        `OS9[LogExport::${log}]`,
        'Slow logs are not published: publishing needs a CloudWatch Logs resource policy that CDK sets with a custom resource (one more Lambda function); turn them on for a tuning session.',
      );
    return domain;
  }

  /** Exports (and outputs) what the stateless stack and the operators need. */
  private exportAll(): void {
    const names = this.exportNames;
    const output = (id: string, value: string, exportName: string, description: string) =>
      new CfnOutput(this, id, { value, exportName, description });
    for (const [name, table] of Object.entries(this.tables) as Array<[TableName, TableV2]>) {
      output(`${capitalize(name)}TableArn`, table.tableArn, names.tableArn(name), tables[name].description);
      if ((tables[name] as TableDeclaration).stream && table.tableStreamArn) {
        output(
          `${capitalize(name)}TableStreamArn`,
          table.tableStreamArn,
          names.tableStreamArn(name),
          `Stream of the ${name} table`,
        );
      }
    }
    for (const [name, bucket] of Object.entries(this.buckets) as Array<[BucketName, Bucket]>) {
      output(
        `${capitalize(name)}BucketName`,
        bucket.bucketName,
        names.bucketName(name),
        buckets[name].description,
      );
      output(
        `${capitalize(name)}BucketArn`,
        bucket.bucketArn,
        names.bucketArn(name),
        `ARN of the ${name} bucket`,
      );
    }
    if (this.userPool && this.userPoolClient) {
      output('UserPoolId', this.userPool.userPoolId, names.userPoolId, 'Cognito user pool of all roles');
      output(
        'UserPoolClientId',
        this.userPoolClient.userPoolClientId,
        names.userPoolClientId,
        'Cognito client of the web front end (SRP)',
      );
    }
    if (this.smtpSecret) {
      output(
        'SmtpSecretArn',
        this.smtpSecret.secretArn,
        names.smtpSecretArn,
        'Secrets Manager secret with the SMTP relay credentials (JSON host, port, secure, user, password)',
      );
    }
    output(
      'CursorSigningSecretArn',
      this.cursorSigningSecret.secretArn,
      names.cursorSigningSecretArn,
      'Secret with the HMAC key of list cursors',
    );
    output(
      'SearchDomainEndpoint',
      this.searchDomain.domainEndpoint,
      names.searchDomainEndpoint,
      'Endpoint of the OpenSearch domain of the search routes (IAM-signed requests only)',
    );
    output(
      'SearchDomainArn',
      this.searchDomain.domainArn,
      names.searchDomainArn,
      'ARN of the OpenSearch domain of the search routes',
    );
  }
}

/** The only attributes users may change about themselves: their name and (re-verified) email. */
export function webClientWriteAttributes(): ClientAttributes {
  return new ClientAttributes().withStandardAttributes({ fullname: true, email: true });
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function mapEntries<K extends string, V, R>(
  record: Record<K, V>,
  map: (key: K, value: V) => R,
): Record<K, R> {
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key, map(key as K, value as V)]),
  ) as Record<K, R>;
}
