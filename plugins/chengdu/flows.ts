// Whole flows for one bill in Chengdu, the same bill file as the national flows (host-node/src/flows.ts):
//   outpatient: 03 → 110 → 111 → 11   (each state-changing step confirmed; 11 after the HIS commit)
//   inpatient:  03 → 21 → 41 → 52 print=1 (预结算单) → 25 → 52
// The result has the national FlowResult shape (fen), so the CLI and slips work unchanged.
import type { Bill, FlowResult } from '../../host-node/src/flows.js';
import type { Settlement } from '../../host-node/src/client.js';
import { YibaoError } from '../../host-node/src/errors.js';
import type { ChengduClient, Commit } from './client.js';

export interface ChengduFlowOptions {
  /** the HIS commit between the center's settlement and yh_interface_confirm (throw to cancel) */
  commit?: Commit<Settlement>;
}

function check(b: Bill): void {
  if (!b.mdtrt_cert_type || !b.mdtrt_cert_no) throw YibaoError.host('BAD_INPUT', 'bill needs mdtrt_cert_type and mdtrt_cert_no');
  if (!Array.isArray(b.fee_items) || b.fee_items.length === 0) throw YibaoError.host('BAD_INPUT', 'bill needs fee_items');
}

function total(client: ChengduClient, b: Bill): number {
  return client.core.classify({
    fee_items: b.fee_items.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })),
  }).totals.medfee_sumamt;
}

function result(s: Settlement, pre: Settlement, person: { psn_no: string; psn_name: string; insutype: string; balc: number }, msgids: Record<string, string>): FlowResult {
  s.setlinfo.psn_name ??= person.psn_name;
  s.setlinfo.insutype ??= person.insutype;
  return { setl_id: s.setl_id!, mdtrt_id: s.mdtrt_id, psn_no: s.psn_no, setlinfo: s.setlinfo, setldetail: s.setldetail, presettle: pre.setlinfo, person: { psn_no: person.psn_no, insutype: person.insutype, balc: person.balc }, msgids };
}

/** 03 身份识别 → 110 门诊挂号 → 111 门诊明细上传 → 11 门诊结算 (confirmed after `commit`). */
export async function chengduOutpatientSettle(client: ChengduClient, bill: Bill, o: ChengduFlowOptions = {}): Promise<FlowResult> {
  check(bill);
  const person = await client.identify({ mdtrt_cert_type: bill.mdtrt_cert_type, mdtrt_cert_no: bill.mdtrt_cert_no, card_sn: bill.card_sn });
  const insutype = bill.insutype ?? person.insutype;
  const { akc190, aka130 } = await client.register({ psn_no: person.psn_no, insutype, ipt_otp_no: bill.ipt_otp_no ?? `MZ${Date.now()}`, dept_name: bill.dept_name ?? '内科', diagnoses: bill.diagnoses });
  const lines = await client.uploadFees({ psn_no: person.psn_no, akc190, aka130, lines: bill.fee_items });
  let pre: Settlement | null = null;
  const s = await client.settle(
    { psn_no: person.psn_no, akc190, aka130, medfee_sumamt: total(client, bill), yka105: lines.map((l) => l.yka105), acct_used_flag: bill.acct_used_flag ?? '1' },
    async (settlement, trade) => {
      pre = settlement; // the uncertain settlement is the outpatient "pre-settlement": confirm makes it final
      await o.commit?.(settlement, trade);
    },
  );
  return result(s, pre ?? s, { psn_no: person.psn_no, psn_name: person.psn_name, insutype, balc: person.balc }, { settle: s.msgid });
}

/** 03 → 21 入院登记 → 41 住院明细上传 → 52 预结算单 → 25 离院办理 → 52 出院结算 (confirmed after `commit`). */
export async function chengduInpatientSettle(client: ChengduClient, bill: Bill, o: ChengduFlowOptions = {}): Promise<FlowResult> {
  check(bill);
  const person = await client.identify({ mdtrt_cert_type: bill.mdtrt_cert_type, mdtrt_cert_no: bill.mdtrt_cert_no, card_sn: bill.card_sn });
  const insutype = bill.insutype ?? person.insutype;
  const diagnoses = bill.diagnoses ?? [{ code: 'K35.800', name: '急性阑尾炎' }];
  const { akc190, aka130 } = await client.admit({ psn_no: person.psn_no, ipt_no: bill.ipt_otp_no ?? `ZY${Date.now()}`, dept_name: bill.dept_name ?? '外科', bed: bill.bed ?? '1', diagnoses });
  await client.uploadInpatientFees({ psn_no: person.psn_no, akc190, aka130, lines: bill.fee_items });
  const sum = total(client, bill);
  const p = { psn_no: person.psn_no, akc190, aka130, medfee_sumamt: sum, nums: bill.fee_items.length, acct_used_flag: bill.acct_used_flag ?? '1' };
  const pre = await client.inpatientPresettle(p);
  await client.discharge({ psn_no: person.psn_no, akc190, diagnoses });
  const s = await client.inpatientSettle(p, o.commit);
  return result(s, pre, { psn_no: person.psn_no, psn_name: person.psn_name, insutype, balc: person.balc }, { settle: s.msgid });
}
