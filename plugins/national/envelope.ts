// National-platform envelope: request building and lenient reply parsing (wire-formats.md §1.3, §1.4).
import type { Core } from '../../host-node/src/contract.js';
import type { CallContext, EnvelopeDefaults, Reply, WireRequest } from '../contract.js';
import { toJson } from '../../host-node/src/json-text.js';
import { YibaoError } from '../../host-node/src/errors.js';

/** Builds the request envelope. Keys follow the spec order; region extras are appended. */
export function encodeEnvelope(infno: string, input: unknown, ctx: CallContext, env: EnvelopeDefaults): WireRequest {
  const i = ctx.institution;
  const body = {
    infno,
    msgid: ctx.msgid,
    mdtrtarea_admvs: i.mdtrtarea_admvs,
    insuplc_admdvs: ctx.insuplcAdmdvs ?? '',
    recer_sys_code: env.recer_sys_code,
    dev_no: env.dev_no ?? '',
    dev_safe_info: '',
    cainfo: '',
    signtype: env.signtype ?? '',
    infver: env.infver,
    opter_type: i.opter_type ?? env.opter_type,
    opter: i.opter,
    opter_name: i.opter_name,
    inf_time: ctx.infTime,
    fixmedins_code: i.fixmedins_code,
    fixmedins_name: i.fixmedins_name,
    sign_no: ctx.signNo,
    input: input ?? {},
    ...(env.extra ?? {}),
  };
  return { infno, msgid: ctx.msgid, body: toJson(body) };
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/**
 * Parses a reply leniently: infcode as number or string, nulls, extra keys, output absent on failure.
 * Numbers arrive as their verbatim text (core op 22), so amounts never pass through a float.
 */
export function decodeEnvelope(core: Core, body: Uint8Array | string): Reply {
  let raw: unknown;
  try {
    raw = core.codec.json.parseExact(body);
  } catch (e) {
    if (e instanceof YibaoError) throw YibaoError.host('BAD_REPLY', `${e.code}: ${e.detail ?? e.messageEn}`, e);
    throw e;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw YibaoError.host('BAD_REPLY', 'reply is not a JSON object');
  const r = raw as Record<string, unknown>;
  if (!('infcode' in r)) throw YibaoError.host('BAD_REPLY', 'reply has no infcode');
  const code = Number(str(r.infcode).trim());
  if (!Number.isInteger(code)) throw YibaoError.host('BAD_REPLY', `infcode ${str(r.infcode)} is not an integer`);
  const output = r.output && typeof r.output === 'object' && !Array.isArray(r.output) ? (r.output as Record<string, unknown>) : {};
  return {
    infcode: code,
    err_msg: str(r.err_msg),
    warn_msg: str(r.warn_msg),
    inf_refmsgid: str(r.inf_refmsgid),
    refmsg_time: str(r.refmsg_time),
    respond_time: str(r.respond_time),
    output,
    raw: r,
  };
}
