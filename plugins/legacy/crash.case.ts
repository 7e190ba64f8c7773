// SIGKILL crash runs of the legacy reliable clients (sichuan-com, chongqing, nanping): a real child "HIS"
// process (plugins/legacy/crash-his.ts, bundled with esbuild) settles one bill and is killed at a crash point
// (YIBAO_CRASH_AT of host-node/src/reliable.ts); this process then runs recover() with the HIS ledger as the
// oracle and compares the center with the HIS ledger: nothing lost, nothing doubled. Chongqing and Nanping
// cannot resolve a lost settlement reply (no settlement query in the protocol): such an entry must be left for
// a person (`manual`, reported by recover() with the center's settlement in force and the HIS without it);
// those runs are counted apart. Sichuan COM resolves every lost reply (98), so it must never have one.
import { expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import Database from 'better-sqlite3';
import type { Bill } from '../../host-node/src/flows.js';
import { createCore } from '../../host-node/src/core.js';
import { openSqliteJournal } from '../../host-node/src/journal-sqlite.js';
import { spawnCrashHis } from '../../host-node/src/testing/crash-his.js';
import { hisLedgerOracle } from '../../host-node/src/reliable.js';
import { billFor, idNo } from './reliable.case.js';
import { connectLegacyReliable, type LegacyRegion } from './reliable-connect.js';
import type { Kernel } from './kernel.js';
import { mulberry32 } from '../national/sandbox/prng.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const inpatientDemo = JSON.parse(readFileSync(join(root, 'test/fixtures/demo-inpatient.json'), 'utf8')) as Bill;

/** Where the child reaches the center, and what the parent sees of it. */
export interface CrashTarget {
  library?: string;
  endpoint?: string;
  dir?: string;
  /** settlements of the person: in force (valid) and still pending (uncertain, two-phase) */
  count(psn_no: string): { inForce: number; pending: number };
  /** resolves once the center has finished what a killed child left on the wire */
  quiet(): Promise<void>;
}

/** CrashTarget.count over a legacy center's kernel: the person's settlements (kind settle), valid and pending. */
export function kernelCount(kernel: Kernel): CrashTarget['count'] {
  return (psn) => {
    if (!psn) return { inForce: 0, pending: 0 };
    const pid = kernel.person(psn).pid;
    const mine = [...kernel.settlements.values()].filter((s) => s.pid === pid && s.kind === 'settle');
    return { inForce: mine.filter((s) => s.status === 'valid').length, pending: mine.filter((s) => s.status === 'pending').length };
  };
}

let bundled: Promise<string> | undefined;
/** The child HIS script, bundled once per test process (two levels below the root: the bundle finds core.wasm). */
export function crashHisScript(): Promise<string> {
  bundled ??= (async () => {
    const dir = join(root, '.tmp/legacy-crash');
    mkdirSync(dir, { recursive: true });
    const script = join(dir, `his-${process.pid}.mjs`);
    await build({
      entryPoints: [join(root, 'plugins/legacy/crash-his.ts')], outfile: script, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning',
    });
    return script;
  })();
  return bundled;
}

/** Waits until `size()` has not changed for `stableMs` (the center idle). */
export async function idle(size: () => number, stableMs = 150, maxMs = 3000): Promise<void> {
  const end = Date.now() + maxMs;
  let last = size();
  let since = Date.now();
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    const n = size();
    if (n !== last) {
      last = n;
      since = Date.now();
    } else if (Date.now() - since >= stableMs) return;
  }
}

/** A nanping exchange folder is quiet once the front-end took the request a killed child left (if any). */
export async function folderQuiet(dir: string): Promise<void> {
  const end = Date.now() + 3000;
  while (existsSync(join(dir, 'Request.txt')) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 80)); // the reply is written
}

