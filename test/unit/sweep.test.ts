/**
 * workflows/deadline-sweep.asl.json, every path, on the local Step Functions (the same runner and the
 * same file as npm start) with the tasks bound to scripted stand-ins: one round each, several rounds
 * (loop while more / not complete), the round cap, and a branch failing after its retries -> recorded,
 * the other branch unaffected. test/integration/sweep.test.ts runs it against the real tasks.
 */
import { describe, expect, it } from 'vitest';
import type { LambdaRuntime } from '../../infra/local/lambda-runtime.ts';
import { LocalStepFunctions } from '../../infra/local/step-functions.ts';

type Script = (fn: string, payload: Record<string, unknown>) => unknown;

function sweep(script: Script, handlesFilings = false) {
  const calls: Array<{ fn: string; payload: Record<string, unknown> }> = [];
  const runtime = {
    invoke: async (fn: string, payload: unknown) => {
      calls.push({ fn, payload: payload as Record<string, unknown> });
      if (fn === 'flagOverdueFilings' && !handlesFilings) return filingsRound(1, undefined);
      return script(fn, payload as Record<string, unknown>);
    },
  } as unknown as LambdaRuntime;
  const sfn = new LocalStepFunctions({
    root: `${import.meta.dirname}/../..`,
    stage: 'unit',
    region: 'us-east-1',
    runtime,
    log: () => undefined,
  });
  return {
    calls,
    async run(input: Record<string, unknown> = { schedule: 'deadline-sweep' }) {
      const execution = sfn.start(sfn.arn('deadline-sweep'), JSON.stringify(input));
      await execution.done;
      return {
        status: execution.status,
        output: execution.output ? JSON.parse(execution.output) : undefined,
        states: execution.events
          .filter((e) => e.type.endsWith('StateEntered'))
          .map((e) => (e.stateEnteredEventDetails as { name: string }).name),
        types: execution.events.map((e) => e.type),
      };
    },
  };
}

const filingsRound = (flagged: number, complete: boolean | undefined) => ({
  due: flagged + 1,
  flagged,
  reminded: 0,
  skipped: 1,
  mailed: flagged,
  withoutRecipient: 0,
  ...(complete === undefined ? {} : { complete }),
});
const windowsPage = (closed: number, complete: boolean) => ({
  closed,
  alreadyClosed: 1,
  notDue: 0,
  busy: 0,
  failed: [],
  complete,
});
const promotionsRound = (input: Record<string, unknown>, expired: number, more: boolean) => {
  const rounds = ((input.rounds as number | undefined) ?? 0) + 1;
  const before = (input.totals as { expired: number } | undefined)?.expired ?? 0;
  return {
    totals: { expired: before + expired, stale: 0, duplicate: 0, conflict: 0, failed: 0 },
    rounds,
    more,
    ...(more ? { cursor: { pk: `after-${rounds}` } } : {}),
  };
};

