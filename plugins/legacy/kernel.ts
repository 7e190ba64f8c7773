// The settlement kernel shared by the simulated centers of the legacy regions (Chongqing SiInterface,
// Sichuan 2009 COM, Nanping file exchange). Wire-free: each region's center translates its own wire
// format into these calls. Money is integer fen; every settlement is computed by the core's presettle
// with the region's documented sandbox policy (never a float, never a hand-written formula here).
import type { Core, FeeItem, PolicyParams, PresettleResult, Person as CorePerson } from '../../host-node/src/contract.js';
import { fenToYuan, yuanToFen } from '../../host-node/src/money.js';
import { lookupItem, type CatalogItem } from '../national/sandbox/catalog.js';
import { checkIdNumber, hashDigits } from '../national/sandbox/persons.js';

/** A business refusal: the center answers with an error code and this Chinese message. */
export class CenterRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CenterRefusal';
  }
}

export type Scope = 'outpatient' | 'inpatient';

/** Region sandbox policy: {outpatient: {310, 390}, inpatient: {310, 390}} of core PolicyParams. */
export interface RegionPolicy {
  outpatient: Record<string, PolicyParams | undefined>;
  inpatient: Record<string, PolicyParams | undefined>;
}

export interface KPerson {
  /** the region's person number (个人编号 / 医疗保险号 / 社会保障识别号) */
  pid: string;
  name: string;
  certno: string;
  /** social-security / IC card number */
  card_no: string;
  gend: '1' | '2';
  brdy: string;
  insutype: '310' | '390';
  /** 11 在职, 21 退休, 31 居民 (region codes are mapped by each center) */
  psn_class: '11' | '21' | '31';
  emp_name: string;
  balance_fen: number;
  cvlserv: boolean;
  aid: boolean;
  /** 0 正常, 1 封锁/暂停 (benefits refused) */
  blocked: boolean;
  seed: boolean;
}

export interface KLine {
  sn: string;
  code: string;
  name: string;
  pric: string;
  cnt: string;
  sumamt_fen: number;
  spec: string;
  unit: string;
  doctor: string;
  item: CatalogItem | undefined;
  ful: number;
  over: number;
  pre: number;
  inscp: number;
  status: 'active' | 'deleted' | 'settled';
}

export interface KVisit {
  id: string;
  pid: string;
  scope: Scope;
  med_type: string;
  his_no: string;
  dept: string;
  doctor: string;
  diag_code: string;
  diag_name: string;
  begin: string;
  end: string;
  status: 'pending' | 'open' | 'discharged' | 'settled' | 'cancelled';
  lines: KLine[];
  lineSeq: number;
}

export interface KEffects {
  scope: Scope;
  year: string;
  dedc: number;
  hifp: number;
  hifob: number;
  si_base: number;
  hifmi: number;
  maf: number;
  acct: number;
}

export interface KSettlement {
  id: string;
  visit_id: string;
  pid: string;
  kind: 'settle' | 'reverse';
  /** pending = two-phase call not yet confirmed (Sichuan COM) */
  status: 'pending' | 'valid' | 'cancelled' | 'reversed';
  result: PresettleResult;
  effects: KEffects;
  balance_before_fen: number;
  balance_after_fen: number;
  time: string;
  /** the settlement this one reverses */
  reverses?: string;
  line_sns: string[];
}

export interface LedgerRow {
  id: string;
  kind: 'settle' | 'reverse';
  status: KSettlement['status'];
  pid: string;
  visit_id: string;
  medfee_sumamt: number;
  fund_pay_sumamt: number;
  acct_pay: number;
  psn_cash_pay: number;
  time: string;
}

export interface KernelOptions {
  core: Core;
  /** two-letter region tag used in generated identifiers */
  tag: string;
  policy: RegionPolicy;
  persons: KPerson[];
  /** auto-enrolled persons for unseen valid ID numbers */
  enroll: (certno: string, brdy: string, gend: '1' | '2') => KPerson;
  now?: () => Date;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** China time (UTC+8) pieces of a date. */
export function cnTime(d: Date): { ymd: string; date: string; time: string; hm: string; stamp: string } {
  const t = new Date(d.getTime() + 8 * 3600 * 1000);
  const Y = t.getUTCFullYear(), M = pad(t.getUTCMonth() + 1), D = pad(t.getUTCDate()), h = pad(t.getUTCHours()), m = pad(t.getUTCMinutes()), s = pad(t.getUTCSeconds());
  return { ymd: `${Y}${M}${D}`, date: `${Y}-${M}-${D}`, time: `${Y}-${M}-${D} ${h}:${m}:${s}`, hm: `${h}${m}`, stamp: `${Y}${M}${D}${h}${m}${s}` };
}

/** Integer fen → decimal yuan text with two places. */
export const yuan = (fen: number): string => fenToYuan(fen);

/** Decimal yuan text → fen; refuses anything that is not a plain decimal with at most 2 places. */
export function fenOf(text: string, what: string): number {
  const t = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(t)) throw new CenterRefusal(`${what}【${text}】不是合法的金额`);
  try {
    return yuanToFen(t, what);
  } catch {
    throw new CenterRefusal(`${what}【${text}】不是合法的金额（最多两位小数）`);
  }
}

