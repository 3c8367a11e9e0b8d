/**
 * The SMTP transport (deployment choice mail=smtp, AWS China): its settings come from a Secrets
 * Manager secret read once at cold start, never from the environment.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configuredMailer } from '../../functions/mail/mail-deps.ts';
import { smtpSettingsFromSecret } from '../../functions/mail/mailer.ts';

const secrets = mockClient(SecretsManagerClient);
const arn = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:patents-prod/smtp-AbCdEf';
const settings = { host: 'smtp.example.cn', port: '465', secure: 'true', user: 'u', password: 'p' };

beforeEach(() => secrets.reset());
afterEach(() => {
  delete process.env.MAIL_TRANSPORT;
  delete process.env.MAIL_SMTP_SECRET_ARN;
});

describe('smtpSettingsFromSecret', () => {
  it('reads host, port, secure, user and password from the secret JSON (strings as the stack writes them)', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: JSON.stringify(settings) });
    await expect(smtpSettingsFromSecret(new SecretsManagerClient({}), arn)).resolves.toEqual({
      host: 'smtp.example.cn',
      port: 465,
      secure: true,
      user: 'u',
      password: 'p',
    });
  });

  it('says what to store when the secret is not JSON or incomplete', async () => {
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'smtp://u:p@host' });
    await expect(smtpSettingsFromSecret(new SecretsManagerClient({}), arn)).rejects.toThrow(/not JSON.*host/);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'smtp://u:p@host' });
    await expect(smtpSettingsFromSecret(new SecretsManagerClient({}), arn)).rejects.toThrow(/not JSON.*host/);
    secrets.reset();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ host: 'h', port: 465 }) });
    await expect(smtpSettingsFromSecret(new SecretsManagerClient({}), arn)).rejects.toThrow(
      /incomplete \(secure, user, password\)/,
    );
  });
});

describe('configuredMailer with MAIL_TRANSPORT=smtp', () => {
  it('reads the secret once, when the mailer is made (cold start), not per message', async () => {
    process.env.MAIL_TRANSPORT = 'smtp';
    process.env.MAIL_SMTP_SECRET_ARN = arn;
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(settings) });
    configuredMailer();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: arn });
  });

  it('refuses to start without the secret ARN', () => {
    process.env.MAIL_TRANSPORT = 'smtp';
    expect(() => configuredMailer()).toThrow(/MAIL_SMTP_SECRET_ARN/);
  });
});
