// A tiny legacy-region "HIS" for the crash runs of plugins/legacy/crash.case.ts (bundled by the tests with
// esbuild and run as a real child process), parameterised by region (sichuan-com, chongqing, nanping): it
// settles one bill under one HIS key through the region's reliable client (plugins/legacy/reliable-connect.ts),
// writes its own ledger (SQLite his_ledger: his_key → setl_id, committed = 1) in its own transaction, then
// commits. The parent SIGKILLs it at a crash point (YIBAO_CRASH_AT, host-node/src/reliable.ts) and recovers.
//
//   node his.mjs '<job JSON>'   job: { region, library?, endpoint?, dir?, stateDir, hisLedger, his_key, bill, inpatient? }
// Prints one JSON line: { outcome: "committed" | "not-settled" | "unknown" | "refused", … }.
import { createCore } from '../../host-node/src/core.js';
import { openSqliteJournal } from '../../host-node/src/journal-sqlite.js';
import { runCrashHis } from '../../host-node/src/testing/crash-his.js';
import type { Bill } from '../../host-node/src/flows.js';
import { connectLegacyReliable, type LegacyRegion } from './reliable-connect.js';

const job = JSON.parse(process.argv[2] ?? '{}') as {
  region: LegacyRegion; library?: string; endpoint?: string; dir?: string; stateDir: string; hisLedger: string; his_key: string; bill: Bill; inpatient?: boolean;
};
const core = createCore();
const journal = await openSqliteJournal(job.stateDir);
const { rc, close } = connectLegacyReliable({ region: job.region, core, journal, library: job.library, endpoint: job.endpoint, dir: job.dir });
await runCrashHis(rc, job, async () => {
  await journal.close();
  await close();
});
process.exit(0);
