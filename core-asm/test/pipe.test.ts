// Chongqing SiInterface pipe strings (ops 50 pipe_parse / 51 pipe_print). Wire bytes are GBK;
// these tests need the real GBK implementation in gbk.ts (gbkDecodeInto / gbkEncodeInto).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { loadCore } from './raw';

const PIPE_PARSE = 50;
const PIPE_PRINT = 51;
const core = loadCore();
const gbk = (s: string) => new Uint8Array(iconv.encode(s, 'gbk'));
const ungbk = (b: Uint8Array) => iconv.decode(Buffer.from(b), 'gbk');
const utf8 = new TextDecoder('utf-8', { fatal: true });
const split = (s: string) => s.split('$').map((r) => r.split('|'));

function parse(b: Uint8Array): string[][] {
  return core.json(PIPE_PARSE, b);
}
function print(doc: unknown): Uint8Array {
  const r = core.call(PIPE_PRINT, typeof doc === 'string' ? doc : JSON.stringify(doc));
  if (r.rc < 0) throw new Error('print failed: ' + utf8.decode(r.bytes));
  expect(r.rc).toBe(r.bytes.length);
  return r.bytes;
}
function err(op: number, input: Uint8Array | string) {
  const r = core.call(op, input);
  expect(r.rc, 'expected a failure').toBeLessThan(0);
  const e = JSON.parse(utf8.decode(r.bytes));
  expect(r.rc).toBe(-e.status);
  return e;
}
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

// Field orders from wire-formats.md §5.3 (重庆 金保工程 V1.02), values made up.
const item1 = ['CF20240301001', '2024-03-01', '1', 'X0001', '阿莫西林胶囊', '0.5600', '24', '0', '李医生', '张护士', '粒',
  '0.25g*24粒', '胶囊剂', '', '13.44', '0101', '内科', 'D001', '0.5g', '口服', 'tid', '1', '0'];
const item2 = ['CF20240301001', '2024-03-01', '2', 'X0002', '复方甘草片', '0.1200', '100', '0', '李医生', '张护士', '片',
  '100片/瓶', '片剂', '', '12.00', '0101', '内科', 'D001', '3片', '口服', 'tid', '1', '0'];
const TX: [string, string, string[][]][] = [
  ['01 获取人员基本信息', '01|123456789|1||', [['01', '123456789', '1', '', '']]],
  ['01 reply (医疗)', '1|张三|1|45|500101197901011234|汉族|重庆市渝中区解放碑1号|11|0|重庆某某有限公司|500103|0||||||||1|13800000000',
    [['1', '张三', '1', '45', '500101197901011234', '汉族', '重庆市渝中区解放碑1号', '11', '0', '重庆某某有限公司', '500103', '0',
      '', '', '', '', '', '', '', '1', '13800000000']]],
  ['02 就诊登记', '02|ZY20240301001|21|123456789|0101|D001|2024-03-01|J18.900 肺炎|张三|||||||1||',
    [['02', 'ZY20240301001', '21', '123456789', '0101', 'D001', '2024-03-01', 'J18.900 肺炎', '张三', '', '', '', '', '', '', '1', '', '']]],
  ['04 添加处方明细 (two items)', '04|ZY20240301001|' + item1.join('|') + '$' + item2.join('|'),
    [['04', 'ZY20240301001', ...item1], item2]],
  ['05 结算', '05|ZY20240301001|1|3|张三|1|20240305|1234.56|2|1|HIS01||||0101|D001',
    [['05', 'ZY20240301001', '1', '3', '张三', '1', '20240305', '1234.56', '2', '1', 'HIS01', '', '', '', '0101', 'D001']]],
  ['failure reply', '-1|未找到该参保人员信息，请核对社保卡号', [['-1', '未找到该参保人员信息，请核对社保卡号']]],
];

