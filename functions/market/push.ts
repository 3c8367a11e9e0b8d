/**
 * Matching and push: when a patent enters the conversion pool (the `inventoried` event) or an
 * institution asks for a re-match, its evaluators are found and scored (matching.ts) and each match
 * becomes an evaluation request in the evaluator's inbox, at most `capPerDay` new requests per
 * evaluator per day so that nobody is flooded. Pushing the same patent again changes nothing for
 * evaluators who already have its request. The first push opens the patent's evaluation window: the
 * `matched` lifecycle transition (functions/pipeline/transitions.ts), whose event id comes from the
 * trigger (the pipeline event), so a replayed trigger opens nothing twice.
 */
import { chinaDate } from '../../schemas/china-date.ts';
import { allowedFrom, type LifecycleState } from '../../schemas/lifecycle.ts';
import { type AvailabilitySubject, unavailability } from '../patents/availability.ts';
import { currentLifecycle } from '../pipeline/transitions.ts';
import { type AuditActor, systemActor } from '../shared/audit.ts';
import {
  type Candidate,
  type Match,
  type MatchKey,
  type PatentForMatching,
  patentMatchKeys,
  scoreCandidates,
} from './matching.ts';

export interface MarketSettings {
  maxEnterprises: number;
  maxExperts: number;
  capPerDay: number;
  windowDays: number;
}

/** Configurable through the environment (see docs/market.md); these are the defaults. */
export function marketSettings(env: Record<string, string | undefined> = process.env): MarketSettings {
  const number = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  return {
    maxEnterprises: number('MATCH_MAX_ENTERPRISES', 20),
    maxExperts: number('MATCH_MAX_EXPERTS', 5),
    capPerDay: number('PUSH_CAP_PER_DAY', 20),
    windowDays: number('EVALUATION_WINDOW_DAYS', 60),
  };
}

export interface PatentSummary
  extends PatentForMatching,
    Omit<AvailabilitySubject, 'applicationNumber' | 'lifecycle' | 'patentType'> {
  title: string;
  patentType: string;
  trl?: number;
  conversionIntents: string[];
  poolStatus: string;
  evaluationStatus?: 'open' | 'closed';
  evaluationOpenedAt?: string;
  version: number;
  lifecycle?: LifecycleState;
  reviewStatus?: string;
}

/** What caused a match: its event id makes the `matched` transition idempotent. */
export interface MatchTrigger {
  eventId: string;
  actor: AuditActor;
  executionArn?: string;
}

export interface PushStore {
  patent(applicationNumber: string): Promise<PatentSummary | undefined>;
  candidates(keys: string[]): Promise<Candidate[]>;
  /** Creates the request unless the evaluator has it; 'capped' when the evaluator's day is full. */
  push(
    patent: PatentSummary,
    match: Match,
    day: string,
    capPerDay: number,
    at: string,
  ): Promise<'pushed' | 'exists' | 'capped'>;
  /**
   * Opens the evaluation window: the `matched` transition at the patent's version. duplicate: the
   * trigger was applied before; conflict: the patent changed since it was read.
   */
  openWindow(
    patent: PatentSummary,
    window: { openedAt: string; deadline: string },
    trigger: MatchTrigger,
  ): Promise<'opened' | 'duplicate' | 'conflict'>;
}

/** Keys at least this specific are always read: industry class/group, strategic level 2, IPC main group/subclass. */
export const specificWeight = 3;

/**
 * Progressive widening: the patent's specific fields first; the broad ones (industry division and
 * section, strategic level 1, IPC class) only when the specific ones found too few evaluators to
 * choose from. A broad partition can hold thousands of evaluators; reading it only when needed keeps
 * the cost per patent from growing with the registry.
 */
export async function findCandidates(
  store: Pick<PushStore, 'candidates'>,
  keys: MatchKey[],
  settings: MarketSettings,
): Promise<Candidate[]> {
  const specific = keys.filter((k) => k.weight >= specificWeight).map((k) => k.key);
  const broad = keys.filter((k) => k.weight < specificWeight).map((k) => k.key);
  const found = specific.length ? await store.candidates(specific) : [];
  const distinct = new Set(found.map((c) => `${c.kind}#${c.id}`)).size;
  const enough = 3 * (settings.maxEnterprises + settings.maxExperts);
  if (distinct >= enough || broad.length === 0) return found;
  return [...found, ...(await store.candidates(broad))];
}

/** Lifecycle states in which a patent is matched and pushed (re-matching an open window included). */
export function matchable(state: LifecycleState): boolean {
  return state === 'under-evaluation' || allowedFrom(state).some((a) => a.event === 'matched');
}

export async function matchAndPush(
  deps: { store: PushStore; now: () => Date; settings: MarketSettings },
  applicationNumber: string,
  trigger?: MatchTrigger,
) {
  const patent = await deps.store.patent(applicationNumber);
  if (patent?.poolStatus !== 'conversion')
    return { applicationNumber, skipped: 'not in the conversion pool' as const };
  const state = currentLifecycle(patent);
  if (!matchable(state)) return { applicationNumber, skipped: `not matched in state ${state}` };
  // Never pushed when not on offer (lapsed, expired, assigned, under an exclusive or sole license ...).
  const now = deps.now();
  const gone = unavailability(patent, chinaDate(now));
  if (gone) return { applicationNumber, skipped: `not available: ${gone.reason}` };
  const keys = patentMatchKeys(patent);
  const candidates = await findCandidates(deps.store, keys, deps.settings);
  const matches = scoreCandidates(patent, keys, candidates, deps.settings);
  const at = now.toISOString();
  const day = chinaDate(now); // China's calendar day
  const outcome = { pushed: 0, exists: 0, capped: 0 };
  for (const match of matches)
    outcome[await deps.store.push(patent, match, day, deps.settings.capPerDay, at)]++;
  const deadline = new Date(now.getTime() + deps.settings.windowDays * 86_400_000).toISOString();
  // Requests exist (new or from an earlier run that stopped before this point): the window opens once.
  let opened = false;
  let current: PatentSummary | undefined = patent;
  for (let attempt = 0; attempt < 3 && outcome.pushed + outcome.exists > 0; attempt++) {
    if (attempt > 0) current = await deps.store.patent(applicationNumber);
    if (!current || current.evaluationOpenedAt) break;
    if (!allowedFrom(currentLifecycle(current)).some((a) => a.event === 'matched')) break;
    const result = await deps.store.openWindow(
      current,
      { openedAt: at, deadline },
      trigger ?? {
        eventId: `matched:${applicationNumber}:${at}`,
        actor: systemActor('matching'),
      },
    );
    if (result !== 'conflict') {
      opened = result === 'opened';
      break;
    }
    if (attempt === 2)
      throw new Error(`Patent ${applicationNumber} kept changing while its evaluation window was opened`);
  }
  return {
    applicationNumber,
    candidates: candidates.length,
    matches: matches.length,
    ...outcome,
    windowOpened: opened,
  };
}
