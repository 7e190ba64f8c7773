// The interfaces of 柳州市新农合管理信息系统与医院HIS系统对接接口技术方案 (seed 004,
// ../shared/conformance/samples/ws/liuzhou-xnh/INTERFACES_FROM_SEED.tsv): codes, parameters in their printed
// order (Chinese names exactly as printed), return convention, provider and caller, permission letter.
// The SOAP element names of the parameters are NOT public: see params.ts (configuration with a default).

/** 访问权限 letters (seed 004): which interface a user may call. */
export const PERMISSION_LETTERS = {
  A: '用户增加接口',
  B: '用户删除接口',
  C: '药品目录接口',
  D: '诊疗目录接口',
  E: '参合人员信息接口',
  F: '门诊结算接口',
  G: '门诊结算退费接口',
  H: '住院登记接口',
  I: '住院结算接口',
  J: '住院结算退费接口',
} as const;

export type PermissionLetter = keyof typeof PERMISSION_LETTERS;
export const LETTERS = Object.keys(PERMISSION_LETTERS) as PermissionLetter[];

/** One parameter: its printed Chinese name; `dataset` = a .NET DataSet (kind names the schema in schema.ts). */
export interface ParamSpec {
  /** the name as printed in the seed (also the key of the digest's covered values) */
  zh: string;
  /** DataSet parameter: the schema it carries */
  dataset?: DataSetKind;
  /** the 消息摘要 itself */
  digest?: true;
  /** a password (never logged) */
  secret?: true;
}

export type DataSetKind = 'ypml' | 'zlml' | 'chry' | 'mzjsMain' | 'mzjsDetail' | 'mzjsResult' | 'zydj' | 'zysjcx' | 'zyjsMain' | 'zyjsDetail';

export type InterfaceCode = 'yhklxgjk' | 'Yhzjjk' | 'Yhscjk' | 'ypmljk' | 'zlmljk' | 'chryxxjk' | 'mzjsjk' | 'mzjstfjk' | 'zydjjk' | 'zysjcxjk' | 'zyjsjk' | 'zyjstfjk';

export interface InterfaceSpec {
  code: InterfaceCode;
  /** 功能 */
  name: string;
  params: ParamSpec[];
  /** string: "" = success, text = the failure message; dataset: a DataSet, null = failure (no reason) */
  returns: { kind: 'string' } | { kind: 'dataset'; dataset: DataSetKind };
  /** 提供方: 农合 (the center), 医院 (the HIS hosts it), 双方 (both) */
  provider: '农合' | '医院' | '双方';
  caller: '农合' | '医院' | '双方';
  /** the 访问权限 letter a caller needs (none for 口令修改 and 住院数据查询, see the README) */
  letter?: PermissionLetter;
  /** moves money: an unanswered call cannot be resolved by the protocol (no query interface) */
  money?: true;
  /** not in the seed's table (J's interface): only when configured */
  guessed?: true;
  /** 说明 / 备注 */
  note: string;
}

