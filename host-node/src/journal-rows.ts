// The journal row → JournalEntry mapping both stores share (journal-sqlite.ts, journal-postgres.ts): the columns
// they keep as they are; each store converts its own id, amounts and times.
import type { JournalAmounts, JournalEntry, JournalState } from './journal-contract.js';

/** The columns a store reads back unchanged. */
export interface PlainJournalColumns {
  msgid: string;
  infno: string;
  op: string;
  region: string;
  his_key: string;
  input_digest: string;
  input_json: string;
  state: string;
  psn_no: string | null;
  mdtrt_id: string | null;
  setl_id: string | null;
  reply_json: string | null;
  error: string | null;
  undo_msgid: string | null;
  attempts: number;
  lease_owner: string | null;
}

/** The entry of a row, given the store's id, amounts and ISO times. */
export function journalEntryOf(
  r: PlainJournalColumns,
  c: { id: number; amounts: JournalAmounts | null; created_at: string; updated_at: string; lease_until: string | null },
): JournalEntry {
  return {
    id: c.id,
    msgid: r.msgid,
    infno: r.infno,
    op: r.op as JournalEntry['op'],
    region: r.region,
    his_key: r.his_key,
    input_digest: r.input_digest,
    input_json: r.input_json,
    state: r.state as JournalState,
    psn_no: r.psn_no,
    mdtrt_id: r.mdtrt_id,
    setl_id: r.setl_id,
    amounts: c.amounts,
    reply_json: r.reply_json,
    error: r.error,
    undo_msgid: r.undo_msgid,
    attempts: r.attempts,
    created_at: c.created_at,
    updated_at: c.updated_at,
    lease_owner: r.lease_owner,
    lease_until: c.lease_until,
  };
}
