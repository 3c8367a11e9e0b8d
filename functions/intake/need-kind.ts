/**
 * Technology needs as an intake kind (issue 15 item 4): a province administrator posts the needs of its
 * province's verified enterprises from the technology-needs template
 * (schemas/market-templates/need.ts). Rows go through the same intake as the other kinds (header
 * mapping, validation, duplicates, batches, error report); each valid row is posted by `postNeedOnce`
 * (functions/needs/needs.ts) as POST /v1/needs posts it for the administrator: open at once, audited,
 * matched with the pool. A row the use-case refuses (an enterprise not registered or not verified in
 * the province) is reported with its reason; the other rows go in.
 *
 * Replays: the need's id is derived from the enterprise and the title (the Idempotency-Key of the
 * API), so the same file uploaded again (or a job retried) posts nothing twice: the same row again is
 * unchanged; the same enterprise and title with other contents is refused, naming the need to close
 * first.
 */
import type { ErrorRow } from '../../schemas/batch-job.ts';
import {
  type NeedRecord,
  needColumns,
  needTemplate,
  validateNeedRow,
} from '../../schemas/market-templates/need.ts';
import { type NeedDeps, postNeedOnce } from '../needs/needs.ts';
import { DomainError } from '../shared/errors.ts';
import { provinceCaller } from './enterprise-kind.ts';
import type { RowWriter, TableKind, WriteOutcome } from './ingest.ts';

const header = (key: string) => needColumns.find((c) => c.key === key)!.zh;
const titleColumn = header('title');

/** The need's key in a file and its Idempotency-Key: the enterprise and the title, spaces folded. */
const keyOf = (record: NeedRecord) =>
  `${record.enterpriseUscc}#${record.title.normalize('NFKC').replace(/\s+/g, ' ')}`;

export const needKind: TableKind<NeedRecord> = {
  keyColumn: titleColumn,
  headersZh: needColumns.map((c) => c.zh),
  isKnownHeader: (h) => needTemplate.columnByHeader(h) !== undefined,
  headerIssues: (headers) => needTemplate.mapHeaders(headers).issues,
  validate: (raw, row, today) => {
    const result = validateNeedRow(raw, row, today);
    return { record: result.record, errors: result.errors, warnings: result.warnings };
  },
  keyOf,
  refusal: (row, key): ErrorRow => ({
    row,
    column: titleColumn,
    value: key,
    code: 'CHANGED_CONCURRENTLY',
    messageZh: `第 ${row} 行：需求 ${key} 在导入期间被他人修改，本行未导入。请核对后重新上传本行`,
    messageEn: `Row ${row}: need ${key} was changed by someone else while this file was imported; this row was not applied. Check it and upload the row again`,
  }),
};

/** The column a refusal of the use-case names: the enterprise, the deadline or the title. */
function refusedColumn(error: DomainError): string {
  const field = (error.details as Array<{ field?: string }> | undefined)?.[0]?.field;
  if (field === 'deadline') return header('deadline');
  if (error.statusCode === 409) return titleColumn;
  return header('enterpriseUscc');
}

/**
 * Posts a batch of needs one after the other, as the uploading administrator of the file's province.
 * A refusal of the use-case (400, 403, 404, 409) is the row's; anything else fails the job (retried).
 */
export function needWriter(deps: NeedDeps): RowWriter<NeedRecord> {
  return {
    async writeBatch(batch, owner, actor) {
      const caller = provinceCaller(actor, owner);
      const outcomes: WriteOutcome[] = [];
      for (const { row, record } of batch) {
        try {
          const { created } = await postNeedOnce(deps, caller, record, `bulk:${keyOf(record)}`);
          outcomes.push({ row, outcome: created ? 'created' : 'unchanged' });
        } catch (error) {
          if (!(error instanceof DomainError) || error.statusCode >= 500) throw error;
          const column = refusedColumn(error);
          const conflict = error.statusCode === 409;
          outcomes.push({
            row,
            outcome: 'refused',
            column,
            value:
              column === titleColumn
                ? record.title
                : column === header('deadline')
                  ? (record.deadline ?? '')
                  : record.enterpriseUscc,
            code: conflict ? 'NEED_POSTED_WITH_OTHER_CONTENTS' : 'NEED_REFUSED',
            messageZh: conflict
              ? `第 ${row} 行：该企业已以此名称发布过内容不同的需求，本行未导入。如需修改，请先关闭原需求（POST /v1/needs/{needId}/closure），再以新名称发布`
              : `第 ${row} 行：未能发布（${error.message}）`,
            messageEn: conflict
              ? `Row ${row}: the enterprise already posted a need of this title with other contents; this row was not imported. To change it, close that need (POST /v1/needs/{needId}/closure) and post it under a new title`
              : `Row ${row}: not posted: ${error.message}`,
          });
        }
      }
      return outcomes;
    },
  };
}
