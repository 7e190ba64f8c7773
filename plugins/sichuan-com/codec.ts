// Sichuan 2009 COM XML: `<input><prm_xxx>…</prm_xxx>…<dataset><row>…</row></dataset></input>` in GBK,
// answers `<output><prm_xxx>…</prm_xxx>…</output>` (Yinhai 7-arg family). Money fields are decimal yuan on
// the wire and integer fen in yibao; the core's XML codec does the GBK and the escaping.
import type { Core } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { fenToYuan, yuanToFen } from '../../host-node/src/money.js';
import { TRANSACTIONS, type ScTx } from './spec.js';

/** Fields holding money (yuan on the wire, fen in yibao), with or without the prm_ prefix. */
export const MONEY = new Set(['yka055', 'yka056', 'yka057', 'yka111', 'yka115', 'yka107', 'yka432', 'yka434', 'yka065', 'akb067', 'akc087', 'hisfyze', 'yka315']);
const bare = (k: string) => k.replace(/^prm_/, '');
export const isMoney = (k: string) => MONEY.has(bare(k));

export type Fields = Record<string, string | number | undefined | null>;

export function spec(code: string): ScTx {
  const s = TRANSACTIONS[code];
  if (!s) throw YibaoError.host('NOT_SUPPORTED', `sichuan-com: transaction ${code}`);
  return s;
}

function wire(k: string, v: Fields[string], where: string): string {
  if (v === undefined || v === null) return '';
  if (isMoney(k)) {
    if (typeof v !== 'number') throw YibaoError.host('BAD_INPUT', `${where}.${k} is money: give integer fen, got "${v}"`);
    return fenToYuan(v);
  }
  return String(v);
}

/** The input document (JSON form) of a transaction; unknown prm_ names are refused. */
export function inputDoc(code: string, fields: Fields, rows: Fields[] = []): Record<string, unknown> {
  const s = spec(code);
  const known = new Set(s.input);
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (!known.has(k)) throw YibaoError.host('BAD_INPUT', `sichuan-com ${code}: unknown input field ${k} (known: ${s.input.join(', ') || 'none'})`);
    input[k] = wire(k, v, code);
  }
  if (rows.length) {
    if (!s.rows) throw YibaoError.host('BAD_INPUT', `sichuan-com ${code} takes no rows`);
    input.dataset = { row: rows.map((r, i) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, wire(k, v, `${code} row ${i + 1}`)]))) };
  }
  return { input };
}

/** GBK XML bytes of the input. */
export function encodeInput(core: Core, code: string, fields: Fields, rows: Fields[] = []): Uint8Array {
  return core.codec.xml.print(inputDoc(code, fields, rows));
}

export interface Output {
  /** prm_ fields (money in fen; names without the prm_ prefix too) */
  fields: Record<string, string | number>;
  rows: Record<string, string | number>[];
  raw: unknown;
}

function read(k: string, v: unknown, where: string): string | number {
  const s = typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
  if (!isMoney(k)) return s;
  if (s.trim() === '') return 0;
  try {
    return yuanToFen(s.trim(), k);
  } catch (e) {
    throw YibaoError.host('BAD_REPLY', `sichuan-com ${where}: ${k}="${s}" is not an amount`, e);
  }
}

/** Reads an output document (GBK or UTF-8 by its declaration). An empty output is BAD_REPLY. */
export function decodeOutput(core: Core, code: string, bytes: Uint8Array): Output {
  if (!bytes.length) throw YibaoError.host('BAD_REPLY', `sichuan-com ${code}: empty output XML (Yinhai clients treat this as failure)`);
  let doc: Record<string, unknown>;
  try {
    doc = core.codec.xml.parse(bytes);
  } catch (e) {
    throw YibaoError.host('BAD_REPLY', `sichuan-com ${code}: output is not XML: ${(e as Error).message}`, e);
  }
  const root = doc.output;
  if (root === undefined) throw YibaoError.host('BAD_REPLY', `sichuan-com ${code}: root is <${Object.keys(doc)[0]}>, expected <output>`);
  const o = (typeof root === 'object' && root ? root : {}) as Record<string, unknown>;
  const fields: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(o)) if (k !== 'dataset' && typeof v !== 'object') {
    const x = read(k, v, code);
    fields[k] = x;
    fields[bare(k)] = x;
  }
  const ds = o.dataset as { row?: Record<string, unknown>[] } | undefined;
  const rows = (ds && typeof ds === 'object' && Array.isArray(ds.row) ? ds.row : []).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, read(k, v, `${code} row`)])));
  return { fields, rows, raw: doc };
}

/** Output document of a center (the sandbox): fields in the spec order, then the rows. */
export function outputDoc(code: string, fields: Fields, rows: Fields[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = v === undefined || v === null ? '' : isMoney(k) ? fenToYuan(Number(v)) : String(v);
  if (rows.length) out.dataset = { row: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === undefined || v === null ? '' : isMoney(k) ? fenToYuan(Number(v)) : String(v)]))) };
  void code;
  return { output: out };
}
