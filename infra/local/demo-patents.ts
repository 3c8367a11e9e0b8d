/**
 * Realistic inventory rows (valid application numbers, types with matching IPC or Locarno classes,
 * TRLs, intents), deterministic for a seed. Used by the demo data of npm start, the integration tests
 * and the ingest benchmark, always through the real template headers.
 */
import { stringify } from 'csv-stringify/sync';
import { withApplicationCheck } from '../../schemas/codes/application-number.ts';
import { inventoryColumns } from '../../schemas/inventory/template.ts';

export const templateHeaders = inventoryColumns.map((c) => c.zh);

/** mulberry32: a small, seedable PRNG (reproducible data, not cryptography). */
export function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const topics = [
  {
    title: '一种基于深度学习的图像去噪方法',
    ipc: 'G06T 5/00；G06N 3/08',
    industry: '6513',
    scene: '医学影像设备的图像增强',
  },
  {
    title: '一种锂离子电池正极材料的制备方法',
    ipc: 'H01M 4/525',
    industry: '3841',
    scene: '动力电池与储能电池',
  },
  {
    title: '一种高强度铝合金及其热处理工艺',
    ipc: 'C22C 21/00；C22F 1/04',
    industry: '3216',
    scene: '轨道交通车体型材',
  },
  { title: '一种用于水稻抗倒伏的育种方法', ipc: 'A01H 1/02', industry: '0111', scene: '水稻新品种选育' },
  {
    title: '一种靶向治疗肝癌的小分子抑制剂',
    ipc: 'A61K 31/506；A61P 35/00',
    industry: '2710',
    scene: '肝癌靶向药物研发',
  },
  { title: '一种无人机集群协同控制系统', ipc: 'G05D 1/10', industry: '3963', scene: '农林植保与应急巡检' },
  { title: '一种污水深度处理的膜生物反应器', ipc: 'C02F 3/12', industry: '3591', scene: '工业园区污水处理' },
  { title: '一种5G基站天线阵列', ipc: 'H01Q 21/00', industry: '3921', scene: '移动通信基站' },
];
const utilityTopics = [
  { title: '一种便携式土壤检测装置', ipc: 'G01N 33/24', industry: '4021', scene: '田间土壤快速检测' },
  { title: '一种可折叠的实验台', ipc: 'B01L 9/02', industry: '3581', scene: '高校实验室' },
];
const designTopics = [
  { title: '智能手环（运动型）', loc: '10-02', industry: '3969', scene: '运动健康监测' },
  { title: '教学用显微镜', loc: '16-06', industry: '4040', scene: '中小学科学教育' },
];
const departments = [
  '计算机科学与技术学院',
  '材料科学与工程学院',
  '化学学院',
  '生命科学学院',
  '机械工程学院',
  '环境学院',
  '电子工程系',
];
const surnames = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const givenNames = ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋', '勇', '军', '杰', '涛'];
const intents = ['转让；许可', '许可', '作价入股', '自行应用', '产业化', '暂无', '转让', '许可；作价入股'];
const implementations = ['未实施', '未实施', '未实施', '自行实施', '许可实施', '转让实施', '产业化'];
const values = ['高', '较高', '一般', '较低'];

export interface DemoRowOptions {
  seed?: number;
  /** Application serials start here (keeps rows of different institutions apart). */
  serialBase?: number;
}

/** `count` rows as cells in template column order. */
export function demoInventoryRows(count: number, options: DemoRowOptions = {}): string[][] {
  const next = random(options.seed ?? 1);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const rows: string[][] = [];
  for (let i = 0; i < count; i++) {
    const kind = next();
    const type = kind < 0.7 ? 'invention' : kind < 0.9 ? 'utility' : 'design';
    const year = 2012 + Math.floor(next() * 11);
    const typeDigit = type === 'invention' ? '1' : type === 'utility' ? '2' : '3';
    const serial = String((options.serialBase ?? 0) + i).padStart(7, '0');
    const number = withApplicationCheck(`${year}${typeDigit}${serial}`);
    const applied = `${year}-${String(1 + Math.floor(next() * 12)).padStart(2, '0')}-${String(1 + Math.floor(next() * 28)).padStart(2, '0')}`;
    const grantYear = Math.min(2025, year + (type === 'invention' ? 2 + Math.floor(next() * 2) : 1));
    const granted = `${grantYear}-${String(1 + Math.floor(next() * 12)).padStart(2, '0')}-${String(1 + Math.floor(next() * 28)).padStart(2, '0')}`;
    const topic =
      type === 'invention' ? pick(topics) : type === 'utility' ? pick(utilityTopics) : pick(designTopics);
    const implementation = pick(implementations);
    const cells: Record<string, string> = {
      申请号: number,
      专利名称: `${topic.title}${i >= topics.length ? `（${i}）` : ''}`,
      专利类型: type === 'invention' ? '发明' : type === 'utility' ? '实用新型' : '外观设计',
      申请日: applied,
      授权日: granted,
      法律状态: '有效',
      发明人: `${pick(surnames)}${pick(givenNames)}；${pick(surnames)}${pick(givenNames)}`,
      所属院系: pick(departments),
      是否属于财政资助科研项目形成专利: next() < 0.6 ? '是' : '否',
      实施状态: implementation,
      '实施金额（万元）': implementation === '未实施' ? '' : String(Math.round(next() * 500)),
      转化意愿: pick(intents),
      费用标准: next() < 0.5 ? '面议' : `许可费 ${Math.round(5 + next() * 95)} 万元`,
      技术成熟度: String(1 + Math.floor(next() * 9)),
      专利价值分级自评: pick(values),
      应用场景: topic.scene,
      产业化前景: '已有企业表达合作意向',
      对应产品与技术优势: '性能优于现有技术',
      国民经济行业分类: topic.industry,
      战略性新兴产业分类: '',
      'IPC/洛迦诺分类': 'ipc' in topic ? topic.ipc : topic.loc,
      意向合作企业: '',
      联系人: `${pick(surnames)}老师`,
      联系方式: `010-${String(62780000 + Math.floor(next() * 9999)).slice(0, 8)}`,
    };
    rows.push(templateHeaders.map((h) => cells[h] ?? ''));
  }
  return rows;
}

export function toCsv(rows: string[][], headers: string[] = templateHeaders): string {
  return stringify([headers, ...rows], { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}
