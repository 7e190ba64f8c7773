// XML codec (ops 30 xml_parse, 31 xml_print GBK, 32 xml_print_utf8) on the Chengdu Yinhai samples,
// against iconv-lite + fast-xml-parser, and as properties.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { XMLParser } from 'fast-xml-parser';
import { readFileSync, readdirSync } from 'node:fs';
import { loadCore } from './raw';
// @ts-expect-error plain .mjs script without types
import { oracle } from '../scripts/gen-gbk-table.mjs';

const core = loadCore();
const OP_PARSE = 30;
const OP_PRINT = 31;
const OP_PRINT_UTF8 = 32;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const SAMPLES = '/work/shared/conformance/samples/chengdu/';
const sampleFiles = readdirSync(SAMPLES).filter((f) => f.endsWith('.xml')).sort();
const sample = (name: string) => readFileSync(SAMPLES + sampleFiles.find((f) => f.startsWith(name))!);

const KNOWN = new Set([101, 102, 109, 401, 402, 403, 501, 502, 503, 504, 505]);

function run(op: number, input: Uint8Array | string) {
  const r = core.call(op, input);
  if (r.rc < 0) return { rc: r.rc, err: JSON.parse(utf8.decode(r.bytes)) };
  return { rc: r.rc, bytes: r.bytes };
}
function parse(input: Uint8Array | string): any {
  const r = run(OP_PARSE, input);
  if (r.rc < 0) throw new Error('parse failed: ' + JSON.stringify(r.err));
  return JSON.parse(utf8.decode(r.bytes!));
}
function parseText(input: Uint8Array | string): string {
  const r = run(OP_PARSE, input);
  if (r.rc < 0) throw new Error('parse failed: ' + JSON.stringify(r.err));
  return utf8.decode(r.bytes!);
}
function print(json: unknown, op = OP_PRINT): Uint8Array {
  const r = run(op, typeof json === 'string' ? json : JSON.stringify(json));
  if (r.rc < 0) throw new Error('print failed: ' + JSON.stringify(r.err));
  return r.bytes!;
}
const gbk = (s: string) => iconv.encode(s, 'cp936');
const DECL_GBK = '<?xml version="1.0" encoding="GBK" standalone="yes"?>';
const DECL_UTF8 = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

