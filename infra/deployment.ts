/**
 * The deployment choices, read once from CDK context (cdk.json or `-c key=value`) and validated with
 * errors that say what to pass. Everything that differs between AWS global regions and AWS China
 * (cn-north-1 / cn-northwest-1, partition aws-cn) is decided here and nowhere else:
 *
 * | key | values | meaning |
 * |---|---|---|
 * | `stage` | `dev` (default), lowercase letters, digits, dashes | in every physical name |
 * | `region`, `account` | optional | pin the stacks to an environment (else environment-agnostic) |
 * | `identity` | `cognito` (default) or `oidc` | who signs the API's bearer tokens |
 * | `oidcIssuer`, `oidcAudience` | with `identity=oidc` | the issuer URL (https) and the audience(s), comma-separated |
 * | `claimGroups`, `claimUscc`, `claimProvince`, `claimDepartment`, `claimMinistry` | with `identity=oidc` | claim names of the role groups and tenancy (default: Cognito's names) |
 * | `mail` | `ses` (default) or `smtp` | how email leaves |
 * | `mailFrom` | address | sender of every email |
 * | `mailDomain` | domain | with `mail=ses`: the SES identity domain of `mailFrom` |
 * | `createMailIdentity` | `false` (default) or `true` | with `mail=ses`: let this stage's stack own the SES domain identity |
 * | `smtpSecretArn` | optional | with `mail=smtp`: an existing secret; else the stack creates `patents-<stage>/smtp` |
 * | `alarmEmail` | optional | subscribe this address to the alarms topic |
 * | `portalUrl` | https URL | the web portal, for links in emails (default in cdk.json: an example) |
 * | `tieringRules` | JSON object (string or cdk.json object) | overrides of the tiering rules (functions/promotion/tiering-rules.ts) |
 * | `promotionWindowDays` | whole number >= 1 | days a tiered patent stays promoted |
 * | `serviceProviders` | JSON array (string or cdk.json array) | the agreed service providers (functions/promotion/service-providers.ts) |
 * | `matchMaxEnterprises`, `matchMaxExperts`, `pushCapPerDay`, `evaluationWindowDays`, `evaluationQuorum`, `evaluationQuorumEnterprises` | whole numbers | matching, push and evaluation (docs/market.md) |
 * | `sdkTracing` | `false` (default) or `true` | X-Ray subsegments for every AWS SDK call and handler (Powertools Tracer): ~30-50 ms more per cold start (docs/bundles.md); invocations are traced by Lambda either way |
 * | `searchInstanceType` | OpenSearch instance type (default `t3.small.search`) | the search domain's data nodes (docs/search.md, "AWS") |
 * | `searchDataNodes` | 1 (default), or a multiple of 2 or 3 | data nodes; 2 or more spread over 2 (or, for a multiple of 3, 3) Availability Zones with a replica of every shard (production) |
 * | `inboxWriterArns` | optional, comma-separated IAM role / user ARNs | integrations that may drop files under the `inbox` prefixes of the drop bucket besides `POST /v1/uploads` (everyone else is denied by the bucket policy) |
 *
 * Cognito user pools and SES do not exist in AWS China: a stack pinned to a China region refuses
 * `identity=cognito` and `mail=ses` at synth time instead of failing at deploy time.
 */
import type { Node } from 'constructs';
import { serviceProviders } from '../functions/promotion/service-providers.ts';
import { tieringRules } from '../functions/promotion/tiering-rules.ts';
import {
  type ClaimNames,
  cognitoClaimNames,
  type IdentityProviderKind,
  identityProviders,
  type SettingName,
  settingEnvNames,
  settingNames,
  wholeNumberSettings,
} from '../schemas/resource-names.ts';

export type IdentityChoice =
  | { provider: 'cognito' }
  | { provider: 'oidc'; issuer: string; audience: string[]; claims: ClaimNames };

export type MailChoice =
  | { transport: 'ses'; mailDomain: string; createMailIdentity: boolean }
  | { transport: 'smtp'; smtpSecretArn?: string };

export interface Deployment {
  stage: string;
  /** The stacks' environment when `region` / `account` are given. */
  env?: { region?: string; account?: string };
  identity: IdentityChoice;
  mail: MailChoice;
  mailFrom: string;
  alarmEmail?: string;
  /** Programme settings handed to the functions that read them (functionEnvironment). */
  settings: Partial<Record<SettingName, string>>;
  /** Load the Powertools Tracer in every function: SDK call subsegments, at a cold-start cost. */
  sdkTracing: boolean;
  /** Principals (role / user ARNs) allowed to drop files under the inbox prefixes directly, besides the upload function. */
  inboxWriterArns: string[];
  /** The OpenSearch domain of the search routes (docs/search.md, "AWS"). */
  search: SearchDomainChoice;
}

