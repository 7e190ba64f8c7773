// 南平 (福建巨龙 front-end) INI file exchange: sections, 6-character keys and per-transaction layouts
// (wire-formats.md §4, seed 001 南平医保医院接口规范, ZLHIS Mdl福建巨龙.bas).

/** Key → [中文, width]: C n = text of at most n GBK bytes; N p,s = decimal; '' = free text. */
export const KEYS: Record<string, readonly [zh: string, fmt: string]> = {
  Request: ['请求标志', 'TRUE|FALSE'], Reply: ['应答标志', 'TRUE|FALSE'], Success: ['操作结果', 'TRUE|FALSE'], Error: ['失败原因', 'C400'],
  UserID: ['用户', 'C20'], Password: ['口令', 'C20'], connected: ['已连接', 'TRUE|FALSE'], fwwdmc: ['医保中心', 'C40'], czyuan: ['操作员', 'C20'],
  Cardno: ['医保IC卡号', 'C12'], ID0000: ['医疗保险号', 'C19'], Xming0: ['姓名', 'C8'], Xbie00: ['性别', 'C1'], Brnl00: ['年龄', 'N3'],
  Dwmc00: ['单位名称', 'C30'], Icztmc: ['IC卡状态', 'C20'], Gzztmc: ['工作状态', 'C30'], Dqmc00: ['地区', 'C20'], Fzxmc0: ['分中心', 'C20'],
  Grzhye: ['个人帐户余额', 'N8,2'], Ghksmc: ['挂号科室', 'C10'], Ghfy00: ['挂号费', 'N5,2'], Ghlsh0: ['挂号流水号', 'C16'], Ghrq00: ['挂号日期', 'C8'],
  Ghsj00: ['挂号时间', 'C4'], Cxlsh0: ['冲销流水号', 'C16'], Bqbm00: ['病种编码', 'C20'], Cfxms0: ['收费项目数', 'N3'], Djlsh0: ['单据流水号', 'C16'],
  Mzlsh0: ['门诊流水号', 'C16'], Bckbcs: ['本次看病次数', 'N3'], Sftsmz: ['是否特殊门诊', 'C1'], Sftsbz: ['是否特殊病种', 'C1'], Zhzfe0: ['帐户支付额', 'N8,2'],
  Grzfe0: ['个人现金支付额', 'N8,2'], Dbgrzf: ['大病个人自付', 'N8,2'], Jjzfe0: ['基金支付额', 'N8,2'], Bcbxf0: ['总费用', 'N8,2'], sbzfje: ['大额报销', 'N8,2'],
  Sfrq00: ['收费日期', 'C8'], Sfsj00: ['收费时间', 'C4'], Sfrxm0: ['收费人姓名', 'C8'], Cxdjh0: ['冲销单据号', 'C16'], Ryrq00: ['入院日期', 'C8'],
  Rysj00: ['入院时间', 'C4'], Ryksmc: ['入院科室', 'C10'], Rylb00: ['住院类别', 'C8'], Zylsh0: ['住院流水号', 'C16'], Rydjr0: ['入院登记人', 'C8'],
  Zyksmc: ['住院科室', 'C10'], Cydjr0: ['出院登记人', 'C8'], Cyrq00: ['出院日期', 'C8'], Cysj00: ['出院时间', 'C4'], Cyzd00: ['出院诊断', 'C40'],
  Ndfylj: ['年度费用累计', 'N10,2'],
  // yibao sandbox extension on 刷卡 requests: the credential the emulated card reader "reads" (the real
  // front-end reads the IC card itself and ignores unknown keys [?])
  Pzhm00: ['凭证号码（沙箱扩展）', 'C20'], Valid0: ['可否挂号/入院', 'TRUE|FALSE'], Bnghyy: ['不能挂号原因', 'C400'], Bndjyy: ['不能入院原因', 'C400'],
};

/** Person keys every reply with 参保人信息 carries (<<参保人其他信息>>). */
export const PERSON_KEYS = ['Cardno', 'ID0000', 'Xming0', 'Xbie00', 'Brnl00', 'Dwmc00', 'Icztmc', 'Gzztmc', 'Grzhye', 'Dqmc00', 'Fzxmc0'] as const;

/** Money keys of 收费 / 预结算 replies. */
export const MONEY_KEYS = ['Zhzfe0', 'Grzfe0', 'Dbgrzf', 'Jjzfe0', 'Bcbxf0', 'sbzfje', 'Grzhye', 'Ghfy00'] as const;

export interface NpTx {
  section: string;
  name: string;
  /** request keys after Request=TRUE (Success=/Error= are written empty where the doc shows them) */
  request: readonly string[];
  /** the doc's request carries empty Success= / Error= / Cardno= lines */
  resultKeys?: boolean;
  /** reply keys (besides Reply/Success/Error) */
  reply: readonly string[];
  /** fee detail section of the request (10 lines per item) and of the reply (11 lines per item) */
  detail?: 'mzsfmx' | 'zysfmx';
  source: 'doc' | 'inf';
}

const P = PERSON_KEYS;

