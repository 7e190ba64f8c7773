// A tiny "HIS" for the crash-point tests (test/crash-points.test.ts), run as a real child process on the
// built package (host-node/dist). It settles one bill under one HIS key through the reliable client, writes
// its own ledger (SQLite his_ledger: his_key → setl_id, committed) in its own transaction, then commits
// — or, when told its database fails (hisFails), aborts. The parent kills it with SIGKILL at a crash point
// (YIBAO_CRASH_AT, read by host-node/src/reliable.ts) and then recovers.
//
//   node his.mjs '<job JSON>'
//   job: { mode: "settle" | "recover", sandboxUrl, stateDir, hisLedger, his_key, bill, inpatient, hisFails,
//          fault: FaultSpec | null }   (fault: switched on at the sandbox around the money call only)
// Prints one JSON line: { outcome: "committed" | "aborted" | "not-settled" | "unknown" | "refused", … }.
import Database from 'better-sqlite3';
import {
  createCore, createClient, createHttpTransport, openState, SANDBOX_INSTITUTION, pluginFactory, openSqliteJournal,
  createReliableClient, hisLedgerOracle, fenToYuan,
} from '../../host-node/dist/index.js';

const job = JSON.parse(process.argv[2]);
const MONEY = new Set(['2207', '2207A', '2304', '2304A']);

async function setFaults(list) {
  const r = await fetch(`${job.sandboxUrl}/sandbox/faults`, { method: 'POST', body: JSON.stringify(list) });
  if (!r.ok) throw new Error(`faults: ${r.status}`);
}

const core = createCore();
const plugin = pluginFactory('sichuan')({ core });
const http = createHttpTransport({ endpoint: job.sandboxUrl, path: plugin.manifest.transport.path, core, timeoutMs: 10000 });
const transport = {
  ...http,
  async post(req) {
    const armed = job.fault && MONEY.has(req.infno);
    if (armed) await setFaults([job.fault]);
    try {
      return await http.post(req);
    } finally {
      if (armed) {
        job.fault = null;
        await setFaults([]);
      }
    }
  },
};
const client = createClient({ plugin, transport, core, institution: SANDBOX_INSTITUTION, state: openState(job.stateDir) });
const journal = await openSqliteJournal(job.stateDir);
const rc = createReliableClient({ client, journal });

function ledgerDb() {
  const db = new Database(job.hisLedger);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.exec(`CREATE TABLE IF NOT EXISTS his_ledger (his_key TEXT PRIMARY KEY, setl_id TEXT NOT NULL, medfee_sumamt TEXT NOT NULL,
    fund_pay_sumamt TEXT, acct_pay TEXT, psn_cash_pay TEXT, status TEXT NOT NULL, committed INTEGER NOT NULL, date TEXT)`);
  return db;
}

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

try {
  if (job.mode === 'recover') {
    const r = await rc.recover({ hisCommitted: hisLedgerOracle(job.hisLedger) });
    out({ outcome: 'recovered', report: r });
  } else {
    let p;
    try {
      p = await rc.settle({ his_key: job.his_key, bill: job.bill, inpatient: job.inpatient });
    } catch (e) {
      const outcome = e.code === 'NOT_SETTLED' ? 'not-settled' : e.code === 'OUTCOME_UNKNOWN' ? 'unknown' : 'refused';
      out({ outcome, code: e.code, message: e.message });
      process.exitCode = outcome === 'refused' ? 1 : 0;
      p = null;
    }
    if (p) {
      if (job.hisFails) {
        // the HIS's own database transaction failed: nothing written, the settlement is undone
        await rc.abort(job.his_key);
        out({ outcome: 'aborted', setl_id: p.setl_id });
      } else {
        const db = ledgerDb();
        const s = p.setlinfo;
        db.prepare(`INSERT INTO his_ledger VALUES (?, ?, ?, ?, ?, ?, 'valid', 1, ?)`).run(
          job.his_key, p.setl_id, fenToYuan(s.medfee_sumamt), fenToYuan(s.fund_pay_sumamt), fenToYuan(s.acct_pay), fenToYuan(s.psn_cash_pay),
          new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10),
        );
        db.close();
        await rc.commit(job.his_key);
        out({ outcome: 'committed', setl_id: p.setl_id });
      }
    }
  }
} finally {
  await journal.close();
}
// do not linger on the keep-alive sockets: the run is over (stdout is a pipe: written synchronously)
process.exit(process.exitCode ?? 0);
