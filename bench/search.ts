/**
 * Search quality and speed (npm run bench -- search), in one process, no local cloud:
 *
 * Quality, on the labeled evaluation set (bench/search/: 2,400 generated patents, 85 queries with
 * graded labels): nDCG@10 (gain 2^grade - 1, log2 discount, ideal from every labeled record) and
 * recall@10 (grade-2 records in the top 10 over min(10, grade-2 records)), averaged over the queries,
 * for the embedded engine, the engine without synonyms, and a plain substring baseline (what a
 * `LIKE %word%` over title, abstract, scenarios and products gives: the query split on spaces, a record
 * scores 2 per word in the title plus its occurrences in the text, records with no word left out).
 * Per query kind as well.
 *
 * Speed and memory, at 100,000 generated patents (BENCH_SEARCH_PATENTS): index build time; index heap
 * (the heap after the build, records held by the index only, minus the heap before generating them:
 * the index with its documents); query latency p50/p95 over every query five times, one in three
 * with a filter (province, industry or TRL), after a warm-up round; the substring baseline's latency
 * on the same records, once per query.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EmbeddedPatentIndex } from '../functions/search/embedded-index.ts';
import type { PatentSearchRequest, SearchFilters } from '../functions/search/ports.ts';
import { type EvalPatent, generateEvalPatents } from './search/generate.ts';
import { type EvalQuery, evalQueries, gradeOf } from './search/queries.ts';

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const settings = {
  evalPatents: env('BENCH_SEARCH_EVAL', 2_400),
  patents: env('BENCH_SEARCH_PATENTS', 100_000),
  repeats: 5,
};

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1_048_576;
};

const request = (text: string, filters: SearchFilters = {}, limit = 10): PatentSearchRequest => ({
  text,
  filters,
  scope: { kind: 'available' },
  limit,
  offset: 0,
});

/** The plain substring baseline: no segmentation, no normalization beyond lower case. */
function substringSearch(records: readonly EvalPatent[], q: string, limit = 10): EvalPatent[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const scored: Array<{ record: EvalPatent; score: number }> = [];
  for (const record of records) {
    const title = String(record.title).toLowerCase();
    const text = [record.abstract, record.applicationScenarios, record.productsAndAdvantages]
      .join('\n')
      .toLowerCase();
    let score = 0;
    for (const word of words) {
      if (title.includes(word)) score += 2;
      for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) score += 1;
    }
    if (score > 0) scored.push({ record, score });
  }
  scored.sort(
    (x, y) => y.score - x.score || x.record.applicationNumber.localeCompare(y.record.applicationNumber),
  );
  return scored.slice(0, limit).map((s) => s.record);
}

function ndcgAt10(query: EvalQuery, ranked: readonly EvalPatent[], all: readonly EvalPatent[]): number {
  const gain = (grade: number) => 2 ** grade - 1;
  const dcg = ranked.slice(0, 10).reduce((sum, r, i) => sum + gain(gradeOf(query, r)) / Math.log2(i + 2), 0);
  const ideal = all
    .map((r) => gradeOf(query, r))
    .filter((g) => g > 0)
    .sort((x, y) => y - x)
    .slice(0, 10)
    .reduce((sum, g, i) => sum + gain(g) / Math.log2(i + 2), 0);
  return ideal ? dcg / ideal : 0;
}

