import { describe, expect, it } from 'vitest';
import type { StoredJob } from '../../functions/intake/job-store.ts';
import { getJobView } from '../../functions/intake/jobs.ts';
import {
  type BatchJobQueued,
  type BatchJobRefused,
  institutionOfKey,
  type JobStore,
  ownerOfKey,
  receiveUpload,
} from '../../functions/intake/receive-upload.ts';
import { createUpload, type UploadPolicy } from '../../functions/intake/uploads.ts';
import { ForbiddenError, NotFoundError } from '../../functions/shared/errors.ts';
import type { Institution } from '../../schemas/institution.ts';
import type { Caller } from '../../schemas/roles.ts';

type MemoryJob = (BatchJobQueued | BatchJobRefused) & {
  sequencer?: string;
  storedBy?: { principalId: string };
};

/** The job store's contract in memory, attach condition included (functions/intake/job-store.ts). */
function memoryJobs(): JobStore & { jobs: Map<string, MemoryJob> } {
  const jobs = new Map<string, MemoryJob>();
  return {
    jobs,
    async createIfAbsent(job) {
      if (jobs.has(job.jobId)) return false;
      jobs.set(job.jobId, job);
      return true;
    },
    async attachObject(jobId, object) {
      const job = jobs.get(jobId);
      if (!job) return 'absent';
      if (job.key !== object.key) return 'foreign';
      if (job.status !== 'queued' || job.sequencer !== undefined)
        return job.sequencer === object.sequencer ? 'duplicate' : 'other';
      Object.assign(job, {
        sequencer: object.sequencer,
        sizeBytes: object.sizeBytes,
        ...(object.principalId ? { storedBy: { principalId: object.principalId } } : {}),
      });
      return 'received';
    },
  };
}

const object = {
  bucket: 'drop',
  key: 'inbox/12100000400000624D/patents.xlsx',
  size: 1024,
  eTag: 'abc',
  sequencer: '0055AED6DCD90281E5',
  eventTime: '2026-11-25T00:00:00Z',
};
const now = () => new Date('2026-11-25T00:00:01Z');

describe('receiveUpload', () => {
  it('opens one queued job for the institution named by the key', async () => {
    const jobs = memoryJobs();
    const outcome = await receiveUpload({ jobs, now }, object);
    expect(outcome).toMatchObject({ outcome: 'queued' });
    expect([...jobs.jobs.values()]).toEqual([
      expect.objectContaining({
        institutionUscc: '12100000400000624D',
        fileName: 'patents.xlsx',
        sizeBytes: 1024,
        status: 'queued',
      }),
    ]);
  });

  it('the same S3 event delivered twice runs one job', async () => {
    const jobs = memoryJobs();
    const first = await receiveUpload({ jobs, now }, object);
    const second = await receiveUpload({ jobs, now }, { ...object });
    expect(second).toEqual({ outcome: 'duplicate', jobId: (first as { jobId: string }).jobId });
    expect(jobs.jobs.size).toBe(1);
  });

  it('a redelivered event starts the ingest again (a no-op if it started): a crash between recording the job and starting it never leaves the job queued', async () => {
    const jobs = memoryJobs();
    let failStart = true;
    const started: string[] = [];
    const startIngest = async (id: string) => {
      if (failStart) throw new Error('the function ended before the start');
      started.push(id);
    };
    await expect(receiveUpload({ jobs, now, startIngest }, object)).rejects.toThrow(/before the start/);
    failStart = false;
    const again = await receiveUpload({ jobs, now, startIngest }, { ...object });
    expect(again).toMatchObject({ outcome: 'duplicate' });
    expect(started).toEqual([(again as { jobId: string }).jobId]);
    expect(jobs.jobs.size).toBe(1);
  });

  it('a new upload of the same key (new sequencer) is a new job', async () => {
    const jobs = memoryJobs();
    await receiveUpload({ jobs, now }, object);
    await receiveUpload({ jobs, now }, { ...object, sequencer: '0055AED6DCD90281F0' });
    expect(jobs.jobs.size).toBe(2);
  });

  it('ignores keys outside inbox/<USCC>/, saying why', async () => {
    const jobs = memoryJobs();
    expect(await receiveUpload({ jobs, now }, { ...object, key: 'inbox/not-a-code/x.csv' })).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('inbox/<unified social credit code>'),
    });
    expect(institutionOfKey('elsewhere/12100000400000624D/x.csv')).toBeUndefined();
    expect(jobs.jobs.size).toBe(0);
  });
});

