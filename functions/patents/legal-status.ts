/**
 * A legal status from CNIPA's register, imported by an administrator (functions/intake/legal-status-kind.ts):
 * the same change of legal status the inventory upload makes (./exits.ts `planStatusChange`), so that
 * a 权利终止 / 未缴年费终止 / 放弃 / 无效 row is the `lapsed` exit, 届满 the `expired` one, and another
 * status that screens an approved patent differently is `rescreened`: versioned, with the transition's
 * audit entry and pipeline event, exactly as by upload or API. On a patent whose inventory is not
 * approved yet the status is recorded alone (versioned and audited); the approval screens it.
 *
 * Per row: an unknown application number, a patent of another province (for a province administrator),
 * a status older than the one recorded and a patent that left the pipeline by another exit are refused
 * with their reason; a patent already in that status or state is unchanged (re-importing a file changes
 * nothing). Plain TypeScript over the review store's port: tested without AWS.
 */
import type { LifecycleState } from '../../schemas/lifecycle.ts';
import { terminalStates } from '../../schemas/lifecycle.ts';
import type { LegalStatusRecord } from '../../schemas/market-templates/legal-status.ts';
import type { Caller } from '../../schemas/roles.ts';
import { currentLifecycle } from '../pipeline/transitions.ts';
import { isLapseStatus } from './availability.ts';
import { planStatusChange, type StatusSubject } from './exits.ts';
import type { ReviewChange, ReviewedPatent, ReviewStore } from './inventory-review.ts';

/** The patent as the import reads it (the review store's item). */
export type LegalStatusSubject = ReviewedPatent & {
  evaluationStatus?: string;
  /** The announcement day of the status last imported. */
  legalStatusDate?: string;
};

export interface LegalStatusDeps {
  store: Pick<ReviewStore, 'get' | 'apply'>;
  now: () => Date;
}

/** Whose patents the import may change: a province's, or (national administrators) every province's. */
export interface LegalStatusScope {
  provinceCode: string;
  national: boolean;
}

/** Which cell of the row a refusal is about. */
export type LegalStatusField = 'applicationNumber' | 'legalStatus' | 'date';

export type LegalStatusOutcome =
  | { outcome: 'updated'; event?: 'lapsed' | 'expired' | 'rescreened' }
  | { outcome: 'unchanged'; reason: 'same-status' | 'already-in-state' }
  | { outcome: 'changed-concurrently' }
  | {
      outcome: 'refused';
      field: LegalStatusField;
      code: 'UNKNOWN_PATENT' | 'OTHER_PROVINCE' | 'OLDER_THAN_RECORDED' | 'PATENT_EXITED';
      /** The reason and what to do, without the row (the intake adds it). */
      messageZh: string;
      messageEn: string;
    };

export const legalStatusZh: Readonly<Record<string, string>> = {
  valid: '有效',
  pending: '审中',
  terminated: '权利终止',
  abandoned: '放弃',
  invalidated: '无效',
  expired: '届满',
  lapsed: '失效',
};

const lifecycleZh: Partial<Record<LifecycleState, string>> = {
  withdrawn: '已撤回',
  expired: '保护期届满',
  lapsed: '权利终止',
};

/** The final state a status leads to, if any: a lapse status to lapsed, 届满 to expired. */
const exitOf = (legalStatus: string): LifecycleState | undefined =>
  isLapseStatus(legalStatus) ? 'lapsed' : legalStatus === 'expired' ? 'expired' : undefined;

