/**
 * Preview and mapping profiles (issue 12, part 3), through the API on the local cloud: an office saves
 * how its own export reads, previews a file without importing it, uploads naming the profile, and a
 * file dropped straight into S3 is read with the `default` profile; the job records the profile's
 * version. Bad input: hostile names, oversized profiles, concurrent PUTs (one wins, one 409), another
 * institution's profile (404), a profile naming a column the file lacks. Serials 66xx, institutions
 * 12110000MPF0005xx: no other integration file uses them.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoInventoryRows, templateHeaders, toCsv } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, bucketName, clients, eventually, postUpload, tableName, token, waitForJob } from './helpers.ts';

const uscc = withUsccCheck('12110000MPF000501');
const neighbour = withUsccCheck('12110000MPF000502');

/** The office's own headers: 本校编号 for 申请号, 实施 for 实施状态, and a 序号 column in front. */
const ownHeaders = [
  '序号',
  ...templateHeaders.map((h) => (h === '申请号' ? '本校编号' : h === '实施状态' ? '实施' : h)),
];
const officeCsv = (count: number, serialBase: number) => {
  const rows = demoInventoryRows(count, { seed: 66, serialBase }).map((cells, i) => [`${i + 1}`, ...cells]);
  rows[0]![ownHeaders.indexOf('实施')] = '已实施';
  return Buffer.from(toCsv(rows, ownHeaders));
};
const profile = {
  columns: [
    { header: '序号', field: 'ignore' },
    { header: '本校编号', field: 'applicationNumber' },
    { header: '实施', field: 'implementationStatus' },
  ],
  values: [{ field: 'implementationStatus', source: '已实施', value: '许可实施' }],
};
const path = (code: string, name: string) =>
  `/v1/institutions/${code}/mapping-profiles/${encodeURIComponent(name)}`;

