/**
 * The evaluation queries, written as enterprises type them into a search box: product words, problems
 * they have, other names and abbreviations of the same thing, traditional characters (Hong Kong, Macao,
 * Taiwan enterprises, or a 繁体 input method), several words with or without spaces.
 *
 * Graded relevance (TREC style): 2 = the patent is about what was asked (its subject), 1 = related (the
 * same technology topic, or a neighbouring subject that partly answers). Labels name subjects of
 * ./term-banks.ts, or `topic:<id>` for every subject of a topic; a record's grade is the highest that
 * applies to it, 0 otherwise. Written from the banks before the engine was measured on them and not
 * tuned afterwards; a few queries use words no patent of the set contains (SOC, MBR, 降噪, 绿氢, V2G):
 * they stay, since enterprises write them.
 */
export type QueryKind = 'product' | 'problem' | 'synonym' | 'abbreviation' | 'traditional' | 'multi-word';

export interface EvalQuery {
  q: string;
  kind: QueryKind;
  relevant: Readonly<Record<string, 1 | 2>>;
}

const q = (text: string, kind: QueryKind, relevant: Record<string, 1 | 2>): EvalQuery => ({
  q: text,
  kind,
  relevant,
});

export const evalQueries: readonly EvalQuery[] = [
  q('锂电池隔膜', 'product', { 'li-separator': 2, 'topic:li-battery': 1 }),
  q('锂电池 隔膜', 'multi-word', { 'li-separator': 2, 'topic:li-battery': 1 }),
  q('電池隔膜', 'traditional', { 'li-separator': 2, 'topic:li-battery': 1 }),
  q('鋰電池 隔膜 耐高溫', 'traditional', { 'li-separator': 2, 'topic:li-battery': 1 }),
  q('电池鼓包怎么解决', 'problem', { 'li-cathode': 2, 'li-anode': 2, 'topic:li-battery': 1 }),
  q('电池起火 阻燃', 'problem', { 'li-electrolyte': 2, 'topic:li-battery': 1, 'battery-diagnosis': 1 }),
  q('高镍三元', 'product', { 'li-cathode': 2, 'topic:li-battery': 1 }),
  q('硅碳负极', 'product', { 'li-anode': 2, 'topic:li-battery': 1 }),
  q('BMS', 'abbreviation', { bms: 2, 'topic:battery-system': 1 }),
  q('SOC估算', 'abbreviation', { bms: 2, 'battery-diagnosis': 1 }),
  q('电池包液冷', 'product', { 'battery-thermal': 2, 'topic:battery-system': 1 }),
  q('电池热失控预警', 'problem', { 'battery-diagnosis': 2, 'battery-thermal': 1, 'li-separator': 1 }),
  q('充电桩', 'product', { charger: 2, 'topic:charging': 1 }),
  q('快充桩 液冷枪', 'multi-word', { charger: 2, 'topic:charging': 1 }),
  q('换电站', 'product', { 'battery-swap': 2, 'topic:charging': 1 }),
  q('V2G 车网互动', 'abbreviation', { 'orderly-charging': 2, 'topic:charging': 1 }),
  q('光伏板清洗机器人', 'product', { 'pv-cleaning': 2, 'topic:photovoltaic': 1 }),
  q('太阳能板清洁', 'synonym', { 'pv-cleaning': 2, 'topic:photovoltaic': 1 }),
  q('光伏 热斑', 'problem', { 'pv-inspection': 2, 'topic:photovoltaic': 1 }),
  q('钙钛矿电池', 'product', { 'pv-cell': 2, 'topic:photovoltaic': 1 }),
  q('风机叶片', 'synonym', { 'wind-blade': 2, 'wind-fault': 1 }),
  q('齿轮箱故障预警', 'problem', { 'wind-fault': 2, 'topic:wind-hydrogen': 1 }),
  q('电解水制氢', 'product', { electrolysis: 2, 'topic:wind-hydrogen': 1 }),
  q('绿氢', 'synonym', { electrolysis: 2, 'topic:wind-hydrogen': 1 }),
  q('AI质检', 'abbreviation', { 'surface-defect': 2, 'pcb-inspection': 1 }),
  q('表面瑕疵检测', 'synonym', { 'surface-defect': 2, 'pcb-inspection': 1 }),
  q('PCB 焊点检测', 'abbreviation', { 'pcb-inspection': 2, 'surface-defect': 1 }),
  q('线路板缺陷', 'synonym', { 'pcb-inspection': 2, 'surface-defect': 1 }),
  q('夜间图像 降噪', 'synonym', { 'image-denoise': 2, 'topic:ai-vision': 1 }),
  q('智能客服机器人', 'product', { dialogue: 2, 'topic:ai-language': 1 }),
  q('方言识别', 'product', { speech: 2, 'topic:ai-language': 1 }),
  q('知识图谱', 'product', { 'knowledge-graph': 2, 'topic:ai-language': 1 }),
  q('5G天线', 'abbreviation', { '5g-antenna': 2, 'topic:communication': 1 }),
  q('物联网 低功耗', 'multi-word', { 'iot-network': 2, 'topic:communication': 1 }),
  q('光模块', 'product', { optical: 2, 'topic:communication': 1 }),
  q('碳化硅MOSFET', 'product', { 'sic-device': 2, 'topic:chips': 1 }),
  q('芯片散热封装', 'multi-word', { 'chip-packaging': 2, graphene: 1, 'thermal-interface': 1 }),
  q('MEMS传感器', 'abbreviation', { 'mems-sensor': 2, 'topic:chips': 1 }),
  q('协作机器人', 'product', { 'robot-arm': 2, 'topic:robotics': 1 }),
  q('AGV 仓储', 'abbreviation', { agv: 2, 'topic:robotics': 1 }),
  q('易碎品抓取', 'problem', { gripper: 2, 'topic:robotics': 1 }),
  q('五轴加工中心', 'product', { cnc: 2, 'topic:machine-tools': 1 }),
  q('刀具磨损', 'problem', { 'tool-wear': 2, 'topic:machine-tools': 1 }),
  q('金属3D打印', 'synonym', { additive: 2, 'topic:machine-tools': 1 }),
  q('无人机巡检 电力线路', 'multi-word', { 'uav-inspection': 2, 'pv-inspection': 1, 'topic:aviation': 1 }),
  q('植保无人机 打药', 'multi-word', { 'plant-protection': 2, 'topic:aviation': 1 }),
  q('钢轨探伤', 'product', { 'track-inspection': 2, 'topic:rail': 1 }),
  q('地铁 减振', 'multi-word', { bogie: 2, 'topic:rail': 1 }),
  q('水下机器人', 'product', { 'underwater-robot': 2, 'topic:ocean': 1 }),
  q('海洋牧场 网箱', 'multi-word', { aquaculture: 2, 'topic:ocean': 1 }),
  q('碳纤维 汽车轻量化', 'multi-word', { 'carbon-fiber': 2, aluminum: 1, 'topic:materials-composite': 1 }),
  q('防弹材料', 'product', { aramid: 2, 'topic:materials-composite': 1 }),
  q('手机散热膜', 'product', { graphene: 2, 'thermal-interface': 1 }),
  q('导热硅脂', 'product', { 'thermal-interface': 2, graphene: 1 }),
  q('钢结构防腐', 'problem', { anticorrosion: 2, 'topic:materials-frontier': 1 }),
  q('一体化压铸', 'product', { aluminum: 2, 'topic:materials-metal': 1 }),
  q('钕铁硼', 'product', { 'rare-earth': 2, 'topic:materials-metal': 1 }),
  q('抗癌药 肺癌', 'synonym', { antitumor: 2, 'topic:biomed-drug': 1 }),
  q('ADC 抗体偶联', 'abbreviation', { antibody: 2, 'topic:biomed-drug': 1 }),
  q('中药提取', 'product', { tcm: 2, 'topic:biomed-drug': 1 }),
  q('核酸快速检测', 'product', { ivd: 2, 'topic:biomed-device': 1 }),
  q('无创血糖', 'product', { 'wearable-monitor': 2, 'topic:biomed-device': 1 }),
  q('可降解支架', 'product', { stent: 2, 'topic:biomed-device': 1 }),
  q('微生物农药', 'synonym', { biopesticide: 2, 'topic:bio-agri': 1 }),
  q('盐碱地改良', 'problem', { biofertilizer: 2, 'topic:bio-agri': 1 }),
  q('污水脱氮', 'problem', { denitrification: 2, 'topic:env-water': 1 }),
  q('總氮超標', 'traditional', { denitrification: 2, 'topic:env-water': 1 }),
  q('MBR膜', 'abbreviation', { membrane: 2, 'topic:env-water': 1 }),
  q('污泥干化', 'product', { sludge: 2, 'topic:env-water': 1 }),
  q('VOCs治理', 'abbreviation', { vocs: 2, 'topic:env-air': 1 }),
  q('低温脱硝', 'problem', { denitration: 2, 'topic:env-air': 1 }),
  q('余热发电', 'product', { 'waste-heat': 2, 'topic:energy-saving': 1 }),
  q('空气能热泵', 'synonym', { 'heat-pump': 2, 'topic:energy-saving': 1 }),
  q('退役电池回收', 'problem', { 'battery-recycling': 2, 'topic:solid-waste': 1 }),
  q('建筑垃圾再利用', 'problem', { 'construction-waste': 2, 'topic:solid-waste': 1 }),
  q('厨余垃圾', 'product', { 'food-waste': 2, 'topic:solid-waste': 1 }),
  q('VR 眩晕', 'abbreviation', { 'vr-ar': 2, 'topic:digital-creative': 1 }),
  q('虚拟主播', 'product', { 'digital-human': 2, 'topic:digital-creative': 1 }),
  q('文物三维扫描', 'product', { 'cultural-digitization': 2, 'topic:digital-creative': 1 }),
  q('区块链溯源', 'product', { blockchain: 2, 'topic:data-cloud': 1 }),
  q('联邦学习', 'product', { 'privacy-computing': 2, 'topic:data-cloud': 1 }),
  q('边缘计算 任务卸载', 'multi-word', { 'cloud-scheduling': 2, 'topic:data-cloud': 1 }),
  q('無人機巡檢', 'traditional', { 'uav-inspection': 2, 'pv-inspection': 1, 'topic:aviation': 1 }),
  q('充電樁', 'traditional', { charger: 2, 'topic:charging': 1 }),
  q('機器人 抓取', 'traditional', { gripper: 2, 'robot-arm': 1, 'topic:robotics': 1 }),
];

/** The grade of a record for a query. */
export function gradeOf(query: EvalQuery, record: { topic: string; subject: string }): number {
  return Math.max(query.relevant[record.subject] ?? 0, query.relevant[`topic:${record.topic}`] ?? 0);
}
