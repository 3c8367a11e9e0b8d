/**
 * npm run bench -- bundles: per Lambda bundle of the full synth (cdk.out, or BENCH_SYNTH_DIR), its size
 * and the median time to import it (module load + init, in a fresh Node process, laid out as the Lambda
 * runtime sees it: the bundle alone beside the AWS SDK), against a bare handler that only creates a
 * DynamoDB DocumentClient, bundled with the same esbuild options; the two are measured alternately, side
 * by side. Goal: ratio <= 1.5 for every HTTP function. Also measures the cost of source maps at init
 * (NODE_OPTIONS=--enable-source-maps with the .map beside the bundle vs without) on a sample.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { synthesizedFunctions } from '../infra/cloud-assembly.ts';
import { requireBanner } from '../infra/constructs/app-function.ts';
import { type FunctionName, routes } from '../infra/resources.ts';
import { lambdaTaskCopy, templateEnvironment } from '../test/support/aws-artefacts.ts';

const root = resolve(import.meta.dirname, '..');
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);

/**
 * Milliseconds to import `file` in a fresh process with `env` (module load and init, not Node's
 * start): wall time, and the CPU time the process spent meanwhile (user + system, all threads), which
 * a busy machine disturbs less than wall time.
 */
function importMs(file: string, env: Record<string, string>): Promise<{ wall: number; cpu: number }> {
  const probe = `const c = process.cpuUsage(); const t = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)}); if (typeof m.handler !== 'function') throw new Error('no handler'); const u = process.cpuUsage(c); console.log(JSON.stringify({ wall: performance.now() - t, cpu: (u.user + u.system) / 1000 }));`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', probe], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      out += c;
    });
    child.on('exit', (code) =>
      code === 0
        ? done(JSON.parse(out.trim()) as { wall: number; cpu: number })
        : fail(new Error(`${file}: ${out}`)),
    );
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const round1 = (n: number) => Math.round(n * 10) / 10;

