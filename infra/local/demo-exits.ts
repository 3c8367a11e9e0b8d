/**
 * Demo of the lifecycle's exits (docs/pipeline.md, "Exits"), through the real API on top of the demo of
 * infra/local/demo.ts (run after `loadDemo` and `loadTransferDemo`): on the approved patents of the second
 * demo institution, one patent withdrawn with its reason, one re-sent as 未缴年费专利权终止 with intent 暂无
 * (lapsed), one re-sent with intent 暂无 (re-screened into the base pool); then the daily deadline sweep
 * is fired, which expires the uploaded patents whose statutory term has ended (the demo inventory holds
 * utility models and designs filed from 2012). Each shows in `GET /v1/patents/{n}/history` and, for pool
 * patents, as a tombstone in `GET /v1/pool`.
 */
import { demoInstitutions } from './demo.ts';
import { type DemoCloud, demoCaller, fireSchedule, tokenFor } from './demo-api.ts';
import { demoInventoryRows, templateHeaders } from './demo-patents.ts';

const call = demoCaller('demo exits');

/** Approved, in a pool, not transferred: where each exit may be shown. */
const screenable = new Set([
  'conversion-pool',
  'under-evaluation',
  'evaluated',
  'high-value',
  'key-industry-pool',
  'listed',
]);

export async function loadExitsDemo(cloud: DemoCloud): Promise<string> {
  const index = 1;
  const institution = demoInstitutions[index];
  const staff = await tokenFor(cloud, 'institution', {
    org: institution.uscc,
    province: institution.provinceCode,
  });
  const page = await call(cloud, staff, 'GET', '/v1/patents?limit=100');
  const inPool = (page.items as Array<{ applicationNumber: string; lifecycle?: string }>)
    .filter((p) => p.lifecycle && screenable.has(p.lifecycle))
    .sort((a, b) => a.applicationNumber.localeCompare(b.applicationNumber));
  const lines: string[] = [];
  // The rows of the demo upload (infra/local/demo.ts: the same seed and serials), with the scenario
  // the demo review wrote, so that a re-sent row changes its legal status and intent only.
  const rows = new Map(
    demoInventoryRows(institution.rows, { seed: 100 + index, serialBase: 10_000 * (index + 1) }).map(
      (cells) => {
        const row = Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]!]));
        return [row.申请号!, { ...row, 应用场景: '示范应用场景' }];
      },
    ),
  );
  const [withdrawn, lapsed, rescreened] = inPool;
  if (withdrawn) {
    await call(cloud, staff, 'POST', `/v1/patents/${withdrawn.applicationNumber}/withdrawal`, {
      reason: '学校拟自行实施，撤出转化资源库 / the university will exploit it itself',
    });
    lines.push(`${withdrawn.applicationNumber} withdrawn`);
  }
  for (const [patent, change, what] of [
    [lapsed, { 法律状态: '未缴年费专利权终止', 转化意愿: '暂无' }, 'lapsed (未缴年费专利权终止)'],
    [rescreened, { 转化意愿: '暂无' }, 're-screened to the base pool (暂无)'],
  ] as const) {
    const row = patent && rows.get(patent.applicationNumber);
    if (!row) continue;
    const result = await call(cloud, staff, 'POST', '/v1/patents:batch', { rows: [{ ...row, ...change }] });
    lines.push(
      `${patent.applicationNumber} ${result.rowsAccepted ? what : `not changed (${JSON.stringify(result.errors?.[0]?.code)})`}`,
    );
  }
  // The daily deadline sweep, now: patents past their statutory term expire (and the other deadlines).
  const sweep = await fireSchedule(cloud, 'deadline-sweep');
  lines.push(`deadline sweep fired (${sweep.ok ? 'patents past their term expired' : 'failed'})`);
  return `exits: ${lines.join('; ')}`;
}
