// 四川省新型农村合作医疗信息系统 HIS接口规范 V3.0 (四川省卫生信息中心, 2013-05-15): the functions with their
// exact parameter names, order and C# types as printed in the specification's table of contents (seed 001;
// ../shared/conformance/samples/ws/sichuan-xnh/SIGNATURES_FROM_SEED.txt), and DEFAULTS for what the public
// text does not give: return types and the fields of every class. Those defaults are manifest
// configuration (manifest.ts `xnh.classes` / `xnh.functions[..].returns`), listed in README.md.

/** C# scalar types of the signatures (+ bool for the class fields). */
export type XnhScalar = 'string' | 'int' | 'decimal' | 'DateTime' | 'bool';

/**
 * A type: a scalar, a class name, or either with `[]` (an array: a wrapper element holding one item
 * element per entry, named after the item type: `int`, `string`, `decimal`, `dateTime`, `boolean`, or the class).
 */
export type XnhType = string;

export interface XnhParam {
  /** the C# parameter name = the element name on the wire (exact, case-sensitive) */
  name: string;
  type: XnhType;
}

export type XnhService = 'main' | 'mztcz';

export interface XnhFunction {
  /** number in the specification's list (住院 1–31, 门诊统筹 1–10) */
  no: number;
  part: '住院' | '门诊统筹';
  /** 中文 role (from the document's chapter names and the function name; see README) */
  zh: string;
  params: XnhParam[];
  /** return type: NOT public — default guessed, configuration */
  returns: XnhType;
  /** which .asmx serves it (门诊统筹 `MZTCZ.*` types suggest a second service: configuration) */
  service: XnhService;
}

const p = (spec: string): XnhParam[] =>
  spec
    ? spec.split(',').map((s) => {
        const [type, name] = s.trim().split(/\s+/) as [string, string];
        return { type, name };
      })
    : [];

const F = (no: number, part: XnhFunction['part'], zh: string, params: string, returns: XnhType): XnhFunction => ({
  no, part, zh, params: p(params), returns, service: part === '住院' ? 'main' : 'mztcz',
});

