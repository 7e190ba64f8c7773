// The journaled two-phase API for Chengdu (Yinhai 5.0): settle → commit / abort, an unknown outcome resolved by
// getuncertaintytrade, recover() with the HIS's answer, and SIGKILL crash runs of a real child "HIS" process
// (plugins/chengdu/sandbox/crash-his.ts) followed by recovery in another process.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import Database from 'better-sqlite3';
import type { Bill } from '../../host-node/src/flows.js';
import { openSqliteJournal } from '../../host-node/src/journal-sqlite.js';
import { spawnCrashHis } from '../../host-node/src/testing/crash-his.js';
import { hisLedgerOracle } from '../../host-node/src/reliable.js';
import type { Journal } from '../../host-node/src/journal-contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { idCheckChar } from '../national/sandbox/persons.js';
import { mulberry32 } from '../national/sandbox/prng.js';
import { startChengduHarness, type ChengduHarness } from './sandbox/harness.js';
import { createChengduReliableClient } from './reliable.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const demo = JSON.parse(readFileSync(join(root, 'test/fixtures/demo-outpatient.json'), 'utf8')) as Bill;

function idNo(seq: number): string {
  const first17 = `51010419910101${String(seq).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}
const billFor = (seq: number): Bill => ({ ...demo, mdtrt_cert_type: '02', mdtrt_cert_no: idNo(seq), ipt_otp_no: `MZ-R${seq}` });

describe('chengdu reliable client (journal + op 70, protocol yinhai)', () => {
  let h: ChengduHarness;
  let journal: Journal;

  beforeAll(async () => {
    h = await startChengduHarness({ timeoutMs: 2000 });
    journal = await openSqliteJournal(mkdtempSync(join(tmpdir(), 'yibao-cd-rel-')));
  });

  afterAll(async () => {
    await journal?.close();
    await h?.close();
  });

  const trades11 = (akc190: string) => [...h.sandbox.center.trades.values()].filter((t) => t.akc190 === akc190 && t.jybh === '11');

  it('settle → pending (uncertain at the center) → commit confirms it; a second settle of the key is DUPLICATE', async () => {
    const rc = createChengduReliableClient({ client: h.client, journal });
    const p = await rc.settle({ his_key: 'CD-1', bill: billFor(1) });
    expect(p.setlinfo.medfee_sumamt).toBe(44120);
    expect(p.infno).toBe('11');
    expect(p.msgid).toMatch(/^yh-/);
    expect(trades11(p.mdtrt_id).map((t) => t.status)).toEqual(['uncertain']);
    const e = (await journal.get(p.journalId))!;
    expect(e.state).toBe('succeeded');
    const reply = JSON.parse(e.reply_json!);
    expect(reply.jylsh).toMatch(/^11C/);
    expect(reply.jyyzm).toMatch(/^\d{9}$/);
    expect(reply.pcbh).not.toBe('');
    await rc.commit('CD-1');
    expect(trades11(p.mdtrt_id).map((t) => t.status)).toEqual(['confirmed']);
    expect(h.sandbox.center.ledger().find((x) => x.yka103 === p.setl_id)).toMatchObject({ status: 'valid', trade: 'confirmed' });
    expect((await journal.get(p.journalId))!.state).toBe('confirmed');
    await rc.commit('CD-1'); // twice: nothing
    const dup = (await rc.settle({ his_key: 'CD-1', bill: billFor(1) }).catch((x) => x)) as YibaoError;
    expect(dup.code).toBe('DUPLICATE');
  });

  it('settle → abort cancels the trade; the account is back', async () => {
    const rc = createChengduReliableClient({ client: h.client, journal });
    const before = (await h.client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: idNo(2) })).balc;
    const p = await rc.settle({ his_key: 'CD-2', bill: billFor(2) });
    await rc.abort('CD-2');
    expect(trades11(p.mdtrt_id).map((t) => t.status)).toEqual(['cancelled']);
    expect(h.sandbox.center.byAac001.get(p.psn_no)!.balance_fen).toBe(before);
    expect((await journal.get(p.journalId))!).toMatchObject({ state: 'cancelled', undo_msgid: JSON.parse((await journal.get(p.journalId))!.reply_json!).jylsh });
    // undone: the key may settle again
    const again = await rc.settle({ his_key: 'CD-2', bill: billFor(2) });
    await rc.commit('CD-2');
    expect(trades11(again.mdtrt_id).map((t) => t.status)).toEqual(['confirmed']);
  });

  it('a timeout on 11 while the HIS waits: getuncertaintytrade finds it, it is cancelled (no jyyzm), NOT_SETTLED', async () => {
    const rc = createChengduReliableClient({ client: h.client, journal });
    h.sandbox.stall(['11']);
    const e = (await rc.settle({ his_key: 'CD-3', bill: billFor(3) }).catch((x) => x)) as YibaoError;
    h.sandbox.stall([]);
    expect(e.code).toBe('NOT_SETTLED');
    const [entry] = await journal.list({ his_key: 'CD-3' });
    expect(entry).toMatchObject({ state: 'cancelled' });
    expect(trades11(entry!.mdtrt_id!).map((t) => t.status)).toEqual(['cancelled']);
  });

  it('an unknown outcome left for recover(): hisCommitted=false cancels it; true leaves it for a person (its jyyzm was lost)', async () => {
    const rc = createChengduReliableClient({ client: h.client, journal });
    const unknownSettle = async (key: string, seq: number) => {
      const real = h.client.uncertain.bind(h.client);
      h.client.uncertain = async () => {
        throw YibaoError.host('BRIDGE_TIMEOUT', 'getuncertaintytrade: no answer (test)');
      };
      h.sandbox.stall(['11']);
      try {
        return (await rc.settle({ his_key: key, bill: billFor(seq) }).catch((x) => x)) as YibaoError;
      } finally {
        h.sandbox.stall([]);
        h.client.uncertain = real;
      }
    };
    const before = (await h.client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: idNo(4) })).balc;
    const e = await unknownSettle('CD-4', 4);
    expect(e.code).toBe('OUTCOME_UNKNOWN');
    const [u] = await journal.list({ his_key: 'CD-4' });
    expect(u!.state).toBe('unknown');
    expect(trades11(u!.mdtrt_id!).map((t) => t.status)).toEqual(['uncertain']);
    expect(h.sandbox.center.byAac001.get(u!.psn_no!)!.balance_fen).toBeLessThan(before);

    // the HIS says it committed CD-4: the trade cannot be confirmed without its jyyzm → left (manual), not cancelled
    const keep = await rc.recover({ hisCommitted: async (k) => k === 'CD-4' });
    expect(keep.errors.find((x) => x.his_key === 'CD-4')?.error).toMatch(/manual: .*jyyzm/);
    expect(trades11(u!.mdtrt_id!).map((t) => t.status)).toEqual(['uncertain']);

    const r = await rc.recover({ hisCommitted: async () => false });
    expect(r).toMatchObject({ cancelled: 1, left: 0 });
    expect((await journal.get(u!.id))!.state).toBe('cancelled');
    expect(trades11(u!.mdtrt_id!).map((t) => t.status)).toEqual(['cancelled']);
    expect(h.sandbox.center.byAac001.get(u!.psn_no!)!.balance_fen).toBe(before);

    // an unknown the center never kept (the bridge died before the call reached it) → failed
    const e2 = await unknownSettle('CD-5', 5);
    expect(e2.code).toBe('OUTCOME_UNKNOWN');
    const [u2] = await journal.list({ his_key: 'CD-5' });
    expect(await h.client.resolveUncertain('11', () => 'cancel')).toMatchObject({ cancelled: [expect.stringMatching(/^11C/)] }); // someone cancelled it by hand
    expect(await rc.recover({ hisCommitted: async () => false })).toMatchObject({ failed: 1, left: 0 });
    expect((await journal.get(u2!.id))!.state).toBe('failed');
  });

  it('pending settlements whose process went away: recover() confirms what the HIS committed and cancels the rest', async () => {
    const gone = createChengduReliableClient({ client: h.client, journal, leaseMs: 50 });
    const a = await gone.settle({ his_key: 'CD-6', bill: billFor(6) });
    const b = await gone.settle({ his_key: 'CD-7', bill: billFor(7) });
    await new Promise((r) => setTimeout(r, 80)); // the leases expire
    const rc = createChengduReliableClient({ client: h.client, journal });
    const r = await rc.recover({ hisCommitted: async (k) => k === 'CD-6' });
    expect(r).toMatchObject({ confirmed: 1, cancelled: 1, left: 0 });
    expect(trades11(a.mdtrt_id).map((t) => t.status)).toEqual(['confirmed']);
    expect(trades11(b.mdtrt_id).map((t) => t.status)).toEqual(['cancelled']);
    expect(await h.client.uncertain('11')).toEqual([]);
  });
});

describe('chengdu reliable client: SIGKILL crash runs', () => {
  let h: ChengduHarness;
  let script: string;

  beforeAll(async () => {
    h = await startChengduHarness({ timeoutMs: 10000 });
    const dir = join(root, '.tmp/chengdu-crash'); // two levels below the root: the bundle finds core-asm/build/core.wasm
    mkdirSync(dir, { recursive: true });
    script = join(dir, 'his.mjs');
    await build({
      entryPoints: [join(root, 'plugins/chengdu/sandbox/crash-his.ts')], outfile: script, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning',
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('a HIS killed anywhere between the intent and the commit, then recover() in another process: center and HIS agree', async () => {
    const RUNS = 32;
    const points = ['none', 'after-intent', 'before-send', 'after-send', 'after-send', 'after-reply', 'after-succeeded', 'before-commit'];
    const stateDir = mkdtempSync(join(tmpdir(), 'yibao-cd-crash-'));
    const hisLedger = join(stateDir, 'his.db');
    const db = new Database(hisLedger);
    db.exec('CREATE TABLE his_ledger (his_key TEXT PRIMARY KEY, setl_id TEXT NOT NULL, medfee_fen INTEGER NOT NULL, committed INTEGER NOT NULL)');
    db.close();
    const rand = mulberry32(Number(process.env.YIBAO_CRASH_SEED ?? Date.now() % 100000) >>> 0);
    const rnd = (n: number) => (rand() * n) | 0;
    let lost = 0;
    let doubled = 0;
    const seen: Record<string, number> = {};
    for (let i = 0; i < RUNS; i++) {
      const at = i < points.length ? points[i]! : points[rnd(points.length)]!;
      const delay = String(rnd(15));
      const his_key = `CR-${i}`;
      const seq = 500 + i;
      const job = { center: h.sandbox.address, library: h.library, stateDir, hisLedger, his_key, bill: billFor(seq) };
      const { stdout, stderr, signal } = await spawnCrashHis(script, job, at, delay);
      seen[`${at}:${signal ?? 'exit'}`] = (seen[`${at}:${signal ?? 'exit'}`] ?? 0) + 1;
      if (at === 'none') expect(stdout, stderr).toContain('"committed"');
      // after-send kills YIBAO_CRASH_DELAY_MS after the call left: a fast run may have committed by then
      else if (!(at === 'after-send' && signal === null && stdout.includes('"committed"'))) expect(signal, `${at}: ${stdout} ${stderr}`).toBe('SIGKILL');

      // recovery in this (another) process, with the HIS ledger as the oracle
      const journal = await openSqliteJournal(stateDir);
      try {
        const rc = createChengduReliableClient({ client: h.client, journal });
        const r = await rc.recover({ hisCommitted: hisLedgerOracle(hisLedger) });
        expect(r.left, JSON.stringify(r.errors)).toBe(0);
        const entries = await journal.list({ his_key });
        expect(entries.every((e) => ['confirmed', 'cancelled', 'failed'].includes(e.state)), JSON.stringify(entries.map((e) => e.state))).toBe(true);
      } finally {
        await journal.close();
      }
      const person = (await h.client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: idNo(seq) })).psn_no;
      const mine = [...h.sandbox.center.trades.values()].filter((t) => t.aac001 === person && t.jybh === '11');
      expect(mine.filter((t) => t.status === 'uncertain')).toEqual([]);
      const confirmed = mine.filter((t) => t.status === 'confirmed').length;
      const committed = (await hisLedgerOracle(hisLedger)(his_key)) === true;
      if (committed && confirmed === 0) lost++;
      if (confirmed > 1 || (confirmed === 1 && !committed)) doubled++;
    }
    console.log(`yinhai crash runs: ${RUNS}, lost: ${lost}, doubled: ${doubled} (${JSON.stringify(seen)})`);
    expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
  });
});
