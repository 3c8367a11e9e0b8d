/**
 * A patent's lifecycle through the four steps of the Work Plan, as one typed transition table.
 *
 * The state lives on the patent item (`lifecycle`, with `version`); every change of it goes through
 * `nextLifecycle` and is written with a condition on the version, so an illegal transition is refused
 * with the current state and the allowed next ones, and two concurrent transitions never both win.
 * docs/pipeline.md draws the table.
 */
import * as z from 'zod';

export const lifecycleStates = [
  /** Recorded by the institution, inventory not approved yet (draft / submitted / returned). */
  'registered',
  /** Inventoried, kept in the base pool (存量专利基础库). */
  'base-pool',
  /** Inventoried and screened into the conversion pool (专利转化资源库), waiting for matching. */
  'conversion-pool',
  /** Matched: evaluation requests pushed, the evaluation window open. */
  'under-evaluation',
  /** The evaluation window closed (quorum or deadline); tiering follows. */
  'evaluated',
  /** Promoted, high value: matched with investors, pledge financing, insurance, listing services. */
  'high-value',
  /** Promoted, high value in a key (strategic emerging) industry: patent pool nomination. */
  'key-industry-pool',
  /** Declared for open licensing (开放许可, Patent Law art. 50-52). */
  'open-license',
  /** Listed in the pool (ordinary tier, or a promotion that expired). */
  'listed',
  /** The institution is negotiating with an enterprise. */
  'in-negotiation',
  /** Transferred by assignment (转让), registration pending. */
  'assigned',
  /** Transferred by license (许可), contract filing pending. */
  'licensed',
  /** Contributed as equity (作价入股), registration pending. */
  'equity',
  /** Assignment registered / license contract filed. */
  'filed',
  /** The enterprise filed a patent-intensive product (专利密集型产品备案). */
  'industrialized',
  /** Withdrawn from the pools by the institution, with its reason (terminal). */
  'withdrawn',
  /**
   * The patent right ended at its statutory term (terminal): 专利法 art. 42, counted from the filing
   * date (functions/patents/availability.ts).
   */
  'expired',
  /**
   * The patent right ended before its term, as the legal status says (terminal): 权利终止 / 未缴年费终止
   * (annual fee not paid, 专利法 art. 44 (1)), 放弃 (surrendered, art. 44 (2)), 无效 (declared invalid,
   * art. 45-47), or another 失效.
   */
  'lapsed',
] as const;
export type LifecycleState = (typeof lifecycleStates)[number];
export const lifecycleStateSchema = z.enum(lifecycleStates).meta({
  id: 'LifecycleState',
  description: 'Where the patent is in the pipeline (see docs/pipeline.md)',
});

/** The events that move a patent; each names the pipeline stage that handles it. */
export const lifecycleEvents = [
  'inventoried',
  'matched',
  'evaluationClosed',
  'tiered',
  'openLicenseDeclared',
  'openLicenseWithdrawn',
  'openLicensePublished',
  'pledgeRegistered',
  'pledgeReleased',
  'negotiationOpened',
  'dealRecorded',
  'filingConfirmed',
  'productFiled',
  'promotionExpired',
  'withdrawn',
  'expired',
  'lapsed',
  'rescreened',
  'reevaluated',
  'retiered',
] as const;
export type LifecycleEvent = (typeof lifecycleEvents)[number];
export const lifecycleEventSchema = z.enum(lifecycleEvents);

/** The tiers of tiered promotion (the rules: functions/promotion/tiering-rules.ts). */
export const tierValues = ['high-value', 'key-industry', 'broad-applicability', 'ordinary'] as const;
export type Tier = (typeof tierValues)[number];

/** What decides the target state when one event can lead to several. */
export interface TransitionContext {
  /** inventoried, rescreened: screened into the conversion pool or kept in (moved to) the base pool. */
  pool?: 'base' | 'conversion';
  /** tiered, retiered: the tier computed from the evaluations. */
  tier?: Tier;
  /** dealRecorded: the kind of deal. */
  dealKind?: 'assignment' | 'license' | 'equity';
}

