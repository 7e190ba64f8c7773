// The Sichuan 新农合 V3.0 client: one typed method per function of the signature list (named exactly as the
// specification names them), and the canonical operations the shared flows (host-node/src/flows.ts) drive:
//   identify            → CheckDB + CheckHosAccredit1 + CheckUser (once) → QueryPersoninfo + CheckPersonCode
//   register/uploadVisit→ kept locally (门诊统筹 registers and computes in one call)
//   uploadFees          → 对码 (ToCode: configured rows, else exact code match in QueryMed/QuerySW/QueryItem1)
//                         + price control CheckMed / CheckSW / CheckItem per line; kept locally
//   presettle           → QueryYYKS / QueryJBBM (department and diagnosis known) + QuerySystemTime (就诊时间)
//                         + MZTCZLoginInt (registered, computed, NOT confirmed)
//   settle              → (LoginInt if needed) → onPending → MZTCZSureInt; setl_id = mztczID
//   admit               → RYHandle → mdtrt_id = ZYID (农合 住院流水号)
//   uploadInpatientFees → 对码 + price control → WriteQD1 (or WriteQD2) in batches; 农合 qdid kept per HIS
//                         hqdid; QueryQD must then show the same total to the fen
//   inpatientPresettle  → QueryQD total check (新农合 computes no 补偿 before discharge: fund 0, warn_msg)
//   discharge           → CYBL (+ ModifyCYTime when an end time is given)
//   inpatientSettle     → QueryBC (choose 明细) → the admission's BCInfo1 row (补偿 computed by 新农合)
//   cancelSettle        → MZTCZDeleteInt (unconfirmed) or MZTCZHCInt (红冲, confirmed)
// An unanswered LoginInt / SureInt is resolved with QueryMZTCInfo3 by the HIS 门诊号 (recoverMztcz).
import type { Core } from '../../host-node/src/contract.js';
import type { Credential, FeeLine, FeeLineResult, Identity, InpatientSettleParams, Settlement, SettleParams } from '../../host-node/src/client.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { fenToYuan, yuanToFen } from '../../host-node/src/money.js';
import { maskId } from '../../host-node/src/mask.js';
import { createSoapClient } from '../../host-node/src/transport-soap.js';
import { legacySettlement } from '../legacy/settlement.js';
import { XnhCodec, xsDateTime } from './codec.js';
import { xnhConfig, type XnhConfig } from './manifest.js';
import type {
  Dec, FalseOrTrue, FUHEReturn, InfosI, InfosI1, InfosJB, InfosKS, InfosM, InfosM1, InfosP, InfosSW, InfosSW1, InfosU, IsPatientClass, JB, MZQDRetrun,
  MZTCZInfo, MZTCZMXInfo, PersonInfo, QDInfoClass, QDReturn1, QDReturn2, QueryHospitalBC, QueryPatientQD, RevertHospitalID, Time, ToCode, ValidateInfoClass,
  XnhService, ZY,
} from './spec.js';

export interface SichuanXnhClientOptions {
  core: Core;
  /** base URL of the 新农合 interface server; the services' paths (manifest xnh.services) are appended */
  url: string;
  /** 医院授权码 (configuration / YIBAO_SCXNH_HACCCODE, never source) */
  hacccode: string;
  /** 操作员 UID (configuration / YIBAO_SCXNH_UID) */
  uid: string;
  /** 经办人姓名 (RYOPERATOR) */
  operatorName?: string;
  /** deployment configuration over the defaults (class fields, services, codes …) */
  config?: Partial<XnhConfig>;
  /** 对码 rows (HIS code → 农合 item) that take precedence over the exact-code match */
  toCode?: ToCode[];
  timeoutMs?: number;
  now?: () => Date;
  /** function-level events (no personal data) */
  log?: (e: { kind: 'call' | 'reply' | 'error' | 'recover'; fn: string; detail?: string }) => void;
  /**
   * 门诊统筹: called after MZTCZLoginInt registered the record and before MZTCZSureInt confirms it (the HIS
   * commits locally). If it throws, the record is deleted (MZTCZDeleteInt) and the error rethrown.
   */
  onPending?: (p: { mztczID: string; mdtrt_id: string; settlement: Settlement }) => void | Promise<void>;
}

/** A fee line mapped to the 新农合 catalogue. */
export interface MappedLine {
  feedetl_sn: string;
  dlb: string;
  xmid: number;
  his_code: string;
  name: string;
  spec: string;
  unit: string;
  price: Dec;
  count: Dec;
  money: Dec;
  fen: number;
  reason: string;
  med_chrgitm_type: string;
}

interface OutVisit {
  mzh: string;
  psn_no: string;
  dept_code: string;
  dr_name: string;
  diag: { code: string; name: string };
  lines: MappedLine[];
  pending?: { mztczID: string; total: number; settlement: Settlement; hc: string };
  confirmed?: { mztczID: string; settlement: Settlement };
}

interface InVisit {
  zyid: string;
  psn_no: string;
  zycode: string;
  dept_code: string;
  dr_name: string;
  begin: Date;
  /** feedetl_sn → hqdid / qdid (qdid 0 = not written yet) */
  lines: Map<string, { hqdid: number; qdid: number; line: MappedLine }>;
  hqdSeq: number;
}

/** One recovered 门诊统筹 record. */
export interface MztczRecovery {
  mztczID: string;
  mzh: string;
  /** what recoverMztcz did: confirmed (SureInt), deleted (DeleteInt), or found it already in that state */
  action: 'confirmed' | 'deleted' | 'already-confirmed' | 'already-deleted';
  record: MZTCZInfo;
}

const UNKNOWN = new Set(['TRANSPORT_TIMEOUT', 'TRANSPORT_NETWORK', 'TRANSPORT_HTTP', 'BAD_REPLY']);
/** Whether an error of a call leaves its outcome unknown (nothing came back that says what happened). */
export const isUnknownOutcome = (e: unknown): boolean => e instanceof YibaoError && UNKNOWN.has(e.code);

const sameId = (a: string, b: string) => a.replace(/\.0*$/, '').replace(/^0+(?=\d)/, '') === b.replace(/\.0*$/, '').replace(/^0+(?=\d)/, '');

export class SichuanXnhClient {
  readonly core: Core;
  readonly region = 'sichuan-xnh';
  readonly cfg: XnhConfig;
  readonly codec: XnhCodec;
  private readonly hacc: string;
  private readonly uid: string;
  private readonly soap = new Map<XnhService, ReturnType<typeof createSoapClient>>();
  private readonly now: () => Date;
  private hid: number | null = null;
  private catalog: Map<string, { dlb: string; xmid: number; name: string; limit: Dec | null }> | null = null;
  private readonly toCodeRows = new Map<string, ToCode>();
  private departments: Set<string> | null = null;
  private readonly diseases = new Map<string, string>();
  private diseasePages = { read: 0, total: Number.POSITIVE_INFINITY };
  private readonly priceChecked = new Map<string, FalseOrTrue>();
  private readonly out = new Map<string, OutVisit>();
  private readonly inp = new Map<string, InVisit>();
  private readonly persons = new Map<string, PersonInfo>();
  private seq = 0;

