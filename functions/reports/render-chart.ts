/**
 * The report chart as a PNG, without a browser: ECharts server-side rendering to SVG, then resvg to
 * PNG. resvg draws text only with the fonts it is given: Noto Sans SC (TTF, from the npm package
 * @expo-google-fonts/noto-sans-sc) so that Chinese labels are not boxes. In the Lambda bundle the
 * font file sits beside index.mjs (copied by the AppFunction bundling, declaration `bundleFiles`);
 * elsewhere it is resolved in node_modules. No system fonts are read: the PNG is the same everywhere.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { ReportModel } from '../../schemas/report.ts';

export const chartFontPackagePath = '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';
export const chartFontFamily = 'Noto Sans SC';

let fontFile: string | undefined;
export function chartFontFile(): string {
  if (fontFile) return fontFile;
  const besideBundle = fileURLToPath(new URL('./NotoSansSC_400Regular.ttf', import.meta.url));
  fontFile = existsSync(besideBundle)
    ? besideBundle
    : createRequire(import.meta.url).resolve(chartFontPackagePath);
  return fontFile;
}

export const chartSize = { width: 800, height: 420 } as const;

export function renderChartSvg(chart: ReportModel['chart']): string {
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, ...chartSize });
  try {
    const many = chart.categories.length > 6;
    instance.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: chartFontFamily },
      title: { text: chart.title, left: 'center', top: 8, textStyle: { fontSize: 16 } },
      legend: { top: 40 },
      grid: { left: 50, right: 20, top: 80, bottom: many ? 100 : 40 },
      xAxis: {
        type: 'category',
        // Long names are cut: the workbook has them in full.
        data: chart.categories.map((c) => (c.length > 10 ? `${c.slice(0, 9)}…` : c)),
        axisLabel: { interval: 0, rotate: many ? 40 : 0 },
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: chart.series.map((s) => ({ name: s.name, type: 'bar', data: s.values })),
    });
    return instance.renderToSVGString();
  } finally {
    instance.dispose();
  }
}

export function renderChartPng(chart: ReportModel['chart']): Buffer {
  const svg = renderChartSvg(chart);
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    font: { fontFiles: [chartFontFile()], loadSystemFonts: false, defaultFontFamily: chartFontFamily },
  });
  return Buffer.from(resvg.render().asPng());
}
