// The reliability boundary: types only. The journal records every money-moving call durably before it
// is sent and its outcome after; the reliable client (two-phase settle / commit / abort / recover) and
// the agent service program against these types; SQLite (default) and PostgreSQL implement `Journal`.
import type { CanonicalOp } from '../../plugins/contract.js';

/**
 * Transaction states (the state machine itself lives in core-asm, op 70):
 *   intent → sent → succeeded | failed | unknown
 *   succeeded → confirmed (HIS committed) | cancelled (HIS aborted: undone by the protocol's cancel) | reversed (2601)
 *   unknown → succeeded | failed | reversed (resolved by query / getuncertaintytrade / 98 / 2601 ...)
 * Terminal: failed, confirmed, cancelled, reversed. A refund of a confirmed settlement is an entry of its own
 * (op cancelSettle / cancelInpatientSettle, same his_key, setl_id = the settlement refunded): the settlement's
 * entry stays confirmed.
 */
export type JournalState = 'intent' | 'sent' | 'succeeded' | 'failed' | 'unknown' | 'confirmed' | 'cancelled' | 'reversed';

export const TERMINAL_STATES: readonly JournalState[] = ['failed', 'confirmed', 'cancelled', 'reversed'];
export const JOURNAL_STATES: readonly JournalState[] = ['intent', 'sent', 'succeeded', 'failed', 'unknown', 'confirmed', 'cancelled', 'reversed'];
export const UNFINISHED_STATES: readonly JournalState[] = ['intent', 'sent', 'succeeded', 'unknown'];
/** Fields a transition may patch. */
export const PATCHABLE_FIELDS = ['setl_id', 'mdtrt_id', 'psn_no', 'amounts', 'reply_json', 'error', 'undo_msgid'] as const;

/** Amounts of a settlement in fen (from the center's reply). */
export interface JournalAmounts {
  medfee_sumamt: number;
  fund_pay_sumamt: number;
  acct_pay: number;
  psn_cash_pay: number;
}

export interface JournalEntry {
  id: number;
  /** msgid sent to the center (national) or the protocol's own serial (Yinhai jylsh ...) */
  msgid: string;
  infno: string;
  op: CanonicalOp;
  region: string;
  /** the HIS business key (e.g. the HIS charge / invoice number); one live settlement per key */
  his_key: string;
  /** sha256 hex of the exact request input */
  input_digest: string;
  /** the request input (JSON text) — needed to resolve or replay; personal data stays local */
  input_json: string;
  state: JournalState;
  psn_no?: string | null;
  mdtrt_id?: string | null;
  setl_id?: string | null;
  amounts?: JournalAmounts | null;
  /** reply output (JSON text) when known */
  reply_json?: string | null;
  /** last error (code: message) */
  error?: string | null;
  /** msgid of the 2601 / cancel that undid it */
  undo_msgid?: string | null;
  attempts: number;
  created_at: string; // ISO
  updated_at: string; // ISO
  /** resolver lease: which process works on this entry until when (two agents never resolve the same entry) */
  lease_owner?: string | null;
  lease_until?: string | null;
}

export interface NewIntent {
  msgid: string;
  infno: string;
  op: CanonicalOp;
  region: string;
  his_key: string;
  input_json: string;
  input_digest: string;
  psn_no?: string;
  mdtrt_id?: string;
}

export interface JournalFilter {
  states?: JournalState[];
  his_key?: string;
  region?: string;
  /** created_at date (yyyy-MM-dd, local) */
  date?: string;
}

