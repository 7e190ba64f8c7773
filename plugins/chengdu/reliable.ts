// Exactly-once settlement for the Yinhai family (Chengdu 5.0): the two-phase API of journal-contract.ts over
// ChengduClient, on the same journal and the same state machine (op 70, protocol "yinhai") as the national
// client (host-node/src/reliable.ts, whose createTxnSteps does the journal steps and leases here too).
//
// Yinhai is two-phase by itself: yh_interface_call of 11 / 52 leaves the trade uncertain at the center with
// astr_jylsh + astr_jyyzm; yh_interface_confirm(jylsh, jyyzm) makes it final, yh_interface_cancel(jylsh)
// undoes it; yh_interface_getuncertaintytrade(jybh) lists what is still uncertain. So:
//   settle()   flow up to the money call; intent (msgid: a local unique id) durable before the call; the reply's
//              jylsh / jyyzm / pcbh go into reply_json → succeeded (uncertain at the center, NOT confirmed)
//   commit()   yh_interface_confirm → confirmed          abort()  yh_interface_cancel → cancelled
//   a timeout / bridge crash / unreadable reply → unknown, resolved at once: getuncertaintytrade(jybh), matched
//   by jylsh (when known) or by the visit (akc190; the center lets a person have one uncertain trade only):
//   listed → cancelled (its jyyzm was in the lost reply, so it can never be confirmed, and the HIS never saw
//   it); not listed → failed (the center never kept it).
//   recover()  intent / sent / unknown: as above, but a trade found while hisCommitted(his_key) says true is
//              left for a person (manual) rather than cancelled; succeeded: hisCommitted → confirm / cancel
//              (null: kept for the next run).
// Crash points (YIBAO_CRASH_AT, see reliable.ts): after-intent, before-send, after-send, after-reply,
// after-unknown, after-succeeded, before-commit, before-cancel, after-cancel.
import { randomBytes } from 'node:crypto';
import type { Settlement } from '../../host-node/src/client.js';
import type { TxnAction, TxnEvent } from '../../host-node/src/contract.js';
import type { Bill } from '../../host-node/src/flows.js';
import type { Journal, JournalEntry, JournalState, PendingSettlement } from '../../host-node/src/journal-contract.js';
import { createTxnSteps, crashPoint, defaultOwner, errText, recoverUnfinished, abortPending, refuseLive, settlementEntries, type RecoverResult, type ReliableClient, type ReliableStep } from '../../host-node/src/reliable.js';
import type { CanonicalOp } from '../contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import type { ChengduClient, Pending } from './client.js';

export interface ChengduReliableOptions {
  client: ChengduClient;
  journal: Journal;
  /** region id written to the journal (default 'chengdu') */
  region?: string;
  owner?: string;
  hisCommitted?: (his_key: string) => Promise<boolean | null>;
  /** lease of an in-flight / pending settlement (default 10 min) */
  leaseMs?: number;
  onStep?: (s: ReliableStep) => void;
}

/** What the journal keeps of the Yinhai reply (reply_json). */
export interface YinhaiJournalReply {
  jybh: string;
  jylsh: string;
  /** '' when the trade was found by getuncertaintytrade (the reply with it was lost): cannot be confirmed */
  jyyzm: string;
  pcbh: string;
  setlinfo?: Record<string, unknown>;
  setldetail?: PendingSettlement['setldetail'];
  source?: 'reply' | 'getuncertaintytrade';
}

const UNDONE: readonly JournalState[] = ['failed', 'cancelled', 'reversed'];
const TERMINAL: readonly JournalState[] = ['failed', 'confirmed', 'cancelled', 'reversed'];
const MONEY_OPS: readonly CanonicalOp[] = ['settle', 'inpatientSettle'];
const isCenterError = (e: unknown) => e instanceof YibaoError && e.code === 'CENTER_ERROR';

function replyOf(e: JournalEntry): YinhaiJournalReply | null {
  try {
    const r = e.reply_json ? (JSON.parse(e.reply_json) as YinhaiJournalReply) : null;
    return r && typeof r.jylsh === 'string' ? r : null;
  } catch {
    return null;
  }
}

function amountsOf(s: Settlement['setlinfo']) {
  return { medfee_sumamt: s.medfee_sumamt ?? 0, fund_pay_sumamt: s.fund_pay_sumamt ?? 0, acct_pay: s.acct_pay ?? 0, psn_cash_pay: s.psn_cash_pay ?? 0 };
}

