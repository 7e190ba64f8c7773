// yibao settle|sandbox --region chengdu as real child processes: the CLI loads the compiled Yinhai
// emulator through legacy-com-bridge; the emulator talks to the Chengdu sandbox center.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'host-node/dist/cli.js');
let child: ChildProcess;
let url = '';
const lines: string[] = [];

const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
const bill = (f: string) => join(root, 'test/fixtures', f);

beforeAll(async () => {
  child = spawn(process.execPath, [cli, 'sandbox', '--region', 'chengdu', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve) =>
    rl.on('line', (l) => {
      lines.push(l);
      if (lines.length === 3) resolve();
    }),
  );
  url = lines[0].slice('listening '.length);
});

afterAll(() => {
  child?.kill('SIGTERM');
});

describe('yibao CLI, region chengdu', () => {
  it('sandbox prints listening URL, the emulator library and its YH_CENTER', () => {
    expect(lines[0]).toMatch(/^listening http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^emulator \S+libyh-[0-9a-f]{16}\.(so|dll|dylib)$/);
    expect(existsSync(lines[1].slice('emulator '.length))).toBe(true);
    expect(lines[2]).toBe(`env YH_CENTER=${new URL(url).host}`);
  });

  it('settle --endpoint (the running sandbox): outpatient then inpatient, fen, confirmed at the center', async () => {
    const r = run(['settle', '--region', 'chengdu', '--endpoint', url, '--bill', bill('demo-outpatient.json')]);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(Object.keys(o)).toEqual(['setl_id', 'mdtrt_id', 'setlinfo']);
    expect(o.setlinfo.medfee_sumamt).toBe(44120);
    expect(o.setl_id).toMatch(/^\d{17}$/);
    const i = run(['settle', '--region', 'chengdu', '--endpoint', url, '--inpatient', '--bill', bill('demo-inpatient.json')]);
    expect(i.status, i.stderr).toBe(0);
    expect(JSON.parse(i.stdout).setlinfo.medfee_sumamt).toBe(171780);
    const ledger = (await (await fetch(`${url}/sandbox/ledger`)).json()) as { yka103: string; status: string; trade: string }[];
    expect(ledger.find((e) => e.yka103 === o.setl_id)).toMatchObject({ status: 'valid', trade: 'confirmed' });
    expect(ledger.find((e) => e.yka103 === JSON.parse(i.stdout).setl_id)).toMatchObject({ status: 'valid', trade: 'confirmed' });
  });

  it('settle --sandbox --slip settles the same bill in a sandbox of its own', () => {
    const s = run(['settle', '--region', 'chengdu', '--sandbox', '--slip', '--bill', bill('demo-outpatient.json')]);
    expect(s.status, s.stderr).toBe(0);
    expect(s.stdout).toContain('医保结算单');
    expect(s.stdout).toContain('成都市基本医疗保险支付接口（银海 5.0）');
    expect(s.stdout).toContain('441.20');
  });

  it('errors: no target is a usage error; a vendor library that does not load is BRIDGE_LOAD', () => {
    const u = run(['settle', '--region', 'chengdu', '--bill', bill('demo-outpatient.json')]);
    expect(u.status).toBe(2);
    expect(JSON.parse(u.stderr).code).toBe('USAGE');
    const l = run(['settle', '--region', 'chengdu', '--library', join(root, 'no-such-yh_interface.so'), '--bill', bill('demo-outpatient.json')]);
    expect(l.status).toBe(1);
    expect(JSON.parse(l.stderr).code).toBe('BRIDGE_LOAD');
  });
});
