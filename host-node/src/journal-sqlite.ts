// The transaction journal in SQLite (the default; `journal.db` in the --state DIR): every money-moving call
// is written here before it is sent and its outcome after (journal-contract.ts).
//
// - better-sqlite3, WAL, synchronous=FULL (a returned write survives a power cut), busy_timeout: several
//   processes of one workstation share the file;
// - one row per call; msgid UNIQUE; at most one *live* row (not failed / cancelled / reversed) per
//   (his_key, op), enforced by a partial unique index — a second settlement of one HIS bill is refused
//   (DUPLICATE) by the database itself, whatever races;
// - transitions are compare-and-set inside an IMMEDIATE transaction (`UPDATE … WHERE id = ? AND state = ?`):
//   of two resolvers, exactly one wins each step;
// - resolver leases (lease_owner, lease_until) so that two processes never resolve the same entry at once.
// The state machine itself is not enforced here (core op 70 decides); the journal stores what it is told.
import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Journal, JournalAmounts, JournalEntry, JournalFilter, JournalState, NewIntent } from './journal-contract.js';
import { JOURNAL_STATES, UNFINISHED_STATES, PATCHABLE_FIELDS } from './journal-contract.js';
import { YibaoError } from './errors.js';
import { journalEntryOf, type PlainJournalColumns } from './journal-rows.js';

const STATES = JOURNAL_STATES;
const UNFINISHED = UNFINISHED_STATES;
const PATCHABLE = PATCHABLE_FIELDS;
const list = (xs: readonly string[]) => xs.map((s) => `'${s}'`).join(', ');

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    msgid TEXT NOT NULL,
    infno TEXT NOT NULL,
    op TEXT NOT NULL,
    region TEXT NOT NULL,
    his_key TEXT NOT NULL,
    input_digest TEXT NOT NULL,
    input_json TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN (${list(STATES)})),
    psn_no TEXT,
    mdtrt_id TEXT,
    setl_id TEXT,
    amounts TEXT,
    reply_json TEXT,
    error TEXT,
    undo_msgid TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_day TEXT NOT NULL,
    lease_owner TEXT,
    lease_until TEXT,
    CONSTRAINT journal_msgid UNIQUE (msgid)
  );
  CREATE UNIQUE INDEX IF NOT EXISTS journal_live_key ON journal (his_key, op) WHERE state NOT IN ('failed', 'cancelled', 'reversed');
  CREATE INDEX IF NOT EXISTS journal_unfinished ON journal (id) WHERE state IN (${list(UNFINISHED)});
  CREATE INDEX IF NOT EXISTS journal_day ON journal (created_day);
  CREATE INDEX IF NOT EXISTS journal_setl ON journal (setl_id);
  CREATE INDEX IF NOT EXISTS journal_his_key ON journal (his_key);
