/**
 * The XLSX workbook of a report: sheets 全国 national (headline figures with deltas), 各省 provinces
 * and 机构 institutions (one column per metric). Every text cell goes through neutralizeCell: an
 * institution named "=HYPERLINK(...)" stays text in any spreadsheet.
 */
import ExcelJS from 'exceljs';
import type { MetricFormat, ReportModel, ReportRow } from '../../schemas/report.ts';
import { neutralizeCell } from './neutralize.ts';

const numberFormats: Record<MetricFormat, string> = {
  count: '#,##0',
  ratio: '0.0%',
  money: '#,##0.00',
  days: '0.0',
};

type Cell = string | number | null;
const text = (value: string): Cell => neutralizeCell(value);

function addSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: Array<{ header: string; width: number; format?: MetricFormat }>,
  rows: Cell[][],
) {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: neutralizeCell(c.header), width: c.width }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
  columns.forEach((c, i) => {
    if (c.format) sheet.getColumn(i + 1).numFmt = numberFormats[c.format];
  });
  return sheet;
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
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'patent-revitalization';
  const created = new Date(model.generatedAt);
  if (!Number.isNaN(created.getTime())) workbook.created = created;

  const national = addSheet(
    workbook,
    '全国 national',
    [
      { header: '指标 Metric', width: 36 },
      { header: '本季度 Quarter', width: 16 },
      { header: '环比 QoQ', width: 14 },
      { header: '同比 YoY', width: 14 },
    ],
    model.headline.map((f) => [text(f.label), f.value, f.qoq, f.yoy]),
  );
  model.headline.forEach((f, i) => {
    for (const col of [2, 3, 4]) national.getCell(i + 2, col).numFmt = numberFormats[f.format];
  });
  national.addRow([]);
  national.addRow([text(`${model.quarter} · ${model.scopeName}`)]);
  if (!model.hasData)
    national.addRow([text('本季度无数据 No data was recorded in this scope for this quarter')]);
  for (const anomaly of model.anomalies) national.addRow([text(anomaly)]);

  const metricColumns = model.columns.map((c) => ({ header: c.label, width: 18, format: c.format }));
  addSheet(
    workbook,
    '各省 provinces',
    [{ header: '代码 Code', width: 10 }, { header: '省份 Province', width: 20 }, ...metricColumns],
    metricRows(model, model.provinces, false),
  );
  addSheet(
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
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
