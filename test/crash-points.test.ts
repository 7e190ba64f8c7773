// Crash-point tests of exactly-once settlement (issue 5, item 4). A real child-process HIS (test/crash/his.mjs
// on host-node/dist) settles one bill per run through the reliable client against a sandbox center started
// here, writes its own ledger and commits (or aborts). It is killed with SIGKILL at a chosen step
// (YIBAO_CRASH_AT, see host-node/src/reliable.ts) while the sandbox injects the matching fault on the money
// call; then the "restarted HIS" recovers (sometimes a recovery that is itself killed first) and the center's
// ledger (GET /sandbox/ledger) and the HIS ledger must agree exactly:
//   - every HIS-committed key has exactly one valid settlement at the center, with the HIS's setl_id and amount;
//   - every key the HIS did not commit has none;
//   - nothing is doubled, nothing is left unresolved in the journal, the center has no settlement the journal
//     does not know.
// ≥ 200 randomized runs (crash point × outpatient/inpatient × fault × HIS failure), several lanes in parallel,
// each lane = one sandbox + one state directory + one HIS ledger. Knobs: YIBAO_CRASH_RUNS (default 216),
// YIBAO_CRASH_LANES (6), YIBAO_CRASH_SEED. Each run is killed exactly where its plan says it must be (the
// hooks fire at the designed step, not "somewhere"); only after-send depends on timing.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { createCore } from '../host-node/src/core.js';
import { createClient } from '../host-node/src/client.js';
import { createHttpTransport } from '../host-node/src/transport-http.js';
import { openState } from '../host-node/src/state.js';
import { SANDBOX_INSTITUTION } from '../host-node/src/config.js';
import { openSqliteJournal } from '../host-node/src/journal-sqlite.js';
import { createReliableClient, hisLedgerOracle, CRASH_POINTS, type CrashPoint, type ReliableClient } from '../host-node/src/reliable.js';
import { TERMINAL_STATES, type Journal } from '../host-node/src/journal-contract.js';
import { createSichuanPlugin, SICHUAN_MANIFEST } from '../plugins/national/index.js';
import { startSandbox, type Sandbox, type FaultSpec } from '../plugins/national/sandbox/server.js';
import { idCheckChar } from '../plugins/national/sandbox/persons.js';
import { mulberry32 } from '../plugins/national/sandbox/prng.js';

const root = join(import.meta.dirname, '..');
const HIS = join(root, 'test/crash/his.mjs');
const DIST = join(root, 'host-node/dist/index.js');
const RUNS = Number(process.env.YIBAO_CRASH_RUNS ?? 216);
const LANES = Number(process.env.YIBAO_CRASH_LANES ?? 6);
const SEED = Number(process.env.YIBAO_CRASH_SEED ?? 20261122);

type Point = CrashPoint | 'none';
type RecoverCrash = 'after-reverse' | 'before-cancel' | 'after-cancel';
interface Run {
  n: number;
  lane: number;
  point: Point;
  inpatient: boolean;
  fault: FaultSpec | null;
  hisFails: boolean;
  recoverCrash: RecoverCrash | null;
  his_key: string;
  bill: Record<string, unknown>;
}

const OUT_LINES = [
  { feedetl_sn: '1', med_list_codg: '001103000010000', name: '门诊诊查费', pric: '15.00', cnt: '1', med_chrgitm_type: '02' },
  { feedetl_sn: '2', med_list_codg: 'XJ01CAA040A001010100001', name: '阿莫西林胶囊', pric: '12.50', cnt: '2', med_chrgitm_type: '09' },
  { feedetl_sn: '3', med_list_codg: '002503010010000', name: '血细胞分析', pric: '20.00', cnt: '1', med_chrgitm_type: '04' },
];
const IN_LINES = [
  { feedetl_sn: '1', med_list_codg: '001102000010000', name: '普通病房床位费', pric: '35.00', cnt: '3', med_chrgitm_type: '01' },
  { feedetl_sn: '2', med_list_codg: '003311000010000', name: '阑尾切除术', pric: '1200.00', cnt: '1', med_chrgitm_type: '06' },
  { feedetl_sn: '3', med_list_codg: 'XB05BBN001B002010100010', name: '氯化钠注射液', pric: '4.20', cnt: '6', med_chrgitm_type: '09' },
];

