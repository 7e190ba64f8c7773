// The bridge against a real library built with gcc (test/fixtures/bridgetest.c), through a real child
// process: out buffers, int*, GBK at the edges of the table, COM vtables, queueing, timeouts, crashes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import iconv from 'iconv-lite';
import { createBridge, buildEmulator, decodeGbkLenient, type Bridge } from '../src/index.js';
import { createCore, YibaoError } from '../../host-node/src/index.js';

const core = createCore();
let lib = '';

const FUNCS = {
  bt_echo: 'int __stdcall bt_echo(const char* in, char* out, int cap, int* len)',
  bt_fail: 'void __stdcall bt_fail(int* code, char* msg)',
  bt_badgbk: 'void __stdcall bt_badgbk(char* out)',
  bt_add: 'int __stdcall bt_add(int a, int b)',
  bt_counter: 'int __stdcall bt_counter(void)',
  bt_sleep: 'int __stdcall bt_sleep(int ms, int id)',
  bt_hang: 'void __stdcall bt_hang(void)',
  bt_segv: 'int __stdcall bt_segv(void)',
  bt_exit: 'void __stdcall bt_exit(int code)',
  bt_status: 'const char* __stdcall bt_status(void)',
  bt_create_calc: 'void* __stdcall bt_create_calc(void)',
  bt_create_none: 'void* __stdcall bt_create_none(void)',
};

const open: Bridge[] = [];
function bridge(o: { timeoutMs?: number } = {}): Bridge {
  const b = createBridge({ library: lib, functions: FUNCS, core, ...o });
  open.push(b);
  return b;
}

async function rejects(p: Promise<unknown>): Promise<YibaoError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(YibaoError);
    return e as YibaoError;
  }
  throw new Error('expected a rejection');
}

/** GBK names a HIS sends: 张三, 〇 (U+3007), the first and last GBK cells, €, a user-defined (PUA) cell, full-width punctuation. */
const NAMES = ['张三', '〇', '丂', '齄', '€', '\uE000', '\uE4C5', '，。；：？！（）【】《》“”‘’、…—～', '王〇〇', '丂齄€〇张三（测试）'];

beforeAll(() => {
  lib = buildEmulator('bridgetest');
});

afterAll(async () => {
  await Promise.all(open.map((b) => b.close()));
});

