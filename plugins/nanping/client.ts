// The canonical client of Nanping (福建巨龙 INI file exchange): the national operations the flows use,
// mapped onto the front-end's transactions:
//   identify → mzghsk 挂号刷卡          register → mzgh 门诊挂号        uploadVisit/uploadFees → kept locally
//   presettle → mzsfyjs (with the detail)   settle → mzsfsk + mzsf (Djlsh0 = setl_id)
//   admit → rydjsk + rydj   inpatientPresettle → zysfyjs   discharge → cydj   inpatientSettle → zysfsk + zysf
//   cancelSettle → mzsfcx / zysfcx (by Djlsh0)
// Every 收费/预结算 reply is checked against the request (item count, codes, amounts, total, split).
import type { Core } from '../../host-node/src/contract.js';
import type { Credential, FeeLine, FeeLineResult, Identity, InpatientSettleParams, Settlement, SettleParams } from '../../host-node/src/client.js';
import type { Institution } from '../contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { legacySettlement, chinaTime, fromIdNumber } from '../legacy/settlement.js';
import { checkReply, decodeReply, encodeRequest, type DetailItem, type NpReply } from './codec.js';
import type { FileExchange } from './exchange.js';
import { INVOICE_ITEMS, TRANSACTIONS } from './spec.js';

export interface NanpingClientOptions {
  core: Core;
  exchange: FileExchange;
  institution: Institution;
  /** login password of the front-end (UserID = institution.opter) */
  password?: string;
  /** write the credential as Pzhm00= on 刷卡 requests (sandbox extension; the real front-end reads the card) */
  credentialOnSwipe?: boolean;
  now?: () => Date;
}

interface VisitState {
  card: string;
  scope: 'outpatient' | 'inpatient';
  /** Mzlsh0 / Zylsh0 */
  id: string;
  ghlsh: string;
  bqbm: string;
  items: DetailItem[];
  credential: string;
}

export class NanpingClient {
  readonly core: Core;
  readonly region = 'nanping';
  private readonly ex: FileExchange;
  private readonly inst: Institution;
  private readonly o: NanpingClientOptions;
  private readonly visits = new Map<string, VisitState>();
  private loggedIn = false;
  private seq = 0;

