/**
 * The report chart as a PNG, without a browser: ECharts server-side rendering to SVG, then resvg (its
 * WebAssembly build: no native binary, so the same bundle runs on any Lambda architecture and the
 * synth needs no install step) to PNG. resvg draws text only with the fonts it is given: Noto Sans SC
 * (TTF, from the npm package @expo-google-fonts/noto-sans-sc) so that Chinese labels are not boxes.
 * Only the renderReport function imports this module. In its bundle the font and the .wasm sit beside
 * index.mjs (copied by the AppFunction bundling, declaration `bundleFiles`) and are read on the first
 * chart, not at init; elsewhere they are resolved in node_modules. No system fonts are read: the PNG is
 * the same everywhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { ReportModel } from '../../schemas/report.ts';

// Only what the bar chart uses (ECharts' tree-shakable API: half the size of the full build).
echarts.use([BarChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

export const chartFontPackagePath = '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';
export const resvgWasmPackagePath = '@resvg/resvg-wasm/index_bg.wasm';
export const chartFontFamily = 'Noto Sans SC';

/** A file copied beside the bundle, else the same file in node_modules (tests, the local cloud). */
function assetPath(packagePath: string): string {
  const besideBundle = fileURLToPath(new URL(`./${packagePath.split('/').at(-1)}`, import.meta.url));
  return existsSync(besideBundle) ? besideBundle : createRequire(import.meta.url).resolve(packagePath);
}

export function chartFontFile(): string {
  return assetPath(chartFontPackagePath);
}

let ready: Promise<{ font: Uint8Array }> | undefined;
/** Compiles the WebAssembly module and reads the font once per process, on the first chart. */
function renderer(): Promise<{ font: Uint8Array }> {
  ready ??= (async () => {
    await initWasm(readFileSync(assetPath(resvgWasmPackagePath)));
    return { font: new Uint8Array(readFileSync(chartFontFile())) };
  })().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
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

export async function renderChartPng(chart: ReportModel['chart']): Promise<Buffer> {
  const { font } = await renderer();
  const svg = renderChartSvg(chart);
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    font: { fontBuffers: [font], loadSystemFonts: false, defaultFontFamily: chartFontFamily },
  });
  try {
    const image = resvg.render();
    try {
      return Buffer.from(image.asPng());
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
