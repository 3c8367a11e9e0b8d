/**
 * Under injected faults (infra/local/faults.ts: 20 % of the functions' DynamoDB and S3 calls answered
 * with throttling, transaction conflicts (cancelled transactions, TransactionConflictException on
 * single-item writes), unprocessed batch items, 5xx server errors, S3 SlowDown, and lost answers: the
 * write applied, its answer replaced by a 500 or a reset connection, on the wire), nothing is
 * lost and nothing is duplicated: a 5,000-row upload, 50 concurrent conflicting edits of one patent, and
 * a pipeline run from approval to tiering, with the stored items counted exactly. A request may be
 * answered 503 "send again" (and is sent again, as a client does) or 409, never 500. The faults are
 * switched on for this file only (the integration files share one cloud) and asserted to have happened.
 * Province 340000, serials 7xxxxx: this file's own.
 */
import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionName } from '../../functions/pipeline/events.ts';
import { demoInventoryRows, templateHeaders, toCsv } from '../../infra/local/demo-patents.ts';
import type { FaultState } from '../../infra/local/faults.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, cloud, eventually, loggedRun, postUpload, tableName, token } from './helpers.ts';

const province = '340000';
const institution = withUsccCheck('12340000MB0000901');
/** The upload's own institution: its partition holds exactly the file's patents. */
const uploader = withUsccCheck('12340000MB0000902');
const enterprises = ['91340100MA0000901', '91340100MA0000902', '91340100MA0000903'].map(withUsccCheck);
const core = tableName('core');
const row = (cells: string[]) => Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]!]));