/** Age in whole years at `today` (yyyy-MM-dd). */
export function ageYears(brdy: string, today: string): number {
  const [by, bm, bd] = brdy.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  let y = ty - by;
  if (tm < bm || (tm === bm && td < bd)) y--;
  return Math.max(0, y);
}

export { checkIdNumber, hashDigits };

export class Kernel {
  readonly core: Core;
  readonly persons = new Map<string, KPerson>();
  readonly visits = new Map<string, KVisit>();
  readonly settlements = new Map<string, KSettlement>();
  private seq = 0;
  private readonly now: () => Date;

  constructor(private readonly o: KernelOptions) {
    this.core = o.core;
    this.now = o.now ?? (() => new Date());
    for (const p of o.persons) this.persons.set(p.pid, p);
  }

  time(): ReturnType<typeof cnTime> {
    return cnTime(this.now());
  }

  /** A fresh identifier: prefix + yyyyMMdd + region tag + sequence (fixed width `width`). */
  nextId(prefix: string, width = 16): string {
    const body = `${prefix}${this.time().ymd}${this.o.tag}`;
    const n = String(++this.seq);
    return body + n.padStart(Math.max(1, width - body.length), '0');
  }

  // ---- persons ---------------------------------------------------------------------------------

  /** Finds a person by person number, card number or ID number; enrols a valid unseen ID number. */
  person(credential: string): KPerson {
    const c = credential.trim();
    if (!c) throw new CenterRefusal('卡号/证件号码不能为空');
    for (const p of this.persons.values()) if (p.pid === c || p.card_no === c || p.certno === c) return p;
    const chk = checkIdNumber(c);
    if (!chk.ok) throw new CenterRefusal(`未找到该参保人员信息，请核对卡号或证件号码【${c}】`);
    const p = this.o.enroll(c, chk.brdy, chk.gend as '1' | '2');
    this.persons.set(p.pid, p);
    return p;
  }

  byPid(pid: string): KPerson {
    const p = this.persons.get(pid.trim());
    if (!p) throw new CenterRefusal(`个人编号【${pid}】不存在`);
    return p;
  }

  // ---- visits ----------------------------------------------------------------------------------

  openVisit(p: KPerson, scope: Scope, f: { med_type: string; his_no: string; dept?: string; doctor?: string; diag_code?: string; diag_name?: string; begin?: string; pending?: boolean; id?: string }): KVisit {
    if (p.blocked) throw new CenterRefusal(`参保人【${p.name}】待遇已封锁，不能办理${scope === 'inpatient' ? '入院' : '就诊'}登记`);
    if (!f.his_no.trim()) throw new CenterRefusal('住院(门诊)号不能为空');
    for (const v of this.visits.values()) {
      if (v.his_no === f.his_no && v.status !== 'cancelled') throw new CenterRefusal(`住院(门诊)号【${f.his_no}】已登记（就诊编号 ${v.id}）`);
      if (scope === 'inpatient' && v.scope === 'inpatient' && v.pid === p.pid && (v.status === 'open' || v.status === 'discharged' || v.status === 'pending')) {
        throw new CenterRefusal(`参保人【${p.name}】已在院（就诊编号 ${v.id}），不能重复办理入院`);
      }
    }
    const v: KVisit = {
      id: f.id ?? this.nextId(scope === 'inpatient' ? 'ZY' : 'MZ', 18), pid: p.pid, scope, med_type: f.med_type, his_no: f.his_no.trim(),
      dept: f.dept ?? '', doctor: f.doctor ?? '', diag_code: f.diag_code ?? '', diag_name: f.diag_name ?? '', begin: f.begin ?? this.time().time, end: '',
      status: f.pending ? 'pending' : 'open', lines: [], lineSeq: 0,
    };
    this.visits.set(v.id, v);
    return v;
  }

