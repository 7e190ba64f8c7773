// The native bridge (legacy-com-bridge/native): libyibao.so / yibao32.dll and the drop-in Yinhai
// libyh_yibao.so / yh_yibao32.dll, built from the same core.wasm with wasm2c, driven by real callers:
// a C program, a Free Pascal ({$mode delphi}) program and 32-bit Windows programs under wine, settling
// through the real agent in front of the sandbox center.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../../host-node/src/core.js';
import { agentMissing, heasecAgentArgs, repoRoot, startAgent, type RunningAgent } from './agent-harness.js';

const here = join(repoRoot, 'legacy-com-bridge', 'native');
const out = join(here, 'out');
const bill = join(here, 'test', 'fixtures', 'presettle-bill.json');
const settleBill = join(repoRoot, 'test', 'fixtures', 'demo-outpatient.json');
const CERTNO = '510104198503152311'; // a seed person of the sandbox (张在职, 职工)
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

let built = '';
let agent: RunningAgent | undefined;
let agentError: Error | undefined;
const timings: Record<string, number> = {};

/** Runs a program asynchronously: the sandbox center lives in this process and must keep answering. */
function run(file: string, args: string[], env: Record<string, string> = {}, timeout = 60000): Promise<{ status: number | null; stdout: string; stderr: string; text: string }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(file, args, { env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('close', (status) => {
      clearTimeout(timer);
      timings[file.split('/').pop()! + ' ' + (args[0] ?? '').split('/').pop()] = Date.now() - t0;
      const stdout = Buffer.concat(out).toString('latin1');
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ status, stdout, stderr, text: stdout + stderr });
    });
  });
}

/** GBK output of the Yinhai test, readable */
const gbkText = (s: string) => createCore().gbk.decode(Buffer.from(s, 'latin1'));

function agentEnv(): Record<string, string> {
  if (!agent) throw agentError ?? new Error('agent not started');
  return { YIBAO_AGENT_URL: agent.url, YIBAO_AGENT_TOKEN: agent.token };
}

beforeAll(async () => {
  const t0 = Date.now();
  built = execFileSync('bash', [join(here, 'build.sh')], { cwd: repoRoot, encoding: 'utf8', timeout: 300000 });
  timings['build.sh'] = Date.now() - t0;
  console.log(built.trim());
  if (!agentMissing()) {
    try {
      // with the card reader emulator (its built-in card: 社保卡 S51000001 of the seed person 510104198503152311)
      agent = await startAgent({ args: await heasecAgentArgs() });
    } catch (e) {
      agentError = e as Error;
    }
  } else {
    agentError = new Error(agentMissing()!);
  }
}, 360000);

afterAll(async () => {
  await agent?.close();
  console.log('native bridge timings (ms):', JSON.stringify(timings));
});

describe('libyibao.so (offline operations in-process)', () => {
  it('a C program: presettle, snprintf protocol, yb_last_result, errors, trap recovery, GBK variant, 4 threads, agent errors', async () => {
    const r = await run(join(out, 'yb_test'), [bill]);
    expect(r.text).toContain('PASSED (0 failed)');
    expect(r.status, r.text).toBe(0);
  });

  it('exports exactly the documented C API; the Yinhai library only yh_*', () => {
    const syms = (lib: string) => execFileSync('nm', ['-D', '--defined-only', join(out, lib)], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[2]).filter(Boolean).sort();
    expect(syms('libyibao.so')).toEqual(['yb_call', 'yb_call_a', 'yb_config', 'yb_core_call', 'yb_core_reset', 'yb_core_version', 'yb_last_result', 'yb_version']);
    expect(syms('libyh_yibao.so')).toEqual([
      'yh_interface_call', 'yh_interface_cancel', 'yh_interface_confirm', 'yh_interface_destroy', 'yh_interface_getuncertaintytrade', 'yh_interface_init',
    ]);
  });

  it('pre-settles byte-identically to the Node host (same core.wasm)', async () => {
    const r = await run(join(out, 'yb_test'), ['--presettle', bill]);
    expect(r.status).toBe(0);
    const node = Buffer.from(createCore().raw(1, readFileSync(bill)));
    expect(Buffer.from(r.stdout, 'latin1').equals(node)).toBe(true);
  });
});

