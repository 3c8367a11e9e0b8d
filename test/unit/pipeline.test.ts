/** Pipeline use-cases over fake ports: start, failures and retry, history scope, notification, match -> matched. */
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../functions/market/matching.ts';
import {
  type MarketSettings,
  matchAndPush,
  type PatentSummary,
  type PushStore,
} from '../../functions/market/push.ts';
import {
  executionName,
  type PipelineEvent,
  pipelineEventFromItem,
  stageOf,
} from '../../functions/pipeline/events.ts';
import {
  type FailureStore,
  listFailures,
  recordFailure,
  retryFailure,
  type StoredFailure,
} from '../../functions/pipeline/failures.ts';
import { type HistoryStore, patentHistory } from '../../functions/pipeline/history.ts';
import { type NotifyStore, notifyMailId, notifyTransition } from '../../functions/pipeline/notify.ts';
import { type ExecutionStarter, startPipeline } from '../../functions/pipeline/start.ts';
import { transitionWrites } from '../../functions/pipeline/transitions.ts';
import { historyPageSchema } from '../../schemas/pipeline.ts';
import type { Caller } from '../../schemas/roles.ts';

const NUMBER = '202010123456.2';
const USCC = '12100000400000624D';
const now = () => new Date('2026-11-25T10:00:00.000Z');
const event: PipelineEvent = {
  eventId: `inventoried:${NUMBER}`,
  type: 'inventoried',
  applicationNumber: NUMBER,
  institutionUscc: USCC,
  provinceCode: '110000',
  version: 3,
  from: 'registered',
  to: 'conversion-pool',
  at: '2026-11-25T09:00:00.000Z',
  actor: 'reviewer',
  details: { poolStatus: 'conversion' },
};
const nationalAdmin: Caller = { sub: 'nat', roles: ['national-admin'] };
const beijingAdmin: Caller = { sub: 'bj', roles: ['province-admin'], provinceCode: '110000' };
const shanghaiAdmin: Caller = { sub: 'sh', roles: ['province-admin'], provinceCode: '310000' };
const owner: Caller = { sub: 'inst', roles: ['institution'], orgUscc: USCC };
const stranger: Caller = { sub: 'other', roles: ['institution'], orgUscc: '121100004000018521' };
const enterprise: Caller = { sub: 'ent', roles: ['enterprise'], orgUscc: '91110000802100433B' };

function recordingStarter(): ExecutionStarter & { calls: Array<{ name: string; input: string }> } {
  const calls: Array<{ name: string; input: string }> = [];
  return {
    calls,
    async start(name, input) {
      if (calls.some((c) => c.name === name)) return { exists: true };
      calls.push({ name, input });
      return { executionArn: `arn:aws:states:r:1:express:patent-pipeline:${name}:x` };
    },
  };
}