/** Durable, all methods async so PostgreSQL fits; every write is committed before the promise resolves. */
export interface Journal {
  readonly kind: 'sqlite' | 'postgres';
  /** Writes the intent durably. Refuses (DUPLICATE) a second live (non-terminal or confirmed) entry for the same his_key+op. */
  begin(intent: NewIntent): Promise<JournalEntry>;
  /**
   * Compare-and-set transition: applies `patch` and moves from `from` to `to` only if the entry is still in
   * `from`; returns the updated entry, or null when another process moved it first.
   */
  transition(id: number, from: JournalState, to: JournalState, patch?: Partial<Pick<JournalEntry, 'setl_id' | 'mdtrt_id' | 'psn_no' | 'amounts' | 'reply_json' | 'error' | 'undo_msgid'>>): Promise<JournalEntry | null>;
  get(id: number): Promise<JournalEntry | null>;
  byMsgid(msgid: string): Promise<JournalEntry | null>;
  list(filter?: JournalFilter): Promise<JournalEntry[]>;
  /** Entries that are not terminal (intent, sent, succeeded, unknown), oldest first. */
  unfinished(): Promise<JournalEntry[]>;
  /** Takes a lease on an entry for resolution; false if another owner holds an unexpired lease. */
  claim(id: number, owner: string, ttlMs: number): Promise<boolean>;
  release(id: number, owner: string): Promise<void>;
  close(): Promise<void>;
}

/** What recover() did. */
export interface RecoverReport {
  resolved: number;
  confirmed: number;
  cancelled: number;
  reversed: number;
  failed: number;
}

/** A settlement the center made that the HIS has not yet committed (two-phase API). */
export interface PendingSettlement {
  journalId: number;
  his_key: string;
  msgid: string;
  infno: string;
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  setlinfo: Record<string, unknown>;
  setldetail: { fund_pay_type: string; fund_pay_type_name: string; fund_payamt: number; inscp_scp_amt: number }[];
}

/**
 * A refund of a confirmed settlement (2208 / 2305 as its own journal entry, op cancelSettle /
 * cancelInpatientSettle, confirmed when returned): `setl_id` is the settlement refunded, `refund_setl_id` the
 * center's cancellation record ('' when the outcome was found by a 5203 query), amounts in fen (negative).
 */
export interface RefundResult {
  journalId: number;
  his_key: string;
  msgid: string;
  infno: string;
  state: JournalState;
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  refund_setl_id: string;
  setlinfo: Record<string, unknown>;
  setldetail: PendingSettlement['setldetail'];
}

/** Durable queue of uploads that move no money (4101, 3501–3507, 4401 ...). */
export interface OfflineQueue {
  enqueue(item: { infno: string; input_json: string; his_key?: string }): Promise<{ id: number; msgid: string }>;
  /** Sends what is due, in order, with backoff on failure; idempotent by msgid. */
  drain(): Promise<{ sent: number; failed: number; pending: number }>;
  pending(): Promise<number>;
}

/** The two-phase API a HIS (or the agent service) uses for money-moving flows. */
export interface ReliableSettlementApi {
  /**
   * Runs the whole flow for one bill up to the center's settlement and returns it pending: the HIS now
   * commits its own database and then calls commit(), or abort() if that failed.
   */
  settle(req: { his_key: string; bill: unknown; inpatient?: boolean }): Promise<PendingSettlement>;
  /** The HIS committed: the entry becomes confirmed (and the protocol's confirm is sent where one exists). */
  commit(his_key: string): Promise<void>;
  /** The HIS failed: the settlement is undone at the center (cancel / reversal) and the entry cancelled. */
  abort(his_key: string): Promise<void>;
  /**
   * Resolves every unfinished entry without a person. `hisCommitted` tells whether the HIS committed a key
   * (true / false), or null when the HIS cannot say (then the entry is kept for the next run).
   */
  recover(opts?: { hisCommitted?: (his_key: string) => Promise<boolean | null> }): Promise<RecoverReport>;
  /**
   * Refunds the HIS key's CONFIRMED settlement (or the one named by setl_id) at the center: journaled like a
   * settlement, one phase (resolved before it returns: only a returned result means refunded). A pending
   * settlement is aborted instead. Optional: protocols without it answer NOT_SUPPORTED.
   */
  refund?(req: { his_key: string; setl_id?: string }): Promise<RefundResult>;
}
