/**
 * The XLSX workbook of a report, one sheet per part of its scope: the overview (headline figures with
 * signed changes, evidenced vs declared rates, anomalies), the provinces (national report only), the
 * institutions of the scope, the Work Plan deadlines and the definitions. Every sheet opens with the
 * same title block (title, period, generated in Beijing time, complete or cut-off) and is set up to
 * print: A4 landscape, fit to one page wide, the title block and header row repeated on every page,
 * panes frozen under the header. An empty table says "无 None" instead of showing no rows.
 * Every text cell goes through neutralizeCell: an institution named "=HYPERLINK(...)" stays text.
 */

import type ExcelJS from 'exceljs';
import { provinceNames } from '../../schemas/codes/provinces.ts';
import type { Rankings } from '../../schemas/rankings.ts';
import {
  type MetricFormat,
  type ReportModel,
  type ReportRow,
  reportScopeKind,
  unassignedScope,
} from '../../schemas/report.ts';
import { type WorkbookWriter, workbookInMemory } from '../shared/xlsx-writer.ts';
import { beijingTime } from './format.ts';
import { neutralizeCell } from './neutralize.ts';
import { reportTitle } from './report-mail.ts';

const numberFormats: Record<MetricFormat, string> = {
  count: '#,##0',
  ratio: '0.0%',
  money: '#,##0.00',
  days: '0.0',
};
/** Changes carry their sign (+4 / -1); a ratio's change is in percentage points (its value × 100). */
const deltaFormats: Record<MetricFormat, string> = {
  count: '+#,##0;-#,##0;0',
  ratio: '+0.0" pp";-0.0" pp";0.0" pp"',
  money: '+#,##0.00;-#,##0.00;0.00',
  days: '+0.0;-0.0;0.0',
};

type Cell = string | number | null;
const text = (value: string): Cell => neutralizeCell(value);
const none = '无 None';

/** The rows above a table: title, period and generation time, completeness, a blank row. */
const titleRows = 4;

/** The sheet names of a report: per scope (Excel allows 31 characters, none of []:*?/\). */
export function sheetNames(model: Pick<ReportModel, 'scope'>) {
  const kind = reportScopeKind(model.scope);
  const place =
    model.scope === 'national'
      ? '全国'
      : model.scope === unassignedScope
        ? '未指定'
        : (provinceNames.get(model.scope) ?? model.scope).slice(0, 10);
  return {
    overview: `${place} 概况 Overview`,
    // A ministry's institutions span provinces: its report has the provinces sheet too.
    provinces: kind === 'province' ? undefined : '各省 Provinces',
    institutions: `${place} 机构 Institutions`,
    deadlines: '期限 Deadlines',
    /** National report only: the assessment indicators ranked (functions/metrics/rankings.ts). */
    rankings: model.scope === 'national' ? '排名 Rankings' : undefined,
    definitions: '定义 Definitions',
  };
}

/** The title of one sheet, as printed at its top: the report title and the sheet. */
export function sheetTitle(model: ReportModel, sheet: string): string {
  return `${reportTitle(model)} — ${sheet}`;
}

export function completenessLine(model: Pick<ReportModel, 'complete' | 'cutOff' | 'quarter'>): string {
  return model.complete
    ? `${model.quarter} 已结束，数据完整 / quarter ended: complete`
    : `${model.quarter} 尚未结束：数据截至 ${beijingTime(model.cutOff)}，不完整 / quarter in progress: figures up to ${beijingTime(model.cutOff)} (Beijing time), incomplete`;
}

/** Lines a text takes in a wrapped column of this width (a CJK character is two columns wide). */
function linesFor(value: string, width: number): number {
  const columns = [...value].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
  return Math.max(1, Math.ceil(columns / Math.max(1, width - 2)));
}

type Column = { header: string; width: number; format?: MetricFormat; wrap?: boolean };

interface SheetSpec {
  name: string;
  columns: Column[];
  rows: Cell[][];
  /** Per row: the number formats of its columns from the second on (the overview's mixed rows). */
  rowFormats?: Array<string[] | undefined>;
  /** Frozen columns besides the header rows (the name columns of a table). */
  frozenColumns?: number;
  /** Print on one page (fit to height too): the overview. */
  onePage?: boolean;
}