describe('pipeline events', () => {
  it('the item transitionWrites puts becomes the event the workflow receives', () => {
    const [, , put] = transitionWrites(
      'core',
      {
        applicationNumber: NUMBER,
        version: 2,
        lifecycle: 'registered',
        institutionUscc: USCC,
        provinceCode: '110000',
      },
      {
        event: 'inventoried',
        context: { pool: 'conversion' },
        eventId: `inventoried:${NUMBER}`,
        actor: { sub: 'reviewer', roles: ['institution'] },
        details: { poolStatus: 'conversion' },
      },
      '2026-11-25T09:00:00.000Z',
    );
    expect(pipelineEventFromItem(put!.Put!.Item as Record<string, unknown>)).toEqual(event);
  });

  it('older event items (attributes at the top level, no id) still make an event', () => {
    const old = pipelineEventFromItem({
      pk: `PAT#${NUMBER}`,
      sk: 'EVENT#000005#evaluationClosed',
      entity: 'pipeline-event',
      type: 'evaluationClosed',
      at: 'x',
      reason: 'quorum',
    });
    expect(old).toMatchObject({
      eventId: `evaluationClosed:${NUMBER}:5`,
      applicationNumber: NUMBER,
      version: 5,
      details: { reason: 'quorum' },
    });
  });

  it('execution names: Step Functions characters, at most 80, the same for the same event, retries numbered', () => {
    expect(executionName(event)).toBe('202010123456_2-000003-inventoried');
    expect(executionName(event, 2)).toBe('202010123456_2-000003-inventoried-r2');
    const long = executionName(
      { applicationNumber: 'x'.repeat(100), version: 1, type: 'openLicenseWithdrawn' },
      12,
    );
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('stages: conversion-pool inventoried -> MatchAndPush, base pool -> none, evaluationClosed -> TierPatent', () => {
    expect(stageOf(event)).toBe('MatchAndPush');
    expect(stageOf({ ...event, to: 'base-pool' })).toBeUndefined();
    expect(stageOf({ type: 'evaluationClosed', to: 'evaluated' })).toBe('TierPatent');
    expect(stageOf({ type: 'dealRecorded', to: 'licensed' })).toBe('NotifyTransition');
    expect(stageOf({ type: 'withdrawn', to: 'withdrawn' })).toBeUndefined();
  });
});

describe('startPipeline', () => {
  it('one execution per handled event, named by it and noted on the event; the same event again starts nothing; others are not handled', async () => {
    const starter = recordingStarter();
    const noted: Array<[string, string]> = [];
    const recorder = {
      async noteStarted(e: PipelineEvent, arn: string) {
        noted.push([e.eventId, arn]);
      },
    };
    await expect(startPipeline({ starter, recorder }, event)).resolves.toMatchObject({ started: true });
    expect(noted).toEqual([
      [event.eventId, `arn:aws:states:r:1:express:patent-pipeline:${executionName(event)}:x`],
    ]);
    expect(starter.calls).toEqual([{ name: executionName(event), input: JSON.stringify({ event }) }]);
    await expect(startPipeline({ starter }, event)).resolves.toMatchObject({
      started: false,
      reason: 'already-started',
    });
    await expect(startPipeline({ starter }, { ...event, type: 'matched' })).resolves.toMatchObject({
      started: false,
      reason: 'not-handled',
    });
    expect(starter.calls).toHaveLength(1);
  });
});

function memoryFailures(): FailureStore & { items: Map<string, StoredFailure> } {
  const items = new Map<string, StoredFailure>();
  return {
    items,
    async record(f) {
      const existing = items.get(f.eventId);
      if (existing?.executionArn === f.executionArn) return false;
      items.set(f.eventId, {
        ...f,
        failures: (existing?.failures ?? 0) + 1,
        retries: existing?.retries ?? 0,
      });
      return true;
    },
    async get(id) {
      return items.get(id) && structuredClone(items.get(id));
    },
    async list(scope, page) {
      const all = [...items.values()]
        .filter(
          (f) => f.status === 'failed' && (!scope.provinceCode || f.provinceCode === scope.provinceCode),
        )
        .sort((a, b) => b.failedAt.localeCompare(a.failedAt));
      return { items: all.slice(0, page.limit) };
    },
    async claimRetry(id, failures, by, at) {
      const f = items.get(id);
      if (f?.status !== 'failed' || f.failures !== failures) return false;
      Object.assign(f, { status: 'retried', retriedBy: by, retriedAt: at, retries: f.retries + 1 });
      return true;
    },
    async noteRetryExecution(id, arn) {
      items.get(id)!.retryExecutionArn = arn;
    },
    async releaseRetry(id) {
      const f = items.get(id)!;
      Object.assign(f, { status: 'failed', retries: f.retries - 1 });
    },
  };
}

describe('pipeline failures', () => {
  const failed = {
    event,
    error: { Error: 'TypeError', Cause: 'x is not iterable' },
    executionArn: 'arn:exec:1',
  };

  it('recorded once per failed execution, with the stage; listed by scope (national all or one province, province admins theirs)', async () => {
    const store = memoryFailures();
    await expect(recordFailure({ store, now }, failed)).resolves.toEqual({
      eventId: event.eventId,
      recorded: true,
    });
    await expect(recordFailure({ store, now }, failed)).resolves.toEqual({
      eventId: event.eventId,
      recorded: false,
    });
    expect(store.items.get(event.eventId)).toMatchObject({
      stage: 'MatchAndPush',
      status: 'failed',
      error: 'TypeError',
      cause: 'x is not iterable',
      failures: 1,
      provinceCode: '110000',
    });
    const listed = await listFailures({ store }, beijingAdmin, { limit: 25 });
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).not.toHaveProperty('event');
    expect((await listFailures({ store }, shanghaiAdmin, { limit: 25 })).items).toEqual([]);
    expect((await listFailures({ store }, nationalAdmin, { limit: 25 })).items).toHaveLength(1);
    expect((await listFailures({ store }, nationalAdmin, { limit: 25, province: '310000' })).items).toEqual(
      [],
    );
    await expect(
      listFailures({ store }, shanghaiAdmin, { limit: 25, province: '110000' }),
    ).rejects.toMatchObject({
      statusCode: 403,
    });
    await expect(listFailures({ store }, owner, { limit: 25 })).rejects.toMatchObject({ statusCode: 403 });
  });

  it('a retry starts the same event once (a second retry answers with the first execution); a retry that fails again can be retried again', async () => {
    const store = memoryFailures();
    const starter = recordingStarter();
    await recordFailure({ store, now }, failed);
    await expect(retryFailure({ store, starter, now }, shanghaiAdmin, event.eventId)).rejects.toMatchObject({
      statusCode: 404,
    });
    const first = await retryFailure({ store, starter, now }, beijingAdmin, event.eventId);
    expect(first).toMatchObject({ eventId: event.eventId, alreadyRetried: false });
    expect(starter.calls).toEqual([{ name: executionName(event, 1), input: JSON.stringify({ event }) }]);
    const second = await retryFailure({ store, starter, now }, beijingAdmin, event.eventId);
    expect(second).toEqual({ ...first, alreadyRetried: true });
    expect(starter.calls).toHaveLength(1);
    expect((await listFailures({ store }, beijingAdmin, { limit: 25 })).items).toEqual([]);

    await recordFailure({ store, now }, { ...failed, executionArn: first.executionArn });
    expect(store.items.get(event.eventId)).toMatchObject({ status: 'failed', failures: 2, retries: 1 });
    await retryFailure({ store, starter, now }, nationalAdmin, event.eventId);
    expect(starter.calls.map((c) => c.name)).toEqual([executionName(event, 1), executionName(event, 2)]);
  });

  it('a retry whose start fails is released, so that it can be retried', async () => {
    const store = memoryFailures();
    await recordFailure({ store, now }, failed);
    const broken: ExecutionStarter = {
      async start() {
        throw new Error('throttled');
      },
    };
    await expect(retryFailure({ store, starter: broken, now }, beijingAdmin, event.eventId)).rejects.toThrow(
      'throttled',
    );
    expect(store.items.get(event.eventId)).toMatchObject({ status: 'failed', retries: 0 });
  });

  it('RecordFailure without an event fails loudly', async () => {
    await expect(
      recordFailure({ store: memoryFailures(), now }, { event: undefined as never }),
    ).rejects.toThrow(/needs the pipeline event/);
  });
});

describe('patent history', () => {
  const store: HistoryStore = {
    async owner(n) {
      return n === NUMBER ? { institutionUscc: USCC, provinceCode: '110000' } : undefined;
    },
    async transitions() {
      return {
        items: [
          // Recorded before before/after and the actor's organization: the old shape, a Cognito sub.
          {
            action: 'lifecycle.inventoried',
            actor: 'reviewer-sub-0c1d',
            actorRoles: ['institution'],
            startedExecutionArn: 'arn:started',
            at: '2026-11-25T09:00:00.000Z',
            changes: {
              lifecycle: { from: 'registered', to: 'conversion-pool' },
              event: 'inventoried',
              eventId: 'i',
              version: 3,
            },
          },
          {
            action: 'lifecycle.matched',
            actor: 'system:pipeline',
            at: '2026-11-25T09:00:01.000Z',
            executionArn: 'arn:exec',
            changes: {
              lifecycle: { from: 'conversion-pool', to: 'under-evaluation' },
              event: 'matched',
              eventId: 'm',
              version: 4,
              details: { deadline: 'd' },
            },
          },
          // The shape of functions/shared/audit.ts: before / after, the organization of the actor.
          {
            kind: 'transition',
            action: 'lifecycle.openLicenseDeclared',
            actor: 'admin-sub-9f2e',
            actorRoles: ['province-admin'],
            actorProvince: '110000',
            at: '2026-11-26T09:00:00.000Z',
            version: 5,
            context: { event: 'openLicenseDeclared', eventId: 'o', details: { startDate: '2027-01-01' } },
            changes: {
              lifecycle: { before: 'under-evaluation', after: 'open-license' },
              openLicenseHash: { after: 'h' },
              gsi3pk: { before: 'DUE#evaluation-window' },
              // A declaration of before `declaredBy` named the organization: the sub is never shown.
              openLicense: {
                before: { patenteeUscc: USCC, patenteeName: '某大学', declaredBy: 'decl-sub-77aa' },
                after: { patenteeUscc: USCC, declaredBy: '某大学（机构管理员 / institution administrator）' },
              },
            },
          },
        ],
        nextCursor: 'next',
      };
    },
  };

  it('the owning institution and the admins of its scope read it, in order, with the execution; others 404', async () => {
    for (const caller of [owner, beijingAdmin, nationalAdmin]) {
      const page = await patentHistory({ store }, caller, `ZL${NUMBER}`, { limit: 25 });
      expect(page).toEqual({
        applicationNumber: NUMBER,
        items: [
          {
            at: '2026-11-25T09:00:00.000Z',
            // The role the entry recorded, never the sub; the organization was not recorded then.
            actor: '机构未知 / unknown organization（高校/科研机构 institution）',
            actorRole: 'institution',
            action: 'lifecycle.inventoried',
            event: 'inventoried',
            from: 'registered',
            to: 'conversion-pool',
            version: 3,
            eventId: 'i',
            startedExecutionArn: 'arn:started',
          },
          expect.objectContaining({
            actor: 'system:pipeline',
            actorRole: 'system',
            event: 'matched',
            executionArn: 'arn:exec',
            details: { deadline: 'd' },
          }),
          {
            at: '2026-11-26T09:00:00.000Z',
            actor: '省 110000 / province 110000（省级知识产权局 province admin）',
            actorRole: 'province-admin',
            actorOrganization: '省 110000 / province 110000',
            action: 'lifecycle.openLicenseDeclared',
            event: 'openLicenseDeclared',
            from: 'under-evaluation',
            to: 'open-license',
            version: 5,
            eventId: 'o',
            // Storage attributes (the deadline index) never leave.
            changes: {
              lifecycle: { before: 'under-evaluation', after: 'open-license' },
              openLicenseHash: { after: 'h' },
              openLicense: {
                before: {
                  patenteeUscc: USCC,
                  patenteeName: '某大学',
                  declaredBy: '某大学（角色未知 / unknown role）',
                },
                after: { patenteeUscc: USCC, declaredBy: '某大学（机构管理员 / institution administrator）' },
              },
            },
            details: { startDate: '2027-01-01' },
          },
        ],
        nextCursor: 'next',
      });
      expect(JSON.stringify(page)).not.toMatch(/sub-/);
      expect(historyPageSchema.safeParse(page).success).toBe(true);
    }
    // A ministry admin reads the history of its ministry's institutions' patents (issue 14), another ministry's: 404.
    const institutions = {
      get: async (uscc: string) =>
        uscc === USCC
          ? ({
              uscc,
              supervision: { department: 'cas', departmentName: '中科院院属', ministry: '中国科学院' },
            } as never)
          : undefined,
    };
    const cas: Caller = { sub: 'cas', roles: ['ministry-admin'], ministry: '中国科学院' };
    await expect(patentHistory({ store, institutions }, cas, NUMBER, { limit: 25 })).resolves.toMatchObject({
      applicationNumber: NUMBER,
    });
    await expect(
      patentHistory({ store, institutions }, { ...cas, ministry: '教育部' }, NUMBER, { limit: 25 }),
    ).rejects.toMatchObject({ statusCode: 404 });
    for (const caller of [stranger, shanghaiAdmin, enterprise, { sub: 'x', roles: ['expert'] } as Caller])
      await expect(patentHistory({ store }, caller, NUMBER, { limit: 25 })).rejects.toMatchObject({
        statusCode: 404,
      });
    await expect(
      patentHistory({ store }, nationalAdmin, '202010999999.9', { limit: 25 }),
    ).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});

describe('NotifyTransition', () => {
  function memoryNotify(contactEmail?: string) {
    const queued = new Map<string, { subject: string; to: string[]; text: string }>();
    const store: NotifyStore = {
      async institution() {
        return { name: '示范大学', ...(contactEmail ? { contactEmail } : {}) };
      },
      async patentTitle() {
        return '一种电池正极材料';
      },
      async queue(mailId, message) {
        if (queued.has(mailId)) return false;
        queued.set(mailId, message);
        return true;
      },
    };
    return { store, queued };
  }
  const deal: PipelineEvent = {
    ...event,
    eventId: 'dealRecorded:deal-1',
    type: 'dealRecorded',
    from: 'listed',
    to: 'licensed',
    details: { dealId: 'deal-1', nested: { no: 1 } },
  };

  it('emails the institution once per event, in Chinese and English, with what is due', async () => {
    const { store, queued } = memoryNotify('tt@example.edu.cn');
    await expect(notifyTransition({ store, now }, deal)).resolves.toEqual({
      eventId: deal.eventId,
      outcome: 'queued',
    });
    await expect(notifyTransition({ store, now }, deal)).resolves.toMatchObject({
      outcome: 'already-queued',
    });
    const mail = queued.get(notifyMailId(deal.eventId))!;
    expect(mail.to).toEqual(['tt@example.edu.cn']);
    expect(mail.subject).toContain('交易已登记');
    expect(mail.text).toContain('3 个月内备案');
    expect(mail.text).toContain('within 3 months');
    expect(mail.text).toContain('dealId: deal-1');
    expect(mail.text).not.toContain('nested');
  });

  it('no contact address, or an event without a notice: nothing queued', async () => {
    const { store, queued } = memoryNotify();
    await expect(notifyTransition({ store, now }, deal)).resolves.toMatchObject({ outcome: 'no-contact' });
    await expect(notifyTransition({ store, now }, { ...deal, type: 'withdrawn' })).resolves.toMatchObject({
      outcome: 'not-notified',
    });
    expect(queued.size).toBe(0);
  });
});

describe('matchAndPush opens the window as the matched transition', () => {
  const settings: MarketSettings = { maxEnterprises: 20, maxExperts: 5, capPerDay: 20, windowDays: 60 };
  const candidate: Candidate = {
    kind: 'enterprise',
    id: '91110000802100433B',
    name: '示范电池',
    provinceCode: '110000',
    key: 'IND#3841',
  } as Candidate;
  function fakePushStore(patent: PatentSummary, openResults: Array<'opened' | 'duplicate' | 'conflict'>) {
    const requests = new Set<string>();
    const opened: Array<{ version: number; eventId: string; executionArn?: string }> = [];
    const store: PushStore = {
      async patent() {
        return { ...patent };
      },
      async candidates() {
        return [candidate];
      },
      async push(_p, match) {
        if (requests.has(match.id)) return 'exists';
        requests.add(match.id);
        return 'pushed';
      },
      async openWindow(p, _window, trigger) {
        opened.push({ version: p.version, eventId: trigger.eventId, executionArn: trigger.executionArn });
        const result = openResults.shift() ?? 'opened';
        if (result === 'opened')
          Object.assign(patent, { evaluationOpenedAt: 'x', lifecycle: 'under-evaluation' });
        return result;
      },
    };
    return { store, opened, requests };
  }
  const patent: PatentSummary = {
    applicationNumber: NUMBER,
    institutionUscc: USCC,
    provinceCode: '110000',
    title: '电池',
    patentType: 'invention',
    conversionIntents: ['license'],
    poolStatus: 'conversion',
    industryCode: '3841',
    strategicIndustries: [],
    classifications: [],
    version: 3,
    lifecycle: 'conversion-pool',
  } as PatentSummary;
  const trigger = {
    eventId: `matched:${event.eventId}`,
    actor: { sub: 'system:pipeline', roles: [] },
    executionArn: 'arn:e',
  };

  it('pushes, then opens the window with the trigger id and execution; a replay pushes and opens nothing', async () => {
    const { store, opened } = fakePushStore({ ...patent }, []);
    const first = await matchAndPush({ store, now, settings }, NUMBER, trigger);
    expect(first).toMatchObject({ pushed: 1, windowOpened: true });
    expect(opened).toEqual([{ version: 3, eventId: trigger.eventId, executionArn: 'arn:e' }]);
    const replay = await matchAndPush({ store, now, settings }, NUMBER, trigger);
    expect(replay).toMatchObject({ pushed: 0, exists: 1, windowOpened: false });
    expect(opened).toHaveLength(1);
  });

  it('a run that pushed but stopped before opening opens the window on its replay', async () => {
    const { store, opened, requests } = fakePushStore({ ...patent }, []);
    requests.add(candidate.id);
    await expect(matchAndPush({ store, now, settings }, NUMBER, trigger)).resolves.toMatchObject({
      pushed: 0,
      exists: 1,
      windowOpened: true,
    });
    expect(opened).toHaveLength(1);
  });

  it('a conflict re-reads and tries again; a duplicate is not an error; three conflicts throw (the workflow retries)', async () => {
    const again = fakePushStore({ ...patent }, ['conflict', 'opened']);
    await expect(matchAndPush({ store: again.store, now, settings }, NUMBER, trigger)).resolves.toMatchObject(
      {
        windowOpened: true,
      },
    );
    expect(again.opened).toHaveLength(2);
    const dup = fakePushStore({ ...patent }, ['duplicate']);
    await expect(matchAndPush({ store: dup.store, now, settings }, NUMBER, trigger)).resolves.toMatchObject({
      windowOpened: false,
    });
    const busy = fakePushStore({ ...patent }, ['conflict', 'conflict', 'conflict']);
    await expect(matchAndPush({ store: busy.store, now, settings }, NUMBER, trigger)).rejects.toThrow(
      /kept changing/,
    );
  });

  it('patents past matching (withdrawn, transferred) are not pushed', async () => {
    for (const lifecycle of ['withdrawn', 'licensed', 'expired'] as const) {
      const { store, requests } = fakePushStore({ ...patent, lifecycle }, []);
      await expect(matchAndPush({ store, now, settings }, NUMBER, trigger)).resolves.toMatchObject({
        skipped: `not matched in state ${lifecycle}`,
      });
      expect(requests.size).toBe(0);
    }
  });

  it('a patent in a matchable state but not on offer (lapsed status, past its term, exclusively licensed) is not pushed', async () => {
    const cases: Array<[Partial<PatentSummary>, string]> = [
      [{ legalStatus: 'terminated' }, 'lapsed'],
      [{ applicationDate: '1990-01-01' }, 'expired'],
      [
        { exclusiveGrant: { dealId: 'd-1', licenseType: 'exclusive', endDate: '2099-12-31' } },
        'exclusive-license',
      ],
    ];
    for (const [fields, reason] of cases) {
      const { store, requests, opened } = fakePushStore({ ...patent, ...fields } as PatentSummary, []);
      await expect(matchAndPush({ store, now, settings }, NUMBER, trigger)).resolves.toMatchObject({
        skipped: `not available: ${reason}`,
      });
      expect(requests.size).toBe(0);
      expect(opened).toHaveLength(0);
    }
  });
});
