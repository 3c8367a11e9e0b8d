/**
 * Every 2xx JSON answer is parsed with the response schema its route declares, on its wire form
 * (what JSON.stringify sends), before it leaves:
 * - keys the schema does not declare are removed (zod objects strip by default) and named in the
 *   result (`undeclared`): the HTTP layer fails the request with them in strict mode (tests and the
 *   local cloud: a bug shows at once) and logs them in strip mode (AWS: the client still gets an
 *   answer, without the undeclared data);
 * - an answer that does not match its schema (a wrong type, a missing field) is never sent;
 * - storage attributes (schemas/storage.ts: pk, sk, gsi*, entity, writeToken, contentHash) are
 *   removed at any depth whatever the schema says, also in records and loose objects.
 * Why not `.strict()` schemas: zod 4 has no deep strict mode, and strict objects inside unions turn
 * "one extra key" into "no union option matched", which hides the key that is wrong.
 */
import type * as z from 'zod';
import { isStorageAttribute } from '../../schemas/storage.ts';

export type ResponseSchemaMode = 'strict' | 'strip';

/** Strict in tests and in the local cloud (RESPONSE_SCHEMA_MODE=strict), strip + log on AWS. */
export const responseSchemaMode = (): ResponseSchemaMode =>
  process.env.RESPONSE_SCHEMA_MODE === 'strict' || process.env.VITEST ? 'strict' : 'strip';

export type ParsedResponse =
  | { ok: true; body: unknown; undeclared: string[]; storage: string[] }
  | { ok: false; issues: string[] };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Paths of keys present in `input` but not in `output` (what the schema stripped). */
function strippedPaths(input: unknown, output: unknown, path: string, found: string[]): void {
  if (Array.isArray(input) && Array.isArray(output)) {
    input.forEach((item, i) => {
      strippedPaths(item, output[i], `${path}[${i}]`, found);
    });
    return;
  }
  if (!isPlainObject(input) || !isPlainObject(output)) return;
  for (const [key, value] of Object.entries(input)) {
    const at = path ? `${path}.${key}` : key;
    if (!(key in output)) {
      if (value !== undefined) found.push(at);
    } else strippedPaths(value, output[key], at, found);
  }
}

/** Removes storage attributes at any depth; returns their paths. */
function removeStorage(value: unknown, path: string, found: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => removeStorage(item, `${path}[${i}]`, found));
  if (!isPlainObject(value)) return value;
  const clean: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (isStorageAttribute(key)) found.push(at);
    else clean[key] = removeStorage(item, at, found);
  }
  return clean;
}

type Issue = z.core.$ZodIssue;

/**
 * Issues as `path: message` lines. A union that matched no branch says only "Invalid input": the
 * branch that came closest (fewest issues) is described instead, so a log names the field at fault.
 */
function describeIssues(issues: readonly Issue[], prefix: PropertyKey[], depth = 0): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    const branches = issue.code === 'invalid_union' ? issue.errors : [];
    if (branches.length && depth < 3) {
      const closest = [...branches].sort((a, b) => a.length - b.length)[0]!;
      if (closest.length) return describeIssues(closest, path, depth + 1);
    }
    return [`${path.map(String).join('.') || '(whole)'}: ${issue.message}`];
  });
}

export function parseResponseBody(schema: z.ZodType, body: unknown): ParsedResponse {
  const wire: unknown = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  const result = schema.safeParse(wire);
  if (!result.success)
    return {
      ok: false,
      issues: describeIssues(result.error.issues, []),
    };
  const undeclared: string[] = [];
  strippedPaths(wire, result.data, '', undeclared);
  const storage: string[] = [];
  const clean = removeStorage(result.data, '', storage);
  return { ok: true, body: clean, undeclared, storage };
}
