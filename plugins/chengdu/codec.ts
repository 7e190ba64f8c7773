// The Yinhai XML codec of the Chengdu plugin, entirely through the core: control / input XML printed as
// GBK by core.codec.xml.print, output XML parsed from the DLL's GBK bytes by core.codec.xml.parse
// (`<row>` always a list). The canonical model keeps the document and turns money fields into integer
// fen; encoding back writes them as yuan text again.
import type { Core, XmlJson } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { fenToYuan, yuanToFen } from '../../host-node/src/money.js';
import { decodeGbkLenient } from '../../legacy-com-bridge/src/gbk.js';

/** An element value as the core maps it: text, an object of children (and @attributes), or a list. */
export type XmlValue = string | number | null | XmlObject | XmlValue[];
export interface XmlObject {
  [name: string]: XmlValue;
}

/**
 * Money fields (yuan text on the wire, 2 or 4 places; fen in the canonical model): totals of 11/52/110
 * (yka055 总额, yka056 全自费, yka057 先行自付, yka111 符合范围, yka065 账户支付, yka107 社保支付, ykh012 现金),
 * thresholds of 21 (yka115 起付线, yka119), fund rows (yka058) and balances (ykc194). Prices (akc225),
 * quantities (akc226), ratios (yka096, ykc125) and the 限价 (yka299) stay decimal text.
 */
export const AMOUNT_FIELDS = new Set(['yka055', 'yka056', 'yka057', 'yka111', 'yka065', 'yka107', 'ykh012', 'yka115', 'yka119', 'yka058', 'ykc194']);

/** A parsed document: its root name (`control`, `data`, `output`) and value. */
export interface YinhaiDoc {
  root: string;
  value: XmlValue;
}

/** GBK XML bytes of {root: value} (declaration `encoding="GBK" standalone="yes"`, empty elements `<x></x>`). */
export function printXml(core: Core, root: string, value: XmlValue): Uint8Array {
  return core.codec.xml.print({ [root]: value } as XmlJson);
}

/**
 * Parses XML from vendor code. Bytes are read by their declaration (GBK); a document with invalid GBK
 * bytes is read once more after a lenient decode (bad bytes → U+FFFD) so that a reply is never lost.
 */
export function parseXml(core: Core, xml: Uint8Array | string): YinhaiDoc {
  let doc: XmlJson;
  try {
    doc = core.codec.xml.parse(xml);
  } catch (e) {
    const y = e as YibaoError;
    if (typeof xml === 'string' || y.code !== 'GBK_INVALID') throw e;
    const text = decodeGbkLenient(core, xml).text.replace(/^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])/i, '$1UTF-8$2');
    doc = core.codec.xml.parse(new TextEncoder().encode(text));
  }
  const keys = Object.keys(doc);
  if (keys.length !== 1) throw YibaoError.host('BAD_REPLY', 'XML document without a single root');
  return { root: keys[0], value: doc[keys[0]] as XmlValue };
}

const DEC = /^\s*-?\d+(\.\d+)?\s*$/;

/** Canonical form of a value: money fields → fen (when exact), everything else verbatim. */
export function toCanonical(v: XmlValue, key = ''): XmlValue {
  if (Array.isArray(v)) return v.map((x) => toCanonical(x, key));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCanonical(x, k)]));
  if (typeof v === 'string' && AMOUNT_FIELDS.has(key) && DEC.test(v)) {
    try {
      return yuanToFen(v.trim(), key);
    } catch {
      return v; // more than two non-zero decimals: not money in fen, keep the text
    }
  }
  return v;
}

/** Wire form of a canonical value: fen → yuan text with 2 places. */
export function fromCanonical(v: XmlValue, key = ''): XmlValue {
  if (Array.isArray(v)) return v.map((x) => fromCanonical(x, key));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromCanonical(x, k)]));
  if (typeof v === 'number' && AMOUNT_FIELDS.has(key)) return fenToYuan(v);
  return v;
}

/** A sample (control / input / output XML) → the canonical model. */
export function decodeDoc(core: Core, xml: Uint8Array | string): YinhaiDoc {
  const d = parseXml(core, xml);
  return { root: d.root, value: toCanonical(d.value) };
}

/** The canonical model → GBK XML. */
export function encodeDoc(core: Core, d: YinhaiDoc): Uint8Array {
  return printXml(core, d.root, fromCanonical(d.value));
}

// ---- reading outputs --------------------------------------------------------------------------------

/** The object form of an element value ("" or text → {}). */
export function obj(v: XmlValue | undefined): XmlObject {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

/** Text of a child (numbers as their text, missing → ""). */
export function text(o: XmlObject, k: string): string {
  const v = o[k];
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  return '';
}

/** Fen of a money child of a canonical object (already fen, or decimal text). */
export function fen(o: XmlObject, k: string): number {
  const v = o[k];
  if (typeof v === 'number') return v;
  return yuanToFen(typeof v === 'string' ? v.trim() : '', k);
}

/** The `<row>` list of a container element (`<grzhye><row>…</row></grzhye>`), [] when absent. */
export function rows(o: XmlObject, container: string): XmlObject[] {
  const c = o[container];
  if (!c || typeof c !== 'object' || Array.isArray(c)) return [];
  const r = (c as XmlObject).row;
  return Array.isArray(r) ? (r.filter((x) => x && typeof x === 'object' && !Array.isArray(x)) as XmlObject[]) : [];
}

/** Builds `<container><row>…</row>…</container>` values. */
export const rowsOf = (list: XmlObject[]): XmlObject => ({ row: list });
