/**
 * The deployment variants (infra/deployment.ts), each synthesized through the App with its context
 * (no bundling) and linted with cfn-lint for the Region it is meant for: 0 errors. AWS China
 * (cn-north-1: no Cognito user pools, no SES) with a generic OIDC issuer and SMTP mail; the default
 * (Cognito, SES) in us-east-1. No template of any variant holds a literal `arn:aws:` partition.
 */
import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { templateFiles } from '../../infra/cloud-assembly.ts';
import { cfnLint } from '../support/aws-artefacts.ts';

const base = {
  'aws:cdk:bundling-stacks': [],
  mailFrom: 'noreply@patents.example.cn',
  mailDomain: 'patents.example.cn',
};
const china = {
  ...base,
  stage: 'prod',
  region: 'cn-north-1',
  identity: 'oidc',
  oidcIssuer: 'https://idp.example.cn/realms/patents',
  oidcAudience: 'patents-web',
  claimGroups: 'groups',
  claimUscc: 'uscc',
  claimProvince: 'province',
  claimDepartment: 'department',
  mail: 'smtp',
};
const global = { ...base, region: 'us-east-1' };

function synth(context: Record<string, unknown>) {
  const built = buildApp(context);
  const files = templateFiles(built.app.synth().directory);
  return { ...built, files };
}

function lintErrors(files: string[], region: string) {
  return cfnLint(files, region)
    .filter((m) => m.Level === 'Error')
    .map((e) => `${e.Rule.Id} ${e.Filename}:${e.Location.Path.join('/')} ${e.Message}`);
}

describe.each([
  ['AWS China: cn-north-1, identity=oidc, mail=smtp', china, 'cn-north-1'],
  ['AWS global (default): us-east-1, identity=cognito, mail=ses', global, 'us-east-1'],
] as const)('%s', (_, context, region) => {
  const { files } = synth(context);

  it('passes cfn-lint for its Region with 0 errors', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(lintErrors(files, region)).toEqual([]);
  }, 120_000);

  it('holds no literal arn:aws: partition in any template (ARNs use AWS::Partition)', () => {
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toMatch(/arn:aws[a-z-]*:/);
  });
});

describe('the AWS China variant', () => {
  const { stateful, stateless, files } = synth(china);
  const statefulTemplate = Template.fromStack(stateful);
  const statelessTemplate = Template.fromStack(stateless);

  it('has no Cognito and no SES resource, and an SMTP secret instead', () => {
    const types = new Set(
      files.flatMap((f) =>
        Object.values(
          (JSON.parse(readFileSync(f, 'utf8')) as { Resources?: Record<string, { Type: string }> })
            .Resources ?? {},
        ).map((r) => r.Type),
      ),
    );
    expect([...types].filter((t) => /Cognito|SES/.test(t))).toEqual([]);
    statefulTemplate.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'patents-prod/smtp' });
  });

  it('authorizes with the OIDC issuer and audience', () => {
    statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: {
        Issuer: 'https://idp.example.cn/realms/patents',
        Audience: ['patents-web'],
      },
    });
  });

  it('tells every function the provider and claim names; mail functions read the secret, never the credentials', () => {
    const functions = files.flatMap((f) =>
      Object.values(
        (
          JSON.parse(readFileSync(f, 'utf8')) as {
            Resources?: Record<
              string,
              { Type: string; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }
            >;
          }
        ).Resources ?? {},
      ).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.STAGE),
    );
    expect(functions.length).toBeGreaterThan(50);
    for (const fn of functions) {
      const env = fn.Properties!.Environment!.Variables!;
      expect(env).toMatchObject({
        IDENTITY_PROVIDER: 'oidc',
        CLAIM_GROUPS: 'groups',
        CLAIM_USCC: 'uscc',
        CLAIM_PROVINCE: 'province',
        CLAIM_DEPARTMENT: 'department',
      });
      if (env.MAIL_TRANSPORT) {
        expect(env.MAIL_TRANSPORT).toBe('smtp');
        expect(env.MAIL_SMTP_SECRET_ARN).toBeDefined();
        expect(JSON.stringify(env)).not.toMatch(/password/i);
      }
      expect(env.USER_POOL_ID).toBeUndefined();
    }
  });
});

