import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { outboxMailer } from '../../functions/mail/mailer.ts';
import { neutralizeCell } from '../../functions/reports/neutralize.ts';
import { renderChartPng, renderChartSvg } from '../../functions/reports/render-chart.ts';
import { renderHtml, renderText, reportMailContent } from '../../functions/reports/render-html.ts';
import { renderXlsx } from '../../functions/reports/render-xlsx.ts';
import { chartCid, reportMailMessage } from '../../functions/reports/report-mail.ts';
import { buildReportModel } from '../../functions/reports/report-model.ts';
import { hyperlinkName, nationalFigures, provinceFigures } from './report.fixtures.ts';

const at = '2026-01-01T01:00:00.000Z';
const national = buildReportModel(nationalFigures(), at);
const empty = buildReportModel(nationalFigures('2025Q4', false), at);

describe('neutralizeCell', () => {
  it('prefixes text that a spreadsheet would read as a formula, and nothing else', () => {
    for (const text of ['=1+1', '+86 10', '-5', '@SUM(A1)', '\t=1', '\r=1', hyperlinkName])
      expect(neutralizeCell(text)).toBe(`'${text}`);
    for (const text of ['清华大学', 'a=b', '', "'quoted", '1+1']) expect(neutralizeCell(text)).toBe(text);
  });
});

describe('HTML report', () => {
  const html = renderHtml(national, { chartSrc: `cid:${chartCid}` });

  it('has headline figures with QoQ and YoY deltas, compliance, top and bottom institutions, anomalies', () => {
    expect(html).toContain('转化交易数 deals');
    expect(html).toMatch(/>12<\/td><td style="[^"]*color:#1a7f37;">\+12<\/td><td style="[^"]*">\+11</);
    // Percentages always with one decimal.
    expect(html).toContain('42.0%');
    expect(html).not.toMatch(/>[\d,]+%</);
    expect(html).toContain('350.5 万元');
    // Income received beside the contract value: what arrived (the payments recorded) vs what was agreed.
    expect(html).toMatch(
      /合同金额（万元） contract value \(10,000 CNY\) · 合同约定 as agreed in the contracts<\/td><td style="[^"]*">350\.5 万元<\/td>.*?<tr><td style="[^"]*">到账收入（万元） income received \(10,000 CNY\) · 以已登记的付款为据 evidenced by recorded payments<\/td><td style="[^"]*">120\.4 万元</,
    );
    expect(html).toContain('Work Plan deadlines');
    expect(html).toContain('二(一)3 进度安排');
    expect(html).toContain('Evidenced vs declared');
    // Times in Beijing time: 01:00 UTC is 09:00 in Beijing.
    expect(html).toContain('Generated 2026-01-01 09:00 北京时间');
    expect(html).toContain('quarter ended: complete');
    expect(html).toContain('Top institutions');
    expect(html).toContain('Bottom institutions');
    expect(html).toContain('清华大学');
    expect(html).toContain('deals dropped by half');
    expect(html).toContain(`<img src="cid:${chartCid}"`);
  });

  it('is mail-client safe: no script, no style block, inline styles, names escaped', () => {
    expect(html).not.toMatch(/<script|<style|<link|javascript:/i);
    expect(html).toContain('&lt;b&gt;北京&lt;/b&gt;理工');
    expect(html).not.toContain('<b>北京</b>');
    expect(html).toMatch(/<table style="border-collapse:collapse/);
  });

  it('a running quarter is marked incomplete with its cut-off', () => {
    const running = buildReportModel(
      { ...nationalFigures('2025Q4'), complete: false, computedAt: '2025-11-20T04:30:00.000Z' },
      at,
    );
    expect(renderHtml(running)).toContain('figures are those up to 2025-11-20 12:30 北京时间');
    expect(renderText(running)).toContain('in progress: figures up to 2025-11-20 12:30 北京时间');
  });

  it('never an empty table: few institutions give no bottom table but a line saying none', () => {
    const few = buildReportModel(
      { ...nationalFigures(), institutions: nationalFigures().institutions!.slice(0, 3) },
      at,
    );
    expect(few.ranking.bottom).toEqual([]);
    const page = renderHtml(few);
    expect(page).toContain('none: every institution is in the table above');
    expect(page).not.toContain('Bottom institutions (');
  });

  it('a quarter with no data renders a report that says so (no chart, no ranking)', () => {
    const page = renderHtml(empty, { chartSrc: `cid:${chartCid}` });
    expect(page).toContain('No data was recorded in this scope for 2025Q4');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('Top institutions');
    expect(page).toContain('Headline figures');
  });
});

