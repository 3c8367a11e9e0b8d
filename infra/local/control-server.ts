/**
 * The local control plane, on its own port: the Step Functions API (AWS JSON 1.0 protocol, the
 * operations the system and its tests use), CloudWatch Logs' FilterLogEvents on the state machines' log
 * groups (AWS JSON 1.1), EventBridge Scheduler's GetScheduleGroup (REST JSON), and /_local/ endpoints
 * for the CLIs (mint a dev token, fire a schedule now, status).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { roleSchema } from '../../schemas/roles.ts';
import { type FunctionDeclaration, type FunctionName, functions, type WorkflowName } from '../resources.ts';
import { callerOf, checkStepFunctions, refusalMessage } from './access.ts';
import type { FaultConfig, FaultInjector } from './faults.ts';
import type { DevIssuer } from './issuer.ts';
import { type LocalLogs, LogsError } from './logs.ts';
import type { LocalScheduler } from './scheduler.ts';
import { type Execution, type LocalStepFunctions, SfnError } from './step-functions.ts';

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function json(res: ServerResponse, status: number, body: unknown, contentType = 'application/json') {
  res.writeHead(status, { 'content-type': contentType });
  res.end(JSON.stringify(body));
}

function describeExecution(e: Execution) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: e.startDate,
    ...(e.stopDate ? { stopDate: e.stopDate } : {}),
    input: e.input,
    ...(e.output !== undefined ? { output: e.output } : {}),
    ...(e.error !== undefined ? { error: e.error, cause: e.cause } : {}),
  };
}

export function createControlServer(options: {
  sfn: LocalStepFunctions;
  logs: LocalLogs;
  scheduler: LocalScheduler;
  issuer: DevIssuer;
  scheduleGroup: string;
  region: string;
  stage: string;
  status: () => unknown;
  /** The fault injection of the DynamoDB and S3 gates (faults.ts): /_local/faults. */
  faults?: FaultInjector;
}): Server {
  const { sfn } = options;
  /** The workflow of a state machine or execution ARN (Standard `:execution:` or Express `:express:`). */
  const workflowOf = (arn: string): WorkflowName | undefined => {
    const match = /:(?:stateMachine|execution|express):([^:]+)/.exec(arn);
    return sfn.list().find((m) => m.arn.endsWith(`:stateMachine:${match?.[1]}`))?.name as
      | WorkflowName
      | undefined;
  };
  const typeOf = (arn: string) => {
    const workflow = workflowOf(arn);
    return workflow ? sfn.list().find((m) => m.name === workflow)!.declaration.type : undefined;
  };
  /** What AWS answers for the operations Express workflows do not have (they keep no history). */
  const refuseExpress = (operation: string, body: Record<string, unknown>) => {
    const arn = String(body.executionArn ?? body.stateMachineArn ?? '');
    const type = typeOf(arn);
    if (operation === 'ListExecutions' && type === 'EXPRESS')
      throw new SfnError(
        'StateMachineTypeNotSupported',
        'This operation is not supported by this type of state machine: EXPRESS',
      );
    if (
      (operation === 'DescribeExecution' || operation === 'GetExecutionHistory') &&
      arn.includes(':express:')
    )
      throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: express'`);
    if (operation === 'StartSyncExecution' && type === 'STANDARD')
      throw new SfnError(
        'StateMachineTypeNotSupported',
        'This operation is not supported by this type of state machine: STANDARD',
      );
  };
  const operations: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    StartExecution: async (body) => {
      const e = sfn.start(
        String(body.stateMachineArn),
        body.input as string | undefined,
        body.name as string | undefined,
      );
      return { executionArn: e.executionArn, startDate: e.startDate };
    },
    StartSyncExecution: async (body) => {
      const e = sfn.start(
        String(body.stateMachineArn),
        body.input as string | undefined,
        body.name as string | undefined,
      );
      await e.done;
      return describeExecution(e);
    },
    DescribeExecution: async (body) => describeExecution(sfn.describe(String(body.executionArn))),
    GetExecutionHistory: async (body) => {
      const e = sfn.describe(String(body.executionArn));
      const events = body.reverseOrder ? [...e.events].reverse() : e.events;
      return { events };
    },
    ListExecutions: async (body) => ({
      executions: [...sfn.executions.values()]
        .filter(
          (e) =>
            e.stateMachineArn === body.stateMachineArn &&
            (!body.statusFilter || e.status === body.statusFilter),
        )
        .reverse()
        .slice(0, Number(body.maxResults ?? 100))
        .map((e) => ({
          executionArn: e.executionArn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: e.startDate,
          stopDate: e.stopDate,
        })),
    }),
    ListStateMachines: async () => ({
      stateMachines: sfn.list().map((m) => ({
        stateMachineArn: m.arn,
        name: m.arn.split(':').pop(),
        type: m.declaration.type,
        creationDate: sfn.createdAt,
      })),
    }),
    DescribeStateMachine: async (body) => {
      const arn = String(body.stateMachineArn);
      const m = sfn.describeMachine(arn);
      return {
        stateMachineArn: arn,
        name: m.name,
        status: 'ACTIVE',
        definition: m.definition,
        roleArn: 'arn:aws:iam::000000000000:role/local',
        type: m.declaration.type,
        creationDate: sfn.createdAt,
        loggingConfiguration: {
          level: 'ALL',
          includeExecutionData: true,
          destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: sfn.logGroupArn(m.name) } }],
        },
      };
    },
  };

  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const target = req.headers['x-amz-target'];
      if (req.method === 'POST' && typeof target === 'string' && target.startsWith('AWSStepFunctions.')) {
        const operation = operations[target.slice('AWSStepFunctions.'.length)];
        if (!operation)
          return json(
            res,
            400,
            { __type: 'UnknownOperationException', message: `${target} is not emulated locally` },
            'application/x-amz-json-1.0',
          );
        try {
          const name = target.slice('AWSStepFunctions.'.length);
          const body = await readJson(req);
          refuseExpress(name, body);
          const caller = callerOf(req.headers, url);
          const refusal = caller && checkStepFunctions(functions[caller], name, body, workflowOf);
          if (caller && refusal)
            throw new SfnError('AccessDeniedException', refusalMessage(caller, options.stage, refusal));
          return json(res, 200, await operation(body), 'application/x-amz-json-1.0');
        } catch (error) {
          if (error instanceof SfnError)
            return json(
              res,
              400,
              { __type: error.type, message: error.message },
              'application/x-amz-json-1.0',
            );
          throw error;
        }
      }
      if (req.method === 'POST' && typeof target === 'string' && target.startsWith('Logs_20140328.')) {
        const reply = (status: number, body: unknown) =>
          json(res, status, body, 'application/x-amz-json-1.1');
        const caller = callerOf(req.headers, url);
        const name = target.slice('Logs_20140328.'.length);
        // No function is granted logs:FilterLogEvents (infra/resources): reading logs is for people and tests.
        if (caller)
          return reply(400, {
            __type: 'AccessDeniedException',
            message: refusalMessage(caller, options.stage, { action: `logs:${name}`, resource: '*' }),
          });
        if (name !== 'FilterLogEvents')
          return reply(400, {
            __type: 'UnknownOperationException',
            message: `${target} is not emulated locally`,
          });
        try {
          return reply(200, options.logs.filter(await readJson(req)));
        } catch (error) {
          if (error instanceof LogsError) return reply(400, { __type: error.type, message: error.message });
          throw error;
        }
      }
      // AWS services functions reach only through their grants: SES v2 and Cognito are never granted
      // locally (mail goes to the outbox, the directory is DEV_USERS), so any call to them is refused.
      const caller: FunctionName | undefined = callerOf(req.headers, url);
      const denied = (action: string, resource: string) => {
        res.writeHead(req.url?.startsWith('/v2/email') || url.pathname.startsWith('/schedule') ? 403 : 400, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'AccessDeniedException',
        });
        const message = caller
          ? refusalMessage(caller, options.stage, { action, resource })
          : `not authorized to perform: ${action}`;
        return res.end(JSON.stringify({ __type: 'AccessDeniedException', message, Message: message }));
      };
      if (url.pathname.startsWith('/v2/email')) return denied('ses:SendEmail', '*');
      if (typeof target === 'string' && target.startsWith('AWSCognitoIdentityProviderService.'))
        return denied(`cognito-idp:${target.split('.')[1]}`, '*');
      const group = /^\/schedule-groups\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && group) {
        const name = decodeURIComponent(group[1]!);
        const groupArn = `arn:aws:scheduler:${options.region}:000000000000:schedule-group/${name}`;
        if (caller && !(functions[caller] as FunctionDeclaration).readsSchedules)
          return denied('scheduler:GetScheduleGroup', groupArn);
        if (name !== options.scheduleGroup) {
          res.writeHead(404, {
            'content-type': 'application/json',
            'x-amzn-errortype': 'ResourceNotFoundException',
          });
          return res.end(JSON.stringify({ Message: `Schedule group ${name} does not exist.` }));
        }
        return json(res, 200, {
          Arn: `arn:aws:scheduler:${options.region}:000000000000:schedule-group/${name}`,
          Name: name,
          State: 'ACTIVE',
          CreationDate: options.scheduler.createdAt,
          LastModificationDate: options.scheduler.createdAt,
        });
      }
      if (req.method === 'POST' && url.pathname === '/_local/token') {
        const body = await readJson(req);
        const parsed = roleSchema.safeParse(body.role);
        if (!parsed.success)
          return json(res, 400, { error: `role must be one of ${roleSchema.options.join(', ')}` });
        const token = await options.issuer.sign({
          roles: [parsed.data],
          org: body.org as string | undefined,
          province: body.province as string | undefined,
          department: body.department as string | undefined,
          ministry: body.ministry as string | undefined,
          email: body.email as string | undefined,
          name: body.name as string | undefined,
          sub: body.sub as string | undefined,
          expiresIn: body.expiresIn as string | undefined,
        });
        return json(res, 200, { token });
      }
      const fire = /^\/_local\/schedules\/([^/]+)\/fire$/.exec(url.pathname);
      if (req.method === 'POST' && fire) {
        try {
          const body = await readJson(req);
          return json(
            res,
            200,
            await options.scheduler.fire(
              decodeURIComponent(fire[1]!),
              body.payload as Record<string, unknown> | undefined,
            ),
          );
        } catch (error) {
          return json(res, 404, { error: (error as Error).message });
        }
      }
      if (req.method === 'GET' && url.pathname === '/_local/status') return json(res, 200, options.status());
      // Fault injection (docs/local-cloud.md): POST a config to switch it on with new counters (share 0:
      // off), GET the counters, DELETE to switch it off (the counters of the run are answered).
      if (url.pathname === '/_local/faults' && options.faults && !caller) {
        if (req.method === 'GET') return json(res, 200, options.faults.state());
        if (req.method === 'DELETE') return json(res, 200, options.faults.disable());
        if (req.method === 'POST') {
          try {
            return json(res, 200, options.faults.configure((await readJson(req)) as unknown as FaultConfig));
          } catch (error) {
            return json(res, 400, { error: (error as Error).message });
          }
        }
      }
      json(res, 404, { error: `nothing at ${req.method} ${url.pathname}` });
    } catch (error) {
      json(res, 500, { __type: 'InternalFailure', message: (error as Error).message });
    }
  });
}