describe('bridge calls', () => {
  it('caller-allocated out buffers and int* outputs', async () => {
    const b = bridge();
    const r = await b.call('bt_echo', [{ gbk: 'abc' }, { outBuf: 64 }, { int: 64 }, { outInt: true }]);
    expect(r.ret).toBe(1);
    expect(r.out).toEqual(['abc|ok', 3]);
    const f = await b.call('bt_fail', [{ outInt: true, initial: 9 }, { outBuf: 32 }]);
    expect(f.ret).toBeNull();
    expect(f.out).toEqual([-5, '成功']);
    expect((await b.call('bt_add', [{ int: 40 }, { int: 2 }])).ret).toBe(42);
    expect((await b.call('bt_status', [])).retText).toBe('0000');
  });

  it('GBK round trip of names at the edges of the table (core both ways, iconv-lite as the oracle)', async () => {
    const b = bridge();
    for (const name of NAMES) {
      const bytes = core.gbk.encode(name);
      expect(Buffer.from(bytes).equals(iconv.encode(name, 'gbk')), name).toBe(true);
      const r = await b.call('bt_echo', [{ gbk: name }, { outBuf: 256 }, { int: 256 }, { outInt: true }]);
      expect(r.out[0], name).toBe(`${name}|ok`);
      expect(r.out[1], name).toBe(bytes.length);
      const raw = await b.call('bt_echo', [{ gbk: name }, { outBuf: 256, encoding: 'bytes' }, { int: 256 }, { outInt: true }]);
      expect(iconv.decode(Buffer.from(raw.out[0] as Uint8Array), 'gbk')).toBe(`${name}|ok`);
    }
    expect(core.gbk.encode('丂')).toEqual(new Uint8Array([0x81, 0x40]));
    expect(core.gbk.encode('齄')).toEqual(new Uint8Array([0xf7, 0xfe]));
    expect(core.gbk.encode('€')).toEqual(new Uint8Array([0x80]));
    expect(core.gbk.encode('〇')).toEqual(new Uint8Array([0xa9, 0x96]));
  });

  it('utf8 and raw bytes arguments; unmappable text is refused before the call', async () => {
    const b = bridge();
    const u = await b.call('bt_echo', [{ utf8: '张三' }, { outBuf: 64, encoding: 'utf8' }, { int: 64 }, { outInt: true }]);
    expect(u.out).toEqual(['张三|ok', 6]);
    const raw = await b.call('bt_echo', [{ bytes: new Uint8Array([0xd5, 0xc5, 0]) }, { outBuf: 64 }, { int: 64 }, { outInt: true }]);
    expect(raw.out[0]).toBe('张|ok');
    const e = await rejects(b.call('bt_echo', [{ gbk: '张三😀' }, { outBuf: 64 }, { int: 64 }, { outInt: true }]));
    expect(e.code).toBe('BAD_INPUT');
    expect(b.stats().calls).toBe(2); // never queued
  });

  it('an invalid GBK byte in a reply does not lose the reply', async () => {
    const b = bridge();
    const r = await b.call('bt_badgbk', [{ outBuf: 32 }]);
    expect(r.out[0]).toBe('A\uFFFDB张三');
    expect(decodeGbkLenient(core, new Uint8Array([0xd5, 0xc5, 0x81]))).toEqual({ text: '张\uFFFD', invalid: 1 });
  });

  it('COM-style objects: vtable slots with this, the object kept across calls', async () => {
    const b = bridge();
    const add = await b.comCall('bt_create_calc', 3, 'int __stdcall Add(void* self, int a, int b, int* sum)', [{ int: 2 }, { int: 5 }, { outInt: true }]);
    expect(add).toMatchObject({ ret: 0, out: [7] });
    const echo = await b.comCall('bt_create_calc', 4, 'int __stdcall Echo(void* self, const char* in, char* out)', [{ gbk: '齄〇' }, { outBuf: 32 }]);
    expect(echo).toMatchObject({ ret: 4, out: ['齄〇'] });
    expect((await b.comCall('bt_create_calc', 5, 'int __stdcall Calls(void* self)', [])).ret).toBe(2);
    expect((await b.comCall('bt_create_calc', 1, 'unsigned long __stdcall AddRef(void* self)', [])).ret).toBe(2);
    expect((await b.comCall('bt_create_calc', 2, 'unsigned long __stdcall Release(void* self)', [])).ret).toBe(1);
    const none = await rejects(b.comCall('bt_create_none', 3, 'int __stdcall Add(void* self, int a, int b, int* sum)', [{ int: 1 }, { int: 1 }, { outInt: true }]));
    expect(none.code).toBe('BRIDGE_LOAD');
  });

  it('undeclared functions and bad arguments are refused (nothing runs)', async () => {
    const b = bridge();
    expect((await rejects(b.call('nope', []))).code).toBe('BAD_INPUT');
    expect((await rejects(b.call('bt_add', [{ int: 1.5 }, { int: 1 }]))).code).toBe('BAD_INPUT');
    expect((await rejects(b.call('bt_add', [{ gbk: 'x' }, { int: 1 }]))).code).toBe('BAD_INPUT');
    expect((await b.call('bt_add', [{ int: 1 }, { int: 1 }])).ret).toBe(2);
  });
});

