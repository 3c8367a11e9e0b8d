/**
 * The quarterly report as an administrator sees it: the workbook printed by LibreOffice (headless, to
 * PDF; read back with poppler's pdfinfo / pdftotext) and the email page drawn by Chromium (headless
 * screenshot). Debian packages libreoffice-calc-nogui, poppler-utils and chromium; `.ci/run` installs
 * them where missing. Chinese text is drawn with the chart's Noto Sans SC (a fontconfig file naming
 * its folder), so the test does not depend on the machine's fonts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartFontPackagePath } from '../../functions/reports/render-chart.ts';
import { renderHtml } from '../../functions/reports/render-html.ts';
import { renderXlsx, sheetNames } from '../../functions/reports/render-xlsx.ts';
import { buildReportModel } from '../../functions/reports/report-model.ts';
import { nationalFigures, provinceFigures, values } from './report.fixtures.ts';

const run = promisify(execFile);
const at = '2026-01-01T01:00:00.000Z';
let dir: string;
let env: NodeJS.ProcessEnv;

async function tool(command: string, args: string[], timeout = 90_000) {
  try {
    return await run(command, args, { env, timeout, maxBuffer: 50_000_000 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new Error(
        `${command} is not installed: apt-get install libreoffice-calc-nogui poppler-utils chromium (.ci/run does it)`,
      );
    throw error;
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-rendering-'));
  const fontDir = dirname(createRequire(import.meta.url).resolve(chartFontPackagePath));
  await writeFile(
    join(dir, 'fonts.conf'),
    `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>${fontDir}</dir><cachedir>${join(dir, 'fc-cache')}</cachedir></fontconfig>`,
  );
  env = { ...process.env, FONTCONFIG_FILE: join(dir, 'fonts.conf'), HOME: dir };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The workbook printed to PDF by LibreOffice: the text of every page. */
async function printed(name: string, xlsx: Buffer): Promise<string[]> {
  await writeFile(join(dir, `${name}.xlsx`), xlsx);
  await tool('soffice', [
    `-env:UserInstallation=file://${join(dir, 'lo-profile')}`,
    '--headless',
    '--convert-to',
    'pdf',
    '--outdir',
    dir,
    join(dir, `${name}.xlsx`),
  ]);
  const pdf = join(dir, `${name}.pdf`);
  const info = (await tool('pdfinfo', [pdf])).stdout;
  const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
  const texts: string[] = [];
  for (let page = 1; page <= pages; page++)
    texts.push(
      (await tool('pdftotext', ['-f', String(page), '-l', String(page), '-layout', pdf, '-'])).stdout,
    );
  return texts;
}

/** Which sheet each page belongs to, by the sheet title its title block repeats at the top. */
const sheetOfPage = (pages: string[], sheets: string[]) =>
  pages.map((text) => {
    const first = text.trim().split('\n')[0] ?? '';
    return sheets.find((sheet) => first.endsWith(`— ${sheet}`));
  });

/** The national fixture with rankable provinces and ministries (functions/metrics/rankings.ts). */
function rankedNationalFigures() {
  const base = nationalFigures();
  const rates = (v: Record<string, number>) => ({
    ...v,
    implementationRateEvidenced: v.implementedEvidenced! / v.validPatents!,
    industrializationRateEvidenced: 0,
  });
  return {
    ...base,
    provinces: [
      {
        code: '110000',
        values: values(
          rates({
            recordedPatents: 220,
            validPatents: 200,
            assignmentRegistrations: 12,
            implementedEvidenced: 30,
            implementedDeclared: 95,
          }),
        ),
        previousQuarterValues: values(
          rates({
            recordedPatents: 220,
            validPatents: 200,
            assignmentRegistrations: 1,
            implementedEvidenced: 30,
          }),
        ),
      },
      {
        code: '310000',
        values: values(
          rates({
            recordedPatents: 100,
            validPatents: 100,
            assignmentRegistrations: 5,
            implementedEvidenced: 20,
          }),
        ),
        previousQuarterValues: values(
          rates({
            recordedPatents: 100,
            validPatents: 100,
            assignmentRegistrations: 4,
            implementedEvidenced: 20,
          }),
        ),
      },
    ],
    ministries: [
      {
        code: '教育部',
        values: values(
          rates({
            recordedPatents: 250,
            validPatents: 250,
            assignmentRegistrations: 15,
            implementedEvidenced: 45,
          }),
        ),
      },
      {
        code: 'unassigned',
        values: values(
          rates({
            recordedPatents: 50,
            validPatents: 50,
            assignmentRegistrations: 2,
            implementedEvidenced: 5,
          }),
        ),
      },
    ],
  };
}

