/**
 * GET /v1/rankings/{quarter} on the local cloud (issue 14, item 4): counters seeded for 2017Q3 (a
 * quarter no other test uses) in 贵州 (520000, no other test's province): one 教育部 institution whose
 * license filings jump (1 -> 12) and whose declared implementation runs far ahead of the evidence, one
 * with no supervising department (reported under "unassigned", listed, not ranked). Who sees what,
 * a future quarter (400 saying what to send), another ministry's row (404).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, tableName, token } from './helpers.ts';

const quarter = '2017Q3';
const province = '520000';
const moe = withUsccCheck('12520000RK0000001');
const orphan = withUsccCheck('12520000RK0000002');

interface Cell {
  value: number | null;
  rank: number | null;
  notRanked?: string;
}
interface Row {
  code: string;
  cells: Record<string, Cell>;
  flags: Array<{ code: string; indicator?: string; reason: string }>;
  own?: boolean;
}
const rowOf = (json: Record<string, unknown>, code: string) =>
  (json.rows as Row[]).find((r) => r.code === code)!;

describe('rankings', () => {
  let national: string;

  beforeAll(async () => {
    national = await token('national-admin');
    for (const [uscc, name, supervision] of [
      [moe, '贵阳排名测试大学', { department: 'moe-direct' }],
      [orphan, '遵义未指定研究院', undefined],
    ] as const) {
      const created = await api('/v1/institutions', {
        method: 'POST',
        token: national,
        body: {
          uscc,
          name,
          provinceCode: province,
          kind: 'university',
          ...(supervision ? { supervision } : {}),
        },
      });
      expect([201, 409], created.text).toContain(created.status);
    }
    // Counters as the metrics consumer keeps them: gauges now, flows per quarter.
    const put = (Item: Record<string, unknown>) =>
      clients().documents.send(new PutCommand({ TableName: tableName('metrics'), Item }));
    await put({
      pk: `NOW#PROV#${province}`,
      sk: `INST#${moe}`,
      'g.recorded': 40,
      'g.valid': 30,
      'g.implementedEvidenced': 3,
      'g.implementedDeclared': 25,
    });
    await put({ pk: `Q#${quarter}#PROV#${province}`, sk: `INST#${moe}`, 'f.licenseFilings': 12 });
    await put({ pk: `Q#2017Q2#PROV#${province}`, sk: `INST#${moe}`, 'f.licenseFilings': 1 });
    await put({
      pk: `NOW#PROV#${province}`,
      sk: `INST#${orphan}`,
      'g.recorded': 5,
      'g.valid': 5,
      'g.implementedEvidenced': 1,
    });
    await put({ pk: `Q#${quarter}#PROV#${province}`, sk: `INST#${orphan}`, 'f.productFilings': 2 });
  });

  it('national admins: provinces ranked with formulas; the jump and the unevidenced declarations flagged', async () => {
    const r = await api(`/v1/rankings/${quarter}?by=province`, { token: national });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ quarter, by: 'province', complete: true });
    expect(r.json.indicators.map((i: { id: string }) => i.id)).toEqual([
      'assignmentRegistrations',
      'licenseFilings',
      'implementationRateEvidenced',
      'industrializationRateEvidenced',
      'productFilings',
    ]);
    expect(r.json.indicators[2].formula).toContain('implementedEvidenced ÷ validPatents');
    expect(r.json.basis).toContain('evidenced');
    const guizhou = rowOf(r.json, province);
    expect(guizhou.cells.licenseFilings).toMatchObject({ value: 12, rank: 1 });
    // (3 + 1) / (30 + 5) = 0.1143
    expect(guizhou.cells.implementationRateEvidenced!.value).toBe(0.1143);
    expect(guizhou.flags.map((f) => `${f.code}:${f.indicator}`)).toEqual([
      'SUDDEN_JUMP:licenseFilings',
      'DECLARED_WITHOUT_EVIDENCE:implementationRateEvidenced',
    ]);
    expect(guizhou.flags[0]!.reason).toContain('from 1 to 12');
  });

  it('by ministry: the 教育部 institution counts for 教育部; no supervising department -> unassigned, listed, not ranked', async () => {
    const r = await api(`/v1/rankings/${quarter}?by=ministry`, { token: national });
    expect(r.status, r.text).toBe(200);
    expect(r.json.rows.map((row: Row) => row.code)).toEqual([
      '教育部',
      '科技部',
      '工业和信息化部',
      '农业农村部',
      '国家卫生健康委',
      '中国科学院',
      'unassigned',
    ]);
    expect(rowOf(r.json, '教育部').cells.licenseFilings).toMatchObject({ value: 12, rank: 1 });
    const unassigned = rowOf(r.json, 'unassigned');
    expect(unassigned.cells.productFilings!.value).toBeGreaterThanOrEqual(2);
    expect(unassigned.cells.productFilings!.rank).toBeNull();
    expect(unassigned.cells.productFilings!.notRanked).toContain('no supervising department');
  });

  it("a province admin: the whole table, only its own row's flags; another province's row 404", async () => {
    const admin = await token('province-admin', { province });
    const r = await api(`/v1/rankings/${quarter}`, { token: admin });
    expect(r.status, r.text).toBe(200);
    const own = rowOf(r.json, province);
    expect(own.own).toBe(true);
    expect(own.flags).toHaveLength(2);
    expect(r.json.rows.filter((row: Row) => row.code !== province && row.flags.length)).toEqual([]);
    const other = await api(`/v1/rankings/${quarter}?scope=110000`, { token: admin });
    expect(other.status, other.text).toBe(404);
    const byMinistry = await api(`/v1/rankings/${quarter}?by=ministry`, { token: admin });
    expect(byMinistry.status).toBe(403);
    expect(byMinistry.json.error.message).toContain('by=province');
  });

  it("a ministry admin asking for another ministry's row: 404; its own: 200", async () => {
    const most = await token('ministry-admin', { ministry: '科技部' });
    const other = await api(`/v1/rankings/${quarter}?by=ministry&scope=${encodeURIComponent('教育部')}`, {
      token: most,
    });
    expect(other.status, other.text).toBe(404);
    const moeAdmin = await token('ministry-admin', { ministry: '教育部' });
    const own = await api(`/v1/rankings/${quarter}?scope=${encodeURIComponent('教育部')}`, {
      token: moeAdmin,
    });
    expect(own.status, own.text).toBe(200);
    expect(own.json.rows).toHaveLength(1);
    expect(own.json.rows[0]).toMatchObject({ code: '教育部', own: true });
    expect(own.json.rows[0].flags.map((f: { code: string }) => f.code)).toContain('SUDDEN_JUMP');
  });

  it('bad input: a future quarter is 400 saying what to send; an unknown ranking kind is 400', async () => {
    const future = await api('/v1/rankings/2099Q1', { token: national });
    expect(future.status).toBe(400);
    expect(future.text).toContain('has not started yet');
    expect(future.text).toContain('or an earlier quarter');
    const kind = await api(`/v1/rankings/${quarter}?by=city`, { token: national });
    expect(kind.status).toBe(400);
    const institution = await api(`/v1/rankings/${quarter}`, {
      token: await token('institution', { org: moe }),
    });
    expect(institution.status).toBe(403);
  });
});
