#!/usr/bin/env node
// yibao benchmarks: `npm run bench` (builds first) or `node bench/run.mjs [--quick] [--only=presettle,xml,json,inst,gbk,soap] [--dump]`.
//
// Every figure is a median of N timed samples taken after warm-ups, and every wasm row is compared with a
// baseline measured in the same run, in the same process, with samples interleaved (A B C, B C A, ...).
// Prints a markdown table and writes bench/out/results.json.
import os from 'node:os';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import iconv from 'iconv-lite';
import { XMLParser, XMLBuilder } from 'fast-xml-parser';

import { runGroup, sink } from './lib/stats.mjs';
import { wasmBytes, rawCall, rawOk, instantiate, CoreUnavailable, WASM_PATH } from './lib/raw.mjs';
import { genFeeItems, genGbkXml, genJson, genGbkText, genSoapDataSet, PARAMS_SC09, PERSON_SC09, PARAMS_SC11, PERSON_SC11 } from './lib/gen.mjs';
import { trivialWasm, withUniqueTag } from './lib/wasm-bytes.mjs';
import { presettle as oraclePresettle } from '../test/oracle/presettle-oracle.mjs';
import { createCore } from '../host-node/dist/index.js';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const DUMP = args.includes('--dump');
const ONLY = (args.find((a) => a.startsWith('--only=')) ?? '').slice(7).split(',').filter(Boolean);
const want = (k) => ONLY.length === 0 || ONLY.includes(k);
const R = (n) => (QUICK ? Math.max(5, Math.ceil(n / 3)) : n);
const outDir = fileURLToPath(new URL('./out/', import.meta.url));
mkdirSync(outDir, { recursive: true });

const t0 = Date.now();
const enc = new TextEncoder();
const dec = new TextDecoder();
const MB = 1e6; // MB/s means 10^6 bytes of *input* per second
const sha = (b) => createHash('sha256').update(b).digest('hex').slice(0, 16);

// ---- machine ---------------------------------------------------------------------------------------
const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model?.trim() ?? 'unknown',
  logical_cpus: cpus.length,
  cpu_mhz: cpus[0]?.speed || null, // 0 in many VMs: unknown
  total_mem_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  v8: process.versions.v8,
  loadavg_at_start: os.loadavg().map((x) => +x.toFixed(2)),
};
let gitCommit = 'unknown';
try {
  gitCommit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--', 'core-asm/assembly'], { encoding: 'utf8' }).trim();
  if (dirty) gitCommit += '+dirty(core-asm/assembly)';
} catch { /* not a git checkout */ }

const bytes = wasmBytes();
const module = new WebAssembly.Module(bytes);
// `ex` serves the one-off correctness checks; a trap there (e.g. an unfinished op) replaces it
let ex = instantiate(module);
const checkCall = (op, input) => {
  try {
    return rawOk(ex, op, input);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      ex = instantiate(module);
      throw new Error(`trap (${e.message}); instance replaced`);
    }
    throw e;
  }
};
const version = JSON.parse(dec.decode(rawOk(ex, 0, new Uint8Array(0))));

console.log(`# yibao benchmarks\n`);
console.log(`machine: ${machine.cpu}${machine.cpu_mhz ? ' @ ' + machine.cpu_mhz + ' MHz' : ''}, ${machine.logical_cpus} logical CPUs, ${machine.total_mem_gib} GiB RAM, ${machine.os}`);
console.log(`runtime: Node ${machine.node} (V8 ${machine.v8}); core ${version.version} abi ${version.abi}, core.wasm ${bytes.length} bytes, commit ${gitCommit}`);
console.log(`load average at start: ${machine.loadavg_at_start.join(' ')} (other processes share the CPUs; ratios are measured interleaved)`);
console.log(`mode: ${QUICK ? 'quick' : 'full'}${ONLY.length ? ', only ' + ONLY.join(',') : ''}\n`);

const rows = [];
const checks = [];
const inputs = {};
const log = (s) => process.stderr.write(s + '\n');

/**
 * Adds a row. kind 'throughput': units per second = amount / median; ratio = baseline median / median
 * (so > 1 means faster than the baseline). kind 'latency': absolute ms, same ratio definition.
 */
function addRow({ id, section, label, stats, baseline, amount, unit, target, kind = 'throughput', note }) {
  const row = { id, section, label, baseline: baseline?.label ?? null, unit, target: target?.text ?? null, note: note ?? null };
  if (!stats) {
    Object.assign(row, { available: false, median_ms: null, throughput: null, ratio: null, met: null });
  } else {
    row.available = true;
    Object.assign(row, {
      median_ms: stats.median_ms, p25_ms: stats.p25_ms, p75_ms: stats.p75_ms, min_ms: stats.min_ms, n: stats.n, iqr_rel: stats.iqr_rel,
    });
    row.throughput = kind === 'throughput' ? amount / (stats.median_ms / 1000) : null;
    row.ratio = baseline?.stats ? baseline.stats.median_ms / stats.median_ms : null;
    row.met = target ? target.check(row) : null;
  }
  rows.push(row);
  return row;
}

function unavailable(section, ids, reason) {
  for (const [id, label, target] of ids) addRow({ id, section, label, stats: null, unit: '', target, note: `not available: ${reason}` });
}