function writeSheet(workbook: WorkbookWriter, model: ReportModel, spec: SheetSpec) {
  const headerRow = titleRows + 1;
  const sheet = workbook.addWorksheet(spec.name, {
    views: [{ state: 'frozen', ySplit: headerRow, xSplit: spec.frozenColumns ?? 0 }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: spec.onePage ? 1 : 0,
      printTitlesRow: `1:${headerRow}`,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: `&L${spec.name}&R&P / &N` },
  } as Partial<ExcelJS.AddWorksheetOptions>);
  sheet.columns = spec.columns.map((c) => ({
    width: c.width,
    style: {
      ...(c.format ? { numFmt: numberFormats[c.format] } : {}),
      ...(c.wrap ? { alignment: { wrapText: true, vertical: 'top' as const } } : {}),
    },
  }));
  // The title block runs over the columns to its right: never wrapped, whatever its column's style.
  const block = (value: string, font: Partial<ExcelJS.Font>) => {
    const row = sheet.addRow([text(value)]);
    row.getCell(1).alignment = { wrapText: false, vertical: 'top' };
    row.getCell(1).font = font;
    row.commit();
  };
  block(sheetTitle(model, spec.name), { bold: true, size: 14 });
  block(
    `统计期 Period ${model.period.firstDay} – ${model.period.lastDay} · 生成于 Generated ${beijingTime(model.generatedAt)} (UTC+8)`,
    {},
  );
  block(completenessLine(model), model.complete ? {} : { bold: true, color: { argb: 'FF9A6700' } });
  sheet.addRow([]).commit();
  const header = sheet.addRow(spec.columns.map((c) => neutralizeCell(c.header)));
  header.font = { bold: true };
  // Tall enough for the longest wrapped header.
  header.height = Math.min(15 * Math.max(...spec.columns.map((c) => linesFor(c.header, c.width))) + 6, 130);
  header.eachCell((cell) => {
    cell.alignment = { wrapText: true, vertical: 'middle' };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF3F5F8' } };
    cell.border = { bottom: { style: 'thin', color: { argb: 'FF8C959F' } } };
  });
  header.commit();
  const rows = spec.rows.length ? spec.rows : [[text(none)]];
  rows.forEach((values, i) => {
    const row = sheet.addRow(values);
    // Spreadsheets do not grow a row for wrapped text they did not lay out: set its height.
    const lines = Math.max(
      1,
      ...spec.columns.map((c, col) =>
        c.wrap && typeof values[col] === 'string' ? linesFor(values[col] as string, c.width) : 1,
      ),
    );
    if (lines > 1) row.height = 15 * lines + 2;
    spec.rowFormats?.[i]?.forEach((numFmt, col) => {
      row.getCell(col + 2).numFmt = numFmt;
    });
    row.commit();
  });
  sheet.commit();
}

/** A change in the unit its format shows: percentage points for ratios. */
const delta = (value: number | null, format: MetricFormat): Cell =>
  value === null ? '—' : format === 'ratio' ? Math.round(value * 1000) / 10 : value;

function tableRows(model: ReportModel, rows: ReportRow[], withProvince: boolean): Cell[][] {
  return rows.map((row) => [
    text(row.code),
    text(row.name),
    ...(withProvince ? [text(provinceNames.get(row.provinceCode ?? '') ?? row.provinceCode ?? '')] : []),
    ...model.columns.map((c) => row.values[c.key] ?? null),
  ]);
}

export async function renderXlsx(model: ReportModel): Promise<Buffer> {
  const { workbook, done } = workbookInMemory({ useSharedStrings: true });
  workbook.creator = 'patent-revitalization';
  const created = new Date(model.generatedAt);
  if (!Number.isNaN(created.getTime())) workbook.created = created;
  const names = sheetNames(model);

  const overviewRows: Cell[][] = [
    ...model.headline.map((f): Cell[] => [
      text(f.label),
      f.value ?? '—',
      delta(f.qoq, f.format),
      delta(f.yoy, f.format),
    ]),
    [],
    [
      text('实施与产业化：佐证与自报 Evidenced vs declared'),
      text('合计 Total'),
      text('交易佐证 Evidenced'),
      text('仅自报 Declared only'),
    ],
    ...model.evidence.map((e): Cell[] => [
      text(e.label),
      e.total ?? '—',
      e.evidenced ?? '—',
      e.declared ?? '—',
    ]),
    [],
    [text('异常 Anomalies')],
    ...(model.hasData ? [] : [[text('本季度无数据 No data was recorded in this scope for this quarter')]]),
    ...(model.anomalies.length ? model.anomalies.map((anomaly) => [text(anomaly)]) : [[text(none)]]),
  ];
  writeSheet(workbook, model, {
    name: names.overview,
    columns: [
      { header: '指标 Metric', width: 58, wrap: true },
      { header: '本季度 Quarter', width: 16 },
      { header: '环比 QoQ (pp for rates)', width: 16 },
      { header: '同比 YoY (pp for rates)', width: 16 },
    ],
    rows: overviewRows,
    onePage: true,
    rowFormats: [
      ...model.headline.map((f) => [numberFormats[f.format], deltaFormats[f.format], deltaFormats[f.format]]),
      undefined,
      undefined,
      // The evidence rows hold three ratios: a rate, its evidenced part and its declared part.
      ...model.evidence.map(() => Array(3).fill(numberFormats.ratio)),
    ],
  });

  const metricColumns = model.columns.map((c) => ({ header: c.label, width: 12, format: c.format }));
  if (names.provinces) {
    writeSheet(workbook, model, {
      name: names.provinces,
      columns: [{ header: '代码 Code', width: 9 }, { header: '省份 Province', width: 14 }, ...metricColumns],
      rows: tableRows(model, model.provinces, false),
      frozenColumns: 2,
    });
  }
  writeSheet(workbook, model, {
    name: names.institutions,
    columns: [
      { header: '统一社会信用代码 USCC', width: 21 },
      { header: '机构 Institution', width: 26, wrap: true },
      ...(reportScopeKind(model.scope) !== 'province' ? [{ header: '省份 Province', width: 10 }] : []),
      ...metricColumns,
    ],
    rows: tableRows(model, model.institutions, reportScopeKind(model.scope) !== 'province'),
    frozenColumns: 2,
  });

  const verdicts = {
    met: '达标 met',
    behind: '未达标 behind',
    'not-judged': '不判定 not judged',
    'not-due': '未到期 not due',
  } as const;
  writeSheet(workbook, model, {
    name: names.deadlines,
    columns: [
      { header: '期限 Due', width: 11 },
      { header: '适用 Applies to', width: 22, wrap: true },
      { header: '要求 Requirement', width: 26, wrap: true },
      { header: '指标 Measure', width: 18, wrap: true },
      { header: '目标 Target', width: 9, format: 'ratio' },
      { header: '取值日 Value at', width: 11 },
      { header: '实际 Actual', width: 9, format: 'ratio' },
      { header: '判定 Verdict', width: 12 },
      { header: '未达标机构 Institutions behind', width: 11 },
      { header: '依据 Basis', width: 10 },
      { header: '方案条款 Work Plan clause', width: 40, wrap: true },
      { header: '说明 Note', width: 36, wrap: true },
    ],
    rows: model.compliance.map((c) => [
      text(c.dueDate),
      text(c.category),
      text(c.label),
      text(c.measure),
      c.target ?? text('—'),
      text(c.at),
      c.actual ?? text('—'),
      text(verdicts[c.verdict]),
      c.institutionsBehind,
      text(c.basis === 'snapshot' ? '快照 snapshot' : '推算 computed'),
      text(c.clause),
      text(c.note ?? ''),
    ]),
  });

  if (names.rankings) writeSheet(workbook, model, rankingsSheet(model, names.rankings));

  writeSheet(workbook, model, {
    name: names.definitions,
    columns: [
      { header: '指标 Metric', width: 36, wrap: true },
      { header: '口径与来源 How it is counted, and its source', width: 110, wrap: true },
    ],
    rows: model.definitions.map((d) => [text(d.label), text(d.counting)]),
  });
  return done();
}