describe('Chengdu samples', () => {
  it('every sample parses, and print(parse(x)) re-parses to the same JSON (GBK and UTF-8)', () => {
    expect(sampleFiles.length).toBe(10);
    for (const f of sampleFiles) {
      const text = parseText(readFileSync(SAMPLES + f));
      const gbkXml = print(text, OP_PRINT);
      expect(parseText(gbkXml), f).toBe(text);
      const utfXml = print(text, OP_PRINT_UTF8);
      expect(parseText(utfXml), f).toBe(text);
      // the GBK print is what iconv-lite would produce from the UTF-8 print
      expect(Buffer.from(gbkXml).equals(gbk(utf8.decode(utfXml).replace('encoding="UTF-8"', 'encoding="GBK"')))).toBe(true);
    }
  });

  it('03 identify output: values and the <row> list', () => {
    const j = parse(sample('03_'));
    expect(Object.keys(j)).toEqual(['output']);
    expect(j.output.aac003).toBe('某某');
    expect(j.output.aac002).toBe('510103000000000002');
    expect(j.output.ykc117).toBe('');
    expect(j.output.grzhye.row).toEqual([{ ykc303: '城乡居民基本医疗帐户', ykc194: '0.00' }]);
    expect(j.output.grzhye.row[0].ykc194).toBe('0.00');
    expect(j.output.aab004).toBe('金牛-荷花池辖区街道办事处-荷花社区');
  });

  it('05 sign-in output: a single <row> directly under <output> is an array', () => {
    const j = parse(sample('05_'));
    expect(j).toEqual({
      output: { row: [{ yab003: '0022', yke190: '1', yke189: '0022S293400084', yke191: '2020-05-27 17:38:21', aae013: '' }] },
    });
  });

  it('111 detail upload: the CDATA audit text is kept exactly (whitespace included)', () => {
    const row = parse(sample('111_')).output.fymxdataset.row[0];
    expect(row.yke494).toBe('\n                 违反【诊断库与科室关联】\n            ');
    expect(row.yke494.trim()).toBe('违反【诊断库与科室关联】');
    expect(row.yka095).toBe('阿莫西林胶囊');
    expect(row.yka055).toBe('3.0000');
  });

  it('11 outpatient settle and 110 register: amounts as decimal text', () => {
    const s11 = parse(sample('11_'));
    expect(s11.output.yka103).toBe('00002005286415621');
    expect(s11.output.yka055).toBe('2.50');
    expect(Array.isArray(s11.output.dataset.row)).toBe(true);
    const s110 = parse(sample('110_'));
    expect(s110.output.aae011).toBe('某某');
    expect(s110.output.yka055).toBe('3.00');
  });

  it('21 control/input: single-quoted declarations and plain elements', () => {
    expect(parse(sample('21_control'))).toEqual({ control: { edition: '5.0' } });
    const inp = parse(sample('21_input')).data;
    expect(inp.ykc011).toBe('内科');
    expect(inp.ykc147).toBe('偏头疼');
  });

  it('21 output and 52 are GBK that happens to be valid UTF-8 (C4B3C4B3 = 某某 = "ĳĳ"): read as GBK', () => {
    for (const name of ['21_output', '52_control', '52_input']) {
      const bytes = sample(name);
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).not.toThrow(); // valid UTF-8 too
      const j = parse(bytes);
      const v = name === '21_output' ? j.output.aac003 : name === '52_control' ? j.control.aae011 : j.data.aae011;
      expect(v, name).toBe('某某');
    }
    expect(parse(sample('52_control')).control.print).toBe('0');
    expect(parse(sample('52_input')).data).toEqual({ yka055: '3.60', nums: '1', yka110: '', aae011: '某某' });
  });

  it('matches iconv-lite + fast-xml-parser on every sample (text values, trimmed)', () => {
    const fxp = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      textNodeName: '#text',
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      isArray: (name: string) => name === 'row',
    });
    const trimAll = (v: any): any =>
      typeof v === 'string' ? v.trim() : Array.isArray(v) ? v.map(trimAll) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, trimAll(x)]));
    for (const f of sampleFiles) {
      const bytes = readFileSync(SAMPLES + f);
      // fast-xml-parser trims around a CDATA section but not inside it: compare trimmed on both sides
      const expected = trimAll(fxp.parse(iconv.decode(bytes, 'cp936')));
      expect(trimAll(parse(bytes)), f).toEqual(expected);
    }
  });
});