  constructor(o: NanpingClientOptions) {
    this.core = o.core;
    this.ex = o.exchange;
    this.inst = o.institution;
    this.o = o;
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  private localId(): string {
    return `NP${chinaTime(this.now()).replace(/\D/g, '')}${String(++this.seq).padStart(4, '0')}`;
  }

  /** One transaction through the exchange folder; the reply whatever its Success. */
  async call(txName: string, values: Record<string, string>, items: DetailItem[] = [], extra: Record<string, string> = {}): Promise<NpReply> {
    const bytes = encodeRequest(this.core, txName, values, items, extra);
    return this.ex.exchange(txName, bytes, (b) => {
      const r = decodeReply(this.core, txName, b);
      checkReply(txName, r, items);
      return r;
    });
  }

  /** call() after login; Success≠TRUE is CENTER_ERROR with the front-end's Error text. */
  async callOk(txName: string, values: Record<string, string>, items: DetailItem[] = [], extra: Record<string, string> = {}): Promise<NpReply> {
    if (!this.loggedIn && txName !== 'login') await this.login();
    let r = await this.call(txName, values, items, extra);
    if (!r.success && /未登录|登录/.test(r.error) && txName !== 'login') {
      // the front-end restarted: it refused (nothing done), so logging in and repeating is safe
      this.loggedIn = false;
      await this.login();
      r = await this.call(txName, values, items, extra);
    }
    if (!r.success) throw YibaoError.host('CENTER_ERROR', `nanping ${txName} ${TRANSACTIONS[txName]!.name}: ${r.error || 'Success=FALSE'}`);
    return r;
  }

  async login(): Promise<void> {
    const r = await this.call('login', { UserID: this.inst.opter, Password: this.o.password ?? '' });
    if (!r.success) throw YibaoError.host('CENTER_ERROR', `nanping login: ${r.error}`);
    this.loggedIn = true;
  }

  private swipe(c: string): Record<string, string> {
    return this.o.credentialOnSwipe === false ? {} : { Pzhm00: c };
  }

  private visit(id: string): VisitState {
    const v = this.visits.get(id);
    if (!v) throw YibaoError.host('BAD_INPUT', `nanping: unknown visit ${id} (register or admit it with this client first)`);
    return v;
  }

  // ---- canonical operations -----------------------------------------------------------------

  /** mzghsk 挂号刷卡: the person on the card (Valid0=FALSE → CENTER_ERROR with Bnghyy). */
  async identify(c: Credential, _insutype?: string): Promise<Identity> {
    const r = await this.callOk('mzghsk', {}, [], this.swipe(c.mdtrt_cert_no));
    if (r.get('Valid0').toUpperCase() === 'FALSE') throw YibaoError.host('CENTER_ERROR', `nanping mzghsk: 不能挂号：${r.get('Bnghyy')}`);
    const certno = c.mdtrt_cert_type === '02' ? c.mdtrt_cert_no : '';
    const id = fromIdNumber(certno);
    const insutype = r.get('Gzztmc') === '居民' ? '390' : '310';
    const card = r.get('Cardno');
    if (!card) throw YibaoError.host('BAD_REPLY', 'nanping mzghsk reply has no Cardno');
    return {
      psn_no: card, psn_name: r.get('Xming0'), certno, psn_cert_type: certno ? '01' : '', gend: r.get('Xbie00') || id.gend, brdy: id.brdy, insutype,
      psn_type: r.get('Gzztmc'), insuplc_admdvs: '350700', cvlserv_flag: '0', balc: r.fen('Grzhye'),
      insuinfo: [{ insutype, balc: r.get('Grzhye'), ID0000: r.get('ID0000'), Dqmc00: r.get('Dqmc00'), Fzxmc0: r.get('Fzxmc0') }], raw: { ...r.keys, credential: c.mdtrt_cert_no },
    };
  }

  /** mzgh 门诊挂号 (挂号费 0): mdtrt_id = Mzlsh0. */
  async register(p: { psn_no: string; insutype: string; credential: Credential; ipt_otp_no: string; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string; caty?: string; begntime?: string }): Promise<{ mdtrt_id: string; ipt_otp_no: string }> {
    const r = await this.callOk('mzgh', { Cardno: p.psn_no, Ghksmc: p.dept_name || '门诊', Ghfy00: '0.00' });
    const id = r.get('Mzlsh0') || r.get('Ghlsh0');
    if (!id) throw YibaoError.host('BAD_REPLY', 'nanping mzgh reply has no Mzlsh0/Ghlsh0');
    this.visits.set(id, { card: p.psn_no, scope: 'outpatient', id, ghlsh: r.get('Ghlsh0'), bqbm: '', items: [], credential: p.credential.mdtrt_cert_no });
    return { mdtrt_id: id, ipt_otp_no: p.ipt_otp_no };
  }

  /** Kept locally: the 病种编码 goes out with 预结算/收费 as Bqbm00. */
  async uploadVisit(p: { mdtrt_id: string; psn_no: string; med_type: string; diagnoses: { code: string; name: string }[] }): Promise<void> {
    this.visit(p.mdtrt_id).bqbm = p.diagnoses[0]?.code ?? '';
  }

  private toItems(lines: FeeLine[], doctor: string | undefined): DetailItem[] {
    const amounts = this.core.classify({ fee_items: lines.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })) }).items;
    return lines.map((l, i) => ({
      code: l.med_list_codg, yb: 'Y', invoice: INVOICE_ITEMS[l.med_chrgitm_type ?? '14'] ?? '其他费', name: l.name ?? l.med_list_codg, spec: String(l.spec ?? ''), unit: String(l.unit ?? ''),
      price: String(l.pric), qty: String(l.cnt), amount: amounts[i]!.det_item_fee_sumamt, doctor: doctor ?? '',
    }));
  }

  /** Kept locally: Nanping sends the whole detail with every 预结算 / 收费 (10 lines per item). */
  async uploadFees(p: { mdtrt_id: string; psn_no: string; chrg_bchno?: string; lines: FeeLine[]; dr_name?: string }): Promise<FeeLineResult[]> {
    const v = this.visit(p.mdtrt_id);
    const items = this.toItems(p.lines, p.dr_name);
    v.items.push(...items);
    return items.map((it, i) => ({
      feedetl_sn: p.lines[i]!.feedetl_sn, det_item_fee_sumamt: it.amount, fulamt_ownpay_amt: 0, overlmt_amt: 0, preselfpay_amt: 0, inscp_scp_amt: 0, chrgitm_lv: '',
      med_chrgitm_type: p.lines[i]!.med_chrgitm_type ?? '', selfpay_prop: '', pric_uplmt_amt: '',
    }));
  }

  private total(v: VisitState, medfee: number, tx: string): void {
    const t = v.items.reduce((a, x) => a + x.amount, 0);
    if (t !== medfee) throw YibaoError.host('BAD_INPUT', `nanping ${tx}: medfee_sumamt ${medfee} fen ≠ items ${t} fen`);
  }

  private settlement(r: NpReply, v: VisitState, tx: string, setl_id: string | null): Settlement {
    return legacySettlement(
      { medfee: r.fen('Bcbxf0'), hifp: r.fen('Jjzfe0'), hifob: r.fen('sbzfje'), acct: r.fen('Zhzfe0'), cash: r.fen('Grzfe0'), balc: r.fen('Grzhye') },
      {
        setl_id, mdtrt_id: v.id, psn_no: v.card, msgid: this.localId(), infno: tx, region: this.region,
        extra: { psn_name: r.get('Xming0'), insutype: r.get('Gzztmc') === '居民' ? '390' : '310', setl_time: r.get('Sfrq00') ? `${r.get('Sfrq00').replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3')} ${r.get('Sfsj00').replace(/^(\d{2})(\d{2})$/, '$1:$2')}` : '', Dbgrzf: r.fen('Dbgrzf'), invoices: r.invoices },
      },
    );
  }

  private chargeValues(v: VisitState): Record<string, string> {
    const key = v.scope === 'inpatient' ? 'Zylsh0' : 'Mzlsh0';
    return { Cardno: v.card, [key]: v.id, Bqbm00: v.bqbm, Cfxms0: String(v.items.length) };
  }

  /** mzsfyjs 门诊预结算 (nothing recorded at the center). */
  async presettle(p: SettleParams): Promise<Settlement> {
    const v = this.visit(p.mdtrt_id);
    this.total(v, p.medfee_sumamt, 'mzsfyjs');
    const tx = v.scope === 'inpatient' ? 'zysfyjs' : 'mzsfyjs';
    return this.settlement(await this.callOk(tx, this.chargeValues(v), v.items), v, tx, null);
  }

  /** mzsfsk (the visit must be on the card) then mzsf 门诊收费: money moves; Djlsh0 is the settlement id. */
  async settle(p: SettleParams, _pre?: Settlement): Promise<Settlement> {
    const v = this.visit(p.mdtrt_id);
    this.total(v, p.medfee_sumamt, 'mzsf');
    const inpatient = v.scope === 'inpatient';
    const sk = await this.callOk(inpatient ? 'zysfsk' : 'mzsfsk', {}, [], this.swipe(v.credential));
    if (sk.get('Cardno') && sk.get('Cardno') !== v.card) throw YibaoError.host('CENTER_ERROR', `nanping: the card read (${sk.get('Cardno')}) is not the visit's card (${v.card})`);
    const ids = (inpatient ? sk.get('Zylsh0') : sk.get('Mzlsh0')).split(';').map((x) => x.trim());
    if (!ids.includes(v.id)) throw YibaoError.host('CENTER_ERROR', `nanping ${inpatient ? 'zysfsk' : 'mzsfsk'}: ${v.id} is not among the card's open visits (${ids.join(';') || 'none'})`);
    const tx = inpatient ? 'zysf' : 'mzsf';
    const r = await this.callOk(tx, this.chargeValues(v), v.items);
    const djlsh = r.get('Djlsh0');
    if (!djlsh) throw YibaoError.host('BAD_REPLY', `nanping ${tx} reply has no Djlsh0`);
    return this.settlement(r, v, tx, djlsh);
  }

  /** rydjsk (Valid0) then rydj 住院登记: mdtrt_id = Zylsh0. */
  async admit(p: { psn_no: string; insutype: string; credential: Credential; ipt_no: string; med_type?: string; begntime?: string; dept_code?: string; dept_name?: string; bed?: string; dr_code?: string; dr_name?: string; diagnoses: { code: string; name: string }[] }): Promise<{ mdtrt_id: string }> {
    const sk = await this.callOk('rydjsk', {}, [], this.swipe(p.credential.mdtrt_cert_no));
    if (sk.get('Valid0').toUpperCase() === 'FALSE') throw YibaoError.host('CENTER_ERROR', `nanping rydjsk: 不能入院登记：${sk.get('Bndjyy')}`);
    const t = (p.begntime ?? chinaTime(this.now())).replace(/\D/g, '');
    const r = await this.callOk('rydj', { Cardno: p.psn_no, Ryrq00: t.slice(0, 8), Rysj00: t.slice(8, 12), Ryksmc: p.dept_name || '住院部', Rylb00: '01' });
    const id = r.get('Zylsh0');
    if (!id) throw YibaoError.host('BAD_REPLY', 'nanping rydj reply has no Zylsh0');
    this.visits.set(id, { card: p.psn_no, scope: 'inpatient', id, ghlsh: '', bqbm: p.diagnoses[0]?.code ?? '', items: [], credential: p.credential.mdtrt_cert_no });
    return { mdtrt_id: id };
  }

  uploadInpatientFees(p: { mdtrt_id: string; psn_no: string; lines: FeeLine[]; dr_name?: string }): Promise<FeeLineResult[]> {
    return this.uploadFees(p);
  }

  inpatientPresettle(p: InpatientSettleParams): Promise<Settlement> {
    return this.presettle({ ...p, med_type: '21' });
  }

  /** cydj 出院登记. */
  async discharge(p: { mdtrt_id: string; psn_no: string; insutype: string; diagnoses: { code: string; name: string }[]; endtime?: string }): Promise<void> {
    const v = this.visit(p.mdtrt_id);
    const t = (p.endtime ?? chinaTime(this.now())).replace(/\D/g, '');
    await this.callOk('cydj', { Cardno: v.card, Zylsh0: v.id, Cyrq00: t.slice(0, 8), Cysj00: t.slice(8, 12), Cyzd00: p.diagnoses[0]?.name ?? '' });
  }

  inpatientSettle(p: InpatientSettleParams): Promise<Settlement> {
    return this.settle({ ...p, med_type: '21' });
  }

  /** mzsfcx / zysfcx 收费冲销 by the settlement's Djlsh0: the negative settlement (fen). */
  async cancelSettle(p: { setl_id: string; mdtrt_id: string; psn_no: string }): Promise<{ cxlsh: string; refund: Record<string, number> }> {
    const v = this.visit(p.mdtrt_id);
    const tx = v.scope === 'inpatient' ? 'zysfcx' : 'mzsfcx';
    const r = await this.callOk(tx, { Cardno: v.card, Cxdjh0: p.setl_id });
    return { cxlsh: r.get('Cxlsh0'), refund: { acct_pay: r.fen('Zhzfe0'), psn_cash_pay: r.fen('Grzfe0'), fund: r.fen('Jjzfe0'), big: r.fen('sbzfje'), medfee_sumamt: r.fen('Bcbxf0'), balc: r.fen('Grzhye') } };
  }
}

export function createNanpingClient(o: NanpingClientOptions): NanpingClient {
  return new NanpingClient(o);
}
