import { describe, expect, it } from 'vitest';
import {
  type ReviewChange,
  type ReviewedPatent,
  type ReviewStore,
  reviewInventory,
  screen,
  submitSelfAssessment,
} from '../../functions/patents/inventory-review.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../functions/shared/errors.ts';
import type { Caller } from '../../schemas/roles.ts';

const uscc = '12100000400000624D';
const department: Caller = { sub: 'dept', roles: ['institution'], orgUscc: uscc, department: '化学学院' };
const reviewer: Caller = { sub: 'rev', roles: ['institution'], orgUscc: uscc };
const stranger: Caller = { sub: 'x', roles: ['institution'], orgUscc: '121100004000018521', department: 'x' };

function memoryStore(patent: Partial<ReviewedPatent> = {}) {
  const item: ReviewedPatent = {
    applicationNumber: '202010123456.2',
    institutionUscc: uscc,
    reviewStatus: 'draft',
    poolStatus: 'base',
    legalStatus: 'valid',
    conversionIntents: ['license'],
    version: 1,
    department: '化学学院',
    ...patent,
  };
  const changes: ReviewChange[] = [];
  const store: ReviewStore = {
    async get(n) {
      return n === item.applicationNumber ? { ...item } : undefined;
    },
    async apply(read, change) {
      if (read.version !== item.version) return false;
      Object.assign(item, change.set, { version: item.version + 1 });
      changes.push(change);
      return true;
    },
  };
  return { store, item, changes };
}
const now = () => new Date('2026-11-25T00:00:00Z');

describe('department scope', () => {
  it('a department user cannot edit, submit or even see another department’s patent of its institution (404), nor review any', async () => {
    const { store, item, changes } = memoryStore({ department: '材料学院' });
    await expect(
      submitSelfAssessment({ store, now }, department, item.applicationNumber, { trl: 5 }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      reviewInventory({ store, now }, department, item.applicationNumber, { action: 'submit' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(changes).toHaveLength(0);
    // Its own department's patent: allowed.
    const own = memoryStore({ department: '化学学院' });
    await reviewInventory({ store: own.store, now }, department, own.item.applicationNumber, {
      action: 'submit',
    });
    expect(own.changes).toHaveLength(1);
  });
});

describe('inventory review', () => {
  it('draft -> submitted (department) -> approved (reviewer): screened into the conversion pool, inventoried event recorded', async () => {
    const { store, item, changes } = memoryStore();
    await reviewInventory({ store, now }, department, item.applicationNumber, { action: 'submit' });
    expect(item.reviewStatus).toBe('submitted');
    await reviewInventory({ store, now }, reviewer, item.applicationNumber, { action: 'approve' });
    expect(item).toMatchObject({ reviewStatus: 'approved', poolStatus: 'conversion', version: 3 });
    expect(changes[1]!.transition).toEqual({
      event: 'inventoried',
      context: { pool: 'conversion' },
      eventId: `inventoried:${item.applicationNumber}`,
      details: { poolStatus: 'conversion', reviewAction: 'approve', reviewFrom: 'submitted' },
    });
  });

  it('screening keeps 暂无 and non-valid patents in the base pool (still recording the event)', () => {
    expect(screen({ legalStatus: 'valid', conversionIntents: ['none'] })).toBe('base');
    expect(screen({ legalStatus: 'valid', conversionIntents: [] })).toBe('base');
    expect(screen({ legalStatus: 'terminated', conversionIntents: ['license'] })).toBe('base');
    expect(screen({ legalStatus: 'valid', conversionIntents: ['assignment', 'license'] })).toBe('conversion');
  });

  it('return needs a comment, and sends the patent back to editable', async () => {
    const { store, item } = memoryStore({ reviewStatus: 'submitted' });
    await expect(
      reviewInventory({ store, now }, reviewer, item.applicationNumber, { action: 'return' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await reviewInventory({ store, now }, reviewer, item.applicationNumber, {
      action: 'return',
      comment: '请补充应用场景',
    });
    expect(item).toMatchObject({ reviewStatus: 'returned' });
    await submitSelfAssessment({ store, now }, department, item.applicationNumber, {
      applicationScenarios: '医学影像',
    });
    expect(item).toMatchObject({ applicationScenarios: '医学影像', reviewStatus: 'returned' });
  });

  it('an illegal transition is a 409 naming the current state and the allowed actions', async () => {
    const { store, item } = memoryStore({ reviewStatus: 'draft' });
    const error = await reviewInventory({ store, now }, reviewer, item.applicationNumber, {
      action: 'approve',
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.details).toEqual({ currentState: 'draft', allowedActions: ['submit'] });
    expect(item.version).toBe(1);
  });

  it('an approval the lifecycle does not allow (withdrawn) is a 409 ILLEGAL_TRANSITION, and nothing changes', async () => {
    const { store, item, changes } = memoryStore({ reviewStatus: 'submitted', lifecycle: 'withdrawn' });
    const error = await reviewInventory({ store, now }, reviewer, item.applicationNumber, {
      action: 'approve',
    }).catch((e) => e);
    expect(error).toMatchObject({
      statusCode: 409,
      code: 'ILLEGAL_TRANSITION',
      details: { current: 'withdrawn', event: 'inventoried', allowed: [] },
    });
    expect(changes).toEqual([]);
    expect(item.version).toBe(1);
  });

  it('roles: a department user cannot approve, a reviewer cannot submit', async () => {
    const { store, item } = memoryStore({ reviewStatus: 'submitted' });
    await expect(
      reviewInventory({ store, now }, department, item.applicationNumber, { action: 'approve' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const draft = memoryStore();
    await expect(
      reviewInventory({ store: draft.store, now }, reviewer, item.applicationNumber, { action: 'submit' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("another institution's patent is 404, and nothing changes", async () => {
    const { store, item } = memoryStore();
    await expect(
      reviewInventory({ store, now }, stranger, item.applicationNumber, { action: 'submit' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      submitSelfAssessment({ store, now }, stranger, item.applicationNumber, { trl: 5 }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(item.version).toBe(1);
  });

  it('a stale expectedVersion, or an edit after submission, is a 409', async () => {
    const { store, item } = memoryStore();
    await expect(
      submitSelfAssessment({ store, now }, department, item.applicationNumber, {
        trl: 5,
        expectedVersion: 7,
      }),
    ).rejects.toThrow(/changed since you read it/);
    const submitted = memoryStore({ reviewStatus: 'submitted' });
    await expect(
      submitSelfAssessment({ store: submitted.store, now }, department, item.applicationNumber, { trl: 5 }),
    ).rejects.toThrow(/return it first/);
  });

  it('暂无 cannot be combined with other intents', async () => {
    const { store, item } = memoryStore();
    await expect(
      submitSelfAssessment({ store, now }, department, item.applicationNumber, {
        conversionIntents: ['none', 'license'],
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
