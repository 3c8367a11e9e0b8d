/**
 * Evaluations keep coming (issue 13 item 3, 持续完善) on the local cloud: three evaluations reach the
 * quorum, the pipeline tiers the patent (ordinary); a 4th evaluation after the window closed changes the
 * outcome and re-tiers it (high value: versioned, with the reason, a retiered event and history entry);
 * a 5th the same China day is stored and updates the aggregate, but the re-tier is deferred (once a day).
 * Province 430000 (湖南), used by no other integration test.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { chinaDate } from '../../schemas/china-date.ts';
import { withApplicationCheck } from '../../schemas/codes/application-number.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, eventually, runDeadlineSweep, tableName, token } from './helpers.ts';

const core = tableName('core');
const PROVINCE = '430000';
const N = withApplicationCheck('202310430001');
const INSTITUTION = withUsccCheck('12430000MB0000431');
const ENTERPRISES = [1, 2, 3, 4, 5].map((i) => withUsccCheck(`91430100MA000043${i}`));
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

const evaluation = (prospect: number, intents: string[]) => ({
  industrializationProspect: prospect,
  maturityTrl: 5,
  improvementNeeds: { categories: ['pilot-scale-up'] },
  cooperationIntents: intents,
  reasonCodes: [],
  consentToShareIdentity: false,
});

async function read(sk = 'PATENT') {
  return (
    await clients().documents.send(
      new GetCommand({ TableName: core, Key: { pk: `PAT#${N}`, sk }, ConsistentRead: true }),
    )
  ).Item;
}

async function partition(prefix: string) {
  return (
    (
      await clients().documents.send(
        new QueryCommand({
          TableName: core,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `PAT#${N}`, ':prefix': prefix },
          ConsistentRead: true,
        }),
      )
    ).Items ?? []
  );
}

describe('late evaluations re-tier on the local cloud', () => {
  it('quorum -> tiered ordinary; a 4th evaluation re-tiers high-value with the reason; a 5th the same day is stored, deferred', async () => {
    const { documents } = clients();
    const items = [
      {
        pk: `INST#${INSTITUTION}`,
        sk: 'PROFILE',
        entity: 'institution',
        uscc: INSTITUTION,
        name: '湖南示例大学',
        provinceCode: PROVINCE,
      },
      ...ENTERPRISES.map((uscc, i) => ({
        pk: `ENT#${uscc}`,
        sk: 'PROFILE',
        entity: 'enterprise',
        uscc,
        name: `湖南示例企业${i + 1}有限公司`,
        provinceCode: PROVINCE,
        status: 'verified',
        industryCodes: ['3841'],
        contact: { name: '李' },
      })),
      {
        pk: `PAT#${N}`,
        sk: 'PATENT',
        entity: 'patent',
        applicationNumber: N,
        title: '一种钠离子电池正极材料',
        patentType: 'invention',
        applicationDate: '2023-05-01',
        legalStatus: 'valid',
        department: '材料科学与工程学院',
        inventors: ['张三'],
        publiclyFunded: false,
        implementationStatus: 'not-implemented',
        conversionIntents: ['license'],
        classifications: ['H01M 4/36'],
        incrementalStock: false,
        strategicIndustries: [],
        createdAt: inDays(-30),
        createdBy: 'seed',
        updatedAt: inDays(-5),
        updatedBy: 'seed',
        institutionUscc: INSTITUTION,
        provinceCode: PROVINCE,
        reviewStatus: 'approved',
        poolStatus: 'conversion',
        lifecycle: 'under-evaluation',
        version: 4,
        evaluationStatus: 'open',
        evaluationOpenedAt: inDays(-5),
        evaluationDeadline: inDays(55),
        gsi3pk: 'DUE#evaluation-window',
        gsi3sk: `${inDays(55)}#${N}`,
      },
    ];
    for (const Item of items) await documents.send(new PutCommand({ TableName: core, Item }));
    const tokens = await Promise.all(ENTERPRISES.map((org) => token('enterprise', { org })));
    const submit = (i: number, body: ReturnType<typeof evaluation>) =>
      api(`/v1/patents/${N}/evaluations/mine`, { method: 'PUT', token: tokens[i], body });

    // Three evaluations, nobody interested: the quorum closes the window, the pipeline tiers ordinary.
    for (const [i, prospect] of [4, 4, 3].entries()) {
      const put = await submit(i, evaluation(prospect, ['none']));
      expect(put.status, put.text).toBe(201);
    }
    const tiered = await eventually(
      async () => {
        const item = await read();
        return item?.lifecycleEvent === 'tiered' ? item : undefined;
      },
      30_000,
      'the patent tiered after the quorum',
    );
    expect(tiered).toMatchObject({
      lifecycle: 'listed',
      tier: 'ordinary',
      tierVersion: 1,
      evaluationStatus: 'closed',
      evaluationClosedReason: 'quorum',
    });

    // A 4th evaluation after the window closed changes the outcome: re-tiered high value.
    const fourth = await submit(3, evaluation(5, ['license']));
    expect(fourth.status, fourth.text).toBe(201);
    expect(fourth.json).toMatchObject({
      window: { status: 'closed', closedReason: 'quorum' },
      tiering: { outcome: 'retiered', tier: 'high-value', previousTier: 'ordinary', tierVersion: 2 },
    });
    const retiered = await read();
    expect(retiered).toMatchObject({
      lifecycle: 'high-value',
      lifecycleEvent: 'retiered',
      tier: 'high-value',
      tierVersion: 2,
      version: tiered!.version + 1,
      tierReason: { from: 'ordinary', to: 'high-value', evaluations: 4, prospectMean: 4 },
      evaluationAggregate: { count: 4, prospect: { mean: 4 } },
      gsi3pk: 'DUE#promotion',
    });
    expect(retiered!.retieredAt).toEqual(expect.any(String));
    expect(retiered!.gsi3sk).toBe(`${retiered!.promotionDueAt}#${N}`);

    // The history shows the re-tier with its reason (the system as actor, never the evaluator).
    const staff = await token('institution', { org: INSTITUTION, province: PROVINCE });
    const history = await api(`/v1/patents/${N}/history?limit=50`, { token: staff });
    expect(history.status, history.text).toBe(200);
    const entry = history.json.items.find((e: { event: string }) => e.event === 'retiered');
    expect(entry).toMatchObject({
      action: 'lifecycle.retiered',
      from: 'listed',
      to: 'high-value',
      actor: expect.stringContaining('system:late-evaluation'),
      details: {
        from: 'ordinary',
        to: 'high-value',
        evaluations: 4,
        reason: expect.stringContaining('from ordinary to high-value'),
      },
      changes: { tier: { before: 'ordinary', after: 'high-value' }, tierVersion: { before: 1, after: 2 } },
    });
    expect(history.text).not.toContain(ENTERPRISES[3]);

    // A 5th the same China day would give ordinary again: stored, the aggregate updated, the re-tier
    // deferred (once a day per patent).
    const fifth = await submit(4, evaluation(1, ['none']));
    expect(fifth.status, fifth.text).toBe(201);
    expect(fifth.json.tiering).toMatchObject({
      outcome: 'deferred',
      tier: 'high-value',
      outcomeTier: 'ordinary',
      retierFrom: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    const deferred = await read();
    expect(deferred).toMatchObject({
      lifecycle: 'high-value',
      lifecycleEvent: 'reevaluated',
      tier: 'high-value',
      tierVersion: 2,
      version: retiered!.version + 1,
      evaluationAggregate: { count: 5, prospect: { mean: 3.4 } },
      tierDeferred: { tier: 'ordinary', evaluations: 5 },
    });
    const listed = await api(`/v1/patents/${N}/evaluations`, { token: staff });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json).toMatchObject({
      aggregate: { count: 5 },
      tiering: { tier: 'high-value', tierVersion: 2, deferred: { tier: 'ordinary' } },
    });
    expect(listed.json.items).toHaveLength(5);
    // The patent's full view carries the tier version, the reason and the deferred re-tier (and the
    // tiering's other fields, declared: the local cloud answers in strict response mode).
    const full = await api(`/v1/patents/${N}`, { token: staff });
    expect(full.status, full.text).toBe(200);
    expect(full.json).toMatchObject({
      tier: 'high-value',
      tierVersion: 2,
      tierReason: { from: 'ordinary', to: 'high-value' },
      tierDeferred: { tier: 'ordinary' },
    });

    // One re-tier, one day marker; the events of the patent in order.
    expect(await partition('RETIERED#')).toHaveLength(1);
    const events = (await partition('EVENT#')).map((e) => e.type);
    expect(events.filter((type) => type === 'retiered')).toHaveLength(1);
    expect(events.slice(-2)).toEqual(['retiered', 'reevaluated']);

    // The deferral is indexed for the daily sweep from the next China day.
    const due = await read('DUE#RETIER');
    expect(due).toMatchObject({
      gsi3pk: 'DUE#retier',
      retierFrom: fifth.json.tiering.retierFrom,
      gsi3sk: `${fifth.json.tiering.retierFrom}#${N}`,
    });
    // The sweep today: not due yet, nothing changes.
    const today = await sweep();
    expect(today.deferredRetiers).toMatchObject({ branch: 'deferredRetiers', ok: true, complete: true });
    expect(await read()).toMatchObject({ tier: 'high-value', tierVersion: 2, version: deferred!.version });

    // As if the day had passed: the entry due today, today's re-tier marker gone (it was yesterday's).
    const { documents: docs } = clients();
    const day = chinaDate(new Date());
    await docs.send(
      new PutCommand({ TableName: core, Item: { ...due, retierFrom: day, gsi3sk: `${day}#${N}` } }),
    );
    for (const marker of await partition('RETIERED#'))
      await docs.send(new DeleteCommand({ TableName: core, Key: { pk: marker.pk, sk: marker.sk } }));
    const next = await sweep();
    expect(next.deferredRetiers.counts).toMatchObject({ retiered: 1, failed: 0 });
    const swept = await read();
    expect(swept).toMatchObject({ lifecycle: 'listed', tier: 'ordinary', tierVersion: 3 });
    expect(swept).not.toHaveProperty('tierDeferred');
    expect(swept).not.toHaveProperty('promotionDueAt');
    expect(await read('DUE#RETIER')).toBeUndefined();
    const after = await api(`/v1/patents/${N}/history?limit=50`, { token: staff });
    const retiers = after.json.items.filter((e: { event: string }) => e.event === 'retiered');
    expect(retiers.map((e: { actor: string }) => e.actor)).toEqual([
      expect.stringContaining('system:late-evaluation'),
      expect.stringContaining('system:deadline-sweep'),
    ]);
  });
});

/** Runs the deadline-sweep workflow now and answers its output. */
async function sweep() {
  const done = await runDeadlineSweep();
  expect(done.status).toBe('SUCCEEDED');
  return JSON.parse(done.output!);
}
