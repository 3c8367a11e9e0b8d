/**
 * The stateful stack: every declared table and bucket with the settings that protect its data, the
 * user pool with the five roles, the exports the stateless stack imports. Built for 'dev' and 'prod'
 * because data protection differs between them. Bundling is skipped: no function lives here, and
 * the stateless stack test does not need the bundles either.
 */
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import {
  type BucketDeclaration,
  type BucketName,
  buckets,
  type TableDeclaration,
  type TableName,
  tables,
} from '../../infra/resources.ts';
import { exportNames } from '../../infra/stacks/stateful-stack.ts';
import { roles } from '../../schemas/roles.ts';

// biome-ignore lint/suspicious/noExplicitAny: template JSON has no static type
type TemplateJson = Record<string, any>;

const context = (stage: string) => ({
  'aws:cdk:bundling-stacks': [],
  stage,
  mailFrom: 'noreply@patents.example.cn',
  mailDomain: 'patents.example.cn',
});

function build(stage: string) {
  const { stateful } = buildApp(context(stage));
  const template = Template.fromStack(stateful);
  const resource = (construct: { node: { defaultChild?: unknown } }) => {
    const logicalId = Stack.of(stateful).resolve(
      (construct.node.defaultChild as CfnElement).logicalId,
    ) as string;
    return { logicalId, ...template.toJSON().Resources[logicalId] };
  };
  return { stateful, template, resource };
}

const dev = build('dev');
const prod = build('prod');
const tableEntries = Object.entries(tables) as Array<[TableName, TableDeclaration]>;
const bucketEntries = Object.entries(buckets) as Array<[BucketName, BucketDeclaration]>;

const keySchema = (key: { partitionKey: string; sortKey?: string }) => [
  { AttributeName: key.partitionKey, KeyType: 'HASH' },
  ...(key.sortKey ? [{ AttributeName: key.sortKey, KeyType: 'RANGE' }] : []),
];

describe('the search domain (docs/search.md, "AWS")', () => {
  const domainOf = (template: Template) => {
    const domains = Object.values(template.findResources('AWS::OpenSearchService::Domain'));
    expect(domains).toHaveLength(1);
    // biome-ignore lint/suspicious/noExplicitAny: template JSON has no static type
    return (domains[0] as any).Properties;
  };

  it('one small node by default: encrypted at rest and between nodes, HTTPS only, IAM-signed requests of the account only', () => {
    const domain = domainOf(dev.template);
    expect(domain.DomainName).toBe('patents-dev');
    expect(domain.EngineVersion).toBe('OpenSearch_2.19');
    expect(domain.ClusterConfig).toMatchObject({
      InstanceType: 't3.small.search',
      InstanceCount: 1,
      ZoneAwarenessEnabled: false,
    });
    expect(domain.EncryptionAtRestOptions).toEqual({ Enabled: true });
    expect(domain.NodeToNodeEncryptionOptions).toEqual({ Enabled: true });
    expect(domain.DomainEndpointOptions).toMatchObject({
      EnforceHTTPS: true,
      TLSSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07',
    });
    const [statement, ...others] = domain.AccessPolicies.Statement;
    expect(others).toEqual([]);
    expect(statement.Effect).toBe('Allow');
    expect(JSON.stringify(statement.Principal)).toContain(':root');
    expect(statement.Action).toEqual(['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut']);
    expect(JSON.stringify(domain)).not.toContain('AdvancedSecurityOptions');
  });

  it('zone awareness with two or more nodes (production)', () => {
    const { stateful } = buildApp({
      ...context('prod'),
      searchDataNodes: '2',
      searchInstanceType: 'm6g.large.search',
    });
    const domain = domainOf(Template.fromStack(stateful));
    expect(domain.ClusterConfig).toMatchObject({
      InstanceType: 'm6g.large.search',
      InstanceCount: 2,
      ZoneAwarenessEnabled: true,
      ZoneAwarenessConfig: { AvailabilityZoneCount: 2 },
    });
  });

  it('exports the endpoint and the ARN for the functions', () => {
    const outputs = dev.template.toJSON().Outputs as Record<string, { Export?: { Name?: string } }>;
    const exported = Object.values(outputs).map((output) => output.Export?.Name);
    expect(exported).toContain(exportNames('dev').searchDomainEndpoint);
    expect(exported).toContain(exportNames('dev').searchDomainArn);
  });
});