describe('encoding detection', () => {
  const doc = (decl: string, body: string) => decl + '<data><xm>' + body + '</xm></data>';

  it('GBK declaration variants', () => {
    for (const enc of ['GBK', 'gbk', 'GB2312', 'gb18030', 'CP936', 'windows-936']) {
      const x = gbk(doc(`<?xml version="1.0" encoding="${enc}"?>`, '城镇职工'));
      expect(parse(x).data.xm, enc).toBe('城镇职工');
    }
    expect(parse(gbk(doc("<?xml version='1.0' encoding='GBK' standalone='yes' ?>", '某某'))).data.xm).toBe('某某');
    // leading whitespace before the declaration is tolerated
    expect(parse(gbk(doc('\r\n  <?xml version="1.0" encoding="GBK"?>', '某某'))).data.xm).toBe('某某');
  });

  it('a UTF-8 document that declares GBK is read as UTF-8 when it is not valid GBK', () => {
    const x = Buffer.from(doc(DECL_GBK, '偏头疼')); // E5818F E5A4B4 E796BC: the last pair is no GBK character
    expect(parse(x).data.xm).toBe('偏头疼');
    // the whole 21 input sample re-encoded as UTF-8 under its GBK declaration
    const text = iconv.decode(sample('21_input'), 'cp936');
    expect(parse(Buffer.from(text))).toEqual(parse(sample('21_input')));
  });

  it('... and when it is "clearly UTF-8" (CJK 3-byte sequences) even though the bytes are also valid GBK', () => {
    for (const name of ['张三', '某某', '阿莫西林胶囊', '李四', '王五']) {
      const b = Buffer.from(doc(DECL_GBK, name));
      expect(iconv.decode(b, 'cp936')).not.toContain('\ufffd'); // precondition: valid GBK as well
      expect(parse(b).data.xm, name).toBe(name);
    }
    // symbols that Chinese text uses do not spoil the UTF-8 reading
    for (const spec of ['2×3粒·盒', '片剂·口服']) {
      expect(iconv.decode(Buffer.from(doc(DECL_GBK, spec)), 'cp936')).not.toContain('\ufffd'); // valid GBK too
      expect(parse(Buffer.from(doc(DECL_GBK, spec)))).toEqual({ data: { xm: spec } });
    }
    expect(parse(Buffer.from(doc(DECL_GBK, '0.25g×24粒/盒·μg±5°℃①')))).toEqual({ data: { xm: '0.25g×24粒/盒·μg±5°℃①' } });
  });

  it('GBK that reads as UTF-8 with a single ideograph or a rare script stays GBK', () => {
    // 戛丂 = EA A9 81 40 in GBK = U+AA41 (Cham) + '@' in UTF-8; 涓丂 = E4 B8 81 40 = 丁 + '@'
    for (const s of ['戛丂', '涓丂']) {
      const x = gbk(doc(DECL_GBK, s));
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(x)).not.toThrow();
      expect(parse(x).data.xm, s).toBe(s);
    }
  });

  it('GBK text that is valid UTF-8 only through Latin letters stays GBK', () => {
    // C4B3 = 某 (GBK) = ĳ (UTF-8)
    const x = gbk(doc(DECL_GBK, '某某'));
    expect(new TextDecoder('utf-8', { fatal: true }).decode(x)).toContain('ĳĳ');
    expect(parse(x).data.xm).toBe('某某');
  });

  it('no declaration: UTF-8 if valid UTF-8, else GBK', () => {
    expect(parse(Buffer.from('<a>城镇</a>')).a).toBe('城镇');
    expect(parse(gbk('<a>城镇职工</a>')).a).toBe('城镇职工');
    expect(parse(Buffer.from('<a>plain</a>')).a).toBe('plain');
  });

  it('declared UTF-8 with GBK bytes: UTF8_INVALID at the first bad byte', () => {
    const x = Buffer.concat([Buffer.from(DECL_UTF8 + '<a>'), gbk('城镇'), Buffer.from('</a>')]);
    const r = run(OP_PARSE, x);
    expect(r.rc).toBe(-402);
    expect(r.err).toMatchObject({ code: 'UTF8_INVALID', pos: DECL_UTF8.length + 3 });
  });

  it('a UTF-8 BOM means UTF-8, whatever the declaration says', () => {
    const x = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc(DECL_GBK, 'ĳ某'))]);
    expect(parse(x).data.xm).toBe('ĳ某');
  });

  it('unsupported encodings are rejected', () => {
    const r = run(OP_PARSE, '<?xml version="1.0" encoding="Big5"?><a/>');
    expect(r.err).toMatchObject({ code: 'XML_SYNTAX', pos: 30 });
    expect(r.err.detail).toMatch(/Big5/);
  });

  it('GBK-aware CDATA end: a trail byte 0x5D (乚 = 81 5D) followed by "]>" is not "]]>"', () => {
    const x = gbk(DECL_GBK + '<a><![CDATA[乚]>x]]></a>');
    expect(x.includes(Buffer.from([0x81, 0x5d, 0x5d, 0x3e]))).toBe(true);
    expect(parse(x).a).toBe('乚]>x');
  });

  it('GBK characters with ASCII-looking trail bytes (@ [ \\ ] { ) in names, text and attributes', () => {
    const s = '丂乗乚亄'; // trails 0x40 0x5C 0x5D 0x7B
    const x = gbk(`${DECL_GBK}<数据 属性="${s}"><名${s}>${s}"\\</名${s}></数据>`);
    const j = parse(x);
    expect(j).toEqual({ 数据: { '@属性': s, ['名' + s]: s + '"\\' } });
    expect(parse(print(j))).toEqual(j);
    // 0x80 (euro) is a single byte inside a GBK name
    const e = { 'a€b': { '€': '€' } };
    expect(Buffer.from(print(e)).includes(Buffer.from([0x61, 0x80, 0x62]))).toBe(true);
    expect(parse(print(e))).toEqual(e);
  });
});

