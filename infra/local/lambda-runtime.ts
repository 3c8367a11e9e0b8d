/**
 * Runs the functions of infra/resources.ts in this process, as Lambda would: the module's `handler`
 * export, called with the event and a Lambda-shaped context, bounded by the declared timeout.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { type FunctionDeclaration, type FunctionName, functionDefaults, functions } from '../resources.ts';
import { devUsers } from './dev-users.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export class LambdaRuntime {
  private readonly loaded = new Map<string, Promise<Handler>>();
  constructor(
    private readonly root: string,
    private readonly stage: string,
  ) {
    // The local user directory (functions/shared/directory.ts): what Cognito's groups are in AWS.
    process.env.DEV_USERS ??= JSON.stringify(devUsers);
  }

  private load(name: FunctionName): Promise<Handler> {
    let handler = this.loaded.get(name);
    if (!handler) {
      const declaration: FunctionDeclaration = functions[name];
      handler = import(pathToFileURL(`${this.root}/${declaration.entry}`).href).then(
        (module: { handler?: Handler }) => {
          if (typeof module.handler !== 'function')
            throw new Error(`${declaration.entry} exports no handler`);
          return module.handler;
        },
      );
      this.loaded.set(name, handler);
    }
    return handler;
  }

  /** Loads every handler now, so that a broken module fails the start, not the first request. */
  async warm(): Promise<void> {
    await Promise.all((Object.keys(functions) as FunctionName[]).map((name) => this.load(name)));
  }

  async invoke(name: FunctionName, event: unknown): Promise<unknown> {
    const declaration: FunctionDeclaration = functions[name];
    const handler = await this.load(name);
    const timeoutMs = (declaration.timeoutSeconds ?? functionDefaults.timeoutSeconds) * 1000;
    const deadline = Date.now() + timeoutMs;
    const functionName = `patents-${this.stage}-${name}`;
    const context: Context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${functionName}`,
      memoryLimitInMB: String(declaration.memoryMb ?? functionDefaults.memoryMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: `local/${new Date().toISOString().slice(0, 10)}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        handler(event, context),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`Task timed out after ${timeoutMs / 1000} seconds (${name})`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
