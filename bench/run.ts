/**
 * npm run bench -- <name> [...]: runs the named benchmarks and writes bench/results/<name>.json.
 * Benchmarks measure speed and memory; tests never do. Names: startup, api, bundles, ingest, ingest-cpu, chaos, dynamodb-local, matching, pipeline, report, search.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchApi } from './api.ts';
import { benchBundles } from './bundles.ts';
import { benchChaos } from './chaos.ts';
import { benchDynamoDbLocal } from './dynamodb-local.ts';
import { benchIngest } from './ingest.ts';
import { benchIngestCpu } from './ingest-cpu.ts';
import { benchMatching } from './matching.ts';
import { benchPipeline } from './pipeline.ts';
import { benchReport } from './report.ts';
import { benchSearch } from './search.ts';
import { benchStartup } from './startup.ts';

const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  startup: benchStartup,
  api: benchApi,
  bundles: benchBundles,
  ingest: benchIngest,
  'ingest-cpu': benchIngestCpu,
  chaos: benchChaos,
  'dynamodb-local': benchDynamoDbLocal,
  matching: benchMatching,
  pipeline: benchPipeline,
  report: benchReport,
  search: benchSearch,
};

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = names.length ? names : Object.keys(benches);
const unknown = selected.filter((n) => !benches[n]);
if (unknown.length) {
  console.error(
    `Unknown benchmark ${unknown.join(', ')}: the benchmarks are ${Object.keys(benches).join(', ')}.`,
  );
  process.exit(1);
}
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
for (const name of selected) {
  console.log(`bench ${name}...`);
  const result = {
    name,
    measuredAt: new Date().toISOString(),
    node: process.version,
    ...(await benches[name]!()),
  };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}
