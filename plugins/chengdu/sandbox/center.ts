// The Chengdu sandbox center: what the Yinhai component talks to. It holds sessions (one per
// yh_interface_init), sign-in batches, persons, visits, fee lines, settlements and the two-phase trades,
// and settles with core.presettle under CHENGDU_SANDBOX_POLICY. Wire-free: server.ts feeds it the GBK
// bytes the emulator forwards; every reply is {appcode, appmsg, outs}. See ../README.md for the XML.
import type { Core, FeeItem, PolicyParams, PresettleResult, Person as CorePerson } from '../../../host-node/src/contract.js';
import { seedPersons, enrollPerson, type Person, type CredentialType } from '../../national/sandbox/persons.js';
import { lookupItem, CATALOG_ITEMS, DIAGNOSES, type CatalogItem } from '../../national/sandbox/catalog.js';
import { dt19, d10, parseDec, productFen, fmtFen, yuanToFen as decToFen } from '../../national/sandbox/wire.js';
import { hashDigits } from '../../national/sandbox/persons.js';
import { CHENGDU_SANDBOX_POLICY, CHENGDU_TRANSACTIONS, CHENGDU_TWO_PHASE } from '../manifest.js';
import { parseXml, printXml, obj, rows, text, type XmlObject, type XmlValue } from '../codec.js';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** A business refusal: aint_appcode -1 and this message. */
export class Refusal extends Error {}

export type Scope = 'outpatient' | 'inpatient';

export interface CenterReply {
  appcode: number;
  /** UTF-8 text; the server encodes it to GBK */
  appmsg: string;
  /** out strings of the function, in order (GBK bytes or ASCII text) */
  outs: (Uint8Array | string)[];
}

interface Session {
  id: string;
  signedIn: boolean;
  pcbh: string;
  operator: string;
  person: Person | null;
}

export interface Line {
  yka105: string;
  /** HIS 医嘱记录序号 / feedetl_sn */
  yke112: string;
  akc190: string;
  code: string;
  name: string;
  pric: string;
  cnt: string;
  sum_fen: number;
  item: CatalogItem | undefined;
  status: 'active' | 'cancelled' | 'settled';
  yka103: string | null;
  ful: number;
  over: number;
  pre: number;
  inscp: number;
}

export interface Visit {
  akc190: string;
  person: Person;
  scope: Scope;
  aka130: string;
  status: 'registered' | 'admitted' | 'discharged' | 'settled' | 'cancelled';
  info: XmlObject;
  lines: string[];
}

interface Effects {
  year: string;
  scope: Scope;
  dedc: number;
  hifp: number;
  hifob: number;
  si_base: number;
  hifmi: number;
  maf: number;
  acct: number;
}

export interface Settlement {
  yka103: string;
  akc190: string;
  aac001: string;
  jybh: string;
  scope: Scope;
  status: 'valid' | 'cancelled';
  /** the negative record of a cancellation points at the original */
  cancel_of: string | null;
  cancelled_by: string | null;
  res: PresettleResult;
  effects: Effects;
  lines: string[];
  time: string;
  /** jylsh of the trade that made it */
  jylsh: string;
}

export interface Trade {
  jylsh: string;
  jyyzm: string;
  jybh: string;
  session: string;
  aac001: string;
  akc190: string;
  yka103: string;
  ykd007: string;
  status: 'uncertain' | 'confirmed' | 'cancelled';
  undo: (() => void) | null;
}

interface Acc {
  dedc: number;
  hifp: number;
  hifob: number;
  si_base: number;
  hifmi: number;
  maf: number;
}

/** Handler result: the output document, and for two-phase transactions how to undo the effect. */
interface Done {
  output: XmlValue;
  undo?: () => void;
  money?: boolean;
  person?: Person;
  akc190?: string;
  yka103?: string;
  appcode?: number;
  appmsg?: string;
}

interface Ctx {
  s: Session;
  jybh: string;
  control: XmlObject;
  data: XmlObject;
  /** the input document as given (43 uses attributes on <row>) */
  dataValue: XmlValue;
}

export interface CenterOptions {
  core: Core;
  /** clock (default: new Date()) */
  now?: () => Date;
  /** 医院编号 (default "098041", the fixture hospital) */
  akb020?: string;
  /** 分中心 of every sandbox person */
  yab003?: string;
}

export class ChengduCenter {
  readonly core: Core;
  readonly akb020: string;
  readonly yab003: string;
  readonly now: () => Date;
  readonly sessions = new Map<string, Session>();
  readonly persons = new Map<string, Person>(); // by psn_no
  readonly byAac001 = new Map<string, Person>();
  readonly visits = new Map<string, Visit>();
  readonly lines = new Map<string, Line>();
  readonly settlements = new Map<string, Settlement>();
  readonly trades = new Map<string, Trade>();
  private readonly acc = new Map<string, Acc>();
  /** jybh whose reply is never sent after the work is done (outcome-unknown tests); see server.ts */
  stallAfterCommit = new Set<string>();
  private n = { pcbh: 293400000, jylsh: 0x37f6e000, akc190: 9161000, yka103: 6415000, yka105: 0 };

  constructor(o: CenterOptions) {
    this.core = o.core;
    this.now = o.now ?? (() => new Date());
    this.akb020 = o.akb020 ?? '098041';
    this.yab003 = o.yab003 ?? '0003';
    for (const p of seedPersons()) this.addPerson(p);
  }

  private addPerson(p: Person): Person {
    this.persons.set(p.psn_no, p);
    this.byAac001.set(aac001Of(p), p);
    return p;
  }

  // ---- entry points (one per yh_interface_* function) -------------------------------------------

  init(session: string): CenterReply {
    if (!session) return fail('会话标识为空');
    this.sessions.set(session, { id: session, signedIn: false, pcbh: '', operator: '', person: null });
    return { appcode: 1, appmsg: '初始化成功', outs: [] };
  }

