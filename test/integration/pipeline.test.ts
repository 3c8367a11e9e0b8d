/**
 * The patent pipeline on the local cloud: every path of workflows/patent-pipeline.asl.json executed and
 * its event history asserted (MatchAndPush, NothingToDo, TierPatent, NotifyTransition, the recorded
 * failure), replays that change nothing, concurrent transitions, the illegal transition, the admins'
 * failure list and retry, and the patent history. Province 650000, serials 97xx: this file's own.
 * The pipeline is an Express workflow: as in AWS, its executions and histories are read from its
 * CloudWatch Logs log group (level ALL, with execution data), never from ListExecutions,
 * DescribeExecution or GetExecutionHistory, which refuse Express executions.
 */
import { ListStateMachinesCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { executionName } from '../../functions/pipeline/events.ts';
import { cancellationCause, transitionWrites } from '../../functions/pipeline/transitions.ts';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, type LoggedEvent, loggedRun, tableName, token } from './helpers.ts';

const province = '650000';
const institution = withUsccCheck('12650000MB0000701');
const enterprises = ['91650100MA0000701', '91650100MA0000702', '91650100MA0000703'].map(withUsccCheck);
const row = (cells: string[]) => Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]!]));
const core = tableName('core');
let serial = 9700;

let staff: string;
let department: string;
let provinceAdmin: string;
let otherAdmin: string;
let national: string;
let machineArn: string;

/** A patent of the institution, recorded and submitted (not approved yet). */
async function submittedPatent(cells: Record<string, string> = {}): Promise<string> {
  // An invention patent (type digit 1 of the application number), so that IPC codes apply.
  let row0 = demoInventoryRows(1, { seed: serial, serialBase: serial })[0]!;
  for (let seed = serial + 1; row0[0]![4] !== '1'; seed++)
    row0 = demoInventoryRows(1, { seed, serialBase: serial })[0]!;
  serial++;
  const values: Record<string, string> = {
    // Fields no other test file's evaluators have: the matches are this file's own.
    国民经济行业分类: '3581',
    'IPC/洛迦诺分类': 'A61B 5/02',
    转化意愿: '许可',
    专利类型: '发明',
    // The department user below (材料学院) acts on its own department's patents only.
    所属院系: '材料学院',
    ...cells,
  };
  for (const [header, value] of Object.entries(values)) row0[templateHeaders.indexOf(header)] = value;
  const created = await api('/v1/patents', { method: 'POST', token: staff, body: row(row0) });
  expect(created.status, created.text).toBe(201);
  const number = created.json.applicationNumber as string;
  const submitted = await api(`/v1/patents/${number}/review`, {
    method: 'POST',
    token: department,
    body: { action: 'submit' },
  });
  expect(submitted.status, submitted.text).toBe(200);
  return number;
}

const approve = (number: string) =>
  api(`/v1/patents/${number}/review`, { method: 'POST', token: staff, body: { action: 'approve' } });

async function patentItem(number: string) {
  const { Item } = await clients().documents.send(
    new GetCommand({ TableName: core, Key: { pk: `PAT#${number}`, sk: 'PATENT' }, ConsistentRead: true }),
  );
  return Item!;
}

async function partition(number: string, prefix: string) {
  const { Items = [] } = await clients().documents.send(
    new QueryCommand({
      TableName: core,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': `PAT#${number}`, ':p': prefix },
      ConsistentRead: true,
    }),
  );
  return Items;
}

/** The finished execution named `name` (the one started by the stream), with its logged history. */
const finishedExecution = (name: string, timeoutMs = 30_000) => loggedRun(machineArn, { name }, timeoutMs);
const finished = (executionArn: string, timeoutMs = 30_000) =>
  loggedRun(machineArn, { executionArn }, timeoutMs);

const entered = (events: LoggedEvent[]) =>
  events.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.details.name);
const taskOutput = (events: LoggedEvent[], state: string) => {
  const exited = events.find((e) => e.type === 'TaskStateExited' && e.details.name === state);
  expect(exited?.details.outputDetails).toEqual({ truncated: false });
  return JSON.parse(exited!.details.output).result.output;
};

