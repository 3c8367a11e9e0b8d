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

export async function receiveUpload(
  deps: { jobs: JobStore; now: () => Date },
  object: UploadedObject,
): Promise<UploadOutcome> {
  const institutionUscc = institutionOfKey(object.key);
  if (!institutionUscc) {
    return {
      outcome: 'ignored',
      reason: `key ${object.key} is not inbox/<unified social credit code>/<file>`,
    };
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
  return { outcome: created ? 'queued' : 'duplicate', jobId };
}