describe('mapping rules', () => {
  it('attributes, text with attributes, repeated children, row arrays, document order', () => {
    const x = '<r a="1" b=\'two\'><x>1</x><y k="v">t</y><x>2</x><z/><row>r1</row><w k="v"/></r>';
    expect(parseText(x)).toBe(
      '{"r":{"@a":"1","@b":"two","x":["1","2"],"y":{"@k":"v","#text":"t"},"z":"","row":["r1"],"w":{"@k":"v"}}}',
    );
  });

  it('entities, character references, CDATA, comments and PIs', () => {
    const x = '<a>&lt;&gt;&amp;&quot;&apos; &#20013;&#x6587;&#x1F600; <![CDATA[<b>&amp;</b>]]><!-- c --><?pi x?>.</a>';
    expect(parse(x).a).toBe('<>&"\' 中文😀 <b>&amp;</b>.');
    expect(parse('<a x="&lt;&#65;&quot;">t</a>').a).toEqual({ '@x': '<A"', '#text': 't' });
  });

  it('whitespace: leaf text kept exactly; indentation between children ignored; mixed text kept', () => {
    expect(parse('<a>  x \n</a>').a).toBe('  x \n');
    expect(parse('<a>\n  <b> </b>\n</a>').a).toEqual({ b: ' ' });
    expect(parse('<a>\n  <b/>\n  <!-- c -->\n</a>').a).toEqual({ b: '' });
    expect(parse('<a>x<b/>y</a>').a).toEqual({ '#text': 'xy', b: '' });
    expect(parse('<a k="1">  </a>').a).toEqual({ '@k': '1', '#text': '  ' });
    expect(parse('<a>&#32;<b/></a>').a).toEqual({ b: '' }); // whitespace only, even via a reference
  });

  it('JSON escapes of control characters, quotes and backslashes in GBK text', () => {
    const x = Buffer.concat([gbk(DECL_GBK + '<a>某"\\'), Buffer.from([1, 9, 10, 13, 0x1f]), gbk('x</a>')]);
    expect(parse(x).a).toBe('某"\\\u0001\t\n\r\u001fx');
  });

  it('declaration, comments and PIs outside the root are skipped', () => {
    expect(parse('<?xml version="1.0"?>\n<!-- hi --><?pi?>\n<a>1</a>\n<!-- bye -->\n')).toEqual({ a: '1' });
  });

  it('same-name groups: many distinct names under one parent (hash table path)', () => {
    let x = '<a>';
    for (let i = 0; i < 200; i++) x += `<n${i}>${i}</n${i}>`;
    for (let i = 0; i < 200; i += 7) x += `<n${i}>again</n${i}>`;
    x += '</a>';
    const j = parse(x).a;
    expect(Object.keys(j).length).toBe(200);
    expect(j.n0).toEqual(['0', 'again']);
    expect(j.n1).toBe('1');
    expect(j.n196).toEqual(['196', 'again']);
    expect(Object.keys(j)[199]).toBe('n199');
  });
});

