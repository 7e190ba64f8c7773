// 四川省城镇居民基本医疗保险定点医疗机构联网结算接口规范 (2009-03): COM component with Call / Confirm /
// Cancel. The document itself is NOT public (seed 001 has only its table of contents): the transaction
// list and the two-phase marks (正常/确认/取消交易) come from that TOC; everything else follows the
// "Yinhai 7-argument, prm_-prefixed input" family (wire-formats.md §3: Guizhou/Hubei Yinhai clients) and is
// marked [inf] in the README. Field names are 人社部 AAxxx/YKxxx dictionary names, as Yinhai uses them.

export interface ScTx {
  code: string;
  name: string;
  /** TOC lists 确认交易 / 取消交易 sections: the call leaves the transaction uncertain until Confirm/Cancel */
  twoPhase: boolean;
  /** prm_ fields of <input> (documentation; the client writes them, the sandbox reads them) */
  input: readonly string[];
  /** prm_ fields of <output> */
  output: readonly string[];
  /** <dataset><row> columns, input or output */
  rows?: readonly string[];
}

/** Settlement fields of 11 / 41 / 44 / 12 / 42 / 13 / 43 outputs (amounts: decimal yuan). */
export const SETTLE_OUT = [
  'prm_yka103', // 结算编号
  'prm_akc190', // 就诊编号
  'prm_aac001', // 个人编号
  'prm_yka055', // 医疗费总额
  'prm_yka056', // 全自费
  'prm_yka057', // 先行自付（挂钩自付）
  'prm_yka111', // 符合范围
  'prm_yka115', // 本次起付线
  'prm_yka107', // 统筹基金支付
  'prm_yka432', // 大病保险支付 [inf]
  'prm_yka434', // 医疗救助支付 [inf]
  'prm_yka065', // 个人账户支付
  'prm_akb067', // 个人现金支付
  'prm_akc087', // 个人账户余额（结算后）
  'prm_aae036', // 经办时间
] as const;

/** Fee rows of 11 / 31 (input). */
export const FEE_ROW_IN = ['yka105', 'yka002', 'yka003', 'akc226', 'akc225', 'yka315', 'yka097', 'yka099', 'yke123'] as const;
/** Fee rows of 31 / 45 (output): classification by the center. */
export const FEE_ROW_OUT = ['yka105', 'yka002', 'yka003', 'yka315', 'yka056', 'yka057', 'yka111', 'aka065', 'yka096'] as const;

const tx = (code: string, name: string, twoPhase: boolean, input: readonly string[], output: readonly string[], rows?: readonly string[]): ScTx => ({ code, name, twoPhase, input, output, rows });
const DL = ['prm_aae036'] as const; // downloads: changes since 经办时间
const CAT_ROW = ['yka002', 'yka003', 'aka065', 'yka096', 'yka094', 'aae030'] as const;

export const TRANSACTIONS: Record<string, ScTx> = {
  '03': tx('03', '获取个人基本信息', false, ['prm_aac002', 'prm_yab003'], ['prm_aac001', 'prm_aac002', 'prm_aac003', 'prm_aac004', 'prm_aac006', 'prm_akc021', 'prm_yab003', 'prm_aab004', 'prm_akc087', 'prm_ykc023']),
  '11': tx('11', '门诊(含门诊大病)结算', true, ['prm_aac001', 'prm_yab003', 'prm_aka130', 'prm_ykc010', 'prm_akc193', 'prm_ykc011', 'prm_hisfyze', 'prm_ykc141'], SETTLE_OUT, FEE_ROW_IN),
  '12': tx('12', '门诊(含门诊大病)结算退单', true, ['prm_aac001', 'prm_yka103', 'prm_ykc141'], SETTLE_OUT),
  '13': tx('13', '打印门诊结算单', false, ['prm_yka103'], SETTLE_OUT),
  '21': tx('21', '入院办理', true, ['prm_aac001', 'prm_yab003', 'prm_aka130', 'prm_ykc010', 'prm_akc192', 'prm_akc193', 'prm_ykc011', 'prm_ykc012', 'prm_ykc141'], ['prm_akc190', 'prm_aac001', 'prm_aac003', 'prm_yka115']),
  '22': tx('22', '入院信息修改', false, ['prm_akc190', 'prm_akc193', 'prm_ykc011', 'prm_ykc012', 'prm_ykc141'], []),
  '23': tx('23', '入院办理退单', false, ['prm_akc190', 'prm_ykc141'], []),
  '31': tx('31', '住院消费明细写入', false, ['prm_akc190', 'prm_aac001'], ['prm_akc190'], FEE_ROW_IN),
  '32': tx('32', '住院费用明细退单', false, ['prm_akc190', 'prm_yka105'], []),
  '41': tx('41', '出院结算', true, ['prm_akc190', 'prm_aac001', 'prm_akc194', 'prm_akc196', 'prm_hisfyze', 'prm_yka110', 'prm_ykc141'], SETTLE_OUT),
  '42': tx('42', '住院结算退单', true, ['prm_akc190', 'prm_yka103', 'prm_ykc141'], SETTLE_OUT),
  '43': tx('43', '打印住院结算单', false, ['prm_yka103'], SETTLE_OUT),
  '44': tx('44', '出院预结算', false, ['prm_akc190', 'prm_aac001', 'prm_hisfyze'], SETTLE_OUT),
  '45': tx('45', '查询病人费用明细', false, ['prm_akc190'], [], FEE_ROW_OUT),
  '46': tx('46', '查询病人就诊信息', false, ['prm_aac001'], [], ['akc190', 'aka130', 'akc192', 'akc194', 'yka103', 'aae100']),
  '81': tx('81', '药品目录增量下载', false, DL, [], CAT_ROW),
  '82': tx('82', '诊疗目录增量下载', false, DL, [], CAT_ROW),
  '83': tx('83', '下载服务设施目录', false, DL, [], CAT_ROW),
  '84': tx('84', '住院单病种目录增量下载', false, DL, [], ['yka120', 'yka121']),
  '85': tx('85', '门诊慢性病增量下载', false, DL, [], ['yka120', 'yka121']),
  '86': tx('86', '下载社保经办机构编码', false, [], [], ['yab003', 'aab034']),
  '87': tx('87', '下载代码值含义', false, ['prm_aaa100'], [], ['aaa100', 'aaa102', 'aaa103']),
  '88': tx('88', '疾病目录编码', false, DL, [], ['yka120', 'yka121']),
  '90': tx('90', '医疗机构目录比对关系上传', false, [], [], ['yka094', 'yka095', 'yka002']),
  '91': tx('91', '医疗机构目录比对关系审核查询', false, ['prm_yka094'], [], ['yka094', 'yka002', 'aae016']),
  '92': tx('92', '查询接口消息', false, [], [], ['aae036', 'aae013']),
  '98': tx('98', '查询中心不确定交易', false, ['prm_jybh'], [], ['jylsh', 'jybh', 'aae036', 'akc190', 'yka103', 'ykc010']),
};
