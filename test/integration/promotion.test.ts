/**
 * Tiering end to end on the local cloud: the deadline sweep closes a due evaluation window, the core
 * stream starts the pipeline on evaluationClosed, TierPatent tiers the patent (high value), stores tier,
 * inputs, rules version, providers and the promotion due date on it, and emails the institution the
 * outcome with the feedback (an evaluator's identity only with consent). A replay of the event changes
 * nothing and sends nothing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListStateMachinesCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { pipelineEventFromItem } from '../../functions/pipeline/events.ts';
import { clients, cloud, eventually, tableName } from './helpers.ts';

const core = tableName('core');
const N = '209905200001.3';
const INSTITUTION = '12100000400009906X';
const ENT_CONSENT = '91650000TIERA0001X';
const ENT_PRIVATE = '91650000TIERB0002X';
const past = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

const evaluation = (uscc: string, prospect: number, intents: string[], consent: boolean) => ({
  pk: `PAT#${N}`,
  sk: `EVAL#enterprise#${uscc}`,
  entity: 'evaluation',
  evaluationId: `ev-${uscc}`,
  applicationNumber: N,
  institutionUscc: INSTITUTION,
  provinceCode: '65',
  evaluatorKind: 'enterprise',
  evaluatorId: uscc,
  matched: true,
  industrializationProspect: prospect,
  maturityTrl: 6,
  improvementNeeds: { categories: ['pilot-scale-up'] },
  cooperationIntents: intents,
  reasonCodes: ['commercial-route-unclear'],
  consentToShareIdentity: consent,
  createdAt: past(10),
  updatedAt: past(10),
  version: 1,
});

async function read(sk = 'PATENT') {
  return (
    await clients().documents.send(
      new GetCommand({ TableName: core, Key: { pk: `PAT#${N}`, sk }, ConsistentRead: true }),
    )
  ).Item;
}

describe('tiering on the local cloud', () => {
  it('sweep -> evaluationClosed -> TierPatent: high value recorded with its inputs, the institution emailed; a replay changes nothing', async () => {
    const { documents, sfn } = clients();
    const items = [
      {
        pk: `INST#${INSTITUTION}`,
        sk: 'PROFILE',
        entity: 'institution',
        uscc: INSTITUTION,
        name: '新疆示例大学',
        provinceCode: '65',
        contactEmail: 'tt-office@xj-univ.example.edu.cn',
      },
      {
        pk: `ENT#${ENT_CONSENT}`,
        sk: 'PROFILE',
        entity: 'enterprise',
        uscc: ENT_CONSENT,
        name: '示例新能源有限公司',
        industryCodes: ['3841'],
      },
      {
        pk: `ENT#${ENT_PRIVATE}`,
        sk: 'PROFILE',
        entity: 'enterprise',
        uscc: ENT_PRIVATE,
        name: '不公开的企业有限公司',
        industryCodes: ['2710'],
      },
      {
        pk: `PAT#${N}`,
        sk: 'PATENT',
        entity: 'patent',
        applicationNumber: N,
        title: '一种固态电池电解质',
        patentType: 'invention',
        strategicIndustries: [],
        institutionUscc: INSTITUTION,
        provinceCode: '65',
        reviewStatus: 'approved',
        poolStatus: 'conversion',
        lifecycle: 'under-evaluation',
        version: 4,
        evaluationStatus: 'open',
        evaluationOpenedAt: past(61),
        evaluationDeadline: past(1),
        gsi3pk: 'DUE#evaluation-window',
        gsi3sk: `${past(1)}#${N}`,
      },
      evaluation(ENT_CONSENT, 5, ['license', 'joint-rnd'], true),
      evaluation(ENT_PRIVATE, 4, ['none'], false),
    ];
    for (const Item of items) await documents.send(new PutCommand({ TableName: core, Item }));

    const fired = await fetch(`${cloud().controlUrl}/_local/schedules/deadline-sweep/fire`, {
      method: 'POST',
      body: JSON.stringify({}),
    });
    expect(((await fired.json()) as { ok: boolean }).ok).toBe(true);

    const patent = await eventually(
      async () => {
        const item = await read();
        return item?.lifecycle === 'high-value' ? item : undefined;
      },
      30_000,
      'the patent tiered high-value',
    );
    expect(patent).toMatchObject({
      tier: 'high-value',
      lifecycleEvent: 'tiered',
      tierRulesVersion: expect.stringMatching(/^v1#[0-9a-f]{8}$/),
      tierInputs: {
        patentType: 'invention',
        evaluations: 2,
        prospectMean: 4.5,
        evaluationsWithIntent: 1,
        interestedEnterprises: 1,
        interestedFields: ['38'],
      },
      tierChecks: { strongProspect: true, cooperationIntent: true, highValueType: true, keyIndustry: false },
      gsi3pk: 'DUE#promotion',
      openLicenseProposed: false,
    });
    expect(patent.gsi3sk).toBe(`${patent.promotionDueAt}#${N}`);
    expect(Date.parse(patent.promotionDueAt) - Date.parse(patent.tieredAt)).toBe(180 * 86_400_000);
    expect(patent.serviceProviders.map((p: { kind: string }) => p.kind)).toEqual(
      expect.arrayContaining(['investor', 'pledge-financing', 'insurance', 'listing']),
    );

    // the email, from the outbox, in the same transaction as the tier
    const outbox = join(cloud().dataDir, 'outbox');
    const mail = await eventually(
      async () => {
        const files = await readdir(outbox).catch(() => [] as string[]);
        const file = files.find((f) => f.includes(patent.tierMailId) && f.endsWith('.eml'));
        return file ? simpleParser(await readFile(join(outbox, file))) : undefined;
      },
      20_000,
      'the tiering email',
    );
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('tt-office@xj-univ.example.edu.cn');
    expect(mail.subject).toContain(N);
    expect(mail.text).toContain('高价值专利');
    expect(mail.text).toContain('产业化前景均分 4.5');
    expect(mail.text).toContain('中试放大 2');
    expect(mail.text).toContain('示例新能源有限公司');
    expect(mail.text).not.toContain('不公开的企业有限公司');

    // the execution that tiered it, and its history
    const { Items: events = [] } = await documents.send(
      new QueryCommand({
        TableName: core,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
        ExpressionAttributeValues: { ':pk': `PAT#${N}`, ':event': 'EVENT#' },
        ConsistentRead: true,
      }),
    );
    const closed = events.find((e) => e.type === 'evaluationClosed')!;
    const tiered = events.find((e) => e.type === 'tiered')!;
    expect(tiered).toMatchObject({
      eventId: `tiered:${closed.eventId}`,
      from: 'evaluated',
      to: 'high-value',
    });
    // The pipeline is Express: no execution history in AWS (nor locally). The tiered event above, recorded
    // by the TierPatent task with the execution's ARN, and the email are the record of the run.
    expect(tiered.executionArn).toContain(':express:');

    // replay the evaluationClosed event: duplicate, nothing changes, no second email
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    const pipeline = stateMachines.find((m) => m.stateMachineArn?.endsWith('-patent-pipeline'))!;
    // Express: run synchronously (AWS has no DescribeExecution for Express executions).
    const replay = await sfn.send(
      new StartSyncExecutionCommand({
        stateMachineArn: pipeline.stateMachineArn,
        name: `replay-${Date.now()}`,
        input: JSON.stringify({ event: pipelineEventFromItem(closed) }),
      }),
    );
    expect(replay.status).toBe('SUCCEEDED');
    expect(replay.output).toContain('duplicate');
    const after = await read();
    expect(after).toMatchObject({
      version: patent.version,
      tierMailId: patent.tierMailId,
      lifecycle: 'high-value',
    });
  }, 90_000);
});
