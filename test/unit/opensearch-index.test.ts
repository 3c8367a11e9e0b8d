/**
 * The OpenSearch adapter (functions/search/opensearch-*.ts) against the request/response shapes of the
 * official client, without a network: a full `Client` of @opensearch-project/opensearch whose
 * `Connection` records each request (method, path, query string, the serialized body) and answers
 * with OpenSearch's JSON (hits with _source and highlight, total.value, _analyze tokens, bulk items,
 * errors). The adapter runs over that client's transport (`client.transport`), the same request path
 * the functions use. What these tests cannot show (no OpenSearch on this machine): the IK analyzer's
 * segmentation and the ranking on a real domain (docs/search.md, "AWS").
 */
import { Readable } from 'node:stream';
import { marshall } from '@aws-sdk/util-dynamodb';
import { Client, Connection } from '@opensearch-project/opensearch';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SearchTransport } from '../../functions/search/opensearch-client.ts';
import {
  openSearchDocument,
  openSearchIndexDefinition,
  openSearchIndexNames,
  highlightPostTag as post,
  highlightPreTag as pre,
} from '../../functions/search/opensearch-documents.ts';
import {
  boostedFields,
  filterClauses,
  filterReasons,
  openSearchIndex,
} from '../../functions/search/opensearch-index.ts';
import { bulkLines, forgetCreatedIndices, writeChanges } from '../../functions/search/opensearch-writer.ts';
import type { IndexedPatent, PatentSearchRequest } from '../../functions/search/ports.ts';
import { searchPatents } from '../../functions/search/search.ts';
import { searchDeps, unconfiguredSearchIndex } from '../../functions/search/search-deps.ts';
import { searchStreamConsumer } from '../../functions/search/search-stream-consumer.ts';
import { synonymGroups } from '../../functions/search/synonyms.ts';
import { ServiceUnavailableError, ValidationError } from '../../functions/shared/errors.ts';
import { fanOutStreamRecords } from '../../functions/streams/fan-out-core-stream.ts';
import { patentSearchQuerySchema } from '../../schemas/search.ts';
import { enterpriseUser } from '../support/callers.ts';

interface Recorded {
  method: string;
  path: string;
  querystring: string;
  body: string;
}
type Answer = { status: number; body: unknown };
type Responder = (request: Recorded) => Answer | Error;

/** A client whose connection answers from `responder` and records every request. */
function recordingClient(responder: Responder): { transport: SearchTransport; requests: Recorded[] } {
  const requests: Recorded[] = [];
  class RecordingConnection extends Connection {
    override request(
      params: Parameters<Connection['request']>[0],
      callback: Parameters<Connection['request']>[1],
    ) {
      const recorded = {
        method: params.method ?? '',
        path: params.path ?? '',
        querystring: params.querystring ?? '',
        body: typeof params.body === 'string' ? params.body : '',
      };
      requests.push(recorded);
      const answer = responder(recorded);
      process.nextTick(() => {
        if (answer instanceof Error) return callback(answer, null);
        const response = Readable.from([Buffer.from(JSON.stringify(answer.body))]) as Readable & {
          statusCode: number;
          headers: Record<string, string>;
        };
        response.statusCode = answer.status;
        response.headers = { 'content-type': 'application/json; charset=UTF-8' };
        callback(null, response as never);
      });
      return { abort() {}, destroy() {} } as never;
    }
  }
  const client = new Client({
    node: 'https://search-patents-dev.example.com',
    Connection: RecordingConnection,
    maxRetries: 0,
  });
  return { transport: client.transport as unknown as SearchTransport, requests };
}

