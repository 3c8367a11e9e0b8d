/**
 * Rankings and assessment (issue 14, item 4): the ranking rules (competition ranks, ties by code,
 * zero denominators and empty scopes not ranked), the anomaly rules at and around their thresholds,
 * all hand-computed; the ministry rows of the national figures (no supervision -> unassigned); and
 * who sees what through getRankings.
 */
import { describe, expect, it } from 'vitest';
import { computeQuarterFigures } from '../../functions/metrics/figures.ts';
import { MemoryMetricsStore, memoryMetricsReadPort } from '../../functions/metrics/memory-store.ts';
import { cellText, rankingFlags, rankScopes } from '../../functions/metrics/rankings.ts';
import { getRankings } from '../../functions/metrics/rankings-api.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../functions/shared/errors.ts';
import type { FigureRow, Quarter, QuarterFigures } from '../../schemas/metrics.ts';
import { assessmentIndicators, rankingsSchema } from '../../schemas/rankings.ts';
import type { Caller } from '../../schemas/roles.ts';
import type { SupervisionGroup } from '../../schemas/supervision.ts';

const quarter = '2026Q3' as Quarter;

type V = Record<string, number>;
const base: V = {
  recordedPatents: 0,
  validPatents: 0,
  assignmentRegistrations: 0,
  licenseFilings: 0,
  productFilings: 0,
  implementedEvidenced: 0,
  implementedDeclared: 0,
  industrializedEvidenced: 0,
  industrializedDeclared: 0,
};
/** A row with its rates computed from the counts, as metricValues does (4 decimals, null over 0). */
function row(code: string, now: V, before: V = {}): FigureRow {
  const withRates = (v: V) => {
    const all = { ...base, ...v };
    const rate = (n: number) =>
      all.validPatents! > 0 ? Math.round((n / all.validPatents!) * 10_000) / 10_000 : null;
    return {
      ...all,
      implementationRateEvidenced: rate(all.implementedEvidenced!),
      industrializationRateEvidenced: rate(all.industrializedEvidenced!),
    };
  };
  return {
    code,
    values: withRates(now) as FigureRow['values'],
    previousQuarterValues: withRates(before) as FigureRow['values'],
  };
}

/**
 * 440000 广东: 30 registrations (10 before), 90 / 300 evidenced (54 before: +12 pp, +36).
 * 110000 北京: 12 registrations (2 before: 6×, +10), 30 / 200 evidenced, 90 declared (= 3 × 30).
 * 310000 上海: 12 registrations (7 before: < 2×), 45 / 300 evidenced (0.15, ties 北京), 100 declared (< 135).
 * 330000 浙江: 5 registrations (1 before), 8 / 20 evidenced (5 before: +15 pp but +3), 15 declared.
 * 320000 江苏: 10 recorded, none valid (all lapsed): rates not ranked; 3 + 2 filings before, none now.
 */
const provinces: FigureRow[] = [
  row(
    '110000',
    {
      recordedPatents: 220,
      validPatents: 200,
      assignmentRegistrations: 12,
      licenseFilings: 4,
      implementedEvidenced: 30,
      implementedDeclared: 90,
    },
    {
      recordedPatents: 220,
      validPatents: 200,
      assignmentRegistrations: 2,
      licenseFilings: 4,
      implementedEvidenced: 28,
    },
  ),
  row(
    '310000',
    {
      recordedPatents: 300,
      validPatents: 300,
      assignmentRegistrations: 12,
      licenseFilings: 4,
      implementedEvidenced: 45,
      implementedDeclared: 100,
    },
    { recordedPatents: 300, validPatents: 300, assignmentRegistrations: 7, implementedEvidenced: 45 },
  ),
  row(
    '320000',
    { recordedPatents: 10 },
    { recordedPatents: 10, validPatents: 10, assignmentRegistrations: 3, licenseFilings: 2 },
  ),
  row(
    '330000',
    {
      recordedPatents: 20,
      validPatents: 20,
      assignmentRegistrations: 5,
      implementedEvidenced: 8,
      implementedDeclared: 15,
    },
    { recordedPatents: 20, validPatents: 20, assignmentRegistrations: 1, implementedEvidenced: 5 },
  ),
  row(
    '440000',
    {
      recordedPatents: 310,
      validPatents: 300,
      assignmentRegistrations: 30,
      licenseFilings: 9,
      productFilings: 3,
      implementedEvidenced: 90,
      industrializedEvidenced: 3,
    },
    {
      recordedPatents: 300,
      validPatents: 300,
      assignmentRegistrations: 10,
      licenseFilings: 9,
      implementedEvidenced: 54,
    },
  ),
];
const figures = (
  complete = true,
): Pick<QuarterFigures, 'quarter' | 'complete' | 'computedAt' | 'provinces' | 'ministries'> => ({
  quarter,
  complete,
  computedAt: '2026-10-02T01:00:00.000Z',
  provinces,
});