describe.runIf(has('i686-w64-mingw32-gcc'))('yibao32.dll / yh_yibao32.dll (i686 mingw, __stdcall)', () => {
  const objdump = (dll: string) => execFileSync('i686-w64-mingw32-objdump', ['-p', join(out, dll)], { encoding: 'utf8' });

  it('undecorated exports, only system DLLs imported (KERNEL32, msvcrt, WS2_32)', () => {
    for (const [dll, names] of [
      ['yibao32.dll', ['yb_call', 'yb_call_a', 'yb_config', 'yb_last_result', 'yb_version']],
      ['yh_yibao32.dll', ['yh_interface_call', 'yh_interface_cancel', 'yh_interface_confirm', 'yh_interface_destroy', 'yh_interface_getuncertaintytrade', 'yh_interface_init']],
    ] as const) {
      const p = objdump(dll);
      const imports = [...p.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1]).sort();
      expect(imports).toEqual(['KERNEL32.dll', 'WS2_32.dll', 'msvcrt.dll']);
      for (const n of names) expect(p).toMatch(new RegExp(`\\]\\s+${n}\\n`));
      expect(p).not.toMatch(/\] _?yb_call@|\] _?yh_interface_call@/);
    }
    // callee-cleanup stdcall: yb_call(op, in, out, outcap) pops 16 bytes
    const dis = execFileSync('i686-w64-mingw32-objdump', ['-d', join(out, 'yibao32.dll')], { encoding: 'utf8', maxBuffer: 256 << 20 });
    const body = dis.slice(dis.indexOf('<_yb_call@16>:'));
    expect(body.slice(0, body.indexOf('\n\n'))).toContain('ret    $0x10');
  });

  it('a 32-bit test exe loads the DLLs under wine32 (or says plainly why it could not)', async () => {
    const setup = spawnSync('bash', [join(here, 'test', 'setup-wine32.sh')], { encoding: 'utf8', timeout: 300000 });
    const line = (setup.stdout ?? '').trim().split('\n').pop() ?? '';
    if (setup.status !== 0) {
      console.log(`WINE32: NOT RUN — ${line || setup.stderr}`);
      return;
    }
    const root = line.replace('wine32 ready: ', '');
    const r = await wine32(root, 'yb_wintest32.exe', [winPath(out), winPath(bill)]);
    console.log(`WINE32: RAN yb_wintest32.exe in a 32-bit wine process\n${r.text.split('\n').filter((l) => /^(ok|FAIL|presettle|sizeof)/.test(l)).join('\n')}`);
    expect(r.text).toContain('PASSED (0 failed)');
    // the same bytes as Node from the 32-bit DLL
    const p = await wine32(root, 'yb_wintest32.exe', [winPath(out), winPath(bill), '--presettle']);
    expect(Buffer.from(p.stdout, 'latin1').equals(Buffer.from(createCore().raw(1, readFileSync(bill))))).toBe(true);
  }, 300000);
});

function winPath(p: string): string {
  return 'Z:' + p.replaceAll('/', '\\');
}

function wine32(root: string, exe: string, args: string[], env: Record<string, string> = {}) {
  const S = join(root, '..');
  return run(join(root, 'usr/lib/wine/wine'), [join(out, exe), ...args], {
    LD_LIBRARY_PATH: `${root}/usr/lib/i386-linux-gnu:${root}/lib/i386-linux-gnu`,
    WINEARCH: 'win32',
    WINEPREFIX: join(S, 'w32'),
    WINESERVER: '/usr/lib/wine/wineserver64',
    WINEDEBUG: '-all',
    ...env,
  }, 120000);
}

