/**
 * npm start: the whole system on this machine. Options:
 *   --in-memory   DynamoDB in memory and S3 in a temporary folder (fast; nothing kept)
 *   --no-demo     do not load the demo data into an empty store
 *   --bundles [dir]  run the synthesized Lambda bundles of a cloud assembly (default cdk.out)
 *                 instead of the sources (docs/local-cloud.md)
 *   --faults <share>[:seed]  answer that share (0..1) of the functions' DynamoDB and S3 calls with
 *                 throttling, transaction conflicts and unprocessed batch items (docs/local-cloud.md)
 *   PORT=3000     port of the local API
 *   DATA_DIR=.data  where DynamoDB, S3, the outbox and the dev issuer's key are kept
 * Ctrl-C stops every stand-in (DynamoDB Local's JVM included) and waits for work in flight.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { startLocalCloud } from './cloud.ts';
import { loadDemo } from './demo.ts';
import { LocalCloudError, StartStopped } from './errors.ts';

const argv = process.argv.slice(2);
const args = new Set(argv);
const bundlesAt = argv.indexOf('--bundles');
const bundles =
  bundlesAt < 0
    ? undefined
    : argv[bundlesAt + 1] && !argv[bundlesAt + 1]!.startsWith('--')
      ? argv[bundlesAt + 1]
      : 'cdk.out';
const faultsAt = argv.indexOf('--faults');
const [faultShare, faultSeed] = (faultsAt < 0 ? '' : (argv[faultsAt + 1] ?? '')).split(':');
if (faultsAt >= 0 && !(Number(faultShare) > 0 && Number(faultShare) <= 1)) {
  console.error(
    `--faults takes the share of calls to fault, from 0 to 1 (e.g. --faults 0.2 or 0.2:7 with a seed).`,
  );
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`PORT=${process.env.PORT} is not a port number: use e.g. PORT=3000 npm start.`);
  process.exit(1);
}

/**
 * Ends the child processes still there once the cloud has stopped. The only ones are tsx's esbuild
 * services (started when a source is compiled for the first time, by the module hooks thread, which
 * no API reaches): left alone they notice that this process is gone only at their next ping, about a
 * second later. Waits (at most 2 s) until they are gone, reaped by the thread that started them.
 */
async function endChildren() {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return; // none (pgrep answers 1), or no pgrep
  }
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const pid of children) if (alive(pid)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 2000;
  while (children.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

// Signals are taken from the first moment: a Ctrl-C while starting stops what has started so far.
let cloud: Awaited<ReturnType<typeof startLocalCloud>> | undefined;
let stopping: string | undefined;
const starting = new AbortController();
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = signal;
  if (!cloud) {
    // Still starting: the start stops what it has started and throws StartStopped (below).
    console.log(`\n${signal}: stopping the local cloud while it starts...`);
    return starting.abort();
  }
  console.log(`\n${signal}: stopping the local cloud...`);
  await cloud.stop();
  await endChildren();
  console.log('stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

try {
  cloud = await startLocalCloud({
    port,
    inMemory: args.has('--in-memory'),
    dataDir: process.env.DATA_DIR,
    bundles: bundles ? resolve(bundles) : undefined,
    log: (line) => console.log(line),
    signal: starting.signal,
    ...(faultsAt >= 0
      ? { faults: { share: Number(faultShare), ...(faultSeed ? { seed: Number(faultSeed) } : {}) } }
      : {}),
  });
  if (stopping) {
    const signal = stopping;
    stopping = undefined;
    await stop(signal);
  }
  let demo = 'skipped (--no-demo)';
  if (!args.has('--no-demo')) {
    try {
      demo = await loadDemo(cloud);
    } catch (error) {
      if (stopping) await new Promise(() => undefined); // Ctrl-C during the demo load: stop() ends the process
      demo = `not loaded: ${(error as Error).message}`;
    }
  }
  console.log(
    [
      '',
      `Local cloud ready in ${(cloud.startupMs / 1000).toFixed(1)} s (${args.has('--in-memory') ? 'in memory' : `data in ${cloud.dataDir}`})`,
      `  API          ${cloud.apiUrl}   (docs: ${cloud.apiUrl}/docs, health: ${cloud.apiUrl}/health)`,
      `  DynamoDB     ${cloud.endpoints.dynamodb}`,
      `  S3           ${cloud.endpoints.s3}   (buckets ${cloud.bucketName('drop')}, ${cloud.bucketName('reports')})`,
      `  StepFunc/Sch ${cloud.endpoints.stepFunctions}`,
      `  Mail outbox  ${cloud.outboxDir}`,
      ...(cloud.faults.state().enabled
        ? [
            `  Faults       ${faultShare} of the functions' DynamoDB and S3 calls (GET ${cloud.controlUrl}/_local/faults)`,
          ]
        : []),
      `  Demo data    ${demo}`,
      '  Token:       npm run token -- --role national-admin',
      '  Stop:        Ctrl-C',
      '',
    ].join('\n'),
  );
} catch (error) {
  if (error instanceof StartStopped) {
    await endChildren();
    console.log('stopped.');
    process.exit(0);
  }
  if (error instanceof LocalCloudError) {
    console.error(`npm start: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
