/**
 * Evaluations as an intake kind: a province administrator feeds back evaluations collected offline
 * for the conversion-pool patents of its province, in the evaluation feedback template
 * (schemas/market-templates/evaluation.ts). Each valid row is submitted through `submitEvaluationAs`
 * (functions/evaluations/evaluations.ts), the use-case behind PUT /v1/patents/{n}/evaluations/mine:
 * the same rules (pool membership, conflict of interest, verified enterprises, experts on request,
 * one evaluation per evaluator and patent, versioned, the window). A row the use-case refuses is
 * reported with its reason; the other rows go in.
 */

import type { ErrorRow } from '../../schemas/batch-job.ts';
import { chinaDate } from '../../schemas/china-date.ts';
import {
  type EvaluationRecord,
  evaluationColumns,
  evaluationTemplate,
  validateEvaluationRow,
} from '../../schemas/market-templates/evaluation.ts';
import { submitEvaluationAs } from '../evaluations/evaluations.ts';
import type { EvaluationDeps } from '../evaluations/ports.ts';
import { ConflictError, DomainError, ForbiddenError, NotFoundError } from '../shared/errors.ts';
import { provinceCaller } from './enterprise-kind.ts';
import type { RowWriter, TableKind, WriteOutcome } from './ingest.ts';

const header = (key: string) => evaluationColumns.find((c) => c.key === key)!.zh;
const numberColumn = header('applicationNumber');
const evaluatorColumn = header('evaluatorId');
const evaluatorZh = { enterprise: '企业', expert: '专家' } as const;

export const evaluationKind: TableKind<EvaluationRecord> = {
  keyColumn: `${numberColumn}+${evaluatorColumn}`,
  headersZh: evaluationColumns.map((c) => c.zh),
  isKnownHeader: (h) => evaluationTemplate.columnByHeader(h) !== undefined,
  headerIssues: (headers) => evaluationTemplate.mapHeaders(headers).issues,
  validate: (raw, row) => {
    const result = validateEvaluationRow(raw, row);
    return { record: result.evaluation, errors: result.errors, warnings: result.warnings };
  },
  keyOf: (r) => `${r.applicationNumber} ${evaluatorZh[r.evaluator.kind]} ${r.evaluator.id}`,
  refusal: (row, key): ErrorRow => ({
    row,
    column: numberColumn,
    value: key,
    code: 'CHANGED_CONCURRENTLY',
    messageZh: `第 ${row} 行：评价 ${key} 在导入期间被修改，本行未导入。请核对后重新上传本行`,
    messageEn: `Row ${row}: evaluation ${key} changed while this file was imported; this row was not applied. Check it and upload the row again`,
  }),
};

/** Why the evaluation use-case refused a row, as an error-report line (Chinese and English). */
export function refusedEvaluation(
  row: number,
  record: EvaluationRecord,
  provinceCode: string,
  error: DomainError,
): Omit<Extract<WriteOutcome, { outcome: 'refused' }>, 'outcome' | 'row'> {
  const number = record.applicationNumber;
  const who = `${evaluatorZh[record.evaluator.kind]} ${record.evaluator.id}`;
  const messageEn = `Row ${row}: ${error.message}`;
  const details = (error.details ?? {}) as Record<string, unknown>;
  const on = (column: string, value: string, code: string, messageZh: string) => ({
    column,
    value,
    code,
    messageZh: `第 ${row} 行：${messageZh}，本行未导入`,
    messageEn,
  });
  if (error instanceof NotFoundError) {
    return on(
      numberColumn,
      number,
      'NOT_IN_POOL',
      `专利 ${number} 不在本省（${provinceCode}）的转化池中：只能反馈本省已进入转化池的专利的评价，请核对申请号`,
    );
  }
  if (error instanceof ForbiddenError) {
    switch (details.reason) {
      case 'conflict-of-interest':
        return on(
          evaluatorColumn,
          record.evaluator.id,
          'CONFLICT_OF_INTEREST',
          `${who} 是专利 ${number} 的所属单位${record.evaluator.kind === 'expert' ? '的人员' : ''}，存在利益冲突，不能评价本单位的专利`,
        );
      case 'enterprise-not-verified': {
        const status =
          details.status === 'pending'
            ? '尚待审核'
            : details.status === 'rejected'
              ? '登记已被驳回'
              : '尚未登记';
        return on(
          evaluatorColumn,
          record.evaluator.id,
          'EVALUATOR_NOT_VERIFIED',
          `企业 ${record.evaluator.id} ${status}：只有审核通过的企业可以评价，请先登记并审核（可用企业批量登记模板）后重新上传本行`,
        );
      }
      case 'expert-not-registered':
        return on(
          evaluatorColumn,
          record.evaluator.id,
          'EXPERT_NOT_REGISTERED',
          `专家 ${record.evaluator.id} 尚未登记专家信息（PUT /v1/experts/me）：其所在单位决定利益冲突，请先登记`,
        );
      case 'expert-inactive':
        return on(
          evaluatorColumn,
          record.evaluator.id,
          'EXPERT_INACTIVE',
          `专家 ${record.evaluator.id} 已停用，请联系管理员重新启用`,
        );
      case 'not-requested':
        return on(
          evaluatorColumn,
          record.evaluator.id,
          'NOT_REQUESTED',
          `专利 ${number} 未推送给专家 ${record.evaluator.id}：专家只评价推送给他的专利`,
        );
      default:
        return on(evaluatorColumn, record.evaluator.id, 'FORBIDDEN', `不允许提交该评价（${error.message}）`);
    }
  }
  if (error instanceof ConflictError && typeof details.closedAt === 'string') {
    return on(
      numberColumn,
      number,
      'WINDOW_CLOSED',
      `专利 ${number} 的评价窗口已于 ${chinaDate(details.closedAt)} 关闭${details.closedReason === 'quorum' ? '（已收到足够的评价）' : '（已到截止日）'}，不再接受或修改评价`,
    );
  }
  if (error instanceof ConflictError) {
    return on(
      numberColumn,
      number,
      'CHANGED_CONCURRENTLY',
      `${who} 对专利 ${number} 的评价在导入期间被修改，请核对后重新上传本行`,
    );
  }
  return on(numberColumn, number, 'INVALID_VALUE', `无法保存该评价（${error.message}）`);
}

/**
 * Submits a batch of evaluations one after the other (rows of one patent must not race for its
 * window). An evaluation identical to the stored one is `unchanged`: uploading a file twice changes
 * nothing. Domain refusals become rows of the error report; anything else fails the job (retried).
 */
export function evaluationWriter(deps: EvaluationDeps): RowWriter<EvaluationRecord> {
  return {
    async writeBatch(batch, owner, actor) {
      const caller = provinceCaller(actor, owner);
      const outcomes: WriteOutcome[] = [];
      for (const { row, record } of batch) {
        try {
          const result = await submitEvaluationAs(
            deps,
            caller,
            record.evaluator,
            record.applicationNumber,
            record.input,
            { provinceCode: owner.provinceCode, skipUnchanged: true },
          );
          outcomes.push({
            row,
            outcome: result.unchanged ? 'unchanged' : result.created ? 'created' : 'updated',
          });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          outcomes.push({
            row,
            outcome: 'refused',
            ...refusedEvaluation(row, record, owner.provinceCode, error),
          });
        }
      }
      return outcomes;
    },
  };
}
