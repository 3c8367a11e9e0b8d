/**
 * Who may change which field of a patent, whatever the path (file upload, S3 drop, JSON batch,
 * single JSON patent, self-assessment edit):
 * - inventory fields (what the institution records: title, inventors, intents, TRL ...) change only
 *   while the inventory review allows it: draft or returned. Once submitted, the reviewer is looking
 *   at it; once approved, the pipeline has acted on it (pool, evaluations, deals).
 * - pipeline-owned fields change only through their transitions (functions/pipeline, transfer):
 *   the review and pool state, the lifecycle, the owner, open license / exclusive grant / patentee
 *   change, and the implementation status (a deal sets assigned/licensed, a product filing
 *   industrialized). An upload states the implementation status of a new patent only.
 * The stores enforce the same rule in their condition expressions, so a review that moves on
 * between the read and the write is not overwritten either.
 */
import type { ReviewStatus } from '../../schemas/patent.ts';

export const inventoryEditableIn: readonly ReviewStatus[] = ['draft', 'returned'];

/** Fields of the inventory record that, once the patent exists, only transitions change. */
export const transitionOwnedRecordFields = ['implementationStatus'] as const;

export function inventoryEditable(reviewStatus: string | undefined): boolean {
  // Items written before the review existed carry no reviewStatus: they are drafts.
  return reviewStatus === undefined || (inventoryEditableIn as readonly string[]).includes(reviewStatus);
}

export function inventoryLockedMessage(applicationNumber: string, reviewStatus: string) {
  const next =
    reviewStatus === 'submitted'
      ? { zh: '请院系审核人先退回该专利，再修改', en: 'ask the institution reviewer to return it first' }
      : { zh: '已审核通过的盘点信息不能通过导入修改', en: 'an approved inventory is not changed by upload' };
  return {
    code: 'INVENTORY_LOCKED',
    messageZh: `专利 ${applicationNumber} 的盘点状态为 ${reviewStatus}，仅在草稿或退回状态下可修改，本行未导入：${next.zh}`,
    messageEn: `Patent ${applicationNumber} is ${reviewStatus}: its inventory can change only while draft or returned, so this row was not applied; ${next.en}`,
  };
}