const A = '12100000400000624D';
const separator: IndexedPatent = {
  applicationNumber: '202010100001.X',
  title: '一种锂离子电池隔膜及其制备方法',
  abstract: '本发明公开了一种锂离子电池隔膜，陶瓷涂层抑制高温收缩。',
  industryCode: '3841',
  strategicIndustries: [{ code: '6.1.2', name: '新能源汽车装置、配件制造', inferred: false }],
  classifications: ['H01M 50/409'],
  institutionUscc: A,
  provinceCode: '110000',
  trl: 6,
  tier: 'high-value',
  poolStatus: 'conversion',
  legalStatus: 'valid',
  lifecycle: 'conversion-pool',
  version: 4,
};

const request = (text: string, overrides: Partial<PatentSearchRequest> = {}): PatentSearchRequest => ({
  text,
  filters: {},
  scope: { kind: 'available' },
  limit: 10,
  offset: 0,
  ...overrides,
});

const analyzeAnswer = (...tokens: string[]): Answer => ({
  status: 200,
  body: {
    tokens: tokens.map((token, position) => ({
      token,
      start_offset: 0,
      end_offset: 0,
      type: 'CN_WORD',
      position,
    })),
  },
});
const searchAnswer = (hits: unknown[], total = hits.length): Answer => ({
  status: 200,
  body: { took: 3, timed_out: false, hits: { total: { value: total, relation: 'eq' }, max_score: 1, hits } },
});

/** Answers _analyze with `tokens` and _search with `search`. */
const responder =
  (tokens: string[], search: Answer | Error): Responder =>
  (recorded) =>
    recorded.path.endsWith('/_analyze') ? analyzeAnswer(...tokens) : search;

const searchBodyOf = (requests: Recorded[]) => {
  const found = requests.find((r) => r.path.endsWith('/_search'));
  if (!found) throw new Error('no _search request');
  return JSON.parse(found.body);
};

