/** A hostile header row gives bounded header warnings (or a bounded BAD_HEADERS message): the job item that stores them stays far below 400 KB. */
import { describe, expect, it } from 'vitest';
import { ingestTable } from '../../functions/intake/ingest.ts';
import type { TableRow } from '../../functions/intake/table.ts';
import { UnreadableFileError } from '../../functions/intake/table.ts';
import { templateHeaders } from '../../infra/local/demo-patents.ts';

const owner = { uscc: '12100000400000624D', provinceCode: '110000' };
const actor = { sub: 'staff', roles: ['institution' as const] };
const writer = {
  writeBatch: async () => {
    throw new Error('nothing may be written');
  },
};

async function badHeaders(header: string[]) {
  async function* rows(): AsyncGenerator<TableRow> {
    yield { rowNumber: 1, cells: header };
  }
  return ingestTable({ writer, today: '2026-12-05' }, owner, actor, rows()).catch((e) => e);
}

describe('hostile header rows', () => {
  const bytes = (warnings: string[] = []) => warnings.reduce((sum, w) => sum + Buffer.byteLength(w), 0);

  it('a million unknown columns: ignored, one warning naming 20 of them and how many more, in a few KB', async () => {
    const header = [...templateHeaders, ...Array.from({ length: 1_000_000 }, (_, i) => `列${i}`)];
    const result = await badHeaders(header);
    expect(result).not.toBeInstanceOf(Error);
    expect(result.rowsTotal).toBe(0);
    const ignored = result.headerWarnings.find((w: string) => w.includes('Ignored'));
    expect(ignored).toContain('列0, 列1');
    expect(ignored).toContain('and 999980 more not listed');
    expect(ignored).toContain('另有 999980 个未列出');
    expect(bytes(result.headerWarnings)).toBeLessThan(16_000);
  });

  it('huge header names are cut in the warnings', async () => {
    const long = `X${'很'.repeat(300_000)}`;
    const result = await badHeaders([...templateHeaders, long]);
    expect(bytes(result.headerWarnings)).toBeLessThan(16_000);
    expect(result.headerWarnings.join('\n')).toContain('…');
  });

  it('a column repeated 5,000 times, and every column twice: BAD_HEADERS naming them, bounded', async () => {
    const long = `专利名称${'很'.repeat(300_000)}`;
    const duplicates = Array.from({ length: 5000 }, () => templateHeaders[1]!);
    const error = await badHeaders([...templateHeaders, ...templateHeaders, long, ...duplicates]);
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect(error.code).toBe('BAD_HEADERS');
    expect(error.messageEn).toContain(`${templateHeaders[0]} and ${templateHeaders[0]} all map to`);
    expect(error.messageEn).toContain('more field(s) are named more than once');
    expect(Buffer.byteLength(error.messageEn) + Buffer.byteLength(error.messageZh)).toBeLessThan(16_000);
  });

  it('no key column among a million: BAD_HEADERS, bounded', async () => {
    const header = [...templateHeaders.slice(1), ...Array.from({ length: 1_000_000 }, (_, i) => `列${i}`)];
    const error = await badHeaders(header);
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect(error.code).toBe('BAD_HEADERS');
    expect(Buffer.byteLength(error.messageEn) + Buffer.byteLength(error.messageZh)).toBeLessThan(16_000);
  });
});

describe('error rows per job', () => {
  it('lists the first N rows by row number and counts the rest exactly', async () => {
    const bad = templateHeaders.map(() => 'x');
    async function* rows(count: number): AsyncGenerator<TableRow> {
      yield { rowNumber: 1, cells: [...templateHeaders] };
      for (let i = 0; i < count; i++) yield { rowNumber: i + 2, cells: bad };
    }
    // How many errors one such row carries, with nothing capped.
    const one = await ingestTable({ writer, today: '2026-12-05', maxListedRows: 100 }, owner, actor, rows(1));
    const perRow = one.errors.length;
    expect(perRow).toBeGreaterThan(1);
    expect(one.errorsNotListed ?? 0).toBe(0);
    const result = await ingestTable(
      { writer, today: '2026-12-05', maxListedRows: 100 },
      owner,
      actor,
      rows(5000),
    );
    expect(result.rowsRejected).toBe(5000);
    expect(result.errors).toHaveLength(100);
    expect(result.errors[0]!.row).toBe(2);
    expect(result.errors.every((e, i) => i === 0 || e.row >= result.errors[i - 1]!.row)).toBe(true);
    expect(result.errorsNotListed).toBeGreaterThan(0);
    expect(result.errors.length + result.errorsNotListed!).toBe(5000 * perRow);
  });
});