describe('deadline-sweep workflow paths', () => {
  it('one round each: counts per branch', async () => {
    const s = sweep((fn, payload) =>
      fn === 'closeEvaluationWindows' ? windowsPage(3, true) : promotionsRound(payload, 2, false),
    );
    const run = await s.run();
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({
      evaluationWindows: {
        branch: 'evaluationWindows',
        ok: true,
        counts: { closed: 3, alreadyClosed: 1, notDue: 0, busy: 0 },
        rounds: 1,
        complete: true,
      },
      promotions: { branch: 'promotions', ok: true, counts: { expired: 2 }, rounds: 1, complete: true },
      patentTerms: { branch: 'patentTerms', ok: true, counts: { expired: 2 }, rounds: 1, complete: true },
      deferredRetiers: {
        branch: 'deferredRetiers',
        ok: true,
        counts: { expired: 2 },
        rounds: 1,
        complete: true,
      },
      overdueFilings: {
        branch: 'overdueFilings',
        ok: true,
        counts: { due: 2, flagged: 1, reminded: 0, skipped: 1, mailed: 1, withoutRecipient: 0 },
        rounds: 1,
      },
    });
    expect(run.output.firedAt).toEqual(expect.any(String));
    expect(run.types[0]).toBe('ExecutionStarted');
    expect(run.types).toContain('ParallelStateEntered');
    expect(run.states).toEqual(
      expect.arrayContaining([
        'Sweep',
        'CloseEvaluationWindows',
        'AddWindowCounts',
        'MoreWindows',
        'EvaluationWindowsDone',
        'ExpirePromotions',
        'MorePromotions',
        'PromotionsDone',
        'PromotionsComplete',
        'StartFilings',
        'FlagOverdueFilings',
        'AddFilingCounts',
        'MoreFilings',
        'OverdueFilingsDone',
        'ExpirePatents',
        'MorePatentTerms',
        'PatentTermsDone',
        'PatentTermsComplete',
        'RunDeferredRetiers',
        'MoreRetiers',
        'RetiersDone',
        'RetiersComplete',
        'Summarize',
      ]),
    );
    expect(run.types.at(-1)).toBe('ExecutionSucceeded');
  });

  it('loops while a branch says more remain, adding the counts; the cursor goes to the next round', async () => {
    let windowCalls = 0;
    const s = sweep((fn, payload) => {
      if (fn === 'closeEvaluationWindows') return windowsPage(10, ++windowCalls >= 3);
      return promotionsRound(payload, 5, ((payload.rounds as number | undefined) ?? 0) < 1);
    });
    const run = await s.run({ limits: { pageSize: 1, maxPages: 1 } });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output.evaluationWindows).toMatchObject({
      counts: { closed: 30, alreadyClosed: 3 },
      rounds: 3,
    });
    expect(run.output.promotions).toMatchObject({ counts: { expired: 10 }, rounds: 2, complete: true });
    const promotionCalls = s.calls.filter((c) => c.fn === 'expirePromotions');
    expect(promotionCalls).toHaveLength(2);
    expect(promotionCalls[0]!.payload).toMatchObject({ limits: { pageSize: 1, maxPages: 1 } });
    expect(promotionCalls[1]!.payload).toMatchObject({ cursor: { pk: 'after-1' }, rounds: 1 });
    expect(run.states.filter((n) => n === 'CloseEvaluationWindows')).toHaveLength(3);
  });

  it('stops at the round cap and reports that some remain (the next sweep continues)', async () => {
    const s = sweep((fn, payload) =>
      fn === 'closeEvaluationWindows' ? windowsPage(1, false) : promotionsRound(payload, 1, true),
    );
    const run = await s.run();
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output.evaluationWindows).toMatchObject({
      rounds: 20,
      complete: false,
      counts: { closed: 20 },
    });
    expect(run.output.promotions).toMatchObject({ rounds: 20, complete: false, counts: { expired: 20 } });
    expect(run.states).toContain('PromotionsRemaining');
    expect(run.output.patentTerms).toMatchObject({ rounds: 20, complete: false, counts: { expired: 20 } });
    expect(run.states).toContain('PatentTermsRemaining');
    expect(run.output.deferredRetiers).toMatchObject({
      rounds: 20,
      complete: false,
      counts: { expired: 20 },
    });
    expect(run.states).toContain('RetiersRemaining');
  });

  it('a branch failing after its retry is recorded; the other branch completes', async () => {
    const s = sweep((fn, payload) => {
      if (fn === 'closeEvaluationWindows') throw new Error('2 evaluation windows could not be closed');
      return promotionsRound(payload, 4, false);
    });
    const run = await s.run();
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output.evaluationWindows).toMatchObject({
      branch: 'evaluationWindows',
      ok: false,
      cause: expect.stringContaining('could not be closed'),
    });
    expect(run.output.promotions).toMatchObject({ ok: true, counts: { expired: 4 } });
    expect(s.calls.filter((c) => c.fn === 'closeEvaluationWindows')).toHaveLength(2); // first try + 1 retry
    expect(run.types).toContain('StateRetried');
    expect(run.types).toContain('StateCaught');
    expect(run.states).toContain('EvaluationWindowsFailed');
  }, 20_000);

  it('overdue filings: loops while the task says complete=false, and records its failure', async () => {
    let filingCalls = 0;
    const s = sweep((fn, payload) => {
      if (fn === 'closeEvaluationWindows') return windowsPage(0, true);
      if (fn === 'expirePromotions' || fn === 'expirePatents' || fn === 'runDeferredRetiers')
        return promotionsRound(payload, 0, false);
      return filingsRound(2, ++filingCalls >= 2);
    }, true);
    const run = await s.run();
    expect(run.output.overdueFilings).toMatchObject({ ok: true, rounds: 2, counts: { flagged: 4, due: 6 } });
    const failing = sweep((fn, payload) => {
      if (fn === 'closeEvaluationWindows') return windowsPage(0, true);
      if (fn === 'expirePromotions' || fn === 'expirePatents' || fn === 'runDeferredRetiers')
        return promotionsRound(payload, 0, false);
      throw new Error('1 overdue deals could not be flagged');
    }, true);
    const failed = await failing.run();
    expect(failed.status).toBe('SUCCEEDED');
    expect(failed.output.overdueFilings).toMatchObject({ branch: 'overdueFilings', ok: false });
    expect(failed.states).toContain('OverdueFilingsFailed');
    expect(failed.output.promotions).toMatchObject({ ok: true });
  }, 20_000);

  it('the promotions branch failing is recorded the same way', async () => {
    const s = sweep((fn) => {
      if (fn === 'closeEvaluationWindows') return windowsPage(0, true);
      const error = new Error('{"message":"1 promotion(s) could not be expired"}');
      error.name = 'SweepItemsFailed';
      throw error;
    });
    const run = await s.run();
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output.promotions).toMatchObject({ ok: false, error: 'SweepItemsFailed' });
    expect(run.output.evaluationWindows).toMatchObject({ ok: true, counts: { closed: 0 } });
    expect(run.states).toContain('PromotionsFailed');
    // The patent-term expiry (the same script throws for it) is recorded the same way.
    expect(run.output.patentTerms).toMatchObject({
      branch: 'patentTerms',
      ok: false,
      error: 'SweepItemsFailed',
    });
    expect(run.states).toContain('PatentTermsFailed');
    // And the deferred re-tiers.
    expect(run.output.deferredRetiers).toMatchObject({
      branch: 'deferredRetiers',
      ok: false,
      error: 'SweepItemsFailed',
    });
    expect(run.states).toContain('RetiersFailed');
  }, 20_000);
});