describe('XLSX report', () => {
  it('has the overview, provinces, institutions, deadlines, rankings and definitions sheets; formula-like names stay text', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await renderXlsx(national)) as never);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      '全国 概况 Overview',
      '各省 Provinces',
      '全国 机构 Institutions',
      '期限 Deadlines',
      '排名 Rankings',
      '定义 Definitions',
    ]);

    const overview = workbook.getWorksheet('全国 概况 Overview')!;
    // The title block, then the header on row 5 and the figures from row 6.
    expect(overview.getCell('A1').value).toBe(
      '专利转化运用季度报告 2025Q4 · 全国 National / Quarterly patent report — 全国 概况 Overview',
    );
    expect(overview.getCell('A5').value).toBe('指标 Metric');
    expect(overview.getCell('A7').value).toBe('许可合同备案 license-contract filings');
    expect(overview.getCell('B7').value).toBe(5);
    expect(overview.getCell('C7').value).toBe(5);
    // Signed changes; ratio changes in percentage points.
    expect(overview.getCell('C7').numFmt).toBe('+#,##0;-#,##0;0');
    expect(overview.getCell('A10').value).toBe('有效专利实施率 implementation rate, all types');
    // Income received on the row after the contract value, each saying what it rests on.
    const labels: string[] = [];
    overview.getColumn(1).eachCell((cell) => labels.push(String(cell.value)));
    const contract = labels.findIndex((l) => l.startsWith('合同金额（万元）'));
    expect(labels[contract]).toContain('as agreed in the contracts');
    expect(labels[contract + 1]).toBe(
      '到账收入（万元） income received (10,000 CNY) · 以已登记的付款为据 evidenced by recorded payments',
    );
    expect(overview.getCell('B10').numFmt).toBe('0.0%');
    expect(overview.getCell('C10').value).toBe(42);
    expect(overview.getCell('C10').numFmt).toBe('+0.0" pp";-0.0" pp";0.0" pp"');
    // Frozen under the header; A4 landscape, one page wide, the title block and header on every page.
    expect(overview.views[0]).toMatchObject({ state: 'frozen', ySplit: 5 });
    expect(overview.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToWidth: 1 });
    expect(overview.pageSetup.printTitlesRow).toBe('1:5');
    const header = workbook.getWorksheet('各省 Provinces')!.getRow(5);
    expect(header.getCell(3).alignment).toMatchObject({ wrapText: true });

    const provinces = workbook.getWorksheet('各省 Provinces')!;
    expect(provinces.getCell('B6').value).toBe('北京市');

    const institutions = workbook.getWorksheet('全国 机构 Institutions')!;
    const names = institutions.getColumn(2).values.slice(6) as unknown[];
    expect(names).toContain(`'${hyperlinkName}`);
    expect(names).toContain("'+Plus 研究院");
    expect(names).toContain("'-Minus 大学");
    expect(names).toContain("'@At 科学院");
    expect(names).toContain('清华大学');
    institutions.eachRow((row) =>
      row.eachCell((cell) => {
        expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
        if (typeof cell.value === 'string') expect(cell.value).not.toMatch(/^[=+\-@]/);
      }),
    );
  });

  it('a province report: its own sheet names, no provinces sheet', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await renderXlsx(buildReportModel(provinceFigures('110000'), at))) as never);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      '北京市 概况 Overview',
      '北京市 机构 Institutions',
      '期限 Deadlines',
      '定义 Definitions',
    ]);
  });

  it('a quarter with no data: the workbook says so, and empty tables say none', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await renderXlsx(empty)) as never);
    const values = workbook.getWorksheet('全国 概况 Overview')!.getColumn(1).values as unknown[];
    expect(values.some((v) => typeof v === 'string' && v.includes('No data was recorded'))).toBe(true);
    const institutions = workbook.getWorksheet('全国 机构 Institutions')!;
    expect(institutions.rowCount).toBe(6);
    expect(institutions.getCell('A6').value).toBe('无 None');
  });
});