describe('pipe_parse / pipe_print: Chongqing transactions (§5.3)', () => {
  for (const [what, wire, fields] of TX) {
    it(`${what} round-trips byte-exactly in GBK`, () => {
      const bytes = gbk(wire);
      expect(parse(bytes)).toEqual(fields);
      expect(same(print(fields), bytes)).toBe(true);
    });
  }

  it('field counts per §5.3: 01 5, 01 reply 21, 02 18, 04 23 per item (+ 交易类别 and 住院号 in the first record), 05 16', () => {
    expect(TX.map(([, wire]) => parse(gbk(wire)).map((r) => r.length))).toEqual([[5], [21], [18], [25, 23], [16], [2]]);
  });

  it('split semantics: empty fields, trailing separators, empty input', () => {
    const cases: [string, string[][]][] = [
      ['04|123|a|b$c|d', [['04', '123', 'a', 'b'], ['c', 'd']]],
      ['1||x', [['1', '', 'x']]],
      ['', [['']]],
      ['|', [['', '']]],
      ['$', [[''], ['']]],
      ['a|', [['a', '']]],
      ['a$', [['a'], ['']]],
      ['$|$', [[''], ['', ''], ['']]],
      ['31|', [['31', '']]],
    ];
    for (const [s, want] of cases) {
      expect(parse(gbk(s))).toEqual(want);
      expect(ungbk(print(want))).toBe(s);
    }
  });

  it('a GBK trail byte 0x7C (亅 817c, 億 837c) is not a separator', () => {
    const s = '01|億亅|x';
    expect(Array.from(gbk('億亅'))).toEqual([0x83, 0x7c, 0x81, 0x7c]);
    expect(parse(gbk(s))).toEqual([['01', '億亅', 'x']]);
    expect(ungbk(print([['01', '億亅', 'x']]))).toBe(s);
  });

  it('control characters and quotes survive (JSON-escaped in the result)', () => {
    const s = 'a"b\\c\r\n\td\u0001|';
    expect(parse(gbk(s))).toEqual([['a"b\\c\r\n\td\u0001', '']]);
    expect(ungbk(print(parse(gbk(s))))).toBe(s);
  });

  it('print: numbers are written as their JSON text; escapes are decoded', () => {
    expect(ungbk(print('[[5, 1234.56, -1, 0.10, 1e3]]'))).toBe('5|1234.56|-1|0.10|1e3');
    expect(ungbk(print('[["\\u5f20\\u4e09","\\"x\\""]]'))).toBe('张三|"x"');
  });
});

describe('pipe bad input', () => {
  it('reserved characters -> PIPE_RESERVED_CHAR with "record i field j" (0-based) and the byte position', () => {
    expect(err(PIPE_PRINT, '[["a|b"]]')).toMatchObject({ code: 'PIPE_RESERVED_CHAR', status: 702, pos: 4, detail: 'record 0 field 0' });
    expect(err(PIPE_PRINT, '[["04","x"],["张三","y$"]]')).toMatchObject({ code: 'PIPE_RESERVED_CHAR', pos: 24, detail: 'record 1 field 1' });
    expect(err(PIPE_PRINT, '[["ok","\\u0024"]]')).toMatchObject({ code: 'PIPE_RESERVED_CHAR', pos: 8, detail: 'record 0 field 1' });
    expect(err(PIPE_PRINT, '[["ok","\\n\\u007C"]]')).toMatchObject({ code: 'PIPE_RESERVED_CHAR', pos: 10, detail: 'record 0 field 1' });
  });

  const shapes: [string, string][] = [
    ['root object', '{}'],
    ['root string', '"01|x"'],
    ['no records', '[]'],
    ['record without fields', '[[]]'],
    ['record not an array', '[["a"],"b"]'],
    ['boolean field', '[[true]]'],
    ['null field', '[["a",null]]'],
    ['nested array field', '[[["a"]]]'],
    ['object field', '[[{}]]'],
  ];
  for (const [what, json] of shapes) {
    it(`print: ${what} -> PIPE_SHAPE`, () => {
      const e = err(PIPE_PRINT, json);
      expect(e).toMatchObject({ code: 'PIPE_SHAPE', status: 701 });
      expect(typeof e.pos).toBe('number');
    });
  }

  it('print: unmappable characters and bad JSON', () => {
    expect(err(PIPE_PRINT, '[["张三😀"]]')).toMatchObject({ code: 'GBK_UNMAPPABLE', pos: 9 });
    expect(err(PIPE_PRINT, '[["x"]')).toMatchObject({ code: 'JSON_SYNTAX' });
  });

  it('parse: invalid GBK -> GBK_INVALID with the byte offset', () => {
    expect(err(PIPE_PARSE, new Uint8Array([0x30, 0x31, 0x7c, 0xd5, 0xc5, 0x81, 0x7c]).subarray(0, 6))).toMatchObject({ code: 'GBK_INVALID', pos: 5 });
    expect(err(PIPE_PARSE, new Uint8Array([0x31, 0x7c, 0x81, 0x24, 0x31]))).toMatchObject({ code: 'GBK_INVALID', pos: 2 });
  });
});