/** Data nodes of the search domain: one in dev; zone awareness (2 or 3 AZs) from two nodes on. */
export interface SearchDomainChoice {
  instanceType: string;
  dataNodes: number;
  /** 1: no zone awareness; 2 or 3: the nodes spread over that many Availability Zones. */
  availabilityZones: 1 | 2 | 3;
}

export const mailTransports = ['ses', 'smtp'] as const;

/** Regions of the aws-cn partition (no Cognito user pools, no SES). */
export const isChinaRegion = (region: string | undefined) => region?.startsWith('cn-') ?? false;

/** Thrown for a wrong or missing context value: the message names the key and what to pass. */
export class DeploymentContextError extends Error {}

export function deploymentFromContext(node: Node): Deployment {
  const value = (key: string): string | undefined => {
    const raw: unknown = node.tryGetContext(key);
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (typeof raw === 'boolean' || typeof raw === 'number') return String(raw);
    if (typeof raw !== 'string') throw new DeploymentContextError(`Context "${key}" must be a string`);
    return raw.trim();
  };
  const required = (key: string, why: string): string => {
    const found = value(key);
    if (!found) throw new DeploymentContextError(`Context "${key}" is required ${why} (-c ${key}=...)`);
    return found;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const found = value(key) ?? fallback;
    if (!(allowed as readonly string[]).includes(found))
      throw new DeploymentContextError(
        `Context "${key}" must be one of ${allowed.join(', ')}, got "${found}"`,
      );
    return found as T;
  };
  const flag = (key: string): boolean => {
    const found = value(key) ?? 'false';
    if (found !== 'true' && found !== 'false')
      throw new DeploymentContextError(`Context "${key}" must be true or false, got "${found}"`);
    return found === 'true';
  };

  const stage = value('stage') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) {
    throw new DeploymentContextError(
      `Context "stage" must be lowercase letters, digits and dashes (max 16), got "${stage}"`,
    );
  }
  const region = value('region');
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new DeploymentContextError(
      `Context "region" must be a region name such as cn-north-1, got "${region}"`,
    );
  const account = value('account');
  if (account !== undefined && !/^\d{12}$/.test(account))
    throw new DeploymentContextError(`Context "account" must be a 12-digit account id, got "${account}"`);
  const china = isChinaRegion(region);

  const provider = oneOf<IdentityProviderKind>('identity', identityProviders, 'cognito');
  let identity: IdentityChoice;
  if (provider === 'cognito') {
    if (china)
      throw new DeploymentContextError(
        `Cognito user pools do not exist in ${region} (AWS China): deploy with -c identity=oidc -c oidcIssuer=https://... -c oidcAudience=...`,
      );
    for (const key of [
      'oidcIssuer',
      'oidcAudience',
      'claimGroups',
      'claimUscc',
      'claimProvince',
      'claimDepartment',
      'claimMinistry',
    ])
      if (value(key) !== undefined)
        throw new DeploymentContextError(
          `Context "${key}" applies to -c identity=oidc only (identity is cognito)`,
        );
    identity = { provider };
  } else {
    const issuer = required('oidcIssuer', 'with identity=oidc: the token issuer URL (the iss claim)');
    let url: URL;
    try {
      url = new URL(issuer);
    } catch {
      throw new DeploymentContextError(`Context "oidcIssuer" must be a URL, got "${issuer}"`);
    }
    if (url.protocol !== 'https:')
      throw new DeploymentContextError(
        `Context "oidcIssuer" must be an https URL (API Gateway fetches its JWKS over https), got "${issuer}"`,
      );
    const audience = required(
      'oidcAudience',
      'with identity=oidc: the client id(s) the tokens are issued to (aud)',
    )
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    const claimName = (key: string, fallback: string) => {
      const name = value(key) ?? fallback;
      if (/\s/.test(name))
        throw new DeploymentContextError(`Context "${key}" must be a claim name, got "${name}"`);
      return name;
    };
    identity = {
      provider,
      issuer: issuer.replace(/\/+$/, ''),
      audience,
      claims: {
        groups: claimName('claimGroups', cognitoClaimNames.groups),
        uscc: claimName('claimUscc', cognitoClaimNames.uscc),
        province: claimName('claimProvince', cognitoClaimNames.province),
        department: claimName('claimDepartment', cognitoClaimNames.department),
        ministry: claimName('claimMinistry', cognitoClaimNames.ministry),
      },
    };
  }

  const mailFrom = required('mailFrom', ': the sender address of every email');
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(mailFrom))
    throw new DeploymentContextError(`Context "mailFrom" must be an email address, got "${mailFrom}"`);
  const transport = oneOf('mail', mailTransports, 'ses');
  let mail: MailChoice;
  if (transport === 'ses') {
    if (china)
      throw new DeploymentContextError(
        `SES does not exist in ${region} (AWS China): deploy with -c mail=smtp (an SMTP relay; credentials in Secrets Manager)`,
      );
    if (value('smtpSecretArn') !== undefined)
      throw new DeploymentContextError('Context "smtpSecretArn" applies to -c mail=smtp only (mail is ses)');
    const mailDomain = required('mailDomain', 'with mail=ses: the SES identity domain of mailFrom');
    const senderDomain = mailFrom.split('@')[1]!.toLowerCase();
    if (senderDomain !== mailDomain.toLowerCase() && !senderDomain.endsWith(`.${mailDomain.toLowerCase()}`)) {
      throw new DeploymentContextError(
        `Context "mailFrom" (${mailFrom}) must be an address in the SES identity domain "${mailDomain}"`,
      );
    }
    mail = { transport, mailDomain, createMailIdentity: flag('createMailIdentity') };
  } else {
    if (flag('createMailIdentity'))
      throw new DeploymentContextError(
        'Context "createMailIdentity" applies to -c mail=ses only (mail is smtp)',
      );
    const smtpSecretArn = value('smtpSecretArn');
    if (smtpSecretArn !== undefined && !/^arn:aws(-cn|-us-gov)?:secretsmanager:/.test(smtpSecretArn))
      throw new DeploymentContextError(
        `Context "smtpSecretArn" must be the full ARN of a Secrets Manager secret, got "${smtpSecretArn}"`,
      );
    mail = { transport, ...(smtpSecretArn ? { smtpSecretArn } : {}) };
  }

  const inboxWriterArns = (value('inboxWriterArns') ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter(Boolean);
  for (const arn of inboxWriterArns)
    if (!/^arn:aws(-cn|-us-gov)?:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/.test(arn))
      throw new DeploymentContextError(
        `Context "inboxWriterArns" must list IAM role or user ARNs (arn:aws-cn:iam::123456789012:role/name), comma-separated, got "${arn}"`,
      );

  const searchInstanceType = value('searchInstanceType') ?? 't3.small.search';
  if (!/^[a-z][a-z0-9]*\.[a-z0-9]+\.search$/.test(searchInstanceType))
    throw new DeploymentContextError(
      `Context "searchInstanceType" must be an OpenSearch Service instance type such as t3.small.search or m6g.large.search, got "${searchInstanceType}"`,
    );
  const nodes = value('searchDataNodes') ?? '1';
  const dataNodes = /^\d+$/.test(nodes) ? Number(nodes) : Number.NaN;
  if (
    !(dataNodes === 1 || (dataNodes >= 2 && dataNodes <= 30 && (dataNodes % 2 === 0 || dataNodes % 3 === 0)))
  )
    throw new DeploymentContextError(
      `Context "searchDataNodes" must be 1 or a multiple of 2 or 3 up to 30 (the nodes are spread evenly over 2 or 3 Availability Zones), got "${nodes}"`,
    );
  const availabilityZones = dataNodes === 1 ? 1 : dataNodes % 2 === 0 ? 2 : 3;

  return {
    stage,
    ...(region || account ? { env: { ...(region ? { region } : {}), ...(account ? { account } : {}) } } : {}),
    identity,
    mail,
    mailFrom,
    ...(value('alarmEmail') ? { alarmEmail: value('alarmEmail') } : {}),
    settings: settingsFromContext(node),
    sdkTracing: flag('sdkTracing'),
    inboxWriterArns,
    search: { instanceType: searchInstanceType, dataNodes, availabilityZones },
  };
}