const promoted = ['high-value', 'key-industry-pool', 'open-license', 'listed'] as const;
/** States in which a patent is still the institution's to transfer. */
const transferable = [
  'base-pool',
  'conversion-pool',
  'under-evaluation',
  'evaluated',
  ...promoted,
  'in-negotiation',
] as const satisfies readonly LifecycleState[];
/** Transferred, with non-exclusive licenses still possible alongside. */
const transferred = ['assigned', 'licensed', 'equity', 'filed', 'industrialized'] as const;
/** Transferred states in which the patent is (also) licensed: an open license may be declared alongside. */
const licensedStates = ['licensed', 'filed', 'industrialized'] as const satisfies readonly LifecycleState[];
/** States a negotiation opened on keeps (the window runs on, the open license or licenses hold). */
const negotiationKeeps = [
  'under-evaluation',
  'in-negotiation',
  'open-license',
  ...licensedStates,
] as const satisfies readonly LifecycleState[];
/** The final states: a patent that left the pipeline by one of its exits. */
export const terminalStates = ['withdrawn', 'expired', 'lapsed'] as const satisfies readonly LifecycleState[];
const live = lifecycleStates.filter(
  (state) => !(terminalStates as readonly LifecycleState[]).includes(state),
);
/** Approved and still the institution's to offer, not transferred: where a change of intent or status re-screens. */
const screenable = [
  'base-pool',
  'conversion-pool',
  'under-evaluation',
  'evaluated',
  'high-value',
  'key-industry-pool',
  'listed',
] as const satisfies readonly LifecycleState[];

/**
 * States in which a patent whose window closed still takes evaluations (issue 13, item 3: 持续完善),
 * as long as it is available (functions/patents/availability.ts): evaluated and waiting for its tier,
 * tiered, under an open license, in negotiation, or licensed non-exclusively.
 */
const lateEvaluable = [
  'evaluated',
  ...promoted,
  'in-negotiation',
  ...licensedStates,
] as const satisfies readonly LifecycleState[];
/** The states a tier decides (tierState): a re-tier moves between them; elsewhere the state is kept. */
const tierDecidedStates = [
  'high-value',
  'key-industry-pool',
  'listed',
] as const satisfies readonly LifecycleState[];

export interface TransitionRule {
  from: readonly LifecycleState[];
  /** The target, or how it follows from the context (undefined: the context lacks what decides it). */
  to: LifecycleState | ((from: LifecycleState, context: TransitionContext) => LifecycleState | undefined);
  description: string;
}

const tierState = {
  'high-value': 'high-value',
  'key-industry': 'key-industry-pool',
  'broad-applicability': 'listed',
  ordinary: 'listed',
} as const satisfies Record<NonNullable<TransitionContext['tier']>, LifecycleState>;
const dealState = { assignment: 'assigned', license: 'licensed', equity: 'equity' } as const satisfies Record<
  NonNullable<TransitionContext['dealKind']>,
  LifecycleState
>;

