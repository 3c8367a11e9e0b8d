/**
 * POST /v1/uploads: an institution announces an inventory file, a province administrator a file of
 * enterprises or evaluations; it gets a presigned POST (url + form fields) for exactly the key
 * <prefix of the kind>/<its USCC or province>/<jobId>/<file>, and the job id whose progress it can
 * follow. The POST policy binds the key, the content type and the size (content-length-range up to
 * maxFileBytes): S3 itself refuses a larger file or another type, where a presigned PUT bound
 * neither. The job waits (queued) until the object arrives; a direct drop under the prefix needs no
 * announcement.
 */
import { randomBytes } from 'node:crypto';
import type { BatchKind } from '../../schemas/batch-job.ts';
import type { Caller } from '../../schemas/roles.ts';
import { ForbiddenError, ValidationError } from '../shared/errors.ts';
import { type BatchJobQueued, type JobStore, kindPrefixes } from './receive-upload.ts';
import { maxFileBytes } from './table.ts';

export const uploadLinkSeconds = 15 * 60;

/** What the signed POST policy must bind: the exact key, the content type, the size range. */
export interface UploadPolicy {
  bucket: string;
  key: string;
  contentType: string;
  minBytes: number;
  maxBytes: number;
  expiresSeconds: number;
}

/** A presigned POST: the form's action URL and the fields to send before the file. */
export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

export interface CreateUploadDeps {
  jobs: JobStore;
  presignPost(policy: UploadPolicy): Promise<PresignedPost>;
  bucket: string;
  now: () => Date;
}

const allowedExtensions = /\.(csv|xlsx)$/i;

/** The template a kind's file follows (GET /v1/templates/<name>.xlsx). */
export const templateOfKind: Readonly<Record<BatchKind, string>> = {
  inventory: 'inventory',
  enterprises: 'enterprises',
  evaluations: 'evaluation',
};

/** Whom the caller may upload a file of `kind` for: its institution, or its province. */
function ownerFor(caller: Caller, kind: BatchKind): { institutionUscc: string } | { provinceCode: string } {
  if (kind === 'inventory') {
    const uscc = caller.roles.includes('institution') ? caller.orgUscc : undefined;
    if (!uscc) {
      throw new ForbiddenError(
        'Only institution users upload inventory files, and your account names no institution (custom:uscc): ask your administrator.',
      );
    }
    return { institutionUscc: uscc };
  }
  const administers = caller.roles.includes('province-admin') || caller.roles.includes('national-admin');
  if (!administers || !caller.provinceCode) {
    throw new ForbiddenError(
      administers
        ? `Files of ${kind} are uploaded for one province, and your account names none (custom:province): ask for an account with a province.`
        : `Only province administrators upload ${kind === 'enterprises' ? 'enterprise registrations' : 'evaluation feedback'} in bulk; enterprises register themselves with POST /v1/enterprises, evaluators use PUT /v1/patents/{applicationNumber}/evaluations/mine.`,
    );
  }
  return { provinceCode: caller.provinceCode };
}

export async function createUpload(
  deps: CreateUploadDeps,
  caller: Caller,
  request: { fileName: string; sizeBytes?: number; kind?: BatchKind },
) {
  const kind = request.kind ?? 'inventory';
  const owner = ownerFor(caller, kind);
  const fileName = request.fileName.replace(/[\\/]/g, '_').trim();
  if (!allowedExtensions.test(fileName)) {
    throw new ValidationError(
      `Upload the file as .xlsx or .csv (download the template from /v1/templates/${templateOfKind[kind]}.xlsx).`,
      [{ in: 'body', field: 'fileName', message: 'must end in .xlsx or .csv' }],
    );
  }
  if (request.sizeBytes !== undefined && request.sizeBytes > maxFileBytes) {
    throw new ValidationError(
      `The file is larger than the ${maxFileBytes / 1024 / 1024} MB limit: split it into several files.`,
      [{ in: 'body', field: 'sizeBytes', message: `at most ${maxFileBytes}` }],
    );
  }
  const jobId = randomBytes(12).toString('hex');
  const ownerSegment = 'institutionUscc' in owner ? owner.institutionUscc : owner.provinceCode;
  const key = `${kindPrefixes[kind]}${ownerSegment}/${jobId}/${fileName}`;
  const contentType = fileName.toLowerCase().endsWith('.csv')
    ? 'text/csv'
    : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const job: BatchJobQueued = {
    jobId,
    kind,
    ...owner,
    uploadedBy: { sub: caller.sub, roles: caller.roles },
    bucket: deps.bucket,
    key,
    fileName,
    sizeBytes: request.sizeBytes ?? 0,
    status: 'queued',
    createdAt: deps.now().toISOString(),
  };
  await deps.jobs.createIfAbsent(job);
  const { url, fields } = await deps.presignPost({
    bucket: deps.bucket,
    key,
    contentType,
    minBytes: 0,
    maxBytes: maxFileBytes,
    expiresSeconds: uploadLinkSeconds,
  });
  return {
    method: 'POST' as const,
    url,
    fields,
    key,
    jobId,
    contentType,
    maxBytes: maxFileBytes,
    expiresInSeconds: uploadLinkSeconds,
  };
}
