/**
 * The names through which code and deployment meet: the logical names of tables, buckets and
 * workflows, the environment variables that carry their physical names, and the fixed physical names.
 * Dependency-free on purpose: the Lambda runtime (functions/shared/config.ts) and the deployment
 * (infra/) both read it, and no function bundle ever carries infra/.
 */
export const tableNames = ['core', 'metrics'] as const;
export type TableName = (typeof tableNames)[number];
export const bucketNames = ['drop', 'reports'] as const;
export type BucketName = (typeof bucketNames)[number];
export const workflowNames = [
  'system-probe',
  'batch-ingest',
  'deadline-sweep',
  'patent-pipeline',
  'quarterly-report',
  'search-refill',
] as const;
export type WorkflowName = (typeof workflowNames)[number];

/** Environment variable names through which functions learn their resources. */
export const envNames = {
  table: (name: TableName) => `TABLE_${name.toUpperCase()}`,
  bucket: (name: BucketName) => `BUCKET_${name.toUpperCase()}`,
  workflow: (name: WorkflowName) => `WORKFLOW_${name.toUpperCase().replace(/-/g, '_')}_ARN`,
} as const;

/**
 * Programme settings a deployment may give (CDK context, README "Configuration"), as the environment
 * variables of the functions that declare them (FunctionDeclaration.settings). Unset: the function's
 * documented default (the Work Plan's tiering rules, the demo service providers, the example portal).
 */
export const settingEnvNames = {
  /** Partial JSON over the default tiering rules (functions/promotion/tiering-rules.ts). */
  tieringRules: 'TIERING_RULES',
  /** Days a tiered patent stays promoted (functions/promotion/tiering-rules.ts). */
  promotionWindowDays: 'PROMOTION_WINDOW_DAYS',
  /** JSON array of the agreed service providers (functions/promotion/service-providers.ts). */
  serviceProviders: 'SERVICE_PROVIDERS',
  /** The web portal's base URL, for links in emails. */
  portalUrl: 'PORTAL_URL',
  /** Matching and push (functions/market/push.ts, docs/market.md). */
  matchMaxEnterprises: 'MATCH_MAX_ENTERPRISES',
  matchMaxExperts: 'MATCH_MAX_EXPERTS',
  pushCapPerDay: 'PUSH_CAP_PER_DAY',
  evaluationWindowDays: 'EVALUATION_WINDOW_DAYS',
  /** Evaluation quorum (functions/evaluations/ports.ts). */
  evaluationQuorum: 'EVALUATION_QUORUM',
  evaluationQuorumEnterprises: 'EVALUATION_QUORUM_ENTERPRISES',
} as const;
export type SettingName = keyof typeof settingEnvNames;
export const settingNames = Object.keys(settingEnvNames) as SettingName[];

/** The settings each reader module reads: a function that bundles the module declares them all. */
export const settingGroups = {
  market: ['matchMaxEnterprises', 'matchMaxExperts', 'pushCapPerDay', 'evaluationWindowDays'],
  evaluation: ['evaluationQuorum', 'evaluationQuorumEnterprises', 'evaluationWindowDays'],
  promotion: ['tieringRules', 'promotionWindowDays', 'serviceProviders'],
  portal: ['portalUrl'],
} as const satisfies Record<string, readonly SettingName[]>;

/** Whole-number settings and their least value (the rest are JSON or a URL). */
export const wholeNumberSettings = {
  promotionWindowDays: 1,
  matchMaxEnterprises: 1,
  matchMaxExperts: 1,
  pushCapPerDay: 1,
  evaluationWindowDays: 1,
  evaluationQuorum: 1,
  evaluationQuorumEnterprises: 0,
} as const satisfies Partial<Record<SettingName, number>>;

/** Name of the EventBridge Scheduler group holding this system's schedules. */
export const scheduleGroupName = (stage: string) => `patents-${stage}`;

/** Name of a workflow's state machine (fixed, so functions can be granted it by name). */
export const workflowStateMachineName = (stage: string, workflow: WorkflowName) =>
  `patents-${stage}-${workflow}`;

/**
 * Identity provider settings the stack hands every function (the deployment choice `identity`):
 * which provider signed the tokens and, for a generic OIDC issuer, which claims carry the role
 * groups and the tenancy attributes. Unset: Cognito (and the local dev issuer, which mints
 * Cognito-shaped ID tokens).
 */
export const identityEnvNames = {
  provider: 'IDENTITY_PROVIDER',
  claimGroups: 'CLAIM_GROUPS',
  claimUscc: 'CLAIM_USCC',
  claimProvince: 'CLAIM_PROVINCE',
  claimDepartment: 'CLAIM_DEPARTMENT',
  claimMinistry: 'CLAIM_MINISTRY',
} as const;
export const identityProviders = ['cognito', 'oidc'] as const;
export type IdentityProviderKind = (typeof identityProviders)[number];

/** Claim names of the caller's roles and tenancy. */
export interface ClaimNames {
  groups: string;
  uscc: string;
  province: string;
  department: string;
  ministry: string;
}
/** Where a Cognito ID token carries them (groups and custom attributes of the user pool). */
export const cognitoClaimNames: ClaimNames = {
  groups: 'cognito:groups',
  uscc: 'custom:uscc',
  province: 'custom:province',
  department: 'custom:department',
  ministry: 'custom:ministry',
};

/** Mail transport settings (the deployment choice `mail`): SES v2, or SMTP with a Secrets Manager secret. */
export const mailEnvNames = {
  transport: 'MAIL_TRANSPORT',
  from: 'MAIL_FROM',
  smtpSecretArn: 'MAIL_SMTP_SECRET_ARN',
} as const;

/** The settings of the reader modules a function bundles (its declaration's `settings`). */
export function settingsOf(...groups: Array<keyof typeof settingGroups>): SettingName[] {
  return [...new Set(groups.flatMap((group) => settingGroups[group]))];
}

/**
 * The search engine (docs/search.md): `SEARCH_ENGINE` says which (`opensearch` on AWS: the domain's
 * endpoint in `SEARCH_ENDPOINT`, requests signed with the function's role; `embedded` in the local
 * cloud: its engine's HTTP endpoint). Unset (a deployment without a search engine): the search routes
 * answer 503 NOT_CONFIGURED.
 */
export const searchEnvNames = { engine: 'SEARCH_ENGINE', endpoint: 'SEARCH_ENDPOINT' } as const;
export const searchEngines = ['opensearch', 'embedded'] as const;
export type SearchEngine = (typeof searchEngines)[number];
