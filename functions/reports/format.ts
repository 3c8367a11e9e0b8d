/** How figures read in the report (HTML, XLSX captions, email subject): counts, ratios, money (10,000 CNY, 万元), days. */
import type { MetricFormat } from '../../schemas/report.ts';

const integer = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 1 });

export function formatValue(value: number | null | undefined, format: MetricFormat): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  switch (format) {
    case 'ratio':
      return `${decimal.format(value * 100)}%`;
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
  if (format === 'ratio') return `${sign}${decimal.format(size * 100)} pp`;
  if (format === 'money') return `${sign}${decimal.format(size)} 万元`;
  if (format === 'days') return `${sign}${decimal.format(size)} 天`;
  return `${sign}${integer.format(size)}`;
}
