/**
 * The HTML body of the quarterly report email (and the stored report page). Mail clients strip
 * <style> blocks and scripts: tables for layout, inline styles only, no script, no external resource
 * but the chart (an inline cid: part in the email, a data: URI in the stored page).
 */
import type { Rankings } from '../../schemas/rankings.ts';
import type { ReportModel, ReportRow } from '../../schemas/report.ts';
import { escapeHtml as e, type MailContent, renderMailHtml, renderMailText } from '../mail/layout.ts';
import { cellText } from '../metrics/rankings.ts';
import { portalLink, portalPages } from '../shared/portal.ts';
import { beijingTime, formatDelta, formatValue } from './format.ts';
import { chartCid, type ReportMailContent, reportTitle } from './report-mail.ts';

const cell = 'padding:6px 10px;border:1px solid #d0d7de;font-size:13px;';
const head = `${cell}background:#f3f5f8;font-weight:bold;text-align:left;`;
const num = `${cell}text-align:right;white-space:nowrap;`;
const h2 = 'font-size:16px;margin:24px 0 8px 0;color:#1f2328;';
const table = 'border-collapse:collapse;margin:0 0 8px 0;';

function deltaStyle(delta: number | null): string {
  if (delta === null || delta === 0) return num;
  return `${num}color:${delta > 0 ? '#1a7f37' : '#cf222e'};`;
}

/** The recipient-independent part of the email, stored beside the report by the render step. */
export function reportMailContent(model: ReportModel): ReportMailContent {
  return {
    quarter: model.quarter,
    scope: model.scope,
    hasData: model.hasData,
    subject: `${reportTitle(model)}${model.hasData ? '' : ' (无数据 no data)'}`,
    text: renderText(model),
    html: renderHtml(model, { chartSrc: `cid:${chartCid}` }),
  };
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
  return renderMailHtml(reportMail(model, reportBody(model, options)));
}

/** The email around the report: the layout's header, title, link to the report, footer. */
function reportMail(model: ReportModel, body: string): MailContent {
  return {
    title: {
      zh: `专利转化运用季度报告 ${model.quarter} · ${model.scopeName}`,
      en: `Quarterly patent report ${model.quarter} · ${model.scopeName}`,
    },
    blocks: [{ trustedHtml: body, text: textBody(model) }],
    action: {
      label: { zh: '在平台查看报告', en: 'See the report in the portal' },
      href: portalLink(portalPages.report(model.quarter)),
    },
    notes: [
      '明细与指标定义见附件 XLSX（概况 / 机构 / 期限 / 定义）；实施率、产业化率按国家知识产权局《专利调查报告》口径（有效专利，发明专利优先）。',
      "Details and the definitions with their sources: the attached workbook (overview, institutions, deadlines, definitions); the rates follow CNIPA's patent survey (valid patents, invention patents first).",
      '系统对接 / For integrators: GET /v1/reports/{quarter}; PUT /v1/admins/me/report-preferences {"reportsOptOut": true}',
    ],
    reason: {
      zh: `您收到此邮件，是因为您是${model.scopeName}的管理员，且没有退订季度报告；每季度一封。`,
      en: `You get this email as an administrator of ${model.scopeName} who has not opted out of the quarterly reports; one a quarter.`,
    },
    optOut: {
      label: { zh: '不再接收季度报告', en: 'Stop the quarterly reports' },
      href: portalLink(portalPages.reportPreferences),
    },
  };
}