  /** The visit by center id or by HIS number; `open` = still accepting fees/settlement. */
  visit(key: string, o: { open?: boolean } = {}): KVisit {
    const k = key.trim();
    let v = this.visits.get(k);
    if (!v) for (const x of this.visits.values()) if (x.his_no === k && x.status !== 'cancelled') v = x;
    if (!v) throw new CenterRefusal(`就诊记录【${key}】不存在`);
    if (o.open && v.status !== 'open' && v.status !== 'discharged') throw new CenterRefusal(`就诊记录【${key}】状态为${STATUS_ZH[v.status]}，不能办理该业务`);
    return v;
  }

  // ---- fee lines -------------------------------------------------------------------------------

  /** Adds fee lines (amount checked against price × quantity to the fen, classified by the core). */
  addLines(v: KVisit, lines: { sn?: string; code: string; name: string; pric: string; cnt: string; amount?: string; spec?: string; unit?: string; doctor?: string }[]): KLine[] {
    if (v.status !== 'open' && v.status !== 'discharged') throw new CenterRefusal(`就诊记录【${v.id}】状态为${STATUS_ZH[v.status]}，不能上传费用明细`);
    if (!lines.length) throw new CenterRefusal('费用明细不能为空');
    const parsed: KLine[] = lines.map((l, i) => {
      const code = l.code.trim();
      if (!code) throw new CenterRefusal(`第${i + 1}条明细缺少项目编码`);
      if (!/^-?\d+(\.\d+)?$/.test(l.pric.trim()) || !/^-?\d+(\.\d+)?$/.test(l.cnt.trim())) throw new CenterRefusal(`第${i + 1}条明细单价【${l.pric}】或数量【${l.cnt}】不是合法的数字`);
      if (l.pric.trim().startsWith('-')) throw new CenterRefusal(`第${i + 1}条明细单价不能为负数`);
      const sn = (l.sn ?? '').trim() || String(++v.lineSeq);
      if (v.lines.some((x) => x.sn === sn && x.status !== 'deleted')) throw new CenterRefusal(`明细流水号【${sn}】重复`);
      return {
        sn, code, name: l.name, pric: l.pric.trim(), cnt: l.cnt.trim(), sumamt_fen: 0, spec: l.spec ?? '', unit: l.unit ?? '', doctor: l.doctor ?? '',
        item: lookupItem(code), ful: 0, over: 0, pre: 0, inscp: 0, status: 'active',
      };
    });
    // exact amounts: pric × cnt by the core, compared with the amount sent
    let amounts;
    try {
      amounts = this.core.classify({ fee_items: parsed.map((l) => ({ feedetl_sn: `${l.sn}#`, pric: l.pric, cnt: l.cnt, med_chrgitm_type: '14', chrgitm_lv: '01' })) }).items;
    } catch (e) {
      throw new CenterRefusal(`费用明细计算失败：${(e as { messageZh?: string }).messageZh ?? String(e)}`);
    }
    parsed.forEach((l, i) => {
      l.sumamt_fen = amounts[i]!.det_item_fee_sumamt;
      const sent = lines[i]!.amount;
      if (sent !== undefined && sent.trim() !== '') {
        const f = fenOf(sent, `第${i + 1}条明细金额`);
        if (Math.abs(f - l.sumamt_fen) > 1) throw new CenterRefusal(`第${i + 1}条明细金额【${sent}】与单价×数量【${yuan(l.sumamt_fen)}】不符`);
        l.sumamt_fen = f;
      }
    });
    this.classify(parsed);
    v.lines.push(...parsed);
    return parsed;
  }

  /** Deletes uploaded, unsettled lines (all when `sns` is empty). Returns how many. */
  deleteLines(v: KVisit, sns: string[] = []): number {
    let n = 0;
    for (const l of v.lines) if (l.status === 'active' && (sns.length === 0 || sns.includes(l.sn))) {
      l.status = 'deleted';
      n++;
    }
    if (sns.length && n !== sns.length) throw new CenterRefusal(`部分明细不存在或已结算：${sns.join(',')}`);
    return n;
  }

  active(v: KVisit): KLine[] {
    return v.lines.filter((l) => l.status === 'active');
  }