describe('SDK tracing (the Powertools Tracer) is a deployment choice', () => {
  const tracingOf = (context: Record<string, unknown>) =>
    new Set(
      synth(context).files.flatMap((f) =>
        Object.values(
          (
            JSON.parse(readFileSync(f, 'utf8')) as {
              Resources?: Record<
                string,
                { Type: string; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }
              >;
            }
          ).Resources ?? {},
        )
          .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.STAGE)
          .map((r) => r.Properties!.Environment!.Variables!.POWERTOOLS_TRACE_ENABLED),
      ),
    );

  it('off by default, on for every function with -c sdkTracing=true', () => {
    expect(tracingOf(global)).toEqual(new Set(['false']));
    expect(tracingOf({ ...global, sdkTracing: 'true' })).toEqual(new Set(['true']));
  });

  it('refuses anything but true or false', () => {
    expect(() => buildApp({ ...global, sdkTracing: 'yes' })).toThrow(/"sdkTracing" must be true or false/);
  });
});

describe('the deployment choices refuse what cannot work, with the key to change', () => {
  it('Cognito or SES in AWS China', () => {
    expect(() =>
      buildApp({ ...china, identity: 'cognito', oidcIssuer: undefined, oidcAudience: undefined }),
    ).toThrow(/Cognito user pools do not exist in cn-north-1/);
    expect(() => buildApp({ ...china, mail: 'ses' })).toThrow(
      /SES does not exist in cn-north-1.*-c mail=smtp/,
    );
  });

  it('oidc without an https issuer or an audience; unknown values', () => {
    expect(() => buildApp({ ...global, identity: 'oidc', oidcAudience: 'a' })).toThrow(
      /"oidcIssuer" is required/,
    );
    expect(() =>
      buildApp({ ...global, identity: 'oidc', oidcIssuer: 'http://idp.example.org', oidcAudience: 'a' }),
    ).toThrow(/https/);
    expect(() => buildApp({ ...global, identity: 'oidc', oidcIssuer: 'https://idp.example.org' })).toThrow(
      /"oidcAudience" is required/,
    );
    expect(() => buildApp({ ...global, identity: 'saml' })).toThrow(
      /"identity" must be one of cognito, oidc/,
    );
    expect(() => buildApp({ ...global, mail: 'pigeon' })).toThrow(/"mail" must be one of ses, smtp/);
    expect(() => buildApp({ ...global, createMailIdentity: 'yes' })).toThrow(/true or false/);
    expect(() => buildApp({ ...global, claimGroups: 'groups' })).toThrow(/identity=oidc only/);
  });
});