  destroy(session: string): CenterReply {
    this.sessions.delete(session);
    return { appcode: 1, appmsg: '资源已释放', outs: [] };
  }

  call(session: string, jybh: string, jykz: Uint8Array, jysr: Uint8Array): CenterReply {
    const s = this.sessions.get(session);
    const outs = (xml: Uint8Array | string = '', jylsh = '', jyyzm = '') => [s?.pcbh ?? '', jylsh, jyyzm, xml];
    if (!s) return { appcode: -1, appmsg: '会话无效，请重新调用yh_interface_init初始化', outs: outs() };
    const t = CHENGDU_TRANSACTIONS[jybh];
    if (!t) return { appcode: -1, appmsg: `交易编号【${jybh}】不存在`, outs: outs() };
    if (!['05', '06', '08'].includes(jybh) && !s.signedIn) return { appcode: -1, appmsg: '操作员未签到，请先签到（05）', outs: outs() };
    let control: XmlObject;
    let dataValue: XmlValue;
    try {
      control = docOf(this.core, jykz, 'control', '交易控制XML');
      dataValue = jysr.length ? rootValue(this.core, jysr, 'data', '交易输入XML') : {};
    } catch (e) {
      return { appcode: -1, appmsg: (e as Error).message, outs: outs() };
    }
    const handler = this.handlers[jybh];
    if (!handler) return { appcode: -1, appmsg: `沙箱未实现交易【${jybh}】（${t.name}），请使用真实中心`, outs: outs() };
    const ctx: Ctx = { s, jybh, control, data: obj(dataValue), dataValue };
    const twoPhase = CHENGDU_TWO_PHASE.has(jybh);
    let done: Done;
    try {
      if (twoPhase) this.checkNoUncertain(ctx);
      done = handler.call(this, ctx);
    } catch (e) {
      if (e instanceof Refusal) return { appcode: -1, appmsg: e.message, outs: outs() };
      throw e;
    }
    const xml = printXml(this.core, 'output', done.output);
    if (!twoPhase || done.appcode !== undefined) return { appcode: done.appcode ?? 1, appmsg: done.appmsg ?? '交易成功', outs: outs(xml) };
    const trade: Trade = {
      jylsh: `${jybh}C${this.yab003}SJ${(++this.n.jylsh).toString(16).toUpperCase()}`,
      jyyzm: done.money ? hashDigits(`jyyzm:${session}:${this.n.jylsh}`, 9).replace(/^0/, '2') : '',
      jybh, session, aac001: done.person ? aac001Of(done.person) : '', akc190: done.akc190 ?? '', yka103: done.yka103 ?? '', ykd007: done.yka103 ? '01' : '',
      status: 'uncertain', undo: done.undo ?? null,
    };
    this.trades.set(trade.jylsh, trade);
    const st = done.yka103 ? this.settlements.get(done.yka103) : undefined;
    if (st) st.jylsh = trade.jylsh;
    return { appcode: 1, appmsg: '交易成功（待确认）', outs: outs(xml, trade.jylsh, trade.jyyzm) };
  }

  confirm(session: string, jylsh: string, jyyzm: string): CenterReply {
    void session;
    const t = this.trades.get(jylsh);
    if (!t) return fail(`交易流水号【${jylsh}】不存在`);
    if (t.status === 'confirmed') return { appcode: 1, appmsg: '交易已确认', outs: [] };
    if (t.status === 'cancelled') return fail(`交易【${jylsh}】已取消，不能确认`);
    if (t.jyyzm && t.jyyzm !== jyyzm) return fail(`交易验证码错误（交易流水号【${jylsh}】）`);
    t.status = 'confirmed';
    t.undo = null;
    return { appcode: 1, appmsg: '确认成功', outs: [] };
  }

  cancel(session: string, jylsh: string): CenterReply {
    void session;
    const t = this.trades.get(jylsh);
    if (!t) return fail(`交易流水号【${jylsh}】不存在`);
    if (t.status === 'cancelled') return { appcode: 1, appmsg: '交易已取消', outs: [] };
    if (t.status === 'confirmed') return fail(`交易【${jylsh}】已确认，不能取消，请使用相应的回退交易`);
    t.undo?.();
    t.undo = null;
    t.status = 'cancelled';
    return { appcode: 1, appmsg: '取消成功', outs: [] };
  }

  getUncertainTrade(session: string, jybh: string): CenterReply {
    if (!this.sessions.has(session)) return { appcode: -1, appmsg: '会话无效，请重新调用yh_interface_init初始化', outs: [''] };
    const list = [...this.trades.values()].filter((t) => t.status === 'uncertain' && (!jybh || t.jybh === jybh));
    const out = { row: list.map((t) => ({ yke014: t.jylsh, key: { akc190: t.akc190, yka103: t.yka103, ykd007: t.ykd007 } })) };
    return { appcode: 1, appmsg: list.length ? `存在${list.length}笔不确定交易` : '无不确定交易', outs: [printXml(this.core, 'output', out)] };
  }

