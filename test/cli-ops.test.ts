// `yibao agent` and `yibao reconcile` as real child processes (the built CLI) against a sandbox child process.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'host-node/dist/cli.js');
const TOKEN = 'cli-test-token-0123456789';
let dir = '';
const children: ChildProcess[] = [];

async function start(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  children.push(child);
  const rl = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}`)));
  });
  expect(first).toMatch(/^listening http:\/\/127\.0\.0\.1:\d+$/);
  return { child, url: first.slice('listening '.length) };
}

const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });

let center = '';
let agent = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yibao-cli-ops-'));
  center = (await start(['sandbox', '--region', 'sichuan', '--port', '0'])).url;
  writeFileSync(join(dir, 'token'), TOKEN + '\n');
  agent = (await start(['agent', '--state', join(dir, 'st'), '--region', 'sichuan', '--endpoint', center, '--port', '0', '--token-file', join(dir, 'token')])).url;
});
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
});

const post = async (path: string, body: unknown) => {
  const r = await fetch(agent + path, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as any };
};

describe('yibao agent + yibao reconcile', () => {
  it('the agent refuses to start without a token, or with --db that is not PostgreSQL', () => {
    const r = run(['agent', '--state', join(dir, 'x'), '--endpoint', center], { YIBAO_AGENT_TOKEN: '' });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).code).toBe('USAGE');
    expect(JSON.parse(r.stderr).message).toMatch(/token/);
    const d = run(['agent', '--state', join(dir, 'x'), '--endpoint', center, '--db', 'mysql://x'], { YIBAO_AGENT_TOKEN: TOKEN });
    expect(d.status).toBe(2);
    expect(JSON.parse(d.stderr).message).toMatch(/postgres:\/\//);
  });

  it('settles and commits through the agent; reconcile finds the day balanced, then a lost write-back', async () => {
    const bill = JSON.parse(readFileSync(join(root, 'test/fixtures/demo-outpatient.json'), 'utf8'));
    const s = await post('/v1/settle', { his_key: 'CLI-1', bill: { ...bill, ipt_otp_no: `CLI${Date.now()}` } });
    expect(s.status, JSON.stringify(s.json)).toBe(200);
    expect((await post('/v1/commit', { his_key: 'CLI-1' })).status).toBe(200);
    const date = String(s.json.setlinfo.setl_time).slice(0, 10);

    const his = join(dir, 'his.json');
    writeFileSync(his, JSON.stringify([{ his_key: 'CLI-1', setl_id: s.json.setl_id, medfee_sumamt: '441.20' }]));
    const out = join(dir, 'reports');
    const ok = run(['reconcile', '--date', date, '--state', join(dir, 'st'), '--endpoint', center, '--region', 'sichuan', '--his-ledger', his, '--out', out]);
    expect(ok.status, ok.stderr).toBe(0);
    const j = JSON.parse(ok.stdout);
    expect(j).toMatchObject({ date, balanced: true, counts: { total: 0 } });
    expect(j.totals).toEqual([{ insutype: '310', clr_type: '11', count: 1, stmt_rslt: '0' }]);
    expect(existsSync(join(out, `reconcile-${date}.html`))).toBe(true);
    expect(existsSync(join(out, `reconcile-${date}.csv`))).toBe(true);

    writeFileSync(his, '[]');
    const bad = run(['reconcile', '--date', date, '--state', join(dir, 'st'), '--endpoint', center, '--his-ledger', his, '--out', out]);
    expect(bad.status, bad.stderr).toBe(3);
    expect(JSON.parse(bad.stdout).counts).toMatchObject({ missing_in_his: 1, total: 1 });
    expect(readFileSync(join(out, `reconcile-${date}.csv`), 'utf8')).toContain(`HIS must record setl_id ${s.json.setl_id} for HIS key CLI-1`);
  });
});