/** Every function of the signature list, in document order. Parameter lists are verbatim. */
export const XNH_FUNCTIONS: Record<string, XnhFunction> = {
  CheckDB: F(1, '住院', '检查数据库连接', '', 'FalseOrTrue'),
  CheckHosAccredit1: F(2, '住院', '检查医院授权码（返回医院ID）', 'string HACCCODE', 'RevertHospitalID'),
  CheckUser: F(3, '住院', '检查操作员', 'string UID, string HACCCODE', 'FalseOrTrue'),
  CheckMed: F(4, '住院', '药品价格控制检查', 'int MID, decimal MPRICE, int HID', 'FalseOrTrue'),
  CheckSW: F(5, '住院', '服务设施价格控制检查', 'int SID, decimal SPRICE, int HID', 'FalseOrTrue'),
  CheckItem: F(6, '住院', '诊疗项目价格控制检查（加价理由）', 'int IID, decimal IPRICE, int HID, string ADDPRICEREASON', 'FalseOrTrue'),
  CheckPersonCode: F(7, '住院', '检查参合证号', 'string PERSONCODE', 'FalseOrTrue'),
  IsPatient1: F(8, '住院', '是否在院', 'string PERSONCODE', 'IsPatientClass'),
  QueryPersoninfo: F(9, '住院', '查询参合人员信息', 'string QUERYCONDITION, string QUERYKEY', 'InfosP'),
  QueryMed: F(10, '住院', '下载药品目录', 'string HACCCODE', 'InfosM'),
  QuerySW: F(11, '住院', '下载服务设施目录', 'string HACCCODE', 'InfosSW'),
  QueryItem: F(12, '住院', '下载诊疗项目目录', 'string HACCCODE', 'InfosI'),
  QueryUsersTable: F(13, '住院', '查询操作员表', 'string HACCCODE', 'InfosU'),
  WriteQD1: F(14, '住院', '写每日清单（整批，全部成功或全部失败）', 'ValidateInfoClass vinfo, QDInfoClass[] qdinfo', 'QDReturn1'),
  WriteQD2: F(15, '住院', '写每日清单（逐条结果）', 'ValidateInfoClass vinfo, QDInfoClass[] qdinfo', 'QDReturn2[]'),
  ModifyQD1: F(16, '住院', '按HIS清单号修改清单', 'ValidateInfoClass vinfo, QDInfoClass qdinfo', 'FalseOrTrue'),
  ModifyQD2: F(17, '住院', '按农合清单号修改清单', 'int qdid, decimal count, decimal zfund, string DLB, string reason, int xmid, string doctor, string UID, string HACCCODE', 'FalseOrTrue'),
  DeleteQD1: F(18, '住院', '按HIS清单号删除清单', 'int hqdid, ValidateInfoClass vinfo', 'FalseOrTrue'),
  DeleteQD2: F(19, '住院', '按农合清单号删除清单', 'int qdid, string UID, string HACCCODE', 'FalseOrTrue'),
  QueryQD: F(20, '住院', '查询病人清单', 'string HACCCODE, string PERSONCODE', 'QueryPatientQD'),
  QueryBC: F(21, '住院', '统计结算查询（补偿）', 'string HACCCODE, DateTime BeginTime, DateTime EndTime, int choose', 'QueryHospitalBC'),
  QueryItem1: F(22, '住院', '分页下载诊疗项目目录', 'string HACCCODE, int pagenum', 'InfosI1'),
  QueryMed1: F(23, '住院', '下载药品目录（第二版）', 'string HACCCODE', 'InfosM1'),
  QuerySW1: F(24, '住院', '下载服务设施目录（第二版）', 'string HACCCODE', 'InfosSW1'),
  ModifyRYTime: F(25, '住院', '修改入院时间', 'ValidateInfoClass vinfo, Time intime', 'FalseOrTrue'),
  ModifyCYTime: F(26, '住院', '修改出院时间', 'ValidateInfoClass vinfo, Time intime', 'FalseOrTrue'),
  RYHandle: F(27, '住院', '入院办理', 'string HACCCODE, string PERSONCODE, string UID, string ZYCODE, string JZTYPE, string RYKS, string CWCODE, string DOCTORNAME, string RYSTATUS, string RYOPERATOR, string ERROID, jb[] jbbm', 'FUHEReturn'),
  CYBL: F(28, '住院', '出院办理（出院病历：转归、科室、疾病）', 'string HaccCode, string zylshID, string userID, string cyZtbm, string cyKs, string[] jbBm', 'FalseOrTrue'),
  ModifyRY: F(29, '住院', '修改入院信息', 'string HACCCODE, string ZYID, string UID, string JZTYPE, string ZYCODE, string RYSTATUS, string RYKS, string CWCODE, string DOCTORNAME, string ERROID, jb[] jbbm', 'FUHEReturn'),
  IsPatient2: F(30, '住院', '在院信息（第二版）', 'string PERSONCODE', 'ZY'),
  DeleteQD3: F(31, '住院', '按农合清单号批量删除清单', 'int[] qdid, string UID, string HACCCODE', 'FalseOrTrue'),
  QuerySystemTime: F(1, '门诊统筹', '查询农合系统时间', '', 'DateTime'),
  QueryJBBM: F(2, '门诊统筹', '分页查询疾病编码', 'int pagenum', 'InfosJB'),
  QueryYYKS: F(3, '门诊统筹', '查询医院科室', 'string HACCCODE', 'InfosKS'),
  MZTCZLoginInt: F(4, '门诊统筹', '门诊统筹登记并计算补偿（待确认）', 'MZTCZ.MZTCZInfo info, int choose, decimal hcmztczID, string personCode, string HaccCode', 'MZQDRetrun'),
  MZTCZSureInt: F(5, '门诊统筹', '门诊统筹确认', 'string HaccCode, decimal mztczID, string userID', 'FalseOrTrue'),
  MZTCZDeleteInt: F(6, '门诊统筹', '删除未确认的门诊统筹', 'string HaccCode, decimal mztczID, string userID', 'FalseOrTrue'),
  MZTCZHCInt: F(7, '门诊统筹', '门诊统筹红冲（冲销已确认记录）', 'string HaccCode, decimal mztczID, string userID, string reason', 'FalseOrTrue'),
  QueryMZTCInfo1: F(8, '门诊统筹', '按人员、状态、时间段查询门诊统筹', 'string personCode, string HaccCode, string status, DateTime beginTime, DateTime endTime', 'MZTCZInfo[]'),
  QueryMZTCInfo2: F(9, '门诊统筹', '按状态查询本院门诊统筹', 'string HaccCode, string status', 'MZTCZInfo[]'),
  QueryMZTCInfo3: F(10, '门诊统筹', '按人员、状态查询门诊统筹', 'string personCode, string HaccCode, string status', 'MZTCZInfo[]'),
};