  private coreItem(l: KLine): FeeItem {
    const i = l.item;
    return {
      feedetl_sn: l.sn, med_chrgitm_type: i?.med_chrgitm_type ?? '14', chrgitm_lv: i?.chrgitm_lv ?? '03', pric: l.pric, cnt: l.cnt,
      selfpay_prop: i?.selfpay_prop ?? '1', pric_uplmt_amt: i?.pric_uplmt_amt ?? null, det_item_fee_sumamt: yuan(l.sumamt_fen),
    };
  }

  private classify(lines: KLine[]): void {
    const r = this.core.classify({ fee_items: lines.map((l) => this.coreItem(l)) });
    r.items.forEach((it, k) => Object.assign(lines[k]!, { ful: it.fulamt_ownpay_amt, over: it.overlmt_amt, pre: it.preselfpay_amt, inscp: it.inscp_scp_amt }));
  }

  // ---- settlement ------------------------------------------------------------------------------

  policy(scope: Scope, insutype: string): PolicyParams {
    const p = this.o.policy[scope][insutype];
    if (!p) throw new CenterRefusal(`险种【${insutype}】不在沙箱${scope === 'inpatient' ? '住院' : '门诊'}政策范围内`);
    return JSON.parse(JSON.stringify(p)) as PolicyParams;
  }

  private corePerson(p: KPerson, v: KVisit, params: PolicyParams, acctUsed: boolean): CorePerson {
    const year = this.time().date.slice(0, 4);
    const acc = { dedc: 0, hifp: 0, hifob: 0, si_base: 0, hifmi: 0, maf: 0 };
    let visitDedc = 0;
    for (const s of this.settlements.values()) {
      if (s.pid !== p.pid || s.effects.scope !== v.scope || s.effects.year !== year) continue;
      if (s.status !== 'valid' && s.status !== 'pending') continue;
      const e = s.effects;
      acc.dedc += e.dedc; acc.hifp += e.hifp; acc.hifob += e.hifob; acc.si_base += e.si_base; acc.hifmi += e.hifmi; acc.maf += e.maf;
      if (s.visit_id === v.id) visitDedc += e.dedc;
    }
    return {
      ytd_dedc_paid_fen: params.dedc_scope === 'per_visit' ? visitDedc : acc.dedc,
      ytd_hifp_paid_fen: acc.hifp, ytd_hifob_paid_fen: acc.hifob, ytd_si_base_fen: acc.si_base, ytd_hifmi_paid_fen: acc.hifmi, ytd_maf_paid_fen: acc.maf,
      acct_balance_fen: p.insutype === '310' ? p.balance_fen : 0, acct_used_flag: acctUsed ? '1' : '0', cvlserv_flag: p.cvlserv ? '1' : '0', aid_eligible: p.aid,
    };
  }

  /** Computes the settlement of the visit's active lines (nothing is recorded). */
  compute(v: KVisit, o: { acctUsed: boolean; expectTotalFen?: number; expectCount?: number }): { result: PresettleResult; effects: KEffects; lines: KLine[] } {
    const p = this.byPid(v.pid);
    const lines = this.active(v);
    if (!lines.length) throw new CenterRefusal(`就诊记录【${v.id}】没有待结算的费用明细`);
    if (o.expectCount !== undefined && o.expectCount !== lines.length) throw new CenterRefusal(`明细条数【${o.expectCount}】与中心已上传明细条数【${lines.length}】不符`);
    const total = lines.reduce((a, l) => a + l.sumamt_fen, 0);
    if (o.expectTotalFen !== undefined && o.expectTotalFen !== total) throw new CenterRefusal(`结算总金额【${yuan(o.expectTotalFen)}】与中心明细合计【${yuan(total)}】不符`);
    const params = this.policy(v.scope, p.insutype);
    let result: PresettleResult;
    try {
      result = this.core.presettle({ params, person: this.corePerson(p, v, params, o.acctUsed), fee_items: lines.map((l) => this.coreItem(l)) });
    } catch (e) {
      const y = e as { messageZh?: string; detail?: string };
      throw new CenterRefusal(`结算计算失败：${y.messageZh ?? String(e)}${y.detail ? `（${y.detail}）` : ''}`);
    }
    const s = result.setlinfo;
    const si = params.serious_illness ? Math.max(0, s.inscp_scp_amt - s.hifp_pay - s.hifob_pay) : 0;
    const effects: KEffects = { scope: v.scope, year: this.time().date.slice(0, 4), dedc: s.act_pay_dedc, hifp: s.hifp_pay, hifob: s.hifob_pay, si_base: si, hifmi: s.hifmi_pay, maf: s.maf_pay, acct: s.acct_pay };
    return { result, effects, lines };
  }