// ======================================================================================================
// 1. pre-settlement
// ======================================================================================================
if (want('presettle')) {
  log('[1/6] pre-settlement ...');
  const NLINES = 5000;
  const fee_items = genFeeItems(NLINES, 20251122);
  const bill = { params: PARAMS_SC09, person: PERSON_SC09, fee_items };
  const billBytes = enc.encode(JSON.stringify(bill));
  inputs.presettle = { lines: NLINES, json_bytes: billBytes.length, sha256_16: sha(billBytes), seed: 20251122, params: 'SC09-like (310, pool cap hit → 大额)' };
  if (DUMP) writeFileSync(outDir + 'bill.json', billBytes);

  const core = createCore({ wasm: module });
  // -- equality check: wasm (host API and raw) vs the BigInt oracle, on SC09- and SC11-like params
  const norm = (r) => ({
    items: r.items,
    setlinfo: { ...r.setlinfo, pool_prop_selfpay: Number(r.setlinfo.pool_prop_selfpay) },
    setldetail: r.setldetail.map((x) => [x.fund_pay_type, x.fund_payamt, x.inscp_scp_amt]).sort(),
    invoice_categories: r.invoice_categories,
  });
  for (const [name, params, person] of [['SC09-like', PARAMS_SC09, PERSON_SC09], ['SC11-like', PARAMS_SC11, PERSON_SC11]]) {
    const input = { params, person, fee_items };
    const w = norm(core.presettle(input));
    const o = norm(oraclePresettle(input));
    const rawRes = norm(JSON.parse(dec.decode(checkCall(1, enc.encode(JSON.stringify(input))))));
    if (!isDeepStrictEqual(w, o) || !isDeepStrictEqual(rawRes, o)) {
      const diffKey = Object.keys(o).find((k) => !isDeepStrictEqual(w[k], o[k])) ?? 'raw';
      console.error(`ABORT: wasm and oracle differ on the ${name} bench bill (first differing part: ${diffKey})`);
      console.error('wasm  :', JSON.stringify(w[diffKey]).slice(0, 600));
      console.error('oracle:', JSON.stringify(o[diffKey]).slice(0, 600));
      process.exit(1);
    }
    const s = o.setlinfo;
    checks.push({ check: `presettle ${name} bill: wasm (host API + raw ABI) == oracle`, ok: true, medfee_sumamt: s.medfee_sumamt, hifp_pay: s.hifp_pay, hifob_pay: s.hifob_pay, hifmi_pay: s.hifmi_pay, psn_part_amt: s.psn_part_amt });
  }
  const mix = { '01': 0, '02': 0, '03': 0, refunds: 0, capped_binding: 0 };
  for (const f of fee_items) {
    mix[f.chrgitm_lv]++;
    if (f.cnt.startsWith('-')) mix.refunds++;
    if (f.pric_uplmt_amt != null && Number(f.pric_uplmt_amt) < Number(f.pric)) mix.capped_binding++;
  }
  inputs.presettle.mix = mix;

  // detail: the same bill with only the fields the core reads (a HIS sends many more), and the cost of
  // just validating + re-printing the bill JSON (op 20): how much of a presettle call is JSON
  const READ = ['feedetl_sn', 'med_chrgitm_type', 'chrgitm_lv', 'pric', 'cnt', 'selfpay_prop', 'pric_uplmt_amt', 'det_item_fee_sumamt', 'hosp_appr_flag', 'hosp_bear_flag'];
  const lean = { params: bill.params, person: bill.person, fee_items: fee_items.map((f) => Object.fromEntries(READ.filter((k) => k in f).map((k) => [k, f[k]]))) };
  const leanBytes = enc.encode(JSON.stringify(lean));
  inputs.presettle.lean_json_bytes = leanBytes.length;
  if (!isDeepStrictEqual(norm(JSON.parse(dec.decode(checkCall(1, leanBytes)))), norm(oraclePresettle(bill)))) {
    console.error('ABORT: the lean bill settles differently from the full bill');
    process.exit(1);
  }

  const exP = instantiate(module); // a separate instance for the raw rows
  const g = await runGroup(
    [
      { key: 'oracle', fn: () => oraclePresettle(bill).items },
      // the oracle bytes in → bytes out, like the raw row (decode + JSON.parse + presettle + stringify + encode)
      { key: 'oracleBytes', fn: () => enc.encode(JSON.stringify(oraclePresettle(JSON.parse(dec.decode(billBytes))))) },
      { key: 'host', fn: () => core.presettle(bill).items },
      { key: 'raw', fn: () => rawCall(exP, 1, billBytes).bytes },
      { key: 'rawLean', fn: () => rawCall(exP, 1, leanBytes).bytes },
      { key: 'json20', fn: () => rawCall(exP, 20, billBytes).bytes },
    ],
    { warmup: 5, runs: R(41) },
  );
  const base = { label: 'JS BigInt oracle presettle()', stats: g.oracle };
  const tgt = { text: '≥ 5,000,000 lines/s', check: (r) => r.throughput >= 5e6 };
  addRow({ id: 'presettle.oracle', section: 'presettle', label: 'JS oracle (test/oracle) — baseline', stats: g.oracle, baseline: base, amount: NLINES, unit: 'lines/s' });
  addRow({ id: 'presettle.host', section: 'presettle', label: 'wasm via host API: createCore().presettle(obj) (JSON both ways)', stats: g.host, baseline: base, amount: NLINES, unit: 'lines/s', target: tgt });
  const rawRow = addRow({ id: 'presettle.raw', section: 'presettle', label: 'wasm core only: raw ABI, input bytes prepared once', stats: g.raw, baseline: base, amount: NLINES, unit: 'lines/s', target: tgt });
  rawRow.ratio_vs_oracle_bytes = g.oracleBytes.median_ms / g.raw.median_ms;
  addRow({ id: 'presettle.oracle.bytes', section: 'presettle', label: '  (detail) JS oracle bytes→bytes: UTF-8 decode + JSON.parse + presettle + JSON.stringify + encode', stats: g.oracleBytes, baseline: base, amount: NLINES, unit: 'lines/s' });
  addRow({ id: 'presettle.raw.lean', section: 'presettle', label: `  (detail) core only, lean bill: only the fields the core reads (${(leanBytes.length / 1e6).toFixed(2)} MB instead of ${(billBytes.length / 1e6).toFixed(2)} MB)`, stats: g.rawLean, baseline: base, amount: NLINES, unit: 'lines/s' });
  addRow({ id: 'presettle.json20', section: 'presettle', label: '  (detail) op 20 JSON validate + re-print of the full bill only (no settlement)', stats: g.json20, baseline: base, amount: NLINES, unit: 'lines/s' });
}

