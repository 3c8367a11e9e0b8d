/**
 * Overdue spot-check corrections in the quarterly report (issue 14, item 3b; Work Plan 三（四）加强监测
 * 评价): the compute step asks the monitoring port for the requests open past their deadline at the
 * report's cut-off and adds a CORRECTIONS_OVERDUE anomaly, which the report renders.
 */
import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../functions/reports/report-model.ts';
import { computeScope, type OverdueCorrection, type ReportFiles } from '../../functions/reports/reports.ts';
import type { Quarter } from '../../schemas/metrics.ts';
import { nationalFigures, provinceFigures } from './report.fixtures.ts';

function files(): ReportFiles & { data: Map<string, Buffer> } {
  const data = new Map<string, Buffer>();
  return {
    data,
    async put(key, body) {
      data.set(key, Buffer.isBuffer(body) ? body : Buffer.from(body));
    },
    async get(key) {
      return data.get(key);
    },
  };
}

const overdue: OverdueCorrection[] = [
  {
    id: '2025Q4.350000.12350000CR0000001.202010350001.1',
    institutionUscc: '12350000CR0000001',
    applicationNumber: '202010350001.1',
    dueDate: '2025-11-30',
  },
];

describe('overdue corrections in the report', () => {
  it('a province report lists them as an anomaly, judged at the quarter end', async () => {
    const calls: Array<{ provinces: readonly string[]; quarters: readonly Quarter[]; asOf: string }> = [];
    const store = files();
    await computeScope(
      {
        files: store,
        computeFigures: async () => provinceFigures('350000', '2025Q4'),
        overdueCorrections: async (provinces, quarters, asOf) => {
          calls.push({ provinces, quarters, asOf });
          return overdue;
        },
        now: () => new Date('2026-01-10T00:00:00Z'),
      },
      { quarter: '2025Q4', scope: '350000' },
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ provinces: ['350000'], asOf: '2025-12-31' });
    expect(calls[0]!.quarters).toHaveLength(8);
    expect(calls[0]!.quarters.at(-1)).toBe('2025Q4');
    const stored = JSON.parse(store.data.get('reports/2025Q4/350000.figures.json')!.toString());
    const anomaly = stored.anomalies.find((a: { code: string }) => a.code === 'CORRECTIONS_OVERDUE');
    expect(anomaly.message).toContain('202010350001.1');
    expect(anomaly.message).toContain('2025-11-30');
    expect(buildReportModel(stored, '2026-01-10T00:00:00Z').anomalies.join('\n')).toContain('逾期');
  });

  it('a running quarter is judged today; national asks every province; ministry reports do not ask', async () => {
    const asked: string[][] = [];
    const deps = {
      files: files(),
      overdueCorrections: async (provinces: readonly string[], _q: readonly Quarter[], asOf: string) => {
        asked.push([asOf, String(provinces.length)]);
        return [];
      },
      now: () => new Date('2025-11-15T04:00:00Z'),
    };
    await computeScope(
      { ...deps, computeFigures: async () => nationalFigures('2025Q4') },
      { quarter: '2025Q4', scope: 'national' },
    );
    expect(asked).toEqual([['2025-11-15', '34']]);
    const none = await computeScope(
      {
        ...deps,
        computeFigures: async () => ({
          ...nationalFigures('2025Q4'),
          scope: { level: 'ministry', ministry: '教育部' },
        }),
      },
      { quarter: '2025Q4', scope: '教育部' },
    );
    expect(none.scope).toBe('教育部');
    expect(asked).toHaveLength(1);
  });
});