`;

interface Row extends PlainJournalColumns {
  id: number;
  amounts: string | null;
  created_at: string;
  updated_at: string;
  created_day: string;
  lease_until: string | null;
}

function toEntry(r: Row): JournalEntry {
  return journalEntryOf(r, {
    id: r.id,
    amounts: r.amounts === null ? null : (JSON.parse(r.amounts) as JournalAmounts),
    created_at: r.created_at,
    updated_at: r.updated_at,
    lease_until: r.lease_until,
  });
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Local calendar day (the machine's zone) of an instant: the `date` filter of JournalFilter. */
export function localDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function stateError(e: unknown, what: string): YibaoError {
  if (e instanceof YibaoError) return e;
  return YibaoError.host('STATE_ERROR', `sqlite journal ${what}: ${(e as Error).message ?? String(e)}`, e);
}

function isUnique(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** `dir` (created when missing) → dir/journal.db; a path ending in .db / .sqlite or an existing file → that file. */
export function journalPath(dirOrFile: string): string {
  if (dirOrFile === ':memory:') return dirOrFile;
  let isFile = /\.(db|sqlite|sqlite3)$/i.test(dirOrFile);
  try {
    isFile ||= statSync(dirOrFile).isFile();
  } catch {
    /* does not exist yet */
  }
  const file = isFile ? dirOrFile : join(dirOrFile, 'journal.db');
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (e) {
    throw YibaoError.host('STATE_ERROR', `${dirname(file)}: ${(e as Error).message}`, e);
  }
  return file;
}

export interface SqliteJournalOptions {
  /** clock (tests); default new Date() */
  now?: () => Date;
  /** busy timeout in ms while another process writes (default 10000) */
  busyTimeoutMs?: number;
}

/** Opens (creating when needed) the SQLite journal in a state directory or file. */
export async function openSqliteJournal(dirOrFile: string, opts: SqliteJournalOptions = {}): Promise<Journal & { readonly file: string }> {
  return openSqliteJournalSync(dirOrFile, opts);
}

/** Synchronous variant of openSqliteJournal (better-sqlite3 is synchronous anyway). */
export function openSqliteJournalSync(dirOrFile: string, opts: SqliteJournalOptions = {}): Journal & { readonly file: string } {
  const file = journalPath(dirOrFile);
  const now = opts.now ?? (() => new Date());
  let db: Database.Database;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 10000))}`);
    db.exec(SCHEMA);
  } catch (e) {
    throw stateError(e, `open ${file}`);
  }

  const insert = db.prepare(
    `INSERT INTO journal (msgid, infno, op, region, his_key, input_digest, input_json, state, psn_no, mdtrt_id, attempts, created_at, updated_at, created_day)
     VALUES (@msgid, @infno, @op, @region, @his_key, @input_digest, @input_json, 'intent', @psn_no, @mdtrt_id, 0, @now, @now, @day) RETURNING *`,
  );
  const byId = db.prepare(`SELECT * FROM journal WHERE id = ?`);
  const byMsgid = db.prepare(`SELECT * FROM journal WHERE msgid = ?`);
  const unfinished = db.prepare(`SELECT * FROM journal WHERE state IN (${list(UNFINISHED)}) ORDER BY id`);
  const claim = db.prepare(
    `UPDATE journal SET lease_owner = @owner, lease_until = @until
     WHERE id = @id AND (lease_owner IS NULL OR lease_until IS NULL OR lease_until < @now OR lease_owner = @owner)`,
  );
  const release = db.prepare(`UPDATE journal SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?`);
  const updates = new Map<string, Database.Statement>();

  const transition = db.transaction((id: number, from: JournalState, to: JournalState, patch: Record<string, unknown>) => {
    const keys = PATCHABLE.filter((k) => k in patch && patch[k] !== undefined);
    const sig = keys.join(',');
    let st = updates.get(sig);
    if (!st) {
      const sets = ['state = @to', 'updated_at = @now', `attempts = attempts + (CASE WHEN @to = 'sent' THEN 1 ELSE 0 END)`, ...keys.map((k) => `${k} = @${k}`)];
      st = db.prepare(`UPDATE journal SET ${sets.join(', ')} WHERE id = @id AND state = @from RETURNING *`);
      updates.set(sig, st);
    }
    const params: Record<string, unknown> = { id, from, to, now: now().toISOString() };
    for (const k of keys) {
      const v = patch[k];
      params[k] = k === 'amounts' ? (v === null ? null : JSON.stringify(v)) : (v as string | null);
    }
    return st.get(params) as Row | undefined;
  });

  let closed = false;
  const live = () => {
    if (closed) throw YibaoError.host('STATE_ERROR', 'sqlite journal is closed');
  };

  return {
    kind: 'sqlite',
    file,

    async begin(i: NewIntent) {
      live();
      for (const k of ['msgid', 'infno', 'op', 'region', 'his_key', 'input_json', 'input_digest'] as const) {
        if (typeof i[k] !== 'string' || i[k] === '') throw YibaoError.host('BAD_INPUT', `journal intent needs ${k}`);
      }
      const t = now();
      try {
        const row = insert.get({
          msgid: i.msgid, infno: i.infno, op: i.op, region: i.region, his_key: i.his_key, input_digest: i.input_digest,
          input_json: i.input_json, psn_no: i.psn_no ?? null, mdtrt_id: i.mdtrt_id ?? null, now: t.toISOString(), day: localDay(t),
        }) as Row;
        return toEntry(row);
      } catch (e) {
        if (isUnique(e)) {
          const msg = String((e as Error).message);
          throw YibaoError.host('DUPLICATE', /msgid/.test(msg) ? `msgid ${i.msgid} is already journaled` : `HIS key ${i.his_key} already has a live ${i.op} (journal)`, e);
        }
        throw stateError(e, 'begin');
      }
    },

    async transition(id, from, to, patch = {}) {
      live();
      if (!STATES.includes(to)) throw YibaoError.host('BAD_INPUT', `journal state ${String(to)}`);
      try {
        const row = transition.immediate(id, from, to, patch as Record<string, unknown>);
        return row ? toEntry(row) : null;
      } catch (e) {
        if (isUnique(e)) throw YibaoError.host('DUPLICATE', `journal entry ${id}: another live entry holds its HIS key`, e);
        throw stateError(e, 'transition');
      }
    },

    async get(id) {
      live();
      const r = byId.get(id) as Row | undefined;
      return r ? toEntry(r) : null;
    },

    async byMsgid(msgid) {
      live();
      const r = byMsgid.get(msgid) as Row | undefined;
      return r ? toEntry(r) : null;
    },

    async list(filter: JournalFilter = {}) {
      live();
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.states?.length) {
        where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
        params.push(...filter.states);
      }
      if (filter.his_key !== undefined) {
        where.push('his_key = ?');
        params.push(filter.his_key);
      }
      if (filter.region !== undefined) {
        where.push('region = ?');
        params.push(filter.region);
      }
      if (filter.date !== undefined) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(filter.date)) throw YibaoError.host('BAD_INPUT', `date ${filter.date}: expected yyyy-MM-dd`);
        where.push('created_day = ?');
        params.push(filter.date);
      }
      const rows = db.prepare(`SELECT * FROM journal${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY id`).all(...params) as Row[];
      return rows.map(toEntry);
    },

    async unfinished() {
      live();
      return (unfinished.all() as Row[]).map(toEntry);
    },

    async claim(id, owner, ttlMs) {
      live();
      if (!owner) throw YibaoError.host('BAD_INPUT', 'lease owner');
      const t = now();
      const until = new Date(t.getTime() + Math.max(0, ttlMs)).toISOString();
      try {
        return claim.run({ id, owner, until, now: t.toISOString() }).changes === 1;
      } catch (e) {
        throw stateError(e, 'claim');
      }
    },

    async release(id, owner) {
      live();
      try {
        release.run(id, owner);
      } catch (e) {
        throw stateError(e, 'release');
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
