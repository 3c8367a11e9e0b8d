/**
 * The inventors' rewards as a workbook (GET /v1/institutions/{uscc}/inventor-rewards.xlsx): a summary
 * sheet (one row per inventor, the total) and a detail sheet (one row per line: patent, then the deal,
 * payment and date it was received, or the own-implementation year (art. 45 (3)); share, amount), Chinese and English headers, amounts in yuan with two decimals. Names
 * that start like a formula are written as text (neutralizeFormula).
 */
import { chinaDate } from '../../schemas/china-date.ts';
import type { InventorRewardsQuery, InventorRewardsReport } from '../../schemas/money.ts';
import type { Caller } from '../../schemas/roles.ts';
import { neutralizeFormula } from '../shared/formula.ts';
import { workbookInMemory } from '../shared/xlsx-writer.ts';
import { inventorRewardsOf, type MoneyDeps } from './money.ts';

const yuan = (fen: number) => fen / 100;
const money = '#,##0.00';

export async function inventorRewardsWorkbook(
  report: InventorRewardsReport,
  institutionName: string | undefined,
  now: Date,
): Promise<Buffer> {
  const { workbook, done } = workbookInMemory();
  workbook.creator = 'patent-revitalization';
  workbook.created = now;
  const period = report.from || report.to ? `${report.from ?? '…'} ~ ${report.to ?? '…'}` : '全部 all';
  const title = `${institutionName ?? report.institutionUscc} 发明人奖励 Inventors' rewards（${period}）`;
  // Each payment records the rule it was shared by (the institution's own, art. 44, or the art. 45 (1)
  // default of 50 %): the workbook states both, the API's payments say which.
  const basis =
    '按到账时有效的规则计提：本单位规定（促进科技成果转化法第四十四条），未规定的按第四十五条转让、许可净收入的 50%；自行实施的，投产后连续三至五年每年营业利润的 5%（第四十五条第三项） / Shared by the rule in force on the payment date: the institution\u2019s own (art. 44), else 50 % of the net income (art. 45 (1)); own implementation: 5 % of each year\u2019s operating profit for 3 to 5 years (art. 45 (3)); split by patent, then by contribution shares';

  const summary = workbook.addWorksheet('汇总 Summary', { views: [{ state: 'frozen', ySplit: 4 }] });
  summary.columns = [{ width: 24 }, { width: 16 }, { width: 22 }, { width: 14 }];
  summary.addRow([title]).commit();
  summary.addRow([basis]).commit();
  summary.addRow([]).commit();
  const head = summary.addRow([
    '发明人 Inventor',
    '工号 Staff no.',
    '奖励金额（元） Reward (CNY)',
    '笔数 Lines',
  ]);
  head.font = { bold: true };
  head.commit();
  for (const inventor of report.inventors) {
    const row = summary.addRow([
      neutralizeFormula(inventor.name),
      inventor.staffNumber ?? '',
      yuan(inventor.totalFen),
      inventor.lines.length,
    ]);
    row.getCell(3).numFmt = money;
    row.commit();
  }
  const total = summary.addRow(['合计 Total', '', yuan(report.totalFen), '']);
  total.font = { bold: true };
  total.getCell(3).numFmt = money;
  total.commit();
  const unassigned = summary.addRow([
    '未分配（无发明人记录） Unassigned',
    '',
    yuan(report.unassignedFen),
    '',
  ]);
  unassigned.getCell(3).numFmt = money;
  unassigned.commit();
  if (report.inventors.length === 0) summary.addRow(['（无 none）']).commit();
  summary.commit();

  const detail = workbook.addWorksheet('明细 Lines', { views: [{ state: 'frozen', ySplit: 1 }] });
  detail.columns = [
    { width: 18 },
    { width: 14 },
    { width: 18 },
    { width: 22 },
    { width: 22 },
    { width: 14 },
    { width: 12 },
    { width: 18 },
  ];
  const detailHead = detail.addRow([
    '发明人 Inventor',
    '工号 Staff no.',
    '申请号 Application number',
    '交易 Deal',
    '付款 Payment',
    '到账日期/年度 Paid on / year',
    '贡献比例 Share %',
    '奖励金额（元） Reward (CNY)',
  ]);
  detailHead.font = { bold: true };
  detailHead.commit();
  for (const inventor of report.inventors)
    for (const line of inventor.lines) {
      const row = detail.addRow([
        neutralizeFormula(inventor.name),
        inventor.staffNumber ?? '',
        line.applicationNumber,
        line.source === 'own-implementation' ? '自行实施 Own implementation' : (line.dealId ?? ''),
        line.paymentId ?? '',
        line.source === 'own-implementation' ? `${line.year} 年度` : (line.paidOn ?? ''),
        line.sharePercent,
        yuan(line.amountFen),
      ]);
      row.getCell(8).numFmt = money;
      row.commit();
    }
  detail.commit();
  return done();
}

/** The report (money.ts, same scope rules) as a file to download. */
export async function exportInventorRewards(
  deps: MoneyDeps,
  caller: Caller,
  uscc: string,
  query: InventorRewardsQuery,
) {
  const { institution, report } = await inventorRewardsOf(deps, caller, uscc, query);
  const now = deps.now();
  const date = chinaDate(now);
  return {
    fileName: `发明人奖励-${institution.name ?? uscc}-${date}.xlsx`,
    asciiFileName: `inventor-rewards-${uscc}-${date}.xlsx`,
    xlsx: await inventorRewardsWorkbook(report, institution.name, now),
  };
}
