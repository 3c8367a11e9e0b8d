/**
 * Demo of "find and be found" (issue 15; docs/market.md), through the real API and the real upload path
 * on top of the demo of infra/local/demo.ts (run last, after the transfers and the exits, which pick
 * their patents from the first upload): the first demo university's battery-separator patents (锂电池隔膜),
 * with abstracts as an office writes them, uploaded as a second inventory file, self-assessed and
 * approved into the conversion pool, so that an enterprise searching 锂电池 隔膜 finds them with why;
 * the last one is left submitted, for the reviewer to approve in the README's walkthrough, where it
 * reaches the enterprise's saved-search alert. And one open 揭榜挂帅 challenge of another demo
 * enterprise, reviewed by its province and matched with the pool.
 *
 * Call: `await loadMarketDemo(cloud)` after the other demo steps; it returns a one-line summary.
 */
import { withApplicationCheck } from '../../schemas/codes/application-number.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { demoEnterprises, demoInstitutions } from './demo.ts';
import { type DemoCloud, demoCaller, tokenFor, uploadAndWait } from './demo-api.ts';
import { templateHeaders, toCsv } from './demo-patents.ts';

const call = demoCaller('demo market');
const DEPARTMENT = '材料科学与工程学院';

/** Separator patents (H01M 50/4xx: separators; GB/T 4754-2017 3841 锂离子电池制造). */
const separatorPatents = [
  {
    title: '一种锂离子电池陶瓷涂覆隔膜及其制备方法',
    abstract:
      '本发明公开了一种锂离子电池用陶瓷涂覆隔膜，在聚乙烯微孔基膜表面涂覆勃姆石陶瓷层，提高隔膜的耐热性和电解液浸润性，130℃下热收缩率低于2%，适用于动力电池。',
    ipc: 'H01M 50/449；H01M 50/403',
    scene: '动力电池与储能电池的隔膜',
  },
  {
    title: '一种耐高温聚酰亚胺纳米纤维电池隔膜的制备方法',
    abstract:
      '采用静电纺丝制备聚酰亚胺纳米纤维膜，经热亚胺化得到耐300℃高温的锂电池隔膜，孔隙率高，离子电导率优于商用聚烯烃隔膜，可防止热失控时正负极短路。',
    ipc: 'H01M 50/423；D01D 5/00',
    scene: '高安全动力锂电池',
  },
  {
    title: '一种湿法双向拉伸聚乙烯微孔膜及其生产工艺',
    abstract:
      '超高分子量聚乙烯与白油共混挤出，经双向拉伸、萃取和热定型制得厚度7微米的微孔膜，用作锂离子电池隔膜，穿刺强度高，厚度均匀。',
    ipc: 'H01M 50/417；B29C 55/12',
    scene: '消费电子与动力锂电池隔膜生产线',
  },
  {
    title: '一种锂硫电池用功能化隔膜',
    abstract:
      '在常规隔膜一侧涂覆氮掺杂碳纳米管层，吸附并催化转化多硫化物，抑制锂硫电池的穿梭效应，循环500次容量保持率大于80%。',
    ipc: 'H01M 50/431；H01M 10/052',
    scene: '高比能锂硫电池',
  },
  {
    title: '一种高安全性锂电池阻燃隔膜',
    abstract:
      '在聚丙烯隔膜表面复合含磷阻燃涂层，遇热释放阻燃成分，针刺试验不起火，用于储能电站和电动汽车的锂离子电池。',
    ipc: 'H01M 50/449；H01M 50/417',
    scene: '储能电站与电动汽车',
  },
] as const;

/** The demo's separator patents' application numbers, in the order above (the last stays submitted). */
const separatorNumbers = separatorPatents.map((_, i) =>
  withApplicationCheck(`20201${String(900_001 + i).padStart(7, '0')}`),
);

