// `yibao settle --region liuzhou --sandbox --bill FILE` (the built CLI, as a HIS runs it): the demo bills
// settle like every other region's; `yibao sandbox --region liuzhou` serves a center that a later
// `settle --endpoint URL` reaches with the credentials it printed (YIBAO_XNH_*).
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BUILT_CLI as cli, REPO_ROOT as root, runCli, type CliRun } from '../../host-node/src/testing/cli.js';

const bill = (f: string) => join(root, 'test/fixtures', f);
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('YIBAO_')));

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, env, cleanEnv);

function check(x: CliRun, medfee: number): Record<string, number> {
  expect(x.status, x.stderr).toBe(0);
  const o = JSON.parse(x.stdout) as { setl_id: string; mdtrt_id: string; setlinfo: Record<string, number> };
  expect(Object.keys(o)).toEqual(['setl_id', 'mdtrt_id', 'setlinfo']);
  expect(o.setl_id).toBeTruthy();
  const s = o.setlinfo;
  expect(s.medfee_sumamt).toBe(medfee);
  for (const k of ['fund_pay_sumamt', 'acct_pay', 'psn_cash_pay', 'hosp_part_amt']) expect(Number.isInteger(s[k]), k).toBe(true);
  expect(s.fund_pay_sumamt + s.acct_pay + s.psn_cash_pay + s.hosp_part_amt).toBe(medfee);
  expect(s.fund_pay_sumamt).toBeGreaterThan(0);
  return s;
}

describe('yibao settle --region liuzhou (built CLI)', () => {
  it('host-node/dist/cli.js is built (npm test builds it first)', () => expect(existsSync(cli)).toBe(true));

  it('--sandbox: the outpatient (mzjsjk) and inpatient (zydjjk → zysjcxjk pulled by 农合 → zyjsjk) demo bills', async () => {
    const [op, ip] = await Promise.all([
      run(['settle', '--region', 'liuzhou', '--sandbox', '--bill', bill('demo-outpatient.json')]),
      run(['settle', '--region', 'liuzhou', '--sandbox', '--inpatient', '--bill', bill('demo-inpatient.json')]),
    ]);
    check(op, 44120);
    expect(JSON.parse(op.stdout).setl_id).toMatch(/^MZ/);
    const s = check(ip, 171780);
    expect(s.act_pay_dedc).toBe(30000);
    expect(JSON.parse(ip.stdout).setl_id).toMatch(/^JS/);
  });

  it('--endpoint without credentials is a usage error (nothing sent)', async () => {
    const r = await run(['settle', '--region', 'liuzhou', '--endpoint', 'http://127.0.0.1:9/XnhService.asmx', '--bill', bill('demo-outpatient.json')]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).code).toBe('USAGE');
    expect(JSON.parse(r.stderr).message).toContain('YIBAO_XNH_USER');
  });
});

describe('yibao sandbox --region liuzhou, then settle --endpoint', () => {
  it('prints listening URL and the credentials; settle --endpoint uses them (outpatient and inpatient)', async () => {
    const c = spawn(process.execPath, [cli, 'sandbox', '--region', 'liuzhou'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: cleanEnv });
    try {
      const rl = createInterface({ input: c.stdout! });
      const lines: string[] = [];
      await new Promise<void>((resolve) => rl.on('line', (l) => {
        lines.push(l);
        if (lines.length === 4) resolve();
      }));
      expect(lines[0]).toMatch(/^listening http:\/\/127\.0\.0\.1:\d+\/XnhService\.asmx$/);
      const env = Object.fromEntries(lines.slice(1).map((l) => l.replace(/^env /, '').split('=') as [string, string]));
      expect(Object.keys(env)).toEqual(['YIBAO_XNH_HOSPITAL_CODE', 'YIBAO_XNH_USER', 'YIBAO_XNH_PASSWORD']);
      const url = lines[0]!.slice('listening '.length);
      const [op, ip] = await Promise.all([
        run(['settle', '--region', 'liuzhou', '--endpoint', url, '--bill', bill('demo-outpatient.json')], env),
        run(['settle', '--region', 'liuzhou', '--endpoint', url, '--inpatient', '--bill', bill('demo-inpatient.json')], env),
      ]);
      check(op, 44120);
      check(ip, 171780);
      // a wrong password: the center answers Null to chryxxjk (no reason on the wire)
      const bad = await run(['settle', '--region', 'liuzhou', '--endpoint', url, '--bill', bill('demo-outpatient.json')], { ...env, YIBAO_XNH_PASSWORD: 'wrong' });
      expect(bad.status).not.toBe(0);
      expect(JSON.parse(bad.stderr).code).toBe('XNH_NULL_RESULT');
    } finally {
      c.kill('SIGTERM');
    }
  });
});
