// `yibao settle --region chongqing|sichuan-com|nanping --sandbox --bill FILE` (the built CLI, as a HIS runs
// it): the same demo bills settle through each region — through the real bridge process and the compiled
// emulators for chongqing / sichuan-com, through a responder process and the exchange folder for nanping.
// `yibao sandbox --region R` serves a region for later `settle --endpoint/--dir` runs.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'host-node/dist/cli.js');
const bill = (f: string) => join(root, 'test/fixtures', f);

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const REGIONS = ['chongqing', 'sichuan-com', 'nanping'] as const;
const state = mkdtempSync(join(tmpdir(), 'yibao-cli-legacy-'));

describe('yibao settle --sandbox for the legacy regions (built CLI)', () => {
  it('host-node/dist/cli.js is built (npm test builds it first)', () => expect(existsSync(cli)).toBe(true));

  it('outpatient and inpatient bills settle through every region; amounts are integer fen that add up', async () => {
    const runs = await Promise.all(
      REGIONS.flatMap((r) => [
        run(['settle', '--region', r, '--sandbox', '--bill', bill('demo-outpatient.json'), '--state', join(state, r)]).then((x) => ({ r, kind: 'op', ...x })),
        run(['settle', '--region', r, '--sandbox', '--inpatient', '--bill', bill('demo-inpatient.json'), '--state', join(state, r)]).then((x) => ({ r, kind: 'ip', ...x })),
      ]),
    );
    for (const x of runs) {
      expect(x.status, `${x.r} ${x.kind}: ${x.stderr}`).toBe(0);
      const o = JSON.parse(x.stdout) as { setl_id: string; mdtrt_id: string; setlinfo: Record<string, number> };
      expect(Object.keys(o)).toEqual(['setl_id', 'mdtrt_id', 'setlinfo']);
      expect(o.setl_id, x.r).toBeTruthy();
      const s = o.setlinfo;
      expect(s.medfee_sumamt, `${x.r} ${x.kind}`).toBe(x.kind === 'op' ? 44120 : 171780);
      for (const k of ['fund_pay_sumamt', 'acct_pay', 'psn_cash_pay', 'hosp_part_amt']) expect(Number.isInteger(s[k]), k).toBe(true);
      expect(s.fund_pay_sumamt + s.acct_pay + s.psn_cash_pay + s.hosp_part_amt).toBe(s.medfee_sumamt);
      expect(s.fund_pay_sumamt).toBeGreaterThan(0);
    }
  });

  it('an unknown region and a missing --sandbox/--library/--dir are usage errors', async () => {
    const r = await run(['settle', '--region', 'chongqing', '--bill', bill('demo-outpatient.json')]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).code).toBe('USAGE');
    const n = await run(['settle', '--region', 'nanping', '--bill', bill('demo-outpatient.json')]);
    expect(n.status).toBe(2);
  });
});

async function serve(args: string[]): Promise<{ first: string; lines: string[]; stop: () => void }> {
  const c = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: c.stdout! });
  const lines: string[] = [];
  const first = await new Promise<string>((resolve) => {
    rl.on('line', (l) => {
      lines.push(l);
      if (lines.length === 1) resolve(l);
    });
  });
  await new Promise((r) => setTimeout(r, 100));
  return { first, lines, stop: () => c.kill('SIGTERM') };
}

describe('yibao sandbox --region R, then settle against it', () => {
  it('chongqing: sandbox prints its URL and emulator; settle --endpoint uses the running center', async () => {
    const sb = await serve(['sandbox', '--region', 'chongqing']);
    try {
      expect(sb.first).toMatch(/^listening http:\/\/127\.0\.0\.1:\d+$/);
      expect(sb.lines.some((l) => /^emulator .*SiInterface/.test(l))).toBe(true);
      const r = await run(['settle', '--region', 'chongqing', '--endpoint', sb.first.slice('listening '.length), '--bill', bill('demo-outpatient.json')]);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).setlinfo.medfee_sumamt).toBe(44120);
    } finally {
      sb.stop();
    }
  });

  it('sichuan-com: the same through a running COM sandbox', async () => {
    const sb = await serve(['sandbox', '--region', 'sichuan-com']);
    try {
      const r = await run(['settle', '--region', 'sichuan-com', '--endpoint', sb.first.slice('listening '.length), '--inpatient', '--bill', bill('demo-inpatient.json')]);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).setlinfo.medfee_sumamt).toBe(171780);
    } finally {
      sb.stop();
    }
  });

  it('nanping: sandbox --dir watches the folder; settle --dir exchanges files with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibao-np-cli-'));
    const sb = await serve(['sandbox', '--region', 'nanping', '--dir', dir]);
    try {
      expect(sb.first).toBe(`watching ${dir}`);
      const r = await run(['settle', '--region', 'nanping', '--dir', dir, '--bill', bill('demo-outpatient.json')]);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).setlinfo.medfee_sumamt).toBe(44120);
      expect(existsSync(join(dir, 'sandbox-ledger.json'))).toBe(true);
    } finally {
      sb.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--his-key: journaled in --state, committed, visible to `yibao journal`; the same key again is DUPLICATE (chengdu, chongqing, sichuan-com, nanping, sichuan-xnh, liuzhou)', async () => {
    const regions = ['chengdu', ...REGIONS, 'sichuan-xnh', 'liuzhou'];
    const runs = await Promise.all(
      regions.map(async (r) => {
        const dir = join(state, `journaled-${r}`);
        const key = `JK-${r}-1`;
        const first = await run(['settle', '--region', r, '--sandbox', '--bill', bill('demo-outpatient.json'), '--state', dir, '--his-key', key]);
        const again = await run(['settle', '--region', r, '--sandbox', '--bill', bill('demo-outpatient.json'), '--state', dir, '--his-key', key]);
        const journal = await run(['journal', '--state', dir, '--his-key', key]);
        return { r, key, first, again, journal };
      }),
    );
    for (const { r, key, first, again, journal } of runs) {
      expect(first.status, `${r}: ${first.stderr}`).toBe(0);
      const out = JSON.parse(first.stdout);
      expect(out.setlinfo.medfee_sumamt, r).toBe(44120);
      expect(again.status, r).not.toBe(0);
      expect(JSON.parse(again.stderr.trim().split('\n').pop()!).code, r).toBe('DUPLICATE');
      const entries = JSON.parse(journal.stdout) as { his_key: string; state: string; setl_id: string }[];
      const money = entries.filter((e) => e.his_key === key && e.setl_id);
      expect(money.length, `${r}: ${journal.stdout}`).toBe(1);
      expect(money[0].state, r).toBe('confirmed');
      expect(money[0].setl_id, r).toBe(out.setl_id);
    }
  }, 120000);
});
