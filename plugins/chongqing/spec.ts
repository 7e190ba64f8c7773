// 重庆市金保工程 定点医疗机构统一标准社保接口 V1.02: positional field lists, transcribed from the
// spec-derived client (wire-formats.md §5.3; yuonceruyi/Terminal SiHandler) — one missing '|' shifts every
// later field, so requests are built and replies parsed ONLY through these named lists.
//
// A field is [key, 中文名, kind]; kind: 'text' | 'money' (decimal yuan N(8,2)/N(10,2) ↔ fen) |
// 'dec' (decimal kept as text: prices N(10,4), quantities N(8,2), ratios N(5,4)) | 'int' | 'date' | 'time'.

export type FieldKind = 'text' | 'money' | 'dec' | 'int' | 'date' | 'time';
export type Field = readonly [key: string, zh: string, kind: FieldKind];

export interface TxSpec {
  code: string;
  name: string;
  /** request fields after the 交易类别代码 (first record) */
  request?: readonly Field[];
  /** 04: fields of each item record; the first item shares the first record */
  requestItem?: readonly Field[];
  /** reply fields after 执行代码 (first record) */
  reply?: readonly Field[];
  /** reply items ('$' records; the first shares record 0 after 执行代码) */
  replyItem?: readonly Field[];
  /** where the fields come from: doc = spec transcription, inf = inferred (see README "guesses") */
  source: 'doc' | 'inf';
}

const t = (key: string, zh: string): Field => [key, zh, 'text'];
const m = (key: string, zh: string): Field => [key, zh, 'money'];
const d = (key: string, zh: string): Field => [key, zh, 'dec'];

/** 05 结算 / 06 预结算 reply amounts (after 交易流水号 for 05). */
const SETTLE_REPLY: readonly Field[] = [
  m('hifp_pay', '统筹支付'), m('acct_pay', '帐户支付'), m('cvlserv_pay', '公务员补助'), m('cash_pay', '现金支付'), m('big_pay', '大额理赔金额'),
  m('cvlserv_dedc_return', '历史起付线公务员返还'), m('balance', '帐户余额'), m('single_disease_advance', '单病种定点医疗机构垫支'),
  m('civil_aid_pay', '民政救助金额'), m('civil_aid_outpatient_balance', '民政救助门诊余额'), m('mdr_pay', '耐多药项目支付金额'),
  m('general_consult_pay', '一般诊疗支付数'), m('shenhua_aid_pay', '神华救助基金支付数'), m('ytd_hifp', '本年统筹支付累计'),
  m('ytd_big', '本年大额支付累计'), m('ytd_special_dedc', '特病起付线支付累计'), m('ytd_mdr', '耐多药项目累计'),
  m('ytd_civil_aid_inpatient', '本年民政救助住院支付累计'), [ 'center_time', '中心结算时间', 'time'], m('dedc_pay', '本次起付线支付金额'),
  m('inscp_amt', '本次进入医保范围费用'), m('pharmacy_service_pay', '药事服务支付数'), m('hospital_deduction', '医院超标扣款金额'),
  m('maternity_fund_pay', '生育基金支付'), m('maternity_cash_pay', '生育现金支付'), m('injury_fund_pay', '工伤基金支付'),
  m('injury_cash_pay', '工伤现金支付'), m('injury_single_disease_advance', '工伤单病种机构垫支'), t('injury_selfpay_reason', '工伤全自费原因'),
];

