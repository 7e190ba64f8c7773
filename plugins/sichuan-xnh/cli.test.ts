// `yibao settle --region sichuan-xnh --sandbox --bill FILE` (the built CLI, as a HIS runs it): the demo bills
// settle through the 新农合 SOAP sandbox like every other region's; `yibao sandbox --region sichuan-xnh` serves a
// center that `settle --endpoint URL` (credentials from the environment) uses.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createCore } from '../../host-node/src/core.js';
import { openSqliteJournal } from '../../host-node/src/journal-sqlite.js';
import { billFor } from '../legacy/reliable.case.js';
import { SichuanXnhClient } from './client.js';
import { createSichuanXnhReliableClient } from './reliable.js';
import { startSichuanXnhSandbox } from './sandbox/index.js';
import { BUILT_CLI as cli, REPO_ROOT as root, runCli as run, type CliRun } from '../../host-node/src/testing/cli.js';

const bill = (f: string) => join(root, 'test/fixtures', f);

type Out = { setl_id: string; mdtrt_id: string; setlinfo: Record<string, number> };

function checkSettled(x: CliRun, medfee: number): Out {
  expect(x.status, x.stderr).toBe(0);
  const o = JSON.parse(x.stdout) as Out;
  expect(Object.keys(o)).toEqual(['setl_id', 'mdtrt_id', 'setlinfo']);
  const s = o.setlinfo;
  expect(s.medfee_sumamt).toBe(medfee);
  for (const k of ['fund_pay_sumamt', 'acct_pay', 'psn_cash_pay', 'hosp_part_amt']) expect(Number.isInteger(s[k]), k).toBe(true);
  expect(s.fund_pay_sumamt + s.acct_pay + s.psn_cash_pay + s.hosp_part_amt).toBe(s.medfee_sumamt);
  expect(s.fund_pay_sumamt).toBeGreaterThan(0);
  expect(s.acct_pay).toBe(0); // 新农合 has no personal account
  return o;
}

describe('yibao settle --region sichuan-xnh (built CLI)', () => {
  it('host-node/dist/cli.js is built (npm test builds it first)', () => expect(existsSync(cli)).toBe(true));

  it('--sandbox: the outpatient bill through 门诊统筹 and the inpatient bill through 入院 → 清单 → 出院 → QueryBC', async () => {
    const [op, ip] = await Promise.all([
      run(['settle', '--region', 'sichuan-xnh', '--sandbox', '--bill', bill('demo-outpatient.json')]),
      run(['settle', '--region', 'sichuan-xnh', '--sandbox', '--inpatient', '--bill', bill('demo-inpatient.json')]),
    ]);
    const o = checkSettled(op, 44120);
    expect(o.setl_id).toMatch(/^\d{14}$/); // mztczID
    const i = checkSettled(ip, 171780);
    expect(i.setl_id).toMatch(/^BC\d+$/);
    expect(i.mdtrt_id).toMatch(/^ZY/); // the 农合 住院流水号
  });

  it('without --sandbox or --endpoint it is a usage error', async () => {
    const r = await run(['settle', '--region', 'sichuan-xnh', '--bill', bill('demo-outpatient.json')], { YIBAO_SCXNH_URL: '', YIBAO_SCXNH_HACCCODE: '', YIBAO_SCXNH_UID: '' });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).code).toBe('USAGE');
  });
});

describe('yibao sandbox --region sichuan-xnh, then settle --endpoint against it', () => {
  it('prints listening URL first, the services and the test credentials; settle --endpoint with YIBAO_SCXNH_* settles there', async () => {
    const c = spawn(process.execPath, [cli, 'sandbox', '--region', 'sichuan-xnh'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const lines: string[] = [];
      const rl = createInterface({ input: c.stdout! });
      await new Promise<void>((resolve) => rl.on('line', (l) => lines.push(l) === 5 && resolve()));
      expect(lines[0]).toMatch(/^listening http:\/\/127\.0\.0\.1:\d+$/);
      const url = lines[0]!.slice('listening '.length);
      expect(lines[1]).toBe(`service main ${url}/XNHService.asmx`);
      expect(lines[2]).toBe(`service mztcz ${url}/MZTCZService.asmx`);
      const env = Object.fromEntries(lines.slice(3).map((l) => l.replace(/^env /, '').split('=') as [string, string]));
      expect(Object.keys(env)).toEqual(['YIBAO_SCXNH_HACCCODE', 'YIBAO_SCXNH_UID']);
      const r = await run(['settle', '--region', 'sichuan-xnh', '--endpoint', url, '--bill', bill('demo-outpatient.json')], env);
      checkSettled(r, 44120);
      const wrong = await run(['settle', '--region', 'sichuan-xnh', '--endpoint', url, '--bill', bill('demo-outpatient.json')], { ...env, YIBAO_SCXNH_HACCCODE: 'NOT-AUTHORISED' });
      expect(wrong.status).not.toBe(0);
      expect(JSON.parse(wrong.stderr).code).toBe('XNH_FALSE');
    } finally {
      c.kill('SIGTERM');
    }
  });
});

describe('yibao recover --region sichuan-xnh (built CLI)', () => {
  it('门诊统筹 records a HIS left registered (unconfirmed) are deleted at the center when the HIS ledger does not list them', async () => {
    const core = createCore();
    const sb = await startSichuanXnhSandbox({ core });
    try {
      const state = mkdtempSync(join(tmpdir(), 'yibao-xnh-recover-'));
      const journal = await openSqliteJournal(state);
      const client = new SichuanXnhClient({ core, url: sb.url, ...sb.identity });
      const rc = createSichuanXnhReliableClient({ client, journal });
      const a = await rc.settle({ his_key: 'XR-1', bill: billFor(901) });
      const b = await rc.settle({ his_key: 'XR-2', bill: billFor(902) });
      await journal.release(a.journalId, rc.owner);
      await journal.release(b.journalId, rc.owner);
      await journal.close();
      const env = { YIBAO_SCXNH_HACCCODE: sb.identity.hacccode, YIBAO_SCXNH_UID: sb.identity.uid };
      const r = await run(['recover', '--region', 'sichuan-xnh', '--state', state, '--endpoint', sb.url], env);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ cancelled: 2, confirmed: 0, left: 0 });
      const deleted = (await client.QueryMZTCInfo3(a.psn_no, '2')).concat(await client.QueryMZTCInfo3(b.psn_no, '2')).map((x) => x.mztczID);
      expect(deleted.sort()).toEqual([a.setl_id, b.setl_id].sort());
      const none = await run(['recover', '--region', 'sichuan-xnh', '--state', state, '--endpoint', sb.url], env);
      expect(JSON.parse(none.stdout)).toMatchObject({ resolved: 0, left: 0 });
    } finally {
      await sb.close();
    }
  });
});
