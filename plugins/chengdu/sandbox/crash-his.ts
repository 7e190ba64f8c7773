// A tiny Chengdu "HIS" for the crash runs of plugins/chengdu/reliable.test.ts (bundled by the test with esbuild
// and run as a real child process): it settles one bill under one HIS key through the Yinhai reliable client,
// writes its own ledger (SQLite his_ledger: his_key → setl_id, committed = 1) in its own transaction, then
// commits. The parent SIGKILLs it at a crash point (YIBAO_CRASH_AT, host-node/src/reliable.ts) and recovers.
//
//   node his.mjs '<job JSON>'   job: { center: "host:port", library, stateDir, hisLedger, his_key, bill }
// Prints one JSON line: { outcome: "committed" | "not-settled" | "unknown" | "refused", … }.
import { createCore } from '../../../host-node/src/core.js';
import { openSqliteJournal } from '../../../host-node/src/journal-sqlite.js';
import { runCrashHis } from '../../../host-node/src/testing/crash-his.js';
import type { Bill } from '../../../host-node/src/flows.js';
import { ChengduClient } from '../client.js';
import { createChengduReliableClient } from '../reliable.js';
import { yinhaiBridge } from './harness.js';

const job = JSON.parse(process.argv[2] ?? '{}') as { center: string; library: string; stateDir: string; hisLedger: string; his_key: string; bill: Bill; inpatient?: boolean };
const core = createCore();
const bridge = yinhaiBridge({ library: job.library, center: job.center, timeoutMs: 10000, core });
const client = new ChengduClient({ bridge, core, operator: { name: '收费员' } });
const journal = await openSqliteJournal(job.stateDir);
const rc = createChengduReliableClient({ client, journal });
await runCrashHis(rc, job, async () => {
  await journal.close();
  await bridge.close();
});
process.exit(0);
