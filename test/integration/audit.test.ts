/**
 * Audit entries on the real DynamoDB (Local), through the API: a patent created by POST /v1/patents,
 * updated by a second POST, edited (self-assessment), submitted and approved. The patent's partition
 * holds exactly one `created` entry with the created values, and for each update an entry with before
 * and after of exactly the fields it changed, before being the value the update replaced. The history
 * route names organizations and roles, never the Cognito sub.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, tableName, token } from './helpers.ts';

const uscc = withUsccCheck('12340000MB0000971');
const row = (cells: string[]) => Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]!]));
const column = (zh: string) => templateHeaders.indexOf(zh);
const subOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

async function auditEntries(applicationNumber: string) {
  const { Items = [] } = await clients().documents.send(
    new QueryCommand({
      TableName: tableName('core'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': `PAT#${applicationNumber}`, ':audit': 'AUDIT#' },
      ConsistentRead: true,
    }),
  );
  return Items;
}

describe('audit entries of a patent (created, updated, transition)', () => {
  let staff: string;
  let department: string;
  beforeAll(async () => {
    const r = await api('/v1/institutions', {
      method: 'POST',
      token: await token('national-admin'),
      body: { uscc, name: '审计测试大学', provinceCode: '340000', kind: 'university' },
    });
    expect(r.status, r.text).toBe(201);
    staff = await token('institution', { org: uscc });
    department = await token('institution', { org: uscc, department: '材料学院' });
  });

  it('one created entry with the created values; each update with before / after of the fields it changed, in the partition of the patent', async () => {
    const cells = demoInventoryRows(1, { seed: 97, serialBase: 9700 })[0]!;
    cells[column('所属院系')] = '材料学院';
    cells[column('转化意愿')] = '许可';
    const number = cells[0]!;
    const title = cells[column('专利名称')]!;
    const trl = Number(cells[column('技术成熟度')]);
    const created = await api('/v1/patents', { method: 'POST', token: staff, body: row(cells) });
    expect(created.status, created.text).toBe(201);

    cells[column('专利名称')] = `${title}（修订）`;
    const updated = await api('/v1/patents', { method: 'POST', token: staff, body: row(cells) });
    expect(updated.json, updated.text).toMatchObject({ outcome: 'updated' });
    const edited = await api(`/v1/patents/${number}/self-assessment`, {
      method: 'PUT',
      token: department,
      body: { trl: trl === 7 ? 8 : 7, expectedVersion: 2 },
    });
    expect(edited.status, edited.text).toBe(200);
    const submitted = await api(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: department,
      body: { action: 'submit' },
    });
    expect(submitted.status, submitted.text).toBe(200);
    const approved = await api(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: staff,
      body: { action: 'approve' },
    });
    expect(approved.status, approved.text).toBe(200);

    const entries = await auditEntries(number);
    const byAction = (action: string) => entries.filter((e) => e.action === action);

    // Created: exactly one, with the values created, who (account, role, organization) and when.
    const creations = entries.filter((e) => e.kind === 'created');
    expect(creations).toHaveLength(1);
    expect(creations[0]).toMatchObject({
      action: 'patent.registered',
      actor: subOf(staff),
      actorRoles: ['institution'],
      actorOrg: uscc,
      version: 1,
      after: expect.objectContaining({
        applicationNumber: number,
        title,
        trl,
        reviewStatus: 'draft',
        lifecycle: 'registered',
        institutionUscc: uscc,
      }),
    });
    expect(creations[0]!.after).not.toHaveProperty('gsi1pk');
    expect(Date.parse(creations[0]!.at)).not.toBeNaN();

    // The re-upload: only the title changed.
    expect(byAction('patent.updated-from-inventory')).toEqual([
      expect.objectContaining({
        kind: 'updated',
        version: 2,
        changes: { title: { before: title, after: `${title}（修订）` } },
      }),
    ]);
    expect(byAction('patent.self-assessment-edited')).toEqual([
      expect.objectContaining({
        kind: 'updated',
        version: 3,
        changes: { trl: { before: trl, after: trl === 7 ? 8 : 7 } },
      }),
    ]);
    expect(byAction('patent.review.submit')).toEqual([
      expect.objectContaining({
        kind: 'updated',
        version: 4,
        changes: { reviewStatus: { before: 'draft', after: 'submitted' } },
      }),
    ]);
    // The approval is the inventoried transition: lifecycle and review fields, before / after.
    const [inventoried] = byAction('lifecycle.inventoried');
    expect(inventoried).toMatchObject({
      kind: 'transition',
      version: 5,
      actorOrg: uscc,
      context: { event: 'inventoried', eventId: `inventoried:${number}` },
      changes: {
        lifecycle: { before: 'registered', after: 'conversion-pool' },
        reviewStatus: { before: 'submitted', after: 'approved' },
        poolStatus: { before: 'base', after: 'conversion' },
        inventoriedAt: { after: expect.any(String) },
      },
    });

    // The history: before / after, organization and role; never a Cognito sub, never a storage attribute.
    const history = await api(`/v1/patents/${number}/history`, { token: staff });
    expect(history.status, history.text).toBe(200);
    expect(history.json.items[0]).toMatchObject({
      event: 'inventoried',
      actor: `${uscc}（高校/科研机构 institution）`,
      actorRole: 'institution',
      actorOrganization: uscc,
      changes: { reviewStatus: { before: 'submitted', after: 'approved' } },
    });
    expect(history.text).not.toContain(subOf(staff));
    expect(history.text).not.toMatch(/"(pk|sk|entity|gsi\dpk|gsi\dsk)"/);

    // The patent itself names who created and last changed it the same way: the account ids stay in
    // the audit entries, which only the audit trail reads. The approval's answer is the patent as the
    // approver left it; a later read may already show the pipeline's own next step (MatchAndPush).
    expect(approved.json).toMatchObject({
      createdBy: `${uscc}（高校/科研机构 institution）`,
      updatedBy: `${uscc}（高校/科研机构 institution）`,
      version: 5,
    });
    const patent = await api(`/v1/patents/${number}`, { token: staff });
    expect(patent.status, patent.text).toBe(200);
    expect(patent.json.createdBy).toBe(`${uscc}（高校/科研机构 institution）`);
    expect([`${uscc}（高校/科研机构 institution）`, 'system:pipeline']).toContain(patent.json.updatedBy);
    expect(approved.text + patent.text).not.toContain(subOf(staff));
    expect(patent.text).not.toContain(subOf(department));
  });

  it('an institution registered by an admin names the admin by province and role, not by account', async () => {
    const admin = await token('province-admin', { province: '340000' });
    const other = withUsccCheck('12340000MB0000972');
    const created = await api('/v1/institutions', {
      method: 'POST',
      token: admin,
      body: { uscc: other, name: '审计测试学院', provinceCode: '340000', kind: 'university' },
    });
    expect(created.status, created.text).toBe(201);
    const r = await api(`/v1/institutions/${other}`, { token: admin });
    expect(r.status, r.text).toBe(200);
    expect(r.json.createdBy).toBe('省 340000 / province 340000（省级知识产权局 province admin）');
    expect(created.text + r.text).not.toContain(subOf(admin));
  });
});
