/**
 * Enterprises as an intake kind: a province administrator registers the enterprises of its province
 * from the enterprise registration template (schemas/market-templates/enterprise.ts). Rows go through
 * the same intake as the inventory (header mapping, validation, duplicates, batches, error report);
 * each valid row is registered verified and indexed for matching by `registerEnterpriseVerified`
 * (functions/market/evaluators.ts), the use-case of the registry, over its store.
 */
import type { ErrorRow } from '../../schemas/batch-job.ts';
import {
  type EnterpriseRecord,
  enterpriseColumns,
  enterpriseTemplate,
  validateEnterpriseRow,
} from '../../schemas/market-templates/enterprise.ts';
import type { Caller } from '../../schemas/roles.ts';
import { type BulkEnterpriseStore, registerEnterpriseVerified } from '../market/evaluators.ts';
import type { Owner, RowWriter, TableKind, WriteOutcome } from './ingest.ts';

const usccColumn = enterpriseColumns.find((c) => c.key === 'uscc')!.zh;

/** The caller a bulk row is registered as: the uploader, administering the file's province. */
export const provinceCaller = (actor: Pick<Caller, 'sub' | 'roles'>, owner: Owner): Caller => ({
  sub: actor.sub,
  roles: actor.roles,
  provinceCode: owner.provinceCode,
});

export const enterpriseKind: TableKind<EnterpriseRecord> = {
  keyColumn: usccColumn,
  headersZh: enterpriseColumns.map((c) => c.zh),
  isKnownHeader: (header) => enterpriseTemplate.columnByHeader(header) !== undefined,
  headerIssues: (headers) => enterpriseTemplate.mapHeaders(headers).issues,
  validate: (raw, row, _today, owner) => {
    const result = validateEnterpriseRow(raw, row, { provinceCode: owner.provinceCode });
    return { record: result.enterprise, errors: result.errors, warnings: result.warnings };
  },
  keyOf: (record) => record.uscc,
  refusal: (row, key, outcome): ErrorRow =>
    outcome === 'owned-by-another'
      ? {
          row,
          column: usccColumn,
          value: key,
          code: 'REGISTERED_IN_ANOTHER_PROVINCE',
          messageZh: `第 ${row} 行：企业 ${key} 已在其他省份登记，本行未导入。如企业已迁入本省，请联系原省份管理员或国家管理员处理`,
          messageEn: `Row ${row}: enterprise ${key} is registered in another province, so this row was not imported. If it moved to your province, ask that province's administrator or a national administrator`,
        }
      : {
          row,
          column: usccColumn,
          value: key,
          code: 'CHANGED_CONCURRENTLY',
          messageZh: `第 ${row} 行：企业 ${key} 在导入期间被他人修改，为避免覆盖，本行未导入。请核对后重新上传本行`,
          messageEn: `Row ${row}: enterprise ${key} was changed by someone else while this file was imported; to avoid overwriting that change this row was not applied. Check it and upload the row again`,
        },
};

/** Registers a batch of rows, one after the other (each is a transaction and its index entries). */
export function enterpriseWriter(deps: {
  store: BulkEnterpriseStore;
  now: () => Date;
}): RowWriter<EnterpriseRecord> {
  return {
    async writeBatch(batch, owner, actor) {
      const caller = provinceCaller(actor, owner);
      const outcomes: WriteOutcome[] = [];
      for (const { row, record } of batch) {
        const outcome = await registerEnterpriseVerified(deps, caller, record);
        outcomes.push({
          row,
          outcome: outcome === 'other-province' ? 'owned-by-another' : outcome,
        });
      }
      return outcomes;
    },
  };
}
