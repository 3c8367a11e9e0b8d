/**
 * Quarterly reports per supervising ministry (issue 14, item 2; Work Plan 二（一）2 责任分工): the
 * ministry scope of the figures (its institutions across provinces; no supervision recorded ->
 * "unassigned", never dropped), the run's scopes, the recipients (ministry admins), the files and
 * the API (a ministry admin reads its own ministry's report; another ministry's is 404).
 */
import { describe, expect, it } from 'vitest';
import { computeQuarterFigures } from '../../functions/metrics/figures.ts';
import { MemoryMetricsStore, memoryMetricsReadPort } from '../../functions/metrics/memory-store.ts';
import { sheetNames } from '../../functions/reports/render-xlsx.ts';
import { getReport, listReports } from '../../functions/reports/report-api.ts';
import { metricScopeOf } from '../../functions/reports/report-deps.ts';
import { reportKeys } from '../../functions/reports/report-mail.ts';
import { buildReportModel, scopeName } from '../../functions/reports/report-model.ts';
import type { ReportReads, StoredReport } from '../../functions/reports/report-store.ts';
import { prepareRun, recipientsOf } from '../../functions/reports/reports.ts';
import { adminDirectory, localAdminUsers } from '../../functions/shared/directory.ts';
import { ForbiddenError, NotFoundError } from '../../functions/shared/errors.ts';
import { devUsers } from '../../infra/local/dev-users.ts';
import type { Quarter } from '../../schemas/metrics.ts';
import { reportScopeSchema } from '../../schemas/report.ts';
import type { Caller } from '../../schemas/roles.ts';
import type { SupervisionGroup } from '../../schemas/supervision.ts';
import { beijingAdmin, miitAdmin, ministryAdmin, moeAdmin, nationalAdmin } from '../support/callers.ts';

const quarter = '2025Q4' as Quarter;
const fujianAdmin: Caller = { sub: 'fj-admin', roles: ['province-admin'], provinceCode: '350000' };
const now = new Date('2026-01-15T04:00:00Z');
// 福建 350000 (this file's province) and one 教育部 institution in 北京 110000.
const moeFujian = '12350000MOE000001';
const moeBeijing = '12110000MOE000002';
const miitFujian = '12350000MIIT00003';
const localFujian = '12350000LOC000004';
const noSupervision = '12350000NON000005';
/** Counters but no institution item at all (an ingest before registration): unassigned too. */
const unregistered = '12350000UNR000006';

function store() {
  const memory = new MemoryMetricsStore();
  const put = (province: string, uscc: string, valid: number, implemented: number, deals: number) => {
    memory.counters.set(`NOW#PROV#${province}|INST#${uscc}`, {
      'g.recorded': valid,
      'g.valid': valid,
      'g.implemented': implemented,
    });
    memory.counters.set(`Q#${quarter}#PROV#${province}|INST#${uscc}`, { 'f.deals': deals });
  };
  put('350000', moeFujian, 10, 4, 2);
  put('110000', moeBeijing, 30, 6, 1);
  put('350000', miitFujian, 20, 10, 5);
  put('350000', localFujian, 8, 8, 3);
  put('350000', noSupervision, 5, 1, 0);
  put('350000', unregistered, 2, 0, 1);
  return memory;
}

const groups: Record<string, Record<string, SupervisionGroup>> = {
  '350000': {
    [moeFujian]: '教育部',
    [miitFujian]: '工业和信息化部',
    [localFujian]: 'local',
    [noSupervision]: 'unassigned',
  },
  '110000': { [moeBeijing]: '教育部' },
};

function port(memory = store()) {
  return memoryMetricsReadPort(memory, {
    supervisionGroups: async (code) => new Map(Object.entries(groups[code] ?? {})),
  });
}

