// The transaction journal on PostgreSQL (the agent's `--db postgres://…`): the same semantics as the SQLite
// journal, for several agents sharing one database.
//
// - one row per money-moving call; msgid UNIQUE; at most one *live* row (not failed / cancelled / reversed)
//   per (his_key, op), enforced by a partial unique index, so two agents cannot both start a settlement
//   for one HIS key;
// - transitions are compare-and-set (`UPDATE … WHERE id = $1 AND state = $2 RETURNING *`): of two agents
//   resolving the same entry, exactly one wins each step;
// - resolver leases use the database clock (`now()`), so agents with skewed clocks still exclude each other;
// - every method returns after PostgreSQL committed (synchronous_commit on, the server default).
import pg from 'pg';
import type { Journal, JournalAmounts, JournalEntry, JournalFilter, NewIntent } from './journal-contract.js';
import { JOURNAL_STATES, UNFINISHED_STATES, PATCHABLE_FIELDS } from './journal-contract.js';
import { YibaoError } from './errors.js';
import { journalEntryOf, type PlainJournalColumns } from './journal-rows.js';

export interface PostgresJournalOptions {
  /** table name (letters, digits, _), default yibao_journal */
  table?: string;
  /** pool size (default 10) */
  max?: number;
}

const STATES = JOURNAL_STATES;
const UNFINISHED = UNFINISHED_STATES;
const PATCHABLE = PATCHABLE_FIELDS;

interface Row extends PlainJournalColumns {
  id: string | number;
  amounts: JournalAmounts | null;
  created_at: Date;
  updated_at: Date;
  lease_until: Date | null;
}

function toEntry(r: Row): JournalEntry {
  return journalEntryOf(r, {
    id: Number(r.id),
    amounts: r.amounts,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
    lease_until: r.lease_until ? r.lease_until.toISOString() : null,
  });
}

/** [start, end) of a local calendar day (yyyy-MM-dd) as instants. */
export function localDayRange(date: string): [Date, Date] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw YibaoError.host('BAD_INPUT', `date ${date}: expected yyyy-MM-dd`);
  const start = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const end = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1);
  return [start, end];
}

function pgError(e: unknown, what: string): YibaoError {
  if (e instanceof YibaoError) return e;
  const err = e as { code?: string; message?: string };
  return YibaoError.host('STATE_ERROR', `postgres journal ${what}: ${err.code ? err.code + ' ' : ''}${err.message ?? String(e)}`, e);
}

