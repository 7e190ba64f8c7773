// The canonical client of the Sichuan 城镇居民 2009 COM interface. Two-phase transactions (11, 12, 21, 41,
// 42) are Call → (HIS commits: onPending) → Confirm, or Cancel when the HIS fails; when the outcome of a
// Call or a Confirm is unknown (bridge crash/timeout, lost answer), 98 查询中心不确定交易 finds the
// call still pending at the center and it is confirmed (we hold its 交易验证码) or cancelled.
//   identify → 03   register/uploadVisit/uploadFees → kept locally (11 carries the whole bill)
//   presettle → 11 Call + Cancel (a trial: the 2009 list has no outpatient pre-settlement)
//   settle → 11 Call + Confirm   admit → 21 Call + Confirm   uploadInpatientFees → 31
//   inpatientPresettle → 44   discharge → kept locally (41 carries 出院日期/诊断)   inpatientSettle → 41 + Confirm
//   cancelSettle → 12 / 42 Call + Confirm   raw → any of 03…98
import type { Core } from '../../host-node/src/contract.js';
import type { Credential, FeeLine, FeeLineResult, Identity, InpatientSettleParams, Settlement, SettleParams } from '../../host-node/src/client.js';
import type { Institution } from '../contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { chinaDate, chinaTime, legacySettlement } from '../legacy/settlement.js';
import { decodeOutput, encodeInput, spec, type Fields, type Output } from './codec.js';
import type { CallOut, SiComInterface } from './transport.js';

export interface PendingCall {
  jybh: string;
  jylsh: string;
  jyyzm: string;
  /** the HIS visit number the call belongs to */
  his_no: string;
}

export interface SichuanComClientOptions {
  core: Core;
  com: SiComInterface;
  institution: Institution;
  /** 分中心编号 of the institution */
  yab003?: string;
  /**
   * Called after a two-phase Call succeeded and before Confirm: the HIS commits locally (journal). If it
   * throws, the call is cancelled and the error rethrown.
   */
  onPending?: (p: PendingCall) => Promise<void> | void;
  now?: () => Date;
  log?: (e: { kind: 'call' | 'confirm' | 'cancel' | 'resolve'; jybh?: string; jylsh?: string; detail?: string }) => void;
}

interface VisitState {
  his_no: string;
  aac001: string;
  scope: 'outpatient' | 'inpatient';
  akc190: string;
  med_type: string;
  dept: string;
  doctor: string;
  diag_code: string;
  lines: FeeLine[];
  end_date: string;
  end_diag: string;
}

const OUTCOME_UNKNOWN = new Set(['BRIDGE_TIMEOUT', 'BRIDGE_CRASHED', 'TRANSPORT_TIMEOUT', 'TRANSPORT_NETWORK']);

export class SichuanComClient {
  readonly core: Core;
  readonly region = 'sichuan-com';
  private readonly com: SiComInterface;
  private readonly inst: Institution;
  private readonly o: SichuanComClientOptions;
  private readonly visits = new Map<string, VisitState>();
  /** two-phase calls this client confirmed or is about to confirm (jylsh → jyyzm) */
  private readonly known = new Map<string, PendingCall>();
  /** names of identified persons (aac001 → 姓名), for the settlement record */
  private readonly names = new Map<string, string>();
  private seq = 0;

  constructor(o: SichuanComClientOptions) {
    this.core = o.core;
    this.com = o.com;
    this.inst = o.institution;
    this.o = o;
  }

  private text(b: Uint8Array): string {
    try {
      return this.core.gbk.decode(b);
    } catch {
      return `(${b.length} bytes, not GBK)`;
    }
  }

  private localId(): string {
    return `SC${chinaTime(this.o.now?.() ?? new Date()).replace(/\D/g, '')}${String(++this.seq).padStart(4, '0')}`;
  }

  async init(): Promise<void> {
    if (!this.com.needsInit()) return;
    const r = await this.com.init();
    if (r.appcode < 0) throw YibaoError.host('TRANSPORT_NETWORK', `sichuan-com Init: ${this.text(r.appmsg)}`);
  }