/**
 * The programme settings, checked at synth time by the same parsers the functions use, so that a
 * wrong value fails `cdk synth` with the functions' own message instead of every cold start.
 */
function settingsFromContext(node: Node): Partial<Record<SettingName, string>> {
  const settings: Partial<Record<SettingName, string>> = {};
  for (const key of settingNames) {
    const raw: unknown = node.tryGetContext(key);
    if (raw === undefined || raw === null || raw === '') continue;
    // cdk.json may hold the JSON settings as objects; -c gives strings.
    settings[key] = typeof raw === 'object' ? JSON.stringify(raw) : String(raw).trim();
  }
  if (settings.portalUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(settings.portalUrl);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'https:')
      throw new DeploymentContextError(
        `Context "portalUrl" must be the https URL of the web portal, got "${settings.portalUrl}"`,
      );
  }
  for (const [key, least] of Object.entries(wholeNumberSettings) as Array<[SettingName, number]>) {
    const given = settings[key];
    if (given !== undefined && !(/^\d+$/.test(given) && Number(given) >= least))
      throw new DeploymentContextError(
        `Context "${key}" must be a whole number >= ${least} (${settingEnvNames[key]}), got "${given}"`,
      );
  }
  const env = Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [settingEnvNames[key as SettingName], value]),
  );
  try {
    tieringRules(env);
    serviceProviders(env);
  } catch (error) {
    throw new DeploymentContextError(
      `Context tieringRules / promotionWindowDays / serviceProviders: ${(error as Error).message}`,
    );
  }
  return settings;
}
