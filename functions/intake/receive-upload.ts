/**
 * An object created under inbox/<USCC>/ opens one batch job. The job id is derived from the
 * object's identity (bucket, key, version or sequencer), so a duplicate delivery of the same S3
 * event finds the job already there and changes nothing.
 */
import { createHash } from 'node:crypto';
import { checkUscc } from '../../schemas/codes/uscc.ts';

export interface UploadedObject {
  bucket: string;
  key: string;
  size: number;
  eTag?: string;
  versionId?: string;
  sequencer?: string;
  eventTime: string;
}

export interface BatchJobQueued {
  jobId: string;
  institutionUscc: string;
  bucket: string;
  key: string;
  fileName: string;
  sizeBytes: number;
  status: 'queued';
  createdAt: string;
}

export interface JobStore {
  /** Creates the job unless it exists; returns false for a duplicate. */
  createIfAbsent(job: BatchJobQueued): Promise<boolean>;
  /**
   * A job announced by POST /v1/uploads receives its object: records the object's identity once.
   * 'received' the first time, 'duplicate' for the same object again, 'other' for another object.
   */
  attachObject?(
    jobId: string,
    object: { sequencer: string; sizeBytes: number; fileName: string },
  ): Promise<'received' | 'duplicate' | 'other' | 'absent'>;
}

export type UploadOutcome =
  | { outcome: 'queued' | 'duplicate'; jobId: string }
  | { outcome: 'ignored'; reason: string };

export function jobIdFor(object: UploadedObject): string {
  const identity = [
    object.bucket,
    object.key,
    object.versionId ?? object.sequencer ?? object.eTag ?? object.eventTime,
  ].join('\n');
  return createHash('sha256').update(identity).digest('hex').slice(0, 24);
}

export function institutionOfKey(key: string): string | undefined {
  const match = /^inbox\/([^/]+)\/.+/.exec(key);
  if (!match) return undefined;
  const check = checkUscc(decodeURIComponent(match[1]!));
  return check.ok ? check.code : undefined;
}

/** Keys made by POST /v1/uploads carry the job id: inbox/<USCC>/<jobId>/<file>. */
export const announcedJobId = (key: string) => /^inbox\/[^/]+\/([0-9a-f]{24})\/[^/]+$/.exec(key)?.[1];

export async function receiveUpload(
  deps: { jobs: JobStore; now: () => Date; startIngest?: (jobId: string) => Promise<void> },
  object: UploadedObject,
): Promise<UploadOutcome> {
  const institutionUscc = institutionOfKey(object.key);
  if (!institutionUscc) {
    return {
      outcome: 'ignored',
      reason: `key ${object.key} is not inbox/<unified social credit code>/<file>`,
    };
  }
  const announced = announcedJobId(object.key);
  if (announced && deps.jobs.attachObject) {
    const attached = await deps.jobs.attachObject(announced, {
      sequencer: object.sequencer ?? object.versionId ?? object.eTag ?? object.eventTime,
      sizeBytes: object.size,
      fileName: object.key.split('/').pop() ?? object.key,
    });
    if (attached === 'duplicate') return { outcome: 'duplicate', jobId: announced };
    if (attached === 'received') {
      await deps.startIngest?.(announced);
      return { outcome: 'queued', jobId: announced };
    }
    // 'other' (a second file PUT to the same link) or 'absent': a job of its own, as for a direct drop.
  }
  const jobId = jobIdFor(object);
  const created = await deps.jobs.createIfAbsent({
    jobId,
    institutionUscc,
    bucket: object.bucket,
    key: object.key,
    fileName: object.key.split('/').pop() ?? object.key,
    sizeBytes: object.size,
    status: 'queued',
    createdAt: deps.now().toISOString(),
  });
  if (created) await deps.startIngest?.(jobId);
  return { outcome: created ? 'queued' : 'duplicate', jobId };
}
