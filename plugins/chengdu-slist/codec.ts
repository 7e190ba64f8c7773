// The request and response messages of the Chengdu settlement-list interface (the one string parameter and the
// one string result of its SOAP method): `<request><head>…</head><body>…</body></request>` and
// `<response><head>…</head><body>…</body></response>`, tags from CdSlistConfig (manifest.ts). The XML is the
// core's (ops 30/31/32): no value can smuggle markup, decimals stay text. A settlement list travels in the E1002
// body as its sections: setlinfo as one element of fields, every other section as a list of <row> records.
import type { Core } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { DecimalToken } from '../../host-node/src/json-text.js';
import type { CdSlistConfig } from './manifest.js';

/** The multi-row sections of a 4101 / 4101A list (setlinfo is the one single record). */
export const LIST_SECTIONS = ['payinfo', 'opspdiseinfo', 'diseinfo', 'iteminfo', 'oprninfo', 'icuinfo', 'bldinfo'] as const;

export type XmlFields = Record<string, unknown>;

export interface CdRequest {
  tradecode: string;
  fixmedins_code: string;
  user: string;
  password: string;
  serial: string;
  msgid: string;
  time: string;
  body: XmlFields;
}

export interface CdResponse {
  tradecode: string;
  code: string;
  message: string;
  serial: string;
  msgid: string;
  body: XmlFields;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string => (typeof x === 'string' ? x : '');

/** XML text as bytes in the encoding its declaration names (the core reads the declaration). */
function bytesOf(core: Core, xml: string): Uint8Array {
  const decl = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(xml);
  return decl && /^(gbk|gb2312|gb18030|cp936)$/i.test(decl[1]!) ? core.gbk.encode(xml) : new TextEncoder().encode(xml);
}

function print(core: Core, cfg: CdSlistConfig, doc: Record<string, unknown>): string {
  const bytes = core.codec.xml.print(doc, { encoding: cfg.charset });
  return cfg.charset === 'GBK' ? core.gbk.decode(bytes) : new TextDecoder().decode(bytes);
}

/** Parses a message; `code` (BAD_REPLY for the client, BAD_INPUT for the center) names the side at fault. */
function parse(core: Core, xml: string, root: string, what: string, code: 'BAD_REPLY' | 'BAD_INPUT'): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    doc = core.codec.xml.parse(bytesOf(core, xml)) as Record<string, unknown>;
  } catch (e) {
    throw YibaoError.host(code, `${what}: not XML (${e instanceof YibaoError ? `${e.code} ${e.messageEn}${e.detail ? ` ${e.detail}` : ''}` : (e as Error).message})`, e);
  }
  const top = Object.keys(doc)[0];
  const v = doc[root];
  if (v === undefined) throw YibaoError.host(code, `${what}: root element <${top}>, <${root}> expected`);
  if (!isObj(v)) throw YibaoError.host(code, `${what}: <${root}> has no head`);
  return v;
}

// ---- lists ----------------------------------------------------------------------------------------

/** A 4101 list as an E1002 body: sections as elements, multi-row sections as <row> records. */
export function listToBody(cfg: CdSlistConfig, list: Record<string, unknown>): XmlFields {
  const scalar = (v: unknown, where: string): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v instanceof DecimalToken) return v.text;
    throw YibaoError.host('BAD_INPUT', `${where}: a field value must be text or a number`);
  };
  const record = (o: unknown, where: string): Record<string, string> => {
    if (!isObj(o)) throw YibaoError.host('BAD_INPUT', `${where} must be an object`);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, scalar(v, `${where}.${k}`)]));
  };
  const body: XmlFields = {};
  for (const [k, v] of Object.entries(list)) {
    if (k === 'setlinfo') body[k] = record(v, 'setlinfo');
    else if (Array.isArray(v)) body[k] = v.length ? { [cfg.listRow]: v.map((r, i) => record(r, `${k}[${i}]`)) } : '';
    else if (v === null || v === undefined) body[k] = '';
    else throw YibaoError.host('BAD_INPUT', `${k} must be an array of records`);
  }
  return body;
}

/** The list back from an E1002 body (center side): setlinfo an object, the known sections arrays. */
export function bodyToList(cfg: CdSlistConfig, body: XmlFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'setlinfo') out[k] = isObj(v) ? v : {};
    else if ((LIST_SECTIONS as readonly string[]).includes(k)) {
      const rows = isObj(v) ? v[cfg.listRow] : undefined;
      out[k] = rows === undefined ? [] : Array.isArray(rows) ? rows : [rows];
    } else out[k] = v;
  }
  return out;
}

