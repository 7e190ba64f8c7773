// Chongqing pipe codec by named field lists (spec.ts). Requests: an object of named values (amounts in fen
// for 'money' fields) → `code|f1|f2…` (items as '$' records) → GBK bytes via the core's pipe codec.
// Replies: GBK bytes → records → named object (money in fen), with the field count checked: a reply with
// fewer fields than the spec is BAD_REPLY (a shifted field must never be read as a different one).
import type { Core } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { fenToYuan, yuanToFen } from '../../host-node/src/money.js';
import { TRANSACTIONS, type Field, type TxSpec } from './spec.js';

export type Named = Record<string, string | number | undefined | null>;

export interface Decoded {
  /** 执行代码: 1 = success */
  code: string;
  ok: boolean;
  /** 错误信息 when not ok */
  message: string;
  /** named fields (money in fen) */
  fields: Record<string, string | number>;
  /** named item records (04, 07) */
  items: Record<string, string | number>[];
  /** the records as received */
  records: string[][];
}

export function spec(code: string): TxSpec {
  const s = TRANSACTIONS[code];
  if (!s) throw YibaoError.host('NOT_SUPPORTED', `chongqing: transaction ${code} is not in 01–30 / 99`);
  return s;
}

function wireValue(f: Field, v: Named[string], where: string): string {
  if (v === undefined || v === null) return '';
  if (f[2] === 'money') {
    if (typeof v === 'number') return fenToYuan(v);
    if (v === '') return '';
    throw YibaoError.host('BAD_INPUT', `${where}.${f[0]} (${f[1]}) is money: give integer fen, got "${v}"`);
  }
  const s = String(v);
  if (s.includes('|') || s.includes('$')) throw YibaoError.host('BAD_INPUT', `${where}.${f[0]} (${f[1]}) must not contain '|' or '$': "${s}"`);
  if (/[\r\n]/.test(s)) throw YibaoError.host('BAD_INPUT', `${where}.${f[0]} (${f[1]}) must not contain line breaks`);
  if (f[2] === 'dec' && s !== '' && !/^-?\d+(\.\d+)?$/.test(s)) throw YibaoError.host('BAD_INPUT', `${where}.${f[0]} (${f[1]}) is not a decimal: "${s}"`);
  if (f[2] === 'int' && s !== '' && !/^-?\d+$/.test(s)) throw YibaoError.host('BAD_INPUT', `${where}.${f[0]} (${f[1]}) is not an integer: "${s}"`);
  return s;
}

function checkKnown(obj: Named, fields: readonly Field[], where: string): void {
  const known = new Set(fields.map((f) => f[0]));
  for (const k of Object.keys(obj)) if (!known.has(k)) throw YibaoError.host('BAD_INPUT', `${where}: unknown field "${k}" (known: ${[...known].join(', ')})`);
}

/** Records of a request: [[code, ...fields, ...item0], item1, ...]. */
export function requestRecords(code: string, input: Named, items: Named[] = []): string[][] {
  const s = spec(code);
  if (!s.request) throw YibaoError.host('NOT_SUPPORTED', `chongqing ${code} ${s.name}: no documented field list; use the raw call with positional fields`);
  checkKnown(input, s.request, code);
  const first = [code, ...s.request.map((f) => wireValue(f, input[f[0]], code))];
  if (!s.requestItem) {
    if (items.length) throw YibaoError.host('BAD_INPUT', `chongqing ${code} takes no item records`);
    return [first];
  }
  if (!items.length) throw YibaoError.host('BAD_INPUT', `chongqing ${code}: at least one item record`);
  const rows = items.map((it, i) => {
    checkKnown(it, s.requestItem!, `${code} item ${i + 1}`);
    return s.requestItem!.map((f) => wireValue(f, it[f[0]], `${code} item ${i + 1}`));
  });
  return [[...first, ...rows[0]!], ...rows.slice(1)];
}

/** GBK bytes of a request (the core's pipe codec: refuses '|'/'$' inside fields, exact round trip). */
export function encodeRequest(core: Core, code: string, input: Named, items: Named[] = []): Uint8Array {
  return core.codec.pipe.print(requestRecords(code, input, items));
}