/** A valid, unique ID number per run: the sandbox enrols a fresh person (no shared accumulators, no stay). */
function idNo(n: number): string {
  const d = new Date(Date.UTC(1960, 0, 1) + (n % 18000) * 86400000);
  const first17 = `510104${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}${String(100 + (SEED % 800) + Math.floor(n / 18000)).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

const UNKNOWN_FAULTS: FaultSpec[] = [{ kind: 'drop-after-commit', p: 1 }, { kind: 'malformed', p: 1 }, { kind: 'http-500', p: 1 }];
const ANY_FAULTS: (FaultSpec | null)[] = [null, null, null, ...UNKNOWN_FAULTS, { kind: 'delay', ms: 30 }];

/** Whether the run's HIS must die at its crash point (deterministic from the plan; after-send: timing). */
function mustDie(r: Run): boolean {
  const processed = r.fault?.kind !== 'http-500'; // http-500: the center never settles it → NOT_SETTLED
  switch (r.point) {
    case 'none': return false;
    case 'after-reverse': return !processed; // the in-process resolution reverses only what the center never had
    case 'after-succeeded': return processed;
    case 'before-commit': return processed && !r.hisFails;
    case 'before-cancel':
    case 'after-cancel': return processed; // hisFails: abort() cancels
    default: return true; // before-intent … after-unknown: every run gets to the money call
  }
}

function plan(): Run[] {
  const rand = mulberry32(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const points: Point[] = [...CRASH_POINTS, 'none'];
  const runs: Run[] = [];
  const stamp = Date.now().toString(36);
  for (let n = 0; n < RUNS; n++) {
    const point = points[n % points.length]!; // every point equally often, the rest at random
    const inpatient = rand() < 0.5;
    let fault: FaultSpec | null = pick(ANY_FAULTS);
    if (point === 'after-send') fault = { kind: 'delay', ms: 250 }; // killed 40 ms after sending, the reply comes at 250
    if (point === 'after-unknown') fault = pick(UNKNOWN_FAULTS);
    if (point === 'after-reverse') fault = rand() < 0.8 ? { kind: 'http-500', p: 1 } : pick(UNKNOWN_FAULTS);
    const hisFails = point === 'before-cancel' || point === 'after-cancel' ? true : rand() < 0.2;
    const recoverCrash = rand() < 0.25 ? pick<RecoverCrash>(['after-reverse', 'before-cancel', 'after-cancel']) : null;
    const sn = `${stamp}${n}`;
    runs.push({
      n, lane: n % LANES, point, inpatient, fault, hisFails, recoverCrash, his_key: `HIS-${sn}`,
      bill: { mdtrt_cert_type: '02', mdtrt_cert_no: idNo(n + (SEED % 997) * 20), ipt_otp_no: `${inpatient ? 'ZY' : 'MZ'}${sn}`, fee_items: inpatient ? IN_LINES : OUT_LINES },
    });
  }
  // shuffle the order (a lane sees the points in random order)
  for (let i = runs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [runs[i], runs[j]] = [runs[j]!, runs[i]!];
  }
  runs.forEach((r, k) => (r.lane = k % LANES));
  return runs;
}

interface Child {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(job: Record<string, unknown>, crashAt: string | null): Promise<Child> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.YIBAO_CRASH_AT;
    if (crashAt) {
      env.YIBAO_CRASH_AT = crashAt;
      env.YIBAO_CRASH_DELAY_MS = '40';
    }
    const c = spawn(process.execPath, [HIS, JSON.stringify(job)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b) => (stdout += b));
    c.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => c.kill('SIGKILL'), 30000); // a hung child of ours
    c.on('error', reject);
    c.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

interface Lane {
  sb: Sandbox;
  dir: string;
  ledger: string;
  journal: Journal;
  rc: ReliableClient;
}

const lanes: Lane[] = [];
const core = createCore();

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run build first (npm test does)`);
  const base = mkdtempSync(join(tmpdir(), 'yibao-crash-'));
  for (let k = 0; k < LANES; k++) {
    const sb = await startSandbox({ region: 'sichuan', seed: SEED + k });
    const dir = join(base, `lane${k}`);
    const ledger = join(dir, 'his.db');
    const journal = await openSqliteJournal(dir);
    const db = new Database(ledger);
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS his_ledger (his_key TEXT PRIMARY KEY, setl_id TEXT NOT NULL, medfee_sumamt TEXT NOT NULL,
      fund_pay_sumamt TEXT, acct_pay TEXT, psn_cash_pay TEXT, status TEXT NOT NULL, committed INTEGER NOT NULL, date TEXT)`);
    db.close();
    // the restarted HIS: a new process (this one) on the same state directory, journal and ledger
    const client = createClient({
      plugin: createSichuanPlugin({ core }),
      transport: createHttpTransport({ endpoint: sb.url, path: SICHUAN_MANIFEST.transport.path, core, timeoutMs: 10000 }),
      core, institution: SANDBOX_INSTITUTION, state: openState(dir),
    });
    lanes.push({ sb, dir, ledger, journal, rc: createReliableClient({ client, journal }) });
  }
});

afterAll(async () => {
  for (const l of lanes) {
    await l.journal.close();
    await l.sb.close();
  }
});

interface Verdict {
  lost: number;
  doubled: number;
  mismatched: number;
  notes: string[];
}

function hisRow(l: Lane, key: string): { setl_id: string; medfee_sumamt: string; committed: number } | undefined {
  const db = new Database(l.ledger, { readonly: true });
  try {
    return db.prepare(`SELECT setl_id, medfee_sumamt, committed FROM his_ledger WHERE his_key = ?`).get(key) as { setl_id: string; medfee_sumamt: string; committed: number } | undefined;
  } finally {
    db.close();
  }
}

async function verify(l: Lane, r: Run): Promise<Verdict> {
  const v: Verdict = { lost: 0, doubled: 0, mismatched: 0, notes: [] };
  const entries = await l.journal.list({ his_key: r.his_key });
  const msgids = new Set(entries.map((e) => e.msgid));
  const center = l.sb.ledger().filter((x) => msgids.has(x.msgid));
  const valid = center.filter((x) => x.status === 'valid');
  const his = hisRow(l, r.his_key);
  const unresolved = entries.filter((e) => !TERMINAL_STATES.includes(e.state));
  if (his?.committed === 1) {
    if (valid.length === 0) {
      v.lost++;
      v.notes.push(`lost: HIS committed ${his.setl_id}, the center has no valid settlement`);
    } else if (valid.length > 1) {
      v.doubled++;
      v.notes.push(`doubled: ${valid.length} valid settlements`);
    } else if (valid[0]!.setl_id !== his.setl_id || (valid[0]!.medfee_sumamt / 100).toFixed(2) !== his.medfee_sumamt) {
      v.mismatched++;
      v.notes.push(`HIS ${his.setl_id}/${his.medfee_sumamt} vs center ${valid[0]!.setl_id}/${valid[0]!.medfee_sumamt}`);
    } else if (!entries.some((e) => e.state === 'confirmed' && e.setl_id === his.setl_id)) {
      v.mismatched++;
      v.notes.push(`journal has no confirmed entry for ${his.setl_id}: ${entries.map((e) => e.state).join(',')}`);
    }
  } else if (valid.length > 1) {
    v.doubled++;
    v.notes.push(`doubled: ${valid.length} valid settlements, HIS committed nothing`);
  } else if (valid.length === 1) {
    v.mismatched++;
    v.notes.push(`the center holds ${valid[0]!.setl_id} that the HIS never committed`);
  } else if (entries.some((e) => e.state === 'confirmed')) {
    v.mismatched++;
    v.notes.push('journal confirmed a settlement the HIS did not commit');
  }
  if (unresolved.length) {
    v.mismatched++;
    v.notes.push(`unresolved journal entries: ${unresolved.map((e) => `${e.id} ${e.state} ${e.error ?? ''}`).join('; ')}`);
  }
  return v;
}

describe('crash points: SIGKILL at every step, restart, recover; center and HIS ledgers agree', () => {
  it(`${RUNS} randomized crash runs in ${LANES} parallel lanes: nothing lost, nothing doubled`, async () => {
    const runs = plan();
    const t0 = Date.now();
    const total: Verdict = { lost: 0, doubled: 0, mismatched: 0, notes: [] };
    const byPoint = new Map<string, { runs: number; killed: number; expected: number }>();
    const wrongKill: string[] = [];
    const outcomes = new Map<string, number>();
    let recoveryKills = 0;
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

    const laneWork = async (k: number) => {
      const l = lanes[k]!;
      for (const r of runs.filter((x) => x.lane === k)) {
        const job = { mode: 'settle', sandboxUrl: l.sb.url, stateDir: l.dir, hisLedger: l.ledger, his_key: r.his_key, bill: r.bill, inpatient: r.inpatient, hisFails: r.hisFails, fault: r.fault };
        const c = await runChild(job, r.point === 'none' ? null : r.point);
        const killed = c.signal === 'SIGKILL';
        const bp = byPoint.get(r.point) ?? { runs: 0, killed: 0, expected: 0 };
        bp.runs++;
        if (killed) bp.killed++;
        if (mustDie(r)) bp.expected++;
        byPoint.set(r.point, bp);
        if (r.point !== 'after-send' && killed !== mustDie(r)) wrongKill.push(`run ${r.n} ${r.point} fault ${JSON.stringify(r.fault)} hisFails ${r.hisFails}: killed ${killed}, expected ${mustDie(r)} (${c.stdout.trim()} ${c.stderr.slice(0, 300)})`);
        if (!killed) {
          const line = c.stdout.trim().split('\n').pop() ?? '';
          let o: { outcome?: string; message?: string } = {};
          try {
            o = JSON.parse(line);
          } catch {
            o = { outcome: `bad output (exit ${c.code}): ${c.stderr.slice(0, 300)}` };
          }
          bump(outcomes, o.outcome ?? '?');
          if (c.code !== 0 || o.outcome === 'refused') total.notes.push(`run ${r.n} (${r.point}) exit ${c.code}: ${line} ${c.stderr.slice(0, 500)}`);
        } else bump(outcomes, 'killed');
        l.sb.setFaults([]); // a killed HIS cannot switch its fault off
        // a recovery that is itself killed half-way (sometimes)
        if (r.recoverCrash && (await l.journal.unfinished()).length) {
          const rc = await runChild({ mode: 'recover', sandboxUrl: l.sb.url, stateDir: l.dir, hisLedger: l.ledger }, r.recoverCrash);
          if (rc.signal === 'SIGKILL') recoveryKills++;
        }
        // the restarted HIS recovers
        const rep = await l.rc.recover({ hisCommitted: hisLedgerOracle(l.ledger) });
        if (rep.left) total.notes.push(`run ${r.n} (${r.point}): recover left ${JSON.stringify(rep.errors)}`);
        const v = await verify(l, r);
        total.lost += v.lost;
        total.doubled += v.doubled;
        total.mismatched += v.mismatched;
        for (const note of v.notes) total.notes.push(`run ${r.n} ${r.his_key} (${r.point}, ${r.inpatient ? 'inpatient' : 'outpatient'}, fault ${r.fault ? JSON.stringify(r.fault) : 'none'}, hisFails ${r.hisFails}): ${note}`);
      }
    };
    await Promise.all(lanes.map((_, k) => laneWork(k)));

    // the center holds nothing the journals do not know (no orphan settlement), per lane
    for (const l of lanes) {
      const known = new Set((await l.journal.list()).map((e) => e.msgid));
      for (const x of l.sb.ledger()) {
        if (!known.has(x.msgid)) {
          total.mismatched++;
          total.notes.push(`orphan settlement at the center: ${x.setl_id} msgid ${x.msgid} (${x.status})`);
        }
      }
    }
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    const killed = [...byPoint.values()].reduce((a, b) => a + b.killed, 0);
    console.log(`crash runs: ${runs.length}, lost: ${total.lost}, doubled: ${total.doubled}, mismatched: ${total.mismatched}`);
    console.log(
      `crash runs: ${killed} HIS processes killed, ${recoveryKills} recoveries killed, ${LANES} lanes, ${secs} s, seed ${SEED}; ` +
        [...byPoint.entries()].map(([p, b]) => `${p} ${b.killed}/${b.runs}`).join(', '),
    );
    console.log(`crash runs: outcomes ${[...outcomes.entries()].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    if (total.notes.length) console.log(total.notes.slice(0, 40).join('\n'));
    // ≥ 200 in CI and by default; a local YIBAO_CRASH_RUNS may ask for fewer
    if (process.env.CI || !process.env.YIBAO_CRASH_RUNS) expect(runs.length).toBeGreaterThanOrEqual(200);
    expect({ lost: total.lost, doubled: total.doubled, mismatched: total.mismatched }).toEqual({ lost: 0, doubled: 0, mismatched: 0 });
    expect(total.notes).toEqual([]);
    // every HIS died exactly at its planned step (after-send: nearly always — it races the 250 ms reply)
    expect(wrongKill).toEqual([]);
    const send = byPoint.get('after-send');
    if (send) expect(send.killed, `after-send killed in ${send.killed} of ${send.runs}`).toBeGreaterThanOrEqual(Math.ceil(send.runs * 0.8));
    expect(killed).toBeGreaterThanOrEqual(Math.floor(runs.length * 0.6));
  }, 300000);
});
