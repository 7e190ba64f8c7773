// The shared conformance suite of Journal implementations (journal-contract.ts). Every journal's test calls
// runJournalConformance(); this file is excluded from the direct run (vitest.config.ts) and only runs
// through those calls.
//
// `open()` must return a NEW instance on the SAME storage each time (same SQLite file, same PostgreSQL
// database): the suite reopens to check durability and opens two instances to play two agents. The
// storage may hold entries of other tests: the suite only looks at its own (random msgids / HIS keys).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes, createHash } from 'node:crypto';
import type { Journal, JournalEntry, JournalState, NewIntent } from './journal-contract.js';
import { YibaoError } from './errors.js';

export interface JournalConformanceOptions {
  name: string;
  kind: Journal['kind'];
  open: () => Promise<Journal>;
  /** how many racing resolvers per agent in the two-agent test (default 4) */
  resolversPerAgent?: number;
  /** entries in the two-agent test (default 40) */
  contendedEntries?: number;
}

const rnd = () => randomBytes(6).toString('hex');
const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

export function intent(over: Partial<NewIntent> = {}): NewIntent {
  const input_json = JSON.stringify({ data: { psn_no: '51010000000000000001', medfee_sumamt: '12.34', n: rnd() } });
  return {
    msgid: `H51010000001${Date.now()}${rnd()}`.slice(0, 40),
    infno: '2207',
    op: 'settle',
    region: 'sichuan',
    his_key: `HIS-${rnd()}`,
    input_json,
    input_digest: createHash('sha256').update(input_json).digest('hex'),
    psn_no: '51010000000000000001',
    mdtrt_id: `M${rnd()}`,
    ...over,
  };
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, `expected a YibaoError ${code}`).toBeInstanceOf(YibaoError);
  expect((err as YibaoError).code).toBe(code);
}

/** Drives an entry through states with CAS (test helper). */
async function walk(j: Journal, e: JournalEntry, states: JournalState[]): Promise<JournalEntry> {
  let cur = e;
  for (const s of states) {
    const n = await j.transition(cur.id, cur.state, s);
    expect(n, `${cur.state} → ${s}`).not.toBeNull();
    cur = n!;
  }
  return cur;
}