  /** In-force settlements, for tests and `GET /sandbox/ledger`. */
  ledger(): { yka103: string; akc190: string; aac001: string; jybh: string; status: string; cancel_of: string | null; medfee_fen: number; fund_fen: number; acct_fen: number; cash_fen: number; jylsh: string; trade: string }[] {
    return [...this.settlements.values()].map((s) => ({
      yka103: s.yka103, akc190: s.akc190, aac001: s.aac001, jybh: s.jybh, status: s.status, cancel_of: s.cancel_of,
      medfee_fen: s.res.setlinfo.medfee_sumamt, fund_fen: s.res.setlinfo.fund_pay_sumamt, acct_fen: s.res.setlinfo.acct_pay, cash_fen: s.res.setlinfo.psn_cash_pay,
      jylsh: s.jylsh, trade: this.trades.get(s.jylsh)?.status ?? '',
    }));
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private checkNoUncertain(c: Ctx): void {
    const v = this.visits.get(text(c.control, 'akc190'));
    const aac001 = text(c.control, 'aac001') || (v ? aac001Of(v.person) : c.s.person ? aac001Of(c.s.person) : '');
    if (!aac001) return;
    for (const t of this.trades.values()) {
      if (t.status === 'uncertain' && t.aac001 === aac001) throw new Refusal(`参保人【${aac001}】存在未确认的交易【${t.jylsh}】（交易${t.jybh}），请先调用yh_interface_confirm或yh_interface_cancel`);
    }
  }

  private time(): string {
    return dt19(this.now());
  }

  private personOf(c: Ctx): Person {
    const aac001 = text(c.control, 'aac001');
    if (aac001) {
      const p = this.byAac001.get(aac001);
      if (!p) throw new Refusal(`个人编号【${aac001}】不存在`);
      return p;
    }
    if (!c.s.person) throw new Refusal('未读卡：请先进行身份识别（03）');
    return c.s.person;
  }

  private visitOf(c: Ctx, scope?: Scope): Visit {
    const akc190 = text(c.control, 'akc190');
    if (!akc190) throw new Refusal('交易控制XML缺少就诊编号【akc190】');
    const v = this.visits.get(akc190);
    if (!v) throw new Refusal(`就诊编号【${akc190}】不存在`);
    if (scope && v.scope !== scope) throw new Refusal(`就诊编号【${akc190}】不是${scope === 'inpatient' ? '住院' : '门诊'}就诊`);
    const aac001 = text(c.control, 'aac001');
    if (aac001 && aac001 !== aac001Of(v.person)) throw new Refusal(`个人编号【${aac001}】与就诊编号【${akc190}】不符`);
    return v;
  }

  private accOf(psn: string, year: string, scope: Scope): Acc {
    const k = `${psn}|${year}|${scope}`;
    let a = this.acc.get(k);
    if (!a) this.acc.set(k, (a = { dedc: 0, hifp: 0, hifob: 0, si_base: 0, hifmi: 0, maf: 0 }));
    return a;
  }

  private policy(scope: Scope, insutype: string): PolicyParams {
    const p = (CHENGDU_SANDBOX_POLICY[scope] as Record<string, unknown>)[insutype];
    if (!p) throw new Refusal(`险种【${insutype}】不在沙箱政策范围内`);
    return JSON.parse(JSON.stringify(p)) as PolicyParams;
  }

  /** Settles `lines` of visit `v` with the core (no state change). */
  compute(v: Visit, lines: Line[], acctUsed: boolean): { res: PresettleResult; effects: Effects } {
    const p = v.person;
    const params = this.policy(v.scope, p.insutype);
    const year = d10(this.now()).slice(0, 4);
    const a = this.accOf(p.psn_no, year, v.scope);
    let dedc = a.dedc;
    if (params.dedc_scope === 'per_visit') {
      dedc = 0;
      for (const s of this.settlements.values()) if (s.akc190 === v.akc190 && s.status === 'valid' && !s.cancel_of) dedc += s.effects.dedc;
    }
    const person: CorePerson = {
      ytd_dedc_paid_fen: dedc, ytd_hifp_paid_fen: a.hifp, ytd_hifob_paid_fen: a.hifob, ytd_si_base_fen: a.si_base, ytd_hifmi_paid_fen: a.hifmi, ytd_maf_paid_fen: a.maf,
      acct_balance_fen: p.insutype === '310' ? p.balance_fen : 0, acct_used_flag: acctUsed ? '1' : '0', cvlserv_flag: p.cvlserv_flag, aid_eligible: p.aid_eligible,
    };
    let res: PresettleResult;
    try {
      res = this.core.presettle({ params, person, fee_items: lines.map(coreItem) });
    } catch (e) {
      const y = e as { messageZh?: string; detail?: string; message?: string };
      throw new Refusal(`结算计算失败：${y.messageZh ?? y.message}${y.detail ? `（${y.detail}）` : ''}`);
    }
    res.items.forEach((it, k) => Object.assign(lines[k], { ful: it.fulamt_ownpay_amt, over: it.overlmt_amt, pre: it.preselfpay_amt, inscp: it.inscp_scp_amt }));
    const s = res.setlinfo;
    const si = params.serious_illness ? Math.max(0, s.inscp_scp_amt - s.hifp_pay - s.hifob_pay) : 0;
    return { res, effects: { year, scope: v.scope, dedc: s.act_pay_dedc, hifp: s.hifp_pay, hifob: s.hifob_pay, si_base: si, hifmi: s.hifmi_pay, maf: s.maf_pay, acct: s.acct_pay } };
  }

  private applyEffects(psn: Person, e: Effects, sign: 1 | -1): void {
    const a = this.accOf(psn.psn_no, e.year, e.scope);
    a.dedc += sign * e.dedc;
    a.hifp += sign * e.hifp;
    a.hifob += sign * e.hifob;
    a.si_base += sign * e.si_base;
    a.hifmi += sign * e.hifmi;
    a.maf += sign * e.maf;
    psn.balance_fen -= sign * e.acct;
  }

  /** Parses uploaded fee rows (111 / 41 / 110), checking control nums / yka055 against them. */
  private parseLines(c: Ctx, v: Visit): Line[] {
    const list = rows(c.data, 'datasetfymx');
    if (!list.length) throw new Refusal('交易输入XML缺少费用明细【datasetfymx】');
    const out: Line[] = [];
    let total = 0n;
    list.forEach((r, i) => {
      const at = `第${i + 1}条明细`;
      const code = text(r, 'ake005');
      if (!code) throw new Refusal(`${at}缺少医院对码编码【ake005】`);
      const pric = parseDec(text(r, 'akc225'));
      const cnt = parseDec(text(r, 'akc226'));
      if (!pric || pric.n < 0n) throw new Refusal(`${at}单价【akc225】无效`);
      if (!cnt || cnt.n === 0n) throw new Refusal(`${at}数量【akc226】无效`);
      const sum = decToFen(text(r, 'yka055'));
      if (sum === null) throw new Refusal(`${at}金额【yka055】无效`);
      const expected = productFen(pric, cnt);
      if (sum - expected > 1n || expected - sum > 1n) throw new Refusal(`${at}金额【${text(r, 'yka055')}】与单价×数量【${fmtFen(expected)}】不符`);
      total += sum;
      const yke112 = text(r, 'yke112') || String(i + 1);
      out.push({
        yka105: `5${hashDigits(`${v.akc190}:${++this.n.yka105}`, 18)}`, yke112, akc190: v.akc190, code, name: text(r, 'yka095') || lookupItem(code)?.name || code,
        pric: text(r, 'akc225'), cnt: text(r, 'akc226'), sum_fen: Number(sum), item: lookupItem(code), status: 'active', yka103: null, ful: 0, over: 0, pre: 0, inscp: 0,
      });
    });
    const nums = text(c.control, 'nums');
    if (nums && Number(nums) !== list.length) throw new Refusal(`明细条数【${list.length}】与交易控制参数nums【${nums}】不符`);
    const cy = text(c.control, 'yka055');
    if (cy && decToFen(cy) !== total) throw new Refusal(`明细金额合计【${fmtFen(total)}】与交易控制参数yka055【${cy}】不符`);
    return out;
  }

  private classify(lines: Line[]): void {
    if (!lines.length) return;
    const r = this.core.classify({ fee_items: lines.map(coreItem) });
    r.items.forEach((it, k) => Object.assign(lines[k], { ful: it.fulamt_ownpay_amt, over: it.overlmt_amt, pre: it.preselfpay_amt, inscp: it.inscp_scp_amt }));
  }

  private addLines(v: Visit, lines: Line[]): () => void {
    this.classify(lines);
    for (const l of lines) {
      this.lines.set(l.yka105, l);
      v.lines.push(l.yka105);
    }
    return () => {
      for (const l of lines) {
        this.lines.delete(l.yka105);
        v.lines = v.lines.filter((x) => x !== l.yka105);
      }
    };
  }

  private activeLines(v: Visit): Line[] {
    return v.lines.map((k) => this.lines.get(k)!).filter((l) => l.status === 'active');
  }

  /** Commits a settlement of `lines`; returns it and the undo. */
  private settleLines(c: Ctx, v: Visit, lines: Line[], acctUsed: boolean): { s: Settlement; undo: () => void } {
    if (!lines.length) throw new Refusal(`就诊编号【${v.akc190}】没有待结算的费用明细`);
    const { res, effects } = this.compute(v, lines, acctUsed);
    const s: Settlement = {
      yka103: this.newId('yka103'), akc190: v.akc190, aac001: aac001Of(v.person), jybh: c.jybh, scope: v.scope, status: 'valid', cancel_of: null, cancelled_by: null,
      res, effects, lines: lines.map((l) => l.yka105), time: this.time(), jylsh: '',
    };
    this.settlements.set(s.yka103, s);
    for (const l of lines) Object.assign(l, { status: 'settled', yka103: s.yka103 });
    this.applyEffects(v.person, effects, 1);
    return {
      s,
      undo: () => {
        this.applyEffects(v.person, effects, -1);
        for (const l of lines) Object.assign(l, { status: 'active', yka103: null });
        this.settlements.delete(s.yka103);
      },
    };
  }

  /** 12 / 42: the negative settlement of an in-force one. */
  private cancelSettlement(c: Ctx, v: Visit): { neg: Settlement; undo: () => void } {
    const yka103 = text(c.control, 'yka103');
    const s = this.settlements.get(yka103);
    if (!s || s.akc190 !== v.akc190 || s.cancel_of) throw new Refusal(`结算编号【${yka103}】不存在或不属于就诊编号【${v.akc190}】`);
    if (s.status !== 'valid') throw new Refusal(`结算编号【${yka103}】已回退`);
    for (const [k, f] of [['yka055', s.res.setlinfo.medfee_sumamt], ['yka107', s.res.setlinfo.fund_pay_sumamt], ['yka065', s.res.setlinfo.acct_pay]] as const) {
      const given = text(c.data, k);
      if (given && decToFen(given) !== BigInt(f)) throw new Refusal(`回退金额【${k}=${given}】与原结算【${fmtFen(f)}】不符`);
    }
    const lines = s.lines.map((k) => this.lines.get(k)!);
    const neg: Settlement = {
      ...s, yka103: this.newId('yka103'), status: 'valid', cancel_of: s.yka103, cancelled_by: null, res: negate(s.res), jybh: c.jybh, time: this.time(), jylsh: '',
    };
    this.settlements.set(neg.yka103, neg);
    s.status = 'cancelled';
    s.cancelled_by = neg.yka103;
    this.applyEffects(v.person, s.effects, -1);
    for (const l of lines) Object.assign(l, { status: 'active', yka103: null });
    return {
      neg,
      undo: () => {
        for (const l of lines) Object.assign(l, { status: 'settled', yka103: s.yka103 });
        this.applyEffects(v.person, s.effects, 1);
        s.status = 'valid';
        s.cancelled_by = null;
        this.settlements.delete(neg.yka103);
      },
    };
  }

  private newId(kind: 'akc190' | 'yka103'): string {
    const ymd = d10(this.now()).replace(/-/g, '').slice(2);
    return `${this.yab003}${ymd}${String(++this.n[kind]).padStart(7, '0')}`;
  }

  // ---- outputs ------------------------------------------------------------------------------------

  private personOut(p: Person): XmlObject {
    const today = d10(this.now());
    return {
      aac001: aac001Of(p), aac002: p.certno, aac003: p.psn_name, aac004: p.gend, aac006: `${p.brdy} 00:00:00`, akc023: String(ageYears(p.brdy, today)),
      akc021: p.insutype === '390' ? '31' : p.psn_type === '1102' ? '21' : '11', ykc117: p.cvlserv_flag === '1' ? '1' : '',
      grzhye: { row: [this.account(p)] }, yab003: this.yab003, aae013: p.psn_insu_stas === '2' ? '参保暂停' : '', aab001: p.emp_name ? `5101${hashDigits(p.emp_name, 10)}` : '',
      aab004: p.emp_name, ydbz: '1', gsdataset: { yke109: '', alc022: '', aka130: '' },
    };
  }

  private account(p: Person): XmlObject {
    return { ykc303: p.insutype === '390' ? '城乡居民基本医疗帐户' : '城镇职工基本医疗帐户', ykc194: fmtFen(p.insutype === '390' ? 0 : p.balance_fen) };
  }

  private lineOut(l: Line, withAudit: boolean): XmlObject {
    const o: XmlObject = {
      yka105: l.yka105, yke112: l.yke112, yka299: l.item?.pric_uplmt_amt ? money4(l.item.pric_uplmt_amt) : '999999999.00', yka096: ratio4(l.item?.selfpay_prop ?? '1'),
      yka056: fmtFen4(l.ful), yka057: fmtFen4(l.pre), yka111: fmtFen4(l.inscp), yke011: '0',
    };
    if (withAudit) {
      o.yke474 = '';
      o.yke492 = '';
      o.yke493 = l.item ? '' : '3';
      o.yke494 = l.item ? '' : '医保目录无此项目，按全自费处理';
    }
    Object.assign(o, { yka095: l.name, akc226: dec4(l.cnt), akc225: dec4(l.pric), yka055: fmtFen4(l.sum_fen) });
    return o;
  }

  private settlementOut(s: Settlement, v: Visit, operator: string): XmlObject {
    const a = s.res.setlinfo;
    const pool = s.res.setldetail.find((r) => r.fund_pay_type === '310100' || r.fund_pay_type === '390100');
    const params = this.policy(v.scope, v.person.insutype);
    return {
      yac112: '1', akc190: v.akc190, aka130: v.aka130, aac001: aac001Of(v.person), akb020: this.akb020, aae011: operator, aae036: s.time, yka103: s.yka103,
      yka055: fmtFen(a.medfee_sumamt), yka056: fmtFen(a.fulamt_ownpay_amt), yka111: fmtFen(a.inscp_scp_amt), yka057: fmtFen(a.preselfpay_amt),
      yka065: fmtFen(a.acct_pay), yka107: fmtFen(a.fund_pay_sumamt), ykd007: '01', ykh012: fmtFen(a.psn_cash_pay), yab003: this.yab003,
      dataset: {
        row: s.res.setldetail.map((r) => ({
          yka316: r.fund_pay_type, yka317: r.fund_pay_type_name, yab139: this.yab003, aka213: '0101', yka115: fmtFen(r === pool ? a.act_pay_dedc : 0),
          yka058: fmtFen(r.inscp_scp_amt), ykc125: r === pool ? String(params.pool_ratio) : '', yka107: fmtFen(r.fund_pay_type === '310200' ? 0 : r.fund_payamt),
          yka065: fmtFen(r.fund_pay_type === '310200' ? r.fund_payamt : 0), ykc121: '0101', ykb037: '0008', yka054: '01',
        })),
      },
      fymxdataset: { row: s.lines.map((k) => this.lineOut(this.lines.get(k)!, false)) },
      grzhye: { row: [this.account(v.person)] },
    };
  }

  // ---- transactions -------------------------------------------------------------------------------

  private readonly handlers: Record<string, (this: ChengduCenter, c: Ctx) => Done> = {
    /** 05 签到: control <aae011> → batch number (astr_pcbh, yke189) */
    '05'(c) {
      const op = text(c.control, 'aae011') || text(c.data, 'aae011');
      if (!op) throw new Refusal('签到失败：交易控制XML缺少操作员【aae011】');
      c.s.signedIn = true;
      c.s.operator = op;
      c.s.pcbh = `${this.yab003}S${++this.n.pcbh}`;
      return { output: { row: [{ yab003: this.yab003, yke190: '1', yke189: c.s.pcbh, yke191: this.time(), aae013: '' }] } };
    },
    /** 06 签退 */
    '06'(c) {
      const pcbh = c.s.pcbh;
      c.s.signedIn = false;
      return { output: { row: [{ yab003: this.yab003, yke190: '0', yke189: pcbh, yke191: this.time(), aae013: '' }] } };
    },
    '08'(c) {
      return { output: { row: [{ yab003: this.yab003, yke190: c.s.signedIn ? '1' : '0', yke189: c.s.pcbh, aae013: '' }] } };
    },
    /** 03 身份识别: data {mdtrt_cert_type, mdtrt_cert_no, card_sn} (sandbox) or {aac002} (ID number); the card becomes the session's */
    '03'(c) {
      let type = text(c.data, 'mdtrt_cert_type') as CredentialType;
      let no = text(c.data, 'mdtrt_cert_no');
      if (!no && text(c.data, 'aac002')) {
        type = '02';
        no = text(c.data, 'aac002');
      }
      if (!no) throw new Refusal('读卡失败：未插卡或未提供凭证【mdtrt_cert_no】');
      if (!['01', '02', '03'].includes(type)) throw new Refusal(`凭证类型【${type}】无效`);
      const name = text(c.data, 'psn_name');
      let p = [...this.persons.values()].find((x) => (type === '02' ? x.certno === no : type === '03' ? x.card_no === no : x.ec_token === no));
      if (p && type === '03' && text(c.data, 'card_sn') && p.card_sn && p.card_sn !== text(c.data, 'card_sn')) throw new Refusal('卡识别码与卡号不符');
      if (p && name && p.psn_name !== name) throw new Refusal(`姓名【${name}】与参保信息不符`);
      if (!p) {
        try {
          p = this.addPerson(enrollPerson(type, no, name || undefined));
        } catch (e) {
          throw new Refusal(`读卡失败：${(e as Error).message}`);
        }
      }
      c.s.person = p;
      return { output: this.personOut(p) };
    },
    /** 110 门诊挂号 → akc190; optional registration-fee rows are uploaded and settled in the same trade */
    '110'(c) {
      const p = this.personOf(c);
      if (p.psn_insu_stas === '2') throw new Refusal(`参保人【${p.psn_name}】参保暂停，不能享受待遇`);
      const aka130 = text(c.control, 'aka130') || (p.insutype === '390' ? '0203' : '0201');
      if (!aka130.startsWith('02')) throw new Refusal(`支付类别【${aka130}】不是门诊类别`);
      const v: Visit = { akc190: this.newId('akc190'), person: p, scope: 'outpatient', aka130, status: 'registered', info: c.data, lines: [] };
      this.visits.set(v.akc190, v);
      const base = { yac112: '3', akc190: v.akc190, aka130, aac001: aac001Of(p), aac003: p.psn_name, aac004: p.gend, aac006: `${p.brdy} 00:00:00`, aae013: '' };
      const undoVisit = () => this.visits.delete(v.akc190);
      if (!rows(c.data, 'datasetfymx').length) {
        return { output: { ...base, akb020: this.akb020, aae011: c.s.operator, aae036: this.time(), yka103: '', yka055: '0.00', yka056: '0.00', yka111: '0.00', yka057: '0.00', grzhye: { row: [this.account(p)] }, yka065: '0.00', yka107: '0.00', ykd007: '', ykh012: '0.00', yab003: this.yab003 }, undo: undoVisit, person: p, akc190: v.akc190 };
      }
      const lines = this.parseLines(c, v);
      const undoLines = this.addLines(v, lines);
      const { s, undo } = this.settleLines(c, v, lines, text(c.control, 'yke550') !== '0');
      const out = this.settlementOut(s, v, c.s.operator);
      return { output: { ...base, ...out, yac112: '3' }, money: true, person: p, akc190: v.akc190, yka103: s.yka103, undo: () => (undo(), undoLines(), undoVisit()) };
    },
    /** 111 门诊明细上传 → fymxdataset with the center's yka105 and classification */
    '111'(c) {
      const v = this.visitOf(c, 'outpatient');
      if (v.status === 'cancelled') throw new Refusal(`就诊编号【${v.akc190}】已取消`);
      const lines = this.parseLines(c, v);
      const undo = this.addLines(v, lines);
      return { output: { fymxdataset: { row: lines.map((l) => this.lineOut(l, true)) } }, undo, person: v.person, akc190: v.akc190 };
    },
    /** 11 门诊结算: data <dataset><row><yka105/></row></dataset> (none = every uploaded line); control yka055 = their total */
    '11'(c) {
      const v = this.visitOf(c, 'outpatient');
      const want = rows(c.data, 'dataset').map((r) => text(r, 'yka105')).filter(Boolean);
      const active = this.activeLines(v);
      const lines = want.length ? want.map((k) => active.find((l) => l.yka105 === k) ?? refuse(`明细流水号【${k}】不存在或已结算`)) : active;
      const total = lines.reduce((a, l) => a + l.sum_fen, 0);
      const cy = text(c.control, 'yka055');
      if (!cy) throw new Refusal('交易控制XML缺少费用总额【yka055】');
      if (decToFen(cy) !== BigInt(total)) throw new Refusal(`费用总额【${cy}】与待结算明细合计【${fmtFen(total)}】不符`);
      const nums = text(c.control, 'nums');
      if (nums && Number(nums) !== lines.length) throw new Refusal(`结算明细条数【${lines.length}】与nums【${nums}】不符`);
      const { s, undo } = this.settleLines(c, v, lines, text(c.control, 'yke550') !== '0');
      return { output: this.settlementOut(s, v, c.s.operator), undo, money: true, person: v.person, akc190: v.akc190, yka103: s.yka103 };
    },
    /** 12 门诊结算回退: control {akc190, yka103}; data {yka055, yka107, yka065} of the original */
    '12'(c) {
      const v = this.visitOf(c, 'outpatient');
      const { neg, undo } = this.cancelSettlement(c, v);
      return { output: this.settlementOut(neg, v, c.s.operator), undo, money: true, person: v.person, akc190: v.akc190, yka103: neg.yka103 };
    },
    /** 21 入院登记 (the person is the session's card unless control names aac001) */
    '21'(c) {
      const p = this.personOf(c);
      if (p.psn_insu_stas === '2') throw new Refusal(`参保人【${p.psn_name}】参保暂停，不能办理入院`);
      for (const k of ['ykc009', 'akc192', 'akc193']) if (!text(c.data, k)) throw new Refusal(`交易输入XML缺少【${k}】`);
      for (const v of this.visits.values()) if (v.person === p && v.scope === 'inpatient' && (v.status === 'admitted' || v.status === 'discharged')) throw new Refusal(`参保人【${p.psn_name}】已在院（就诊编号【${v.akc190}】）`);
      const aka130 = text(c.control, 'aka130') || '0309';
      const v: Visit = { akc190: this.newId('akc190'), person: p, scope: 'inpatient', aka130, status: 'admitted', info: { ...c.data }, lines: [] };
      this.visits.set(v.akc190, v);
      const params = this.policy('inpatient', p.insutype);
      const a = this.accOf(p.psn_no, d10(this.now()).slice(0, 4), 'inpatient');
      return {
        output: {
          akb020: this.akb020, yab003: this.yab003, aka130, akc190: v.akc190, aac001: aac001Of(p), aac003: p.psn_name, aac004: p.gend, aac006: `${p.brdy} 00:00:00`,
          akc021: p.insutype === '390' ? '31' : '11', yka026: '', yka115: fmtFen(params.dedc_std_fen), yka119: fmtFen(Math.max(0, (params.pool_annual_cap_fen ?? 0) - a.hifp)), aae013: '',
        },
        undo: () => this.visits.delete(v.akc190), person: p, akc190: v.akc190,
      };
    },
    /** 22 取消入院登记 (no uploaded fees left) */
    '22'(c) {
      const v = this.visitOf(c, 'inpatient');
      if (v.status !== 'admitted') throw new Refusal(`就诊编号【${v.akc190}】状态不允许取消入院`);
      if (v.lines.some((k) => this.lines.get(k)!.status !== 'cancelled')) throw new Refusal('存在未退的住院费用明细，请先退单（43）');
      v.status = 'cancelled';
      return { output: { akc190: v.akc190, aae013: '' }, undo: () => void (v.status = 'admitted'), person: v.person, akc190: v.akc190 };
    },
    /** 23 修改入院登记 */
    '23'(c) {
      const v = this.visitOf(c, 'inpatient');
      if (v.status !== 'admitted') throw new Refusal(`就诊编号【${v.akc190}】状态不允许修改`);
      const before = v.info;
      v.info = { ...before, ...c.data };
      return { output: { akc190: v.akc190, aae013: '' }, undo: () => void (v.info = before), person: v.person, akc190: v.akc190 };
    },
    /** 25 离院办理 */
    '25'(c) {
      const v = this.visitOf(c, 'inpatient');
      if (v.status !== 'admitted') throw new Refusal(`就诊编号【${v.akc190}】不在院`);
      v.status = 'discharged';
      const before = v.info;
      v.info = { ...before, ...c.data };
      return { output: { akc190: v.akc190, aae013: '' }, undo: () => void ((v.status = 'admitted'), (v.info = before)), person: v.person, akc190: v.akc190 };
    },
    /** 26 取消离院办理 */
    '26'(c) {
      const v = this.visitOf(c, 'inpatient');
      if (v.status !== 'discharged') throw new Refusal(`就诊编号【${v.akc190}】未办理离院或已结算`);
      v.status = 'admitted';
      return { output: { akc190: v.akc190, aae013: '' }, undo: () => void (v.status = 'discharged'), person: v.person, akc190: v.akc190 };
    },
    /** 41 住院明细上传 (negative quantities refund) */
    '41'(c) {
      const v = this.visitOf(c, 'inpatient');
      if (v.status !== 'admitted' && v.status !== 'discharged') throw new Refusal(`就诊编号【${v.akc190}】状态不允许上传明细`);
      const lines = this.parseLines(c, v);
      const undo = this.addLines(v, lines);
      return { output: { fymxdataset: { row: lines.map((l) => this.lineOut(l, true)) } }, undo, person: v.person, akc190: v.akc190 };
    },
    /** 43 费用明细退单: <data><row yka105='…'/></data> */
    '43'(c) {
      const v = this.visitOf(c);
      const list = obj(c.dataValue).row;
      const keys = (Array.isArray(list) ? list : []).map((r) => (typeof r === 'object' && r && !Array.isArray(r) ? text(r as XmlObject, '@yka105') || text(r as XmlObject, 'yka105') : ''));
      if (!keys.length || keys.some((k) => !k)) throw new Refusal('交易输入XML应为<data><row yka105="明细流水号"/>…</data>');
      const lines = keys.map((k) => {
        const l = this.lines.get(k);
        if (!l || l.akc190 !== v.akc190) throw new Refusal(`明细流水号【${k}】不存在`);
        if (l.status !== 'active') throw new Refusal(`明细流水号【${k}】${l.status === 'settled' ? '已结算，请先回退结算' : '已退单'}`);
        return l;
      });
      for (const l of lines) l.status = 'cancelled';
      return { output: { row: lines.map((l) => ({ yka105: l.yka105, aae013: '' })) }, undo: () => lines.forEach((l) => (l.status = 'active')), person: v.person, akc190: v.akc190 };
    },
    /** 52 出院结算; control <print>1</print> = 预结算单: nothing changes and aint_appcode is negative */
    '52'(c) {
      const v = this.visitOf(c, 'inpatient');
      const lines = this.activeLines(v);
      const total = lines.reduce((a, l) => a + l.sum_fen, 0);
      const given = text(c.data, 'yka055');
      if (given && decToFen(given) !== BigInt(total)) throw new Refusal(`费用总额【${given}】与未结算明细合计【${fmtFen(total)}】不符`);
      const nums = text(c.data, 'nums');
      if (nums && Number(nums) !== lines.length) throw new Refusal(`明细条数【${nums}】与未结算明细条数【${lines.length}】不符`);
      if (text(c.control, 'print') === '1') {
        if (v.status !== 'admitted' && v.status !== 'discharged') throw new Refusal(`就诊编号【${v.akc190}】状态不允许预结算`);
        if (!lines.length) throw new Refusal('没有待结算的费用明细');
        const { res, effects } = this.compute(v, lines, text(c.control, 'yke550') !== '0');
        const pre: Settlement = { yka103: '', akc190: v.akc190, aac001: aac001Of(v.person), jybh: '52', scope: 'inpatient', status: 'valid', cancel_of: null, cancelled_by: null, res, effects, lines: lines.map((l) => l.yka105), time: this.time(), jylsh: '' };
        const out = this.settlementOut(pre, v, c.s.operator);
        // the account balance shown is the one after this would-be settlement
        out.grzhye = { row: [{ ...this.account(v.person), ykc194: fmtFen(v.person.insutype === '390' ? 0 : v.person.balance_fen - effects.acct) }] };
        return { output: out, appcode: -2, appmsg: '预结算单：仅供参保人查看，不能作为报销凭据' };
      }
      if (v.status !== 'discharged') throw new Refusal(`就诊编号【${v.akc190}】未办理离院（25），不能出院结算`);
      const { s, undo } = this.settleLines(c, v, lines, text(c.control, 'yke550') !== '0');
      v.status = 'settled';
      return { output: this.settlementOut(s, v, c.s.operator), money: true, person: v.person, akc190: v.akc190, yka103: s.yka103, undo: () => (undo(), (v.status = 'discharged')) };
    },
    /** 42 出院结算回退 */
    '42'(c) {
      const v = this.visitOf(c, 'inpatient');
      if (v.status !== 'settled') throw new Refusal(`就诊编号【${v.akc190}】未结算`);
      const { neg, undo } = this.cancelSettlement(c, v);
      v.status = 'discharged';
      return { output: this.settlementOut(neg, v, c.s.operator), undo: () => (undo(), (v.status = 'settled')), money: true, person: v.person, akc190: v.akc190, yka103: neg.yka103 };
    },
    /** 16 门特申请查询 (no filings in the sandbox) */
    '16'(c) {
      void this.personOf(c);
      return { output: { dataset: '' } };
    },
    /** 30 支付限额查询 */
    '30'(c) {
      const p = this.personOf(c);
      const year = d10(this.now()).slice(0, 4);
      const row = (scope: Scope) => {
        const params = this.policy(scope, p.insutype);
        const a = this.accOf(p.psn_no, year, scope);
        return { aka130: scope === 'inpatient' ? '0309' : p.insutype === '390' ? '0203' : '0201', yka119: fmtFen(Math.max(0, (params.pool_annual_cap_fen ?? 0) - a.hifp)), yka115: fmtFen(params.dedc_std_fen), aae013: '' };
      };
      return { output: { dataset: { row: [row('outpatient'), row('inpatient')] } } };
    },
    /** 55 结算单打印 (summary of one settlement) */
    '55'(c) {
      const s = this.settlements.get(text(c.control, 'yka103') || text(c.data, 'yka103'));
      if (!s) throw new Refusal('结算编号【yka103】不存在');
      return { output: this.settlementOut(s, this.visits.get(s.akc190)!, c.s.operator) };
    },
    /** 91/92/93 downloads: data <dir> → a GBK TXT file written there (the sandbox runs on the same machine) */
    '91'(c) {
      return this.download(c, CATALOG_ITEMS.filter((i) => i.vali_flag === '1').map((i) => [i.code, i.name, i.med_chrgitm_type, i.chrgitm_lv, i.selfpay_prop, i.pric_uplmt_amt ?? '']));
    },
    '92'(c) {
      return this.download(c, DIAGNOSES.map((d) => [d.code, d.name]));
    },
    '93'(c) {
      return this.download(c, [['aac004', '1', '男'], ['aac004', '2', '女'], ['aka130', '0201', '职工门诊'], ['aka130', '0203', '居民门诊'], ['aka130', '0309', '住院']]);
    },
  };

  private download(c: Ctx, table: string[][]): Done {
    const dir = text(c.data, 'dir');
    if (!dir) throw new Refusal('交易输入XML缺少下载目录【dir】');
    const file = join(dir, `${c.jybh}_${d10(this.now()).replace(/-/g, '')}.txt`);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, this.core.gbk.encode(table.map((r) => r.join('\t')).join('\r\n') + '\r\n'));
    } catch (e) {
      throw new Refusal(`下载文件写入失败：${(e as Error).message}`);
    }
    return { output: { nums: String(table.length), filename: file } };
  }
}