// ---- messages -------------------------------------------------------------------------------------

export function encodeRequest(core: Core, cfg: CdSlistConfig, r: CdRequest): string {
  const t = cfg.request;
  const head = { [t.tradecode]: r.tradecode, [t.fixmedins]: r.fixmedins_code, [t.user]: r.user, [t.password]: r.password, [t.serial]: r.serial, [t.msgid]: r.msgid, [t.time]: r.time };
  return print(core, cfg, { [t.root]: { [t.head]: head, [t.body]: Object.keys(r.body).length ? r.body : '' } });
}

/** The request as the center reads it. BAD_INPUT when it is not the configured shape. */
export function decodeRequest(core: Core, cfg: CdSlistConfig, xml: string): CdRequest {
  const t = cfg.request;
  const m = parse(core, xml, t.root, 'request', 'BAD_INPUT');
  const head = m[t.head];
  if (!isObj(head)) throw YibaoError.host('BAD_INPUT', `request: no <${t.head}> with fields`);
  const body = m[t.body];
  return {
    tradecode: str(head[t.tradecode]).trim(), fixmedins_code: str(head[t.fixmedins]).trim(), user: str(head[t.user]).trim(), password: str(head[t.password]),
    serial: str(head[t.serial]).trim(), msgid: str(head[t.msgid]).trim(), time: str(head[t.time]).trim(), body: isObj(body) ? body : {},
  };
}

export function encodeResponse(core: Core, cfg: CdSlistConfig, r: CdResponse): string {
  const t = cfg.response;
  const head = { [t.tradecode]: r.tradecode, [t.code]: r.code, [t.message]: r.message, [t.serial]: r.serial, [t.msgid]: r.msgid };
  return print(core, cfg, { [t.root]: { [t.head]: head, [t.body]: Object.keys(r.body).length ? r.body : '' } });
}

/** A response as the client reads it. BAD_REPLY when it is not XML, has no head or no result code. */
export function decodeResponse(core: Core, cfg: CdSlistConfig, xml: string, what = 'response'): CdResponse {
  const t = cfg.response;
  const m = parse(core, xml, t.root, what, 'BAD_REPLY');
  const head = m[t.head];
  if (!isObj(head)) throw YibaoError.host('BAD_REPLY', `${what}: no <${t.head}> with fields`);
  const code = head[t.code];
  if (typeof code !== 'string' || !code.trim()) throw YibaoError.host('BAD_REPLY', `${what}: the head has no <${t.code}> (result code)`);
  const body = m[t.body];
  return {
    tradecode: str(head[t.tradecode]).trim(), code: code.trim(), message: str(head[t.message]).trim(), serial: str(head[t.serial]).trim(),
    msgid: str(head[t.msgid]).trim(), body: isObj(body) ? body : {},
  };
}

export interface CdFinding {
  /** field or JSON path the center names */
  field: string;
  rule: string;
  message: string;
}

/** E1004 body → status and findings (the client side); BAD_REPLY for an unknown status. */
export function readCheckResult(cfg: CdSlistConfig, body: XmlFields): { status: 'pending' | 'passed' | 'failed'; findings: CdFinding[] } {
  const t = cfg.result;
  const s = str(body[t.status]).trim();
  const status = s === t.pending ? 'pending' : s === t.passed ? 'passed' : s === t.failed ? 'failed' : undefined;
  if (!status) throw YibaoError.host('BAD_REPLY', `E1004: check status "${s}" is none of ${t.pending} (pending) / ${t.passed} (passed) / ${t.failed} (failed)`);
  const list = body[t.list];
  const rows = isObj(list) ? list[t.row] : undefined;
  const findings = (rows === undefined ? [] : Array.isArray(rows) ? rows : [rows]).map((r) => {
    const o = isObj(r) ? r : {};
    return { field: str(o[t.field]).trim(), rule: str(o[t.rule]).trim(), message: str(o[t.message]).trim() };
  });
  if (status === 'failed' && findings.length === 0) throw YibaoError.host('BAD_REPLY', 'E1004: status failed without any finding');
  return { status, findings };
}

/** E1004 body of the center. */
export function checkResultBody(cfg: CdSlistConfig, status: 'pending' | 'passed' | 'failed', findings: CdFinding[]): XmlFields {
  const t = cfg.result;
  const body: XmlFields = { [t.status]: t[status] };
  if (findings.length) body[t.list] = { [t.row]: findings.map((f) => ({ [t.field]: f.field, [t.rule]: f.rule, [t.message]: f.message })) };
  return body;
}
