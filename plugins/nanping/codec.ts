// Nanping INI documents: requests built from named keys (+ the 10-lines-per-item fee detail), replies read
// case-insensitively (the vendor reader upper-cases lines) and checked against the request: the item count,
// each item's code and amount, the total and the split must agree, or the reply is refused (BAD_REPLY).
// GBK and the INI syntax are the core's (op 40/41): values can never smuggle a line break or a section.
import type { Core, IniJson } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { fenToYuan, yuanToFen } from '../../host-node/src/money.js';
import { KEYS, TRANSACTIONS, type NpTx } from './spec.js';

export interface DetailItem {
  /** 医保项目编号 */
  code: string;
  /** 是否医保 Y/N */
  yb: 'Y' | 'N';
  /** 发票项目 (name of the invoice item) */
  invoice: string;
  name: string;
  spec?: string;
  unit?: string;
  /** 单价, decimal text (written with 4 places) */
  price: string;
  /** 数量, decimal text (written with 2 places) */
  qty: string;
  /** 金额 in fen (written as yuan with 2 places) */
  amount: number;
  doctor?: string;
}

export interface ReplyItem extends DetailItem {
  /** 自付比例 0–1 (decimal text) */
  selfpay_ratio: string;
}

export interface NpReply {
  section: string;
  success: boolean;
  error: string;
  /** keys as the reply spelled them, looked up case-insensitively through get() */
  keys: Record<string, string>;
  get(key: string): string;
  /** money key in fen (0 when absent/empty) */
  fen(key: string): number;
  items: ReplyItem[];
  /** [yb0000] / [fyb000] invoice items: name → fen */
  invoices: { yb: Record<string, number>; fyb: Record<string, number> };
  doc: IniJson;
}

const gbkLen = (core: Core, s: string) => core.gbk.encode(s).length;

function checkValue(core: Core, key: string, v: string, where: string): string {
  if (/[\r\n]/.test(v)) throw YibaoError.host('BAD_INPUT', `${where}.${key}: line breaks are not allowed`);
  const t = v.trim();
  const fmt = KEYS[key]?.[1] ?? '';
  const c = /^C(\d+)$/.exec(fmt);
  if (c && t && gbkLen(core, t) > Number(c[1])) throw YibaoError.host('BAD_INPUT', `${where}.${key} (${KEYS[key]![0]}) is ${gbkLen(core, t)} GBK bytes, the spec allows ${c[1]}: "${t}"`);
  if (/^N/.test(fmt) && t && !/^-?\d+(\.\d+)?$/.test(t)) throw YibaoError.host('BAD_INPUT', `${where}.${key} (${KEYS[key]![0]}) is not a number: "${t}"`);
  return t;
}

/** Decimal text with exactly `places` decimals; refuses more significant decimals than that (never rounds). */
export function fixed(text: string, places: number, what: string): string {
  const t = String(text).trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) throw YibaoError.host('BAD_INPUT', `${what}: "${t}" is not a decimal`);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > places) throw YibaoError.host('BAD_INPUT', `${what}: "${t}" has more than ${places} decimals`);
  return `${m[1]}${m[2]!.replace(/^0+(?=\d)/, '')}${places ? '.' + frac.padEnd(places, '0') : ''}`;
}

function detailLines(core: Core, it: DetailItem, i: number): string[] {
  const where = `item ${i + 1}`;
  if (it.amount < 0) throw YibaoError.host('BAD_INPUT', `${where}: negative amounts are refused by the Nanping interface (use 冲销)`);
  const text = (v: string | undefined, what: string) => {
    const t = (v ?? '').trim() || '无';
    if (/[\r\n=]/.test(t) || t.startsWith('[')) throw YibaoError.host('BAD_INPUT', `${where}.${what}: "${t}" cannot be a detail line`);
    return t;
  };
  void core;
  return [
    text(it.code, '医保项目编号'), it.yb, text(it.invoice, '发票项目'), text(it.name, '名称'), text(it.spec, '规格'), text(it.unit, '单位'),
    fixed(it.price, 4, `${where}.单价`), fixed(it.qty, 2, `${where}.数量`), fenToYuan(it.amount), text(it.doctor, '医生'),
  ];
}

/** The request document of a transaction (JSON form, before GBK). */
export function requestDoc(core: Core, txName: string, values: Record<string, string>, items: DetailItem[] = [], extra: Record<string, string> = {}): IniJson {
  const tx = TRANSACTIONS[txName];
  if (!tx) throw YibaoError.host('NOT_SUPPORTED', `nanping: transaction ${txName}`);
  const known = new Set(tx.request);
  for (const k of Object.keys(values)) if (!known.has(k)) throw YibaoError.host('BAD_INPUT', `nanping ${txName}: unknown key ${k} (keys: ${tx.request.join(', ') || 'none'})`);
  const sec: Record<string, string> = { Request: 'TRUE' };
  if (tx.resultKeys) {
    sec.Success = '';
    sec.Error = '';
  }
  for (const k of tx.request) sec[k] = checkValue(core, k, values[k] ?? '', txName);
  for (const [k, v] of Object.entries(extra)) sec[k] = checkValue(core, k, v, txName);
  const doc: IniJson = { [tx.section]: sec };
  if (tx.detail) {
    if (String(items.length) !== sec.Cfxms0) throw YibaoError.host('BAD_INPUT', `nanping ${txName}: Cfxms0=${sec.Cfxms0} but ${items.length} items`);
    if (items.length) doc[tx.detail] = items.flatMap((it, i) => detailLines(core, it, i));
  } else if (items.length) throw YibaoError.host('BAD_INPUT', `nanping ${txName} takes no fee detail`);
  return doc;
}

