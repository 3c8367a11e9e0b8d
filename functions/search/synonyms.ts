/**
 * Domain synonyms: the words enterprises write for the words patents use. Each group lists equivalent
 * forms; a query term in a group also looks for the other members (at a lower weight, and the hit's
 * reasons say "via"). Kept to general technical usage (trade abbreviations, everyday names of the same
 * thing), never to names of particular patents, so that the evaluation set (bench/search) does not
 * grade a list written for it. Sources: the Chinese names are those of the GB/T 4754-2017 and
 * 战略性新兴产业分类(2018) categories (schemas/codes) where one exists; abbreviations are their common
 * technical use (BMS, PCB, AGV ...).
 */
export const synonymGroups: readonly (readonly string[])[] = [
  ['锂电池', '锂离子电池', '锂电'],
  ['动力电池', '车用电池', '动力锂电池'],
  ['电池管理系统', 'bms'],
  ['储能', '储能系统', '储能电站'],
  ['光伏', '太阳能电池', '光伏电池', '太阳能光伏'],
  ['光伏组件', '太阳能板', '光伏板', '太阳能电池板'],
  ['新能源汽车', '新能源车', '电动汽车', '电动车'],
  ['充电桩', '充电设施', '充电站'],
  ['燃料电池', '氢燃料电池'],
  ['无人机', '无人驾驶航空器', '无人飞行器', 'uav'],
  ['机器人', '机械臂', '机械手'],
  ['自动导引车', 'agv', '搬运机器人'],
  ['人工智能', 'ai', '智能算法'],
  ['深度学习', '神经网络', '卷积神经网络', 'cnn'],
  ['机器视觉', '视觉检测', '图像识别', '计算机视觉'],
  ['印制电路板', 'pcb', '电路板', '线路板'],
  ['芯片', '集成电路', 'ic'],
  ['第五代移动通信', '5g'],
  ['物联网', 'iot'],
  ['数控机床', 'cnc', '数控加工中心'],
  ['三维打印', '3d打印', '增材制造'],
  ['碳纤维', '碳纤维复合材料', 'cfrp'],
  ['石墨烯', '单层石墨'],
  ['污水处理', '废水处理', '污水净化'],
  ['脱氮除磷', '脱氮', '除磷', '氮磷去除'],
  ['挥发性有机物', 'vocs', 'voc'],
  ['固体废物', '固废'],
  ['余热回收', '废热回收', '余热利用'],
  ['抗肿瘤', '抗癌', '肿瘤治疗'],
  ['疫苗', '免疫制剂'],
  ['医疗器械', '医疗设备'],
  ['体外诊断', 'ivd', '快速检测'],
  ['基因编辑', 'crispr'],
  ['生物农药', '微生物农药'],
  ['可降解塑料', '生物降解塑料', '可降解材料'],
  ['虚拟现实', 'vr'],
  ['增强现实', 'ar'],
  ['区块链', '分布式账本'],
  ['大数据', '数据挖掘'],
  ['云计算', '云平台', '云服务'],
  ['轨道交通', '高铁', '城轨', '地铁'],
  ['风力发电', '风电', '风电机组'],
  ['氢能', '制氢', '氢气制备'],
  ['隔膜', '电池隔膜'],
  ['鼓包', '胀气'],
  ['缺陷检测', '瑕疵检测', '表面检测'],
  ['故障诊断', '故障检测', '故障预警'],
  ['巡检', '巡线', '巡查'],
];