export async function benchBundles(): Promise<Record<string, unknown>> {
  const synthDir = resolve(process.env.BENCH_SYNTH_DIR ?? join(root, 'cdk.out'));
  const found = synthesizedFunctions(synthDir);
  const http = new Set<FunctionName>(routes.map((r) => r.function));
  const task = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  try {
    // The bare handler, bundled as AppFunction bundles (ESM, minified, node24, SDK external).
    const bareSource = join(task, 'bare.ts');
    writeFileSync(
      bareSource,
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nconst documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));\nexport const handler = async () => ({ ok: Boolean(documents) });\n",
    );
    const bareBundle = join(task, 'bare-bundle.mjs');
    await build({
      entryPoints: [bareSource],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: true,
      external: ['@aws-sdk/*'],
      outfile: bareBundle,
      nodePaths: [join(root, 'node_modules')],
      logLevel: 'error',
    });
    const bare = lambdaTaskCopy(task, root, '_bare', bareBundle);
    const baseEnv: Record<string, string> = { AWS_REGION: 'us-east-1' };

    // The kit floor: what every HTTP function pays before its own route, i.e. the public liveness
    // handler (middy, zod, the Powertools logger, the HTTP kit: no store, no domain code) plus the
    // project's DynamoDB client, bundled as AppFunction bundles. Its ratio to the bare handler is the
    // lowest ratio a function of this stack can reach.
    const kitSource = join(task, 'kit.ts');
    writeFileSync(
      kitSource,
      `import { documents } from ${JSON.stringify(join(root, 'functions/shared/clients/dynamodb.ts'))};\nexport { handler } from ${JSON.stringify(join(root, 'functions/system/liveness.handler.ts'))};\nexport const client = documents;\n`,
    );
    const kitBundle = join(task, 'kit-bundle.mjs');
    await build({
      entryPoints: [kitSource],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      mainFields: ['module', 'main'],
      minify: true,
      external: ['@aws-sdk/*'],
      define: { 'process.env.POWERTOOLS_TRACE_ENABLED': '"false"' },
      banner: { js: requireBanner },
      outfile: kitBundle,
      nodePaths: [join(root, 'node_modules')],
      logLevel: 'error',
    });
    const kit = lambdaTaskCopy(task, root, '_kit', kitBundle);
    const kitTimes = {
      kit: [] as number[],
      bare: [] as number[],
      kitCpu: [] as number[],
      bareCpu: [] as number[],
    };
    for (let i = 0; i < rounds * 3; i++) {
      const b = await importMs(bare, baseEnv);
      const k = await importMs(kit, baseEnv);
      kitTimes.bare.push(b.wall);
      kitTimes.bareCpu.push(b.cpu);
      kitTimes.kit.push(k.wall);
      kitTimes.kitCpu.push(k.cpu);
    }
    const kitFloor = {
      bundleKb: round1(statSync(kitBundle).size / 1024),
      importMs: round1(median(kitTimes.kit)),
      bareImportMs: round1(median(kitTimes.bare)),
      ratio: Math.round((median(kitTimes.kit) / median(kitTimes.bare)) * 100) / 100,
      cpuRatio: Math.round((median(kitTimes.kitCpu) / median(kitTimes.bareCpu)) * 100) / 100,
    };
    console.log(JSON.stringify({ kitFloor }));

    const rows: Array<Record<string, unknown>> = [];
    for (const fn of found) {
      const file = lambdaTaskCopy(task, root, fn.name, fn.bundleFile);
      const env = { ...templateEnvironment(fn), ...baseEnv };
      // Source maps stay out of this comparison: NODE_OPTIONS of the template is what AWS runs.
      const times: number[] = [];
      const bareTimes: number[] = [];
      const cpu: number[] = [];
      const bareCpu: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const b = await importMs(bare, { ...baseEnv, NODE_OPTIONS: env.NODE_OPTIONS ?? '' });
        const f = await importMs(file, env);
        bareTimes.push(b.wall);
        bareCpu.push(b.cpu);
        times.push(f.wall);
        cpu.push(f.cpu);
      }
      const row = {
        function: fn.name,
        http: http.has(fn.name),
        bundleKb: round1(statSync(fn.bundleFile).size / 1024),
        importMs: round1(median(times)),
        bareImportMs: round1(median(bareTimes)),
        ratio: Math.round((median(times) / median(bareTimes)) * 100) / 100,
        cpuMs: round1(median(cpu)),
        bareCpuMs: round1(median(bareCpu)),
        cpuRatio: Math.round((median(cpu) / median(bareCpu)) * 100) / 100,
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }

    // Source maps: the same bundles with and without --enable-source-maps (the .map beside them).
    const sample = found.filter((fn) => existsSync(`${fn.bundleFile}.map`)).slice(0, 8);
    const sourceMaps = [];
    for (const fn of sample) {
      const file = lambdaTaskCopy(task, root, `${fn.name}-map`, fn.bundleFile);
      copyFileSync(`${fn.bundleFile}.map`, `${file}.map`);
      const env = { ...templateEnvironment(fn), ...baseEnv };
      const withMaps: Array<{ wall: number; cpu: number }> = [];
      const without: Array<{ wall: number; cpu: number }> = [];
      for (let i = 0; i < rounds; i++) {
        withMaps.push(await importMs(file, { ...env, NODE_OPTIONS: '--enable-source-maps' }));
        without.push(await importMs(file, { ...env, NODE_OPTIONS: '' }));
      }
      sourceMaps.push({
        function: fn.name,
        mapKb: round1(statSync(`${fn.bundleFile}.map`).size / 1024),
        withSourceMapsMs: round1(median(withMaps.map((t) => t.wall))),
        withoutMs: round1(median(without.map((t) => t.wall))),
      });
    }

    const httpRows = rows.filter((r) => r.http);
    const ratios = httpRows.map((r) => r.ratio as number);
    return {
      synthDir,
      rounds,
      method:
        'median of rounds; each function and the bare handler imported alternately in fresh processes, bundle alone beside the AWS SDK; wall time, and CPU time (user + system) of the import',
      functions: rows.length,
      kitFloor,
      http: {
        count: httpRows.length,
        medianBundleKb: median(httpRows.map((r) => r.bundleKb as number)),
        maxRatio: Math.max(...ratios),
        medianRatio: median(ratios),
        overGoal: httpRows.filter((r) => (r.ratio as number) > 1.5).map((r) => `${r.function} ${r.ratio}`),
        maxCpuRatio: Math.max(...httpRows.map((r) => r.cpuRatio as number)),
        medianCpuRatio: median(httpRows.map((r) => r.cpuRatio as number)),
        overGoalByCpu: httpRows
          .filter((r) => (r.cpuRatio as number) > 1.5)
          .map((r) => `${r.function} ${r.cpuRatio}`),
      },
      largest: [...rows]
        .sort((a, b) => (b.bundleKb as number) - (a.bundleKb as number))
        .slice(0, 5)
        .map((r) => `${r.function} ${r.bundleKb} KB`),
      sourceMaps,
      rows,
    };
  } finally {
    rmSync(task, { recursive: true, force: true });
  }
}
