// Manifest of the national platform family (国家医保平台 基线版) and its Sichuan 两定 extension
// (seed 003). Other provinces reuse NATIONAL_TRANSACTIONS with their own envelope/transport values.
import type { PluginManifest, TransactionSpec } from '../contract.js';

const T = (op: TransactionSpec['op'], name: string, more: Partial<TransactionSpec> = {}): TransactionSpec => ({ op, name, ...more });

/** Baseline transactions (基线版) with their canonical operations. */
export const NATIONAL_TRANSACTIONS: Record<string, TransactionSpec> = {
  '9001': T('signIn', '签到', { inputNode: 'signIn' }),
  '9002': T('signOut', '签退', { inputNode: 'signOut' }),
  '1101': T('identify', '人员基本信息获取', { inputNode: 'data' }),
  '1201': T('institutionInfo', '医药机构信息获取', { inputNode: 'medinsinfo' }),
  '1901': T('dictionary', '字典表查询', { inputNode: 'data' }),
  '2001': T('treatmentCheck', '人员待遇享受检查', { inputNode: 'data' }),
  '2101': T('pharmacyPresettle', '药店预结算', { inputNode: 'data' }),
  '2102': T('pharmacySettle', '药店结算', { inputNode: 'data', money: true, reversible: true }),
  '2103': T('pharmacyCancel', '药店结算撤销', { inputNode: 'data', money: true, reversible: true }),
  '2201': T('register', '门诊挂号', { inputNode: 'data' }),
  '2202': T('cancelRegister', '门诊挂号撤销', { inputNode: 'data' }),
  '2203': T('uploadVisit', '门诊就诊信息上传'),
  '2204': T('uploadFees', '门诊费用明细信息上传', { inputNode: 'feedetail' }),
  '2205': T('cancelFees', '门诊费用明细信息撤销', { inputNode: 'data' }),
  '2206': T('presettle', '门诊预结算', { inputNode: 'data' }),
  '2207': T('settle', '门诊结算', { inputNode: 'data', money: true, reversible: true }),
  '2208': T('cancelSettle', '门诊结算撤销', { inputNode: 'data', money: true, reversible: true }),
  '2301': T('uploadInpatientFees', '住院费用明细上传', { inputNode: 'feedetail' }),
  '2302': T('cancelInpatientFees', '住院费用明细撤销', { inputNode: 'data' }),
  '2303': T('inpatientPresettle', '住院预结算', { inputNode: 'data' }),
  '2304': T('inpatientSettle', '住院结算', { inputNode: 'data', money: true, reversible: true }),
  '2305': T('cancelInpatientSettle', '住院结算撤销', { inputNode: 'data', money: true, reversible: true }),
  '2401': T('admit', '入院办理', { reversible: true }),
  '2402': T('discharge', '出院办理'),
  '2403': T('updateAdmission', '入院信息变更'),
  '2404': T('cancelAdmission', '入院撤销', { inputNode: 'data' }),
  '2405': T('cancelDischarge', '出院撤销', { inputNode: 'data' }),
  '2501': T('fileTransfer', '转院备案', { inputNode: 'refmedin' }),
  '2502': T('fileTransferCancel', '转院备案撤销', { inputNode: 'data' }),
  '2503': T('fileChronic', '人员慢特病备案', { inputNode: 'data' }),
  '2504': T('fileChronicCancel', '人员慢特病备案撤销', { inputNode: 'data' }),
  '2505': T('fileDesignated', '人员定点备案', { inputNode: 'data' }),
  '2506': T('fileDesignatedCancel', '人员定点备案撤销', { inputNode: 'data' }),
  '2601': T('reverse', '冲正交易', { inputNode: 'data' }),
  '3201': T('reconcileTotals', '医药机构费用结算对总账', { inputNode: 'data' }),
  '3202': T('reconcileDetails', '医药机构费用结算对明细账', { inputNode: 'data' }),
  '4101': T('settlementList', '医疗保障基金结算清单信息上传'),
  // 进销存 (inventory) uploads: one record per call (host-node/src/inventory.ts batches and retries them)
  '3501': T('inventory', '商品盘存上传', { inputNode: 'invinfo' }),
  '3502': T('inventory', '商品库存变更', { inputNode: 'invinfo' }),
  '3503': T('inventory', '商品采购', { inputNode: 'purcinfo' }),
  '3504': T('inventory', '商品采购退货', { inputNode: 'purcinfo' }),
  '3505': T('inventory', '商品销售', { inputNode: 'selinfo' }),
  '3506': T('inventory', '商品销售退货', { inputNode: 'selinfo' }),
  '3507': T('inventory', '商品信息删除', { inputNode: 'data' }),
  '5201': T('queryVisits', '就诊信息查询', { inputNode: 'data' }),
  '5202': T('queryDiagnoses', '诊断信息查询', { inputNode: 'data' }),
  '5203': T('querySettlements', '结算信息查询', { inputNode: 'data' }),
  '5204': T('queryFeeDetails', '费用明细查询', { inputNode: 'data' }),
  '5205': T('queryChronicDrugs', '人员慢特病用药记录查询', { inputNode: 'data' }),
  '5206': T('queryAccumulators', '人员累计信息查询', { inputNode: 'data' }),
  '5301': T('queryChronicFilings', '人员慢特病备案查询', { inputNode: 'data' }),
  '5302': T('queryDesignated', '人员定点信息查询', { inputNode: 'data' }),
  '5303': T('queryInHospital', '在院信息查询', { inputNode: 'data' }),
  '5304': T('queryTransfers', '转院信息查询', { inputNode: 'data' }),
  '9101': T('fileUpload', '文件上传', { inputNode: 'fsUploadIn' }),
  '9102': T('fileDownload', '文件下载', { inputNode: 'fsDownloadIn' }),
};

