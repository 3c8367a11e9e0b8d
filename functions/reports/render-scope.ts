/**
 * The render step of the quarterly-report workflow: a scope's figures (stored by the compute step) ->
 * HTML, XLSX, chart PNG and the email's body, stored in the reports bucket. A module of its own so
 * that only the renderReport function carries the renderers (ECharts, resvg, exceljs).
 */
import { quarterFiguresSchema } from '../../schemas/metrics.ts';
import { renderChartPng } from './render-chart.ts';
import { renderHtml, reportMailContent } from './render-html.ts';
import { renderXlsx } from './render-xlsx.ts';
import { type ReportMailContent, reportKeys, xlsxContentType } from './report-mail.ts';
import { buildReportModel } from './report-model.ts';
import type { ReportDeps } from './reports.ts';

export async function renderScope(
  deps: Pick<ReportDeps, 'files' | 'now'>,
  input: { quarter: string; scope: string },
) {
  const keys = reportKeys(input.quarter, input.scope);
  const stored = await deps.files.get(keys.figures);
  if (!stored) throw new Error(`${keys.figures} is missing: the compute step did not store it`);
  const figures = quarterFiguresSchema.parse(JSON.parse(stored.toString('utf8')));
  const model = buildReportModel(figures, deps.now().toISOString());
  const png = await renderChartPng(model.chart);
  const xlsx = await renderXlsx(model);
  const page = renderHtml(model, { chartSrc: `data:image/png;base64,${png.toString('base64')}` });
  const mail: ReportMailContent & { generatedAt: string } = {
    ...reportMailContent(model),
    generatedAt: model.generatedAt,
  };
  await Promise.all([
    deps.files.put(keys.png, png, 'image/png'),
    deps.files.put(keys.xlsx, xlsx, xlsxContentType),
    deps.files.put(keys.html, page, 'text/html; charset=utf-8'),
    deps.files.put(keys.mail, JSON.stringify(mail), 'application/json'),
  ]);
  return {
    quarter: input.quarter,
    scope: input.scope,
    hasData: model.hasData,
    bytes: { png: png.length, xlsx: xlsx.length, html: Buffer.byteLength(page) },
  };
}