describe('the ministry scope of the figures', () => {
  it("sums the ministry's institutions across provinces, with a row per province", async () => {
    const figures = await computeQuarterFigures(
      port(),
      quarter,
      { level: 'ministry', ministry: '教育部' },
      { now },
    );
    expect(figures.scope).toEqual({ level: 'ministry', ministry: '教育部' });
    expect(figures.figures.validPatents.value).toBe(40);
    expect(figures.figures.implementedPatents.value).toBe(10);
    expect(figures.figures.implementationRate.value).toBe(0.25);
    expect(figures.figures.deals.value).toBe(3);
    expect(figures.institutions?.map((r) => r.code).sort()).toEqual([moeBeijing, moeFujian].sort());
    expect(figures.provinces?.map((r) => [r.code, r.values.validPatents])).toEqual([
      ['110000', 30],
      ['350000', 10],
    ]);
    expect(figures.hasData).toBe(true);
  });

  it('reports institutions with no supervising department, or no institution item, under "unassigned"', async () => {
    const figures = await computeQuarterFigures(
      port(),
      quarter,
      { level: 'ministry', ministry: 'unassigned' },
      { now },
    );
    expect(figures.institutions?.map((r) => r.code).sort()).toEqual([noSupervision, unregistered].sort());
    expect(figures.figures.validPatents.value).toBe(7);
    // Local (地方所属) institutions are their province's: in no ministry report.
    for (const ministry of ['教育部', '工业和信息化部', 'unassigned'])
      expect(
        (
          await computeQuarterFigures(port(), quarter, { level: 'ministry', ministry }, { now })
        ).institutions?.map((r) => r.code),
      ).not.toContain(localFujian);
  });

  it('a ministry with no institution gets a report that says so (no data), not an error', async () => {
    const figures = await computeQuarterFigures(
      port(),
      quarter,
      { level: 'ministry', ministry: '农业农村部' },
      { now },
    );
    expect(figures.hasData).toBe(false);
    expect(figures.anomalies.map((a) => a.code)).toEqual(['NO_DATA']);
    expect(figures.anomalies[0]!.scope).toBe('农业农村部');
  });

  it('needs the supervision port for a ministry scope', async () => {
    await expect(
      computeQuarterFigures(
        memoryMetricsReadPort(store()),
        quarter,
        { level: 'ministry', ministry: '教育部' },
        { now },
      ),
    ).rejects.toThrow(/supervisionGroups/);
  });

  it('maps report scopes to metric scopes', () => {
    expect(metricScopeOf('national')).toEqual({ level: 'national' });
    expect(metricScopeOf('350000')).toEqual({ level: 'province', provinceCode: '350000' });
    expect(metricScopeOf('中国科学院')).toEqual({ level: 'ministry', ministry: '中国科学院' });
    expect(metricScopeOf('unassigned')).toEqual({ level: 'ministry', ministry: 'unassigned' });
  });
});

describe('the run and its recipients', () => {
  it('runs every province, then every supervising ministry and unassigned', () => {
    const { scopes } = prepareRun({ quarter }, now);
    expect(scopes).toContain('350000');
    expect(scopes.slice(-7)).toEqual([
      '教育部',
      '科技部',
      '工业和信息化部',
      '农业农村部',
      '国家卫生健康委',
      '中国科学院',
      'unassigned',
    ]);
    for (const scope of scopes) expect(reportScopeSchema.safeParse(scope).success, scope).toBe(true);
    expect(reportScopeSchema.safeParse('外交部').success).toBe(false);
  });

  it("emails a ministry's report to its ministry admins only; unassigned to the national admins when it has data", async () => {
    const directory = adminDirectory(localAdminUsers(devUsers), { optedOut: async () => new Set() });
    expect((await recipientsOf(directory, '教育部')).map((a) => a.sub)).toEqual(['dev-ministry-moe']);
    expect((await recipientsOf(directory, '中国科学院')).map((a) => a.sub)).toEqual(['dev-ministry-cas']);
    expect(await recipientsOf(directory, '科技部')).toEqual([]);
    expect((await recipientsOf(directory, 'unassigned', true)).map((a) => a.role)).toEqual([
      'national-admin',
      'national-admin',
    ]);
    expect(await recipientsOf(directory, 'unassigned', false)).toEqual([]);
    // Province reports do not go to ministry admins, nor the national one.
    expect((await recipientsOf(directory, '110000')).map((a) => a.role)).toEqual(['province-admin']);
    expect((await recipientsOf(directory, 'national')).every((a) => a.role === 'national-admin')).toBe(true);
  });
});

