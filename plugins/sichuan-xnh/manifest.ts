// Manifest of the Sichuan 新农合 HIS interface V3.0 plugin (SOAP / ASMX web service). The public text gives
// the function signatures only; everything else here is configuration with a documented default (README.md
// "Configuration because the public specification is silent"), overridable per deployment.
import type { CanonicalOp, PluginManifest, TransactionSpec } from '../contract.js';
import { XNH_CLASSES, XNH_FUNCTIONS, type XnhField, type XnhFunction, type XnhService } from './spec.js';

export interface XnhServiceConfig {
  /** path of the .asmx under the base URL (or an absolute URL) */
  path: string;
  /** XML namespace of the body elements (ASMX default http://tempuri.org/) */
  ns: string;
  version: '1.1' | '1.2';
}

/** Code values the public text does not give (defaults documented in README.md). */
export interface XnhCodes {
  /** QueryPersoninfo QUERYCONDITION per key kind */
  personQuery: { personCode: string; idCard: string; familyCode: string; name: string };
  /** 门诊统筹 status values: 登记 (registered, unconfirmed), 确认, 删除, 红冲 */
  mztczStatus: { registered: string; confirmed: string; deleted: string; reversed: string; all: string };
  /** MZTCZLoginInt choose: a new record, or re-entry after a 红冲 (with hcmztczID) */
  loginChoose: { new: number; reentry: number };
  /** QueryBC choose */
  bcChoose: { summary: number; detail: number; both: number };
  /** 清单 大类别 (DLB) of the three catalogues */
  dlb: { med: string; sw: string; item: string };
  /** 就诊类型 (JZTYPE) by national med_type; `default` when absent */
  jztype: Record<string, string>;
  /** 入院状态 (RYSTATUS) default: 1 一般 */
  rystatus: string;
  /** 出院转归 (cyZtbm) by national dscg_way; `default` when absent */
  cyZtbm: Record<string, string>;
  /** 性别 values of PersonInfo.SEX → national gend */
  sex: Record<string, '1' | '2'>;
  /** PersonInfo.STATUS value of a valid 参合 */
  personValid: string;
}

export interface XnhConfig {
  services: Record<XnhService, XnhServiceConfig>;
  /** SOAPAction template: `{ns}` and `{method}` (ASMX: namespace + method name) */
  soapAction: string;
  functions: Record<string, XnhFunction>;
  classes: Record<string, XnhField[]>;
  /** type names of the signatures that name a class differently (`jb` → JB, `MZTCZ.MZTCZInfo` → MZTCZInfo) */
  typeAliases: Record<string, string>;
  /** item element of an array of this (resolved) type; default: class name, or int/string/decimal/dateTime/boolean */
  arrayItems: Record<string, string>;
  codes: XnhCodes;
  /** negative 清单 quantities (负数冲帐): 'send' = as 清单 lines with a negative count; 'refuse' = BAD_INPUT */
  negativeQuantity: 'send' | 'refuse';
  /** the 清单 write used by uploadInpatientFees; lines per call */
  qdWrite: 'WriteQD1' | 'WriteQD2';
  qdBatch: number;
  /** catalogue downloads used for 对码 (QueryItem1 is paged: FAQ 3 "诊疗项目对码表下载失败") */
  catalog: { med: 'QueryMed' | 'QueryMed1'; sw: 'QuerySW' | 'QuerySW1'; item: 'QueryItem' | 'QueryItem1' };
  /** the national insutype 新农合 persons are reported as (居民) */
  insutype: string;
}

export interface XnhManifest extends PluginManifest {
  xnh: XnhConfig;
}

