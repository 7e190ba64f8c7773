// For tests of the built CLI (host-node/dist/cli.js), run as a HIS runs it: a child process, output captured.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the CLI's working directory) and the built CLI. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BUILT_CLI = join(REPO_ROOT, 'host-node/dist/cli.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `yibao ARGS` to its exit with the environment `base` plus `env`. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, base: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BUILT_CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...base, ...env } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}
