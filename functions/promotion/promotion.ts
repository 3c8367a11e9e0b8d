/**
 * Tiered promotion use-cases (issue 5, item 3): tier an evaluated patent (the pipeline's task for
 * `evaluationClosed`) and expire promotions past their window (the deadline sweep). Pure TypeScript
 * over the PromotionStore port; the DynamoDB adapter is promotion-store.ts.
 *
 * Idempotent by event id: the tiered transition's id derives from the evaluationClosed event's id, and
 * the expiry's from the due date, so a replay finds the applied marker and changes and sends nothing.
 */
import type { EvaluationAggregate } from '../../schemas/evaluation.ts';
import {
  cooperationIntentLabels,
  improvementCategoryLabels,
  reasonCodeLabels,
} from '../../schemas/evaluation.ts';
import type { PatentType } from '../../schemas/inventory/template.ts';
import type { LifecycleState } from '../../schemas/lifecycle.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import type { StoredEvaluation } from '../evaluations/ports.ts';
import { type Block, renderMail } from '../mail/layout.ts';
import { type MailItem, newMailItem } from '../mail/mail-outbox.ts';
import { currentLifecycle, type TransitionRequest } from '../pipeline/transitions.ts';
import { systemActor } from '../shared/audit.ts';
import { indexes } from '../shared/dynamo/keys.ts';
import { portalLink, portalPages } from '../shared/portal.ts';
import { type ProviderMatch, type ServiceProvider, serviceProviderKindLabels } from './service-providers.ts';
import { type InterestedEnterprise, interestedEvaluators, tierOutcome } from './tier-fields.ts';
import type { Tier, TierDecision, TieringRules } from './tiering-rules.ts';

export { type InterestedEnterprise, tieringInputs } from './tier-fields.ts';

export const promotionActor = systemActor('promotion');
export const duePromotionPartition = indexes.duePromotion;

export interface PromotedPatent {
  applicationNumber: string;
  title?: string;
  version: number;
  lifecycle?: LifecycleState;
  reviewStatus?: string;
  poolStatus?: string;
  evaluationStatus?: string;
  patentType?: PatentType;
  strategicIndustries?: Array<{ code: string }>;
  institutionUscc: string;
  provinceCode?: string;
  evaluationAggregate?: EvaluationAggregate;
  tier?: Tier;
  tierVersion?: number;
  promotionDueAt?: string;
  gsi3pk?: string;
}

export type WriteOutcome = 'applied' | 'duplicate' | 'conflict';

