/**
 * Opaque pagination cursors: base64url of the last evaluated key, bound to the listing it came from
 * so that a cursor from one listing (or a tampered one) is rejected with a clear 400.
 */
import { ValidationError } from './errors.ts';

type Key = Record<string, unknown>;

export function encodeCursor(listing: string, lastKey: Key | undefined): string | undefined {
  if (!lastKey) return undefined;
  return Buffer.from(JSON.stringify({ l: listing, k: lastKey }), 'utf8').toString('base64url');
}

export function decodeCursor(listing: string, cursor: string | undefined): Key | undefined {
  if (!cursor) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      l?: unknown;
      k?: unknown;
    };
    if (decoded.l === listing && decoded.k && typeof decoded.k === 'object') return decoded.k as Key;
  } catch {
    // fall through to the error below
  }
  throw new ValidationError(
    'This cursor does not belong to this listing (or was changed): request the first page again without "cursor".',
    [{ in: 'query', field: 'cursor', message: 'unknown cursor' }],
  );
}
