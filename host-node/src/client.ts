// The canonical client: one API for every region. It owns msgids, sign-in and the fen <-> yuan edge;
// the plugin owns the envelope; the transport owns the wire.
import type { Core, Setlinfo, SetldetailRow } from './contract.js';
import type { CanonicalOp, Institution, Plugin, Reply, Transport, WireRequest } from '../../plugins/contract.js';
import { YibaoError } from './errors.js';
import { memoryState, type StateStore } from './state.js';
import { fenToYuan, yuanToFen, yuanToken } from './money.js';
import { maskMessage } from './mask.js';
import { DecimalToken } from './json-text.js';

export interface ClientOptions {
  plugin: Plugin;
  transport: Transport;
  core: Core;
  institution: Institution;
  state?: StateStore;
  now?: () => Date;
  /** UTC offset of the center's clock in minutes (China: +480) */
  utcOffsetMinutes?: number;
  /** sign in again after this long (default 12 h) or when the center rejects the sign_no */
  signInTtlMs?: number;
  /** receives masked request/reply events */
  log?: (event: { kind: 'request' | 'reply' | 'signin'; infno: string; msgid: string; body?: unknown }) => void;
}

/** Options of one call. */
export interface CallOptions {
  /**
   * Called with the encoded request right before it goes on the wire (after sign-in), e.g. to journal its
   * msgid durably first (reliable.ts). If it throws, nothing is sent and the call rejects with that error.
   * When the center refuses the sign_no the call is repeated under a new msgid: the hook runs again for it.
   */
  beforeSend?: (req: WireRequest) => void | Promise<void>;
}

export interface CallResult extends Reply {
  infno: string;
  msgid: string;
  /** the reply body as received */
  text?: string;
}

/** Amount fields of setlinfo: fen inside yibao, yuan on the wire. */
export const SETLINFO_AMOUNTS = [
  'medfee_sumamt', 'fulamt_ownpay_amt', 'overlmt_selfpay', 'preselfpay_amt', 'inscp_scp_amt', 'act_pay_dedc', 'hifp_pay',
  'cvlserv_pay', 'hifes_pay', 'hifmi_pay', 'hifob_pay', 'maf_pay', 'oth_pay', 'fund_pay_sumamt', 'psn_part_amt', 'acct_pay',
  'psn_cash_pay', 'hosp_part_amt', 'balc', 'acct_mulaid_pay', 'hifdm_pay',
] as const;

export interface Settlement {
  setl_id: string | null;
  mdtrt_id: string;
  psn_no: string;
  /** msgid of the request (medins_setl_id) */
  msgid: string;
  infno: string;
  setlinfo: Setlinfo & Record<string, unknown>;
  setldetail: SetldetailRow[];
  warn_msg: string;
}

export interface Identity {
  psn_no: string;
  psn_name: string;
  certno: string;
  psn_cert_type: string;
  gend: string;
  brdy: string;
  insutype: string;
  psn_type: string;
  insuplc_admdvs: string;
  cvlserv_flag: string;
  /** account balance in fen (first insuinfo row of the chosen insutype) */
  balc: number;
  insuinfo: Record<string, unknown>[];
  raw: Record<string, unknown>;
}

export interface Credential {
  mdtrt_cert_type: string; // 01 电子凭证, 02 身份证, 03 社保卡
  mdtrt_cert_no: string;
  card_sn?: string;
  psn_cert_type?: string;
  certno?: string;
  psn_name?: string;
}

export interface FeeLine {
  feedetl_sn: string;
  med_list_codg: string;
  medins_list_codg?: string;
  name?: string;
  pric: string | number;
  cnt: string | number;
  /** when known locally; the center classifies anyway */
  med_chrgitm_type?: string;
  chrg_bchno?: string;
  fee_ocur_time?: string;
  hosp_appr_flag?: string;
  init_feedetl_sn?: string;
  [extra: string]: unknown;
}

