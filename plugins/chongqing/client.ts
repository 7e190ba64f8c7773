// The canonical client of Chongqing 金保 V1.02: the same operations as the national Client (the flows in
// host-node/src/flows.ts drive both), mapped onto SiInterface pipe transactions:
//   identify → 01 (+13 for the account balance)   register/uploadVisit → 02 (门诊)   admit → 02 (住院)
//   uploadFees/uploadInpatientFees → 10 (clear stale) + 04 (≤10 items per call)   presettle → 06
//   settle/inpatientSettle → 05   discharge → 03 (出院日期 flag)   reverse/cancel… → 99   raw → 01–30, 99
import type { Core } from '../../host-node/src/contract.js';
import type { Credential, FeeLine, FeeLineResult, Identity, InpatientSettleParams, Settlement, SettleParams } from '../../host-node/src/client.js';
import type { Institution } from '../contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { chinaDate, fromIdNumber, legacySettlement } from '../legacy/settlement.js';
import { decodeReply, encodeRequest, spec, type Decoded, type Named } from './codec.js';
import type { SiInterface } from './transport.js';

export interface ChongqingClientOptions {
  core: Core;
  si: SiInterface;
  institution: Institution;
  /** HIS开发商编码 (05), from the center's vendor list */
  hisVendor?: string;
  now?: () => Date;
  log?: (e: { kind: 'request' | 'reply'; code: string; text: string }) => void;
}

interface VisitState {
  his_no: string;
  card_no: string;
  scope: 'outpatient' | 'inpatient';
  med_type: string;
  registered: boolean;
  cleared: boolean;
  /** items uploaded and not deleted (本次结算明细总条数) */
  count: number;
  /** Σ amounts uploaded (fen) */
  total: number;
  begin_date: string;
  end_date: string;
  dept_code: string;
  doctor_code: string;
  diagnosis: string;
  /** per-line classification from 04 (fen), for the settlement's ful/over/pre */
  ful: number;
  over: number;
  pre: number;
}

const INSUTYPE: Record<string, string> = { '1': '310', '2': '390', '3': '310' };

export class ChongqingClient {
  readonly core: Core;
  readonly region = 'chongqing';
  private readonly si: SiInterface;
  private readonly inst: Institution;
  private readonly vendor: string;
  private readonly now: () => Date;
  private readonly log?: ChongqingClientOptions['log'];
  private readonly visits = new Map<string, VisitState>();
  /** identified persons (card → name, insutype), for the settlement record */
  private readonly persons = new Map<string, { name: string; insutype: string }>();
  private seq = 0;

  constructor(o: ChongqingClientOptions) {
    this.core = o.core;
    this.si = o.si;
    this.inst = o.institution;
    this.vendor = o.hisVendor ?? 'YIBAO';
    this.now = o.now ?? (() => new Date());
    this.log = o.log;
  }

  private localId(): string {
    const t = new Date(this.now().getTime() + 8 * 3600 * 1000).toISOString().replace(/\D/g, '').slice(0, 14);
    return `CQ${t}${String(++this.seq).padStart(4, '0')}`;
  }

  /** INIT once per loaded library (again after the bridge restarted the vendor process). */
  async init(): Promise<void> {
    if (!this.si.needsInit()) return;
    const r = await this.si.init();
    if (r !== 0) throw YibaoError.host('TRANSPORT_NETWORK', `chongqing INIT returned ${r}: 医保前置机或网络不可用`);
  }

  /**
   * One BUSINESS_HANDLE with named fields (spec.ts). Returns the decoded reply whatever its 执行代码;
   * a return value ≠ 0 (system error) is TRANSPORT_NETWORK: for 05/99 the outcome is unknown.
   */
  async call(code: string, input: Named, items: Named[] = []): Promise<Decoded> {
    const bytes = encodeRequest(this.core, code, input, items);
    return this.exchange(code, bytes);
  }

  /** Raw access to any transaction 01–30 / 99 with positional fields (records after the code). */
  async raw(code: string, fields: string[], more: string[][] = []): Promise<Decoded> {
    spec(code);
    return this.exchange(code, this.core.codec.pipe.print([[code, ...fields], ...more]));
  }