export type XnhFunctionName = keyof typeof XNH_FUNCTIONS;

/** One field of a class: `name` is what yibao calls it, `wire` the element name (default = name). */
export interface XnhField {
  name: string;
  type: XnhType;
  wire?: string;
}

const f = (spec: string): XnhField[] =>
  spec.split(',').map((s) => {
    const [name, type = 'string'] = s.trim().split(':') as [string, string?];
    return { name, type };
  });

const RESULT = 'Flag:bool, Message';

/**
 * Class fields — NOT public (the document's class pages are missing from every public copy). These are
 * yibao's documented defaults, carrying what the flows need; a deployment replaces them from the vendor's
 * WSDL through the manifest (`xnh.classes`). Field order = element order on the wire.
 */
export const XNH_CLASSES: Record<string, XnhField[]> = {
  // ---- 住院接口 classes (document order) ----
  FalseOrTrue: f(RESULT),
  AccreditCode: f('HACCCODE, HOSPNAME, AREACODE, VALIDDATE:DateTime'),
  RevertHospitalID: f(`${RESULT}, HID:int, HOSPNAME, HOSPLEVEL, Accredit:AccreditCode`),
  IsPatientClass: f(`${RESULT}, ISPATIENT:bool, ZYID, ZYCODE, RYDATE:DateTime`),
  InfosP: f(`${RESULT}, Count:int, Persons:PersonInfo[]`),
  PersonInfo: f('PERSONCODE, NAME, SEX, BIRTHDAY:DateTime, IDCARD, FAMILYCODE, RELATION, AREACODE, ADDRESS, YEAR, STATUS'),
  InfosU: f(`${RESULT}, Count:int, UserList:Users[]`),
  Users: f('UID, UNAME, HACCCODE, ROLE, STATUS'),
  InfosM: f(`${RESULT}, Count:int, Meds:Med[]`),
  Med: f('MID:int, MCODE, MNAME, SPEC, UNIT, JX, PRICE:decimal, LB, ZFBL:decimal'),
  InfosSW: f(`${RESULT}, Count:int, SWs:SW[]`),
  SW: f('SID:int, SCODE, SNAME, UNIT, PRICE:decimal, LB, ZFBL:decimal'),
  InfosI: f(`${RESULT}, Count:int, ItemList:Items[]`),
  Items: f('IID:int, ICODE, INAME, UNIT, PRICE:decimal, LB, ZFBL:decimal'),
  ValidateInfoClass: f('HACCCODE, UID, PERSONCODE, ZYID'),
  QDInfoClass: f('hqdid:int, ZYID, DLB, xmid:int, HISCODE, XMMC, SPEC, UNIT, price:decimal, count:decimal, money:decimal, zfund:decimal, doctor, KS, qdtime:DateTime, reason'),
  QDReturn1: f(`${RESULT}, Count:int, QDIDs:QDReturn2[], Errors:QDError[]`),
  QDReturn2: f('hqdid:int, qdid:int, Flag:bool, Message'),
  QDError: f('hqdid:int, ErrCode, Message'),
  ToCode: f('HISCODE, HISNAME, DLB, xmid:int, XMBM, XMMC, PRICE:decimal'),
  QueryPatientQD: f(`${RESULT}, PERSONCODE, ZYID, Count:int, TotalMoney:decimal, QDList:QDInfo[]`),
  QDInfo: f('qdid:int, hqdid:int, ZYID, DLB, xmid:int, XMMC, price:decimal, count:decimal, money:decimal, zfund:decimal, doctor, qdtime:DateTime, STATUS'),
  QueryHospitalBC: f(`${RESULT}, Count:int, Summary:BCInfo0[], Details:BCInfo1[]`),
  BCInfo0: f('BCTYPE, RC:int, TotalMoney:decimal, KBMoney:decimal, BCMoney:decimal, SelfMoney:decimal'),
  BCInfo1: f('BCID, ZYID, ZYCODE, PERSONCODE, NAME, RYDATE:DateTime, CYDATE:DateTime, BCDATE:DateTime, Money:JYMoney'),
  InfosI1: f(`${RESULT}, Count:int, PageNum:int, PageCount:int, ItemList:Items[]`),
  InfosM1: f(`${RESULT}, Count:int, Meds:Med1[]`),
  Med1: f('MID:int, MCODE, MNAME, SPEC, UNIT, JX, PRICE:decimal, LB, ZFBL:decimal, PYM, UPDATETIME:DateTime'),
  InfosSW1: f(`${RESULT}, Count:int, SWs:SW1[]`),
  SW1: f('SID:int, SCODE, SNAME, UNIT, PRICE:decimal, LB, ZFBL:decimal, PYM, UPDATETIME:DateTime'),
  Time: f('TIME:DateTime'),
  ZY: f(`${RESULT}, ZYID, ZYCODE, PERSONCODE, NAME, JZTYPE, RYKS, CWCODE, DOCTORNAME, RYSTATUS, RYDATE:DateTime, CYDATE:DateTime, STATUS, Diseases:JB[]`),
  JB: f('JBBM, JBMC'),
  JYMoney: f('TotalMoney:decimal, ZFMoney:decimal, KBMoney:decimal, QFX:decimal, BCMoney:decimal, SelfMoney:decimal'),
  MZInfo: f('MZH, PERSONCODE, NAME, KS, DOCTOR, JZDATE:DateTime, TotalMoney:decimal, FYList:FYMX[]'),
  FYMX: f('XMBM, XMMC, price:decimal, count:decimal, money:decimal'),
  FUHEReturn: f(`${RESULT}, ZYID, FHSTATUS`),
  // ---- 门诊统筹接口 classes ----
  MZTCZInfo: f('mztczID:decimal, hcmztczID:decimal, personCode, NAME, HaccCode, userID, MZH, KSBM, DOCTOR, JBBM, JZDATE:DateTime, TotalMoney:decimal, ZFMoney:decimal, KBMoney:decimal, QFX:decimal, BCMoney:decimal, SelfMoney:decimal, status, reason, MXList:MZTCZMXInfo[]'),
  MZTCZMXInfo: f('xh:int, DLB, xmid:int, XMBM, XMMC, SPEC, UNIT, price:decimal, count:decimal, money:decimal'),
  YYKS: f('KSBM, KSMC'),
  InfosKS: f(`${RESULT}, Count:int, KSList:YYKS[]`),
  JBBM: f('BM, MC'),
  InfosJB: f(`${RESULT}, Count:int, PageNum:int, PageCount:int, JBList:JBBM[]`),
  MZQDError: f('xh:int, ErrCode, Message'),
  MZQDRetrun: f(`${RESULT}, mztczID:decimal, TotalMoney:decimal, ZFMoney:decimal, KBMoney:decimal, QFX:decimal, BCMoney:decimal, SelfMoney:decimal, status, Errors:MZQDError[]`),
};