export interface FeeLineResult {
  feedetl_sn: string;
  det_item_fee_sumamt: number;
  fulamt_ownpay_amt: number;
  overlmt_amt: number;
  preselfpay_amt: number;
  inscp_scp_amt: number;
  chrgitm_lv: string;
  med_chrgitm_type: string;
  selfpay_prop: string;
  pric_uplmt_amt: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export class Client {
  readonly plugin: Plugin;
  readonly core: Core;
  private readonly transport: Transport;
  private readonly inst: Institution;
  private readonly state: StateStore;
  private readonly now: () => Date;
  private readonly offsetMs: number;
  private readonly ttl: number;
  private readonly log?: ClientOptions['log'];
  private readonly region: string;
  /** 参保地区划 of the last identified person (needed on calls that carry psn_no) */
  insuplcAdmdvs = '';

  constructor(o: ClientOptions) {
    this.plugin = o.plugin;
    this.core = o.core;
    this.transport = o.transport;
    this.inst = o.institution;
    this.state = o.state ?? memoryState();
    this.now = o.now ?? (() => new Date());
    this.offsetMs = (o.utcOffsetMinutes ?? 480) * 60000;
    this.ttl = o.signInTtlMs ?? 12 * 3600 * 1000;
    this.log = o.log;
    this.region = o.plugin.manifest.id;
    if (!/^\S+$/.test(o.institution.fixmedins_code)) throw YibaoError.host('BAD_INPUT', 'institution.fixmedins_code');
  }

  // ---- envelope plumbing ------------------------------------------------------------------

  private local(d: Date) {
    const t = new Date(d.getTime() + this.offsetMs);
    return {
      stamp: `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}`,
      text: `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`,
      date: `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`,
    };
  }

  /** Local (center) time as yyyy-MM-dd HH:mm:ss. */
  timeText(d = this.now()): string {
    return this.local(d).text;
  }

  /** msgid = fixmedins_code + yyyyMMddHHmmss + 4-digit sequence, unique across processes sharing the state. */
  async nextMsgid(): Promise<{ msgid: string; infTime: string }> {
    for (let tries = 0; tries < 50; tries++) {
      const l = this.local(this.now());
      const seq = this.state.nextSeq(this.inst.fixmedins_code, l.stamp);
      if (seq !== null) return { msgid: `${this.inst.fixmedins_code}${l.stamp}${pad(seq, 4)}`, infTime: l.text };
      await new Promise((r) => setTimeout(r, 100)); // 9999 msgids used this second: wait for the next
    }
    throw YibaoError.host('STATE_ERROR', 'msgid sequence exhausted');
  }

  private async send(infno: string, input: unknown, signNo: string, opts?: CallOptions): Promise<CallResult> {
    const { msgid, infTime } = await this.nextMsgid();
    const req = this.plugin.encode(infno, input, { msgid, infTime, signNo, insuplcAdmdvs: this.insuplcAdmdvs, institution: this.inst });
    if (opts?.beforeSend) await opts.beforeSend(req);
    return this.exchange(req);
  }

  private async exchange(req: WireRequest): Promise<CallResult> {
    this.log?.({ kind: 'request', infno: req.infno, msgid: req.msgid, body: maskMessage(JSON.parse(req.body)) });
    const res = await this.transport.post(req);
    const reply = this.plugin.decode(res.body);
    this.log?.({ kind: 'reply', infno: req.infno, msgid: req.msgid, body: maskMessage(reply.raw) });
    return { ...reply, infno: req.infno, msgid: req.msgid, text: new TextDecoder().decode(res.body) };
  }

  /**
   * Builds the wire request of a transaction under a msgid chosen beforehand (offline queue, journal):
   * signs in when needed, or again with `renewSignIn` (after the center refused the sign_no). Sending the
   * same msgid with an identical body again is safe: the center answers with its stored reply.
   */
  async prepare(infno: string, input: unknown, ids: { msgid: string; infTime: string; insuplcAdmdvs?: string }, opts: { renewSignIn?: boolean } = {}): Promise<WireRequest> {
    let signNo = '';
    if (infno !== '9001') {
      if (opts.renewSignIn) this.state.dropSignIn(this.region, this.inst.opter);
      signNo = await this.signNo();
    }
    return this.plugin.encode(infno, input, { msgid: ids.msgid, infTime: ids.infTime, signNo, insuplcAdmdvs: ids.insuplcAdmdvs ?? this.insuplcAdmdvs, institution: this.inst });
  }

  /** Sends a prepared request unchanged (see prepare); the reply whatever its infcode. */
  sendPrepared(req: WireRequest): Promise<CallResult> {
    return this.exchange(req);
  }

  /** Signs in (9001) and caches the sign_no for this operator. */
  async signIn(): Promise<string> {
    const r = await this.send('9001', { signIn: { opter_no: this.inst.opter, mac: this.inst.mac ?? '', ip: this.inst.ip ?? '' } }, '');
    if (r.infcode !== 0) throw centerError(r);
    const out = (r.output.signinoutb ?? r.output) as Record<string, unknown>;
    const signNo = String(out.sign_no ?? '');
    if (!signNo) throw YibaoError.host('BAD_REPLY', '9001 reply has no sign_no');
    this.state.putSignIn(this.region, { opter: this.inst.opter, sign_no: signNo, sign_time: String(out.sign_time ?? ''), renew_after: this.now().getTime() + this.ttl });
    this.log?.({ kind: 'signin', infno: '9001', msgid: r.msgid });
    return signNo;
  }

  /** Signs out (9002) and forgets the cached sign_no. */
  async signOut(): Promise<void> {
    const s = this.state.getSignIn(this.region, this.inst.opter);
    if (!s) return;
    const r = await this.send('9002', { signOut: { sign_no: s.sign_no, opter_no: this.inst.opter } }, s.sign_no);
    this.state.dropSignIn(this.region, this.inst.opter);
    if (r.infcode !== 0) throw centerError(r);
  }

  private async signNo(): Promise<string> {
    const s = this.state.getSignIn(this.region, this.inst.opter);
    if (s && s.renew_after > this.now().getTime()) return s.sign_no;
    return this.signIn();
  }

  /**
   * Raw call of any transaction: signs in when needed; when the center rejects the sign_no the call is
   * repeated once after a new sign-in (the center refused it, so nothing was done). Returns the reply
   * whatever its infcode.
   */
  async call(infno: string, input: unknown, opts?: CallOptions): Promise<CallResult> {
    if (infno === '9001') return this.send(infno, input, '', opts);
    let r = await this.send(infno, input, await this.signNo(), opts);
    if (r.infcode !== 0 && /签到|sign_no|sign-in/i.test(r.err_msg)) {
      this.state.dropSignIn(this.region, this.inst.opter);
      r = await this.send(infno, input, await this.signIn(), opts);
    }
    return r;
  }

  /** call() that throws CENTER_ERROR unless infcode is 0. */
  async callOk(infno: string, input: unknown, opts?: CallOptions): Promise<CallResult> {
    const r = await this.call(infno, input, opts);
    if (r.infcode !== 0) throw centerError(r);
    return r;
  }

  /** Canonical op → the region's infno (A-variants where the region prefers them). */
  infno(op: CanonicalOp, hint?: string): string {
    return this.plugin.infnoFor(op, hint);
  }

  // ---- canonical operations -----------------------------------------------------------------

  /** 1101 人员基本信息获取 */
  async identify(c: Credential, insutype?: string): Promise<Identity> {
    this.insuplcAdmdvs = '';
    const r = await this.callOk(this.infno('identify'), {
      data: {
        mdtrt_cert_type: c.mdtrt_cert_type, mdtrt_cert_no: c.mdtrt_cert_no, card_sn: c.card_sn ?? '', begntime: '',
        psn_cert_type: c.psn_cert_type ?? '', certno: c.certno ?? '', psn_name: c.psn_name ?? '',
      },
    });
    const base = (r.output.baseinfo ?? {}) as Record<string, unknown>;
    const infoRaw = r.output.insuinfo;
    const insuinfo = (Array.isArray(infoRaw) ? infoRaw : infoRaw && typeof infoRaw === 'object' ? [infoRaw] : []) as Record<string, unknown>[];
    const chosen = insuinfo.find((x) => insutype && String(x.insutype) === insutype) ?? insuinfo[0] ?? {};
    const id: Identity = {
      psn_no: String(base.psn_no ?? ''),
      psn_name: String(base.psn_name ?? ''),
      certno: String(base.certno ?? ''),
      psn_cert_type: String(base.psn_cert_type ?? ''),
      gend: String(base.gend ?? ''),
      brdy: String(base.brdy ?? ''),
      insutype: String(chosen.insutype ?? ''),
      psn_type: String(chosen.psn_type ?? ''),
      insuplc_admdvs: String(chosen.insuplc_admdvs ?? chosen.insu_admdvs ?? ''),
      cvlserv_flag: String(chosen.cvlserv_flag ?? '0'),
      balc: yuanToFen(chosen.balc, 'insuinfo.balc'),
      insuinfo,
      raw: r.output,
    };
    if (!id.psn_no) throw YibaoError.host('BAD_REPLY', '1101 reply has no baseinfo.psn_no');
    this.insuplcAdmdvs = id.insuplc_admdvs;
    return id;
  }

  /** 2201 门诊挂号 → mdtrt_id */
  async register(p: { psn_no: string; insutype: string; credential: Credential; ipt_otp_no: string; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string; caty?: string; begntime?: string }): Promise<{ mdtrt_id: string; ipt_otp_no: string }> {
    const r = await this.callOk(this.infno('register'), {
      data: {
        psn_no: p.psn_no, insutype: p.insutype, begntime: p.begntime ?? this.timeText(), mdtrt_cert_type: p.credential.mdtrt_cert_type,
        mdtrt_cert_no: p.credential.mdtrt_cert_no, ipt_otp_no: p.ipt_otp_no, atddr_no: p.dr_code ?? '', dr_name: p.dr_name ?? '',
        dept_code: p.dept_code ?? '', dept_name: p.dept_name ?? '', caty: p.caty ?? p.dept_code ?? '',
      },
    });
    const d = (r.output.data ?? r.output) as Record<string, unknown>;
    return { mdtrt_id: String(d.mdtrt_id ?? ''), ipt_otp_no: String(d.ipt_otp_no ?? p.ipt_otp_no) };
  }

  /** 2202 门诊挂号撤销 */
  async cancelRegister(p: { psn_no: string; mdtrt_id: string; ipt_otp_no: string }): Promise<void> {
    await this.callOk(this.infno('cancelRegister'), { data: p });
  }

  /** 2203/2203A 门诊就诊信息上传 */
  async uploadVisit(p: { mdtrt_id: string; psn_no: string; med_type: string; diagnoses: { code: string; name: string }[]; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string; main_cond_dscr?: string }): Promise<void> {
    const now = this.timeText();
    await this.callOk(this.infno('uploadVisit'), {
      mdtrtinfo: {
        mdtrt_id: p.mdtrt_id, psn_no: p.psn_no, med_type: p.med_type, begntime: now, main_cond_dscr: p.main_cond_dscr ?? '',
        dise_codg: p.diagnoses[0]?.code ?? '', dise_name: p.diagnoses[0]?.name ?? '', birctrl_type: '', birctrl_matn_date: '',
      },
      diseinfo: p.diagnoses.map((d, i) => ({
        diag_type: '1', diag_srt_no: String(i + 1), diag_code: d.code, diag_name: d.name, diag_dept: p.dept_name ?? '',
        dise_dor_no: p.dr_code ?? '', dise_dor_name: p.dr_name ?? '', diag_time: now, vali_flag: '1',
      })),
    });
  }

  /** Wire form of fee lines (2204 / 2301 / pharmacy): amounts computed exactly by the core. */
  feedetail(lines: FeeLine[], ctx: { mdtrt_id?: string; psn_no: string; chrg_bchno?: string; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string }): Record<string, unknown>[] {
    const amounts = this.core.classify({
      fee_items: lines.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })),
    }).items;
    const now = this.timeText();
    return lines.map((l, i) => {
      const { name, med_chrgitm_type, ...rest } = l;
      void name;
      void med_chrgitm_type;
      return {
        ...rest,
        feedetl_sn: l.feedetl_sn, mdtrt_id: ctx.mdtrt_id ?? '', psn_no: ctx.psn_no, chrg_bchno: l.chrg_bchno ?? ctx.chrg_bchno ?? '1',
        dise_codg: '', rxno: '', rx_circ_flag: '0', fee_ocur_time: l.fee_ocur_time ?? now, med_list_codg: l.med_list_codg,
        medins_list_codg: l.medins_list_codg ?? l.med_list_codg, det_item_fee_sumamt: yuanToken(amounts[i].det_item_fee_sumamt),
        cnt: new DecimalToken(normDec(l.cnt)),
        pric: new DecimalToken(normDec(l.pric)),
        sin_dos_dscr: '', used_frqu_dscr: '', prd_days: '', medc_way_dscr: '', bilg_dept_codg: ctx.dept_code ?? '', bilg_dept_name: ctx.dept_name ?? '',
        bilg_dr_codg: ctx.dr_code ?? '', bilg_dr_name: ctx.dr_name ?? '', hosp_appr_flag: l.hosp_appr_flag ?? '0',
      };
    });
  }

  private lineResults(r: CallResult): FeeLineResult[] {
    const rows = (r.output.result ?? []) as Record<string, unknown>[];
    return rows.map((x) => ({
      feedetl_sn: String(x.feedetl_sn ?? ''),
      det_item_fee_sumamt: yuanToFen(x.det_item_fee_sumamt, 'det_item_fee_sumamt'),
      fulamt_ownpay_amt: yuanToFen(x.fulamt_ownpay_amt, 'fulamt_ownpay_amt'),
      overlmt_amt: yuanToFen(x.overlmt_amt, 'overlmt_amt'),
      preselfpay_amt: yuanToFen(x.preselfpay_amt, 'preselfpay_amt'),
      inscp_scp_amt: yuanToFen(x.inscp_scp_amt, 'inscp_scp_amt'),
      chrgitm_lv: String(x.chrgitm_lv ?? ''),
      med_chrgitm_type: String(x.med_chrgitm_type ?? ''),
      selfpay_prop: String(x.selfpay_prop ?? ''),
      pric_uplmt_amt: String(x.pric_uplmt_amt ?? ''),
    }));
  }

  /** 2204 门诊费用明细信息上传 → per-line classification by the center (fen) */
  async uploadFees(p: { mdtrt_id: string; psn_no: string; chrg_bchno: string; lines: FeeLine[]; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string }): Promise<FeeLineResult[]> {
    const r = await this.callOk(this.infno('uploadFees'), { feedetail: this.feedetail(p.lines, p) });
    return this.lineResults(r);
  }

  /** 2205 门诊费用明细信息撤销 */
  async cancelFees(p: { mdtrt_id: string; psn_no: string; chrg_bchno: string }): Promise<void> {
    await this.callOk(this.infno('cancelFees'), { data: { mdtrt_id: p.mdtrt_id, chrg_bchno: p.chrg_bchno, psn_no: p.psn_no } });
  }

  private settlement(r: CallResult, psn_no: string, mdtrt_id: string): Settlement {
    const info = (r.output.setlinfo ?? {}) as Record<string, unknown>;
    const setlinfo: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(info)) setlinfo[k] = v === null ? null : String(v);
    for (const k of SETLINFO_AMOUNTS) setlinfo[k] = yuanToFen(info[k], `setlinfo.${k}`);
    const rows = (r.output.setldetail ?? []) as Record<string, unknown>[];
    return {
      setl_id: info.setl_id === null || info.setl_id === undefined || info.setl_id === '' ? null : String(info.setl_id),
      mdtrt_id: String(info.mdtrt_id ?? mdtrt_id),
      psn_no: String(info.psn_no ?? psn_no),
      msgid: r.msgid,
      infno: r.infno,
      setlinfo: setlinfo as Setlinfo & Record<string, unknown>,
      setldetail: rows.map((x) => ({
        fund_pay_type: String(x.fund_pay_type ?? ''),
        fund_pay_type_name: String(x.fund_pay_type_name ?? ''),
        fund_payamt: yuanToFen(x.fund_payamt, 'setldetail.fund_payamt'),
        inscp_scp_amt: yuanToFen(x.inscp_scp_amt, 'setldetail.inscp_scp_amt'),
      })),
      warn_msg: r.warn_msg,
    };
  }

  private setlInput(p: SettleParams, pre?: Settlement): Record<string, unknown> {
    const data: Record<string, unknown> = {
      psn_no: p.psn_no, mdtrt_cert_type: p.credential.mdtrt_cert_type, mdtrt_cert_no: p.credential.mdtrt_cert_no,
      med_type: p.med_type, medfee_sumamt: yuanToken(p.medfee_sumamt), psn_setlway: p.psn_setlway ?? '01', mdtrt_id: p.mdtrt_id,
      chrg_bchno: p.chrg_bchno ?? '', insutype: p.insutype, acct_used_flag: p.acct_used_flag ?? '1',
    };
    if (pre) {
      data.invono = p.invono ?? '';
      data.fulamt_ownpay_amt = yuanToken(pre.setlinfo.fulamt_ownpay_amt);
      data.overlmt_selfpay = yuanToken(pre.setlinfo.overlmt_selfpay);
      data.preselfpay_amt = yuanToken(pre.setlinfo.preselfpay_amt);
      data.inscp_scp_amt = yuanToken(pre.setlinfo.inscp_scp_amt);
    }
    return { data };
  }

  /** 2206/2206A 门诊预结算 */
  async presettle(p: SettleParams): Promise<Settlement> {
    const r = await this.callOk(this.infno('presettle'), this.setlInput(p));
    return this.settlement(r, p.psn_no, p.mdtrt_id);
  }

  /**
   * 2207/2207A 门诊结算. Money moves: a transport error here leaves the outcome unknown; the caller
   * resolves it (query 5203 / 冲正 2601 with the returned msgid), see the reliability layer.
   */
  async settle(p: SettleParams, pre: Settlement, opts?: CallOptions): Promise<Settlement> {
    const r = await this.callOk(this.infno('settle'), this.setlInput(p, pre), opts);
    const s = this.settlement(r, p.psn_no, p.mdtrt_id);
    if (!s.setl_id) throw YibaoError.host('BAD_REPLY', `${r.infno} reply has no setl_id`);
    return s;
  }

  /** 2208 门诊结算撤销 → the negative settlement */
  async cancelSettle(p: { setl_id: string; mdtrt_id: string; psn_no: string }, opts?: CallOptions): Promise<Settlement> {
    const r = await this.callOk(this.infno('cancelSettle'), { data: p }, opts);
    return this.settlement(r, p.psn_no, p.mdtrt_id);
  }

  /** 2401 入院办理 → mdtrt_id */
  async admit(p: { psn_no: string; insutype: string; credential: Credential; ipt_no: string; med_type?: string; begntime?: string; dept_code?: string; dept_name?: string; bed?: string; dr_code?: string; dr_name?: string; diagnoses: { code: string; name: string }[] }): Promise<{ mdtrt_id: string }> {
    const begntime = p.begntime ?? this.timeText();
    const r = await this.callOk(this.infno('admit'), {
      mdtrtinfo: {
        psn_no: p.psn_no, insutype: p.insutype, coner_name: '', tel: '', begntime, mdtrt_cert_type: p.credential.mdtrt_cert_type,
        mdtrt_cert_no: p.credential.mdtrt_cert_no, med_type: p.med_type ?? '21', ipt_no: p.ipt_no, medrcdno: p.ipt_no,
        atddr_no: p.dr_code ?? '', chfpdr_name: p.dr_name ?? '', adm_diag_dscr: p.diagnoses[0]?.name ?? '', adm_dept_codg: p.dept_code ?? '',
        adm_dept_name: p.dept_name ?? '', adm_bed: p.bed ?? '', dscg_maindiag_code: p.diagnoses[0]?.code ?? '', dscg_maindiag_name: p.diagnoses[0]?.name ?? '',
        main_cond_dscr: '', dise_codg: p.diagnoses[0]?.code ?? '', dise_name: p.diagnoses[0]?.name ?? '', oprn_oprt_code: '', oprn_oprt_name: '',
        fpsc_no: '', matn_type: '', birctrl_type: '', latechb_flag: '', geso_val: '', fetts: '', fetus_cnt: '', pret_flag: '', birctrl_matn_date: '', dise_type_code: '',
      },
      diseinfo: p.diagnoses.map((d, i) => ({ psn_no: p.psn_no, diag_type: '1', maindiag_flag: i === 0 ? '1' : '0', diag_srt_no: String(i + 1), diag_code: d.code, diag_name: d.name, adm_cond: '', diag_dept: p.dept_name ?? '', dise_dor_no: p.dr_code ?? '', dise_dor_name: p.dr_name ?? '', diag_time: begntime })),
    });
    const d = (r.output.result ?? r.output.data ?? r.output) as Record<string, unknown>;
    const mdtrt_id = String(d.mdtrt_id ?? '');
    if (!mdtrt_id) throw YibaoError.host('BAD_REPLY', '2401 reply has no mdtrt_id');
    return { mdtrt_id };
  }

  /** 2301 住院费用明细上传 */
  async uploadInpatientFees(p: { mdtrt_id: string; psn_no: string; lines: FeeLine[]; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string }): Promise<FeeLineResult[]> {
    const r = await this.callOk(this.infno('uploadInpatientFees'), { feedetail: this.feedetail(p.lines, p) });
    return this.lineResults(r);
  }

  /** 2302 住院费用明细撤销 (feedetl_sn "0000" = all) */
  async cancelInpatientFees(p: { mdtrt_id: string; psn_no: string; feedetl_sn?: string }): Promise<void> {
    await this.callOk(this.infno('cancelInpatientFees'), { data: { feedetl_sn: p.feedetl_sn ?? '0000', mdtrt_id: p.mdtrt_id, psn_no: p.psn_no } });
  }

  private inpatientSetlInput(p: InpatientSettleParams): Record<string, unknown> {
    return {
      data: {
        psn_no: p.psn_no, mdtrt_cert_type: p.credential.mdtrt_cert_type, mdtrt_cert_no: p.credential.mdtrt_cert_no, medfee_sumamt: yuanToken(p.medfee_sumamt),
        psn_setlway: p.psn_setlway ?? '01', mdtrt_id: p.mdtrt_id, insutype: p.insutype, acct_used_flag: p.acct_used_flag ?? '1', mid_setl_flag: '0', invono: p.invono ?? '',
      },
    };
  }

  /** 2303/2303A 住院预结算 */
  async inpatientPresettle(p: InpatientSettleParams): Promise<Settlement> {
    return this.settlement(await this.callOk(this.infno('inpatientPresettle'), this.inpatientSetlInput(p)), p.psn_no, p.mdtrt_id);
  }

  /** 2402 出院办理 */
  async discharge(p: { mdtrt_id: string; psn_no: string; insutype: string; diagnoses: { code: string; name: string }[]; endtime?: string; dscg_way?: string; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string }): Promise<void> {
    const endtime = p.endtime ?? this.timeText();
    await this.callOk(this.infno('discharge'), {
      dscginfo: { mdtrt_id: p.mdtrt_id, psn_no: p.psn_no, insutype: p.insutype, endtime, dise_codg: p.diagnoses[0]?.code ?? '', dise_name: p.diagnoses[0]?.name ?? '', oprn_oprt_code: '', oprn_oprt_name: '', fpsc_no: '', matn_type: '', birctrl_type: '', latechb_flag: '', geso_val: '', fetts: '', fetus_cnt: '', pret_flag: '', birctrl_matn_date: '', cop_flag: '', dscg_dept_codg: p.dept_code ?? '', dscg_dept_name: p.dept_name ?? '', dscg_bed: '', dscg_way: p.dscg_way ?? '1', die_date: '' },
      diseinfo: p.diagnoses.map((d, i) => ({ mdtrt_id: p.mdtrt_id, psn_no: p.psn_no, diag_type: '1', maindiag_flag: i === 0 ? '1' : '0', diag_srt_no: String(i + 1), diag_code: d.code, diag_name: d.name, diag_dept: p.dept_name ?? '', dise_dor_no: p.dr_code ?? '', dise_dor_name: p.dr_name ?? '', diag_time: endtime })),
    });
  }

  /** 2304/2304A 住院结算 (money moves) */
  async inpatientSettle(p: InpatientSettleParams, opts?: CallOptions): Promise<Settlement> {
    const s = this.settlement(await this.callOk(this.infno('inpatientSettle'), this.inpatientSetlInput(p), opts), p.psn_no, p.mdtrt_id);
    if (!s.setl_id) throw YibaoError.host('BAD_REPLY', 'inpatient settlement reply has no setl_id');
    return s;
  }

  /** 2305 住院结算撤销 */
  async cancelInpatientSettle(p: { setl_id: string; mdtrt_id: string; psn_no: string }, opts?: CallOptions): Promise<Settlement> {
    return this.settlement(await this.callOk(this.infno('cancelInpatientSettle'), { data: p }, opts), p.psn_no, p.mdtrt_id);
  }

  /** 2405 出院撤销 */
  async cancelDischarge(p: { mdtrt_id: string; psn_no: string }): Promise<void> {
    await this.callOk(this.infno('cancelDischarge'), { data: p });
  }

  /** 2404 入院撤销 */
  async cancelAdmission(p: { mdtrt_id: string; psn_no: string }): Promise<void> {
    await this.callOk(this.infno('cancelAdmission'), { data: p });
  }

  /** 2101/2101A 药店预结算 and 2102/2102A 药店结算 share one input: the drugs and the totals */
  private pharmacyInput(p: PharmacyParams, pre?: Settlement): Record<string, unknown> {
    const lines = this.feedetail(p.lines, { psn_no: p.psn_no, chrg_bchno: p.chrg_bchno });
    const data: Record<string, unknown> = {
      psn_no: p.psn_no, mdtrt_cert_type: p.credential.mdtrt_cert_type, mdtrt_cert_no: p.credential.mdtrt_cert_no, begntime: this.timeText(),
      medfee_sumamt: yuanToken(p.medfee_sumamt), insutype: p.insutype, med_type: p.med_type ?? '41', psn_setlway: '01', acct_used_flag: p.acct_used_flag ?? '1',
      chrg_bchno: p.chrg_bchno, ipt_otp_no: p.chrg_bchno, atddr_no: '', dr_name: '', dept_code: '', dept_name: '', caty: '',
    };
    if (pre) {
      data.mdtrt_id = pre.mdtrt_id;
      data.fulamt_ownpay_amt = yuanToken(pre.setlinfo.fulamt_ownpay_amt);
      data.overlmt_selfpay = yuanToken(pre.setlinfo.overlmt_selfpay);
      data.preselfpay_amt = yuanToken(pre.setlinfo.preselfpay_amt);
      data.inscp_scp_amt = yuanToken(pre.setlinfo.inscp_scp_amt);
    }
    return { data, feedetail: lines };
  }

  async pharmacyPresettle(p: PharmacyParams): Promise<Settlement> {
    return this.settlement(await this.callOk(this.infno('pharmacyPresettle'), this.pharmacyInput(p)), p.psn_no, '');
  }

  async pharmacySettle(p: PharmacyParams, pre: Settlement): Promise<Settlement> {
    const s = this.settlement(await this.callOk(this.infno('pharmacySettle'), this.pharmacyInput(p, pre)), p.psn_no, pre.mdtrt_id);
    if (!s.setl_id) throw YibaoError.host('BAD_REPLY', 'pharmacy settlement reply has no setl_id');
    return s;
  }

  /** 2103 药店结算撤销 */
  async pharmacyCancel(p: { setl_id: string; psn_no: string; mdtrt_id?: string }): Promise<Settlement> {
    return this.settlement(await this.callOk(this.infno('pharmacyCancel'), { data: { setl_id: p.setl_id, psn_no: p.psn_no, mdtrt_id: p.mdtrt_id ?? '' } }), p.psn_no, p.mdtrt_id ?? '');
  }

  /**
   * Any canonical operation by name: the region's infno, the input as given (amount fields in fen are
   * written as yuan), the output with every amount field in fen. Covers 1201, 1901, 2001, filings
   * 2501–2506, 4101/4101A, queries 5201–5206 / 5301–5304, the regional S/Z transactions ...
   */
  async invoke(op: CanonicalOp, input: unknown, hint?: string): Promise<{ infno: string; msgid: string; output: Record<string, unknown>; warn_msg: string }> {
    const r = await this.callOk(this.infno(op, hint), amountsToWire(input));
    return { infno: r.infno, msgid: r.msgid, output: amountsToFen(r.output) as Record<string, unknown>, warn_msg: r.warn_msg };
  }

  /** 1201 医药机构信息获取 */
  institutionInfo(p: { fixmedins_type?: string; fixmedins_name?: string; fixmedins_code?: string } = {}) {
    return this.invoke('institutionInfo', { medinsinfo: { fixmedins_type: p.fixmedins_type ?? '1', fixmedins_name: p.fixmedins_name ?? '', fixmedins_code: p.fixmedins_code ?? this.inst.fixmedins_code } });
  }

  /** 1901 字典表查询 */
  dictionary(type: string, parentValue = '') {
    return this.invoke('dictionary', { data: { type, parentValue, admdvs: this.inst.mdtrtarea_admvs, date: this.timeText().slice(0, 10), vali_flag: '1' } });
  }

  /** 2001 人员待遇享受检查 */
  treatmentCheck(p: { psn_no: string; insutype: string; med_type: string; begntime?: string; fixmedins_code?: string }) {
    return this.invoke('treatmentCheck', { data: { ...p, begntime: p.begntime ?? this.timeText(), fixmedins_code: p.fixmedins_code ?? this.inst.fixmedins_code } });
  }

  /** 5203 结算信息查询 (amounts in fen) */
  querySettlement(p: { psn_no: string; setl_id: string; mdtrt_id?: string }) {
    return this.invoke('querySettlements', { data: { psn_no: p.psn_no, setl_id: p.setl_id, mdtrt_id: p.mdtrt_id ?? '' } });
  }

  /** 5204 费用明细查询 */
  queryFeeDetails(p: { psn_no: string; setl_id: string; mdtrt_id: string }) {
    return this.invoke('queryFeeDetails', { data: p });
  }

  /** 5206 人员累计信息查询 */
  queryAccumulators(p: { psn_no: string; cum_ym?: string }) {
    return this.invoke('queryAccumulators', { data: { psn_no: p.psn_no, cum_ym: p.cum_ym ?? this.timeText().slice(0, 7).replace('-', '') } });
  }

  /** 3202 医药机构费用结算对明细账: uploads the detail file (9101) then asks for the comparison */
  async reconcileDetails(p: { file: { name: string; bytes: Uint8Array }; setl_optins: string; stmt_begndate: string; stmt_enddate: string; clr_type: string; insutype?: string; medfee_sumamt: number; fund_pay_sumamt: number; cash_payamt?: number; fixmedins_setl_cnt: number }) {
    const up = await this.upload(p.file.name, p.file.bytes);
    const { file, ...rest } = p;
    void file;
    return this.invoke('reconcileDetails', { data: { ...rest, file_qury_no: up.file_qury_no } });
  }

  /** 2601 冲正: undoes the transaction sent with omsgid (its infno oinfno) */
  async reverse(p: { psn_no: string; omsgid: string; oinfno: string }, opts?: CallOptions): Promise<CallResult> {
    return this.callOk(this.infno('reverse'), { data: p }, opts);
  }

  /** 3201 医药机构费用结算对总账; amounts in fen */
  async reconcileTotals(p: { insutype: string; clr_type: string; setl_optins: string; stmt_begndate: string; stmt_enddate: string; medfee_sumamt: number; fund_pay_sumamt: number; acct_pay: number; fixmedins_setl_cnt: number }): Promise<{ stmt_rslt: string; stmt_rslt_dscr: string; raw: Record<string, unknown> }> {
    const r = await this.callOk(this.infno('reconcileTotals'), {
      data: { ...p, medfee_sumamt: yuanToken(p.medfee_sumamt), fund_pay_sumamt: yuanToken(p.fund_pay_sumamt), acct_pay: yuanToken(p.acct_pay), fixmedins_setl_cnt: String(p.fixmedins_setl_cnt) },
    });
    const s = (r.output.stmtinfo ?? r.output) as Record<string, unknown>;
    return { stmt_rslt: String(s.stmt_rslt ?? ''), stmt_rslt_dscr: String(s.stmt_rslt_dscr ?? ''), raw: r.output };
  }

  /** 9102 文件下载 → file bytes */
  async download(fileQuryNo: string, filename: string, onProgress?: (received: number, total: number | null) => void): Promise<Uint8Array> {
    if (!this.transport.download) throw YibaoError.host('NOT_SUPPORTED', 'transport has no download');
    const signNo = await this.signNo();
    const { msgid, infTime } = await this.nextMsgid();
    const req = this.plugin.encode(this.infno('fileDownload'), { fsDownloadIn: { file_qury_no: fileQuryNo, filename, fixmedins_code: this.inst.fixmedins_code } }, { msgid, infTime, signNo, insuplcAdmdvs: '', institution: this.inst });
    const res = await this.transport.download(req, onProgress);
    if (res.kind === 'file') return res.bytes;
    const reply = this.plugin.decode(res.body);
    throw centerError({ ...reply, infno: req.infno, msgid });
  }

  /** 9101 文件上传 → file_qury_no */
  async upload(name: string, bytes: Uint8Array): Promise<{ file_qury_no: string; filename: string }> {
    if (!this.transport.upload) throw YibaoError.host('NOT_SUPPORTED', 'transport has no upload');
    const signNo = await this.signNo();
    const { msgid, infTime } = await this.nextMsgid();
    const req = this.plugin.encode(this.infno('fileUpload'), { fsUploadIn: { filename: name, fixmedins_code: this.inst.fixmedins_code } }, { msgid, infTime, signNo, insuplcAdmdvs: '', institution: this.inst });
    const res = await this.transport.upload(req, { name, bytes });
    const reply = this.plugin.decode(res.body);
    if (reply.infcode !== 0) throw centerError({ ...reply, infno: req.infno, msgid });
    const out = reply.output as Record<string, unknown>;
    return { file_qury_no: String(out.file_qury_no ?? ''), filename: String(out.filename ?? name) };
  }
}

