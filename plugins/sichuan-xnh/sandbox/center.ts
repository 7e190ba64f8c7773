// The simulated Sichuan 新农合 center: every function of the V3.0 signature list, wire-free (typed parameters
// in, typed result out; sandbox/index.ts puts it behind real SOAP). Settlement amounts come from the shared
// kernel (plugins/legacy/kernel.ts: core presettle with XNH_SANDBOX_POLICY), integer fen inside, decimal
// text on the wire. Business refusals are `Flag=false` + Message (or MZQDError / QDError lists); functions
// whose result has no Flag (QuerySystemTime, QueryMZTCInfo*) refuse with a SOAP Client fault.
import type { Core } from '../../../host-node/src/contract.js';
import { fenToYuan } from '../../../host-node/src/money.js';
import { maskId, maskName } from '../../../host-node/src/mask.js';
import { CenterRefusal, Kernel, fenOf, hashDigits, seedPersons, type KPerson, type KSettlement, type KVisit } from '../../legacy/kernel.js';
import type { XnhConfig } from '../manifest.js';
import { xsDateTime } from '../codec.js';
import type {
  BCInfo0, BCInfo1, FalseOrTrue, FUHEReturn, InfosI1, InfosJB, InfosKS, InfosM, InfosM1, InfosP, InfosSW, InfosSW1, InfosI, InfosU, IsPatientClass, JB,
  MZQDError, MZQDRetrun, MZTCZInfo, MZTCZMXInfo, PersonInfo, QDError, QDInfo, QDInfoClass, QDReturn1, QDReturn2, QueryHospitalBC, QueryPatientQD,
  RevertHospitalID, Time, ValidateInfoClass, ZY,
} from '../spec.js';
import { XNH_CATALOG, XNH_DEPARTMENTS, XNH_DISEASES, catalogRow, type Dlb, type XnhCatalogRow } from './catalog.js';
import { XNH_SANDBOX_POLICY } from './policy.js';

/** The sandbox hospital's authorisation (test values: a real HACCCODE / UID comes from configuration). */
export const XNH_SANDBOX_IDENTITY = {
  hacccode: 'XNH510122SANDBOX0001',
  hid: 5101220,
  hospName: 'yibao 沙箱乡镇卫生院',
  areaCode: '510122',
  users: [
    { UID: '0001', UNAME: '收费员一', ROLE: '收费' },
    { UID: '0002', UNAME: '住院护士', ROLE: '清单录入' },
  ],
} as const;

/** A refusal that goes out as a SOAP fault (results without a Flag). */
export class XnhFault extends Error {
  constructor(readonly code: 'Client' | 'Server', message: string) {
    super(message);
    this.name = 'XnhFault';
  }
}

interface Admission {
  zyid: string;
  visit: KVisit;
  ZYCODE: string;
  JZTYPE: string;
  RYKS: string;
  CWCODE: string;
  DOCTORNAME: string;
  RYSTATUS: string;
  RYOPERATOR: string;
  ERROID: string;
  jb: JB[];
  cy?: { ztbm: string; ks: string; jb: string[]; user: string };
  bcid?: string;
}

interface QdLine {
  qdid: number;
  zyid: string;
  line: QDInfoClass;
  status: 'active' | 'deleted' | 'settled';
}

interface MztczRecord {
  id: string;
  info: MZTCZInfo;
  status: string;
  visit: KVisit;
  settlement: KSettlement;
  hcmztczID: string;
  reentered: boolean;
  reason: string;
  created: string;
}

interface Bc {
  bcid: string;
  zyid: string;
  settlement: KSettlement;
  time: string;
}

const PAGE = { jbbm: 5, item: 10 } as const;

const yuan = (fen: number) => fenToYuan(fen);
const ok = (Message = ''): FalseOrTrue => ({ Flag: true, Message });
const no = (Message: string): FalseOrTrue => ({ Flag: false, Message });
const dt = (kernelTime: string) => kernelTime.replace(' ', 'T');

/** Amounts of a settlement in the 新农合 vocabulary (fen). */
export function xnhAmounts(s: KSettlement['result']['setlinfo']) {
  return {
    total: s.medfee_sumamt,
    zf: s.fulamt_ownpay_amt + s.overlmt_selfpay + s.preselfpay_amt,
    kb: s.inscp_scp_amt,
    qfx: s.act_pay_dedc,
    bc: s.fund_pay_sumamt,
    self: s.medfee_sumamt - s.fund_pay_sumamt,
  };
}

export interface XnhCenterOptions {
  core: Core;
  cfg: XnhConfig;
  now?: () => Date;
  log?: (line: string) => void;
}

export class XnhCenter {
  readonly kernel: Kernel;
  readonly admissions = new Map<string, Admission>();
  readonly qd = new Map<number, QdLine>();
  readonly mztcz = new Map<string, MztczRecord>();
  readonly bc = new Map<string, Bc>();
  /** the last value of some string parameters as received (UTF-8 round-trip checks) */
  readonly received: { fn: string; name: string; value: string }[] = [];
  private qdSeq = 100000;
  private idSeq = 0;
  private readonly cfg: XnhConfig;
  private readonly st: XnhConfig['codes']['mztczStatus'];

  constructor(private readonly o: XnhCenterOptions) {
    this.cfg = o.cfg;
    this.st = o.cfg.codes.mztczStatus;
    const code = (n: number) => `510122${String(n).padStart(8, '0')}01`;
    const persons = seedPersons(code, code).map((p) => ({ ...p, insutype: '390' as const, psn_class: '31' as const, balance_fen: 0 }));
    this.kernel = new Kernel({
      core: o.core, tag: 'XN', policy: XNH_SANDBOX_POLICY, persons, now: o.now,
      enroll: (certno, brdy, gend) => {
        const pc = `510122${hashDigits(certno, 8)}01`;
        return { pid: pc, card_no: pc, name: `参合人${certno.slice(-4)}`, certno, gend, brdy, insutype: '390', psn_class: '31', emp_name: '', balance_fen: 0, cvlserv: false, aid: false, blocked: false, seed: false };
      },
    });
  }

  private now(): string {
    return this.kernel.time().time;
  }

  private nextNumeric(): string {
    return `${this.kernel.time().ymd}${String(++this.idSeq).padStart(6, '0')}`;
  }

  // ---- checks ---------------------------------------------------------------------------------

  private hosp(h: unknown): string | null {
    return h === XNH_SANDBOX_IDENTITY.hacccode ? null : `医院授权码【${String(h ?? '')}】无效或未授权`;
  }

  private user(uid: unknown, h?: unknown): string | null {
    if (h !== undefined) {
      const e = this.hosp(h);
      if (e) return e;
    }
    return XNH_SANDBOX_IDENTITY.users.some((u) => u.UID === uid) ? null : `操作员【${String(uid ?? '')}】不存在或不属于本院`;
  }