describe('one call at a time, timeouts and crashes', () => {
  it('queues concurrent calls and runs them one by one, in order', async () => {
    const b = bridge();
    await b.call('bt_counter', []); // start the child first
    const t0 = Date.now();
    const ps = [1, 2, 3, 4].map((id) => b.call('bt_sleep', [{ int: 60 }, { int: id }]));
    expect(b.stats().queued + (b.stats().busy ? 1 : 0)).toBe(4);
    const done: number[] = [];
    await Promise.all(ps.map((p) => p.then((r) => done.push(r.ret!))));
    expect(done).toEqual([1, 2, 3, 4]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4 * 60 - 5); // never two at once
    expect(b.stats()).toMatchObject({ queued: 0, busy: false, starts: 1 });
  });

  it('a hang gives BRIDGE_TIMEOUT, the child is killed, queued calls run on a restarted child', async () => {
    const b = bridge({ timeoutMs: 5000 });
    expect((await b.call('bt_counter', [])).ret).toBe(1);
    expect((await b.call('bt_counter', [])).ret).toBe(2);
    const pid1 = b.stats().pid;
    const hang = b.call('bt_hang', [], { timeoutMs: 300 });
    const next = b.call('bt_counter', []);
    const e = await rejects(hang);
    expect(e.code).toBe('BRIDGE_TIMEOUT');
    expect(e.messageZh).toMatch(/结果未知/);
    expect(e.detail).toMatch(/300 ms/);
    // the queued call ran on a fresh process: the DLL's state is gone
    expect((await next).ret).toBe(1);
    expect(b.stats()).toMatchObject({ starts: 2, timeouts: 1 });
    expect(b.stats().pid).not.toBe(pid1);
    const gone = async () => {
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(pid1!, 0);
        } catch {
          return true;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return false;
    };
    expect(await gone()).toBe(true); // the hung child is gone
  });

  it('a segfault gives BRIDGE_CRASHED and the next call restarts the child; the host survives', async () => {
    const b = bridge();
    await b.call('bt_counter', []);
    const e = await rejects(b.call('bt_segv', []));
    expect(e.code).toBe('BRIDGE_CRASHED');
    expect(e.detail).toMatch(/SIGSEGV|access violation/);
    expect(b.stats()).toMatchObject({ crashes: 1, pid: null });
    expect((await b.call('bt_add', [{ int: 2 }, { int: 3 }])).ret).toBe(5);
    expect((await b.call('bt_counter', [])).ret).toBe(1);
    expect(b.stats().starts).toBe(2);
    const x = await rejects(b.call('bt_exit', [{ int: 3 }]));
    expect(x.code).toBe('BRIDGE_CRASHED');
    expect(x.detail).toMatch(/exit code 3/);
    expect((await b.call('bt_counter', [])).ret).toBe(1);
  });

  it('restart() and close()', async () => {
    const b = bridge();
    await b.call('bt_counter', []);
    await b.restart();
    expect(b.stats().starts).toBe(2);
    expect((await b.call('bt_counter', [])).ret).toBe(1);
    const slow = b.call('bt_sleep', [{ int: 200 }, { int: 1 }]);
    const queued = b.call('bt_counter', []);
    await new Promise((r) => setTimeout(r, 50));
    await b.close();
    expect((await rejects(slow)).code).toBe('BRIDGE_CRASHED');
    expect((await rejects(queued)).code).toBe('BRIDGE_CLOSED');
    expect((await rejects(b.call('bt_counter', []))).code).toBe('BRIDGE_CLOSED');
    expect(b.stats()).toMatchObject({ closed: true, pid: null });
  });

  it('nodePath chooses the child\'s node (a 32-bit node.exe on Windows); a missing one is BRIDGE_LOAD', async () => {
    const b = createBridge({ library: lib, functions: FUNCS, core, nodePath: process.execPath, env: { YIBAO_TEST_MARK: '1' } });
    open.push(b);
    expect((await b.call('bt_add', [{ int: 20 }, { int: 22 }])).ret).toBe(42);
    expect(b.stats()).toMatchObject({ childArch: process.arch, childNode: process.version });
    const none = createBridge({ library: lib, functions: FUNCS, core, nodePath: '/nonexistent/node32.exe' });
    open.push(none);
    expect((await rejects(none.call('bt_add', [{ int: 1 }, { int: 1 }]))).code).toBe('BRIDGE_LOAD');
  });

  it('a library that cannot be loaded gives BRIDGE_LOAD (and nothing runs)', async () => {
    const b = createBridge({ library: '/nonexistent/libvendor.so', functions: { f: 'int f(void)' }, core });
    open.push(b);
    const e = await rejects(b.call('f', []));
    expect(e.code).toBe('BRIDGE_LOAD');
    expect(e.detail).toMatch(/libvendor/);
    const m = createBridge({ library: lib, functions: { missing: 'int missing_export(void)' }, core });
    open.push(m);
    expect((await rejects(m.call('missing', []))).code).toBe('BRIDGE_LOAD');
  });
});
