// ChengduClient: the canonical API over the Yinhai 5.0 component, driven through a legacy-com-bridge
// (the vendor DLL on a hospital PC, the emulator in tests and sandbox). It owns init (again after every
// bridge restart), sign-in (05 → the batch number pcbh), the GBK XML of each call, and the two-phase
// protocol: a state-changing call comes back uncertain with astr_jylsh (+ astr_jyyzm when money moves)
// and is confirmed after the HIS committed (or cancelled when it did not).
import type { Core } from '../../host-node/src/contract.js';
import type { Plugin } from '../contract.js';
import type { Credential, FeeLine, FeeLineResult, Settlement } from '../../host-node/src/client.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { fenToYuan } from '../../host-node/src/money.js';
import type { Bridge } from '../../legacy-com-bridge/src/contract.js';
import { chengduPlugin, encodeCall } from './index.js';
import { CHENGDU_MANIFEST, CHENGDU_TWO_PHASE, YINHAI_BUFFERS } from './manifest.js';
import { fen, obj, parseXml, rows, text, toCanonical, type XmlObject, type XmlValue } from './codec.js';

export interface ChengduClientOptions {
  bridge: Bridge;
  core: Core;
  /** 经办人 (aae011): the operator's name as the center knows it */
  operator: { name: string; code?: string };
  /** timeout of one vendor call (default: the bridge's) */
  timeoutMs?: number;
  plugin?: Plugin;
  log?: (e: { kind: 'init' | 'call' | 'confirm' | 'cancel' | 'uncertain'; jybh?: string; jylsh?: string; appcode?: number; appmsg?: string; ms?: number }) => void;
}

/** One yh_interface_call as it came back. */
export interface YinhaiReply {
  jybh: string;
  appcode: number;
  appmsg: string;
  /** batch number (签到 yke189) */
  pcbh: string;
  /** serial number of an uncertain trade ('' for queries) */
  jylsh: string;
  /** verification code (money-moving trades) */
  jyyzm: string;
  /** root of the output XML ('' when empty) */
  root: string;
  /** the output in the canonical model (money in fen) */
  output: XmlObject;
  /** the output XML exactly as the DLL wrote it (GBK) */
  xml: Uint8Array;
}

/** A trade the center made that is still uncertain: confirm() after the HIS committed, cancel() if not. */
export interface Pending<T> {
  jybh: string;
  jylsh: string;
  jyyzm: string;
  result: T;
  reply: YinhaiReply;
  confirm(): Promise<void>;
  cancel(): Promise<void>;
}

/** What an HIS does between the center's answer and confirm: commit its own database (throw to cancel). */
export type Commit<T> = (result: T, trade: { jybh: string; jylsh: string; jyyzm: string }) => unknown | Promise<unknown>;

export interface UncertainTrade {
  jylsh: string;
  akc190: string;
  yka103: string;
  ykd007: string;
}

export interface ChengduIdentity {
  /** 个人编号 aac001 (psn_no in the canonical API) */
  psn_no: string;
  psn_name: string;
  certno: string;
  gend: string;
  brdy: string;
  /** 310 职工 / 390 居民 (from the account kind and 医疗人员类别) */
  insutype: string;
  /** 医疗人员类别 akc021 */
  psn_type: string;
  /** 分中心 yab003 */
  yab003: string;
  cvlserv_flag: string;
  /** account balance in fen */
  balc: number;
  raw: XmlObject;
}

const FUND_FIELDS: Record<string, keyof Settlement['setlinfo']> = {
  '310100': 'hifp_pay', '390100': 'hifp_pay', '320100': 'cvlserv_pay', '370100': 'hifes_pay', '390200': 'hifmi_pay',
  '330100': 'hifob_pay', '610100': 'maf_pay', '999997': 'oth_pay', '310200': 'acct_pay', '999996': 'hosp_part_amt',
};

