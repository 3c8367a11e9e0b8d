/**
 * GET /v1/search/patents on the local cloud: the embedded engine built at start and fed by the core
 * stream, answering enterprises (available patents, public view) and institutions (their own, full view),
 * a change searchable within 2 s, and the bad inputs of issue 15.
 * Serials 98xx, province 640000 (宁夏): no other integration file uses them.
 */

import { ListStateMachinesCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { refillSearchIndex } from '../../functions/search/refill.ts';
import { dynamoRefillStore } from '../../functions/search/refill-store.ts';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, eventually, tableName, token, waitForExecution } from './helpers.ts';

const uscc = withUsccCheck('12640000MQRCH0001');
const department = '能源与动力学院';
const row = (cells: string[]) => Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]!]));

interface Hit {
  patent: Record<string, unknown>;
  highlights: Array<{ field: string; text: string; spans: Array<[number, number]> }>;
  reasons: { terms: Array<{ term: string; fields: string[] }>; fields: string[]; filters: unknown[] };
}
const numbersOf = (json: { items: Hit[] }) => json.items.map((hit) => hit.patent.applicationNumber);

describe('GET /v1/search/patents', () => {
  let enterprise: string;
  let staff: string;
  let pooled: string;
  let draft: string;
  beforeAll(async () => {
    const admin = await token('national-admin');
    const registered = await api('/v1/institutions', {
      method: 'POST',
      token: admin,
      body: { uscc, name: '检索测试大学', provinceCode: '640000', kind: 'university' },
    });
    expect(registered.status, registered.text).toBe(201);
    staff = await token('institution', { org: uscc });
    const member = await token('institution', { org: uscc, department });
    const reviewer = await token('institution', { org: uscc, email: 'kjc@example.edu.cn' });
    enterprise = await token('enterprise', { org: withUsccCheck('91640000MQRCH0002') });

    const [first, second] = demoInventoryRows(2, { seed: 98, serialBase: 9800 });
    for (const [cells, title, abstract] of [
      [
        first!,
        '一种全钒液流电池电解液及其制备方法',
        '本发明公开了一种全钒液流电池电解液，提高储能电站的循环寿命。',
      ],
      [second!, '一种钒电池双极板', '用于液流电池堆的石墨双极板，降低接触电阻。'],
    ] as const) {
      cells[templateHeaders.indexOf('专利名称')] = title;
      cells[templateHeaders.indexOf('摘要')] = abstract;
      cells[templateHeaders.indexOf('所属院系')] = department;
      cells[templateHeaders.indexOf('转化意愿')] = '许可';
      cells[templateHeaders.indexOf('法律状态')] = '有效';
      cells[templateHeaders.indexOf('费用标准')] = '许可费 30 万元';
      const created = await api('/v1/patents', { method: 'POST', token: staff, body: row(cells) });
      expect(created.status, created.text).toBe(201);
    }
    pooled = first![0]!;
    draft = second![0]!;
    for (const [action, who] of [
      ['submit', member],
      ['approve', reviewer],
    ] as const) {
      const reviewed = await api(`/v1/patents/${pooled}/review`, {
        method: 'POST',
        token: who,
        body: { action },
      });
      expect(reviewed.status, reviewed.text).toBe(200);
    }
  });

  it('an enterprise finds the available patent, in the public view, with highlights and reasons', async () => {
    const json = await eventually(async () => {
      const r = await api(`/v1/search/patents?q=${encodeURIComponent('液流电池 电解液')}`, {
        token: enterprise,
      });
      expect(r.status, r.text).toBe(200);
      return numbersOf(r.json as { items: Hit[] })[0] === pooled ? (r.json as { items: Hit[] }) : undefined;
    }, 5000);
    // The draft (base pool, not screened) is not available to enterprises.
    expect(numbersOf(json)).not.toContain(draft);
    const [hit] = json.items;
    expect(hit!.patent).not.toHaveProperty('inventors');
    expect(hit!.patent).not.toHaveProperty('contactInfo');
    expect(hit!.patent.abstract).toContain('全钒液流电池');
    // What an enterprise sees (issue 15 item 8): who to talk to and what it costs.
    expect(hit!.patent).toMatchObject({ institutionName: '检索测试大学', feeStandard: '许可费 30 万元' });
    expect(hit!.reasons.terms.map((t) => t.term)).toEqual(expect.arrayContaining(['电解液']));
    expect(hit!.reasons.fields).toEqual(expect.arrayContaining(['title', 'abstract']));
    const title = hit!.highlights.find((h) => h.field === 'title')!;
    expect(title.spans.map(([s, e]) => title.text.slice(s, e)).join('')).toContain('电解液');
  });

  it('traditional characters find the simplified patent', async () => {
    const r = await api(`/v1/search/patents?q=${encodeURIComponent('全釩液流電池')}`, { token: enterprise });
    expect(r.status, r.text).toBe(200);
    expect(numbersOf(r.json as { items: Hit[] })[0]).toBe(pooled);
  });

  it('an institution searches its own patents, drafts included, in full; available=true narrows', async () => {
    const own = await api(`/v1/search/patents?q=${encodeURIComponent('钒电池 双极板')}`, { token: staff });
    expect(own.status, own.text).toBe(200);
    expect(numbersOf(own.json as { items: Hit[] })).toContain(draft);
    expect((own.json as { items: Hit[] }).items[0]!.patent).toHaveProperty('inventors');
    const available = await api(
      `/v1/search/patents?q=${encodeURIComponent('钒电池 双极板')}&available=true`,
      {
        token: staff,
      },
    );
    expect(numbersOf(available.json as { items: Hit[] })).not.toContain(draft);
  });

  it('a change is searchable within 2 s (the stream feeds the engine)', async () => {
    const edited = await api(`/v1/patents/${draft}/self-assessment`, {
      method: 'PUT',
      token: staff,
      body: { abstract: '双极板表面镀覆碳化铌涂层，耐腐蚀。' },
    });
    expect(edited.status, edited.text).toBe(200);
    const started = Date.now();
    await eventually(
      async () => {
        const r = await api(`/v1/search/patents?q=${encodeURIComponent('碳化铌')}`, { token: staff });
        return numbersOf(r.json as { items: Hit[] }).includes(draft) ? true : undefined;
      },
      2000,
      'the edited abstract to be searchable',
    );
    expect(Date.now() - started).toBeLessThanOrEqual(2000);
  });

  it('bad input: empty, 10,000 characters, punctuation or emoji only: 400 with what to send', async () => {
    const empty = await api('/v1/search/patents?q=', { token: enterprise });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('?q=锂电池 隔膜');
    const missing = await api('/v1/search/patents', { token: enterprise });
    expect(missing.status).toBe(400);
    const long = await api(`/v1/search/patents?q=${'a'.repeat(10_000)}`, { token: enterprise });
    expect(long.status).toBe(400);
    expect(long.text).toContain('at most 200 characters');
    for (const q of ['！？。……', '🔋🔋🚗']) {
      const r = await api(`/v1/search/patents?q=${encodeURIComponent(q)}`, { token: enterprise });
      expect(r.status, q).toBe(400);
      expect(r.json.error.message).toContain('send words');
    }
    const injected = await api(`/v1/search/patents?q=${encodeURIComponent('*:* OR title:* AND 电解液')}`, {
      token: enterprise,
    });
    expect(injected.status).toBe(200);
    expect(injected.json.terms).not.toContain('*');
    expect(numbersOf(injected.json as { items: Hit[] })).toContain(pooled);
  });

  it('GET /v1/patents?q= does not pretend to search: 400 pointing here', async () => {
    const r = await api(`/v1/patents?q=${encodeURIComponent('液流电池')}`, { token: enterprise });
    expect(r.status, r.text).toBe(400);
    expect(r.text).toContain('GET /v1/search/patents?q=');
  });

  // Last: it changes the institution the tests above read.
  it("inventors appear once the institution publishes them, in search and in the patent's read", async () => {
    const admin = await token('national-admin');
    const set = await api(`/v1/institutions/${uscc}`, {
      method: 'PATCH',
      token: admin,
      body: { publishInventors: true },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.json.publishInventors).toBe(true);
    const r = await api(`/v1/search/patents?q=${encodeURIComponent('液流电池 电解液')}`, {
      token: enterprise,
    });
    expect(r.status, r.text).toBe(200);
    const hit = (r.json as { items: Hit[] }).items.find((h) => h.patent.applicationNumber === pooled)!;
    expect(hit.patent.inventors).toEqual(expect.arrayContaining([expect.any(String)]));
    expect(hit.patent).not.toHaveProperty('contactInfo');
    const read = await api(`/v1/patents/${pooled}`, { token: enterprise });
    expect(read.status, read.text).toBe(200);
    expect(read.json).toMatchObject({ institutionName: '检索测试大学', inventors: hit.patent.inventors });
    expect(read.json).not.toHaveProperty('contactName');
  });
});

describe('refilling the search indices from the table (search-refill)', () => {
  it('the Scan adapter pages through every patent and need of the core table to its end, the cursor carried from run to run', async () => {
    const { documents } = clients();
    const marker = `refill-${Date.now()}`;
    await documents.send(
      new PutCommand({
        TableName: tableName('core'),
        Item: {
          pk: `PAT#${marker}`,
          sk: 'PATENT',
          entity: 'patent',
          applicationNumber: marker,
          title: '补建索引测试专利',
          version: 1,
        },
      }),
    );
    await documents.send(
      new PutCommand({
        TableName: tableName('core'),
        Item: {
          pk: `NEED#${marker}-need`,
          sk: 'NEED',
          entity: 'need',
          needId: `${marker}-need`,
          title: '补建索引测试需求',
          description: '补建索引测试需求的描述',
          status: 'open',
          version: 1,
        },
      }),
    );
    const seen = new Map<string, string>();
    let input: { cursor?: string; indexed?: number; runs?: number } = {};
    let output: Awaited<ReturnType<typeof refillSearchIndex>>;
    do {
      output = await refillSearchIndex(
        {
          store: dynamoRefillStore(documents, tableName('core')),
          write: async (changes) => {
            for (const change of changes)
              if (change.kind === 'upsert')
                seen.set(`${change.index}:${String(change.document.applicationNumber)}`, change.index);
            return changes.map(() => ({ ok: true as const, outcome: 'written' as const }));
          },
          clock: Date.now,
        },
        input,
        { pageSize: 500, maxItemsPerRun: 2_000, budgetMs: 60_000 },
      );
      input = output;
    } while (!output.done);
    expect(seen.has(`patents-v1:${marker}`)).toBe(true);
    expect(seen.has(`needs-v1:${marker}-need`)).toBe(true);
    expect([...seen.values()]).toEqual(expect.arrayContaining(['patents-v1', 'needs-v1']));
    expect(output.indexed).toBe(seen.size);
    expect(output.runs).toBeGreaterThan(0);
  });

  it('the workflow runs on the local cloud and ends at once: the embedded engine is rebuilt from the store, nothing to refill', async () => {
    const { sfn } = clients();
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    const machine = stateMachines.find((m) => m.stateMachineArn?.endsWith('-search-refill'));
    expect(machine, 'a search-refill state machine').toBeDefined();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine!.stateMachineArn, input: '{}' }),
    );
    const execution = await waitForExecution(executionArn!, 60_000);
    expect(execution.status, execution.error ?? '').toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      done: true,
      skipped: 'no OpenSearch domain',
    });
  });
});