describe('through the agent (yibao agent + sandbox center on loopback)', () => {
  it('Free Pascal {$mode delphi} client: pre-settles in-process (bytes = Node) and settles through the agent', async () => {
    if (!has('fpc')) throw new Error('fpc is not installed (apt-get install fpc)');
    const env = agentEnv(); // throws "AGENT SERVICE MISSING ..." until host-node/src/agent/ lands
    const dst = join(mkdtempSync(join(tmpdir(), 'yb-fpc-')), 'presettle.out');
    const r = await run(join(out, 'yb_fpc_test'), [bill, settleBill, `FPC-${Date.now()}`, dst], env);
    console.log(r.text);
    expect(r.text).toContain('PASSED (0 failed)');
    expect(r.status).toBe(0);
    expect(readFileSync(dst).equals(Buffer.from(createCore().raw(1, readFileSync(bill))))).toBe(true);
  });

  it('C program: settle (pending) + commit + refund through the agent', async () => {
    const r = await run(join(out, 'yb_test'), [bill, '--agent', settleBill], agentEnv());
    expect(r.text).toContain('ok agent settle (pending)');
    expect(r.text).toContain('ok agent refund (confirmed)');
    expect(r.text).toContain('ok a second refund is -1030 DUPLICATE');
    expect(r.text).toContain('PASSED (0 failed)');
  });

  it('drop-in Yinhai library: a Chengdu-style 11 (GBK XML) settles against the national sandbox; confirm, cancel, getuncertaintytrade, 03 by card, 12 after confirm (refund), 41', async () => {
    const state = mkdtempSync(join(tmpdir(), 'yh-state-'));
    const r = await run(join(out, 'yh_test'), [CERTNO, '--card'], { ...agentEnv(), YH_YIBAO_STATE: state });
    const text = gbkText(r.stdout) + r.stderr;
    console.log(text.split('\n').filter((l) => /^(ok|FAIL|--)/.test(l)).join('\n'));
    expect(text).toContain('ok 11 settles through the agent (pending)');
    expect(text).toContain('ok 03 without a number reads the card through the agent');
    expect(text).toContain('ok 12 refunds the confirmed settlement');
    expect(text).toContain('ok 41 pre-settles the stay at the center');
    expect(text).toContain('ok 52 settles to the amounts 41 pre-settled');
    expect(text).toContain('PASSED (0 failed)');
    expect(r.status).toBe(0);
    if (agent?.sandbox) {
      // the center really holds the settlement the Yinhai answer names
      const yka103 = /<yka103>(\d+)<\/yka103>/.exec(text)?.[1];
      expect(yka103).toBeTruthy();
      expect(JSON.stringify(agent.sandbox.ledger())).toContain(yka103!);
      // the refunded one: cancelled at the center by the agent's refund entry (2208, its own journal entry)
      const refunded = /refunded yka103=(\d+)/.exec(text)?.[1];
      expect(refunded).toBe(yka103);
      const l = agent.sandbox.ledger().find((x) => x.setl_id === refunded)!;
      const j = (await (await fetch(`${agent.url}/v1/journal?state=confirmed`, { headers: { authorization: `Bearer ${agent.token}` } })).json()) as { entries: { op: string; setl_id?: string; msgid: string }[] };
      const refund = j.entries.find((e) => e.op === 'cancelSettle' && e.setl_id === refunded);
      expect(l).toMatchObject({ status: 'cancelled', cancel_msgid: refund?.msgid });
    }
  });

  it.runIf(has('i686-w64-mingw32-gcc'))('32-bit yh_yibao32.dll settles the same 11 under wine32 (when a 32-bit wine can be set up)', async () => {
    const env = agentEnv();
    const setup = spawnSync('bash', [join(here, 'test', 'setup-wine32.sh')], { encoding: 'utf8', timeout: 300000 });
    const line = (setup.stdout ?? '').trim().split('\n').pop() ?? '';
    if (setup.status !== 0) {
      console.log(`WINE32: NOT RUN (Yinhai 32-bit) — ${line}`);
      return;
    }
    const root = line.replace('wine32 ready: ', '');
    const state = mkdtempSync(join(tmpdir(), 'yh-state32-'));
    const r = await wine32(root, 'yh_wintest32.exe', [CERTNO], { ...env, YH_YIBAO_STATE: winPath(state) });
    console.log(`WINE32: RAN yh_wintest32.exe (32-bit Yinhai drop-in) against the agent`);
    expect(gbkText(r.stdout)).toContain('PASSED (0 failed)');
  }, 300000);
});

describe('the Yinhai library without an agent', () => {
  it('yh_interface_init fails with appcode < 0 and AGENT_UNAVAILABLE in appmsg; later calls are refused', async () => {
    const r = await run(join(out, 'yh_test'), ['--down'], { YIBAO_AGENT_URL: 'http://127.0.0.1:9', YIBAO_AGENT_TOKEN: '' });
    expect(gbkText(r.stdout)).toContain('PASSED (0 failed)');
  });
});

it('build output names every part', () => {
  expect(built).toMatch(/linux: built/);
  expect(existsSync(join(out, 'libyibao.so'))).toBe(true);
});
