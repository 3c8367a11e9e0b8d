/**
 * Refills the OpenSearch indices from the table (issue 15 item 2; docs/search.md, "Filling a new
 * domain"): a new domain, a domain restored empty, or a new mapping version starts empty while the
 * stream consumer only carries changes from now on. The `search-refill` workflow (an operator starts
 * it: README "Operations") runs this task in a loop: each run scans the core table from the cursor it
 * is given, turns every patent and need into its document with the stream consumer's code
 * (./search-stream-consumer.ts `itemChange`) and writes them with its writer (`_bulk`, external
 * versions: a document the stream wrote meanwhile at a newer version is never overwritten by the older
 * copy, ./opensearch-writer.ts), until its item or time budget is spent; it answers the cursor to go on
 * from and whether the table is done. A failed write fails the run (the workflow retries it from the
 * same cursor: a replay writes nothing twice). Locally the embedded engine is rebuilt from the store at
 * every start: there is nothing to refill.
 */
import type { ChangeOutcome, IndexChange } from './opensearch-writer.ts';
import { itemChange } from './search-stream-consumer.ts';

export interface RefillStore {
  /** One page of patents and needs of the core table, from `cursor` (absent: the start). */
  page(
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: Record<string, unknown>[]; cursor?: string }>;
}

export interface RefillDeps {
  store: RefillStore;
  /** Writes a batch of changes (one `_bulk`), each change's outcome in order. */
  write: (changes: readonly IndexChange[]) => Promise<ChangeOutcome[]>;
  /** Milliseconds since the epoch (the time budget). */
  clock: () => number;
}

export const refillSettings = {
  /** Items read per scan page (one `_bulk` per page). */
  pageSize: 500,
  /** Items one run writes at most before it hands the cursor back. */
  maxItemsPerRun: 50_000,
  /** One run stops reading after this long (the function's timeout is 15 minutes). */
  budgetMs: 10 * 60_000,
};

export interface RefillInput {
  cursor?: string;
  /** Totals carried from run to run (the workflow passes them back in). */
  indexed?: number;
  runs?: number;
}

export interface RefillOutput {
  done: boolean;
  cursor?: string;
  indexed: number;
  runs: number;
}

export async function refillSearchIndex(
  deps: RefillDeps,
  input: RefillInput,
  settings = refillSettings,
): Promise<RefillOutput> {
  const started = deps.clock();
  let cursor = input.cursor;
  let indexed = input.indexed ?? 0;
  let written = 0;
  do {
    const page = await deps.store.page(cursor, settings.pageSize);
    const changes = page.items.map((item) => itemChange(item)).filter((c): c is IndexChange => !!c);
    const outcomes = await deps.write(changes);
    const failed = outcomes.filter((o): o is Extract<ChangeOutcome, { ok: false }> => !o.ok);
    if (failed.length)
      throw new Error(
        `search refill: ${failed.length} of ${changes.length} documents not written (first: ${failed[0]!.error}); the run is retried from the same cursor`,
      );
    indexed += changes.length;
    written += page.items.length;
    cursor = page.cursor;
  } while (cursor && written < settings.maxItemsPerRun && deps.clock() - started < settings.budgetMs);
  return { done: !cursor, ...(cursor ? { cursor } : {}), indexed, runs: (input.runs ?? 0) + 1 };
}