export interface PromotionStore {
  patent(applicationNumber: string): Promise<PromotedPatent | undefined>;
  evaluations(applicationNumber: string): Promise<StoredEvaluation[]>;
  enterprise(uscc: string): Promise<InterestedEnterprise | undefined>;
  institution(uscc: string): Promise<{ name: string; contactEmail?: string } | undefined>;
  /** Was the event applied to the patent before (its APPLIED# marker exists)? */
  applied(applicationNumber: string, eventId: string): Promise<boolean>;
  /** The transition (transitionWrites) and, in the same transaction, the queued email. */
  transition(
    patent: PromotedPatent,
    request: TransitionRequest,
    at: string,
    mail?: MailItem,
  ): Promise<WriteOutcome>;
  /** Promotions due (promotionDueAt <= now), a page at a time (gsi3 DUE#promotion). */
  duePromotions(
    now: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<{ applicationNumbers: string[]; next?: Record<string, unknown> }>;
  /** Removes a due-index entry left on a patent that moved on (no lifecycle change). */
  clearDue(patent: PromotedPatent): Promise<boolean>;
}

export interface PromotionDeps {
  store: PromotionStore;
  now: () => Date;
  rules: TieringRules;
  providers: readonly ServiceProvider[];
}

const tierZh: Record<Tier, string> = {
  'key-industry': '高价值专利（重点产业）：推荐纳入产业专利池',
  'high-value': '高价值专利：对接投资、质押融资、保险和挂牌交易服务',
  'broad-applicability': '应用面广的专利：建议开放许可',
  ordinary: '普通专利：在资源库中挂牌展示',
};
const tierEn: Record<Tier, string> = {
  'key-industry': 'high value in a key industry: nominated for a patent pool',
  'high-value': 'high value: matched with investors, pledge financing, insurance and listing services',
  'broad-applicability': 'broad applicability: we propose an open license',
  ordinary: 'ordinary: listed in the pool',
};

/** The outcome email to the institution: the tier, what follows, and the evaluations' feedback. Pure. */
export function renderTierMail(input: {
  institutionName: string;
  patent: Pick<PromotedPatent, 'applicationNumber' | 'title'>;
  decision: TierDecision;
  aggregate: EvaluationAggregate;
  providers: ProviderMatch[];
  promotionDueAt?: string;
  /** Interested enterprises that consented to show their identity. */
  consentingEnterprises: string[];
}): MailMessage {
  const { patent, decision, aggregate } = input;
  const label = `${patent.applicationNumber}${patent.title ? `《${patent.title}》` : ''}`;
  const counted = <K extends string>(counts: Record<K, number>, labels: Record<K, string>) =>
    (Object.entries(counts) as Array<[K, number]>)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${labels[k] ?? k} ${n}`);
  const n = patent.applicationNumber;
  const blocks: Block[] = [
    {
      p: {
        zh: `贵单位专利 ${label} 的市场评价已结束，分层结果：${tierZh[decision.tier]}。`,
        en: `Patent ${n}: the market evaluation closed; tier: ${tierEn[decision.tier]}.`,
      },
    },
  ];
  if (input.providers.length)
    blocks.push(
      { p: { zh: '已为该专利匹配以下服务机构：', en: 'Service providers matched to it:' } },
      { list: input.providers.map((p) => `${serviceProviderKindLabels[p.kind]}：${p.name}`) },
    );
  if (decision.tier === 'key-industry')
    blocks.push({
      p: {
        zh: `重点产业：${decision.keyIndustries.join('、')}`,
        en: `Key industries: ${decision.keyIndustries.join(', ')}`,
      },
    });
  if (input.promotionDueAt)
    blocks.push({
      p: {
        zh: `推广期至 ${input.promotionDueAt.slice(0, 10)}，期满未成交则转为挂牌展示。`,
        en: `Promoted until ${input.promotionDueAt.slice(0, 10)}; without a deal by then it is listed in the pool.`,
      },
    });
  if (decision.openLicenseProposal)
    blocks.push({
      p: {
        zh: '多家不同行业的企业表达了合作意向，建议贵单位以开放许可方式推广（专利法第五十至五十二条）：声明专利号、许可使用费支付方式和标准、许可期限。',
        en: 'Several enterprises in different fields are interested: consider an open license (Patent Law arts. 50-52), declaring the patent, the royalty and how it is paid, and the term.',
      },
    });
  blocks.push(
    {
      p: {
        zh: '评价汇总（不含未同意公开身份的评价人信息）：',
        en: 'The evaluations in aggregate (evaluators who did not consent are not named):',
      },
    },
    {
      list: [
        `评价数 ${aggregate.count}（企业 ${aggregate.byKind.enterprise}，专家 ${aggregate.byKind.expert}）`,
        `产业化前景均分 ${aggregate.prospect.mean ?? '—'}（1-5 分分布：${(['1', '2', '3', '4', '5'] as const)
          .map((k) => `${k}分 ${aggregate.prospect.distribution[k]}`)
          .join('，')}）`,
        `合作意向：${counted(aggregate.cooperationIntents, cooperationIntentLabels).join('，') || '无'}`,
        `技术改进需求：${counted(aggregate.improvementNeeds, improvementCategoryLabels).join('，') || '无'}`,
        `原因归类：${counted(aggregate.reasonCodes, reasonCodeLabels).join('，') || '无'}`,
        ...(input.consentingEnterprises.length
          ? [`同意公开身份的意向企业：${input.consentingEnterprises.join('、')}`]
          : []),
      ],
    },
  );
  return {
    to: [],
    subject: `专利分层推广结果：${n} ${tierZh[decision.tier].split('：')[0]} / Tiering outcome`,
    ...renderMail({
      title: { zh: `专利分层推广结果：${n}`, en: `Tiering outcome: patent ${n}` },
      greeting: `${input.institutionName}：`,
      blocks,
      action: {
        label: { zh: '查看评价详情', en: 'See the evaluations' },
        href: portalLink(portalPages.evaluations(n)),
      },
      notes: [`系统对接 / For integrators: GET /v1/patents/${n}/evaluations`],
      reason: {
        zh: '您收到此邮件，是因为您是该专利所属单位在平台登记的联系人，且该专利的市场评价已结束。',
        en: "You get this email as the registered contact of the patent's institution because its market evaluation closed.",
      },
    }),
    attachments: [],
  };
}

export interface TierInput {
  applicationNumber: string;
  /** The evaluationClosed event's id (the tiered transition's id derives from it). */
  eventId: string;
  executionArn?: string;
}

export type TierResult =
  | {
      outcome: 'tiered';
      applicationNumber: string;
      tier: Tier;
      state: LifecycleState;
      mailed: boolean;
      providers: number;
      promotionDueAt?: string;
    }
  | { outcome: 'duplicate' | 'not-evaluated'; applicationNumber: string; state?: LifecycleState };

export const tieredEventId = (evaluationClosedEventId: string) => `tiered:${evaluationClosedEventId}`;

/**
 * Tiers an evaluated patent: the rules over its evaluations, the `tiered` transition with the tier,
 * its inputs and rules version on the patent, and the outcome email, in one transaction. A replay
 * (same event id) returns duplicate and writes nothing; a patent that is no longer `evaluated` (it was
 * tiered by another event, or moved on) returns not-evaluated; a concurrent change is re-read (3 tries).
 */
export async function tierPatent(deps: PromotionDeps, input: TierInput): Promise<TierResult> {
  const eventId = tieredEventId(input.eventId);
  for (let attempt = 0; attempt < 3; attempt++) {
    const patent = await deps.store.patent(input.applicationNumber);
    if (!patent)
      throw new Error(`Patent ${input.applicationNumber} does not exist: the event names no patent`);
    if (await deps.store.applied(input.applicationNumber, eventId))
      return { outcome: 'duplicate', applicationNumber: input.applicationNumber };
    const state = currentLifecycle(patent);
    if (state !== 'evaluated')
      return { outcome: 'not-evaluated', applicationNumber: input.applicationNumber, state };
    const evaluations = await deps.store.evaluations(input.applicationNumber);
    const enterprises = new Map<string, InterestedEnterprise>();
    for (const uscc of interestedEvaluators(evaluations)) {
      const enterprise = await deps.store.enterprise(uscc);
      if (enterprise) enterprises.set(uscc, enterprise);
    }
    const now = deps.now();
    const at = now.toISOString();
    const { decision, aggregate, providers, promotionDueAt, ...tiering } = tierOutcome({
      patent,
      evaluations,
      enterprises,
      rules: deps.rules,
      providers: deps.providers,
      now,
    });
    const set: Record<string, unknown> = {
      ...tiering.set,
      tieredAt: at,
      tierVersion: (patent.tierVersion ?? 0) + 1,
    };
    const institution = await deps.store.institution(patent.institutionUscc);
    const consenting = evaluations
      .filter((e) => e.evaluatorKind === 'enterprise' && e.consentToShareIdentity)
      .map((e) => enterprises.get(e.evaluatorId)?.name)
      .filter((name): name is string => Boolean(name));
    const mail = institution?.contactEmail
      ? newMailItem(
          {
            ...renderTierMail({
              institutionName: institution.name,
              patent,
              decision,
              aggregate,
              providers,
              ...(promotionDueAt ? { promotionDueAt } : {}),
              consentingEnterprises: consenting,
            }),
            to: [institution.contactEmail],
          },
          now,
        )
      : undefined;
    if (mail) set.tierMailId = mail.mailId;
    const request: TransitionRequest = {
      event: 'tiered',
      context: { tier: decision.tier },
      eventId,
      actor: promotionActor,
      ...(input.executionArn ? { executionArn: input.executionArn } : {}),
      set,
      ...(tiering.remove.length ? { remove: tiering.remove } : {}),
      details: {
        applicationNumber: patent.applicationNumber,
        institutionUscc: patent.institutionUscc,
        ...(patent.provinceCode ? { provinceCode: patent.provinceCode } : {}),
        tier: decision.tier,
        tierRulesVersion: set.tierRulesVersion,
        openLicenseProposed: decision.openLicenseProposal,
        causedBy: input.eventId,
        ...(mail ? { mailId: mail.mailId } : {}),
      },
    };
    const outcome = await deps.store.transition(patent, request, at, mail);
    if (outcome === 'duplicate') return { outcome: 'duplicate', applicationNumber: input.applicationNumber };
    if (outcome === 'applied') {
      return {
        outcome: 'tiered',
        applicationNumber: patent.applicationNumber,
        tier: decision.tier,
        state:
          decision.tier === 'key-industry'
            ? 'key-industry-pool'
            : decision.tier === 'high-value'
              ? 'high-value'
              : 'listed',
        mailed: Boolean(mail),
        providers: providers.length,
        ...(promotionDueAt ? { promotionDueAt } : {}),
      };
    }
  }
  throw new Error(
    `Patent ${input.applicationNumber} changed three times while being tiered: the pipeline retries the task`,
  );
}

export interface ExpirySweepInput {
  /** Totals of the earlier rounds of this sweep (the workflow loops while `more`). */
  totals?: Partial<ExpiryTotals>;
  cursor?: Record<string, unknown>;
  rounds?: number;
}
export interface ExpiryTotals {
  expired: number;
  /** The patent moved on (deal, withdrawal): its stale due entry was removed. */
  stale: number;
  duplicate: number;
  conflict: number;
  failed: number;
}
export interface ExpirySweepOutput {
  totals: ExpiryTotals;
  rounds: number;
  /** More due promotions may remain: the workflow calls again with `cursor`. */
  more: boolean;
  cursor?: Record<string, unknown>;
  failures: Array<{ applicationNumber: string; error: string }>;
}

export const expiryEventId = (applicationNumber: string, dueAt: string) =>
  `promotionExpired:${applicationNumber}:${dueAt}`;

/**
 * One bounded round of the promotion expiry: up to `maxPages` pages of due promotions (or until
 * `shouldStop`), each patent moved high-value / key-industry-pool -> listed by `promotionExpired`.
 * Returns the running totals and whether more remain; failures are counted and listed, not thrown
 * (the handler decides).
 */
export async function expirePromotions(
  deps: PromotionDeps & { shouldStop?: () => boolean; pageSize?: number; maxPages?: number },
  input: ExpirySweepInput = {},
): Promise<ExpirySweepOutput> {
  const now = deps.now().toISOString();
  const totals: ExpiryTotals = {
    expired: 0,
    stale: 0,
    duplicate: 0,
    conflict: 0,
    failed: 0,
    ...input.totals,
  };
  const failures: ExpirySweepOutput['failures'] = [];
  let cursor = input.cursor;
  let pages = 0;
  do {
    const page = await deps.store.duePromotions(now, deps.pageSize ?? 100, cursor);
    cursor = page.next;
    pages++;
    for (const applicationNumber of page.applicationNumbers) {
      try {
        const patent = await deps.store.patent(applicationNumber);
        if (!patent || typeof patent.version !== 'number' || !patent.promotionDueAt)
          throw new Error('the patent item lacks its version or promotionDueAt: repair the item');
        const state = currentLifecycle(patent);
        if (state !== 'high-value' && state !== 'key-industry-pool') {
          if (await deps.store.clearDue(patent)) totals.stale++;
          else totals.conflict++;
          continue;
        }
        if (patent.promotionDueAt > now) continue; // extended since the page was read
        const outcome = await deps.store.transition(
          patent,
          {
            event: 'promotionExpired',
            eventId: expiryEventId(applicationNumber, patent.promotionDueAt),
            actor: promotionActor,
            remove: ['gsi3pk', 'gsi3sk'],
            set: { promotionExpiredAt: now },
            details: {
              applicationNumber,
              institutionUscc: patent.institutionUscc,
              ...(patent.provinceCode ? { provinceCode: patent.provinceCode } : {}),
              promotionDueAt: patent.promotionDueAt,
            },
          },
          now,
        );
        totals[outcome === 'applied' ? 'expired' : outcome]++;
      } catch (error) {
        totals.failed++;
        failures.push({ applicationNumber, error: (error as Error).message });
      }
    }
  } while (cursor && pages < (deps.maxPages ?? 10) && !deps.shouldStop?.());
  const rounds = (input.rounds ?? 0) + 1;
  return { totals, rounds, more: Boolean(cursor), ...(cursor ? { cursor } : {}), failures };
}