describe("a drop's key must match its announced owner and job", () => {
  const uscc = '12100000400000624D';
  const intruder = '12100000400000625B';
  const institution: Caller = { sub: 'a-sub', roles: ['institution'], orgUscc: uscc };
  const presignPost = async (policy: UploadPolicy) => ({ url: 'u', fields: { key: policy.key } });

  it("a file under inbox/<C>/<A's jobId>/ is refused with the reason, recorded for C, and A's job waits on", async () => {
    const jobs = memoryJobs();
    const started: string[] = [];
    const deps = { jobs, now, startIngest: async (id: string) => void started.push(id) };
    const announced = await createUpload({ jobs, presignPost, bucket: 'drop', now }, institution, {
      fileName: '盘点.csv',
    });
    const key = `inbox/${intruder}/${announced.jobId}/盘点.csv`;
    const outcome = await receiveUpload(deps, { ...object, key, principalId: 'AWS:AROAINTRUDER:c' });
    expect(outcome).toMatchObject({
      outcome: 'refused',
      reason: expect.stringContaining('POST /v1/uploads'),
    });
    const refusedId = (outcome as { jobId: string }).jobId;
    expect(refusedId).not.toBe(announced.jobId);
    expect(jobs.jobs.get(refusedId)).toMatchObject({
      institutionUscc: intruder,
      key,
      status: 'failed',
      failure: { code: 'NOT_THE_ANNOUNCED_UPLOAD' },
      droppedBy: { principalId: 'AWS:AROAINTRUDER:c' },
    });
    expect(jobs.jobs.get(announced.jobId)).toMatchObject({ status: 'queued', institutionUscc: uscc });
    expect(jobs.jobs.get(announced.jobId)!.sequencer).toBeUndefined();
    expect(started).toEqual([]);
    // The same event again changes nothing; A's own file still becomes A's job.
    expect(await receiveUpload(deps, { ...object, key })).toEqual({ outcome: 'duplicate', jobId: refusedId });
    expect(
      await receiveUpload(deps, {
        ...object,
        key: announced.key,
        sequencer: '1',
        principalId: 'AWS:AROAUPLOAD:a',
      }),
    ).toEqual({ outcome: 'queued', jobId: announced.jobId });
    expect(jobs.jobs.get(announced.jobId)).toMatchObject({ storedBy: { principalId: 'AWS:AROAUPLOAD:a' } });
    expect(started).toEqual([announced.jobId]);
  });

  it('the same owner under another kind or another file name is not the announced job either', async () => {
    const jobs = memoryJobs();
    const announced = await createUpload({ jobs, presignPost, bucket: 'drop', now }, institution, {
      fileName: '盘点.csv',
    });
    const otherFile = await receiveUpload(
      { jobs, now },
      { ...object, key: `inbox/${uscc}/${announced.jobId}/另一个.csv` },
    );
    expect(otherFile).toMatchObject({ outcome: 'refused' });
    const otherKind = await receiveUpload(
      { jobs, now },
      { ...object, key: `inbox-enterprises/440000/${announced.jobId}/盘点.csv`, sequencer: '2' },
    );
    expect(otherKind).toMatchObject({ outcome: 'refused' });
    expect(jobs.jobs.get(announced.jobId)).toMatchObject({ status: 'queued' });
  });

  it('a job that no longer waits takes no file: a second file to the same key is a job of its own', async () => {
    const jobs = memoryJobs();
    const announced = await createUpload({ jobs, presignPost, bucket: 'drop', now }, institution, {
      fileName: '盘点.csv',
    });
    jobs.jobs.get(announced.jobId)!.status = 'failed' as never;
    const outcome = await receiveUpload({ jobs, now }, { ...object, key: announced.key });
    expect(outcome).toMatchObject({ outcome: 'queued' });
    expect((outcome as { jobId: string }).jobId).not.toBe(announced.jobId);
  });

  it('a direct drop records who stored it', async () => {
    const jobs = memoryJobs();
    const outcome = await receiveUpload({ jobs, now }, { ...object, principalId: 'AWS:AROAINTEGRATION:x' });
    expect(jobs.jobs.get((outcome as { jobId: string }).jobId)).toMatchObject({
      droppedBy: { principalId: 'AWS:AROAINTEGRATION:x' },
    });
  });
});