describe('StatefulStack', () => {
  it('passes cdk-nag (AwsSolutions) with no unacknowledged finding, in dev and in prod', () => {
    for (const stage of ['dev', 'prod']) {
      const { app } = buildApp(context(stage));
      expect(() => app.synth()).not.toThrow();
    }
  });

  it('declares exactly the tables of infra/resources.ts', () => {
    dev.template.resourceCountIs('AWS::DynamoDB::GlobalTable', tableEntries.length);
  });

  describe.each(tableEntries)('table %s', (name, declaration) => {
    it('has the declared key schema, indexes, stream and TTL', () => {
      const table = dev.resource(dev.stateful.tables[name]);
      expect(table.Properties.KeySchema).toEqual(keySchema(declaration));
      expect(table.Properties.GlobalSecondaryIndexes ?? []).toEqual(
        declaration.globalIndexes.map((index) => ({
          IndexName: index.name,
          KeySchema: keySchema(index),
          Projection: { ProjectionType: 'ALL' },
        })),
      );
      const keyAttributes = [declaration, ...declaration.globalIndexes].flatMap((k) =>
        [k.partitionKey, k.sortKey ?? []].flat(),
      );
      expect(table.Properties.AttributeDefinitions).toEqual(
        [...new Set(keyAttributes)].map((attribute) => ({ AttributeName: attribute, AttributeType: 'S' })),
      );
      expect(table.Properties.StreamSpecification).toEqual(
        declaration.stream ? { StreamViewType: declaration.stream } : undefined,
      );
      expect(table.Properties.TimeToLiveSpecification).toEqual(
        declaration.ttlAttribute ? { AttributeName: declaration.ttlAttribute, Enabled: true } : undefined,
      );
    });

    it('is on-demand, encrypted, with point-in-time recovery', () => {
      const table = dev.resource(dev.stateful.tables[name]);
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      expect(table.Properties.Replicas).toEqual([
        expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ]);
    });

    it('is deletion-protected and retained outside dev, disposable in dev', () => {
      const inProd = prod.resource(prod.stateful.tables[name]);
      expect(inProd.DeletionPolicy).toBe('Retain');
      expect(inProd.UpdateReplacePolicy).toBe('Retain');
      expect(inProd.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
      const inDev = dev.resource(dev.stateful.tables[name]);
      expect(inDev.DeletionPolicy).toBe('Delete');
      expect(inDev.Properties.Replicas[0].DeletionProtectionEnabled).toBe(false);
    });

    it('is exported for the stateless stack (and its stream, if declared)', () => {
      const names = exportNames('dev');
      const outputs = Object.values(dev.template.toJSON().Outputs) as Array<{ Export?: { Name: string } }>;
      const exported = outputs.map((o) => o.Export?.Name);
      expect(exported).toContain(names.tableArn(name));
      expect(exported.includes(names.tableStreamArn(name))).toBe(Boolean(declaration.stream));
    });
  });

  it('declares the data buckets of infra/resources.ts plus one access-log bucket', () => {
    dev.template.resourceCountIs('AWS::S3::Bucket', bucketEntries.length + 1);
  });

  describe.each(bucketEntries)('bucket %s', (name, declaration) => {
    it('blocks public access, encrypts, versions and logs access to the access-log bucket', () => {
      const bucket = dev.resource(dev.stateful.buckets[name]);
      const accessLogs = dev.resource(dev.stateful.accessLogsBucket);
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: accessLogs.logicalId },
        LogFilePrefix: `${name}/`,
      });
    });

    it('denies every request without TLS', () => {
      const bucket = dev.resource(dev.stateful.buckets[name]);
      dev.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket.logicalId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('expires the declared prefixes, aborts stale uploads and old versions', () => {
      const rules = dev.resource(dev.stateful.buckets[name]).Properties.LifecycleConfiguration.Rules;
      for (const [prefix, days] of Object.entries(declaration.expireAfterDays)) {
        expect(rules).toContainEqual(
          expect.objectContaining({ Prefix: prefix, ExpirationInDays: days, Status: 'Enabled' }),
        );
      }
      expect(rules).toContainEqual(
        expect.objectContaining({
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          Status: 'Enabled',
        }),
      );
    });

    it(`allows browser form POSTs (presigned POST) with CORS only if declared (${declaration.browserUploads})`, () => {
      const cors = dev.resource(dev.stateful.buckets[name]).Properties.CorsConfiguration;
      if (declaration.browserUploads) {
        expect(cors.CorsRules).toEqual([expect.objectContaining({ AllowedMethods: ['POST'] })]);
      } else {
        expect(cors).toBeUndefined();
      }
    });

    it('is retained outside dev', () => {
      expect(prod.resource(prod.stateful.buckets[name]).DeletionPolicy).toBe('Retain');
      expect(dev.resource(dev.stateful.buckets[name]).DeletionPolicy).toBe('Delete');
    });
  });

  describe('drop bucket policy: only the upload role and declared integrations write under inbox*', () => {
    const statementsOf = (template: Template) =>
      Object.values(template.toJSON().Resources as Record<string, { Type: string; Properties: TemplateJson }>)
        .filter((r) => r.Type === 'AWS::S3::BucketPolicy')
        .flatMap((r) => r.Properties.PolicyDocument.Statement as TemplateJson[]);
    const denyOf = (template: Template) =>
      statementsOf(template).find((st) => st.Effect === 'Deny' && st.Action === 's3:PutObject');
    const roleArn = (stage: string, fn: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':iam::',
          { Ref: 'AWS::AccountId' },
          `:role/patents-${stage}-${fn}`,
        ],
      ],
    });

    it('denies s3:PutObject under inbox* to every principal but the createUpload role', () => {
      const deny = denyOf(dev.template);
      expect(deny).toMatchObject({
        Principal: { AWS: '*' },
        Resource: {
          'Fn::Join': [
            '',
            [{ 'Fn::GetAtt': [dev.resource(dev.stateful.buckets.drop).logicalId, 'Arn'] }, '/inbox*'],
          ],
        },
        Condition: { ArnNotLike: { 'aws:PrincipalArn': [roleArn('dev', 'createUpload')] } },
      });
      // The reports bucket has no such statement.
      expect(
        statementsOf(dev.template).filter((st) => st.Effect === 'Deny' && st.Action === 's3:PutObject'),
      ).toHaveLength(1);
    });

    it('adds the declared integration principals (inboxWriterArns) and refuses what is not an IAM ARN', () => {
      const integration = 'arn:aws-cn:iam::123456789012:role/university-sftp';
      const { stateful } = buildApp({ ...context('prod'), inboxWriterArns: ` ${integration} ` });
      expect(denyOf(Template.fromStack(stateful))?.Condition.ArnNotLike['aws:PrincipalArn']).toEqual([
        roleArn('prod', 'createUpload'),
        integration,
      ]);
      expect(() => buildApp({ ...context('prod'), inboxWriterArns: '*' })).toThrow(/inboxWriterArns/);
    });

    it('the named writer is the upload function role of the stateless stack (fixed name)', () => {
      const { stateless } = buildApp(context('dev'));
      const role = Stack.of(stateless.functions.createUpload.role).resolve(
        (stateless.functions.createUpload.role.node.defaultChild as CfnElement & { roleName?: string })
          .roleName,
      );
      expect(role).toBe('patents-dev-createUpload');
      expect(buckets.drop.writeProtected.writers).toEqual(['createUpload']);
    });
  });

  describe('user pool', () => {
    it('has one group per role', () => {
      dev.template.resourceCountIs('AWS::Cognito::UserPoolGroup', roles.length);
      for (const role of roles) {
        dev.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
          GroupName: role,
          UserPoolId: { Ref: dev.resource(dev.stateful.userPool!).logicalId },
        });
      }
    });

    it('carries the organization attributes, a strong password policy, optional TOTP and threat protection', () => {
      dev.template.hasResourceProperties('AWS::Cognito::UserPool', {
        UserPoolName: 'patents-dev',
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Schema: Match.arrayWith([
          {
            AttributeDataType: 'String',
            Mutable: true,
            Name: 'uscc',
            StringAttributeConstraints: { MinLength: '18', MaxLength: '18' },
          },
          {
            AttributeDataType: 'String',
            Mutable: true,
            Name: 'province',
            StringAttributeConstraints: { MinLength: '6', MaxLength: '6' },
          },
        ]),
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      });
    });

    it('has a public web client (no secret) with SRP and refresh tokens only', () => {
      dev.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
      });
    });

    it('lets users write only their name and email, never their tenancy (custom:uscc, custom:province, custom:department)', () => {
      const clients = dev.template.findResources('AWS::Cognito::UserPoolClient');
      const writable = Object.values(clients).map(
        (client) => (client as { Properties: { WriteAttributes?: string[] } }).Properties.WriteAttributes,
      );
      expect(writable.length).toBeGreaterThan(0);
      for (const attributes of writable) {
        // Absent WriteAttributes means every attribute is writable.
        expect(attributes).toBeDefined();
        expect([...(attributes ?? [])].sort()).toEqual(['email', 'name']);
      }
      dev.template.hasResourceProperties('AWS::Cognito::UserPool', {
        UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
      });
    });

    it('is deletion-protected and retained outside dev', () => {
      const pool = prod.resource(prod.stateful.userPool!);
      expect(pool.DeletionPolicy).toBe('Retain');
      expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
    });
  });

  it('keeps the cursor signing key in a generated secret (retained outside dev) and exports its ARN', () => {
    prod.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
    expect(prod.resource(prod.stateful.cursorSigningSecret).DeletionPolicy).toBe('Retain');
    expect(JSON.stringify(prod.template.toJSON().Outputs)).toContain(
      exportNames('prod').cursorSigningSecretArn,
    );
  });

  it('leaves the SES domain identity alone unless asked: one identity per domain and account, shared by the stages', () => {
    dev.template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    expect(Object.keys(dev.template.toJSON().Outputs)).not.toContain('MailDkimRecord1');
  });

  it('with createMailIdentity=true, verifies the mail domain in SES and outputs its DKIM records', () => {
    const { stateful } = buildApp({ ...context('dev'), createMailIdentity: 'true' });
    const template = Template.fromStack(stateful);
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'patents.example.cn' });
    expect(Object.keys(template.toJSON().Outputs)).toEqual(
      expect.arrayContaining(['MailDkimRecord1', 'MailDkimRecord2', 'MailDkimRecord3']),
    );
  });

  it('outputs the bucket names, user pool id and client id under stage-specific export names', () => {
    const names = exportNames('prod');
    const exported = (Object.values(prod.template.toJSON().Outputs) as Array<{ Export?: { Name: string } }>)
      .map((o) => o.Export?.Name)
      .filter((exportName) => exportName !== undefined);
    expect(exported).toEqual(
      expect.arrayContaining([
        ...bucketEntries.map(([name]) => names.bucketName(name)),
        names.userPoolId,
        names.userPoolClientId,
      ]),
    );
    for (const name of exported) expect(name).toMatch(/^patents-prod-/);
  });

  it('refuses a sender outside the SES identity domain', () => {
    expect(() => buildApp({ ...context('dev'), mailFrom: 'noreply@elsewhere.org' })).toThrow(/mailFrom/);
    expect(() => buildApp({ ...context('dev'), mailDomain: '' })).toThrow(/mailDomain/);
  });
});