function feeTotal(client: ChengduClient, b: Bill): number {
  return client.core.classify({
    fee_items: b.fee_items.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })),
  }).totals.medfee_sumamt;
}

/** The two-phase, journaled settlement client for Chengdu (Yinhai 5.0). */
export function createChengduReliableClient(o: ChengduReliableOptions): ReliableClient {
  const { client, journal } = o;
  const region = o.region ?? 'chengdu';
  const owner = o.owner ?? defaultOwner();
  const leaseMs = o.leaseMs ?? 10 * 60 * 1000;
  const { machine, step, mustStep, claim, claimForRecovery } = createTxnSteps({ core: client.core, journal, protocol: () => 'yinhai', owner, leaseMs, onStep: o.onStep });

  interface Found {
    event: TxnEvent;
    patch?: Parameters<Journal['transition']>[3];
  }

  /** getuncertaintytrade(jybh): the entry's trade by jylsh, else by its visit (akc190). */
  async function query(e: JournalEntry): Promise<Found> {
    try {
      const known = replyOf(e);
      const open = await client.uncertain(e.infno);
      const t = known?.jylsh ? open.find((x) => x.jylsh === known.jylsh) : open.find((x) => e.mdtrt_id && x.akc190 === e.mdtrt_id);
      if (!t) return { event: 'query_not_found', patch: { error: `getuncertaintytrade(${e.infno}): not listed` } };
      const reply: YinhaiJournalReply = known?.jylsh ? known : { jybh: e.infno, jylsh: t.jylsh, jyyzm: '', pcbh: '', source: 'getuncertaintytrade' };
      return { event: 'query_found', patch: { setl_id: t.yka103 || e.setl_id || undefined, reply_json: JSON.stringify(reply) } };
    } catch (err) {
      return { event: 'query_failed', patch: { error: `getuncertaintytrade: ${errText(err)}` } };
    }
  }

  async function confirm(e: JournalEntry): Promise<Found> {
    const r = replyOf(e);
    if (!r?.jylsh) return { event: 'confirm_refused', patch: { error: 'confirm: no jylsh journaled' } };
    if (!r.jyyzm) return { event: 'confirm_refused', patch: { error: `confirm: trade ${r.jylsh} has no journaled jyyzm (its reply was lost): confirm it by hand or cancel it` } };
    try {
      await client.confirm(r.jylsh, r.jyyzm);
      return { event: 'confirm_ok', patch: { error: null } };
    } catch (err) {
      return { event: isCenterError(err) ? 'confirm_refused' : 'confirm_failed', patch: { error: `confirm: ${errText(err)}` } };
    }
  }

  async function cancel(e: JournalEntry): Promise<Found> {
    const r = replyOf(e);
    if (!r?.jylsh) return { event: 'cancel_refused', patch: { error: 'cancel: no jylsh journaled' } };
    crashPoint('before-cancel');
    try {
      await client.cancel(r.jylsh);
      crashPoint('after-cancel');
      return { event: 'cancel_ok', patch: { undo_msgid: r.jylsh, error: null } };
    } catch (err) {
      crashPoint('after-cancel');
      return { event: isCenterError(err) ? 'cancel_refused' : 'cancel_failed', patch: { error: `cancel: ${errText(err)}` } };
    }
  }

  /**
   * Follows the machine's actions until none / wait / manual. `oracle` (recover only): a trade found for an
   * unknown entry is cancelled unless the HIS says it committed the key (then a person looks).
   */
  async function drive(e: JournalEntry, action: TxnAction, waiting: boolean, oracle?: (k: string) => Promise<boolean | null>): Promise<{ entry: JournalEntry; action: TxnAction }> {
    for (let guard = 0; guard < 8; guard++) {
      let f: Found;
      if (action === 'query') {
        f = await query(e);
        if (f.event === 'query_found' && oracle) {
          const c = await oracle(e.his_key);
          if (c !== false) {
            await journal.transition(e.id, e.state, e.state, { ...f.patch, error: `getuncertaintytrade found ${replyOf({ ...e, reply_json: f.patch?.reply_json ?? null })?.jylsh} but the HIS ${c === null ? 'cannot say whether it' : 'says it'} committed ${e.his_key}; its reply (jyyzm) was lost: a person must confirm or cancel it` });
            return { entry: (await journal.get(e.id)) ?? e, action: c === null ? 'wait' : 'manual' };
          }
        }
      } else if (action === 'confirm') f = await confirm(e);
      else if (action === 'cancel') f = await cancel(e);
      else return { entry: e, action };
      // a found trade of a waiting settle() has no jyyzm either: the machine is asked as for recovery (→ cancel)
      const r = await step(e, f.event, f.event === 'query_found' ? false : waiting, f.patch);
      if (!r) return { entry: (await journal.get(e.id)) ?? e, action: 'none' };
      e = r.entry;
      action = r.action;
    }
    return { entry: e, action: 'wait' };
  }

  function pendingOf(e: JournalEntry, s: Settlement): PendingSettlement {
    return { journalId: e.id, his_key: e.his_key, msgid: e.msgid, infno: e.infno, setl_id: e.setl_id ?? '', mdtrt_id: e.mdtrt_id ?? '', psn_no: e.psn_no ?? '', setlinfo: s.setlinfo as Record<string, unknown>, setldetail: s.setldetail };
  }

  async function settle(req: { his_key: string; bill: unknown; inpatient?: boolean }): Promise<PendingSettlement> {
    const his_key = req.his_key;
    if (typeof his_key !== 'string' || his_key === '') throw YibaoError.host('BAD_INPUT', 'his_key');
    const bill = req.bill as Bill;
    if (!bill || typeof bill !== 'object' || !bill.mdtrt_cert_type || !bill.mdtrt_cert_no) throw YibaoError.host('BAD_INPUT', 'bill needs mdtrt_cert_type and mdtrt_cert_no');
    if (!Array.isArray(bill.fee_items) || bill.fee_items.length === 0) throw YibaoError.host('BAD_INPUT', 'bill needs fee_items');
    const op: CanonicalOp = req.inpatient ? 'inpatientSettle' : 'settle';
    const jybh = req.inpatient ? '52' : '11';
    await refuseLive(journal, his_key, op);

    // the flow up to the money call (as flows.ts): each step is confirmed at once, none moves money
    const person = await client.identify({ mdtrt_cert_type: bill.mdtrt_cert_type, mdtrt_cert_no: bill.mdtrt_cert_no, card_sn: bill.card_sn });
    const insutype = bill.insutype ?? person.insutype;
    const medfee_sumamt = feeTotal(client, bill);
    let akc190: string;
    let call: () => Promise<Pending<Settlement>>;
    let input: Record<string, unknown>;
    if (!req.inpatient) {
      const reg = await client.register({ psn_no: person.psn_no, insutype, ipt_otp_no: bill.ipt_otp_no ?? `MZ${Date.now()}`, dept_name: bill.dept_name ?? '内科', diagnoses: bill.diagnoses });
      akc190 = reg.akc190;
      const lines = await client.uploadFees({ psn_no: person.psn_no, akc190, aka130: reg.aka130, lines: bill.fee_items });
      const p = { psn_no: person.psn_no, akc190, aka130: reg.aka130, medfee_sumamt, yka105: lines.map((l) => l.yka105), acct_used_flag: bill.acct_used_flag ?? '1' };
      input = p;
      call = () => client.settlePending(p);
    } else {
      const diagnoses = bill.diagnoses ?? [{ code: 'K35.800', name: '急性阑尾炎' }];
      const adm = await client.admit({ psn_no: person.psn_no, ipt_no: bill.ipt_otp_no ?? `ZY${Date.now()}`, dept_name: bill.dept_name ?? '外科', bed: bill.bed ?? '1', diagnoses });
      akc190 = adm.akc190;
      await client.uploadInpatientFees({ psn_no: person.psn_no, akc190, aka130: adm.aka130, lines: bill.fee_items });
      const p = { psn_no: person.psn_no, akc190, aka130: adm.aka130, medfee_sumamt, nums: bill.fee_items.length, acct_used_flag: bill.acct_used_flag ?? '1' };
      await client.inpatientPresettle(p);
      await client.discharge({ psn_no: person.psn_no, akc190, diagnoses });
      input = p;
      call = () => client.inpatientSettlePending(p);
    }

    // the money call: intent and 'sent' durable before yh_interface_call
    const input_json = JSON.stringify({ jybh, ...input });
    const msgid = `yh-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    crashPoint('before-intent');
    machine({ state: 'new', infno: jybh }, 'begin', true);
    let entry = await journal.begin({ msgid, infno: jybh, op, region, his_key, input_json, input_digest: client.core.hash.hex(client.core.hash.sha256(input_json)), psn_no: person.psn_no, mdtrt_id: akc190 });
    o.onStep?.({ journalId: entry.id, his_key, msgid, from: 'new', event: 'begin', to: 'intent', action: 'send' });
    await claim(entry);
    crashPoint('after-intent');
    entry = (await mustStep(entry, 'sent', true)).entry;
    crashPoint('before-send');
    crashPoint('after-send');
    let pend: Pending<Settlement> | undefined;
    let err: unknown;
    try {
      pend = await call();
    } catch (e) {
      err = e;
    }
    try {
      crashPoint('after-reply');
      if (pend) {
        const s = pend.result;
        const reply: YinhaiJournalReply = { jybh, jylsh: pend.jylsh, jyyzm: pend.jyyzm, pcbh: pend.reply.pcbh, setlinfo: s.setlinfo as Record<string, unknown>, setldetail: s.setldetail, source: 'reply' };
        const r = await mustStep(entry, 'reply_ok', true, { setl_id: s.setl_id ?? undefined, amounts: amountsOf(s.setlinfo), reply_json: JSON.stringify(reply) });
        crashPoint('after-succeeded');
        return pendingOf(r.entry, s); // leased to this process until commit / abort
      }
      if (isCenterError(err)) {
        await mustStep(entry, 'reply_error', true, { error: errText(err) });
        throw err;
      }
      // outcome unknown (timeout, bridge crash, unreadable reply): resolve now, while the HIS waits
      const u = await mustStep(entry, 'transport_unknown', true, { error: errText(err) });
      crashPoint('after-unknown');
      const d = await drive(u.entry, u.action, true);
      if (UNDONE.includes(d.entry.state)) {
        throw YibaoError.host('NOT_SETTLED', `${his_key}: ${jybh} ${msgid} had an unknown outcome (${errText(err)}); resolved as ${d.entry.state}${d.entry.undo_msgid ? ' (cancelled ' + d.entry.undo_msgid + ')' : ''}: nothing is settled`, err);
      }
      throw YibaoError.host('OUTCOME_UNKNOWN', `${his_key}: ${jybh} ${msgid} (${errText(err)}); journal ${d.entry.id} is ${d.entry.state}, recover() resolves it`, err);
    } catch (x) {
      await journal.release(entry.id, owner).catch(() => undefined);
      throw x;
    }
  }

  async function commit(his_key: string): Promise<void> {
    const all = await settlementEntries(journal, his_key, region);
    const todo = all.filter((x) => x.state === 'succeeded');
    if (todo.length === 0) {
      if (all.some((x) => x.state === 'confirmed')) return;
      const last = all[all.length - 1];
      throw YibaoError.host('STATE_ERROR', `commit ${his_key}: no pending settlement${last ? ` (journal ${last.id} is ${last.state})` : ''}`);
    }
    for (const e of todo) {
      if (!(await claim(e))) throw YibaoError.host('STATE_ERROR', `commit ${his_key}: journal ${e.id} is being resolved by another process`);
      crashPoint('before-commit');
      const r = await mustStep(e, 'his_committed', false);
      const d = await drive(r.entry, r.action, false);
      await journal.release(e.id, owner);
      if (d.entry.state !== 'confirmed') {
        throw YibaoError.host('OUTCOME_UNKNOWN', `commit ${his_key}: yh_interface_confirm of journal ${e.id} did not complete (${d.entry.error ?? d.action}); recover() retries it`);
      }
    }
  }

  async function abort(his_key: string): Promise<void> {
    await abortPending({
      his_key, entries: await settlementEntries(journal, his_key, region), journal, owner, claim, mustStep,
      drive: (entry, action) => drive(entry, action, false),
      cancelName: (e) => `yh_interface_cancel of journal ${e.id}`,
    });
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

  /** Refunds (12 / 42 回退 of a confirmed settlement) are not journaled for Yinhai yet. */
  async function refund(req: { his_key: string; setl_id?: string }): ReturnType<ReliableClient['refund']> {
    throw YibaoError.host('NOT_SUPPORTED', `${region}: refund of ${req.his_key} through the reliable client (12 / 42 回退) is not implemented yet`);
  }

  return { owner, journal, settle, commit, abort, recover, refund };
}
