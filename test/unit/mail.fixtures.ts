/**
 * One example of every email the system sends, rendered by the real mail modules, with a chosen text
 * put in every value a user or an institution controls (patent titles, names, file names, comments).
 * The layout test renders them with a hostile text; the Chromium test with ordinary values.
 */

import { aggregateEvaluations } from '../../functions/evaluations/aggregate.ts';
import type { StoredEvaluation } from '../../functions/evaluations/ports.ts';
import { renderFeedback } from '../../functions/evaluations/weekly-feedback.ts';
import { jobEndMail } from '../../functions/intake/job-mail.ts';
import { testMail } from '../../functions/mail/test-mail.ts';
import { renderDigest, renderNeedDigest } from '../../functions/market/digest.ts';
import { spotCheckMail } from '../../functions/monitoring/spot-check-mail.ts';
import { notifyTransition } from '../../functions/pipeline/notify.ts';
import { renderTierMail } from '../../functions/promotion/promotion.ts';
import { reportMailContent } from '../../functions/reports/render-html.ts';
import { buildReportModel } from '../../functions/reports/report-model.ts';
import { portalLink, portalPages } from '../../functions/shared/portal.ts';
import { overdueMail, reminderMail } from '../../functions/transfer/overdue.ts';
import type { Deal } from '../../schemas/deal.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import { nationalFigures } from './report.fixtures.ts';

export type RenderedMail = Pick<MailMessage, 'subject' | 'text' | 'html'>;

const N = '202310123456.7';
const to = ['tto@example.edu.cn', 'bj-admin@example.gov.cn'];

export function deal(value: string, extra: Partial<Deal> = {}): Deal {
  return {
    dealId: 'deal-0001',
    kind: 'license',
    licenseType: 'exclusive',
    applicationNumbers: [N, '202310123457.1'],
    institutionUscc: '12100000400000624D',
    institutionName: `示例大学${value}`,
    provinceCode: '110000',
    enterprise: { uscc: '91110108MA0000001D', name: `示例科技有限公司${value}` },
    priceTerms: { type: 'lump-sum', amountFen: 100_000_00 },
    contractValueFen: 100_000_00,
    effectiveDate: '2026-03-01',
    origin: 'recorded',
    filingKind: 'license-filing',
    filingStatus: 'pending',
    filingDueDate: '2026-05-31',
    createdAt: '2026-03-02T00:00:00.000Z',
    createdBy: 'tto@example.edu.cn',
    version: 1,
    ...extra,
  } as Deal;
}

const evaluation = (prospect: number, intents: StoredEvaluation['cooperationIntents']): StoredEvaluation =>
  ({
    evaluationId: `e${prospect}`,
    applicationNumber: N,
    institutionUscc: '12100000400000624D',
    provinceCode: '110000',
    evaluatorKind: 'enterprise',
    evaluatorId: `e${prospect}`,
    matched: true,
    industrializationProspect: prospect,
    maturityTrl: 6,
    improvementNeeds: { categories: ['pilot-scale-up'], text: '需要中试' },
    cooperationIntents: intents,
    reasonCodes: ['commercial-route-unclear'],
    consentToShareIdentity: true,
    updatedAt: '2026-11-30T00:00:00.000Z',
  }) as StoredEvaluation;

