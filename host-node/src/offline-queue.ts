// The offline queue: uploads that move no money (4101/4101A 结算清单, 3501–3507 进销存, 4401 …) are queued
// durably in SQLite while the center is down and replayed in order when it is back.
//
// Exactly once at the center, whatever crashes when:
// - each item gets its msgid when it is queued;
// - the exact wire request (envelope with that msgid, inf_time, sign_no) is written before the first send
//   and resent unchanged: the center answers a resend of an identical msgid + body with its stored reply,
//   so a crash between "sent" and "marked" re-sends harmlessly;
// - only when the center refused the envelope's sign_no (it did nothing and remembers nothing) is the
//   request rebuilt, with a fresh sign-in and the same msgid.
//
// drain() sends the due items in queue order. A transport failure (center down, timeout, HTTP error,
// unreadable reply) stops the drain and schedules the head item again after an exponential backoff
// (persisted next_attempt_at); the items behind it wait, so the center sees them in order. A business
// refusal (infcode -1) marks the item failed with the center's message (a person must look at it) and the
// drain goes on.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Client, CallResult } from './client.js';
import type { OfflineQueue } from './journal-contract.js';
import type { WireRequest } from '../../plugins/contract.js';
import { YibaoError } from './errors.js';

export type QueueItemState = 'queued' | 'sent' | 'failed';

export interface QueueItem {
  id: number;
  infno: string;
  msgid: string;
  his_key: string | null;
  input_json: string;
  state: QueueItemState;
  attempts: number;
  /** ISO instant before which the item is not sent again */
  next_attempt_at: string;
  last_error: string | null;
  /** the center's output (JSON text) once sent */
  reply_json: string | null;
  created_at: string;
  updated_at: string;
}

/** exponential backoff after a transport failure: baseMs × factor^(attempts-1), at most maxMs, ± jitter */
export interface BackoffOptions { baseMs?: number; factor?: number; maxMs?: number; jitter?: number }

/** The delay in ms before the next attempt after `attempts` tries (defaults: 1 s × 2^(attempts-1), at most 5 min, ± 20 %). */
export function backoffDelay(b: BackoffOptions | undefined, random: () => number): (attempts: number) => number {
  const base = b?.baseMs ?? 1000;
  const factor = b?.factor ?? 2;
  const maxMs = b?.maxMs ?? 5 * 60 * 1000;
  const jitter = b?.jitter ?? 0.2;
  return (attempts) => {
    const d = Math.min(maxMs, base * factor ** Math.max(0, attempts - 1));
    return Math.max(0, Math.round(d * (1 + jitter * (2 * random() - 1))));
  };
}

export interface OfflineQueueOptions {
  /** a better-sqlite3 database (e.g. the state database) or a file path */
  db: Database.Database | string;
  client: Client;
  /** epoch ms clock (tests) */
  now?: () => number;
  backoff?: BackoffOptions;
  random?: () => number;
  /** test hooks: a throw simulates a crash at that point (the item stays queued) */
  hooks?: { beforeSend?: (item: QueueItem) => void; afterSend?: (item: QueueItem, reply: CallResult) => void };
}

export interface OfflineQueueHandle extends OfflineQueue {
  enqueue(item: { infno: string; input_json: string; his_key?: string; insuplc_admdvs?: string }): Promise<{ id: number; msgid: string }>;
  drain(opts?: { max?: number }): Promise<{ sent: number; failed: number; pending: number }>;
  items(filter?: { states?: QueueItemState[]; limit?: number }): QueueItem[];
  get(id: number): QueueItem | null;
  /** drains every intervalMs (and once at once) until stop() */
  start(intervalMs?: number): void;
  stop(): void;
  close(): void;
}

interface Row extends Omit<QueueItem, 'next_attempt_at'> {
  next_attempt_at: number;
  inf_time: string;
  insuplc_admdvs: string;
  wire_json: string | null;
}