const cellsOf = (ranking: ReturnType<typeof rankScopes>, id: string) =>
  Object.fromEntries(ranking.rows.map((r) => [r.code, r.cells[id]!]));
const flagsOf = (ranking: ReturnType<typeof rankScopes>, code: string) =>
  ranking.rows.find((r) => r.code === code)!.flags.map((f) => `${f.code}:${f.indicator ?? ''}`);

describe('ranking the provinces', () => {
  const ranking = rankScopes(figures(), 'province');

  it('every GB/T 2260 province is a row, in code order; the answer matches its schema', () => {
    expect(ranking.rows.map((r) => r.code)).toEqual([...ranking.rows.map((r) => r.code)].sort());
    // The 31 provinces of the Work Plan (and 新疆生产建设兵团 where GB/T 2260 lists it apart); 台湾, 香港,
    // 澳门 only with data.
    expect(ranking.rows.length).toBeGreaterThanOrEqual(31);
    expect(ranking.rows.map((r) => r.code)).not.toContain('810000');
    expect(rankingsSchema.parse(ranking)).toBeTruthy();
    expect(ranking.indicators.map((i) => i.id)).toEqual(assessmentIndicators.map((i) => i.id));
    for (const indicator of ranking.indicators) expect(indicator.formula).toMatch(/\S+ \/ \S+/);
  });

  it('counts: highest first, equal values share a rank (1 2 2 4 5)', () => {
    const cells = cellsOf(ranking, 'assignmentRegistrations');
    expect(cells['440000']).toMatchObject({ value: 30, previousQuarter: 10, rank: 1 });
    expect(cells['110000']).toMatchObject({ value: 12, rank: 2 });
    expect(cells['310000']).toMatchObject({ value: 12, rank: 2 });
    expect(cells['330000']).toMatchObject({ value: 5, rank: 4 });
    // Recorded patents, no valid one: a count is still ranked (0 registrations is a result).
    expect(cells['320000']).toMatchObject({ value: 0, rank: 5 });
  });

  it('rates: a zero denominator is "not ranked", never 0 %; equal rates share a rank', () => {
    const cells = cellsOf(ranking, 'implementationRateEvidenced');
    expect(cells['330000']).toMatchObject({ value: 0.4, rank: 1 }); // 8 / 20
    expect(cells['440000']).toMatchObject({ value: 0.3, rank: 2 }); // 90 / 300
    expect(cells['110000']).toMatchObject({ value: 0.15, rank: 3 }); // 30 / 200
    expect(cells['310000']).toMatchObject({ value: 0.15, rank: 3 }); // 45 / 300
    expect(cells['320000']).toMatchObject({ value: null, rank: null });
    expect(cells['320000']!.notRanked).toContain('denominator 0');
    expect(cellText('ratio', cells['110000'])).toBe('15.0% (#3)');
    expect(cellText('ratio', cells['320000'])).toBe('—');
  });

  it('a province with nothing recorded is listed, not ranked', () => {
    const tibet = ranking.rows.find((r) => r.code === '540000')!;
    for (const cell of Object.values(tibet.cells)) {
      expect(cell).toMatchObject({ value: null, rank: null });
      expect(cell.notRanked).toContain('nothing recorded');
    }
    expect(tibet.flags).toEqual([]);
  });

  it('the same figures in another order give the same ranking', () => {
    const shuffled = rankScopes({ ...figures(), provinces: [...provinces].reverse() }, 'province');
    expect(shuffled).toEqual(ranking);
  });
});

