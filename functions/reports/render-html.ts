/**
 * The HTML body of the quarterly report email (and the stored report page). Mail clients strip
 * <style> blocks and scripts: tables for layout, inline styles only, no script, no external resource
 * but the chart (an inline cid: part in the email, a data: URI in the stored page).
 */
import type { ReportModel, ReportRow } from '../../schemas/report.ts';
import { formatDelta, formatValue } from './format.ts';
import { escapeHtml as e } from './neutralize.ts';

const cell = 'padding:6px 10px;border:1px solid #d0d7de;font-size:13px;';
const head = `${cell}background:#f3f5f8;font-weight:bold;text-align:left;`;
const num = `${cell}text-align:right;white-space:nowrap;`;
const h2 = 'font-size:16px;margin:24px 0 8px 0;color:#1f2328;';
const table = 'border-collapse:collapse;margin:0 0 8px 0;';

function deltaStyle(delta: number | null): string {
  if (delta === null || delta === 0) return num;
  return `${num}color:${delta > 0 ? '#1a7f37' : '#cf222e'};`;
}

export function reportTitle(model: Pick<ReportModel, 'quarter' | 'scopeName'>): string {
  return `专利转化运用季度报告 ${model.quarter} · ${model.scopeName} / Quarterly patent report`;
}

function rankingTable(model: ReportModel, rows: ReportRow[], caption: string): string {
  const column = model.columns.find((c) => c.key === model.ranking.key);
  const format = column?.format ?? 'count';
  const body = rows
    .map(
      (row, i) =>
        `<tr><td style="${num}">${i + 1}</td><td style="${cell}">${e(row.name)}</td><td style="${num}">${e(formatValue(row.values[model.ranking.key], format))}</td></tr>`,
    )
    .join('');
  return `<h2 style="${h2}">${e(caption)}</h2><table style="${table}"><tr><th style="${head}">#</th><th style="${head}">机构 Institution</th><th style="${head}">${e(model.ranking.label)}</th></tr>${body}</table>`;
}

/**
 * chartSrc: where the chart image is: `cid:<content-id>` in the email (the PNG is an inline part), a
 * `data:` URI in the stored page (one self-contained file behind a presigned link).
 */
export function renderHtml(model: ReportModel, options: { chartSrc?: string } = {}): string {
  const title = reportTitle(model);
  const parts: string[] = [];
  parts.push(
    `<h1 style="font-size:20px;margin:0 0 4px 0;color:#1f2328;">${e(title)}</h1>`,
    `<p style="margin:0 0 16px 0;color:#57606a;font-size:12px;">生成于 Generated ${e(model.generatedAt)} · 范围 Scope: ${e(model.scopeName)}</p>`,
  );
  if (!model.hasData) {
    parts.push(
      `<p style="padding:12px;background:#fff8c5;border:1px solid #d4a72c;font-size:14px;">本季度该范围内没有记录到任何数据。<br>No data was recorded in this scope for ${e(model.quarter)}: no inventory, filings, deals or evaluations. The figures below are zero; check that institutions have uploaded their inventories.</p>`,
    );
  }

  const headRows = model.headline
    .map(
      (f) =>
        `<tr><td style="${cell}">${e(f.label)}</td><td style="${num}">${e(formatValue(f.value, f.format))}</td><td style="${deltaStyle(f.qoq)}">${e(formatDelta(f.qoq, f.format))}</td><td style="${deltaStyle(f.yoy)}">${e(formatDelta(f.yoy, f.format))}</td></tr>`,
    )
    .join('');
  parts.push(
    `<h2 style="${h2}">主要指标 Headline figures</h2>`,
    `<table style="${table}"><tr><th style="${head}">指标 Metric</th><th style="${head}">本季度 Quarter</th><th style="${head}">环比 QoQ</th><th style="${head}">同比 YoY</th></tr>${headRows}</table>`,
  );

  if (model.compliance.length > 0) {
    const rows = model.compliance
      .map(
        (c) =>
          `<tr><td style="${cell}">${e(c.label)}</td><td style="${cell}">${e(c.dueDate)}</td><td style="${num}">${e(formatValue(c.target, 'ratio'))}</td><td style="${num}">${e(formatValue(c.actual, 'ratio'))}</td><td style="${num}${c.institutionsBehind > 0 ? 'color:#cf222e;' : ''}">${c.institutionsBehind}</td></tr>`,
      )
      .join('');
    parts.push(
      `<h2 style="${h2}">盘点进度 Inventory deadline compliance</h2>`,
      `<table style="${table}"><tr><th style="${head}">要求 Requirement</th><th style="${head}">期限 Due</th><th style="${head}">目标 Target</th><th style="${head}">实际 Actual</th><th style="${head}">未达标机构 Institutions behind</th></tr>${rows}</table>`,
    );
  }

  if (options.chartSrc && model.hasData) {
    parts.push(
      `<h2 style="${h2}">${e(model.chart.title)}</h2>`,
      `<img src="${e(options.chartSrc)}" alt="${e(model.chart.title)}" width="800" style="display:block;max-width:100%;height:auto;border:0;">`,
    );
  }

  if (model.ranking.top.length > 0) {
    parts.push(rankingTable(model, model.ranking.top, `前列机构 Top institutions (${model.ranking.label})`));
    parts.push(
      rankingTable(model, model.ranking.bottom, `靠后机构 Bottom institutions (${model.ranking.label})`),
    );
  }

  parts.push(`<h2 style="${h2}">异常 Anomalies</h2>`);
  parts.push(
    model.anomalies.length > 0
      ? `<ul style="margin:0;padding-left:20px;font-size:13px;">${model.anomalies.map((a) => `<li>${e(a)}</li>`).join('')}</ul>`
      : '<p style="font-size:13px;margin:0;">未发现异常 None found.</p>',
  );
  parts.push(
    '<p style="margin:24px 0 0 0;color:#57606a;font-size:12px;">明细见附件 XLSX（全国 / 各省 / 机构）。Details: the attached workbook (national / provinces / institutions). 不再接收季度报告：PUT /v1/admins/me/report-preferences {"reportsOptOut": true}.</p>',
  );
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(title)}</title></head><body style="margin:0;padding:16px;font-family:'PingFang SC','Microsoft YaHei','Noto Sans SC',Arial,sans-serif;color:#1f2328;background:#ffffff;">${parts.join('\n')}</body></html>`;
}

/** The plain-text alternative of the email. */
export function renderText(model: ReportModel): string {
  const lines = [reportTitle(model), ''];
  if (!model.hasData) lines.push(`No data was recorded in this scope for ${model.quarter}.`, '');
  for (const f of model.headline)
    lines.push(
      `${f.label}: ${formatValue(f.value, f.format)} (QoQ ${formatDelta(f.qoq, f.format)}, YoY ${formatDelta(f.yoy, f.format)})`,
    );
  if (model.anomalies.length) lines.push('', 'Anomalies:', ...model.anomalies.map((a) => `- ${a}`));
  lines.push('', 'Details: the attached workbook.');
  return lines.join('\n');
}