describe('mapping profiles and previews', () => {
  let own: string;
  let dept: string;
  let other: string;
  beforeAll(async () => {
    const admin = await token('national-admin');
    for (const [code, name] of [
      [uscc, '映射方案测试大学'],
      [neighbour, '映射方案邻校'],
    ] as const) {
      const r = await api('/v1/institutions', {
        method: 'POST',
        token: admin,
        body: { uscc: code, name, provinceCode: '110000', kind: 'university' },
      });
      expect(r.status, r.text).toBe(201);
    }
    own = await token('institution', { org: uscc });
    dept = await token('institution', { org: uscc, department: '化学学院' });
    other = await token('institution', { org: neighbour });
  });

  it('PUT creates version 1 (ETag), GET reads it, a blind second PUT is 409, the audit entry is written', async () => {
    const created = await api(path(uscc, 'office'), { method: 'PUT', token: own, body: profile });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.json).toMatchObject({ institutionUscc: uscc, name: 'office', version: 1 });
    expect(created.json.values[0]).toMatchObject({ value: 'licensed' });
    const read = await api(path(uscc, 'office'), { token: dept });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    const blind = await api(path(uscc, 'office'), { method: 'PUT', token: own, body: profile });
    expect(blind.status).toBe(409);
    expect(blind.json.error.message).toContain('expectedVersion 1');
    const list = await api(`/v1/institutions/${uscc}/mapping-profiles`, { token: own });
    expect(list.json.items.map((p: { name: string }) => p.name)).toEqual(['office']);
    const { Items } = await clients().documents.send(
      new QueryCommand({
        TableName: tableName('core'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': `INST#${uscc}`, ':audit': 'AUDIT#' },
        ConsistentRead: true,
      }),
    );
    expect(Items?.filter((i) => i.action === 'mappingProfile.created')).toHaveLength(1);
  });

  it('concurrent PUTs with the same If-Match: one wins, the other gets 409', async () => {
    const first = await api(path(uscc, 'default'), { method: 'PUT', token: own, body: profile });
    expect(first.status, first.text).toBe(201);
    const put = (description: string) =>
      api(path(uscc, 'default'), {
        method: 'PUT',
        token: own,
        headers: { 'if-match': '"1"' },
        body: { ...profile, description },
      });
    const answers = await Promise.all([put('a'), put('b')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect((await api(path(uscc, 'default'), { token: own })).json.version).toBe(2);
  });

  it('DELETE at the version read (If-Match): 204, audited with its last content; then uploads naming it are refused', async () => {
    const created = await api(path(uscc, 'retired'), { method: 'PUT', token: own, body: profile });
    expect(created.status, created.text).toBe(201);
    const missing = await api(path(uscc, 'retired'), { method: 'DELETE', token: own });
    expect([missing.status, missing.json.error.message]).toEqual([400, expect.stringContaining('If-Match')]);
    const stale = await api(path(uscc, 'retired'), {
      method: 'DELETE',
      token: own,
      headers: { 'if-match': '"2"' },
    });
    expect(stale.status, stale.text).toBe(409);
    for (const [bearer, status] of [
      [dept, 403],
      [other, 404],
    ] as const) {
      const refused = await api(path(uscc, 'retired'), {
        method: 'DELETE',
        token: bearer,
        headers: { 'if-match': '"1"' },
      });
      expect(refused.status, refused.text).toBe(status);
    }
    expect((await api(path(uscc, 'retired'), { token: own })).status).toBe(200);
    const deleted = await api(path(uscc, 'retired'), {
      method: 'DELETE',
      token: own,
      headers: { 'if-match': '"1"' },
    });
    expect(deleted.status, deleted.text).toBe(204);
    expect((await api(path(uscc, 'retired'), { token: own })).status).toBe(404);
    const again = await api(path(uscc, 'retired'), {
      method: 'DELETE',
      token: own,
      headers: { 'if-match': '"1"' },
    });
    expect([again.status, again.json.error.message]).toEqual([
      404,
      expect.stringContaining('deleted already'),
    ]);
    const upload = await api('/v1/uploads', {
      method: 'POST',
      token: own,
      body: { fileName: 'x.csv', sizeBytes: 100, profile: 'retired' },
    });
    expect(upload.status, upload.text).toBe(404);
    const { Items = [] } = await clients().documents.send(
      new QueryCommand({
        TableName: tableName('core'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': `INST#${uscc}`, ':audit': 'AUDIT#' },
        ConsistentRead: true,
      }),
    );
    const entry = Items.find(
      (i) => i.action === 'mappingProfile.deleted' && i.context?.profile === 'retired',
    );
    expect(entry?.changes?.columns?.before).toEqual(created.json.columns);
    expect(entry?.changes?.columns?.after).toBeUndefined();
  });

  it('a name deleted and created again continues its versions; administrators of its province read the profiles, others do not', async () => {
    const name = 'reborn';
    expect((await api(path(uscc, name), { method: 'PUT', token: own, body: profile })).status).toBe(201);
    const deleted = await api(path(uscc, name), {
      method: 'DELETE',
      token: own,
      headers: { 'if-match': '"1"' },
    });
    expect(deleted.status, deleted.text).toBe(204);
    const listed = await api(`/v1/institutions/${uscc}/mapping-profiles`, { token: own });
    expect(listed.json.items.map((p: { name: string }) => p.name)).not.toContain(name);
    // Two creates at once over the tombstone (version 2): one is version 3, the other 409.
    const [a, b] = await Promise.all([
      api(path(uscc, name), { method: 'PUT', token: own, body: profile }),
      api(path(uscc, name), { method: 'PUT', token: own, body: profile }),
    ]);
    expect([a.status, b.status].sort(), a.text + b.text).toEqual([201, 409]);
    const read = await api(path(uscc, name), { token: own });
    expect([read.status, read.json.version, read.headers.get('etag')]).toEqual([200, 3, '"3"']);

    const beijing = await token('province-admin', { province: '110000' });
    const shanghai = await token('province-admin', { province: '310000' });
    expect((await api(path(uscc, name), { token: beijing })).json.version).toBe(3);
    expect((await api(`/v1/institutions/${uscc}/mapping-profiles`, { token: beijing })).status).toBe(200);
    expect((await api(path(uscc, name), { token: shanghai })).status).toBe(404);
    const write = await api(path(uscc, 'by-admin'), { method: 'PUT', token: beijing, body: profile });
    expect(write.status).toBe(403);
  });

  it('bad input: hostile names, oversized or contradictory profiles, department writers, another institution', async () => {
    // ('..' never reaches a handler: the URL itself resolves it to another path.)
    for (const name of ['a#b', '.hidden', '-x', 'x'.repeat(41), 'a b', '<b>', 'a\u0000b']) {
      const r = await api(path(uscc, name), { method: 'PUT', token: own, body: profile });
      expect([name, r.status]).toEqual([name, 400]);
    }
    const oversized = {
      columns: Array.from({ length: 101 }, (_, i) => ({ header: `列${i}`, field: 'ignore' })),
    };
    expect((await api(path(uscc, 'big'), { method: 'PUT', token: own, body: oversized })).status).toBe(400);
    const twice = await api(path(uscc, 'twice'), {
      method: 'PUT',
      token: own,
      body: {
        columns: [
          { header: '编号', field: 'applicationNumber' },
          { header: '本校编号', field: 'applicationNumber' },
        ],
      },
    });
    expect(twice.status).toBe(400);
    expect(JSON.stringify(twice.json)).toContain('both map to applicationNumber');
    expect((await api(path(uscc, 'd'), { method: 'PUT', token: dept, body: profile })).status).toBe(403);
    // Another institution's profile is as absent, read or written.
    expect((await api(path(uscc, 'office'), { token: other })).status).toBe(404);
    expect((await api(path(uscc, 'office'), { method: 'PUT', token: other, body: profile })).status).toBe(
      404,
    );
    expect((await api(`/v1/institutions/${uscc}/mapping-profiles`, { token: other })).status).toBe(404);
    expect((await api(path(uscc, 'nope'), { token: own })).status).toBe(404);
  });

  it('preview: reads a sent file with a profile, imports nothing, and is found by its institution only', async () => {
    const announced = await api('/v1/uploads', {
      method: 'POST',
      token: own,
      body: { fileName: '本校导出.csv', mode: 'preview' },
    });
    expect(announced.status, announced.text).toBe(201);
    expect(announced.json.jobId).toBeUndefined();
    expect((await postUpload(announced.json, officeCsv(12, 6600))).status).toBe(204);
    const previewPath = announced.json.previewPath as string;

    const withOffice = await api(previewPath, {
      method: 'POST',
      token: own,
      body: { profile: 'office', sampleRows: 2 },
    });
    expect(withOffice.status, withOffice.text).toBe(200);
    expect(withOffice.json).toMatchObject({
      profile: { name: 'office', version: 1 },
      headerRow: 1,
      counts: { rowsRead: 12, rowsAccepted: 12, rowsRefused: 0, complete: true },
    });
    expect(withOffice.json.columns[1]).toMatchObject({
      header: '本校编号',
      field: 'applicationNumber',
      source: 'profile',
    });
    expect(withOffice.json.sampleRows[0].record).toMatchObject({ implementationStatus: 'licensed' });
    const values = withOffice.json.valueMappings.find(
      (v: { field: string }) => v.field === 'implementationStatus',
    );
    expect(values.values.find((v: { source: string }) => v.source === '已实施')).toMatchObject({
      status: 'profile',
    });

    // Without a profile (none named, but the institution has a default: it is used).
    const byDefault = await api(previewPath, { method: 'POST', token: own, body: {} });
    expect(byDefault.json.profile).toMatchObject({ name: 'default' });

    // A mapping tried inline, naming a column the file lacks: listed, the rest is read.
    const lacking = await api(previewPath, {
      method: 'POST',
      token: own,
      body: { mapping: { columns: [...profile.columns, { header: '归口部门', field: 'department' }] } },
    });
    expect(lacking.status, lacking.text).toBe(200);
    expect(lacking.json.profileColumnsMissing).toEqual(['归口部门']);
    expect(lacking.json.warnings.join('\n')).toContain('does not have: 归口部门');
    expect(lacking.json.counts.rowsAccepted).toBe(12);
    // ... and without the key column's mapping the preview says an import would fail.
    const refused = await api(previewPath, {
      method: 'POST',
      token: own,
      body: { mapping: { columns: [] } },
    });
    expect(refused.json.refusal).toMatchObject({ code: 'BAD_HEADERS' });

    // Nothing was imported.
    const jobs = await api('/v1/jobs', { token: own });
    expect(jobs.json.items).toEqual([]);
    // Another institution's preview id, a profile it does not have, an id that is not one.
    expect((await api(previewPath, { method: 'POST', token: other, body: {} })).status).toBe(404);
    expect((await api(previewPath, { method: 'POST', token: own, body: { profile: 'nope' } })).status).toBe(
      404,
    );
    expect(
      (await api('/v1/uploads/..%2F..%2Fx/preview', { method: 'POST', token: own, body: {} })).status,
    ).toBe(400);
  });

  it('an upload names a profile (its version recorded on the job); a direct drop uses the default profile', async () => {
    expect(
      (
        await api('/v1/uploads', {
          method: 'POST',
          token: other,
          body: { fileName: 'x.csv', profile: 'office' },
        })
      ).status,
    ).toBe(404);
    const body = officeCsv(5, 6620);
    const announced = await api('/v1/uploads', {
      method: 'POST',
      token: own,
      body: { fileName: '本校导出.csv', sizeBytes: body.length, profile: 'office' },
    });
    expect(announced.status, announced.text).toBe(201);
    expect((await postUpload(announced.json, body)).status).toBe(204);
    const job = await waitForJob(announced.json.jobId, own);
    expect(job).toMatchObject({
      status: 'succeeded',
      rowsAccepted: 5,
      profile: { name: 'office', version: 1 },
    });

    await clients().s3.send(
      new PutObjectCommand({
        Bucket: bucketName('drop'),
        Key: `inbox/${uscc}/直接投放.csv`,
        Body: officeCsv(4, 6640),
        ContentType: 'text/csv',
      }),
    );
    const dropped = await eventually(
      async () => {
        const { json } = await api('/v1/jobs', { token: own });
        const found = (json.items as Array<{ fileName: string; status: string }>).find(
          (j) => j.fileName === '直接投放.csv' && ['succeeded', 'failed'].includes(j.status),
        );
        return found;
      },
      30_000,
      'the dropped file',
    );
    expect(dropped).toMatchObject({
      status: 'succeeded',
      rowsAccepted: 4,
      profile: { name: 'default', version: 2 },
    });
  });

  // (The neighbour has no default profile: the template's own headers are read.)
  it('the patentees other than the institution are its co-owners, in the preview and once imported', async () => {
    const headers = templateHeaders;
    const rows = demoInventoryRows(2, { seed: 67, serialBase: 6660 });
    const at = (name: string) => headers.indexOf(name);
    rows[0]![at('专利权人')] = '映射方案邻校；北京某某科技有限公司';
    rows[1]![at('专利权人')] = '北京大学';
    const csv = Buffer.from(toCsv(rows, headers));
    const numbers = rows.map((r) => r[at('申请号')]!);

    const announcedPreview = await api('/v1/uploads', {
      method: 'POST',
      token: other,
      body: { fileName: '共有.csv', mode: 'preview' },
    });
    expect((await postUpload(announcedPreview.json, csv)).status).toBe(204);
    const preview = await api(announcedPreview.json.previewPath, {
      method: 'POST',
      token: other,
      body: { sampleRows: 2 },
    });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.json.sampleRows[0].record.coOwners).toEqual(['北京某某科技有限公司']);

    const announced = await api('/v1/uploads', {
      method: 'POST',
      token: other,
      body: { fileName: '共有.csv', sizeBytes: csv.length },
    });
    expect(announced.status, announced.text).toBe(201);
    expect((await postUpload(announced.json, csv)).status).toBe(204);
    const job = await waitForJob(announced.json.jobId, other);
    expect(job).toMatchObject({ status: 'succeeded', rowsAccepted: 2 });
    expect(job.warningCount).toBeGreaterThanOrEqual(1);
    const first = await api(`/v1/patents/${encodeURIComponent(numbers[0]!)}`, { token: other });
    expect(first.json).toMatchObject({
      patentees: ['映射方案邻校', '北京某某科技有限公司'],
      coOwners: ['北京某某科技有限公司'],
    });
    const second = await api(`/v1/patents/${encodeURIComponent(numbers[1]!)}`, { token: other });
    expect(second.json.coOwners).toEqual(['北京大学']);

    // The JSON route reads the patentees the same way (and the English keys).
    const json = demoInventoryRows(1, { seed: 68, serialBase: 6670 })[0]!;
    const body = Object.fromEntries(headers.map((h, i) => [h, json[i]!]));
    const posted = await api('/v1/patents', {
      method: 'POST',
      token: other,
      body: { ...body, patentees: ['映射方案邻校', '某某研究院'] },
    });
    expect(posted.status, posted.text).toBe(201);
    const third = await api(`/v1/patents/${encodeURIComponent(json[at('申请号')]!)}`, { token: other });
    expect(third.json.coOwners).toEqual(['某某研究院']);
  });

  it('a co-owner reads the patent by its registered name (public view), lists it, and loses it when removed', {
    timeout: 180_000,
  }, async () => {
    const headers = templateHeaders;
    const at = (name: string) => headers.indexOf(name);
    const row = demoInventoryRows(1, { seed: 69, serialBase: 6680 })[0]!;
    const n = row[at('申请号')]!;
    const body = Object.fromEntries(headers.map((h, i) => [h, row[i]!]));
    // The neighbour records it; its patentees name us with a space and full-width brackets.
    const posted = await api('/v1/patents', {
      method: 'POST',
      token: other,
      body: { ...body, patentees: ['映射方案邻校', '映射方案 测试大学'] },
    });
    expect(posted.status, posted.text).toBe(201);
    const path = `/v1/patents/${encodeURIComponent(n)}`;
    const seen = await eventually(
      async () => {
        const r = await api(path, { token: dept });
        return r.status === 200 ? r.json : undefined;
      },
      60_000,
      'the co-owner link from the stream',
    );
    expect(seen).toMatchObject({ applicationNumber: n, title: row[at('专利名称')] });
    expect(seen).not.toHaveProperty('contactName');
    const listed = await api(`/v1/institutions/${uscc}/co-owned-patents`, { token: own });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.items).toContainEqual(
      expect.objectContaining({ applicationNumber: n, coOwnerName: '映射方案 测试大学' }),
    );
    // Read only: the co-owner cannot change it.
    const edit = await api('/v1/patents', { method: 'POST', token: own, body: { ...body, title: '改名' } });
    expect(edit.status).not.toBe(201);
    expect((await api(path, { token: other })).json.title).toBe(row[at('专利名称')]);

    // The neighbour corrects its patentees: we are no longer a co-owner, and the patent leaves our view.
    const corrected = await api('/v1/patents', {
      method: 'POST',
      token: other,
      body: { ...body, patentees: ['映射方案邻校'] },
    });
    expect(corrected.status, corrected.text).toBeLessThan(300);
    await eventually(
      async () => ((await api(path, { token: own })).status === 404 ? true : undefined),
      60_000,
      'the co-owner link removed',
    );
    const after = await api(`/v1/institutions/${uscc}/co-owned-patents`, { token: own });
    expect(after.json.items.map((i: { applicationNumber: string }) => i.applicationNumber)).not.toContain(n);
  });
});