// ======================================================================================================
// 2. GBK XML parse + print
// ======================================================================================================
if (want('xml')) {
  log('[2/6] GBK XML ...');
  const xml = genGbkXml(1_000_000, 30);
  inputs.xml = { gbk_bytes: xml.length, sha256_16: sha(xml), seed: 30 };
  if (DUMP) writeFileSync(outDir + 'doc.gbk.xml', xml);
  const fxpOpts = { ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false, trimValues: true };
  const parser = new XMLParser(fxpOpts);
  const builder = new XMLBuilder({ ...fxpOpts, format: false, suppressEmptyNode: false });
  const jsXmlParse = (b) => parser.parse(iconv.decode(b, 'gbk'));
  const jsXmlPrint = (doc) => iconv.encode(builder.build(doc), 'gbk');
  const jsRoundTrip = (b) => jsXmlPrint(jsXmlParse(b));
  // the data as fast-xml-parser sees it, without the declaration (the printers write their own)
  const data = (b) => { const d = jsXmlParse(b); delete d['?xml']; return d; };
  const ref = data(xml);

  const jsOut = jsRoundTrip(xml);
  const jsOk = isDeepStrictEqual(data(jsOut), ref);
  checks.push({ check: 'XML baseline output re-parses to the input data', ok: jsOk });
  if (!jsOk) { console.error('ABORT: the JS XML baseline does not round-trip the bench document'); process.exit(1); }

  let wasmReady = true, reason = '';
  let jsonBytes;
  try {
    jsonBytes = checkCall(30, xml);
    JSON.parse(dec.decode(jsonBytes));
    const wOut = checkCall(31, jsonBytes);
    const ok = isDeepStrictEqual(data(Buffer.from(wOut)), ref);
    checks.push({ check: 'XML wasm op30→op31 output re-parses (iconv + fast-xml-parser) to the input data', ok, out_bytes: wOut.length, json_bytes: jsonBytes.length });
    if (!ok) { wasmReady = false; reason = 'wasm XML output does not re-parse to the input data (see checks)'; }
  } catch (e) {
    wasmReady = false;
    reason = e instanceof CoreUnavailable ? `ops 30/31 still stubs (${e.message})` : `wasm error: ${e.message}`;
    checks.push({ check: 'XML wasm op30→op31', ok: false, error: reason });
  }

  const tgt = { text: '≥ 10× JS', check: (r) => r.ratio >= 10 };
  if (wasmReady) {
    const exX = instantiate(module);
    const jsParsed = jsXmlParse(xml);
    const g = await runGroup(
      [
        { key: 'js', fn: () => jsRoundTrip(xml) },
        { key: 'wasm', fn: () => rawCall(exX, 31, rawCall(exX, 30, xml).bytes).bytes },
        { key: 'jsParse', fn: () => jsXmlParse(xml) },
        { key: 'wasmParse', fn: () => rawCall(exX, 30, xml).bytes },
        { key: 'jsPrint', fn: () => jsXmlPrint(jsParsed) },
        { key: 'wasmPrint', fn: () => rawCall(exX, 31, jsonBytes).bytes },
      ],
      { warmup: 3, runs: R(15) },
    );
    const base = { label: 'iconv-lite → fast-xml-parser → XMLBuilder → iconv-lite', stats: g.js };
    addRow({ id: 'xml.js', section: 'xml', label: 'JS: iconv decode → XMLParser → XMLBuilder → iconv encode — baseline', stats: g.js, baseline: base, amount: xml.length / MB, unit: 'MB/s' });
    addRow({ id: 'xml.wasm', section: 'xml', label: 'wasm: op 30 parse (GBK→JSON) + op 31 print (JSON→GBK), raw ABI', stats: g.wasm, baseline: base, amount: xml.length / MB, unit: 'MB/s', target: tgt });
    const bp = { label: 'iconv decode + XMLParser.parse', stats: g.jsParse };
    const bq = { label: 'XMLBuilder.build + iconv encode', stats: g.jsPrint };
    addRow({ id: 'xml.parse.js', section: 'xml', label: '  (detail) JS parse only: iconv decode + XMLParser', stats: g.jsParse, baseline: bp, amount: xml.length / MB, unit: 'MB/s' });
    addRow({ id: 'xml.parse.wasm', section: 'xml', label: '  (detail) wasm parse only: op 30', stats: g.wasmParse, baseline: bp, amount: xml.length / MB, unit: 'MB/s' });
    addRow({ id: 'xml.print.js', section: 'xml', label: '  (detail) JS print only: XMLBuilder + iconv encode', stats: g.jsPrint, baseline: bq, amount: xml.length / MB, unit: 'MB/s', note: 'MB/s of the GBK document size' });
    addRow({ id: 'xml.print.wasm', section: 'xml', label: '  (detail) wasm print only: op 31', stats: g.wasmPrint, baseline: bq, amount: xml.length / MB, unit: 'MB/s', note: 'MB/s of the GBK document size' });
  } else {
    // the baseline is still measured so the row shows what the target means
    const g = await runGroup([{ key: 'js', fn: () => jsRoundTrip(xml) }], { warmup: 3, runs: R(15) });
    const base = { label: 'iconv-lite → fast-xml-parser → XMLBuilder → iconv-lite', stats: g.js };
    addRow({ id: 'xml.js', section: 'xml', label: 'JS: iconv decode → XMLParser → XMLBuilder → iconv encode — baseline', stats: g.js, baseline: base, amount: xml.length / MB, unit: 'MB/s' });
    unavailable('xml', [['xml.wasm', 'wasm: op 30 parse (GBK→JSON) + op 31 print (JSON→GBK), raw ABI', tgt]], reason);
  }
}

