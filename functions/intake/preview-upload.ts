/**
 * POST /v1/uploads/{previewId}/preview: reads a file sent with a preview upload (POST /v1/uploads,
 * mode "preview") as an import would, and writes nothing (./preview.ts). The file is found under the
 * caller's own institution's prefix only, so another institution's preview id is as absent (404). The
 * mapping tried is the one in the request, else the named profile, else the institution's `default`.
 */
import type { Readable } from 'node:stream';
import { chinaDate } from '../../schemas/china-date.ts';
import type { Mapping, UploadPreview } from '../../schemas/mapping-profile.ts';
import type { Caller } from '../../schemas/roles.ts';
import { ForbiddenError, NotFoundError } from '../shared/errors.ts';
import type { ProfileInUse } from './headers.ts';
import { inventoryKindWith } from './ingest.ts';
import { type MappingProfileStore, profileForUpload } from './mapping-profiles.ts';
import { previewTable } from './preview.ts';
import { chooseHeader, readTableRows } from './read-table.ts';
import { previewKeyPrefix } from './uploads.ts';

export interface PreviewUploadDeps {
  bucket: string;
  findObject(bucket: string, prefix: string): Promise<{ key: string; size: number } | undefined>;
  openObject(bucket: string, key: string): Promise<Readable>;
  profiles: Pick<MappingProfileStore, 'get'>;
  /** The institution's registered name (co-owners are the patentees other than it). */
  institutionName(uscc: string): Promise<string | undefined>;
  now: () => Date;
  /** How long the preview may read before answering with what it has (the API waits 29 s). */
  budgetMs?: number;
}

export async function previewUpload(
  deps: PreviewUploadDeps,
  caller: Caller,
  previewId: string,
  request: { profile?: string; mapping?: Mapping; sampleRows: number },
): Promise<UploadPreview> {
  const uscc = caller.roles.includes('institution') ? caller.orgUscc : undefined;
  if (!uscc) {
    throw new ForbiddenError(
      'Only institution users preview inventory files, and your account names no institution (custom:uscc): ask your administrator.',
    );
  }
  const object = await deps.findObject(deps.bucket, previewKeyPrefix(uscc, previewId));
  if (!object) {
    throw new NotFoundError(
      `No preview upload ${previewId} of your institution: announce one with POST /v1/uploads (mode "preview") and send the file with the returned form first (a preview file is kept one day).`,
    );
  }
  const saved = request.mapping ? undefined : await profileForUpload(deps.profiles, uscc, request.profile);
  const profile: ProfileInUse | undefined = request.mapping ?? saved;
  const kind = inventoryKindWith(profile);
  const institutionName = await deps.institutionName(uscc);
  const started = deps.now().getTime();
  const budget = deps.budgetMs ?? 20_000;
  const body = await deps.openObject(deps.bucket, object.key);
  try {
    const rows = readTableRows(body, {
      isTableSheet: (firstRows) => chooseHeader(firstRows, (h) => kind.isKnownHeader(h)) !== undefined,
    });
    const preview = await previewTable(rows, {
      today: chinaDate(deps.now()),
      ...(institutionName ? { institutionName } : {}),
      ...(profile ? { profile } : {}),
      ...(caller.department !== undefined ? { department: caller.department } : {}),
      sampleRows: request.sampleRows,
      pastDeadline: () => deps.now().getTime() - started > budget,
    });
    return { previewId, fileName: object.key.split('/').pop() ?? object.key, ...preview };
  } finally {
    body.destroy();
  }
}
