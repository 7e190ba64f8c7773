// Manifest of the Chengdu plugin: 成都市基本医疗保险支付接口 V5.0 (银海 Yinhai, `YinHai.ChenDu.Interface`),
// transactions from the seed (001, 变更说明 2009–2016) and wire-formats §2.4, canonical operations in the
// national vocabulary, the exact `yh_interface_*` prototypes for the bridge, and the sandbox policy.
import type { PluginManifest, TransactionSpec } from '../contract.js';
import { SICHUAN_SANDBOX_POLICY } from '../national/manifest.js';

const T = (op: TransactionSpec['op'], name: string, more: Partial<TransactionSpec> = {}): TransactionSpec => ({ op, name, ...more });
const R = (name: string, more: Partial<TransactionSpec> = {}): TransactionSpec => T('regional', name, more);

/**
 * Transactions. `money` = moves money (journaled; two-phase: call leaves it uncertain, confirm/cancel
 * decide). `[?]` in a name marks a mapping inferred from the change log, not from a published XML.
 */
export const CHENGDU_TRANSACTIONS: Record<string, TransactionSpec> = {
  '03': T('identify', '读卡/身份识别'),
  '05': T('signIn', '签到'),
  '06': T('signOut', '签退'),
  '08': R('签到状态查询 [?]'),
  '11': T('settle', '门诊结算', { money: true }),
  '12': T('cancelSettle', '门诊结算回退', { money: true }),
  '14A': R('门特登记 [?]'),
  '14B': R('门特登记回退 [?]'),
  '16': T('queryChronicFilings', '门特申请查询'),
  '17': R('门特信息查询 [?]'),
  '20': R('新门特医院结算 [?]', { money: true }),
  '20A': R('新门特医院结算回退 [?]', { money: true }),
  '21': T('admit', '入院登记'),
  '22': T('cancelAdmission', '取消入院登记'),
  '23': T('updateAdmission', '修改入院登记'),
  '25': T('discharge', '离院办理'),
  '26': T('cancelDischarge', '取消离院办理'),
  '28A': R('住院信息查询 [?]'),
  '28B': R('门诊信息查询 [?]'),
  '30': T('queryAccumulators', '查询住院和门诊统筹支付限额和不支付原因'),
  '31': R('医嘱信息上传'),
  '31A': R('医嘱信息上传（扩展A）'),
  '31B': R('医嘱信息上传（扩展B）'),
  '31C': R('医嘱信息上传（扩展C）'),
  '31D': R('医嘱信息上传（扩展D）'),
  '34': T('queryFeeDetails', '费用明细查询（含医嘱） [?]'),
  '41': T('uploadInpatientFees', '住院明细上传（数量可为负数冲减）'),
  '42': T('cancelInpatientSettle', '出院结算回退 [?]', { money: true }),
  '42A': R('住院结算相关交易42A [?]'),
  '42B': R('住院结算相关交易42B [?]'),
  '42C': R('住院结算相关交易42C [?]'),
  '43': T('cancelInpatientFees', '住院和门诊费用明细退单'),
  '52': T('inpatientSettle', '出院结算（control <print>1</print> = 预结算单，aint_appcode 总是小于零）', { money: true }),
  '55': R('医保基金详单打印（门诊结算打印）'),
  '71': R('清算申请'),
  '91': T('catalog', '服务项目目录下载'),
  '92': T('catalog', 'ICD-10 下载'),
  '93': T('dictionary', '数据编码下载'),
  '100': R('医院医保信息新增申请'),
  '101': R('医院医保信息停用申请'),
  '102': T('institutionInfo', '医院医保信息查询'),
  '103': R('药品新增申请'),
  '104': R('医院药品对码'),
  '105': R('医院药品停用申请'),
  '106': R('医院医保药品目录查询'),
  '107': R('药品基本信息查询'),
  '108': R('挂号费项目查询'),
  '110': T('register', '门诊挂号', { money: true }),
  '111': T('uploadFees', '门诊明细上传'),
  '118': R('单病种编码、ICD码和手术信息查询'),
  '120': T('fileChronic', '特种病（病种）认定'),
  '121': R('一般诊疗费置标'),
  '122': R('病种认定查询'),
  '123': R('工伤康复住院上传治疗方案'),
  '124': R('工伤康复住院撤消治疗方案'),
  '127': R('交易127 [?]'),
  '128': R('交易128 [?]'),
  '129': R('交易129 [?]'),
  '130': R('交易130 [?]'),
  '131': R('交易131 [?]'),
  '132': R('诊疗使用设备编码上传'),
  '135': R('酪氨酸激酶抑制剂认定申请'),
  '136': R('酪氨酸激酶抑制剂认定复核结果查询'),
  '137': R('酪氨酸激酶抑制剂方案申请'),
  '137A': R('酪氨酸激酶抑制剂方案申请回退'),
  '137B': R('酪氨酸激酶抑制剂就诊登记'),
  '137E': R('酪氨酸激酶抑制剂就诊登记回退'),
  '138': R('酪氨酸激酶抑制剂结算', { money: true }),
  '139': R('酪氨酸激酶抑制剂结算回退', { money: true }),
  '140': R('酪氨酸激酶抑制剂方案变更申请'),
  YD11: R('异地门诊结算', { money: true }),
  YD12: R('异地结算回退', { money: true }),
};