  /**
   * One Call. appcode < 0 is CENTER_ERROR (for a two-phase transaction the center may still hold it:
   * use resolveUncertain). Two-phase calls are returned UNCONFIRMED: confirm() or cancel() them.
   */
  async call(jybh: string, fields: Fields, rows: Fields[] = []): Promise<{ jylsh: string; jyyzm: string; output: Output; raw: CallOut }> {
    spec(jybh);
    await this.init();
    const r = await this.com.call(jybh, encodeInput(this.core, jybh, fields, rows));
    this.o.log?.({ kind: 'call', jybh, jylsh: r.jylsh, detail: `appcode ${r.appcode}` });
    if (r.appcode < 0) throw YibaoError.host('CENTER_ERROR', `sichuan-com ${jybh} ${spec(jybh).name}: ${this.text(r.appmsg) || `appcode ${r.appcode}`}`);
    return { jylsh: r.jylsh, jyyzm: r.jyyzm, output: decodeOutput(this.core, jybh, r.xml), raw: r };
  }

  async confirm(jylsh: string, jyyzm: string): Promise<void> {
    await this.init();
    const r = await this.com.confirm(jylsh, jyyzm);
    this.o.log?.({ kind: 'confirm', jylsh, detail: `appcode ${r.appcode}` });
    if (r.appcode < 0) throw YibaoError.host('CENTER_ERROR', `sichuan-com Confirm ${jylsh}: ${this.text(r.appmsg)}`);
  }

  async cancel(jylsh: string): Promise<void> {
    await this.init();
    const r = await this.com.cancel(jylsh);
    this.o.log?.({ kind: 'cancel', jylsh, detail: `appcode ${r.appcode}` });
    if (r.appcode < 0) throw YibaoError.host('CENTER_ERROR', `sichuan-com Cancel ${jylsh}: ${this.text(r.appmsg)}`);
  }

