/**
 * POST /v1/patents (one) and POST /v1/patents:batch (up to 1,000): the same intake use-case as files,
 * fed with JSON rows. Keys may be the record's (applicationNumber, title ...), the template's Chinese
 * headers or English aliases; values may be strings, numbers, booleans or lists.
 */
import type { Institution } from '../../schemas/institution.ts';
import type { Caller } from '../../schemas/roles.ts';
import { type IngestResult, ingestRecords, type PatentWriter } from '../intake/ingest.ts';
import type { TableRow } from '../intake/table.ts';
import { ConflictError, ForbiddenError, PayloadTooLargeError, ValidationError } from '../shared/errors.ts';

export const maxBatchRows = 1000;

export interface RegisterPatentsDeps {
  patents: PatentWriter;
  institutions: { get(uscc: string): Promise<Institution | undefined> };
  today: string;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cellText).join('；');
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

async function ownerOf(deps: RegisterPatentsDeps, caller: Caller) {
  if (!caller.orgUscc) {
    throw new ForbiddenError(
      'Your account names no institution (custom:uscc): ask your administrator to set it.',
    );
  }
  const institution = await deps.institutions.get(caller.orgUscc);
  if (!institution) {
    throw new ForbiddenError(
      `Your institution ${caller.orgUscc} is not registered: ask your province administrator to register it first.`,
    );
  }
  return { uscc: institution.uscc, provinceCode: institution.provinceCode, name: institution.name };
}

export async function registerPatents(
  deps: RegisterPatentsDeps,
  caller: Caller,
  rows: Array<Record<string, unknown>>,
): Promise<IngestResult> {
  if (rows.length > maxBatchRows) {
    throw new PayloadTooLargeError(
      `A batch holds at most ${maxBatchRows} rows, this one ${rows.length}: upload larger inventories as a file with POST /v1/uploads (CSV or XLSX, up to 100 MB).`,
    );
  }
  if (rows.length === 0) throw new ValidationError('Send at least one row: {"rows": [{...}]}.');
  const owner = await ownerOf(deps, caller);
  const headers = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const tableRows = (async function* (): AsyncGenerator<TableRow> {
    for (const [i, row] of rows.entries())
      yield { rowNumber: i + 1, cells: headers.map((h) => cellText(row[h])) };
  })();
  return ingestRecords(
    { writer: deps.patents, today: deps.today, concurrency: 4 },
    owner,
    caller,
    tableRows,
    headers,
  );
}

/**
 * One patent: 400 with the row's problems; 409 when it belongs to another institution, changed
 * meanwhile, or its review no longer allows inventory changes (submitted / approved).
 */
export async function registerPatent(
  deps: RegisterPatentsDeps,
  caller: Caller,
  row: Record<string, unknown>,
) {
  const result = await registerPatents(deps, caller, [row]);
  const error = result.errors[0];
  if (error) {
    const details = result.errors.map((e) => ({
      in: 'body',
      field: e.column,
      value: e.value,
      code: e.code,
      message: e.messageEn,
      messageZh: e.messageZh,
    }));
    if (
      error.code === 'OWNED_BY_ANOTHER_INSTITUTION' ||
      error.code === 'CHANGED_CONCURRENTLY' ||
      error.code === 'INVENTORY_LOCKED'
    ) {
      throw new ConflictError(error.messageEn.replace(/^Row 1: /, ''), details);
    }
    if (error.code === 'OTHER_DEPARTMENT')
      throw new ForbiddenError(error.messageEn.replace(/^Row 1: /, ''), details);
    throw new ValidationError(
      `The patent is not valid: fix ${result.errors.map((e) => e.column).join(', ')} and send it again.`,
      details,
    );
  }
  const outcome = result.rowsCreated ? 'created' : result.rowsUpdated ? 'updated' : 'unchanged';
  return { outcome, warnings: result.warnings };
}