  constructor(private readonly o: SichuanXnhClientOptions) {
    if (!o.hacccode) throw YibaoError.host('TRANSPORT_CONFIG', 'sichuan-xnh: no HACCCODE (医院授权码): configuration sichuanXnh.hacccode or YIBAO_SCXNH_HACCCODE');
    if (!o.uid) throw YibaoError.host('TRANSPORT_CONFIG', 'sichuan-xnh: no UID (操作员): configuration sichuanXnh.uid or YIBAO_SCXNH_UID');
    this.core = o.core;
    this.cfg = xnhConfig(o.config);
    this.codec = new XnhCodec(this.cfg);
    this.hacc = o.hacccode;
    this.uid = o.uid;
    this.now = o.now ?? (() => new Date());
    for (const r of o.toCode ?? []) this.toCodeRows.set(r.HISCODE, r);
  }

  // ---- the wire --------------------------------------------------------------------------------

  private service(s: XnhService) {
    let c = this.soap.get(s);
    if (!c) {
      const svc = this.cfg.services[s];
      const url = /^https?:\/\//.test(svc.path) ? svc.path : this.o.url.replace(/\/+$/, '') + (svc.path.startsWith('/') ? svc.path : `/${svc.path}`);
      c = createSoapClient(this.core, {
        url, version: svc.version, ns: svc.ns, timeoutMs: this.o.timeoutMs,
        action: (m) => this.cfg.soapAction.replace('{ns}', svc.ns).replace('{method}', m),
      });
      this.soap.set(s, c);
    }
    return c;
  }

  /** One function by name with its parameters by name; returns the typed `<fn>Result` (whatever its Flag). */
  async call<T = unknown>(fn: string, args: Record<string, unknown> = {}): Promise<T> {
    const spec = this.codec.fn(fn);
    const params = this.codec.encodeParams(fn, args);
    this.o.log?.({ kind: 'call', fn });
    let r;
    try {
      r = await this.service(spec.service).call(fn, params);
    } catch (e) {
      this.o.log?.({ kind: 'error', fn, detail: (e as { code?: string }).code ?? String(e) });
      throw e;
    }
    const v = this.codec.decodeResult(fn, r.result) as T;
    const flag = v && typeof v === 'object' && 'Flag' in v ? (v as unknown as FalseOrTrue) : null;
    // the center's Message may name the patient: the log carries the Flag only (errors carry the message)
    this.o.log?.({ kind: 'reply', fn, detail: flag ? `Flag=${flag.Flag}` : undefined });
    return v;
  }

  /** call() that throws XNH_FALSE when the result says Flag=false (and BAD_REPLY when a Flag is missing). */
  async callOk<T extends FalseOrTrue>(fn: string, args: Record<string, unknown> = {}): Promise<T> {
    const v = await this.call<T>(fn, args);
    if (!v || typeof v !== 'object' || typeof v.Flag !== 'boolean') throw YibaoError.host('BAD_REPLY', `sichuan-xnh ${fn}: result has no Flag`);
    if (!v.Flag) throw YibaoError.host('XNH_FALSE', `sichuan-xnh ${fn}: ${v.Message || '(no message)'}`);
    return v;
  }

  // ---- 住院接口 functions 1–31 (exact names and parameter orders) ----------------------------------

  CheckDB() { return this.call<FalseOrTrue>('CheckDB'); }
  CheckHosAccredit1(HACCCODE = this.hacc) { return this.call<RevertHospitalID>('CheckHosAccredit1', { HACCCODE }); }
  CheckUser(UID = this.uid, HACCCODE = this.hacc) { return this.call<FalseOrTrue>('CheckUser', { UID, HACCCODE }); }
  CheckMed(MID: number, MPRICE: Dec, HID: number) { return this.call<FalseOrTrue>('CheckMed', { MID, MPRICE, HID }); }
  CheckSW(SID: number, SPRICE: Dec, HID: number) { return this.call<FalseOrTrue>('CheckSW', { SID, SPRICE, HID }); }
  CheckItem(IID: number, IPRICE: Dec, HID: number, ADDPRICEREASON = '') { return this.call<FalseOrTrue>('CheckItem', { IID, IPRICE, HID, ADDPRICEREASON }); }
  CheckPersonCode(PERSONCODE: string) { return this.call<FalseOrTrue>('CheckPersonCode', { PERSONCODE }); }
  IsPatient1(PERSONCODE: string) { return this.call<IsPatientClass>('IsPatient1', { PERSONCODE }); }
  QueryPersoninfo(QUERYCONDITION: string, QUERYKEY: string) { return this.call<InfosP>('QueryPersoninfo', { QUERYCONDITION, QUERYKEY }); }
  QueryMed(HACCCODE = this.hacc) { return this.call<InfosM>('QueryMed', { HACCCODE }); }
  QuerySW(HACCCODE = this.hacc) { return this.call<InfosSW>('QuerySW', { HACCCODE }); }
  QueryItem(HACCCODE = this.hacc) { return this.call<InfosI>('QueryItem', { HACCCODE }); }
  QueryUsersTable(HACCCODE = this.hacc) { return this.call<InfosU>('QueryUsersTable', { HACCCODE }); }
  WriteQD1(vinfo: ValidateInfoClass, qdinfo: QDInfoClass[]) { return this.call<QDReturn1>('WriteQD1', { vinfo, qdinfo }); }
  WriteQD2(vinfo: ValidateInfoClass, qdinfo: QDInfoClass[]) { return this.call<QDReturn2[]>('WriteQD2', { vinfo, qdinfo }); }
  ModifyQD1(vinfo: ValidateInfoClass, qdinfo: QDInfoClass) { return this.call<FalseOrTrue>('ModifyQD1', { vinfo, qdinfo }); }
  ModifyQD2(qdid: number, count: Dec, zfund: Dec, DLB: string, reason: string, xmid: number, doctor: string, UID = this.uid, HACCCODE = this.hacc) {
    return this.call<FalseOrTrue>('ModifyQD2', { qdid, count, zfund, DLB, reason, xmid, doctor, UID, HACCCODE });
  }
  DeleteQD1(hqdid: number, vinfo: ValidateInfoClass) { return this.call<FalseOrTrue>('DeleteQD1', { hqdid, vinfo }); }
  DeleteQD2(qdid: number, UID = this.uid, HACCCODE = this.hacc) { return this.call<FalseOrTrue>('DeleteQD2', { qdid, UID, HACCCODE }); }
  QueryQD(PERSONCODE: string, HACCCODE = this.hacc) { return this.call<QueryPatientQD>('QueryQD', { HACCCODE, PERSONCODE }); }
  QueryBC(BeginTime: string | Date, EndTime: string | Date, choose: number, HACCCODE = this.hacc) { return this.call<QueryHospitalBC>('QueryBC', { HACCCODE, BeginTime, EndTime, choose }); }
  QueryItem1(pagenum: number, HACCCODE = this.hacc) { return this.call<InfosI1>('QueryItem1', { HACCCODE, pagenum }); }
  QueryMed1(HACCCODE = this.hacc) { return this.call<InfosM1>('QueryMed1', { HACCCODE }); }
  QuerySW1(HACCCODE = this.hacc) { return this.call<InfosSW1>('QuerySW1', { HACCCODE }); }
  ModifyRYTime(vinfo: ValidateInfoClass, intime: Time) { return this.call<FalseOrTrue>('ModifyRYTime', { vinfo, intime }); }
  ModifyCYTime(vinfo: ValidateInfoClass, intime: Time) { return this.call<FalseOrTrue>('ModifyCYTime', { vinfo, intime }); }
  RYHandle(a: { PERSONCODE: string; ZYCODE: string; JZTYPE: string; RYKS: string; CWCODE: string; DOCTORNAME: string; RYSTATUS: string; RYOPERATOR: string; ERROID?: string; jbbm: JB[]; HACCCODE?: string; UID?: string }) {
    return this.call<FUHEReturn>('RYHandle', {
      HACCCODE: a.HACCCODE ?? this.hacc, PERSONCODE: a.PERSONCODE, UID: a.UID ?? this.uid, ZYCODE: a.ZYCODE, JZTYPE: a.JZTYPE, RYKS: a.RYKS, CWCODE: a.CWCODE,
      DOCTORNAME: a.DOCTORNAME, RYSTATUS: a.RYSTATUS, RYOPERATOR: a.RYOPERATOR, ERROID: a.ERROID ?? '', jbbm: a.jbbm,
    });
  }
  CYBL(zylshID: string, cyZtbm: string, cyKs: string, jbBm: string[], userID = this.uid, HaccCode = this.hacc) {
    return this.call<FalseOrTrue>('CYBL', { HaccCode, zylshID, userID, cyZtbm, cyKs, jbBm });
  }
  ModifyRY(a: { ZYID: string; JZTYPE: string; ZYCODE: string; RYSTATUS: string; RYKS: string; CWCODE: string; DOCTORNAME: string; ERROID?: string; jbbm: JB[]; HACCCODE?: string; UID?: string }) {
    return this.call<FUHEReturn>('ModifyRY', {
      HACCCODE: a.HACCCODE ?? this.hacc, ZYID: a.ZYID, UID: a.UID ?? this.uid, JZTYPE: a.JZTYPE, ZYCODE: a.ZYCODE, RYSTATUS: a.RYSTATUS, RYKS: a.RYKS, CWCODE: a.CWCODE,
      DOCTORNAME: a.DOCTORNAME, ERROID: a.ERROID ?? '', jbbm: a.jbbm,
    });
  }
  IsPatient2(PERSONCODE: string) { return this.call<ZY>('IsPatient2', { PERSONCODE }); }
  DeleteQD3(qdid: number[], UID = this.uid, HACCCODE = this.hacc) { return this.call<FalseOrTrue>('DeleteQD3', { qdid, UID, HACCCODE }); }