// ======================================================================================================
// 3. JSON parse + print
// ======================================================================================================
if (want('json')) {
  log('[3/6] JSON ...');
  const json = genJson(1_000_000, 20);
  inputs.json = { utf8_bytes: json.length, sha256_16: sha(json), seed: 20 };
  if (DUMP) writeFileSync(outDir + 'doc.json', json);
  const td = new TextDecoder();
  const te = new TextEncoder();
  const v8Path = (b) => te.encode(JSON.stringify(JSON.parse(td.decode(b))));
  const ref = JSON.parse(json.toString('utf8'));
  const tgt = { text: '≥ 1.0× V8', check: (r) => r.ratio >= 1.0 };
  let ok = false, reason = '';
  try {
    const out = checkCall(20, json);
    ok = isDeepStrictEqual(JSON.parse(dec.decode(out)), ref);
    checks.push({ check: 'JSON op 20 output parses to the same data as the input', ok, out_bytes: out.length });
    if (!ok) reason = 'op 20 output differs from the input data';
  } catch (e) { reason = e.message; checks.push({ check: 'JSON op 20', ok: false, error: reason }); }
  const exJ = instantiate(module);
  const variants = [{ key: 'v8', fn: () => v8Path(json) }];
  if (ok) variants.push({ key: 'wasm', fn: () => rawCall(exJ, 20, json).bytes });
  const g = await runGroup(variants, { warmup: 5, runs: R(41) });
  const base = { label: 'TextDecoder → JSON.parse → JSON.stringify → TextEncoder', stats: g.v8 };
  addRow({ id: 'json.v8', section: 'json', label: 'V8: TextDecoder → JSON.parse → JSON.stringify → TextEncoder — baseline', stats: g.v8, baseline: base, amount: json.length / MB, unit: 'MB/s' });
  if (ok) addRow({ id: 'json.wasm', section: 'json', label: 'wasm: op 20 (validate + compact re-print, verbatim), raw ABI', stats: g.wasm, baseline: base, amount: json.length / MB, unit: 'MB/s', target: tgt });
  else unavailable('json', [['json.wasm', 'wasm: op 20, raw ABI', tgt]], reason);
}

// ======================================================================================================
// 4. instantiate
// ======================================================================================================
if (want('inst')) {
  log('[4/6] instantiate ...');
  const trivial = trivialWasm();
  const trivialMod = new WebAssembly.Module(trivial);
  if (new WebAssembly.Instance(trivialMod, {}).exports.f() !== 42) throw new Error('trivial module broken');
  inputs.instantiate = { core_wasm_bytes: bytes.length, trivial_wasm_bytes: trivial.length };
  // unique bytes per compile (a changing custom section) so V8's native-module cache cannot serve a hit
  let tag = 0;
  const g1 = await runGroup(
    [
      { key: 'trivial', fn: () => new WebAssembly.Instance(trivialMod, {}) },
      { key: 'core', fn: () => new WebAssembly.Instance(module, {}) },
      { key: 'host', fn: () => createCore({ wasm: module }) },
    ],
    { warmup: 5, runs: R(101) },
  );
  const g2 = await runGroup(
    [
      { key: 'trivial', async: true, fn: async () => new WebAssembly.Instance(await WebAssembly.compile(withUniqueTag(trivial, ++tag)), {}) },
      { key: 'core', async: true, fn: async () => new WebAssembly.Instance(await WebAssembly.compile(withUniqueTag(bytes, ++tag)), {}) },
      // what a cold host pays before its first answer: compile + instantiate + the first (lazily compiled) call
      { key: 'coreFirst', async: true, fn: async () => { const e = new WebAssembly.Instance(await WebAssembly.compile(withUniqueTag(bytes, ++tag)), {}).exports; return rawCall(e, 0, new Uint8Array(0)).bytes; } },
    ],
    { warmup: 3, runs: R(41) },
  );
  const tgt = { text: '< 5 ms', check: (r) => r.median_ms < 5 };
  const b1 = { label: 'new WebAssembly.Instance(trivial module)', stats: g1.trivial };
  const b2 = { label: 'WebAssembly.compile(trivial bytes) + Instance', stats: g2.trivial };
  addRow({ id: 'inst.trivial', section: 'inst', kind: 'latency', label: `new WebAssembly.Instance(trivial ${trivial.length}-byte module) — baseline`, stats: g1.trivial, baseline: b1, unit: 'ms' });
  addRow({ id: 'inst.core', section: 'inst', kind: 'latency', label: 'new WebAssembly.Instance(core module, {}) from a compiled module', stats: g1.core, baseline: b1, unit: 'ms', target: tgt });
  addRow({ id: 'inst.host', section: 'inst', kind: 'latency', label: 'host createCore() with the compiled module', stats: g1.host, baseline: b1, unit: 'ms', target: tgt });
  addRow({ id: 'inst.compile.trivial', section: 'inst', kind: 'latency', label: 'WebAssembly.compile(trivial bytes) + Instance — baseline', stats: g2.trivial, baseline: b2, unit: 'ms' });
  addRow({ id: 'inst.compile.core', section: 'inst', kind: 'latency', label: 'WebAssembly.compile(core bytes) + Instance', stats: g2.core, baseline: b2, unit: 'ms', target: tgt });
  addRow({ id: 'inst.compile.first', section: 'inst', kind: 'latency', label: '  (detail) compile + Instance + first call (op 0)', stats: g2.coreFirst, baseline: b2, unit: 'ms' });
}

