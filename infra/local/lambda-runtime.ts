/**
 * Runs the functions of infra/resources.ts as Lambda would: each in its own execution environment (a
 * worker thread, infra/local/lambda-worker.ts) whose process.env holds only what that function gets
 * in AWS (infra/resources/environment.ts, given by the local cloud), its module's `handler` called with
 * the event and a Lambda-shaped context, bounded by the declared timeout and memory. Workers are kept
 * warm in a least-recently-used set (LOCAL_WARM_FUNCTIONS, default 24); a timed-out environment is
 * discarded, as Lambda discards it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type FunctionDeclaration, type FunctionName, functionDefaults, functions } from '../resources.ts';
import type { InvokeMessage, SerializedError, WorkerInput, WorkerReply } from './lambda-worker.ts';

/** Where a function's code is: its source module (default), or its synthesized bundle (--bundles). */
export interface FunctionCode {
  file: string;
  handlerName: string;
  /** Sources are TypeScript: the worker loads them through tsx, as `npm start` does. */
  typescript: boolean;
}

export interface LambdaRuntimeOptions {
  root: string;
  stage: string;
  region: string;
  /** The whole environment of a function's worker: its declared variables and what Lambda itself sets. */
  environment: (name: FunctionName) => Record<string, string>;
  /** Per function, the bundle to run instead of the source. */
  bundles?: ReadonlyMap<FunctionName, { file: string; handlerName: string }>;
  /** Warm workers kept at most (LOCAL_WARM_FUNCTIONS, default 24). */
  maxWarm?: number;
  /**
   * Functions run in a child process of their own instead of a worker thread (LOCAL_PROCESS_FUNCTIONS,
   * comma-separated): that process's RSS is the function's alone, as a Lambda environment's is
   * (benches measure a function's memory there: `processMemory`). Its heap is bounded the same way.
   */
  processes?: ReadonlySet<FunctionName>;
}

/** What an execution environment is to the runtime: a worker thread, or a child process. */
interface Environment {
  postMessage(message: InvokeMessage): void;
  on(event: 'message', listener: (reply: WorkerReply) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: () => void): unknown;
  once(event: 'exit', listener: () => void): unknown;
  terminate(): Promise<unknown>;
  unref(): void;
  /** The V8 heap (worker threads only). */
  getHeapStatistics?: Worker['getHeapStatistics'];
  /** The process id (child processes only). */
  pid?: number;
}

/** A child process as an Environment: IPC messages, SIGKILL on terminate. */
function processEnvironment(child: ChildProcess): Environment {
  return {
    pid: child.pid,
    postMessage: (message) => void child.send(message),
    on: (event: string, listener: (...args: never[]) => void) =>
      child.on(event, listener as (...args: unknown[]) => void),
    once: (event, listener) => child.once(event, listener),
    terminate: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
        child.once('exit', resolve);
        child.kill('SIGKILL');
      }),
    unref: () => {
      child.unref();
      (child.channel as { unref?: () => void } | undefined)?.unref?.();
    },
  };
}

/** A process's resident set now and its high-water mark since the last reset (Linux /proc), in bytes. */
export function processMemory(pid: number): { rss: number; peakRss: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Resets a process's RSS high-water mark (VmHWM) to its current RSS; false where that is not possible. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

class FunctionWorker {
  readonly worker: Environment;
  readonly ready: Promise<void>;
  readonly pending = new Map<number, Pending>();
  retired = false;
  private next = 0;

  constructor(
    readonly name: FunctionName,
    code: FunctionCode,
    env: Record<string, string>,
    memoryMb: number,
    private readonly onGone: (worker: FunctionWorker) => void,
    ownProcess = false,
  ) {
    const input: WorkerInput = {
      moduleUrl: pathToFileURL(code.file).href,
      handlerName: code.handlerName,
      ...(code.typescript
        ? {}
        : { runtimeSdkFrom: pathToFileURL(join(import.meta.dirname, '../../package.json')).href }),
    };
    // This worker module is plain enough for Node's own type stripping; bundles run without tsx.
    const execArgv = code.typescript ? ['--import', tsxLoader()] : [];
    const module = new URL('./lambda-worker.ts', import.meta.url);
    this.worker = ownProcess
      ? processEnvironment(
          fork(fileURLToPath(module), [JSON.stringify(input)], {
            env,
            // Lambda's memory setting bounds the heap of the environment.
            execArgv: [...execArgv, `--max-old-space-size=${memoryMb}`],
            serialization: 'advanced',
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          }),
        )
      : new Worker(module, {
          env,
          workerData: input,
          execArgv,
          // Lambda's memory setting bounds the heap of the environment.
          resourceLimits: { maxOldGenerationSizeMb: memoryMb },
          name: `lambda:${name}`,
        });
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') return resolve();
        if (reply.type === 'initError') {
          reject(
            toError(reply.error, `${name} failed at init (as Lambda reports Runtime.ImportModuleError): `),
          );
          return this.retire();
        }
        const pending = this.pending.get(reply.id);
        if (!pending) return;
        this.pending.delete(reply.id);
        if (reply.type === 'result') pending.resolve(reply.result);
        else pending.reject(toError(reply.error));
        if (this.retired && this.pending.size === 0) void this.worker.terminate();
      });
      this.worker.on('error', (error) => {
        reject(error);
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
        this.retire();
      });
      this.worker.on('exit', () => {
        reject(new Error(`${name}: its execution environment exited`));
        for (const pending of this.pending.values())
          pending.reject(new Error(`${name}: its execution environment was stopped`));
        this.pending.clear();
        this.retired = true;
        this.onGone(this);
      });
    });
    this.ready.catch(() => undefined);
  }

  invoke(event: unknown, context: InvokeMessage['context']): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, event, context } satisfies InvokeMessage);
    });
  }

  /** Drops the invocation (it timed out): the environment takes no more work and ends when idle. */
  abandon(id: number) {
    this.pending.delete(id);
    this.retire();
  }

  lastId(): number {
    return this.next - 1;
  }

  retire() {
    if (!this.retired) {
      this.retired = true;
      this.onGone(this);
    }
    if (this.pending.size === 0) void this.worker.terminate();
  }
}