describe('print', () => {
  const txt = (b: Uint8Array) => iconv.decode(Buffer.from(b), 'cp936');

  it('Yinhai style: declaration, no indentation, <x></x> for empty elements', () => {
    expect(txt(print({ data: { row: [{ '@yka105': '5595364812663565850' }] } }))).toBe(
      DECL_GBK + '<data><row yka105="5595364812663565850"></row></data>',
    );
    expect(txt(print({ control: { edition: '5.0', aae011: '某某', empty: '', none: null } }))).toBe(
      DECL_GBK + '<control><edition>5.0</edition><aae011>某某</aae011><empty></empty><none></none></control>',
    );
    expect(utf8.decode(print({ a: 'x' }, OP_PRINT_UTF8))).toBe(DECL_UTF8 + '<a>x</a>');
  });

  it('numbers, booleans and null; arrays as repeated elements', () => {
    expect(txt(print('{"a":{"n":1.50,"m":-3e2,"t":true,"f":false,"z":null,"l":[1,"b",null],"e":[]}}'))).toBe(
      DECL_GBK + '<a><n>1.50</n><m>-3e2</m><t>true</t><f>false</f><z></z><l>1</l><l>b</l><l></l></a>',
    );
  });

  it('escaping in text and attributes', () => {
    const out = txt(print({ a: { '@q': 'x"<>&\'\t\n\r', '#text': '<&>"\'\t\n\r\u0001' } }));
    expect(out).toBe(DECL_GBK + '<a q="x&quot;&lt;&gt;&amp;\'&#9;&#10;&#13;">&lt;&amp;&gt;"\'\t\n&#13;&#1;</a>');
    expect(parse(out).a).toEqual({ '@q': 'x"<>&\'\t\n\r', '#text': '<&>"\'\t\n\r\u0001' });
  });

  it('JSON escapes in keys and strings (incl. surrogate pairs for UTF-8 output)', () => {
    expect(txt(print('{"\\u0061":"\\u4e2d\\n\\"\\\\"}'))).toBe(DECL_GBK + '<a>中\n"\\</a>');
    expect(utf8.decode(print('{"a":"\\ud83d\\ude00"}', OP_PRINT_UTF8))).toBe(DECL_UTF8 + '<a>😀</a>');
  });

  it('attributes come first whatever their position in the object; #text where it appears', () => {
    expect(txt(print({ a: { b: '1', '@x': '2', '#text': 't', c: '3' } }))).toBe(DECL_GBK + '<a x="2"><b>1</b>t<c>3</c></a>');
  });

  const shape: [string, string, number, number][] = [
    ['top-level array', '[1]', 505, 0],
    ['two top-level keys', '{"a":1,"b":2}', 505, 0],
    ['no top-level key', '{}', 505, 0],
    ['root is an array', '{"a":[1,2]}', 505, 5],
    ['nested array', '{"a":{"b":[[1]]}}', 505, 11],
    ['name starts with a digit', '{"1a":"x"}', 505, 1],
    ['name with a space', '{"a":{"b c":"x"}}', 505, 6],
    ['empty attribute name', '{"a":{"@":"x"}}', 505, 6],
    ['unknown # key', '{"a":{"#foo":"x"}}', 505, 6],
    ['object as attribute value', '{"a":{"@x":{}}}', 505, 11],
    ['object as #text', '{"a":{"#text":[]}}', 505, 14],
    ['root key is an attribute', '{"@a":"x"}', 505, 1],
    ['NUL character', '{"a":"x\\u0000"}', 505, 7],
    ['JSON syntax error', '{"a":', 101, 5],
    ['unmappable character', '{"a":"ok😀"}', 403, 8],
    ['unmappable in a name', '{"😀":"x"}', 403, 1],
  ];
  for (const [name, input, code, pos] of shape) {
    it(`error: ${name}`, () => {
      const r = run(OP_PRINT, input);
      expect(r.rc).toBe(-code);
      expect(r.err.pos).toBe(pos);
    });
  }

  it('unmappable detail and the UTF-8 variant', () => {
    expect(run(OP_PRINT, '{"a":"😀"}').err).toMatchObject({ code: 'GBK_UNMAPPABLE', detail: 'U+1F600' });
    expect(utf8.decode(print({ a: '😀é' }, OP_PRINT_UTF8))).toBe(DECL_UTF8 + '<a>😀é</a>');
    expect(run(OP_PRINT_UTF8, '{"a":"\\ud800"}').err).toMatchObject({ code: 'UTF8_INVALID', pos: 6 });
  });
});

