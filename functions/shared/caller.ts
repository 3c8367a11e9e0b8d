import {
  type ClaimNames,
  cognitoClaimNames,
  type IdentityProviderKind,
  identityEnvNames,
} from '../../schemas/resource-names.ts';
import { type Caller, roleSchema } from '../../schemas/roles.ts';
import { UnauthorizedError } from './errors.ts';

/** How this function reads the verified claims: set by the stack from the deployment choice `identity`. */
export interface IdentitySettings {
  provider: IdentityProviderKind;
  claims: ClaimNames;
}

/**
 * Cognito (and the local dev issuer) unless IDENTITY_PROVIDER=oidc; with oidc the claim names come
 * from CLAIM_GROUPS / CLAIM_USCC / CLAIM_PROVINCE / CLAIM_DEPARTMENT / CLAIM_MINISTRY, each defaulting to Cognito's.
 */
export function identitySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): IdentitySettings {
  const provider = env[identityEnvNames.provider] ?? 'cognito';
  if (provider === 'cognito') return { provider, claims: cognitoClaimNames };
  if (provider !== 'oidc') {
    throw new Error(`${identityEnvNames.provider} must be cognito or oidc, got "${provider}"`);
  }
  const claim = (name: string | undefined, fallback: string) => (name ? name : fallback);
  return {
    provider,
    claims: {
      groups: claim(env[identityEnvNames.claimGroups], cognitoClaimNames.groups),
      uscc: claim(env[identityEnvNames.claimUscc], cognitoClaimNames.uscc),
      province: claim(env[identityEnvNames.claimProvince], cognitoClaimNames.province),
      department: claim(env[identityEnvNames.claimDepartment], cognitoClaimNames.department),
      ministry: claim(env[identityEnvNames.claimMinistry], cognitoClaimNames.ministry),
    },
  };
}

/**
 * API Gateway's HTTP API JWT authorizer passes claims as strings; list claims such as
 * cognito:groups arrive as "[institution province-admin]". Accepts real arrays too.
 */
function listClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value.trim() === '') return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    const inner = trimmed.slice(1, -1).trim();
    if (inner.startsWith('"')) return JSON.parse(trimmed) as string[];
    return inner.split(/[\s,]+/).filter(Boolean);
  }
  return trimmed.split(/[\s,]+/).filter(Boolean);
}

export function callerFromClaims(
  claims: Record<string, unknown> | undefined,
  settings: IdentitySettings = identitySettingsFromEnv(),
): Caller {
  if (!claims || typeof claims.sub !== 'string') {
    throw new UnauthorizedError(
      'No verified identity on this request: send "Authorization: Bearer <ID token>".',
    );
  }
  // The JWT authorizer accepts any token of the pool's client, access tokens included; only ID tokens
  // carry the groups and attributes as the user pool states them. A generic OIDC issuer has no
  // token_use claim: there the authorizer's audience check is what admits the token.
  if (settings.provider === 'cognito' && claims.token_use !== 'id') {
    throw new UnauthorizedError(
      `This API accepts Cognito ID tokens only (token_use "id"), got token_use "${String(claims.token_use ?? '')}": send the ID token, not the access token.`,
    );
  }
  const names = settings.claims;
  const roles = listClaim(claims[names.groups]).flatMap((group) => {
    const parsed = roleSchema.safeParse(group);
    return parsed.success ? [parsed.data] : [];
  });
  if (roles.length === 0) {
    throw new UnauthorizedError(
      `Your account is in no role group: ask an administrator to add you to one of ${roleSchema.options.join(', ')}.`,
    );
  }
  const text = (key: string) =>
    typeof claims[key] === 'string' && claims[key] !== '' ? (claims[key] as string) : undefined;
  return {
    sub: claims.sub,
    roles,
    orgUscc: text(names.uscc),
    provinceCode: text(names.province),
    department: text(names.department),
    ministry: text(names.ministry),
    email: text('email'),
    name: text('name'),
  };
}