/** Catalog downloads 1301-1319 (file via 9102 for the "下载" ones, direct rows for the "查询" ones). */
export const CATALOGS: Record<string, { name: string; file: boolean }> = {
  '1301': { name: '西药中成药目录下载', file: true },
  '1302': { name: '中药饮片目录下载', file: true },
  '1303': { name: '医疗机构制剂目录下载', file: true },
  '1304': { name: '民族药品目录查询', file: false },
  '1305': { name: '医疗服务项目目录下载', file: true },
  '1306': { name: '医用耗材目录下载', file: true },
  '1307': { name: '疾病与诊断目录下载', file: true },
  '1308': { name: '手术操作目录下载', file: true },
  '1309': { name: '门诊慢特病种目录下载', file: true },
  '1310': { name: '按病种付费病种目录下载', file: true },
  '1311': { name: '日间手术治疗病种目录下载', file: true },
  '1312': { name: '医保目录信息查询', file: false },
  '1313': { name: '肿瘤形态学目录下载', file: true },
  '1314': { name: '中医疾病目录下载', file: true },
  '1315': { name: '中医证候目录下载', file: true },
  '1316': { name: '医疗目录与医保目录匹配信息查询', file: false },
  '1317': { name: '医药机构目录匹配信息查询', file: false },
  '1318': { name: '医保目录限价信息查询', file: false },
  '1319': { name: '医保目录先自付比例信息查询', file: false },
};
for (const [infno, c] of Object.entries(CATALOGS)) NATIONAL_TRANSACTIONS[infno] = T('catalog', c.name, { inputNode: 'data' });

