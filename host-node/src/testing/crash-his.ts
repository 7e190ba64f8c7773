// The parent's spawn and the body of the tiny "HIS" child processes of the crash runs (plugins/chengdu/sandbox/crash-his.ts,
// plugins/legacy/crash-his.ts): settles one bill under one HIS key through a reliable client, writes its own
// ledger (SQLite his_ledger: his_key → setl_id, committed = 1) in its own transaction, then commits. The
// parent SIGKILLs it at a crash point (YIBAO_CRASH_AT, host-node/src/reliable.ts) and recovers.
// Prints one JSON line: { outcome: "committed" | "not-settled" | "unknown" | "refused", … }.
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import type { ReliableSettlementApi } from '../journal-contract.js';
import type { Bill } from '../flows.js';

export interface CrashHisJob {
  hisLedger: string;
  his_key: string;
  bill: Bill;
  inpatient?: boolean;
}

/** Settles, records and commits job's bill through rc (see above); close() runs in any case. */
export async function runCrashHis(rc: ReliableSettlementApi, job: CrashHisJob, close: () => Promise<void>): Promise<void> {
  const out = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
  try {
    let p;
    try {
      p = await rc.settle({ his_key: job.his_key, bill: job.bill, inpatient: job.inpatient });
    } catch (e) {
      const code = (e as { code?: string }).code;
      out({ outcome: code === 'NOT_SETTLED' ? 'not-settled' : code === 'OUTCOME_UNKNOWN' ? 'unknown' : 'refused', code, message: (e as Error).message });
      p = null;
    }
    if (p) {
      const db = new Database(job.hisLedger);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 10000');
      db.exec('CREATE TABLE IF NOT EXISTS his_ledger (his_key TEXT PRIMARY KEY, setl_id TEXT NOT NULL, medfee_fen INTEGER NOT NULL, committed INTEGER NOT NULL)');
      db.prepare('INSERT INTO his_ledger VALUES (?, ?, ?, 1)').run(job.his_key, p.setl_id, Number(p.setlinfo.medfee_sumamt ?? 0));
      db.close();
      await rc.commit(job.his_key);
      out({ outcome: 'committed', setl_id: p.setl_id });
    }
  } finally {
    await close();
  }
}

/**
 * Runs a bundled child HIS script on job, killed at crash point `at` ('none': no crash point) after
 * YIBAO_CRASH_DELAY_MS = delay; resolves once it has exited (signal: 'SIGKILL' when killed, null otherwise).
 */
export async function spawnCrashHis(script: string, job: unknown, at: string, delay: string): Promise<{ stdout: string; stderr: string; signal: string | null }> {
  const env: NodeJS.ProcessEnv = { ...process.env, YIBAO_CRASH_DELAY_MS: delay };
  if (at !== 'none') env.YIBAO_CRASH_AT = at;
  else delete env.YIBAO_CRASH_AT;
  const child = spawn(process.execPath, [script, JSON.stringify(job)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const signal = await new Promise<string | null>((res) => child.on('exit', (_c, s) => res(s)));
  return { stdout, stderr, signal };
}