describe('parse errors', () => {
  const G = (s: string) => gbk(s);
  const cases: [string, Uint8Array | string, number, number, RegExp?][] = [
    ['empty input', '', 109, 0],
    ['whitespace only', ' \n ', 109, 0],
    ['unclosed root', '<a><b></b>', 502, 0, /<a> is not closed/],
    ['unclosed child', '<a><b>x', 502, 3, /<b>/],
    ['unclosed start tag', '<a><b x="1"', 502, 3],
    ['unclosed attribute value', '<a x="1>', 502, 0],
    ['< in an unclosed attribute value', '<a x="1></a>', 501, 8],
    ['unclosed comment', '<a><!-- x', 502, 3, /comment/],
    ['unclosed CDATA', '<a><![CDATA[x]]</a>', 502, 3, /CDATA/],
    ['unclosed PI', '<a><?pi x</a>', 502, 3],
    ['unclosed declaration', '<?xml version="1.0"', 502, 0],
    ['mismatched tag', '<a><b></c></a>', 503, 6, /expected <\/b> but found <\/c>/],
    ['mismatched prefix', '<a><bc></b></bc></a>', 503, 7, /expected <\/bc> but found <\/b>/],
    ['mismatched GBK names', G('<数据><名称></名></名称></数据>'), 503, 12, /expected <\/名称> but found <\/名>/],
    ['unknown entity', '<a>x&foo;</a>', 504, 4, /&foo;/],
    ['bare ampersand', '<a>AT&T</a>', 504, 5],
    ['entity without semicolon', '<a>&lt</a>', 504, 3],
    ['reference to a surrogate', '<a>&#xD800;</a>', 504, 3],
    ['reference to NUL', '<a>&#0;</a>', 504, 3],
    ['reference beyond U+10FFFF', '<a>&#x110000;</a>', 504, 3],
    ['bad entity in attribute', '<a x="&bad;"/>', 504, 6],
    ['invalid GBK byte', Buffer.concat([G(DECL_GBK + '<a>某'), Buffer.from([0xff]), G('</a>')]), 401, DECL_GBK.length + 5],
    ['truncated GBK pair before <', Buffer.concat([G(DECL_GBK + '<a>'), Buffer.from([0xc4]), G('</a>')]), 401, DECL_GBK.length + 3],
    ['unmapped GBK pair in an attribute', Buffer.concat([G(DECL_GBK + '<a x="'), Buffer.from([0xa2, 0xe3]), G('"/>')]), 401, DECL_GBK.length + 6],
    ['invalid GBK in a name', Buffer.concat([G(DECL_GBK + '<a'), Buffer.from([0xc4, 0x3e]), G('</a>')]), 401, DECL_GBK.length + 2],
    ['DOCTYPE', '<!DOCTYPE a><a/>', 501, 0, /DOCTYPE/],
    ['text before the root', 'x<a/>', 501, 0],
    ['text after the root', '<a/>x', 501, 4],
    ['two roots', '<a/><b/>', 501, 4],
    ['end tag first', '</a>', 501, 0],
    ['bad element name', '<1a/>', 501, 1],
    ['attribute without value', '<a x/>', 501, 4],
    ['unquoted attribute', '<a x=1/>', 501, 5],
    ['duplicate attribute', '<a x="1" y="2" x="3"/>', 501, 15, /duplicate attribute x/],
    ['< in attribute value', '<a x="<"/>', 501, 6],
    ['missing whitespace between attributes', '<a x="1"y="2"/>', 501, 8],
    ['NUL byte in text', '<a>\u0000</a>', 501, 3],
    ['no root element', '<?xml version="1.0"?><!-- -->', 501, 29],
  ];
  for (const [name, input, code, pos, detail] of cases) {
    it(name, () => {
      const r = run(OP_PARSE, input);
      expect(r.rc, JSON.stringify(r.err)).toBe(-code);
      expect(r.err.pos).toBe(pos);
      if (detail) expect(r.err.detail).toMatch(detail);
    });
  }

  it('nesting is limited to 128 elements (XML_SHAPE), and a 128-deep result still prints', () => {
    const deep = (n: number, name = 'e') => `<${name}>`.repeat(n) + 'x' + `</${name}>`.repeat(n);
    const ok = parse(deep(128, 'row'));
    expect(utf8.decode(print(ok, OP_PRINT_UTF8))).toBe(DECL_UTF8 + deep(128, 'row'));
    const r = run(OP_PARSE, deep(129));
    expect(r.err).toMatchObject({ code: 'XML_SHAPE', pos: 128 * 3 });
    const r2 = run(OP_PARSE, '<a>'.repeat(100000));
    expect(r2.err).toMatchObject({ code: 'XML_SHAPE' });
  });

  it('duplicate attributes among many (hash path)', () => {
    let x = '<a';
    for (let i = 0; i < 100; i++) x += ` a${i}="${i}"`;
    expect(Object.keys(parse(x + '/>').a).length).toBe(100);
    const r = run(OP_PARSE, x + ' a57="again"/>');
    expect(r.err).toMatchObject({ code: 'XML_SYNTAX', pos: x.length + 1 });
  });
});

