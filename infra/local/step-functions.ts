/**
 * Local Step Functions: runs the very files in workflows/ with aws-local-stepfunctions, each Task's
 * Lambda bound to the same handler the CDK stack deploys behind it, and keeps each execution's
 * event history in the shape GetExecutionHistory returns. Executions are kept in memory (the last
 * 1,000): as in AWS, lasting state belongs in DynamoDB, never in an execution. As the stack configures
 * every state machine (`logs: { level: ALL, includeExecutionData: true }`), every history event is
 * also written to the state machine's log group (infra/local/logs.ts) in the shape Step Functions
 * writes to CloudWatch Logs: for Express workflows, the only record of what an execution did.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import {
  type FunctionName,
  lambdaInvokeArn,
  type WorkflowDeclaration,
  workflows,
  workflowVariables,
} from '../resources.ts';
import type { LambdaRuntime } from './lambda-runtime.ts';
import type { LocalLogs } from './logs.ts';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

export interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  events: HistoryEvent[];
  done: Promise<void>;
}

export class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const lambdaArn = (region: string, stage: string, fn: string) =>
  `arn:aws:lambda:${region}:000000000000:function:patents-${stage}-${fn}`;

/** CloudWatch Logs keeps at most 248 KB of an input or output of a history event (inputDetails.truncated). */
const maxLoggedPayload = 248 * 1024;

/**
 * A history event as Step Functions writes it to CloudWatch Logs (level ALL, includeExecutionData):
 * ids and times as strings, the one `…EventDetails` object as `details`, with inputDetails/outputDetails.
 */
export function logRecord(event: HistoryEvent, executionArn: string): Record<string, unknown> {
  const { id, previousEventId, timestamp, type, ...rest } = event;
  const details: Record<string, unknown> = { ...((Object.values(rest)[0] as object | undefined) ?? {}) };
  for (const field of ['input', 'output'] as const) {
    const value = details[field];
    if (typeof value !== 'string') continue;
    const truncated = Buffer.byteLength(value) > maxLoggedPayload;
    details[field] = truncated ? Buffer.from(value).subarray(0, maxLoggedPayload).toString('utf8') : value;
    details[`${field}Details`] = { truncated };
  }
  return {
    id: String(id),
    type,
    details,
    previous_event_id: String(previousEventId),
    event_timestamp: String(Math.round(timestamp * 1000)),
    execution_arn: executionArn,
    redrive_count: '0',
  };
}

/** setTimeout's maximum (2^31 - 1 ms), in whole seconds. */
export const maxTimerSeconds = Math.floor((2 ** 31 - 1) / 1000);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Replaces ${Var} as CloudFormation's DefinitionSubstitutions does. */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** Every Task state of a definition, nested ones (Parallel branches, Map iterators) included. */
export function taskStates(definition: {
  States: Record<string, Json>;
}): Array<{ name: string; state: Record<string, Json> }> {
  const found: Array<{ name: string; state: Record<string, Json> }> = [];
  const walk = (states: Record<string, Json>) => {
    for (const [name, raw] of Object.entries(states)) {
      const state = raw as Record<string, Json>;
      if (state.Type === 'Task') found.push({ name, state });
      for (const branch of (state.Branches as Array<{ States: Record<string, Json> }> | undefined) ?? [])
        walk(branch.States);
      const iterator = (state.ItemProcessor ?? state.Iterator) as
        | { States: Record<string, Json> }
        | undefined;
      if (iterator) walk(iterator.States);
    }
  };
  walk(definition.States);
  return found;
}

export class LocalStepFunctions {
  readonly executions = new Map<string, Execution>();
  private readonly machines = new Map<
    string,
    {
      name: string;
      declaration: WorkflowDeclaration;
      definition: string;
      machine: StateMachine;
      handlers: Record<string, (input: Json) => Promise<Json>>;
    }
  >();
  readonly createdAt = Date.now() / 1000;