describe('programme settings reach exactly the functions that read them', () => {
  const settings = {
    portalUrl: 'https://patents.example.cn/portal',
    tieringRules: { highValue: { minProspectMean: 4.2 } },
    promotionWindowDays: '120',
  };
  const { files } = synth({ ...global, ...settings });
  const variablesByDescription = new Map<string, Record<string, string>>();
  for (const file of files) {
    const template = JSON.parse(readFileSync(file, 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    for (const resource of Object.values(template.Resources))
      if (resource.Type === 'AWS::Lambda::Function')
        variablesByDescription.set(
          String(resource.Properties.Description),
          (resource.Properties.Environment as { Variables?: Record<string, string> } | undefined)
            ?.Variables ?? {},
        );
  }
  const withVariable = (name: string) =>
    [...variablesByDescription].filter(([, variables]) => name in variables).map(([d]) => d);

  it('tiering rules and the promotion window: the tiering task, the promotion expiry, the two functions that take (late) evaluations and the deferred re-tiers only', () => {
    // tierPatent, expirePromotions; submitEvaluation and ingestBatchFile re-tier after late evaluations;
    // runDeferredRetiers runs the re-tiers deferred to the next day.
    expect(withVariable('TIERING_RULES')).toHaveLength(5);
    expect(withVariable('PROMOTION_WINDOW_DAYS')).toEqual(withVariable('TIERING_RULES'));
    for (const description of withVariable('TIERING_RULES')) {
      expect(description).toMatch(/tier|promotion/i);
      const variables = variablesByDescription.get(description)!;
      expect(JSON.parse(variables.TIERING_RULES!)).toEqual(settings.tieringRules);
      expect(variables.PROMOTION_WINDOW_DAYS).toBe('120');
    }
    // Not given: the functions keep their defaults (no variable at all).
    expect(withVariable('SERVICE_PROVIDERS')).toEqual([]);
  });

  it('the portal URL: the functions that send mail (every email links into the portal), and no other', () => {
    // The digest, the two end-of-job paths (ingest, failure), weekly feedback, the test mail, tiering and
    // the promotion expiry (one module), transition notices, overdue filings, spot-check verdicts,
    // 5-year-rule justification reviews, need reviews, the report's rendering.
    expect(withVariable('PORTAL_URL')).toHaveLength(13);
    for (const description of withVariable('PORTAL_URL'))
      expect(description).toMatch(/digest|mails the uploader|email|mail|promotion|overdue|render/i);
  });

  it('the search engine: SEARCH_ENGINE=opensearch and the domain endpoint for the search functions, the need functions that match and the stream reader only', () => {
    const withEngine = withVariable('SEARCH_ENGINE');
    // searchPatents, searchNeeds, postNeed, reviewNeed and ingestBatchFile (need -> pool matching, the
    // last for needs posted in bulk), fanOutCoreStream and refillSearchIndex (writers).
    expect(withEngine).toHaveLength(7);
    expect(withVariable('SEARCH_ENDPOINT')).toEqual(withEngine);
    for (const description of withEngine) {
      expect(description).toMatch(/search|need|stream reader|batch-ingest|refill/i);
      expect(variablesByDescription.get(description)!.SEARCH_ENGINE).toBe('opensearch');
    }
  });

  it('the search domain paths: _search and _analyze for readers, index creation and _bulk for the writer, never a wildcard', () => {
    const statements: Array<{ Action: string | string[]; Resource: unknown }> = [];
    for (const file of files) {
      const template = JSON.parse(readFileSync(file, 'utf8')) as {
        Resources: Record<
          string,
          { Type: string; Properties: { PolicyDocument?: { Statement: typeof statements } } }
        >;
      };
      for (const resource of Object.values(template.Resources))
        if (resource.Type === 'AWS::IAM::Policy')
          for (const statement of resource.Properties.PolicyDocument?.Statement ?? [])
            if ([statement.Action].flat().some((action) => action.startsWith('es:')))
              statements.push(statement);
    }
    const paths = (resource: unknown) =>
      [resource].flat().map((r) => {
        const text = JSON.stringify(r);
        expect(text).toContain('search-domain-arn');
        return /"(\/[^"]*)"\]\]\}$/.exec(text)?.[1];
      });
    const grants = new Set(
      statements.flatMap((s) => [s.Action].flat().flatMap((a) => paths(s.Resource).map((p) => `${a} ${p}`))),
    );
    expect([...grants].sort()).toEqual([
      'es:ESHttpGet /needs-v1/_analyze',
      'es:ESHttpGet /needs-v1/_search',
      'es:ESHttpGet /patents-v1/_analyze',
      'es:ESHttpGet /patents-v1/_search',
      'es:ESHttpPost /_bulk',
      'es:ESHttpPost /needs-v1/_analyze',
      'es:ESHttpPost /needs-v1/_search',
      'es:ESHttpPost /patents-v1/_analyze',
      'es:ESHttpPost /patents-v1/_search',
      'es:ESHttpPut /needs-v1',
      'es:ESHttpPut /patents-v1',
    ]);
  });

  it('a wrong value fails the synth with the setting to fix', () => {
    expect(() => buildApp({ ...global, searchDataNodes: '5' })).toThrow(
      /"searchDataNodes" must be 1 or a multiple of 2 or 3/,
    );
    expect(() => buildApp({ ...global, searchInstanceType: 't3.small' })).toThrow(/"searchInstanceType"/);
    expect(() => buildApp({ ...global, portalUrl: 'http://portal.example.cn' })).toThrow(
      /"portalUrl" must be the https URL/,
    );
    expect(() => buildApp({ ...global, tieringRules: '{not json' })).toThrow(
      /TIERING_RULES is not valid JSON/,
    );
    expect(() => buildApp({ ...global, promotionWindowDays: '0' })).toThrow(/PROMOTION_WINDOW_DAYS/);
    expect(() => buildApp({ ...global, serviceProviders: '[{"id":"x"}]' })).toThrow(/SERVICE_PROVIDERS\[0\]/);
  });
});