describe('batch kinds', () => {
  it('the key prefix names the kind and its owner: an institution, or a province', () => {
    expect(ownerOfKey('inbox/12100000400000624D/x.csv')).toEqual({
      kind: 'inventory',
      institutionUscc: '12100000400000624D',
    });
    expect(ownerOfKey('inbox-enterprises/440000/企业.xlsx')).toEqual({
      kind: 'enterprises',
      provinceCode: '440000',
    });
    expect(ownerOfKey('inbox-evaluations/110000/j/评价.csv')).toEqual({
      kind: 'evaluations',
      provinceCode: '110000',
    });
    expect(ownerOfKey('inbox-enterprises/449999/x.csv')).toBeUndefined(); // not a GB/T 2260 province
    expect(ownerOfKey('inbox-evaluations/12100000400000624D/x.csv')).toBeUndefined();
    expect(institutionOfKey('inbox-enterprises/440000/x.csv')).toBeUndefined();
  });

  it('a file dropped under inbox-enterprises/<province>/ opens an enterprises job of that province', async () => {
    const jobs = memoryJobs();
    const outcome = await receiveUpload(
      { jobs, now },
      { ...object, key: 'inbox-enterprises/440000/企业.csv' },
    );
    expect(outcome).toMatchObject({ outcome: 'queued' });
    const [job] = [...jobs.jobs.values()];
    expect(job).toMatchObject({ kind: 'enterprises', provinceCode: '440000', fileName: '企业.csv' });
    expect(job!.institutionUscc).toBeUndefined();
    expect(
      await receiveUpload({ jobs, now }, { ...object, key: 'inbox-evaluations/not-a-province/x.csv' }),
    ).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('inbox-evaluations/<province code>'),
    });
  });
});

