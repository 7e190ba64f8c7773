// Test harness: headless Debian Chromium driven by playwright-core (never a downloaded browser), and a
// static file server on loopback (Workers do not load from file://). Flags: toolchain-notes §6.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { chromium, type BrowserContext } from 'playwright-core';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const CHROMIUM = process.env.YIBAO_CHROMIUM ?? '/usr/bin/chromium';
export const artifacts = join(repoRoot, 'test', 'artifacts');

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.map': 'application/json' };

/** Builds host-browser (esbuild; core.wasm must exist). */
export function buildHostBrowser(): string {
  if (!existsSync(join(repoRoot, 'core-asm/build/core.wasm'))) execFileSync('npm', ['run', 'build', '-w', 'core-asm'], { cwd: repoRoot, stdio: 'pipe' });
  // one build at a time across test processes (flock), and none when the outputs are current
  const cmd = [process.execPath, join(repoRoot, 'host-browser/scripts/build.mjs'), '--if-stale'];
  const lock = join(repoRoot, 'host-browser', '.build.lock');
  return execFileSync('flock', [lock, ...cmd], { cwd: repoRoot, encoding: 'utf8' });
}

/** Serves `dir` (plus extra in-memory files) on 127.0.0.1. */
export async function serveStatic(dir: string, extra: Record<string, string> = {}): Promise<{ url: string; close(): Promise<void> }> {
  const base = resolve(dir);
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (extra[path] !== undefined) {
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html; charset=utf-8' });
      return res.end(extra[path]);
    }
    const file = join(base, normalize(decodeURIComponent(path)).replace(/^[/\\]+/, ''));
    if (!file.startsWith(base) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** Headless Chromium with a fresh profile. */
export async function launch(viewport = { width: 1280, height: 960 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'yibao-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    locale: 'zh-CN',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
