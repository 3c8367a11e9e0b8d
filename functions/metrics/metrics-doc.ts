/**
 * docs/metrics.md, generated from the metric definitions (schemas/metrics.ts) so the page and the code
 * cannot disagree: `npx tsx functions/metrics/metrics-doc.ts` rewrites it; a unit test fails when stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fiveYearRuleQuarters, inventoryDeadlines, metricDefinitions } from '../../schemas/metrics.ts';

const units = {
  count: 'count',
  'wan-cny': '10,000 CNY (万元)',
  ratio: 'share 0-1 (4 decimals)',
  days: 'days',
} as const;

export function renderMetricsDoc(): string {
  const rows = metricDefinitions.map(
    (m) => `| \`${m.id}\` | ${m.zh} | ${m.en} | ${m.kind} | ${units[m.unit]} | ${m.counting} |`,
  );
  return `# Quarterly metrics (监测评价)

Generated from \`metricDefinitions\` in \`schemas/metrics.ts\` by \`npx tsx functions/metrics/metrics-doc.ts\`;
a unit test fails when this page is stale. The counters behind them are described in
[data-model.md](data-model.md#metrics).

## Quarters

A quarter is a calendar quarter in China time (Asia/Shanghai, UTC+8): \`2025Q4\` runs from 2025-10-01
00:00 to 2025-12-31 24:00 China time. Requests name quarters as \`YYYYQn\` with n 1-4; \`2025Q5\` or a
quarter that has not started yet is refused with 400 and a message saying what to send. The current
quarter is accepted and reported as incomplete (\`complete: false\`, the figures so far).

Every figure of a quarter comes with the previous quarter's value and the same quarter of the previous
year, and the deltas \`deltaQoQ\` = value - previousQuarter, \`deltaYoY\` = value - previousYear (null
where either side is null).

## Kinds

- **flow**: events in the quarter, each counted in the quarter of its time in China;
- **stock**: the state at the end of the quarter;
- **ratio**: stock / stock at the end of the quarter (null while the denominator is 0);
- **median**: over the events of the quarter, from a bounded histogram of day counts (exact up to 60
  days, then 7-day buckets to a year, 30-day buckets to three years, one bucket beyond); the median
  is the lower bound of the bucket holding the middle value (the lower median).

Scopes: every metric exists for the nation, each province and each institution; a province is the sum
of its institutions, the nation the sum of the provinces.

## Closed quarters

Once a quarter has ended, the quarter close writes its snapshot: per institution the stock at the end
of the quarter, its flows and medians, per province the merged histograms. The report of a closed
quarter Q reads the snapshots of Q, Q-1 and Q-4 only: a fixed number of bounded items per institution,
however many patents and events there are. A quarter not closed yet (the current one) is derived from
the counters, with the same result. The close runs with the metrics recompute (weekly, the last five
ended quarters, so flows recorded late are taken in). Layout and measured cost:
[data-model.md](data-model.md#metrics), bench/results/report.json.

## Definitions

| id | 中文 | English | kind | unit | how it is counted |
|---|---|---|---|---|---|
${rows.join('\n')}

"Valid" means legal status 有效 and neither withdrawn nor expired in the pipeline.

## Work Plan deadlines (inventory coverage)

${inventoryDeadlines.map((d) => `- ${d.date}: ${d.targetPercent}% — ${d.description}`).join('\n')}

The report states for each deadline whether it has passed by the end of the quarter, the coverage of
the scope, whether it meets the target, how many institutions meet it and which are behind (lowest
coverage first). The integer comparison \`inventoried × 100 >= target × recorded\` decides.

## The 5-year rule

Patents from publicly funded projects (财政资助) granted over 5 years ago and never implemented may be
implemented by the state free of charge. \`fiveYearRulePatents\` counts, at the end of a quarter, the
valid, publicly funded, not implemented patents whose grant quarter is at least ${fiveYearRuleQuarters}
quarters before it; \`GET /v1/monitoring/unimplemented-funded\` lists them (granted on or before today
minus 5 years) per institution or province.

## Anomalies

The figures carry anomalies for the report: \`NO_DATA\` (nothing recorded in the scope: the report says
so), \`BEHIND_DEADLINE\` (institutions below a passed deadline's target), \`DEALS_DROPPED\` (deals at most
half of the previous quarter's, from at least 4), \`STOCK_DECREASED\` (recorded or inventoried patents
fewer than a quarter earlier), \`FIVE_YEAR_RULE\` (patents under the 5-year rule) and
\`RECONCILIATION_DIFFERENCE\` (the last recompute corrected counters of the scope).
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../../docs/metrics.md', import.meta.url), renderMetricsDoc());
  console.log('docs/metrics.md written');
}
