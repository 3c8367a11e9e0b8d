/** Signed list cursors (functions/shared/cursor.ts). */
import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  loadCursorSigningKey,
} from '../../functions/shared/cursor.ts';

const key = { pk: 'INST#1', sk: 'PROFILE', gsi2pk: 'PROV#310000#INST' };

describe('cursors', () => {
  it('round-trips a key for the listing it was issued for', () => {
    const cursor = encodeCursor('institutions:310000', key)!;
    expect(decodeCursor('institutions:310000', cursor)).toEqual(key);
    expect(encodeCursor('institutions:310000', undefined)).toBeUndefined();
    expect(decodeCursor('institutions:310000', undefined)).toBeUndefined();
  });

  it('refuses a changed key, a changed signature, another listing, the old unsigned shape and junk with 400 INVALID_CURSOR', () => {
    const cursor = encodeCursor('institutions:310000', key)!;
    const [payload, mac] = cursor.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...key, pk: 'INST#2' })).toString('base64url');
    const attempts = [
      `${forged}.${mac}`,
      `${payload}.${mac.slice(0, -2)}AA`,
      `${payload}.`,
      Buffer.from(JSON.stringify({ l: 'institutions:310000', k: key })).toString('base64url'),
      'junk',
      '.',
    ];
    for (const attempt of attempts) {
      let error: unknown;
      try {
        decodeCursor('institutions:310000', attempt);
      } catch (e) {
        error = e;
      }
      expect(error, attempt).toBeInstanceOf(InvalidCursorError);
      expect(error).toMatchObject({ statusCode: 400, code: 'INVALID_CURSOR' });
      expect((error as Error).message).toContain('first page');
    }
    expect(() => decodeCursor('institutions:110000', cursor)).toThrow(InvalidCursorError);
  });

  it('loads the key from the secret when an ARN is set, and refuses keys under 32 bytes', async () => {
    const reads: string[] = [];
    await expect(
      loadCursorSigningKey({ CURSOR_SIGNING_SECRET_ARN: 'arn:secret' }, async (id) => {
        reads.push(id);
        return 'short';
      }),
    ).rejects.toThrow('at least 32');
    await loadCursorSigningKey({ CURSOR_SIGNING_SECRET_ARN: 'arn:secret' }, async (id) => {
      reads.push(id);
      return 'a-key-from-secrets-manager-that-is-long-enough';
    });
    expect(reads).toEqual(['arn:secret', 'arn:secret']);
    // Cached: a second load reads nothing; cursors from the environment key no longer verify.
    await loadCursorSigningKey({ CURSOR_SIGNING_SECRET_ARN: 'arn:secret' }, async () => {
      throw new Error('read again');
    });
    const cursor = encodeCursor('x', key)!;
    expect(decodeCursor('x', cursor)).toEqual(key);
  });
});