function recallAt10(query: EvalQuery, ranked: readonly EvalPatent[], all: readonly EvalPatent[]): number {
  const relevant = all.filter((r) => gradeOf(query, r) === 2).length;
  if (!relevant) return 0;
  const found = ranked.slice(0, 10).filter((r) => gradeOf(query, r) === 2).length;
  return found / Math.min(10, relevant);
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
const mean = (values: readonly number[]) => values.reduce((x, y) => x + y, 0) / (values.length || 1);
const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

function quality(records: readonly EvalPatent[]) {
  const engine = new EmbeddedPatentIndex();
  const plain = new EmbeddedPatentIndex({ synonyms: false });
  for (const record of records) {
    engine.upsert(record);
    plain.upsert(record);
  }
  const systems = {
    engine: (q: string) => engine.searchNow(request(q)).hits.map((h) => h.patent as EvalPatent),
    engineWithoutSynonyms: (q: string) => plain.searchNow(request(q)).hits.map((h) => h.patent as EvalPatent),
    substringBaseline: (q: string) => substringSearch(records, q),
  };
  const perQuery = evalQueries.map((query) => {
    const scores = Object.fromEntries(
      Object.entries(systems).map(([name, run]) => {
        const ranked = run(query.q);
        return [name, { ndcg: ndcgAt10(query, ranked, records), recall: recallAt10(query, ranked, records) }];
      }),
    ) as Record<keyof typeof systems, { ndcg: number; recall: number }>;
    return { q: query.q, kind: query.kind, ...scores };
  });
  const summary = (rows: typeof perQuery) =>
    Object.fromEntries(
      (Object.keys(systems) as Array<keyof typeof systems>).map((name) => [
        name,
        {
          nDCG10: round(mean(rows.map((r) => r[name].ndcg))),
          recall10: round(mean(rows.map((r) => r[name].recall))),
        },
      ]),
    );
  const overall = summary(perQuery);
  const kinds = [...new Set(perQuery.map((r) => r.kind))];
  return {
    patents: records.length,
    queries: evalQueries.length,
    overall,
    nDCG10RatioToBaseline: round(
      (overall.engine as { nDCG10: number }).nDCG10 /
        ((overall.substringBaseline as { nDCG10: number }).nDCG10 || 1),
      2,
    ),
    byKind: Object.fromEntries(
      kinds.map((kind) => {
        const rows = perQuery.filter((r) => r.kind === kind);
        return [kind, { queries: rows.length, ...summary(rows) }];
      }),
    ),
    perQuery: perQuery.map((r) => ({
      q: r.q,
      kind: r.kind,
      engine: round(r.engine.ndcg),
      engineWithoutSynonyms: round(r.engineWithoutSynonyms.ndcg),
      substringBaseline: round(r.substringBaseline.ndcg),
    })),
  };
}

function speed() {
  const heapBefore = heapMb();
  let records: EvalPatent[] | undefined = generateEvalPatents(settings.patents, 100);
  const index = new EmbeddedPatentIndex();
  const started = performance.now();
  for (const record of records) index.upsert(record);
  const buildMs = performance.now() - started;
  const baselineRecords = records;
  records = undefined;
  const filtersOf = (i: number): SearchFilters =>
    [{}, { province: '110000' }, { industry: '38' }, { trlMin: 4, trlMax: 7 }][i % 4]!;
  // Warm-up round (JIT), then the measured rounds.
  for (const query of evalQueries) index.searchNow(request(query.q));
  const latencies: number[] = [];
  const hits: number[] = [];
  for (let round = 0; round < settings.repeats; round++)
    evalQueries.forEach((query, i) => {
      const t = performance.now();
      const answer = index.searchNow(request(query.q, i % 3 === 0 ? filtersOf(i) : {}));
      latencies.push(performance.now() - t);
      hits.push(answer.total);
    });
  const baselineLatencies = evalQueries.map((query) => {
    const t = performance.now();
    substringSearch(baselineRecords, query.q);
    return performance.now() - t;
  });
  // The index heap: measured with the records held by the index only.
  const heldForBaseline = baselineRecords.length;
  const heapAfter = (() => {
    baselineRecords.length = 0;
    return heapMb();
  })();
  return {
    patents: heldForBaseline,
    buildSeconds: round(buildMs / 1000, 1),
    patentsPerSecond: Math.round(heldForBaseline / (buildMs / 1000)),
    indexHeapMb: Math.round(heapAfter - heapBefore),
    rssMb: Math.round(process.memoryUsage().rss / 1_048_576),
    vocabulary: index.vocabulary,
    queries: latencies.length,
    p50Ms: round(percentile(latencies, 50), 2),
    p95Ms: round(percentile(latencies, 95), 2),
    maxMs: round(Math.max(...latencies), 2),
    meanHits: Math.round(mean(hits)),
    substringBaseline: {
      p50Ms: round(percentile(baselineLatencies, 50), 2),
      p95Ms: round(percentile(baselineLatencies, 95), 2),
    },
  };
}

export async function benchSearch(): Promise<Record<string, unknown>> {
  const evalSet = quality(generateEvalPatents(settings.evalPatents, 15));
  const atScale = speed();
  const goals = {
    nDCG10AtLeast1_3xBaseline: evalSet.nDCG10RatioToBaseline >= 1.3,
    p95AtMost50Ms: atScale.p95Ms <= 50,
    indexHeapAtMost400Mb: atScale.indexHeapMb <= 400,
  };
  return {
    settings,
    goals,
    quality: evalSet,
    scale: atScale,
    note: 'One process on a shared 2-core machine (other engineers were running builds and tests): latency figures are upper bounds. The change-to-searchable delay is checked by test/integration/search.test.ts (<= 2 s).',
  };
}
