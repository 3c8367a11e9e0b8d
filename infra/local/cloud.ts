/**
 * The embedded local cloud: every stand-in of ARCHITECTURE.md started, wired from infra/resources.ts,
 * and stopped again in order. `npm start` and the integration tests both run it.
 */

import type { ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { HeapInfo } from 'node:v8';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  type SettingName,
  searchEnvNames,
  settingEnvNames,
  settingNames,
} from '../../schemas/resource-names.ts';
import { synthesizedFunctions } from '../cloud-assembly.ts';
import { type DeploymentNames, functionEnvironment } from '../resources/environment.ts';
import {
  type BucketName,
  bucketNotifications,
  buckets,
  type FunctionDeclaration,
  type FunctionName,
  functionDefaults,
  functions,
  functionTraits,
  type StreamConsumerDeclaration,
  scheduleGroupName,
  schedules,
  streamConsumers,
  type TableName,
  tables,
  type WorkflowName,
  workflowStateMachineName,
} from '../resources.ts';
import {
  createDynamoGate,
  createS3Gate,
  functionAccessKey,
  functionOfAccessKey,
  type Refusal,
} from './access.ts';
import { createApiServer } from './api-gateway.ts';
import { createControlServer } from './control-server.ts';
import { devUsers } from './dev-users.ts';
import { createTables, startDynamoDbLocal, waitForDynamoDb } from './dynamodb-local.ts';
import { LocalCloudError, StartStopped } from './errors.ts';
import { type FaultConfig, FaultInjector } from './faults.ts';
import { DevIssuer } from './issuer.ts';
import { LambdaRuntime } from './lambda-runtime.ts';
import { LocalLogs } from './logs.ts';
import { freePort, listenOrExplain } from './ports.ts';
import { localS3AccessKey, localS3Secret, startLocalS3 } from './s3-local.ts';
import { LocalScheduler } from './scheduler.ts';
import { LocalSearch } from './search.ts';
import { LocalStepFunctions } from './step-functions.ts';
import { StreamsPoller } from './streams.ts';

export interface LocalCloudOptions {
  port?: number;
  /** Keep DynamoDB in memory and S3 in a temporary folder (fast; nothing survives a stop). */
  inMemory?: boolean;
  dataDir?: string;
  root?: string;
  log?: (line: string) => void;
  /** Run the synthesized Lambda bundles of this cloud assembly folder (cdk.out) instead of the sources. */
  bundles?: string;
  /** Stops the start (Ctrl-C while starting): what has started is stopped, the start throws StartStopped. */
  signal?: AbortSignal;
  /** Faults injected into the functions' DynamoDB and S3 calls from the start (faults.ts; also /_local/faults). */
  faults?: FaultConfig;
  /**
   * Functions run in a child process of their own instead of a worker thread (also
   * LOCAL_PROCESS_FUNCTIONS): their memory is then their own (benches: `functionProcess`).
   */
  processFunctions?: FunctionName[];
}

export interface LocalCloud {
  apiUrl: string;
  controlUrl: string;
  endpoints: { dynamodb: string; s3: string; stepFunctions: string; scheduler: string; logs: string };
  dataDir: string;
  outboxDir: string;
  stage: string;
  region: string;
  tableName: (name: TableName) => string;
  bucketName: (name: BucketName) => string;
  workflowArn: (name: WorkflowName) => string;
  startupMs: number;
  /** Fault injection into the functions' DynamoDB and S3 calls (faults.ts); off unless configured. */
  faults: FaultInjector;
  /** The V8 heap of a function's warm worker (benches), undefined when it has none. */
  functionHeap(name: FunctionName): Promise<HeapInfo | undefined>;
  /** The process id of a function run in a process of its own (`processFunctions`), while warm. */
  functionProcess(name: FunctionName): number | undefined;
  /**
   * Stops reading the tables' streams for the rest of this cloud's life (benches: writes measured with
   * the streams unread, as on AWS, where the stream's readers do not share the writer's machine).
   */
  stopStreams(): Promise<void>;
  stop(): Promise<void>;
}

