/**
 * An object created under inbox/<USCC>/ (an institution's inventory), inbox-enterprises/<province>/
 * inbox-evaluations/<province>/, inbox-legal-status/<province>/ or inbox-needs/<province>/ (a province's
 * bulk enterprise registration, evaluation feedback, legal-status import or technology needs) opens one batch job of that kind. The job id is derived from the object's identity (bucket, key,
 * version or sequencer), so a duplicate delivery of the same S3 event finds the job already there and
 * changes nothing.
 *
 * A key that names an announced job (<prefix><owner>/<jobId>/<file>) is that job's file only if it is
 * exactly the key the job was announced with (same kind, same owner, same file) and the job still
 * waits for its file (queued, nothing attached): the store checks both in the write's condition. A
 * drop that names another owner's job (inbox/<C>/<A's jobId>/x) is refused: never attached to A's
 * job, recorded as a failed job of the key's owner with the reason, and nothing is ingested.
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
  /** Who stored the object (the S3 event's userIdentity.principalId): recorded on the job. */
  principalId?: string;
}

export interface BatchJobQueued {
  jobId: string;
  /** Absent on jobs made before kinds existed: inventory. */
  kind?: BatchKind;
  /** Inventory jobs: the institution the file is for. */
  institutionUscc?: string;
  /** Enterprises, evaluations and legal-status jobs: the province the file is for. */
  provinceCode?: string;
  /** Who announced the upload (POST /v1/uploads); absent for files dropped straight into the bucket. */
  uploadedBy?: { sub: string; roles: Role[]; department?: string };
  /** Who stored a file dropped straight into the bucket (S3 event userIdentity.principalId). */
  droppedBy?: { principalId: string };
  bucket: string;
  key: string;
  fileName: string;
  sizeBytes: number;
  status: 'queued';
  createdAt: string;
  /**
   * Inventory jobs: the mapping profile the file is read with: the one the upload named, else (set
   * when the file is read) `default` if the institution has it; `version` is the version read.
   */
  profile?: { name: string; version?: number };
}

/** A drop refused before any row was read: recorded as a job of the key's owner that failed. */
export interface BatchJobRefused extends Omit<BatchJobQueued, 'status'> {
  status: 'failed';
  failure: { code: string; messageZh: string; messageEn: string };
  finishedAt: string;
}

/**
 * What attaching an object to an announced job found: 'received' (attached now), 'duplicate' (this
 * object was attached before), 'other' (the job's own key, but the job has another object or no
 * longer waits), 'foreign' (the job exists but was announced for another key: another owner, kind or
 * file), 'absent' (no such job).
 */
export type AttachResult = 'received' | 'duplicate' | 'other' | 'foreign' | 'absent';

export interface JobStore {
  /** Creates the job unless it exists; returns false for a duplicate. */
  createIfAbsent(job: BatchJobQueued | BatchJobRefused): Promise<boolean>;
  /**
   * A job announced by POST /v1/uploads receives its object: records the object's identity once, on
   * the condition that the job exists, was announced for exactly this key, is queued and has no
   * object yet (one conditional write: no read-then-write race).
   */
  attachObject(
    jobId: string,
    object: { key: string; sequencer: string; sizeBytes: number; fileName: string; principalId?: string },
  ): Promise<AttachResult>;
}

export type UploadOutcome =
  | { outcome: 'queued' | 'duplicate'; jobId: string }
  | { outcome: 'refused'; jobId: string; reason: string }
  | { outcome: 'ignored'; reason: string };

/** The message recorded on a refused drop: what happened and what to do instead. */
export function notTheAnnouncedUpload(announced: string) {
  return {
    code: 'NOT_THE_ANNOUNCED_UPLOAD',
    messageZh: `该文件存放在上传任务 ${announced} 的路径下，但该任务属于其他单位或其他文件：文件未被导入。请通过 POST /v1/uploads 获取上传表单并原样提交，或将文件放在本单位目录下的其他文件夹中。`,
    messageEn: `This file was stored under the id of upload job ${announced}, which was announced by another owner or for another file: it was not attached to that job and nothing was imported. Upload through POST /v1/uploads and send the returned form unchanged, or drop the file under your own prefix in a folder of your own.`,
  };
}

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
  'legal-status': 'inbox-legal-status/',
  needs: 'inbox-needs/',
};

/** The province kinds, by the first segment of their keys. */
const provinceKindOfSegment: Readonly<Record<string, Exclude<BatchKind, 'inventory'>>> = {
  'inbox-enterprises': 'enterprises',
  'inbox-evaluations': 'evaluations',
  'inbox-legal-status': 'legal-status',
  'inbox-needs': 'needs',
};