  private async exchange(code: string, bytes: Uint8Array): Promise<Decoded> {
    await this.init();
    this.log?.({ kind: 'request', code, text: this.core.gbk.decode(bytes) });
    const r = await this.si.handle(bytes);
    if (r.ret !== 0) {
      let msg = '';
      try {
        msg = this.core.gbk.decode(r.output);
      } catch {
        msg = `(${r.output.length} bytes, not GBK)`;
      }
      throw YibaoError.host('TRANSPORT_NETWORK', `chongqing ${code} ${spec(code).name}: BUSINESS_HANDLE returned ${r.ret} ${msg}`.trim());
    }
    const d = decodeReply(this.core, code, r.output);
    this.log?.({ kind: 'reply', code, text: d.records.map((x) => x.join('|')).join('$') });
    return d;
  }

  /** call() that throws CENTER_ERROR unless 执行代码 is 1. */
  async callOk(code: string, input: Named, items: Named[] = []): Promise<Decoded> {
    const d = await this.call(code, input, items);
    if (!d.ok) throw YibaoError.host('CENTER_ERROR', `chongqing ${code} ${spec(code).name}: ${d.message}`);
    return d;
  }

  private visit(mdtrt_id: string): VisitState {
    const v = this.visits.get(mdtrt_id);
    if (!v) throw YibaoError.host('BAD_INPUT', `chongqing: unknown visit ${mdtrt_id} (register or admit it with this client first)`);
    return v;
  }

  // ---- canonical operations -----------------------------------------------------------------

  /** 01 获取人员基本信息 (+ 13 for the balance). The credential is the 社保卡号 or, before the card, the ID number. */
  async identify(c: Credential, insutype?: string): Promise<Identity> {
    const card_no = c.mdtrt_cert_no.trim();
    const r = await this.callOk('01', { card_no, insurance_kind: '1', injury_pid: '', injury_unit: '' });
    const f = r.fields as Record<string, string>;
    const acct = await this.callOk('13', { card_no, insurance_kind: '1' });
    const gend = f.gend === '男' || f.gend === '1' ? '1' : f.gend === '女' || f.gend === '2' ? '2' : '';
    const id = fromIdNumber(f.certno ?? '');
    const kind = INSUTYPE[f.insured_kind ?? ''] ?? '';
    if (insutype && kind && insutype !== kind) {
      // the person has one insurance in Chongqing: the HIS's wish does not change it
    }
    this.persons.set(card_no, { name: f.name ?? '', insutype: kind });
    if (f.block_state) throw YibaoError.host('CENTER_ERROR', `chongqing 01: 参保人待遇封锁（${f.block_state} ${f.block_reason ?? ''}）`.trim());
    return {
      psn_no: card_no, psn_name: f.name ?? '', certno: f.certno ?? '', psn_cert_type: '01', gend: gend || id.gend, brdy: id.brdy, insutype: kind,
      psn_type: f.psn_class ?? '', insuplc_admdvs: f.admdvs ?? '', cvlserv_flag: f.cvlserv === '1' ? '1' : '0', balc: Number(acct.fields.balance ?? 0),
      insuinfo: [{ insutype: kind, psn_type: f.psn_class ?? '', balc: acct.fields.balance ?? 0, insuplc_admdvs: f.admdvs ?? '' }], raw: { ...f, account: acct.fields },
    };
  }

  /** The 门诊号 becomes the visit key; 02 itself goes out with uploadVisit (it needs the 医疗类别). */
  async register(p: { psn_no: string; insutype: string; credential: Credential; ipt_otp_no: string; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string; caty?: string; begntime?: string }): Promise<{ mdtrt_id: string; ipt_otp_no: string }> {
    const his_no = p.ipt_otp_no.slice(0, 18);
    this.visits.set(his_no, this.newVisit(his_no, p.psn_no || p.credential.mdtrt_cert_no, 'outpatient', '11', p));
    return { mdtrt_id: his_no, ipt_otp_no: his_no };
  }