// ---- properties ------------------------------------------------------------------------------
const cjk = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCodePoint(c));
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('|', '$') },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)) },
  { weight: 4, arbitrary: cjk },
  { weight: 1, arbitrary: fc.constantFrom('亅', '億', '乕', '乚', '｜', '＄', '，', '。', '（', '）', '·', '—', 'α', 'я', '①') },
);

/** Valid GBK byte strings built from bytes: ASCII, GBK/3 (81-A0 xx, fully assigned) and GB2312 pairs. */
const gbkPair = fc.oneof(
  fc.tuple(fc.integer({ min: 0x81, max: 0xa0 }), fc.integer({ min: 0x40, max: 0xfe }).filter((t) => t !== 0x7f)),
  fc.tuple(fc.integer({ min: 0xb0, max: 0xf7 }), fc.integer({ min: 0xa1, max: 0xfe })),
).filter(([l, t]) => {
  const s = iconv.decode(Buffer.from([l, t]), 'gbk');
  return s.length === 1 && s !== '\ufffd' && !(s >= '\ue000' && s <= '\uf8ff') && same(iconv.encode(s, 'gbk'), new Uint8Array([l, t]));
});
const gbkBytes = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0x7f }).map((b) => [b]), fc.constantFrom([0x7c], [0x24]), gbkPair), { maxLength: 60 })
  .map((parts) => new Uint8Array(parts.flat()));

describe('pipe large inputs', () => {
  it('a 1 MB string with 100k fields, and huge escaped fields, stay linear and never trap', () => {
    const t0 = Date.now();
    const s = Array.from({ length: 20_000 }, (_, i) => `04|阿莫西林${i}||0.56$`).join('') + 'end';
    const bytes = gbk(s);
    const recs = parse(bytes);
    expect(recs).toHaveLength(20_001);
    expect(same(print(recs), bytes)).toBe(true);
    const esc = '\\u5f20'.repeat(300_000);
    const r = core.call(PIPE_PRINT, `[["${esc}","${esc}"]]`);
    expect(r.rc).toBe(300_000 * 2 * 2 + 1);
    expect(err(PIPE_PRINT, `[["${esc}|"]]`)).toMatchObject({ code: 'PIPE_RESERVED_CHAR', pos: 3 + esc.length });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe('pipe properties', () => {
  it('parse(gbk(s)) == split(s) and print(parse(gbk(s))) == gbk(s) for random strings with Chinese', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 80 }), (s) => {
        const bytes = gbk(s);
        const recs = parse(bytes);
        expect(recs).toEqual(split(s));
        expect(same(print(recs), bytes)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('print(parse(b)) == b byte-for-byte for random valid GBK byte strings', () => {
    fc.assert(
      fc.property(gbkBytes, (b) => {
        const recs = parse(b);
        expect(recs).toEqual(split(iconv.decode(Buffer.from(b), 'gbk')));
        expect(same(print(recs), b)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('parse(print(x)) == x for random records', () => {
    const field = fc.string({ unit, maxLength: 10 }).map((s) => s.replace(/[|$]/g, ''));
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (recs) => {
        expect(parse(print(recs))).toEqual(recs);
      }),
      { numRuns: 500 },
    );
  });

  it('garbage never traps', () => {
    const c = loadCore();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        for (const op of [PIPE_PARSE, PIPE_PRINT]) {
          const r = c.call(op, b);
          if (r.rc < 0) expect(JSON.parse(utf8.decode(r.bytes)).status).toBe(-r.rc);
          else if (op === PIPE_PARSE) expect(Array.isArray(JSON.parse(utf8.decode(r.bytes)))).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.json(), (j) => {
        const r = c.call(PIPE_PRINT, j);
        if (r.rc < 0) expect(JSON.parse(utf8.decode(r.bytes)).status).toBe(-r.rc);
      }),
      { numRuns: 500 },
    );
    expect(c.json(0, '').abi).toBe(1);
  });
});