export const TRANSACTIONS: Record<string, NpTx> = {
  login: { section: 'login', name: '登录', request: ['UserID', 'Password'], reply: ['connected', 'fwwdmc', 'czyuan'], source: 'doc' },
  logout: { section: 'logout', name: '退出', request: [], reply: [], source: 'doc' },
  query: { section: 'query', name: '登录查询', request: [], reply: ['connected', 'fwwdmc', 'czyuan'], source: 'doc' },
  mzghsk: { section: 'mzghsk', name: '挂号刷卡', request: [], reply: [...P, 'Valid0', 'Bnghyy'], source: 'doc' },
  mzgh: { section: 'mzgh', name: '门诊挂号', request: ['Cardno', 'Ghksmc', 'Ghfy00'], resultKeys: true, reply: [...P, 'Ghlsh0', 'Mzlsh0', 'Ghrq00', 'Ghsj00', 'Zhzfe0', 'Grzfe0'], source: 'doc' },
  mzghcx: { section: 'mzghcx', name: '挂号冲销', request: ['Cardno', 'Ghlsh0'], resultKeys: true, reply: ['Cxlsh0'], source: 'doc' },
  mzsfsk: { section: 'mzsfsk', name: '收费刷卡', request: [], reply: [...P, 'Mzlsh0', 'Ghksmc', 'Sftsmz', 'Sftsbz'], source: 'doc' },
  mzsfyjs: { section: 'mzsfyjs', name: '门诊预结算', request: ['Cardno', 'Mzlsh0', 'Bqbm00', 'Cfxms0'], resultKeys: true, reply: [...P, 'Zhzfe0', 'Grzfe0', 'Dbgrzf', 'Jjzfe0', 'Bcbxf0', 'sbzfje'], detail: 'mzsfmx', source: 'doc' },
  mzsf: { section: 'mzsf', name: '门诊收费', request: ['Cardno', 'Mzlsh0', 'Bqbm00', 'Cfxms0'], resultKeys: true, reply: [...P, 'Djlsh0', 'Zhzfe0', 'Grzfe0', 'Dbgrzf', 'Jjzfe0', 'Bcbxf0', 'sbzfje', 'Sfrq00', 'Sfsj00', 'Sfrxm0'], detail: 'mzsfmx', source: 'doc' },
  mzsfcx: { section: 'mzsfcx', name: '收费冲销', request: ['Cardno', 'Cxdjh0'], resultKeys: true, reply: ['Cxlsh0', 'Zhzfe0', 'Grzfe0', 'Jjzfe0', 'Bcbxf0', 'sbzfje', 'Grzhye'], source: 'doc' },
  rydjsk: { section: 'rydjsk', name: '登记刷卡', request: [], reply: [...P, 'Valid0', 'Bndjyy', 'Bckbcs'], source: 'doc' },
  rydj: { section: 'rydj', name: '住院登记', request: ['Cardno', 'Ryrq00', 'Rysj00', 'Ryksmc', 'Rylb00'], resultKeys: true, reply: [...P, 'Zylsh0', 'Bckbcs', 'Rydjr0'], source: 'doc' },
  rydjcx: { section: 'rydjcx', name: '登记冲销', request: ['Cardno', 'Cxlsh0'], resultKeys: true, reply: [], source: 'doc' },
  zysfsk: { section: 'zysfsk', name: '结帐刷卡', request: [], reply: [...P, 'Zylsh0', 'Zyksmc'], source: 'doc' },
  zysfyjs: { section: 'zysfyjs', name: '住院预结算', request: ['Cardno', 'Zylsh0', 'Bqbm00', 'Cfxms0'], resultKeys: true, reply: [...P, 'Zhzfe0', 'Grzfe0', 'Dbgrzf', 'Jjzfe0', 'Bcbxf0', 'sbzfje'], detail: 'zysfmx', source: 'doc' },
  zysf: { section: 'zysf', name: '住院收费(结帐)', request: ['Cardno', 'Zylsh0', 'Bqbm00', 'Cfxms0'], resultKeys: true, reply: [...P, 'Djlsh0', 'Zhzfe0', 'Grzfe0', 'Dbgrzf', 'Jjzfe0', 'Bcbxf0', 'sbzfje', 'Sfrq00', 'Sfsj00', 'Sfrxm0'], detail: 'zysfmx', source: 'doc' },
  zysfcx: { section: 'zysfcx', name: '结帐冲销', request: ['Cardno', 'Cxdjh0'], resultKeys: true, reply: ['Cxlsh0', 'Zhzfe0', 'Grzfe0', 'Jjzfe0', 'Bcbxf0', 'sbzfje', 'Grzhye'], source: 'doc' },
  cydjsk: { section: 'cydjsk', name: '出院刷卡', request: [], reply: [...P, 'Zylsh0'], source: 'doc' },
  cydj: { section: 'cydj', name: '出院登记', request: ['Cardno', 'Zylsh0', 'Cyrq00', 'Cysj00', 'Cyzd00'], resultKeys: true, reply: ['Cydjr0'], source: 'doc' },
  cydjcx: { section: 'cydjcx', name: '出院冲销', request: ['Cardno', 'Zylsh0'], resultKeys: true, reply: [], source: 'doc' },
};

/** Lines of one fee-detail item in a request (10) and in a reply (11: + 自付比例). */
export const DETAIL_LINES = ['医保项目编号', '是否医保(Y/N)', '发票项目', '医保项目名称', '规格', '单位', '单价', '数量', '金额', '医生'] as const;
export const REPLY_DETAIL_LINES = [...DETAIL_LINES, '自付比例'] as const;

/** 发票项目 of the 14 national 医疗收费项目类别 (the invoice item written on each detail item). */
export const INVOICE_ITEMS: Record<string, string> = {
  '01': '床位费', '02': '诊查费', '03': '检查费', '04': '化验费', '05': '治疗费', '06': '手术费', '07': '护理费', '08': '卫生材料费',
  '09': '西药费', '10': '中药饮片费', '11': '中成药费', '12': '一般诊疗费', '13': '挂号费', '14': '其他费',
};
