/**
 * An object created under inbox/<USCC>/ (an institution's inventory), inbox-enterprises/<province>/
 * or inbox-evaluations/<province>/ (a province's bulk enterprise registration or evaluation feedback)
 * opens one batch job of that kind. The job id is derived from the object's identity (bucket, key,
 * version or sequencer), so a duplicate delivery of the same S3 event finds the job already there and
 * changes nothing.
 */
import { createHash } from 'node:crypto';
import type { BatchKind } from '../../schemas/batch-job.ts';
import { provinceNames } from '../../schemas/codes/provinces.ts';
import { checkUscc } from '../../schemas/codes/uscc.ts';
import type { Role } from '../../schemas/roles.ts';

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
  /** Absent on jobs made before kinds existed: inventory. */
  kind?: BatchKind;
  /** Inventory jobs: the institution the file is for. */
  institutionUscc?: string;
  /** Enterprises and evaluations jobs: the province the file is for. */
  provinceCode?: string;
  /** Who announced the upload (POST /v1/uploads); absent for files dropped straight into the bucket. */
  uploadedBy?: { sub: string; roles: Role[] };
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

/** The key prefix of each kind's files in the drop bucket; the next segment names the owner. */
export const kindPrefixes: Readonly<Record<BatchKind, string>> = {
  inventory: 'inbox/',
  enterprises: 'inbox-enterprises/',
  evaluations: 'inbox-evaluations/',
};

export type KeyOwner =
  | { kind: 'inventory'; institutionUscc: string }
  | { kind: 'enterprises' | 'evaluations'; provinceCode: string };

/** The kind and owner a key names: inbox/<USCC>/..., inbox-enterprises/<province>/..., inbox-evaluations/<province>/... */
export function ownerOfKey(key: string): KeyOwner | undefined {
  const match = /^(inbox|inbox-enterprises|inbox-evaluations)\/([^/]+)\/.+/.exec(key);
  if (!match) return undefined;
  const owner = decodeURIComponent(match[2]!).trim();
  if (match[1] === 'inbox') {
    const check = checkUscc(owner);
    return check.ok ? { kind: 'inventory', institutionUscc: check.code } : undefined;
  }
  if (!provinceNames.has(owner)) return undefined;
  return { kind: match[1] === 'inbox-enterprises' ? 'enterprises' : 'evaluations', provinceCode: owner };
}

export function institutionOfKey(key: string): string | undefined {
  const owner = ownerOfKey(key);
  return owner?.kind === 'inventory' ? owner.institutionUscc : undefined;
}

/** Keys made by POST /v1/uploads carry the job id: <prefix><owner>/<jobId>/<file>. */
export const announcedJobId = (key: string) =>
  /^(?:inbox|inbox-enterprises|inbox-evaluations)\/[^/]+\/([0-9a-f]{24})\/[^/]+$/.exec(key)?.[1];

export async function receiveUpload(
  deps: { jobs: JobStore; now: () => Date; startIngest?: (jobId: string) => Promise<void> },
  object: UploadedObject,
): Promise<UploadOutcome> {
  const owner = ownerOfKey(object.key);
  if (!owner) {
    return {
      outcome: 'ignored',
      reason: `key ${object.key} is not inbox/<unified social credit code>/<file>, inbox-enterprises/<province code>/<file> or inbox-evaluations/<province code>/<file>`,
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
    ...owner,
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