/** GBK bytes of the request (CRLF lines, the core's INI printer). */
export function encodeRequest(core: Core, txName: string, values: Record<string, string>, items: DetailItem[] = [], extra: Record<string, string> = {}): Uint8Array {
  return core.codec.ini.print(requestDoc(core, txName, values, items, extra));
}

function lowerMap(o: Record<string, string>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(o)) m.set(k.toLowerCase(), v);
  return m;
}

function sectionOf(doc: IniJson, name: string): Record<string, string> | string[] | undefined {
  for (const [k, v] of Object.entries(doc)) if (k.toLowerCase() === name.toLowerCase()) return v;
  return undefined;
}

/** Reply not (yet) usable: no Reply=TRUE (still being written) — the caller polls again. */
export class ReplyIncomplete extends Error {}

function fenOf(text: string, what: string): number {
  const t = text.trim();
  if (!t) return 0;
  try {
    return yuanToFen(t, what);
  } catch (e) {
    throw YibaoError.host('BAD_REPLY', `nanping reply: ${what}="${text}" is not an amount`, e);
  }
}

/** Parses reply bytes. ReplyIncomplete when it is not complete (no Reply=TRUE or unparsable: written right now). */
export function decodeReply(core: Core, txName: string, bytes: Uint8Array): NpReply {
  const tx: NpTx | undefined = TRANSACTIONS[txName];
  if (!tx) throw YibaoError.host('NOT_SUPPORTED', `nanping: transaction ${txName}`);
  let doc: IniJson;
  try {
    doc = core.codec.ini.parse(bytes);
  } catch (e) {
    throw new ReplyIncomplete(`Reply.txt is not a complete INI document yet: ${(e as Error).message}`);
  }
  const first = Object.keys(doc)[0];
  const main = sectionOf(doc, tx.section);
  if (!main || Array.isArray(main)) {
    if (first !== undefined && first.toLowerCase() !== tx.section.toLowerCase()) {
      throw YibaoError.host('BAD_REPLY', `nanping ${txName}: Reply.txt answers [${first}], not [${tx.section}]`);
    }
    throw new ReplyIncomplete(`Reply.txt has no [${tx.section}] section yet`);
  }
  const keys = lowerMap(main);
  if ((keys.get('reply') ?? '').toUpperCase() !== 'TRUE') throw new ReplyIncomplete('Reply.txt has no Reply=TRUE yet');
  const get = (k: string) => keys.get(k.toLowerCase()) ?? '';
  const items: ReplyItem[] = [];
  if (tx.detail) {
    const lines = sectionOf(doc, tx.detail);
    if (lines !== undefined) {
      if (!Array.isArray(lines)) throw YibaoError.host('BAD_REPLY', `nanping ${txName}: [${tx.detail}] must be lines, not keys`);
      if (lines.length % 11 !== 0) throw YibaoError.host('BAD_REPLY', `nanping ${txName}: [${tx.detail}] has ${lines.length} lines, not a multiple of 11 (10 detail lines + 自付比例 per item)`);
      for (let i = 0; i < lines.length; i += 11) {
        const l = lines.slice(i, i + 11);
        const ratio = l[10]!;
        if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(ratio)) throw YibaoError.host('BAD_REPLY', `nanping ${txName}: item ${i / 11 + 1} 自付比例 "${ratio}" is not between 0 and 1`);
        items.push({
          code: l[0]!, yb: l[1] === 'N' ? 'N' : 'Y', invoice: l[2]!, name: l[3]!, spec: l[4], unit: l[5], price: l[6]!, qty: l[7]!,
          amount: fenOf(l[8]!, `item ${i / 11 + 1} 金额`), doctor: l[9], selfpay_ratio: ratio,
        });
      }
    }
  }
  const inv = (name: string): Record<string, number> => {
    const s = sectionOf(doc, name);
    if (!s || Array.isArray(s)) return {};
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, fenOf(v, `[${name}] ${k}`)]));
  };
  return {
    section: tx.section, success: get('Success').toUpperCase() === 'TRUE', error: get('Error'), keys: main, get,
    fen: (k) => fenOf(get(k), k), items, invoices: { yb: inv('yb0000'), fyb: { ...inv('fyb000'), ...inv('fyb0000') } }, doc,
  };
}

/**
 * The seed's rule 4: compare what came back with what was sent (处方数目、明细、总金额). Any difference is
 * BAD_REPLY — a charging reply that does not describe exactly the bill we sent is never accepted.
 */