const stage = 'local';
const region = 'us-east-1';

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
}

/** Each function's synthesized bundle (--bundles): its index.mjs and handler export, from the templates. */
export function bundleMap(outDir: string): Map<FunctionName, { file: string; handlerName: string }> {
  const found = new Map(
    synthesizedFunctions(outDir).map((f) => [
      f.name,
      { file: f.bundleFile, handlerName: f.handler.split('.').slice(1).join('.') || 'handler' },
    ]),
  );
  const missing = (Object.keys(functions) as FunctionName[]).filter((name) => !found.has(name));
  if (missing.length)
    throw new LocalCloudError(
      `${outDir} has no bundle for ${missing.join(', ')}: synthesize again (npx cdk synth) after adding functions.`,
    );
  return found;
}

function checkDataDir(dataDir: string) {
  const stateFile = join(dataDir, 'local-cloud.json');
  if (!existsSync(stateFile)) return;
  let state: { pid?: number };
  try {
    state = JSON.parse(readFileSync(stateFile, 'utf8')) as { pid?: number };
  } catch {
    throw new LocalCloudError(
      `${stateFile} is corrupt: delete it (rm ${stateFile}) and start again; your data in ${dataDir} is kept.`,
    );
  }
  if (state.pid && state.pid !== process.pid) {
    try {
      process.kill(state.pid, 0);
      throw new LocalCloudError(
        `Another local cloud (pid ${state.pid}) is using ${dataDir}: stop it first (kill ${state.pid}), or start this one with --in-memory.`,
      );
    } catch (error) {
      if (error instanceof LocalCloudError) throw error;
      // the process is gone: a stale file from a crash, safe to reuse
    }
  }
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const started = performance.now();
  // A stop while starting ends the wait of the phase under way (DynamoDB Local's readiness above all).
  const { signal } = options;
  const interrupted = new Promise<never>((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(new StartStopped());
    else signal.addEventListener('abort', () => reject(new StartStopped()), { once: true });
  });
  interrupted.catch(() => undefined);
  const phase = <T>(work: Promise<T>): Promise<T> => {
    if (signal?.aborted) throw new StartStopped();
    return signal ? Promise.race([work, interrupted]) : work;
  };
  const root = options.root ?? resolve(import.meta.dirname, '../..');
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = resolve(options.dataDir ?? join(root, '.data'));
  mkdirSync(dataDir, { recursive: true });
  // An in-memory cloud keeps no data in the folder, so it may run beside another one (benchmarks, tests).
  if (!options.inMemory) checkDataDir(dataDir);
  const scratch = options.inMemory ? mkdtempSync(join(tmpdir(), 'patents-local-')) : undefined;
  const outboxDir = join(dataDir, 'outbox');

  const physical = {
    table: (name: string) => `patents-${stage}-${name}`,
    bucket: (name: string) => `patents-${stage}-${name}`,
  };
  const [ddbPort, s3Port, controlPort, searchPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const apiPort = options.port ?? 3000;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const controlUrl = `http://127.0.0.1:${controlPort}`;
  const endpoints = {
    dynamodb: `http://127.0.0.1:${ddbPort}`,
    s3: `http://127.0.0.1:${s3Port}`,
    stepFunctions: controlUrl,
    scheduler: controlUrl,
    logs: controlUrl,
  };

  const issuer = await DevIssuer.create(
    `${apiUrl}/local-issuer`,
    options.inMemory ? undefined : join(dataDir, 'dev-issuer-key.json'),
  );

  // The host process (stream poller, S3 events, CLIs) only needs the region; functions get their own
  // environment in their workers (functionEnvironment below).
  process.env.AWS_REGION = region;
  const mailFrom = process.env.MAIL_FROM ?? 'noreply@patents.local';
  const logLevel = process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN';

  const faults = new FaultInjector(options.faults);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse())
      await stop().catch((error) => log(`stop: ${(error as Error).message}`));
    stops.length = 0;
  };

  try {
    const ddbDir = scratch ? undefined : join(dataDir, 'dynamodb');
    // The JVM is stopped with the rest from the moment it is spawned (a Ctrl-C while it boots too).
    const onSpawn = (java: ChildProcess) => {
      // Last resort: whatever ends this process (a crash included), the JVM goes with it.
      const killJava = () => java.exitCode === null && java.kill('SIGKILL');
      process.once('exit', killJava);
      stops.push(
        () =>
          new Promise<void>((done) => {
            if (java.exitCode !== null) return done();
            java.once('exit', () => done());
            java.kill('SIGTERM');
            setTimeout(() => java.kill('SIGKILL'), 5000).unref();
          }),
      );
    };
    const javaReady = startDynamoDbLocal({ port: ddbPort, dataDir: ddbDir, onSpawn });
    javaReady.catch(() => undefined); // a stop while it boots ends it: that exit is no error
    await phase(javaReady);
    const dynamodb = new DynamoDBClient({
      endpoint: endpoints.dynamodb,
      region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await phase(waitForDynamoDb(dynamodb, ddbDir));
    await phase(createTables(dynamodb, tables, physical.table));

    // The embedded search engine (search.ts): built from the store now, fed by the core stream below.
    const search = new LocalSearch();
    await phase(search.build(dynamodb, physical.table('core')));
    const searchServer = search.server(log);
    await listenOrExplain(searchServer, searchPort, 'local search engine');
    stops.push(() => closeServer(searchServer));

    const s3 = await startLocalS3({
      port: s3Port,
      directory: scratch ? join(scratch, 's3') : join(dataDir, 's3'),
      buckets: Object.keys(buckets).map(physical.bucket),
    });
    stops.push(() => s3.close());
    await phase(Promise.resolve());

    // Functions reach DynamoDB and S3 through gates that check each call against their grants
    // (infra/local/access.ts); Step Functions, Scheduler, SES and Cognito through the control plane.
    const logicalTable = new Map((Object.keys(tables) as TableName[]).map((t) => [physical.table(t), t]));
    const logicalBucket = new Map((Object.keys(buckets) as BucketName[]).map((b) => [physical.bucket(b), b]));
    // Each refusal is logged and kept in <data>/access-denied.log (a grant missing from infra/resources).
    const onRefusal = (caller: FunctionName, refusal: Refusal) => {
      const line = `AccessDenied: ${caller} is not granted ${refusal.action} on ${refusal.resource} (infra/resources)`;
      log(line);
      appendFileSync(join(dataDir, 'access-denied.log'), `${new Date().toISOString()} ${line}\n`);
    };
    const [ddbGatePort, s3GatePort] = [await freePort(), await freePort()];
    const ddbGate = createDynamoGate({
      target: endpoints.dynamodb,
      stage,
      logicalTable: (name) => logicalTable.get(name),
      onRefusal,
      faults,
    });
    await listenOrExplain(ddbGate, ddbGatePort, 'local DynamoDB gate');
    stops.push(() => closeServer(ddbGate));
    const s3Gate = createS3Gate({
      target: endpoints.s3,
      logicalBucket: (name) => logicalBucket.get(name),
      // s3rver's own key and the functions' keys (allowed just below) all have its one secret.
      secretOf: (accessKeyId) =>
        accessKeyId === localS3AccessKey || functionOfAccessKey(accessKeyId) ? localS3Secret : undefined,
      onRefusal,
      faults,
    });
    await listenOrExplain(s3Gate, s3GatePort, 'local S3 gate');
    stops.push(() => closeServer(s3Gate));
    for (const name of Object.keys(functions) as FunctionName[]) s3.allowAccessKey(functionAccessKey(name));

    const workflowArn = (name: WorkflowName) =>
      `arn:aws:states:${region}:000000000000:stateMachine:${workflowStateMachineName(stage, name)}`;
    const names: DeploymentNames = {
      stage,
      logLevel,
      table: physical.table,
      bucket: physical.bucket,
      workflowArn,
      scheduleGroup: scheduleGroupName(stage),
      mail: { transport: 'outbox', from: mailFrom, outboxDir },
      identity: { provider: 'cognito' },
      directory: { devUsers: JSON.stringify(devUsers) },
      // Signs list cursors (functions/shared/cursor.ts); on AWS a Secrets Manager secret. New per start.
      cursorSigning: { key: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url') },
      // Programme settings: from the environment of `npm start` (e.g. TIERING_RULES='{...}' npm start).
      settings: localSettings(),
      // No X-Ray daemon locally.
      sdkTracing: false,
    };
    const runtime = new LambdaRuntime({
      root,
      stage,
      region,
      bundles: options.bundles ? bundleMap(options.bundles) : undefined,
      ...(options.processFunctions ? { processes: new Set(options.processFunctions) } : {}),
      environment: (name) => ({
        // What Lambda's runtime sets in every environment (credentials naming the function: access.ts).
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_LAMBDA_FUNCTION_NAME: `patents-${stage}-${name}`,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(
          (functions[name] as FunctionDeclaration).memoryMb ?? functionDefaults.memoryMb,
        ),
        AWS_ACCESS_KEY_ID: functionAccessKey(name),
        AWS_SECRET_ACCESS_KEY: localS3Secret,
        TZ: 'UTC',
        // The local endpoints, and the local-only switches (no X-Ray daemon, no CloudWatch EMF).
        AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${ddbGatePort}`,
        AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${s3GatePort}`,
        AWS_ENDPOINT_URL_SFN: controlUrl,
        AWS_ENDPOINT_URL_SCHEDULER: controlUrl,
        AWS_ENDPOINT_URL_SESV2: controlUrl,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: controlUrl,
        [searchEnvNames.endpoint]: `http://127.0.0.1:${searchPort}`,
        S3_FORCE_PATH_STYLE: 'true',
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_DEV: 'false',
        // An answer with keys its route's response schema does not declare is a 500 locally (a bug
        // shows in every integration test); on AWS the keys are stripped and logged.
        RESPONSE_SCHEMA_MODE: 'strict',
        // The declared environment: exactly what the CDK construct sets.
        ...functionEnvironment(functions[name], names, functionTraits(name)),
      }),
    });
    // The state machines' log groups (CloudWatch Logs, in memory and bounded: logs.ts).
    const logs = new LocalLogs();
    const sfn = new LocalStepFunctions({ root, stage, region, runtime, log, logs });
    await phase(runtime.warm());
    stops.push(() => runtime.stop());
    stops.push(() => sfn.drain());

    // S3 -> Lambda is an asynchronous invoke: Lambda retries a failed event twice.
    const pendingEvents = new Set<Promise<void>>();
    s3.onObjectCreated((bucket, event) => {
      const key = decodeURIComponent(event.Records[0]!.s3.object.key.replace(/\+/g, ' '));
      for (const notification of bucketNotifications) {
        if (physical.bucket(notification.bucket) !== bucket || !key.startsWith(notification.prefix)) continue;
        const delivery = (async () => {
          for (let attempt = 1; attempt <= 3; attempt++) {
            try {
              await runtime.invoke(notification.function as FunctionName, event);
              return;
            } catch (error) {
              log(
                `${notification.function} failed on s3://${bucket}/${key} (attempt ${attempt}/3): ${(error as Error).message}`,
              );
              await new Promise((r) => setTimeout(r, 200 * attempt));
            }
          }
        })();
        pendingEvents.add(delivery);
        void delivery.finally(() => pendingEvents.delete(delivery));
      }
    });
    stops.push(async () => {
      await Promise.allSettled([...pendingEvents]);
    });

    const streams = new DynamoDBStreamsClient({
      endpoint: endpoints.dynamodb,
      region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const pollers = (Object.keys(tables) as TableName[])
      .map((table) => ({
        table,
        consumers: (streamConsumers as readonly StreamConsumerDeclaration[]).filter((c) => c.table === table),
      }))
      .filter((t) => t.consumers.length > 0)
      .map(
        ({ table, consumers }) =>
          new StreamsPoller({
            dynamodb,
            streams,
            tableName: physical.table(table),
            consumers,
            runtime,
            checkpointFile: scratch ? undefined : join(dataDir, `stream-checkpoint-${table}.json`),
            log,
          }),
      );
    // The search engine reads the core stream on its own (a second reader, as DynamoDB Streams allows):
    // behind the functions' reader it would wait for their slowest batch (a workflow start) every time.
    pollers.push(
      new StreamsPoller({
        dynamodb,
        streams,
        tableName: physical.table('core'),
        consumers: [],
        runtime,
        checkpointFile: scratch ? undefined : join(dataDir, 'stream-checkpoint-core-search.json'),
        log,
        observers: [(records) => search.applyStreamRecords(records)],
      }),
    );
    for (const poller of pollers) poller.start();
    stops.push(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });

    const scheduler = new LocalScheduler(async (name, declaration, payload) => {
      const target = declaration.target;
      if ('function' in target) return runtime.invoke(target.function, payload ?? {});
      const execution = sfn.start(
        sfn.arn(target.workflow),
        JSON.stringify({ schedule: name, firedAt: new Date().toISOString() }),
      );
      await execution.done;
      if (execution.status !== 'SUCCEEDED')
        throw new Error(`${target.workflow} ${execution.status}: ${execution.cause ?? ''}`);
      return {
        executionArn: execution.executionArn,
        output: execution.output ? JSON.parse(execution.output) : undefined,
      };
    }, log);
    scheduler.start();
    stops.push(() => scheduler.stop());

    await phase(Promise.resolve());
    const control = createControlServer({
      sfn,
      logs,
      scheduler,
      issuer,
      scheduleGroup: scheduleGroupName(stage),
      region,
      stage,
      faults,
      status: () => ({
        pid: process.pid,
        apiUrl,
        endpoints,
        schedules: Object.keys(schedules).map((name) => ({ name, next: scheduler.next(name as never) })),
        scheduleRuns: scheduler.runs.slice(-20),
        streamRecordsDelivered: pollers.reduce((n, p) => n + p.delivered, 0),
        search: {
          patents: search.index.size,
          needs: search.needs.size,
          updates: search.updates,
          builtInMs: search.builtInMs,
        },
        executions: sfn.executions.size,
        workersStarted: runtime.started,
        warm: runtime.warmFunctions(),
      }),
    });
    await listenOrExplain(control, controlPort, 'local control plane');
    stops.push(() => closeServer(control));

    const api = createApiServer({ runtime, issuer, log });
    await listenOrExplain(api, apiPort, 'local API', `PORT=${apiPort + 1} npm start`);
    stops.push(() => closeServer(api));

    const stateFile = join(dataDir, 'local-cloud.json');
    writeFileSync(
      stateFile,
      JSON.stringify(
        { pid: process.pid, apiUrl, controlUrl, endpoints, functions: Object.keys(functions) },
        null,
        2,
      ),
    );
    stops.unshift(async () => {
      // Only our own state file: another (in-memory) cloud may have written its own since.
      try {
        if ((JSON.parse(readFileSync(stateFile, 'utf8')) as { pid?: number }).pid === process.pid)
          rmSync(stateFile, { force: true });
      } catch {
        // already gone
      }
    });
    if (scratch) stops.unshift(async () => rmSync(scratch, { recursive: true, force: true }));

    return {
      apiUrl,
      controlUrl,
      endpoints,
      dataDir,
      outboxDir,
      stage,
      region,
      tableName: (name) => physical.table(name),
      bucketName: (name) => physical.bucket(name),
      workflowArn: (name) => sfn.arn(name),
      startupMs: Math.round(performance.now() - started),
      faults,
      functionHeap: (name) => runtime.heapStatistics(name),
      functionProcess: (name) => runtime.processId(name),
      stopStreams: async () => {
        await Promise.all(pollers.map((p) => p.stop()));
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}

/** The programme settings given to `npm start` as environment variables (README "Configuration"). */
function localSettings(): Partial<Record<SettingName, string>> {
  const settings: Partial<Record<SettingName, string>> = {};
  for (const name of settingNames) {
    const value = process.env[settingEnvNames[name]];
    if (value?.trim()) settings[name] = value;
  }
  return settings;
}