// ---- small helpers ----------------------------------------------------------------------------------

function fail(msg: string): CenterReply {
  return { appcode: -1, appmsg: msg, outs: [] };
}

function refuse(msg: string): never {
  throw new Refusal(msg);
}

function docOf(core: Core, bytes: Uint8Array, root: string, what: string): XmlObject {
  return obj(rootValue(core, bytes, root, what));
}

function rootValue(core: Core, bytes: Uint8Array, root: string, what: string): XmlValue {
  let d;
  try {
    d = parseXml(core, bytes);
  } catch (e) {
    const y = e as { messageZh?: string; detail?: string; message?: string };
    throw new Refusal(`${what}格式错误：${y.messageZh ?? y.message}${y.detail ? `（${y.detail}）` : ''}`);
  }
  if (d.root !== root) throw new Refusal(`${what}的根节点应为<${root}>，实际为<${d.root}>`);
  return d.value;
}

/** 个人编号 (9 digits, as the fixtures' 010000009) of a person. */
export function aac001Of(p: Person): string {
  return `01${p.psn_no.slice(-7)}`;
}

function ageYears(brdy: string, today: string): number {
  const [by, bm, bd] = brdy.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  let y = ty - by;
  if (tm < bm || (tm === bm && td < bd)) y--;
  return Math.max(0, y);
}