export const TRANSACTIONS: Record<string, TxSpec> = {
  '01': {
    code: '01', name: '获取人员基本信息', source: 'doc',
    request: [t('card_no', '社保卡号(9位)或老医保卡号(8位)'), t('insurance_kind', '险种类别(1医疗/2工伤/3生育)'), t('injury_pid', '工伤个人编号'), t('injury_unit', '工伤单位编号')],
    // 医疗 variant (险种类别 1); 工伤/生育 replies have other layouts and are read through the raw call
    reply: [
      t('name', '姓名'), t('gend', '性别'), ['age', '实足年龄', 'int'], t('certno', '身份证号'), t('nation', '民族'), t('address', '住址'),
      t('psn_class', '人员类别(11在职 21退休 41成年人 42未成年人 43大学生)'), t('cvlserv', '是否享受公务员待遇'), t('emp_name', '单位名称'),
      t('admdvs', '行政区划编码'), t('block_state', '封锁状况'), t('block_reason', '封锁原因'), t('change_type', '人员变更类型'),
      ['change_time', '人员类型变更时间', 'date'], ['block_begin', '待遇封锁开始时间', 'date'], ['block_end', '待遇封锁终止时间', 'date'],
      t('civil_class', '民政人员类别'), t('resident_grade', '居民缴费档次'), t('insured_kind', '参保类别(1职工 2居民 3离休)'), t('tel', '患者联系电话'),
    ],
  },
  '02': {
    code: '02', name: '就诊登记', source: 'doc',
    request: [
      t('his_no', '住院(门诊)号'), t('med_type', '医疗类别(11普通门诊 13特病 14急诊 21住院 …)'), t('card_no', '社会保障识别号'),
      t('dept_code', '入院科室编码'), t('doctor_code', '入院医师编码'), ['begin_date', '入院日期', 'date'], t('diagnosis', '入院诊断'),
      t('operator', '操作员'), t('complication', '并发症信息'), ['er_to_ip_date', '急诊转住院发生时间', 'date'], t('record_no', '病案号'),
      t('birth_cert', '生育证号码'), ['newborn_date', '新生儿出生日期', 'date'], t('resident_med_type', '居民特殊就诊标记'),
      t('insurance_kind', '险种类别'), t('injury_pid', '工伤个人编号'), t('injury_unit', '工伤单位编号'),
    ],
    reply: [t('serial', '交易流水号'), m('balance', '帐户余额'), t('transfer_from', '原转出医院名称'), t('insured_kind', '参保类别(1职工 2居民 3离休)')],
  },
  '03': {
    code: '03', name: '更新就诊信息', source: 'doc',
    request: [
      t('his_no', '住院(门诊)号'), t('update_flags', '更新标志(16个0/1)'), t('med_type', '医疗类别'), t('dept_code', '科室编码'), t('doctor_code', '医生编码'),
      ['begin_date', '入院日期', 'date'], t('diagnosis', '入院诊断'), ['end_date', '出院日期', 'date'], t('disease_code', '确诊疾病编码'),
      t('discharge_reason', '出院原因(1康复 2转院 3死亡 4好转 9其它)'), t('operator', '经办人'), t('complication', '并发症'), t('record_no', '病案号'),
      t('birth_cert', '生育证号码'), ['newborn_date', '新生儿出生日期', 'date'], t('resident_med_type', '居民特殊就诊标记'), t('insurance_kind', '险种类别'),
      t('transfer_to', '转入医院编码'),
    ],
    reply: [],
  },
  '04': {
    code: '04', name: '添加处方明细', source: 'doc',
    request: [t('his_no', '住院(门诊)号')],
    requestItem: [
      t('rx_no', '处方号'), ['rx_time', '开方日期', 'time'], t('item_code', '项目医保流水号'), t('his_code', '医院内码'), t('item_name', '项目名称'),
      d('price', '单价'), d('qty', '数量'), t('emergency', '急诊标志'), t('doctor_name', '处方医生'), t('operator', '经办人'), t('unit', '单位'),
      t('spec', '规格'), t('dosage_form', '剂型'), t('reverse_serial', '冲消明细流水号'), m('amount', '金额'), t('dept_code', '科室编码'),
      t('dept_name', '科室名称'), t('doctor_code', '医师编码'), t('dose', '每次用量'), t('usage', '用法标准'), t('period', '执行周期'),
      t('insurance_kind', '险种类别'), t('to_selfpay', '转自费标识'),
    ],
    replyItem: [
      t('serial', '交易流水号'), d('price', '项目单价'), t('approval', '审批标记'), t('approval_rule', '审批规则'), m('amount', '项目费用总额'),
      t('level', '项目等级(1甲 2乙 3自费)'), d('selfpay_ratio', '自付比例'), d('std_price', '标准单价'), m('selfpay_amt', '自付金额'), m('ownpay_amt', '自费金额'),
    ],
  },
  '05': {
    code: '05', name: '结算', source: 'doc',
    request: [
      t('his_no', '住院(门诊)号'), t('settle_kind', '结算类别(0正常 10中途 …)'), d('bed_days', '住院床日'), t('operator', '经办人'),
      t('acct_flag', '账户余额支付标志(0账户 1现金)'), ['mid_end_date', '中途结算终止日期', 'date'], m('total', '本次结算总金额'),
      ['count', '本次结算明细总条数', 'int'], t('insurance_kind', '险种类别'), t('his_vendor', 'HIS开发商编码'), t('injury_no', '工伤认定编号'),
      t('injury_disease', '工伤认定疾病编码'), t('pneumoconiosis', '尘肺结算类型'), t('out_dept_code', '出院科室编码'), t('out_doctor_code', '出院医师编码'),
    ],
    reply: [t('serial', '交易流水号'), ...SETTLE_REPLY],
  },
  '06': {
    code: '06', name: '预结算', source: 'doc',
    request: [
      t('his_no', '住院(门诊)号'), ['end_date', '截止日期', 'date'], d('bed_days', '住院床日'), m('total', '本次结算总金额'),
      t('acct_flag', '账户余额支付标志(0账户 1现金)'), ['count', '本次结算明细总条数', 'int'], t('insurance_kind', '险种类别'),
      t('injury_no', '工伤认定编号'), t('injury_disease', '工伤认定疾病编码'), t('pneumoconiosis', '尘肺结算类型'), t('out_dept_code', '出院科室编码'),
      t('out_doctor_code', '出院医师编码'),
    ],
    reply: SETTLE_REPLY,
  },
  '07': {
    code: '07', name: '获取医保特殊病审批信息', source: 'doc',
    request: [t('card_no', '社保卡号')],
    replyItem: [t('disease_code', '病种编码'), t('disease_name', '病种名称'), t('complication', '并发症')],
  },
  '08': { code: '08', name: '确定明细项目单价', source: 'inf' },
  '09': { code: '09', name: '项目审批结果查询', source: 'inf' },
  '10': {
    code: '10', name: '处方退方（删除已上传未结算明细）', source: 'inf',
    // ZLHIS mdl重庆.bas sends "10|门诊号|门诊号" before re-uploading: the second field is taken as the 处方号
    // range end / "all prescriptions of this visit" when it repeats the visit number
    request: [t('his_no', '住院(门诊)号'), t('rx_no', '处方号(与住院号相同=全部)')],
    reply: [],
  },
  '11': { code: '11', name: '获取定点医疗机构信息', source: 'inf' },
  '12': { code: '12', name: '获取医疗类别信息', source: 'inf' },
  '13': {
    code: '13', name: '获取人员账户基础信息', source: 'doc',
    request: [t('card_no', '社保卡号'), t('insurance_kind', '险种类别')],
    reply: [
      m('balance', '帐户余额'), m('ytd_hifp', '本年统筹支付累积'), m('ytd_special_dedc', '本年特殊门诊起付标准支付累计'), m('ytd_special_fee', '本年特殊门诊医保费累计'),
      m('ytd_tumor_dedc', '本年恶性肿瘤住院起付标准支付累计'), m('ytd_cvlserv_fee', '本年符合公务员范围门诊费用累计'), ['ytd_admissions', '本年住院次数', 'int'],
      t('in_hospital', '住院状态(0未住院 1在住院)'), m('special_selfpay_left', '本年特病门诊还需补助的自付金额'), m('inpatient_selfpay_left', '本年住院还需补助的自付金额'),
      t('tumor_flag', '本年发生过恶性肿瘤标志'), m('ytd_serious', '本年大病支付累计'), t('resident_serious_flag', '居保重大疾病发生标志'),
      m('ytd_accident', '本年意外伤害支付累计'), m('ytd_mdr', '本年耐多药结核支付累计'), m('ytd_child', '本年儿童两病支付累计'), m('ytd_rehab', '本年康复项目支付累计'),
      m('ytd_civil_inpatient', '年度民政住院支付累计'), m('ytd_civil_outpatient', '年度民政门诊支付累计'), m('ytd_reduction', '降消补助累计'),
      m('ytd_outpatient_pool', '年度普通门诊统筹累计'), t('offsite_flag', '异地登记标识'), t('reserve1', '账户信息预留1'), t('reserve2', '账户信息预留2'),
    ],
  },
  '14': { code: '14', name: '获取医保出院原因信息', source: 'inf' },
  '15': { code: '15', name: '对账明细下载（对账类型 1职工 2居民）', source: 'inf' },
  '16': { code: '16', name: '按时间段进行对帐', source: 'inf' },
  '17': { code: '17', name: '下载就医明细信息', source: 'inf' },
  '18': { code: '18', name: '改帐申请', source: 'inf' },
  '19': { code: '19', name: '下载目录及目录变更信息', source: 'inf' },
  '20': { code: '20', name: '改帐结果查询', source: 'inf' },
  '21': { code: '21', name: '医保高收费(白蛋白)费用审批', source: 'inf' },
  '22': { code: '22', name: '医保未审批项目查询', source: 'inf' },
  '23': { code: '23', name: '医疗账户抵用', source: 'inf' },
  '24': { code: '24', name: '目录变动查询下载', source: 'inf' },
  '25': { code: '25', name: '医疗账户抵用冲正', source: 'inf' },
  '26': {
    code: '26', name: '获取新老卡卡号', source: 'doc',
    request: [t('card_no', '医保卡号(8位)或社保卡号(9位)')],
    reply: [t('old_card_no', '医保卡号(8位)'), t('card_no', '社保卡号(9位)')],
  },
  '27': { code: '27', name: '检查在院状态', source: 'inf' },
  '28': { code: '28', name: '特病处方查询', source: 'inf' },
  '29': { code: '29', name: '登记信息重新上传', source: 'inf' },
  '30': { code: '30', name: '结算类型修改', source: 'inf' },
  '31': {
    code: '31', name: '读卡', source: 'doc',
    request: [t('reserved', '(空)')],
    reply: [t('card_no', '社保卡号')],
  },
  '99': {
    code: '99', name: '冲正交易', source: 'doc',
    request: [t('serial', '交易流水号'), t('operator', '经办人'), t('his_no', '住院(门诊)号'), t('reverse_kind', '冲账类型(0普通冲正 1改账冲正)'), t('insurance_kind', '险种类别')],
    // 冲正就诊登记/处方明细: "1" only; 冲正结算: the negative settlement
    reply: [
      t('serial', '负结算记录交易流水号'), m('hifp_pay', '应退统筹金额'), m('acct_pay', '应退帐户金额'), m('cvlserv_pay', '应退公务员补助'),
      m('cash_pay', '应退现金支付'), m('big_pay', '应退大额理赔金额'), m('cvlserv_dedc_return', '应退历史起付线公务员返还'), m('civil_aid_pay', '应退民政救助金额'),
      m('cover_fund_pay', '应退中盖基金支付金额'), m('reduction_pay', '应退降消项目金额'), m('shenhua_aid_pay', '应退神华救助基金支付数'),
      m('reserve2', '应退支付扩展预留2'), ['center_time', '中心结算时间', 'time'], m('maternity_fund_pay', '应退生育基金金额'),
      m('maternity_cash_pay', '应退生育现金支付'), m('injury_fund_pay', '应退工伤基金金额'), m('injury_cash_pay', '应退工伤现金支付'),
    ],
  },
};

/** Raw access: every code 01–30 and 99. */
export const RAW_CODES = Object.keys(TRANSACTIONS);
