/**
 * The local dev issuer: signs Cognito-shaped ID tokens (cognito:groups, custom:uscc, custom:province, custom:ministry,
 * token_use, kid) and verifies them as API Gateway's JWT authorizer would (issuer, audience, expiry).
 * The key pair is kept under .data/ so that tokens survive a restart (in memory with --in-memory).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import type { Role } from '../../schemas/roles.ts';

export const localAudience = 'patents-local-client';

export interface TokenRequest {
  roles: Role[];
  org?: string;
  province?: string;
  department?: string;
  ministry?: string;
  email?: string;
  name?: string;
  sub?: string;
  expiresIn?: string;
}

export class DevIssuer {
  private constructor(
    readonly issuer: string,
    private readonly privateJwk: JWK,
    readonly publicJwk: JWK,
  ) {}

  static async create(issuer: string, keyFile?: string): Promise<DevIssuer> {
    if (keyFile && existsSync(keyFile)) {
      const stored = JSON.parse(readFileSync(keyFile, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
      return new DevIssuer(issuer, stored.privateJwk, stored.publicJwk);
    }
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID();
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    if (keyFile) {
      mkdirSync(dirname(keyFile), { recursive: true });
      writeFileSync(keyFile, JSON.stringify({ privateJwk, publicJwk }), { mode: 0o600 });
    }
    return new DevIssuer(issuer, privateJwk, publicJwk);
  }

  get jwks() {
    return { keys: [this.publicJwk] };
  }

  async sign(request: TokenRequest): Promise<string> {
    const key = await importJWK(this.privateJwk, 'RS256');
    const sub = request.sub ?? randomUUID();
    return new SignJWT({
      'cognito:groups': request.roles,
      'cognito:username': request.email ?? sub,
      ...(request.org ? { 'custom:uscc': request.org } : {}),
      ...(request.province ? { 'custom:province': request.province } : {}),
      ...(request.department ? { 'custom:department': request.department } : {}),
      ...(request.ministry ? { 'custom:ministry': request.ministry } : {}),
      ...(request.email ? { email: request.email, email_verified: true } : {}),
      ...(request.name ? { name: request.name } : {}),
      token_use: 'id',
      auth_time: Math.floor(Date.now() / 1000),
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.privateJwk.kid })
      .setIssuer(this.issuer)
      .setAudience(localAudience)
      .setSubject(sub)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(request.expiresIn ?? '12h')
      .sign(key);
  }

  /** Verifies like the HTTP API JWT authorizer; returns the claims or throws. */
  async verify(token: string): Promise<Record<string, unknown>> {
    const { payload } = await jwtVerify(token, createLocalJWKSet(this.jwks), {
      issuer: this.issuer,
      audience: localAudience,
    });
    return payload as Record<string, unknown>;
  }
}

/**
 * API Gateway hands claims to the function as strings; lists become "[a b]". Reproduced here so that
 * handlers see locally exactly what they see in AWS.
 */
export function claimsAsApiGatewayPassesThem(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([key, value]) => [
      key,
      Array.isArray(value) ? `[${value.join(' ')}]` : String(value),
    ]),
  );
}