/** Applies one imported legal status to its patent (see the module comment). */
export async function applyLegalStatus(
  deps: LegalStatusDeps,
  caller: Caller,
  scope: LegalStatusScope,
  record: LegalStatusRecord,
  jobId?: string,
): Promise<LegalStatusOutcome> {
  const n = record.applicationNumber;
  const patent = (await deps.store.get(n)) as LegalStatusSubject | undefined;
  if (!patent) {
    return {
      outcome: 'refused',
      field: 'applicationNumber',
      code: 'UNKNOWN_PATENT',
      messageZh: `专利 ${n} 未在系统中登记，本行未导入。法律状态导入只更新已登记的专利：请核对申请号；如该专利尚未盘点，请所属单位先通过盘点模板登记`,
      messageEn: `Patent ${n} is not registered, so this row was not imported. A legal-status import updates registered patents only: check the application number; if the patent was never inventoried, its institution registers it first (inventory template)`,
    };
  }
  if (!scope.national && patent.provinceCode !== scope.provinceCode) {
    return {
      outcome: 'refused',
      field: 'applicationNumber',
      code: 'OTHER_PROVINCE',
      messageZh: `专利 ${n} 属于其他省份的单位，本行未导入：省级管理员只能导入本省（${scope.provinceCode}）单位专利的法律状态。请删除本行，由该省管理员或国家管理员导入`,
      messageEn: `Patent ${n} belongs to an institution of another province, so this row was not imported: a province administrator imports the legal status of its own province's (${scope.provinceCode}) patents only. Remove the row; that province's administrator or a national administrator imports it`,
    };
  }
  const status = record.legalStatus;
  if (patent.legalStatus === status) return { outcome: 'unchanged', reason: 'same-status' };
  const recordedOn = patent.legalStatusDate;
  if (recordedOn !== undefined && record.date < recordedOn) {
    const recorded = legalStatusZh[patent.legalStatus] ?? patent.legalStatus;
    return {
      outcome: 'refused',
      field: 'date',
      code: 'OLDER_THAN_RECORDED',
      messageZh: `专利 ${n} 已记录 ${recordedOn} 公告的法律状态「${recorded}」，晚于本行的 ${record.date}，本行未导入。如本行才是最新状态，请核对公告日`,
      messageEn: `Patent ${n} already has the legal status ${patent.legalStatus} announced on ${recordedOn}, later than this row's ${record.date}, so this row was not imported. If this row is the latest status, check its date`,
    };
  }
  const from = currentLifecycle(patent as unknown as StatusSubject);
  const exit = exitOf(status);
  const at = deps.now().toISOString();
  const audit = {
    context: { source: 'legal-status-import', announcedOn: record.date, ...(jobId ? { jobId } : {}) },
  };
  /** The status recorded alone: versioned, with its audit entry. */
  const recordAlone = async (): Promise<LegalStatusOutcome> => {
    const change: ReviewChange = {
      set: { legalStatus: status, legalStatusChangedAt: at, legalStatusDate: record.date },
      audit: { action: 'patent.legal-status-imported', ...audit },
    };
    return (await deps.store.apply(patent, change, caller, at))
      ? { outcome: 'updated' }
      : { outcome: 'changed-concurrently' };
  };
  if ((terminalStates as readonly LifecycleState[]).includes(from)) {
    // Final: the patent left the pipeline. The same exit again is nothing new; a withdrawn patent
    // records the lapse (it stays withdrawn); anything else would reopen a final state.
    if (exit === from) return { outcome: 'unchanged', reason: 'already-in-state' };
    if (from === 'withdrawn' && exit !== undefined) return recordAlone();
    const said = legalStatusZh[status] ?? status;
    return {
      outcome: 'refused',
      field: 'legalStatus',
      code: 'PATENT_EXITED',
      messageZh: `专利 ${n} 已退出转化流程（${lifecycleZh[from] ?? from}），法律状态「${said}」不能再改变其状态，本行未导入。如该状态有误（例如已恢复权利），请联系国家管理员核实更正`,
      messageEn: `Patent ${n} left the pipeline (${from}, final): the legal status ${status} cannot change that, so this row was not imported. If the record is wrong (e.g. the right was restored), ask a national administrator to verify and correct it`,
    };
  }
  if (patent.reviewStatus !== 'approved') return recordAlone();
  const change = planStatusChange(
    patent as unknown as StatusSubject,
    { legalStatus: status, conversionIntents: patent.conversionIntents ?? [] },
    at,
  );
  if (!change) return { outcome: 'unchanged', reason: 'same-status' };
  const set = { ...change.set, legalStatusDate: record.date };
  const transition = change.transition;
  const applied = await deps.store.apply(
    patent,
    {
      set,
      remove: change.remove,
      audit: { action: 'patent.legal-status-imported', ...audit },
      ...(transition
        ? {
            transition: {
              event: transition.event,
              context: transition.context ?? {},
              eventId: transition.eventId,
              details: { ...transition.details, ...audit.context },
            },
          }
        : {}),
    },
    caller,
    at,
  );
  if (!applied) return { outcome: 'changed-concurrently' };
  return transition ? { outcome: 'updated', event: transition.event } : { outcome: 'updated' };
}
