/**
 * POST /v1/uploads: an institution announces an inventory file, a province administrator a file of
 * enterprises or evaluations; it gets a presigned POST (url + form fields) for exactly the key
 * <prefix of the kind>/<its USCC or province>/<jobId>/<file>, and the job id whose progress it can
 * follow. The POST policy binds the key, the content type and the size (content-length-range up to
 * maxFileBytes): S3 itself refuses a larger file or another type, where a presigned PUT bound
 * neither. The job waits (queued) until the object arrives; a direct drop under the prefix needs no
 * announcement.
 *
 * An inventory upload may name the institution's mapping profile (`profile`): it must exist now, and
 * the job records it (the version read is recorded when the file is read). With `mode: "preview"` the
 * file goes to inbox-preview/<USCC>/<previewId>/<file> instead: no job, no notification, nothing
 * imported; POST /v1/uploads/{previewId}/preview reads it (docs/intake.md, "Preview").
 */
import { randomBytes } from 'node:crypto';
import type { BatchKind } from '../../schemas/batch-job.ts';
import type { Caller } from '../../schemas/roles.ts';
import { ForbiddenError, ValidationError } from '../shared/errors.ts';
import { type MappingProfileStore, profileForUpload } from './mapping-profiles.ts';
import { type BatchJobQueued, type JobStore, kindPrefixes } from './receive-upload.ts';
import { maxFileBytes } from './table.ts';

export const uploadLinkSeconds = 15 * 60;

/** Where preview files go: write-protected like inbox/ (the prefix starts with it), no S3 notification, kept one day. */
export const previewPrefix = 'inbox-preview/';
export const previewKeyPrefix = (uscc: string, previewId: string) => `${previewPrefix}${uscc}/${previewId}/`;

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
  /** The institution's mapping profiles (an upload naming one). */
  profiles?: Pick<MappingProfileStore, 'get'>;
}

/**
 * The file names an upload may have, and the type its presigned POST binds. The reader tells the format
 * from the bytes (functions/intake/read-table.ts): .xls and .xml may be Excel 2003 XML spreadsheets
 * (read) or the binary Excel 97-2003 format / a web page (the job fails saying to save as .xlsx); .txt
 * and .tsv are Excel's and WPS's tab-separated text exports.
 */
const extensionOf = (fileName: string) => {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
};
const contentTypes: Record<string, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  xml: 'application/xml',
  txt: 'text/plain',
  tsv: 'text/tab-separated-values',
};

/** The template a kind's file follows (GET /v1/templates/<name>.xlsx). */
export const templateOfKind: Readonly<Record<BatchKind, string>> = {
  inventory: 'inventory',
  enterprises: 'enterprises',
  evaluations: 'evaluation',
  'legal-status': 'legal-status',
  needs: 'needs',
};

const bulkWhat: Readonly<Record<Exclude<BatchKind, 'inventory'>, string>> = {
  enterprises: 'enterprise registrations',
  evaluations: 'evaluation feedback',
  'legal-status': 'legal statuses',
  needs: 'technology needs',
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
        : `Only province administrators upload ${bulkWhat[kind]} in bulk; enterprises register themselves with POST /v1/enterprises, evaluators use PUT /v1/patents/{applicationNumber}/evaluations/mine, institutions record a patent's legal status in their inventory, enterprises post their needs with POST /v1/needs.`,
    );
  }
  return { provinceCode: caller.provinceCode };
}

export interface UploadRequest {
  fileName: string;
  sizeBytes?: number;
  kind?: BatchKind;
  mode?: 'import' | 'preview';
  profile?: string;
}
type Announced = Awaited<ReturnType<typeof announce>>;
type ImportAnnounced = Extract<Announced, { jobId: string }>;
type PreviewAnnounced = Extract<Announced, { previewId: string }>;

export function createUpload(
  deps: CreateUploadDeps,
  caller: Caller,
  request: UploadRequest & { mode: 'preview' },
): Promise<PreviewAnnounced>;
export function createUpload(
  deps: CreateUploadDeps,
  caller: Caller,
  request: UploadRequest & { mode?: 'import' },
): Promise<ImportAnnounced>;
export function createUpload(
  deps: CreateUploadDeps,
  caller: Caller,
  request: UploadRequest,
): Promise<Announced>;
export function createUpload(deps: CreateUploadDeps, caller: Caller, request: UploadRequest) {
  return announce(deps, caller, request);
}

async function announce(deps: CreateUploadDeps, caller: Caller, request: UploadRequest) {
  const kind = request.kind ?? 'inventory';
  const owner = ownerFor(caller, kind);
  if (kind !== 'inventory' && (request.mode === 'preview' || request.profile !== undefined)) {
    throw new ValidationError(
      `Previews and mapping profiles are for inventory files; ${kind} files follow their template (/v1/templates/${templateOfKind[kind]}.xlsx): announce it without mode and profile.`,
      [
        {
          in: 'body',
          field: request.profile !== undefined ? 'profile' : 'mode',
          message: 'inventory files only',
        },
      ],
    );
  }
  if (request.mode === 'preview' && request.profile !== undefined) {
    throw new ValidationError(
      'A preview names its profile when it is read (POST /v1/uploads/{previewId}/preview with profile): announce the file without profile.',
      [{ in: 'body', field: 'profile', message: 'not with mode preview' }],
    );
  }
  const fileName = request.fileName.replace(/[\\/]/g, '_').trim();
  const extension = extensionOf(fileName);
  const contentType = Object.hasOwn(contentTypes, extension) ? contentTypes[extension] : undefined;
  if (!contentType) {
    throw new ValidationError(
      `Upload the file as .xlsx or .csv (download the template from /v1/templates/${templateOfKind[kind]}.xlsx); Excel 2003 XML (.xls, .xml) and tab-separated text (.txt, .tsv) are read too.`,
      [{ in: 'body', field: 'fileName', message: 'must end in .xlsx, .csv, .xls, .xml, .txt or .tsv' }],
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
  const post = async (key: string) =>
    deps.presignPost({
      bucket: deps.bucket,
      key,
      contentType,
      minBytes: 0,
      maxBytes: maxFileBytes,
      expiresSeconds: uploadLinkSeconds,
    });
  if (request.mode === 'preview') {
    // Nothing to record: the key names the institution, and only its users find it (preview-upload.ts).
    const key = `${previewKeyPrefix(ownerSegment, jobId)}${fileName}`;
    const { url, fields } = await post(key);
    return {
      method: 'POST' as const,
      url,
      fields,
      key,
      previewId: jobId,
      previewPath: `/v1/uploads/${jobId}/preview`,
      contentType,
      maxBytes: maxFileBytes,
      expiresInSeconds: uploadLinkSeconds,
    };
  }
  if (request.profile !== undefined) {
    if (!deps.profiles) throw new Error('createUpload has no mapping profile store');
    await profileForUpload(deps.profiles, ownerSegment, request.profile);
  }
  const key = `${kindPrefixes[kind]}${ownerSegment}/${jobId}/${fileName}`;
  const job: BatchJobQueued = {
    jobId,
    kind,
    ...owner,
    uploadedBy: {
      sub: caller.sub,
      roles: caller.roles,
      ...(caller.department !== undefined ? { department: caller.department } : {}),
    },
    bucket: deps.bucket,
    key,
    fileName,
    sizeBytes: request.sizeBytes ?? 0,
    status: 'queued',
    createdAt: deps.now().toISOString(),
    ...(request.profile !== undefined ? { profile: { name: request.profile } } : {}),
  };
  await deps.jobs.createIfAbsent(job);
  const { url, fields } = await post(key);
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