function coreItem(l: Line): FeeItem {
  const i = l.item;
  return {
    feedetl_sn: l.yka105, med_chrgitm_type: i?.med_chrgitm_type ?? '14', chrgitm_lv: i?.chrgitm_lv ?? '03', pric: l.pric, cnt: l.cnt,
    selfpay_prop: i?.selfpay_prop ?? '1', pric_uplmt_amt: i?.pric_uplmt_amt ?? null, det_item_fee_sumamt: fmtFen(l.sum_fen),
  };
}

function negate(r: PresettleResult): PresettleResult {
  const s = r.setlinfo as unknown as Record<string, number | string>;
  const setlinfo = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' && k !== 'balc' ? -v : v])) as unknown as PresettleResult['setlinfo'];
  return { ...r, setlinfo, setldetail: r.setldetail.map((d) => ({ ...d, fund_payamt: -d.fund_payamt, inscp_scp_amt: -d.inscp_scp_amt })) };
}

const fmtFen4 = (fen: number): string => `${fmtFen(fen)}00`;
function dec4(t: string): string {
  const [i, f = ''] = t.trim().split('.');
  return `${i}.${f.padEnd(4, '0')}`;
}
const money4 = (t: string): string => dec4(t).replace(/(\.\d\d)\d*$/, '$1');
const ratio4 = (t: string): string => dec4(t.startsWith('.') ? `0${t}` : t);