  private personOf(code: unknown): KPerson {
    const c = String(code ?? '').trim();
    const p = this.kernel.persons.get(c);
    if (!p) throw new CenterRefusal(`参合证号【${c}】不存在`);
    if (p.blocked) throw new CenterRefusal(`参合人员【${p.name}】本年度未参合或待遇暂停`);
    return p;
  }

  private admission(zyid: unknown): Admission {
    const a = this.admissions.get(String(zyid ?? '').trim());
    if (!a) throw new CenterRefusal(`住院流水号【${String(zyid ?? '')}】不存在`);
    return a;
  }

  /** vinfo: HACCCODE + UID + PERSONCODE + ZYID of an admission of this person. */
  private vinfo(v: ValidateInfoClass | null | undefined): Admission {
    if (!v) throw new CenterRefusal('vinfo 不能为空');
    const e = this.user(v.UID, v.HACCCODE);
    if (e) throw new CenterRefusal(e);
    const a = this.admission(v.ZYID);
    if (a.visit.pid !== String(v.PERSONCODE ?? '').trim()) throw new CenterRefusal(`住院流水号【${v.ZYID}】不属于参合证号【${v.PERSONCODE}】`);
    return a;
  }

  /** Runs a Flag-returning function: a CenterRefusal becomes Flag=false with its message. */
  private flag<T extends FalseOrTrue>(fn: () => T, extra: Omit<T, 'Flag' | 'Message'>): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof CenterRefusal) return { ...extra, Flag: false, Message: e.message } as T;
      throw e;
    }
  }

  // ---- dispatch -------------------------------------------------------------------------------

  /** One call with typed parameters (codec.decodeParams); returns the typed result. */
  call(fn: string, a: Record<string, unknown>): unknown {
    for (const [k, v] of Object.entries(a)) if (typeof v === 'string' && /name|doctor|reason|operator/i.test(k)) this.received.push({ fn, name: k, value: v });
    if (this.received.length > 200) this.received.splice(0, this.received.length - 200);
    const r = this.dispatch(fn, a);
    const flagOf = (x: unknown) => (x && typeof x === 'object' && 'Flag' in x ? ` Flag=${String((x as FalseOrTrue).Flag)} ${(x as FalseOrTrue).Message}` : '');
    this.o.log?.(`${fn}${flagOf(r)}`);
    return r;
  }

  private dispatch(fn: string, a: Record<string, unknown>): unknown {
    const s = (k: string) => (a[k] === null || a[k] === undefined ? '' : String(a[k]));
    switch (fn) {
      case 'CheckDB': return ok('数据库连接正常');
      case 'CheckHosAccredit1': return this.checkHosAccredit(s('HACCCODE'));
      case 'CheckUser': { const e = this.user(s('UID'), s('HACCCODE')); return e ? no(e) : ok(); }
      case 'CheckMed': return this.checkPrice('med', a.MID as number, s('MPRICE'), a.HID as number, '');
      case 'CheckSW': return this.checkPrice('sw', a.SID as number, s('SPRICE'), a.HID as number, '');
      case 'CheckItem': return this.checkPrice('item', a.IID as number, s('IPRICE'), a.HID as number, s('ADDPRICEREASON'));
      case 'CheckPersonCode': return this.flag(() => (this.personOf(s('PERSONCODE')), ok()), {});
      case 'IsPatient1': return this.isPatient1(s('PERSONCODE'));
      case 'QueryPersoninfo': return this.queryPersons(s('QUERYCONDITION'), s('QUERYKEY'));
      case 'QueryMed': return this.catalog<InfosM>(s('HACCCODE'), 'med', false);
      case 'QuerySW': return this.catalog<InfosSW>(s('HACCCODE'), 'sw', false);
      case 'QueryItem': return this.catalog<InfosI>(s('HACCCODE'), 'item', false);
      case 'QueryMed1': return this.catalog<InfosM1>(s('HACCCODE'), 'med', true);
      case 'QuerySW1': return this.catalog<InfosSW1>(s('HACCCODE'), 'sw', true);
      case 'QueryItem1': return this.queryItem1(s('HACCCODE'), a.pagenum as number);
      case 'QueryUsersTable': return this.users(s('HACCCODE'));
      case 'WriteQD1': return this.writeQD1(a.vinfo as ValidateInfoClass, (a.qdinfo as QDInfoClass[] | null) ?? []);
      case 'WriteQD2': return this.writeQD2(a.vinfo as ValidateInfoClass, (a.qdinfo as QDInfoClass[] | null) ?? []);
      case 'ModifyQD1': return this.flag(() => this.modifyQD1(a.vinfo as ValidateInfoClass, a.qdinfo as QDInfoClass), {});
      case 'ModifyQD2': return this.flag(() => this.modifyQD2(a), {});
      case 'DeleteQD1': return this.flag(() => this.deleteByHqdid(a.hqdid as number, a.vinfo as ValidateInfoClass), {});
      case 'DeleteQD2': return this.flag(() => this.deleteQdids([a.qdid as number], s('UID'), s('HACCCODE')), {});
      case 'DeleteQD3': return this.flag(() => this.deleteQdids((a.qdid as number[] | null) ?? [], s('UID'), s('HACCCODE')), {});
      case 'QueryQD': return this.queryQD(s('HACCCODE'), s('PERSONCODE'));
      case 'QueryBC': return this.queryBC(s('HACCCODE'), s('BeginTime'), s('EndTime'), a.choose as number);
      case 'ModifyRYTime': return this.flag(() => this.modifyTime(a.vinfo as ValidateInfoClass, a.intime as Time | null, 'ry'), {});
      case 'ModifyCYTime': return this.flag(() => this.modifyTime(a.vinfo as ValidateInfoClass, a.intime as Time | null, 'cy'), {});
      case 'RYHandle': return this.flag<FUHEReturn>(() => this.ryHandle(a), { ZYID: '', FHSTATUS: '' });
      case 'ModifyRY': return this.flag<FUHEReturn>(() => this.modifyRY(a), { ZYID: s('ZYID'), FHSTATUS: '' });
      case 'CYBL': return this.flag(() => this.cybl(a), {});
      case 'IsPatient2': return this.isPatient2(s('PERSONCODE'));
      case 'QuerySystemTime': return dt(this.now());
      case 'QueryJBBM': return this.queryJBBM(a.pagenum as number);
      case 'QueryYYKS': return this.queryYYKS(s('HACCCODE'));
      case 'MZTCZLoginInt': return this.login(a.info as MZTCZInfo | null, a.choose as number, s('hcmztczID'), s('personCode'), s('HaccCode'));
      case 'MZTCZSureInt': return this.flag(() => this.sure(s('HaccCode'), s('mztczID'), s('userID')), {});
      case 'MZTCZDeleteInt': return this.flag(() => this.del(s('HaccCode'), s('mztczID'), s('userID')), {});
      case 'MZTCZHCInt': return this.flag(() => this.hc(s('HaccCode'), s('mztczID'), s('userID'), s('reason')), {});
      case 'QueryMZTCInfo1': return this.queryMztcz(s('HaccCode'), { person: s('personCode'), status: s('status'), begin: s('beginTime'), end: s('endTime') });
      case 'QueryMZTCInfo2': return this.queryMztcz(s('HaccCode'), { status: s('status') });
      case 'QueryMZTCInfo3': return this.queryMztcz(s('HaccCode'), { person: s('personCode'), status: s('status') });
      default:
        throw new XnhFault('Client', `沙箱中心未实现函数 ${fn}`);
    }
  }

  // ---- 初始化 / 人员 ---------------------------------------------------------------------------

  private checkHosAccredit(h: string): RevertHospitalID {
    const I = XNH_SANDBOX_IDENTITY;
    if (this.hosp(h)) return { Flag: false, Message: this.hosp(h)!, HID: 0, HOSPNAME: '', HOSPLEVEL: '' };
    return {
      Flag: true, Message: '', HID: I.hid, HOSPNAME: I.hospName, HOSPLEVEL: '一级',
      Accredit: { HACCCODE: I.hacccode, HOSPNAME: I.hospName, AREACODE: I.areaCode, VALIDDATE: '2030-12-31T00:00:00' },
    };
  }

  private personInfo(p: KPerson): PersonInfo {
    return {
      PERSONCODE: p.pid, NAME: p.name, SEX: p.gend === '1' ? '男' : '女', BIRTHDAY: `${p.brdy}T00:00:00`, IDCARD: p.certno, FAMILYCODE: p.pid.slice(0, 14),
      RELATION: p.pid.endsWith('01') ? '户主' : '成员', AREACODE: XNH_SANDBOX_IDENTITY.areaCode, ADDRESS: '四川省沙箱县沙箱乡1组', YEAR: this.kernel.time().date.slice(0, 4),
      STATUS: p.blocked ? '0' : this.cfg.codes.personValid,
    };
  }

  private queryPersons(cond: string, key: string): InfosP {
    const q = this.cfg.codes.personQuery;
    const k = key.trim();
    let found: KPerson[] = [];
    if (!k) return { Flag: false, Message: '查询关键字不能为空', Count: 0, Persons: [] };
    if (cond === q.personCode) found = [...this.kernel.persons.values()].filter((p) => p.pid === k);
    else if (cond === q.idCard) {
      try {
        const p = this.kernel.person(k);
        if (p.certno === k) found = [p];
      } catch {
        found = [];
      }
    } else if (cond === q.familyCode) found = [...this.kernel.persons.values()].filter((p) => p.pid.slice(0, 14) === k);
    else if (cond === q.name) found = [...this.kernel.persons.values()].filter((p) => p.name === k);
    else return { Flag: false, Message: `查询条件【${cond}】无效（${Object.values(q).join('/')}）`, Count: 0, Persons: [] };
    if (!found.length) return { Flag: false, Message: `未找到参合人员（${cond}=${cond === q.idCard ? maskId(k) : cond === q.name ? maskName(k) : k}）`, Count: 0, Persons: [] };
    return { Flag: true, Message: '', Count: found.length, Persons: found.map((p) => this.personInfo(p)) };
  }

  private users(h: string): InfosU {
    const e = this.hosp(h);
    if (e) return { Flag: false, Message: e, Count: 0, UserList: [] };
    const list = XNH_SANDBOX_IDENTITY.users.map((u) => ({ ...u, HACCCODE: h, STATUS: '1' }));
    return { Flag: true, Message: '', Count: list.length, UserList: list };
  }

  // ---- 目录 / 价格控制 -------------------------------------------------------------------------

  private catalog<T>(h: string, dlb: Dlb, v2: boolean): T {
    const key = dlb === 'med' ? 'Meds' : dlb === 'sw' ? 'SWs' : 'ItemList';
    const e = this.hosp(h);
    if (e) return { Flag: false, Message: e, Count: 0, [key]: [] } as T;
    const rows = XNH_CATALOG.filter((r) => r.dlb === dlb).map((r) => this.row(r, v2));
    return { Flag: true, Message: '', Count: rows.length, [key]: rows } as T;
  }

  private row(r: XnhCatalogRow, v2: boolean): Record<string, unknown> {
    const extra = v2 ? { PYM: r.pym, UPDATETIME: `${r.item.begndate}T00:00:00` } : {};
    if (r.dlb === 'med') return { MID: r.id, MCODE: r.code, MNAME: r.name, SPEC: r.spec, UNIT: r.unit, JX: r.dosform, PRICE: r.limit, LB: r.lb, ZFBL: r.selfpay, ...extra };
    if (r.dlb === 'sw') return { SID: r.id, SCODE: r.code, SNAME: r.name, UNIT: r.unit, PRICE: r.limit, LB: r.lb, ZFBL: r.selfpay, ...extra };
    return { IID: r.id, ICODE: r.code, INAME: r.name, UNIT: r.unit, PRICE: r.limit, LB: r.lb, ZFBL: r.selfpay };
  }

  private queryItem1(h: string, page: number): InfosI1 {
    const e = this.hosp(h);
    const all = XNH_CATALOG.filter((r) => r.dlb === 'item');
    const pages = Math.max(1, Math.ceil(all.length / PAGE.item));
    if (e) return { Flag: false, Message: e, Count: 0, PageNum: page, PageCount: 0, ItemList: [] };
    if (!(page >= 1)) return { Flag: false, Message: `页码【${page}】无效（从1开始）`, Count: 0, PageNum: page, PageCount: pages, ItemList: [] };
    const rows = all.slice((page - 1) * PAGE.item, page * PAGE.item).map((r) => this.row(r, false)) as unknown as InfosI1['ItemList'];
    return { Flag: true, Message: '', Count: rows.length, PageNum: page, PageCount: pages, ItemList: rows };
  }

  private dlbOf(code: string): Dlb | null {
    const d = this.cfg.codes.dlb;
    return code === d.med ? 'med' : code === d.sw ? 'sw' : code === d.item ? 'item' : null;
  }

  /** Price control: the row exists and the price is within the 农合 限价 (诊疗项目: or an 加价理由 is given). */
  private priceProblem(r: XnhCatalogRow | undefined, price: string, reason: string): string | null {
    if (!r) return '项目不存在于农合目录';
    let fen: number;
    try {
      fen = fenOf(price, '单价');
    } catch (e) {
      return (e as Error).message;
    }
    if (fen < 0) return '单价不能为负数';
    if (r.limit !== null && fen > fenOf(r.limit, '限价')) {
      if (r.dlb === 'item' && reason.trim()) return null;
      return `【${r.name}】单价${price}超过农合限价${r.limit}${r.dlb === 'item' ? '（需填写加价理由）' : ''}`;
    }
    return null;
  }

  private checkPrice(dlb: Dlb, id: number, price: string, hid: number, reason: string): FalseOrTrue {
    if (hid !== XNH_SANDBOX_IDENTITY.hid) return no(`医院ID【${hid}】无效`);
    const p = this.priceProblem(catalogRow(dlb, id), price, reason);
    return p ? no(p) : ok();
  }

  // ---- 入院 / 出院 -----------------------------------------------------------------------------

  private diseases(list: JB[] | null | undefined): JB[] {
    const l = list ?? [];
    if (!l.length) throw new CenterRefusal('入院诊断（jbbm）不能为空');
    for (const j of l) if (!XNH_DISEASES.some((d) => d.BM === j.JBBM)) throw new CenterRefusal(`疾病编码【${j.JBBM}】不在农合疾病编码库中`);
    return l.map((j) => ({ JBBM: j.JBBM, JBMC: j.JBMC || XNH_DISEASES.find((d) => d.BM === j.JBBM)!.MC }));
  }

  private dept(ks: string): string {
    if (!XNH_DEPARTMENTS.some((d) => d.KSBM === ks)) throw new CenterRefusal(`科室【${ks}】不是本院科室（QueryYYKS）`);
    return ks;
  }

  private ryHandle(a: Record<string, unknown>): FUHEReturn {
    const s = (k: string) => String(a[k] ?? '').trim();
    const e = this.user(s('UID'), s('HACCCODE'));
    if (e) throw new CenterRefusal(e);
    const p = this.personOf(s('PERSONCODE'));
    if (!s('ZYCODE')) throw new CenterRefusal('住院号（ZYCODE）不能为空');
    if (!s('JZTYPE')) throw new CenterRefusal('就诊类型（JZTYPE）不能为空');
    const jb = this.diseases(a.jbbm as JB[] | null);
    const v = this.kernel.openVisit(p, 'inpatient', { med_type: '21', his_no: s('ZYCODE'), dept: this.dept(s('RYKS')), doctor: s('DOCTORNAME'), diag_code: jb[0]!.JBBM, diag_name: jb[0]!.JBMC });
    const adm: Admission = {
      zyid: v.id, visit: v, ZYCODE: s('ZYCODE'), JZTYPE: s('JZTYPE'), RYKS: s('RYKS'), CWCODE: s('CWCODE'), DOCTORNAME: String(a.DOCTORNAME ?? ''),
      RYSTATUS: s('RYSTATUS') || this.cfg.codes.rystatus, RYOPERATOR: String(a.RYOPERATOR ?? ''), ERROID: s('ERROID'), jb,
    };
    this.admissions.set(v.id, adm);
    return { Flag: true, Message: '入院办理成功', ZYID: v.id, FHSTATUS: '1' };
  }

  private modifyRY(a: Record<string, unknown>): FUHEReturn {
    const s = (k: string) => String(a[k] ?? '').trim();
    const e = this.user(s('UID'), s('HACCCODE'));
    if (e) throw new CenterRefusal(e);
    const adm = this.admission(s('ZYID'));
    if (adm.visit.status !== 'open') throw new CenterRefusal(`住院流水号【${adm.zyid}】已出院，不能修改入院信息`);
    const jb = this.diseases(a.jbbm as JB[] | null);
    Object.assign(adm, { JZTYPE: s('JZTYPE') || adm.JZTYPE, ZYCODE: s('ZYCODE') || adm.ZYCODE, RYSTATUS: s('RYSTATUS') || adm.RYSTATUS, RYKS: this.dept(s('RYKS') || adm.RYKS), CWCODE: s('CWCODE'), DOCTORNAME: String(a.DOCTORNAME ?? ''), ERROID: s('ERROID'), jb });
    adm.visit.his_no = adm.ZYCODE;
    adm.visit.dept = adm.RYKS;
    adm.visit.diag_code = jb[0]!.JBBM;
    return { Flag: true, Message: '入院信息已修改', ZYID: adm.zyid, FHSTATUS: '1' };
  }

  private modifyTime(v: ValidateInfoClass, t: Time | null, which: 'ry' | 'cy'): FalseOrTrue {
    const adm = this.vinfo(v);
    const time = String(t?.TIME ?? '').slice(0, 19).replace('T', ' ');
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(time)) throw new CenterRefusal('时间不能为空');
    if (which === 'ry') {
      if (adm.visit.end && time > adm.visit.end) throw new CenterRefusal('入院时间不能晚于出院时间');
      adm.visit.begin = time;
    } else {
      if (!adm.cy) throw new CenterRefusal(`住院流水号【${adm.zyid}】尚未出院（CYBL）`);
      if (time < adm.visit.begin) throw new CenterRefusal('出院时间不能早于入院时间');
      adm.visit.end = time;
      if (adm.bcid) this.bc.get(adm.bcid)!.time = time;
    }
    return ok(which === 'ry' ? '入院时间已修改' : '出院时间已修改');
  }

  private cybl(a: Record<string, unknown>): FalseOrTrue {
    const s = (k: string) => String(a[k] ?? '').trim();
    const e = this.user(s('userID'), s('HaccCode'));
    if (e) throw new CenterRefusal(e);
    const adm = this.admission(s('zylshID'));
    if (adm.visit.status !== 'open') throw new CenterRefusal(`住院流水号【${adm.zyid}】已出院`);
    const jb = (a.jbBm as string[] | null) ?? [];
    if (!jb.length) throw new CenterRefusal('出院诊断（jbBm）不能为空');
    for (const c of jb) if (!XNH_DISEASES.some((d) => d.BM === c)) throw new CenterRefusal(`疾病编码【${c}】不在农合疾病编码库中`);
    if (!s('cyZtbm')) throw new CenterRefusal('出院转归（cyZtbm）不能为空');
    this.dept(s('cyKs'));
    // the 新农合 system computes the 补偿 at discharge (the sandbox's stand-in for the 农合 office)
    const bcid = `BC${this.nextNumeric()}`;
    const v = adm.visit;
    v.end = this.now();
    v.status = 'discharged';
    let settlement: KSettlement;
    try {
      settlement = this.kernel.settle(v, { acctUsed: false, id: bcid });
    } catch (err) {
      v.end = '';
      v.status = 'open';
      throw err;
    }
    for (const l of this.qd.values()) if (l.zyid === adm.zyid && l.status === 'active') l.status = 'settled';
    adm.cy = { ztbm: s('cyZtbm'), ks: s('cyKs'), jb, user: s('userID') };
    adm.bcid = bcid;
    this.bc.set(bcid, { bcid, zyid: adm.zyid, settlement, time: v.end });
    return ok(`出院办理成功，补偿单号${bcid}`);
  }

  private current(pid: string): Admission | undefined {
    let last: Admission | undefined;
    for (const a of this.admissions.values()) if (a.visit.pid === pid && a.visit.status !== 'cancelled') last = a;
    return last;
  }

  private isPatient1(code: string): IsPatientClass {
    return this.flag<IsPatientClass>(() => {
      const p = this.personOf(code);
      const a = this.current(p.pid);
      const inHosp = !!a && a.visit.status === 'open';
      return { Flag: true, Message: inHosp ? '在院' : '不在院', ISPATIENT: inHosp, ZYID: inHosp ? a!.zyid : '', ZYCODE: inHosp ? a!.ZYCODE : '', RYDATE: inHosp ? dt(a!.visit.begin) : null };
    }, { ISPATIENT: false, ZYID: '', ZYCODE: '', RYDATE: null });
  }

  private zy(a: Admission): ZY {
    const p = this.kernel.byPid(a.visit.pid);
    return {
      Flag: true, Message: '', ZYID: a.zyid, ZYCODE: a.ZYCODE, PERSONCODE: p.pid, NAME: p.name, JZTYPE: a.JZTYPE, RYKS: a.RYKS, CWCODE: a.CWCODE, DOCTORNAME: a.DOCTORNAME,
      RYSTATUS: a.RYSTATUS, RYDATE: dt(a.visit.begin), CYDATE: a.visit.end ? dt(a.visit.end) : null, STATUS: a.visit.status === 'open' ? '1' : '2', Diseases: a.jb,
    };
  }

  private isPatient2(code: string): ZY {
    const empty = { ZYID: '', ZYCODE: '', PERSONCODE: code, NAME: '', JZTYPE: '', RYKS: '', CWCODE: '', DOCTORNAME: '', RYSTATUS: '', RYDATE: null, CYDATE: null, STATUS: '0', Diseases: [] };
    return this.flag<ZY>(() => {
      const p = this.personOf(code);
      const a = this.current(p.pid);
      if (!a) return { ...empty, Flag: true, Message: '无住院记录', PERSONCODE: p.pid, NAME: p.name };
      return this.zy(a);
    }, empty);
  }

  // ---- 每日清单 --------------------------------------------------------------------------------

  /** Checks one 清单 line (`others` = the admission's active lines without the one being replaced). */
  private lineProblem(adm: Admission, l: QDInfoClass, others: QdLine[]): { code: string; msg: string } | null {
    if (!(l.hqdid > 0)) return { code: 'E01', msg: 'HIS清单号（hqdid）必须为正整数' };
    if (others.some((x) => x.line.hqdid === l.hqdid)) return { code: 'E01', msg: `HIS清单号【${l.hqdid}】重复` };
    if (l.ZYID && l.ZYID !== adm.zyid) return { code: 'E06', msg: `清单住院流水号【${l.ZYID}】与vinfo不符` };
    const dlb = this.dlbOf(String(l.DLB ?? ''));
    if (!dlb) return { code: 'E02', msg: `大类别【${l.DLB}】无效` };
    const row = catalogRow(dlb, l.xmid);
    const pp = this.priceProblem(row, String(l.price ?? ''), String(l.reason ?? ''));
    if (pp) return { code: row ? 'E04' : 'E02', msg: pp };
    if (!/^-?\d+(\.\d+)?$/.test(String(l.count ?? '')) || /^-?0+(\.0+)?$/.test(String(l.count))) return { code: 'E03', msg: `数量【${l.count}】无效` };
    const amt = this.kernel.core.classify({ fee_items: [{ feedetl_sn: '1', pric: l.price, cnt: l.count, med_chrgitm_type: '14', chrgitm_lv: '01' }] }).items[0]!.det_item_fee_sumamt;
    let money: number;
    try {
      money = fenOf(String(l.money ?? ''), '金额');
    } catch (e) {
      return { code: 'E03', msg: (e as Error).message };
    }
    if (money !== amt) return { code: 'E03', msg: `金额【${l.money}】与单价×数量【${yuan(amt)}】不符` };
    if (l.count.startsWith('-')) {
      // 负数冲帐: only against what this admission already has of the same item at the same price
      const have = others.filter((x) => x.line.DLB === l.DLB && x.line.xmid === l.xmid && fenOf(x.line.price, '单价') === fenOf(l.price, '单价'));
      const net = have.reduce((s, x) => s + this.kernel.core.classify({ fee_items: [{ feedetl_sn: '1', pric: '1', cnt: x.line.count, med_chrgitm_type: '14', chrgitm_lv: '01' }] }).items[0]!.det_item_fee_sumamt, 0);
      const neg = this.kernel.core.classify({ fee_items: [{ feedetl_sn: '1', pric: '1', cnt: l.count, med_chrgitm_type: '14', chrgitm_lv: '01' }] }).items[0]!.det_item_fee_sumamt;
      if (net + neg < 0) return { code: 'E05', msg: `负数冲帐：【${row!.name}】单价${l.price}的已记账数量不足以冲减${l.count}` };
    }
    return null;
  }

  private active(zyid: string): QdLine[] {
    return [...this.qd.values()].filter((x) => x.zyid === zyid && x.status === 'active');
  }

  private openForQd(adm: Admission): void {
    if (adm.visit.status !== 'open') throw new CenterRefusal(`住院流水号【${adm.zyid}】已出院，清单不能再修改`);
  }

  private put(adm: Admission, l: QDInfoClass, qdid: number): QdLine {
    const row = catalogRow(this.dlbOf(l.DLB)!, l.xmid)!;
    const line = { ...l, ZYID: adm.zyid, XMMC: l.XMMC || row.name, qdtime: l.qdtime || dt(this.now()) };
    const [k] = this.kernel.addLines(adm.visit, [{ sn: String(qdid), code: row.code, name: row.name, pric: l.price, cnt: l.count, amount: l.money, spec: l.SPEC, unit: l.UNIT, doctor: l.doctor }]);
    k!.item = row.item; // the 农合 catalogue attributes (限价) classify the line
    const q: QdLine = { qdid, zyid: adm.zyid, line, status: 'active' };
    this.qd.set(qdid, q);
    return q;
  }

  private writeQD1(v: ValidateInfoClass, lines: QDInfoClass[]): QDReturn1 {
    const fail = (Message: string, Errors: QDError[] = []): QDReturn1 => ({ Flag: false, Message, Count: 0, QDIDs: [], Errors });
    let adm: Admission;
    try {
      adm = this.vinfo(v);
      this.openForQd(adm);
    } catch (e) {
      if (e instanceof CenterRefusal) return fail(e.message);
      throw e;
    }
    if (!lines.length) return fail('清单不能为空');
    const errors: QDError[] = [];
    const seen: QdLine[] = this.active(adm.zyid);
    for (const l of lines) {
      const pr = this.lineProblem(adm, l, seen);
      if (pr) errors.push({ hqdid: l.hqdid, ErrCode: pr.code, Message: pr.msg });
      else seen.push({ qdid: 0, zyid: adm.zyid, line: l, status: 'active' });
    }
    if (errors.length) return fail(`清单有${errors.length}条错误，本批未写入`, errors);
    const ids = lines.map((l) => ({ hqdid: l.hqdid, qdid: this.put(adm, l, ++this.qdSeq).qdid, Flag: true, Message: '' }));
    return { Flag: true, Message: `写入${ids.length}条`, Count: ids.length, QDIDs: ids, Errors: [] };
  }

  private writeQD2(v: ValidateInfoClass, lines: QDInfoClass[]): QDReturn2[] {
    let adm: Admission;
    try {
      adm = this.vinfo(v);
      this.openForQd(adm);
    } catch (e) {
      if (e instanceof CenterRefusal) return lines.map((l) => ({ hqdid: l.hqdid, qdid: 0, Flag: false, Message: e.message }));
      throw e;
    }
    return lines.map((l) => {
      const pr = this.lineProblem(adm, l, this.active(adm.zyid));
      if (pr) return { hqdid: l.hqdid, qdid: 0, Flag: false, Message: `${pr.code} ${pr.msg}` };
      return { hqdid: l.hqdid, qdid: this.put(adm, l, ++this.qdSeq).qdid, Flag: true, Message: '' };
    });
  }

  private replace(adm: Admission, old: QdLine, next: QDInfoClass): FalseOrTrue {
    const pr = this.lineProblem(adm, next, this.active(adm.zyid).filter((x) => x.qdid !== old.qdid));
    if (pr) throw new CenterRefusal(`${pr.code} ${pr.msg}`);
    this.kernel.deleteLines(adm.visit, [String(old.qdid)]);
    old.status = 'deleted';
    this.put(adm, { ...next, qdtime: next.qdtime || old.line.qdtime }, old.qdid);
    return ok('清单已修改');
  }

  private modifyQD1(v: ValidateInfoClass, l: QDInfoClass | null): FalseOrTrue {
    const adm = this.vinfo(v);
    this.openForQd(adm);
    if (!l) throw new CenterRefusal('qdinfo 不能为空');
    const old = this.active(adm.zyid).find((x) => x.line.hqdid === l.hqdid);
    if (!old) throw new CenterRefusal(`HIS清单号【${l.hqdid}】不存在或已删除`);
    return this.replace(adm, old, l);
  }

  private modifyQD2(a: Record<string, unknown>): FalseOrTrue {
    const s = (k: string) => String(a[k] ?? '');
    const e = this.user(s('UID'), s('HACCCODE'));
    if (e) throw new CenterRefusal(e);
    const old = this.qd.get(a.qdid as number);
    if (!old || old.status === 'deleted') throw new CenterRefusal(`农合清单号【${String(a.qdid)}】不存在或已删除`);
    if (old.status === 'settled') throw new CenterRefusal(`农合清单号【${String(a.qdid)}】已结算，不能修改`);
    const adm = this.admission(old.zyid);
    this.openForQd(adm);
    const count = s('count');
    const money = this.kernel.core.classify({ fee_items: [{ feedetl_sn: '1', pric: old.line.price, cnt: count, med_chrgitm_type: '14', chrgitm_lv: '01' }] }).items[0]!.det_item_fee_sumamt;
    return this.replace(adm, old, { ...old.line, count, zfund: s('zfund'), DLB: s('DLB') || old.line.DLB, reason: s('reason'), xmid: a.xmid as number, doctor: s('doctor'), money: yuan(money), XMMC: '' });
  }

  private deleteByHqdid(hqdid: number, v: ValidateInfoClass): FalseOrTrue {
    const adm = this.vinfo(v);
    this.openForQd(adm);
    const l = this.active(adm.zyid).find((x) => x.line.hqdid === hqdid);
    if (!l) throw new CenterRefusal(`HIS清单号【${hqdid}】不存在或已删除`);
    this.kernel.deleteLines(adm.visit, [String(l.qdid)]);
    l.status = 'deleted';
    return ok('已删除1条');
  }

  private deleteQdids(ids: number[], uid: string, h: string): FalseOrTrue {
    const e = this.user(uid, h);
    if (e) throw new CenterRefusal(e);
    if (!ids.length) throw new CenterRefusal('清单号不能为空');
    const lines = ids.map((id) => {
      const l = this.qd.get(id);
      if (!l || l.status === 'deleted') throw new CenterRefusal(`农合清单号【${id}】不存在或已删除`);
      if (l.status === 'settled') throw new CenterRefusal(`农合清单号【${id}】已结算，不能删除`);
      this.openForQd(this.admission(l.zyid));
      return l;
    });
    for (const l of lines) {
      this.kernel.deleteLines(this.admission(l.zyid).visit, [String(l.qdid)]);
      l.status = 'deleted';
    }
    return ok(`已删除${lines.length}条`);
  }

  private queryQD(h: string, code: string): QueryPatientQD {
    const empty = { PERSONCODE: code, ZYID: '', Count: 0, TotalMoney: '0.00', QDList: [] };
    const e = this.hosp(h);
    if (e) return { ...empty, Flag: false, Message: e };
    return this.flag<QueryPatientQD>(() => {
      const p = this.personOf(code);
      const a = this.current(p.pid);
      if (!a) throw new CenterRefusal('该参合人员无住院记录');
      const lines = [...this.qd.values()].filter((x) => x.zyid === a.zyid && x.status !== 'deleted');
      const list: QDInfo[] = lines.map((x) => ({
        qdid: x.qdid, hqdid: x.line.hqdid, ZYID: a.zyid, DLB: x.line.DLB, xmid: x.line.xmid, XMMC: x.line.XMMC, price: x.line.price, count: x.line.count, money: x.line.money,
        zfund: x.line.zfund ?? '0', doctor: x.line.doctor ?? '', qdtime: x.line.qdtime, STATUS: x.status === 'settled' ? '2' : '1',
      }));
      const total = lines.reduce((s, x) => s + fenOf(x.line.money, '金额'), 0);
      return { Flag: true, Message: '', PERSONCODE: p.pid, ZYID: a.zyid, Count: list.length, TotalMoney: yuan(total), QDList: list };
    }, empty);
  }

  // ---- 统计结算查询 -----------------------------------------------------------------------------

  private queryBC(h: string, begin: string, end: string, choose: number): QueryHospitalBC {
    const c = this.cfg.codes.bcChoose;
    const empty = { Count: 0, Summary: [], Details: [] };
    const e = this.hosp(h);
    if (e) return { ...empty, Flag: false, Message: e };
    if (![c.summary, c.detail, c.both].includes(choose)) return { ...empty, Flag: false, Message: `choose【${choose}】无效（${c.summary} 汇总 / ${c.detail} 明细 / ${c.both} 全部）` };
    const b = begin.slice(0, 19).replace('T', ' '), en = end.slice(0, 19).replace('T', ' ');
    if (b > en) return { ...empty, Flag: false, Message: '开始时间晚于结束时间' };
    const inRange = (t: string) => t >= b && t <= en;
    const zy = [...this.bc.values()].filter((x) => inRange(x.time));
    const mz = [...this.mztcz.values()].filter((r) => r.status === this.st.confirmed && inRange(r.created));
    const sum = (list: KSettlement[], type: string): BCInfo0 => {
      const a = list.map((s) => xnhAmounts(s.result.setlinfo));
      const t = (k: keyof ReturnType<typeof xnhAmounts>) => yuan(a.reduce((x, y) => x + y[k], 0));
      return { BCTYPE: type, RC: list.length, TotalMoney: t('total'), KBMoney: t('kb'), BCMoney: t('bc'), SelfMoney: t('self') };
    };
    const Summary = choose === c.detail ? [] : [sum(zy.map((x) => x.settlement), '住院'), sum(mz.map((r) => r.settlement), '门诊统筹')];
    const Details: BCInfo1[] = choose === c.summary ? [] : zy.map((x) => {
      const adm = this.admission(x.zyid);
      const p = this.kernel.byPid(adm.visit.pid);
      const m = xnhAmounts(x.settlement.result.setlinfo);
      return {
        BCID: x.bcid, ZYID: adm.zyid, ZYCODE: adm.ZYCODE, PERSONCODE: p.pid, NAME: p.name, RYDATE: dt(adm.visit.begin), CYDATE: dt(adm.visit.end), BCDATE: dt(x.settlement.time),
        Money: { TotalMoney: yuan(m.total), ZFMoney: yuan(m.zf), KBMoney: yuan(m.kb), QFX: yuan(m.qfx), BCMoney: yuan(m.bc), SelfMoney: yuan(m.self) },
      };
    });
    return { Flag: true, Message: '', Count: Details.length + Summary.length, Summary, Details };
  }

  // ---- 门诊统筹 --------------------------------------------------------------------------------

  private queryJBBM(page: number): InfosJB {
    const pages = Math.ceil(XNH_DISEASES.length / PAGE.jbbm);
    if (!(page >= 1)) return { Flag: false, Message: `页码【${page}】无效（从1开始）`, Count: 0, PageNum: page, PageCount: pages, JBList: [] };
    const list = XNH_DISEASES.slice((page - 1) * PAGE.jbbm, page * PAGE.jbbm);
    return { Flag: true, Message: '', Count: list.length, PageNum: page, PageCount: pages, JBList: list };
  }

  private queryYYKS(h: string): InfosKS {
    const e = this.hosp(h);
    if (e) return { Flag: false, Message: e, Count: 0, KSList: [] };
    return { Flag: true, Message: '', Count: XNH_DEPARTMENTS.length, KSList: XNH_DEPARTMENTS.map((d) => ({ ...d })) };
  }

  private record(id: string): MztczRecord {
    const r = this.mztcz.get(String(id).trim());
    if (!r) throw new CenterRefusal(`门诊统筹记录【${id}】不存在`);
    return r;
  }

  private statusZh(s: string): string {
    return s === this.st.registered ? '登记（未确认）' : s === this.st.confirmed ? '已确认' : s === this.st.deleted ? '已删除' : s === this.st.reversed ? '已红冲' : s;
  }

  private login(info: MZTCZInfo | null, choose: number, hcId: string, personCode: string, h: string): MZQDRetrun {
    const fail = (Message: string, Errors: MZQDError[] = []): MZQDRetrun => ({
      Flag: false, Message, mztczID: '0', TotalMoney: '0.00', ZFMoney: '0.00', KBMoney: '0.00', QFX: '0.00', BCMoney: '0.00', SelfMoney: '0.00', status: '', Errors,
    });
    const e = this.hosp(h);
    if (e) return fail(e);
    if (!info) return fail('info 不能为空');
    const ue = this.user(info.userID);
    if (ue) return fail(ue);
    let p: KPerson;
    try {
      p = this.personOf(personCode);
    } catch (err) {
      if (err instanceof CenterRefusal) return fail(err.message);
      throw err;
    }
    if (info.personCode && info.personCode !== personCode) return fail(`info.personCode【${info.personCode}】与personCode【${personCode}】不符`);
    const lc = this.cfg.codes.loginChoose;
    let reentryOf: MztczRecord | undefined;
    if (choose === lc.reentry) {
      reentryOf = this.mztcz.get(hcId);
      if (!reentryOf) return fail(`红冲记录【${hcId}】不存在`);
      if (reentryOf.visit.pid !== p.pid) return fail(`红冲记录【${hcId}】不属于该参合人员`);
      if (reentryOf.status !== this.st.reversed) return fail(`记录【${hcId}】状态为${this.statusZh(reentryOf.status)}，只有已红冲的记录可以重新录入`);
      if (reentryOf.reentered) return fail(`红冲记录【${hcId}】已重新录入`);
    } else if (choose === lc.new) {
      if (!/^0+(\.0+)?$/.test(hcId || '0')) return fail('新录入时 hcmztczID 应为 0');
    } else return fail(`choose【${choose}】无效（${lc.new} 新录入 / ${lc.reentry} 红冲后重新录入）`);
    const mzh = String(info.MZH ?? '').trim();
    if (!mzh) return fail('门诊号（MZH）不能为空');
    for (const r of this.mztcz.values()) {
      if (r.info.MZH === mzh && (r.status === this.st.registered || r.status === this.st.confirmed)) return fail(`门诊号【${mzh}】已有门诊统筹记录【${r.id}】（${this.statusZh(r.status)}）`);
    }
    if (!XNH_DEPARTMENTS.some((d) => d.KSBM === info.KSBM)) return fail(`科室【${info.KSBM}】不是本院科室（QueryYYKS）`);
    if (!XNH_DISEASES.some((d) => d.BM === info.JBBM)) return fail(`疾病编码【${info.JBBM}】不在疾病编码库中（QueryJBBM）`);
    const mx: MZTCZMXInfo[] = info.MXList ?? [];
    if (!mx.length) return fail('门诊明细（MXList）不能为空');
    const errors: MZQDError[] = [];
    let total = 0;
    for (const [i, l] of mx.entries()) {
      const dlb = this.dlbOf(String(l.DLB ?? ''));
      const row = dlb ? catalogRow(dlb, l.xmid) : undefined;
      const pp = dlb ? this.priceProblem(row, String(l.price ?? ''), '') : `大类别【${l.DLB}】无效`;
      if (pp) {
        errors.push({ xh: l.xh ?? i + 1, ErrCode: row ? 'E04' : 'E02', Message: pp });
        continue;
      }
      const amt = this.kernel.core.classify({ fee_items: [{ feedetl_sn: '1', pric: l.price, cnt: l.count, med_chrgitm_type: '14', chrgitm_lv: '01' }] }).items[0]!.det_item_fee_sumamt;
      let money = NaN;
      try {
        money = fenOf(String(l.money ?? ''), '金额');
      } catch {
        /* reported below */
      }
      if (money !== amt) errors.push({ xh: l.xh ?? i + 1, ErrCode: 'E03', Message: `金额【${l.money}】与单价×数量【${yuan(amt)}】不符` });
      else total += amt;
    }
    if (errors.length) return fail(`门诊明细有${errors.length}条错误`, errors);
    let declared: number;
    try {
      declared = fenOf(String(info.TotalMoney ?? ''), '总金额');
    } catch (err) {
      return fail((err as Error).message);
    }
    if (declared !== total) return fail(`总金额【${info.TotalMoney}】与明细合计【${yuan(total)}】不符`);
    const id = this.nextNumeric();
    let v: KVisit;
    let settlement: KSettlement;
    try {
      v = this.kernel.openVisit(p, 'outpatient', { med_type: '11', his_no: mzh, dept: info.KSBM, doctor: info.DOCTOR, diag_code: info.JBBM });
    } catch (err) {
      if (err instanceof CenterRefusal) return fail(err.message);
      throw err;
    }
    try {
      const lines = this.kernel.addLines(v, mx.map((l, i) => {
        const row = catalogRow(this.dlbOf(l.DLB)!, l.xmid)!;
        return { sn: String(i + 1), code: row.code, name: row.name, pric: l.price, cnt: l.count, amount: l.money };
      }));
      lines.forEach((k, i) => (k.item = catalogRow(this.dlbOf(mx[i]!.DLB)!, mx[i]!.xmid)!.item));
      settlement = this.kernel.settle(v, { acctUsed: false, pending: true, id });
    } catch (err) {
      this.kernel.deleteLines(v);
      v.status = 'cancelled';
      if (err instanceof CenterRefusal) return fail(err.message);
      throw err;
    }
    const m = xnhAmounts(settlement.result.setlinfo);
    const stored: MZTCZInfo = {
      ...info, mztczID: id, hcmztczID: reentryOf ? reentryOf.id : '0', personCode: p.pid, NAME: p.name, HaccCode: h, MZH: mzh, JZDATE: info.JZDATE || dt(this.now()),
      TotalMoney: yuan(m.total), ZFMoney: yuan(m.zf), KBMoney: yuan(m.kb), QFX: yuan(m.qfx), BCMoney: yuan(m.bc), SelfMoney: yuan(m.self), status: this.st.registered, reason: '',
      MXList: mx,
    };
    if (reentryOf) reentryOf.reentered = true;
    this.mztcz.set(id, { id, info: stored, status: this.st.registered, visit: v, settlement, hcmztczID: stored.hcmztczID, reentered: false, reason: '', created: this.now() });
    return {
      Flag: true, Message: '登记成功，待确认', mztczID: id, TotalMoney: stored.TotalMoney, ZFMoney: stored.ZFMoney, KBMoney: stored.KBMoney, QFX: stored.QFX,
      BCMoney: stored.BCMoney, SelfMoney: stored.SelfMoney, status: this.st.registered, Errors: [],
    };
  }

  private mine(h: string, id: string, uid: string): MztczRecord {
    const e = this.user(uid, h);
    if (e) throw new CenterRefusal(e);
    return this.record(id);
  }

  private sure(h: string, id: string, uid: string): FalseOrTrue {
    const r = this.mine(h, id, uid);
    if (r.status === this.st.confirmed) return ok('已确认');
    if (r.status !== this.st.registered) throw new CenterRefusal(`记录【${id}】${this.statusZh(r.status)}，不能确认`);
    this.kernel.confirm(r.settlement.id);
    r.status = this.st.confirmed;
    r.info.status = r.status;
    return ok('确认成功');
  }

  private del(h: string, id: string, uid: string): FalseOrTrue {
    const r = this.mine(h, id, uid);
    if (r.status === this.st.deleted) return ok('已删除');
    if (r.status !== this.st.registered) throw new CenterRefusal(`记录【${id}】${this.statusZh(r.status)}，只能删除未确认的记录（已确认的请红冲）`);
    this.kernel.cancelPending(r.settlement.id);
    this.kernel.deleteLines(r.visit);
    r.visit.status = 'cancelled';
    r.status = this.st.deleted;
    r.info.status = r.status;
    if (r.hcmztczID !== '0') {
      const orig = this.mztcz.get(r.hcmztczID);
      if (orig) orig.reentered = false;
    }
    return ok('删除成功');
  }

  private hc(h: string, id: string, uid: string, reason: string): FalseOrTrue {
    const r = this.mine(h, id, uid);
    if (r.status !== this.st.confirmed) throw new CenterRefusal(`记录【${id}】${this.statusZh(r.status)}，只能红冲已确认的记录`);
    if (!reason.trim()) throw new CenterRefusal('红冲原因不能为空');
    this.kernel.reverse(r.settlement.id, { id: `HC${id}` });
    this.kernel.deleteLines(r.visit);
    r.visit.status = 'cancelled';
    r.status = this.st.reversed;
    r.reason = reason;
    r.info.status = r.status;
    r.info.reason = reason;
    return ok('红冲成功');
  }

  private queryMztcz(h: string, q: { person?: string; status: string; begin?: string; end?: string }): MZTCZInfo[] {
    const e = this.hosp(h);
    if (e) throw new XnhFault('Client', e);
    if (q.person !== undefined && !this.kernel.persons.has(q.person.trim())) throw new XnhFault('Client', `参合证号【${q.person}】不存在`);
    const known = Object.values(this.st);
    if (!known.includes(q.status)) throw new XnhFault('Client', `状态【${q.status}】无效（${known.map((x) => x || '空=全部').join('/')}）`);
    const b = q.begin?.slice(0, 19).replace('T', ' ');
    const en = q.end?.slice(0, 19).replace('T', ' ');
    return [...this.mztcz.values()]
      .filter((r) => (q.person === undefined || r.info.personCode === q.person.trim()) && (q.status === this.st.all || r.status === q.status))
      .filter((r) => (!b || r.created >= b) && (!en || r.created <= en))
      .map((r) => ({ ...r.info, status: r.status }));
  }

  /** Everything the center holds, for tests and the sandbox's log. */
  ledger() {
    return this.kernel.ledger();
  }
}

export { xsDateTime };