  // ---- 门诊统筹接口 functions 1–10 --------------------------------------------------------------

  QuerySystemTime() { return this.call<string>('QuerySystemTime'); }
  QueryJBBM(pagenum: number) { return this.call<InfosJB>('QueryJBBM', { pagenum }); }
  QueryYYKS(HACCCODE = this.hacc) { return this.call<InfosKS>('QueryYYKS', { HACCCODE }); }
  MZTCZLoginInt(info: Partial<MZTCZInfo>, choose: number, hcmztczID: Dec, personCode: string, HaccCode = this.hacc) {
    return this.call<MZQDRetrun>('MZTCZLoginInt', { info, choose, hcmztczID, personCode, HaccCode });
  }
  MZTCZSureInt(mztczID: Dec, userID = this.uid, HaccCode = this.hacc) { return this.call<FalseOrTrue>('MZTCZSureInt', { HaccCode, mztczID, userID }); }
  MZTCZDeleteInt(mztczID: Dec, userID = this.uid, HaccCode = this.hacc) { return this.call<FalseOrTrue>('MZTCZDeleteInt', { HaccCode, mztczID, userID }); }
  MZTCZHCInt(mztczID: Dec, reason: string, userID = this.uid, HaccCode = this.hacc) { return this.call<FalseOrTrue>('MZTCZHCInt', { HaccCode, mztczID, userID, reason }); }
  QueryMZTCInfo1(personCode: string, status: string, beginTime: string | Date, endTime: string | Date, HaccCode = this.hacc) {
    return this.call<MZTCZInfo[]>('QueryMZTCInfo1', { personCode, HaccCode, status, beginTime, endTime });
  }
  QueryMZTCInfo2(status: string, HaccCode = this.hacc) { return this.call<MZTCZInfo[]>('QueryMZTCInfo2', { HaccCode, status }); }
  QueryMZTCInfo3(personCode: string, status: string, HaccCode = this.hacc) { return this.call<MZTCZInfo[]>('QueryMZTCInfo3', { personCode, HaccCode, status }); }

  // ---- 初始化 / 对码 / 价格控制 ---------------------------------------------------------------------

  /** 初始化: CheckDB, CheckHosAccredit1 (→ the hospital ID used by price control), CheckUser — once. */
  async init(): Promise<{ hid: number }> {
    if (this.hid !== null) return { hid: this.hid };
    await this.callOk('CheckDB');
    const h = await this.callOk<RevertHospitalID>('CheckHosAccredit1', { HACCCODE: this.hacc });
    if (!Number.isInteger(h.HID)) throw YibaoError.host('BAD_REPLY', 'sichuan-xnh CheckHosAccredit1: no HID');
    await this.callOk('CheckUser', { UID: this.uid, HACCCODE: this.hacc });
    this.hid = h.HID;
    return { hid: h.HID };
  }

  /** Downloads the three catalogues (manifest xnh.catalog: QueryMed/Med1, QuerySW/SW1, QueryItem/Item1 paged). */
  async syncCatalog(): Promise<{ med: number; sw: number; item: number }> {
    const d = this.cfg.codes.dlb;
    const idx = new Map<string, { dlb: string; xmid: number; name: string; limit: Dec | null }>();
    const meds = (await this.callOk<InfosM>(this.cfg.catalog.med, { HACCCODE: this.hacc })).Meds ?? [];
    for (const m of meds) idx.set(m.MCODE, { dlb: d.med, xmid: m.MID, name: m.MNAME, limit: m.PRICE ?? null });
    const sws = (await this.callOk<InfosSW>(this.cfg.catalog.sw, { HACCCODE: this.hacc })).SWs ?? [];
    for (const s of sws) idx.set(s.SCODE, { dlb: d.sw, xmid: s.SID, name: s.SNAME, limit: s.PRICE ?? null });
    let items: InfosI['ItemList'] = [];
    if (this.cfg.catalog.item === 'QueryItem1') {
      for (let page = 1, pages = 1; page <= pages; page++) {
        const r = await this.callOk<InfosI1>('QueryItem1', { HACCCODE: this.hacc, pagenum: page });
        pages = r.PageCount ?? 1;
        items = items.concat(r.ItemList ?? []);
        if (page > 10000) throw YibaoError.host('BAD_REPLY', 'sichuan-xnh QueryItem1: more than 10000 pages');
      }
    } else items = (await this.callOk<InfosI>('QueryItem', { HACCCODE: this.hacc })).ItemList ?? [];
    for (const i of items) idx.set(i.ICODE, { dlb: d.item, xmid: i.IID, name: i.INAME, limit: i.PRICE ?? null });
    this.catalog = idx;
    return { med: meds.length, sw: sws.length, item: items.length };
  }