  constructor(
    private readonly options: {
      root: string;
      stage: string;
      region: string;
      runtime: Pick<LambdaRuntime, 'invoke'>;
      log: (line: string) => void;
      /** Where the history events go (the state machines' log groups); none: not logged. */
      logs?: LocalLogs;
    },
  ) {
    for (const [name, declaration] of Object.entries(workflows) as Array<[string, WorkflowDeclaration]>) {
      const arns = Object.fromEntries(
        Object.entries(declaration.tasks).map(([variable, fn]) => [
          variable,
          lambdaArn(options.region, options.stage, fn),
        ]),
      );
      const definition = substitute(readFileSync(join(options.root, declaration.file), 'utf8'), {
        ...arns,
        [workflowVariables.lambdaInvoke]: lambdaInvokeArn('aws'),
      });
      const parsed = JSON.parse(definition) as { States: Record<string, Json> };
      const byArn = new Map(
        Object.entries(declaration.tasks).map(([variable, fn]) => [arns[variable]!, fn as FunctionName]),
      );
      const handlers: Record<string, (input: Json) => Promise<Json>> = {};
      for (const { name: stateName, state } of taskStates(parsed)) {
        const parameters = (state.Parameters ?? {}) as Record<string, Json>;
        const fn = byArn.get(String(parameters.FunctionName ?? state.Resource));
        if (!fn) throw new Error(`${declaration.file}: task state ${stateName} names no declared function`);
        // AWS bounds a Task only by its own TimeoutSeconds (default 99999999 s), aws-local-stepfunctions
        // by a default of 60 s: lift that default (to Node's timer maximum, 24.8 days) so that each
        // Lambda task is bounded by its function's declared timeout alone (LambdaRuntime.invoke).
        if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined)
          state.TimeoutSeconds = maxTimerSeconds;
        const viaInvoke = state.Resource === lambdaInvokeArn('aws');
        handlers[stateName] = async (input: Json) => {
          // lambda:invoke hands the function Parameters.Payload and answers { Payload, StatusCode }.
          const payload = viaInvoke ? ((input as Record<string, Json>).Payload ?? {}) : input;
          const result = (await options.runtime.invoke(fn, payload)) as Json;
          return viaInvoke
            ? { ExecutedVersion: '$LATEST', Payload: result ?? null, StatusCode: 200 }
            : result;
        };
      }
      this.machines.set(this.arn(name), {
        name,
        declaration,
        definition,
        machine: new StateMachine(parsed as never, {
          validationOptions: { checkPaths: true, checkArn: false },
        }),
        handlers,
      });
      options.logs?.createGroup(this.logGroupName(name));
    }
  }

  /** The state machine's log group (the stack names it so, ending with its deployment's id). */
  logGroupName(workflow: string): string {
    return `/aws/vendedlogs/states/patents-${this.options.stage}-${workflow}-local`;
  }

  logGroupArn(workflow: string): string {
    return `arn:aws:logs:${this.options.region}:000000000000:log-group:${this.logGroupName(workflow)}:*`;
  }

  arn(workflow: string): string {
    return `arn:aws:states:${this.options.region}:000000000000:stateMachine:patents-${this.options.stage}-${workflow}`;
  }

  list() {
    return [...this.machines.entries()].map(([arn, m]) => ({ arn, ...m }));
  }

  describeMachine(arn: string) {
    const machine = this.machines.get(arn);
    if (!machine) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  start(stateMachineArn: string, inputText = '{}', name: string = randomUUID()): Execution {
    const machine = this.describeMachine(stateMachineArn);
    // Express executions have their own ARN form (and no history or listing in AWS: control-server.ts).
    const executionArn =
      machine.declaration.type === 'EXPRESS'
        ? `${stateMachineArn.replace(':stateMachine:', ':express:')}:${name}:${randomUUID()}`
        : `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.input === inputText) return existing;
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    let input: Json;
    try {
      input = JSON.parse(inputText) as Json;
    } catch {
      throw new SfnError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: the input is not valid JSON',
      );
    }
    const execution: Execution = {
      executionArn,
      stateMachineArn,
      name,
      status: 'RUNNING',
      input: inputText,
      startDate: Date.now() / 1000,
      events: [],
      done: Promise.resolve(),
    };
    const run = machine.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: machine.handlers as never },
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          Input: input,
          StartTime: new Date().toISOString(),
          RoleArn: 'arn:aws:iam::000000000000:role/local',
        },
        StateMachine: { Id: stateMachineArn, Name: `patents-${this.options.stage}-${machine.name}` },
      } as never,
    });
    const logGroup = this.logGroupName(machine.name);
    const minute = new Date().toISOString().slice(0, 16).replace(/[T:]/g, '-');
    const logStream = `states/patents-${this.options.stage}-${machine.name}/${minute}/${randomUUID().slice(0, 8)}`;
    execution.done = (async () => {
      const record = (type: string, details: Record<string, unknown>) => {
        const id = execution.events.length + 1;
        const event: HistoryEvent = {
          id,
          previousEventId: id - 1,
          timestamp: Date.now() / 1000,
          type,
          ...details,
        };
        execution.events.push(event);
        this.options.logs?.put(
          logGroup,
          logStream,
          Math.round(event.timestamp * 1000),
          JSON.stringify(logRecord(event, executionArn)),
        );
      };
      const collect = (async () => {
        for await (const event of run.eventLogs) {
          const e = event as unknown as Record<string, unknown> & {
            type: string;
            state?: { name: string; type: string; input?: unknown; output?: unknown };
          };
          switch (e.type) {
            case 'ExecutionStarted':
              record('ExecutionStarted', {
                executionStartedEventDetails: {
                  input: JSON.stringify(e.input),
                  roleArn: 'arn:aws:iam::000000000000:role/local',
                },
              });
              break;
            case 'ExecutionSucceeded':
              record('ExecutionSucceeded', {
                executionSucceededEventDetails: { output: JSON.stringify(e.output) },
              });
              break;
            case 'ExecutionFailed':
              record('ExecutionFailed', {
                executionFailedEventDetails: { error: e.Error, cause: String(e.Cause ?? '') },
              });
              break;
            case 'ExecutionTerminated':
              record('ExecutionAborted', {});
              break;
            case 'StateEntered':
              record(`${e.state!.type}StateEntered`, {
                stateEnteredEventDetails: { name: e.state!.name, input: JSON.stringify(e.state!.input) },
              });
              break;
            case 'StateExited':
              record(`${e.state!.type}StateExited`, {
                stateExitedEventDetails: { name: e.state!.name, output: JSON.stringify(e.state!.output) },
              });
              break;
            case 'StateFailed':
              record(`${e.state!.type === 'Task' ? 'Task' : e.state!.type}Failed`, {
                failedEventDetails: { name: e.state!.name, error: e.Error, cause: String(e.Cause ?? '') },
              });
              break;
            case 'StateRetried':
              record('StateRetried', {
                retriedEventDetails: {
                  name: e.state!.name,
                  attempt: (e.retry as { attempt: number }).attempt,
                },
              });
              break;
            case 'StateCaught':
              record('StateCaught', { caughtEventDetails: { name: e.state!.name } });
              break;
            default:
              record(e.type, {});
          }
        }
      })();
      try {
        const output = await run.result;
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output);
      } catch (error) {
        // The runner wraps the failure in ExecutionError; AWS reports the failure itself (a Fail
        // state's Error and Cause, or the uncaught task error).
        const failure =
          error instanceof Error && error.name === 'ExecutionError' && error.cause instanceof Error
            ? error.cause
            : (error as Error);
        execution.status = 'FAILED';
        execution.error = failure?.name ?? 'Error';
        execution.cause = failure?.message;
      }
      await collect.catch(() => undefined);
      execution.stopDate = Date.now() / 1000;
      if (execution.status === 'FAILED')
        this.options.log(`workflow ${machine.name} ${name} FAILED: ${execution.error}: ${execution.cause}`);
    })();
    this.executions.set(executionArn, execution);
    if (this.executions.size > 1000) this.executions.delete(this.executions.keys().next().value!);
    return execution;
  }

  describe(executionArn: string): Execution {
    const execution = this.executions.get(executionArn);
    if (!execution)
      throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  /** Waits for the running executions (used on shutdown so that no work is cut off). */
  async drain(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }
}