  /** Settles the visit: records the settlement, debits the account, closes the visit. `pending` = two-phase. */
  settle(v: KVisit, o: { acctUsed: boolean; pending?: boolean; expectTotalFen?: number; expectCount?: number; id?: string }): KSettlement {
    if (v.status !== 'open' && v.status !== 'discharged') throw new CenterRefusal(`就诊记录【${v.id}】状态为${STATUS_ZH[v.status]}，不能结算`);
    const { result, effects, lines } = this.compute(v, o);
    const p = this.byPid(v.pid);
    const before = p.balance_fen;
    p.balance_fen -= result.setlinfo.acct_pay;
    for (const l of lines) l.status = 'settled';
    v.status = 'settled';
    if (!v.end) v.end = this.time().time;
    const s: KSettlement = {
      id: o.id ?? this.nextId('JS', 17), visit_id: v.id, pid: p.pid, kind: 'settle', status: o.pending ? 'pending' : 'valid', result, effects,
      balance_before_fen: before, balance_after_fen: p.balance_fen, time: this.time().time, line_sns: lines.map((l) => l.sn),
    };
    this.settlements.set(s.id, s);
    return s;
  }

  /** Confirms a pending settlement (two-phase commit). */
  confirm(id: string): KSettlement {
    const s = this.settlement(id);
    if (s.status === 'valid') return s;
    if (s.status !== 'pending') throw new CenterRefusal(`结算【${id}】状态为${SETL_ZH[s.status]}，不能确认`);
    s.status = 'valid';
    return s;
  }

  /** Cancels a pending settlement: the account, the lines and the visit are restored. */
  cancelPending(id: string): KSettlement {
    const s = this.settlement(id);
    if (s.status === 'cancelled') return s;
    if (s.status !== 'pending') throw new CenterRefusal(`结算【${id}】状态为${SETL_ZH[s.status]}，不能取消（已确认的结算请办理退单）`);
    this.undo(s);
    s.status = 'cancelled';
    return s;
  }

  /** Reverses a valid settlement with a negative one (退单 / 冲正); the visit reopens for new fees. */
  reverse(id: string, o: { pending?: boolean; id?: string } = {}): KSettlement {
    const s = this.settlement(id);
    if (s.kind !== 'settle') throw new CenterRefusal(`【${id}】不是结算记录`);
    if (s.status === 'reversed') throw new CenterRefusal(`结算【${id}】已冲正/退单`);
    if (s.status !== 'valid') throw new CenterRefusal(`结算【${id}】状态为${SETL_ZH[s.status]}，不能冲正`);
    this.undo(s);
    s.status = 'reversed';
    const neg = (x: number) => (x === 0 ? 0 : -x);
    const r = s.result;
    const result: PresettleResult = {
      items: r.items.map((i) => ({ ...i, det_item_fee_sumamt: neg(i.det_item_fee_sumamt), fulamt_ownpay_amt: neg(i.fulamt_ownpay_amt), overlmt_amt: neg(i.overlmt_amt), preselfpay_amt: neg(i.preselfpay_amt), inscp_scp_amt: neg(i.inscp_scp_amt) })),
      setlinfo: Object.fromEntries(Object.entries(r.setlinfo).map(([k, x]) => [k, typeof x === 'number' && k !== 'balc' ? neg(x) : x])) as unknown as PresettleResult['setlinfo'],
      setldetail: r.setldetail.map((d) => ({ ...d, fund_payamt: neg(d.fund_payamt), inscp_scp_amt: neg(d.inscp_scp_amt) })),
      invoice_categories: Object.fromEntries(Object.entries(r.invoice_categories).map(([k, x]) => [k, neg(x)])),
    };
    const p = this.byPid(s.pid);
    result.setlinfo.balc = p.balance_fen;
    const rev: KSettlement = {
      id: o.id ?? this.nextId('CZ', 17), visit_id: s.visit_id, pid: s.pid, kind: 'reverse', status: o.pending ? 'pending' : 'valid', result,
      effects: { ...s.effects, dedc: 0, hifp: 0, hifob: 0, si_base: 0, hifmi: 0, maf: 0, acct: 0 }, balance_before_fen: p.balance_fen - s.result.setlinfo.acct_pay,
      balance_after_fen: p.balance_fen, time: this.time().time, reverses: s.id, line_sns: s.line_sns,
    };
    this.settlements.set(rev.id, rev);
    return rev;
  }