/** The canonical settlement of an 11 / 12 / 52 / 42 / 110 output (fen). */
export function settlementOf(r: Pick<YinhaiReply, 'output' | 'jybh' | 'jylsh' | 'appmsg'>): Settlement {
  const o = r.output;
  const detail = rows(o, 'dataset');
  const setlinfo: Record<string, unknown> = {
    medfee_sumamt: fen(o, 'yka055'), fulamt_ownpay_amt: fen(o, 'yka056'), preselfpay_amt: fen(o, 'yka057'), inscp_scp_amt: fen(o, 'yka111'),
    overlmt_selfpay: 0, act_pay_dedc: 0, hifp_pay: 0, pool_prop_selfpay: '', cvlserv_pay: 0, hifes_pay: 0, hifmi_pay: 0, hifob_pay: 0, maf_pay: 0, oth_pay: 0,
    fund_pay_sumamt: fen(o, 'yka107'), psn_part_amt: 0, acct_pay: fen(o, 'yka065'), psn_cash_pay: fen(o, 'ykh012'), hosp_part_amt: 0, balc: 0, acct_mulaid_pay: 0,
  };
  setlinfo.overlmt_selfpay = (setlinfo.medfee_sumamt as number) - (setlinfo.fulamt_ownpay_amt as number) - (setlinfo.preselfpay_amt as number) - (setlinfo.inscp_scp_amt as number);
  setlinfo.psn_part_amt = (setlinfo.medfee_sumamt as number) - (setlinfo.fund_pay_sumamt as number);
  const setldetail: Settlement['setldetail'] = [];
  for (const d of detail) {
    const code = text(d, 'yka316');
    const amount = code === '310200' ? fen(d, 'yka065') : fen(d, 'yka107');
    const field = FUND_FIELDS[code];
    if (field && field !== 'acct_pay') (setlinfo[field] as number) += amount;
    if (code === '310100' || code === '390100') {
      setlinfo.act_pay_dedc = fen(d, 'yka115');
      setlinfo.pool_prop_selfpay = text(d, 'ykc125');
    }
    setldetail.push({ fund_pay_type: code, fund_pay_type_name: text(d, 'yka317'), fund_payamt: amount, inscp_scp_amt: fen(d, 'yka058') });
  }
  // descriptive fields the slip shows (national names)
  setlinfo.setl_time = text(o, 'aae036');
  if (text(o, 'aac003')) setlinfo.psn_name = text(o, 'aac003');
  if (setlinfo.hosp_part_amt) setlinfo.psn_part_amt = (setlinfo.psn_part_amt as number) - (setlinfo.hosp_part_amt as number);
  const acct = rows(o, 'grzhye')[0];
  if (acct) setlinfo.balc = fen(acct, 'ykc194');
  const yka103 = text(o, 'yka103');
  return {
    setl_id: yka103 || null, mdtrt_id: text(o, 'akc190'), psn_no: text(o, 'aac001'), msgid: r.jylsh, infno: r.jybh,
    setlinfo: setlinfo as Settlement['setlinfo'], setldetail, warn_msg: r.appmsg,
  };
}