// ======================================================================================================
// 5. GBK decode / encode
// ======================================================================================================
if (want('gbk')) {
  log('[5/6] GBK decode/encode ...');
  const { text, gbk, utf8 } = genGbkText(1_000_000, 10);
  inputs.gbk = { gbk_bytes: gbk.length, utf8_bytes: utf8.length, chars: text.length, sha256_16: sha(gbk), seed: 10 };
  const core = createCore({ wasm: module });
  let ok = true, reason = '';
  try {
    const d = checkCall(10, gbk);
    const e = checkCall(11, utf8);
    const okD = Buffer.compare(Buffer.from(d), utf8) === 0 && core.gbk.decode(gbk) === text;
    const okE = Buffer.compare(Buffer.from(e), gbk) === 0 && Buffer.compare(Buffer.from(core.gbk.encode(text)), gbk) === 0;
    checks.push({ check: 'GBK op 10 decode == iconv-lite (bytes and string)', ok: okD });
    checks.push({ check: 'GBK op 11 encode == iconv-lite', ok: okE });
    ok = okD && okE;
    if (!ok) reason = 'wasm output differs from iconv-lite';
  } catch (e) { ok = false; reason = e.message; checks.push({ check: 'GBK ops 10/11', ok: false, error: reason }); }
  const exG = instantiate(module);
  const vs = [
    { key: 'iconvDec', fn: () => iconv.decode(gbk, 'gbk') },
    { key: 'iconvEnc', fn: () => iconv.encode(text, 'gbk') },
  ];
  if (ok) vs.push(
    { key: 'hostDec', fn: () => core.gbk.decode(gbk) },
    { key: 'rawDec', fn: () => rawCall(exG, 10, gbk).bytes },
    { key: 'hostEnc', fn: () => core.gbk.encode(text) },
    { key: 'rawEnc', fn: () => rawCall(exG, 11, utf8).bytes },
  );
  const g = await runGroup(vs, { warmup: 5, runs: R(31) });
  const bd = { label: 'iconv.decode(buf, "gbk") → string', stats: g.iconvDec };
  const be = { label: 'iconv.encode(string, "gbk")', stats: g.iconvEnc };
  const mbIn = gbk.length / MB;
  addRow({ id: 'gbk.decode.iconv', section: 'gbk', label: 'iconv-lite decode (GBK → JS string) — baseline', stats: g.iconvDec, baseline: bd, amount: mbIn, unit: 'MB/s' });
  if (ok) {
    addRow({ id: 'gbk.decode.host', section: 'gbk', label: 'wasm via host API: gbk.decode (GBK → string)', stats: g.hostDec, baseline: bd, amount: mbIn, unit: 'MB/s' });
    addRow({ id: 'gbk.decode.raw', section: 'gbk', label: 'wasm core only: op 10 (GBK → UTF-8 bytes), raw ABI', stats: g.rawDec, baseline: bd, amount: mbIn, unit: 'MB/s' });
  } else unavailable('gbk', [['gbk.decode.raw', 'wasm: op 10', null]], reason);
  addRow({ id: 'gbk.encode.iconv', section: 'gbk', label: 'iconv-lite encode (JS string → GBK) — baseline', stats: g.iconvEnc, baseline: be, amount: mbIn, unit: 'MB/s', note: 'MB/s of the GBK size' });
  if (ok) {
    addRow({ id: 'gbk.encode.host', section: 'gbk', label: 'wasm via host API: gbk.encode (string → GBK)', stats: g.hostEnc, baseline: be, amount: mbIn, unit: 'MB/s', note: 'MB/s of the GBK size' });
    addRow({ id: 'gbk.encode.raw', section: 'gbk', label: 'wasm core only: op 11 (UTF-8 bytes → GBK), raw ABI', stats: g.rawEnc, baseline: be, amount: mbIn, unit: 'MB/s', note: 'MB/s of the GBK size' });
  } else unavailable('gbk', [['gbk.encode.raw', 'wasm: op 11', null]], reason);
}