// ---- properties --------------------------------------------------------------------------------

const cjk: string[] = [];
for (let lead = 0x81; lead <= 0xfe; lead += 3) {
  for (let trail = 0x40; trail <= 0xfe; trail += 5) {
    const cp = oracle(lead, trail);
    if (cp) cjk.push(String.fromCharCode(cp));
  }
}
const charArb = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...'abcXYZ019 .-_:;/=+,()'.split('')) },
  { weight: 3, arbitrary: fc.constantFrom(...'&<>"\''.split(''), ']]>', '&amp;', '<![CDATA[', '-->') },
  { weight: 1, arbitrary: fc.constantFrom('\n', '\t', '\r', ' ', '\u0001', '\u001f') },
  { weight: 4, arbitrary: fc.constantFrom(...cjk) },
  { weight: 2, arbitrary: fc.constantFrom('某', '城乡居民', '【', '】', '€', '·', '×', '\u3000', '乗', '乚') },
);
const textArb = fc.array(charArb, { maxLength: 12 }).map((a) => a.join(''));
const nameArb = fc.oneof(
  fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.-]{0,5}$/),
  fc.constantFrom('row', 'aac003', 'yka055', '数据', '名称', 'x:y'),
);
const isXmlWs = (s: string) => /^[ \t\r\n]*$/.test(s);

function buildObject(attrs: [string, string][], text: string, kids: [string, unknown[]][]): unknown {
  if (attrs.length === 0 && kids.length === 0) return text;
  const o: Record<string, unknown> = {};
  for (const [n, v] of attrs) o['@' + n] = v;
  if (kids.length === 0 ? text !== '' : !isXmlWs(text)) o['#text'] = text;
  for (const [n, items] of kids) o[n] = n === 'row' || items.length > 1 ? items : items[0];
  return o;
}

const treeArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, textArb, tie('obj')),
  obj: fc
    .record({
      attrs: fc.uniqueArray(fc.tuple(nameArb, textArb), { selector: (t) => t[0], maxLength: 3 }),
      text: textArb,
      kids: fc.uniqueArray(fc.tuple(nameArb, fc.array(tie('value'), { minLength: 1, maxLength: 3 })), {
        selector: (k) => k[0],
        maxLength: 4,
      }),
    })
    .map(({ attrs, text, kids }) => buildObject(attrs, text, kids as [string, unknown[]][])),
})).value;
const docArb = fc.tuple(nameArb, treeArb).map(([root, v]) => ({ [root]: v }));

