/**
 * Writes the change events of patents and needs to their OpenSearch indices (docs/search.md, "AWS"):
 * the writer behind the core stream's search consumer (./search-stream-consumer.ts).
 *
 * One `_bulk` request per batch of changes. Idempotent on replay: the document id is the application
 * number (the need id), and the item's `version` is the document's external version
 * (`version_type: external`), so an older event replayed after a newer one is refused by the domain
 * (409 version_conflict_engine_exception) and counted as done, never written over the newer one. A
 * removal of a document already gone (404) is done too.
 *
 * The index is created on the first write of each cold start (`PUT /<index>` with the definition of
 * ./opensearch-documents.ts; "resource_already_exists_exception" means another writer did it): no
 * custom resource, because a deployment then needs no Lambda-backed resource reaching into the domain
 * (its access policy stays the two roles' only), and an index deleted by hand comes back on the next
 * change instead of waiting for a deployment.
 */
import type { SearchTransport } from './opensearch-client.ts';
import {
  type OpenSearchIndexName,
  openSearchDocument,
  openSearchIndexDefinition,
} from './opensearch-documents.ts';
import type { IndexedPatent } from './ports.ts';

export type IndexChange =
  | { kind: 'upsert'; index: OpenSearchIndexName; document: IndexedPatent }
  | { kind: 'remove'; index: OpenSearchIndexName; id: string };

/** What became of each change, in order: done (written, or refused as older / already gone) or failed. */
export type ChangeOutcome =
  | { ok: true; outcome: 'written' | 'older' | 'gone' }
  | { ok: false; error: string };

const created = new Map<OpenSearchIndexName, Promise<void>>();

/** Creates the index once per cold start (an existing one is left as it is). */
export function ensureIndex(transport: SearchTransport, index: OpenSearchIndexName): Promise<void> {
  const known = created.get(index);
  if (known) return known;
  const done: Promise<void> = transport
    .request({ method: 'PUT', path: `/${index}`, body: openSearchIndexDefinition() })
    .then(
      () => undefined,
      (error: unknown) => {
        const body = JSON.stringify((error as { meta?: { body?: unknown } }).meta?.body ?? '');
        if (body.includes('resource_already_exists_exception')) return;
        created.delete(index);
        throw error;
      },
    );
  created.set(index, done);
  return done;
}

/** Forgets which indices exist (tests). */
export function forgetCreatedIndices(): void {
  created.clear();
}

/** The NDJSON lines of `_bulk` for the changes (exported for the contract tests). */
export function bulkLines(changes: readonly IndexChange[]): Array<Record<string, unknown>> {
  return changes.flatMap((change): Array<Record<string, unknown>> => {
    if (change.kind === 'remove') return [{ delete: { _index: change.index, _id: change.id } }];
    const document = openSearchDocument(change.document);
    const version = document.version;
    return [
      {
        index: {
          _index: change.index,
          _id: document.id,
          ...(version !== undefined ? { version, version_type: 'external' } : {}),
        },
      },
      document,
    ];
  });
}

type BulkItem = { status?: number; error?: { type?: string; reason?: string } };

export async function writeChanges(
  transport: SearchTransport,
  changes: readonly IndexChange[],
): Promise<ChangeOutcome[]> {
  if (!changes.length) return [];
  await Promise.all(
    [...new Set(changes.map((change) => change.index))].map((index) => ensureIndex(transport, index)),
  );
  const { body } = await transport.request({ method: 'POST', path: '/_bulk', bulkBody: bulkLines(changes) });
  const items = ((body as { items?: Array<Record<string, BulkItem>> }).items ?? []).map(
    (item) => Object.values(item)[0] ?? {},
  );
  return changes.map((change, i): ChangeOutcome => {
    const item = items[i];
    if (!item) return { ok: false, error: 'no answer for this change in the bulk response' };
    const status = item.status ?? 500;
    if (status < 300) return { ok: true, outcome: 'written' };
    if (status === 409 && item.error?.type === 'version_conflict_engine_exception')
      return { ok: true, outcome: 'older' };
    if (status === 404 && change.kind === 'remove') return { ok: true, outcome: 'gone' };
    return { ok: false, error: `${status} ${item.error?.type ?? ''}: ${item.error?.reason ?? ''}`.trim() };
  });
}
