/**
 * Every key of the core table, built in one place: an item's key (`keys`), the partitions of the
 * secondary indexes (`indexes`) and the sort-key prefixes queries begin with (`prefixes`). A store never
 * writes `PAT#`-style literals itself, so a key's shape can be read (and changed) here.
 *
 * The metrics table's counter keys live with their encoding in functions/metrics/counters.ts.
 */

/** Who evaluates: an enterprise (by USCC) or an expert (by id). */
export interface EvaluatorKey {
  kind: string;
  id: string;
}

const patentPk = (applicationNumber: string) => `PAT#${applicationNumber}`;
const institutionPk = (uscc: string) => `INST#${uscc}`;
const enterprisePk = (uscc: string) => `ENT#${uscc}`;
const expertPk = (expertId: string) => `EXP#${expertId}`;

export const keys = {
  patentPk,
  patent: (applicationNumber: string) => ({ pk: patentPk(applicationNumber), sk: 'PATENT' }),
  /** Marks a lifecycle event id as applied to the patent (replays are refused by its condition). */
  appliedEvent: (applicationNumber: string, eventId: string) => ({
    pk: patentPk(applicationNumber),
    sk: `APPLIED#${eventId}`,
  }),
  /** The sort key of a pipeline event: one per patent version, so a replayed transition cannot add a second. */
  pipelineEventSk: (version: number, type: string) => `EVENT#${String(version).padStart(6, '0')}#${type}`,
  evaluation: (applicationNumber: string, evaluator: EvaluatorKey) => ({
    pk: patentPk(applicationNumber),
    sk: `EVAL#${evaluator.kind}#${evaluator.id}`,
  }),
  /**
   * A patent was re-tiered on this China calendar day (YYYY-MM-DD): written only if absent, in the
   * transaction of the re-tier, so a patent is re-tiered at most once a day (issue 13, item 3).
   */
  retierDay: (applicationNumber: string, day: string) => ({
    pk: patentPk(applicationNumber),
    sk: `RETIERED#${day}`,
  }),
  /**
   * A re-tier deferred (the day's re-tier was used): indexed on gsi3 `DUE#retier` by the day it may run
   * (`<retierFrom>#<n>`), so that the daily deadline sweep runs it (functions/evaluations/deferred-retiers.ts).
   */
  retierDue: (applicationNumber: string) => ({ pk: patentPk(applicationNumber), sk: 'DUE#RETIER' }),
  evaluationRequest: (applicationNumber: string, evaluator: EvaluatorKey) => ({
    pk: patentPk(applicationNumber),
    sk: `REQ#${evaluator.kind}#${evaluator.id}`,
  }),
  /** An enterprise's request to negotiate for a patent (issue 13, item 8): one per enterprise and patent. */
  interest: (applicationNumber: string, enterpriseUscc: string) => ({
    pk: patentPk(applicationNumber),
    sk: `INTEREST#${enterpriseUscc}`,
  }),
  /**
   * A co-owner (共有专利权人) of a patent, by the co-owner's name as a key (schemas/organization-name.ts):
   * an institution registered under that name reads the patent as a co-owner (issue 12, item 5).
   */
  coOwnership: (nameKey: string, applicationNumber: string) => ({
    pk: `COOWNER#${nameKey}`,
    sk: patentPk(applicationNumber),
  }),
  coOwnerPk: (nameKey: string) => `COOWNER#${nameKey}`,
  institutionPk,
  institution: (uscc: string) => ({ pk: institutionPk(uscc), sk: 'PROFILE' }),
  /** An institution's mapping profile of inventory files (issue 12), by its name. */
  mappingProfile: (uscc: string, name: string) => ({ pk: institutionPk(uscc), sk: `MAPPING#${name}` }),
  /** A year's operating profit of the institution's own implementation of a patent (art. 45 (3)). */
  implementationProfit: (uscc: string, applicationNumber: string, year: number) => ({
    pk: institutionPk(uscc),
    sk: `IMPLPROFIT#${applicationNumber}#${year}`,
  }),
  /** An institution's spot-check sample settings. */
  institutionMonitoring: (uscc: string) => ({ pk: institutionPk(uscc), sk: 'MONITORING' }),
  enterprisePk,
  enterprise: (uscc: string) => ({ pk: enterprisePk(uscc), sk: 'PROFILE' }),
  /** An enterprise's saved search (issue 15 item 6), and where its alerts stand (count, window). */
  savedSearch: (uscc: string, id: string) => ({ pk: enterprisePk(uscc), sk: `SAVEDSEARCH#${id}` }),
  searchAlerts: (uscc: string) => ({ pk: enterprisePk(uscc), sk: 'ALERTS' }),
  expertPk,
  expert: (expertId: string) => ({ pk: expertPk(expertId), sk: 'PROFILE' }),
  evaluatorProfile: (evaluator: EvaluatorKey) =>
    evaluator.kind === 'enterprise' ? keys.enterprise(evaluator.id) : keys.expert(evaluator.id),
  /**
   * A verified expert's entry in the expert pool's directory under one field key (`IND#39`, `SEI#1.2`,
   * `IPC#H01M`, or `ALL`): sort key the expert id (functions/experts/directory.ts).
   */
  expertDirectory: (fieldKey: string, expertId: string) => ({ pk: `EXPDIR#${fieldKey}`, sk: expertId }),
  expertDirectoryPk: (fieldKey: string) => `EXPDIR#${fieldKey}`,
  /** A commission of an expert by an enterprise or institution (functions/experts/commissions.ts). */
  commission: (commissionId: string) => ({ pk: `COMMISSION#${commissionId}`, sk: 'COMMISSION' }),
  /** One evaluator's entry under one matching-index key (e.g. `IPC#H01M`): sort key `ENT#<uscc>` / `EXP#<id>`. */
  matchIndexPk: (interestKey: string) => `IDX#${interestKey}`,
  /** An evaluator's pushes of one day (the per-day cap, the digest's marker). */
  pushCounter: (evaluator: EvaluatorKey, day: string) => ({
    pk: `PUSHES#${evaluator.kind}#${evaluator.id}`,
    sk: day,
  }),
  /** The weekly feedback mail of an institution was sent (one per week). */
  feedbackSent: (uscc: string, week: string) => ({ pk: `FEEDBACK#${uscc}`, sk: week }),
  deal: (dealId: string) => ({ pk: `DEAL#${dealId}`, sk: 'DEAL' }),
  /** A deal's obligations and what was paid on them (issue 13, item 6): one item, versioned. */
  dealLedger: (dealId: string) => ({ pk: `DEAL#${dealId}`, sk: 'LEDGER' }),
  /** A payment received on a deal (its id is derived from the Idempotency-Key when one is sent). */
  dealPayment: (dealId: string, paymentId: string) => ({ pk: `DEAL#${dealId}`, sk: `PAYMENT#${paymentId}` }),
  /** A deal's link item in its enterprise's partition of gsi1. */
  dealPartySk: (enterpriseUscc: string) => `PARTY#${enterprisePk(enterpriseUscc)}`,
  product: (productId: string) => ({ pk: `PRODUCT#${productId}`, sk: 'PRODUCT' }),
  openLicenseListing: (applicationNumber: string) => ({
    pk: `OPENLIC#${applicationNumber}`,
    sk: 'OPENLIC',
  }),
  /** An enterprise's technology need (issue 15 item 4) and the patents proposed for it (揭榜). */
  needPk: (needId: string) => `NEED#${needId}`,
  need: (needId: string) => ({ pk: `NEED#${needId}`, sk: 'NEED' }),
  /** The hash of the POST /v1/needs request (with an Idempotency-Key) that posted the need. */
  needRequest: (needId: string) => ({ pk: `NEED#${needId}`, sk: 'REQUEST' }),
  needProposal: (needId: string, applicationNumber: string) => ({
    pk: `NEED#${needId}`,
    sk: `PROPOSAL#${applicationNumber}`,
  }),
  /** A pool patent matched with a need and pushed to its institution (issue 15 item 5). */
  needMatch: (needId: string, applicationNumber: string) => ({
    pk: `NEED#${needId}`,
    sk: `MATCH#${applicationNumber}`,
  }),
  job: (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' }),
  mail: (mailId: string) => ({ pk: `MAIL#${mailId}`, sk: 'MAIL' }),
  adminPk: (sub: string) => `ADMIN#${sub}`,
  reportPreferences: (sub: string) => ({ pk: keys.adminPk(sub), sk: 'REPORT_PREFERENCES' }),
  reportPk: (quarter: string) => `REPORT#${quarter}`,
  reportScopeSk: (scope: string) => `SCOPE#${scope}`,
  reportSentSk: (scope: string, sub: string) => `SENT#${scope}#${sub}`,
  spotCheckPk: (quarter: string, provinceCode: string) => `SPOT#${quarter}#PROV#${provinceCode}`,
  spotCheckSk: (uscc: string, applicationNumber: string) => `CHECK#${uscc}#${applicationNumber}`,
  /** The per-quarter spot-check marker of an institution, in the quarter's spot-check partition. */
  spotCheckInstitutionSk: institutionPk,
  probe: (id: string) => ({ pk: `PROBE#${id}`, sk: 'PROBE' }),
  auditSk: (at: string, id: string) => `AUDIT#${at}#${id}`,
};

/** Partition values of the secondary indexes. */
export const indexes = {
  institutionPatents: (uscc: string) => `${institutionPk(uscc)}#PAT`,
  provincePatents: (provinceCode: string) => `PROV#${provinceCode}#PAT`,
  provinceInstitutions: (provinceCode: string) => `PROV#${provinceCode}#INST`,
  /** The institutions a ministry supervises (gsi1; schemas/supervision.ts), in every province. */
  ministryInstitutions: (ministry: string) => `MIN#${ministry}#INST`,
  provinceEnterprises: (provinceCode: string) => `PROV#${provinceCode}#ENT`,
  provinceExperts: (provinceCode: string) => `PROV#${provinceCode}#EXP`,
  /** Commissions received by an expert (gsi1) and sent by an enterprise or institution (gsi2). */
  expertCommissions: (expertId: string) => `${expertPk(expertId)}#COMMISSION`,
  requesterCommissions: (kind: 'enterprise' | 'institution', uscc: string) =>
    `${kind === 'enterprise' ? enterprisePk(uscc) : institutionPk(uscc)}#COMMISSION`,
  institutionEvaluations: (uscc: string) => `${institutionPk(uscc)}#EVAL`,
  institutionJobs: (uscc: string) => `${institutionPk(uscc)}#JOB`,
  provinceJobs: (provinceCode: string) => `PROV#${provinceCode}#JOB`,
  institutionDeals: (uscc: string) => `${institutionPk(uscc)}#DEAL`,
  enterpriseDeals: (uscc: string) => `${enterprisePk(uscc)}#DEAL`,
  provinceDeals: (provinceCode: string) => `PROV#${provinceCode}#DEAL`,
  enterpriseProducts: (uscc: string) => `${enterprisePk(uscc)}#PRODUCT`,
  provinceProducts: (provinceCode: string) => `PROV#${provinceCode}#PRODUCT`,
  /** Requests to negotiate received by an institution (gsi1) and sent by an enterprise (gsi2). */
  institutionInterests: (uscc: string) => `${institutionPk(uscc)}#INTEREST`,
  enterpriseInterests: (uscc: string) => `${enterprisePk(uscc)}#INTEREST`,
  /** Technology needs: an enterprise's (gsi1), a province's by status (gsi2), the open ones (gsi3). */
  enterpriseNeeds: (uscc: string) => `${enterprisePk(uscc)}#NEED`,
  provinceNeeds: (provinceCode: string) => `PROV#${provinceCode}#NEED`,
  openNeeds: 'NEED#open',
  /** The patents an institution proposed for needs (gsi1). */
  institutionProposals: (uscc: string) => `${institutionPk(uscc)}#PROPOSAL`,
  provincePipelineFailures: (provinceCode: string) => `PROV#${provinceCode}#PIPELINE-FAILURE`,
  pipelineFailures: 'PIPELINE#failed',
  /** Deadlines (gsi3): the promotion window, the evaluation window, the filing deadline of a deal. */
  duePromotion: 'DUE#promotion',
  dueEvaluationWindow: 'DUE#evaluation-window',
  dueFiling: 'DUE#filing',
  /** Deferred re-tiers (a marker item per patent, not the patent: its gsi3 may hold its promotion). */
  dueRetier: 'DUE#retier',
  overdueFiling: 'OVERDUE#filing',
  /** Deal ledgers with an unpaid obligation not yet reminded, by its due date (the overdue reminders). */
  duePayment: 'DUE#payment',
  openLicenses: 'OPENLIC',
  pendingMail: 'MAIL#pending',
  /** An evaluator's inbox of evaluation requests (gsi1). */
  inbox: (evaluator: EvaluatorKey) => `INBOX#${evaluator.kind}#${evaluator.id}`,
  /** Evaluators with pushes on a day (gsi3), for the daily digest. */
  digestDay: (day: string) => `DIGEST#${day}`,
  /** Enterprises with saved searches (gsi3), for the daily alerts. */
  searchAlerts: 'ALERTS#saved-search',
  reportsOfScope: (scope: string) => `REPORTS#${scope}`,
  reports: 'REPORTS',
};

/** Sort-key and partition prefixes that queries and stream filters begin with. */
export const prefixes = {
  patent: 'PAT#',
  institution: 'INST#',
  admin: 'ADMIN#',
  audit: 'AUDIT#',
  evaluation: 'EVAL#',
  evaluationRequest: 'REQ#',
  interest: 'INTEREST#',
  pipelineEvent: 'EVENT#',
  spotCheck: 'CHECK#',
  mappingProfile: 'MAPPING#',
  implementationProfit: 'IMPLPROFIT#',
  spotCheckOf: (uscc: string) => `CHECK#${uscc}#`,
  reportSentOf: (scope: string) => `SENT#${scope}#`,
  deal: 'DEAL#',
  dealPayment: 'PAYMENT#',
  product: 'PRODUCT#',
  need: 'NEED#',
  needProposal: 'PROPOSAL#',
  needMatch: 'MATCH#',
  savedSearch: 'SAVEDSEARCH#',
};

/** The application number of a patent partition key (`PAT#<number>`). */
export const applicationNumberOf = (pk: string) => pk.slice(prefixes.patent.length);
/** The USCC of an institution key (`INST#<uscc>`). */
export const institutionUsccOf = (key: string) => key.slice(prefixes.institution.length);
