import { type Caller, roleSchema } from '../../schemas/roles.ts';
import { UnauthorizedError } from './errors.ts';

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

export function callerFromClaims(claims: Record<string, unknown> | undefined): Caller {
  if (!claims || typeof claims.sub !== 'string') {
    throw new UnauthorizedError(
      'No verified identity on this request: send "Authorization: Bearer <ID token>".',
    );
  }
  const roles = listClaim(claims['cognito:groups']).flatMap((group) => {
    const parsed = roleSchema.safeParse(group);
    return parsed.success ? [parsed.data] : [];
  });
  if (roles.length === 0) {
    throw new UnauthorizedError(
      'Your account is in no role group: ask an administrator to add you to one of institution, enterprise, expert, province-admin, national-admin.',
    );
  }
  const text = (key: string) =>
    typeof claims[key] === 'string' && claims[key] !== '' ? (claims[key] as string) : undefined;
  return {
    sub: claims.sub,
    roles,
    orgUscc: text('custom:uscc'),
    provinceCode: text('custom:province'),
    department: text('custom:department'),
    email: text('email'),
    name: text('name'),
  };
}
