/**
 * Jobs you can find (issue 12, part 4): GET /v1/jobs lists an institution's jobs, direct drops
 * included, newest first, by status and kind, with a cursor; a job that left rows out or failed
 * emails the institution's contact once, in the job's final write. Serials 67xx, institutions
 * 12110000MJB0004xx: no other integration file uses them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoInventoryRows, templateHeaders, toCsv } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, bucketName, clients, cloud, eventually, postUpload, token, waitForJob } from './helpers.ts';

const uscc = withUsccCheck('12110000MJB000401');
const neighbour = withUsccCheck('12110000MJB000402');
const contact = 'tto-jobs@example.edu.cn';

async function mailOf(jobId: string) {
  const outbox = join(cloud().dataDir, 'outbox');
  return eventually(
    async () => {
      const files = await readdir(outbox).catch(() => [] as string[]);
      const file = files.find((f) => f.includes(`job-${jobId}`) && f.endsWith('.eml'));
      return file ? simpleParser(await readFile(join(outbox, file))) : undefined;
    },
    20_000,
    `the end-of-job email of ${jobId}`,
  );
}

async function mailsOf(jobId: string) {
  const files = await readdir(join(cloud().dataDir, 'outbox')).catch(() => [] as string[]);
  return files.filter((f) => f.includes(`job-${jobId}`));
}

describe('GET /v1/jobs and end-of-job emails', () => {
  let institution: string;
  let partJob: string;
  let dropJob: string;
  beforeAll(async () => {
    const admin = await token('national-admin');
    for (const [code, name] of [
      [uscc, '任务列表测试大学'],
      [neighbour, '邻校'],
    ] as const) {
      const r = await api('/v1/institutions', {
        method: 'POST',
        token: admin,
        body: { uscc: code, name, provinceCode: '110000', kind: 'university', contactEmail: contact },
      });
      expect(r.status, r.text).toBe(201);
    }
    institution = await token('institution', { org: uscc });

    // An upload with two bad rows (TRL 12, an impossible date) among eight.
    const rows = demoInventoryRows(8, { seed: 67, serialBase: 6700 });
    rows[1]![templateHeaders.indexOf('技术成熟度')] = '12';
    rows[5]![templateHeaders.indexOf('申请日')] = '2020-13-45';
    const body = Buffer.from(toCsv(rows));
    const created = await api('/v1/uploads', {
      method: 'POST',
      token: institution,
      body: { fileName: '年度盘点.csv', sizeBytes: body.length },
    });
    expect(created.status, created.text).toBe(201);
    expect((await postUpload(created.json, body)).status).toBe(204);
    partJob = created.json.jobId;
    expect(await waitForJob(partJob, institution)).toMatchObject({ status: 'succeeded', rowsRejected: 2 });

    // A file dropped straight into the bucket without the key column: the job fails.
    await clients().s3.send(
      new PutObjectCommand({
        Bucket: bucketName('drop'),
        Key: `inbox/${uscc}/直接投放.csv`,
        Body: '发明名称,专利类型\n一种装置,发明\n',
        ContentType: 'text/csv',
      }),
    );
    dropJob = await eventually(
      async () => {
        const { json } = await api('/v1/jobs?status=failed', { token: institution });
        return (json.items as Array<{ jobId: string; fileName: string }>).find(
          (j) => j.fileName === '直接投放.csv',
        )?.jobId;
      },
      30_000,
      'the dropped file in GET /v1/jobs',
    );
  });

  it('lists the own jobs newest first, direct drops included, with status and kind filters', async () => {
    const all = await api('/v1/jobs', { token: institution });
    expect(all.status, all.text).toBe(200);
    expect(all.json.items.map((j: { jobId: string }) => j.jobId)).toEqual([dropJob, partJob]);
    expect(all.json.items[0]).toMatchObject({
      status: 'failed',
      kind: 'inventory',
      failure: { code: 'BAD_HEADERS' },
    });
    expect(all.json.items[1]).toMatchObject({ status: 'succeeded', rowsAccepted: 6, rowsRejected: 2 });
    expect(all.json.items[1].errorReportUrl).toMatch(/^http/);

    const failed = await api('/v1/jobs?status=failed', { token: institution });
    expect(failed.json.items.map((j: { jobId: string }) => j.jobId)).toEqual([dropJob]);
    const succeeded = await api('/v1/jobs?status=succeeded&kind=inventory', { token: institution });
    expect(succeeded.json.items.map((j: { jobId: string }) => j.jobId)).toEqual([partJob]);
    const enterprises = await api('/v1/jobs?kind=enterprises', { token: institution });
    expect(enterprises.json.items).toEqual([]);
  });

  it('pages with a cursor bound to the query', async () => {
    const first = await api('/v1/jobs?limit=1', { token: institution });
    expect(first.json.items).toHaveLength(1);
    expect(first.json.nextCursor).toBeTruthy();
    const second = await api(`/v1/jobs?limit=1&cursor=${encodeURIComponent(first.json.nextCursor)}`, {
      token: institution,
    });
    expect(second.json.items.map((j: { jobId: string }) => j.jobId)).toEqual([partJob]);
    const otherQuery = await api(
      `/v1/jobs?limit=1&status=failed&cursor=${encodeURIComponent(first.json.nextCursor)}`,
      { token: institution },
    );
    expect(otherQuery.status).toBe(400);
    expect(otherQuery.json.error.code).toBe('INVALID_CURSOR');
  });

  it('scopes: another institution 404, a national admin names whose jobs, the province admin of the province sees them', async () => {
    const neighbourToken = await token('institution', { org: neighbour });
    const foreign = await api(`/v1/jobs?institution=${uscc}`, { token: neighbourToken });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.message).toContain('leave the filter out');
    expect((await api('/v1/jobs', { token: neighbourToken })).json.items).toEqual([]);

    const national = await token('national-admin');
    const unnamed = await api('/v1/jobs', { token: national });
    expect(unnamed.status).toBe(400);
    expect(unnamed.json.error.message).toContain('institution=<USCC> or province=<code>');
    const both = await api(`/v1/jobs?institution=${uscc}&province=110000`, { token: national });
    expect(both.status).toBe(400);
    const named = await api(`/v1/jobs?institution=${uscc.toLowerCase()}`, { token: national });
    expect(named.json.items).toHaveLength(2);

    const beijing = await token('province-admin', { province: '110000' });
    expect((await api(`/v1/jobs?institution=${uscc}`, { token: beijing })).json.items).toHaveLength(2);
    const hebei = await token('province-admin', { province: '130000' });
    expect((await api(`/v1/jobs?institution=${uscc}`, { token: hebei })).status).toBe(404);
    expect((await api('/v1/jobs?province=110000', { token: hebei })).status).toBe(404);
  });

  it("a job that left rows out emails the institution's contact once, with the rows and what to do", async () => {
    const mail = await mailOf(partJob);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain(contact);
    expect(mail.subject).toContain('2 row(s) not imported');
    expect(mail.text).toContain('| 技术成熟度 |');
    expect(mail.text).toContain('| 申请日 |');
    expect(mail.text).toContain(`GET /v1/jobs/${partJob}`);
    expect(mail.text).toContain('Correct the rows the error report lists');
    expect(await mailsOf(partJob)).toHaveLength(1);
  });

  it('a failed drop emails why and what to do', async () => {
    const mail = await mailOf(dropJob);
    expect(mail.subject).toContain('Upload not imported');
    expect(mail.text).toContain('code: BAD_HEADERS');
    expect(mail.text).toContain('no row was stored');
  });

  it("a department user's upload: its department's rows go in; another department's rows and patents are refused; it sees its own jobs only", async () => {
    const staff = await token('institution', { org: uscc });
    const materials = await token('institution', { org: uscc, department: '材料学院' });
    const department = templateHeaders.indexOf('所属院系');
    const [chemistry, ...rows] = demoInventoryRows(4, { seed: 68, serialBase: 6710 });
    chemistry![department] = '化学学院';
    const asJson = (cells: string[]) => Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]!]));
    expect(
      (await api('/v1/patents', { method: 'POST', token: staff, body: asJson(chemistry!) })).status,
    ).toBe(201);

    // One at a time: a row naming another department is 403 with what to do.
    const direct = await api('/v1/patents', { method: 'POST', token: materials, body: asJson(chemistry!) });
    expect(direct.status, direct.text).toBe(403);
    expect(direct.json.error.message).toContain('department 化学学院 is not yours (材料学院)');

    // A file: two rows of its own department, one of another, one re-labelling another's patent.
    rows[0]![department] = '材料学院';
    rows[1]![department] = '材料学院';
    rows[2]![department] = '环境学院';
    const relabelled = [...chemistry!];
    relabelled[department] = '材料学院';
    const body = Buffer.from(toCsv([...rows, relabelled]));
    const created = await api('/v1/uploads', {
      method: 'POST',
      token: materials,
      body: { fileName: '材料学院盘点.csv', sizeBytes: body.length },
    });
    expect(created.status, created.text).toBe(201);
    expect((await postUpload(created.json, body)).status).toBe(204);
    const job = await waitForJob(created.json.jobId, materials);
    expect(job).toMatchObject({ status: 'succeeded', rowsAccepted: 2, rowsRejected: 2 });
    expect(job.firstErrors.map((e: { code: string; row: number }) => [e.row, e.code])).toEqual([
      [4, 'OTHER_DEPARTMENT'],
      [5, 'OTHER_DEPARTMENT'],
    ]);
    const stored = await api(`/v1/patents/${chemistry![0]}`, { token: staff });
    expect(stored.json.department).toBe('化学学院');
    expect((await api(`/v1/patents/${rows[2]![0]}`, { token: staff })).status).toBe(404);

    // Its jobs: its own upload only; the institution's other jobs are 404 to it.
    const listed = await api('/v1/jobs', { token: materials });
    expect(listed.json.items.map((j: { jobId: string }) => j.jobId)).toEqual([created.json.jobId]);
    expect((await api(`/v1/jobs/${partJob}`, { token: materials })).status).toBe(404);
    const all = await api('/v1/jobs', { token: staff });
    expect(all.json.items.map((j: { jobId: string }) => j.jobId)).toEqual([
      created.json.jobId,
      dropJob,
      partJob,
    ]);
  });
});