/**
 * Transactions that change center state and therefore come back UNCERTAIN from yh_interface_call (with
 * astr_jylsh, plus astr_jyyzm when money moves) and must be confirmed or cancelled (wire-formats §2.6).
 * Queries, sign-in/out, downloads and prints are not two-phase.
 */
export const CHENGDU_TWO_PHASE = new Set(['11', '12', '14A', '14B', '20', '20A', '21', '22', '23', '25', '26', '31', '31A', '31B', '31C', '31D', '41', '42', '43', '52', '110', '111', '120', '121', '123', '124', '137', '137A', '137B', '137E', '138', '139', '140', 'YD11', 'YD12']);

/**
 * Transactions whose control XML carries `<edition>5.0</edition>`: the 2014-09-01 change names 11, 111, 21,
 * 23, 25 "等"; wire-formats §2.5 adds 110. The real 52 control sample has none, so 52 does not get one.
 */
export const CHENGDU_EDITION_TRANSACTIONS = new Set(['11', '21', '23', '25', '110', '111']);

/**
 * The exact `yh_interface_*` argument lists (wire-formats §2.1) as koffi prototypes. PowerBuilder
 * `ref long` is a 32-bit int*, `ref string` a caller-allocated char buffer; all text is GBK.
 */
export const YINHAI_PROTOTYPES = {
  yh_interface_init: 'void __stdcall yh_interface_init(int* aint_appcode, char* astr_appmsg)',
  yh_interface_init2: 'void __stdcall yh_interface_init2(const char* astr_parmxml, int* aint_appcode, char* astr_appmsg)',
  yh_interface_destroy: 'void __stdcall yh_interface_destroy(void)',
  yh_interface_call:
    'void __stdcall yh_interface_call(const char* astr_jybh, const char* astr_jykz_xml, const char* astr_jysr_xml, char* astr_pcbh, char* astr_jylsh, char* astr_jyyzm, char* astr_jysc_xml, int* aint_appcode, char* astr_appmsg)',
  yh_interface_confirm: 'void __stdcall yh_interface_confirm(const char* astr_jylsh, const char* astr_jyyzm, int* aint_appcode, char* astr_appmsg)',
  yh_interface_cancel: 'void __stdcall yh_interface_cancel(const char* astr_jylsh, int* aint_appcode, char* astr_appmsg)',
  yh_interface_getuncertaintytrade: 'void __stdcall yh_interface_getuncertaintytrade(const char* astr_jybh, char* astr_jgxml, int* aint_appcode, char* astr_appmsg)',
} as const;

/** Sizes of the caller-allocated out buffers (bytes). The emulator refuses to write past them. */
export const YINHAI_BUFFERS = { id: 64, msg: 4096, xml: 1 << 20 } as const;

/** Sandbox policy (test values, the same as the Sichuan sandbox: the same bill settles to the same fen). */
export const CHENGDU_SANDBOX_POLICY = SICHUAN_SANDBOX_POLICY;

export const CHENGDU_MANIFEST: PluginManifest = {
  id: 'chengdu',
  name: '成都市基本医疗保险支付接口（银海 5.0）',
  admdvs: '510100',
  family: 'yinhai-xml',
  version: '5.0.0',
  transactions: CHENGDU_TRANSACTIONS,
  // the national envelope does not exist here: the control XML plays its role
  envelope: { recer_sys_code: '', infver: '5.0', opter_type: '1' },
  transport: { path: 'yh_interface_call', contentType: 'application/xml;charset=GBK', signing: 'none', timeoutMs: 60000, uploadStyle: 'json-base64' },
  capabilities: { preferAVariants: false, multiBill: false, reversal: false, fileUpload: false, fileDownload: false, catalogs: true },
  quirks: {
    transport: 'in-process 32-bit COM/DLL (ProgID YinHai.ChenDu.Interface) driven through legacy-com-bridge; yh_interface_init before anything else',
    encoding: 'GBK everywhere: control, input and output XML and astr_appmsg',
    appcode: 'aint_appcode >= 0 is success (typically 1), < 0 failure with the text in astr_appmsg; an empty astr_jysc_xml on a business call is a failure',
    two_phase: 'state-changing calls return astr_jylsh (+ astr_jyyzm when money moves) and stay uncertain until yh_interface_confirm(jylsh, jyyzm) or yh_interface_cancel(jylsh); yh_interface_getuncertaintytrade(jybh) lists the open ones',
    pcbh: 'astr_pcbh is the batch number issued by 05 签到 (yke189)',
    edition: '<edition>5.0</edition> in the control XML of 11, 111, 21, 23, 25 … (2014-09-01)',
    rows: 'lists are containers of <row>; empty elements are written <x></x>',
    print_52: '52 with <print>1</print> is the 预结算单 (pre-settlement): aint_appcode is always < 0 although the output is valid',
    sign_in_guard: 'only 05/06/08 may be called before sign-in',
    amounts: 'decimal text, 2 or 4 places (3.00, 3.0000); fen inside yibao',
  },
  sandboxPolicy: CHENGDU_SANDBOX_POLICY,
};