describe('chart PNG', () => {
  it('renders without a browser: an 800x420 PNG', async () => {
    const png = await renderChartPng(national.chart);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(800);
    expect(png.readUInt32BE(20)).toBe(420);
  });

  it('draws Chinese labels with the CJK font: different characters give different pixels', async () => {
    const chart = (label: string) => ({ ...national.chart, categories: [label, '上海市'] });
    expect(renderChartSvg(chart('北京市'))).toContain('北京市');
    const beijing = await renderChartPng(chart('北京市'));
    const tianjin = await renderChartPng(chart('天津市'));
    expect(beijing.equals(tianjin)).toBe(false);
    // A missing glyph would be the same .notdef box for both; same text gives the same image.
    expect(beijing.equals(await renderChartPng(chart('北京市')))).toBe(true);
  });

  it('province reports chart their institutions', () => {
    const model = buildReportModel(provinceFigures('110000'), at);
    expect(model.scopeName).toBe('北京市 110000');
    expect(model.chart.categories[0]).toBe('清华大学');
    expect(model.chart.series[0]!.values[0]).toBe(7);
  });
});

describe('report email MIME', () => {
  it('has the HTML body, the XLSX attachment and the PNG inline by cid', async () => {
    const outbox = await mkdtemp(join(tmpdir(), 'report-mime-'));
    const content = reportMailContent(national);
    const message = reportMailMessage(content, 'admin@example.org');
    expect(message.attachments.map((a) => a.s3Key)).toEqual([
      'reports/2025Q4/national.xlsx',
      'reports/2025Q4/national.png',
    ]);
    const files: Record<string, Buffer> = {
      'reports/2025Q4/national.xlsx': await renderXlsx(national),
      'reports/2025Q4/national.png': await renderChartPng(national.chart),
    };
    await outboxMailer(outbox).send({
      ...message,
      id: 'mime-test',
      from: 'noreply@example.org',
      attachmentsContent: message.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: files[a.s3Key!]!,
        cid: a.cid,
      })),
    });
    const [file] = (await readdir(outbox)).filter((f) => f.endsWith('.eml'));
    const parsed = await simpleParser(await readFile(join(outbox, file!)), { keepCidLinks: true });
    expect(parsed.subject).toContain('2025Q4');
    expect(parsed.html).toContain(`cid:${chartCid}`);
    expect(parsed.text).toContain('转化交易数 deals: 12');
    const xlsx = parsed.attachments.find(
      (a) => a.contentType === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const png = parsed.attachments.find((a) => a.contentType === 'image/png');
    expect(xlsx?.filename).toBe('专利季度报告-2025Q4-national.xlsx');
    expect(xlsx?.content.equals(files['reports/2025Q4/national.xlsx']!)).toBe(true);
    expect(png?.cid).toBe(chartCid);
    expect(png?.related).toBe(true);
  });

  it('no data: no chart part', () => {
    const message = reportMailMessage(reportMailContent(empty), 'admin@example.org');
    expect(message.attachments.map((a) => a.contentType)).toEqual([
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ]);
    expect(message.subject).toContain('no data');
  });
});
