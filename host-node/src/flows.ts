// Whole canonical flows for one bill (seed 003 chapter 7), region-independent: the same bill settles
// through every region's plugin.
import type { Client, Credential, FeeLine, Identity, Settlement } from './client.js';
import { YibaoError } from './errors.js';

/** A bill as the HIS hands it over: the patient's credential and 2204-style fee lines. */
export interface Bill {
  mdtrt_cert_type: string;
  mdtrt_cert_no: string;
  card_sn?: string;
  /** chosen insurance type when the person has several (310 职工 / 390 居民) */
  insutype?: string;
  /** 11 普通门诊 (default outpatient), 21 普通住院 (default inpatient) */
  med_type?: string;
  /** HIS visit number (院内唯一); generated from the first fee line when absent */
  ipt_otp_no?: string;
  dept_code?: string;
  dept_name?: string;
  dr_code?: string;
  dr_name?: string;
  /** inpatient bed number */
  bed?: string;
  diagnoses?: { code: string; name: string }[];
  fee_items: FeeLine[];
  acct_used_flag?: string;
}

export interface FlowResult {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  setlinfo: Settlement['setlinfo'];
  setldetail: Settlement['setldetail'];
  presettle: Settlement['setlinfo'];
  person: Pick<Identity, 'psn_no' | 'insutype' | 'balc'>;
  msgids: Record<string, string>;
}

let visitSeq = 0;
/** A HIS visit number when the bill has none: time + process + sequence + random, unique across concurrent settlements. */
export function visitNo(prefix: string): string {
  visitSeq = (visitSeq + 1) % 10000;
  return `${prefix}${Date.now()}${String(process.pid % 1000).padStart(3, '0')}${String(visitSeq).padStart(4, '0')}${Math.floor(Math.random() * 100).toString().padStart(2, '0')}`;
}

const DEFAULT_DIAG = [{ code: 'J06.900', name: '急性上呼吸道感染' }];

/**
 * What the flows need of a client: the canonical operations only. The national `Client` has them, and so
 * does every legacy region's client (plugins/chongqing, plugins/nanping, plugins/sichuan-com, …), which
 * map them onto their own wire (pipe strings through a DLL, INI file exchange, COM calls).
 */
export type FlowClient = Pick<
  Client,
  'core' | 'identify' | 'register' | 'uploadVisit' | 'uploadFees' | 'presettle' | 'settle' | 'admit' | 'uploadInpatientFees' | 'inpatientPresettle' | 'discharge' | 'inpatientSettle'
>;

function credential(b: Bill): Credential {
  if (!b.mdtrt_cert_type || !b.mdtrt_cert_no) throw YibaoError.host('BAD_INPUT', 'bill needs mdtrt_cert_type and mdtrt_cert_no');
  if (!Array.isArray(b.fee_items) || b.fee_items.length === 0) throw YibaoError.host('BAD_INPUT', 'bill needs fee_items');
  return { mdtrt_cert_type: b.mdtrt_cert_type, mdtrt_cert_no: b.mdtrt_cert_no, card_sn: b.card_sn };
}

/** Sum of the line amounts in fen, computed exactly by the core. */
export function billTotal(client: Pick<Client, 'core'>, lines: FeeLine[]): number {
  const r = client.core.classify({
    fee_items: lines.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })),
  });
  return r.totals.medfee_sumamt;
}

/** identify → register → visit → fees → pre-settle → settle (1101 → 2201 → 2203 → 2204 → 2206 → 2207). */
export async function outpatientSettle(client: FlowClient, bill: Bill): Promise<FlowResult> {
  const cred = credential(bill);
  const person = await client.identify(cred, bill.insutype);
  const insutype = bill.insutype ?? person.insutype;
  const med_type = bill.med_type ?? '11';
  const ipt_otp_no = bill.ipt_otp_no ?? visitNo('MZ');
  const visit = { dept_code: bill.dept_code ?? 'A03', dept_name: bill.dept_name ?? '内科', dr_code: bill.dr_code ?? 'D0001', dr_name: bill.dr_name ?? '医师' };
  const { mdtrt_id } = await client.register({ psn_no: person.psn_no, insutype, credential: cred, ipt_otp_no, ...visit });
  await client.uploadVisit({ mdtrt_id, psn_no: person.psn_no, med_type, diagnoses: bill.diagnoses ?? DEFAULT_DIAG, ...visit });
  const chrg_bchno = `${ipt_otp_no}01`;
  await client.uploadFees({ mdtrt_id, psn_no: person.psn_no, chrg_bchno, lines: bill.fee_items, ...visit });
  const p = { psn_no: person.psn_no, mdtrt_id, insutype, med_type, credential: cred, medfee_sumamt: billTotal(client, bill.fee_items), chrg_bchno, acct_used_flag: bill.acct_used_flag ?? '1' };
  const pre = await client.presettle(p);
  const s = await client.settle(p, pre);
  return result(s, pre, person, { settle: s.msgid, presettle: pre.msgid });
}

/** identify → admit → fees → pre-settle → discharge → settle (1101 → 2401 → 2301 → 2303 → 2402 → 2304). */
export async function inpatientSettle(client: FlowClient, bill: Bill): Promise<FlowResult> {
  const cred = credential(bill);
  const person = await client.identify(cred, bill.insutype);
  const insutype = bill.insutype ?? person.insutype;
  const diagnoses = bill.diagnoses ?? [{ code: 'K35.800', name: '急性阑尾炎' }];
  const ipt_no = bill.ipt_otp_no ?? visitNo('ZY');
  const dept = { dept_code: bill.dept_code ?? 'A04', dept_name: bill.dept_name ?? '外科', dr_code: bill.dr_code ?? 'D0002', dr_name: bill.dr_name ?? '医师' };
  const { mdtrt_id } = await client.admit({ psn_no: person.psn_no, insutype, credential: cred, ipt_no, med_type: bill.med_type ?? '21', diagnoses, bed: bill.bed ?? '1', ...dept });
  await client.uploadInpatientFees({ mdtrt_id, psn_no: person.psn_no, lines: bill.fee_items, ...dept });
  const p = { psn_no: person.psn_no, mdtrt_id, insutype, credential: cred, medfee_sumamt: billTotal(client, bill.fee_items), acct_used_flag: bill.acct_used_flag ?? '1' };
  const pre = await client.inpatientPresettle(p);
  await client.discharge({ mdtrt_id, psn_no: person.psn_no, insutype, diagnoses, ...dept });
  const s = await client.inpatientSettle(p);
  return result(s, pre, person, { settle: s.msgid, presettle: pre.msgid });
}

function result(s: Settlement, pre: Settlement, person: Identity, msgids: Record<string, string>): FlowResult {
  // a pre-settlement that does not match the settlement to the fen is worth a loud warning
  return {
    setl_id: s.setl_id!,
    mdtrt_id: s.mdtrt_id,
    psn_no: s.psn_no,
    setlinfo: s.setlinfo,
    setldetail: s.setldetail,
    presettle: pre.setlinfo,
    person: { psn_no: person.psn_no, insutype: person.insutype, balc: person.balc },
    msgids,
  };
}
