/**
 * Pipeline: patents driven from inventoried to filed on the local stack, through the real handlers and
 * the real workflow (workflows/patent-pipeline.asl.json on aws-local-stepfunctions, every task bound to
 * its handler), over DynamoDB Local (in memory). Per patent:
 *
 *   approve (POST /v1/patents/{n}/review)                -> inventoried
 *     pipeline MatchAndPush                               -> matched (window open, requests pushed)
 *   3 evaluations (PUT .../evaluations/mine), quorum      -> evaluationClosed
 *     pipeline TierPatent                                 -> tiered (+ outcome email)
 *   POST /v1/deals (ordinary license, lump sum)           -> dealRecorded
 *     pipeline NotifyTransition
 *   PUT /v1/deals/{id}/filing                             -> filingConfirmed
 *     pipeline NotifyTransition
 *
 * The bench plays the core stream's part: after each call it reads the patent's new pipeline events and
 * starts the pipeline for each event the workflow handles (what startPipeline does from the stream),
 * awaiting the execution. Handlers run in this process as the local cloud runs them (LambdaRuntime).
 *
 * Counted, not estimated: state transitions (StateEntered + StateRetried of every execution: what
 * Standard bills; Express bills requests + duration, both counted too), Lambda invocations per function
 * with their duration, and DynamoDB capacity (ReturnConsumedCapacity=TOTAL on every call of the
 * functions' shared client, split into reads and writes by operation). Not counted: the mail dispatch
 * (one stream-consumer invocation and two small writes per queued email: estimated from the emails
 * queued), stream-consumer invocations other than the pipeline start (counted as one per handled event,
 * an upper bound: Lambda batches up to 10 records), CloudWatch Logs, SES, storage.
 *
 * Setup (institution, 8 verified enterprises with broad interests, patents registered and submitted) is
 * not measured. BENCH_PATENTS (default 1,000), BENCH_CONCURRENCY (patents in flight, default 4).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { demoInventoryRows, random, templateHeaders } from '../infra/local/demo-patents.ts';
import { createTables, startDynamoDbLocal, waitForDynamoDb } from '../infra/local/dynamodb-local.ts';
import { freePort } from '../infra/local/ports.ts';
import type { FunctionName } from '../infra/resources.ts';
import { functionDefaults, functions, tables } from '../infra/resources.ts';
import { withUsccCheck } from '../schemas/codes/uscc.ts';

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

/** The issue's batch is 10,000; the default fits in a few minutes on the 2-core machine (see `note`). */
const issueBatch = 10_000;
const settings = {
  patents: env('BENCH_PATENTS', 1_000),
  concurrency: env('BENCH_CONCURRENCY', 4),
  enterprises: 8,
};

/**
 * List prices, us-east-1, as published on the AWS pricing pages (checked 2026-11-25 from the pages as
 * known; they are list prices to check before quoting, without free tiers, savings plans or taxes).
 * cn-north-1 (Beijing, operated by Sinnet) prices in CNY on amazonaws.cn are not included: we could not
 * verify current figures from here.
 */
export const prices = {
  region: 'us-east-1',
  asOf: '2026-11-25',
  note: 'List prices to check (aws.amazon.com/step-functions/pricing, /lambda/pricing, /dynamodb/pricing/on-demand); first pricing tier; no free tier',
  stepFunctionsExpressPerRequest: 1.0 / 1e6,
  /** $0.06 per GB-hour for the first 1,000 GB-hours; billed in 64-MB chunks and 100-ms increments. */
  stepFunctionsExpressPerGbSecond: 0.06 / 3600,
  /** Standard workflows (the daily sweep): $0.025 per 1,000 state transitions. */
  stepFunctionsStandardPerTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1e6,
  /** arm64 (the stack deploys ARM_64): $0.0000133334 per GB-second, first tier. */
  lambdaArmPerGbSecond: 0.0000133334,
  /** On-demand since 2024-11-01: $0.625 per million write request units, $0.125 per million read units. */
  dynamoDbPerWru: 0.625 / 1e6,
  dynamoDbPerRru: 0.125 / 1e6,
};

