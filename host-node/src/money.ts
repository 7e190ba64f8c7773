// Fen <-> yuan text at the host edge. Integer and string arithmetic only: no float ever holds money.
import { YibaoError } from './errors.js';
import { DecimalToken } from './json-text.js';

/** 123456 -> "1234.56"; -5 -> "-0.05". */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw YibaoError.host('BAD_INPUT', `amount ${fen} is not an integer number of fen`);
  const neg = fen < 0;
  const a = neg ? -fen : fen;
  const s = `${Math.trunc(a / 100)}.${String(a % 100).padStart(2, '0')}`;
  return neg && a !== 0 ? '-' + s : s;
}

/** Fen as a JSON number token in yuan (4.52). */
export function yuanToken(fen: number): DecimalToken {
  return new DecimalToken(fenToYuan(fen));
}

/**
 * "4.52" / "4.5" / "-25.10" / "9" / "4.5200" -> fen. More than two non-zero decimals is an error
 * (money on the wire is 16,2). null/"" -> 0 (centers send nulls for absent amounts).
 */
export function yuanToFen(v: unknown, field = 'amount'): number {
  if (v === null || v === undefined || v === '') return 0;
  const s = String(v).trim();
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) throw YibaoError.host('BAD_REPLY', `${field}: "${s}" is not a decimal amount`);
  let frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > 2) throw YibaoError.host('BAD_REPLY', `${field}: "${s}" has more than two decimal places`);
  frac = frac.padEnd(2, '0');
  const intPart = m[2].replace(/^0+(?=\d)/, '');
  if (intPart.length > 13) throw YibaoError.host('BAD_REPLY', `${field}: "${s}" is too large`);
  const fen = Number(intPart) * 100 + Number(frac);
  return m[1] === '-' && fen !== 0 ? -fen : fen;
}
