// Portability: the same core.wasm, run by V8 (core-asm/test/raw.ts) and by the wasm2c native build
// (core-asm/native/out/ybcall over libyibao_core), must give byte-identical results.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCore, type RawCore, type RawResult } from '../core-asm/test/raw';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'core-asm', 'native');
const ybcall = join(nativeDir, 'out', process.platform === 'win32' ? 'ybcall.exe' : 'ybcall');
const examplesPath = resolve(root, '..', 'shared', 'conformance', 'presettle-examples.json');
const samplesDir = resolve(root, '..', 'shared', 'conformance', 'samples');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

const OP_VERSION = 0;
const OP_PRESETTLE = 1;
const OP_JSON_PARSE = 20;
const OP_JSON_PRINT = 21;
const OP_TRAP = 99;

interface NativeResult {
  /** process exit code: 0 success, 2 core error, 3 trap */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

function native(op: number, input: string | Uint8Array, flags: string[] = []): NativeResult {
  const r = spawnSync(ybcall, [...flags, String(op)], {
    input: typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input),
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** Same bytes; compared as text first so a failure shows a readable diff. */
function expectSameBytes(js: RawResult, nat: NativeResult): void {
  const a = Buffer.from(js.bytes);
  expect(nat.stdout.toString('utf8')).toBe(a.toString('utf8'));
  expect(nat.stdout.equals(a)).toBe(true);
}

/** The native exit code must match the class of the raw rc. */
function expectSameOutcome(js: RawResult, nat: NativeResult): void {
  expect(nat.signal, nat.stderr).toBeNull();
  expect(nat.status, nat.stderr).toBe(js.rc >= 0 ? 0 : 2);
  if (js.rc >= 0) expect(js.bytes.length).toBe(js.rc);
}

function both(core: RawCore, op: number, input: string | Uint8Array, flags: string[] = []) {
  const js = core.call(op, input);
  const nat = native(op, input, flags);
  expectSameOutcome(js, nat);
  expectSameBytes(js, nat);
  return { js, nat, text: Buffer.from(js.bytes).toString('utf8') };
}

/** Like both(), but a trap is allowed as long as both sides trap; returns null then. */
function bothOrTrap(op: number, input: Uint8Array, label: string): RawResult | null {
  let js: RawResult | null = null;
  try {
    js = loadCore().call(op, input);
  } catch (e) {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
  }
  const nat = native(op, input);
  if (js === null) {
    expect(nat.status, `${label}: V8 trapped, native did not`).toBe(3);
    return null;
  }
  expect(nat.status, `${label}: ${nat.stdout.toString('utf8').slice(0, 300)}`).toBe(js.rc >= 0 ? 0 : 2);
  expect(nat.stdout.equals(Buffer.from(js.bytes)), `${label}: bytes differ`).toBe(true);
  return js;
}

interface PresettleCase {
  id: string;
  title: string;
  params: unknown;
  person: unknown;
  fee_items: unknown;
}
const cases: PresettleCase[] = JSON.parse(readFileSync(examplesPath, 'utf8')).cases;

beforeAll(() => {
  try {
    execFileSync('bash', [join(nativeDir, 'build.sh')], { cwd: root, stdio: 'pipe', timeout: 170_000 });
  } catch (e: any) {
    throw new Error(`core-asm/native/build.sh failed:\n${e.stderr?.toString() ?? ''}${e.stdout?.toString() ?? ''}${e.message}`);
  }
}, 180_000);

describe('native (wasm2c) vs V8: byte-identical results', () => {
  it('has the conformance cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  describe('op 1 presettle on every conformance case', () => {
    for (const c of cases) {
      it(`${c.id} ${c.title}`, () => {
        const core = loadCore();
        const input = JSON.stringify({ params: c.params, person: c.person, fee_items: c.fee_items });
        const { js, text } = both(core, OP_PRESETTLE, input);
        // identical is not enough: the call must succeed
        expect(js.rc, `presettle ${c.id} failed: ${text}`).toBeGreaterThanOrEqual(0);
        expect(() => JSON.parse(text)).not.toThrow();
      });
    }
  });

  it('op 0 version (and yb_core_version)', () => {
    const core = loadCore();
    const { js, text } = both(core, OP_VERSION, '');
    expect(js.rc).toBeGreaterThan(0);
    const v = JSON.parse(text);
    expect(v).toMatchObject({ name: 'yibao-core', abi: 1 });
    const r = spawnSync(ybcall, ['--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(v.version);
  });

  describe('op 20 json parse / op 21 json print', () => {
    const docs: Record<string, string> = {
      empty_object: '{}',
      scalars: '[0,-1,1.5,-0.25,1e3,true,false,null,""]',
      strings: '{"zh":"张三 医保","esc":"a\\"b\\\\c\\n\\t\\u00e9\\ud83d\\ude00","emoji":"😀"}',
      nested: '{"a":{"b":[{"c":[1,[2,[3]]]}]},"d":{}}',
      whitespace: ' \n\t{ "k" : [ 1 , 2 ] }\r\n',
      big_int: '{"fen":9007199254740993,"neg":-9223372036854775808}',
      deep_250: '['.repeat(250) + ']'.repeat(250),
      deep_obj_255: '{"a":'.repeat(255) + '1' + '}'.repeat(255),
      too_deep_300: '['.repeat(300) + ']'.repeat(300),
      bad_trailing_comma: '{"a":1,}',
    };
    for (const [name, doc] of Object.entries(docs)) {
      it(`op 20 ${name}`, () => {
        both(loadCore(), OP_JSON_PARSE, doc);
      });
      it(`op 21 ${name}`, () => {
        both(loadCore(), OP_JSON_PRINT, doc);
      });
    }

    it('op 20 invalid UTF-8 bytes', () => {
      both(loadCore(), OP_JSON_PARSE, new Uint8Array([0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]));
    });

    it('op 20 on a ~2 MB document (memory growth, output > the 64 KB first buffer)', () => {
      const items = Array.from({ length: 12000 }, (_, i) => ({
        sn: i,
        name: `药品${i} "x" \\ y`,
        pric: `${(i % 997) + 0.125}`,
        cnt: i % 7,
        tags: [i % 2 === 0, null, -i],
      }));
      const doc = JSON.stringify({ fee_items: items });
      expect(doc.length).toBeGreaterThan(1_000_000);
      const core = loadCore();
      both(core, OP_JSON_PARSE, doc);
      both(core, OP_JSON_PRINT, doc);
    });
  });

  describe('every ../shared/conformance/samples file through the text ops (raw bytes, GBK and UTF-8)', () => {
    // op -> ops that take its successful output as input (parse -> print, decode -> encode)
    const chains: Record<number, number[]> = { 10: [11], 20: [21], 30: [31, 32], 40: [41], 50: [51] };
    const files = listFiles(samplesDir).sort();
    it('found samples', () => {
      expect(files.length).toBeGreaterThan(0);
    });
    for (const f of files) {
      const rel = f.slice(samplesDir.length + 1);
      it(rel, () => {
        const bytes = new Uint8Array(readFileSync(f));
        for (const [op, next] of Object.entries(chains)) {
          const r = bothOrTrap(Number(op), bytes, `op ${op} ${rel}`);
          if (r === null || r.rc < 0) continue;
          for (const op2 of next) bothOrTrap(op2, r.bytes, `op ${op} -> op ${op2} ${rel}`);
        }
      });
    }
  });

  it('ops 60-62 sha256 / hmac_sha1 / hmac_sha256: same digests and the same errors', () => {
    const core = loadCore();
    const bytes = new Uint8Array(200_000).map((_, i) => (i * 131 + 7) & 255);
    for (const input of [new Uint8Array(0), new TextEncoder().encode('abc'), bytes]) {
      expect(both(core, 60, input).js.rc).toBe(32);
    }
    const hmacInputs = [
      JSON.stringify({ key: '', data: '' }),
      JSON.stringify({ key: 'k'.repeat(100), data: '医保 \u00e9 \ud83d\ude00 ' + 'x'.repeat(5000) }),
      JSON.stringify({ key_hex: 'aa'.repeat(131), data_hex: '00ff'.repeat(40) }),
    ];
    for (const input of hmacInputs) {
      expect(both(core, 61, input).js.rc).toBe(20);
      expect(both(core, 62, input).js.rc).toBe(32);
    }
    for (const bad of ['', '{"key":1,"data":""}', '{"key":"a","key":"b","data":""}', '{"key_hex":"0g","data":""}']) {
      expect(both(core, 61, bad).js.rc).toBeLessThan(0);
    }
  });

  it('web-service ops 33-36 (SOAP, DataSet), 63-65 (md5, sha1, digest), 80 (settlement-list check): same bytes and errors', () => {
    const core = loadCore();
    const ds = { name: 'NewDataSet', tables: [{ name: 'Table', columns: [{ name: 'zfy', type: 'decimal' }, { name: 'xm', type: 'string' }], rows: [{ zfy: '441.20', xm: '张三〇丂齄' }, { zfy: '0.10', xm: null }] }] };
    const msg = { version: '1.2', ns: 'http://tempuri.org/', name: 'mzjsjk', value: { yydm: '450200001', nil: null, arr: { int: ['1', '2'] }, zjl: { $dataset: ds } } };
    const env = both(core, 33, JSON.stringify(msg)).js.bytes;
    expect(JSON.parse(both(core, 34, env).text)).toMatchObject({ version: '1.2', name: 'mzjsjk' });
    const frag = both(core, 35, JSON.stringify(ds)).js.bytes;
    expect(JSON.parse(both(core, 36, frag).text).tables[0].rows[0].zfy).toBe('441.20');
    expect(both(core, 63, 'abc').js.rc).toBe(16);
    expect(both(core, 64, 'abc').js.rc).toBe(20);
    for (const enc of ['utf-8', 'gbk', 'utf-16le']) {
      both(core, 65, JSON.stringify({ spec: { alg: 'md5', fields: ['a', '$secret'], joiner: '|', encoding: enc, output: 'HEX' }, values: { a: '医院代码' }, secret: 'k' }));
    }
    both(core, 80, JSON.stringify({ list: { setlinfo: { psn_name: '张三', gend: '9' }, diseinfo: [] } }));
    for (const bad of ['<x/>', '<soap:Envelope xmlns:soap="urn:nope"><soap:Body/></soap:Envelope>', '']) expect(both(core, 34, bad).js.rc).toBeLessThan(0);
    expect(both(core, 65, '{"spec":{"alg":"crc"},"values":{}}').js.rc).toBeLessThan(0);
    expect(both(core, 80, '{"list":[]}').js.rc).toBeLessThan(0);
  });

  it('error case: op 1 with malformed JSON gives the same error JSON and a negative status', () => {
    for (const bad of ['{"params": {', '{bad', '', '[1,2']) {
      const core = loadCore();
      const { js, nat, text } = both(core, OP_PRESETTLE, bad);
      expect(js.rc).toBeLessThan(0);
      expect(nat.status).toBe(2);
      const err = JSON.parse(text);
      expect(err.status).toBe(-js.rc);
      expect(typeof err.code).toBe('string');
      expect(err.message_zh).toBeTruthy();
      expect(err.message_en).toBeTruthy();
    }
  });

  it('error case: malformed JSON is a JSON_SYNTAX error (not UNKNOWN_OP)', () => {
    const { text } = both(loadCore(), OP_PRESETTLE, '{"params": {');
    expect(JSON.parse(text).code).toBe('JSON_SYNTAX');
  });

  it('unknown op: same error in both', () => {
    const { js } = both(loadCore(), 12345, '{}');
    expect(js.rc).toBe(-901);
  });

  it('trap (op 99): V8 throws, native exits 3 with a TRAP JSON', () => {
    const core = loadCore();
    expect(() => core.call(OP_TRAP, '')).toThrow(WebAssembly.RuntimeError);
    const nat = native(OP_TRAP, '');
    expect(nat.signal).toBeNull();
    expect(nat.status).toBe(3);
    const t = JSON.parse(nat.stdout.toString('utf8'));
    expect(t).toMatchObject({ status: 1005, code: 'TRAP' });
  });

  it('after a trap, the next call in the same native process works (--trap-then)', () => {
    const doc = '{"zh":"张三","a":[1,2,{"b":null}]}';
    for (const [op, input] of [
      [OP_VERSION, ''],
      [OP_JSON_PARSE, doc],
      [OP_PRESETTLE, '{bad'],
    ] as const) {
      const js = loadCore().call(op, input);
      const nat = native(op, input, ['--trap-then']);
      expect(nat.stderr).toContain('trap rc=-1005');
      expectSameOutcome(js, nat);
      expectSameBytes(js, nat);
    }
  });
});
