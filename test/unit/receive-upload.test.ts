import { describe, expect, it } from 'vitest';
import {
  type BatchJobQueued,
  institutionOfKey,
  type JobStore,
  receiveUpload,
} from '../../functions/intake/receive-upload.ts';

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
