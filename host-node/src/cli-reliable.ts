// CLI commands of the exactly-once layer: the journaled `yibao settle`, `yibao recover`, `yibao journal`.
// cli-net.ts parses the arguments and hands them over with its client factory.
import { randomBytes } from 'node:crypto';
import type { Client } from './client.js';
import type { Bill } from './flows.js';
import type { Journal, JournalEntry, PendingSettlement } from './journal-contract.js';
import { YibaoError } from './errors.js';
import { openSqliteJournal } from './journal-sqlite.js';
import { openPostgresJournal } from './journal-postgres.js';
import { createReliableClient, hisLedgerOracle, type ReliableClient } from './reliable.js';

export interface ReliableArgs {
  one: Map<string, string>;
  bools: Set<string>;
}

export const RELIABLE_FLAGS = ['--his-key', '--his-ledger', '--sandbox-url', '--date'];

/** The journal of --state DIR (SQLite, DIR/journal.db), or PostgreSQL with --db postgres://… */
export async function openCliJournal(p: ReliableArgs): Promise<Journal> {
  const db = p.one.get('--db');
  if (db && /^postgres(ql)?:\/\//i.test(db)) return openPostgresJournal(db);
  if (db) throw YibaoError.host('USAGE', `--db ${db}: expected postgres://… (the SQLite journal lives in --state DIR)`);
  return openSqliteJournal(p.one.get('--state') ?? '.yibao');
}

/** A HIS key for a CLI settlement without --his-key: cli-<China time>-<random>. */
export function cliHisKey(): string {
  const t = new Date(Date.now() + 8 * 3600e3).toISOString().replace(/\D/g, '').slice(0, 14);
  return `cli-${t}-${randomBytes(3).toString('hex')}`;
}

/**
 * `yibao settle`: the whole flow through the journal. The HIS key is --his-key, else the bill's `his_key`,
 * else a generated one. Returns the pending settlement; the caller prints it and then commits (unless
 * --no-commit, which leaves it pending for the HIS or for `yibao recover`).
 */
export async function settleJournaled(p: ReliableArgs, client: Client, bill: Bill & { his_key?: unknown }): Promise<{ rc: ReliableClient; journal: Journal; pending: PendingSettlement }> {
  const his_key = p.one.get('--his-key') ?? (typeof bill.his_key === 'string' && bill.his_key ? bill.his_key : cliHisKey());
  const journal = await openCliJournal(p);
  const rc = createReliableClient({ client, journal });
  try {
    const pending = await rc.settle({ his_key, bill, inpatient: p.bools.has('--inpatient') });
    return { rc, journal, pending };
  } catch (e) {
    await journal.close();
    throw e;
  }
}

/**
 * `yibao recover --state DIR [--region R] (--endpoint URL | --sandbox-url URL) [--his-ledger FILE] [--keep-pending]`
 * Prints {resolved, confirmed, cancelled, reversed, failed, left}; exit 0 when nothing is left, 3 otherwise.
 * A settlement the center made but the HIS never committed through commit() (state succeeded) is kept only if
 * the HIS ledger lists its key as committed; otherwise it is cancelled at the center (presumed abort: without
 * --his-ledger no key counts as committed). --keep-pending leaves such entries for the next run instead.
 */
export async function recoverCommand(p: ReliableArgs, makeClient: (endpoint: string) => Client): Promise<number> {
  const journal = await openCliJournal(p);
  try {
    const todo = await journal.unfinished();
    const endpoint = p.one.get('--endpoint') ?? p.one.get('--sandbox-url');
    if (todo.length === 0) {
      process.stdout.write(JSON.stringify({ resolved: 0, confirmed: 0, cancelled: 0, reversed: 0, failed: 0, left: 0 }) + '\n');
      return 0;
    }
    if (!endpoint) throw YibaoError.host('USAGE', `yibao recover: ${todo.length} unfinished journal entries need the center: --endpoint URL (or --sandbox-url URL)`);
    const ledger = p.one.get('--his-ledger');
    const oracle = ledger ? hisLedgerOracle(ledger) : async () => false;
    const hisCommitted = p.bools.has('--keep-pending') ? async (k: string) => ((await oracle(k)) ? true : null) : oracle;
    const rc = createReliableClient({ client: makeClient(endpoint), journal });
    const r = await rc.recover({ hisCommitted });
    for (const e of r.errors) process.stderr.write(`left: journal ${e.id} ${e.his_key} ${e.state}: ${e.error}\n`);
    const { errors, ...counts } = r;
    void errors;
    process.stdout.write(JSON.stringify(counts) + '\n');
    return r.left === 0 ? 0 : 3;
  } finally {
    await journal.close();
  }
}

/** What `yibao journal` prints of an entry: no request input, no reply (personal data stays in the journal). */
export function journalView(e: JournalEntry): Record<string, unknown> {
  return {
    id: e.id, msgid: e.msgid, infno: e.infno, op: e.op, region: e.region, his_key: e.his_key, state: e.state, setl_id: e.setl_id ?? null,
    mdtrt_id: e.mdtrt_id ?? null, amounts: e.amounts ?? null, undo_msgid: e.undo_msgid ?? null, error: e.error ?? null, attempts: e.attempts,
    created_at: e.created_at, updated_at: e.updated_at, lease_owner: e.lease_owner ?? null,
  };
}

/** `yibao journal --state DIR [--his-key K] [--date yyyy-MM-dd] [--unfinished]`: the entries as a JSON array. */
export async function journalCommand(p: ReliableArgs): Promise<number> {
  const date = p.one.get('--date');
  if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw YibaoError.host('USAGE', `--date ${date}: expected yyyy-MM-dd`);
  const journal = await openCliJournal(p);
  try {
    const rows = p.bools.has('--unfinished')
      ? (await journal.unfinished()).filter((e) => (p.one.has('--his-key') ? e.his_key === p.one.get('--his-key') : true))
      : await journal.list({ his_key: p.one.get('--his-key'), date });
    process.stdout.write(JSON.stringify(rows.map(journalView), null, 2) + '\n');
    return 0;
  } finally {
    await journal.close();
  }
}