  /** Cancels a pending reversal: the original settlement is valid again. */
  cancelPendingReverse(id: string): KSettlement {
    const rev = this.settlement(id);
    if (rev.kind !== 'reverse' || rev.status !== 'pending') throw new CenterRefusal(`【${id}】不是待确认的退单`);
    const s = this.settlement(rev.reverses!);
    const p = this.byPid(s.pid);
    p.balance_fen -= s.result.setlinfo.acct_pay;
    const v = this.visits.get(s.visit_id);
    if (v) {
      v.status = 'settled';
      for (const l of v.lines) if (s.line_sns.includes(l.sn) && l.status === 'active') l.status = 'settled';
    }
    s.status = 'valid';
    rev.status = 'cancelled';
    return rev;
  }

  private undo(s: KSettlement): void {
    const p = this.byPid(s.pid);
    p.balance_fen += s.result.setlinfo.acct_pay;
    const v = this.visits.get(s.visit_id);
    if (v) {
      v.status = v.scope === 'inpatient' ? (v.end ? 'discharged' : 'open') : 'open';
      for (const l of v.lines) if (s.line_sns.includes(l.sn) && l.status === 'settled') l.status = 'active';
    }
  }

  settlement(id: string): KSettlement {
    const s = this.settlements.get(id.trim());
    if (!s) throw new CenterRefusal(`结算记录【${id}】不存在`);
    return s;
  }

  /** Settlements of a visit (latest last). */
  settlementsOf(visitId: string): KSettlement[] {
    return [...this.settlements.values()].filter((s) => s.visit_id === visitId);
  }

  ledger(): LedgerRow[] {
    return [...this.settlements.values()].map((s) => ({
      id: s.id, kind: s.kind, status: s.status, pid: s.pid, visit_id: s.visit_id, medfee_sumamt: s.result.setlinfo.medfee_sumamt,
      fund_pay_sumamt: s.result.setlinfo.fund_pay_sumamt, acct_pay: s.result.setlinfo.acct_pay, psn_cash_pay: s.result.setlinfo.psn_cash_pay, time: s.time,
    }));
  }
}

const STATUS_ZH: Record<KVisit['status'], string> = { pending: '待确认', open: '在院/就诊中', discharged: '已出院', settled: '已结算', cancelled: '已撤销' };
const SETL_ZH: Record<KSettlement['status'], string> = { pending: '待确认', valid: '有效', cancelled: '已取消', reversed: '已冲正' };

/** The persons every legacy sandbox knows: the demo bills' credentials, and names at the edges of GBK. */
export function seedPersons(pidOf: (n: number) => string, cardOf: (n: number) => string): KPerson[] {
  const base = { cvlserv: false, aid: false, blocked: false, seed: true } as const;
  return [
    { ...base, pid: pidOf(1), card_no: cardOf(1), name: '张三', certno: '510104198503152311', gend: '1', brdy: '1985-03-15', insutype: '310', psn_class: '11', emp_name: '沙箱科技有限公司', balance_fen: 300000 },
    { ...base, pid: pidOf(2), card_no: cardOf(2), name: '李〇', certno: '510105195608221021', gend: '2', brdy: '1956-08-22', insutype: '310', psn_class: '21', emp_name: '沙箱机械厂（退休）', balance_fen: 800000 },
    // 丂 = GBK 0x8140 (first code), 齄 = 0xF7FE (last GB2312 hanzi), 﨩 = 0xFE4F (last mapped code before the
    // unmapped 0xFE50–0xFEA0 row), · = 0xA1A4;
    // 晐 = 0x957C and 昜 = 0x955B carry '|' and '[' as trail bytes (must not split pipe fields / INI sections)
    { ...base, pid: pidOf(3), card_no: cardOf(3), name: '昜晐·丂齄﨩', certno: '510107199006074619', gend: '1', brdy: '1990-06-07', insutype: '390', psn_class: '31', emp_name: '', balance_fen: 0 },
    { ...base, pid: pidOf(4), card_no: cardOf(4), name: '赵公务', certno: '510104197801122714', gend: '1', brdy: '1978-01-12', insutype: '310', psn_class: '11', emp_name: '沙箱管理局', balance_fen: 500000, cvlserv: true },
    { ...base, pid: pidOf(5), card_no: cardOf(5), name: '孙封锁', certno: '510106197205051836', gend: '1', brdy: '1972-05-05', insutype: '310', psn_class: '11', emp_name: '沙箱贸易公司', balance_fen: 10000, blocked: true },
  ];
}
