// The same bill pre-settles to byte-identical output in every host: Node (V8), the browser Worker
// (Chromium) and the native DLL (.so from wasm2c, called by a C program). The FPC client and the
// 32-bit DLL under wine compare against Node in legacy-com-bridge/native/test/native.test.ts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createCore } from '../../host-node/src/core.js';
import { buildHostBrowser, launch, repoRoot, serveStatic } from './browser-harness.js';

interface Case { id: string; bytes: Buffer }
const billFile = join(repoRoot, 'legacy-com-bridge/native/test/fixtures/presettle-bill.json');
const examples = JSON.parse(readFileSync(join(repoRoot, '..', 'shared/conformance/presettle-examples.json'), 'utf8')) as { cases: { id: string; params: unknown; person: unknown; fee_items: unknown }[] };
const cases: Case[] = [
  { id: 'presettle-bill.json (CJK names, upper limits, 甲/乙/丙)', bytes: readFileSync(billFile) },
  ...examples.cases.map((c) => ({ id: c.id, bytes: Buffer.from(JSON.stringify({ params: c.params, person: c.person, fee_items: c.fee_items }), 'utf8') })),
];
const node = createCore();
const ybTest = join(repoRoot, 'legacy-com-bridge/native/out/yb_test');
let ctx: BrowserContext;
let page: Page;
let srv: { url: string; close(): Promise<void> };
const timing: Record<string, number> = {};

beforeAll(async () => {
  let t = Date.now();
  execFileSync('bash', [join(repoRoot, 'legacy-com-bridge/native/build.sh'), 'linux'], { cwd: repoRoot, stdio: 'pipe', timeout: 300000 });
  timing.native_build = Date.now() - t;
  t = Date.now();
  buildHostBrowser();
  timing.browser_build = Date.now() - t;
  srv = await serveStatic(join(repoRoot, 'host-browser/dist'), {
    '/': '<!doctype html><meta charset="utf-8"><script type="module">import { createCore } from "./index.js"; window.core = createCore(); window.ready = true;</script>',
  });
  ctx = await launch();
  page = await ctx.newPage();
  await page.goto(srv.url + '/');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
}, 360000);

afterAll(async () => {
  await ctx?.close();
  await srv?.close();
  console.log('same-bill timings (ms):', JSON.stringify(timing));
});

describe('the same bill gives byte-identical pre-settlement output in Node, the browser Worker and the DLL', () => {
  it(`${cases.length} bills`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yb-same-'));
    let t = Date.now();
    const browser = await page.evaluate(async (inputs) => {
      const core = (window as unknown as { core: { raw(op: number, b: Uint8Array): Promise<Uint8Array> } }).core;
      const out: number[][] = [];
      for (const i of inputs) out.push(Array.from(await core.raw(1, new Uint8Array(i))));
      return out;
    }, cases.map((c) => Array.from(c.bytes)));
    timing.browser = Date.now() - t;
    t = Date.now();
    for (const [k, c] of cases.entries()) {
      const fromNode = Buffer.from(node.raw(1, c.bytes));
      const f = join(dir, `${k}.json`);
      writeFileSync(f, c.bytes);
      const so = spawnSync(ybTest, ['--presettle', f], { maxBuffer: 64 << 20 });
      expect(so.status, `${c.id}: .so exit`).toBe(0);
      expect(Buffer.from(browser[k]).toString('utf8'), `${c.id}: browser vs Node`).toBe(fromNode.toString('utf8'));
      expect(so.stdout.toString('utf8'), `${c.id}: .so vs Node`).toBe(fromNode.toString('utf8'));
      expect(Buffer.from(browser[k]).equals(fromNode) && so.stdout.equals(fromNode), c.id).toBe(true);
    }
    timing.native_and_node = Date.now() - t;
  }, 120000);
});
