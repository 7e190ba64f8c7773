// `yibao recover --region sichuan-com --sandbox-url URL --state DIR --his-ledger F` (the CLI bundled from source
// with esbuild, run as a process): two settlements left pending by a HIS that went away are resolved by the
// region's reliable client — the one the HIS ledger lists is confirmed at the center, the other cancelled.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import Database from 'better-sqlite3';
import { createCore } from '../../host-node/src/core.js';
import { openSqliteJournal } from '../../host-node/src/journal-sqlite.js';
import { startSichuanComSandbox, type SichuanComSandbox } from '../sichuan-com/sandbox/index.js';
import { billFor } from './reliable.case.js';
import { connectLegacyReliable } from './reliable-connect.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function run(cli: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('yibao recover --region (legacy families)', () => {
  let sb: SichuanComSandbox;
  let cli: string;
  const core = createCore();

  beforeAll(async () => {
    sb = await startSichuanComSandbox({ core });
    const dir = join(root, '.tmp/legacy-recover'); // two levels below the root, as host-node/dist/cli.js
    mkdirSync(dir, { recursive: true });
    cli = join(dir, `cli-${process.pid}.mjs`);
    await build({
      entryPoints: [join(root, 'host-node/src/cli.ts')], outfile: cli, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning',
    });
  });

  afterAll(async () => {
    await sb?.close();
    if (cli) rmSync(cli, { force: true });
  });

  it('sichuan-com: the HIS ledger decides — confirmed / cancelled at the center, exit 0; nothing left: zeros', async () => {
    const state = mkdtempSync(join(tmpdir(), 'yibao-recover-cli-'));
    const journal = await openSqliteJournal(state);
    const { rc, close } = connectLegacyReliable({ region: 'sichuan-com', core, journal, library: sb.library, endpoint: sb.url });
    const a = await rc.settle({ his_key: 'RC-1', bill: billFor(801) });
    const b = await rc.settle({ his_key: 'RC-2', bill: billFor(802) });
    await journal.release(a.journalId, rc.owner);
    await journal.release(b.journalId, rc.owner);
    await close();
    await journal.close();
    const hisLedger = join(state, 'his.db');
    const db = new Database(hisLedger);
    db.exec('CREATE TABLE his_ledger (his_key TEXT PRIMARY KEY, setl_id TEXT NOT NULL, medfee_fen INTEGER NOT NULL, committed INTEGER NOT NULL)');
    db.prepare('INSERT INTO his_ledger VALUES (?, ?, ?, 1)').run('RC-1', a.setl_id, 44120);
    db.close();
    const status = (psn: string) => {
      const pid = sb.center.kernel.person(psn).pid;
      return [...sb.center.kernel.settlements.values()].filter((s) => s.pid === pid && s.kind === 'settle').map((s) => s.status);
    };
    // (the first 11 of each person is the flow's trial presettle, cancelled at once)
    expect([status(a.psn_no), status(b.psn_no)]).toEqual([['cancelled', 'pending'], ['cancelled', 'pending']]);

    const r = await run(cli, ['recover', '--region', 'sichuan-com', '--sandbox-url', sb.url, '--state', state, '--his-ledger', hisLedger]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ resolved: 2, confirmed: 1, cancelled: 1, reversed: 0, failed: 0, left: 0 });
    expect([status(a.psn_no), status(b.psn_no)]).toEqual([['cancelled', 'valid'], ['cancelled', 'cancelled']]);

    const again = await run(cli, ['recover', '--region', 'sichuan-com', '--state', state]);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ resolved: 0, left: 0 });
  }, 60000);
});
