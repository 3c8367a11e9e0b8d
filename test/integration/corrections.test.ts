/**
 * Correction requests on the local cloud (issue 14, item 3b; Work Plan 三（四）加强监测评价: 随机抽查监督,
 * 通报反馈): a spot check of a 福建 (350000, no other test's province) institution, the province admin's
 * needs-correction opens a request with a deadline (and emails it), the institution answers, the
 * admin re-checks with ok and the request is closed, all with audit entries; an answer after the
 * deadline is refused (409); another institution gets 404. The checks are written as the sampling
 * job writes them (the sampling itself is monitoring.test.ts's).
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, tableName, token } from './helpers.ts';

const province = '350000';
const uscc = withUsccCheck('12350000CR0000001');
const other = withUsccCheck('12350000CR0000002');
const quarter = '2026Q1';

async function seedCheck(applicationNumber: string, extra: Record<string, unknown> = {}) {
  const id = `${quarter}.${province}.${uscc}.${applicationNumber}`;
  await clients().documents.send(
    new PutCommand({
      TableName: tableName('core'),
      Item: {
        pk: `SPOT#${quarter}#PROV#${province}`,
        sk: `CHECK#${uscc}#${applicationNumber}`,
        entity: 'spot-check',
        id,
        quarter,
        provinceCode: province,
        institutionUscc: uscc,
        applicationNumber,
        status: 'pending',
        assignedAt: '2026-01-01T01:30:00.000Z',
        version: 1,
        ...extra,
      },
    }),
  );
  return id;
}

describe('correction requests', () => {
  let admin: string;
  let institution: string;
  let otherInstitution: string;

  beforeAll(async () => {
    const national = await token('national-admin');
    for (const [code, name] of [
      [uscc, '福建更正测试大学'],
      [other, '福建另一大学'],
    ] as const) {
      const r = await api('/v1/institutions', {
        method: 'POST',
        token: national,
        body: {
          uscc: code,
          name,
          provinceCode: province,
          kind: 'university',
          contactEmail: 'kjc@fj.example.edu.cn',
          supervision: { department: 'local', provinceCode: province },
        },
      });
      expect([201, 409], r.text).toContain(r.status);
    }
    admin = await token('province-admin', { province });
    institution = await token('institution', { org: uscc });
    otherInstitution = await token('institution', { org: other });
  });

  it('needs-correction -> answered -> re-checked ok -> closed, with a deadline and audit entries', async () => {
    const id = await seedCheck('202010350001.1');
    const path = `/v1/monitoring/spot-checks/${encodeURIComponent(id)}`;
    const opened = await api(path, {
      method: 'PUT',
      token: admin,
      body: { verdict: 'needs-correction', comment: '许可备案日期缺失' },
    });
    expect(opened.status, opened.text).toBe(200);
    expect(opened.json.correction).toMatchObject({ status: 'open', round: 1 });
    expect(opened.json.correction.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(opened.json.mailId).toBeTruthy();

    expect(
      (await api(`${path}/correction`, { method: 'POST', token: otherInstitution, body: { answer: 'x' } }))
        .status,
    ).toBe(404);
    expect(
      (await api(`${path}/correction`, { method: 'POST', token: admin, body: { answer: 'x' } })).status,
    ).toBe(403);
    expect(
      (await api(`${path}/correction`, { method: 'POST', token: institution, body: { answer: ' ' } })).status,
    ).toBe(400);

    const answered = await api(`${path}/correction`, {
      method: 'POST',
      token: institution,
      body: { answer: '已补充许可备案日期并重新提交盘点' },
    });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.json.correction).toMatchObject({
      status: 'answered',
      answer: '已补充许可备案日期并重新提交盘点',
    });

    const closed = await api(path, { method: 'PUT', token: admin, body: { verdict: 'ok' } });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.json).toMatchObject({ status: 'ok', correction: { status: 'closed', round: 1 } });
    const again = await api(`${path}/correction`, {
      method: 'POST',
      token: institution,
      body: { answer: 'x' },
    });
    expect(again.status).toBe(409);

    const { Items = [] } = await clients().documents.send(
      new QueryCommand({
        TableName: tableName('core'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
        ExpressionAttributeValues: { ':pk': `SPOT#${quarter}#PROV#${province}`, ':a': 'AUDIT#' },
      }),
    );
    const actions = Items.filter((a) => JSON.stringify(a).includes(id)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['monitoring.spotCheckVerdict', 'monitoring.correctionAnswered']),
    );
  });

  it('an answer after the deadline is refused with 409 and changes nothing', async () => {
    const id = await seedCheck('202010350002.5', {
      status: 'needs-correction',
      comment: '请更正',
      correction: {
        status: 'open',
        requestedAt: '2026-01-02T02:00:00.000Z',
        dueDate: '2026-02-01',
        round: 1,
      },
    });
    const late = await api(`/v1/monitoring/spot-checks/${encodeURIComponent(id)}/correction`, {
      method: 'POST',
      token: institution,
      body: { answer: '已更正' },
    });
    expect(late.status, late.text).toBe(409);
    expect(late.json.error.message).toContain('2026-02-01');
    const list = await api(`/v1/monitoring/spot-checks?quarter=${quarter}&institution=${uscc}`, {
      token: admin,
    });
    const check = list.json.items.find((c: { id: string }) => c.id === id);
    expect(check).toMatchObject({ version: 1, correction: { status: 'open' } });
  });
});