export const transitionTable = {
  inventoried: {
    from: ['registered'],
    to: (_from, { pool }) =>
      pool === 'conversion' ? 'conversion-pool' : pool === 'base' ? 'base-pool' : undefined,
    description: 'Inventory approved: screened into the conversion pool or kept in the base pool',
  },
  matched: {
    from: ['conversion-pool', 'evaluated', 'listed'],
    to: 'under-evaluation',
    description: 'Evaluation requests pushed to matched enterprises and experts; the window opens',
  },
  evaluationClosed: {
    from: ['under-evaluation'],
    to: 'evaluated',
    description: 'The evaluation window closed: quorum reached or deadline passed',
  },
  tiered: {
    from: ['evaluated'],
    to: (_from, { tier }) => (tier ? tierState[tier] : undefined),
    description: 'Tiering by the evaluations: high value, key-industry pool, or listed',
  },
  openLicenseDeclared: {
    // A patent with ordinary licenses may be declared open too: it keeps its transferred state (the
    // open license itself is recorded on the patent, functions/transfer/).
    from: [
      'base-pool',
      'conversion-pool',
      'evaluated',
      'high-value',
      'key-industry-pool',
      'listed',
      ...licensedStates,
    ],
    to: (from) => ((licensedStates as readonly LifecycleState[]).includes(from) ? from : 'open-license'),
    description: 'The institution declared an open license',
  },
  openLicenseWithdrawn: {
    // The patentee may withdraw at any time (art. 51), also after licenses were taken under it.
    from: ['open-license', ...licensedStates],
    to: (from) => (from === 'open-license' ? 'listed' : from),
    description: 'The open license was withdrawn (licenses already granted stay)',
  },
  openLicensePublished: {
    // CNIPA announces a declaration (专利法 art. 50: 由国务院专利行政部门予以公告); the institution records
    // the announcement (and the annual-fee reduction, art. 51) while the open license is active. The
    // state stays: only the declaration on the patent changes.
    from: ['open-license', ...licensedStates],
    to: (from) => from,
    description: "CNIPA's announcement of the open-license declaration recorded (state kept)",
  },
  pledgeRegistered: {
    // A pledge of the patent right registered with CNIPA (民法典 art. 444), recorded by the patentee:
    // while the institution holds the patent; the state stays (functions/transfer/pledges.ts).
    from: ['registered', ...transferable, ...licensedStates],
    to: (from) => from,
    description: 'A pledge of the patent right recorded (state kept)',
  },
  pledgeReleased: {
    from: live,
    to: (from) => from,
    description: 'A pledge released (its registration cancelled) (state kept)',
  },
  negotiationOpened: {
    // The institution accepted an enterprise's request to negotiate (functions/negotiation/interests.ts).
    // A patent still under evaluation keeps its window; one already in negotiation (with another
    // enterprise), under an open license or licensed non-exclusively keeps its state too: a further
    // negotiation does not undo what holds.
    from: [
      'conversion-pool',
      'under-evaluation',
      'evaluated',
      ...promoted,
      'in-negotiation',
      ...licensedStates,
    ],
    to: (from) => ((negotiationKeeps as readonly LifecycleState[]).includes(from) ? from : 'in-negotiation'),
    description: "The institution accepted an enterprise's request to negotiate",
  },
  dealRecorded: {
    // A further (non-exclusive) license or a later assignment is possible after a first transfer;
    // exclusivity is checked by the deal rules, not here.
    from: [...transferable, ...transferred],
    to: (from, { dealKind }) => {
      if (!dealKind) return undefined;
      // A further license keeps the state; so does a license taken under an open license.
      if (
        dealKind === 'license' &&
        (['filed', 'industrialized', 'assigned', 'equity', 'open-license'] as LifecycleState[]).includes(from)
      )
        return from;
      return dealState[dealKind];
    },
    description: 'A deal was recorded: assignment, license or equity; the registration / filing clock starts',
  },
  filingConfirmed: {
    // From open-license: the filing of a license taken under the open license (the state stays).
    from: ['assigned', 'licensed', 'equity', 'filed', 'industrialized', 'open-license'],
    to: (from) => (from === 'industrialized' || from === 'open-license' ? from : 'filed'),
    description: 'The assignment registration or the license contract filing was recorded',
  },
  productFiled: {
    from: [...transferred, 'open-license'],
    to: 'industrialized',
    description: 'A patent-intensive product using the patent was filed',
  },
  promotionExpired: {
    from: ['high-value', 'key-industry-pool'],
    to: 'listed',
    description: 'The promotion window passed without a deal',
  },
  withdrawn: {
    from: ['registered', ...transferable],
    to: 'withdrawn',
    description: 'The institution withdrew the patent from the pools, giving its reason',
  },
  expired: {
    from: live,
    to: 'expired',
    description: 'The statutory term ended (专利法 art. 42), found by the daily sweep',
  },
  lapsed: {
    from: live,
    to: 'lapsed',
    description: 'The legal status says the right ended before its term (权利终止, 未缴年费终止, 放弃, 无效)',
  },
  rescreened: {
    // The screening of the inventory approval again, after the institution changed the conversion
    // intent (or the legal status) of an approved patent: out of the conversion pool, or into it.
    from: screenable,
    to: (from, { pool }) =>
      pool === 'base' && from !== 'base-pool'
        ? 'base-pool'
        : pool === 'conversion' && from === 'base-pool'
          ? 'conversion-pool'
          : undefined,
    description: 'An approved patent screened again after its intent or legal status changed',
  },
  reevaluated: {
    // A late evaluation (the window closed, the patent still available) updated the aggregate; the
    // tier it gives is the current one, the re-tier is deferred to a later day, or tiering is pending.
    from: lateEvaluable,
    to: (from) => from,
    description:
      'A late evaluation updated the aggregate (window closed, patent still available); the state is kept',
  },
  retiered: {
    // Late evaluations changed the tier outcome (at most once a China calendar day per patent): a
    // tier-decided state moves to the new tier's; an open license, a negotiation or licenses keep theirs
    // (the new tier is recorded on the patent).
    from: lateEvaluable.filter((state) => state !== 'evaluated'),
    to: (from, { tier }) =>
      !tier
        ? undefined
        : (tierDecidedStates as readonly LifecycleState[]).includes(from)
          ? tierState[tier]
          : from,
    description:
      'Late evaluations changed the tier outcome: re-tiered (versioned, with the reason; at most once a day)',
  },
} as const satisfies Record<LifecycleEvent, TransitionRule>;

