// The exactly-once CLI: `yibao settle --his-key K [--no-commit]` journals into --state DIR, `yibao journal`
// prints the entries, `yibao recover` resolves what is unfinished (also after the CLI itself was killed with
// SIGKILL at a crash point). The sandbox runs in this process; the CLI is the built one (host-node/dist).
import { describe, it, expect, beforeAll, beforeEach, afterEach } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../plugins/national/sandbox/server.js';
import { idCheckChar } from '../plugins/national/sandbox/persons.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'host-node/dist/cli.js');
let sb: Sandbox;
let dir = '';
let n = 0;

/** Not spawnSync: that would block this process, and with it the sandbox. */
function run(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => (stdout += b));
    c.stderr.on('data', (b: Buffer) => (stderr += b));
    c.on('close', (status: number | null, signal: string | null) => resolve({ status, signal, stdout, stderr }));
  });
}

function billFile(): string {
  n++;
  const first17 = `51010719${70 + (n % 30)}0${(n % 9) + 1}1${n % 10}${String(100 + n).slice(-3)}`;
  const f = join(dir, `bill${n}.json`);
  writeFileSync(f, JSON.stringify({
    mdtrt_cert_type: '02', mdtrt_cert_no: first17 + idCheckChar(first17), ipt_otp_no: `CLI${Date.now()}${n}`,
    fee_items: [{ feedetl_sn: '1', med_list_codg: '001103000010000', name: '门诊诊查费', pric: '15.00', cnt: '1', med_chrgitm_type: '02' }],
  }));
  return f;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'yibao-cli-rel-'));
});
// a center per test: each test has its own --state DIR, and msgids are unique per center only if the
// processes of one institution share their state
beforeEach(async () => {
  sb = await startSandbox({ region: 'sichuan' });
});
afterEach(async () => {
  await sb?.close();
});

describe('yibao settle / journal / recover', () => {
  it('settle --his-key journals and commits; a second settle of the key is refused; journal prints the entry', async () => {
    const st = join(dir, 'a');
    const r = await run(['settle', '--region', 'sichuan', '--endpoint', sb.url, '--bill', billFile(), '--state', st, '--his-key', 'CLI-1']);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(Object.keys(o)).toEqual(['setl_id', 'mdtrt_id', 'setlinfo']);
    const again = await run(['settle', '--region', 'sichuan', '--endpoint', sb.url, '--bill', billFile(), '--state', st, '--his-key', 'CLI-1']);
    expect(again.status).not.toBe(0);
    expect(JSON.parse(again.stderr).code).toBe('DUPLICATE');
    const j = await run(['journal', '--state', st]);
    expect(j.status, j.stderr).toBe(0);
    const es = JSON.parse(j.stdout);
    expect(es).toHaveLength(1);
    expect(es[0]).toMatchObject({ his_key: 'CLI-1', state: 'confirmed', setl_id: o.setl_id, infno: '2207A', amounts: { medfee_sumamt: 1500 } });
    expect(es[0].msgid).toMatch(/^H51010000001\d{18}$/);
    expect(JSON.stringify(es)).not.toContain('input_json'); // personal data stays in the journal
    const none = await run(['recover', '--state', st]);
    expect(none.status).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual({ resolved: 0, confirmed: 0, cancelled: 0, reversed: 0, failed: 0, left: 0 });
  });

  it('--no-commit leaves it pending; recover without a HIS ledger cancels it (presumed abort), with one keeps it', async () => {
    const st = join(dir, 'b');
    const a = await run(['settle', '--region', 'sichuan', '--endpoint', sb.url, '--bill', billFile(), '--state', st, '--his-key', 'P-1', '--no-commit']);
    const b = await run(['settle', '--region', 'sichuan', '--endpoint', sb.url, '--bill', billFile(), '--state', st, '--his-key', 'P-2', '--no-commit']);
    const c = await run(['settle', '--region', 'sichuan', '--endpoint', sb.url, '--bill', billFile(), '--state', st, '--his-key', 'P-3', '--no-commit']);
    for (const x of [a, b, c]) expect(x.status, x.stderr).toBe(0);
    const pending = JSON.parse((await run(['journal', '--state', st, '--unfinished'])).stdout);
    expect(pending.map((e: { state: string }) => e.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // no endpoint: a usage error naming what is needed
    const noUrl = await run(['recover', '--state', st]);
    expect(noUrl.status).toBe(2);
    expect(JSON.parse(noUrl.stderr).code).toBe('USAGE');
    // the HIS committed P-2 only (a JSON ledger); --keep-pending leaves what the ledger does not list
    const ledger = join(dir, 'his.json');
    writeFileSync(ledger, JSON.stringify(['P-2']));
    const keep = await run(['recover', '--state', st, '--sandbox-url', sb.url, '--his-ledger', ledger, '--keep-pending']);
    expect(keep.status).toBe(3);
    expect(JSON.parse(keep.stdout)).toEqual({ resolved: 1, confirmed: 1, cancelled: 0, reversed: 0, failed: 0, left: 2 });
    expect(keep.stderr).toMatch(/left: journal \d+ P-1 succeeded/);
    const rec = await run(['recover', '--state', st, '--sandbox-url', sb.url]);
    expect(rec.status, rec.stderr).toBe(0);
    expect(JSON.parse(rec.stdout)).toEqual({ resolved: 2, confirmed: 0, cancelled: 2, reversed: 0, failed: 0, left: 0 });
    const led = sb.ledger();
    const byKey = JSON.parse((await run(['journal', '--state', st])).stdout) as { his_key: string; msgid: string; state: string }[];
    const status = (k: string) => led.find((l) => l.msgid === byKey.find((e) => e.his_key === k)!.msgid)?.status;
    expect([status('P-1'), status('P-2'), status('P-3')]).toEqual(['cancelled', 'valid', 'cancelled']);
  });

  it('the CLI killed by SIGKILL after the center settled (YIBAO_CRASH_AT=after-reply): recover reverses it', async () => {
    const st = join(dir, 'c');
    const k = await run(['settle', '--region', 'sichuan', '--endpoint', sb.url, '--bill', billFile(), '--state', st, '--his-key', 'X-1'], { YIBAO_CRASH_AT: 'after-reply' });
    expect(k.signal, k.stdout + k.stderr).toBe('SIGKILL');
    const [e] = JSON.parse((await run(['journal', '--state', st, '--his-key', 'X-1'])).stdout);
    expect(e.state).toBe('sent');
    expect(sb.ledger().find((l) => l.msgid === e.msgid)?.status).toBe('valid');
    const rec = await run(['recover', '--state', st, '--endpoint', sb.url]);
    expect(JSON.parse(rec.stdout)).toMatchObject({ resolved: 1, reversed: 1, left: 0 });
    expect(sb.ledger().find((l) => l.msgid === e.msgid)?.status).toBe('reversed');
    // the key is free again
    const ok = await run(['settle', '--region', 'sichuan', '--endpoint', sb.url, '--bill', billFile(), '--state', st, '--his-key', 'X-1']);
    expect(ok.status, ok.stderr).toBe(0);
  });

  it('journal --date filters by the local day; a bad date is a usage error', async () => {
    const st = join(dir, 'a');
    const d = new Date();
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    expect(JSON.parse((await run(['journal', '--state', st, '--date', today])).stdout)).toHaveLength(1);
    expect(JSON.parse((await run(['journal', '--state', st, '--date', '2001-01-01'])).stdout)).toEqual([]);
    expect((await run(['journal', '--state', st, '--date', '01/01/2001'])).status).toBe(2);
  });
});
