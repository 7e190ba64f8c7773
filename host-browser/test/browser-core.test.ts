// host-browser: the core in a Web Worker in real headless Chromium, with host-node's API; results and
// error codes must be the Node host's.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createCore, YibaoError } from '../../host-node/src/index.js';
import { buildHostBrowser, launch, repoRoot, serveStatic } from './browser-harness.js';

const bill = readFileSync(join(repoRoot, 'legacy-com-bridge/native/test/fixtures/presettle-bill.json'), 'utf8');
const node = createCore();
let ctx: BrowserContext;
let page: Page;
let srv: { url: string; close(): Promise<void> };

beforeAll(async () => {
  buildHostBrowser();
  srv = await serveStatic(join(repoRoot, 'host-browser/dist'), {
    '/': '<!doctype html><meta charset="utf-8"><script type="module">import * as yb from "./index.js"; window.yb = yb; window.core = yb.createCore(); window.ready = true;</script>',
  });
  ctx = await launch();
  page = await ctx.newPage();
  await page.goto(srv.url + '/');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
}, 120000);

afterAll(async () => {
  await ctx?.close();
  await srv?.close();
});

/** runs fn(core, yb) in the page */
function inPage<T>(fn: string, arg?: unknown): Promise<T> {
  return page.evaluate(
    async ([src, a]) => {
      const w = window as unknown as { core: unknown; yb: unknown };
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      return (new Function('core', 'yb', 'arg', `return (async () => { ${src} })()`) as (c: unknown, y: unknown, a: unknown) => Promise<unknown>)(w.core, w.yb, a);
    },
    [fn, arg] as const,
  ) as Promise<T>;
}

describe('host-browser core in a Web Worker (Chromium)', () => {
  it('version, presettle, classify, validate give the same values as host-node', async () => {
    expect(await inPage('return core.version();')).toEqual(node.version());
    const input = JSON.parse(bill);
    expect(await inPage('return core.presettle(arg);', input)).toEqual(node.presettle(input));
    expect(await inPage('return core.classify({ fee_items: arg.fee_items });', input)).toEqual(node.classify({ fee_items: input.fee_items }));
    const v = { fields: [{ name: 'psn_no', type: 'C(5)', value: '123456', required: true }] };
    expect(await inPage('return core.validate(arg);', v)).toEqual(node.validate(v));
  });

  it('raw presettle bytes are identical to Node', async () => {
    const b = await inPage<number[]>('return Array.from(await core.raw(1, new TextEncoder().encode(arg)));', bill);
    expect(Buffer.from(b).equals(Buffer.from(node.raw(1, Buffer.from(bill))))).toBe(true);
  });

  it('errors keep their code, status, position and class across the Worker', async () => {
    const r = await inPage<Record<string, unknown>>(
      'try { await core.presettle(JSON.parse(arg)); return null; } catch (e) { return { isYibao: e instanceof yb.YibaoError, name: e.name, code: e.code, status: e.status, pos: e.pos, line: e.line, col: e.col, detail: e.detail, zh: e.messageZh, message: e.message }; }',
      '{"params":{},"person":{},"fee_items":[]}',
    );
    let expected: YibaoError | undefined;
    try {
      node.presettle({ params: {}, person: {}, fee_items: [] } as never);
    } catch (e) {
      expected = e as YibaoError;
    }
    expect(r).toEqual({ isYibao: true, name: 'YibaoError', code: expected!.code, status: expected!.status, pos: expected!.pos, line: expected!.line, col: expected!.col, detail: expected!.detail, zh: expected!.messageZh, message: expected!.message });
    const syntax = await inPage<Record<string, unknown>>('try { await core.codec.json.normalize("{\\"a\\":"); } catch (e) { return { code: e.code, status: e.status, pos: e.pos }; }');
    expect(syntax).toEqual({ code: 'JSON_SYNTAX', status: 101, pos: 5 });
  });

  it('a trap is TRAP and the Worker recovers with a fresh instance', async () => {
    const r = await inPage<Record<string, unknown>>('let code; try { await core.raw(99, new Uint8Array()); } catch (e) { code = e.code + " " + e.status; } const v = await core.version(); return { code, v: v.name };');
    expect(r).toEqual({ code: 'TRAP 1000', v: 'yibao-core' });
  });

  it('GBK, XML, hashes: same bytes as Node', async () => {
    const gbk = await inPage<number[]>('return Array.from(await core.gbk.encode("门诊诊查费 张三"));');
    expect(Buffer.from(gbk).equals(Buffer.from(node.gbk.encode('门诊诊查费 张三')))).toBe(true);
    const xml = readFileSync(join(repoRoot, '..', 'shared/conformance/samples/chengdu/11_output_outpatient_settle_MASKED.xml'));
    expect(await inPage('return core.codec.xml.parse(new Uint8Array(arg));', Array.from(xml))).toEqual(node.codec.xml.parse(xml));
    expect(await inPage('return core.hash.hex(await core.hash.hmacSha256("key", "数据"));')).toBe(node.hash.hex(node.hash.hmacSha256('key', '数据')));
  });

  it('SOAP envelopes, DataSet diffgrams, digests and the settlement-list check: same values as Node', async () => {
    const msg = {
      version: '1.1', ns: 'http://tempuri.org/', name: 'mzjsjk',
      value: {
        yydm: '450200001', xm: '张三〇丂齄 <&>', nil: null,
        zjl: { $dataset: { name: 'NewDataSet', tables: [{ name: 'Table', columns: [{ name: 'zfy', type: 'decimal' }, { name: 'bz', type: 'string' }], rows: [{ zfy: '441.20', bz: '门诊' }, { zfy: '0.10', bz: null }] }] } },
      },
    };
    const env = node.soap.encode(msg as never);
    const b = await inPage<number[]>('return Array.from(await core.soap.encode(arg));', msg);
    expect(Buffer.from(b).equals(Buffer.from(env))).toBe(true);
    expect(await inPage('return core.soap.decode(new Uint8Array(arg));', Array.from(env))).toEqual(node.soap.decode(env));
    const spec = { spec: { alg: 'md5', fields: ['a', '$secret', 'b'], joiner: '|', encoding: 'gbk', output: 'HEX' }, values: { a: '医院', b: '张三' }, secret: 's3' };
    expect(await inPage('return core.digest(arg);', spec)).toBe(node.digest(spec as never));
    const list = { list: { setlinfo: { psn_name: '张三' } } };
    expect(await inPage('return core.slist.check(arg);', list)).toEqual(node.slist.check(list as never));
    const bad = await inPage<string>('try { await core.soap.decode("<x/>"); return "no error"; } catch (e) { return e.code; }');
    expect(() => node.soap.decode('<x/>')).toThrow(expect.objectContaining({ code: bad }));
    expect(bad).toMatch(/^SOAP_/);
  });
});