const P = (zh: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({ zh, ...extra });
const HOSP = P('医院代码');
const USER = P('用户');
const PASS = P('口令', { secret: true });
const DIGEST = P('消息摘要', { digest: true });

export const INTERFACES: Record<InterfaceCode, InterfaceSpec> = {
  yhklxgjk: {
    code: 'yhklxgjk', name: '用户口令修改', params: [HOSP, USER, P('原口令', { secret: true }), P('新口令', { secret: true }), DIGEST],
    returns: { kind: 'string' }, provider: '双方', caller: '双方', note: '修改Web Service提供方管理的用户口令；新旧口令应不一致，且符合对方要求的口令强度',
  },
  Yhzjjk: {
    code: 'Yhzjjk', name: '用户增加',
    params: [HOSP, P('发起用户'), P('发起用户口令', { secret: true }), P('新增用户'), P('新增用户口令', { secret: true }), P('允许访问IP地址'), P('访问权限'), DIGEST],
    returns: { kind: 'string' }, provider: '双方', caller: '双方', letter: 'A', note: '增加用户后，需要Web Service提供方进行相应授权才能正常使用；访问权限 = 权限字符组合 A–J',
  },
  Yhscjk: {
    code: 'Yhscjk', name: '用户删除', params: [HOSP, P('发起用户'), P('发起用户口令', { secret: true }), P('删除用户'), DIGEST],
    returns: { kind: 'string' }, provider: '双方', caller: '双方', letter: 'B', note: '只有有权用户才允许发起增加或删除用户申请',
  },
  ypmljk: {
    code: 'ypmljk', name: '药品目录', params: [HOSP, USER, PASS, P('药品目录数据', { dataset: 'ypml' }), DIGEST],
    returns: { kind: 'string' }, provider: '农合', caller: '医院', letter: 'C', note: '协调农合系统与医院系统药品目录字典的对应关系；医院系统在增加、删除、修改时调用',
  },
  zlmljk: {
    code: 'zlmljk', name: '诊疗目录', params: [HOSP, USER, PASS, P('诊疗目录数据', { dataset: 'zlml' }), DIGEST],
    returns: { kind: 'string' }, provider: '农合', caller: '医院', letter: 'D', note: '协调农合系统与医院系统诊疗目录字典的对应关系；医院系统在增加、删除、修改时调用',
  },
  chryxxjk: {
    code: 'chryxxjk', name: '参合人员信息', params: [HOSP, USER, PASS, P('参合证号'), DIGEST],
    returns: { kind: 'dataset', dataset: 'chry' }, provider: '农合', caller: '医院', letter: 'E', note: '获取参合人员基本信息',
  },
  mzjsjk: {
    code: 'mzjsjk', name: '门诊结算',
    params: [HOSP, USER, PASS, P('结算数据(主记录)', { dataset: 'mzjsMain' }), P('结算数据(明细记录)', { dataset: 'mzjsDetail' }), DIGEST],
    returns: { kind: 'dataset', dataset: 'mzjsResult' }, provider: '农合', caller: '医院', letter: 'F', money: true, note: '向农合系统传送门诊结算数据；医院系统完成门诊结算前调用',
  },
  mzjstfjk: {
    code: 'mzjstfjk', name: '门诊结算退费', params: [HOSP, USER, PASS, P('门诊编号'), DIGEST],
    returns: { kind: 'string' }, provider: '农合', caller: '医院', letter: 'G', money: true, note: '医院系统需要发起门诊结算退费申请时调用',
  },
  zydjjk: {
    code: 'zydjjk', name: '住院登记', params: [HOSP, USER, PASS, P('入院登记数据', { dataset: 'zydj' }), DIGEST],
    returns: { kind: 'string' }, provider: '农合', caller: '医院', letter: 'H', note: '医院系统完成入院登记后调用',
  },
  zysjcxjk: {
    code: 'zysjcxjk', name: '住院数据查询', params: [USER, PASS, P('住院编号'), DIGEST],
    returns: { kind: 'dataset', dataset: 'zysjcx' }, provider: '医院', caller: '农合', note: '农合系统根据需要有权实时查看参保人员住院期间的相关数据（医院提供，无医院代码参数）',
  },
  zyjsjk: {
    code: 'zyjsjk', name: '住院结算',
    params: [HOSP, USER, PASS, P('结算数据(主记录)', { dataset: 'zyjsMain' }), P('结算数据(明细记录)', { dataset: 'zyjsDetail' }), DIGEST],
    returns: { kind: 'string' }, provider: '农合', caller: '医院', letter: 'I', money: true, note: '向农合系统传送住院结算数据；医院系统完成出院结算后调用',
  },
  zyjstfjk: {
    code: 'zyjstfjk', name: '住院结算退费', params: [HOSP, USER, PASS, P('住院编号'), DIGEST],
    returns: { kind: 'string' }, provider: '农合', caller: '医院', letter: 'J', money: true, guessed: true,
    note: '权限 J 指向的住院结算退费接口不在公开表中：接口名与参数为推测（与门诊结算退费对称），只在配置启用时使用',
  },
};

/** The 11 interfaces of the seed (without the guessed J interface). */
export const SEED_INTERFACES: InterfaceCode[] = ['yhklxgjk', 'Yhzjjk', 'Yhscjk', 'ypmljk', 'zlmljk', 'chryxxjk', 'mzjsjk', 'mzjstfjk', 'zydjjk', 'zysjcxjk', 'zyjsjk'];

/** Interfaces the 农合 center provides (its sandbox serves them). */
export const CENTER_INTERFACES: InterfaceCode[] = ['yhklxgjk', 'Yhzjjk', 'Yhscjk', 'ypmljk', 'zlmljk', 'chryxxjk', 'mzjsjk', 'mzjstfjk', 'zydjjk', 'zyjsjk'];

/** Interfaces the hospital hosts (the server role). */
export const HOSPITAL_INTERFACES: InterfaceCode[] = ['zysjcxjk', 'yhklxgjk', 'Yhzjjk', 'Yhscjk'];

export function interfaceSpec(code: string): InterfaceSpec {
  const s = (INTERFACES as Record<string, InterfaceSpec | undefined>)[code];
  if (!s) throw new Error(`unknown Liuzhou interface ${code}`);
  return s;
}
