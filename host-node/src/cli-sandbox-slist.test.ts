// `yibao sandbox --region sichuan --slist-check --slist-reply output.data`: the built CLI's center refuses a
// settlement list that breaks the quality rules and answers a clean one with setl_list_id under output.data.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from './core.js';
import { outpatientSettle } from './flows.js';
import { uploadSettlementList } from './slist.js';
import { sichuanClientAt } from './testing/loopback.js';
import { BUILT_CLI, REPO_ROOT, runCli } from './testing/cli.js';

const core = createCore();
const read = (p: string) => JSON.parse(readFileSync(join(REPO_ROOT, p), 'utf8'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGTERM');
});

function startCliSandbox(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, [BUILT_CLI, 'sandbox', '--region', 'sichuan', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (c) => reject(new Error(`sandbox exited ${c}`)));
  });
}

describe('yibao sandbox --region sichuan --slist-check --slist-reply output.data', () => {
  it('refuses a list missing required fields (center-side check), accepts the complete one with the id under output.data', async () => {
    const url = await startCliSandbox(['--slist-check', '--slist-reply', 'output.data']);
    const client = sichuanClientAt(core, url, mkdtempSync(join(tmpdir(), 'yibao-sbsl-')));
    const r = await outpatientSettle(client, { ...read('test/fixtures/demo-outpatient.json'), ipt_otp_no: `SBSL${Date.now()}` });
    const list = read('core-asm/rules/examples/4101-inpatient.json');
    Object.assign(list.setlinfo, { setl_id: r.setl_id, mdtrt_id: r.mdtrt_id, hi_no: r.psn_no, bld_unt: 'u' });

    const dirty = JSON.parse(JSON.stringify(list));
    delete dirty.setlinfo.medcasno;
    delete dirty.setlinfo.coner_name;
    const refused = await uploadSettlementList(client, dirty, { variant: '4101', region: 'sichuan', force: true }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'CENTER_ERROR' });
    expect(String(refused.detail)).toMatch(/medcasno|病案号/);

    const up = await uploadSettlementList(client, list, { variant: '4101', region: 'sichuan' });
    expect(up.idAt).toBe('output.data');
    expect(up.setl_list_id).toMatch(/\S/);
  });

  it('a wrong --slist-reply is a usage error', async () => {
    const r = await runCli(['sandbox', '--region', 'sichuan', '--slist-reply', 'body']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('USAGE');
  });
});
