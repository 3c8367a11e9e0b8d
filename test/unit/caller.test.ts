/** functions/shared/caller.ts: ID tokens only (Cognito), claim names by the configured identity provider. */
import { describe, expect, it } from 'vitest';
import { handler as listInstitutions } from '../../functions/institutions/list-institutions.handler.ts';
import { callerFromClaims, identitySettingsFromEnv } from '../../functions/shared/caller.ts';
import { UnauthorizedError } from '../../functions/shared/errors.ts';
import { apiEvent } from '../support/api-event.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const cognito = identitySettingsFromEnv({});
const idToken = {
  sub: 'u-1',
  token_use: 'id',
  'cognito:groups': '[institution]',
  'custom:uscc': '12100000400000624D',
  'custom:province': '110000',
};

describe('callerFromClaims with Cognito (the default)', () => {
  it('accepts an ID token and reads groups and custom attributes', () => {
    expect(callerFromClaims(idToken, cognito)).toMatchObject({
      sub: 'u-1',
      roles: ['institution'],
      orgUscc: '12100000400000624D',
      provinceCode: '110000',
    });
  });

  it('reads a ministry admin and the ministry it speaks for (custom:ministry)', () => {
    expect(
      callerFromClaims(
        { sub: 'm-1', token_use: 'id', 'cognito:groups': '[ministry-admin]', 'custom:ministry': '教育部' },
        cognito,
      ),
    ).toMatchObject({ roles: ['ministry-admin'], ministry: '教育部' });
  });

  it('refuses an access token (token_use "access") and a token without token_use: 401', () => {
    expect(() => callerFromClaims({ ...idToken, token_use: 'access' }, cognito)).toThrow(UnauthorizedError);
    expect(() => callerFromClaims({ ...idToken, token_use: 'access' }, cognito)).toThrow(/ID tokens only/);
    const { token_use: _, ...noTokenUse } = idToken;
    expect(() => callerFromClaims(noTokenUse, cognito)).toThrow(/ID tokens only/);
  });
});

describe('callerFromClaims with a generic OIDC issuer', () => {
  const oidc = identitySettingsFromEnv({
    IDENTITY_PROVIDER: 'oidc',
    CLAIM_GROUPS: 'groups',
    CLAIM_USCC: 'org_uscc',
    CLAIM_PROVINCE: 'province',
    CLAIM_DEPARTMENT: 'dept',
    CLAIM_MINISTRY: 'ministry',
  });

  it('needs no token_use and reads the configured claim names', () => {
    expect(
      callerFromClaims(
        {
          sub: 'o-1',
          groups: '[enterprise expert]',
          org_uscc: '91110000MA0000001X',
          province: '310000',
          dept: '化学学院',
          ministry: '科技部',
        },
        oidc,
      ),
    ).toMatchObject({
      roles: ['enterprise', 'expert'],
      orgUscc: '91110000MA0000001X',
      provinceCode: '310000',
      department: '化学学院',
      ministry: '科技部',
    });
  });

  it('ignores the Cognito claim names', () => {
    expect(() => callerFromClaims({ sub: 'o-1', 'cognito:groups': '[enterprise]' }, oidc)).toThrow(
      /no role group/,
    );
  });

  it('claim names default to the Cognito ones; an unknown provider is a configuration error', () => {
    expect(identitySettingsFromEnv({ IDENTITY_PROVIDER: 'oidc' }).claims.groups).toBe('cognito:groups');
    expect(() => identitySettingsFromEnv({ IDENTITY_PROVIDER: 'saml' })).toThrow(/cognito or oidc/);
  });
});

describe('an HTTP handler', () => {
  it('answers 401 to an access token', async () => {
    const response = await listInstitutions(
      apiEvent({
        method: 'GET',
        path: '/v1/institutions',
        claims: { sub: 'a', 'cognito:groups': '[national-admin]', token_use: 'access' },
      }),
      lambdaContext(),
    );
    expect(response).toMatchObject({ statusCode: 401 });
    expect(JSON.parse(String((response as { body: string }).body)).error.message).toMatch(/ID tokens only/);
  });
});