describe('the report workbook, printed by LibreOffice', () => {
  it('national: six sheets, each opening with its title, one page wide; the rankings with ranks, flags and formulas', async () => {
    const model = buildReportModel(rankedNationalFigures(), at);
    const names = sheetNames(model);
    const sheets = [
      names.overview,
      names.provinces!,
      names.institutions,
      names.deadlines,
      names.rankings!,
      names.definitions,
    ];
    const pages = await printed('national', await renderXlsx(model));
    // Without the print setup (fit to width, A4 landscape) the workbook without rankings printed on 17 pages.
    expect(pages.length).toBeGreaterThanOrEqual(7);
    expect(pages.length).toBeLessThanOrEqual(12);
    const owners = sheetOfPage(pages, sheets);
    // Every page carries its sheet's title (the title block repeats), in sheet order, each sheet from
    // its first page on; the overview, provinces, institutions and deadlines fit one page each.
    expect(owners).not.toContain(undefined);
    expect(owners.slice(0, 4)).toEqual(sheets.slice(0, 4));
    const rankingPages = pages.filter((_, i) => owners[i] === names.rankings);
    expect(rankingPages.length).toBeGreaterThanOrEqual(1);
    expect(owners.at(-1)).toBe(names.definitions);
    const rankings = rankingPages.join('\n');
    expect(rankings).toContain('按省份排名 Ranked by province');
    expect(rankings).toContain('按主管部门排名 Ranked by supervising ministry');
    // 北京 12 registrations ranks 1st, 上海 5 2nd; the rates: 上海 20 / 100 = 20.0% 1st, 北京 30 / 200 =
    // 15.0% 2nd (value, rank; 北京's wrapped name row prints on a line of its own).
    expect(rankings).toMatch(/110000\s+12\s+1\s+0\s+1\s+15\.0%\s+2\s/);
    expect(rankings).toMatch(/310000\s+上海市\s+5\s+2\s+0\s+1\s+20\.0%\s+1\s/);
    // Listed, not ranked: the institutions with no supervising department.
    expect(rankings).toMatch(/unassigned\s+2\s*—/);
    expect(rankings).toContain('[SUDDEN_JUMP]');
    expect(rankings).toContain('[DECLARED_WITHOUT_EVIDENCE]');
    expect(rankings).toContain('no supervising department');
    expect(rankings).toContain('implementedEvidenced ÷ validPatents');
    const [overview, provinces, institutions, deadlines] = pages;
    expect(overview).toContain('生成于 Generated 2026-01-01 09:00 北京时间 (UTC+8)');
    expect(overview).toContain('已结束，数据完整');
    // Signed changes: +5 filings, +42.0 pp implementation rate, -1 year on year.
    expect(overview).toMatch(/license-contract filings\s+5\s+\+5\s+\+4/);
    expect(overview).toMatch(/implementation rate, all types\s+42\.0%\s+\+42\.0 pp\s+-58\.0 pp/);
    expect(overview).toContain('Evidenced vs declared');
    expect(provinces).toContain('北京市');
    expect(institutions).toContain('清华大学');
    expect(deadlines).toContain('2024-12-31');
    expect(deadlines).toContain('未达标 behind');
  }, 120_000);

  it('a province: no provinces sheet, its own institutions; a running quarter says it is incomplete', async () => {
    const figures = { ...provinceFigures('110000'), complete: false, computedAt: '2025-11-20T04:30:00.000Z' };
    const model = buildReportModel(figures, at);
    const names = sheetNames(model);
    expect(names.provinces).toBeUndefined();
    const sheets = [names.overview, names.institutions, names.deadlines, names.definitions];
    expect(sheets[0]).toBe('北京市 概况 Overview');
    const pages = await printed('province', await renderXlsx(model));
    const owners = sheetOfPage(pages, sheets);
    expect(owners.slice(0, 3)).toEqual(sheets.slice(0, 3));
    expect(pages.join('\n')).not.toContain('Provinces');
    expect(pages[0]).toContain('尚未结束：数据截至 2025-11-20 12:30 北京时间');
    expect(pages[1]).toContain('清华大学');
  }, 120_000);
});

/** A PNG's size from its IHDR chunk (bytes 16-23, big-endian). */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe("the inventors' rewards workbook, printed by LibreOffice", () => {
  it('shows the title, each inventor with the amount in yuan, the total and the payment lines', async () => {
    const { inventorRewardsWorkbook } = await import('../../functions/transfer/inventor-rewards-export.ts');
    const xlsx = await inventorRewardsWorkbook(
      {
        institutionUscc: '12100000400000624D',
        inventors: [
          {
            name: '张三',
            totalFen: 28_000_000,
            lines: [
              {
                source: 'payment',
                dealId: 'd-7f3a',
                paymentId: 'p-91c2',
                paidOn: '2026-03-05',
                applicationNumber: '202010123456.2',
                sharePercent: 70,
                amountFen: 28_000_000,
              },
            ],
          },
        ],
        totalFen: 28_000_000,
        unassignedFen: 0,
        paymentsCounted: 1,
        paymentsReversed: 0,
        paymentsWithoutRewards: 0,
        implementationYearsCounted: 0,
      },
      '清华大学',
      new Date(at),
    );
    const pages = (await printed('inventor-rewards', xlsx)).join('\n');
    expect(pages).toContain('清华大学 发明人奖励');
    expect(pages).toMatch(/张三\s+280,000\.00/);
    expect(pages).toMatch(/合计 Total\s+280,000\.00/);
    expect(pages).toContain('202010123456.2');
    expect(pages).toContain('2026-03-05');
  }, 120_000);
});

describe('the report email page, drawn by Chromium', () => {
  async function screenshot(name: string, html: string): Promise<Buffer> {
    const page = join(dir, `${name}.html`);
    const png = join(dir, `${name}.png`);
    await writeFile(page, html);
    await tool('chromium', [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--hide-scrollbars',
      `--user-data-dir=${join(dir, 'chrome-profile')}`,
      '--window-size=1000,1400',
      `--screenshot=${png}`,
      `file://${page}`,
    ]);
    return readFile(png);
  }

  it('renders to a 1000x1400 PNG that is not blank', async () => {
    const model = buildReportModel(nationalFigures(), at);
    const png = await screenshot('national', renderHtml(model));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(pngSize(png)).toEqual({ width: 1000, height: 1400 });
    // A blank page of the same size compresses to a few kilobytes; the report's text and tables do not.
    const blank = await screenshot('blank', '<!DOCTYPE html><html><body></body></html>');
    expect(pngSize(blank)).toEqual({ width: 1000, height: 1400 });
    expect(png.length).toBeGreaterThan(blank.length * 10);
  }, 120_000);
});
