// Wire helpers of the sandbox center: exact decimals (BigInt, never floats), a JSON writer that prints
// money from integer fen by string formatting, and China-time (UTC+8) timestamps.

/** A JSON number written verbatim (validated decimal text). */
export class RawNum {
  readonly text: string;
  constructor(text: string) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a decimal: ${text}`);
    this.text = text;
  }
}

export type J = string | number | boolean | null | undefined | RawNum | J[] | { [k: string]: J };
export type JObj = { [k: string]: J };

/** Integer fen → "12.34" / "-0.05" (string formatting only). */
export function fmtFen(fen: number | bigint): string {
  let n = typeof fen === 'bigint' ? fen : BigInt(checkFen(fen));
  const neg = n < 0n;
  if (neg) n = -n;
  const yuan = n / 100n;
  const cents = (n % 100n).toString().padStart(2, '0');
  return `${neg ? '-' : ''}${yuan}.${cents}`;
}

function checkFen(fen: number): number {
  if (!Number.isSafeInteger(fen)) throw new Error(`amount is not an integer number of fen: ${fen}`);
  return fen;
}

/** A money value for the JSON writer: a number with exactly two decimals. */
export const money = (fen: number | bigint): RawNum => new RawNum(fmtFen(fen));
/** A decimal (ratio, quantity, price) for the JSON writer, written as its text. */
export const num = (text: string): RawNum => new RawNum(normDecText(text));

/** "0" → "0.00" for ratios; keeps the given decimals otherwise; strips a leading "+". */
export function ratioText(text: string): string {
  const t = normDecText(text);
  return t.includes('.') ? t : `${t}.00`;
}

function normDecText(text: string): string {
  let t = text.trim();
  if (t.startsWith('+')) t = t.slice(1);
  if (t.startsWith('.')) t = `0${t}`;
  if (t.startsWith('-.')) t = `-0${t.slice(1)}`;
  return t;
}

/** Serialises a J value to JSON text. Non-integer JS numbers are refused: money never passes through a float. */
export function toJson(v: J): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof RawNum) return v.text;
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(v)) throw new Error(`refusing to write a non-integer JS number: ${v}`);
      return String(v);
  }
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v)) if (x !== undefined) parts.push(`${JSON.stringify(k)}:${toJson(x)}`);
  return `{${parts.join(',')}}`;
}

// ---------------------------------------------------------------------------------------------------
// Exact decimals

export interface Dec {
  /** value = n / 10^scale */
  n: bigint;
  scale: number;
}

const DEC_RE = /^([+-]?)(\d+)(?:\.(\d+))?$|^([+-]?)\.(\d+)$/;

/** Parses decimal text exactly; null when it is not a plain decimal (no exponents). */
export function parseDec(text: string): Dec | null {
  const m = DEC_RE.exec(text.trim());
  if (!m) return null;
  const sign = m[1] ?? m[4] ?? '';
  const int = m[2] ?? '0';
  const frac = m[3] ?? m[5] ?? '';
  const n = BigInt(int + frac) * (sign === '-' ? -1n : 1n);
  return { n, scale: frac.length };
}

/** Round half away from zero of a/b (b > 0). */
export function rhu(a: bigint, b: bigint): bigint {
  const neg = a < 0n;
  const x = neg ? -a : a;
  let q = x / b;
  if (2n * (x % b) >= b) q += 1n;
  return neg ? -q : q;
}

/** rhu(100 · a · b) in fen for two decimals (price × quantity). */
export function productFen(a: Dec, b: Dec): bigint {
  return rhu(100n * a.n * b.n, 10n ** BigInt(a.scale + b.scale));
}

/** Decimal yuan → fen; null when the text has more than two decimals or is not a decimal. */
export function yuanToFen(text: string): bigint | null {
  const d = parseDec(text);
  if (!d || d.scale > 2) return null;
  return d.n * 10n ** BigInt(2 - d.scale);
}

/** Compares two decimals: -1, 0, 1. */
export function cmpDec(a: Dec, b: Dec): number {
  const s = Math.max(a.scale, b.scale);
  const x = a.n * 10n ** BigInt(s - a.scale);
  const y = b.n * 10n ** BigInt(s - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------
// Time: the center runs on China time (UTC+8) whatever the machine's zone is.

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function cst(d: Date): Date {
  return new Date(d.getTime() + 8 * 3600_000);
}

/** yyyy-MM-dd HH:mm:ss */
export function dt19(d: Date): string {
  const c = cst(d);
  return `${c.getUTCFullYear()}-${pad(c.getUTCMonth() + 1)}-${pad(c.getUTCDate())} ${pad(c.getUTCHours())}:${pad(c.getUTCMinutes())}:${pad(c.getUTCSeconds())}`;
}

/** yyyy-MM-dd */
export const d10 = (d: Date): string => dt19(d).slice(0, 10);

/** yyyyMMddHHmmss */
export const ts14 = (d: Date): string => dt19(d).replace(/[-: ]/g, '');

/** yyyyMMddHHmmssSSS */
export function ts17(d: Date): string {
  return ts14(d) + pad(cst(d).getUTCMilliseconds(), 3);
}

/** Java Date.toString() in CST, as some catalog files carry dates ("Sun Nov 01 00:00:00 CST 2026"). */
export function javaDate(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  const wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][t.getUTCDay()];
  const mo = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1];
  return `${wd} ${mo} ${pad(d)} 00:00:00 CST ${y}`;
}

const DT19_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const D10_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

export function isDt19(s: string): boolean {
  const m = DT19_RE.exec(s);
  return !!m && validYmd(+m[1]!, +m[2]!, +m[3]!) && +m[4]! < 24 && +m[5]! < 60 && +m[6]! < 60;
}

export function isD10(s: string): boolean {
  const m = D10_RE.exec(s);
  return !!m && validYmd(+m[1]!, +m[2]!, +m[3]!);
}

export { validYmd };