describe('the OpenSearch adapter: request mapping', () => {
  it('sends a bool query: multi_match best_fields over the boosted fields, filters and scope as filter clauses, private highlight tags', async () => {
    const { transport, requests } = recordingClient(responder(['锂电池', '隔膜'], searchAnswer([])));
    const index = openSearchIndex({ transport, index: openSearchIndexNames.patents });
    await index.search(
      request('锂电池 隔膜', {
        filters: {
          industry: 'c',
          strategicIndustry: '6.1',
          ipc: 'H01M 50',
          province: '110000',
          trlMin: 4,
          trlMax: 7,
          tier: 'high-value',
        },
        scope: { kind: 'institution', institutionUscc: A, availableOnly: true },
        limit: 20,
        offset: 40,
      }),
    );
    const search = requests.find((r) => r.path === '/patents-v1/_search')!;
    expect(search.method).toBe('POST');
    expect(search.querystring).toBe('ignore_unavailable=true');
    const body = JSON.parse(search.body);
    expect(body.from).toBe(40);
    expect(body.size).toBe(20);
    expect(body.track_total_hits).toBe(true);
    expect(boostedFields).toEqual([
      'title^3',
      'abstract',
      'applicationScenarios^1.2',
      'productsAndAdvantages',
      'industrializationProspect^0.5',
      'classification^0.6',
    ]);
    expect(body.query.bool.must).toEqual([
      { multi_match: { query: '锂电池 隔膜', type: 'best_fields', fields: boostedFields, tie_breaker: 0.3 } },
    ]);
    expect(body.query.bool.should).toEqual([
      { multi_match: { query: '锂电池 隔膜', type: 'cross_fields', fields: boostedFields, operator: 'and' } },
    ]);
    expect(body.query.bool.filter).toEqual([
      { term: { institutionUscc: A } },
      { term: { available: true } },
      { term: { industryKeys: 'C' } },
      { term: { strategicIndustryKeys: '6.1' } },
      { term: { ipcKeys: 'H01M50' } },
      { term: { provinceCode: '110000' } },
      { range: { trl: { gte: 4, lte: 7 } } },
      { term: { tier: 'high-value' } },
    ]);
    expect(body.highlight.pre_tags).toEqual([pre]);
    expect(body.highlight.post_tags).toEqual([post]);
    expect(Object.keys(body.highlight.fields)).toHaveLength(6);
    const analyze = requests.find((r) => r.path === '/patents-v1/_analyze')!;
    expect(JSON.parse(analyze.body)).toEqual({ analyzer: 'patent_query_terms', text: '锂电池 隔膜' });
  });

  it("an alert's window end (enteredPoolUntil) bounds the same range", () => {
    expect(
      filterClauses(
        { kind: 'available' },
        { enteredPoolAfter: '2026-12-01T00:00:00.000Z', enteredPoolUntil: '2026-12-02T00:00:00.000Z' },
      ),
    ).toContainEqual({
      range: { inventoriedAt: { gt: '2026-12-01T00:00:00.000Z', lte: '2026-12-02T00:00:00.000Z' } },
    });
  });

  it('a saved-search alert (enteredPoolAfter) is a range on the indexed pool entry, with its reason', () => {
    const since = '2026-12-01T00:00:00.000Z';
    expect(filterClauses({ kind: 'available' }, { enteredPoolAfter: since })).toEqual([
      { term: { available: true } },
      { range: { inventoriedAt: { gt: since } } },
    ]);
    const patent = { applicationNumber: '202610000001.5', inventoriedAt: '2026-12-02T08:00:00.000Z' };
    expect(openSearchDocument(patent).inventoriedAt).toBe('2026-12-02T08:00:00.000Z');
    expect(filterReasons({ enteredPoolAfter: since }, patent)).toEqual([
      { filter: 'enteredPoolAfter', value: since, matched: '2026-12-02T08:00:00.000Z' },
    ]);
  });

  it('the available scope is one filter; needs go to their own index', async () => {
    const { transport, requests } = recordingClient(responder(['涂层'], searchAnswer([])));
    await openSearchIndex({ transport, index: openSearchIndexNames.needs }).search(request('涂层'));
    expect(requests.map((r) => r.path).sort()).toEqual(['/needs-v1/_analyze', '/needs-v1/_search']);
    expect(searchBodyOf(requests).query.bool.filter).toEqual([{ term: { available: true } }]);
  });

  it.each([
    ['query syntax', 'title:x OR * AND NOT "a"~2 ^3 \\', 'title:x or * and not "a"~2 ^3 \\'],
    ['emoji', '🔋🔋 电池', '🔋🔋 电池'],
    ['traditional characters', '鋰電池 隔膜', '锂电池 隔膜'],
    ['full-width letters', 'ＢＭＳ', 'bms'],
  ])('%s reach OpenSearch only as the plain text of a match query', async (_kind, text, sent) => {
    const { transport, requests } = recordingClient(responder(['x'], searchAnswer([])));
    await openSearchIndex({ transport, index: openSearchIndexNames.patents }).search(request(text));
    const raw = requests.map((r) => r.body).join('\n');
    expect(raw).not.toContain('query_string');
    expect(raw).not.toContain('simple_query_string');
    const body = searchBodyOf(requests);
    expect(body.query.bool.must[0].multi_match.query).toBe(sent);
  });

  it('a 10,000-character text is cut to the route limit; size and from stay within the search depth', async () => {
    const { transport, requests } = recordingClient(responder(['电池'], searchAnswer([])));
    const index = openSearchIndex({ transport, index: openSearchIndexNames.patents });
    await index.search(request('电'.repeat(10_000), { limit: 500, offset: 190 }));
    const body = searchBodyOf(requests);
    expect(body.query.bool.must[0].multi_match.query).toHaveLength(200);
    expect(body.from).toBe(190);
    expect(body.size).toBe(10);
  });
});