export interface SettleParams {
  psn_no: string;
  mdtrt_id: string;
  insutype: string;
  med_type: string;
  credential: Credential;
  /** fen */
  medfee_sumamt: number;
  chrg_bchno?: string;
  acct_used_flag?: string;
  psn_setlway?: string;
  invono?: string;
}

export interface InpatientSettleParams {
  psn_no: string;
  mdtrt_id: string;
  insutype: string;
  credential: Credential;
  medfee_sumamt: number;
  acct_used_flag?: string;
  psn_setlway?: string;
  invono?: string;
}

export interface PharmacyParams {
  psn_no: string;
  insutype: string;
  credential: Credential;
  chrg_bchno: string;
  lines: FeeLine[];
  medfee_sumamt: number;
  med_type?: string;
  acct_used_flag?: string;
}

function normDec(v: string | number): string {
  const s = String(v).trim();
  if (!/^-?\d+(\.\d+)?$/.test(s)) throw YibaoError.host('BAD_INPUT', `"${s}" is not a decimal`);
  return s.replace(/^(-?)0+(?=\d)/, '$1');
}

const AMOUNT_KEYS = new Set<string>([...SETLINFO_AMOUNTS, 'fund_payamt', 'crt_payb_lmt_amt', 'det_item_fee_sumamt', 'overlmt_amt', 'cash_payamt', 'cum', 'balc']);

/** Output walk: amount fields (yuan text from the center) -> fen. */
export function amountsToFen(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => amountsToFen(x, key));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, amountsToFen(x, k)]));
  if (AMOUNT_KEYS.has(key) && (typeof v === 'string' || typeof v === 'number') && /^-?\d+(\.\d+)?$/.test(String(v))) return yuanToFen(v, key);
  return v;
}

/** Input walk: amount fields given in fen (integers) -> yuan number tokens. */
export function amountsToWire(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => amountsToWire(x, key));
  if (v instanceof DecimalToken) return v;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, amountsToWire(x, k)]));
  if (AMOUNT_KEYS.has(key) && typeof v === 'number' && Number.isSafeInteger(v)) return yuanToken(v);
  return v;
}

export function centerError(r: CallResult): YibaoError {
  return YibaoError.host('CENTER_ERROR', `${r.infno} ${r.msgid}: infcode ${r.infcode} ${r.err_msg}`.trim());
}

export function createClient(o: ClientOptions): Client {
  return new Client(o);
}

export { fenToYuan };