export const XNH_DEFAULT_CONFIG: XnhConfig = {
  services: {
    main: { path: '/XNHService.asmx', ns: 'http://tempuri.org/', version: '1.1' },
    mztcz: { path: '/MZTCZService.asmx', ns: 'http://tempuri.org/', version: '1.1' },
  },
  soapAction: '{ns}{method}',
  functions: XNH_FUNCTIONS,
  classes: XNH_CLASSES,
  typeAliases: { jb: 'JB', 'MZTCZ.MZTCZInfo': 'MZTCZInfo' },
  arrayItems: {},
  codes: {
    personQuery: { personCode: 'PERSONCODE', idCard: 'IDCARD', familyCode: 'FAMILYCODE', name: 'NAME' },
    mztczStatus: { registered: '0', confirmed: '1', deleted: '2', reversed: '3', all: '' },
    loginChoose: { new: 0, reentry: 1 },
    bcChoose: { summary: 0, detail: 1, both: 2 },
    dlb: { med: '1', sw: '2', item: '3' },
    jztype: { default: '1', '21': '1', '22': '2', '23': '3' },
    rystatus: '1',
    cyZtbm: { default: '2', '1': '1', '2': '2', '3': '3', '4': '4', '9': '9' },
    sex: { '1': '1', '2': '2', 男: '1', 女: '2' },
    personValid: '1',
  },
  negativeQuantity: 'send',
  qdWrite: 'WriteQD1',
  qdBatch: 50,
  catalog: { med: 'QueryMed', sw: 'QuerySW', item: 'QueryItem1' },
  insutype: '390',
};

const OPS: Record<string, CanonicalOp> = {
  CheckDB: 'regional', CheckHosAccredit1: 'institutionInfo', CheckUser: 'signIn', CheckMed: 'treatmentCheck', CheckSW: 'treatmentCheck',
  CheckItem: 'treatmentCheck', CheckPersonCode: 'regional', IsPatient1: 'queryInHospital', QueryPersoninfo: 'identify', QueryMed: 'catalog',
  QuerySW: 'catalog', QueryItem: 'catalog', QueryUsersTable: 'regional', WriteQD1: 'uploadInpatientFees', WriteQD2: 'uploadInpatientFees',
  ModifyQD1: 'regional', ModifyQD2: 'regional', DeleteQD1: 'cancelInpatientFees', DeleteQD2: 'cancelInpatientFees', QueryQD: 'queryFeeDetails',
  QueryBC: 'querySettlements', QueryItem1: 'catalog', QueryMed1: 'catalog', QuerySW1: 'catalog', ModifyRYTime: 'updateAdmission',
  ModifyCYTime: 'updateAdmission', RYHandle: 'admit', CYBL: 'discharge', ModifyRY: 'updateAdmission', IsPatient2: 'queryInHospital',
  DeleteQD3: 'cancelInpatientFees', QuerySystemTime: 'regional', QueryJBBM: 'dictionary', QueryYYKS: 'dictionary', MZTCZLoginInt: 'settle',
  MZTCZSureInt: 'regional', MZTCZDeleteInt: 'cancelSettle', MZTCZHCInt: 'reverse', QueryMZTCInfo1: 'queryVisits', QueryMZTCInfo2: 'queryVisits',
  QueryMZTCInfo3: 'queryVisits',
};

/** Canonical operations served by a function whose own op is another one. */
export const XNH_CANONICAL_ALIASES: Partial<Record<CanonicalOp, string>> = {
  presettle: 'MZTCZLoginInt', register: 'MZTCZLoginInt', uploadFees: 'MZTCZLoginInt', inpatientSettle: 'QueryBC', inpatientPresettle: 'QueryQD',
  cancelInpatientSettle: 'ModifyRY', cancelFees: 'MZTCZDeleteInt',
};

/** Functions that move money: LoginInt registers a 补偿 (pending), SureInt confirms it, DeleteInt drops it, HCInt reverses it; CYBL triggers the 住院 补偿. */
const MONEY = new Set(['MZTCZLoginInt', 'MZTCZSureInt', 'MZTCZDeleteInt', 'MZTCZHCInt', 'CYBL']);