/** The class names exactly as the document's class lists print them (both parts). */
export const XNH_CLASS_NAMES_FROM_SPEC = [
  'FalseOrTrue', 'AccreditCode', 'RevertHospitalID', 'IsPatientClass', 'InfosP', 'PersonInfo', 'InfosU', 'Users', 'InfosM', 'Med',
  'InfosSW', 'SW', 'InfosI', 'Items', 'ValidateInfoClass', 'QDInfoClass', 'QDReturn1', 'QDReturn2', 'QDError', 'ToCode',
  'QueryPatientQD', 'QDInfo', 'QueryHospitalBC', 'BCInfo0', 'BCInfo1', 'InfosI1', 'InfosM1', 'Med1', 'InfosSW1', 'SW1',
  'Time', 'ZY', 'JB', 'JYMoney', 'MZInfo', 'FYMX', 'FUHEReturn',
  'MZTCZInfo', 'MZTCZMXInfo', 'YYKS', 'InfosKS', 'JBBM', 'InfosJB', 'MZQDError', 'MZQDRetrun',
] as const;

// ---- TypeScript views of the default classes (what the client reads; decimals as text, never floats) ----

export type Dec = string;
export type DateTimeText = string;

export interface FalseOrTrue { Flag: boolean; Message: string }
export interface AccreditCode { HACCCODE: string; HOSPNAME: string; AREACODE: string; VALIDDATE: DateTimeText }
export interface RevertHospitalID extends FalseOrTrue { HID: number; HOSPNAME: string; HOSPLEVEL: string; Accredit?: AccreditCode }
export interface IsPatientClass extends FalseOrTrue { ISPATIENT: boolean; ZYID: string; ZYCODE: string; RYDATE: DateTimeText | null }
export interface PersonInfo { PERSONCODE: string; NAME: string; SEX: string; BIRTHDAY: DateTimeText; IDCARD: string; FAMILYCODE: string; RELATION: string; AREACODE: string; ADDRESS: string; YEAR: string; STATUS: string }
export interface InfosP extends FalseOrTrue { Count: number; Persons: PersonInfo[] }
export interface Users { UID: string; UNAME: string; HACCCODE: string; ROLE: string; STATUS: string }
export interface InfosU extends FalseOrTrue { Count: number; UserList: Users[] }
export interface Med { MID: number; MCODE: string; MNAME: string; SPEC: string; UNIT: string; JX: string; PRICE: Dec | null; LB: string; ZFBL: Dec }
export interface Med1 extends Med { PYM: string; UPDATETIME: DateTimeText }
export interface SW { SID: number; SCODE: string; SNAME: string; UNIT: string; PRICE: Dec | null; LB: string; ZFBL: Dec }
export interface SW1 extends SW { PYM: string; UPDATETIME: DateTimeText }
export interface Items { IID: number; ICODE: string; INAME: string; UNIT: string; PRICE: Dec | null; LB: string; ZFBL: Dec }
export interface InfosM extends FalseOrTrue { Count: number; Meds: Med[] }
export interface InfosM1 extends FalseOrTrue { Count: number; Meds: Med1[] }
export interface InfosSW extends FalseOrTrue { Count: number; SWs: SW[] }
export interface InfosSW1 extends FalseOrTrue { Count: number; SWs: SW1[] }
export interface InfosI extends FalseOrTrue { Count: number; ItemList: Items[] }
export interface InfosI1 extends InfosI { PageNum: number; PageCount: number }
export interface ValidateInfoClass { HACCCODE: string; UID: string; PERSONCODE: string; ZYID: string }
export interface QDInfoClass {
  hqdid: number; ZYID: string; DLB: string; xmid: number; HISCODE: string; XMMC: string; SPEC: string; UNIT: string; price: Dec; count: Dec; money: Dec; zfund: Dec;
  doctor: string; KS: string; qdtime: DateTimeText; reason: string;
}
export interface QDReturn2 { hqdid: number; qdid: number; Flag: boolean; Message: string }
export interface QDError { hqdid: number; ErrCode: string; Message: string }
export interface QDReturn1 extends FalseOrTrue { Count: number; QDIDs: QDReturn2[]; Errors: QDError[] }
export interface ToCode { HISCODE: string; HISNAME: string; DLB: string; xmid: number; XMBM: string; XMMC: string; PRICE: Dec | null }
export interface QDInfo { qdid: number; hqdid: number; ZYID: string; DLB: string; xmid: number; XMMC: string; price: Dec; count: Dec; money: Dec; zfund: Dec; doctor: string; qdtime: DateTimeText; STATUS: string }
export interface QueryPatientQD extends FalseOrTrue { PERSONCODE: string; ZYID: string; Count: number; TotalMoney: Dec; QDList: QDInfo[] }
export interface BCInfo0 { BCTYPE: string; RC: number; TotalMoney: Dec; KBMoney: Dec; BCMoney: Dec; SelfMoney: Dec }
export interface JYMoney { TotalMoney: Dec; ZFMoney: Dec; KBMoney: Dec; QFX: Dec; BCMoney: Dec; SelfMoney: Dec }
export interface BCInfo1 { BCID: string; ZYID: string; ZYCODE: string; PERSONCODE: string; NAME: string; RYDATE: DateTimeText; CYDATE: DateTimeText; BCDATE: DateTimeText; Money: JYMoney }
export interface QueryHospitalBC extends FalseOrTrue { Count: number; Summary: BCInfo0[]; Details: BCInfo1[] }
export interface Time { TIME: DateTimeText }
export interface JB { JBBM: string; JBMC: string }
export interface ZY extends FalseOrTrue {
  ZYID: string; ZYCODE: string; PERSONCODE: string; NAME: string; JZTYPE: string; RYKS: string; CWCODE: string; DOCTORNAME: string; RYSTATUS: string;
  RYDATE: DateTimeText | null; CYDATE: DateTimeText | null; STATUS: string; Diseases: JB[];
}
export interface FYMX { XMBM: string; XMMC: string; price: Dec; count: Dec; money: Dec }
export interface MZInfo { MZH: string; PERSONCODE: string; NAME: string; KS: string; DOCTOR: string; JZDATE: DateTimeText; TotalMoney: Dec; FYList: FYMX[] }
export interface FUHEReturn extends FalseOrTrue { ZYID: string; FHSTATUS: string }
export interface MZTCZMXInfo { xh: number; DLB: string; xmid: number; XMBM: string; XMMC: string; SPEC: string; UNIT: string; price: Dec; count: Dec; money: Dec }
export interface MZTCZInfo {
  mztczID: Dec; hcmztczID: Dec; personCode: string; NAME: string; HaccCode: string; userID: string; MZH: string; KSBM: string; DOCTOR: string; JBBM: string;
  JZDATE: DateTimeText; TotalMoney: Dec; ZFMoney: Dec; KBMoney: Dec; QFX: Dec; BCMoney: Dec; SelfMoney: Dec; status: string; reason: string; MXList: MZTCZMXInfo[];
}
export interface YYKS { KSBM: string; KSMC: string }
export interface InfosKS extends FalseOrTrue { Count: number; KSList: YYKS[] }
export interface JBBMRow { BM: string; MC: string }
export interface InfosJB extends FalseOrTrue { Count: number; PageNum: number; PageCount: number; JBList: JBBMRow[] }
export interface MZQDError { xh: number; ErrCode: string; Message: string }
export interface MZQDRetrun extends FalseOrTrue {
  mztczID: Dec; TotalMoney: Dec; ZFMoney: Dec; KBMoney: Dec; QFX: Dec; BCMoney: Dec; SelfMoney: Dec; status: string; Errors: MZQDError[];
}
