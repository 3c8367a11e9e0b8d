import { describe, expect, it } from 'vitest';
import type { StoredJob } from '../../functions/intake/job-store.ts';
import { getJobView } from '../../functions/intake/jobs.ts';
import {
  type BatchJobQueued,
  institutionOfKey,
  type JobStore,
  ownerOfKey,
  receiveUpload,
} from '../../functions/intake/receive-upload.ts';
import { createUpload } from '../../functions/intake/uploads.ts';
import { ForbiddenError, NotFoundError } from '../../functions/shared/errors.ts';
import type { Caller } from '../../schemas/roles.ts';

function memoryJobs(): JobStore & { jobs: Map<string, BatchJobQueued> } {
  const jobs = new Map<string, BatchJobQueued>();
  return {
    jobs,
    async createIfAbsent(job) {
      if (jobs.has(job.jobId)) return false;
      jobs.set(job.jobId, job);
      return true;
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
  const deps = () => {
    const jobs = memoryJobs();
    return {
      jobs,
      deps: {
        jobs,
        presignPut: async (_b: string, key: string) => `https://s3.local/${key}`,
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
});
