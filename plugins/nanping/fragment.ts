// The only public Nanping sample is FLATTENED: the web page that carried the 2014 document lost its line
// breaks (shared/conformance/samples/nanping/, SOURCES.md). This module rebuilds the INI lines of its
// [mzsf] example so the real codec can decode it, and says exactly what could and could not be checked:
//   - sections: a line break before every `[name]` and after its `]`                        (certain)
//   - keyed lines: a break before every known 6-character key (spec.ts KEYS, any case) and before the
//     invoice names declared in the template part of the same document ([yb0000]西药费=成药费=)      (certain:
//     every value in the example is a digit run or a masked "*******", none contains a key name)
//   - the fee detail: 10 fields with no separator at all. Code (12 digits), Y/N, 发票项目 (2 digits),
//     名称, 规格 "无", 单位 "日" and 医生 are recognisable; the digit run "410004000" (单价, 数量, 金额)
//     can only be split by assuming 单价 × 数量 = 金额 in whole numbers, which gives the unique split
//     4 | 1000 | 4000. The example's own [yb0000] 西药费=2000 does not match 4000, and 住院诊查费 is not
//     西药费: the example values are illustrative, and their unit (yuan or fen?) stays unknown [?].
import type { IniJson } from '../../host-node/src/contract.js';
import { KEYS } from './spec.js';

export interface FragmentItem {
  code: string;
  yb: string;
  invoice: string;
  name: string;
  spec: string;
  unit: string;
  price: string;
  qty: string;
  amount: string;
  doctor: string;
}

export interface DecodedFragment {
  /** the INI text rebuilt from the flattened example (CRLF lines) */
  ini: string;
  /** the example part of the sample, as flattened (what re-flattening must reproduce) */
  flat: string;
  /** invoice names declared by the template part ([yb0000]西药费=成药费=) */
  invoiceNames: string[];
  items: FragmentItem[];
  /** every way the detail digit run could be split under 单价 × 数量 = 金额 (the check that it is unique) */
  numberSplits: string[][];
}

/** The splits of a digit run into price|qty|amount (no leading zeros, non-zero) with price × qty = amount. */
export function productSplits(digits: string): string[][] {
  const out: string[][] = [];
  const okNum = (s: string) => s.length > 0 && !(s.length > 1 && s.startsWith('0')) && s !== '0';
  for (let i = 1; i < digits.length - 1; i++) {
    for (let j = i + 1; j < digits.length; j++) {
      const [a, b, c] = [digits.slice(0, i), digits.slice(i, j), digits.slice(j)];
      if (okNum(a) && okNum(b) && okNum(c) && BigInt(a) * BigInt(b) === BigInt(c)) out.push([a, b, c]);
    }
  }
  return out;
}

export function deflattenFragment(text: string): DecodedFragment {
  const start = text.lastIndexOf('[mzsf]');
  if (start < 0) throw new Error('the fragment has no [mzsf] example');
  const flat = text.slice(start).replace(/\r?\n/g, '').trim();
  // invoice names from the template: "[yb0000]西药费=成药费=[fyb0000]…"
  const tpl = /\[yb0000\]([^[;]*)/.exec(text.slice(0, start));
  const invoiceNames = tpl ? [...tpl[1]!.matchAll(/([^=\s;]+)=/g)].map((m) => m[1]!) : [];
  const keyNames = [...Object.keys(KEYS), ...invoiceNames].sort((a, b) => b.length - a.length);
  const keyRe = new RegExp(`(?=(?:${keyNames.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})=)`, 'gi');
  const lines: string[] = [];
  const items: FragmentItem[] = [];
  let numberSplits: string[][] = [];
  for (const part of flat.split(/(?=\[)/)) {
    const m = /^\[([^\]]+)\](.*)$/.exec(part);
    if (!m) continue;
    const [, name, body] = m;
    lines.push(`[${name}]`);
    if (/mx$/i.test(name!)) {
      const d = /^(\d{12})([YN])(\d{2})(.+?)(无)(日)(\d+)(\D+)$/.exec(body!);
      if (!d) throw new Error(`detail "${body}" does not have the 10 recognisable fields`);
      numberSplits = productSplits(d[7]!);
      if (numberSplits.length !== 1) throw new Error(`detail digits ${d[7]} split ${numberSplits.length} ways`);
      const [price, qty, amount] = numberSplits[0]!;
      const it: FragmentItem = { code: d[1]!, yb: d[2]!, invoice: d[3]!, name: d[4]!, spec: d[5]!, unit: d[6]!, price: price!, qty: qty!, amount: amount!, doctor: d[8]! };
      items.push(it);
      lines.push(it.code, it.yb, it.invoice, it.name, it.spec, it.unit, it.price, it.qty, it.amount, it.doctor);
    } else {
      for (const kv of body!.split(keyRe)) if (kv) lines.push(kv);
    }
  }
  return { ini: lines.map((l) => `${l}\r\n`).join(''), flat, invoiceNames, items, numberSplits };
}

/** Flattens an INI document back the way the web page did (line breaks removed). */
export function flatten(doc: IniJson): string {
  let s = '';
  for (const [name, v] of Object.entries(doc)) {
    s += `[${name}]`;
    if (Array.isArray(v)) s += v.join('');
    else for (const [k, x] of Object.entries(v)) s += `${k}=${x}`;
  }
  return s;
}
