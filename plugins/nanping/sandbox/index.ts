// The Nanping sandbox: a responder process watching an exchange folder, answering with the simulated
// front-end/center (center.ts). `yibao sandbox --region nanping --dir DIR` runs it in the CLI process;
// tests and `yibao settle --region nanping --sandbox` start it as a separate process (spawnResponder).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Core } from '../../../host-node/src/contract.js';
import { createCore, wasmPath } from '../../../host-node/src/core.js';
import { YibaoError } from '../../../host-node/src/errors.js';
import { NanpingCenter } from './center.js';
import { startResponder, type Responder, type ResponderMode } from './responder.js';

export { NanpingCenter } from './center.js';
export { startResponder, type Responder, type ResponderMode } from './responder.js';

/** Runs the responder in this process until SIGINT/SIGTERM (or stdin closes when `stdinLifeline`). */
export async function serveNanpingSandbox(o: { dir: string; pollMs?: number; core?: Core; log?: (l: string) => void; stdinLifeline?: boolean; onReady?: (dir: string) => void }): Promise<void> {
  mkdirSync(o.dir, { recursive: true });
  const core = o.core ?? createCore();
  const center = new NanpingCenter({ core, log: o.log });
  const r = startResponder({ dir: o.dir, center, core, pollMs: o.pollMs, log: o.log, ledgerFile: true });
  o.onReady?.(o.dir);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (o.stdinLifeline) {
      process.stdin.once('end', resolve);
      process.stdin.once('close', resolve);
      process.stdin.resume();
    }
  });
  await r.stop();
}

/** In-process responder on a fresh temp folder (unit tests). */
export function startNanpingSandboxInProcess(o: { dir?: string; core?: Core; pollMs?: number; mode?: ResponderMode; log?: (l: string) => void } = {}): { dir: string; center: NanpingCenter; responder: Responder } {
  const core = o.core ?? createCore();
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'yibao-nanping-'));
  const center = new NanpingCenter({ core, log: o.log });
  const responder = startResponder({ dir, center, core, pollMs: o.pollMs ?? 20, mode: o.mode, log: o.log });
  return { dir, center, responder };
}

export interface ResponderProcess {
  dir: string;
  pid: number;
  child: ChildProcess;
  /** the sandbox ledger (settlements) as last written by the responder */
  ledger(): { id: string; kind: string; status: string; medfee_sumamt: number; fund_pay_sumamt: number; acct_pay: number; psn_cash_pay: number }[];
  stop(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

let bundled: Promise<string> | undefined;

/** Bundles responder-main.ts with esbuild once per process (dev/test only: the built CLI runs `yibao sandbox`). */
function bundledResponder(): Promise<string> {
  bundled ??= (async () => {
    const esbuild = await import('esbuild');
    const out = join(mkdtempSync(join(tmpdir(), 'yibao-nanping-responder-')), 'responder.mjs');
    await esbuild.build({
      entryPoints: [join(here, 'responder-main.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning',
    });
    return out;
  })();
  return bundled;
}

/**
 * Starts the responder as a separate process watching `dir` (a new temp folder by default) and waits for
 * its "watching DIR" line. `command` = [executable, ...args] without the folder (e.g. the yibao CLI:
 * [node, cli.js, 'sandbox', '--region', 'nanping']); by default the TypeScript entry is bundled first.
 */
export async function spawnResponder(o: { dir?: string; command?: string[]; pollMs?: number } = {}): Promise<ResponderProcess> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'yibao-nanping-'));
  const cmd = o.command ?? [process.execPath, await bundledResponder(), '--wasm', wasmPath()];
  const args = [...cmd.slice(1), '--dir', dir, ...(o.pollMs ? ['--poll', String(o.pollMs)] : [])];
  const child = spawn(cmd[0]!, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const rl = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(YibaoError.host('TRANSPORT_CONFIG', 'nanping responder did not start within 20 s')), 20000);
    rl.once('line', (l) => {
      clearTimeout(t);
      resolve(l);
    });
    child.once('exit', (c) => {
      clearTimeout(t);
      reject(YibaoError.host('TRANSPORT_CONFIG', `nanping responder exited (${c}) before it was ready`));
    });
  });
  if (!first.startsWith('watching ')) throw YibaoError.host('TRANSPORT_CONFIG', `nanping responder: unexpected first line "${first}"`);
  rl.on('line', () => {});
  return {
    dir, pid: child.pid!, child,
    ledger: () => {
      try {
        return JSON.parse(readFileSync(join(dir, 'sandbox-ledger.json'), 'utf8'));
      } catch {
        return [];
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