  /** 对码表: the configured rows plus exact code matches of `his` items in the catalogues; unmatched listed. */
  async buildToCode(his: { code: string; name?: string }[]): Promise<{ rows: ToCode[]; unmatched: string[] }> {
    if (!this.catalog) await this.syncCatalog();
    const rows: ToCode[] = [];
    const unmatched: string[] = [];
    for (const h of his) {
      const r = this.toCodeRows.get(h.code);
      if (r) {
        rows.push(r);
        continue;
      }
      const c = this.catalog!.get(h.code);
      if (!c) unmatched.push(h.code);
      else rows.push({ HISCODE: h.code, HISNAME: h.name ?? c.name, DLB: c.dlb, xmid: c.xmid, XMBM: h.code, XMMC: c.name, PRICE: c.limit });
    }
    return { rows, unmatched };
  }

  /** Adds or replaces 对码 rows. */
  setToCode(rows: ToCode[]): void {
    for (const r of rows) this.toCodeRows.set(r.HISCODE, r);
  }

  private async mapLines(lines: FeeLine[]): Promise<MappedLine[]> {
    if (!this.catalog) await this.syncCatalog();
    const amounts = this.core.classify({
      fee_items: lines.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })),
    }).items;
    const missing: string[] = [];
    const out = lines.map((l, i) => {
      const code = String(l.medins_list_codg ?? l.med_list_codg);
      const t = this.toCodeRows.get(code) ?? this.toCodeRows.get(l.med_list_codg);
      const c = t ? { dlb: t.DLB, xmid: t.xmid, name: t.XMMC } : this.catalog!.get(l.med_list_codg);
      if (!c) missing.push(`${l.feedetl_sn}:${l.med_list_codg}`);
      const count = String(l.cnt).trim();
      if (count.startsWith('-') && this.cfg.negativeQuantity === 'refuse') throw YibaoError.host('BAD_INPUT', `sichuan-xnh: line ${l.feedetl_sn} has a negative quantity (负数冲帐 refused by configuration negativeQuantity)`);
      const fen = amounts[i]!.det_item_fee_sumamt;
      return {
        feedetl_sn: l.feedetl_sn, dlb: c?.dlb ?? '', xmid: c?.xmid ?? 0, his_code: code, name: l.name ?? c?.name ?? code, spec: String(l.spec ?? ''), unit: String(l.unit ?? ''),
        price: String(l.pric).trim(), count, money: fenToYuan(fen), fen, reason: String(l.add_price_reason ?? ''), med_chrgitm_type: l.med_chrgitm_type ?? '',
      };
    });
    if (missing.length) throw YibaoError.host('XNH_UNMAPPED', `sichuan-xnh: no 对码 for ${missing.join(', ')} (ToCode rows or an exact code in QueryMed/QuerySW/QueryItem)`);
    return out;
  }

  /** 价格控制: CheckMed / CheckSW / CheckItem per distinct (item, price, reason); any false → XNH_PRICE. */
  async priceControl(lines: MappedLine[]): Promise<void> {
    const { hid } = await this.init();
    const d = this.cfg.codes.dlb;
    const refused: string[] = [];
    for (const l of lines) {
      const key = `${l.dlb}|${l.xmid}|${l.price}|${l.reason}`;
      let r = this.priceChecked.get(key);
      if (!r) {
        r = l.dlb === d.med ? await this.CheckMed(l.xmid, l.price, hid) : l.dlb === d.sw ? await this.CheckSW(l.xmid, l.price, hid) : await this.CheckItem(l.xmid, l.price, hid, l.reason);
        if (r.Flag) this.priceChecked.set(key, r);
      }
      if (!r.Flag) refused.push(`${l.feedetl_sn} ${l.name}: ${r.Message}`);
    }
    if (refused.length) throw YibaoError.host('XNH_PRICE', `sichuan-xnh: ${refused.join('; ')}`);
  }

  // ---- canonical: identify ------------------------------------------------------------------------

  /** QueryPersoninfo (身份证 for credential type 02, else 参合证号) + CheckPersonCode. */
  async identify(c: Credential, _insutype?: string): Promise<Identity> {
    await this.init();
    const q = this.cfg.codes.personQuery;
    const key = c.mdtrt_cert_no.trim();
    const byId = c.mdtrt_cert_type === '02';
    const r = await this.call<InfosP>('QueryPersoninfo', { QUERYCONDITION: byId ? q.idCard : q.personCode, QUERYKEY: key });
    if (!r.Flag) throw YibaoError.host('XNH_FALSE', `sichuan-xnh QueryPersoninfo (${byId ? maskId(key) : key}): ${r.Message}`);
    const list = (r.Persons ?? []).filter((p) => (byId ? p.IDCARD === key : p.PERSONCODE === key));
    if (list.length !== 1) throw YibaoError.host('BAD_REPLY', `sichuan-xnh QueryPersoninfo: ${list.length} persons match (expected 1)`);
    const p = list[0]!;
    await this.callOk('CheckPersonCode', { PERSONCODE: p.PERSONCODE });
    this.persons.set(p.PERSONCODE, p);
    const gend = this.cfg.codes.sex[p.SEX] ?? '';
    return {
      psn_no: p.PERSONCODE, psn_name: p.NAME, certno: p.IDCARD, psn_cert_type: '01', gend, brdy: (p.BIRTHDAY ?? '').slice(0, 10), insutype: this.cfg.insutype,
      psn_type: p.RELATION ?? '', insuplc_admdvs: p.AREACODE ?? '', cvlserv_flag: '0', balc: 0,
      insuinfo: [{ insutype: this.cfg.insutype, psn_type: p.RELATION ?? '', balc: 0, insuplc_admdvs: p.AREACODE ?? '' }], raw: { ...p },
    };
  }

  // ---- canonical: 门诊统筹 ------------------------------------------------------------------------

  private outVisit(id: string): OutVisit {
    const v = this.out.get(id);
    if (!v) throw YibaoError.host('BAD_INPUT', `sichuan-xnh: unknown outpatient visit ${id} (register it with this client first)`);
    return v;
  }

  /** The HIS 门诊号 is the visit key (MZTCZInfo.MZH); nothing is sent. */
  async register(p: { psn_no: string; insutype: string; credential: Credential; ipt_otp_no: string; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string }): Promise<{ mdtrt_id: string; ipt_otp_no: string }> {
    const mzh = p.ipt_otp_no.trim();
    if (!mzh) throw YibaoError.host('BAD_INPUT', 'sichuan-xnh: the HIS 门诊号 (ipt_otp_no) is empty');
    this.out.set(mzh, { mzh, psn_no: p.psn_no, dept_code: p.dept_code ?? '', dr_name: p.dr_name ?? '', diag: { code: '', name: '' }, lines: [] });
    return { mdtrt_id: mzh, ipt_otp_no: mzh };
  }

  async uploadVisit(p: { mdtrt_id: string; psn_no: string; med_type: string; diagnoses: { code: string; name: string }[]; dept_code?: string; dr_name?: string }): Promise<void> {
    const v = this.outVisit(p.mdtrt_id);
    v.diag = p.diagnoses[0] ?? v.diag;
    if (p.dept_code) v.dept_code = p.dept_code;
    if (p.dr_name) v.dr_name = p.dr_name;
  }

  /** 对码 + price control; the lines go out with MZTCZLoginInt. */
  async uploadFees(p: { mdtrt_id: string; psn_no: string; chrg_bchno?: string; lines: FeeLine[]; dept_code?: string; dr_name?: string }): Promise<FeeLineResult[]> {
    const v = this.outVisit(p.mdtrt_id);
    await this.init();
    const mapped = await this.mapLines(p.lines);
    await this.priceControl(mapped);
    v.lines.push(...mapped);
    return mapped.map((l) => ({
      feedetl_sn: l.feedetl_sn, det_item_fee_sumamt: l.fen, fulamt_ownpay_amt: 0, overlmt_amt: 0, preselfpay_amt: 0, inscp_scp_amt: 0, chrgitm_lv: '', med_chrgitm_type: l.med_chrgitm_type,
      selfpay_prop: '', pric_uplmt_amt: '',
    }));
  }

  private async department(code: string): Promise<void> {
    if (!this.departments) this.departments = new Set(((await this.callOk<InfosKS>('QueryYYKS', { HACCCODE: this.hacc })).KSList ?? []).map((k) => k.KSBM));
    if (!this.departments.has(code)) throw YibaoError.host('BAD_INPUT', `sichuan-xnh: 科室 ${code} is not a department of the hospital (QueryYYKS)`);
  }

  private async disease(code: string): Promise<string> {
    while (!this.diseases.has(code) && this.diseasePages.read < this.diseasePages.total) {
      const r = await this.callOk<InfosJB>('QueryJBBM', { pagenum: this.diseasePages.read + 1 });
      this.diseasePages = { read: this.diseasePages.read + 1, total: r.PageCount ?? 0 };
      for (const j of r.JBList ?? []) this.diseases.set(j.BM, j.MC);
      if (!(r.JBList ?? []).length) break;
    }
    const name = this.diseases.get(code);
    if (name === undefined) throw YibaoError.host('BAD_INPUT', `sichuan-xnh: 疾病编码 ${code} is not in the 新农合 disease list (QueryJBBM)`);
    return name;
  }

  private settlementOf(r: { mztczID: Dec; TotalMoney: Dec; ZFMoney: Dec; KBMoney: Dec; QFX: Dec; BCMoney: Dec; SelfMoney: Dec }, mdtrt_id: string, psn_no: string, fn: string, time: string): Settlement {
    const n = (k: keyof typeof r) => yuanToFen(r[k], `${fn}.${k}`);
    return legacySettlement(
      { medfee: n('TotalMoney'), hifp: n('BCMoney'), cash: n('SelfMoney'), dedc: n('QFX'), inscp: n('KBMoney'), ful: n('ZFMoney') },
      {
        setl_id: String(r.mztczID), mdtrt_id, psn_no, msgid: `XNH${Date.now()}${++this.seq}`, infno: fn, region: this.region,
        extra: { psn_name: this.persons.get(psn_no)?.NAME ?? '', insutype: this.cfg.insutype, setl_time: time.replace('T', ' ') },
      },
    );
  }

  /** MZTCZLoginInt of the visit; an unanswered call is resolved (found → deleted) before the error goes up. */
  private async login(v: OutVisit, total: number, hc: string, autoRecover = true): Promise<NonNullable<OutVisit['pending']>> {
    await this.department(v.dept_code);
    await this.disease(v.diag.code);
    const jz = await this.call<string>('QuerySystemTime');
    const lc = this.cfg.codes.loginChoose;
    const mx: MZTCZMXInfo[] = v.lines.map((l, i) => ({ xh: i + 1, DLB: l.dlb, xmid: l.xmid, XMBM: l.his_code, XMMC: l.name, SPEC: l.spec, UNIT: l.unit, price: l.price, count: l.count, money: l.money }));
    const info: Partial<MZTCZInfo> = {
      mztczID: '0', hcmztczID: hc || '0', personCode: v.psn_no, NAME: this.persons.get(v.psn_no)?.NAME ?? '', HaccCode: this.hacc, userID: this.uid, MZH: v.mzh, KSBM: v.dept_code,
      DOCTOR: v.dr_name, JBBM: v.diag.code || '', JZDATE: jz, TotalMoney: fenToYuan(total), MXList: mx,
    };
    let r: MZQDRetrun;
    try {
      r = await this.call<MZQDRetrun>('MZTCZLoginInt', { info, choose: hc ? lc.reentry : lc.new, hcmztczID: hc || '0', personCode: v.psn_no, HaccCode: this.hacc });
    } catch (e) {
      if (!isUnknownOutcome(e) || !autoRecover) throw e;
      let found: MztczRecovery[];
      try {
        found = await this.recoverMztcz({ personCode: v.psn_no, mzh: v.mzh, action: 'delete' });
      } catch (e2) {
        throw YibaoError.host('OUTCOME_UNKNOWN', `sichuan-xnh MZTCZLoginInt ${v.mzh}: ${(e as Error).message}; QueryMZTCInfo3 failed too (${(e2 as Error).message}): run recoverMztcz({personCode, mzh: "${v.mzh}"})`, e);
      }
      throw YibaoError.host('NOT_SETTLED', `sichuan-xnh MZTCZLoginInt ${v.mzh}: ${(e as Error).message}; ${found.length ? `the registered record ${found.map((x) => x.mztczID).join(', ')} was deleted` : 'nothing was registered'}`, e);
    }
    if (!r.Flag) {
      const errs = (r.Errors ?? []).map((x) => `${x.xh} ${x.ErrCode} ${x.Message}`).join('; ');
      throw YibaoError.host('XNH_FALSE', `sichuan-xnh MZTCZLoginInt: ${r.Message}${errs ? ` (${errs})` : ''}`);
    }
    const s = this.settlementOf(r, v.mzh, v.psn_no, 'MZTCZLoginInt', jz);
    if (s.setlinfo.medfee_sumamt !== total) throw YibaoError.host('BAD_REPLY', `sichuan-xnh MZTCZLoginInt: TotalMoney ${r.TotalMoney} ≠ sent ${fenToYuan(total)}`);
    return { mztczID: String(r.mztczID), total, settlement: s, hc };
  }

  private lineTotal(v: OutVisit): number {
    return v.lines.reduce((a, l) => a + l.fen, 0);
  }

  /** 门诊统筹 登记 + 计算 (MZTCZLoginInt): the record stays UNCONFIRMED until settle() (or cancelPending()). */
  async presettle(p: SettleParams & { hcmztczID?: string }): Promise<Settlement> {
    const v = this.outVisit(p.mdtrt_id);
    const total = this.lineTotal(v);
    if (total !== p.medfee_sumamt) throw YibaoError.host('BAD_INPUT', `sichuan-xnh: medfee_sumamt ${p.medfee_sumamt} fen ≠ lines ${total} fen`);
    if (v.pending && v.pending.total === total && v.pending.hc === (p.hcmztczID ?? '')) return v.pending.settlement;
    if (v.pending) await this.cancelPending(v.mzh);
    v.pending = await this.login(v, total, p.hcmztczID ?? '');
    return v.pending.settlement;
  }

  /**
   * MZTCZLoginInt alone, for a journal (reliable.ts): the record stays unconfirmed, and an unanswered call is NOT
   * resolved here — its TRANSPORT_* / BAD_REPLY error goes up for the journal to resolve (recoverMztcz).
   */
  async settlePending(p: SettleParams & { hcmztczID?: string }): Promise<{ mztczID: string; mzh: string; personCode: string; settlement: Settlement }> {
    const v = this.outVisit(p.mdtrt_id);
    const total = this.lineTotal(v);
    if (total !== p.medfee_sumamt) throw YibaoError.host('BAD_INPUT', `sichuan-xnh: medfee_sumamt ${p.medfee_sumamt} fen ≠ lines ${total} fen`);
    if (v.pending) await this.cancelPending(v.mzh);
    v.pending = await this.login(v, total, p.hcmztczID ?? '', false);
    return { mztczID: v.pending.mztczID, mzh: v.mzh, personCode: v.psn_no, settlement: v.pending.settlement };
  }

  /** (LoginInt when not pre-settled) → onPending → MZTCZSureInt. setl_id = mztczID. */
  async settle(p: SettleParams & { hcmztczID?: string }, _pre?: Settlement): Promise<Settlement> {
    const v = this.outVisit(p.mdtrt_id);
    if (v.confirmed) return v.confirmed.settlement;
    await this.presettle(p);
    const pend = v.pending!;
    if (this.o.onPending) {
      try {
        await this.o.onPending({ mztczID: pend.mztczID, mdtrt_id: v.mzh, settlement: pend.settlement });
      } catch (e) {
        await this.cancelPending(v.mzh);
        throw e;
      }
    }
    await this.confirm(pend.mztczID, v.psn_no, v.mzh);
    v.confirmed = { mztczID: pend.mztczID, settlement: pend.settlement };
    v.pending = undefined;
    return pend.settlement;
  }

  /** MZTCZSureInt; an unanswered one is checked with QueryMZTCInfo3 and repeated while still registered. */
  async confirm(mztczID: string, personCode: string, mzh: string): Promise<void> {
    try {
      await this.callOk('MZTCZSureInt', { HaccCode: this.hacc, mztczID, userID: this.uid });
    } catch (e) {
      if (!isUnknownOutcome(e)) throw e;
      const done = await this.recoverMztcz({ personCode, mzh, mztczID, action: 'confirm' });
      if (!done.some((d) => d.action === 'confirmed' || d.action === 'already-confirmed')) {
        throw YibaoError.host('NOT_SETTLED', `sichuan-xnh MZTCZSureInt ${mztczID}: ${(e as Error).message}; the record is no longer registered`, e);
      }
    }
  }

  /** Drops the visit's unconfirmed record (MZTCZDeleteInt). */
  async cancelPending(mdtrt_id: string): Promise<void> {
    const v = this.outVisit(mdtrt_id);
    if (!v.pending) return;
    await this.callOk('MZTCZDeleteInt', { HaccCode: this.hacc, mztczID: v.pending.mztczID, userID: this.uid });
    v.pending = undefined;
  }

  /** cancelSettle: an unconfirmed record is deleted, a confirmed one 红冲 (MZTCZHCInt with the reason). */
  async cancelSettle(p: { setl_id: string; mdtrt_id: string; psn_no: string; reason?: string }): Promise<{ mztczID: string; action: 'deleted' | 'reversed' }> {
    const v = this.out.get(p.mdtrt_id);
    if (v?.pending && sameId(v.pending.mztczID, p.setl_id)) {
      await this.cancelPending(p.mdtrt_id);
      return { mztczID: p.setl_id, action: 'deleted' };
    }
    await this.callOk('MZTCZHCInt', { HaccCode: this.hacc, mztczID: p.setl_id, userID: this.uid, reason: p.reason ?? 'HIS 退费' });
    if (v) v.confirmed = undefined;
    return { mztczID: p.setl_id, action: 'reversed' };
  }

  /**
   * Resolves 门诊统筹 records of unknown outcome: QueryMZTCInfo3(personCode, 登记) lists the person's unconfirmed
   * records; those of the HIS 门诊号 `mzh` (and `mztczID` when known) are confirmed (MZTCZSureInt) or deleted
   * (MZTCZDeleteInt). Records already confirmed / deleted are reported as such. Needs no local state.
   */
  async recoverMztcz(o: { personCode: string; mzh?: string; mztczID?: string; action: 'confirm' | 'delete' }): Promise<MztczRecovery[]> {
    if (!o.mzh && !o.mztczID) throw YibaoError.host('BAD_INPUT', 'sichuan-xnh recoverMztcz: give the HIS 门诊号 (mzh) or the mztczID');
    const st = this.cfg.codes.mztczStatus;
    const mine = (r: MZTCZInfo) => (!o.mzh || r.MZH === o.mzh) && (!o.mztczID || sameId(String(r.mztczID), o.mztczID));
    const out: MztczRecovery[] = [];
    const registered = ((await this.QueryMZTCInfo3(o.personCode, st.registered)) ?? []).filter(mine);
    for (const r of registered) {
      const id = String(r.mztczID);
      if (o.action === 'confirm') await this.callOk('MZTCZSureInt', { HaccCode: this.hacc, mztczID: id, userID: this.uid });
      else await this.callOk('MZTCZDeleteInt', { HaccCode: this.hacc, mztczID: id, userID: this.uid });
      out.push({ mztczID: id, mzh: r.MZH, action: o.action === 'confirm' ? 'confirmed' : 'deleted', record: r });
      this.o.log?.({ kind: 'recover', fn: o.action === 'confirm' ? 'MZTCZSureInt' : 'MZTCZDeleteInt', detail: id });
    }
    if (!registered.length) {
      const other = o.action === 'confirm' ? st.confirmed : st.deleted;
      for (const r of ((await this.QueryMZTCInfo3(o.personCode, other)) ?? []).filter(mine)) {
        out.push({ mztczID: String(r.mztczID), mzh: r.MZH, action: o.action === 'confirm' ? 'already-confirmed' : 'already-deleted', record: r });
      }
    }
    return out;
  }

  // ---- canonical: 住院 -------------------------------------------------------------------------

  private inVisit(id: string): InVisit {
    const v = this.inp.get(id);
    if (!v) throw YibaoError.host('BAD_INPUT', `sichuan-xnh: unknown admission ${id} (admit it with this client first)`);
    return v;
  }

  private vinfo(v: InVisit): ValidateInfoClass {
    return { HACCCODE: this.hacc, UID: this.uid, PERSONCODE: v.psn_no, ZYID: v.zyid };
  }

  /** RYHandle → mdtrt_id = ZYID. */
  async admit(p: { psn_no: string; insutype: string; credential: Credential; ipt_no: string; med_type?: string; begntime?: string; dept_code?: string; dept_name?: string; bed?: string; dr_code?: string; dr_name?: string; diagnoses: { code: string; name: string }[] }): Promise<{ mdtrt_id: string }> {
    await this.init();
    const j = this.cfg.codes.jztype;
    const r = await this.RYHandle({
      PERSONCODE: p.psn_no, ZYCODE: p.ipt_no, JZTYPE: j[p.med_type ?? ''] ?? j.default ?? '1', RYKS: p.dept_code ?? '', CWCODE: p.bed ?? '', DOCTORNAME: p.dr_name ?? '',
      RYSTATUS: this.cfg.codes.rystatus, RYOPERATOR: this.o.operatorName ?? this.uid, jbbm: p.diagnoses.map((d) => ({ JBBM: d.code, JBMC: d.name })),
    });
    if (!r.Flag) throw YibaoError.host('XNH_FALSE', `sichuan-xnh RYHandle: ${r.Message}`);
    if (!r.ZYID) throw YibaoError.host('BAD_REPLY', 'sichuan-xnh RYHandle: no ZYID');
    const begin = p.begntime ? new Date(Date.parse(`${p.begntime.slice(0, 19).replace(' ', 'T')}+08:00`)) : this.now();
    this.inp.set(r.ZYID, { zyid: r.ZYID, psn_no: p.psn_no, zycode: p.ipt_no, dept_code: p.dept_code ?? '', dr_name: p.dr_name ?? '', begin: Number.isNaN(begin.getTime()) ? this.now() : begin, lines: new Map(), hqdSeq: 0 });
    if (p.begntime) await this.callOk('ModifyRYTime', { vinfo: this.vinfo(this.inVisit(r.ZYID)), intime: { TIME: p.begntime } });
    return { mdtrt_id: r.ZYID };
  }

  /** The 农合 qdid of each HIS line of an admission (feedetl_sn → {hqdid, qdid}). */
  qdids(mdtrt_id: string): Record<string, { hqdid: number; qdid: number }> {
    return Object.fromEntries([...this.inVisit(mdtrt_id).lines].map(([sn, x]) => [sn, { hqdid: x.hqdid, qdid: x.qdid }]));
  }

  private hqdid(v: InVisit, sn: string): number {
    const have = v.lines.get(sn);
    if (have) return have.hqdid;
    const n = /^\d{1,9}$/.test(sn) ? Number(sn) : 0;
    const used = new Set([...v.lines.values()].map((x) => x.hqdid));
    if (n > 0 && !used.has(n)) return n;
    let k = Math.max(v.hqdSeq, ...used, 0) + 1;
    while (used.has(k)) k++;
    v.hqdSeq = k;
    return k;
  }

  private qdLine(v: InVisit, hqdid: number, l: MappedLine): QDInfoClass {
    return {
      hqdid, ZYID: v.zyid, DLB: l.dlb, xmid: l.xmid, HISCODE: l.his_code, XMMC: l.name, SPEC: l.spec, UNIT: l.unit, price: l.price, count: l.count, money: l.money,
      zfund: '0', doctor: v.dr_name, KS: v.dept_code, qdtime: xsDateTime(this.now()), reason: l.reason,
    };
  }

  /** QueryQD → hqdid → qdid of what the center holds for the admission (after an unanswered write). */
  async syncQD(mdtrt_id: string): Promise<QueryPatientQD> {
    const v = this.inVisit(mdtrt_id);
    const r = await this.callOk<QueryPatientQD>('QueryQD', { HACCCODE: this.hacc, PERSONCODE: v.psn_no });
    if (r.ZYID !== v.zyid) throw YibaoError.host('BAD_REPLY', `sichuan-xnh QueryQD: 住院流水号 ${r.ZYID} ≠ ${v.zyid}`);
    const byH = new Map((r.QDList ?? []).map((q) => [q.hqdid, q.qdid]));
    for (const x of v.lines.values()) x.qdid = byH.get(x.hqdid) ?? 0;
    return r;
  }

  /** 对码 + price control → WriteQD1 / WriteQD2 in batches; each line's 农合 qdid is kept. */
  async uploadInpatientFees(p: { mdtrt_id: string; psn_no: string; lines: FeeLine[]; dept_code?: string; dr_name?: string }): Promise<FeeLineResult[]> {
    const v = this.inVisit(p.mdtrt_id);
    const mapped = await this.mapLines(p.lines);
    await this.priceControl(mapped);
    for (const l of mapped) if (!v.lines.has(l.feedetl_sn)) v.lines.set(l.feedetl_sn, { hqdid: this.hqdid(v, l.feedetl_sn), qdid: 0, line: l });
    let todo = mapped.filter((l) => v.lines.get(l.feedetl_sn)!.qdid === 0);
    for (let i = 0; i < todo.length; i += this.cfg.qdBatch) {
      const batch = todo.slice(i, i + this.cfg.qdBatch);
      try {
        await this.writeBatch(v, batch);
      } catch (e) {
        if (!isUnknownOutcome(e)) throw e;
        // unknown: QueryQD tells which lines the center holds (hqdid is unique per admission); write the rest once
        await this.syncQD(v.zyid);
        const rest = batch.filter((l) => v.lines.get(l.feedetl_sn)!.qdid === 0);
        if (rest.length) await this.writeBatch(v, rest);
      }
    }
    const q = await this.syncQD(v.zyid);
    const mine = [...v.lines.values()].reduce((a, x) => a + x.line.fen, 0);
    if (yuanToFen(q.TotalMoney, 'QueryQD.TotalMoney') !== mine) throw YibaoError.host('BAD_REPLY', `sichuan-xnh QueryQD: 清单合计 ${q.TotalMoney} ≠ HIS ${fenToYuan(mine)}`);
    todo = mapped.filter((l) => v.lines.get(l.feedetl_sn)!.qdid === 0);
    if (todo.length) throw YibaoError.host('BAD_REPLY', `sichuan-xnh: lines ${todo.map((l) => l.feedetl_sn).join(', ')} are not at the center after WriteQD`);
    return mapped.map((l) => ({
      feedetl_sn: l.feedetl_sn, det_item_fee_sumamt: l.fen, fulamt_ownpay_amt: 0, overlmt_amt: 0, preselfpay_amt: 0, inscp_scp_amt: 0, chrgitm_lv: '', med_chrgitm_type: l.med_chrgitm_type,
      selfpay_prop: '', pric_uplmt_amt: '',
    }));
  }

  private async writeBatch(v: InVisit, batch: MappedLine[]): Promise<void> {
    const qd = batch.map((l) => this.qdLine(v, v.lines.get(l.feedetl_sn)!.hqdid, l));
    const bySn = new Map(batch.map((l) => [v.lines.get(l.feedetl_sn)!.hqdid, l.feedetl_sn]));
    let results: QDReturn2[];
    if (this.cfg.qdWrite === 'WriteQD1') {
      const r = await this.WriteQD1(this.vinfo(v), qd);
      if (!r.Flag) {
        const errs = (r.Errors ?? []).map((x) => `hqdid ${x.hqdid} ${x.ErrCode} ${x.Message}`).join('; ');
        throw YibaoError.host('XNH_QD', `sichuan-xnh WriteQD1: ${r.Message}${errs ? ` (${errs})` : ''}; nothing of this batch was written`);
      }
      results = r.QDIDs ?? [];
    } else results = (await this.WriteQD2(this.vinfo(v), qd)) ?? [];
    for (const x of results) {
      const sn = bySn.get(x.hqdid);
      if (sn !== undefined && x.Flag && x.qdid > 0) v.lines.get(sn)!.qdid = x.qdid;
    }
    const refused = results.filter((x) => !x.Flag);
    if (refused.length) {
      const written = results.filter((x) => x.Flag).map((x) => x.hqdid);
      throw YibaoError.host('XNH_QD', `sichuan-xnh ${this.cfg.qdWrite}: ${refused.map((x) => `hqdid ${x.hqdid} ${x.Message}`).join('; ')}${written.length ? `; written: hqdid ${written.join(', ')}` : ''}`);
    }
    if (results.length !== batch.length) throw YibaoError.host('BAD_REPLY', `sichuan-xnh ${this.cfg.qdWrite}: sent ${batch.length} lines, ${results.length} results`);
  }

  /** Deletes lines of an admission by feedetl_sn (DeleteQD3 by their 农合 qdid); all when none given. */
  async cancelInpatientFees(p: { mdtrt_id: string; psn_no?: string; feedetl_sn?: string | string[] }): Promise<void> {
    const v = this.inVisit(p.mdtrt_id);
    const sns = p.feedetl_sn === undefined ? [...v.lines.keys()] : Array.isArray(p.feedetl_sn) ? p.feedetl_sn : [p.feedetl_sn];
    const ids = sns.map((sn) => {
      const x = v.lines.get(sn);
      if (!x || !x.qdid) throw YibaoError.host('BAD_INPUT', `sichuan-xnh: line ${sn} was not written to the center`);
      return x.qdid;
    });
    if (!ids.length) return;
    await this.callOk('DeleteQD3', { qdid: ids, UID: this.uid, HACCCODE: this.hacc });
    for (const sn of sns) v.lines.delete(sn);
  }

  /** 新农合 computes no 补偿 before discharge: QueryQD's total is checked, the fund part is 0 (warn_msg says so). */
  async inpatientPresettle(p: InpatientSettleParams): Promise<Settlement> {
    const v = this.inVisit(p.mdtrt_id);
    const q = await this.syncQD(v.zyid);
    const total = yuanToFen(q.TotalMoney, 'QueryQD.TotalMoney');
    if (total !== p.medfee_sumamt) throw YibaoError.host('BAD_INPUT', `sichuan-xnh: medfee_sumamt ${fenToYuan(p.medfee_sumamt)} ≠ 清单合计 ${q.TotalMoney}`);
    const s = legacySettlement({ medfee: total, cash: total }, { setl_id: null, mdtrt_id: v.zyid, psn_no: v.psn_no, msgid: `XNH${Date.now()}${++this.seq}`, infno: 'QueryQD', region: this.region });
    return { ...s, warn_msg: '新农合在出院（CYBL）后计算补偿：此预结算只核对清单合计，基金支付未知（0）' };
  }

  /** CYBL (出院转归 from dscg_way, 出院科室, 出院诊断) + ModifyCYTime when an end time is given. */
  async discharge(p: { mdtrt_id: string; psn_no: string; insutype: string; diagnoses: { code: string; name: string }[]; endtime?: string; dscg_way?: string; dept_code?: string; dr_name?: string }): Promise<void> {
    const v = this.inVisit(p.mdtrt_id);
    const z = this.cfg.codes.cyZtbm;
    await this.callOk('CYBL', { HaccCode: this.hacc, zylshID: v.zyid, userID: this.uid, cyZtbm: z[p.dscg_way ?? ''] ?? z.default ?? '', cyKs: p.dept_code || v.dept_code, jbBm: p.diagnoses.map((d) => d.code) });
    if (p.endtime) await this.callOk('ModifyCYTime', { vinfo: this.vinfo(v), intime: { TIME: p.endtime } });
  }

  /** QueryBC (明细) → the BCInfo1 row of the admission: the 补偿 the 新农合 system computed. setl_id = BCID. */
  async inpatientSettle(p: InpatientSettleParams): Promise<Settlement> {
    const v = this.inVisit(p.mdtrt_id);
    const day = 86400000;
    const r = await this.callOk<QueryHospitalBC>('QueryBC', { HACCCODE: this.hacc, BeginTime: new Date(v.begin.getTime() - day), EndTime: new Date(this.now().getTime() + day), choose: this.cfg.codes.bcChoose.detail });
    const row = (r.Details ?? []).find((d) => d.ZYID === v.zyid);
    if (!row) throw YibaoError.host('XNH_NO_BC', `sichuan-xnh QueryBC: no 补偿 for 住院流水号 ${v.zyid} yet`);
    const m = row.Money;
    if (!m) throw YibaoError.host('BAD_REPLY', `sichuan-xnh QueryBC: BCInfo1 ${row.BCID} has no Money`);
    const n = (k: keyof typeof m) => yuanToFen(m[k], `QueryBC.${k}`);
    if (n('TotalMoney') !== p.medfee_sumamt) throw YibaoError.host('BAD_REPLY', `sichuan-xnh QueryBC: TotalMoney ${m.TotalMoney} ≠ HIS ${fenToYuan(p.medfee_sumamt)}`);
    return legacySettlement(
      { medfee: n('TotalMoney'), hifp: n('BCMoney'), cash: n('SelfMoney'), dedc: n('QFX'), inscp: n('KBMoney'), ful: n('ZFMoney') },
      { setl_id: row.BCID, mdtrt_id: v.zyid, psn_no: v.psn_no, msgid: `XNH${Date.now()}${++this.seq}`, infno: 'QueryBC', region: this.region, extra: { psn_name: row.NAME, insutype: this.cfg.insutype, setl_time: row.BCDATE.replace('T', ' ') } },
    );
  }

  async close(): Promise<void> {
    this.soap.clear();
  }
}

export function createSichuanXnhClient(o: SichuanXnhClientOptions): SichuanXnhClient {
  return new SichuanXnhClient(o);
}