describe('the anomaly flags', () => {
  const ranking = rankScopes(figures(), 'province');

  it('a sudden jump: at least 2× and +10 (boundary included); 7 -> 12 and 1 -> 5 do not flag', () => {
    expect(flagsOf(ranking, '440000')).toContain('SUDDEN_JUMP:assignmentRegistrations'); // 10 -> 30
    expect(flagsOf(ranking, '110000')).toContain('SUDDEN_JUMP:assignmentRegistrations'); // 2 -> 12
    expect(flagsOf(ranking, '310000')).not.toContain('SUDDEN_JUMP:assignmentRegistrations'); // < 2×
    expect(flagsOf(ranking, '330000')).not.toContain('SUDDEN_JUMP:assignmentRegistrations'); // +4
    const reason = ranking.rows.find((r) => r.code === '440000')!.flags[0]!.reason;
    expect(reason).toContain('from 10 to 30');
    expect(reason).toContain('check');
  });

  it('a rate jump needs +10 points and +10 evidenced patents: a small province does not flag', () => {
    expect(flagsOf(ranking, '440000')).toContain('SUDDEN_JUMP:implementationRateEvidenced'); // 18% -> 30%, +36
    expect(flagsOf(ranking, '330000')).not.toContain('SUDDEN_JUMP:implementationRateEvidenced'); // +15 pp, +3
  });

  it('declared without evidence: at least 20 patents and 3× the evidenced (boundary included)', () => {
    expect(flagsOf(ranking, '110000')).toContain('DECLARED_WITHOUT_EVIDENCE:implementationRateEvidenced'); // 90 vs 30
    expect(flagsOf(ranking, '310000')).not.toContain('DECLARED_WITHOUT_EVIDENCE:implementationRateEvidenced'); // 100 < 135
    expect(flagsOf(ranking, '330000')).not.toContain('DECLARED_WITHOUT_EVIDENCE:implementationRateEvidenced'); // 15 < 20
    const flag = ranking.rows
      .find((r) => r.code === '110000')!
      .flags.find((f) => f.code === 'DECLARED_WITHOUT_EVIDENCE')!;
    expect(flag.reason).toContain(
      '90 valid patents declared implemented without a recorded transaction, against 30 evidenced',
    );
  });

  it('a reporting gap: 5 filings before, none in an ended quarter; not while the quarter runs', () => {
    expect(flagsOf(ranking, '320000')).toEqual(['REPORTING_GAP:']);
    expect(flagsOf(rankScopes(figures(false), 'province'), '320000')).toEqual([]);
  });

  it('from nothing: 0 -> 10 is a jump, 0 -> 9 is not', () => {
    const options = { quarter, complete: true };
    expect(rankingFlags({ licenseFilings: 10 }, {}, options).map((f) => f.code)).toEqual(['SUDDEN_JUMP']);
    expect(rankingFlags({ licenseFilings: 9 }, {}, options)).toEqual([]);
  });
});

// --------------------------------------------------------------------- ministries from the figures

const moe1 = '12110000MOE000001';
const moe2 = '12350000MOE000002';
const cas = '12110000CAS000003';
const local = '12350000LOC000004';
const orphan = '12350000NON000005';

function port() {
  const memory = new MemoryMetricsStore();
  const put = (province: string, uscc: string, valid: number, evidenced: number, licenses: number) => {
    memory.counters.set(`NOW#PROV#${province}|INST#${uscc}`, {
      'g.recorded': valid,
      'g.valid': valid,
      'g.implementedEvidenced': evidenced,
      'g.implemented': evidenced,
    });
    memory.counters.set(`Q#${quarter}#PROV#${province}|INST#${uscc}`, { 'f.licenseFilings': licenses });
  };
  put('110000', moe1, 100, 10, 2);
  put('350000', moe2, 50, 20, 1);
  put('110000', cas, 40, 20, 3);
  put('350000', local, 60, 30, 9);
  put('350000', orphan, 10, 1, 1);
  const groups: Record<string, Record<string, SupervisionGroup>> = {
    '110000': { [moe1]: '教育部', [cas]: '中国科学院' },
    '350000': { [moe2]: '教育部', [local]: 'local' },
  };
  return memoryMetricsReadPort(memory, {
    supervisionGroups: async (code) => new Map(Object.entries(groups[code] ?? {})),
  });
}
const now = new Date('2026-10-15T04:00:00Z');

