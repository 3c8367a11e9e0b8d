import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedFrom,
  type LifecycleEvent,
  type LifecycleState,
  lifecycleEvents,
  lifecycleStates,
  nextLifecycle,
  type TransitionContext,
  terminalStates,
  tierValues,
  transitionTable,
} from '../../schemas/lifecycle.ts';

const terminal: LifecycleState[] = [...terminalStates];
const contextArb: fc.Arbitrary<TransitionContext> = fc.record(
  {
    pool: fc.constantFrom('base', 'conversion'),
    tier: fc.constantFrom(...tierValues),
    dealKind: fc.constantFrom('assignment', 'license', 'equity'),
  },
  { requiredKeys: [] },
);
const stepArb = fc.record({ event: fc.constantFrom(...lifecycleEvents), context: contextArb });

describe('lifecycle transition table', () => {
  it('the main road: registered -> conversion pool -> under evaluation -> evaluated -> high value -> licensed -> filed -> industrialized', () => {
    const road: Array<[LifecycleEvent, TransitionContext, LifecycleState]> = [
      ['inventoried', { pool: 'conversion' }, 'conversion-pool'],
      ['matched', {}, 'under-evaluation'],
      ['evaluationClosed', {}, 'evaluated'],
      ['tiered', { tier: 'high-value' }, 'high-value'],
      ['dealRecorded', { dealKind: 'license' }, 'licensed'],
      ['filingConfirmed', {}, 'filed'],
      ['productFiled', {}, 'industrialized'],
    ];
    let state: LifecycleState = 'registered';
    for (const [event, context, expected] of road) {
      const outcome = nextLifecycle(state, event, context);
      expect(outcome, `${state} --${event}-->`).toMatchObject({ ok: true, from: state, to: expected });
      if (outcome.ok) state = outcome.to;
    }
  });

  it('events whose target depends on the context refuse without it, naming what is missing', () => {
    expect(nextLifecycle('registered', 'inventoried')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('the pool'),
    });
    expect(nextLifecycle('evaluated', 'tiered')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('the tier'),
    });
    expect(nextLifecycle('listed', 'dealRecorded')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('the deal kind'),
    });
    expect(nextLifecycle('registered', 'inventoried', { pool: 'base' })).toMatchObject({
      ok: true,
      to: 'base-pool',
    });
  });

  it('tiers lead to their pools; a further license keeps a transferred state; filing keeps industrialized', () => {
    expect(nextLifecycle('evaluated', 'tiered', { tier: 'key-industry' })).toMatchObject({
      to: 'key-industry-pool',
    });
    expect(nextLifecycle('evaluated', 'tiered', { tier: 'broad-applicability' })).toMatchObject({
      to: 'listed',
    });
    expect(nextLifecycle('evaluated', 'tiered', { tier: 'ordinary' })).toMatchObject({ to: 'listed' });
    expect(nextLifecycle('filed', 'dealRecorded', { dealKind: 'license' })).toMatchObject({ to: 'filed' });
    expect(nextLifecycle('filed', 'dealRecorded', { dealKind: 'assignment' })).toMatchObject({
      to: 'assigned',
    });
    expect(nextLifecycle('industrialized', 'filingConfirmed')).toMatchObject({ to: 'industrialized' });
  });

  it('property: any sequence of events stays inside the table; terminal states allow nothing; every refusal lists exactly allowedFrom', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...lifecycleStates),
        fc.array(stepArb, { maxLength: 40 }),
        (start, steps) => {
          let state: LifecycleState = start;
          for (const { event, context } of steps) {
            const outcome = nextLifecycle(state, event, context);
            expect(outcome.from).toBe(state);
            if (outcome.ok) {
              expect(lifecycleStates).toContain(outcome.to);
              // Allowed only if the table lists the state as a source of the event.
              expect(transitionTable[event].from as readonly string[]).toContain(state);
              expect(terminal).not.toContain(state);
              state = outcome.to;
            } else {
              expect(outcome.allowed).toEqual(allowedFrom(state));
              if (terminal.includes(state)) expect(outcome.allowed).toEqual([]);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('allowedFrom lists each event whose rule names the state, with the fixed target when there is one', () => {
    for (const state of lifecycleStates) {
      const allowed = allowedFrom(state);
      const expected = lifecycleEvents.filter((e) =>
        (transitionTable[e].from as readonly string[]).includes(state),
      );
      expect(allowed.map((a) => a.event)).toEqual(expected);
      for (const a of allowed) {
        const to = transitionTable[a.event].to;
        expect(a.to).toBe(typeof to === 'string' ? to : undefined);
      }
    }
    for (const state of terminal) expect(allowedFrom(state)).toEqual([]);
  });

  it('every state is reachable from registered, and every non-terminal state can reach a terminal one', () => {
    const contexts: TransitionContext[] = [
      { pool: 'base' },
      { pool: 'conversion' },
      ...tierValues.map((tier) => ({ tier })),
      { dealKind: 'assignment' },
      { dealKind: 'license' },
      { dealKind: 'equity' },
    ];
    const successors = (state: LifecycleState) =>
      lifecycleEvents.flatMap((event) =>
        contexts.flatMap((context) => {
          const outcome = nextLifecycle(state, event, context);
          return outcome.ok ? [outcome.to] : [];
        }),
      );
    const seen = new Set<LifecycleState>(['registered']);
    for (const queue: LifecycleState[] = ['registered']; queue.length; ) {
      for (const next of successors(queue.shift()!)) if (!seen.has(next)) seen.add(next) && queue.push(next);
    }
    expect([...seen].sort()).toEqual([...lifecycleStates].sort());
    for (const state of lifecycleStates.filter((s) => !terminal.includes(s))) {
      expect(successors(state)).toContain('expired');
      expect(successors(state)).toContain('lapsed');
    }
  });

  it('every exit: withdrawal before a transfer, lapse and expiry from every live state, each final', () => {
    expect(terminal.sort()).toEqual(['expired', 'lapsed', 'withdrawn']);
    for (const state of ['registered', 'listed', 'in-negotiation', 'under-evaluation'] as const)
      expect(nextLifecycle(state, 'withdrawn')).toMatchObject({ ok: true, to: 'withdrawn' });
    // Transferred: the institution is bound by the contract, it does not withdraw the patent.
    for (const state of ['assigned', 'licensed', 'filed', 'industrialized'] as const)
      expect(nextLifecycle(state, 'withdrawn')).toMatchObject({ ok: false });
    for (const state of ['registered', 'licensed', 'industrialized', 'open-license'] as const) {
      expect(nextLifecycle(state, 'lapsed')).toMatchObject({ ok: true, to: 'lapsed' });
      expect(nextLifecycle(state, 'expired')).toMatchObject({ ok: true, to: 'expired' });
    }
    for (const state of terminal)
      for (const event of ['withdrawn', 'lapsed', 'expired', 'rescreened'] as const)
        expect(nextLifecycle(state, event, { pool: 'base' })).toMatchObject({ ok: false, allowed: [] });
  });

  it('rescreened moves an approved patent to the other pool only, and needs to know which', () => {
    for (const state of [
      'conversion-pool',
      'under-evaluation',
      'evaluated',
      'high-value',
      'listed',
    ] as const) {
      expect(nextLifecycle(state, 'rescreened', { pool: 'base' })).toMatchObject({
        ok: true,
        to: 'base-pool',
      });
      expect(nextLifecycle(state, 'rescreened', { pool: 'conversion' })).toMatchObject({
        ok: false,
        reason: expect.stringContaining('the other pool'),
      });
    }
    expect(nextLifecycle('base-pool', 'rescreened', { pool: 'conversion' })).toMatchObject({
      ok: true,
      to: 'conversion-pool',
    });
    expect(nextLifecycle('base-pool', 'rescreened', { pool: 'base' })).toMatchObject({ ok: false });
    expect(nextLifecycle('registered', 'rescreened', { pool: 'base' })).toMatchObject({ ok: false });
    expect(nextLifecycle('licensed', 'rescreened', { pool: 'base' })).toMatchObject({ ok: false });
  });

  it('negotiationOpened: into in-negotiation from the offered states; kept while evaluating, negotiating, open-licensed or licensed', () => {
    for (const state of [
      'conversion-pool',
      'evaluated',
      'high-value',
      'key-industry-pool',
      'listed',
    ] as const)
      expect(nextLifecycle(state, 'negotiationOpened')).toMatchObject({ ok: true, to: 'in-negotiation' });
    for (const state of [
      'under-evaluation',
      'in-negotiation',
      'open-license',
      'licensed',
      'filed',
      'industrialized',
    ] as const)
      expect(nextLifecycle(state, 'negotiationOpened')).toMatchObject({ ok: true, to: state });
    // Not offered: never approved, base pool, transferred away, or gone.
    for (const state of ['registered', 'base-pool', 'assigned', 'equity', ...terminal] as const)
      expect(nextLifecycle(state, 'negotiationOpened')).toMatchObject({ ok: false });
  });

  it('docs/pipeline.md lists every state and every event of the table', () => {
    const doc = readFileSync('docs/pipeline.md', 'utf8');
    const table = doc.slice(doc.indexOf('lifecycle-table:start'), doc.indexOf('lifecycle-table:end'));
    for (const state of lifecycleStates) expect(table, state).toContain(`\`${state}\``);
    for (const event of lifecycleEvents) expect(table, event).toContain(`| \`${event}\` |`);
  });
});