async function inventoriedName(number: string) {
  const event = (await partition(number, 'EVENT#')).find((e) => e.type === 'inventoried')!;
  return executionName({ applicationNumber: number, version: event.version, type: 'inventoried' });
}

describe('the patent pipeline', () => {
  beforeAll(async () => {
    national = await token('national-admin');
    provinceAdmin = await token('province-admin', { province });
    otherAdmin = await token('province-admin', { province: '110000' });
    staff = await token('institution', { org: institution });
    department = await token('institution', { org: institution, department: '材料学院' });
    const registered = await api('/v1/institutions', {
      method: 'POST',
      token: national,
      body: {
        uscc: institution,
        name: '流水线测试大学',
        provinceCode: province,
        kind: 'university',
        contactEmail: 'tech-transfer@pipeline.example.edu.cn',
      },
    });
    expect(registered.status, registered.text).toBe(201);
    for (const [i, uscc] of enterprises.entries()) {
      const created = await api('/v1/enterprises', {
        method: 'POST',
        token: await token('enterprise', { org: uscc }),
        body: {
          uscc,
          name: `流水线医疗器械${i}有限公司`,
          provinceCode: province,
          types: ['high-tech'],
          industryCodes: ['358'],
          ipcInterests: ['A61B'],
          contact: { name: '张经理', email: `buyer${i}@pipeline.example.com` },
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
    const { stateMachines = [] } = await clients().sfn.send(new ListStateMachinesCommand({}));
    machineArn = stateMachines.find((m) => m.name?.endsWith('-patent-pipeline'))!.stateMachineArn!;
    expect(machineArn).toBeDefined();
  });

  let evaluatedPatent: string;

  it('inventoried into the conversion pool -> MatchAndPush -> matched, run by the execution; a replay changes nothing', async () => {
    const number = await submittedPatent();
    const approved = await approve(number);
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ lifecycle: 'conversion-pool', poolStatus: 'conversion' });

    const execution = await finishedExecution(await inventoriedName(number));
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    const { events } = execution;
    expect(entered(events)).toEqual(['Route', 'MatchAndPush', 'Done']);
    expect(events.at(-1)!.type).toBe('ExecutionSucceeded');
    const matched = taskOutput(events, 'MatchAndPush');
    expect(matched).toMatchObject({ windowOpened: true, exists: 0 });
    expect(matched.pushed).toBe(3);

    const patent = await patentItem(number);
    expect(patent).toMatchObject({ lifecycle: 'under-evaluation', evaluationStatus: 'open', version: 4 });
    const requests = await partition(number, 'REQ#');
    expect(requests).toHaveLength(matched.pushed);
    expect(requests.map((r) => r.evaluatorId)).toEqual(expect.arrayContaining(enterprises));

    const history = await api(`/v1/patents/${number}/history`, { token: staff });
    expect(history.status, history.text).toBe(200);
    expect(history.json.items).toEqual([
      expect.objectContaining({
        event: 'inventoried',
        from: 'registered',
        to: 'conversion-pool',
        version: 3,
      }),
      expect.objectContaining({
        event: 'matched',
        from: 'conversion-pool',
        to: 'under-evaluation',
        version: 4,
        actor: 'system:pipeline',
        executionArn: execution.executionArn,
      }),
    ]);
    // Approval happened in the API; the execution it started is shown beside it.
    expect(history.json.items[0].executionArn).toBeUndefined();
    expect(history.json.items[0].startedExecutionArn).toBe(execution.executionArn);
    const firstPage = await api(`/v1/patents/${number}/history?limit=1`, { token: provinceAdmin });
    expect(firstPage.json.items).toEqual([expect.objectContaining({ event: 'inventoried' })]);
    const secondPage = await api(
      `/v1/patents/${number}/history?limit=1&cursor=${firstPage.json.nextCursor}`,
      { token: provinceAdmin },
    );
    expect(secondPage.json.items).toEqual([expect.objectContaining({ event: 'matched' })]);
    for (const outsider of [otherAdmin, await token('enterprise', { org: enterprises[0]! })])
      expect((await api(`/v1/patents/${number}/history`, { token: outsider })).status).toBe(404);

    // The same event again (e.g. a redelivered stream record): the execution runs, nothing changes.
    const { executionArn: replayArn } = await clients().sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        name: `${execution.name}-replay`,
        input: execution.input,
      }),
    );
    const replay = await finished(replayArn!);
    expect(replay.status).toBe('SUCCEEDED');
    expect(replay.input).toBe(execution.input);
    expect(taskOutput(replay.events, 'MatchAndPush')).toMatchObject({
      pushed: 0,
      exists: matched.pushed,
      windowOpened: false,
    });
    expect(await patentItem(number)).toMatchObject({ version: 4, lifecycle: 'under-evaluation' });
    expect(await partition(number, 'REQ#')).toHaveLength(matched.pushed);
    expect((await partition(number, 'EVENT#')).map((e) => e.type)).toEqual(['inventoried', 'matched']);
    evaluatedPatent = number;
  });

  it('evaluationClosed (quorum) -> TierPatent -> tiered; institutions see transitions, never evaluators', async () => {
    const number = evaluatedPatent;
    for (const [i, uscc] of enterprises.entries()) {
      const put = await api(`/v1/patents/${number}/evaluations/mine`, {
        method: 'PUT',
        token: await token('enterprise', { org: uscc }),
        body: {
          industrializationProspect: 5,
          maturityTrl: 7,
          improvementNeeds: { categories: ['pilot-scale-up'] },
          cooperationIntents: ['license', 'assignment'],
          reasonCodes: [],
          consentToShareIdentity: i === 0,
        },
      });
      expect(put.status, put.text).toBe(201);
    }
    const closed = (await partition(number, 'EVENT#')).find((e) => e.type === 'evaluationClosed');
    expect(closed).toMatchObject({
      from: 'under-evaluation',
      to: 'evaluated',
      details: { reason: 'quorum' },
    });
    const execution = await finishedExecution(
      executionName({ applicationNumber: number, version: closed!.version, type: 'evaluationClosed' }),
    );
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    const { events } = execution;
    expect(entered(events)).toEqual(['Route', 'TierPatent', 'Done']);
    const patent = await patentItem(number);
    expect(['high-value', 'key-industry-pool', 'listed']).toContain(patent.lifecycle);
    expect(patent.tier).toBeDefined();

    const history = await api(`/v1/patents/${number}/history`, { token: staff });
    expect(history.json.items.map((e: { event: string }) => e.event)).toEqual([
      'inventoried',
      'matched',
      'evaluationClosed',
      'tiered',
    ]);
    expect(history.json.items[2]).toMatchObject({ actor: 'system:evaluation-window' });
    expect(history.json.items[3]).toMatchObject({ from: 'evaluated', executionArn: execution.executionArn });
    for (const uscc of enterprises) expect(history.text).not.toContain(uscc);
  });

  it('inventoried into the base pool -> NothingToDo', async () => {
    const number = await submittedPatent({ 转化意愿: '暂无' });
    const approved = await approve(number);
    expect(approved.json).toMatchObject({ lifecycle: 'base-pool', poolStatus: 'base' });
    const execution = await finishedExecution(await inventoriedName(number));
    expect(execution.status).toBe('SUCCEEDED');
    expect(entered(execution.events)).toEqual(['Route', 'NothingToDo']);
    expect(await patentItem(number)).toMatchObject({ lifecycle: 'base-pool', version: 3 });
  });

  it('dealRecorded -> NotifyTransition: the institution is emailed once, also when the event comes twice', async () => {
    const number = await submittedPatent({ 转化意愿: '暂无' });
    await approve(number);
    // Stands in for the deal recording: the same transition items every writer uses.
    const patent = await patentItem(number);
    const eventId = `dealRecorded:test-deal-${number}`;
    await clients().documents.send(
      new TransactWriteCommand({
        TransactItems: transitionWrites(
          core,
          patent as never,
          {
            event: 'dealRecorded',
            context: { dealKind: 'license' },
            eventId,
            actor: { sub: 'institution-user', roles: ['institution'] },
            details: { dealId: `test-deal-${number}` },
          },
          new Date().toISOString(),
        ),
      }),
    );
    const execution = await finishedExecution(
      executionName({ applicationNumber: number, version: patent.version + 1, type: 'dealRecorded' }),
    );
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    const { events } = execution;
    expect(entered(events)).toEqual(['Route', 'NotifyTransition', 'Done']);
    expect(taskOutput(events, 'NotifyTransition')).toMatchObject({ outcome: 'queued' });
    const { Item: mail } = await clients().documents.send(
      new GetCommand({ TableName: core, Key: { pk: `MAIL#pipeline-${eventId}`, sk: 'MAIL' } }),
    );
    expect(mail).toMatchObject({ to: ['tech-transfer@pipeline.example.edu.cn'] });
    expect(mail!.subject).toContain(number);

    const { executionArn } = await clients().sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        name: `${execution.name}-again`,
        input: execution.input,
      }),
    );
    const again = await finished(executionArn!);
    expect(again.status).toBe('SUCCEEDED');
    expect(taskOutput(again.events, 'NotifyTransition')).toMatchObject({
      outcome: 'already-queued',
    });
    expect(await patentItem(number)).toMatchObject({ lifecycle: 'licensed', version: patent.version + 1 });
  });

  it('a task failing three times ends in the recorded failure state, the patent stays consistent, and an admin retry (once) completes it', async () => {
    const number = await submittedPatent();
    // Data the matching cannot read: every attempt of MatchAndPush throws.
    await clients().documents.send(
      new UpdateCommand({
        TableName: core,
        Key: { pk: `PAT#${number}`, sk: 'PATENT' },
        UpdateExpression: 'SET strategicIndustries = :broken',
        ExpressionAttributeValues: { ':broken': 5 },
      }),
    );
    // The approval is committed; its answer, the patent parsed by its response schema, cannot be
    // rendered from the corrupt item: a 500 with a request id, never the corrupt data.
    const approved = await approve(number);
    expect(approved.status, approved.text).toBe(500);
    expect(approved.json.error.code).toBe('INTERNAL');
    expect(await patentItem(number)).toMatchObject({ reviewStatus: 'approved' });
    const name = await inventoriedName(number);
    const execution = await finishedExecution(name, 40_000);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('PipelineStageFailed');
    const { events } = execution;
    expect(entered(events)).toEqual(['Route', 'MatchAndPush', 'RecordFailure', 'PipelineFailed']);
    expect(events.filter((e) => e.type === 'TaskFailed')).toHaveLength(4);
    expect(events.filter((e) => e.type === 'StateRetried')).toHaveLength(3);
    expect(events.at(-1)!.type).toBe('ExecutionFailed');

    // Consistent: approved and in the conversion pool, no window, no request, no matched event.
    expect(await patentItem(number)).toMatchObject({ lifecycle: 'conversion-pool', version: 3 });
    expect((await patentItem(number)).evaluationStatus).toBeUndefined();
    expect(await partition(number, 'REQ#')).toEqual([]);

    const eventId = `inventoried:${number}`;
    const listed = await api('/v1/pipeline/failures', { token: provinceAdmin });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.items).toContainEqual(
      expect.objectContaining({
        eventId,
        applicationNumber: number,
        stage: 'MatchAndPush',
        status: 'failed',
        error: 'TypeError',
        failures: 1,
        executionArn: execution.executionArn,
      }),
    );
    const nationalList = await api(`/v1/pipeline/failures?province=${province}`, { token: national });
    expect(nationalList.json.items.map((f: { eventId: string }) => f.eventId)).toContain(eventId);
    const elsewhere = await api('/v1/pipeline/failures', { token: otherAdmin });
    expect(elsewhere.json.items.map((f: { eventId: string }) => f.eventId)).not.toContain(eventId);
    expect((await api('/v1/pipeline/failures', { token: staff })).status).toBe(403);
    expect(
      (await api(`/v1/pipeline/failures/${eventId}/retry`, { method: 'POST', token: otherAdmin })).status,
    ).toBe(404);

    // The data is repaired; the admin retries; a second retry starts nothing new.
    await clients().documents.send(
      new UpdateCommand({
        TableName: core,
        Key: { pk: `PAT#${number}`, sk: 'PATENT' },
        UpdateExpression: 'SET strategicIndustries = :none',
        ExpressionAttributeValues: { ':none': [] },
      }),
    );
    const retried = await api(`/v1/pipeline/failures/${eventId}/retry`, {
      method: 'POST',
      token: provinceAdmin,
    });
    expect(retried.status, retried.text).toBe(202);
    expect(retried.json).toMatchObject({ eventId, alreadyRetried: false });
    const again = await api(`/v1/pipeline/failures/${eventId}/retry`, {
      method: 'POST',
      token: provinceAdmin,
    });
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ eventId, executionArn: retried.json.executionArn, alreadyRetried: true });
    const rerun = await finished(retried.json.executionArn);
    expect(rerun.status, rerun.cause).toBe('SUCCEEDED');
    expect(entered(rerun.events)).toEqual(['Route', 'MatchAndPush', 'Done']);
    expect(await patentItem(number)).toMatchObject({ lifecycle: 'under-evaluation', version: 4 });
    const after = await api('/v1/pipeline/failures', { token: provinceAdmin });
    expect(after.json.items.map((f: { eventId: string }) => f.eventId)).not.toContain(eventId);
  });

  it('two concurrent transitions: exactly one wins (API approvals, and two events on the same version)', async () => {
    const number = await submittedPatent({ 转化意愿: '暂无' });
    const statuses = (await Promise.all([approve(number), approve(number)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    expect((await partition(number, 'EVENT#')).map((e) => e.type)).toEqual(['inventoried']);

    const patent = await patentItem(number);
    const write = (event: 'withdrawn' | 'openLicenseDeclared') =>
      clients().documents.send(
        new TransactWriteCommand({
          TransactItems: transitionWrites(
            core,
            patent as never,
            { event, eventId: `${event}:race:${number}`, actor: { sub: 'racer', roles: ['institution'] } },
            new Date().toISOString(),
          ),
        }),
      );
    const results = await Promise.allSettled([write('withdrawn'), write('openLicenseDeclared')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(cancellationCause(lost.reason, [3], [0])).toBe('conflict');
    const after = await patentItem(number);
    expect(after.version).toBe(patent.version + 1);
    expect(['withdrawn', 'open-license']).toContain(after.lifecycle);
    expect(await partition(number, 'EVENT#')).toHaveLength(2);
  });

  it('an illegal transition is a 409 naming the current state and the allowed ones; nothing changes', async () => {
    const number = await submittedPatent();
    const patent = await patentItem(number);
    await clients().documents.send(
      new TransactWriteCommand({
        TransactItems: transitionWrites(
          core,
          patent as never,
          {
            event: 'withdrawn',
            eventId: `withdrawn:${number}`,
            actor: { sub: 'staff', roles: ['institution'] },
          },
          new Date().toISOString(),
        ),
      }),
    );
    const refused = await approve(number);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: { current: 'withdrawn', event: 'inventoried', allowed: [] },
    });
    expect(await patentItem(number)).toMatchObject({ lifecycle: 'withdrawn', reviewStatus: 'submitted' });

    // From a live state the refusal lists the events allowed there.
    const listed = await patentItem(evaluatedPatent);
    expect(() =>
      transitionWrites(
        core,
        listed as never,
        { event: 'inventoried', eventId: 'x', actor: { sub: 's', roles: [] } },
        new Date().toISOString(),
      ),
    ).toThrow(
      expect.objectContaining({
        statusCode: 409,
        details: expect.objectContaining({ event: 'inventoried' }),
      }),
    );
  });
});
