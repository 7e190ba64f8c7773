// The reliable (journaled, two-phase) client against the sandbox center over real HTTP, in process: the
// normal path, commit / abort, every unknown outcome the sandbox can inject on the money call, recover() of
// every unfinished state, leases, and the HIS ledger oracle. The crash-point runs with SIGKILL are in
// test/crash-points.test.ts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { createCore } from './core.js';
import { createClient, type Client } from './client.js';
import { createHttpTransport } from './transport-http.js';
import { openState } from './state.js';
import { SANDBOX_INSTITUTION } from './config.js';
import { openSqliteJournal } from './journal-sqlite.js';
import { createReliableClient, hisLedgerOracle, ownerIsDead, type ReliableClient, type ReliableStep } from './reliable.js';
import type { Journal, JournalEntry } from './journal-contract.js';
import type { Transport } from '../../plugins/contract.js';
import { createSichuanPlugin, SICHUAN_MANIFEST } from '../../plugins/national/index.js';
import { startSandbox, type Sandbox, type FaultSpec } from '../../plugins/national/sandbox/server.js';
import { idCheckChar } from '../../plugins/national/sandbox/persons.js';

const core = createCore();
let sb: Sandbox;
let dir: string;
let seq = 0;

/** A fresh valid ID number (the sandbox auto-enrols it): one person per test, no shared accumulators. */
function idNo(): string {
  const n = ++seq + Math.floor(Math.random() * 500) * 1000;
  const d = new Date(Date.UTC(1970, 0, 1) + (n % 15000) * 86400000);
  const first17 = `510104${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

const LINES = [
  { feedetl_sn: '1', med_list_codg: '001103000010000', name: '门诊诊查费', pric: '15.00', cnt: '1', med_chrgitm_type: '02' },
  { feedetl_sn: '2', med_list_codg: 'XJ01CAA040A001010100001', name: '阿莫西林胶囊', pric: '12.50', cnt: '2', med_chrgitm_type: '09' },
];
function bill(over: Record<string, unknown> = {}) {
  return { mdtrt_cert_type: '02', mdtrt_cert_no: idNo(), ipt_otp_no: `T${Date.now()}${++seq}`, fee_items: LINES, ...over };
}

/** Money-call faults: the sandbox's fault is switched on only around the next 2207A / 2304A / 2208 / 2305 request. */
function faultyTransport(inner: Transport, plan: Rig['plan']): Transport {
  return {
    ...inner,
    async post(req) {
      // the money calls: settlements and refunds (2208 / 2305)
      const money = ['2207A', '2304A', '2207', '2304', '2208', '2305'].includes(req.infno);
      if (money && plan.mutate) {
        req = { ...req, body: plan.mutate(req.body) };
        plan.mutate = null;
      }
      if (money && plan.fault) sb.setFaults([plan.fault]);
      try {
        return await inner.post(req);
      } finally {
        if (money && plan.fault) {
          sb.setFaults([]);
          plan.fault = null;
        }
      }
    },
  };
}

interface Rig {
  client: Client;
  journal: Journal;
  rc: ReliableClient;
  plan: { fault?: FaultSpec | null; mutate?: ((body: string) => string) | null };
  steps: ReliableStep[];
}

async function rig(name: string, opts: { owner?: string; hisCommitted?: (k: string) => Promise<boolean | null>; timeoutMs?: number } = {}): Promise<Rig> {
  const stateDir = join(dir, name);
  const plan: Rig['plan'] = {};
  const plugin = createSichuanPlugin({ core });
  const transport = faultyTransport(createHttpTransport({ endpoint: sb.url, path: SICHUAN_MANIFEST.transport.path, core, timeoutMs: opts.timeoutMs ?? 5000 }), plan);
  // msgids are unique per center: every rig draws them from one shared state; each has its own journal
  const client = createClient({ plugin, transport, core, institution: SANDBOX_INSTITUTION, state: openState(join(dir, 'msgids')) });
  const journal = await openSqliteJournal(stateDir);
  const steps: ReliableStep[] = [];
  const rc = createReliableClient({ client, journal, owner: opts.owner, hisCommitted: opts.hisCommitted, onStep: (s) => steps.push(s) });
  return { client, journal, rc, plan, steps };
}

const ledgerOf = (msgid: string) => sb.ledger().filter((l) => l.msgid === msgid);
const validFor = (psn_no: string) => sb.ledger().filter((l) => l.psn_no === psn_no && l.status === 'valid');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yibao-reliable-'));
  sb = await startSandbox({ region: 'sichuan' });
});
afterAll(async () => {
  await sb?.close();
});

describe('settle → commit / abort', () => {
  it('outpatient: intent and sent are journaled before the request, succeeded after; commit confirms', async () => {
    const r = await rig('a');
    const p = await r.rc.settle({ his_key: 'K-out-1', bill: bill() });
    expect(p).toMatchObject({ his_key: 'K-out-1', infno: '2207A' });
    expect(p.setl_id).toMatch(/^\d+$/);
    expect(p.setlinfo.medfee_sumamt).toBe(4000);
    let e = (await r.journal.byMsgid(p.msgid))!;
    expect(e).toMatchObject({ state: 'succeeded', setl_id: p.setl_id, op: 'settle', region: 'sichuan', his_key: 'K-out-1', attempts: 1 });
    expect(e.amounts).toEqual({ medfee_sumamt: 4000, fund_pay_sumamt: p.setlinfo.fund_pay_sumamt, acct_pay: p.setlinfo.acct_pay, psn_cash_pay: p.setlinfo.psn_cash_pay });
    const { _envelope, ...input } = JSON.parse(e.input_json);
    expect(_envelope).toEqual({ insuplc_admdvs: '510100' });
    expect(e.input_digest).toBe(core.hash.hex(core.hash.sha256(JSON.stringify(input))));
    expect(input.data).toMatchObject({ mdtrt_id: p.mdtrt_id, psn_no: p.psn_no, medfee_sumamt: '40.00' }); // exact text
    expect(e.lease_owner).toBe(r.rc.owner); // pending: leased to this process until commit
    expect(r.steps.map((s) => `${s.from}>${s.event}>${s.to}`)).toEqual(['new>begin>intent', 'intent>sent>sent', 'sent>reply_ok>succeeded']);
    expect(ledgerOf(p.msgid)).toMatchObject([{ status: 'valid', setl_id: p.setl_id }]);
    await r.rc.commit('K-out-1');
    e = (await r.journal.byMsgid(p.msgid))!;
    expect(e.state).toBe('confirmed');
    expect(e.lease_owner ?? null).toBeNull();
    await r.rc.commit('K-out-1'); // idempotent
    // no second settlement for a confirmed key
    await expect(r.rc.settle({ his_key: 'K-out-1', bill: bill() })).rejects.toMatchObject({ code: 'DUPLICATE' });
  });

  it('abort cancels at the center (2208) and frees the key', async () => {
    const r = await rig('b');
    const b = bill();
    const p = await r.rc.settle({ his_key: 'K-out-2', bill: b });
    await r.rc.abort('K-out-2');
    const e = (await r.journal.byMsgid(p.msgid))!;
    expect(e.state).toBe('cancelled');
    expect(e.undo_msgid).toMatch(/^H51010000001/);
    expect(ledgerOf(p.msgid)).toMatchObject([{ status: 'cancelled', cancel_msgid: e.undo_msgid }]);
    await r.rc.abort('K-out-2'); // idempotent
    await expect(r.rc.commit('K-out-2')).rejects.toMatchObject({ code: 'STATE_ERROR' });
    const again = await r.rc.settle({ his_key: 'K-out-2', bill: { ...b, ipt_otp_no: `${b.ipt_otp_no}R` } });
    await r.rc.commit('K-out-2');
    expect(validFor(again.psn_no)).toHaveLength(1);
  });

  it('inpatient: 2304A, then abort → 2305; settle again → commit', async () => {
    const r = await rig('c');
    const b = bill({ fee_items: [{ feedetl_sn: '1', med_list_codg: '001102000010000', name: '床位费', pric: '35.00', cnt: '3', med_chrgitm_type: '01' }] });
    const p = await r.rc.settle({ his_key: 'K-in-1', bill: b, inpatient: true });
    expect(p.infno).toBe('2304A');
    expect((await r.journal.byMsgid(p.msgid))!.op).toBe('inpatientSettle');
    await r.rc.abort('K-in-1');
    expect(ledgerOf(p.msgid)).toMatchObject([{ status: 'cancelled' }]);
    expect((await r.journal.byMsgid(p.msgid))!.state).toBe('cancelled');
  });

  it('a center refusal of the money call is failed (definitive) and the key may settle again', async () => {
    const r = await rig('d');
    const b = bill();
    r.plan.mutate = (body) => body.replace(/"medfee_sumamt":"?40\.00"?/, '"medfee_sumamt":"39.99"');
    await expect(r.rc.settle({ his_key: 'K-fail', bill: b })).rejects.toMatchObject({ code: 'CENTER_ERROR' });
    const [e] = await r.journal.list({ his_key: 'K-fail' });
    expect(e).toMatchObject({ state: 'failed' });
    expect(e!.error).toMatch(/CENTER_ERROR/);
    expect(e!.lease_owner ?? null).toBeNull();
    expect(ledgerOf(e!.msgid)).toEqual([]);
    const p = await r.rc.settle({ his_key: 'K-fail', bill: { ...b, ipt_otp_no: b.ipt_otp_no + 'b' } });
    await r.rc.commit('K-fail');
    expect(validFor(p.psn_no)).toHaveLength(1);
  });

  it('refusals before the money call journal nothing; bad requests are BAD_INPUT', async () => {
    const r = await rig('d2');
    // 孙暂停 (insurance suspended): 1101 works, 2201 is refused — before anything is journaled
    await expect(r.rc.settle({ his_key: 'K-ref', bill: { ...bill(), mdtrt_cert_no: '510106197205051836' } })).rejects.toMatchObject({ code: 'CENTER_ERROR' });
    expect(await r.journal.list({ his_key: 'K-ref' })).toEqual([]);
    await expect(r.rc.settle({ his_key: '', bill: bill() })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(r.rc.settle({ his_key: 'K-x', bill: { fee_items: [] } })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('unknown outcome of the money call, resolved while the HIS waits', () => {
  it('drop-after-commit: the center settled, the reply is lost → 5204/5203 find it → succeeded → commit', async () => {
    const r = await rig('e');
    r.plan.fault = { kind: 'drop-after-commit', p: 1 };
    const p = await r.rc.settle({ his_key: 'K-drop', bill: bill() });
    const e = (await r.journal.byMsgid(p.msgid))!;
    expect(e.state).toBe('succeeded');
    expect(JSON.parse(e.reply_json!).source).toBe('5203');
    expect(r.steps.map((s) => `${s.from}>${s.event}>${s.to}/${s.action}`)).toEqual([
      'new>begin>intent/send', 'intent>sent>sent/none', 'sent>transport_unknown>unknown/query', 'unknown>query_found>succeeded/none',
    ]);
    expect(p.setl_id).toBe(ledgerOf(p.msgid)[0]!.setl_id);
    expect(p.setlinfo.medfee_sumamt).toBe(4000);
    await r.rc.commit('K-drop');
    expect(ledgerOf(p.msgid)).toMatchObject([{ status: 'valid' }]);
  });

  it('malformed reply: the same', async () => {
    const r = await rig('f');
    r.plan.fault = { kind: 'malformed', p: 1 };
    const p = await r.rc.settle({ his_key: 'K-mal', bill: bill() });
    expect((await r.journal.byMsgid(p.msgid))!.state).toBe('succeeded');
    await r.rc.abort('K-mal');
    expect(ledgerOf(p.msgid)).toMatchObject([{ status: 'cancelled' }]);
  });

  it('http-500 (not processed): not found → 2601 (原交易不存在) → reversed → NOT_SETTLED; settling again works', async () => {
    const r = await rig('g');
    r.plan.fault = { kind: 'http-500', p: 1 };
    const b = bill();
    const err = await r.rc.settle({ his_key: 'K-500', bill: b }).catch((e) => e);
    expect(err).toMatchObject({ code: 'NOT_SETTLED' });
    const [e] = await r.journal.list({ his_key: 'K-500' });
    expect(e).toMatchObject({ state: 'reversed' });
    expect(e!.error).toMatch(/原交易不存在/);
    expect(ledgerOf(e!.msgid)).toEqual([]);
    const p = await r.rc.settle({ his_key: 'K-500', bill: { ...b, ipt_otp_no: b.ipt_otp_no + 'b' } });
    await r.rc.commit('K-500');
    expect(validFor(p.psn_no)).toHaveLength(1);
  });

  it('a transport timeout (delay beyond the timeout): the center settled → found', async () => {
    const r = await rig('h', { timeoutMs: 600 });
    r.plan.fault = { kind: 'delay', ms: 900 };
    const p = await r.rc.settle({ his_key: 'K-slow', bill: bill() });
    expect((await r.journal.byMsgid(p.msgid))!.error).toMatch(/TRANSPORT_TIMEOUT/);
    await r.rc.commit('K-slow');
    expect(ledgerOf(p.msgid)).toMatchObject([{ status: 'valid' }]);
  });
});

/** Puts an entry into a state the way a crashed process would have left it. */
async function crashedAt(r: Rig, his_key: string, state: 'intent' | 'sent' | 'unknown' | 'succeeded', opts: { reachCenter: boolean }): Promise<JournalEntry> {
  // settle for real, then rewrite the journal to an earlier state with a dead owner's lease
  const b = bill();
  if (!opts.reachCenter) r.plan.fault = { kind: 'http-500', p: 1 };
  const p = await r.rc.settle({ his_key, bill: b }).catch(() => null);
  const [e] = (await r.journal.list({ his_key })).slice(-1);
  const dead = deadOwner(); // a process of this machine that has exited
  const db = new Database((r.journal as Journal & { file: string }).file);
  db.prepare(`UPDATE journal SET state = ?, setl_id = ?, lease_owner = ?, lease_until = ? WHERE id = ?`).run(state, state === 'succeeded' ? (p?.setl_id ?? null) : null, dead, new Date(Date.now() + 3600e3).toISOString(), e!.id);
  db.close();
  return (await r.journal.get(e!.id))!;
}

function deadOwner(): string {
  const c = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']);
  const pid = Number(String(c.stdout).trim());
  return `yibao/${hostname()}/${pid}/abcd1234`;
}

describe('recover()', () => {
  it('resolves intent / sent / unknown (reached the center or not) by 2601, and succeeded by the HIS answer', async () => {
    const r = await rig('rec');
    const cases = [
      { k: 'R-intent-no', s: 'intent' as const, reach: false },
      { k: 'R-sent-no', s: 'sent' as const, reach: false },
      { k: 'R-sent-yes', s: 'sent' as const, reach: true },
      { k: 'R-unknown-yes', s: 'unknown' as const, reach: true },
      { k: 'R-intent-yes', s: 'intent' as const, reach: true },
      { k: 'R-succ-commit', s: 'succeeded' as const, reach: true },
      { k: 'R-succ-abort', s: 'succeeded' as const, reach: true },
      { k: 'R-succ-null', s: 'succeeded' as const, reach: true },
    ];
    const es = new Map<string, JournalEntry>();
    for (const c of cases) es.set(c.k, await crashedAt(r, c.k, c.s, { reachCenter: c.reach }));
    for (const c of cases) expect(ownerIsDead(es.get(c.k)!.lease_owner!)).toBe(true);
    const his = new Map<string, boolean | null>([['R-succ-commit', true], ['R-succ-abort', false], ['R-succ-null', null]]);
    // the restarted process: a new client that has identified nobody (the journal carries 参保地区划)
    const restarted = await rig('rec');
    expect(restarted.client.insuplcAdmdvs).toBe('');
    const rep = await restarted.rc.recover({ hisCommitted: async (k) => (his.has(k) ? his.get(k)! : false) });
    expect(rep).toMatchObject({ resolved: 7, confirmed: 1, cancelled: 1, reversed: 5, failed: 0, left: 1 });
    expect(rep.errors).toMatchObject([{ his_key: 'R-succ-null', state: 'succeeded' }]);
    const state = async (k: string) => (await r.journal.get(es.get(k)!.id))!;
    for (const k of ['R-intent-no', 'R-sent-no']) {
      expect((await state(k)).state).toBe('reversed');
      expect((await state(k)).error).toMatch(/原交易不存在/);
    }
    for (const k of ['R-sent-yes', 'R-unknown-yes', 'R-intent-yes']) {
      expect((await state(k)).state).toBe('reversed');
      expect(ledgerOf(es.get(k)!.msgid)).toMatchObject([{ status: 'reversed', reverse_msgid: (await state(k)).undo_msgid }]);
    }
    expect((await state('R-succ-commit')).state).toBe('confirmed');
    expect(ledgerOf(es.get('R-succ-commit')!.msgid)).toMatchObject([{ status: 'valid' }]);
    expect((await state('R-succ-abort')).state).toBe('cancelled');
    expect(ledgerOf(es.get('R-succ-abort')!.msgid)).toMatchObject([{ status: 'cancelled' }]);
    expect((await state('R-succ-null')).state).toBe('succeeded');
    // a second run: only the undecided one is left; nothing is done twice
    const before = JSON.stringify(sb.ledger());
    expect(await restarted.rc.recover({ hisCommitted: async () => null })).toMatchObject({ resolved: 0, left: 1 });
    expect(JSON.stringify(sb.ledger())).toBe(before);
    expect(await restarted.rc.recover({ hisCommitted: async () => true })).toMatchObject({ resolved: 1, confirmed: 1, left: 0 });
  });

  it('never touches a settlement in flight or pending in a live process (lease), but takes over a dead owner', async () => {
    const a = await rig('lease');
    const p = await a.rc.settle({ his_key: 'L-1', bill: bill() });
    // the same process (an agent recovering while it serves, with another client instance of the same owner)
    // keeps off its own pending settlement
    expect(await a.rc.recover({ hisCommitted: async () => false })).toMatchObject({ resolved: 0, left: 1 });
    const sameOwner = await rig('lease', { owner: a.rc.owner });
    expect(await sameOwner.rc.recover({ hisCommitted: async () => false })).toMatchObject({ resolved: 0, left: 1 });
    const b = await rig('lease', { owner: 'yibao/other-host/1/ffff0000' });
    expect(await b.rc.recover({ hisCommitted: async () => false })).toMatchObject({ resolved: 0, left: 1 });
    expect(ledgerOf(p.msgid)).toMatchObject([{ status: 'valid' }]);
    await a.rc.commit('L-1');
    expect(await b.rc.recover()).toMatchObject({ resolved: 0, left: 0 });
  });

  it('a settlement in flight (the request is at the center) is not touched by a concurrent recover(), same owner or not', async () => {
    const a = await rig('flight');
    const same = await rig('flight', { owner: a.rc.owner });
    const other = await rig('flight');
    a.plan.fault = { kind: 'delay', ms: 400 };
    const pending = a.rc.settle({ his_key: 'F-1', bill: bill() });
    await new Promise((r) => setTimeout(r, 250)); // 2207A sent, its reply delayed
    const [e] = await a.journal.list({ his_key: 'F-1' });
    expect(e?.state).toBe('sent');
    expect(await same.rc.recover({ hisCommitted: async () => false })).toMatchObject({ resolved: 0, left: 1 });
    expect(await other.rc.recover({ hisCommitted: async () => false })).toMatchObject({ resolved: 0, left: 1 });
    const p = await pending;
    await a.rc.commit('F-1');
    expect(ledgerOf(p.msgid)).toMatchObject([{ status: 'valid' }]);
    expect((await a.journal.byMsgid(p.msgid))!.state).toBe('confirmed');
  });

  it('every step asks op 70: an illegal event is refused by the core', () => {
    expect(() => core.txn.next({ protocol: 'national', state: 'confirmed', event: 'his_aborted' })).toThrowError(/TXN_ILLEGAL|交易状态转换不合法/);
    expect(core.txn.next({ protocol: 'national', state: 'sent', event: 'transport_unknown' })).toEqual({ state: 'unknown', action: 'query', terminal: false });
  });
});

describe('refund of a confirmed settlement (2208 / 2305, its own journal entry)', () => {
  async function confirmed(r: Rig, his_key: string, inpatient = false) {
    const b = inpatient ? bill({ fee_items: [{ feedetl_sn: '1', med_list_codg: '001102000010000', name: '床位费', pric: '35.00', cnt: '3', med_chrgitm_type: '01' }] }) : bill();
    const p = await r.rc.settle({ his_key, bill: b, inpatient });
    await r.rc.commit(his_key);
    return p;
  }
  const refundsOf = async (r: Rig, his_key: string) => (await r.journal.list({ his_key })).filter((e) => e.op === 'cancelSettle' || e.op === 'cancelInpatientSettle');

  it('outpatient: intent → sent → succeeded → confirmed; the center cancels it; one refund per settlement', async () => {
    const r = await rig('refund-a');
    const p = await confirmed(r, 'RF-1');
    r.steps.length = 0;
    const f = await r.rc.refund({ his_key: 'RF-1' });
    expect(f).toMatchObject({ his_key: 'RF-1', infno: '2208', state: 'confirmed', setl_id: p.setl_id, mdtrt_id: p.mdtrt_id, psn_no: p.psn_no });
    expect(f.refund_setl_id).toMatch(/^\d+$/);
    expect(f.refund_setl_id).not.toBe(p.setl_id);
    expect(f.setlinfo.medfee_sumamt).toBe(-4000);
    expect(r.steps.map((s) => `${s.from}>${s.event}>${s.to}`)).toEqual(['new>begin>intent', 'intent>sent>sent', 'sent>reply_ok>succeeded', 'succeeded>his_committed>confirmed']);
    const [e] = await refundsOf(r, 'RF-1');
    expect(e).toMatchObject({ op: 'cancelSettle', infno: '2208', state: 'confirmed', msgid: f.msgid, setl_id: p.setl_id, psn_no: p.psn_no, mdtrt_id: p.mdtrt_id });
    expect(e!.amounts).toMatchObject({ medfee_sumamt: -4000 });
    expect(e!.lease_owner ?? null).toBeNull();
    expect(JSON.parse(e!.input_json)._envelope).toEqual({ insuplc_admdvs: '510100' });
    // the center: cancelled by exactly this request; the settlement's own entry stays confirmed
    expect(ledgerOf(p.msgid)).toMatchObject([{ status: 'cancelled', cancel_msgid: f.msgid, cancel_setl_id: f.refund_setl_id }]);
    expect((await r.journal.byMsgid(p.msgid))!.state).toBe('confirmed');
    await expect(r.rc.refund({ his_key: 'RF-1' })).rejects.toMatchObject({ code: 'DUPLICATE' });
    expect(await refundsOf(r, 'RF-1')).toHaveLength(1);
  });

  it('inpatient: 2305 (op cancelInpatientSettle); setl_id selects; pending or unknown keys are refused before anything is sent', async () => {
    const r = await rig('refund-b');
    const p = await confirmed(r, 'RF-IN', true);
    await expect(r.rc.refund({ his_key: 'RF-IN', setl_id: '999' })).rejects.toMatchObject({ code: 'STATE_ERROR' });
    const f = await r.rc.refund({ his_key: 'RF-IN', setl_id: p.setl_id });
    expect(f).toMatchObject({ infno: '2305', state: 'confirmed', setl_id: p.setl_id });
    expect((await refundsOf(r, 'RF-IN'))[0]).toMatchObject({ op: 'cancelInpatientSettle', state: 'confirmed' });
    expect(ledgerOf(p.msgid)).toMatchObject([{ status: 'cancelled', cancel_msgid: f.msgid }]);
    // a pending settlement is aborted, not refunded; an unknown key has nothing to refund
    const q = await r.rc.settle({ his_key: 'RF-PEND', bill: bill() });
    await expect(r.rc.refund({ his_key: 'RF-PEND' })).rejects.toMatchObject({ code: 'STATE_ERROR', detail: expect.stringMatching(/pending.*abort/) });
    await r.rc.abort('RF-PEND');
    await expect(r.rc.refund({ his_key: 'RF-NONE' })).rejects.toMatchObject({ code: 'STATE_ERROR' });
    await expect(r.rc.refund({ his_key: '' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(ledgerOf(q.msgid)).toMatchObject([{ status: 'cancelled' }]);
    expect(await refundsOf(r, 'RF-PEND')).toEqual([]);
  });

  it('a refusal by the center is failed; unknown outcomes while the HIS waits: found by 5203 → confirmed, not found → 2601 → reversed', async () => {
    const r = await rig('refund-c');
    // refused: the center has it cancelled already (by someone else, outside yibao)
    const p0 = await confirmed(r, 'RF-REF');
    await r.client.cancelSettle({ setl_id: p0.setl_id, mdtrt_id: p0.mdtrt_id, psn_no: p0.psn_no });
    await expect(r.rc.refund({ his_key: 'RF-REF' })).rejects.toMatchObject({ code: 'CENTER_ERROR' });
    expect((await refundsOf(r, 'RF-REF'))[0]).toMatchObject({ state: 'failed' });

    // the center refunded, the reply was lost: 5203 shows the settlement cancelled → the refund stands
    const p1 = await confirmed(r, 'RF-DROP');
    r.plan.fault = { kind: 'drop-after-commit', p: 1 };
    r.steps.length = 0;
    const f1 = await r.rc.refund({ his_key: 'RF-DROP' });
    expect(f1).toMatchObject({ state: 'confirmed', setl_id: p1.setl_id, refund_setl_id: '' });
    expect(f1.setlinfo.medfee_sumamt).toBe(-4000);
    expect(r.steps.map((s) => `${s.from}>${s.event}>${s.to}/${s.action}`)).toEqual([
      'new>begin>intent/send', 'intent>sent>sent/none', 'sent>transport_unknown>unknown/query', 'unknown>query_found>succeeded/none', 'succeeded>his_committed>confirmed/none',
    ]);
    const e1 = (await refundsOf(r, 'RF-DROP'))[0]!;
    expect(JSON.parse(e1.reply_json!).source).toBe('5203');
    expect(e1.amounts).toMatchObject({ medfee_sumamt: -4000 });
    expect(ledgerOf(p1.msgid)).toMatchObject([{ status: 'cancelled', cancel_msgid: f1.msgid }]);

    // the 2208 never got processed (HTTP 500): 5203 shows it in force → 2601 makes that msgid dead → nothing refunded
    const p2 = await confirmed(r, 'RF-500');
    r.plan.fault = { kind: 'http-500', p: 1 };
    const err = await r.rc.refund({ his_key: 'RF-500' }).catch((x) => x);
    expect(err).toMatchObject({ code: 'NOT_SETTLED' });
    const e2 = (await refundsOf(r, 'RF-500'))[0]!;
    expect(e2).toMatchObject({ state: 'reversed' });
    expect(e2.error).toMatch(/原交易不存在/);
    expect(ledgerOf(p2.msgid)).toMatchObject([{ status: 'valid' }]);
    // the settlement is still in force: it may be refunded now
    const f2 = await r.rc.refund({ his_key: 'RF-500' });
    expect(ledgerOf(p2.msgid)).toMatchObject([{ status: 'cancelled', cancel_msgid: f2.msgid }]);
  });

  it('recover(): a refund the HIS never heard of is undone by 2601 (presumed abort), without asking the HIS oracle', async () => {
    const r = await rig('refund-rec');
    // sent and reached the center (the process died before the reply was journaled)
    const a = await confirmed(r, 'RR-sent');
    const fa = await r.rc.refund({ his_key: 'RR-sent' });
    // succeeded: died between the reply and the confirmation
    const b = await confirmed(r, 'RR-succ');
    const fb = await r.rc.refund({ his_key: 'RR-succ' });
    // intent: the request never left
    const c = await confirmed(r, 'RR-intent');
    const msgid = (await r.client.nextMsgid()).msgid;
    const input_json = JSON.stringify({ data: { setl_id: c.setl_id, mdtrt_id: c.mdtrt_id, psn_no: c.psn_no }, _envelope: { insuplc_admdvs: '510100' } });
    const ec = await r.journal.begin({ msgid, infno: '2208', op: 'cancelSettle', region: 'sichuan', his_key: 'RR-intent', input_json, input_digest: 'x', psn_no: c.psn_no, mdtrt_id: c.mdtrt_id });
    const dead = deadOwner();
    const db = new Database((r.journal as Journal & { file: string }).file);
    const set = db.prepare(`UPDATE journal SET state = ?, lease_owner = ?, lease_until = ? WHERE msgid = ?`);
    const until = new Date(Date.now() + 3600e3).toISOString();
    set.run('sent', dead, until, fa.msgid);
    set.run('succeeded', dead, until, fb.msgid);
    set.run('intent', dead, until, msgid);
    db.close();
    expect(ledgerOf(a.msgid)[0]!.status).toBe('cancelled');
    const restarted = await rig('refund-rec');
    let asked = 0;
    const rep = await restarted.rc.recover({ hisCommitted: async () => (asked++, true) });
    expect(asked).toBe(0);
    expect(rep).toMatchObject({ resolved: 3, reversed: 3, left: 0 });
    for (const [m, p] of [[fa.msgid, a], [fb.msgid, b]] as const) {
      const e = (await r.journal.byMsgid(m))!;
      expect(e.state).toBe('reversed');
      // 2601 of the refund: the settlement is in force again, the refund's msgid dead
      expect(ledgerOf(p.msgid)).toMatchObject([{ status: 'valid' }]);
      expect(sb.center.st.msgs.get(m)?.reversed_by).toBe(e.undo_msgid);
    }
    const ei = (await r.journal.get(ec.id))!;
    expect(ei.state).toBe('reversed');
    expect(ei.error).toMatch(/原交易不存在/);
    expect(ledgerOf(c.msgid)).toMatchObject([{ status: 'valid' }]);
    // the settlements may be refunded again
    await r.rc.refund({ his_key: 'RR-succ' });
    expect(ledgerOf(b.msgid)).toMatchObject([{ status: 'cancelled' }]);
  });
});

describe('HIS ledger oracle (--his-ledger)', () => {
  it('SQLite his_ledger (reconcile format, optional committed / status), JSON keys, JSON rows, an object, CSV', async () => {
    const f = join(dir, 'his.db');
    const db = new Database(f);
    db.exec(`CREATE TABLE his_ledger (his_key TEXT, setl_id TEXT, medfee_sumamt TEXT, status TEXT, committed INTEGER)`);
    const ins = db.prepare(`INSERT INTO his_ledger VALUES (?, ?, ?, ?, ?)`);
    ins.run('A', '1', '1.00', 'valid', 1);
    ins.run('B', '2', '1.00', 'cancelled', 1);
    ins.run('C', '3', '1.00', null, 0);
    ins.run('D', '4', '1.00', null, null);
    db.close();
    const o = hisLedgerOracle(f);
    expect([await o('A'), await o('B'), await o('C'), await o('D'), await o('Z')]).toEqual([true, false, false, true, false]);
    const j1 = join(dir, 'keys.json');
    writeFileSync(j1, JSON.stringify(['A', 'B']));
    expect([await hisLedgerOracle(j1)('A'), await hisLedgerOracle(j1)('C')]).toEqual([true, false]);
    const j2 = join(dir, 'rows.json');
    writeFileSync(j2, JSON.stringify({ rows: [{ his_key: 'A', setl_id: '1', medfee_sumamt: '1.00' }, { his_key: 'B', setl_id: '2', medfee_sumamt: '1.00', status: 'cancelled' }] }));
    expect([await hisLedgerOracle(j2)('A'), await hisLedgerOracle(j2)('B')]).toEqual([true, false]);
    const j3 = join(dir, 'map.json');
    writeFileSync(j3, JSON.stringify({ A: true, B: false, C: null }));
    expect([await hisLedgerOracle(j3)('A'), await hisLedgerOracle(j3)('B'), await hisLedgerOracle(j3)('C'), await hisLedgerOracle(j3)('D')]).toEqual([true, false, null, false]);
    const c = join(dir, 'his.csv');
    writeFileSync(c, 'his_key,setl_id,medfee_sumamt,status\nA,1,1.00,valid\nB,2,1.00,cancelled\n');
    expect([await hisLedgerOracle(c)('A'), await hisLedgerOracle(c)('B')]).toEqual([true, false]);
    expect(() => hisLedgerOracle(join(dir, 'none.json'))).toThrowError(/IO_ERROR|读取/);
  });
});