describe('ranking the ministries (national figures with ministry rows)', () => {
  it('sums each ministry across provinces; local institutions only in their province; no supervision -> unassigned, listed, not ranked', async () => {
    const national = await computeQuarterFigures(
      port(),
      quarter,
      { level: 'national' },
      { now, ministryRows: true },
    );
    expect(national.ministries?.map((r) => [r.code, r.values.validPatents, r.values.licenseFilings])).toEqual(
      [
        ['unassigned', 10, 1],
        ['中国科学院', 40, 3],
        ['教育部', 150, 3],
      ],
    );
    const ranking = rankScopes(national, 'ministry');
    expect(ranking.rows.map((r) => r.code)).toEqual([
      '教育部',
      '科技部',
      '工业和信息化部',
      '农业农村部',
      '国家卫生健康委',
      '中国科学院',
      'unassigned',
    ]);
    const rate = cellsOf(ranking, 'implementationRateEvidenced');
    expect(rate.中国科学院).toMatchObject({ value: 0.5, rank: 1 }); // 20 / 40
    expect(rate.教育部).toMatchObject({ value: 0.2, rank: 2 }); // 30 / 150
    expect(rate.科技部).toMatchObject({ value: null, rank: null });
    expect(rate.unassigned).toMatchObject({ value: 0.1, rank: null }); // 1 / 10: listed, not ranked
    expect(rate.unassigned!.notRanked).toContain('no supervising department');
    // Licenses: 3 and 3 share the first rank.
    const licenses = cellsOf(ranking, 'licenseFilings');
    expect([licenses.中国科学院!.rank, licenses.教育部!.rank]).toEqual([1, 1]);
    // Without being asked, the national figures carry no ministry rows (the report's other scopes).
    const plain = await computeQuarterFigures(port(), quarter, { level: 'national' }, { now });
    expect(plain.ministries).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------- access

const nationalAdmin: Caller = { sub: 'n', roles: ['national-admin'] };
const beijingAdmin: Caller = { sub: 'b', roles: ['province-admin'], provinceCode: '110000' };
const moeAdmin: Caller = { sub: 'm', roles: ['ministry-admin'], ministry: '教育部' };

describe('getRankings: who sees what', () => {
  const asked: Array<{ ministries: boolean }> = [];
  const deps = {
    nationalFigures: async (_quarter: Quarter, options: { ministries: boolean }) => {
      asked.push(options);
      return {
        ...figures(),
        ministries: [row('教育部', { recordedPatents: 50, validPatents: 50, implementedDeclared: 40 })],
      } as QuarterFigures;
    },
  };

  it('national admins: the whole table with every flag, either ranking', async () => {
    const table = await getRankings(deps, nationalAdmin, quarter, {});
    expect(table.by).toBe('province');
    expect(table.rows.find((r) => r.code === '440000')!.flags.length).toBeGreaterThan(0);
    const ministries = await getRankings(deps, nationalAdmin, quarter, { by: 'ministry' });
    expect(ministries.rows.find((r) => r.code === '教育部')!.flags.map((f) => f.code)).toEqual([
      'DECLARED_WITHOUT_EVIDENCE',
    ]);
    expect(asked.at(-1)).toEqual({ ministries: true });
    const one = await getRankings(deps, nationalAdmin, quarter, { scope: '440000' });
    expect(one.rows.map((r) => r.code)).toEqual(['440000']);
    expect(one.rows[0]!.cells.assignmentRegistrations!.rank).toBe(1); // ranked among all
    await expect(getRankings(deps, nationalAdmin, quarter, { scope: '990000' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("a province admin: the whole province table, only its own row's flags; another province's row 404", async () => {
    const table = await getRankings(deps, beijingAdmin, quarter, {});
    const own = table.rows.find((r) => r.code === '110000')!;
    expect(own.own).toBe(true);
    expect(own.flags.length).toBeGreaterThan(0);
    expect(table.rows.find((r) => r.code === '440000')!.flags).toEqual([]);
    expect(table.rows.find((r) => r.code === '440000')!.cells.assignmentRegistrations!.rank).toBe(1);
    await expect(getRankings(deps, beijingAdmin, quarter, { scope: '440000' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(getRankings(deps, beijingAdmin, quarter, { by: 'ministry' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it("a ministry admin: the ministry table; another ministry's row is 404", async () => {
    const table = await getRankings(deps, moeAdmin, quarter, {});
    expect(table.by).toBe('ministry');
    expect(table.rows.find((r) => r.code === '教育部')!.own).toBe(true);
    await expect(getRankings(deps, moeAdmin, quarter, { scope: '科技部' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(getRankings(deps, moeAdmin, quarter, { by: 'province' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(getRankings(deps, { ...moeAdmin, ministry: undefined }, quarter, {})).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe('the national report carries the rankings (HTML email, text part)', () => {
  it('a rankings section with ranks, flags, formulas and rules; a province report has none', async () => {
    const { buildReportModel } = await import('../../functions/reports/report-model.ts');
    const { renderHtml, reportMailContent } = await import('../../functions/reports/render-html.ts');
    const { nationalFigures, provinceFigures } = await import('./report.fixtures.ts');
    const national = {
      ...nationalFigures(quarter),
      provinces,
      ministries: [row('教育部', { recordedPatents: 50, validPatents: 50, implementedDeclared: 40 })],
    };
    const model = buildReportModel(national, '2026-10-01T01:00:00.000Z');
    expect(model.rankings?.map((r) => r.by)).toEqual(['province', 'ministry']);
    const html = renderHtml(model);
    expect(html).toContain('排名与考核 Rankings and assessment');
    expect(html).toContain('30 (#1)'); // 广东's registrations
    expect(html).toContain('15.0% (#3)'); // 北京 and 上海 share the third rank
    expect(html).toContain('DECLARED_WITHOUT_EVIDENCE');
    expect(html).toContain('implementedEvidenced ÷ validPatents');
    expect(html).toContain('nothing recorded, not ranked');
    const mail = reportMailContent(model);
    expect(mail.text).toContain('Rankings 按省份 By province');
    expect(mail.text).toMatch(/广东省: .*30 \(#1\).*\[SUDDEN_JUMP/);
    expect(buildReportModel(provinceFigures('110000'), '2026-10-01T01:00:00.000Z').rankings).toBeUndefined();
  });
});