describe('POST /v1/uploads by kind', () => {
  const policies: UploadPolicy[] = [];
  const deps = () => {
    const jobs = memoryJobs();
    return {
      jobs,
      deps: {
        jobs,
        presignPost: async (policy: UploadPolicy) => {
          policies.push(policy);
          return { url: `https://s3.local/${policy.bucket}`, fields: { key: policy.key } };
        },
        bucket: 'drop',
        now,
      },
    };
  };
  const provinceAdmin: Caller = { sub: 'gd-admin', roles: ['province-admin'], provinceCode: '440000' };
  const institution: Caller = { sub: 'inst', roles: ['institution'], orgUscc: '12100000400000624D' };

  it('a province administrator announces enterprises and evaluations under its province', async () => {
    const { jobs, deps: d } = deps();
    const enterprises = await createUpload(d, provinceAdmin, { fileName: '企业.xlsx', kind: 'enterprises' });
    expect(enterprises.key).toMatch(/^inbox-enterprises\/440000\/[0-9a-f]{24}\/企业\.xlsx$/);
    const evaluations = await createUpload(d, provinceAdmin, { fileName: '评价.csv', kind: 'evaluations' });
    expect(evaluations.key).toMatch(/^inbox-evaluations\/440000\//);
    expect(jobs.jobs.get(enterprises.jobId)).toMatchObject({
      kind: 'enterprises',
      provinceCode: '440000',
      uploadedBy: { sub: 'gd-admin', roles: ['province-admin'] },
    });
    // The object arriving at the announced key is the announced job, of its kind.
    expect(await receiveUpload({ jobs, now }, { ...object, key: enterprises.key })).toMatchObject({
      outcome: 'queued',
    });
    const national: Caller = { sub: 'n', roles: ['national-admin'], provinceCode: '110000' };
    expect((await createUpload(d, national, { fileName: 'e.csv', kind: 'enterprises' })).key).toMatch(
      /^inbox-enterprises\/110000\//,
    );
  });

  it('institutions upload inventories only; administrators without a province nothing of a province', async () => {
    const { deps: d } = deps();
    await expect(createUpload(d, institution, { fileName: 'e.xlsx', kind: 'enterprises' })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(createUpload(d, provinceAdmin, { fileName: 'p.xlsx' })).rejects.toThrow(ForbiddenError);
    await expect(
      createUpload(d, { sub: 'n', roles: ['national-admin'] }, { fileName: 'e.xlsx', kind: 'evaluations' }),
    ).rejects.toThrow(/names none \(custom:province\)/);
    expect((await createUpload(d, institution, { fileName: 'p.xlsx' })).key).toMatch(
      /^inbox\/12100000400000624D\//,
    );
  });

  it('the upload is a presigned POST whose policy binds the exact key, the content type and the size', async () => {
    const { deps: d } = deps();
    policies.length = 0;
    const csv = await createUpload(d, institution, { fileName: '盘点.csv', sizeBytes: 1000 });
    expect(csv).toMatchObject({ method: 'POST', url: 'https://s3.local/drop', contentType: 'text/csv' });
    expect(csv.fields).toMatchObject({ key: csv.key });
    expect(policies).toEqual([
      {
        bucket: 'drop',
        key: csv.key,
        contentType: 'text/csv',
        minBytes: 0,
        maxBytes: 100 * 1024 * 1024,
        expiresSeconds: 900,
      },
    ]);
    const xlsx = await createUpload(d, institution, { fileName: '盘点.XLSX' });
    expect(policies[1]).toMatchObject({
      key: xlsx.key,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    // A 5 GB announcement is refused before any link is signed.
    await expect(
      createUpload(d, institution, { fileName: 'big.csv', sizeBytes: 5 * 1024 ** 3 }),
    ).rejects.toThrow(/100 MB limit/);
    expect(policies).toHaveLength(2);
  });

  it('GET /v1/jobs/{id}: a province job is read by its province administrator and national administrators only', async () => {
    const job: StoredJob = {
      jobId: 'j1',
      kind: 'evaluations',
      provinceCode: '440000',
      bucket: 'drop',
      key: 'inbox-evaluations/440000/j1/x.csv',
      fileName: 'x.csv',
      sizeBytes: 10,
      status: 'succeeded',
      createdAt: '2026-11-25T00:00:00.000Z',
      rowsTotal: 3,
      rowsAccepted: 2,
      rowsRejected: 1,
    };
    const view = {
      jobs: { get: async (id: string) => (id === 'j1' ? job : undefined) },
      institutions: { get: async () => undefined },
      presignGet: async () => 'url',
    };
    expect(await getJobView(view, provinceAdmin, 'j1')).toMatchObject({
      kind: 'evaluations',
      provinceCode: '440000',
      rowsAccepted: 2,
      progress: 1,
    });
    expect((await getJobView(view, { sub: 'n', roles: ['national-admin'] }, 'j1')).kind).toBe('evaluations');
    await expect(getJobView(view, { ...provinceAdmin, provinceCode: '110000' }, 'j1')).rejects.toThrow(
      NotFoundError,
    );
    await expect(getJobView(view, institution, 'j1')).rejects.toThrow(NotFoundError);
  });

  it("GET /v1/jobs/{id}: a department user reads its department's uploads only; the institution level reads all", async () => {
    const base = {
      kind: 'inventory' as const,
      institutionUscc: '12100000400000624D',
      bucket: 'drop',
      fileName: 'x.csv',
      sizeBytes: 10,
      status: 'succeeded' as const,
      createdAt: '2026-11-25T00:00:00.000Z',
    };
    const jobs: Record<string, StoredJob> = {
      mine: {
        ...base,
        jobId: 'mine',
        key: 'inbox/12100000400000624D/mine/x.csv',
        uploadedBy: { sub: 'm', roles: ['institution'], department: '材料学院' },
      },
      theirs: {
        ...base,
        jobId: 'theirs',
        key: 'inbox/12100000400000624D/theirs/x.csv',
        uploadedBy: { sub: 'c', roles: ['institution'], department: '化学学院' },
      },
      dropped: { ...base, jobId: 'dropped', key: 'inbox/12100000400000624D/x.csv' },
    };
    const view = {
      jobs: { get: async (id: string) => jobs[id] },
      institutions: { get: async () => undefined },
      presignGet: async () => 'url',
    };
    const staff = { sub: 's', roles: ['institution' as const], orgUscc: '12100000400000624D' };
    const materials = { ...staff, sub: 'm', department: '材料学院' };
    expect((await getJobView(view, materials, 'mine')).jobId).toBe('mine');
    await expect(getJobView(view, materials, 'theirs')).rejects.toThrow(NotFoundError);
    await expect(getJobView(view, materials, 'dropped')).rejects.toThrow(NotFoundError);
    for (const id of ['mine', 'theirs', 'dropped'])
      expect((await getJobView(view, staff, id)).jobId).toBe(id);
  });
  it("GET /v1/jobs/{id}: a ministry admin reads the jobs of its ministry's institutions only (issue 14)", async () => {
    const job: StoredJob = {
      jobId: 'j2',
      kind: 'inventory',
      institutionUscc: '12100000400000624D',
      bucket: 'drop',
      key: 'inbox/12100000400000624D/j2/x.csv',
      fileName: 'x.csv',
      sizeBytes: 10,
      status: 'succeeded',
      createdAt: '2026-11-25T00:00:00.000Z',
    };
    const moeUniversity = {
      uscc: '12100000400000624D',
      provinceCode: '110000',
      supervision: { department: 'moe-direct', departmentName: '教育部直属', ministry: '教育部' },
    } as unknown as Institution;
    const view = {
      jobs: { get: async (id: string) => (id === 'j2' ? job : undefined) },
      institutions: {
        get: async (uscc: string) => (uscc === moeUniversity.uscc ? moeUniversity : undefined),
      },
      presignGet: async () => 'url',
    };
    const moe = { sub: 'm', roles: ['ministry-admin' as const], ministry: '教育部' };
    expect((await getJobView(view, moe, 'j2')).jobId).toBe('j2');
    await expect(getJobView(view, { ...moe, ministry: '工业和信息化部' }, 'j2')).rejects.toThrow(
      NotFoundError,
    );
    // the province's enterprises / evaluations jobs are the province's, never a ministry's
    const provinceJob = {
      ...job,
      jobId: 'j3',
      institutionUscc: undefined,
      provinceCode: '110000',
      kind: 'evaluations' as const,
    };
    const view3 = { ...view, jobs: { get: async () => provinceJob } };
    await expect(getJobView(view3, moe, 'j3')).rejects.toThrow(NotFoundError);
  });
});

describe('legal-status files (issue 13, item 2): a province kind of their own', () => {
  const presignPost = async (policy: UploadPolicy) => ({ url: 'u', fields: { key: policy.key } });
  const tianjin: Caller = { sub: 'tj-admin', roles: ['province-admin'], provinceCode: '120000' };

  it('announced under inbox-legal-status/<province>/<jobId>/ and received as that job; a drop opens one too', async () => {
    const jobs = memoryJobs();
    const announced = await createUpload({ jobs, presignPost, bucket: 'drop', now }, tianjin, {
      fileName: '法律状态.xlsx',
      kind: 'legal-status',
    });
    expect(announced.key).toBe(`inbox-legal-status/120000/${announced.jobId}/法律状态.xlsx`);
    expect(ownerOfKey(announced.key)).toEqual({ kind: 'legal-status', provinceCode: '120000' });
    expect(await receiveUpload({ jobs, now }, { ...object, key: announced.key })).toEqual({
      outcome: 'queued',
      jobId: announced.jobId,
    });
    expect(jobs.jobs.get(announced.jobId)).toMatchObject({ kind: 'legal-status', provinceCode: '120000' });
    const dropped = await receiveUpload(
      { jobs, now },
      { ...object, key: 'inbox-legal-status/120000/cnipa.csv' },
    );
    expect(jobs.jobs.get((dropped as { jobId: string }).jobId)).toMatchObject({
      kind: 'legal-status',
      provinceCode: '120000',
      status: 'queued',
    });
    expect(ownerOfKey('inbox-legal-status/999999/x.csv')).toBeUndefined();
  });

  it('institution users may not upload one (403); previews are for inventory files (400)', async () => {
    const jobs = memoryJobs();
    const deps = { jobs, presignPost, bucket: 'drop', now };
    const staff: Caller = { sub: 's', roles: ['institution'], orgUscc: '12100000400000624D' };
    await expect(createUpload(deps, staff, { fileName: 'a.csv', kind: 'legal-status' })).rejects.toThrow(
      /legal statuses/,
    );
    await expect(
      createUpload(deps, tianjin, { fileName: 'a.csv', kind: 'legal-status', mode: 'preview' }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});
