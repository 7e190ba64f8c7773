// Exactly-once settlement for the national family (outpatient 2207/2207A, inpatient 2304/2304A): the
// two-phase API of journal-contract.ts (settle → pending → commit | abort, recover) over the canonical Client.
//
// Every money-moving call is journaled before it goes on the wire (intent, then sent, under the msgid the
// request carries) and its outcome after; every step asks the core's state machine (op 70, core.txn.next)
// for the next state and what to do. An unknown outcome (timeout, lost reply, unreadable reply) is resolved
// at the center: query (5204 by mdtrt_id → 5203 per setl_id, matched by medins_setl_id = our msgid), then
// 2601 冲正 by msgid — which is safe when the center never saw the request (it answers 原交易不存在).
// A settle() still waiting gets a settlement the query found; recover() undoes whatever the HIS never saw.
//
// Leases: the process that settles holds the entry's lease from the intent until commit()/abort(), so a
// recover() in another process (the agent, another workstation) never resolves a settlement in flight. A
// lease whose owner is a dead process on this machine is taken over at once (a crashed HIS restarts and
// recovers without waiting for the lease to expire); other leases expire after `leaseMs`.
//
// recover() and the HIS: an entry the center settled but the HIS has not committed (state succeeded) is
// decided by `hisCommitted(his_key)`: true → confirmed, false → cancelled at the center (2208 / 2305), null →
// left for the next run. The HIS must commit its own database BEFORE calling commit() and answer
// hisCommitted from that database (presumed abort: no commit record = abort).
//
// Refunds (refund(): 2208 / 2305 of a CONFIRMED settlement) are money calls of their own: a journal entry
// with op cancelSettle / cancelInpatientSettle under the settlement's HIS key (setl_id = the settlement
// refunded), the same intent → sent → outcome rules, one phase for the HIS (refund() returns after the entry
// is confirmed: only that answer means "refunded"). An unknown outcome is resolved by 5203 of the refunded
// setl_id (cancelled = the refund took effect → found; still in force → not found), then 2601 of the
// refund's msgid — which makes a late 2208 dead at the center, or puts the settlement back in force.
// Presumed abort as for settlements: while the HIS waits a found refund is kept; in recovery (the HIS got
// no answer) it is undone by 2601 — also a refund left 'succeeded' by a crash before its confirmation,
// for which the HIS oracle is not asked (the HIS's answer about the key concerns the settlement): the
// machine's 'cancel' action is the 2601 for a refund entry, reported as cancel_failed / cancel_refused when
// the 2601 does not go through. A settlement whose refund is confirmed stays 'confirmed' itself (terminal
// states stay terminal); reconcile.ts and the agent read the refund entry beside it.
//
// Crash-point tests: YIBAO_CRASH_AT=<point> makes this process SIGKILL itself at that point (crashPoint());
// the hook is inert unless the variable is set. Points, in order:
//   before-intent   the request is built, nothing journaled
//   after-intent    intent durable, before the 'sent' mark
//   before-send     'sent' durable, before the request leaves
//   after-send      the request is on the wire: killed YIBAO_CRASH_DELAY_MS (default 20) ms later, i.e.
//                   before the reply when the center is slower than that (sandbox fault delay:MS)
//   after-reply     the reply (or the transport error) is in, before the journal records it
//   after-unknown   'unknown' durable, before the resolution
//   after-succeeded 'succeeded' durable, before settle() returns (before the HIS commit)
//   before-commit   commit(): the HIS committed, before the journal's 'confirmed'
//   before-cancel   abort() / recover(): before the cancel (2208 / 2305) is sent
//   after-cancel    the center cancelled, before the journal records it
//   after-reverse   the center answered a 2601, before the journal records it
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { openSync, readSync, closeSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SETLINFO_AMOUNTS, type Client, type Settlement, type Credential } from './client.js';
import type { Core, TxnAction, TxnEvent, TxnProtocol, TxnResult } from './contract.js';
import type { Journal, JournalAmounts, JournalEntry, JournalState, PendingSettlement, RecoverReport, RefundResult, ReliableSettlementApi } from './journal-contract.js';
import type { CanonicalOp, WireRequest } from '../../plugins/contract.js';
import { billTotal, type Bill } from './flows.js';
import { YibaoError } from './errors.js';

export const CRASH_POINTS = [
  'before-intent', 'after-intent', 'before-send', 'after-send', 'after-reply', 'after-unknown', 'after-succeeded',
  'before-commit', 'before-cancel', 'after-cancel', 'after-reverse',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** Test hook (see the header): SIGKILLs this process at `point` when YIBAO_CRASH_AT names it; inert otherwise. */
export function crashPoint(point: CrashPoint): void {
  const at = process.env.YIBAO_CRASH_AT;
  if (!at || at !== point) return;
  if (point === 'after-send') {
    const ms = Number(process.env.YIBAO_CRASH_DELAY_MS ?? 20);
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), Number.isFinite(ms) ? ms : 20);
    return;
  }
  process.kill(process.pid, 'SIGKILL');
}

/** What recover() did; `left` = unfinished entries it could not (or must not yet) resolve. */
export interface RecoverResult extends RecoverReport {
  left: number;
  /** what went wrong with the entries that are left (journal id, HIS key, last error) */
  errors: { id: number; his_key: string; state: JournalState; error: string }[];
}

export interface ReliableStep {
  journalId: number;
  his_key: string;
  msgid: string;
  from: JournalState | 'new';
  event: TxnEvent;
  to: JournalState;
  action: TxnAction;
}

export interface ReliableClientOptions {
  client: Client;
  journal: Journal;
  /** lease owner (default yibao/<host>/<pid>/<random>); the host and pid let another process on this machine detect a dead owner */
  owner?: string;
  /** default HIS oracle of recover() (see the header); without one, succeeded entries are left (null) */
  hisCommitted?: (his_key: string) => Promise<boolean | null>;
  /** how long an in-flight or pending settlement stays leased to this process (default 10 min) */
  leaseMs?: number;
  /** every state change (audit / logs) */
  onStep?: (s: ReliableStep) => void;
}

export interface ReliableClient extends ReliableSettlementApi {
  readonly owner: string;
  readonly journal: Journal;
  recover(opts?: { hisCommitted?: (his_key: string) => Promise<boolean | null> }): Promise<RecoverResult>;
  refund(req: { his_key: string; setl_id?: string }): Promise<RefundResult>;
}

