/**
 * docs/metrics.md, generated from the metric definitions (schemas/metrics.ts) so the page and the code
 * cannot disagree: `npx tsx functions/metrics/metrics-doc.ts` rewrites it; a unit test fails when stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  deadlineCategoryLabels,
  fiveYearRuleQuarters,
  metricDefinitions,
  workPlanDeadlines,
} from '../../schemas/metrics.ts';
import { anomalyRules, assessmentIndicators, rankingBasis } from '../../schemas/rankings.ts';

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
quarter Q reads the snapshots of Q, Q-1, Q-4 and of the deadline dates passed by Q only: a fixed number of bounded items per institution,
however many patents and events there are. A quarter not closed yet (the current one) is derived from
the counters, with the same result. The close runs with the metrics recompute (weekly, the last five
ended quarters, so flows recorded late are taken in). Layout and measured cost:
[data-model.md](data-model.md#metrics), bench/results/report.json.

## Definitions

| id | 中文 | English | kind | unit | how it is counted |
|---|---|---|---|---|---|
${rows.join('\n')}

## Sources of the definitions

- **专利调查报告** (CNIPA, China Patent Survey Report, yearly): 有效专利实施率 = 已实施的有效专利 / 有效专利
  and 有效专利产业化率 = 已产业化的有效专利 / 有效专利, reported by patent type with invention patents
  first (有效发明专利实施率, 有效发明专利产业化率). "Implemented" means used by the patentee or by
  others (self-implementation, license, assignment, equity); "industrialized" means made into
  products sold in volume. The survey asks patentees: its rates are declared. Here a declared status
  and a recorded transaction are counted apart (\`…Evidenced\` vs \`…Declared\`, which add up to the
  rate), so a reader sees how much rests on the institutions' word.
- **Valid stock**: a patent in force (legal status 有效, neither withdrawn nor expired) that is still
  the institution's. An assignment or equity deal (作价入股) moves the right to the company on its
  registration (转让登记; Patent Law art. 10: 专利权的转让自登记之日起生效): the patent leaves the
  assignor's stock on the registration date recorded with \`PUT /v1/deals/{id}/filing\`. A contract
  recorded but not registered leaves it in the stock (counted implemented: it is being transferred).
  Changes recorded before registrations were tracked count from the contract's effective date
  (functions/metrics/counters.ts \`leftStockOn\`).
- **Licenses count while in force**: an exclusive or sole license carries its end date on the patent
  and counts at the end of a quarter while that date is not passed (\`<gauge>@<quarter>\` counters).
  An ordinary license's end date is on the deal only: it counts while the patent stays licensed.
- **Income received, not only contract value**: 促进科技成果转化法 (Law on Promoting the Transformation
  of Scientific and Technological Achievements) art. 44-45 ground the rewards of the inventors on the
  net income (净收入) actually obtained from a transfer or license, not on what a contract promises.
  \`dealValueWan\` is what the contracts agreed, in the quarter a deal was recorded; \`incomeReceivedWan\`
  is what arrived: the payments recorded against the deals (\`POST /v1/deals/{id}/payments\`, each with
  its voucher reference) and the payment an open license was taken with (专利法 art. 51), in the
  quarter of the payment date. It is gross receipts as recorded: costs
  (evaluation, agency, taxes) are not deducted here, so it is the starting point of 净收入, not 净收入
  itself. An overpayment is money received and counts in full. Closed quarters before this change
  read 0 until the recompute closes them again (the last five).
- **Inventory coverage** (Work Plan 二(一)1: 对本单位2023年底前授权的存量专利进行全面盘点; 一: 未转化有效专利
  盘点全覆盖): numerator and denominator over the valid stock granted by 2023-12-31; grants from
  2024-01-01 on (2024年及以后授权的专利，及时纳入盘点范围) are counted apart (\`incremental…\`).
- A change of these definitions reaches stored counters by the metrics recompute (weekly, or
  \`npm run job -- metrics-recompute\`), which also closes the last five quarters again. The recompute
  logs its corrections in its own quarter, so quarters before it keep what was counted then: after
  this change was deployed, the new gauges (evidenced / declared, invention, stock by grant date) read
  0 at earlier quarter ends, and deadlines dated before it show no value until the history is
  rebuilt (not done: the change log of past quarters cannot be recovered from the final items).

## Work Plan deadlines

Every dated target of the Work Plan (国知发运字〔2024〕5号) the platform can measure. A deadline is
judged at its date: the value at the last quarter end on or before it, read from that quarter's
snapshot when it is closed (\`basis: snapshot\`), else computed from the counters and their change
log (\`basis: computed\`, said in the report). Before its date the report shows the progress at the
end of the report quarter. Not measured here: contacts (2024-02-05) and provincial plans (2024年2月底前),
the expert pool (2024年4月底前), the start of promotion (2024年6月底前): the platform does not record them.

| date | binds | measure | target | clause |
|---|---|---|---|---|
${workPlanDeadlines
  .map(
    (d) =>
      `| ${d.date} | ${deadlineCategoryLabels[d.category]} | \`${d.measure}\` | ${d.targetPercent === null ? `none (${d.requirement})` : `${d.targetPercent}%`} | ${d.clause} |`,
  )
  .join('\n')}

A category's deadline is judged on the institutions of that category alone, from the pilot /
demonstration status each records (\`pilotStatus\`, PATCH /v1/institutions/{uscc}; schemas/supervision.ts):
示范高校 = \`demonstration\`, 试点示范高校 = \`pilot\` or \`demonstration\`, 其他 = every other institution
(\`none\`, or no status recorded: the row's note counts those), 全国 = all. The category's figure is its
institutions' counters summed (\`institutionsInCategory\` says how many); a category without
institutions in the scope has no figure and is not judged. A numeric target decides by \`value >= target\`
on 4-decimal shares; the report lists the category's institutions below it at the deadline (lowest
first). The quarterly reports read the statuses; a figure computed without them (no status reader)
shows every institution for the pilot / demonstration rows and does not judge them.

## The 5-year rule

Patents from publicly funded projects (财政资助) granted over 5 years ago and never implemented may be
implemented by the state free of charge. \`fiveYearRulePatents\` counts, at the end of a quarter, the
valid, publicly funded, not implemented patents whose grant quarter is at least ${fiveYearRuleQuarters}
quarters before it; \`GET /v1/monitoring/unimplemented-funded\` lists them (granted on or before today
minus 5 years) per institution or province, each with the funded project the inventory gives
(资助项目名称, 项目编号, 资助来源: the facts of the 专利声明制度, Work Plan 二、（四）1).

The rule applies to patents unimplemented **without good reason** (无正当理由). An institution files its
reason for a listed patent (\`POST /v1/monitoring/unimplemented-funded/{applicationNumber}/justification\`:
the reason and where the evidence is); the list marks it \`filed\`. The administrators of its province
(or national ones) review it (\`PUT\` on the same path): **accepted**, the patent leaves the list and
\`fiveYearRulePatents\` in the figures computed after the decision (through the metrics consumer); **rejected** with a
comment, it stays listed, marked \`rejected\`, and the institution may file again. Each step is a
versioned change of the patent with its audit entry (before / after). The decision is emailed to the
institution's registered contact (queued in the mail outbox in the same transaction as the change:
functions/monitoring/justification-mail.ts): accepted, nothing more to do; rejected, the comment and
what to do next (add the evidence and file again, or get the patent implemented). The justification
records the email's \`mailId\`, or \`mailSkipped\` when the institution has no contact email.

## Anomalies

The figures carry anomalies for the report: \`NO_DATA\` (nothing recorded in the scope: the report says
so), \`BEHIND_DEADLINE\` (institutions below a passed deadline's target), \`DEALS_DROPPED\` (deals at most
half of the previous quarter's, from at least 4), \`STOCK_DECREASED\` (recorded or inventoried patents
fewer than a quarter earlier), \`FIVE_YEAR_RULE\` (patents under the 5-year rule),
\`RECONCILIATION_DIFFERENCE\` (the last recompute corrected counters of the scope) and, added by the
report's compute step, \`CORRECTIONS_OVERDUE\` (spot-check correction requests open past their deadline at
the report's cut-off, national and province reports; Work Plan 三（四）加强监测评价: 随机抽查监督).

## Rankings and assessment

Work Plan 三（四）加强监测评价: "按季度统计专利转让登记、许可合同备案、专利实施率、专利产业化率、专利产品备案等数据，
及时向国务院有关部门和各省级知识产权局反馈，并作为各省（自治区、直辖市）实施成效的重要评价指标"; 三（二）: the
results are "专利转化运用专项行动绩效考核的重要内容，并作为中央财政资金支持的主要依据". \`GET /v1/rankings/{quarter}?by=province|ministry\`
and the national quarterly report (sheet \`排名 Rankings\`, a section of the email) rank the provinces,
and separately the supervising ministries, on these five indicators (\`schemas/rankings.ts\`):

| indicator | metric | formula | source |
|---|---|---|---|
${assessmentIndicators.map((i) => `| ${i.zh} ${i.en} | \`${i.id}\` | ${i.formula} | ${i.source} |`).join('\n')}

**Evidenced, not declared.** ${rankingBasis}

**Ranking.** Highest value first; equal values share a rank (competition ranking 1 2 2 4; rates compared
at their 4 decimals) and are listed by code, so the same figures always give the same table. Counts
are ranked as counted (the Work Plan states them as numbers), rates per valid patent. Not ranked,
with the reason in the cell: a scope with nothing recorded at the end of the quarter (the 31 provinces
of the Work Plan are always listed; 台湾, 香港, 澳门 only with data); on a rate, a scope with no valid patent (a zero denominator is "not ranked",
never 0 %); \`unassigned\` (institutions with no supervising department: listed with its values, not
ranked, since no body answers for them; assign one with \`PATCH /v1/institutions/{uscc}\`). Local
institutions (地方所属) count in their province only. No composite score: the Work Plan gives no weights.

**Flags** (each with its reason and what to check; thresholds are this project's choice, kept in
\`anomalyRules\`):

- \`SUDDEN_JUMP\`: a count at least ${anomalyRules.jumpFactor}× the previous quarter's and up by at least
  ${anomalyRules.jumpMinCountIncrease} (0 -> ${anomalyRules.jumpMinCountIncrease} flags, 1 -> 3 does not); a rate up by at least
  ${anomalyRules.jumpMinRateIncrease * 100} percentage points with its numerator up by at least ${anomalyRules.jumpMinNumeratorIncrease} patents (a small
  province's 5 -> 8 of 20 does not). Deals filed late in one batch, or one deal split into many,
  look like this.
- \`DECLARED_WITHOUT_EVIDENCE\`: valid patents declared implemented (or industrialized) without a
  recorded transaction (\`implementedDeclared\` / \`industrializedDeclared\`) number at least
  ${anomalyRules.declaredMinPatents} and at least ${anomalyRules.declaredFactor}× the evidenced ones: the declared rate runs far ahead of what
  can be checked.
- \`REPORTING_GAP\`: at least ${anomalyRules.gapMinPrevious} registrations and filings (the three counts together) in the previous
  quarter, none in an ended quarter: the institutions may have stopped recording (Work Plan 三（一）:
  "及时准确填报相关数据"). Not raised while the quarter runs.

**Who sees what.** National admins: either ranking, every row and flag. A province admin: the province
ranking, whole (the Work Plan feeds the figures back to every province, a comparison), the flags of
its own row only (flags are leads for the national administrators and the scope concerned, not
published findings); \`?scope=\` another province is 404, \`by=ministry\` 403. A ministry admin: the same
for the ministry ranking. The route computes the national figures live from the counters (the closed
quarters' snapshots: O(provinces + institutions) items; a quarter never closed is derived from every
quarter item since, slower); the report ranks from the figures it stores.

## Scopes

National, a province, an institution, and (issue 14) a supervising ministry: the institutions it
supervises in every province (Work Plan 二（一）2 责任分工), or \`unassigned\`, the institutions with no
supervising department recorded. A ministry scope's medians are null for a closed quarter (its
snapshot keeps only the province's merged histograms).
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../../docs/metrics.md', import.meta.url), renderMetricsDoc());
  console.log('docs/metrics.md written');
}