/** Sichuan 两定 extension: A-variants and S/Z transactions (seed 003). */
export const SICHUAN_TRANSACTIONS: Record<string, TransactionSpec> = {
  ...NATIONAL_TRANSACTIONS,
  '2101A': T('pharmacyPresettle', '药店预结算 A', { inputNode: 'data', variantOf: '2101' }),
  '2102A': T('pharmacySettle', '药店结算 A', { inputNode: 'data', money: true, reversible: true, variantOf: '2102' }),
  '2203A': T('uploadVisit', '门诊就诊信息上传 A', { variantOf: '2203' }),
  '2206A': T('presettle', '门诊预结算 A', { inputNode: 'data', variantOf: '2206' }),
  '2207A': T('settle', '门诊结算 A', { inputNode: 'data', money: true, reversible: true, variantOf: '2207' }),
  '2303A': T('inpatientPresettle', '住院预结算 A', { inputNode: 'data', variantOf: '2303' }),
  '2304A': T('inpatientSettle', '住院结算 A', { inputNode: 'data', money: true, reversible: true, variantOf: '2304' }),
  '2501A': T('fileTransfer', '转院备案 A', { inputNode: 'refmedin', variantOf: '2501' }),
  '4101A': T('settlementList', '医疗保障基金结算清单信息上传 A', { variantOf: '4101' }),
  S3601: T('regional', '结算单数据获取', { inputNode: 'data' }),
  Z1101: T('regional', '城乡两病备案', { inputNode: 'data' }),
  Z1102: T('regional', '城乡两病申请撤销', { inputNode: 'data' }),
  S3301: T('regional', '财政电子票据信息上传', { inputNode: 'data' }),
  S3302: T('regional', '财政电子票据信息查询', { inputNode: 'data' }),
  S3701: T('regional', '门慢门特处方上传', { inputNode: 'data' }),
  S3702: T('regional', '门慢血透指标上传', { inputNode: 'data' }),
  S5201: T('regional', '门慢门特处方查询', { inputNode: 'data' }),
  S3901: T('regional', '无密码结算申请', { inputNode: 'data' }),
  S5901: T('regional', '无密码结算申请查询', { inputNode: 'data' }),
};

/** Policy of the Sichuan sandbox (test values, documented; a real center configures its own). */
export const SICHUAN_SANDBOX_POLICY = {
  outpatient: {
    '310': { insutype: '310', med_type: '11', dedc_std_fen: 20000, dedc_scope: 'annual', pool_ratio: '0.50', pool_annual_cap_fen: 200000, big: null, serious_illness: null, civil_servant: { ratio: '0.10' }, medical_aid: null, acct_scope: 'psn_part' },
    '390': { insutype: '390', med_type: '11', dedc_std_fen: 0, dedc_scope: 'annual', pool_ratio: '0.60', pool_annual_cap_fen: 20000, big: null, serious_illness: null, civil_servant: null, medical_aid: { ratio: '0.50', annual_cap_fen: 1000000 }, acct_scope: 'psn_part' },
  },
  inpatient: {
    '310': { insutype: '310', med_type: '21', dedc_std_fen: 80000, dedc_scope: 'per_visit', pool_ratio: '0.85', pool_annual_cap_fen: 10000000, big: { ratio: '0.90', annual_cap_fen: 40000000 }, serious_illness: null, civil_servant: { ratio: '0.10' }, medical_aid: null, acct_scope: 'psn_part' },
    '390': { insutype: '390', med_type: '21', dedc_std_fen: 50000, dedc_scope: 'per_visit', pool_ratio: '0.68', pool_annual_cap_fen: 24000000, big: null, serious_illness: { threshold_fen: 1800000, annual_cap_fen: 40000000, segments: [{ upto_fen: 6800000, ratio: '0.60' }, { upto_fen: 11800000, ratio: '0.70' }, { upto_fen: null, ratio: '0.80' }] }, civil_servant: null, medical_aid: { ratio: '0.50', annual_cap_fen: 1000000 }, acct_scope: 'psn_part' },
  },
} as const;

export const SICHUAN_MANIFEST: PluginManifest = {
  id: 'sichuan',
  name: '四川省医疗保障信息平台（国家基线版 + 两定扩展交易）',
  admdvs: '510000',
  family: 'national-json',
  version: '1.0.0',
  transactions: SICHUAN_TRANSACTIONS,
  envelope: { recer_sys_code: 'YBXT', infver: 'V1.0', opter_type: '1', dev_no: '', signtype: '' },
  transport: {
    path: '/fsi/api/rsfComIfsService/callService',
    contentType: 'application/json;charset=utf-8',
    signing: 'none',
    timeoutMs: 30000,
    uploadStyle: 'multipart',
  },
  capabilities: { preferAVariants: true, multiBill: true, reversal: true, fileUpload: true, fileDownload: true, catalogs: true },
  quirks: {
    infcode: 'number or string; 0 = success',
    insuinfo: 'array in real replies, object in the spec example',
    amounts: 'JSON numbers with 2 decimals on the wire, fen inside yibao',
    catalog_file: 'zip with one UTF-8 TXT, TAB separated, literal "null" for missing values',
  },
  sandboxPolicy: SICHUAN_SANDBOX_POLICY,
};