  private newVisit(his_no: string, card_no: string, scope: VisitState['scope'], med_type: string, p: { dept_code?: string; dr_code?: string; begntime?: string }): VisitState {
    return {
      his_no, card_no, scope, med_type, registered: false, cleared: false, count: 0, total: 0, begin_date: (p.begntime ?? '').slice(0, 10) || chinaDate(this.now()),
      end_date: '', dept_code: p.dept_code || 'A00', doctor_code: p.dr_code || '', diagnosis: '', ful: 0, over: 0, pre: 0,
    };
  }

  private async register02(v: VisitState): Promise<void> {
    await this.callOk('02', {
      his_no: v.his_no, med_type: v.med_type, card_no: v.card_no, dept_code: v.dept_code, doctor_code: v.doctor_code, begin_date: v.begin_date,
      diagnosis: v.diagnosis.slice(0, 20), operator: this.inst.opter, complication: '', er_to_ip_date: '', record_no: '', birth_cert: '', newborn_date: '',
      resident_med_type: '', insurance_kind: '1', injury_pid: '', injury_unit: '',
    });
    v.registered = true;
  }

  /** 02 就诊登记 (门诊) with the 医疗类别 and diagnosis. */
  async uploadVisit(p: { mdtrt_id: string; psn_no: string; med_type: string; diagnoses: { code: string; name: string }[]; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string }): Promise<void> {
    const v = this.visit(p.mdtrt_id);
    if (v.registered) return;
    v.med_type = p.med_type || '11';
    v.diagnosis = p.diagnoses[0]?.name ?? '';
    if (p.dept_code) v.dept_code = p.dept_code;
    if (p.dr_code) v.doctor_code = p.dr_code;
    await this.register02(v);
  }

