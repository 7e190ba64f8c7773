// The journaled two-phase API (journal-contract.ts) for the legacy regions whose unknown outcome is resolved by
// an undo rather than a query (op 70 protocols "sichuan-com", "chongqing", "nanping"): one engine, the region
// gives the money call and the protocol's confirm / cancel / resolve. Mirrors plugins/chengdu/reliable.ts and
// uses the same journal steps and leases (createTxnSteps of host-node/src/reliable.ts).
//   settle()   the region's flow up to the money call; intent + sent durable before it; the reply (its serial)
//              → succeeded (sichuan-com: uncertain at the center until Confirm; one-phase: already in force)
//   commit()   his_committed → confirm (sichuan-com) or confirmed at once (one-phase)
//   abort()    his_aborted → cancel (Cancel / 99 冲正 / 冲销) → cancelled
//   unknown    (lost reply) → action reverse → the region's resolve(): reverse_ok (undone, or proven never in
//              force), reverse_refused (a person must look: manual), reverse_failed (no answer: wait)
//   recover()  intent / sent / unknown: resolve, unless the HIS says it committed the key (then manual);
//              succeeded: hisCommitted → confirm / cancel (null: kept for the next run)
// Crash points as in host-node/src/reliable.ts.
import { randomBytes } from 'node:crypto';
import type { Core, TxnAction, TxnEvent, TxnProtocol } from '../../host-node/src/contract.js';
import type { Credential, Identity, InpatientSettleParams, Settlement, SettleParams } from '../../host-node/src/client.js';
import { billTotal, visitNo, type Bill, type FlowClient } from '../../host-node/src/flows.js';
import type { Journal, JournalEntry, JournalState, PendingSettlement } from '../../host-node/src/journal-contract.js';
import { createTxnSteps, crashPoint, defaultOwner, errText, recoverUnfinished, refuseLive, settlementEntries, type RecoverResult, type ReliableClient, type ReliableStep } from '../../host-node/src/reliable.js';
import { YibaoError } from '../../host-node/src/errors.js';
import type { CanonicalOp } from '../contract.js';

export type Patch = Parameters<Journal['transition']>[3];
export interface Found {
  event: TxnEvent;
  patch?: Patch;
}

/** What the region's flow prepared: the money call and what the journal keeps of it. */
export interface Prepared {
  infno: string;
  /** the request input kept in input_json (with whatever resolve() needs in another process) */
  input: Record<string, unknown>;
  psn_no: string;
  mdtrt_id: string;
  /** the money call: the settlement and the protocol's reply keys (serial …) kept in reply_json */
  call: () => Promise<{ settlement: Settlement; reply: Record<string, unknown> }>;
}

export interface LegacyReliableRegion {
  region: string;
  protocol: TxnProtocol;
  core: Core;
  /** prefix of the journal msgid */
  tag: string;
  /** the flow up to the money call (identify, register, fees …) */
  prepare(bill: unknown, inpatient: boolean): Promise<Prepared>;
  /** whether an error of the money call leaves the outcome unknown (else: the center refused, nothing done) */
  isUnknown(err: unknown): boolean;
  /** confirm of a succeeded entry (two-phase protocols only) */
  confirm?(e: JournalEntry, reply: Record<string, unknown>): Promise<Found>;
  /** undo of a succeeded entry (HIS aborted): cancel_ok / cancel_failed / cancel_refused */
  cancel(e: JournalEntry, reply: Record<string, unknown>): Promise<Found>;
  /** resolution of an intent / sent / unknown entry: reverse_ok / reverse_failed / reverse_refused */
  resolve(e: JournalEntry, input: Record<string, unknown>): Promise<Found>;
}

export interface LegacyReliableOptions {
  journal: Journal;
  owner?: string;
  hisCommitted?: (his_key: string) => Promise<boolean | null>;
  leaseMs?: number;
  onStep?: (s: ReliableStep) => void;
}

const UNDONE: readonly JournalState[] = ['failed', 'cancelled', 'reversed'];
const TERMINAL: readonly JournalState[] = ['failed', 'confirmed', 'cancelled', 'reversed'];
const MONEY_OPS: readonly CanonicalOp[] = ['settle', 'inpatientSettle'];

