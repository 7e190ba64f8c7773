// In-memory state of the sandbox center and the small input helpers every handler uses.
import type { Core, Setlinfo, SetldetailRow } from '../../../host-node/src/contract.js';
import type { CatalogItem } from './catalog.js';
import { seedPersons, type Person } from './persons.js';
import type { JObj } from './wire.js';
import { isDt19, parseDec, type Dec } from './wire.js';

/** A business refusal: the reply is infcode -1 with this Chinese message. */
export class Biz extends Error {
  override readonly name = 'Biz';
}

export type Scope = 'outpatient' | 'inpatient';

export interface Visit {
  mdtrt_id: string;
  psn_no: string;
  kind: 'outpatient' | 'inpatient' | 'pharmacy';
  insutype: string;
  med_type: string;
  begntime: string;
  endtime: string | null;
  ipt_otp_no: string;
  status: 'active' | 'cancelled' | 'reversed';
  discharged: boolean;
  fixmedins_code: string;
  fixmedins_name: string;
  /** msgid of the creating request (2201 / 2401 / 2102) */
  msgid: string;
  mdtrt_cert_type: string;
  dise_codg: string;
  dise_name: string;
  main_cond_dscr: string;
  dept_code: string;
  dept_name: string;
  adm_bed: string;
  /** the last mdtrtinfo / adminfo / dscginfo node received (strings as sent) */
  info: Record<string, unknown>;
  diseinfo: Record<string, unknown>[];
  dscg_diseinfo: Record<string, unknown>[];
}

export interface FeeLine {
  feedetl_sn: string;
  mdtrt_id: string;
  psn_no: string;
  chrg_bchno: string;
  med_list_codg: string;
  medins_list_codg: string;
  medins_list_name: string;
  item: CatalogItem | undefined;
  pric: string;
  cnt: string;
  sumamt_fen: number;
  fee_ocur_time: string;
  hosp_appr_flag: string;
  hosp_bear_flag: string;
  init_feedetl_sn: string;
  rx_drord_no: string;
  status: 'active' | 'cancelled';
  setl_id: string | null;
  upload_msgid: string;
  /** classification in fen (from the core) */
  ful: number;
  over: number;
  pre: number;
  inscp: number;
}

export interface Effects {
  scope: Scope;
  year: string;
  dedc: number;
  hifp: number;
  hifob: number;
  si_base: number;
  hifmi: number;
  maf: number;
  cvlserv: number;
  acct: number;
}

export interface Settlement {
  setl_id: string;
  kind: 'settle' | 'cancel';
  infno: string;
  msgid: string;
  mdtrt_id: string;
  psn_no: string;
  insutype: string;
  med_type: string;
  mdtrt_cert_type: string;
  clr_type: string;
  clr_optins: string;
  clr_way: string;
  setl_time: string;
  chrg_bchno: string | null;
  status: 'valid' | 'cancelled' | 'reversed';
  cancel_setl_id?: string;
  orig_setl_id?: string;
  fixmedins_code: string;
  /** fen amounts as computed by the core (negated for a cancellation record) */
  amounts: Setlinfo;
  setldetail: SetldetailRow[];
  feedetl_sns: string[];
  effects: Effects;
  invono: string;
}

export type MsgEffect = { type: 'settle'; setl_id: string } | { type: 'cancel'; setl_id: string } | { type: 'admit'; mdtrt_id: string };

export interface StoredReply {
  status: number;
  contentType: string;
  body: Uint8Array;
  infcode: number;
}

export interface MsgRecord {
  msgid: string;
  infno: string;
  fingerprint: string;
  reply: StoredReply;
  psn_no: string;
  effect?: MsgEffect;
  reversed_by?: string;
}

export interface StoredFile {
  file_qury_no: string;
  filename: string;
  bytes: Uint8Array;
  fixmedins_code: string;
  dld_end: Date;
  kind: 'upload' | 'catalog' | 'stmt';
}

export interface Filing {
  trt_dcla_detl_sn: string;
  infno: string;
  psn_no: string;
  status: 'valid' | 'cancelled';
  fixmedins_code: string;
  data: Record<string, unknown>;
  crte_time: string;
}