const rankingTitles = {
  province: '按省份排名 Ranked by province',
  ministry: '按主管部门排名 Ranked by supervising ministry',
} as const;

/**
 * The rankings sheet of the national report: per ranking (provinces, then ministries) one row per
 * scope with each indicator's value and rank, the flags and why a cell is not ranked; then each
 * indicator's formula and source, the basis (evidenced, not declared) and the rules.
 */
function rankingsSheet(model: ReportModel, name: string): SheetSpec {
  const rankings: Rankings[] = model.rankings ?? [];
  const indicators = rankings[0]?.indicators ?? [];
  const rows: Cell[][] = [];
  const rowFormats: Array<string[] | undefined> = [];
  for (const ranking of rankings) {
    rows.push([text(rankingTitles[ranking.by])]);
    rowFormats.push(undefined);
    for (const row of ranking.rows) {
      const notRanked = [
        ...new Set(Object.values(row.cells).flatMap((cell) => (cell.notRanked ? [cell.notRanked] : []))),
      ];
      const notes = [
        ...row.flags.map((flag) => `[${flag.code}] ${flag.reason}`),
        ...notRanked.map((reason) => `不参与排名 Not ranked: ${reason}`),
      ];
      rows.push([
        text(row.code),
        text(row.name),
        ...indicators.flatMap((indicator): Cell[] => {
          const cell = row.cells[indicator.id];
          return [cell?.value ?? '—', cell?.rank ?? '—'];
        }),
        text(notes.join('\n')),
      ]);
      rowFormats.push([
        'General',
        ...indicators.flatMap((indicator) => [numberFormats[indicator.unit], '0']),
        'General',
      ]);
    }
    rows.push([]);
    rowFormats.push(undefined);
  }
  const footer: Cell[][] = [
    [text('指标与公式 Indicators and formulas')],
    ...indicators.map((indicator): Cell[] => [
      text(`${indicator.label}: ${indicator.formula} (${indicator.source})`),
    ]),
    [],
    [text(rankings[0]?.basis ?? '')],
    [],
    [text('规则 Rules')],
    ...(rankings[0]?.rules ?? []).map((rule): Cell[] => [text(rule)]),
  ];
  return {
    name,
    columns: [
      { header: '代码 Code', width: 10 },
      { header: '名称 Name', width: 16, wrap: true },
      ...indicators.flatMap((indicator): Column[] => [
        { header: indicator.label, width: 13, format: indicator.unit },
        { header: '名次 Rank', width: 7 },
      ]),
      { header: '异常与说明 Flags and notes', width: 70, wrap: true },
    ],
    rows: [...rows, ...footer],
    rowFormats,
    frozenColumns: 2,
  };
}
