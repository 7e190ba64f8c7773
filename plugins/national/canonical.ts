// Canonical model of national-platform messages: amounts become integer fen, every other value is
// kept verbatim (numbers as DecimalToken so they re-encode as the same number token). Requests and
// replies decode to this model and encode back to equivalent JSON (the conformance suite checks it
// on every real sample).
import type { Core } from '../../host-node/src/contract.js';
import { DecimalToken, toJson } from '../../host-node/src/json-text.js';
import { fenToYuan, yuanToFen } from '../../host-node/src/money.js';
import { YibaoError } from '../../host-node/src/errors.js';

/** Money fields (16,2 yuan on the wire, fen in the model) wherever they appear in an output or input. */
export const AMOUNT_FIELDS = new Set([
  'medfee_sumamt', 'fulamt_ownpay_amt', 'overlmt_selfpay', 'preselfpay_amt', 'inscp_scp_amt', 'act_pay_dedc', 'hifp_pay',
  'cvlserv_pay', 'hifes_pay', 'hifmi_pay', 'hifob_pay', 'maf_pay', 'oth_pay', 'fund_pay_sumamt', 'psn_part_amt', 'acct_pay',
  'psn_cash_pay', 'hosp_part_amt', 'balc', 'acct_mulaid_pay', 'hifdm_pay', 'fund_payamt', 'crt_payb_lmt_amt',
  'det_item_fee_sumamt', 'overlmt_amt', 'cashPayamt', 'ownpay_hosp_part', 'inscp_amt', 'dedc_std', 'crt_dedc', 'othfund_pay', 'psn_pay',
]);

/** Envelope keys of a request (everything else at top level is a regional extra). */
export const REQUEST_ENVELOPE_KEYS = [
  'infno', 'msgid', 'mdtrtarea_admvs', 'insuplc_admdvs', 'recer_sys_code', 'dev_no', 'dev_safe_info', 'cainfo', 'signtype',
  'infver', 'opter_type', 'opter', 'opter_name', 'inf_time', 'fixmedins_code', 'fixmedins_name', 'sign_no',
] as const;

export type Canonical = string | number | boolean | null | DecimalToken | Canonical[] | { [k: string]: Canonical };

export interface CanonicalRequest {
  infno: string;
  envelope: Record<string, Canonical>;
  extra: Record<string, Canonical>;
  input: Canonical;
}

export interface CanonicalReply {
  infcode: number;
  envelope: Record<string, Canonical>;
  output: Canonical;
}

/** Parses JSON exactly: values from the core (numbers as verbatim text), types from JSON.parse. */
function parseTyped(core: Core, body: Uint8Array | string): Canonical {
  const exact = core.codec.json.parseExact(body);
  const shape = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body));
  const walk = (e: unknown, s: unknown, key: string): Canonical => {
    if (Array.isArray(e)) return e.map((x, i) => walk(x, (s as unknown[])[i], key));
    if (e && typeof e === 'object') {
      const o: Record<string, Canonical> = {};
      for (const [k, v] of Object.entries(e)) o[k] = walk(v, (s as Record<string, unknown>)[k], k);
      return o;
    }
    if (typeof s === 'number') {
      if (AMOUNT_FIELDS.has(key)) return yuanToFen(e, key);
      return new DecimalToken(normalizeNumber(String(e)));
    }
    if (typeof e === 'string' && AMOUNT_FIELDS.has(key) && /^-?\d+(\.\d+)?$/.test(e.trim())) return yuanToFen(e, key);
    return e as Canonical;
  };
  return walk(exact, shape, '');
}

/** JSON number text -> a plain decimal the DecimalToken accepts (exponents expanded exactly). */
function normalizeNumber(t: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(t);
  if (!m) throw YibaoError.host('BAD_REPLY', `number ${t}`);
  if (!m[4]) return t;
  let digits = m[2] + (m[3] ?? '');
  let point = m[2].length + Number(m[4]);
  if (point <= 0) { digits = '0'.repeat(1 - point) + digits; point = 1; }
  if (point > digits.length) digits = digits.padEnd(point, '0');
  const int = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  const frac = digits.slice(point).replace(/0+$/, '');
  return m[1] + int + (frac ? '.' + frac : '');
}

/** Back to wire values: fen -> yuan number tokens for amount fields. */
function toWire(v: Canonical, key: string): unknown {
  if (Array.isArray(v)) return v.map((x) => toWire(x, key));
  if (v instanceof DecimalToken) return v;
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = toWire(x, k);
    return o;
  }
  if (typeof v === 'number' && AMOUNT_FIELDS.has(key)) return new DecimalToken(fenToYuan(v));
  return v;
}

export function decodeRequest(core: Core, body: Uint8Array | string): CanonicalRequest {
  const t = parseTyped(core, body);
  if (!t || typeof t !== 'object' || Array.isArray(t) || t instanceof DecimalToken) throw YibaoError.host('BAD_INPUT', 'request is not a JSON object');
  const envelope: Record<string, Canonical> = {};
  const extra: Record<string, Canonical> = {};
  for (const [k, v] of Object.entries(t)) {
    if (k === 'input') continue;
    if ((REQUEST_ENVELOPE_KEYS as readonly string[]).includes(k)) envelope[k] = v;
    else extra[k] = v;
  }
  return { infno: String(envelope.infno ?? ''), envelope, extra, input: (t as Record<string, Canonical>).input ?? {} };
}

export function encodeRequest(r: CanonicalRequest): string {
  return toJson({ ...r.envelope, input: toWire(r.input, ''), ...r.extra });
}

export function decodeReply(core: Core, body: Uint8Array | string): CanonicalReply {
  const t = parseTyped(core, body);
  if (!t || typeof t !== 'object' || Array.isArray(t) || t instanceof DecimalToken) throw YibaoError.host('BAD_REPLY', 'reply is not a JSON object');
  const o = t as Record<string, Canonical>;
  const code = o.infcode instanceof DecimalToken ? Number(o.infcode.text) : Number(String(o.infcode ?? '').trim());
  if (!Number.isInteger(code)) throw YibaoError.host('BAD_REPLY', 'infcode');
  const envelope: Record<string, Canonical> = {};
  for (const [k, v] of Object.entries(o)) if (k !== 'output') envelope[k] = v;
  return { infcode: code, envelope, output: o.output ?? null };
}

export function encodeReply(r: CanonicalReply): string {
  const { infcode: _ignored, ...env } = r.envelope;
  void _ignored;
  return toJson({ infcode: new DecimalToken(String(r.infcode)), ...env, output: toWire(r.output, '') });
}