  /** 98 查询中心不确定交易 (all, or of one 交易编号). */
  async uncertain(jybh = ''): Promise<Record<string, string>[]> {
    const r = await this.call('98', { prm_jybh: jybh });
    return r.output.rows.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, String(v)])));
  }

  /**
   * Resolves what the center still holds as uncertain for `his_no` (or for `jylsh`): a call this client
   * knows the 交易验证码 of and wanted is confirmed; anything else of that visit is cancelled.
   * Returns what was done.
   */
  async resolveUncertain(o: { jybh: string; his_no?: string; jylsh?: string; want?: boolean }): Promise<{ jylsh: string; action: 'confirmed' | 'cancelled' }[]> {
    const rows = await this.uncertain(o.jybh);
    const mine = rows.filter((r) => (o.jylsh && r.jylsh === o.jylsh) || (o.his_no && r.ykc010 === o.his_no));
    const done: { jylsh: string; action: 'confirmed' | 'cancelled' }[] = [];
    for (const r of mine) {
      const k = this.known.get(r.jylsh!);
      if (k && o.want !== false) {
        await this.confirm(k.jylsh, k.jyyzm);
        done.push({ jylsh: k.jylsh, action: 'confirmed' });
      } else {
        await this.cancel(r.jylsh!);
        done.push({ jylsh: r.jylsh!, action: 'cancelled' });
      }
    }
    this.o.log?.({ kind: 'resolve', jybh: o.jybh, detail: JSON.stringify(done) });
    return done;
  }

  /**
   * Call → onPending → Confirm. A Call whose outcome is unknown is looked up with 98 (and cancelled: the
   * HIS did not commit); a Confirm whose outcome is unknown is repeated if 98 still lists the call.
   */
  async twoPhase(jybh: string, his_no: string, fields: Fields, rows: Fields[] = []): Promise<{ jylsh: string; output: Output }> {
    let r: Awaited<ReturnType<SichuanComClient['call']>>;
    try {
      r = await this.call(jybh, fields, rows);
    } catch (e) {
      const code = (e as YibaoError).code;
      if (!OUTCOME_UNKNOWN.has(code) && !(code === 'CENTER_ERROR' && /连接|网络|应答|缓冲/.test((e as Error).message))) throw e;
      // the center may hold the call: find it by our visit number and cancel it (nothing was committed here)
      const done = await this.resolveUncertain({ jybh, his_no, want: false }).catch(() => []);
      throw YibaoError.host(code === 'CENTER_ERROR' ? 'TRANSPORT_NETWORK' : (code as 'BRIDGE_CRASHED'), `sichuan-com ${jybh}: ${(e as Error).message}; 98 found ${done.length} uncertain call(s) of ${his_no}, cancelled: ${done.map((d) => d.jylsh).join(',') || 'none'}`, e);
    }
    const p: PendingCall = { jybh, jylsh: r.jylsh, jyyzm: r.jyyzm, his_no };
    this.known.set(r.jylsh, p);
    try {
      await this.o.onPending?.(p);
    } catch (e) {
      await this.cancel(r.jylsh);
      throw e;
    }
    try {
      await this.confirm(r.jylsh, r.jyyzm);
    } catch (e) {
      if (!OUTCOME_UNKNOWN.has((e as YibaoError).code)) throw e;
      // unknown: still pending at the center → confirm again; gone → it was confirmed
      const still = (await this.uncertain(jybh)).some((x) => x.jylsh === r.jylsh);
      if (still) await this.confirm(r.jylsh, r.jyyzm);
      this.o.log?.({ kind: 'resolve', jybh, jylsh: r.jylsh, detail: still ? 'confirmed again after an unknown outcome' : 'not uncertain any more: confirmed' });
    }
    return { jylsh: r.jylsh, output: r.output };
  }

  private visit(id: string): VisitState {
    const v = this.visits.get(id);
    if (!v) throw YibaoError.host('BAD_INPUT', `sichuan-com: unknown visit ${id} (register or admit it with this client first)`);
    return v;
  }

  private rows(lines: FeeLine[], v: VisitState): Fields[] {
    const amounts = this.core.classify({ fee_items: lines.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })) }).items;
    const now = chinaTime(this.o.now?.() ?? new Date());
    return lines.map((l, i) => ({
      yka105: l.feedetl_sn, yka002: l.med_list_codg, yka003: l.name ?? '', akc226: String(l.cnt), akc225: String(l.pric), yka315: amounts[i]!.det_item_fee_sumamt,
      yka097: v.dept, yka099: v.doctor, yke123: now,
    }));
  }

  private total(lines: FeeLine[]): number {
    return this.core.classify({ fee_items: lines.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: '14', chrgitm_lv: '01' })) }).totals.medfee_sumamt;
  }

  private settlement(out: Output, v: VisitState, jybh: string, setl_id: string | null, expectFen: number): Settlement {
    const f = out.fields;
    const n = (k: string) => Number(f[k] ?? 0);
    if (n('yka055') !== expectFen) throw YibaoError.host('BAD_REPLY', `sichuan-com ${jybh}: 医疗费总额 yka055 ${n('yka055')} fen ≠ the bill ${expectFen} fen`);
    return legacySettlement(
      { medfee: n('yka055'), hifp: n('yka107'), hifmi: n('yka432'), maf: n('yka434'), acct: n('yka065'), cash: n('akb067'), dedc: n('yka115'), inscp: n('yka111'), ful: n('yka056'), pre: n('yka057'), balc: n('akc087') },
      { setl_id, mdtrt_id: v.scope === 'inpatient' ? v.akc190 : v.his_no, psn_no: v.aac001, msgid: this.localId(), infno: jybh, region: this.region, extra: { psn_name: this.names.get(v.aac001) ?? '', insutype: '390', setl_time: f.aae036 ?? '' } },
    );
  }

  // ---- canonical operations -----------------------------------------------------------------

  /** 03 获取个人基本信息 (by 身份证号; the component reads the card itself on a real site [?]). */
  async identify(c: Credential, _insutype?: string): Promise<Identity> {
    const r = await this.call('03', { prm_aac002: c.mdtrt_cert_no, prm_yab003: this.o.yab003 ?? '' });
    const f = r.output.fields as Record<string, string>;
    if (!f.aac001) throw YibaoError.host('BAD_REPLY', 'sichuan-com 03 output has no prm_aac001');
    this.names.set(f.aac001, f.aac003 ?? '');
    if (f.ykc023 === '0') throw YibaoError.host('CENTER_ERROR', `sichuan-com 03: 参保人【${f.aac003}】待遇不能享受`);
    return {
      psn_no: f.aac001, psn_name: f.aac003 ?? '', certno: f.aac002 ?? '', psn_cert_type: '01', gend: f.aac004 ?? '', brdy: f.aac006 ?? '', insutype: '390', psn_type: f.akc021 ?? '',
      insuplc_admdvs: f.yab003 ?? '', cvlserv_flag: '0', balc: Number(r.output.fields.akc087 ?? 0), insuinfo: [{ insutype: '390', psn_type: f.akc021, yab003: f.yab003 }], raw: r.output.fields,
    };
  }

  async register(p: { psn_no: string; insutype: string; credential: Credential; ipt_otp_no: string; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string }): Promise<{ mdtrt_id: string; ipt_otp_no: string }> {
    this.visits.set(p.ipt_otp_no, { his_no: p.ipt_otp_no, aac001: p.psn_no, scope: 'outpatient', akc190: '', med_type: '11', dept: p.dept_name ?? '', doctor: p.dr_name ?? '', diag_code: '', lines: [], end_date: '', end_diag: '' });
    return { mdtrt_id: p.ipt_otp_no, ipt_otp_no: p.ipt_otp_no };
  }

  async uploadVisit(p: { mdtrt_id: string; psn_no: string; med_type: string; diagnoses: { code: string; name: string }[] }): Promise<void> {
    const v = this.visit(p.mdtrt_id);
    v.med_type = p.med_type || '11';
    v.diag_code = p.diagnoses[0]?.code ?? '';
  }

  async uploadFees(p: { mdtrt_id: string; psn_no: string; chrg_bchno?: string; lines: FeeLine[]; dept_name?: string; dr_name?: string }): Promise<FeeLineResult[]> {
    const v = this.visit(p.mdtrt_id);
    if (v.scope === 'inpatient') return this.uploadInpatientFees(p);
    v.lines.push(...p.lines);
    const amounts = this.core.classify({ fee_items: p.lines.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })) }).items;
    return p.lines.map((l, i) => ({ feedetl_sn: l.feedetl_sn, det_item_fee_sumamt: amounts[i]!.det_item_fee_sumamt, fulamt_ownpay_amt: 0, overlmt_amt: 0, preselfpay_amt: 0, inscp_scp_amt: 0, chrgitm_lv: '', med_chrgitm_type: l.med_chrgitm_type ?? '', selfpay_prop: '', pric_uplmt_amt: '' }));
  }

  private fields11(v: VisitState, total: number): Fields {
    return {
      prm_aac001: v.aac001, prm_yab003: this.o.yab003 ?? '', prm_aka130: v.med_type, prm_ykc010: v.his_no, prm_akc193: v.diag_code, prm_ykc011: v.dept, prm_hisfyze: total, prm_ykc141: this.inst.opter_name || this.inst.opter,
    };
  }

  /** A trial 11: Call, read the split, Cancel (nothing stays at the center). */
  async presettle(p: SettleParams): Promise<Settlement> {
    const v = this.visit(p.mdtrt_id);
    if (v.scope === 'inpatient') return this.inpatientPresettle(p);
    const total = this.total(v.lines);
    if (total !== p.medfee_sumamt) throw YibaoError.host('BAD_INPUT', `sichuan-com 11: medfee_sumamt ${p.medfee_sumamt} ≠ lines ${total}`);
    const r = await this.call('11', this.fields11(v, total), this.rows(v.lines, v));
    try {
      return this.settlement(r.output, v, '11', null, total);
    } finally {
      await this.cancel(r.jylsh);
    }
  }

  /** 11 Call + Confirm. */
  async settle(p: SettleParams, _pre?: Settlement): Promise<Settlement> {
    const v = this.visit(p.mdtrt_id);
    if (v.scope === 'inpatient') return this.inpatientSettle(p);
    const total = this.total(v.lines);
    if (total !== p.medfee_sumamt) throw YibaoError.host('BAD_INPUT', `sichuan-com 11: medfee_sumamt ${p.medfee_sumamt} ≠ lines ${total}`);
    const r = await this.twoPhase('11', v.his_no, this.fields11(v, total), this.rows(v.lines, v));
    v.akc190 = String(r.output.fields.akc190 ?? '');
    const yka103 = String(r.output.fields.yka103 ?? '');
    if (!yka103) throw YibaoError.host('BAD_REPLY', 'sichuan-com 11 output has no prm_yka103');
    return this.settlement(r.output, v, '11', yka103, total);
  }

  /** 21 入院办理 Call + Confirm → akc190. */
  async admit(p: { psn_no: string; insutype: string; credential: Credential; ipt_no: string; med_type?: string; begntime?: string; dept_code?: string; dept_name?: string; bed?: string; dr_code?: string; dr_name?: string; diagnoses: { code: string; name: string }[] }): Promise<{ mdtrt_id: string }> {
    const v: VisitState = { his_no: p.ipt_no, aac001: p.psn_no, scope: 'inpatient', akc190: '', med_type: p.med_type ?? '21', dept: p.dept_name ?? '', doctor: p.dr_name ?? '', diag_code: p.diagnoses[0]?.code ?? '', lines: [], end_date: '', end_diag: '' };
    const r = await this.twoPhase('21', v.his_no, {
      prm_aac001: v.aac001, prm_yab003: this.o.yab003 ?? '', prm_aka130: v.med_type, prm_ykc010: v.his_no, prm_akc192: (p.begntime ?? chinaDate(this.o.now?.() ?? new Date())).slice(0, 10),
      prm_akc193: v.diag_code, prm_ykc011: v.dept, prm_ykc012: p.bed ?? '', prm_ykc141: this.inst.opter_name || this.inst.opter,
    });
    v.akc190 = String(r.output.fields.akc190 ?? '');
    if (!v.akc190) throw YibaoError.host('BAD_REPLY', 'sichuan-com 21 output has no prm_akc190');
    this.visits.set(v.akc190, v);
    return { mdtrt_id: v.akc190 };
  }

  /** 31 住院消费明细写入 (the center's classification per row). */
  async uploadInpatientFees(p: { mdtrt_id: string; psn_no: string; lines: FeeLine[]; dept_name?: string; dr_name?: string }): Promise<FeeLineResult[]> {
    const v = this.visit(p.mdtrt_id);
    const r = await this.call('31', { prm_akc190: v.akc190, prm_aac001: v.aac001 }, this.rows(p.lines, v));
    if (r.output.rows.length !== p.lines.length) throw YibaoError.host('BAD_REPLY', `sichuan-com 31: sent ${p.lines.length} rows, the center answered ${r.output.rows.length}`);
    v.lines.push(...p.lines);
    return r.output.rows.map((x, i) => ({
      feedetl_sn: String(x.yka105 ?? p.lines[i]!.feedetl_sn), det_item_fee_sumamt: Number(x.yka315), fulamt_ownpay_amt: Number(x.yka056), overlmt_amt: 0, preselfpay_amt: Number(x.yka057),
      inscp_scp_amt: Number(x.yka111), chrgitm_lv: String(x.aka065), med_chrgitm_type: p.lines[i]!.med_chrgitm_type ?? '', selfpay_prop: String(x.yka096), pric_uplmt_amt: '',
    }));
  }

  /** 44 出院预结算. */
  async inpatientPresettle(p: InpatientSettleParams): Promise<Settlement> {
    const v = this.visit(p.mdtrt_id);
    const r = await this.call('44', { prm_akc190: v.akc190, prm_aac001: v.aac001, prm_hisfyze: p.medfee_sumamt });
    return this.settlement(r.output, v, '44', null, p.medfee_sumamt);
  }

  /** Kept locally: 41 出院结算 carries 出院日期 and 出院诊断. */
  async discharge(p: { mdtrt_id: string; psn_no: string; insutype: string; diagnoses: { code: string; name: string }[]; endtime?: string }): Promise<void> {
    const v = this.visit(p.mdtrt_id);
    v.end_date = (p.endtime ?? chinaDate(this.o.now?.() ?? new Date())).slice(0, 10);
    v.end_diag = p.diagnoses[0]?.code ?? '';
  }

  /** 41 出院结算 Call + Confirm. */
  async inpatientSettle(p: InpatientSettleParams): Promise<Settlement> {
    const v = this.visit(p.mdtrt_id);
    if (!v.end_date) throw YibaoError.host('BAD_INPUT', 'sichuan-com 41: discharge() first (出院日期)');
    const r = await this.twoPhase('41', v.his_no, {
      prm_akc190: v.akc190, prm_aac001: v.aac001, prm_akc194: v.end_date, prm_akc196: v.end_diag, prm_hisfyze: p.medfee_sumamt, prm_yka110: p.invono ?? '', prm_ykc141: this.inst.opter_name || this.inst.opter,
    });
    const yka103 = String(r.output.fields.yka103 ?? '');
    if (!yka103) throw YibaoError.host('BAD_REPLY', 'sichuan-com 41 output has no prm_yka103');
    return this.settlement(r.output, v, '41', yka103, p.medfee_sumamt);
  }

  /**
   * 11 (outpatient) / 41 (inpatient) Call WITHOUT Confirm, for the reliable client (plugins/sichuan-com/reliable.ts):
   * the call stays uncertain at the center until confirm(jylsh, jyyzm) or cancel(jylsh). Errors are those of call().
   */
  async settlePending(p: SettleParams): Promise<{ jybh: string; jylsh: string; jyyzm: string; his_no: string; settlement: Settlement }> {
    const v = this.visit(p.mdtrt_id);
    let jybh: string, fields: Fields, rows: Fields[] = [], total: number;
    if (v.scope === 'inpatient') {
      if (!v.end_date) throw YibaoError.host('BAD_INPUT', 'sichuan-com 41: discharge() first (出院日期)');
      jybh = '41';
      total = p.medfee_sumamt;
      fields = { prm_akc190: v.akc190, prm_aac001: v.aac001, prm_akc194: v.end_date, prm_akc196: v.end_diag, prm_hisfyze: p.medfee_sumamt, prm_yka110: '', prm_ykc141: this.inst.opter_name || this.inst.opter };
    } else {
      jybh = '11';
      total = this.total(v.lines);
      if (total !== p.medfee_sumamt) throw YibaoError.host('BAD_INPUT', `sichuan-com 11: medfee_sumamt ${p.medfee_sumamt} ≠ lines ${total}`);
      fields = this.fields11(v, total);
      rows = this.rows(v.lines, v);
    }
    const r = await this.call(jybh, fields, rows);
    this.known.set(r.jylsh, { jybh, jylsh: r.jylsh, jyyzm: r.jyyzm, his_no: v.his_no });
    if (jybh === '11') v.akc190 = String(r.output.fields.akc190 ?? '');
    const yka103 = String(r.output.fields.yka103 ?? '');
    if (!yka103) throw YibaoError.host('BAD_REPLY', `sichuan-com ${jybh} output has no prm_yka103`);
    return { jybh, jylsh: r.jylsh, jyyzm: r.jyyzm, his_no: v.his_no, settlement: this.settlement(r.output, v, jybh, yka103, total) };
  }

  /** 12 门诊结算退单 / 42 住院结算退单, Call + Confirm: the negative settlement (fen). */
  async cancelSettle(p: { setl_id: string; mdtrt_id: string; psn_no: string }): Promise<Settlement> {
    const v = this.visit(p.mdtrt_id);
    const jybh = v.scope === 'inpatient' ? '42' : '12';
    const r = await this.twoPhase(jybh, v.his_no, jybh === '42' ? { prm_akc190: v.akc190, prm_yka103: p.setl_id, prm_ykc141: this.inst.opter } : { prm_aac001: v.aac001, prm_yka103: p.setl_id, prm_ykc141: this.inst.opter });
    const f = r.output.fields;
    return this.settlement(r.output, v, jybh, String(f.yka103 ?? ''), Number(f.yka055 ?? 0));
  }

  async close(): Promise<void> {
    await this.com.close();
  }
}

export function createSichuanComClient(o: SichuanComClientOptions): SichuanComClient {
  return new SichuanComClient(o);
}
