// An in-memory Journal for tests of the modules above the journal (reconcile, agent). Same semantics as
// the durable ones (it passes the conformance suite) except durability. Not for production.
import type { Journal, JournalEntry, JournalState } from '../journal-contract.js';
import { YibaoError } from '../errors.js';

export interface MemoryJournalStore {
  rows: JournalEntry[];
  leases: Map<number, { owner: string; until: number }>;
}

const DEAD: readonly JournalState[] = ['failed', 'cancelled', 'reversed'];
const UNFINISHED: readonly JournalState[] = ['intent', 'sent', 'succeeded', 'unknown'];

export function memoryJournalStore(): MemoryJournalStore {
  return { rows: [], leases: new Map() };
}

function localDate(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A journal instance on a store (several instances on one store play several agents). */
export function memoryJournal(store: MemoryJournalStore = memoryJournalStore()): Journal & { store: MemoryJournalStore } {
  const copy = (e: JournalEntry): JournalEntry => ({ ...e, amounts: e.amounts ? { ...e.amounts } : e.amounts });
  const tick = () => Promise.resolve();
  return {
    kind: 'sqlite',
    store,
    async begin(i) {
      await tick();
      if (store.rows.some((r) => r.msgid === i.msgid)) throw YibaoError.host('DUPLICATE', `msgid ${i.msgid} is already journaled`);
      if (store.rows.some((r) => r.his_key === i.his_key && r.op === i.op && !DEAD.includes(r.state))) throw YibaoError.host('DUPLICATE', `HIS key ${i.his_key} already has a live ${i.op}`);
      const now = new Date().toISOString();
      const e: JournalEntry = {
        id: store.rows.length + 1, msgid: i.msgid, infno: i.infno, op: i.op, region: i.region, his_key: i.his_key, input_digest: i.input_digest, input_json: i.input_json,
        state: 'intent', psn_no: i.psn_no ?? null, mdtrt_id: i.mdtrt_id ?? null, setl_id: null, amounts: null, reply_json: null, error: null, undo_msgid: null,
        attempts: 0, created_at: now, updated_at: now, lease_owner: null, lease_until: null,
      };
      store.rows.push(e);
      return copy(e);
    },
    async transition(id, from, to, patch = {}) {
      await tick();
      const e = store.rows.find((r) => r.id === id);
      if (!e || e.state !== from) return null;
      if (DEAD.includes(e.state) && !DEAD.includes(to) && store.rows.some((r) => r !== e && r.his_key === e.his_key && r.op === e.op && !DEAD.includes(r.state))) {
        throw YibaoError.host('DUPLICATE', `journal entry ${id}: another live entry holds its HIS key`);
      }
      for (const [k, v] of Object.entries(patch)) if (v !== undefined) (e as unknown as Record<string, unknown>)[k] = v;
      e.state = to;
      if (to === 'sent') e.attempts++;
      e.updated_at = new Date().toISOString();
      return copy(e);
    },
    async get(id) {
      await tick();
      const e = store.rows.find((r) => r.id === id);
      return e ? copy(e) : null;
    },
    async byMsgid(msgid) {
      await tick();
      const e = store.rows.find((r) => r.msgid === msgid);
      return e ? copy(e) : null;
    },
    async list(f = {}) {
      await tick();
      return store.rows
        .filter((r) => (!f.states?.length || f.states.includes(r.state)) && (f.his_key === undefined || r.his_key === f.his_key) && (f.region === undefined || r.region === f.region) && (f.date === undefined || localDate(r.created_at) === f.date))
        .map(copy);
    },
    async unfinished() {
      await tick();
      return store.rows.filter((r) => UNFINISHED.includes(r.state)).map(copy);
    },
    async claim(id, owner, ttlMs) {
      await tick();
      const l = store.leases.get(id);
      if (l && l.owner !== owner && l.until >= Date.now()) return false;
      const until = Date.now() + ttlMs;
      store.leases.set(id, { owner, until });
      const e = store.rows.find((r) => r.id === id);
      if (e) {
        e.lease_owner = owner;
        e.lease_until = new Date(until).toISOString();
      }
      return true;
    },
    async release(id, owner) {
      await tick();
      if (store.leases.get(id)?.owner !== owner) return;
      store.leases.delete(id);
      const e = store.rows.find((r) => r.id === id);
      if (e) {
        e.lease_owner = null;
        e.lease_until = null;
      }
    },
    async close() {},
  };
}