export const XNH_TRANSACTIONS: Record<string, TransactionSpec> = Object.fromEntries(
  Object.entries(XNH_FUNCTIONS).map(([name, fn]) => [
    name,
    { op: OPS[name] ?? 'regional', name: `${fn.part}${fn.no} ${fn.zh}`, ...(MONEY.has(name) ? { money: true } : {}), ...(name === 'MZTCZLoginInt' ? { reversible: true } : {}) } satisfies TransactionSpec,
  ]),
);

export const SICHUAN_XNH_MANIFEST: XnhManifest = {
  id: 'sichuan-xnh',
  name: '四川省新型农村合作医疗信息系统 HIS接口规范 V3.0（Web Service）',
  admdvs: '510000',
  family: 'soap',
  version: '3.0',
  transactions: XNH_TRANSACTIONS,
  // not a national envelope: the identity is HACCCODE (医院授权码) + UID per call, from configuration
  envelope: { recer_sys_code: '', infver: 'V3.0', opter_type: '1' },
  transport: { path: '/XNHService.asmx', contentType: 'text/xml; charset=utf-8', signing: 'none', timeoutMs: 30000, uploadStyle: 'json-base64' },
  capabilities: { preferAVariants: false, multiBill: false, reversal: true, fileUpload: false, fileDownload: false, catalogs: true },
  quirks: {
    transport: '.NET ASMX web service, SOAP 1.1 document/literal, UTF-8 declared and sent (FAQ 4 "????????" = GBK bytes under a UTF-8 declaration)',
    identity: 'HACCCODE (医院授权码) + UID (操作员) in the parameters or in ValidateInfoClass vinfo; from configuration / YIBAO_SCXNH_HACCCODE, YIBAO_SCXNH_UID',
    classes: 'class fields are not public: manifest xnh.classes (defaults in spec.ts), return types xnh.functions[..].returns',
    inpatient: '入院 RYHandle → 每日清单 WriteQD1/WriteQD2 (农合 qdid stored per HIS hqdid) → 出院 CYBL; the 补偿 is computed by the 新农合 system and read with QueryBC (choose 1)',
    outpatient: '门诊统筹 MZTCZLoginInt (register + compute, unconfirmed) → MZTCZSureInt, or MZTCZDeleteInt; MZTCZHCInt 红冲 a confirmed one; re-entry with choose=1 + hcmztczID',
    uncertain: 'an unanswered LoginInt/SureInt is found with QueryMZTCInfo3(personCode, status) by the HIS 门诊号 (MZH) and confirmed or deleted (recoverMztcz)',
    price_control: 'CheckMed / CheckSW / CheckItem before every 清单 line; a price above the 农合 限价 needs ADDPRICEREASON (CheckItem) or is refused',
    services: '门诊统筹 (MZTCZ.* types) on a second .asmx: xnh.services.mztcz',
    money: 'decimal text on the wire (invariant culture, two places), integer fen inside yibao; never a binary float',
  },
  sandboxPolicy: undefined,
  xnh: XNH_DEFAULT_CONFIG,
  soap: Object.fromEntries(Object.entries(XNH_DEFAULT_CONFIG.services).map(([k, v]) => [k, { ...v, action: XNH_DEFAULT_CONFIG.soapAction }])),
};

/** Deep-enough merge of a deployment's overrides over the default configuration. */
export function xnhConfig(over: Partial<XnhConfig> = {}): XnhConfig {
  const d = XNH_DEFAULT_CONFIG;
  return {
    ...d,
    ...over,
    services: { main: { ...d.services.main, ...over.services?.main }, mztcz: { ...d.services.mztcz, ...over.services?.mztcz } },
    functions: { ...d.functions, ...over.functions },
    classes: { ...d.classes, ...over.classes },
    typeAliases: { ...d.typeAliases, ...over.typeAliases },
    arrayItems: { ...d.arrayItems, ...over.arrayItems },
    codes: { ...d.codes, ...over.codes },
    catalog: { ...d.catalog, ...over.catalog },
  };
}
