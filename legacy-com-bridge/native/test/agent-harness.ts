// Test harness: the yibao agent (host-node/src/agent/, `yibao agent ...`) in front of the Sichuan
// sandbox center (national platform, baseline + 两定), both on loopback, for the native bridge and
// host-browser end-to-end tests. Nothing is mocked: the real CLI process, the real sandbox.
//
// YIBAO_TEST_AGENT_URL (+ YIBAO_TEST_AGENT_TOKEN) points the tests at an agent that is already running
// instead (then no sandbox is started here).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSandbox, type Sandbox } from '../../../plugins/national/sandbox/server.js';

export const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

export interface RunningAgent {
  url: string;
  token: string;
  /** the sandbox center behind the agent (absent for an external agent) */
  sandbox?: Sandbox;
  stateDir: string;
  /** what the agent printed so far */
  output(): string;
  close(): Promise<void>;
}

/** Why the agent tests cannot run, or null when the agent service is in the repo. */
export function agentMissing(): string | null {
  if (process.env.YIBAO_TEST_AGENT_URL) return null;
  if (!existsSync(join(repoRoot, 'host-node', 'src', 'agent'))) {
    return 'AGENT SERVICE MISSING: host-node/src/agent/ (`yibao agent`) is not in the repo yet, so nothing can settle through it';
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

async function health(url: string, token: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/v1/health`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2000) });
    return r.ok;
  } catch {
    return false;
  }
}

/** `yibao agent` flags for the HeaSecReadInfo-style card reader emulator (legacy-com-bridge/test/fixtures/heasec.c). */
export async function heasecAgentArgs(logDir = tmpdir()): Promise<string[]> {
  const { buildEmulator } = await import('../../src/native-build.js');
  return ['--card-reader', 'heasec', '--card-library', buildEmulator('heasec'), '--card-kind', 'ss_card', '--card-init', JSON.stringify({ IP: '127.0.0.1', PORT: 7020, TIMEOUT: 6, LOG_PATH: logDir })];
}

/**
 * Starts the sandbox and `yibao agent` (built CLI, host-node/dist/cli.js) on free loopback ports; `args` are
 * more agent flags (a card reader: heasecAgentArgs()), `env` more environment (HEASEC_CARD_FILE …).
 */
export async function startAgent(opts: { region?: string; args?: string[]; env?: Record<string, string> } = {}): Promise<RunningAgent> {
  const ext = process.env.YIBAO_TEST_AGENT_URL;
  if (ext) {
    return { url: ext.replace(/\/$/, ''), token: process.env.YIBAO_TEST_AGENT_TOKEN ?? '', stateDir: '', output: () => '', close: async () => {} };
  }
  const missing = agentMissing();
  if (missing) throw new Error(missing);
  const cli = join(repoRoot, 'host-node', 'dist', 'cli.js');
  if (!existsSync(cli)) {
    const b = spawnSync('npm', ['run', 'build', '-w', 'host-node'], { cwd: repoRoot, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`host-node build failed: ${b.stderr}`);
  }
  const sandbox = await startSandbox({ region: 'sichuan' });
  const dir = mkdtempSync(join(tmpdir(), 'yibao-agent-test-'));
  const token = randomBytes(16).toString('hex');
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, token + '\n', { mode: 0o600 });
  const port = await freePort();
  const stateDir = join(dir, 'state');
  const args = [cli, 'agent', '--state', stateDir, '--region', opts.region ?? 'sichuan', '--endpoint', sandbox.url, '--port', String(port), '--token-file', tokenFile, ...(opts.args ?? [])];
  let out = '';
  const child: ChildProcess = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, YIBAO_AGENT_TOKEN: '', ...opts.env } });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  while (!(await health(url, token))) {
    if (exited !== null || Date.now() - t0 > 20000) {
      child.kill('SIGKILL');
      await sandbox.close();
      throw new Error(`yibao agent did not become healthy (${exited !== null ? `exited ${exited}` : 'timeout'}): node ${args.slice(0, 2).join(' ')} ...\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    token,
    sandbox,
    stateDir,
    output: () => out,
    close: async () => {
      if (exited === null) {
        child.kill('SIGTERM');
        await new Promise((r) => setTimeout(r, 300));
        if (exited === null) child.kill('SIGKILL');
      }
      await sandbox.close();
    },
  };
}