  /** 10 (once per visit: clears items a crashed earlier attempt left) then 04 in batches of 10. */
  async uploadFees(p: { mdtrt_id: string; psn_no: string; chrg_bchno?: string; lines: FeeLine[]; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string }): Promise<FeeLineResult[]> {
    const v = this.visit(p.mdtrt_id);
    if (!v.registered) await this.register02(v);
    if (!v.cleared) {
      await this.callOk('10', { his_no: v.his_no, rx_no: v.his_no });
      v.cleared = true;
      v.count = 0;
      v.total = 0;
      v.ful = v.over = v.pre = 0;
    }
    const amounts = this.core.classify({ fee_items: p.lines.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })) }).items;
    const now = new Date(this.now().getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ');
    const results: FeeLineResult[] = [];
    for (let i = 0; i < p.lines.length; i += 10) {
      const batch = p.lines.slice(i, i + 10);
      const items: Named[] = batch.map((l, k) => ({
        rx_no: p.chrg_bchno || `${v.his_no}`.slice(-20), rx_time: now, item_code: l.med_list_codg, his_code: l.medins_list_codg ?? l.med_list_codg, item_name: l.name ?? l.med_list_codg,
        price: String(l.pric), qty: String(l.cnt), emergency: '0', doctor_name: p.dr_name || '医师', operator: this.inst.opter, unit: String(l.unit ?? '无'),
        spec: String(l.spec ?? '无'), dosage_form: String(l.dosform ?? '无'), reverse_serial: '', amount: amounts[i + k]!.det_item_fee_sumamt,
        dept_code: p.dept_code || v.dept_code, dept_name: p.dept_name || '科室', doctor_code: p.dr_code || v.doctor_code || 'D0000', dose: '', usage: '', period: '',
        insurance_kind: '1', to_selfpay: '',
      }));
      const r = await this.callOk('04', { his_no: v.his_no }, items);
      if (r.items.length !== batch.length) throw YibaoError.host('BAD_REPLY', `chongqing 04: sent ${batch.length} items, the center answered ${r.items.length}`);
      r.items.forEach((it, k) => {
        const sent = amounts[i + k]!.det_item_fee_sumamt;
        const amt = Number(it.amount);
        if (amt !== sent) throw YibaoError.host('BAD_REPLY', `chongqing 04: item ${batch[k]!.feedetl_sn} 项目费用总额 ${amt} fen ≠ sent ${sent} fen`);
        const own = Number(it.ownpay_amt), pre = Number(it.selfpay_amt);
        const lv = String(it.level);
        const ful = lv === '3' ? own : 0;
        const over = lv === '3' ? 0 : own;
        v.ful += ful;
        v.over += over;
        v.pre += pre;
        results.push({
          feedetl_sn: batch[k]!.feedetl_sn, det_item_fee_sumamt: amt, fulamt_ownpay_amt: ful, overlmt_amt: over, preselfpay_amt: pre, inscp_scp_amt: amt - own - pre,
          chrgitm_lv: `0${lv}`, med_chrgitm_type: batch[k]!.med_chrgitm_type ?? '', selfpay_prop: String(it.selfpay_ratio), pric_uplmt_amt: String(it.std_price),
        });
      });
      v.count += batch.length;
      v.total += batch.reduce((a, _l, k) => a + amounts[i + k]!.det_item_fee_sumamt, 0);
    }
    return results;
  }

  private bedDays(v: VisitState): string {
    if (v.scope !== 'inpatient') return '';
    const end = v.end_date || chinaDate(this.now());
    const days = Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${v.begin_date}T00:00:00Z`)) / 86400000);
    return String(Math.max(1, days));
  }

  private settlement(d: Decoded, v: VisitState, medfee: number, code: string, setl_id: string | null): Settlement {
    const f = d.fields as Record<string, number | string>;
    const n = (k: string) => Number(f[k] ?? 0);
    // 大额理赔 carries 大额 (职工) or 大病 (居民): reported as hifob
    return legacySettlement(
      {
        medfee, hifp: n('hifp_pay'), hifob: n('big_pay'), cvlserv: n('cvlserv_pay'), maf: n('civil_aid_pay'),
        oth: n('mdr_pay') + n('general_consult_pay') + n('shenhua_aid_pay') + n('pharmacy_service_pay') + n('cvlserv_dedc_return'),
        acct: n('acct_pay'), cash: n('cash_pay'), hosp_part: n('single_disease_advance'), dedc: n('dedc_pay'), inscp: n('inscp_amt'),
        ful: v.ful, over: v.over, pre: v.pre, balc: n('balance'),
      },
      { setl_id, mdtrt_id: v.his_no, psn_no: v.card_no, msgid: this.localId(), infno: code, region: this.region, extra: { psn_name: this.persons.get(v.card_no)?.name ?? '', insutype: this.persons.get(v.card_no)?.insutype ?? '', setl_time: f.center_time ?? '' } },
    );
  }

  private checkTotals(v: VisitState, medfee: number, what: string): void {
    if (medfee !== v.total) throw YibaoError.host('BAD_INPUT', `chongqing ${what}: medfee_sumamt ${medfee} fen ≠ uploaded items ${v.total} fen`);
  }

  /** 06 预结算 (no record at the center). */
  async presettle(p: SettleParams): Promise<Settlement> {
    const v = this.visit(p.mdtrt_id);
    this.checkTotals(v, p.medfee_sumamt, '06');
    const r = await this.callOk('06', {
      his_no: v.his_no, end_date: '', bed_days: this.bedDays(v), total: p.medfee_sumamt, acct_flag: p.acct_used_flag === '0' ? '1' : '0', count: String(v.count),
      insurance_kind: '1', injury_no: '', injury_disease: '', pneumoconiosis: '', out_dept_code: v.scope === 'inpatient' ? v.dept_code : '', out_doctor_code: v.scope === 'inpatient' ? v.doctor_code : '',
    });
    return this.settlement(r, v, p.medfee_sumamt, '06', null);
  }

  /** 05 结算 (money moves; a system error or a bridge failure leaves the outcome unknown). */
  async settle(p: SettleParams, _pre?: Settlement): Promise<Settlement> {
    const v = this.visit(p.mdtrt_id);
    this.checkTotals(v, p.medfee_sumamt, '05');
    const r = await this.callOk('05', {
      his_no: v.his_no, settle_kind: '0', bed_days: this.bedDays(v), operator: this.inst.opter, acct_flag: p.acct_used_flag === '0' ? '1' : '0', mid_end_date: '',
      total: p.medfee_sumamt, count: String(v.count), insurance_kind: '1', his_vendor: this.vendor, injury_no: '', injury_disease: '', pneumoconiosis: '',
      out_dept_code: v.scope === 'inpatient' ? v.dept_code : '', out_doctor_code: v.scope === 'inpatient' ? v.doctor_code : '',
    });
    const serial = String(r.fields.serial ?? '');
    if (!serial) throw YibaoError.host('BAD_REPLY', 'chongqing 05 reply has no 交易流水号');
    return this.settlement(r, v, p.medfee_sumamt, '05', serial);
  }

  /** 02 就诊登记 with 医疗类别 21 (住院). */
  async admit(p: { psn_no: string; insutype: string; credential: Credential; ipt_no: string; med_type?: string; begntime?: string; dept_code?: string; dept_name?: string; bed?: string; dr_code?: string; dr_name?: string; diagnoses: { code: string; name: string }[] }): Promise<{ mdtrt_id: string }> {
    const his_no = p.ipt_no.slice(0, 18);
    const v = this.newVisit(his_no, p.psn_no || p.credential.mdtrt_cert_no, 'inpatient', p.med_type ?? '21', p);
    v.diagnosis = p.diagnoses[0]?.name ?? '';
    this.visits.set(his_no, v);
    await this.register02(v);
    return { mdtrt_id: his_no };
  }

  uploadInpatientFees(p: { mdtrt_id: string; psn_no: string; lines: FeeLine[]; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string }): Promise<FeeLineResult[]> {
    return this.uploadFees(p);
  }

  inpatientPresettle(p: InpatientSettleParams): Promise<Settlement> {
    return this.presettle({ ...p, med_type: '21' });
  }

  /** 03 更新就诊信息: 出院日期 + 确诊疾病编码 + 出院原因 (flags 0000011100000000). */
  async discharge(p: { mdtrt_id: string; psn_no: string; insutype: string; diagnoses: { code: string; name: string }[]; endtime?: string; dscg_way?: string; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string }): Promise<void> {
    const v = this.visit(p.mdtrt_id);
    const end = (p.endtime ?? '').slice(0, 10) || chinaDate(this.now());
    await this.callOk('03', {
      his_no: v.his_no, update_flags: '0000011100000000', med_type: '', dept_code: '', doctor_code: '', begin_date: '', diagnosis: '', end_date: end,
      disease_code: p.diagnoses[0]?.code ?? '', discharge_reason: p.dscg_way === '2' ? '2' : '1', operator: this.inst.opter, complication: '', record_no: '',
      birth_cert: '', newborn_date: '', resident_med_type: '', insurance_kind: '1', transfer_to: '',
    });
    v.end_date = end;
  }

  inpatientSettle(p: InpatientSettleParams): Promise<Settlement> {
    return this.settle({ ...p, med_type: '21' });
  }

  /** 99 冲正 by 交易流水号: a settlement → the negative settlement (fen, negative amounts); else null. */
  async reverse(p: { serial: string; his_no: string; kind?: '0' | '1' }): Promise<{ serial: string | null; refund: Record<string, number | string> }> {
    const r = await this.callOk('99', { serial: p.serial, operator: this.inst.opter, his_no: p.his_no, reverse_kind: p.kind ?? '0', insurance_kind: '1' });
    return { serial: r.fields.serial ? String(r.fields.serial) : null, refund: r.fields };
  }

  /** 2208/2305 equivalent: 99 on the settlement's 交易流水号. */
  async cancelSettle(p: { setl_id: string; mdtrt_id: string; psn_no: string }): Promise<{ serial: string | null; refund: Record<string, number | string> }> {
    const r = await this.reverse({ serial: p.setl_id, his_no: p.mdtrt_id });
    const v = this.visits.get(p.mdtrt_id);
    if (v) v.cleared = false;
    return r;
  }

  /** 10 删除已上传未结算明细. */
  async cancelFees(p: { mdtrt_id: string }): Promise<void> {
    const v = this.visit(p.mdtrt_id);
    await this.callOk('10', { his_no: v.his_no, rx_no: v.his_no });
    v.count = 0;
    v.total = 0;
    v.ful = v.over = v.pre = 0;
  }

  async close(): Promise<void> {
    await this.si.close();
  }
}

export function createChongqingClient(o: ChongqingClientOptions): ChongqingClient {
  return new ChongqingClient(o);
}
