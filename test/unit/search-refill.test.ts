/**
 * The refill of the OpenSearch indices from the table (functions/search/refill.ts): pages of patents
 * and needs become the stream consumer's changes, written a page at a time; a run stops at its budget
 * and hands back the cursor; a failed document fails the run so that it is retried from the same
 * cursor. The Scan adapter and the workflow run on the local cloud in
 * test/integration/search.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { IndexChange } from '../../functions/search/opensearch-writer.ts';
import { type RefillStore, refillSearchIndex } from '../../functions/search/refill.ts';

const patent = (n: number) => ({
  pk: `PAT#20201000000${n}.1`,
  sk: 'PATENT',
  entity: 'patent',
  applicationNumber: `20201000000${n}.1`,
  title: `专利 ${n}`,
  version: n,
  gsi1pk: 'INST#X#PAT',
});
const need = {
  pk: 'NEED#n1',
  sk: 'NEED',
  entity: 'need',
  needId: 'n1',
  title: '锂电池隔膜',
  description: '需要高孔隙率隔膜',
  status: 'open',
  version: 2,
};

/** Pages of two items; the cursor is the index of the next item. */
function store(items: Record<string, unknown>[]): RefillStore & { reads: Array<string | undefined> } {
  const reads: Array<string | undefined> = [];
  return {
    reads,
    async page(cursor, limit) {
      reads.push(cursor);
      const from = cursor ? Number(cursor) : 0;
      const next = from + Math.min(limit, 2);
      return { items: items.slice(from, next), ...(next < items.length ? { cursor: String(next) } : {}) };
    },
  };
}

describe('search refill', () => {
  const items = [patent(1), patent(2), need, patent(3), patent(4)];

  it('writes every patent and need as the stream consumer would, page by page, to the end of the table', async () => {
    const written: IndexChange[][] = [];
    const output = await refillSearchIndex(
      {
        store: store(items),
        write: async (changes) => {
          written.push([...changes]);
          return changes.map(() => ({ ok: true as const, outcome: 'written' as const }));
        },
        clock: () => 0,
      },
      {},
    );
    expect(output).toEqual({ done: true, indexed: 5, runs: 1 });
    expect(written.map((batch) => batch.length)).toEqual([2, 2, 1]);
    const flat = written.flat();
    expect(flat.map((c) => c.kind)).toEqual(['upsert', 'upsert', 'upsert', 'upsert', 'upsert']);
    expect(flat.map((c) => (c.kind === 'upsert' ? c.index : ''))).toEqual([
      'patents-v1',
      'patents-v1',
      'needs-v1',
      'patents-v1',
      'patents-v1',
    ]);
    // Storage attributes never reach a document.
    const first = flat[0]!;
    expect(first.kind === 'upsert' && 'gsi1pk' in first.document).toBe(false);
  });

  it('stops at its item budget with the cursor to go on from; the next run carries the totals', async () => {
    const paging = store(items);
    const write = async (changes: readonly IndexChange[]) =>
      changes.map(() => ({ ok: true as const, outcome: 'written' as const }));
    const settings = { pageSize: 2, maxItemsPerRun: 2, budgetMs: 60_000 };
    const first = await refillSearchIndex({ store: paging, write, clock: () => 0 }, {}, settings);
    expect(first).toEqual({ done: false, cursor: '2', indexed: 2, runs: 1 });
    const second = await refillSearchIndex({ store: paging, write, clock: () => 0 }, first, settings);
    expect(second).toEqual({ done: false, cursor: '4', indexed: 4, runs: 2 });
    const last = await refillSearchIndex({ store: paging, write, clock: () => 0 }, second, settings);
    expect(last).toEqual({ done: true, indexed: 5, runs: 3 });
    expect(paging.reads).toEqual([undefined, '2', '4']);
  });

  it('stops at its time budget', async () => {
    let now = 0;
    const output = await refillSearchIndex(
      {
        store: store(items),
        write: async (changes) => {
          now += 6_000;
          return changes.map(() => ({ ok: true as const, outcome: 'written' as const }));
        },
        clock: () => now,
      },
      {},
      { pageSize: 2, maxItemsPerRun: 1_000, budgetMs: 10_000 },
    );
    expect(output).toMatchObject({ done: false, cursor: '4', indexed: 4 });
  });

  it('a document the domain refused fails the run (retried from the same cursor); an older version is done', async () => {
    const failing = refillSearchIndex(
      {
        store: store(items),
        write: async (changes) =>
          changes.map((_, i) =>
            i === 1
              ? { ok: false as const, error: '400 mapper_parsing_exception: bad field' }
              : { ok: true as const, outcome: 'older' as const },
          ),
        clock: () => 0,
      },
      { cursor: '2' },
    );
    await expect(failing).rejects.toThrow(
      /1 of 2 documents not written \(first: 400 mapper_parsing_exception/,
    );
  });
});