/** Wire rows (datasetfymx) of fee lines; amounts computed exactly by the core. */
export function feeRows(core: Core, lines: FeeLine[], time: string): { rows: XmlObject[]; total: number } {
  const c = core.classify({ fee_items: lines.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })) });
  return {
    total: c.totals.medfee_sumamt,
    rows: lines.map((l, i) => ({
      yke112: l.feedetl_sn, ake005: l.medins_list_codg ?? l.med_list_codg, yka095: l.name ?? '', akc226: String(l.cnt), akc225: String(l.pric),
      yka055: fenToYuan(c.items[i].det_item_fee_sumamt), akc221: l.fee_ocur_time ?? time,
    })),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
function chinaTime(d = new Date()): string {
  const t = new Date(d.getTime() + 8 * 3600_000);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

/** Failures the center gives before doing anything: re-init / re-sign-in and repeat once. */
const RETRY_INIT = /未初始化|会话无效/;
const RETRY_SIGNIN = /未签到/;

export class ChengduClient {
  readonly bridge: Bridge;
  readonly core: Core;
  readonly plugin: Plugin;
  private readonly o: ChengduClientOptions;
  /** bridge process generation the component was initialised / signed in on */
  private initGen = -1;
  private signGen = -1;
  /** batch number of the current sign-in */
  pcbh = '';
  /** the last identified person */
  person: ChengduIdentity | null = null;

  constructor(o: ChengduClientOptions) {
    this.o = o;
    this.bridge = o.bridge;
    this.core = o.core;
    this.plugin = o.plugin ?? chengduPlugin(CHENGDU_MANIFEST, { core: o.core });
  }

  private alive(gen: number): boolean {
    const s = this.bridge.stats();
    return gen === s.starts && s.pid !== null;
  }

  private err(what: string, appcode: number, appmsg: string): YibaoError {
    return YibaoError.host('CENTER_ERROR', `${what}: aint_appcode ${appcode} ${appmsg}`.trim());
  }

  // ---- the six functions ------------------------------------------------------------------------------

  /** yh_interface_init (once per bridge process; a restart loses the component's state). */
  async init(force = false): Promise<void> {
    if (!force && this.alive(this.initGen)) return;
    const r = await this.bridge.call('yh_interface_init', [{ outInt: true }, { outBuf: YINHAI_BUFFERS.msg }], { timeoutMs: this.o.timeoutMs });
    const [appcode, appmsg] = r.out as [number, string];
    this.o.log?.({ kind: 'init', appcode, appmsg, ms: r.ms });
    if (appcode < 0) throw this.err('yh_interface_init', appcode, appmsg);
    this.initGen = this.bridge.stats().starts;
    this.signGen = -1;
  }

  /** yh_interface_destroy */
  async destroy(): Promise<void> {
    if (!this.alive(this.initGen)) return;
    await this.bridge.call('yh_interface_destroy', [], { timeoutMs: this.o.timeoutMs });
    this.initGen = -1;
    this.signGen = -1;
  }

  /**
   * yh_interface_call of any transaction; returns whatever aint_appcode says. State-changing
   * transactions (CHENGDU_TWO_PHASE) come back uncertain: confirm() or cancel() them.
   */
  async call(jybh: string, control: XmlObject = {}, data: XmlValue = {}): Promise<YinhaiReply> {
    await this.init();
    if (!['05', '06', '08'].includes(jybh) && !this.alive(this.signGen)) await this.signIn();
    let r = await this.rawCall(jybh, control, data);
    if (r.appcode < 0 && RETRY_INIT.test(r.appmsg)) {
      await this.init(true);
      if (!['05', '06', '08'].includes(jybh)) await this.signIn();
      r = await this.rawCall(jybh, control, data);
    } else if (r.appcode < 0 && RETRY_SIGNIN.test(r.appmsg) && jybh !== '05') {
      await this.signIn();
      r = await this.rawCall(jybh, control, data);
    }
    return r;
  }

  private async rawCall(jybh: string, control: XmlObject, data: XmlValue): Promise<YinhaiReply> {
    const { jykz, jysr } = encodeCall(this.core, jybh, control, data);
    const z = (b: Uint8Array) => {
      const x = new Uint8Array(b.length + 1);
      x.set(b);
      return x;
    };
    const B = YINHAI_BUFFERS;
    const res = await this.bridge.call(
      'yh_interface_call',
      [{ gbk: jybh }, { bytes: z(jykz) }, { bytes: z(jysr) }, { outBuf: B.id }, { outBuf: B.id }, { outBuf: B.id }, { outBuf: B.xml, encoding: 'bytes' }, { outInt: true }, { outBuf: B.msg }],
      { timeoutMs: this.o.timeoutMs },
    );
    const [pcbh, jylsh, jyyzm, xml, appcode, appmsg] = res.out as [string, string, string, Uint8Array, number, string];
    let root = '';
    let output: XmlObject = {};
    if (xml.length) {
      try {
        const d = parseXml(this.core, xml);
        root = d.root;
        output = obj(toCanonical(d.value));
      } catch (e) {
        // the call happened; its reply is unreadable: outcome unknown when it was a two-phase trade
        const y = e as YibaoError;
        throw YibaoError.host('BAD_REPLY', `${jybh}: output XML unreadable (${y.code ?? ''} ${y.detail ?? y.message})${jylsh ? `; uncertain trade ${jylsh} must be resolved` : ''}`, e);
      }
    }
    this.o.log?.({ kind: 'call', jybh, jylsh, appcode, appmsg, ms: res.ms });
    if (pcbh) this.pcbh = pcbh;
    return { jybh, appcode, appmsg, pcbh, jylsh, jyyzm, root, output, xml };
  }

  /** call() that throws CENTER_ERROR unless aint_appcode >= 0 and (for a business call) the output is not empty. */
  async callOk(jybh: string, control: XmlObject = {}, data: XmlValue = {}, opts: { negativeOk?: boolean } = {}): Promise<YinhaiReply> {
    const r = await this.call(jybh, control, data);
    if (r.appcode < 0 && !(opts.negativeOk && r.xml.length)) throw this.err(`交易${jybh}`, r.appcode, r.appmsg);
    if (!r.xml.length && !['06', '08'].includes(jybh)) throw this.err(`交易${jybh}`, r.appcode, `${r.appmsg}（交易输出为空，按失败处理）`);
    return r;
  }

  /** yh_interface_confirm */
  async confirm(jylsh: string, jyyzm: string): Promise<void> {
    await this.init();
    const r = await this.bridge.call('yh_interface_confirm', [{ gbk: jylsh }, { gbk: jyyzm }, { outInt: true }, { outBuf: YINHAI_BUFFERS.msg }], { timeoutMs: this.o.timeoutMs });
    const [appcode, appmsg] = r.out as [number, string];
    this.o.log?.({ kind: 'confirm', jylsh, appcode, appmsg, ms: r.ms });
    if (appcode < 0) throw this.err(`确认交易${jylsh}`, appcode, appmsg);
  }

  /** yh_interface_cancel */
  async cancel(jylsh: string): Promise<void> {
    await this.init();
    const r = await this.bridge.call('yh_interface_cancel', [{ gbk: jylsh }, { outInt: true }, { outBuf: YINHAI_BUFFERS.msg }], { timeoutMs: this.o.timeoutMs });
    const [appcode, appmsg] = r.out as [number, string];
    this.o.log?.({ kind: 'cancel', jylsh, appcode, appmsg, ms: r.ms });
    if (appcode < 0) throw this.err(`取消交易${jylsh}`, appcode, appmsg);
  }

  /** yh_interface_getuncertaintytrade: the open trades of a transaction code ('' = all). */
  async uncertain(jybh: string): Promise<UncertainTrade[]> {
    await this.init();
    const r = await this.bridge.call('yh_interface_getuncertaintytrade', [{ gbk: jybh }, { outBuf: YINHAI_BUFFERS.xml, encoding: 'bytes' }, { outInt: true }, { outBuf: YINHAI_BUFFERS.msg }], { timeoutMs: this.o.timeoutMs });
    const [xml, appcode, appmsg] = r.out as [Uint8Array, number, string];
    this.o.log?.({ kind: 'uncertain', jybh, appcode, appmsg, ms: r.ms });
    if (appcode < 0) throw this.err(`查询不确定交易${jybh}`, appcode, appmsg);
    if (!xml.length) return [];
    const out = obj(parseXml(this.core, xml).value);
    const list = Array.isArray(out.row) ? (out.row as XmlObject[]) : [];
    return list.map((row) => {
      const k = obj(row.key);
      return { jylsh: text(row, 'yke014'), akc190: text(k, 'akc190'), yka103: text(k, 'yka103'), ykd007: text(k, 'ykd007') };
    });
  }

  /**
   * Resolves the open trades of `jybh` after a crash or timeout: `decide` says confirm (the HIS
   * committed, and the journal kept the jyyzm) or cancel. Without a jyyzm only cancel is possible.
   */
  async resolveUncertain(jybh: string, decide: (t: UncertainTrade) => { confirm: string } | 'cancel' | 'keep'): Promise<{ confirmed: string[]; cancelled: string[]; kept: string[] }> {
    const done = { confirmed: [] as string[], cancelled: [] as string[], kept: [] as string[] };
    for (const t of await this.uncertain(jybh)) {
      const d = decide(t);
      if (d === 'keep') done.kept.push(t.jylsh);
      else if (d === 'cancel') {
        await this.cancel(t.jylsh);
        done.cancelled.push(t.jylsh);
      } else {
        await this.confirm(t.jylsh, d.confirm);
        done.confirmed.push(t.jylsh);
      }
    }
    return done;
  }

  /** A two-phase call: the uncertain result and its confirm/cancel. */
  async pending<T>(jybh: string, control: XmlObject, data: XmlValue, map: (r: YinhaiReply) => T): Promise<Pending<T>> {
    const r = await this.callOk(jybh, control, data);
    if (CHENGDU_TWO_PHASE.has(jybh) && !r.jylsh) throw this.err(`交易${jybh}`, r.appcode, `${r.appmsg}（未返回交易流水号）`);
    let result: T;
    try {
      result = map(r);
    } catch (e) {
      // the center did it but its answer is not usable: undo it rather than leave it uncertain
      if (r.jylsh) await this.cancel(r.jylsh).catch(() => undefined);
      throw e;
    }
    return {
      jybh, jylsh: r.jylsh, jyyzm: r.jyyzm, result, reply: r,
      confirm: () => (r.jylsh ? this.confirm(r.jylsh, r.jyyzm) : Promise.resolve()),
      cancel: () => (r.jylsh ? this.cancel(r.jylsh) : Promise.resolve()),
    };
  }

  /**
   * BusinessAffirm: call, let the HIS commit, then confirm; if the commit throws, cancel and rethrow.
   * A failure of confirm itself (timeout, crash) leaves the trade uncertain: resolveUncertain() later.
   */
  async affirm<T>(jybh: string, control: XmlObject, data: XmlValue, map: (r: YinhaiReply) => T, commit?: Commit<T>): Promise<T> {
    const p = await this.pending(jybh, control, data, map);
    if (commit) {
      try {
        await commit(p.result, { jybh, jylsh: p.jylsh, jyyzm: p.jyyzm });
      } catch (e) {
        await p.cancel();
        throw e;
      }
    }
    await p.confirm();
    return p.result;
  }

  // ---- canonical operations ---------------------------------------------------------------------------

  /** 05 签到 → batch number */
  async signIn(): Promise<string> {
    const r = await this.callOk('05', { aae011: this.o.operator.name }, { yab003: this.person?.yab003 ?? '' });
    const row = obj(Array.isArray(r.output.row) ? r.output.row[0] : undefined);
    this.pcbh = r.pcbh || text(row, 'yke189');
    if (!this.pcbh) throw YibaoError.host('BAD_REPLY', '05 签到 returned no batch number (astr_pcbh / yke189)');
    this.signGen = this.bridge.stats().starts;
    return this.pcbh;
  }

  /** 06 签退 */
  async signOut(): Promise<void> {
    if (!this.alive(this.signGen)) return;
    await this.callOk('06', { aae011: this.o.operator.name }, {});
    this.signGen = -1;
  }

  /** 03 身份识别 (the sandbox takes the credential in <data>; a real component reads the card itself) */
  async identify(c: Credential): Promise<ChengduIdentity> {
    const r = await this.callOk('03', { edition: '5.0' }, { mdtrt_cert_type: c.mdtrt_cert_type, mdtrt_cert_no: c.mdtrt_cert_no, card_sn: c.card_sn ?? '', psn_name: c.psn_name ?? '' });
    const o = r.output;
    const acct = rows(o, 'grzhye')[0] ?? {};
    const kind = text(acct, 'ykc303');
    const akc021 = text(o, 'akc021');
    const id: ChengduIdentity = {
      psn_no: text(o, 'aac001'), psn_name: text(o, 'aac003'), certno: text(o, 'aac002'), gend: text(o, 'aac004'), brdy: text(o, 'aac006').slice(0, 10),
      insutype: /居民/.test(kind) || akc021 === '31' ? '390' : '310', psn_type: akc021, yab003: text(o, 'yab003'), cvlserv_flag: text(o, 'ykc117') === '1' ? '1' : '0',
      balc: acct.ykc194 !== undefined ? fen(acct, 'ykc194') : 0, raw: o,
    };
    if (!id.psn_no) throw YibaoError.host('BAD_REPLY', '03 reply has no aac001');
    this.person = id;
    return id;
  }

  private ctl(p: { psn_no: string; aka130?: string; akc190?: string }, more: XmlObject = {}): XmlObject {
    return {
      ...(p.akc190 ? { akc190: p.akc190 } : {}), aac001: p.psn_no, ...(p.aka130 ? { aka130: p.aka130 } : {}), yab003: this.person?.yab003 ?? '',
      aae011: this.o.operator.name, ...more,
    };
  }

  /** 110 门诊挂号 → 就诊编号 akc190 */
  register(p: { psn_no: string; insutype: string; ipt_otp_no: string; dept_name?: string; diagnoses?: { code: string; name: string }[]; begntime?: string }, commit?: Commit<{ akc190: string; aka130: string }>) {
    const aka130 = p.insutype === '390' ? '0203' : '0201';
    const d = p.diagnoses?.[0];
    return this.affirm('110', this.ctl({ psn_no: p.psn_no, aka130 }), {
      ykc009: p.ipt_otp_no, ykc011: p.dept_name ?? '', ykc014: p.begntime ?? chinaTime(), akc193: d?.code ?? '', ykc147: d?.name ?? '', aae011: this.o.operator.name,
    }, (r) => ({ akc190: text(r.output, 'akc190') || fail('110 reply has no akc190'), aka130: text(r.output, 'aka130') || aka130 }), commit);
  }

  private lineResults(r: YinhaiReply, lines: FeeLine[]): (FeeLineResult & { yka105: string })[] {
    const out = rows(r.output, 'fymxdataset');
    return out.map((x, i) => ({
      yka105: text(x, 'yka105'), feedetl_sn: text(x, 'yke112') || lines[i]?.feedetl_sn || '', det_item_fee_sumamt: fen4(x, 'yka055'), fulamt_ownpay_amt: fen4(x, 'yka056'),
      overlmt_amt: fen4(x, 'yka055') - fen4(x, 'yka056') - fen4(x, 'yka057') - fen4(x, 'yka111'), preselfpay_amt: fen4(x, 'yka057'), inscp_scp_amt: fen4(x, 'yka111'),
      chrgitm_lv: '', med_chrgitm_type: '', selfpay_prop: text(x, 'yka096'), pric_uplmt_amt: text(x, 'yka299'),
    }));
  }

  private async uploadLines(jybh: '111' | '41', p: { psn_no: string; akc190: string; aka130: string; lines: FeeLine[] }, commit?: Commit<(FeeLineResult & { yka105: string })[]>) {
    const { rows: wire, total } = feeRows(this.core, p.lines, chinaTime());
    return this.affirm(jybh, this.ctl(p, { nums: String(wire.length), yka055: fenToYuan(total) }), { datasetfymx: { row: wire } }, (r) => this.lineResults(r, p.lines), commit);
  }

  /** 111 门诊明细上传 → the center's line numbers (yka105) and classification (fen) */
  uploadFees(p: { psn_no: string; akc190: string; aka130: string; lines: FeeLine[] }, commit?: Commit<(FeeLineResult & { yka105: string })[]>) {
    return this.uploadLines('111', p, commit);
  }

  /** 11 门诊结算 of the given uploaded lines (all unsettled ones when none) — money moves */
  settle(p: { psn_no: string; akc190: string; aka130: string; medfee_sumamt: number; yka105?: string[]; acct_used_flag?: string }, commit?: Commit<Settlement>): Promise<Settlement> {
    const list = p.yka105 ?? [];
    return this.affirm('11', this.ctl(p, { nums: list.length ? String(list.length) : '', yka055: fenToYuan(p.medfee_sumamt), yke550: p.acct_used_flag === '0' ? '0' : '1' }),
      list.length ? { dataset: { row: list.map((k) => ({ yka105: k })) } } : {}, (r) => checkedSettlement(r), commit);
  }

  /** 11 门诊结算 left uncertain (two-phase by hand): the caller confirms or cancels it, e.g. the reliable client. */
  settlePending(p: { psn_no: string; akc190: string; aka130: string; medfee_sumamt: number; yka105?: string[]; acct_used_flag?: string }): Promise<Pending<Settlement>> {
    const list = p.yka105 ?? [];
    return this.pending('11', this.ctl(p, { nums: list.length ? String(list.length) : '', yka055: fenToYuan(p.medfee_sumamt), yke550: p.acct_used_flag === '0' ? '0' : '1' }),
      list.length ? { dataset: { row: list.map((k) => ({ yka105: k })) } } : {}, (r) => checkedSettlement(r));
  }

  /**
   * Chengdu has no outpatient pre-settlement transaction: 11 is called and cancelled at once, which the
   * two-phase protocol makes free of effects (the center undoes it). Gives what settle() would give now.
   */
  async trialSettle(p: { psn_no: string; akc190: string; aka130: string; medfee_sumamt: number; yka105?: string[]; acct_used_flag?: string }): Promise<Settlement> {
    const list = p.yka105 ?? [];
    const pend = await this.pending('11', this.ctl(p, { nums: list.length ? String(list.length) : '', yka055: fenToYuan(p.medfee_sumamt), yke550: p.acct_used_flag === '0' ? '0' : '1' }),
      list.length ? { dataset: { row: list.map((k) => ({ yka105: k })) } } : {}, (r) => settlementOf(r));
    await pend.cancel();
    return { ...pend.result, setl_id: null };
  }

  /** 12 门诊结算回退 → the negative settlement */
  cancelSettle(p: { psn_no: string; akc190: string; aka130: string; setl_id: string; medfee_sumamt: number; fund_pay_sumamt: number; acct_pay: number }, commit?: Commit<Settlement>): Promise<Settlement> {
    return this.affirm('12', this.ctl(p, { yka103: p.setl_id }), { yka055: fenToYuan(p.medfee_sumamt), yka107: fenToYuan(p.fund_pay_sumamt), yka065: fenToYuan(p.acct_pay) }, (r) => settlementOf(r), commit);
  }

  /** 21 入院登记 → akc190 */
  admit(p: { psn_no: string; ipt_no: string; dept_name?: string; bed?: string; diagnoses: { code: string; name: string }[]; begntime?: string; contact?: { name?: string; tel?: string } }, commit?: Commit<{ akc190: string; aka130: string }>) {
    const t = p.begntime ?? chinaTime();
    const d = p.diagnoses[0];
    return this.affirm('21', this.ctl({ psn_no: p.psn_no, aka130: '0309' }), {
      ykc009: p.ipt_no, ykc010: p.ipt_no, akc192: t, akc193: d?.code ?? '', ykc011: p.dept_name ?? '', ykc012: p.bed ?? '', ykc147: d?.name ?? '', aae011: this.o.operator.name, ykc014: t,
      yke660: '', yke380: '', aae004: p.contact?.name ?? '', yke661: '', aae005: p.contact?.tel ?? '', yke662: '', yke413: '',
    }, (r) => ({ akc190: text(r.output, 'akc190') || fail('21 reply has no akc190'), aka130: text(r.output, 'aka130') || '0309' }), commit);
  }

  /** 41 住院明细上传 */
  uploadInpatientFees(p: { psn_no: string; akc190: string; aka130: string; lines: FeeLine[] }, commit?: Commit<(FeeLineResult & { yka105: string })[]>) {
    return this.uploadLines('41', p, commit);
  }

  /** 43 费用明细退单 (<row yka105='…'/>) */
  cancelFees(p: { psn_no: string; akc190: string; yka105: string[] }, commit?: Commit<string[]>) {
    return this.affirm('43', this.ctl(p), { row: p.yka105.map((k) => ({ '@yka105': k })) }, () => p.yka105, commit);
  }

  private dataOf52(p: { medfee_sumamt: number; nums?: number; invoice?: string }): XmlObject {
    return { yka055: fenToYuan(p.medfee_sumamt), nums: p.nums !== undefined ? String(p.nums) : '', yka110: p.invoice ?? '', aae011: this.o.operator.name };
  }

  /** 52 with <print>1</print>: the 预结算单 (aint_appcode < 0 by specification; nothing is settled) */
  async inpatientPresettle(p: { psn_no: string; akc190: string; aka130: string; medfee_sumamt: number; nums?: number; acct_used_flag?: string }): Promise<Settlement> {
    const r = await this.callOk('52', this.ctl(p, { print: '1', yke550: p.acct_used_flag === '0' ? '0' : '1' }), this.dataOf52(p), { negativeOk: true });
    return settlementOf(r);
  }

  /** 25 离院办理 */
  discharge(p: { psn_no: string; akc190: string; endtime?: string; diagnoses?: { code: string; name: string }[]; way?: string }, commit?: Commit<void>) {
    const d = p.diagnoses?.[0];
    return this.affirm('25', this.ctl(p), { akc194: p.endtime ?? chinaTime(), akc196: d?.code ?? '', ykc147: d?.name ?? '', yke665: p.way ?? '1', aae011: this.o.operator.name }, () => undefined, commit);
  }

  /** 52 出院结算 (money moves) */
  inpatientSettle(p: { psn_no: string; akc190: string; aka130: string; medfee_sumamt: number; nums?: number; invoice?: string; acct_used_flag?: string }, commit?: Commit<Settlement>): Promise<Settlement> {
    return this.affirm('52', this.ctl(p, { print: '0', yke550: p.acct_used_flag === '0' ? '0' : '1' }), this.dataOf52(p), (r) => checkedSettlement(r), commit);
  }

  /** 52 出院结算 left uncertain (two-phase by hand): the caller confirms or cancels it. */
  inpatientSettlePending(p: { psn_no: string; akc190: string; aka130: string; medfee_sumamt: number; nums?: number; invoice?: string; acct_used_flag?: string }): Promise<Pending<Settlement>> {
    return this.pending('52', this.ctl(p, { print: '0', yke550: p.acct_used_flag === '0' ? '0' : '1' }), this.dataOf52(p), (r) => checkedSettlement(r));
  }

  /** 42 出院结算回退 */
  cancelInpatientSettle(p: { psn_no: string; akc190: string; aka130: string; setl_id: string; medfee_sumamt: number; fund_pay_sumamt: number; acct_pay: number }, commit?: Commit<Settlement>): Promise<Settlement> {
    return this.affirm('42', this.ctl(p, { yka103: p.setl_id }), { yka055: fenToYuan(p.medfee_sumamt), yka107: fenToYuan(p.fund_pay_sumamt), yka065: fenToYuan(p.acct_pay) }, (r) => settlementOf(r), commit);
  }

  /** Any transaction of the seed's list by its code (raw XML objects in, canonical output out; two-phase ones are confirmed). */
  async invoke(jybh: string, control: XmlObject = {}, data: XmlValue = {}, commit?: Commit<XmlObject>): Promise<XmlObject> {
    if (CHENGDU_TWO_PHASE.has(jybh)) return this.affirm(jybh, control, data, (r) => r.output, commit);
    return (await this.callOk(jybh, control, data)).output;
  }
}

function fail(msg: string): never {
  throw YibaoError.host('BAD_REPLY', msg);
}

function checkedSettlement(r: YinhaiReply): Settlement {
  const s = settlementOf(r);
  if (!s.setl_id) fail(`${r.jybh} reply has no 结算编号 yka103`);
  return s;
}

/** Fen of a line amount that may carry 4 decimals ("3.0000"). */
function fen4(o: XmlObject, k: string): number {
  return fen(o, k);
}

export function createChengduClient(o: ChengduClientOptions): ChengduClient {
  return new ChengduClient(o);
}