describe('the OpenSearch adapter: answers', () => {
  const hit = {
    _index: 'patents-v1',
    _id: separator.applicationNumber,
    _score: 12.3456,
    _source: { patent: separator },
    highlight: {
      title: [`一种${pre}锂离子电池${post}${pre}隔膜${post}及其制备方法`],
      abstract: [`本发明公开了一种${pre}锂离子电池${post}${pre}隔膜${post}，陶瓷涂层抑制高温收缩。`],
    },
  };

  it('maps hits, highlights (plain text with spans), reasons (terms, via, fields, filters) and total.value', async () => {
    const { transport } = recordingClient(responder(['锂电池', '隔膜', '的'], searchAnswer([hit], 37)));
    const answer = await openSearchIndex({ transport, index: openSearchIndexNames.patents }).search(
      request('锂电池的隔膜', { filters: { ipc: 'H01M', trlMin: 5 } }),
    );
    expect(answer.total).toBe(37);
    expect(answer.terms).toEqual(['锂电池', '隔膜']);
    expect(answer.expandedTerms).toEqual(
      expect.arrayContaining([
        { term: '锂离子电池', via: '锂电池' },
        { term: '电池隔膜', via: '隔膜' },
      ]),
    );
    const [first] = answer.hits;
    expect(first!.patent).toEqual(separator);
    expect(first!.score).toBe(12.346);
    expect(first!.highlights[0]).toEqual({
      field: 'title',
      text: '一种锂离子电池隔膜及其制备方法',
      spans: [[2, 9]],
    });
    expect(first!.highlights[1]!.field).toBe('abstract');
    const byTerm = Object.fromEntries(first!.reasons.terms.map((t) => [t.term, t]));
    expect(byTerm.锂离子电池).toMatchObject({ via: '锂电池', fields: ['title', 'abstract'] });
    expect(byTerm.隔膜).toMatchObject({ fields: ['title', 'abstract'] });
    expect(byTerm.隔膜).not.toHaveProperty('via');
    expect(first!.reasons.terms.reduce((sum, t) => sum + t.contribution, 0)).toBeCloseTo(1, 2);
    expect(first!.reasons.fields).toEqual(['title', 'abstract']);
    expect(first!.reasons.filters).toEqual([
      { filter: 'available', value: 'true', matched: 'conversion pool' },
      { filter: 'ipc', value: 'H01M', matched: 'H01M 50/409' },
      { filter: 'trl', value: '5-9', matched: '6' },
    ]);
  });

  it('runs under the use-case: only common words is the 400 that says what to add', async () => {
    const { transport } = recordingClient(responder(['的', '方法'], searchAnswer([])));
    const error = await searchPatents(
      { index: openSearchIndex({ transport, index: openSearchIndexNames.patents }) },
      enterpriseUser,
      patentSearchQuerySchema.parse({ q: '的 方法' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
  });

  it('an index not created yet (nothing written) answers no hits, with the query words as terms', async () => {
    const missing = {
      status: 404,
      body: {
        error: { type: 'index_not_found_exception', reason: 'no such index [patents-v1]' },
        status: 404,
      },
    };
    const { transport } = recordingClient((r) => (r.path.endsWith('/_analyze') ? missing : searchAnswer([])));
    const answer = await openSearchIndex({ transport, index: openSearchIndexNames.patents }).search(
      request('电池 隔膜'),
    );
    expect(answer).toEqual({
      hits: [],
      total: 0,
      terms: ['电池', '隔膜'],
      expandedTerms: [{ term: '电池隔膜', via: '隔膜' }],
    });
  });

  it.each([429, 502, 503, 504])(
    'a %s from the domain is a 503 telling the user to send the request again',
    async (status) => {
      const { transport } = recordingClient(
        responder(['电池'], { status, body: { error: { type: 'es_rejected_execution_exception' }, status } }),
      );
      const error = await openSearchIndex({ transport, index: openSearchIndexNames.patents })
        .search(request('电池'))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect((error as Error).message).toMatch(/send the same request again/);
    },
  );

  it('a refused connection is a 503 to retry; any other refusal a 503 telling the operators', async () => {
    const refused = recordingClient(() =>
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
    const error = await openSearchIndex({ transport: refused.transport, index: openSearchIndexNames.patents })
      .search(request('电池'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(/send the same request again/);
    const broken = recordingClient(
      responder(['电池'], {
        status: 400,
        body: { error: { type: 'search_phase_execution_exception' }, status: 400 },
      }),
    );
    const refusal = await openSearchIndex({
      transport: broken.transport,
      index: openSearchIndexNames.patents,
    })
      .search(request('电池'))
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ServiceUnavailableError);
    expect((refusal as Error).message).toMatch(/tell the operators/);
  });
});

describe('which engine a function gets (search-deps.ts)', () => {
  it('SEARCH_ENGINE=opensearch: the adapter, built without a request at cold start; no endpoint: 503 NOT_CONFIGURED', () => {
    const env = {
      SEARCH_ENGINE: 'opensearch',
      SEARCH_ENDPOINT: 'search-patents-dev.cn-north-1.es.amazonaws.com.cn',
    };
    const { index } = searchDeps(env);
    expect(index).not.toBe(unconfiguredSearchIndex);
    expect(searchDeps({ SEARCH_ENGINE: 'opensearch' }).index).toBe(unconfiguredSearchIndex);
  });
});

describe('the index definition and documents', () => {
  it('IK at index (ik_max_word) and search (ik_smart) time, the synonym groups at search time, strict mapping', () => {
    const definition = openSearchIndexDefinition();
    expect(definition.settings.analysis.analyzer.patent_index.tokenizer).toBe('ik_max_word');
    expect(definition.settings.analysis.analyzer.patent_search.tokenizer).toBe('ik_smart');
    expect(definition.settings.analysis.analyzer.patent_search.filter).toContain('patent_synonyms');
    expect(definition.settings.analysis.filter.patent_synonyms.synonyms).toHaveLength(synonymGroups.length);
    expect(definition.settings.analysis.filter.patent_synonyms.synonyms[0]).toBe('锂电池, 锂离子电池, 锂电');
    expect(definition.mappings.dynamic).toBe('strict');
  });

  it('a document holds only mapped fields: normalized texts, every filter prefix, availability, the patent unindexed', () => {
    const document = openSearchDocument({ ...separator, title: `鋰電池${pre}隔膜` });
    const mapped = Object.keys(openSearchIndexDefinition().mappings.properties);
    for (const key of Object.keys(document)) expect(mapped).toContain(key);
    expect(document.title).toBe('锂电池隔膜');
    expect(document).toMatchObject({
      id: separator.applicationNumber,
      available: true,
      industryKeys: ['C', '3', '38', '384', '3841'],
      strategicIndustryKeys: ['6', '6.1', '6.1.2'],
      ipcKeys: ['H01', 'H01M', 'H01M50'],
      trl: 6,
      version: 4,
    });
    expect(openSearchDocument({ ...separator, lifecycle: 'assigned' }).available).toBe(false);
  });
});

describe('the writer', () => {
  beforeEach(() => forgetCreatedIndices());
  const bulkAnswer = (...items: Array<Record<string, unknown>>): Answer => ({
    status: 200,
    body: { took: 5, errors: true, items },
  });

  it('creates the index once, then one _bulk of index (external version) and delete lines', async () => {
    const { transport, requests } = recordingClient((r) =>
      r.path === '/_bulk'
        ? bulkAnswer({ index: { status: 201 } }, { delete: { status: 200 } })
        : { status: 200, body: { acknowledged: true } },
    );
    const changes = [
      { kind: 'upsert', index: openSearchIndexNames.patents, document: separator },
      { kind: 'remove', index: openSearchIndexNames.patents, id: 'gone.X' },
    ] as const;
    expect(await writeChanges(transport, changes)).toEqual([
      { ok: true, outcome: 'written' },
      { ok: true, outcome: 'written' },
    ]);
    await writeChanges(transport, changes);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'PUT /patents-v1',
      'POST /_bulk',
      'POST /_bulk',
    ]);
    expect(JSON.parse(requests[0]!.body).settings.analysis.analyzer.patent_index.tokenizer).toBe(
      'ik_max_word',
    );
    const lines = requests[1]!.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({
      index: { _index: 'patents-v1', _id: separator.applicationNumber, version: 4, version_type: 'external' },
    });
    expect(lines[1].patent).toEqual(separator);
    expect(lines[2]).toEqual({ delete: { _index: 'patents-v1', _id: 'gone.X' } });
    expect(bulkLines(changes)).toHaveLength(3);
  });

  it('an index created by another writer is fine; an older version (409) and a removed document (404) are done, a mapping error fails its change only', async () => {
    const { transport } = recordingClient((r) =>
      r.path === '/_bulk'
        ? bulkAnswer(
            {
              index: {
                status: 409,
                error: { type: 'version_conflict_engine_exception', reason: 'current version [5] is higher' },
              },
            },
            { delete: { status: 404, result: 'not_found' } },
            {
              index: {
                status: 400,
                error: { type: 'strict_dynamic_mapping_exception', reason: 'mapping set to strict' },
              },
            },
          )
        : { status: 400, body: { error: { type: 'resource_already_exists_exception' }, status: 400 } },
    );
    const outcomes = await writeChanges(transport, [
      { kind: 'upsert', index: openSearchIndexNames.patents, document: separator },
      { kind: 'remove', index: openSearchIndexNames.patents, id: 'gone.X' },
      {
        kind: 'upsert',
        index: openSearchIndexNames.patents,
        document: { ...separator, applicationNumber: 'bad.X' },
      },
    ]);
    expect(outcomes.slice(0, 2)).toEqual([
      { ok: true, outcome: 'older' },
      { ok: true, outcome: 'gone' },
    ]);
    expect(outcomes[2]).toMatchObject({
      ok: false,
      error: expect.stringContaining('strict_dynamic_mapping_exception'),
    });
  });

  it('the stream consumer writes a batch as one _bulk and fails only the record whose item failed', async () => {
    const { transport, requests } = recordingClient((r) => {
      if (r.path !== '/_bulk') return { status: 200, body: { acknowledged: true } };
      const count = r.body
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('{"index"')).length;
      return bulkAnswer(
        ...Array.from({ length: count }, (_, i) => ({
          index: i === 1 ? { status: 400, error: { type: 'mapper_parsing_exception' } } : { status: 200 },
        })),
      );
    });
    const record = (sequence: string, item: Record<string, unknown>): DynamoDBRecord => ({
      eventName: 'MODIFY',
      dynamodb: {
        SequenceNumber: sequence,
        NewImage: marshall(item, { removeUndefinedValues: true }) as never,
      },
    });
    const consumer = searchStreamConsumer((changes) => writeChanges(transport, changes));
    const result = await fanOutStreamRecords(
      [consumer],
      [
        record('1', {
          pk: `PAT#${separator.applicationNumber}`,
          sk: 'PATENT',
          entity: 'patent',
          ...separator,
        }),
        record('2', { pk: 'PAT#2', sk: 'PATENT', entity: 'patent', ...separator, applicationNumber: '2.X' }),
        record('3', {
          pk: 'NEED#n1',
          sk: 'NEED',
          entity: 'need',
          needId: 'n1',
          title: '防腐涂层',
          description: '海上风电',
          status: 'open',
          enterpriseUscc: A,
          version: 2,
        }),
        record('4', { pk: 'MAIL#1', sk: 'MAIL', entity: 'mail' }),
      ],
    );
    expect(requests.filter((r) => r.path === '/_bulk')).toHaveLength(1);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    expect(result.handled.search).toBe(2);
    const lines = requests
      .find((r) => r.path === '/_bulk')!
      .body.trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[1]).not.toHaveProperty('patent.pk');
    expect(lines[4]).toEqual({
      index: { _index: 'needs-v1', _id: 'n1', version: 2, version_type: 'external' },
    });
    expect(lines[5].available).toBe(true);
  });
});