export function checkReply(txName: string, r: NpReply, sent: DetailItem[]): void {
  const tx = TRANSACTIONS[txName]!;
  if (!r.success) return;
  const fail = (why: string) => {
    throw YibaoError.host('BAD_REPLY', `nanping ${txName}: ${why} — reply refused`);
  };
  if (tx.detail) {
    const total = sent.reduce((a, x) => a + x.amount, 0);
    if (r.items.length !== sent.length) fail(`sent ${sent.length} items, the reply has ${r.items.length}`);
    r.items.forEach((it, i) => {
      const s = sent[i]!;
      if (it.code !== s.code) fail(`item ${i + 1} code ${it.code} ≠ sent ${s.code}`);
      if (it.amount !== s.amount) fail(`item ${i + 1} (${s.code}) amount ${fenToYuan(it.amount)} ≠ sent ${fenToYuan(s.amount)}`);
    });
    const bcbxf = r.fen('Bcbxf0');
    if (bcbxf !== total) fail(`Bcbxf0 总费用 ${fenToYuan(bcbxf)} ≠ sent total ${fenToYuan(total)}`);
    const split = r.fen('Zhzfe0') + r.fen('Grzfe0') + r.fen('Jjzfe0') + r.fen('sbzfje');
    if (split !== bcbxf) fail(`Zhzfe0 + Grzfe0 + Jjzfe0 + sbzfje = ${fenToYuan(split)} ≠ Bcbxf0 ${fenToYuan(bcbxf)}`);
    const invoices = [...Object.values(r.invoices.yb), ...Object.values(r.invoices.fyb)];
    if (invoices.length) {
      const inv = invoices.reduce((a, x) => a + x, 0);
      if (inv !== total) fail(`invoice items [yb0000]+[fyb000] = ${fenToYuan(inv)} ≠ sent total ${fenToYuan(total)}`);
    }
  }
}

/** Reply document of a center (the sandbox responder): main section + invoice sections + 11-line detail. */
export function replyDoc(core: Core, txName: string, ok: boolean, error: string, values: Record<string, string>, items: ReplyItem[] = [], invoices?: { yb: Record<string, number>; fyb: Record<string, number> }): IniJson {
  const tx = TRANSACTIONS[txName];
  if (!tx) throw new Error(`unknown transaction ${txName}`);
  const sec: Record<string, string> = { Reply: 'TRUE', Success: ok ? 'TRUE' : 'FALSE', Error: error.replace(/[\r\n]/g, ' ') };
  if (ok) for (const k of tx.reply) if (values[k] !== undefined) sec[k] = values[k]!.replace(/[\r\n]/g, ' ').trim();
  const doc: IniJson = { [tx.section]: sec };
  if (ok && invoices) {
    if (Object.keys(invoices.yb).length) doc.yb0000 = Object.fromEntries(Object.entries(invoices.yb).map(([k, v]) => [k, fenToYuan(v)]));
    if (Object.keys(invoices.fyb).length) doc.fyb000 = Object.fromEntries(Object.entries(invoices.fyb).map(([k, v]) => [k, fenToYuan(v)]));
  }
  if (ok && tx.detail && items.length) doc[tx.detail] = items.flatMap((it, i) => [...detailLines(core, it, i), it.selfpay_ratio]);
  return doc;
}

/** Reads a request document (the sandbox responder): section name, keys (case-insensitive) and items. */
export function readRequest(doc: IniJson): { tx: string; get: (k: string) => string; items: DetailItem[]; request: boolean } {
  const first = Object.keys(doc)[0] ?? '';
  const txName = Object.keys(TRANSACTIONS).find((t) => t === first.toLowerCase());
  if (!txName) throw new Error(`未知的业务【${first}】`);
  const main = doc[first];
  if (!main || Array.isArray(main)) throw new Error(`[${first}] 应为 key=value 行`);
  const keys = lowerMap(main);
  const tx = TRANSACTIONS[txName]!;
  const items: DetailItem[] = [];
  if (tx.detail) {
    const lines = sectionOf(doc, tx.detail);
    if (lines !== undefined) {
      if (!Array.isArray(lines) || lines.length % 10 !== 0) throw new Error(`[${tx.detail}] 每个收费项目应为10行`);
      for (let i = 0; i < lines.length; i += 10) {
        const l = lines.slice(i, i + 10);
        const amount = l[8]!;
        if (!/^\d+(\.\d{1,2})?$/.test(amount)) throw new Error(`第${i / 10 + 1}个收费项目金额【${amount}】无效（不能为负数）`);
        items.push({ code: l[0]!, yb: l[1] === 'N' ? 'N' : 'Y', invoice: l[2]!, name: l[3]!, spec: l[4], unit: l[5], price: l[6]!, qty: l[7]!, amount: yuanToFen(amount), doctor: l[9] });
      }
    }
  }
  return { tx: txName, get: (k) => keys.get(k.toLowerCase()) ?? '', items, request: (keys.get('request') ?? '').toUpperCase() === 'TRUE' };
}