export interface Acc {
  dedc: number;
  hifp: number;
  hifob: number;
  si_base: number;
  hifmi: number;
  maf: number;
  cvlserv: number;
}

const zeroAcc = (): Acc => ({ dedc: 0, hifp: 0, hifob: 0, si_base: 0, hifmi: 0, maf: 0, cvlserv: 0 });

/** One settlement the center holds (GET /sandbox/ledger). Cancellation records (2208/2305/2103) are not
 *  entries of their own: the cancelled settlement carries cancel_setl_id / cancel_msgid. */
export interface LedgerEntry {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  /** 2207/2207A, 2304/2304A, 2102/2102A */
  infno: string;
  /** msgid of the settling request */
  msgid: string;
  medfee_sumamt: number;
  fund_pay_sumamt: number;
  acct_pay: number;
  psn_cash_pay: number;
  status: 'valid' | 'cancelled' | 'reversed';
  setl_time: string;
  chrg_bchno?: string;
  /** setl_id of the negative settlement that cancelled this one */
  cancel_setl_id?: string;
  /** msgid of the cancelling request (2208/2305/2103) */
  cancel_msgid?: string;
  /** msgid of the 2601 that reversed this settlement */
  reverse_msgid?: string;
  insutype: string;
  clr_type: string;
  fixmedins_code: string;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export class State {
  readonly persons = new Map<string, Person>();
  readonly byCert = new Map<string, string>();
  readonly byCard = new Map<string, string>();
  readonly byToken = new Map<string, string>();
  readonly visits = new Map<string, Visit>();
  readonly lines = new Map<string, FeeLine[]>();
  readonly settlements = new Map<string, Settlement>();
  readonly acc = new Map<string, Acc>();
  readonly msgs = new Map<string, MsgRecord>();
  readonly signs = new Map<string, { opter: string; fixmedins_code: string; sign_time: string; active: boolean }>();
  readonly files = new Map<string, StoredFile>();
  readonly filings = new Map<string, Filing>();
  readonly institutions = new Map<string, string>();
  readonly settlementLists = new Map<string, { setl_id: string; infno: string; data: Record<string, unknown>; fixmedins_code: string }>();
  readonly regional = new Map<string, { rid: string; infno: string; psn_no: string; key: string; status: 'valid' | 'cancelled'; data: Record<string, unknown>; crte_time: string }>();
  /** medins_list_codg → med_list_codg pairs seen in fee uploads, per institution (1317) */
  readonly matches = new Map<string, { fixmedins_code: string; medins_list_codg: string; medins_list_name: string; med_list_codg: string; first_seen: string }>();
  private seq = { mdtrt: 0, setl: 0, trt: 0, file: 0, sign: 0, ref: 0, list: 0, rid: 0 };

  constructor(readonly core: Core) {
    for (const p of seedPersons()) this.addPerson(p);
  }

  addPerson(p: Person): void {
    this.persons.set(p.psn_no, p);
    this.byCert.set(p.certno, p.psn_no);
    if (p.card_no) this.byCard.set(p.card_no, p.psn_no);
    if (p.ec_token) this.byToken.set(p.ec_token, p.psn_no);
  }

  nextMdtrtId = () => `51012${pad(++this.seq.mdtrt, 8)}`;
  nextSetlId = () => `51013${pad(++this.seq.setl, 8)}`;
  nextTrtSn = () => `51014${pad(++this.seq.trt, 8)}`;
  nextFileNo = (ts14: string) => `51015${ts14}${pad(++this.seq.file, 6)}`;
  nextSetlListId = () => `51016${pad(++this.seq.list, 8)}`;
  nextRid = () => `51019${pad(++this.seq.rid, 8)}`;
  nextSignNo = () => String(10000000 + ++this.seq.sign);
  nextRefSeq = () => pad(++this.seq.ref, 10);

  accOf(psn_no: string, year: string, scope: Scope): Acc {
    const k = `${psn_no}|${year}|${scope}`;
    let a = this.acc.get(k);
    if (!a) this.acc.set(k, (a = zeroAcc()));
    return a;
  }

  /** Applies (sign 1) or undoes (sign -1) a settlement's effects on accumulators and the account. */
  applyEffects(psn_no: string, e: Effects, sign: 1 | -1): void {
    const a = this.accOf(psn_no, e.year, e.scope);
    a.dedc += sign * e.dedc;
    a.hifp += sign * e.hifp;
    a.hifob += sign * e.hifob;
    a.si_base += sign * e.si_base;
    a.hifmi += sign * e.hifmi;
    a.maf += sign * e.maf;
    a.cvlserv += sign * e.cvlserv;
    const p = this.persons.get(psn_no);
    if (p) p.balance_fen -= sign * e.acct;
  }

  linesOf(mdtrt_id: string): FeeLine[] {
    let l = this.lines.get(mdtrt_id);
    if (!l) this.lines.set(mdtrt_id, (l = []));
    return l;
  }

  ledger(): LedgerEntry[] {
    const out: LedgerEntry[] = [];
    for (const s of this.settlements.values()) {
      if (s.kind !== 'settle') continue;
      const cancel = s.cancel_setl_id ? this.settlements.get(s.cancel_setl_id) : undefined;
      const rev = s.status === 'reversed' ? this.msgs.get(s.msgid)?.reversed_by : undefined;
      out.push({
        setl_id: s.setl_id,
        mdtrt_id: s.mdtrt_id,
        psn_no: s.psn_no,
        infno: s.infno,
        msgid: s.msgid,
        medfee_sumamt: s.amounts.medfee_sumamt,
        fund_pay_sumamt: s.amounts.fund_pay_sumamt,
        acct_pay: s.amounts.acct_pay,
        psn_cash_pay: s.amounts.psn_cash_pay,
        status: s.status,
        setl_time: s.setl_time,
        ...(s.chrg_bchno ? { chrg_bchno: s.chrg_bchno } : {}),
        ...(cancel ? { cancel_setl_id: cancel.setl_id, cancel_msgid: cancel.msgid } : {}),
        ...(rev ? { reverse_msgid: rev } : {}),
        insutype: s.insutype,
        clr_type: s.clr_type,
        fixmedins_code: s.fixmedins_code,
      });
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------
// Input helpers (requests are parsed with core.codec.json.parseExact: numbers arrive as strings)

export type Obj = Record<string, unknown>;

export function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A required object node. */
export function node(parent: Obj, key: string, path: string): Obj {
  const v = parent[key];
  if (!isObj(v)) throw new Biz(`入参校验失败：缺少节点【${path}.${key}】`);
  return v;
}

/** A required non-empty array node. */
export function list(parent: Obj, key: string, path: string, allowEmpty = false): Obj[] {
  const v = parent[key];
  if (!Array.isArray(v) || (!allowEmpty && v.length === 0)) throw new Biz(`入参校验失败：缺少节点【${path}.${key}】（应为非空数组）`);
  v.forEach((x, i) => {
    if (!isObj(x)) throw new Biz(`入参校验失败：节点【${path}.${key}[${i}]】应为对象`);
  });
  return v as Obj[];
}

/** An optional string field ("" when absent or null). */
export function str(o: Obj, key: string): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'boolean') return String(v);
  return '';
}

/** A required non-empty string field. */
export function need(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'boolean') throw new Biz(`入参校验失败：字段【${path}.${key}】类型错误`);
  const s = str(o, key);
  if (!s) throw new Biz(`入参校验失败：字段【${path}.${key}】不能为空`);
  return s;
}

/** A required decimal field with at most `scale` decimals. */
export function needDec(o: Obj, key: string, path: string, scale: number): { text: string; dec: Dec } {
  const text = need(o, key, path);
  const dec = parseDec(text);
  if (!dec) throw new Biz(`入参校验失败：字段【${path}.${key}】不是合法的数值：${text}`);
  if (dec.scale > scale) throw new Biz(`入参校验失败：字段【${path}.${key}】小数位数不能超过${scale}位：${text}`);
  return { text, dec };
}

/** A required yyyy-MM-dd HH:mm:ss field. */
export function needTime(o: Obj, key: string, path: string): string {
  const s = need(o, key, path);
  if (!isDt19(s)) throw new Biz(`入参校验失败：字段【${path}.${key}】应为 yyyy-MM-dd HH:mm:ss 格式：${s}`);
  return s;
}

export type { JObj };
