/** How figures read in the report (HTML, XLSX captions, email subject): counts, ratios, money (10,000 CNY, 万元), days. */
import { chinaDateTime } from '../../schemas/china-date.ts';
import type { MetricFormat } from '../../schemas/report.ts';

const integer = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 1 });
/** Percentages always with one decimal (6.0%, 5.7%): the same precision for the same kind of figure. */
const percent = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** An instant as Beijing time (Asia/Shanghai, UTC+8 all year): `2026-01-01 09:00 北京时间`. */
export function beijingTime(at: string): string {
  const time = Date.parse(at);
  if (Number.isNaN(time)) return at;
  return `${chinaDateTime(new Date(time))} 北京时间`;
}

export function formatValue(value: number | null | undefined, format: MetricFormat): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  switch (format) {
    case 'ratio':
      return `${percent.format(value * 100)}%`;
    case 'money':
      return `${decimal.format(value)} 万元`;
    case 'days':
      return `${decimal.format(value)} 天`;
    default:
      return integer.format(value);
  }
}

/** A change: +3 / −2, percentage points for ratios; '—' when unknown. */
export function formatDelta(delta: number | null | undefined, format: MetricFormat): string {
  if (delta === null || delta === undefined || Number.isNaN(delta)) return '—';
  if (delta === 0) return '±0';
  const sign = delta > 0 ? '+' : '−';
  const size = Math.abs(delta);
  if (format === 'ratio') return `${sign}${percent.format(size * 100)} pp`;
  if (format === 'money') return `${sign}${decimal.format(size)} 万元`;
  if (format === 'days') return `${sign}${decimal.format(size)} 天`;
  return `${sign}${integer.format(size)}`;
}