function toError(serialized: SerializedError, prefix = ''): Error {
  const error = new Error(`${prefix}${serialized.message}`);
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}

let tsxUrl: string | undefined;
function tsxLoader(): string {
  tsxUrl ??= pathToFileURL(join(import.meta.dirname, '../../node_modules/tsx/dist/loader.mjs')).href;
  return tsxUrl;
}

export class LambdaRuntime {
  private readonly warmWorkers = new Map<FunctionName, FunctionWorker>();
  private readonly all = new Set<FunctionWorker>();
  private readonly maxWarm: number;
  private readonly processes: ReadonlySet<string>;
  started = 0;

  constructor(private readonly options: LambdaRuntimeOptions) {
    this.maxWarm = Math.max(1, options.maxWarm ?? (Number(process.env.LOCAL_WARM_FUNCTIONS) || 24));
    this.processes =
      options.processes ??
      new Set(
        (process.env.LOCAL_PROCESS_FUNCTIONS ?? '')
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean),
      );
  }

  code(name: FunctionName): FunctionCode {
    const bundle = this.options.bundles?.get(name);
    if (bundle) return { ...bundle, typescript: false };
    return { file: join(this.options.root, functions[name].entry), handlerName: 'handler', typescript: true };
  }

  /** Checks that every function's code is there, so that a missing module fails the start. */
  async warm(): Promise<void> {
    const missing = (Object.keys(functions) as FunctionName[])
      .map((name) => this.code(name).file)
      .filter((file) => !existsSync(file));
    if (missing.length) throw new Error(`function code missing: ${missing.join(', ')}`);
  }

  /**
   * The V8 heap of a function's warm execution environment (its worker thread), or undefined when none
   * is warm: what benches attribute to one function, since every worker shares the process's RSS.
   */
  async heapStatistics(name: FunctionName) {
    const worker = this.warmWorkers.get(name);
    return worker && !worker.retired ? worker.worker.getHeapStatistics?.() : undefined;
  }

  /** The process id of a function's warm environment when it runs in a process of its own (`processes`). */
  processId(name: FunctionName): number | undefined {
    const worker = this.warmWorkers.get(name);
    return worker && !worker.retired ? worker.worker.pid : undefined;
  }

  /** The warm workers, least recently used first (for tests and status). */
  warmFunctions(): FunctionName[] {
    return [...this.warmWorkers.keys()];
  }

  private worker(name: FunctionName): FunctionWorker {
    let worker = this.warmWorkers.get(name);
    if (worker) {
      this.warmWorkers.delete(name);
      this.warmWorkers.set(name, worker);
      return worker;
    }
    const declaration: FunctionDeclaration = functions[name];
    worker = new FunctionWorker(
      name,
      this.code(name),
      this.options.environment(name),
      declaration.memoryMb ?? functionDefaults.memoryMb,
      (gone) => {
        if (this.warmWorkers.get(name) === gone) this.warmWorkers.delete(name);
      },
      this.processes.has(name),
    );
    this.all.add(worker);
    worker.worker.once('exit', () => this.all.delete(worker!));
    this.started++;
    this.warmWorkers.set(name, worker);
    // Beyond the bound, the least recently used idle environments go.
    for (const [other, candidate] of this.warmWorkers) {
      if (this.warmWorkers.size <= this.maxWarm) break;
      if (other !== name && candidate.pending.size === 0) candidate.retire();
    }
    return worker;
  }

  async invoke(name: FunctionName, event: unknown): Promise<unknown> {
    const declaration: FunctionDeclaration = functions[name];
    const timeoutMs = (declaration.timeoutSeconds ?? functionDefaults.timeoutSeconds) * 1000;
    const worker = this.worker(name);
    // Init is not part of the invocation's timeout (Lambda bounds it separately, by 10 s; locally the
    // sources are compiled by tsx on first load, so init gets 60 s here).
    let initTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      worker.ready,
      new Promise<never>((_, reject) => {
        initTimer = setTimeout(() => reject(new Error(`${name}: init took more than 60 s`)), 60_000);
      }),
    ]).finally(() => clearTimeout(initTimer));
    const deadline = Date.now() + timeoutMs;
    const functionName = `patents-${this.options.stage}-${name}`;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Task timed out after ${timeoutMs / 1000} seconds (${name})`)),
        timeoutMs,
      );
    });
    try {
      const invocation = worker.invoke(event, {
        callbackWaitsForEmptyEventLoop: false,
        functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:${this.options.region}:000000000000:function:${functionName}`,
        memoryLimitInMB: String(declaration.memoryMb ?? functionDefaults.memoryMb),
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${functionName}`,
        logStreamName: `local/${new Date().toISOString().slice(0, 10)}`,
        deadline,
      });
      const id = worker.lastId();
      return await Promise.race([invocation, timedOut]).catch((error: Error) => {
        if (error.message.startsWith('Task timed out')) worker.abandon(id);
        throw error;
      });
    } catch (error) {
      if ((error as Error).message.startsWith('Task timed out')) worker.retire();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends every execution environment (on stop). */
  async stop(): Promise<void> {
    const workers = [...this.all];
    this.warmWorkers.clear();
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}