describe('the files and the model of a ministry report', () => {
  it('keeps bucket keys ASCII and names the scope', async () => {
    expect(reportKeys(quarter, '教育部').xlsx).toBe('reports/2025Q4/ministry-moe.xlsx');
    expect(reportKeys(quarter, 'unassigned').html).toBe('reports/2025Q4/ministry-unassigned.html');
    expect(reportKeys(quarter, '350000').html).toBe('reports/2025Q4/350000.html');
    expect(scopeName('教育部')).toContain('教育部');
    expect(scopeName('unassigned')).toContain('未指定');
    const figures = await computeQuarterFigures(
      port(),
      quarter,
      { level: 'ministry', ministry: '教育部' },
      { now },
    );
    const model = buildReportModel(figures, now.toISOString());
    expect(model.scope).toBe('教育部');
    expect(model.provinces.map((r) => r.code)).toEqual(['110000', '350000']);
    expect(sheetNames(model)).toMatchObject({
      overview: '教育部 概况 Overview',
      provinces: '各省 Provinces',
    });
  });
});

describe('GET /v1/reports for a ministry admin', () => {
  const record = (scope: string): StoredReport => ({
    quarter,
    scope,
    scopeName: scopeName(scope),
    hasData: true,
    generatedAt: now.toISOString(),
    runId: 'run-1',
    keys: reportKeys(quarter, scope),
    sentTo: 1,
    recipients: [],
  });
  const stored = ['national', '350000', '教育部', '工业和信息化部', 'unassigned'].map(record);
  const reads: ReportReads = {
    async get(q, scope) {
      return stored.find((r) => r.quarter === q && r.scope === scope);
    },
    async list(scope, limit) {
      return { items: stored.filter((r) => !scope || r.scope === scope).slice(0, limit) };
    },
    async putPreferences() {},
    async getPreferences() {
      return { reportsOptOut: false };
    },
  };
  const files = {
    async put() {},
    async get() {
      return undefined;
    },
    async presign(key: string) {
      return `https://reports.example/${key}`;
    },
  };

  it("lists and reads its own ministry's report, by default and by name", async () => {
    const mine = await listReports({ reads }, moeAdmin, { limit: 10 });
    expect(mine.items.map((i) => i.scope)).toEqual(['教育部']);
    expect((await listReports({ reads }, moeAdmin, { limit: 10, scope: '教育部' })).items).toHaveLength(1);
    const report = await getReport({ reads, files }, moeAdmin, quarter, {});
    expect(report.scope).toBe('教育部');
    expect(report.links.xlsx).toContain('ministry-moe.xlsx');
  });

  it("answers 404 for another ministry's report, a province, national or unassigned", async () => {
    for (const scope of ['工业和信息化部', '350000', 'national', 'unassigned']) {
      await expect(listReports({ reads }, moeAdmin, { limit: 10, scope }), scope).rejects.toThrow(
        NotFoundError,
      );
      await expect(getReport({ reads, files }, moeAdmin, quarter, { scope }), scope).rejects.toThrow(
        NotFoundError,
      );
    }
    await expect(getReport({ reads, files }, miitAdmin, quarter, { scope: '教育部' })).rejects.toThrow(
      NotFoundError,
    );
    // Province admins still see their own province only: a ministry is another scope.
    await expect(getReport({ reads, files }, beijingAdmin, quarter, { scope: '教育部' })).rejects.toThrow(
      NotFoundError,
    );
    await expect(
      getReport({ reads, files }, fujianAdmin, quarter, { scope: '350000' }),
    ).resolves.toMatchObject({
      scope: '350000',
    });
  });

  it('a ministry admin whose account names no ministry is refused with 403', async () => {
    await expect(listReports({ reads }, ministryAdmin('外交部'), { limit: 10 })).rejects.toThrow(
      ForbiddenError,
    );
  });

  it('national admins read every ministry report and unassigned', async () => {
    for (const scope of ['教育部', '工业和信息化部', 'unassigned'])
      expect((await getReport({ reads, files }, nationalAdmin, quarter, { scope })).scope).toBe(scope);
  });
});
