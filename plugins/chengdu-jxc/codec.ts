// The request and response XML strings of the Chengdu 进销存 service (the one string parameter and the one
// string result of its SOAP method). Tags, codes and the charset come from JxcConfig (manifest.ts); the XML
// itself is the core's (op 30/31/32), so no value can smuggle markup. Decimals stay text.
import type { Core } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import type { BatchReply, InventoryRow } from '../../host-node/src/inventory.js';
import type { JxcConfig, JxcKind } from './manifest.js';

export interface JxcRequest {
  txCode: string;
  user: string;
  password: string;
  fixmedins_code: string;
  /** detail rows by tag (as on the wire) */
  rows: Record<string, string>[];
}

export interface JxcResponse {
  code: string;
  message: string;
  /** the failed rows: 流水号 and reason */
  failures: { key: string; reason: string }[];
}

const text = (core: Core, bytes: Uint8Array, charset: JxcConfig['charset']) => (charset === 'GBK' ? core.gbk.decode(bytes) : new TextDecoder().decode(bytes));

/** Detail rows of a kind: canonical row → {tag: value} in the configured order (empty fields are sent empty). */
export function jxcRows(cfg: JxcConfig, kind: JxcKind, rows: InventoryRow[]): Record<string, string>[] {
  const fields = cfg.fields[kind];
  return rows.map((r) => {
    const o: Record<string, string> = {};
    for (const f of fields) o[f.tag] = String((r as unknown as Record<string, unknown>)[f.field] ?? '').trim();
    for (const [k, v] of Object.entries(r.extra ?? {})) o[k] = v;
    return o;
  });
}

export function encodeJxcRequest(core: Core, cfg: JxcConfig, req: JxcRequest): string {
  const t = cfg.request;
  const doc = { [t.root]: { [t.txCode]: req.txCode, [t.user]: req.user, [t.password]: req.password, [t.fixmedins]: req.fixmedins_code, [t.list]: { [t.row]: req.rows } } };
  return text(core, core.codec.xml.print(doc, { encoding: cfg.charset }), cfg.charset);
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const asList = (x: unknown): unknown[] => (Array.isArray(x) ? x : x === undefined || x === '' ? [] : [x]);
const str = (x: unknown): string => (typeof x === 'string' ? x : '');

function parse(core: Core, xml: string, root: string, what: string): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    doc = core.codec.xml.parse(xml) as Record<string, unknown>;
  } catch (e) {
    throw YibaoError.host('BAD_REPLY', `${what}: not XML (${(e as Error).message})`, e);
  }
  const body = doc[root];
  if (!isObj(body)) throw YibaoError.host('BAD_REPLY', `${what}: no <${root}> element with children`);
  return body;
}

/** The request as the center reads it (sandbox). Throws BAD_REPLY when it is not the configured shape. */
export function decodeJxcRequest(core: Core, cfg: JxcConfig, xml: string): JxcRequest {
  const t = cfg.request;
  const b = parse(core, xml, t.root, 'request');
  const list = b[t.list];
  const rows = asList(isObj(list) ? list[t.row] : undefined).map((r) => {
    if (!isObj(r)) return {};
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, str(v).trim()]));
  });
  return { txCode: str(b[t.txCode]).trim(), user: str(b[t.user]).trim(), password: str(b[t.password]), fixmedins_code: str(b[t.fixmedins]).trim(), rows };
}

export function encodeJxcResponse(core: Core, cfg: JxcConfig, res: JxcResponse): string {
  const t = cfg.response;
  const body: Record<string, unknown> = { [t.code]: res.code, [t.message]: res.message };
  if (res.failures.length) body[t.list] = { [t.row]: res.failures.map((f) => ({ [t.key]: f.key, [t.reason]: f.reason })) };
  return text(core, core.codec.xml.print({ [t.root]: body }, { encoding: cfg.charset }), cfg.charset);
}

export function decodeJxcResponse(core: Core, cfg: JxcConfig, xml: string): JxcResponse {
  const t = cfg.response;
  const b = parse(core, xml, t.root, 'reply');
  if (typeof b[t.code] !== 'string') throw YibaoError.host('BAD_REPLY', `reply: no <${t.code}> (返回错误代码)`);
  const list = b[t.list];
  const failures = asList(isObj(list) ? list[t.row] : undefined)
    .filter(isObj)
    .map((r) => ({ key: str(r[t.key]).trim(), reason: str(r[t.reason]).trim() }));
  return { code: str(b[t.code]).trim(), message: str(b[t.message]).trim(), failures };
}

/**
 * The per-row results of one batch, aligned with `sns` (the 流水号 of the rows sent, in order).
 * - 执行成功: every row ok (a failed row listed anyway is failed);
 * - 本次成功但是部分数据失败 / 执行失败: the listed rows failed with their reasons, the others were saved
 *   (partial) or not (failure; they get the batch's message);
 * - a partial answer that lists no row, or an unknown code, cannot be attributed: BAD_REPLY (the uploader
 *   retries; rows already saved come back as duplicates and count as applied).
 */
export function batchReply(cfg: JxcConfig, res: JxcResponse, sns: string[]): Omit<BatchReply, 'raw' | 'request'> {
  const rc = cfg.resultCodes;
  const outcome = res.code === rc.success ? 'success' : res.code === rc.partial ? 'partial' : res.code === rc.failure ? 'failure' : null;
  if (!outcome) throw YibaoError.host('BAD_REPLY', `返回错误代码【${res.code}】is none of the configured result codes (${rc.success} / ${rc.failure} / ${rc.partial}): ${res.message}`);
  if (outcome === 'partial' && !res.failures.length) throw YibaoError.host('BAD_REPLY', `partial success without the failed rows: ${res.message}`);
  const failed = new Map<string, string>();
  for (const f of res.failures) if (f.key && !failed.has(f.key)) failed.set(f.key, f.reason);
  const dup = (reason: string) => reason.includes(cfg.duplicateMarker);
  const rows = sns.map((sn) => {
    const reason = failed.get(sn);
    if (reason !== undefined) return { ok: false, reason: reason || res.message, duplicate: dup(reason || res.message) };
    if (outcome === 'failure') return { ok: false, reason: res.message || '执行失败', duplicate: dup(res.message) };
    return { ok: true };
  });
  return { outcome, code: res.code, message: res.message, rows };
}