export type KeyOwner =
  | { kind: 'inventory'; institutionUscc: string }
  | { kind: Exclude<BatchKind, 'inventory'>; provinceCode: string };

/**
 * The kind and owner a key names: inbox/<USCC>/..., inbox-enterprises/<province>/...,
 * inbox-evaluations/<province>/..., inbox-legal-status/<province>/...
 */
export function ownerOfKey(key: string): KeyOwner | undefined {
  const match =
    /^(inbox|inbox-enterprises|inbox-evaluations|inbox-legal-status|inbox-needs)\/([^/]+)\/.+/.exec(key);
  if (!match) return undefined;
  const owner = decodeURIComponent(match[2]!).trim();
  if (match[1] === 'inbox') {
    const check = checkUscc(owner);
    return check.ok ? { kind: 'inventory', institutionUscc: check.code } : undefined;
  }
  if (!provinceNames.has(owner)) return undefined;
  return { kind: provinceKindOfSegment[match[1]!]!, provinceCode: owner };
}

export function institutionOfKey(key: string): string | undefined {
  const owner = ownerOfKey(key);
  return owner?.kind === 'inventory' ? owner.institutionUscc : undefined;
}

/** Keys made by POST /v1/uploads carry the job id: <prefix><owner>/<jobId>/<file>. */
export const announcedJobId = (key: string) =>
  /^(?:inbox|inbox-enterprises|inbox-evaluations|inbox-legal-status|inbox-needs)\/[^/]+\/([0-9a-f]{24})\/[^/]+$/.exec(
    key,
  )?.[1];

export async function receiveUpload(
  deps: { jobs: JobStore; now: () => Date; startIngest?: (jobId: string) => Promise<void> },
  object: UploadedObject,
): Promise<UploadOutcome> {
  const owner = ownerOfKey(object.key);
  if (!owner) {
    return {
      outcome: 'ignored',
      reason: `key ${object.key} is not inbox/<unified social credit code>/<file>, inbox-enterprises/<province code>/<file>, inbox-evaluations/<province code>/<file>, inbox-legal-status/<province code>/<file> or inbox-needs/<province code>/<file>`,
    };
  }
  const fileName = object.key.split('/').pop() ?? object.key;
  const announced = announcedJobId(object.key);
  if (announced) {
    const attached = await deps.jobs.attachObject(announced, {
      key: object.key,
      sequencer: object.sequencer ?? object.versionId ?? object.eTag ?? object.eventTime,
      sizeBytes: object.size,
      fileName,
      ...(object.principalId ? { principalId: object.principalId } : {}),
    });
    if (attached === 'duplicate') {
      // Redelivered: the first delivery may have failed between recording the file and starting the
      // ingest (S3 retries the event then). Starting again is a no-op when it did start: the job id
      // names the execution (startIngest), and a job runs once (its claim).
      await deps.startIngest?.(announced);
      return { outcome: 'duplicate', jobId: announced };
    }
    if (attached === 'received') {
      await deps.startIngest?.(announced);
      return { outcome: 'queued', jobId: announced };
    }
    if (attached === 'foreign') {
      // Another owner's (or another file's) job id in this key: never that job's file.
      const jobId = jobIdFor(object);
      const at = deps.now().toISOString();
      const failure = notTheAnnouncedUpload(announced);
      const created = await deps.jobs.createIfAbsent({
        jobId,
        ...owner,
        ...(object.principalId ? { droppedBy: { principalId: object.principalId } } : {}),
        bucket: object.bucket,
        key: object.key,
        fileName,
        sizeBytes: object.size,
        status: 'failed',
        failure,
        createdAt: at,
        finishedAt: at,
      });
      return created
        ? { outcome: 'refused', jobId, reason: failure.messageEn }
        : { outcome: 'duplicate', jobId };
    }
    // 'other' (a second file sent to the same form) or 'absent' (a folder that only looks like a job
    // id): a job of its own under the key's owner, as for a direct drop.
  }
  const jobId = jobIdFor(object);
  const created = await deps.jobs.createIfAbsent({
    jobId,
    ...owner,
    ...(object.principalId ? { droppedBy: { principalId: object.principalId } } : {}),
    bucket: object.bucket,
    key: object.key,
    fileName,
    sizeBytes: object.size,
    status: 'queued',
    createdAt: deps.now().toISOString(),
  });
  // Also for a duplicate: see the announced case above.
  await deps.startIngest?.(jobId);
  return { outcome: created ? 'queued' : 'duplicate', jobId };
}