/** Errors after which the outcome is unknown or nothing was done: retry later, same msgid. */
const RETRYABLE = new Set(['TRANSPORT_TIMEOUT', 'TRANSPORT_NETWORK', 'TRANSPORT_HTTP', 'TRANSPORT_CONFIG', 'BAD_REPLY']);
const SIGN_IN_REFUSED = /签到|sign_no|sign-in/i;

export function openOfflineQueue(o: OfflineQueueOptions): OfflineQueueHandle {
  const own = typeof o.db === 'string';
  let db: Database.Database;
  if (typeof o.db === 'string') {
    try {
      if (o.db !== ':memory:') mkdirSync(dirname(o.db), { recursive: true });
      db = new Database(o.db);
    } catch (e) {
      throw YibaoError.host('STATE_ERROR', `offline queue ${o.db}: ${(e as Error).message}`, e);
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
  } else db = o.db;
  db.exec(`
    CREATE TABLE IF NOT EXISTS offline_queue (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      infno TEXT NOT NULL,
      msgid TEXT NOT NULL UNIQUE,
      inf_time TEXT NOT NULL,
      insuplc_admdvs TEXT NOT NULL DEFAULT '',
      his_key TEXT,
      input_json TEXT NOT NULL,
      wire_json TEXT,
      state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      last_error TEXT,
      reply_json TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS offline_queue_queued ON offline_queue (id) WHERE state = 'queued';
  `);
  const client = o.client;
  const now = o.now ?? Date.now;
  const random = o.random ?? Math.random;
  const delay = backoffDelay(o.backoff, random);
  const iso = () => new Date(now()).toISOString();

  const insert = db.prepare(
    `INSERT INTO offline_queue (infno, msgid, inf_time, insuplc_admdvs, his_key, input_json, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const head = db.prepare(`SELECT * FROM offline_queue WHERE state = 'queued' ORDER BY id LIMIT 1`);
  const byId = db.prepare(`SELECT * FROM offline_queue WHERE id = ?`);
  const countQueued = db.prepare(`SELECT count(*) AS n FROM offline_queue WHERE state = 'queued'`);
  const setWire = db.prepare(`UPDATE offline_queue SET wire_json = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?`);
  const retryLater = db.prepare(`UPDATE offline_queue SET next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?`);
  const markSent = db.prepare(`UPDATE offline_queue SET state = 'sent', reply_json = ?, last_error = NULL, updated_at = ? WHERE id = ? AND state = 'queued'`);
  const markFailed = db.prepare(`UPDATE offline_queue SET state = 'failed', reply_json = ?, last_error = ?, updated_at = ? WHERE id = ? AND state = 'queued'`);

  const item = (r: Row): QueueItem => ({
    id: r.id, infno: r.infno, msgid: r.msgid, his_key: r.his_key, input_json: r.input_json, state: r.state, attempts: r.attempts,
    next_attempt_at: new Date(r.next_attempt_at).toISOString(), last_error: r.last_error, reply_json: r.reply_json, created_at: r.created_at, updated_at: r.updated_at,
  });
  async function enqueue(it: { infno: string; input_json: string; his_key?: string; insuplc_admdvs?: string }): Promise<{ id: number; msgid: string }> {
    const spec = client.plugin.manifest.transactions[it.infno];
    if (!spec) throw YibaoError.host('BAD_INPUT', `${it.infno} is not a transaction of ${client.plugin.manifest.id}`);
    if (spec.money || spec.op === 'reverse') throw YibaoError.host('BAD_INPUT', `${it.infno} ${spec.name} moves money: it goes through the journal (settle / recover), never the offline queue`);
    let input: unknown;
    try {
      input = JSON.parse(it.input_json);
    } catch (e) {
      throw YibaoError.host('BAD_INPUT', `input_json of ${it.infno}: ${(e as Error).message}`, e);
    }
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw YibaoError.host('BAD_INPUT', `input_json of ${it.infno} must be a JSON object`);
    const { msgid, infTime } = await client.nextMsgid();
    const t = iso();
    const r = insert.run(it.infno, msgid, infTime, it.insuplc_admdvs ?? client.insuplcAdmdvs, it.his_key ?? null, it.input_json, now(), t, t);
    return { id: Number(r.lastInsertRowid), msgid };
  }

  async function build(r: Row, renewSignIn: boolean): Promise<WireRequest> {
    return client.prepare(r.infno, JSON.parse(r.input_json), { msgid: r.msgid, infTime: r.inf_time, insuplcAdmdvs: r.insuplc_admdvs }, { renewSignIn });
  }

  let running: Promise<{ sent: number; failed: number; pending: number }> | null = null;

  async function drainOnce(max: number): Promise<{ sent: number; failed: number; pending: number }> {
    let sent = 0;
    let failed = 0;
    for (let n = 0; n < max; n++) {
      const r = head.get() as Row | undefined;
      if (!r || r.next_attempt_at > now()) break;
      let reply: CallResult | undefined;
      let hookThrew = false;
      try {
        let req: WireRequest = r.wire_json ? (JSON.parse(r.wire_json) as WireRequest) : await build(r, false);
        for (let pass = 0; ; pass++) {
          setWire.run(JSON.stringify(req), iso(), r.id); // durable before it leaves
          hookThrew = true;
          o.hooks?.beforeSend?.(item(byId.get(r.id) as Row));
          hookThrew = false;
          reply = await client.sendPrepared(req);
          if (reply.infcode !== 0 && pass === 0 && SIGN_IN_REFUSED.test(reply.err_msg)) {
            req = await build(r, true); // refused before anything was done: same msgid, new sign_no
            continue;
          }
          break;
        }
      } catch (e) {
        if (hookThrew) throw e;
        const code = e instanceof YibaoError ? e.code : 'ERROR';
        const why = `${code}: ${e instanceof YibaoError ? (e.detail ?? e.messageEn) : (e as Error).message}`;
        if (!RETRYABLE.has(code)) {
          // the request cannot be built (bad input, unknown transaction ...): a person must look at it
          markFailed.run(null, why, iso(), r.id);
          failed++;
          continue;
        }
        const cur = byId.get(r.id) as Row;
        retryLater.run(now() + delay(Math.max(1, cur.attempts)), why, iso(), r.id);
        break; // the center is not reachable: the rest waits behind this one
      }
      o.hooks?.afterSend?.(item(byId.get(r.id) as Row), reply);
      if (reply.infcode === 0) {
        markSent.run(JSON.stringify(reply.output ?? {}), iso(), r.id);
        sent++;
      } else {
        markFailed.run(JSON.stringify(reply.raw ?? {}), `infcode ${reply.infcode}: ${reply.err_msg}`, iso(), r.id);
        failed++;
      }
    }
    return { sent, failed, pending: (countQueued.get() as { n: number }).n };
  }

  let timer: NodeJS.Timeout | null = null;
  const handle: OfflineQueueHandle = {
    enqueue,
    drain(opts = {}) {
      // one drain at a time per queue: a second caller gets the running one
      if (running) return running;
      running = drainOnce(opts.max ?? Number.MAX_SAFE_INTEGER).finally(() => {
        running = null;
      });
      return running;
    },
    async pending() {
      return (countQueued.get() as { n: number }).n;
    },
    items(filter = {}) {
      const states = filter.states ?? ['queued', 'sent', 'failed'];
      const rows = db
        .prepare(`SELECT * FROM offline_queue WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY id LIMIT ?`)
        .all(...states, filter.limit ?? -1) as Row[];
      return rows.map(item);
    },
    get(id) {
      const r = byId.get(id) as Row | undefined;
      return r ? item(r) : null;
    },
    start(intervalMs = 5000) {
      if (timer) return;
      const tick = () => {
        handle.drain().catch(() => undefined);
      };
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    close() {
      handle.stop();
      if (own) db.close();
    },
  };
  return handle;
}