async function faults(method: 'GET' | 'POST' | 'DELETE', config?: object): Promise<FaultState> {
  const response = await fetch(`${cloud().controlUrl}/_local/faults`, {
    method,
    ...(config ? { body: JSON.stringify(config) } : {}),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as FaultState;
}

/** Every answer of the API under faults, by status: no 500 may be among them. */
const statuses = new Map<number, number>();
const failures: string[] = [];

/** A client that sends a request again when told to (503 BUSY_RETRY_LATER), as the API asks. */
async function send(path: string, options: Parameters<typeof api>[1] = {}, attempts = 10) {
  for (let attempt = 1; ; attempt++) {
    const response = await api(path, options);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500 && response.status !== 503)
      failures.push(`${options.method ?? 'GET'} ${path}: ${response.status} ${response.text}`);
    if (response.status !== 503 || attempt >= attempts) return response;
    expect(response.json.error.code).toBe('BUSY_RETRY_LATER');
    await new Promise((r) => setTimeout(r, 100 * attempt));
  }
}

async function queryAll(input: ConstructorParameters<typeof QueryCommand>[0]) {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await clients().documents.send(
      new QueryCommand({ ...input, ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}) }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

const partition = (number: string, prefix: string) =>
  queryAll({
    TableName: core,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': `PAT#${number}`, ':p': prefix },
    ConsistentRead: true,
  });

let staff: string;
let department: string;
let uploaderStaff: string;
/** The fault counters when the faults went off (in the upload test, before the metrics backlog drains). */
let finalCounts: FaultState['counts'] | undefined;

describe('20 % injected faults: nothing lost, nothing duplicated', () => {
  beforeAll(async () => {
    const national = await token('national-admin');
    const provinceAdmin = await token('province-admin', { province });
    for (const [uscc, name] of [
      [institution, '故障注入测试大学'],
      [uploader, '故障注入上传大学'],
    ]) {
      const registered = await api('/v1/institutions', {
        method: 'POST',
        token: national,
        body: { uscc, name, provinceCode: province, kind: 'university' },
      });
      expect(registered.status, registered.text).toBe(201);
    }
    for (const [i, uscc] of enterprises.entries()) {
      const created = await api('/v1/enterprises', {
        method: 'POST',
        token: await token('enterprise', { org: uscc }),
        body: {
          uscc,
          name: `故障注入医疗器械${i}有限公司`,
          provinceCode: province,
          types: ['high-tech'],
          // Fields no other file's evaluators have (matching is national): pipeline.test.ts counts the
          // pushes of its 3581 / A61B patents exactly.
          industryCodes: ['3582'],
          ipcInterests: ['A61C'],
          contact: { name: '李经理', email: `buyer${i}@faults.example.com` },
        },
      });
      expect(created.status, created.text).toBe(201);
      const verified = await api(`/v1/enterprises/${uscc}/verification`, {
        method: 'POST',
        token: provinceAdmin,
        body: { decision: 'verified' },
      });
      expect(verified.status, verified.text).toBe(200);
    }
    staff = await token('institution', { org: institution });
    uploaderStaff = await token('institution', { org: uploader });
    department = await token('institution', { org: institution, department: '材料学院' });
    const state = await faults('POST', { share: 0.2, seed: 2026, shares: { dynamodb: 0.2, s3: 0.35 } });
    expect(state).toMatchObject({ enabled: true, config: { share: 0.2, seed: 2026 } });
  });

  afterAll(async () => {
    // Whatever happened above: the other files share this cloud.
    await faults('DELETE');
  });

  it('50 concurrent edits of one patent: each answered 200, 409 or 503; the item is the last success, one version and one audit entry per success', async () => {
    const cells = demoInventoryRows(1, { seed: 91, serialBase: 705_000 })[0]!;
    cells[templateHeaders.indexOf('所属院系')] = '材料学院';
    const number = cells[0]!;
    const createdPatent = await send('/v1/patents', { method: 'POST', token: staff, body: row(cells) });
    expect(createdPatent.status, createdPatent.text).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api(`/v1/patents/${number}/self-assessment`, {
          method: 'PUT',
          token: department,
          body: { applicationScenarios: `场景 ${i}`, trl: 1 + (i % 9) },
        }).then((r) => ({ i, ...r })),
      ),
    );
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    const unexpected = answers.filter((a) => ![200, 409, 503].includes(a.status));
    expect(unexpected.map((a) => `${a.status} ${a.text}`)).toEqual([]);
    for (const a of answers.filter((x) => x.status !== 200))
      expect(a.json.error.code).toBe(a.status === 409 ? 'CONFLICT' : 'BUSY_RETRY_LATER');
    const successes = answers.filter((a) => a.status === 200);
    expect(successes.length).toBeGreaterThan(0);
    // Each success made its own version: 2, 3, ... with no gap and no repeat.
    const versions = successes.map((a) => a.json.version as number).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: successes.length }, (_, k) => k + 2));
    const last = successes.find((a) => a.json.version === versions.at(-1))!;
    const [item] = await partition(number, 'PATENT');
    expect(item).toMatchObject({
      version: 1 + successes.length,
      applicationScenarios: `场景 ${last.i}`,
      trl: 1 + (last.i % 9),
    });
    const audits = (await partition(number, 'AUDIT#')).filter(
      (a) => a.action === 'patent.self-assessment-edited',
    );
    expect(audits).toHaveLength(successes.length);
    const scenarios = audits.map(
      (a) => (a.changes as { applicationScenarios: { before: string; after: string } }).applicationScenarios,
    );
    expect(scenarios.map((c) => c.after).sort()).toEqual(successes.map((a) => `场景 ${a.i}`).sort());
    // Each entry's before is the value the previous success left (the version it was conditioned on).
    const afters = new Set(scenarios.map((c) => c.after));
    expect(scenarios.filter((c) => !afters.has(c.before))).toHaveLength(1);
  }, 120_000);

  it('a pipeline run (submit, approve, match, evaluate, tier) ends tiered with one event and one audit entry per transition', async () => {
    let cells = demoInventoryRows(1, { seed: 92, serialBase: 706_000 })[0]!;
    for (let seed = 93; cells[0]![4] !== '1'; seed++)
      cells = demoInventoryRows(1, { seed, serialBase: 706_000 })[0]!;
    const values: Record<string, string> = {
      国民经济行业分类: '3582',
      'IPC/洛迦诺分类': 'A61C 8/00',
      转化意愿: '许可',
      专利类型: '发明',
      所属院系: '材料学院',
    };
    for (const [header, value] of Object.entries(values)) cells[templateHeaders.indexOf(header)] = value;
    const created = await send('/v1/patents', { method: 'POST', token: staff, body: row(cells) });
    expect(created.status, created.text).toBe(201);
    const number = created.json.applicationNumber as string;
    const submitted = await send(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: department,
      body: { action: 'submit' },
    });
    expect(submitted.status, submitted.text).toBe(200);
    const approved = await send(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: staff,
      body: { action: 'approve' },
    });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ lifecycle: 'conversion-pool' });

    const { stateMachines = [] } = await clients().sfn.send(new ListStateMachinesCommand({}));
    const machineArn = stateMachines.find((m) => m.name?.endsWith('-patent-pipeline'))!.stateMachineArn!;
    const event = async (type: string) =>
      eventually(
        async () => (await partition(number, 'EVENT#')).find((e) => e.type === type),
        60_000,
        `the ${type} event`,
      );
    const inventoried = await event('inventoried');
    const matched = await loggedRun(
      machineArn,
      {
        name: executionName({
          applicationNumber: number,
          version: inventoried.version as number,
          type: 'inventoried',
        }),
      },
      60_000,
    );
    expect(matched.status, matched.cause).toBe('SUCCEEDED');
    await event('matched');
    const requests = await partition(number, 'REQ#');
    // Enterprises registered by other files of the shared cloud may match this patent too.
    expect(requests.map((r) => r.evaluatorId)).toEqual(expect.arrayContaining([...enterprises]));

    for (const uscc of enterprises) {
      const put = await send(`/v1/patents/${number}/evaluations/mine`, {
        method: 'PUT',
        token: await token('enterprise', { org: uscc }),
        body: {
          industrializationProspect: 5,
          maturityTrl: 7,
          improvementNeeds: { categories: ['pilot-scale-up'] },
          cooperationIntents: ['license'],
          reasonCodes: [],
          consentToShareIdentity: false,
        },
      });
      expect(put.status, put.text).toBe(201);
    }
    const closed = await event('evaluationClosed');
    const tiering = await loggedRun(
      machineArn,
      {
        name: executionName({
          applicationNumber: number,
          version: closed.version as number,
          type: 'evaluationClosed',
        }),
      },
      60_000,
    );
    expect(tiering.status, tiering.cause).toBe('SUCCEEDED');
    await event('tiered');

    const [patent] = await partition(number, 'PATENT');
    expect(['high-value', 'key-industry-pool', 'listed']).toContain(patent!.lifecycle);
    const transitions = ['inventoried', 'matched', 'evaluationClosed', 'tiered'];
    expect((await partition(number, 'EVENT#')).map((e) => e.type)).toEqual(transitions);
    const lifecycleAudits = (await partition(number, 'AUDIT#'))
      .map((a) => a.action as string)
      .filter((action) => action.startsWith('lifecycle.'));
    expect(lifecycleAudits.sort()).toEqual(transitions.map((t) => `lifecycle.${t}`).sort());
    expect(patent!.version).toBe(1 + 1 + transitions.length); // submit, then one version per transition
    expect(await partition(number, 'EVAL#')).toHaveLength(3);
  }, 180_000);

  it('a 5,000-row upload: the job succeeds with exact counts, exactly 5,000 patents, counted once', async () => {
    const rows = demoInventoryRows(5000, { seed: 90, serialBase: 700_000 });
    // Two bad rows besides: the error report (an S3 PutObject of the function) is written under faults too.
    const bad = demoInventoryRows(2, { seed: 94, serialBase: 705_500 });
    bad[0]![templateHeaders.indexOf('申请日')] = '2020-02-30';
    bad[1]![templateHeaders.indexOf('技术成熟度')] = '12';
    const body = Buffer.from(toCsv([...rows.slice(0, 2500), bad[0]!, ...rows.slice(2500), bad[1]!]));
    const created = await send('/v1/uploads', {
      method: 'POST',
      token: uploaderStaff,
      body: { fileName: '故障注入.csv', sizeBytes: body.length },
    });
    expect(created.status, created.text).toBe(201);
    const jobId = created.json.jobId as string;
    const posted = await postUpload(created.json, body);
    expect(posted.status, posted.text).toBe(204);
    let last: unknown;
    const job = await eventually(
      async () => {
        const { status, json } = await send(`/v1/jobs/${jobId}`, { token: uploaderStaff });
        last = json;
        return status === 200 && ['succeeded', 'failed'].includes(json.status) ? json : undefined;
      },
      200_000,
      `job ${jobId}`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the job: ${JSON.stringify(last)}`);
    });
    expect(job).toMatchObject({
      status: 'succeeded',
      rowsTotal: 5002,
      rowsAccepted: 5000,
      rowsRejected: 2,
      rowsUnchanged: 0,
      progress: 1,
    });
    const report = parse(Buffer.from(await (await fetch(job.errorReportUrl)).arrayBuffer()), {
      columns: true,
      bom: true,
    }) as Array<Record<string, string>>;
    expect(report.filter((l) => l['级别 level'] === '错误 error').map((l) => l['列 column'])).toEqual([
      '申请日',
      '技术成熟度',
    ]);
    const stored = await queryAll({
      TableName: core,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `INST#${uploader}#PAT` },
    });
    expect(stored).toHaveLength(5000);
    expect(new Set(stored.map((p) => p.pk)).size).toBe(5000);
    expect(new Set(stored.map((p) => p.applicationNumber))).toEqual(new Set(rows.map((r) => r[0])));
    expect(stored.every((p) => p.version === 1 && p.sourceJobId === jobId)).toBe(true);
    // The metrics consumer counts each patent once, whatever the faults did to its writes and to its
    // own calls (a record that failed under faults is delivered again). It reads the stream one record
    // after the other, which under faults takes far longer than this file may: the faults go off now,
    // and the rest of the backlog is counted without them, so the files after this one find it drained.
    finalCounts = (await faults('DELETE')).counts;
    let recorded: unknown;
    const counted = await eventually(
      async () => {
        const { Item } = await clients().documents.send(
          new GetCommand({
            TableName: tableName('metrics'),
            Key: { pk: `NOW#PROV#${province}`, sk: `INST#${uploader}` },
            ConsistentRead: true,
          }),
        );
        recorded = Item?.['g.recorded'];
        return recorded === 5000 ? Item : undefined;
      },
      240_000,
      'the 5,000 patents counted by the metrics consumer',
    ).catch((error: Error) => {
      throw new Error(`${error.message}: g.recorded is ${recorded}`);
    });
    expect(counted['g.recorded']).toBe(5000);
    // ... and the other institution's two patents (the edited one and the one through the pipeline) once each.
    const { Item: other } = await clients().documents.send(
      new GetCommand({
        TableName: tableName('metrics'),
        Key: { pk: `NOW#PROV#${province}`, sk: `INST#${institution}` },
        ConsistentRead: true,
      }),
    );
    expect(other).toMatchObject({ 'g.recorded': 2, 'g.inventoried': 1 });
  }, 480_000);

  it('faults were injected (a run without faults proves nothing), and no request was answered 500', async () => {
    const counts = finalCounts ?? (await faults('GET')).counts;
    expect(counts.injected).toBeGreaterThan(100);
    expect(counts.injected / counts.eligible).toBeGreaterThan(0.15);
    expect(counts.injected / counts.eligible).toBeLessThan(0.25);
    // Lost answers land on the transactions here (patents, audit entries, metrics: ~30 a run), each
    // re-sent by the SDK with its ClientRequestToken. This file's paths make few single-item writes (the
    // job's progress, ~10), so a TransactionConflictException on one is not certain in a run: that kind
    // is held by test/unit/faults.test.ts and test/unit/dynamo-item-conflicts.test.ts.
    for (const kind of ['throttle', 'conflict', 'unprocessed', 'server', 'lost'])
      expect(counts.byKind[kind], kind).toBeGreaterThan(0);
    expect(counts.byOperation['dynamodb:TransactWriteItems:lost']).toBeGreaterThan(0);
    // S3 has its own PRNG stream: with this seed its second and third calls are faulted.
    expect(
      Object.keys(counts.byOperation).filter((k) => k.startsWith('s3:')),
      JSON.stringify(counts),
    ).not.toEqual([]);
    expect(failures).toEqual([]);
    console.info(
      `faults: ${counts.injected} of ${counts.eligible} calls (${JSON.stringify(counts.byKind)}); API answers ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
  });
});