export const UNDONE: readonly JournalState[] = ['failed', 'cancelled', 'reversed'];
const TERMINAL: readonly JournalState[] = ['failed', 'confirmed', 'cancelled', 'reversed'];
const MONEY_OPS: readonly CanonicalOp[] = ['settle', 'inpatientSettle'];
/** journal ops of refunds (2208 / 2305 of a confirmed settlement, its own entry) */
export const REFUND_OPS: readonly CanonicalOp[] = ['cancelSettle', 'cancelInpatientSettle'];
const isRefund = (e: { op: CanonicalOp }) => REFUND_OPS.includes(e.op);

function protocolOf(family: string): TxnProtocol | null {
  return family === 'national-json' ? 'national' : null;
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

function amountsOf(setlinfo: Record<string, unknown>): JournalAmounts {
  const n = (k: string) => {
    const v = Number(setlinfo[k] ?? 0);
    return Number.isSafeInteger(v) ? v : 0;
  };
  return { medfee_sumamt: n('medfee_sumamt'), fund_pay_sumamt: n('fund_pay_sumamt'), acct_pay: n('acct_pay'), psn_cash_pay: n('psn_cash_pay') };
}

export function errText(e: unknown): string {
  if (e instanceof YibaoError) return `${e.code}: ${e.detail ?? e.message}`;
  return `ERROR: ${(e as Error)?.message ?? String(e)}`;
}

const isCenterError = (e: unknown) => e instanceof YibaoError && e.code === 'CENTER_ERROR';

/** Thrown from beforeSend when the client would repeat the journaled call under a new msgid. */
class ResendRefused extends Error {}

export function defaultOwner(): string {
  return `yibao/${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}

/** True when `owner` names a process of this machine that no longer runs. */
export function ownerIsDead(owner: string): boolean {
  const m = /^yibao\/(.+)\/(\d+)\/[0-9a-f]+$/.exec(owner);
  if (!m || m[1] !== hostname()) return false;
  const pid = Number(m[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * The HIS's own record of committed keys, for recover() and `yibao recover --his-ledger FILE`. The formats of
 * `yibao reconcile --his-ledger` are accepted, so one file serves both:
 * - SQLite (detected by its header): table his_ledger with a his_key column (and optionally status
 *   'valid' | 'cancelled' and/or committed 0 | 1);
 * - JSON: an array of committed keys (strings), an array of rows {his_key, status?, committed?} (or
 *   {"rows": [...]}), or an object {his_key: true | false | null};
 * - CSV with a header line naming his_key (and optionally status / committed).
 * A key is committed when one of its rows is not cancelled and not committed = 0. A key that is not listed is
 * NOT committed (false) — presumed abort: the HIS writes its row in the same database transaction as its bill.
 */
export function hisLedgerOracle(file: string): (his_key: string) => Promise<boolean | null> {
  const head = Buffer.alloc(16);
  try {
    const fd = openSync(file, 'r');
    try {
      readSync(fd, head, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw YibaoError.host('IO_ERROR', `${file}: ${(e as Error).message}`, e);
  }
  const rowCommitted = (r: Record<string, unknown>) => {
    const st = str(r.status).trim().toLowerCase();
    const c = str(r.committed).trim();
    return st !== 'cancelled' && c !== '0' && c.toLowerCase() !== 'false';
  };
  if (head.toString('latin1') === 'SQLite format 3\u0000') {
    return async (k) => {
      // a fresh connection per question: the HIS may be writing its ledger meanwhile
      const db = new Database(file, { fileMustExist: true });
      try {
        const rows = db.prepare(`SELECT * FROM his_ledger WHERE his_key = ?`).all(k) as Record<string, unknown>[];
        return rows.some(rowCommitted);
      } catch (e) {
        throw YibaoError.host('BAD_INPUT', `${file}: needs a table his_ledger(his_key, …): ${(e as Error).message}`, e);
      } finally {
        db.close();
      }
    };
  }
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const committed = new Map<string, boolean | null>();
  const addRow = (r: Record<string, unknown>) => {
    const k = str(r.his_key).trim();
    if (k) committed.set(k, committed.get(k) === true || rowCommitted(r));
  };
  if (/^\s*[[{]/.test(text)) {
    let j: unknown;
    try {
      j = JSON.parse(text);
    } catch (e) {
      throw YibaoError.host('BAD_INPUT', `${file}: ${(e as Error).message}`, e);
    }
    const arr = Array.isArray(j) ? j : j && typeof j === 'object' && Array.isArray((j as { rows?: unknown }).rows) ? (j as { rows: unknown[] }).rows : null;
    if (arr) {
      for (const x of arr) {
        if (typeof x === 'string') committed.set(x, true);
        else if (x && typeof x === 'object') addRow(x as Record<string, unknown>);
      }
    } else if (j && typeof j === 'object') {
      for (const [k, v] of Object.entries(j as Record<string, unknown>)) committed.set(k, v === null ? null : v === true || v === 1);
    } else throw YibaoError.host('BAD_INPUT', `${file}: expected a JSON array of keys or rows, or an object {key: true|false|null}`);
  } else {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const headCols = (lines.shift() ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
    if (!headCols.includes('his_key')) throw YibaoError.host('BAD_INPUT', `${file}: not SQLite, JSON, nor CSV with a his_key column`);
    for (const l of lines) {
      const cells = l.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
      addRow(Object.fromEntries(headCols.map((h, i) => [h, cells[i] ?? ''])));
    }
  }
  return async (k) => (committed.has(k) ? committed.get(k)! : false);
}

/**
 * The journal side of every reliable client (national here, Yinhai in plugins/chengdu/reliable.ts): each
 * step asks op 70 (core.txn.next) for the next state and action and writes it with a compare-and-set; leases
 * keep two processes from resolving one entry.
 */
export interface TxnSteps {
  machine(e: JournalEntry | { state: 'new'; infno: string }, event: TxnEvent, waiting: boolean): TxnResult;
  /** One step: asks op 70, writes the new state (CAS) with the patch; null when another process moved the entry first. */
  step(e: JournalEntry, event: TxnEvent, waiting: boolean, patch?: Parameters<Journal['transition']>[3]): Promise<{ entry: JournalEntry; action: TxnAction } | null>;
  /** step() that throws STATE_ERROR when another process moved the entry. */
  mustStep(e: JournalEntry, event: TxnEvent, waiting: boolean, patch?: Parameters<Journal['transition']>[3]): Promise<{ entry: JournalEntry; action: TxnAction }>;
  /** Takes the entry's lease (renewing our own; taking over one of a dead local process). */
  claim(e: JournalEntry): Promise<boolean>;
  /** recover()'s claim: never an entry a live owner holds (this one included: a settle in flight or a pending settlement). */
  claimForRecovery(e: JournalEntry): Promise<boolean>;
}

export function createTxnSteps(o: {
  core: Core;
  journal: Journal;
  protocol: () => TxnProtocol;
  owner: string;
  leaseMs: number;
  reversible?: (infno: string) => boolean;
  onStep?: (s: ReliableStep) => void;
}): TxnSteps {
  const { core, journal, owner, leaseMs } = o;
  const reversible = o.reversible ?? (() => false);
  function machine(e: JournalEntry | { state: 'new'; infno: string }, event: TxnEvent, waiting: boolean): TxnResult {
    return core.txn.next({ protocol: o.protocol(), state: e.state, event, reversible: reversible(e.infno), his_waiting: waiting });
  }

  /**
   * One step: asks op 70, writes the new state (CAS) with the patch. Returns the entry and the next action;
   * null when another process moved the entry first.
   */
  async function step(e: JournalEntry, event: TxnEvent, waiting: boolean, patch: Parameters<Journal['transition']>[3] = {}): Promise<{ entry: JournalEntry; action: TxnAction } | null> {
    const r = machine(e, event, waiting);
    const to = r.state as JournalState; // op 70 never answers 'new'
    const hasPatch = Object.values(patch ?? {}).some((v) => v !== undefined);
    let entry = e;
    if (to !== e.state || hasPatch) {
      const n = await journal.transition(e.id, e.state, to, patch);
      if (!n) return null;
      entry = n;
    }
    o.onStep?.({ journalId: e.id, his_key: e.his_key, msgid: e.msgid, from: e.state, event, to, action: r.action });
    return { entry, action: r.action };
  }

  async function mustStep(e: JournalEntry, event: TxnEvent, waiting: boolean, patch?: Parameters<Journal['transition']>[3]) {
    const r = await step(e, event, waiting, patch);
    if (!r) throw YibaoError.host('STATE_ERROR', `journal entry ${e.id} (${e.his_key}) was changed by another process during ${event}`);
    return r;
  }

  /** Takes the entry's lease (renewing our own; taking over one of a dead local process). */
  async function claim(e: JournalEntry): Promise<boolean> {
    // ours with more than half its time left: nothing to write
    if (e.lease_owner === owner && e.lease_until && Date.parse(e.lease_until) - Date.now() > leaseMs / 2) return true;
    if (await journal.claim(e.id, owner, leaseMs)) return true;
    const cur = await journal.get(e.id);
    if (cur?.lease_owner && cur.lease_owner !== owner && ownerIsDead(cur.lease_owner)) {
      await journal.release(e.id, cur.lease_owner);
      return journal.claim(e.id, owner, leaseMs);
    }
    return false;
  }

  /**
   * recover() takes an entry only when nobody alive holds it: a live lease — also one of this very owner (a
   * settle() in flight, or a settlement pending until commit / abort, possibly in another client instance with
   * the same owner, as the agent makes them) — keeps it off. A dead local owner's lease is taken over.
   */
  async function claimForRecovery(e: JournalEntry): Promise<boolean> {
    const cur = await journal.get(e.id);
    if (!cur) return false;
    if (cur.lease_owner && cur.lease_until && Date.parse(cur.lease_until) > Date.now()) {
      if (cur.lease_owner === owner || !ownerIsDead(cur.lease_owner)) return false;
      await journal.release(e.id, cur.lease_owner);
    }
    return journal.claim(e.id, owner, leaseMs);
  }


  return { machine, step, mustStep, claim, claimForRecovery };
}

/** Refuses a second settlement (op) under one HIS key while one is live or confirmed (an undone one does not count). */
export async function refuseLive(journal: Journal, his_key: string, op: CanonicalOp): Promise<void> {
  const live = (await journal.list({ his_key })).filter((x) => x.op === op && !UNDONE.includes(x.state));
  if (live.length) {
    const x = live[0]!;
    throw YibaoError.host('DUPLICATE', `HIS key ${his_key} already has a ${x.state} ${x.op} (journal ${x.id}, msgid ${x.msgid}${x.setl_id ? ', setl_id ' + x.setl_id : ''})`);
  }
}

/** The settlements (MONEY_OPS) the journal holds for one HIS key in one region. */
export async function settlementEntries(journal: Journal, his_key: string, region: string): Promise<JournalEntry[]> {
  return (await journal.list({ his_key })).filter((x) => MONEY_OPS.includes(x.op) && x.region === region);
}

/** The two-phase, journaled settlement client (national family). */
/**
 * The recover() loop every family shares: for each unfinished entry this client owns, take the recovery
 * lease, then step it (HIS oracle for succeeded entries, `recover` otherwise) and drive the action op 70
 * answers until it is terminal, needs a person, or must wait.
 */
export async function recoverUnfinished(p: {
  journal: Journal;
  owner: string;
  /** null when this client resolves the entry, else why it leaves it */
  refuses: (e: JournalEntry) => string | null;
  claimForRecovery: (e: JournalEntry) => Promise<boolean>;
  step: TxnSteps['step'];
  drive: (entry: JournalEntry, action: TxnAction) => Promise<{ entry: JournalEntry; action: TxnAction }>;
  /** did the HIS commit this succeeded entry (null: cannot say) */
  hisCommitted: (e: JournalEntry) => Promise<boolean | null>;
}): Promise<RecoverResult> {
  const { journal } = p;
  const report: RecoverResult = { resolved: 0, confirmed: 0, cancelled: 0, reversed: 0, failed: 0, left: 0, errors: [] };
  const leave = (e: JournalEntry, why: string) => {
    report.left++;
    report.errors.push({ id: e.id, his_key: e.his_key, state: e.state, error: why });
  };
  for (const e0 of await journal.unfinished()) {
    const refused = p.refuses(e0);
    if (refused !== null) {
      leave(e0, refused);
      continue;
    }
    if (!(await p.claimForRecovery(e0))) {
      leave(e0, `leased by ${(await journal.get(e0.id))?.lease_owner ?? 'another process'} (in flight or pending there)`);
      continue;
    }
    let e: JournalEntry | null = e0;
    let why = '';
    try {
      e = await journal.get(e0.id);
      // another process finished it between unfinished() and the claim: not ours to count
      if (e && TERMINAL.includes(e.state)) continue;
      for (let phase = 0; e && !TERMINAL.includes(e.state) && phase < 3; phase++) {
        let r: { entry: JournalEntry; action: TxnAction } | null;
        if (e.state === 'succeeded') {
          const c = await p.hisCommitted(e);
          if (c === null) {
            why = 'the HIS cannot say whether it committed';
            break;
          }
          r = await p.step(e, c ? 'his_committed' : 'his_aborted', false);
        } else r = await p.step(e, 'recover', false);
        if (!r) {
          why = 'moved by another process';
          break;
        }
        const d = await p.drive(r.entry, r.action);
        e = d.entry;
        if (d.action === 'wait' || d.action === 'manual') {
          why = `${d.action}: ${e.error ?? ''}`;
          break;
        }
      }
      if (e && TERMINAL.includes(e.state)) {
        report.resolved++;
        report[e.state as 'confirmed' | 'cancelled' | 'reversed' | 'failed']++;
      } else leave(e ?? e0, why || 'unresolved');
    } catch (err) {
      leave(e ?? e0, errText(err));
    } finally {
      await journal.release(e0.id, p.owner);
    }
  }
  return report;
}

/**
 * abort() as every family does it: the HIS failed, so each settlement still pending for the key is undone
 * at the center (the protocol's cancel, chosen by op 70). Already undone: nothing to do.
 */
export async function abortPending(p: {
  his_key: string;
  entries: JournalEntry[];
  journal: Journal;
  owner: string;
  claim: (e: JournalEntry) => Promise<boolean>;
  mustStep: TxnSteps['mustStep'];
  drive: (entry: JournalEntry, action: TxnAction) => Promise<{ entry: JournalEntry; action: TxnAction }>;
  /** what the cancel is called, for the error ("the cancel of 123", "yh_interface_cancel of journal 7") */
  cancelName: (e: JournalEntry) => string;
}): Promise<void> {
  const { his_key, entries: all } = p;
  const todo = all.filter((x) => x.state === 'succeeded');
  if (todo.length === 0) {
    if (all.length && all.every((x) => UNDONE.includes(x.state))) return; // undone already
    const last = all[all.length - 1];
    throw YibaoError.host('STATE_ERROR', `abort ${his_key}: no pending settlement${last ? ` (journal ${last.id} is ${last.state})` : ''}`);
  }
  for (const e of todo) {
    if (!(await p.claim(e))) throw YibaoError.host('STATE_ERROR', `abort ${his_key}: journal ${e.id} is being resolved by another process`);
    const r = await p.mustStep(e, 'his_aborted', false);
    const d = await p.drive(r.entry, r.action);
    await p.journal.release(e.id, p.owner);
    if (!UNDONE.includes(d.entry.state)) {
      throw YibaoError.host('OUTCOME_UNKNOWN', `abort ${his_key}: ${p.cancelName(e)} did not complete (${d.entry.error ?? d.action}); recover() retries it`);
    }
  }
}

export function createReliableClient(o: ReliableClientOptions): ReliableClient {
  const { client, journal } = o;
  const core = client.core;
  const manifest = client.plugin.manifest;
  const region = manifest.id;
  const protocol = protocolOf(manifest.family);
  const owner = o.owner ?? defaultOwner();
  const leaseMs = o.leaseMs ?? 10 * 60 * 1000;
  const sha256hex = (t: string) => core.hash.hex(core.hash.sha256(t));
  const reversible = (infno: string) => manifest.transactions[infno]?.reversible === true;

  function needProtocol(): TxnProtocol {
    if (!protocol) throw YibaoError.host('NOT_SUPPORTED', `${region}: reliable settlement is implemented for the national family (this is ${manifest.family})`);
    return protocol;
  }

  const { machine, step, mustStep, claim, claimForRecovery } = createTxnSteps({ core, journal, protocol: needProtocol, owner, leaseMs, reversible, onStep: o.onStep });

  /**
   * input_json = the request's input node exactly (numbers as their verbatim text, via the core's exact JSON)
   * plus `_envelope: {insuplc_admdvs}` — the envelope field every later call about this person needs (a
   * recovering process has not identified anyone); input_digest = sha256 of the exact input without it.
   */
  function journaledInput(wire: WireRequest): { input_json: string; input_digest: string } {
    const env = core.codec.json.parseExact(wire.body) as { input?: unknown; insuplc_admdvs?: unknown };
    const input = env.input && typeof env.input === 'object' && !Array.isArray(env.input) ? (env.input as Record<string, unknown>) : {};
    const exact = JSON.stringify(input);
    return { input_json: JSON.stringify({ ...input, _envelope: { insuplc_admdvs: str(env.insuplc_admdvs) } }), input_digest: sha256hex(exact) };
  }

  /** Calls about an entry's person carry its 参保地区划 (from the journal; the center refuses them without). */
  function personContext(e: JournalEntry): void {
    try {
      const admdvs = str((JSON.parse(e.input_json) as { _envelope?: { insuplc_admdvs?: unknown } })._envelope?.insuplc_admdvs);
      if (admdvs) client.insuplcAdmdvs = admdvs;
    } catch {
      /* an entry journaled elsewhere without the envelope: keep the client's */
    }
  }

  // ---- at the center -------------------------------------------------------------------------

  interface Found {
    event: TxnEvent;
    patch?: Parameters<Journal['transition']>[3];
    settlement?: { setlinfo: Record<string, unknown>; setldetail: PendingSettlement['setldetail'] };
  }

  /** 5204 (lines of the visit, with their setl_id) → 5203 per setl_id, matched by medins_setl_id = msgid. */
  async function query(e: JournalEntry): Promise<Found> {
    if (!e.psn_no || !e.mdtrt_id) return { event: 'query_failed', patch: { error: 'query: no psn_no / mdtrt_id journaled' } };
    try {
      const lines = await client.invoke('queryFeeDetails', { data: { psn_no: e.psn_no, mdtrt_id: e.mdtrt_id, setl_id: '' } });
      const raw = lines.output.feedetail;
      const rows = (Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : []) as Record<string, unknown>[];
      const ids = [...new Set(rows.map((r) => str(r.setl_id)).filter((x) => x !== ''))];
      if (e.setl_id && !ids.includes(e.setl_id)) ids.unshift(e.setl_id);
      for (const setl_id of ids) {
        const q = await client.invoke('querySettlements', { data: { psn_no: e.psn_no, setl_id, mdtrt_id: e.mdtrt_id } });
        const info = (q.output.setlinfo ?? {}) as Record<string, unknown>;
        if (str(info.medins_setl_id) !== e.msgid || str(info.refd_setl_flag) === '1') continue;
        const stas = str(info.setl_stas);
        const valid = info.vali_flag === undefined || str(info.vali_flag) === '1';
        if (!valid && stas === 'reversed') return { event: 'reverse_ok', patch: { setl_id, error: `5203: ${setl_id} already reversed` } };
        if (!valid) return { event: 'query_not_found', patch: { setl_id, error: `5203: ${setl_id} no longer in force (${stas || 'vali_flag 0'})` } };
        const detailRaw = q.output.setldetail;
        const setldetail = ((Array.isArray(detailRaw) ? detailRaw : []) as Record<string, unknown>[]).map((x) => ({
          fund_pay_type: str(x.fund_pay_type), fund_pay_type_name: str(x.fund_pay_type_name), fund_payamt: Number(x.fund_payamt ?? 0), inscp_scp_amt: Number(x.inscp_scp_amt ?? 0),
        }));
        return {
          event: 'query_found',
          patch: { setl_id, amounts: amountsOf(info), reply_json: JSON.stringify({ setlinfo: info, setldetail, source: '5203' }) },
          settlement: { setlinfo: info, setldetail },
        };
      }
      return { event: 'query_not_found' };
    } catch (err) {
      return { event: 'query_failed', patch: { error: `query: ${errText(err)}` } };
    }
  }

  /** Records the undo's msgid before it leaves (audit; the entry keeps its state). */
  const recordUndo = (e: JournalEntry) => async (req: WireRequest) => {
    await journal.transition(e.id, e.state, e.state, { undo_msgid: req.msgid });
  };

  /** 2601 冲正 of the entry's msgid. */
  async function reverse(e: JournalEntry): Promise<Found> {
    let undo = '';
    try {
      const r = await client.reverse({ psn_no: e.psn_no ?? '', omsgid: e.msgid, oinfno: e.infno }, {
        beforeSend: async (req) => {
          undo = req.msgid;
          await recordUndo(e)(req);
        },
      });
      crashPoint('after-reverse');
      return { event: 'reverse_ok', patch: { undo_msgid: r.msgid, error: r.warn_msg ? `2601 ${r.msgid}: ${r.warn_msg}` : null } };
    } catch (err) {
      crashPoint('after-reverse');
      return { event: isCenterError(err) ? 'reverse_refused' : 'reverse_failed', patch: { undo_msgid: undo || undefined, error: `2601: ${errText(err)}` } };
    }
  }

  /** Where the settlement stands at the center (5203 by setl_id): 'valid' | 'cancelled' | 'reversed' | '' (unknown). */
  async function settlementStatus(e: JournalEntry): Promise<string> {
    try {
      const q = await client.invoke('querySettlements', { data: { psn_no: e.psn_no ?? '', setl_id: e.setl_id ?? '', mdtrt_id: e.mdtrt_id ?? '' } });
      const info = (q.output.setlinfo ?? {}) as Record<string, unknown>;
      const stas = str(info.setl_stas);
      if (stas) return stas;
      return str(info.vali_flag) === '0' ? 'cancelled' : 'valid';
    } catch {
      return '';
    }
  }

  /** 2208 / 2305; a refusal is checked against 5203 (a cancel the journal did not record before a crash). */
  async function cancel(e: JournalEntry): Promise<Found> {
    if (!e.setl_id || !e.mdtrt_id || !e.psn_no) return { event: 'cancel_refused', patch: { error: 'cancel: no setl_id / mdtrt_id / psn_no journaled' } };
    const p = { setl_id: e.setl_id, mdtrt_id: e.mdtrt_id, psn_no: e.psn_no };
    crashPoint('before-cancel');
    let undo = '';
    const beforeSend = async (req: WireRequest) => {
      undo = req.msgid;
      await recordUndo(e)(req);
    };
    try {
      const c = e.op === 'inpatientSettle' ? await client.cancelInpatientSettle(p, { beforeSend }) : await client.cancelSettle(p, { beforeSend });
      crashPoint('after-cancel');
      return { event: 'cancel_ok', patch: { undo_msgid: c.msgid, error: null } };
    } catch (err) {
      crashPoint('after-cancel');
      if (!isCenterError(err)) return { event: 'cancel_failed', patch: { undo_msgid: undo || undefined, error: `cancel: ${errText(err)}` } };
      const stas = await settlementStatus(e);
      if (stas === 'cancelled') return { event: 'cancel_ok', patch: { error: `cancel: already cancelled at the center (${errText(err)})` } };
      if (stas === 'reversed' && reversible(e.infno)) return { event: 'reverse_ok', patch: { error: `cancel: already reversed at the center (${errText(err)})` } };
      return { event: 'cancel_refused', patch: { undo_msgid: undo || undefined, error: `cancel: ${errText(err)}` } };
    }
  }

  /** The settlement a refund entry refunds (journaled with it: setl_id, else the request's data). */
  function refundTarget(e: JournalEntry): { setl_id: string; mdtrt_id: string; psn_no: string } {
    let d: Record<string, unknown> = {};
    try {
      d = ((JSON.parse(e.input_json) as { data?: Record<string, unknown> }).data ?? {}) as Record<string, unknown>;
    } catch {
      /* keep the entry's own columns */
    }
    return { setl_id: e.setl_id || str(d.setl_id), mdtrt_id: e.mdtrt_id || str(d.mdtrt_id), psn_no: e.psn_no || str(d.psn_no) };
  }

  /**
   * Did the refund take effect? 5203 of the refunded setl_id: cancelled → found (the refund's amounts are
   * the settlement's, negated: 2208 / 2305 undo a whole settlement); in force or reversed → not found.
   */
  async function refundQuery(e: JournalEntry): Promise<Found> {
    const t = refundTarget(e);
    if (!t.setl_id || !t.psn_no) return { event: 'query_failed', patch: { error: 'query: no setl_id / psn_no journaled for the refund' } };
    try {
      const q = await client.invoke('querySettlements', { data: { psn_no: t.psn_no, setl_id: t.setl_id, mdtrt_id: t.mdtrt_id } });
      const info = (q.output.setlinfo ?? {}) as Record<string, unknown>;
      const stas = str(info.setl_stas);
      const cancelled = stas ? stas === 'cancelled' : str(info.vali_flag) === '0';
      if (!cancelled) return { event: 'query_not_found', patch: { setl_id: t.setl_id, error: `5203: ${t.setl_id} ${stas || 'in force'}: the refund did not take effect` } };
      const setlinfo: Record<string, unknown> = { ...info };
      for (const k of SETLINFO_AMOUNTS) if (k !== 'balc' && typeof info[k] === 'number') setlinfo[k] = -(info[k] as number) || 0;
      const detailRaw = q.output.setldetail;
      const setldetail = ((Array.isArray(detailRaw) ? detailRaw : []) as Record<string, unknown>[]).map((x) => ({
        fund_pay_type: str(x.fund_pay_type), fund_pay_type_name: str(x.fund_pay_type_name), fund_payamt: -Number(x.fund_payamt ?? 0) || 0, inscp_scp_amt: -Number(x.inscp_scp_amt ?? 0) || 0,
      }));
      return {
        event: 'query_found',
        patch: { setl_id: t.setl_id, amounts: amountsOf(setlinfo), reply_json: JSON.stringify({ setlinfo, setldetail, source: '5203', refund_setl_id: '' }) },
        settlement: { setlinfo, setldetail },
      };
    } catch (err) {
      return { event: 'query_failed', patch: { error: `query: ${errText(err)}` } };
    }
  }

  /**
   * The undo of a refund the HIS never heard of (presumed abort): 2601 of the refund's msgid — the settlement
   * is in force again. In 'succeeded' op 70 knows this undo as the entry's cancel: a 2601 without an answer
   * is cancel_failed (wait), a refused one cancel_refused (manual).
   */
  async function undoRefund(e: JournalEntry): Promise<Found> {
    crashPoint('before-cancel');
    const f = await reverse(e);
    if (f.event === 'reverse_failed') return { ...f, event: 'cancel_failed' };
    if (f.event === 'reverse_refused') return { ...f, event: 'cancel_refused' };
    return f;
  }

  /** Follows the machine's actions until it says none / wait / manual. */
  async function drive(e: JournalEntry, action: TxnAction, waiting: boolean): Promise<{ entry: JournalEntry; action: TxnAction; found?: Found['settlement'] }> {
    let found: Found['settlement'];
    personContext(e);
    for (let guard = 0; guard < 8; guard++) {
      let f: Found;
      if (action === 'query') f = isRefund(e) ? await refundQuery(e) : await query(e);
      else if (action === 'reverse') f = await reverse(e);
      else if (action === 'cancel') f = isRefund(e) ? await undoRefund(e) : await cancel(e);
      else if (action === 'confirm') throw YibaoError.host('NOT_SUPPORTED', `${region}: center confirm (${protocol})`);
      else return { entry: e, action, found };
      if (f.settlement) found = f.settlement;
      const r = await step(e, f.event, waiting, f.patch);
      if (!r) return { entry: (await journal.get(e.id)) ?? e, action: 'none', found };
      e = r.entry;
      action = r.action;
    }
    return { entry: e, action: 'wait', found };
  }

  // ---- settle ---------------------------------------------------------------------------------

  function credential(b: Bill): Credential {
    if (!b || typeof b !== 'object') throw YibaoError.host('BAD_INPUT', 'bill must be an object');
    if (!b.mdtrt_cert_type || !b.mdtrt_cert_no) throw YibaoError.host('BAD_INPUT', 'bill needs mdtrt_cert_type and mdtrt_cert_no');
    if (!Array.isArray(b.fee_items) || b.fee_items.length === 0) throw YibaoError.host('BAD_INPUT', 'bill needs fee_items');
    return { mdtrt_cert_type: b.mdtrt_cert_type, mdtrt_cert_no: b.mdtrt_cert_no, card_sn: b.card_sn };
  }

  function pendingOf(e: JournalEntry, s: { setlinfo: Record<string, unknown>; setldetail: PendingSettlement['setldetail'] }): PendingSettlement {
    return { journalId: e.id, his_key: e.his_key, msgid: e.msgid, infno: e.infno, setl_id: e.setl_id ?? '', mdtrt_id: e.mdtrt_id ?? '', psn_no: e.psn_no ?? '', setlinfo: s.setlinfo, setldetail: s.setldetail };
  }

  async function settle(req: { his_key: string; bill: unknown; inpatient?: boolean }): Promise<PendingSettlement> {
    needProtocol();
    const his_key = req.his_key;
    if (typeof his_key !== 'string' || his_key === '') throw YibaoError.host('BAD_INPUT', 'his_key');
    const bill = req.bill as Bill;
    const cred = credential(bill);
    const op: CanonicalOp = req.inpatient ? 'inpatientSettle' : 'settle';
    await refuseLive(journal, his_key, op);

    // the flow up to the money call (flows.ts): nothing here moves money
    const person = await client.identify(cred, bill.insutype);
    const insutype = bill.insutype ?? person.insutype;
    const medfee_sumamt = billTotal(client, bill.fee_items);
    let call: (opts: { beforeSend: (r: WireRequest) => Promise<void> }) => Promise<Settlement>;
    let mdtrt_id: string;
    if (!req.inpatient) {
      const med_type = bill.med_type ?? '11';
      const ipt_otp_no = bill.ipt_otp_no ?? `MZ${Date.now()}`;
      const visit = { dept_code: bill.dept_code ?? 'A03', dept_name: bill.dept_name ?? '内科', dr_code: bill.dr_code ?? 'D0001', dr_name: bill.dr_name ?? '医师' };
      ({ mdtrt_id } = await client.register({ psn_no: person.psn_no, insutype, credential: cred, ipt_otp_no, ...visit }));
      await client.uploadVisit({ mdtrt_id, psn_no: person.psn_no, med_type, diagnoses: bill.diagnoses ?? [{ code: 'J06.900', name: '急性上呼吸道感染' }], ...visit });
      const chrg_bchno = `${ipt_otp_no}01`;
      await client.uploadFees({ mdtrt_id, psn_no: person.psn_no, chrg_bchno, lines: bill.fee_items, ...visit });
      const p = { psn_no: person.psn_no, mdtrt_id, insutype, med_type, credential: cred, medfee_sumamt, chrg_bchno, acct_used_flag: bill.acct_used_flag ?? '1' };
      const pre = await client.presettle(p);
      call = (opts) => client.settle(p, pre, opts);
    } else {
      const diagnoses = bill.diagnoses ?? [{ code: 'K35.800', name: '急性阑尾炎' }];
      const ipt_no = bill.ipt_otp_no ?? `ZY${Date.now()}`;
      const dept = { dept_code: bill.dept_code ?? 'A04', dept_name: bill.dept_name ?? '外科', dr_code: bill.dr_code ?? 'D0002', dr_name: bill.dr_name ?? '医师' };
      ({ mdtrt_id } = await client.admit({ psn_no: person.psn_no, insutype, credential: cred, ipt_no, med_type: bill.med_type ?? '21', diagnoses, bed: bill.bed ?? '1', ...dept }));
      await client.uploadInpatientFees({ mdtrt_id, psn_no: person.psn_no, lines: bill.fee_items, ...dept });
      const p = { psn_no: person.psn_no, mdtrt_id, insutype, credential: cred, medfee_sumamt, acct_used_flag: bill.acct_used_flag ?? '1' };
      await client.inpatientPresettle(p);
      await client.discharge({ mdtrt_id, psn_no: person.psn_no, insutype, diagnoses, ...dept });
      call = (opts) => client.inpatientSettle(p, opts);
    }

    // the money call: intent and 'sent' are durable before the request leaves
    let entry: JournalEntry | null = null;
    let sends = 0;
    const beforeSend = async (wire: WireRequest) => {
      if (sends++ > 0) throw new ResendRefused('the center refused the journaled msgid (sign_no); not repeated under a new msgid');
      const { input_json, input_digest } = journaledInput(wire);
      crashPoint('before-intent');
      machine({ state: 'new', infno: wire.infno }, 'begin', true);
      entry = await journal.begin({ msgid: wire.msgid, infno: wire.infno, op, region, his_key, input_json, input_digest, psn_no: person.psn_no, mdtrt_id });
      o.onStep?.({ journalId: entry.id, his_key, msgid: entry.msgid, from: 'new', event: 'begin', to: 'intent', action: 'send' });
      await claim(entry);
      crashPoint('after-intent');
      entry = (await mustStep(entry, 'sent', true)).entry;
      crashPoint('before-send');
      crashPoint('after-send');
    };
    let s: Settlement | undefined;
    let err: unknown;
    try {
      s = await call({ beforeSend });
    } catch (e) {
      err = e;
    }
    const e0 = entry as JournalEntry | null;
    if (!e0) throw err; // nothing journaled, nothing sent
    try {
      crashPoint('after-reply');
      if (s) {
        const r = await mustStep(e0, 'reply_ok', true, { setl_id: s.setl_id, amounts: amountsOf(s.setlinfo), reply_json: JSON.stringify({ setlinfo: s.setlinfo, setldetail: s.setldetail }) });
        crashPoint('after-succeeded');
        return pendingOf(r.entry, s); // still leased to this process (since the intent) until commit / abort
      }
      if (err instanceof ResendRefused || isCenterError(err)) {
        await mustStep(e0, 'reply_error', true, { error: errText(err) });
        throw err instanceof ResendRefused ? YibaoError.host('CENTER_ERROR', err.message) : err;
      }
      // outcome unknown: resolve now, while the HIS waits
      const u = await mustStep(e0, 'transport_unknown', true, { error: errText(err) });
      crashPoint('after-unknown');
      const d = await drive(u.entry, u.action, true);
      const end = d.entry;
      if (end.state === 'succeeded' && d.found) {
        crashPoint('after-succeeded');
        return pendingOf(end, d.found);
      }
      if (UNDONE.includes(end.state)) {
        throw YibaoError.host('NOT_SETTLED', `${his_key}: ${e0.infno} ${e0.msgid} had an unknown outcome (${errText(err)}); resolved as ${end.state}${end.undo_msgid ? ' by ' + end.undo_msgid : ''}: nothing is settled`, err);
      }
      throw YibaoError.host('OUTCOME_UNKNOWN', `${his_key}: ${e0.infno} ${e0.msgid} (${errText(err)}); journal ${end.id} is ${end.state}, recover() resolves it`, err);
    } catch (x) {
      // failed, undone, or still unknown: the entry is no longer this settle()'s; recover() (of this process
      // too) takes whatever is unfinished
      await journal.release(e0.id, owner).catch(() => undefined);
      throw x;
    }
  }

  // ---- commit / abort ----------------------------------------------------------------------------

  async function commit(his_key: string): Promise<void> {
    const all = await settlementEntries(journal, his_key, region);
    const todo = all.filter((x) => x.state === 'succeeded');
    if (todo.length === 0) {
      if (all.some((x) => x.state === 'confirmed')) return; // committed already
      const last = all[all.length - 1];
      throw YibaoError.host('STATE_ERROR', `commit ${his_key}: no pending settlement${last ? ` (journal ${last.id} is ${last.state})` : ''}`);
    }
    for (const e of todo) {
      if (!(await claim(e))) throw YibaoError.host('STATE_ERROR', `commit ${his_key}: journal ${e.id} is being resolved by ${(await journal.get(e.id))?.lease_owner ?? 'another process'}`);
      crashPoint('before-commit');
      const r = await mustStep(e, 'his_committed', false);
      if (r.action !== 'none') await drive(r.entry, r.action, false);
      await journal.release(e.id, owner);
    }
  }

  async function abort(his_key: string): Promise<void> {
    await abortPending({
      his_key, entries: await settlementEntries(journal, his_key, region), journal, owner, claim, mustStep,
      drive: (entry, action) => drive(entry, action, false),
      cancelName: (e) => `the cancel of ${e.setl_id}`,
    });
  }

  // ---- recover ------------------------------------------------------------------------------------

  async function recover(opts: { hisCommitted?: (his_key: string) => Promise<boolean | null> } = {}): Promise<RecoverResult> {
    const oracle = opts.hisCommitted ?? o.hisCommitted ?? (async () => null);
    return recoverUnfinished({
      journal, owner, claimForRecovery, step,
      refuses: (e) => (e.region === region && (MONEY_OPS.includes(e.op) || isRefund(e)) && protocol ? null : `not resolved by this client (region ${region}, ${manifest.family})`),
      // a refund is one phase: left 'succeeded', its HIS never got the answer (see the header)
      hisCommitted: (e) => (isRefund(e) ? Promise.resolve(false) : oracle(e.his_key)),
      drive: (entry, action) => drive(entry, action, false),
    });
  }

  // ---- refund ------------------------------------------------------------------------------------

  function refundOf(e: JournalEntry, orig: { setl_id: string; mdtrt_id: string; psn_no: string }, s: { setlinfo: Record<string, unknown>; setldetail: PendingSettlement['setldetail'] }, refund_setl_id: string): RefundResult {
    return { journalId: e.id, his_key: e.his_key, msgid: e.msgid, infno: e.infno, state: e.state, ...orig, refund_setl_id, setlinfo: s.setlinfo, setldetail: s.setldetail };
  }

  async function refund(req: { his_key: string; setl_id?: string }): Promise<RefundResult> {
    needProtocol();
    const his_key = req?.his_key;
    if (typeof his_key !== 'string' || his_key === '') throw YibaoError.host('BAD_INPUT', 'his_key');
    const want = typeof req.setl_id === 'string' && req.setl_id !== '' ? req.setl_id : undefined;
    const mine = (await settlementEntries(journal, his_key, region)).filter((x) => !want || x.setl_id === want);
    const confirmed = mine.filter((x) => x.state === 'confirmed');
    if (confirmed.length === 0) {
      const pending = mine.find((x) => x.state === 'succeeded');
      if (pending) throw YibaoError.host('STATE_ERROR', `refund ${his_key}: settlement ${pending.setl_id} is pending (the HIS has not committed it): abort it instead`);
      const last = mine[mine.length - 1];
      throw YibaoError.host('STATE_ERROR', `refund ${his_key}: no confirmed settlement${want ? ` ${want}` : ''}${last ? ` (journal ${last.id} is ${last.state})` : ''}`);
    }
    if (confirmed.length > 1) throw YibaoError.host('BAD_INPUT', `refund ${his_key}: ${confirmed.length} confirmed settlements (${confirmed.map((x) => x.setl_id).join(', ')}): name one by setl_id`);
    const orig = confirmed[0]!;
    if (!orig.setl_id || !orig.mdtrt_id || !orig.psn_no) throw YibaoError.host('STATE_ERROR', `refund ${his_key}: journal ${orig.id} has no setl_id / mdtrt_id / psn_no`);
    const target = { setl_id: orig.setl_id, mdtrt_id: orig.mdtrt_id, psn_no: orig.psn_no };
    const op: CanonicalOp = orig.op === 'inpatientSettle' ? 'cancelInpatientSettle' : 'cancelSettle';
    // one refund per settlement: a live or confirmed one refuses a second (an undone one does not)
    const prior = (await journal.list({ his_key })).filter((x) => isRefund(x) && x.setl_id === orig.setl_id && !UNDONE.includes(x.state));
    if (prior.length) {
      const x = prior[0]!;
      throw YibaoError.host('DUPLICATE', `settlement ${orig.setl_id} (HIS key ${his_key}) already has a ${x.state} refund (journal ${x.id}, msgid ${x.msgid})`);
    }
    personContext(orig); // the settlement's 参保地区划, for the cancel and any query / 2601 after it

    let entry: JournalEntry | null = null;
    let sends = 0;
    const beforeSend = async (wire: WireRequest) => {
      if (sends++ > 0) throw new ResendRefused('the center refused the journaled msgid (sign_no); not repeated under a new msgid');
      const { input_json, input_digest } = journaledInput(wire);
      crashPoint('before-intent');
      machine({ state: 'new', infno: wire.infno }, 'begin', true);
      entry = await journal.begin({ msgid: wire.msgid, infno: wire.infno, op, region, his_key, input_json, input_digest, psn_no: orig.psn_no!, mdtrt_id: orig.mdtrt_id! });
      o.onStep?.({ journalId: entry.id, his_key, msgid: entry.msgid, from: 'new', event: 'begin', to: 'intent', action: 'send' });
      await claim(entry);
      crashPoint('after-intent');
      entry = (await mustStep(entry, 'sent', true, { setl_id: orig.setl_id })).entry;
      crashPoint('before-send');
      crashPoint('after-send');
    };
    let s: Settlement | undefined;
    let err: unknown;
    try {
      s = op === 'cancelInpatientSettle' ? await client.cancelInpatientSettle(target, { beforeSend }) : await client.cancelSettle(target, { beforeSend });
    } catch (e) {
      err = e;
    }
    const e0 = entry as JournalEntry | null;
    if (!e0) throw err; // nothing journaled, nothing sent
    try {
      crashPoint('after-reply');
      if (s) {
        const r = await mustStep(e0, 'reply_ok', true, { amounts: amountsOf(s.setlinfo), reply_json: JSON.stringify({ setlinfo: s.setlinfo, setldetail: s.setldetail, refund_setl_id: s.setl_id ?? '' }) });
        crashPoint('after-succeeded');
        const c = await mustStep(r.entry, 'his_committed', false);
        return refundOf(c.entry, target, s, s.setl_id ?? '');
      }
      if (err instanceof ResendRefused || isCenterError(err)) {
        await mustStep(e0, 'reply_error', true, { error: errText(err) });
        throw err instanceof ResendRefused ? YibaoError.host('CENTER_ERROR', err.message) : err;
      }
      // outcome unknown: resolve now, while the HIS waits
      const u = await mustStep(e0, 'transport_unknown', true, { error: errText(err) });
      crashPoint('after-unknown');
      const d = await drive(u.entry, u.action, true);
      if (d.entry.state === 'succeeded' && d.found) {
        crashPoint('after-succeeded');
        const c = await mustStep(d.entry, 'his_committed', false);
        return refundOf(c.entry, target, d.found, '');
      }
      if (UNDONE.includes(d.entry.state)) {
        throw YibaoError.host('NOT_SETTLED', `${his_key}: refund ${e0.infno} ${e0.msgid} of ${orig.setl_id} had an unknown outcome (${errText(err)}); resolved as ${d.entry.state}${d.entry.undo_msgid ? ' by ' + d.entry.undo_msgid : ''}: nothing is refunded, the settlement stays in force`, err);
      }
      throw YibaoError.host('OUTCOME_UNKNOWN', `${his_key}: refund ${e0.infno} ${e0.msgid} of ${orig.setl_id} (${errText(err)}); journal ${d.entry.id} is ${d.entry.state}, recover() resolves it`, err);
    } finally {
      await journal.release(e0.id, owner).catch(() => undefined);
    }
  }

  return { owner, journal, settle, commit, abort, recover, refund };
}