function percentile(values: number[], p: number) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function benchPipeline(): Promise<Record<string, unknown>> {
  const root = resolve(import.meta.dirname, '..');
  const stage = 'bench';
  const region = 'us-east-1';
  const port = await freePort();
  const outbox = mkdtempSync(join(tmpdir(), 'patents-bench-outbox-'));
  const java = await startDynamoDbLocal({ port });
  const endpoint = `http://127.0.0.1:${port}`;
  const physical = (name: string) => `patents-${stage}-${name}`;
  Object.assign(process.env, {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    STAGE: stage,
    MAIL_TRANSPORT: 'outbox',
    MAIL_OUTBOX_DIR: outbox,
    POWERTOOLS_SERVICE_NAME: 'patents',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_DEV: 'false',
    TABLE_CORE: physical('core'),
    TABLE_METRICS: physical('metrics'),
    EVALUATION_QUORUM: '3',
    DEV_USERS: '[]',
  });
  try {
    const admin = new DynamoDBClient({
      endpoint,
      region,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    await waitForDynamoDb(admin, undefined);
    await createTables(admin, tables, physical);
    const bench = DynamoDBDocumentClient.from(admin);

    // ------------------------------------------------------------------ counting
    const { dynamodb } = await import('../functions/shared/clients/dynamodb.ts');
    const capacity = { read: 0, write: 0, calls: 0 };
    const readOps = new Set([
      'GetItemCommand',
      'GetCommand',
      'QueryCommand',
      'ScanCommand',
      'BatchGetItemCommand',
      'BatchGetCommand',
      'TransactGetItemsCommand',
      'TransactGetCommand',
    ]);
    const commandsSeen = new Map<string, number>();
    let counting = false;
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        const command = String((context as { commandName?: string }).commandName ?? '');
        if (command !== 'ListTablesCommand' && command !== 'DescribeTableCommand')
          input.ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        if (counting) {
          const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
          const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
            (sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0),
            0,
          );
          capacity.calls++;
          commandsSeen.set(command, (commandsSeen.get(command) ?? 0) + 1);
          if (readOps.has(command)) capacity.read += units;
          else capacity.write += units;
        }
        return result;
      },
      { step: 'initialize', name: 'benchConsumedCapacity' },
    );
    const { LocalStepFunctions } = await import('../infra/local/step-functions.ts');
    const { executionName, pipelineEventFromItem, pipelineHandledEvents, stageOf } = await import(
      '../functions/pipeline/events.ts'
    );
    // In this process (not in workers as the local cloud runs them), so that the capacity middleware
    // above sees every call the handlers make.
    const loaded = new Map<string, Promise<(event: unknown, context: unknown) => Promise<unknown>>>();
    const runtime = {
      invoke: async (fn: FunctionName, event: unknown) => {
        if (!loaded.has(fn))
          loaded.set(
            fn,
            import(pathToFileURL(join(root, functions[fn].entry)).href).then(
              (m: { handler: (event: unknown, context: unknown) => Promise<unknown> }) => m.handler,
            ),
          );
        const handler = await loaded.get(fn)!;
        return handler(event, { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'bench' });
      },
    };
    const invocations = new Map<string, { count: number; ms: number }>();
    const counted = {
      invoke: async (fn: FunctionName, event: unknown) => {
        const started = performance.now();
        try {
          return await runtime.invoke(fn, event);
        } finally {
          if (counting) {
            const entry = invocations.get(fn) ?? { count: 0, ms: 0 };
            entry.count++;
            entry.ms += performance.now() - started;
            invocations.set(fn, entry);
          }
        }
      },
    };
    const sfn = new LocalStepFunctions({
      root,
      stage,
      region,
      runtime: counted,
      log: () => undefined,
    });

    // ------------------------------------------------------------------ API calls as API Gateway sends them
    const claimsOf = (role: string, extra: Record<string, string> = {}) => ({
      sub: `${role}-${extra['custom:uscc'] ?? 'x'}-${extra['custom:department'] ?? ''}`,
      'cognito:groups': `[${role}]`,
      email: `${role}@bench.example.org`,
      ...extra,
    });
    async function call(
      fn: FunctionName,
      method: string,
      template: string,
      params: Record<string, string>,
      body: unknown,
      claims: Record<string, string>,
    ) {
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]!));
      const event = {
        version: '2.0',
        routeKey: `${method} ${template}`,
        rawPath: path,
        rawQueryString: '',
        headers: { 'content-type': 'application/json', host: 'bench.local' },
        pathParameters: params,
        requestContext: {
          accountId: '000000000000',
          apiId: 'bench',
          authorizer: { jwt: { claims, scopes: null } },
          domainName: 'bench.local',
          domainPrefix: 'bench',
          time: new Date().toUTCString(),
          timeEpoch: Date.now(),
          http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
          requestId: randomUUID(),
          routeKey: `${method} ${template}`,
          stage: '$default',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        isBase64Encoded: false,
      };
      const response = (await counted.invoke(fn, event)) as { statusCode: number; body?: string };
      if (response.statusCode >= 300)
        throw new Error(`${method} ${path}: ${response.statusCode} ${response.body?.slice(0, 500)}`);
      return response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {};
    }

    // ------------------------------------------------------------------ setup (not measured)
    const next = random(20261125);
    const institution = withUsccCheck('12110000BENCH0001');
    const national = claimsOf('national-admin');
    await call(
      'registerInstitution',
      'POST',
      '/v1/institutions',
      {},
      {
        uscc: institution,
        name: '基准测试大学',
        provinceCode: '110000',
        kind: 'university',
        contactEmail: 'tt@bench-univ.example.edu.cn',
      },
      national,
    );
    const reviewer = claimsOf('institution', { 'custom:uscc': institution, 'custom:province': '110000' });
    const department = claimsOf('institution', {
      'custom:uscc': institution,
      'custom:province': '110000',
      'custom:department': '材料学院',
    });
    const rows = demoInventoryRows(settings.patents, { seed: 7, serialBase: 500_000 }).map((cells) => {
      const row = Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i] ?? '']));
      row.转化意愿 = '许可；转让';
      row.法律状态 = '有效';
      return row;
    });
    const numbers = rows.map((r) => r.申请号!);
    const industries = [...new Set(rows.map((r) => r.国民经济行业分类!).filter(Boolean))];
    const ipcs = [
      ...new Set(
        rows.map((r) => (r['IPC/洛迦诺分类'] ?? '').slice(0, 4)).filter((c) => /^[A-H]\d\d[A-Z]$/.test(c)),
      ),
    ];
    for (let i = 0; i < rows.length; i += 1000) {
      const result = await call(
        'registerPatentsBatch',
        'POST',
        '/v1/patents:batch',
        {},
        { rows: rows.slice(i, i + 1000) },
        reviewer,
      );
      if ((result.rowsRejected as number) > 0)
        throw new Error(`setup: rows rejected: ${JSON.stringify(result.errors).slice(0, 500)}`);
    }
    const enterprises = Array.from({ length: settings.enterprises }, (_, i) => ({
      uscc: withUsccCheck(`91110000BENCHE${String(i).padStart(3, '0')}`),
      name: `基准测试企业${i}有限公司`,
    }));
    for (const [i, e] of enterprises.entries()) {
      // A different first industry per enterprise: their fields differ (broad applicability is possible).
      const own = [...industries.slice(i % industries.length), ...industries.slice(0, i % industries.length)];
      await call(
        'registerEnterprise',
        'POST',
        '/v1/enterprises',
        {},
        {
          uscc: e.uscc,
          name: e.name,
          provinceCode: '110000',
          types: ['high-tech'],
          industryCodes: own.slice(0, 50),
          strategicIndustries: [],
          ipcInterests: ipcs.slice(0, 50),
          contact: { name: '联系人', email: `bd${i}@bench-enterprise.example.com` },
        },
        claimsOf('enterprise', { 'custom:uscc': e.uscc }),
      );
      await call(
        'decideEnterprise',
        'POST',
        '/v1/enterprises/{uscc}/verification',
        { uscc: e.uscc },
        { decision: 'verified' },
        national,
      );
    }
    console.error(`  setup: ${numbers.length} patents registered, submitting them for review`);
    for (const n of numbers)
      await call(
        'reviewInventory',
        'POST',
        '/v1/patents/{applicationNumber}/review',
        { applicationNumber: n },
        { action: 'submit' },
        department,
      );

    // ------------------------------------------------------------------ the stream's part
    const pipelineArn = sfn.arn('patent-pipeline');
    const lastEvent = new Map<string, string>();
    const executions = {
      count: 0,
      failed: 0,
      stateTransitions: 0,
      billedExpressGbSeconds: 0,
      ms: [] as number[],
    };
    const transitions: Array<{ event: string; ms: number }> = [];
    let handledEvents = 0;
    async function drain(n: string, causeMs: number) {
      for (;;) {
        const { Items = [] } = await bench.send(
          new QueryCommand({
            TableName: physical('core'),
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': `PAT#${n}`,
              ':from': lastEvent.has(n) ? `${lastEvent.get(n)}~` : 'EVENT#',
              ':to': 'EVENT#~',
            },
            ConsistentRead: true,
          }),
        );
        if (Items.length === 0) return;
        for (const item of Items) {
          lastEvent.set(n, item.sk as string);
          const event = pipelineEventFromItem(item);
          // The transition made by the call or execution that caused it.
          transitions.push({ event: event.type, ms: causeMs });
          if (!(pipelineHandledEvents as readonly string[]).includes(event.type) || !stageOf(event)) continue;
          handledEvents++;
          const started = performance.now();
          const execution = sfn.start(pipelineArn, JSON.stringify({ event }), executionName(event));
          await execution.done;
          const ms = performance.now() - started;
          executions.count++;
          executions.ms.push(ms);
          if (execution.status !== 'SUCCEEDED') executions.failed++;
          executions.stateTransitions += execution.events.filter(
            (e) => e.type.endsWith('StateEntered') || e.type === 'StateRetried',
          ).length;
          executions.billedExpressGbSeconds += (Math.ceil(ms / 100) / 10) * (64 / 1024);
          causeMs = ms;
        }
      }
    }
    const timed = async <T>(work: () => Promise<T>) => {
      const started = performance.now();
      const value = await work();
      return { value, ms: performance.now() - started };
    };

    // ------------------------------------------------------------------ measured
    const today = new Date().toISOString().slice(0, 10);
    const endDate = `${Number(today.slice(0, 4)) + 3}${today.slice(4)}`;
    const tiers = new Map<string, number>();
    const failures: string[] = [];
    async function drive(n: string, index: number) {
      const p = { applicationNumber: n };
      const approve = await timed(() =>
        call(
          'reviewInventory',
          'POST',
          '/v1/patents/{applicationNumber}/review',
          p,
          { action: 'approve' },
          reviewer,
        ),
      );
      await drain(n, approve.ms);
      // Three evaluations: strong (high value), broad (several fields interested) or weak (ordinary).
      const profile = next();
      const chosen = [index % 8, (index + 3) % 8, (index + 5) % 8].map((i) => enterprises[i]!);
      for (const [k, e] of chosen.entries()) {
        const body =
          profile < 0.3
            ? {
                industrializationProspect: k === 0 ? 5 : 4,
                maturityTrl: 6,
                cooperationIntents: ['license', 'joint-rnd'],
              }
            : profile < 0.6
              ? { industrializationProspect: 3 + (k % 2), maturityTrl: 5, cooperationIntents: ['license'] }
              : {
                  industrializationProspect: 2,
                  maturityTrl: 3,
                  cooperationIntents: ['none'],
                  reasonCodes: ['too-early-stage'],
                };
        const evaluated = await timed(() =>
          call(
            'submitEvaluation',
            'PUT',
            '/v1/patents/{applicationNumber}/evaluations/mine',
            p,
            {
              ...body,
              improvementNeeds: { categories: ['pilot-scale-up'] },
              consentToShareIdentity: k === 0,
            },
            claimsOf('enterprise', { 'custom:uscc': e.uscc }),
          ),
        );
        await drain(n, evaluated.ms);
      }
      const deal = await timed(() =>
        call(
          'createDeal',
          'POST',
          '/v1/deals',
          {},
          {
            kind: 'license',
            licenseType: 'ordinary',
            applicationNumbers: [n],
            enterprise: enterprises[index % 8],
            priceTerms: { type: 'lump-sum', amountFen: 50_000_000 },
            effectiveDate: today,
            endDate,
            clientReference: `bench-${n}`,
          },
          reviewer,
        ),
      );
      await drain(n, deal.ms);
      const dealId = (deal.value.dealId ??
        (deal.value.deal as { dealId?: string } | undefined)?.dealId) as string;
      const filed = await timed(() =>
        call(
          'recordFiling',
          'PUT',
          '/v1/deals/{dealId}/filing',
          { dealId },
          { number: `BENCH${index}`, date: today },
          reviewer,
        ),
      );
      await drain(n, filed.ms);
    }

    counting = true;
    const started = performance.now();
    const queue = numbers.map((n, i) => [n, i] as const);
    let done = 0;
    await Promise.all(
      Array.from({ length: settings.concurrency }, async () => {
        for (let item = queue.shift(); item; item = queue.shift()) {
          try {
            await drive(item[0], item[1]);
          } catch (error) {
            failures.push(`${item[0]}: ${(error as Error).message}`);
          }
          if (++done % 500 === 0)
            console.error(
              `  ${done} / ${settings.patents} patents, ${round((performance.now() - started) / 1000, 0)} s`,
            );
        }
      }),
    );
    const wallSeconds = (performance.now() - started) / 1000;
    counting = false;

    // ------------------------------------------------------------------ results
    const patentItems: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    let mails = 0;
    do {
      const page = await bench.send(
        new ScanCommand({
          TableName: physical('core'),
          FilterExpression: 'sk = :patent OR begins_with(pk, :mail)',
          ExpressionAttributeValues: { ':patent': 'PATENT', ':mail': 'MAIL#' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        if (String(item.pk).startsWith('MAIL#')) mails++;
        else patentItems.push(item);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    for (const p of patentItems)
      if (p.tier) tiers.set(p.tier as string, (tiers.get(p.tier as string) ?? 0) + 1);
    const filedCount = patentItems.filter((p) => p.lifecycle === 'filed').length;
    const perPatent = (x: number) => x / settings.patents;

    const lambdaRows = [...invocations.entries()].map(([fn, v]) => {
      const memoryMb =
        (functions[fn as FunctionName] as { memoryMb?: number }).memoryMb ?? functionDefaults.memoryMb;
      return {
        fn,
        count: v.count,
        meanMs: round(v.ms / v.count, 1),
        gbSeconds: (v.ms / 1000) * (memoryMb / 1024),
      };
    });
    // The pipeline start in the core stream reader (fanOutCoreStream): one invocation per handled event
    // (upper bound: the reader takes batches), ~50 ms each.
    const startMemory =
      (functions.fanOutCoreStream as { memoryMb?: number }).memoryMb ?? functionDefaults.memoryMb;
    const startGbSeconds = handledEvents * 0.05 * (startMemory / 1024);
    // Mail dispatch (not run here): one invocation (~200 ms) and two 1-WRU updates per queued email.
    const mailGbSeconds = mails * 0.2 * (functionDefaults.memoryMb / 1024);
    const lambdaRequests = lambdaRows.reduce((s, r) => s + r.count, 0) + handledEvents + mails;
    const lambdaGbSeconds = lambdaRows.reduce((s, r) => s + r.gbSeconds, 0) + startGbSeconds + mailGbSeconds;
    const wru = capacity.write + mails * 2;
    const rru = capacity.read;
    const perMillion = 1_000_000 / settings.patents;
    const cost = {
      stepFunctionsExpress:
        (executions.count * prices.stepFunctionsExpressPerRequest +
          executions.billedExpressGbSeconds * prices.stepFunctionsExpressPerGbSecond) *
        perMillion,
      stepFunctionsIfStandard:
        executions.stateTransitions * prices.stepFunctionsStandardPerTransition * perMillion,
      lambda:
        (lambdaRequests * prices.lambdaPerRequest + lambdaGbSeconds * prices.lambdaArmPerGbSecond) *
        perMillion,
      dynamoDb: (wru * prices.dynamoDbPerWru + rru * prices.dynamoDbPerRru) * perMillion,
    };
    const transitionMs = transitions.map((t) => t.ms);
    const byEvent = Object.fromEntries(
      [...new Set(transitions.map((t) => t.event))].map((event) => {
        const ms = transitions.filter((t) => t.event === event).map((t) => t.ms);
        return [
          event,
          { count: ms.length, p50Ms: round(percentile(ms, 50), 1), p99Ms: round(percentile(ms, 99), 1) },
        ];
      }),
    );
    return {
      settings: { ...settings, issueBatch },
      note:
        settings.patents < issueBatch
          ? `Run with ${settings.patents} patents (BENCH_PATENTS=${issueBatch} runs the issue's batch; DynamoDB Local serializes transactions, so the time grows linearly: see durationSeconds).`
          : 'The issue batch.',
      patentsFiled: filedCount,
      failures: failures.length,
      failureSamples: failures.slice(0, 5),
      tiers: Object.fromEntries(tiers),
      durationSeconds: round(wallSeconds, 1),
      transitions: transitions.length,
      transitionsPerPatent: round(perPatent(transitions.length), 2),
      transitionsPerSecond: round(transitions.length / wallSeconds, 1),
      transitionLatencyMs: {
        p50: round(percentile(transitionMs, 50), 1),
        p99: round(percentile(transitionMs, 99), 1),
        definition:
          'per lifecycle transition: the duration of the API call (Lambda handler) or pipeline execution that made it',
        byEvent,
      },
      stepFunctions: {
        executions: executions.count,
        executionsPerPatent: round(perPatent(executions.count), 2),
        failedExecutions: executions.failed,
        stateTransitions: executions.stateTransitions,
        stateTransitionsPerPatent: round(perPatent(executions.stateTransitions), 2),
        executionP99Ms: round(percentile(executions.ms, 99), 1),
        billedExpressGbSecondsPerPatent: round(perPatent(executions.billedExpressGbSeconds), 5),
      },
      lambda: {
        invocationsPerPatent: round(perPatent(lambdaRequests), 2),
        gbSecondsPerPatent: round(perPatent(lambdaGbSeconds), 4),
        measured: lambdaRows.map((r) => ({ ...r, gbSeconds: round(r.gbSeconds, 3) })),
        estimated: { startPipeline: handledEvents, dispatchMail: mails },
      },
      dynamoDb: {
        wruPerPatent: round(perPatent(wru), 2),
        rruPerPatent: round(perPatent(rru), 2),
        measuredWru: round(capacity.write, 1),
        measuredRru: round(capacity.read, 1),
        estimatedMailWru: mails * 2,
        calls: capacity.calls,
        byOperation: Object.fromEntries(commandsSeen),
      },
      mailsQueued: mails,
      costPerMillionPatentsUsd: {
        ...Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, round(v, 2)])),
        total: round(cost.stepFunctionsExpress + cost.lambda + cost.dynamoDb, 2),
        prices,
      },
    };
  } finally {
    await new Promise<void>((done) => {
      if (java.exitCode !== null) return done();
      java.once('exit', () => done());
      java.kill('SIGTERM');
      setTimeout(() => java.kill('SIGKILL'), 5000).unref();
    });
    rmSync(outbox, { recursive: true, force: true });
  }
}