export function runLegacyCrashRuns(o: { region: LegacyRegion; runs?: number; seqBase?: number; lostReplyIsManual: boolean; target: () => CrashTarget }): void {
  it(`${o.region}: a HIS killed anywhere between the intent and the commit, then recover() in another process: center and HIS agree`, async () => {
    const t0 = Date.now();
    const target = o.target();
    const script = await crashHisScript();
    const RUNS = o.runs ?? 14;
    const points = ['none', 'after-intent', 'before-send', 'after-send', 'after-reply', 'after-succeeded', 'before-commit'];
    const stateDir = mkdtempSync(join(tmpdir(), `yibao-${o.region}-crash-`));
    const hisLedger = join(stateDir, 'his.db');
    const db = new Database(hisLedger);
    db.exec('CREATE TABLE his_ledger (his_key TEXT PRIMARY KEY, setl_id TEXT NOT NULL, medfee_fen INTEGER NOT NULL, committed INTEGER NOT NULL)');
    db.close();
    const oracle = hisLedgerOracle(hisLedger);
    const seed0 = Number(process.env.YIBAO_CRASH_SEED ?? Date.now() % 100000) >>> 0;
    const rand = mulberry32(seed0);
    const rnd = (n: number) => (rand() * n) | 0;
    const core = createCore();
    let lost = 0;
    let doubled = 0;
    let manual = 0;
    const manualKeys = new Set<string>();
    const seen: Record<string, number> = {};
    for (let i = 0; i < RUNS; i++) {
      const at = i < points.length ? points[i]! : points[rnd(points.length)]!;
      const delay = String(rnd(15));
      const inpatient = i % 4 === 3;
      const his_key = `CR-${o.region}-${i}`;
      const seq = (o.seqBase ?? 600) + i;
      const bill: Bill = inpatient ? { ...inpatientDemo, mdtrt_cert_no: idNo(seq), ipt_otp_no: `ZYR${seq}` } : billFor(seq);
      const job = { region: o.region, library: target.library, endpoint: target.endpoint, dir: target.dir, stateDir, hisLedger, his_key, bill, inpatient };
      const { stdout, stderr, signal } = await spawnCrashHis(script, job, at, delay);
      const tag = `${at}${inpatient ? '/ip' : ''}:${signal ?? 'exit'}`;
      seen[tag] = (seen[tag] ?? 0) + 1;
      const ctx = `${o.region} run ${i} (${tag}, seed ${seed0}): ${stdout} ${stderr}`;
      if (at === 'none') expect(stdout, ctx).toContain('"committed"');
      // after-send kills YIBAO_CRASH_DELAY_MS after the call left: a fast run may have committed by then
      else if (!(at === 'after-send' && signal === null && stdout.includes('"committed"'))) expect(signal, ctx).toBe('SIGKILL');
      await target.quiet(); // what the killed child (or its bridge) left on the wire is done at the center

      // recovery in this (another) process, with the HIS ledger as the oracle
      const journal = await openSqliteJournal(stateDir);
      const conn = connectLegacyReliable({ region: o.region, core, journal, library: target.library, endpoint: target.endpoint, dir: target.dir });
      let psn = '';
      let leftMine: { error: string }[] = [];
      try {
        const r = await conn.rc.recover({ hisCommitted: oracle });
        leftMine = r.errors.filter((x) => x.his_key === his_key);
        const others = r.errors.filter((x) => x.his_key !== his_key);
        expect(others.every((x) => manualKeys.has(x.his_key) && /^manual: /.test(x.error)), `${ctx} ${JSON.stringify(others)}`).toBe(true);
        expect(r.left, ctx).toBe(r.errors.length);
        const entries = await journal.list({ his_key });
        expect(entries.length, ctx).toBeGreaterThan(0);
        psn = entries[0]!.psn_no ?? '';
        if (leftMine.length === 0) {
          expect(entries.every((e) => ['confirmed', 'cancelled', 'reversed', 'failed'].includes(e.state)), `${ctx} ${JSON.stringify(entries.map((e) => e.state))}`).toBe(true);
        }
      } finally {
        await conn.close();
        await journal.close();
      }
      const { inForce, pending } = target.count(psn);
      expect(pending, `${ctx}: uncertain settlements left at the center`).toBe(0);
      const committed = (await oracle(his_key)) === true;
      if (leftMine.length) {
        // left for a person: only a lost reply of a one-phase region, reported as manual, the center's
        // settlement in force and the HIS without it
        expect(o.lostReplyIsManual, `${ctx}: left ${JSON.stringify(leftMine)}`).toBe(true);
        expect(leftMine.length, ctx).toBe(1);
        expect(leftMine[0]!.error, ctx).toMatch(/^manual: .*(a person must)/);
        expect({ inForce, committed }, `${ctx}: ${leftMine[0]!.error}`).toEqual({ inForce: 1, committed: false });
        manual++;
        manualKeys.add(his_key);
        seen[`${tag}:manual`] = (seen[`${tag}:manual`] ?? 0) + 1;
        continue;
      }
      if (committed && inForce === 0) lost++;
      if (inForce > 1 || (inForce === 1 && !committed)) doubled++;
    }
    console.log(`${o.region} crash runs: ${RUNS}, lost: ${lost}, doubled: ${doubled}, manual: ${manual} (${((Date.now() - t0) / 1000).toFixed(1)} s, seed ${seed0}, ${JSON.stringify(seen)})`);
    rmSync(script, { force: true });
    bundled = undefined;
    expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
    if (!o.lostReplyIsManual) expect(manual).toBe(0);
  }, 60000);
}
