/**
 * POST /v1/uploads: an institution announces a file; it gets a presigned PUT link under
 * inbox/<its USCC>/<jobId>/ and the job id whose progress it can follow. The job waits (queued) until
 * the object arrives; a direct drop under inbox/<USCC>/ needs no announcement.
 */
import { randomBytes } from 'node:crypto';
import type { Caller } from '../../schemas/roles.ts';
import { ForbiddenError, ValidationError } from '../shared/errors.ts';
import { maxFileBytes } from './ingest-file.ts';
import type { BatchJobQueued, JobStore } from './receive-upload.ts';

export const uploadLinkSeconds = 15 * 60;

export interface CreateUploadDeps {
  jobs: JobStore;
  presignPut(bucket: string, key: string, contentType: string, expiresSeconds: number): Promise<string>;
  bucket: string;
  now: () => Date;
}

const allowedExtensions = /\.(csv|xlsx)$/i;

export async function createUpload(
  deps: CreateUploadDeps,
  caller: Caller,
  request: { fileName: string; sizeBytes?: number },
) {
  const uscc = caller.roles.includes('institution') ? caller.orgUscc : undefined;
  if (!uscc) {
    throw new ForbiddenError(
      'Only institution users upload inventory files, and your account names no institution (custom:uscc): ask your administrator.',
    );
  }
  const fileName = request.fileName.replace(/[\\/]/g, '_').trim();
  if (!allowedExtensions.test(fileName)) {
    throw new ValidationError(
      'Upload the inventory as .xlsx or .csv (download the template from /v1/templates/inventory.xlsx).',
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
  const key = `inbox/${uscc}/${jobId}/${fileName}`;
  const contentType = fileName.toLowerCase().endsWith('.csv')
    ? 'text/csv'
    : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const job: BatchJobQueued = {
    jobId,
    institutionUscc: uscc,
    bucket: deps.bucket,
    key,
    fileName,
    sizeBytes: request.sizeBytes ?? 0,
    status: 'queued',
    createdAt: deps.now().toISOString(),
  };
  await deps.jobs.createIfAbsent(job);
  const uploadUrl = await deps.presignPut(deps.bucket, key, contentType, uploadLinkSeconds);
  return { uploadUrl, key, jobId, contentType, expiresInSeconds: uploadLinkSeconds };
}
