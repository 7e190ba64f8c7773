import { describe, it, expect } from 'vitest';
import { loadCore } from './raw';

describe('raw ABI', () => {
  it('has zero imports and the documented exports', async () => {
    const { readFileSync } = await import('node:fs');
    const mod = new WebAssembly.Module(readFileSync(new URL('../build/core.wasm', import.meta.url)));
    expect(WebAssembly.Module.imports(mod)).toEqual([]);
    const names = WebAssembly.Module.exports(mod).map((e) => e.name).sort();
    for (const n of ['memory', 'yb_alloc', 'yb_call', 'yb_free', 'yb_result_len', 'yb_result_ptr']) expect(names).toContain(n);
  });

  it('op 0 returns the version', () => {
    const core = loadCore();
    expect(core.json(0, '')).toMatchObject({ name: 'yibao-core', abi: 1 });
  });

  it('unknown op is a clean error, not a trap', () => {
    const core = loadCore();
    const r = core.call(12345, '{}');
    expect(r.rc).toBe(-901);
    const err = JSON.parse(new TextDecoder().decode(r.bytes));
    expect(err).toMatchObject({ status: 901, code: 'UNKNOWN_OP' });
    expect(err.message_zh).toBeTruthy();
    expect(err.message_en).toBeTruthy();
  });

  it('a trap (op 99) is a trap, and a fresh instance works afterwards', () => {
    const core = loadCore();
    expect(() => core.call(99, '')).toThrow();
    expect(loadCore().json(0, '').abi).toBe(1);
  });
});
