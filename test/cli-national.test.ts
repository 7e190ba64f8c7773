// The CLI against a sandbox it starts as a real child process: yibao sandbox / call / settle / catalog sync.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'host-node/dist/cli.js');
let child: ChildProcess;
let url = '';
let dir = '';

const run = (args: string[], input?: string) => spawnSync(process.execPath, [cli, ...args], { cwd: root, input, encoding: 'utf8' });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yibao-cli-net-'));
  child = spawn(process.execPath, [cli, 'sandbox', '--region', 'sichuan', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve) => rl.once('line', resolve));
  expect(first).toMatch(/^listening http:\/\/127\.0\.0\.1:\d+$/);
  url = first.slice('listening '.length);
});

afterAll(() => {
  child?.kill('SIGTERM');
});

describe('yibao CLI against the sandbox', () => {
  it('call 1101 prints the reply envelope and exits 0; a refused call exits non-zero', () => {
    const f = join(dir, '1101.json');
    writeFileSync(f, JSON.stringify({ data: { mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311', card_sn: '', begntime: '', psn_cert_type: '01', certno: '510104198503152311', psn_name: '' } }));
    const r = run(['call', '1101', '--region', 'sichuan', '--endpoint', url, '--input', f, '--state', join(dir, 'st')]);
    expect(r.status).toBe(0);
    const env = JSON.parse(r.stdout);
    expect(env.infcode).toBe(0);
    expect(env.output.baseinfo.psn_no).toBeTruthy();
    const bad = run(['call', '1101', '--region', 'sichuan', '--endpoint', url, '--input', '-', '--state', join(dir, 'st')], JSON.stringify({ data: { mdtrt_cert_type: '02', mdtrt_cert_no: '110105194912310021' } }));
    expect(bad.status).not.toBe(0);
    expect(JSON.parse(bad.stdout).infcode).toBe(-1);
  });

  it('settle runs the whole outpatient flow and prints {setl_id, mdtrt_id, setlinfo} in fen', async () => {
    const r = run(['settle', '--region', 'sichuan', '--endpoint', url, '--bill', join(root, 'test/fixtures/demo-outpatient.json'), '--state', join(dir, 'st')]);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(Object.keys(o)).toEqual(['setl_id', 'mdtrt_id', 'setlinfo']);
    expect(o.setlinfo.medfee_sumamt).toBe(44120);
    expect(Number.isInteger(o.setlinfo.psn_cash_pay)).toBe(true);
    const ledger = (await (await fetch(`${url}/sandbox/ledger`)).json()) as { setl_id: string; status: string }[];
    expect(ledger.find((e) => e.setl_id === o.setl_id)?.status).toBe('valid');
  });

  it('settle --inpatient and settle --sandbox', () => {
    const r = run(['settle', '--region', 'sichuan', '--endpoint', url, '--inpatient', '--bill', join(root, 'test/fixtures/demo-inpatient.json'), '--state', join(dir, 'st')]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).setlinfo.fund_pay_sumamt).toBeGreaterThan(0);
    const s = run(['settle', '--region', 'sichuan', '--sandbox', '--slip', '--bill', join(root, 'test/fixtures/demo-outpatient.json'), '--state', join(dir, 'st2')]);
    expect(s.status, s.stderr).toBe(0);
    expect(s.stdout).toContain('医保结算单');
    expect(s.stdout).toMatch(/医疗费总额\s+441\.20 元/);
  });

  it('catalog sync 1301 stores the catalog in SQLite with a progress bar', () => {
    const r = run(['catalog', 'sync', '1301', '--region', 'sichuan', '--endpoint', url, '--db', join(dir, 'cat.db'), '--state', join(dir, 'st')]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rows).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/\[#+\.*\]\s+\d+%/);
  });

  it('bad flags are usage errors', () => {
    const r = run(['sandbox', '--fault', 'explode:1']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).code).toBe('USAGE');
    const n = run(['settle', '--bill', join(root, 'test/fixtures/demo-outpatient.json')]);
    expect(n.status).toBe(2);
  });
});