// ======================================================================================================
// 6. SOAP 1.1 + .NET DataSet (ops 33/34) and the settlement-list rules (op 80)
// ======================================================================================================
if (want('soap')) {
  log('[6/6] SOAP / DataSet, settlement-list check ...');
  const NROWS = 5000;
  const { msg, xml } = genSoapDataSet(NROWS, 34);
  const msgBytes = enc.encode(JSON.stringify(msg));
  const table = msg.value.GetFymxResult.$dataset.tables[0];
  inputs.soap = { rows: NROWS, columns: table.columns.length, envelope_utf8_bytes: xml.length, sha256_16: sha(xml), message_json_bytes: msgBytes.length, seed: 34 };
  if (DUMP) writeFileSync(outDir + 'soap-dataset.xml', xml);
  const td = new TextDecoder();
  const te = new TextEncoder();

  // -- JS baselines: fast-xml-parser both ways
  const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false, trimValues: false });
  const arr = (x) => (x == null ? [] : Array.isArray(x) ? x : [x]);
  // the reply read the JS way: parse, take the columns from the inline xs:schema and the rows from the diffgram
  const jsRows = (b) => {
    const body = parser.parse(td.decode(b)).Envelope.Body;
    const result = body[Object.keys(body)[0]].GetFymxResult;
    const dsEl = result.schema.element;
    const tableEl = arr(dsEl.complexType.choice.element)[0];
    const cols = arr(tableEl.complexType.sequence.element).map((c) => c['@_name']);
    return arr(result.diffgram[dsEl['@_name']][tableEl['@_name']]).map((r) => {
      const o = {};
      for (const c of cols) o[c] = r[c] === undefined ? null : r[c];
      return o;
    });
  };
  const wasmRows = (out) => JSON.parse(td.decode(out)).value.GetFymxResult.$dataset.tables[0].rows;
  const builder = new XMLBuilder({ ignoreAttributes: false, format: false, suppressEmptyNode: true, suppressBooleanAttributes: false });
  const NS_MSDATA = 'urn:schemas-microsoft-com:xml-msdata';
  const fxpDataSet = (ds) => {
    const data = { '@_xmlns': '' };
    for (const t of ds.tables) {
      data[t.name] = t.rows.map((r, i) => {
        const o = { '@_diffgr:id': `${t.name}${i + 1}`, '@_msdata:rowOrder': String(i) };
        for (const c of t.columns) if (r[c.name] != null) o[c.name] = r[c.name];
        return o;
      });
    }
    const tables = ds.tables.map((t) => ({
      '@_name': t.name,
      'xs:complexType': { 'xs:sequence': { 'xs:element': t.columns.map((c) => ({ '@_name': c.name, '@_type': `xs:${c.type ?? 'string'}`, '@_minOccurs': '0' })) } },
    }));
    return {
      'xs:schema': {
        '@_id': ds.name, '@_xmlns': '', '@_xmlns:xs': 'http://www.w3.org/2001/XMLSchema', '@_xmlns:msdata': NS_MSDATA,
        'xs:element': { '@_name': ds.name, '@_msdata:IsDataSet': 'true', '@_msdata:UseCurrentLocale': 'true', 'xs:complexType': { 'xs:choice': { '@_minOccurs': '0', '@_maxOccurs': 'unbounded', 'xs:element': tables } } },
      },
      'diffgr:diffgram': { '@_xmlns:msdata': NS_MSDATA, '@_xmlns:diffgr': 'urn:schemas-microsoft-com:xml-diffgram-v1', [ds.name]: data },
    };
  };
  // the SoapValue mapping of op 33 (string, null = xsi:nil, object, array = repeated element, $dataset)
  const fxpValue = (v) => {
    if (v === null) return { '@_xsi:nil': 'true' };
    if (typeof v === 'string') return v;
    if (v.$dataset) return fxpDataSet(v.$dataset);
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = Array.isArray(x) ? x.map(fxpValue) : fxpValue(x);
    return o;
  };
  const jsEnvelope = (m) => te.encode(builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' },
    'soap:Envelope': {
      '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', '@_xmlns:xsd': 'http://www.w3.org/2001/XMLSchema', '@_xmlns:soap': 'http://schemas.xmlsoap.org/soap/envelope/',
      'soap:Body': { [m.name]: { '@_xmlns': m.ns, ...fxpValue(m.value) } },
    },
  }));

  // -- correctness: both decoders give the same rows; both encoders' envelopes decode (op 34) to the message
  const jsR = jsRows(xml);
  const okJs = isDeepStrictEqual(jsR, table.rows);
  checks.push({ check: 'SOAP baseline: fast-xml-parser rows == the generated rows', ok: okJs, rows: jsR.length });
  if (!okJs) { console.error('ABORT: the JS SOAP baseline does not read the generated rows'); process.exit(1); }
  const jsEnv = jsEnvelope(msg);
  let decOk = false, encOk = false, reason = '';
  try {
    const out = checkCall(34, xml);
    const okRows = isDeepStrictEqual(wasmRows(out), jsR);
    const okMsg = isDeepStrictEqual(JSON.parse(td.decode(out)), msg);
    checks.push({ check: 'SOAP op 34 decode: rows == fast-xml-parser rows, whole message == the generated message', ok: okRows && okMsg, json_bytes: out.length });
    decOk = okRows && okMsg;
    if (!decOk) reason = 'op 34 output differs (see checks)';
    const jsBack = JSON.parse(td.decode(checkCall(34, jsEnv)));
    checks.push({ check: 'SOAP baseline: the XMLBuilder envelope decodes (op 34) to the message', ok: isDeepStrictEqual(jsBack, msg), out_bytes: jsEnv.length });
    const env = checkCall(33, msgBytes);
    const back = JSON.parse(td.decode(checkCall(34, env)));
    encOk = isDeepStrictEqual(back, msg);
    checks.push({ check: 'SOAP op 33 encode: the envelope decodes (op 34) back to the input message', ok: encOk, out_bytes: env.length });
    // not required, but the generator writes the .NET ASMX layout: op 33 should reproduce it byte for byte
    checks.push({ check: 'SOAP op 33 output byte-identical to the generated ASMX envelope', ok: Buffer.compare(Buffer.from(env), xml) === 0 });
    if (!encOk) reason ||= 'op 33 output does not decode back to the message';
  } catch (e) {
    reason = e instanceof CoreUnavailable ? `ops 33/34 still stubs (${e.message})` : `wasm error: ${e.message}`;
    checks.push({ check: 'SOAP ops 33/34', ok: false, error: reason });
  }

  const exS = instantiate(module);
  const vs = [
    { key: 'jsDec', fn: () => jsRows(xml) },
    { key: 'jsEnc', fn: () => jsEnvelope(msg) },
  ];
  if (decOk) vs.push(
    { key: 'wasmDec', fn: () => rawCall(exS, 34, xml).bytes },
    { key: 'wasmDecRows', fn: () => wasmRows(rawCall(exS, 34, xml).bytes) },
  );
  if (encOk) vs.push(
    { key: 'wasmEnc', fn: () => rawCall(exS, 33, msgBytes).bytes },
    { key: 'wasmEncObj', fn: () => rawCall(exS, 33, te.encode(JSON.stringify(msg))).bytes },
  );
  const g = await runGroup(vs, { warmup: 3, runs: R(21) });
  const mb = xml.length / MB;
  const bd = { label: 'TextDecoder + fast-xml-parser XMLParser + walk to row objects', stats: g.jsDec };
  const be = { label: 'SoapMessage → XMLBuilder tree → build + TextEncoder', stats: g.jsEnc };
  addRow({ id: 'soap.decode.js', section: 'soap', label: 'JS: TextDecoder → XMLParser → columns from xs:schema, rows from the diffgram — baseline', stats: g.jsDec, baseline: bd, amount: mb, unit: 'MB/s' });
  if (decOk) {
    addRow({ id: 'soap.decode.wasm', section: 'soap', label: 'wasm: op 34 soap_decode (envelope → SoapMessage JSON), raw ABI', stats: g.wasmDec, baseline: bd, amount: mb, unit: 'MB/s' });
    addRow({ id: 'soap.decode.wasm.rows', section: 'soap', label: '  (detail) op 34 + TextDecoder + JSON.parse → row objects (what a JS caller gets)', stats: g.wasmDecRows, baseline: bd, amount: mb, unit: 'MB/s' });
  } else unavailable('soap', [['soap.decode.wasm', 'wasm: op 34 soap_decode, raw ABI', null]], reason);
  addRow({ id: 'soap.encode.js', section: 'soap', label: 'JS: SoapMessage → XMLBuilder tree → build → TextEncoder — baseline', stats: g.jsEnc, baseline: be, amount: mb, unit: 'MB/s', note: 'MB/s of the envelope size' });
  if (encOk) {
    addRow({ id: 'soap.encode.wasm', section: 'soap', label: 'wasm: op 33 soap_encode (SoapMessage JSON → envelope), raw ABI', stats: g.wasmEnc, baseline: be, amount: mb, unit: 'MB/s', note: 'MB/s of the envelope size' });
    addRow({ id: 'soap.encode.wasm.obj', section: 'soap', label: '  (detail) JSON.stringify + TextEncoder + op 33 (from the message object)', stats: g.wasmEncObj, baseline: be, amount: mb, unit: 'MB/s', note: 'MB/s of the envelope size' });
  } else unavailable('soap', [['soap.encode.wasm', 'wasm: op 33 soap_encode, raw ABI', null]], reason);

  // -- op 80: a complete, valid 4101 inpatient list against the built-in national rules
  const list = JSON.parse(readFileSync(fileURLToPath(new URL('../core-asm/rules/examples/4101-inpatient.json', import.meta.url)), 'utf8'));
  const slistBytes = enc.encode(JSON.stringify({ list }));
  const noRulesBytes = enc.encode(JSON.stringify({ list, rules: [] }));
  inputs.slist = { list: 'core-asm/rules/examples/4101-inpatient.json', json_bytes: slistBytes.length, sha256_16: sha(slistBytes) };
  let slOk = false, slReason = '';
  try {
    const res = JSON.parse(td.decode(checkCall(80, slistBytes)));
    slOk = res.ok === true && res.violations.length === 0 && res.rules > 0;
    checks.push({ check: 'slist op 80: the example 4101 list passes every built-in rule', ok: slOk, rules: res.rules, violations: res.violations.length });
    inputs.slist.rules = res.rules;
    if (!slOk) slReason = `op 80 found ${res.violations.length} violation(s) in the example list`;
  } catch (e) {
    slReason = e instanceof CoreUnavailable ? `op 80 still a stub (${e.message})` : `wasm error: ${e.message}`;
    checks.push({ check: 'slist op 80', ok: false, error: slReason });
  }
  const slNote = 'no JS baseline: the rules exist only in the core (host-node calls op 80)';
  if (slOk) {
    const g2 = await runGroup(
      [
        { key: 'check', fn: () => rawCall(exS, 80, slistBytes).bytes },
        { key: 'noRules', fn: () => rawCall(exS, 80, noRulesBytes).bytes },
        { key: 'json20', fn: () => rawCall(exS, 20, slistBytes).bytes },
      ],
      { warmup: 20, runs: R(61), inner: 20 },
    );
    addRow({ id: 'soap.slist', section: 'soap', label: 'wasm: op 80 slist_check, complete valid 4101 inpatient list, built-in national rules, raw ABI', stats: g2.check, amount: 1, unit: 'lists/s', note: slNote });
    addRow({ id: 'soap.slist.norules', section: 'soap', label: '  (detail) op 80 with `rules: []`: built-in document loaded, no rule run', stats: g2.noRules, amount: 1, unit: 'lists/s', note: 'the fixed cost of a call: qc.ts UTF-8-encodes, parses and loads the embedded rule document (labels, code tables) on every call' });
    addRow({ id: 'soap.slist.json20', section: 'soap', label: '  (detail) op 20 JSON validate + re-print of the same input only', stats: g2.json20, amount: 1, unit: 'lists/s', note: 'reading the list itself is a small part of op 80' });
  } else unavailable('soap', [['soap.slist', 'wasm: op 80 slist_check, raw ABI', null]], slReason);
}