export const isCenterError = (e: unknown) => e instanceof YibaoError && e.code === 'CENTER_ERROR';

export function replyOf(e: JournalEntry): Record<string, unknown> | null {
  try {
    return e.reply_json ? (JSON.parse(e.reply_json) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function inputOf(e: JournalEntry): Record<string, unknown> {
  try {
    return JSON.parse(e.input_json) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function amountsOf(s: Settlement['setlinfo']) {
  return { medfee_sumamt: s.medfee_sumamt ?? 0, fund_pay_sumamt: s.fund_pay_sumamt ?? 0, acct_pay: s.acct_pay ?? 0, psn_cash_pay: s.psn_cash_pay ?? 0 };
}

/** The reliable client of one legacy region (see the header). */
export function createLegacyReliableClient(rg: LegacyReliableRegion, o: LegacyReliableOptions): ReliableClient {
  const { journal } = o;
  const region = rg.region;
  const owner = o.owner ?? defaultOwner();
  const leaseMs = o.leaseMs ?? 10 * 60 * 1000;
  const { machine, step, mustStep, claim, claimForRecovery } = createTxnSteps({ core: rg.core, journal, protocol: () => rg.protocol, owner, leaseMs, onStep: o.onStep });

  async function act(e: JournalEntry, action: TxnAction): Promise<Found | null> {
    const reply = replyOf(e) ?? {};
    if (action === 'confirm') return rg.confirm ? rg.confirm(e, reply) : { event: 'confirm_refused', patch: { error: `${region}: no confirm` } };
    if (action === 'cancel') {
      crashPoint('before-cancel');
      const f = await rg.cancel(e, reply);
      crashPoint('after-cancel');
      return f;
    }
    if (action === 'reverse') {
      const f = await rg.resolve(e, inputOf(e));
      crashPoint('after-reverse');
      return f;
    }
    return null;
  }

  /** Follows the machine's actions until none / wait / manual; `oracle` (recover): no undo of a key the HIS committed. */
  async function drive(e: JournalEntry, action: TxnAction, waiting: boolean, oracle?: (k: string) => Promise<boolean | null>): Promise<{ entry: JournalEntry; action: TxnAction }> {
    for (let guard = 0; guard < 8; guard++) {
      if (action === 'reverse' && oracle) {
        const c = await oracle(e.his_key);
        if (c !== false) {
          await journal.transition(e.id, e.state, e.state, { error: `the HIS ${c === null ? 'cannot say whether it' : 'says it'} committed ${e.his_key} although its settlement never reached it: a person must look` });
          return { entry: (await journal.get(e.id)) ?? e, action: c === null ? 'wait' : 'manual' };
        }
      }
      const f = await act(e, action);
      if (!f) return { entry: e, action };
      const r = await step(e, f.event, waiting, f.patch);
      if (!r) return { entry: (await journal.get(e.id)) ?? e, action: 'none' };
      e = r.entry;
      action = r.action;
    }
    return { entry: e, action: 'wait' };
  }

  async function settle(req: { his_key: string; bill: unknown; inpatient?: boolean }): Promise<PendingSettlement> {
    const his_key = req.his_key;
    if (typeof his_key !== 'string' || his_key === '') throw YibaoError.host('BAD_INPUT', 'his_key');
    const op: CanonicalOp = req.inpatient ? 'inpatientSettle' : 'settle';
    await refuseLive(journal, his_key, op);
    const p = await rg.prepare(req.bill, !!req.inpatient);
    const input_json = JSON.stringify({ infno: p.infno, ...p.input });
    const msgid = `${rg.tag}-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    crashPoint('before-intent');
    machine({ state: 'new', infno: p.infno }, 'begin', true);
    let entry = await journal.begin({ msgid, infno: p.infno, op, region, his_key, input_json, input_digest: rg.core.hash.hex(rg.core.hash.sha256(input_json)), psn_no: p.psn_no, mdtrt_id: p.mdtrt_id });
    o.onStep?.({ journalId: entry.id, his_key, msgid, from: 'new', event: 'begin', to: 'intent', action: 'send' });
    await claim(entry);
    crashPoint('after-intent');
    entry = (await mustStep(entry, 'sent', true)).entry;
    crashPoint('before-send');
    crashPoint('after-send');
    let res: Awaited<ReturnType<Prepared['call']>> | undefined;
    let err: unknown;
    try {
      res = await p.call();
    } catch (e) {
      err = e;
    }
    try {
      crashPoint('after-reply');
      if (res) {
        const s = res.settlement;
        const r = await mustStep(entry, 'reply_ok', true, { setl_id: s.setl_id ?? undefined, amounts: amountsOf(s.setlinfo), reply_json: JSON.stringify({ ...res.reply, setlinfo: s.setlinfo, setldetail: s.setldetail }) });
        crashPoint('after-succeeded');
        return { journalId: r.entry.id, his_key, msgid, infno: p.infno, setl_id: r.entry.setl_id ?? '', mdtrt_id: p.mdtrt_id, psn_no: p.psn_no, setlinfo: s.setlinfo as Record<string, unknown>, setldetail: s.setldetail };
      }
      if (!rg.isUnknown(err)) {
        await mustStep(entry, 'reply_error', true, { error: errText(err) });
        throw err;
      }
      // outcome unknown (lost reply): resolved now while the HIS waits (the protocol's undo / proof)
      const u = await mustStep(entry, 'transport_unknown', true, { error: errText(err) });
      crashPoint('after-unknown');
      const d = await drive(u.entry, u.action, true);
      if (UNDONE.includes(d.entry.state)) {
        throw YibaoError.host('NOT_SETTLED', `${his_key}: ${p.infno} ${msgid} had an unknown outcome (${errText(err)}); resolved as ${d.entry.state} (${d.entry.error ?? ''}): nothing is settled`, err);
      }
      throw YibaoError.host('OUTCOME_UNKNOWN', `${his_key}: ${p.infno} ${msgid} (${errText(err)}); journal ${d.entry.id} is ${d.entry.state} (${d.action}: ${d.entry.error ?? ''}), recover() resolves it`, err);
    } catch (x) {
      await journal.release(entry.id, owner).catch(() => undefined);
      throw x;
    }
  }

  async function finish(his_key: string, committed: boolean): Promise<void> {
    const what = committed ? 'commit' : 'abort';
    const all = await settlementEntries(journal, his_key, region);
    const todo = all.filter((x) => x.state === 'succeeded');
    if (todo.length === 0) {
      if (committed ? all.some((x) => x.state === 'confirmed') : all.length > 0 && all.every((x) => UNDONE.includes(x.state))) return;
      const last = all[all.length - 1];
      throw YibaoError.host('STATE_ERROR', `${what} ${his_key}: no pending settlement${last ? ` (journal ${last.id} is ${last.state})` : ''}`);
    }
    for (const e of todo) {
      if (!(await claim(e))) throw YibaoError.host('STATE_ERROR', `${what} ${his_key}: journal ${e.id} is being resolved by another process`);
      if (committed) crashPoint('before-commit');
      const r = await mustStep(e, committed ? 'his_committed' : 'his_aborted', false);
      const d = await drive(r.entry, r.action, false);
      await journal.release(e.id, owner);
      if (committed ? d.entry.state !== 'confirmed' : !UNDONE.includes(d.entry.state)) {
        throw YibaoError.host('OUTCOME_UNKNOWN', `${what} ${his_key}: journal ${e.id} did not complete (${d.entry.error ?? d.action}); recover() retries it`);
      }
    }
  }

  async function recover(opts: { hisCommitted?: (his_key: string) => Promise<boolean | null> } = {}): Promise<RecoverResult> {
    const oracle = opts.hisCommitted ?? o.hisCommitted ?? (async () => null);
    return recoverUnfinished({
      journal, owner, claimForRecovery, step,
      refuses: (e) => (e.region === region && MONEY_OPS.includes(e.op) ? null : `not resolved by this client (region ${region})`),
      hisCommitted: (e) => oracle(e.his_key),
      drive: (entry, action) => drive(entry, action, false, oracle),
    });
  }

  async function refund(req: { his_key: string; setl_id?: string }): ReturnType<ReliableClient['refund']> {
    throw YibaoError.host('NOT_SUPPORTED', `${region}: refund of ${req.his_key} through the reliable client is not implemented yet`);
  }

  return { owner, journal, settle, commit: (k) => finish(k, true), abort: (k) => finish(k, false), recover, refund };
}

/**
 * The flow of host-node/src/flows.ts up to (not including) the money call: identify → register → visit → fees →
 * presettle (outpatient), or identify → admit → fees → presettle → discharge (inpatient). Returns the
 * settle parameters; the region makes the money call itself.
 */
export async function flowUpToSettle(client: FlowClient, bill: Bill, inpatient: boolean): Promise<{ person: Identity; params: SettleParams & InpatientSettleParams; his_no: string }> {
  if (!bill || typeof bill !== 'object' || !bill.mdtrt_cert_type || !bill.mdtrt_cert_no) throw YibaoError.host('BAD_INPUT', 'bill needs mdtrt_cert_type and mdtrt_cert_no');
  if (!Array.isArray(bill.fee_items) || bill.fee_items.length === 0) throw YibaoError.host('BAD_INPUT', 'bill needs fee_items');
  const cred: Credential = { mdtrt_cert_type: bill.mdtrt_cert_type, mdtrt_cert_no: bill.mdtrt_cert_no, card_sn: bill.card_sn };
  const person = await client.identify(cred, bill.insutype);
  const insutype = bill.insutype ?? person.insutype;
  const medfee_sumamt = billTotal(client, bill.fee_items);
  if (!inpatient) {
    const med_type = bill.med_type ?? '11';
    const ipt_otp_no = bill.ipt_otp_no ?? visitNo('MZ');
    const visit = { dept_code: bill.dept_code ?? 'A03', dept_name: bill.dept_name ?? '内科', dr_code: bill.dr_code ?? 'D0001', dr_name: bill.dr_name ?? '医师' };
    const { mdtrt_id } = await client.register({ psn_no: person.psn_no, insutype, credential: cred, ipt_otp_no, ...visit });
    await client.uploadVisit({ mdtrt_id, psn_no: person.psn_no, med_type, diagnoses: bill.diagnoses ?? [{ code: 'J06.900', name: '急性上呼吸道感染' }], ...visit });
    const chrg_bchno = `${ipt_otp_no}01`;
    await client.uploadFees({ mdtrt_id, psn_no: person.psn_no, chrg_bchno, lines: bill.fee_items, ...visit });
    const params = { psn_no: person.psn_no, mdtrt_id, insutype, med_type, credential: cred, medfee_sumamt, chrg_bchno, acct_used_flag: bill.acct_used_flag ?? '1' };
    await client.presettle(params);
    return { person, params, his_no: ipt_otp_no };
  }
  const diagnoses = bill.diagnoses ?? [{ code: 'K35.800', name: '急性阑尾炎' }];
  const ipt_no = bill.ipt_otp_no ?? visitNo('ZY');
  const dept = { dept_code: bill.dept_code ?? 'A04', dept_name: bill.dept_name ?? '外科', dr_code: bill.dr_code ?? 'D0002', dr_name: bill.dr_name ?? '医师' };
  const { mdtrt_id } = await client.admit({ psn_no: person.psn_no, insutype, credential: cred, ipt_no, med_type: bill.med_type ?? '21', diagnoses, bed: bill.bed ?? '1', ...dept });
  await client.uploadInpatientFees({ mdtrt_id, psn_no: person.psn_no, lines: bill.fee_items, ...dept });
  const params = { psn_no: person.psn_no, mdtrt_id, insutype, credential: cred, medfee_sumamt, acct_used_flag: bill.acct_used_flag ?? '1' };
  await client.inpatientPresettle(params);
  await client.discharge({ mdtrt_id, psn_no: person.psn_no, insutype, diagnoses, ...dept });
  return { person, params: params as SettleParams & InpatientSettleParams, his_no: ipt_no };
}
