// Exact money arithmetic: integer fen in i64, decimal inputs as (mantissa, scale), 128-bit
// intermediate products, round half away from zero, and overflow as an error (never a wrap).

import { E_BAD_DECIMAL, E_DECIMAL_SCALE, E_OVERFLOW, E_DIVIDE_BY_ZERO, fail } from './errors';

/** Result registers (AssemblyScript has no cheap tuples). */
export let decM: i64 = 0; // mantissa of the last parsed decimal
export let decS: i32 = 0; // its scale (digits after the point)
export let mres: i64 = 0; // result of mulDivRound
let hi: u64 = 0;
let lo: u64 = 0;

/** Sticky overflow flag for checked add/sub in long computations. */
export let overflowed: bool = false;
export function clearOverflow(): void { overflowed = false; }

export const POW10: StaticArray<i64> = [
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
  100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
  10000000000000000, 100000000000000000, 1000000000000000000,
];

/**
 * Parses an ASCII decimal [s, e) such as "-12.3400" into decM/decS with trailing fraction zeros
 * stripped. Grammar: [+-]? digits* ('.' digits*)? with at least one digit; no exponent, no spaces.
 * `maxScale` limits the significant fraction digits; `pos`/`what` tag errors.
 */
export function parseDecimal(s: usize, e: usize, maxScale: i32, pos: i32, what: string): i32 {
  let q = s;
  let neg = false;
  if (q < e && (load<u8>(q) == 45 || load<u8>(q) == 43)) { neg = load<u8>(q) == 45; q++; }
  const intStart = q;
  while (q < e && (<u32>load<u8>(q) - 48) < 10) q++;
  const intEnd = q;
  let fracStart = q, fracEnd = q;
  if (q < e && load<u8>(q) == 46) {
    q++;
    fracStart = q;
    while (q < e && (<u32>load<u8>(q) - 48) < 10) q++;
    fracEnd = q;
  }
  if (q != e) return fail(E_BAD_DECIMAL, pos, what + ': not a decimal number');
  if (intEnd == intStart && fracEnd == fracStart) return fail(E_BAD_DECIMAL, pos, what + ': no digits');
  while (fracEnd > fracStart && load<u8>(fracEnd - 1) == 48) fracEnd--;
  const scale = <i32>(fracEnd - fracStart);
  if (scale > maxScale) return fail(E_DECIMAL_SCALE, pos, what + ': at most ' + maxScale.toString() + ' decimal places');
  let m: u64 = 0;
  let digits = 0;
  for (let t = intStart; t < fracEnd; t++) {
    if (t == intEnd) { t = fracStart; if (t >= fracEnd) break; }
    const d = <u64>(<u32>load<u8>(t) - 48);
    if (m == 0 && d == 0) continue;
    digits++;
    if (digits > 18) return fail(E_OVERFLOW, pos, what + ': more than 18 significant digits');
    m = m * 10 + d;
  }
  // zeros after the first significant digit that were skipped? no: m==0 only skips leading zeros
  decM = neg ? -<i64>m : <i64>m;
  decS = scale;
  return 0;
}

/** 64x64 -> 128 unsigned multiply into hi:lo. */
@inline function mul128(a: u64, b: u64): void {
  const a0 = a & 0xFFFFFFFF, a1 = a >> 32, b0 = b & 0xFFFFFFFF, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xFFFFFFFF) + (p10 & 0xFFFFFFFF);
  lo = (p00 & 0xFFFFFFFF) | (mid << 32);
  hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/**
 * mres = round_half_away_from_zero(a * b / d), exact, d > 0. Returns a status (OVERFLOW if the
 * result does not fit in i64, DIVIDE_BY_ZERO if d == 0).
 */
export function mulDivRound(a: i64, b: i64, d: i64): i32 {
  if (d <= 0) return fail(E_DIVIDE_BY_ZERO, -1, 'mulDivRound');
  const neg = (a < 0) != (b < 0);
  const ua: u64 = a < 0 ? <u64>(-a) : <u64>a; // i64.MIN negates to itself; as u64 it is 2^63, still right
  const ub: u64 = b < 0 ? <u64>(-b) : <u64>b;
  const ud = <u64>d;
  mul128(ua, ub);
  let q: u64, r: u64;
  if (hi == 0) {
    q = lo / ud;
    r = lo % ud;
  } else {
    if (hi >= ud) return fail(E_OVERFLOW, -1, 'product too large');
    // shift-subtract long division of hi:lo by ud (ud < 2^63 so r << 1 never overflows)
    r = hi;
    q = 0;
    for (let i = 63; i >= 0; i--) {
      r = (r << 1) | ((lo >> <u64>i) & 1);
      q <<= 1;
      if (r >= ud) { r -= ud; q |= 1; }
    }
  }
  if (r >= ud - r) q++; // remainder >= half: away from zero
  if (q > <u64>i64.MAX_VALUE) return fail(E_OVERFLOW, -1, 'result too large');
  mres = neg ? -<i64>q : <i64>q;
  return 0;
}

/** Checked addition; sets the sticky overflow flag instead of wrapping silently. */
@inline export function add(a: i64, b: i64): i64 {
  const r = a + b;
  if (((a ^ r) & (b ^ r)) < 0) overflowed = true;
  return r;
}

@inline export function sub(a: i64, b: i64): i64 {
  const r = a - b;
  if (((a ^ b) & (a ^ r)) < 0) overflowed = true;
  return r;
}

/** Checked multiplication by 10^k. */
export function scaleUp(a: i64, k: i32): i64 {
  if (k <= 0) return a;
  if (k > 18) { overflowed = true; return 0; }
  const f = POW10[k];
  const r = a * f;
  if (a != 0 && (r / f != a)) overflowed = true;
  return r;
}

@inline export function min64(a: i64, b: i64): i64 { return a < b ? a : b; }
@inline export function max64(a: i64, b: i64): i64 { return a > b ? a : b; }

export function overflowError(what: string): i32 {
  return fail(E_OVERFLOW, -1, what);
}
