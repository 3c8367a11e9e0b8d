import { describe, expect, it } from 'vitest';
import {
  appliedMarkerKey,
  cancellationCause,
  currentLifecycle,
  IllegalTransitionError,
  planTransition,
  transitionWrites,
} from '../../functions/pipeline/transitions.ts';
import { allowedFrom } from '../../schemas/lifecycle.ts';

const patent = {
  applicationNumber: '202010123456.2',
  version: 4,
  lifecycle: 'conversion-pool' as const,
  institutionUscc: '12100000400000624D',
  provinceCode: '110000',
};
const at = '2026-11-25T10:00:00.000Z';
const actor = { sub: 'system:pipeline', roles: [] };

describe('transitionWrites', () => {
  it('4 items: the patent conditioned on its version, the audit entry, the pipeline event, the applied marker', () => {
    const items = transitionWrites(
      'core',
      // The whole item as read: the audit entry's before values come from it.
      { ...patent, reviewComment: '请补充', evaluationStatus: undefined } as typeof patent,
      {
        event: 'matched',
        eventId: 'matched:inventoried:202010123456.2',
        actor,
        executionArn: 'arn:aws:states:x:1:execution:m:e',
        set: { evaluationStatus: 'open' },
        remove: ['reviewComment'],
        details: { deadline: '2027-01-24T10:00:00.000Z' },
      },
      at,
    );
    expect(items).toHaveLength(4);
    const [update, audit, event, marker] = items;
    expect(update!.Update).toMatchObject({
      TableName: 'core',
      Key: { pk: 'PAT#202010123456.2', sk: 'PATENT' },
      ConditionExpression: 'version = :version',
      ExpressionAttributeValues: {
        ':version': 4,
        ':next': 5,
        ':to': 'under-evaluation',
        ':event': 'matched',
        ':s0': 'open',
      },
      ExpressionAttributeNames: {
        '#lifecycle': 'lifecycle',
        '#s0': 'evaluationStatus',
        '#r0': 'reviewComment',
      },
    });
    expect(update!.Update!.UpdateExpression).toMatch(
      /^SET version = :next, #lifecycle = :to, .* REMOVE #r0$/,
    );
    expect(audit!.Put!.Item).toMatchObject({
      pk: 'PAT#202010123456.2',
      entity: 'audit',
      action: 'lifecycle.matched',
      actor: 'system:pipeline',
      at,
      executionArn: 'arn:aws:states:x:1:execution:m:e',
      kind: 'transition',
      version: 5,
      context: {
        event: 'matched',
        eventId: 'matched:inventoried:202010123456.2',
        details: { deadline: '2027-01-24T10:00:00.000Z' },
      },
    });
    // Before (the patent as read, whose version conditions the update) and after, of what changed.
    expect(audit!.Put!.Item!.changes).toEqual({
      lifecycle: { before: 'conversion-pool', after: 'under-evaluation' },
      evaluationStatus: { after: 'open' },
      reviewComment: { before: '请补充' },
    });
    expect(event!.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: 'PAT#202010123456.2',
        sk: 'EVENT#000005#matched',
        entity: 'pipeline-event',
        type: 'matched',
        eventId: 'matched:inventoried:202010123456.2',
        applicationNumber: '202010123456.2',
        institutionUscc: '12100000400000624D',
        provinceCode: '110000',
        version: 5,
        from: 'conversion-pool',
        to: 'under-evaluation',
        details: { deadline: '2027-01-24T10:00:00.000Z' },
      },
    });
    expect(marker!.Put).toEqual({
      TableName: 'core',
      Item: {
        ...appliedMarkerKey(patent.applicationNumber, 'matched:inventoried:202010123456.2'),
        entity: 'applied-event',
        at,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('details never overwrite the event item keys', () => {
    const [, , event] = transitionWrites(
      'core',
      patent,
      { event: 'withdrawn', eventId: 'w', actor, details: { type: 'forged', sk: 'X', entity: 'Y' } },
      at,
    );
    expect(event!.Put!.Item).toMatchObject({
      sk: 'EVENT#000005#withdrawn',
      type: 'withdrawn',
      entity: 'pipeline-event',
    });
  });

  it("leaving a promotion or an evaluation removes its deadline entry (5c's sweep), unless the caller sets the index itself", () => {
    const promoted = { ...patent, lifecycle: 'high-value' as const, gsi3pk: 'DUE#promotion' };
    const [update] = transitionWrites('core', promoted, { event: 'withdrawn', eventId: 'w', actor }, at);
    expect(update!.Update!.UpdateExpression).toMatch(/REMOVE #r0, #r1$/);
    expect(update!.Update!.ExpressionAttributeNames).toMatchObject({ '#r0': 'gsi3pk', '#r1': 'gsi3sk' });
    const [withFiling] = transitionWrites(
      'core',
      promoted,
      {
        event: 'dealRecorded',
        context: { dealKind: 'license' },
        eventId: 'd',
        actor,
        set: { gsi3pk: 'DUE#filing', gsi3sk: 'x' },
      },
      at,
    );
    expect(withFiling!.Update!.UpdateExpression).not.toContain('REMOVE');
    const [other] = transitionWrites(
      'core',
      { ...promoted, gsi3pk: 'DUE#evaluation-window', lifecycle: 'high-value' },
      { event: 'withdrawn', eventId: 'w', actor },
      at,
    );
    expect(other!.Update!.UpdateExpression).not.toContain('REMOVE');
    const [expiry] = transitionWrites(
      'core',
      promoted,
      { event: 'promotionExpired', eventId: 'p', actor },
      at,
    );
    expect(expiry!.Update!.UpdateExpression).toMatch(/REMOVE #r0, #r1$/);
  });

  it('refuses to let set/remove name the attributes the transition owns', () => {
    expect(() =>
      transitionWrites('core', patent, { event: 'withdrawn', eventId: 'w', actor, set: { version: 9 } }, at),
    ).toThrow(/version/);
    expect(() =>
      transitionWrites(
        'core',
        patent,
        { event: 'withdrawn', eventId: 'w', actor, remove: ['lifecycle'] },
        at,
      ),
    ).toThrow(/lifecycle/);
  });

  it('an illegal transition throws 409 ILLEGAL_TRANSITION with current, event and exactly the allowed events', () => {
    const error = (() => {
      try {
        transitionWrites(
          'core',
          { ...patent, lifecycle: 'licensed' },
          { event: 'matched', eventId: 'm', actor },
          at,
        );
      } catch (e) {
        return e;
      }
    })() as IllegalTransitionError;
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ statusCode: 409, code: 'ILLEGAL_TRANSITION' });
    expect(error.details).toEqual({
      applicationNumber: patent.applicationNumber,
      current: 'licensed',
      event: 'matched',
      allowed: allowedFrom('licensed'),
    });
    expect(error.message).toContain('dealRecorded, filingConfirmed, productFiled, expired');
    expect(() => planTransition({ ...patent, lifecycle: 'expired' }, { event: 'withdrawn' })).toThrow(
      /nothing \(final state\)/,
    );
  });
});

describe('currentLifecycle of items written before the attribute existed', () => {
  it('reads review, pool and evaluation status', () => {
    const legacy = { applicationNumber: 'n', version: 1 };
    expect(currentLifecycle({ ...legacy, reviewStatus: 'submitted' })).toBe('registered');
    expect(currentLifecycle({ ...legacy, reviewStatus: 'approved', poolStatus: 'base' })).toBe('base-pool');
    expect(currentLifecycle({ ...legacy, reviewStatus: 'approved', poolStatus: 'conversion' })).toBe(
      'conversion-pool',
    );
    expect(
      currentLifecycle({
        ...legacy,
        reviewStatus: 'approved',
        poolStatus: 'conversion',
        evaluationStatus: 'open',
      }),
    ).toBe('under-evaluation');
    expect(
      currentLifecycle({
        ...legacy,
        reviewStatus: 'approved',
        poolStatus: 'conversion',
        evaluationStatus: 'closed',
      }),
    ).toBe('evaluated');
    expect(currentLifecycle({ ...legacy, reviewStatus: 'approved', lifecycle: 'filed' })).toBe('filed');
  });
});

describe('cancellationCause', () => {
  const cancelled = (...codes: string[]) => ({ CancellationReasons: codes.map((Code) => ({ Code })) });
  it('duplicate when the marker failed (even if the version moved on too), conflict when only the version did', () => {
    expect(
      cancellationCause(
        cancelled('ConditionalCheckFailed', 'None', 'None', 'ConditionalCheckFailed'),
        [3],
        [0],
      ),
    ).toBe('duplicate');
    expect(cancellationCause(cancelled('ConditionalCheckFailed', 'None', 'None', 'None'), [3], [0])).toBe(
      'conflict',
    );
    expect(
      cancellationCause(cancelled('None', 'None', 'None', 'None', 'ConditionalCheckFailed'), [3], [0]),
    ).toBeUndefined();
    expect(cancellationCause(new Error('network'), [3], [0])).toBeUndefined();
  });
});
