/**
 * The local cloud's search engine (infra/local/search.ts) fed by stream records as DynamoDB Streams
 * delivers them, served over HTTP, and the functions' HTTP adapter of the search port.
 */
import type { AddressInfo } from 'node:net';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSearchIndex } from '../../functions/search/http-search-index.ts';
import { ServiceUnavailableError } from '../../functions/shared/errors.ts';
import { freePort } from '../../infra/local/ports.ts';
import { LocalSearch } from '../../infra/local/search.ts';

const patentItem = (version: number, title: string) => ({
  pk: 'PAT#202010123456.2',
  sk: 'PATENT',
  gsi2pk: 'PROV#110000#PAT',
  applicationNumber: '202010123456.2',
  title,
  poolStatus: 'conversion',
  legalStatus: 'valid',
  institutionUscc: '12100000400000624D',
  provinceCode: '110000',
  classifications: ['H01M 50/409'],
  strategicIndustries: [],
  version,
});
const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', item: Record<string, unknown>) => ({
  eventName,
  dynamodb: {
    [eventName === 'REMOVE' ? 'OldImage' : 'NewImage']: marshall(item, { removeUndefinedValues: true }),
  },
});
const search = (local: LocalSearch, text: string) =>
  local.index.searchNow({ text, filters: {}, scope: { kind: 'available' }, limit: 10, offset: 0 });

describe('the local search engine', () => {
  it('follows the stream: later versions win over replayed ones, other items are ignored, removals drop', () => {
    const local = new LocalSearch();
    local.applyStreamRecords([
      record('INSERT', patentItem(1, '一种锂电池隔膜')),
      record('MODIFY', patentItem(2, '一种钠离子电池正极材料')),
      // A replay of version 1 (a retried batch) must not bring the old title back.
      record('MODIFY', patentItem(1, '一种锂电池隔膜')),
      record('INSERT', { pk: 'MAIL#1', sk: 'MAIL', entity: 'mail', title: '隔膜' }),
    ] as never);
    expect(search(local, '隔膜').total).toBe(0);
    const [hit] = search(local, '钠离子电池').hits;
    expect(hit!.patent).not.toHaveProperty('pk');
    expect(hit!.patent).not.toHaveProperty('gsi2pk');
    expect(local.index.size).toBe(1);
    local.applyStreamRecords([record('REMOVE', patentItem(2, '一种钠离子电池正极材料'))] as never);
    expect(local.index.size).toBe(0);
  });

  describe('over HTTP', () => {
    const local = new LocalSearch();
    const server = local.server(() => undefined);
    let endpoint = '';
    beforeAll(async () => {
      local.applyStreamRecords([record('INSERT', patentItem(1, '一种锂电池隔膜'))] as never);
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('the functions reach the engine through the port adapter', async () => {
      const answer = await httpSearchIndex(endpoint).search({
        text: '鋰電池隔膜',
        filters: {},
        scope: { kind: 'available' },
        limit: 10,
        offset: 0,
      });
      expect(answer.hits.map((h) => h.patent.applicationNumber)).toEqual(['202010123456.2']);
      expect((await fetch(`${endpoint}/anything`)).status).toBe(404);
    });

    it('an engine that does not answer is a retryable 503, not a 500', async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      const error = await httpSearchIndex(closed)
        .search({ text: '隔膜', filters: {}, scope: { kind: 'available' }, limit: 10, offset: 0 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect((error as Error).message).toContain('send the same request again');
    });
  });
});