export type TransitionOutcome =
  | { ok: true; from: LifecycleState; to: LifecycleState; event: LifecycleEvent }
  | {
      ok: false;
      from: LifecycleState;
      event: LifecycleEvent;
      /** Events that are allowed from the current state, with the state each leads to (when fixed). */
      allowed: Array<{ event: LifecycleEvent; to?: LifecycleState }>;
      reason: string;
    };

/** Events allowed from a state (and their target when it does not depend on the context). */
export function allowedFrom(state: LifecycleState): Array<{ event: LifecycleEvent; to?: LifecycleState }> {
  return lifecycleEvents
    .filter((event) => (transitionTable[event].from as readonly LifecycleState[]).includes(state))
    .map((event) => {
      const { to } = transitionTable[event] as TransitionRule;
      return typeof to === 'string' ? { event, to } : { event };
    });
}

/** The state after `event` from `from`, or why not (with the allowed events). Pure. */
export function nextLifecycle(
  from: LifecycleState,
  event: LifecycleEvent,
  context: TransitionContext = {},
): TransitionOutcome {
  const rule = transitionTable[event] as TransitionRule;
  if (!rule.from.includes(from)) {
    return {
      ok: false,
      from,
      event,
      allowed: allowedFrom(from),
      reason: `A patent in state "${from}" cannot take the event "${event}"`,
    };
  }
  const to = typeof rule.to === 'string' ? rule.to : rule.to(from, context);
  if (!to) {
    return {
      ok: false,
      from,
      event,
      allowed: allowedFrom(from),
      reason:
        event === 'rescreened'
          ? `The event "rescreened" needs the other pool than the one the patent is in (now "${from}") to decide the next state`
          : `The event "${event}" needs ${event === 'inventoried' ? 'the pool' : event === 'tiered' || event === 'retiered' ? 'the tier' : 'the deal kind'} to decide the next state`,
    };
  }
  return { ok: true, from, to, event };
}
