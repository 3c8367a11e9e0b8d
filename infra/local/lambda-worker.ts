/**
 * One function's execution environment in the local cloud: a worker thread (or, for the functions
 * named in LOCAL_PROCESS_FUNCTIONS, a child process of its own, whose memory is then the function's
 * alone: infra/local/lambda-runtime.ts) whose process.env is the
 * function's own (infra/resources/environment.ts plus what Lambda's runtime sets), which imports the
 * function's module (the source, or its synthesized bundle with --bundles) and runs its `handler` for
 * each invocation the parent (infra/local/lambda-runtime.ts) posts. A failure of the module's init is
 * reported as Lambda reports an init error: every invocation fails with it.
 */
import { registerHooks } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

type Handler = (event: unknown, context: Context) => Promise<unknown>;
export interface WorkerInput {
  moduleUrl: string;
  handlerName: string;
  /**
   * Bundles leave `@aws-sdk/*` external: Lambda's Node.js runtime provides the SDK. Locally it is
   * resolved from this package (the project's package.json URL), as the runtime's copy would be.
   */
  runtimeSdkFrom?: string;
}
export interface InvokeMessage {
  id: number;
  event: unknown;
  context: Omit<Context, 'getRemainingTimeInMillis' | 'done' | 'fail' | 'succeed'> & { deadline: number };
}
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'initError'; error: SerializedError }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: SerializedError };
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

const serialize = (error: unknown): SerializedError =>
  error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { name: 'Error', message: String(error) };

/** A worker thread's port, or a child process's IPC channel (its input is then argv[2], as JSON). */
interface Port {
  postMessage(message: WorkerReply): void;
  onMessage(listener: (message: InvokeMessage) => void): void;
}
const port: Port = parentPort
  ? {
      postMessage: (message) => parentPort!.postMessage(message),
      onMessage: (listener) => parentPort!.on('message', listener),
    }
  : {
      postMessage: (message) => void process.send!(message),
      onMessage: (listener) => void process.on('message', listener as (message: unknown) => void),
    };
if (!parentPort) process.on('disconnect', () => process.exit(0));
const { moduleUrl, handlerName, runtimeSdkFrom } = (workerData ??
  JSON.parse(process.argv[2] ?? '{}')) as WorkerInput;
if (runtimeSdkFrom)
  registerHooks({
    resolve: (specifier, context, next) =>
      specifier.startsWith('@aws-sdk/')
        ? next(specifier, { ...context, parentURL: runtimeSdkFrom })
        : next(specifier, context),
  });
let handler: Handler;
try {
  const module = (await import(moduleUrl)) as Record<string, unknown>;
  if (typeof module[handlerName] !== 'function') throw new Error(`${moduleUrl} exports no ${handlerName}`);
  handler = module[handlerName] as Handler;
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ type: 'initError', error: serialize(error) } satisfies WorkerReply);
}

port.onMessage(async ({ id, event, context }: InvokeMessage) => {
  const { deadline, ...fields } = context;
  try {
    const result = await handler(event, {
      ...fields,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    });
    port.postMessage({ type: 'result', id, result } satisfies WorkerReply);
  } catch (error) {
    port.postMessage({ type: 'error', id, error: serialize(error) } satisfies WorkerReply);
  }
});