function separatorRows(): string[][] {
  return separatorPatents.map((p, i) => {
    const cells: Record<string, string> = {
      申请号: separatorNumbers[i]!,
      专利名称: p.title,
      专利类型: '发明',
      申请日: `2020-0${3 + i}-1${i}`,
      授权日: `2022-1${i % 3}-0${1 + i}`,
      法律状态: '有效',
      发明人: i % 2 ? '王强（60%）；李娜（40%）' : '张伟（70%）；陈静（30%）',
      所属院系: DEPARTMENT,
      是否属于财政资助科研项目形成专利: '是',
      资助项目名称: '高安全动力电池隔膜关键技术',
      资助来源: '国家重点研发计划',
      实施状态: '未实施',
      转化意愿: '转让；许可',
      费用标准: i % 2 ? '面议' : '普通许可费 30 万元，另按销售额提成 1%',
      技术成熟度: String(5 + (i % 3)),
      专利价值分级自评: i % 2 ? '较高' : '高',
      应用场景: p.scene,
      产业化前景: '已完成中试，可与隔膜企业合作量产',
      对应产品与技术优势: '耐热性与安全性优于普通聚烯烃隔膜',
      摘要: p.abstract,
      国民经济行业分类: '3841',
      'IPC/洛迦诺分类': p.ipc,
      联系人: '刘老师',
      联系方式: '010-62781234',
    };
    return templateHeaders.map((h) => cells[h] ?? '');
  });
}

export async function loadMarketDemo(cloud: DemoCloud): Promise<string> {
  const university = demoInstitutions[0];
  const reviewer = await tokenFor(cloud, 'institution', { org: university.uscc });
  const department = await tokenFor(cloud, 'institution', { org: university.uscc, department: DEPARTMENT });
  const file = Buffer.from(toCsv(separatorRows()));
  const job = await uploadAndWait(cloud, 'demo market', reviewer, '示范理工大学-电池隔膜专利.csv', file);
  if (job.rowsAccepted !== separatorPatents.length)
    throw new Error(
      `demo market: the separator upload took ${job.rowsAccepted} rows: ${JSON.stringify(job)}`,
    );
  for (const [i, number] of separatorNumbers.entries()) {
    await call(cloud, department, 'PUT', `/v1/patents/${number}/self-assessment`, {
      applicationScenarios: separatorPatents[i]!.scene,
    });
    await call(cloud, department, 'POST', `/v1/patents/${number}/review`, { action: 'submit' });
    if (i < separatorNumbers.length - 1)
      await call(cloud, reviewer, 'POST', `/v1/patents/${number}/review`, { action: 'approve' });
  }

  // A 揭榜挂帅 challenge of the water-treatment enterprise, approved by its province: open, matched.
  const water = demoEnterprises[4];
  const enterprise = await tokenFor(cloud, 'enterprise', { org: withUsccCheck(water.uscc) });
  const deadline = new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10);
  const need = await call(cloud, enterprise, 'POST', '/v1/needs', {
    kind: 'challenge',
    title: '工业园区高盐废水膜处理与零排放技术',
    description:
      '园区化工企业排放的高盐废水含盐量 3%-5%，现有膜生物反应器出水不稳定、膜污染快。寻求抗污染膜材料或膜生物反应器工艺，实现废水回用与零排放。',
    expectedOutcome: '出水 COD ≤ 50 mg/L；膜清洗周期 ≥ 90 天；吨水处理成本 ≤ 15 元',
    industryCodes: ['4620'],
    ipcInterests: ['C02F'],
    rewardYuan: 800_000,
    deadline,
  });
  const province = await tokenFor(cloud, 'province-admin', { province: water.provinceCode });
  await call(cloud, province, 'POST', `/v1/needs/${need.needId}/review`, {
    decision: 'approved',
    comment: '符合揭榜挂帅条件 / meets the challenge criteria',
  });
  return `market: ${separatorNumbers.length - 1} battery-separator patents approved into the pool and 1 submitted; 1 open 揭榜挂帅 challenge`;
}