describe('properties', () => {
  it('parse(print(t)) == t for trees in the mapping (GBK output)', () => {
    fc.assert(
      fc.property(docArb, (t) => {
        const xml = print(t, OP_PRINT);
        expect(parseText(xml)).toBe(JSON.stringify(t));
      }),
      { numRuns: 400 },
    );
  });

  it('parse(print(t)) == t for trees in the mapping (UTF-8 output)', () => {
    fc.assert(
      fc.property(docArb, (t) => {
        const xml = print(t, OP_PRINT_UTF8);
        expect(parseText(xml)).toBe(JSON.stringify(t));
      }),
      { numRuns: 400 },
    );
  });

  it('UTF-8 output keeps characters that GBK cannot hold', () => {
    const wide = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 3 }), textArb), { maxLength: 4 }).map((a) => a.join(''));
    fc.assert(
      fc.property(wide, (s) => {
        fc.pre(!s.includes('\u0000') && !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')));
        const t = { a: { '@v': s, b: s || 'x' } };
        expect(parse(print(t, OP_PRINT_UTF8))).toEqual(t.a['@v'] === '' ? { a: { '@v': '', b: 'x' } } : t);
      }),
      { numRuns: 200 },
    );
  });

  it('the GBK print equals iconv-lite encoding of the UTF-8 print', () => {
    fc.assert(
      fc.property(docArb, (t) => {
        const u = utf8.decode(print(t, OP_PRINT_UTF8)).replace('encoding="UTF-8"', 'encoding="GBK"');
        // iconv-lite 'gbk' (not 'cp936') also encodes the EUDC/PUA characters
        expect(Buffer.from(print(t, OP_PRINT)).equals(iconv.encode(u, 'gbk'))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  const xmlish = fc
    .array(
      fc.constantFrom(
        '<a>', '</a>', '<b x="1">', '</b>', '<row>', '</row>', '<c/>', ' ', '\n', 'text', '某', '&amp;', '&', '&#x4e2d;',
        '<!--', '-->', '<![CDATA[', ']]>', '<?pi ', '?>', '"', "'", '=', '<', '>', '/', '<!DOCTYPE', DECL_GBK,
      ),
      { maxLength: 30 },
    )
    .map((a) => a.join(''));

  it('random garbage never traps; whatever parses also prints and re-parses identically', () => {
    const inputs = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      xmlish.map((s) => new Uint8Array(gbk(s))),
      xmlish.map((s) => new TextEncoder().encode(s)),
      fc.tuple(fc.constantFrom(...sampleFiles), fc.nat(), fc.nat(255), fc.nat()).map(([f, i, b, cut]) => {
        const x = Uint8Array.from(readFileSync(SAMPLES + f));
        x[i % x.length] = b;
        return x.subarray(0, x.length - (cut % 3 === 0 ? cut % x.length : 0));
      }),
    );
    fc.assert(
      fc.property(inputs, (x) => {
        const r = core.call(OP_PARSE, x);
        if (r.rc < 0) {
          expect(KNOWN.has(-r.rc), String(r.rc)).toBe(true);
          return;
        }
        const text = utf8.decode(r.bytes);
        JSON.parse(text);
        for (const op of [OP_PRINT, OP_PRINT_UTF8]) {
          const p = core.call(op, text);
          if (p.rc < 0) {
            expect(op === OP_PRINT && p.rc === -403, utf8.decode(p.bytes)).toBe(true);
            continue;
          }
          expect(parseText(p.bytes)).toBe(text);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('random JSON never traps print', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 40 })), (j) => {
        for (const op of [OP_PRINT, OP_PRINT_UTF8]) {
          const r = core.call(op, j);
          expect(r.rc >= 0 || KNOWN.has(-r.rc)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('large documents', () => {
  it('a ~1 MB GBK document of <row> records parses, prints and round-trips', () => {
    let s = DECL_GBK + '\n<output><fymxdataset>\n';
    let i = 0;
    while (s.length < 600000) {
      s += `<row yka105="${1000000 + i}"><yka095>阿莫西林胶囊&amp;${i}</yka095><yka055>${i}.00</yka055><aae013></aae013></row>\n`;
      i++;
    }
    s += '</fymxdataset></output>';
    const x = gbk(s);
    const j = parse(x);
    expect(j.output.fymxdataset.row.length).toBe(i);
    expect(j.output.fymxdataset.row[i - 1]).toEqual({ '@yka105': String(1000000 + i - 1), yka095: `阿莫西林胶囊&${i - 1}`, yka055: `${i - 1}.00`, aae013: '' });
    expect(parse(print(j))).toEqual(j);
  });
});
