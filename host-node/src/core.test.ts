import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createCore, YibaoError, OP } from './index.js';

const examples = JSON.parse(readFileSync(new URL('../../../shared/conformance/presettle-examples.json', import.meta.url), 'utf8'));

describe('host-node API', () => {
  const core = createCore();

  it('presettle returns the typed result of the worked example', () => {
    const c = examples.cases[1];
    const r = core.presettle({ params: c.params, person: c.person, fee_items: c.fee_items });
    expect(r.setlinfo.psn_cash_pay).toBe(c.expected.setlinfo.psn_cash_pay);
    expect(r.setlinfo.hifp_pay).toBe(c.expected.setlinfo.hifp_pay);
  });

  it('bad input throws one error class with a stable code and both languages', () => {
    let err: unknown;
    try {
      core.presettle({ params: {}, person: {}, fee_items: [] } as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(YibaoError);
    const y = err as YibaoError;
    expect(y.code).toBe('MISSING_FIELD');
    expect(y.status).toBe(103);
    expect(y.messageZh).toBe('缺少必填字段');
    expect(y.messageEn).toBe('required field is missing');
    expect(y.message).toContain('缺少必填字段 / required field is missing');
    expect(y.toJSON()).toMatchObject({ code: 'MISSING_FIELD', status: 103 });
  });

  it('positional errors carry byte offset, line and column', () => {
    try {
      core.codec.json.normalize('{\n  "a": 1,\n  "b": x\n}');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(YibaoError);
      expect((e as YibaoError).code).toBe('JSON_SYNTAX');
      expect((e as YibaoError).line).toBe(3);
      expect((e as YibaoError).col).toBe(8);
    }
  });

  it('a trap becomes YibaoError TRAP and the instance is replaced', () => {
    expect(() => core.raw(OP.trap, new Uint8Array())).toThrowError(expect.objectContaining({ code: 'TRAP' }));
    expect(core.version().abi).toBe(1);
    const c = examples.cases[0];
    expect(core.presettle({ params: c.params, person: c.person, fee_items: c.fee_items }).setlinfo.hifp_pay).toBe(5000);
  });

  it('instances are independent and instantiate quickly after the first compile', () => {
    const a = createCore();
    const b = createCore();
    expect(() => a.raw(OP.trap, new Uint8Array())).toThrow();
    expect(b.version().name).toBe('yibao-core');
  });

  it('JSON codec keeps money text exact (no float round trip)', () => {
    expect(core.codec.json.normalize('{ "amt" : 0.10, "big": 12345678901234567890.12 }')).toBe('{"amt":0.10,"big":12345678901234567890.12}');
    expect(core.codec.json.print('{"a":[1,{"b":"中文"}]}')).toBe('{\n  "a": [\n    1,\n    {\n      "b": "中文"\n    }\n  ]\n}\n');
  });

  it('gbk encode/decode and the codecs are wired through', () => {
    const bytes = core.gbk.encode('医保结算');
    expect(Array.from(bytes)).toEqual([0xd2, 0xbd, 0xb1, 0xa3, 0xbd, 0xe1, 0xcb, 0xe3]);
    expect(core.gbk.decode(bytes)).toBe('医保结算');
    const doc = { output: { aac003: '张三', grzhye: { row: [{ ykc194: '0.00' }] } } };
    expect(core.codec.xml.parse(core.codec.xml.print(doc))).toEqual(doc);
    expect(core.codec.pipe.parse(core.codec.pipe.print([['01', '张三'], ['x']]))).toEqual([['01', '张三'], ['x']]);
    const ini = { mzsf: { Request: 'TRUE', Xming0: '张三' }, mzsfmx: ['011020000500', 'Y'] };
    expect(core.codec.ini.parse(core.codec.ini.print(ini))).toEqual(ini);
    expect(core.validate({ fields: [{ name: 'd', type: 'D', value: '2024-02-30' }] }).ok).toBe(false);
  });
});

describe('exact JSON for amounts from a center', () => {
  it('parseExact keeps every number as its verbatim text', () => {
    const core = createCore();
    expect(core.codec.json.parseExact('{"balc":1373.63,"n":[0,-0.10,1e2],"s":"x"}')).toEqual({ balc: '1373.63', n: ['0', '-0.10', '1e2'], s: 'x' });
  });
});