export function runJournalConformance(o: JournalConformanceOptions): void {
  describe(`Journal conformance: ${o.name}`, () => {
    let j: Journal;
    beforeAll(async () => {
      j = await o.open();
    });
    afterAll(async () => {
      await j?.close();
    });

    it('kind', () => {
      expect(j.kind).toBe(o.kind);
    });

    it('begin writes the intent durably: fields, state intent, visible by id and msgid, and after reopening', async () => {
      const i = intent();
      const e = await j.begin(i);
      expect(e).toMatchObject({ msgid: i.msgid, infno: '2207', op: 'settle', region: 'sichuan', his_key: i.his_key, input_json: i.input_json, input_digest: i.input_digest, state: 'intent', attempts: 0 });
      expect(e.psn_no).toBe(i.psn_no);
      expect(e.mdtrt_id).toBe(i.mdtrt_id);
      expect(typeof e.id).toBe('number');
      expect(Number.isNaN(Date.parse(e.created_at))).toBe(false);
      expect(Number.isNaN(Date.parse(e.updated_at))).toBe(false);
      expect(e.setl_id ?? null).toBeNull();
      expect(await j.get(e.id)).toEqual(e);
      expect(await j.byMsgid(i.msgid)).toEqual(e);
      expect(await j.get(-12345)).toBeNull();
      expect(await j.byMsgid('no-such-msgid')).toBeNull();
      const j2 = await o.open();
      try {
        expect(await j2.get(e.id)).toEqual(e);
      } finally {
        await j2.close();
      }
    });

    it('refuses a second live entry for the same HIS key and op, and a reused msgid (DUPLICATE)', async () => {
      const a = await j.begin(intent());
      await expectCode(j.begin(intent({ his_key: a.his_key })), 'DUPLICATE');
      await expectCode(j.begin(intent({ msgid: a.msgid })), 'DUPLICATE');
      // another operation on the same key is fine
      const other = await j.begin(intent({ his_key: a.his_key, op: 'inpatientSettle', infno: '2304' }));
      expect(other.his_key).toBe(a.his_key);
      // confirmed is live: still refused
      await walk(j, a, ['sent', 'succeeded', 'confirmed']);
      await expectCode(j.begin(intent({ his_key: a.his_key })), 'DUPLICATE');
      // once the live one is terminal-and-undone (failed / cancelled / reversed), the key may settle again
      for (const end of [['sent', 'failed'], ['sent', 'succeeded', 'cancelled'], ['sent', 'unknown', 'reversed']] as JournalState[][]) {
        const k = `HIS-${rnd()}`;
        const first = await j.begin(intent({ his_key: k }));
        await walk(j, first, end);
        const again = await j.begin(intent({ his_key: k }));
        expect(again.state).toBe('intent');
        expect(again.id).not.toBe(first.id);
      }
    });

    it('transition is compare-and-set and applies the patch', async () => {
      const e = await j.begin(intent());
      expect(await j.transition(e.id, 'sent', 'succeeded')).toBeNull(); // not in 'sent'
      const sent = await j.transition(e.id, 'intent', 'sent');
      expect(sent?.state).toBe('sent');
      expect(sent!.attempts).toBeGreaterThanOrEqual(1);
      const amounts = { medfee_sumamt: 37060, fund_pay_sumamt: 10000, acct_pay: 20000, psn_cash_pay: 7060 };
      const ok = await j.transition(e.id, 'sent', 'succeeded', { setl_id: '510130001', mdtrt_id: '510120009', amounts, reply_json: '{"infcode":0}' });
      expect(ok).toMatchObject({ state: 'succeeded', setl_id: '510130001', mdtrt_id: '510120009', amounts, reply_json: '{"infcode":0}' });
      expect(Date.parse(ok!.updated_at)).toBeGreaterThanOrEqual(Date.parse(e.created_at));
      // fields not in the patch keep their values
      const conf = await j.transition(e.id, 'succeeded', 'confirmed', { error: null });
      expect(conf).toMatchObject({ state: 'confirmed', setl_id: '510130001', amounts, psn_no: e.psn_no });
      expect(conf!.error ?? null).toBeNull();
      expect(await j.transition(e.id, 'succeeded', 'cancelled')).toBeNull();
      const rev = await j.transition(e.id, 'confirmed', 'reversed', { undo_msgid: 'U1', error: 'CENTER_ERROR: x' });
      expect(rev).toMatchObject({ state: 'reversed', undo_msgid: 'U1', error: 'CENTER_ERROR: x' });
      expect(await j.get(e.id)).toEqual(rev);
    });

    it('of many concurrent transitions from the same state exactly one wins', async () => {
      const e = await walk(j, await j.begin(intent()), ['sent', 'unknown']);
      const targets: JournalState[] = ['succeeded', 'failed', 'reversed', 'succeeded', 'failed', 'reversed', 'succeeded', 'failed'];
      const results = await Promise.all(targets.map((s) => j.transition(e.id, 'unknown', s)));
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect((await j.get(e.id))!.state).toBe(winners[0]!.state);
    });

    it('list filters by states, HIS key, region and local date; unfinished lists the non-terminal oldest first', async () => {
      const region = `r${rnd()}`;
      const es: JournalEntry[] = [];
      for (let k = 0; k < 6; k++) es.push(await j.begin(intent({ region })));
      await walk(j, es[1]!, ['sent']);
      await walk(j, es[2]!, ['sent', 'succeeded']);
      await walk(j, es[3]!, ['sent', 'unknown']);
      await walk(j, es[4]!, ['sent', 'failed']);
      await walk(j, es[5]!, ['sent', 'succeeded', 'confirmed']);
      const all = await j.list({ region });
      expect(all.map((e) => e.id)).toEqual(es.map((e) => e.id));
      expect((await j.list({ region, states: ['confirmed', 'failed'] })).map((e) => e.state).sort()).toEqual(['confirmed', 'failed']);
      expect((await j.list({ his_key: es[2]!.his_key })).map((e) => e.id)).toEqual([es[2]!.id]);
      expect((await j.list({ region, date: today() })).length).toBe(6);
      expect(await j.list({ region, date: '2001-01-01' })).toEqual([]);
      const mine = new Set(es.map((e) => e.id));
      const unf = (await j.unfinished()).filter((e) => mine.has(e.id));
      expect(unf.map((e) => e.state)).toEqual(['intent', 'sent', 'succeeded', 'unknown']);
      expect(unf.map((e) => e.id)).toEqual([...unf.map((e) => e.id)].sort((a, b) => a - b));
    });

    it('leases: one owner at a time, renewable by the owner, released, expiring', async () => {
      const e = await j.begin(intent());
      expect(await j.claim(e.id, 'agent-A', 60000)).toBe(true);
      expect(await j.claim(e.id, 'agent-B', 60000)).toBe(false);
      expect(await j.claim(e.id, 'agent-A', 60000)).toBe(true); // renewal
      const held = await j.get(e.id);
      expect(held!.lease_owner).toBe('agent-A');
      expect(Date.parse(held!.lease_until!)).toBeGreaterThan(Date.now() - 5000);
      await j.release(e.id, 'agent-B'); // not the owner: no effect
      expect(await j.claim(e.id, 'agent-B', 60000)).toBe(false);
      await j.release(e.id, 'agent-A');
      expect(await j.claim(e.id, 'agent-B', 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 30));
      expect(await j.claim(e.id, 'agent-A', 60000)).toBe(true); // B's lease expired
    });

    it('two agents (two journal instances on one store) racing to resolve the same unknown entries resolve each exactly once', async () => {
      const n = o.contendedEntries ?? 40;
      const per = o.resolversPerAgent ?? 4;
      const region = `race${rnd()}`;
      const ids: number[] = [];
      for (let k = 0; k < n; k++) ids.push((await walk(j, await j.begin(intent({ region })), ['sent', 'unknown'])).id);
      const mine = new Set(ids);
      const agents = [await o.open(), await o.open()];
      const resolutions = new Map<number, string[]>();
      // a resolver: claim, re-read, act on the center (here: record the side effect), CAS, release
      const resolver = async (jj: Journal, owner: string) => {
        for (const e of (await jj.unfinished()).filter((x) => mine.has(x.id))) {
          if (!(await jj.claim(e.id, owner, 30000))) continue;
          try {
            const cur = await jj.get(e.id);
            if (cur?.state !== 'unknown') continue;
            resolutions.set(e.id, [...(resolutions.get(e.id) ?? []), owner]); // e.g. the 2601 sent to the center
            await new Promise((r) => setTimeout(r, Math.random() * 3));
            expect(await jj.transition(e.id, 'unknown', 'reversed', { undo_msgid: `R-${owner}-${e.id}` })).not.toBeNull();
          } finally {
            await jj.release(e.id, owner);
          }
        }
      };
      try {
        await Promise.all(agents.flatMap((a, k) => Array.from({ length: per }, (_, r) => resolver(a, `agent${k}-${r}`))));
      } finally {
        for (const a of agents) await a.close();
      }
      for (const id of ids) {
        expect(resolutions.get(id), `entry ${id}`).toHaveLength(1);
        const e = await j.get(id);
        expect(e!.state).toBe('reversed');
        expect(e!.undo_msgid).toBe(`R-${resolutions.get(id)![0]}-${id}`);
      }
    });
  });
}