// ======================================================================================================
// report
// ======================================================================================================
const fmtNum = (x) => {
  if (x == null || !Number.isFinite(x)) return '—';
  if (x >= 1e6) return (x / 1e6).toFixed(2) + ' M';
  if (x >= 1e4) return (x / 1e3).toFixed(0) + ' k';
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
};
const fmtMs = (x) => (x == null ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const fmtRatio = (r) => {
  if (r.ratio == null) return '—';
  if (r.id.endsWith('.trivial') || r.id.endsWith('oracle') || r.id.endsWith('.js') || r.id.endsWith('.v8') || r.id.endsWith('iconv')) return '1 (baseline)';
  if (r.unit === 'ms' && r.ratio < 1) return `${r.ratio.toFixed(3)}× (${(1 / r.ratio).toFixed(0)}× the time)`;
  return `${r.ratio >= 10 ? r.ratio.toFixed(1) : r.ratio.toFixed(2)}×`;
};
const SECTIONS = { presettle: '1. Pre-settlement, 5,000-line inpatient bill', xml: '2. GBK XML parse + print (~1 MB)', json: '3. JSON parse + print (~1 MB)', inst: '4. Module instantiate', gbk: '5. GBK decode / encode (~1 MB Chinese text)', soap: '6. SOAP 1.1 + .NET DataSet (5,000 rows × 12 columns, ~1.45 MB) and settlement-list check' };

const lines = [];
lines.push('| Benchmark | Median | Throughput | Speed vs baseline | Target | Reached |');
lines.push('|---|---:|---:|---:|---|---|');
let lastSection = '';
for (const r of rows) {
  if (r.section !== lastSection) { lines.push(`| **${SECTIONS[r.section]}** | | | | | |`); lastSection = r.section; }
  if (!r.available) { lines.push(`| ${r.label} | — | — | — | ${r.target ?? ''} | ${r.note} |`); continue; }
  const thr = r.throughput != null ? `${fmtNum(r.throughput)} ${r.unit}` : `${fmtMs(r.median_ms)} ms`;
  const met = r.met == null ? '' : r.met ? 'yes' : 'no';
  lines.push(`| ${r.label.trim()} | ${fmtMs(r.median_ms)} ms | ${thr} | ${fmtRatio(r)} | ${r.target ?? ''} | ${met} |`);
}
const table = lines.join('\n');
console.log(table);
console.log('\nSpeed vs baseline = baseline median time / this median time (> 1: faster than the baseline; for instantiate rows < 1 means slower).');
console.log('Noise (interquartile range / median) per row is in results.json (iqr_rel).');
console.log('\nchecks:');
const isStub = (c) => /stub|UNKNOWN_OP/.test(c.error ?? '');
for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : isStub(c) ? 'n/a ' : 'FAIL'} ${c.check}${c.error ? ' — ' + c.error : ''}`);
const elapsed = (Date.now() - t0) / 1000;
console.log(`\nharness time ${elapsed.toFixed(1)} s (sink ${sink > 0 ? 'ok' : '0'})`);

const results = {
  date: new Date().toISOString(),
  machine,
  core: { ...version, wasm_path: WASM_PATH, wasm_bytes: bytes.length, wasm_sha256_16: sha(bytes), commit: gitCommit },
  method: { statistic: 'median of timed samples after warm-ups; baselines measured in the same process, samples interleaved', quick: QUICK, MB: 1e6 },
  inputs,
  checks,
  rows,
  table_markdown: table,
  harness_seconds: elapsed,
};
writeFileSync(outDir + 'results.json', JSON.stringify(results, null, 2) + '\n');
console.log(`wrote ${fileURLToPath(new URL('./out/results.json', import.meta.url))}`);
if (checks.some((c) => !c.ok && !isStub(c))) process.exitCode = 1;