function readValue(f: Field, raw: string, where: string): string | number {
  if (f[2] === 'money') {
    const t = raw.trim();
    if (t === '') return 0;
    try {
      return yuanToFen(t, `${where}.${f[0]}`);
    } catch (e) {
      throw YibaoError.host('BAD_REPLY', `${where}: ${f[1]} (${f[0]}) = "${raw}" is not an amount`, e);
    }
  }
  return raw;
}

/** Named view of reply records. Throws BAD_REPLY when a successful reply has fewer fields than documented. */
export function decodeRecords(code: string, records: string[][]): Decoded {
  const s = spec(code);
  const first = records[0] ?? [''];
  const exec = (first[0] ?? '').trim();
  const out: Decoded = { code: exec, ok: exec === '1', message: '', fields: {}, items: [], records };
  if (!out.ok) {
    out.message = first.slice(1).join('|') || `执行代码 ${exec || '(空)'}`;
    return out;
  }
  const where = `chongqing ${code} reply`;
  if (s.reply) {
    const got = first.length - 1;
    // 99 answers just "1" when it reverses a registration or prescriptions
    const short = code === '99' && got === 0;
    if (!short && got < s.reply.length && !(code === '99' && got >= 13)) {
      throw YibaoError.host('BAD_REPLY', `${where}: ${got} fields, the spec has ${s.reply.length} (${s.reply.map((f) => f[1]).join('|')}) — refusing to read shifted fields`);
    }
    s.reply.forEach((f, i) => {
      const v = first[i + 1];
      if (v !== undefined) out.fields[f[0]] = readValue(f, v, where);
    });
  }
  if (s.replyItem) {
    const rows = [first.slice(1), ...records.slice(1)];
    if (code === '07' && rows[0]?.[0] === '##') return out;
    rows.forEach((r, i) => {
      if (r.length === 1 && r[0] === '') return;
      if (r.length < s.replyItem!.length) throw YibaoError.host('BAD_REPLY', `${where}: item ${i + 1} has ${r.length} fields, the spec has ${s.replyItem!.length}`);
      out.items.push(Object.fromEntries(s.replyItem!.map((f, k) => [f[0], readValue(f, r[k]!, `${where} item ${i + 1}`)])));
    });
  }
  return out;
}

/** Decodes GBK reply bytes (OutputData up to its NUL). */
export function decodeReply(core: Core, code: string, bytes: Uint8Array): Decoded {
  const end = bytes.indexOf(0);
  const b = end >= 0 ? bytes.subarray(0, end) : bytes;
  let records: string[][];
  try {
    records = core.codec.pipe.parse(b);
  } catch (e) {
    throw YibaoError.host('BAD_REPLY', `chongqing ${code}: reply is not GBK pipe text`, e);
  }
  return decodeRecords(code, records);
}

/** Reply records of a center (used by the sandbox): "1|fields…" with items as '$' records. */
export function replyRecords(code: string, fields: Named, items: Named[] = []): string[][] {
  const s = spec(code);
  const first = ['1', ...(s.reply ?? []).map((f) => wireValue(f, fields[f[0]], `${code} reply`))];
  if (!s.replyItem || !items.length) return [first];
  const rows = items.map((it, i) => s.replyItem!.map((f) => wireValue(f, it[f[0]], `${code} reply item ${i + 1}`)));
  return [[...first, ...rows[0]!], ...rows.slice(1)];
}

/** Named view of a request (used by the sandbox center). */
export function decodeRequestRecords(records: string[][]): { code: string; fields: Record<string, string>; items: Record<string, string>[]; extra: string[] } {
  const first = records[0] ?? [''];
  const code = (first[0] ?? '').trim();
  const s = spec(code);
  const fields: Record<string, string> = {};
  const req = s.request ?? [];
  req.forEach((f, i) => (fields[f[0]] = first[i + 1] ?? ''));
  const items: Record<string, string>[] = [];
  if (s.requestItem) {
    const rows = [first.slice(1 + req.length), ...records.slice(1)];
    rows.forEach((r, i) => {
      if (r.length !== s.requestItem!.length) throw new Error(`第${i + 1}条处方明细有${r.length}个字段，规范要求${s.requestItem!.length}个`);
      items.push(Object.fromEntries(s.requestItem!.map((f, k) => [f[0], r[k]!])));
    });
    return { code, fields, items, extra: [] };
  }
  return { code, fields, items, extra: first.slice(1 + req.length) };
}
