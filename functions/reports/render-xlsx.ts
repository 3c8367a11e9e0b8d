/**
 * The XLSX workbook of a report: sheets 全国 national (headline figures with deltas), 各省 provinces
 * and 机构 institutions (one column per metric). Every text cell goes through neutralizeCell: an
 * institution named "=HYPERLINK(...)" stays text in any spreadsheet.
 */

import type { MetricFormat, ReportModel, ReportRow } from '../../schemas/report.ts';
import { type WorkbookWriter, workbookInMemory } from '../shared/xlsx-writer.ts';
import { neutralizeCell } from './neutralize.ts';

const numberFormats: Record<MetricFormat, string> = {
  count: '#,##0',
  ratio: '0.0%',
  money: '#,##0.00',
  days: '0.0',
};

type Cell = string | number | null;
const text = (value: string): Cell => neutralizeCell(value);

type Column = { header: string; width: number; format?: MetricFormat };

/** A sheet written row by row (the streaming writer): frozen header, bold, number formats per column. */
function writeSheet(
  workbook: WorkbookWriter,
  name: string,
  columns: Column[],
  rows: Cell[][],
  rowFormats: Array<MetricFormat | undefined> = [],
) {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({
    width: c.width,
    ...(c.format ? { style: { numFmt: numberFormats[c.format] } } : {}),
  }));
  const header = sheet.addRow(columns.map((c) => neutralizeCell(c.header)));
  header.font = { bold: true };
  header.commit();
  rows.forEach((values, i) => {
    const row = sheet.addRow(values);
    const format = rowFormats[i];
    // A headline row's figures take that metric's format (columns 2-4 of the national sheet).
    if (format) for (const col of [2, 3, 4]) row.getCell(col).numFmt = numberFormats[format];
    row.commit();
  });
  sheet.commit();
}

function metricRows(model: ReportModel, rows: ReportRow[], withProvince: boolean): Cell[][] {
  return rows.map((row) => [
    text(row.code),
    text(row.name),
    ...(withProvince ? [text(row.provinceCode ?? '')] : []),
    ...model.columns.map((c) => row.values[c.key] ?? null),
  ]);
}

export async function renderXlsx(model: ReportModel): Promise<Buffer> {
  const { workbook, done } = workbookInMemory({ useSharedStrings: true });
  workbook.creator = 'patent-revitalization';
  const created = new Date(model.generatedAt);
  if (!Number.isNaN(created.getTime())) workbook.created = created;

  writeSheet(
    workbook,
    '全国 national',
    [
      { header: '指标 Metric', width: 36 },
      { header: '本季度 Quarter', width: 16 },
      { header: '环比 QoQ', width: 14 },
      { header: '同比 YoY', width: 14 },
    ],
    [
      ...model.headline.map((f): Cell[] => [text(f.label), f.value, f.qoq, f.yoy]),
      [],
      [text(`${model.quarter} · ${model.scopeName}`)],
      ...(model.hasData ? [] : [[text('本季度无数据 No data was recorded in this scope for this quarter')]]),
      ...model.anomalies.map((anomaly) => [text(anomaly)]),
    ],
    model.headline.map((f) => f.format),
  );

  const metricColumns = model.columns.map((c) => ({ header: c.label, width: 18, format: c.format }));
  writeSheet(
    workbook,
    '各省 provinces',
    [{ header: '代码 Code', width: 10 }, { header: '省份 Province', width: 20 }, ...metricColumns],
    metricRows(model, model.provinces, false),
  );
  writeSheet(
    workbook,
    '机构 institutions',
    [
      { header: '统一社会信用代码 USCC', width: 22 },
      { header: '机构 Institution', width: 36 },
      { header: '省份 Province', width: 10 },
      ...metricColumns,
    ],
    metricRows(model, model.institutions, true),
  );
  return done();
}