/** Opens (and creates when needed) the journal table in the database at `url`. */
export async function openPostgresJournal(url: string, opts: PostgresJournalOptions = {}): Promise<Journal & { pool: pg.Pool }> {
  const t = opts.table ?? 'yibao_journal';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,50}$/.test(t)) throw YibaoError.host('BAD_INPUT', `table name ${t}`);
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  // an idle client that loses its server must not crash the process; the next query reports it
  pool.on('error', () => undefined);
  const q = async (what: string, text: string, values: unknown[] = []): Promise<Row[]> => {
    try {
      return (await pool.query(text, values)).rows as Row[];
    } catch (e) {
      throw pgError(e, what);
    }
  };

  // schema, serialised by an advisory lock so that two agents starting on an empty database do not race
  const c = await pool.connect().catch((e: unknown) => {
    void pool.end();
    throw pgError(e, 'connect');
  });
  try {
    await c.query('BEGIN');
    await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`yibao schema ${t}`]);
    await c.query(`
      CREATE TABLE IF NOT EXISTS ${t} (
        id BIGSERIAL PRIMARY KEY,
        msgid TEXT NOT NULL,
        infno TEXT NOT NULL,
        op TEXT NOT NULL,
        region TEXT NOT NULL,
        his_key TEXT NOT NULL,
        input_digest TEXT NOT NULL,
        input_json TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN (${STATES.map((s) => `'${s}'`).join(', ')})),
        psn_no TEXT,
        mdtrt_id TEXT,
        setl_id TEXT,
        amounts JSONB,
        reply_json TEXT,
        error TEXT,
        undo_msgid TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        lease_owner TEXT,
        lease_until TIMESTAMPTZ,
        CONSTRAINT ${t}_msgid_key UNIQUE (msgid)
      );
      CREATE UNIQUE INDEX IF NOT EXISTS ${t}_live_key ON ${t} (his_key, op) WHERE state NOT IN ('failed', 'cancelled', 'reversed');
      CREATE INDEX IF NOT EXISTS ${t}_unfinished ON ${t} (id) WHERE state IN ('intent', 'sent', 'succeeded', 'unknown');
      CREATE INDEX IF NOT EXISTS ${t}_created ON ${t} (created_at);
      CREATE INDEX IF NOT EXISTS ${t}_setl ON ${t} (setl_id);
      CREATE INDEX IF NOT EXISTS ${t}_his_key ON ${t} (his_key);
    `);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    c.release();
    await pool.end();
    throw pgError(e, 'create schema');
  }
  c.release();

  const one = (rows: Row[]) => (rows[0] ? toEntry(rows[0]) : null);

  const journal: Journal & { pool: pg.Pool } = {
    kind: 'postgres',
    pool,

    async begin(i: NewIntent) {
      for (const k of ['msgid', 'infno', 'op', 'region', 'his_key', 'input_json', 'input_digest'] as const) {
        if (typeof i[k] !== 'string' || i[k] === '') throw YibaoError.host('BAD_INPUT', `journal intent needs ${k}`);
      }
      try {
        const r = await pool.query(
          `INSERT INTO ${t} (msgid, infno, op, region, his_key, input_digest, input_json, state, psn_no, mdtrt_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'intent', $8, $9) RETURNING *`,
          [i.msgid, i.infno, i.op, i.region, i.his_key, i.input_digest, i.input_json, i.psn_no ?? null, i.mdtrt_id ?? null],
        );
        return toEntry(r.rows[0] as Row);
      } catch (e) {
        const err = e as { code?: string; constraint?: string };
        if (err.code === '23505') {
          throw YibaoError.host('DUPLICATE', err.constraint === `${t}_msgid_key` ? `msgid ${i.msgid} is already journaled` : `HIS key ${i.his_key} already has a live ${i.op} (journal)`, e);
        }
        throw pgError(e, 'begin');
      }
    },

    async transition(id, from, to, patch = {}) {
      if (!STATES.includes(to)) throw YibaoError.host('BAD_INPUT', `journal state ${String(to)}`);
      const sets = ['state = $3', 'updated_at = now()'];
      const values: unknown[] = [id, from, to];
      for (const k of PATCHABLE) {
        if (!(k in patch)) continue;
        const v = patch[k];
        if (v === undefined) continue;
        values.push(k === 'amounts' ? (v === null ? null : JSON.stringify(v)) : v);
        sets.push(`${k} = $${values.length}${k === 'amounts' ? '::jsonb' : ''}`);
      }
      if (to === 'sent') sets.push('attempts = attempts + 1');
      try {
        const r = await pool.query(`UPDATE ${t} SET ${sets.join(', ')} WHERE id = $1 AND state = $2 RETURNING *`, values);
        return one(r.rows as Row[]);
      } catch (e) {
        if ((e as { code?: string }).code === '23505') throw YibaoError.host('DUPLICATE', `journal entry ${id}: another live entry holds its HIS key`, e);
        throw pgError(e, 'transition');
      }
    },

    async get(id) {
      return one(await q('get', `SELECT * FROM ${t} WHERE id = $1`, [id]));
    },

    async byMsgid(msgid) {
      return one(await q('byMsgid', `SELECT * FROM ${t} WHERE msgid = $1`, [msgid]));
    },

    async list(filter: JournalFilter = {}) {
      const where: string[] = [];
      const values: unknown[] = [];
      if (filter.states?.length) {
        values.push(filter.states);
        where.push(`state = ANY($${values.length}::text[])`);
      }
      if (filter.his_key !== undefined) {
        values.push(filter.his_key);
        where.push(`his_key = $${values.length}`);
      }
      if (filter.region !== undefined) {
        values.push(filter.region);
        where.push(`region = $${values.length}`);
      }
      if (filter.date !== undefined) {
        const [a, b] = localDayRange(filter.date);
        values.push(a, b);
        where.push(`created_at >= $${values.length - 1} AND created_at < $${values.length}`);
      }
      const rows = await q('list', `SELECT * FROM ${t}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY id`, values);
      return rows.map(toEntry);
    },

    async unfinished() {
      const rows = await q('unfinished', `SELECT * FROM ${t} WHERE state = ANY($1::text[]) ORDER BY id`, [UNFINISHED]);
      return rows.map(toEntry);
    },

    async claim(id, owner, ttlMs) {
      if (!owner) throw YibaoError.host('BAD_INPUT', 'lease owner');
      const rows = await q(
        'claim',
        `UPDATE ${t} SET lease_owner = $2, lease_until = now() + ($3::double precision * interval '1 millisecond')
         WHERE id = $1 AND (lease_owner IS NULL OR lease_until IS NULL OR lease_until < now() OR lease_owner = $2) RETURNING id`,
        [id, owner, Math.max(0, ttlMs)],
      );
      return rows.length === 1;
    },

    async release(id, owner) {
      await q('release', `UPDATE ${t} SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2`, [id, owner]);
    },

    async close() {
      await pool.end();
    },
  };
  return journal;
}
