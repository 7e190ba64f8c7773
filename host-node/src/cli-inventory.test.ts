// `yibao inventory …` and `yibao sandbox|settle --region chengdu-jxc` on the built CLI, as a HIS runs them:
// a sandbox process serves the Chengdu center, upload / status / drain talk to it through the durable queue.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { JXC_SANDBOX_CREDENTIALS } from '../../plugins/chengdu-jxc/sandbox/center.js';
import { BUILT_CLI as cli, REPO_ROOT as root, runCli as run } from './testing/cli.js';

let dir: string;

async function serve(args: string[]): Promise<{ lines: string[]; stop: () => Promise<void> }> {
  const c = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: c.stdout! });
  const lines: string[] = [];
  await new Promise<void>((resolve) => {
    rl.on('line', (l) => {
      lines.push(l);
      if (lines.length === 3) resolve();
    });
  });
  return { lines, stop: () => new Promise<void>((r) => { c.once('exit', () => r()); c.kill('SIGTERM'); }) };
}

const AMX = { med_list_codg: 'XJ01CAA040A001010100001', hilist_id: 'HIS-AMX01', hilist_name: '阿莫西林胶囊' };
const rowsFile = (name: string, rows: unknown[]) => {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(rows));
  return f;
};

beforeAll(() => {
  expect(existsSync(cli)).toBe(true); // built by `npm test` (pretest)
  dir = mkdtempSync(join(tmpdir(), 'yibao-cli-inv-'));
});

describe('yibao inventory (built CLI)', () => {
  it('chengdu-jxc: sandbox prints its service URL; upload reports the partial batch, status lists every row, exit 3', async () => {
    const sb = await serve(['sandbox', '--region', 'chengdu-jxc']);
    try {
      expect(sb.lines[0]).toMatch(/^listening http:\/\/127\.0\.0\.1:\d+\/jxc\/DataCollect$/);
      expect(sb.lines[1]).toContain(JXC_SANDBOX_CREDENTIALS.user);
      const url = sb.lines[0]!.slice('listening '.length);
      const env = { YIBAO_JXC_USER: JXC_SANDBOX_CREDENTIALS.user, YIBAO_JXC_PASSWORD: JXC_SANDBOX_CREDENTIALS.password };
      const file = rowsFile('jxc.json', [
        { sn: 'C1', ...AMX, trdn_flag: '0', pric: '1.5', cnt: '10' },
        { sn: 'C2', ...AMX, med_list_codg: 'XUNKNOWN', trdn_flag: '0', pric: '1.5', cnt: '10' },
      ]);
      const state = join(dir, 'jxc-state');
      const up = await run(['inventory', 'upload', '--region', 'chengdu-jxc', '--kind', 'init', file, '--state', state, '--endpoint', url], env);
      expect(up.status, up.stderr).toBe(3);
      expect(JSON.parse(up.stdout)).toMatchObject({ ok: 1, rejected: 1, pending: 0, batches: [{ txCode: 'JXC01', rows: 2, outcome: 'partial' }] });
      expect(up.stderr).toContain('rejected: C2 医保项目编码【XUNKNOWN】未在【医保两定管理协同平台】完成对码');
      expect(up.stderr).toContain('"code":"INVENTORY_PARTIAL"');

      const st = await run(['inventory', 'status', '--region', 'chengdu-jxc', '--state', state]);
      expect(st.status).toBe(0);
      expect(JSON.parse(st.stdout).map((r: { sn: string; status: string }) => [r.sn, r.status])).toEqual([['C1', 'ok'], ['C2', 'rejected']]);

      // the same file again: nothing new is sent (enqueue is idempotent per 流水号), the rejected row is still reported
      const again = await run(['inventory', 'upload', '--region', 'chengdu-jxc', '--kind', 'init', file, '--state', state, '--endpoint', url], env);
      expect(again.status).toBe(3);
      expect(JSON.parse(again.stdout)).toMatchObject({ ok: 0, rejected: 0, batches: [] });

      // without credentials nothing is sent
      const nocred = await run(['inventory', 'drain', '--region', 'chengdu-jxc', '--state', state, '--endpoint', url], { YIBAO_JXC_USER: '', YIBAO_JXC_PASSWORD: '' });
      expect(nocred.status).toBe(1);
      expect(JSON.parse(nocred.stderr).code).toBe('TRANSPORT_CONFIG');
    } finally {
      await sb.stop();
    }
  });

  it('settle --region chengdu-jxc is not supported; usage errors exit 2', async () => {
    const s = await run(['settle', '--region', 'chengdu-jxc', '--sandbox', '--bill', join(root, 'test/fixtures/demo-outpatient.json')]);
    expect(s.status).toBe(1);
    expect(JSON.parse(s.stderr).code).toBe('NOT_SUPPORTED');
    const u = await run(['inventory', 'upload', '--region', 'sichuan', '--state', dir]);
    expect(u.status).toBe(2);
    const k = await run(['inventory', 'upload', '--region', 'sichuan', '--kind', 'bogus', 'x.json', '--state', dir]);
    expect(k.status).toBe(2);
  });

  it('sichuan --sandbox: national 3503 rows one call each, exit 0', async () => {
    const file = rowsFile('nat.json', [1, 2].map((k) => ({ sn: `P${k}`, bchno: `B${k}`, ...AMX, rx_flag: '1', pric: '1.5', cnt: '10', time: '2026-11-20 10:00:00', spler_name: '医药公司', opter_name: '库管' })));
    const r = await run(['inventory', 'upload', '--region', 'sichuan', '--kind', 'stock-in', file, '--state', join(dir, 'nat'), '--sandbox']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: 2, rejected: 0, pending: 0, batches: [{ txCode: '3503', rows: 1 }, { txCode: '3503', rows: 1 }] });
  });
});