/** Every email the system sends, by name, with `value` appended to each free-text value. */
export async function everyMail(value: string): Promise<Record<string, RenderedMail>> {
  const title = `一种锂电池正极材料的制备方法${value}`;
  const institution = `示例大学${value}`;
  let notified: MailMessage | undefined;
  await notifyTransition(
    {
      store: {
        institution: async () => ({ name: institution, contactEmail: 'tto@example.edu.cn' }),
        patentTitle: async () => title,
        queue: async (_id, message) => {
          notified = message;
          return true;
        },
      },
      now: () => new Date('2026-12-01T00:00:00Z'),
    },
    {
      eventId: 'ev-1',
      type: 'dealRecorded',
      applicationNumber: N,
      institutionUscc: '12100000400000624D',
      version: 3,
      from: 'in-negotiation',
      to: 'licensed',
      at: '2026-12-01T00:00:00.000Z',
      actor: 'tto@example.edu.cn',
      details: { dealId: 'deal-0001', enterprise: `示例科技有限公司${value}` },
    },
  );
  const report = reportMailContent(buildReportModel(nationalFigures(), '2026-01-01T01:00:00.000Z'));
  return {
    digest: renderDigest(
      `张三${value}`,
      '2026-11-30',
      [
        {
          applicationNumber: N,
          score: 0.9,
          explanationZh: `行业相同：电池制造${value}`,
          explanationEn: 'same industry',
          patent: { title, patentType: 'invention', trl: 6 },
        },
      ],
      portalLink(portalPages.inbox),
    ),
    needDigest: renderNeedDigest(
      `示范大学${value}`,
      '2026-11-30',
      [
        {
          applicationNumber: N,
          score: 1.25,
          explanationZh: `企业需求“防腐涂层${value}”：匹配词 防腐`,
          explanationEn: 'matched words',
          patent: { title, patentType: 'invention' },
          need: { title: `海上风电防腐涂层${value}`, enterpriseName: `示例科技有限公司${value}` },
        },
      ],
      portalLink(portalPages.home),
    ),
    weeklyFeedback: renderFeedback(institution, '2026-W49', [
      {
        applicationNumber: N,
        evaluatorKind: 'enterprise',
        industrializationProspect: 4,
        cooperationIntents: ['license', 'pilot'],
        updatedAt: '2026-11-30T00:00:00.000Z',
      },
      {
        applicationNumber: '202310123457.1',
        evaluatorKind: 'expert',
        industrializationProspect: 5,
        cooperationIntents: [],
        updatedAt: '2026-11-30T00:00:00.000Z',
      },
    ]),
    tiering: renderTierMail({
      institutionName: institution,
      patent: { applicationNumber: N, title },
      decision: { tier: 'key-industry', checks: {}, keyIndustries: ['新能源'], openLicenseProposal: true },
      aggregate: aggregateEvaluations([evaluation(4, ['license']), evaluation(5, ['pilot'])]),
      providers: [{ id: 'p1', name: `示例技术交易所${value}`, kind: 'listing', basis: 'general' }],
      promotionDueAt: '2027-06-01T00:00:00.000Z',
      consentingEnterprises: [`示例科技有限公司${value}`],
    }),
    overdueFiling: overdueMail(deal(value), to, '2026-06-02'),
    registrationReminder: reminderMail(
      deal(value, {
        kind: 'assignment',
        licenseType: undefined,
        filingKind: 'assignment-registration',
        filingDueDate: undefined,
        registrationReminderOn: '2026-06-01',
      }),
      to,
      '2026-06-02',
    ),
    spotCheck: spotCheckMail(
      { name: institution, contactEmail: 'tto@example.edu.cn' },
      { applicationNumber: N, quarter: '2026Q4', title },
      `发明人顺序与证书不一致${value}`,
    ),
    transitionNotice: notified!,
    jobRowsRefused: jobEndMail({
      jobId: 'job-0001',
      fileName: `盘点${value}.xlsx`,
      institution: { name: institution, contactEmail: 'tto@example.edu.cn' },
      outcome: {
        status: 'succeeded',
        rowsTotal: 3,
        rowsAccepted: 1,
        rowsRejected: 2,
        rowsUnchanged: 0,
        errorCount: 2,
        firstErrors: [
          {
            row: 2,
            column: `技术成熟度${value}`,
            value: '10',
            code: 'OUT_OF_RANGE',
            messageZh: `取值应为 1-9${value}`,
            messageEn: 'must be 1-9',
          },
          {
            row: 3,
            column: '申请日',
            value: 'x',
            code: 'BAD_DATE',
            messageZh: '日期格式错误',
            messageEn: 'not a date',
          },
        ],
      },
    })!,
    jobFailed: jobEndMail({
      jobId: 'job-0002',
      fileName: `盘点${value}.xlsx`,
      institution: { name: institution, contactEmail: 'tto@example.edu.cn' },
      outcome: {
        status: 'failed',
        failure: { code: 'BAD_HEADERS', messageZh: `缺少列：申请号${value}`, messageEn: 'missing column' },
      },
    })!,
    testMail: testMail('dev', 'ops@example.org', `ops${value}@example.org`),
    quarterlyReport: report,
  };
}

/** Where each email's call to action leads (relative to PORTAL_URL). */
export const expectedAction: Record<string, string> = {
  digest: portalPages.inbox,
  needDigest: portalPages.home,
  weeklyFeedback: portalPages.evaluationsReceived,
  tiering: portalPages.evaluations(N),
  overdueFiling: portalPages.deal('deal-0001'),
  registrationReminder: portalPages.deal('deal-0001'),
  spotCheck: portalPages.patent(N),
  transitionNotice: portalPages.patent(N),
  jobRowsRefused: portalPages.job('job-0001'),
  jobFailed: portalPages.job('job-0002'),
  testMail: portalPages.home,
  quarterlyReport: portalPages.report('2025Q4'),
};

export const actionUrl = (name: string) => portalLink(expectedAction[name]!);