/** The report itself (inside the layout): scope, period, figures, deadlines, chart, ranking, anomalies. */
function reportBody(model: ReportModel, options: { chartSrc?: string }): string {
  const parts: string[] = [];
  parts.push(
    `<p style="margin:0 0 4px 0;color:#57606a;font-size:12px;">范围 Scope: ${e(model.scopeName)} · 统计期 Period ${e(model.period.firstDay)} – ${e(model.period.lastDay)} · 生成于 Generated ${e(beijingTime(model.generatedAt))} (UTC+8)</p>`,
    model.complete
      ? `<p style="margin:0 0 16px 0;color:#57606a;font-size:12px;">${e(model.quarter)} 已结束，数据完整 / quarter ended: complete</p>`
      : `<p style="margin:8px 0 16px 0;padding:8px 12px;background:#fff8c5;border:1px solid #d4a72c;font-size:13px;"><b>本季度尚未结束，数据不完整</b>：数据截至 ${e(beijingTime(model.cutOff))}。<br>Quarter in progress: the figures are those up to ${e(beijingTime(model.cutOff))} (Beijing time) and will change until ${e(model.period.lastDay)}.</p>`,
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

  const evidenceRows = model.evidence
    .map(
      (row) =>
        `<tr><td style="${cell}">${e(row.label)}</td><td style="${num}">${e(formatValue(row.total, 'ratio'))}</td><td style="${num}">${e(formatValue(row.evidenced, 'ratio'))}</td><td style="${num}">${e(formatValue(row.declared, 'ratio'))}</td></tr>`,
    )
    .join('');
  parts.push(
    `<h2 style="${h2}">佐证与自报 Evidenced vs declared</h2>`,
    `<p style="margin:0 0 8px 0;font-size:12px;color:#57606a;">交易佐证：有许可（在有效期内）或专利产品备案记录；仅自报：机构填报的实施状态，无交易记录。Evidenced: a license in force or a product filing is recorded; declared only: the institution's own status, no transaction recorded.</p>`,
    `<table style="${table}"><tr><th style="${head}">指标 Rate</th><th style="${head}">合计 Total</th><th style="${head}">交易佐证 Evidenced</th><th style="${head}">仅自报 Declared only</th></tr>${evidenceRows}</table>`,
  );

  const verdicts = {
    met: ['达标 met', '#1a7f37'],
    behind: ['未达标 behind', '#cf222e'],
    'not-judged': ['不判定 not judged', '#57606a'],
    'not-due': ['未到期 not due', '#57606a'],
  } as const;
  const deadlineRows = model.compliance
    .map((c) => {
      const [verdict, color] = verdicts[c.verdict];
      return `<tr><td style="${cell}white-space:nowrap;">${e(c.dueDate)}</td><td style="${cell}">${e(c.category)}</td><td style="${cell}">${e(c.label)}<br><span style="color:#57606a;font-size:11px;">${e(c.clause)}</span></td><td style="${num}">${e(formatValue(c.target, 'ratio'))}</td><td style="${num}">${e(formatValue(c.actual, 'ratio'))}<br><span style="color:#57606a;font-size:11px;">${e(c.at)} · ${c.basis === 'snapshot' ? '快照 snapshot' : '推算 computed'}</span></td><td style="${cell}color:${color};">${e(verdict)}</td><td style="${num}${c.institutionsBehind > 0 ? 'color:#cf222e;' : ''}">${c.institutionsBehind}</td></tr>`;
    })
    .join('');
  parts.push(
    `<h2 style="${h2}">工作方案期限 Work Plan deadlines</h2>`,
    `<p style="margin:0 0 8px 0;font-size:12px;color:#57606a;">已到期的按期限当日（最后一个季末）取值；无该日快照时按计数器推算。Passed deadlines are judged at their date (the last quarter end on or before it), from that date's snapshot or computed from the counters.</p>`,
    deadlineRows
      ? `<table style="${table}"><tr><th style="${head}">期限 Due</th><th style="${head}">适用 Applies to</th><th style="${head}">要求与条款 Requirement, clause</th><th style="${head}">目标 Target</th><th style="${head}">实际 Actual</th><th style="${head}">判定 Verdict</th><th style="${head}">未达标机构 Behind</th></tr>${deadlineRows}</table>`
      : '<p style="font-size:13px;margin:0;">无 None.</p>',
  );

  if (options.chartSrc && model.hasData) {
    parts.push(
      `<h2 style="${h2}">${e(model.chart.title)}</h2>`,
      `<img src="${e(options.chartSrc)}" alt="${e(model.chart.title)}" width="800" style="display:block;width:100%;max-width:800px;height:auto;border:0;">`,
    );
  }

  if (model.ranking.top.length > 0) {
    parts.push(rankingTable(model, model.ranking.top, `前列机构 Top institutions (${model.ranking.label})`));
    // Never an empty table: with few institutions every one is in the top list already.
    parts.push(
      model.ranking.bottom.length > 0
        ? rankingTable(model, model.ranking.bottom, `靠后机构 Bottom institutions (${model.ranking.label})`)
        : `<h2 style="${h2}">靠后机构 Bottom institutions</h2><p style="font-size:13px;margin:0;">无：全部机构已列于上表 / none: every institution is in the table above.</p>`,
    );
  }

  if (model.rankings?.length) parts.push(rankingsSection(model.rankings));

  parts.push(`<h2 style="${h2}">异常 Anomalies</h2>`);
  parts.push(
    model.anomalies.length > 0
      ? `<ul style="margin:0;padding-left:20px;font-size:13px;">${model.anomalies.map((a) => `<li>${e(a)}</li>`).join('')}</ul>`
      : '<p style="font-size:13px;margin:0;">未发现异常 None found.</p>',
  );
  return parts.join('\n');
}

const rankingCaptions = {
  province: '按省份 By province',
  ministry: '按主管部门 By supervising ministry',
} as const;

/** Rows with something to show: ranked or listed on an indicator, or flagged. */
const shown = (ranking: Rankings) =>
  ranking.rows.filter(
    (row) => row.flags.length > 0 || Object.values(row.cells).some((cell) => cell.value !== null),
  );

/**
 * The assessment of Work Plan 三（四） (national report): each ranking as one table (value and rank per
 * indicator, the flags with their reasons), the scopes not ranked named under it, then the formulas,
 * the basis and the rules.
 */
function rankingsSection(rankings: Rankings[]): string {
  const first = rankings[0]!;
  const parts = [
    `<h2 style="${h2}">排名与考核 Rankings and assessment</h2>`,
    `<p style="margin:0 0 8px 0;font-size:12px;color:#57606a;">${e(first.basis)}</p>`,
  ];
  for (const ranking of rankings) {
    const rows = shown(ranking);
    const hidden = ranking.rows.filter((row) => !rows.includes(row)).map((row) => row.name);
    const body = rows
      .map((row) => {
        const flags = row.flags.map((flag) => `<b>${e(flag.code)}</b> ${e(flag.reason)}`).join('<br>');
        return `<tr><td style="${cell}">${e(row.name)}</td>${ranking.indicators
          .map(
            (indicator) => `<td style="${num}">${e(cellText(indicator.unit, row.cells[indicator.id]))}</td>`,
          )
          .join(
            '',
          )}<td style="${cell}font-size:12px;${flags ? 'color:#9a6700;' : ''}">${flags || '—'}</td></tr>`;
      })
      .join('');
    parts.push(
      `<h3 style="font-size:14px;margin:16px 0 8px 0;">${e(rankingCaptions[ranking.by])}</h3>`,
      rows.length
        ? `<table style="${table}"><tr><th style="${head}">范围 Scope</th>${ranking.indicators
            .map((indicator) => `<th style="${head}">${e(indicator.label)}</th>`)
            .join('')}<th style="${head}">异常 Flags</th></tr>${body}</table>`
        : '<p style="font-size:13px;margin:0;">无 None.</p>',
      hidden.length
        ? `<p style="margin:0 0 8px 0;font-size:12px;color:#57606a;">季末无登记数据、不参与排名 / nothing recorded, not ranked: ${e(hidden.join('、'))}</p>`
        : '',
    );
  }
  parts.push(
    `<p style="margin:8px 0 4px 0;font-size:12px;"><b>公式 Formulas</b></p>`,
    `<ul style="margin:0 0 8px 0;padding-left:20px;font-size:12px;color:#57606a;">${first.indicators
      .map((indicator) => `<li>${e(indicator.label)}: ${e(indicator.formula)}</li>`)
      .join('')}</ul>`,
    `<p style="margin:8px 0 4px 0;font-size:12px;"><b>规则 Rules</b></p>`,
    `<ul style="margin:0 0 8px 0;padding-left:20px;font-size:12px;color:#57606a;">${first.rules
      .map((rule) => `<li>${e(rule)}</li>`)
      .join('')}</ul>`,
  );
  return parts.join('\n');
}

/** The plain-text alternative of the email. */
export function renderText(model: ReportModel): string {
  return renderMailText(reportMail(model, ''));
}

function textBody(model: ReportModel): string {
  const lines = [
    `${model.period.firstDay} – ${model.period.lastDay} · generated ${beijingTime(model.generatedAt)} (UTC+8)`,
    model.complete
      ? `${model.quarter}: complete`
      : `${model.quarter} in progress: figures up to ${beijingTime(model.cutOff)}, incomplete`,
    '',
  ];
  if (!model.hasData) lines.push(`No data was recorded in this scope for ${model.quarter}.`, '');
  for (const f of model.headline)
    lines.push(
      `${f.label}: ${formatValue(f.value, f.format)} (QoQ ${formatDelta(f.qoq, f.format)}, YoY ${formatDelta(f.yoy, f.format)})`,
    );
  for (const ranking of model.rankings ?? []) {
    lines.push('', `Rankings ${rankingCaptions[ranking.by]}:`);
    for (const row of shown(ranking))
      lines.push(
        `- ${row.name}: ${ranking.indicators
          .map((indicator) => `${indicator.label} ${cellText(indicator.unit, row.cells[indicator.id])}`)
          .join('; ')}${row.flags.length ? ` [${row.flags.map((flag) => flag.code).join(', ')}]` : ''}`,
      );
  }
  if (model.anomalies.length) lines.push('', 'Anomalies:', ...model.anomalies.map((a) => `- ${a}`));
  return lines.join('\n');
}
