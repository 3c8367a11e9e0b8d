/**
 * The demo's national figures of a quarter, as the quarterly report computes them: starts an in-memory
 * local cloud, loads the demo (infra/local/demo.ts, deals dated today), waits until the metrics
 * consumer has settled, then runs computeQuarterFigures on the metrics table and prints the headline
 * figures as JSON. `node --import tsx bench/demo-figures.ts [quarter] [--render <dir>]` (default: the
 * current quarter); with --render, the national and Beijing reports (HTML, XLSX) are written to <dir>,
 * to print or open as an administrator would. Used to compare the figures before and after a change
 * of the metric definitions (docs/metrics.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { computeQuarterFigures } from '../functions/metrics/figures.ts';
import { provinceInstitutionReaders } from '../functions/metrics/institution-groups.ts';
import { dynamoMetricsReadPort } from '../functions/metrics/metrics-store.ts';
import { cellText, rankScopes } from '../functions/metrics/rankings.ts';
import { renderHtml } from '../functions/reports/render-html.ts';
import { renderXlsx } from '../functions/reports/render-xlsx.ts';
import { buildReportModel } from '../functions/reports/report-model.ts';
import { startLocalCloud } from '../infra/local/cloud.ts';
import { loadDemo } from '../infra/local/demo.ts';
import { type Quarter, quarterOf } from '../schemas/metrics.ts';

const args = process.argv.slice(2);
const renderAt = args.indexOf('--render');
const renderDir = renderAt >= 0 ? args[renderAt + 1] : undefined;
const quarter = (args.find((arg) => /^\d{4}Q[1-4]$/.test(arg)) ?? quarterOf(new Date())) as Quarter;
const cloud = await startLocalCloud({ inMemory: true, port: 3900 + (process.pid % 90), log: () => {} });
try {
  await loadDemo(cloud);
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: cloud.endpoints.dynamodb,
      region: cloud.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  // A port per computation: its institution readers read each province once (institution-groups.ts).
  const port = () =>
    dynamoMetricsReadPort(
      documents,
      cloud.tableName('metrics'),
      provinceInstitutionReaders(documents, cloud.tableName('core')),
    );
  const compute = () => computeQuarterFigures(port(), quarter, { level: 'national' }, { ministryRows: true });
  let figures = await compute();
  // The stream consumer counts asynchronously: wait until two reads 5 s apart agree.
  for (let i = 0; i < 24; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const next = await compute();
    const same = JSON.stringify(next.figures) === JSON.stringify(figures.figures);
    figures = next;
    if (same) break;
  }
  const pick = Object.fromEntries(Object.entries(figures.figures).map(([id, f]) => [id, f.value]));
  // The rankings (functions/metrics/rankings.ts), ranked rows only: "value (#rank)" per indicator, flags.
  const rankings = (['province', 'ministry'] as const).map((by) => {
    const ranking = rankScopes(figures, by);
    return {
      by,
      rows: ranking.rows
        .filter((row) => Object.values(row.cells).some((cell) => cell.rank !== null) || row.flags.length)
        .map((row) => ({
          scope: `${row.code} ${row.name}`,
          ...Object.fromEntries(ranking.indicators.map((i) => [i.id, cellText(i.unit, row.cells[i.id])])),
          flags: row.flags.map((f) => f.code),
        })),
    };
  });
  console.log(
    JSON.stringify({ quarter, figures: pick, deadlines: figures.deadlineCompliance, rankings }, null, 2),
  );
  if (renderDir) {
    mkdirSync(renderDir, { recursive: true });
    const beijing = await computeQuarterFigures(port(), quarter, {
      level: 'province',
      provinceCode: '110000',
    });
    for (const [name, scoped] of [
      ['national', figures],
      ['110000', beijing],
    ] as const) {
      const model = buildReportModel(scoped, new Date().toISOString());
      writeFileSync(join(renderDir, `${name}.xlsx`), await renderXlsx(model));
      writeFileSync(join(renderDir, `${name}.html`), renderHtml(model));
    }
  }
} finally {
  await cloud.stop();
}
