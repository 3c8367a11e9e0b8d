/**
 * Legal statuses as an intake kind: a province administrator (its own province's patents) or a national
 * administrator (any province's) imports the legal status of registered patents from the legal-status
 * template (schemas/market-templates/legal-status.ts), e.g. an export of CNIPA's register. Rows go
 * through the same intake as the other kinds (header mapping, validation, duplicates, batches, error
 * report); each valid row is applied by `applyLegalStatus` (functions/patents/legal-status.ts): the
 * lifecycle exit or re-screening the same status makes by upload or API, versioned, audited, with its
 * event. A row the use-case refuses is reported with its reason; the other rows go in.
 */
import type { ErrorRow } from '../../schemas/batch-job.ts';
import {
  type LegalStatusRecord,
  legalStatusColumns,
  legalStatusTemplate,
  validateLegalStatusRow,
} from '../../schemas/market-templates/legal-status.ts';
import { applyLegalStatus, type LegalStatusDeps, type LegalStatusField } from '../patents/legal-status.ts';
import { provinceCaller } from './enterprise-kind.ts';
import type { RowWriter, TableKind, WriteOutcome } from './ingest.ts';

const header = (key: LegalStatusField) => legalStatusColumns.find((c) => c.key === key)!.zh;
const numberColumn = header('applicationNumber');

export const legalStatusKind: TableKind<LegalStatusRecord> = {
  keyColumn: numberColumn,
  headersZh: legalStatusColumns.map((c) => c.zh),
  isKnownHeader: (h) => legalStatusTemplate.columnByHeader(h) !== undefined,
  headerIssues: (headers) => legalStatusTemplate.mapHeaders(headers).issues,
  validate: (raw, row, today) => {
    const result = validateLegalStatusRow(raw, row, today);
    return { record: result.record, errors: result.errors, warnings: result.warnings };
  },
  keyOf: (record) => record.applicationNumber,
  refusal: (row, key): ErrorRow => ({
    row,
    column: numberColumn,
    value: key,
    code: 'CHANGED_CONCURRENTLY',
    messageZh: `第 ${row} 行：专利 ${key} 在导入期间被他人修改，为避免覆盖，本行未导入。请核对后重新上传本行（已导入的行再次上传不会重复变更）`,
    messageEn: `Row ${row}: patent ${key} was changed by someone else while this file was imported; to avoid overwriting that change this row was not applied. Check it and upload the row again (rows already imported change nothing when uploaded again)`,
  }),
};

/**
 * Applies a batch of legal statuses one after the other (each is its own transaction: a transition is
 * four items). An administrator whose roles include national-admin changes any province's patents;
 * otherwise (a province administrator, or a file dropped under the province's prefix) only the
 * patents of the file's province. Anything but a refusal of the use-case fails the job (retried).
 */
export function legalStatusWriter(deps: LegalStatusDeps): RowWriter<LegalStatusRecord> {
  return {
    async writeBatch(batch, owner, actor, jobId) {
      const caller = provinceCaller(actor, owner);
      const scope = { provinceCode: owner.provinceCode, national: actor.roles.includes('national-admin') };
      const outcomes: WriteOutcome[] = [];
      for (const { row, record } of batch) {
        const result = await applyLegalStatus(deps, caller, scope, record, jobId);
        if (result.outcome === 'refused') {
          const value =
            result.field === 'applicationNumber'
              ? record.applicationNumber
              : result.field === 'date'
                ? record.date
                : record.legalStatus;
          outcomes.push({
            row,
            outcome: 'refused',
            column: header(result.field),
            value,
            code: result.code,
            messageZh: `第 ${row} 行：${result.messageZh}`,
            messageEn: `Row ${row}: ${result.messageEn}`,
          });
        } else outcomes.push({ row, outcome: result.outcome });
      }
      return outcomes;
    },
  };
}
