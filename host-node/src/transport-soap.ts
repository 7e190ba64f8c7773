// SOAP over HTTP (node:http / node:https), both roles, ASMX conventions (document/literal, wrapped):
//
//   const soap = createSoapClient(core, { url: 'http://10.1.2.3/nh/Service.asmx', version: '1.1', ns: 'http://tempuri.org/' });
//   const r = await soap.call('chryxxjk', { yydm: '450201001', yh: 'his01', … });   // r.result = <chryxxjkResult>
//
//   const srv = await startSoapServer(core, { ns: 'http://tempuri.org/', path: '/Service.asmx',
//     handlers: { zysjcxjk: async (params, ctx) => ({ $dataset: … }) } });
//
// Envelopes, values and DataSets are encoded and decoded by the core (ops 33/34, core-asm/assembly/soap.ts);
// this file only moves bytes.
//
// Client. 1.1: POST, `Content-Type: text/xml; charset=utf-8`, `SOAPAction: "<action>"`; 1.2: `Content-Type:
// application/soap+xml; charset=utf-8; action="<action>"`. The action defaults to ns (with a trailing '/') +
// method, as ASMX expects. Outcome of errors (YibaoError codes, see errors.ts):
//   SOAP_FAULT         the reply is a SOAP Fault (any HTTP status, normally 500): the request reached the server,
//                      which refused it (Client/Sender) or failed (Server/Receiver). detail "code: reason[ — detail]";
//                      soapFaultOf(e) gives the fault itself.
//   TRANSPORT_HTTP     non-2xx without a fault body — outcome unknown
//   TRANSPORT_TIMEOUT  no complete answer within timeoutMs (default 30000) — outcome unknown
//   TRANSPORT_NETWORK  connection refused/reset, DNS … — outcome unknown
//   BAD_REPLY          2xx whose body is not a SOAP envelope (or a fault-free envelope with no body element)
//   TRANSPORT_CONFIG   bad URL / options (nothing sent); core errors (XML_SHAPE, DATASET_SHAPE …) for params
//                      that cannot be encoded (nothing sent)
// The reply's body element may have any name (ASMX: <method>Response); `result` is its <method>Result child.
//
// Server. Answers in the request's SOAP version. Only POST to `path` (default '/'); `GET <path>?wsdl` returns
// a minimal WSDL 1.1 (document/literal; each handler takes and returns xs:any, since parameter names are
// the handlers' business). Faults (HTTP 500, as ASMX):
//   Client — the caller's address is not in allowIps (decided before the body is read; the fault is in the
//            version that the Content-Type announces), the envelope does not decode (reason = the core's
//            bilingual message and code), the body element's namespace is not `ns`, no handler for the method,
//            a fault sent as a request, or the handler threw SoapFaultError('Client', …);
//   Server — the handler threw SoapFaultError('Server', …) (its reason/detail), or threw anything else (its
//            message only, never a stack), or returned a value the core cannot encode.
// Body larger than maxBody (default 10 MB): 413 and the connection is closed. Other paths: 404; other
// methods: 405. The remote address is normalised (IPv4-mapped IPv6 "::ffff:1.2.3.4" -> "1.2.3.4") for
// allowIps and ctx.remoteAddress.

import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Core, SoapFault, SoapMessage, SoapValue } from './contract.js';
import { YibaoError } from './errors.js';

export type SoapParams = Record<string, SoapValue | SoapValue[]>;

export interface SoapClientOptions {
  url: string;
  version: '1.1' | '1.2';
  ns: string;
  /** SOAPAction for a method; default ns (with a trailing '/' added if missing) + method */
  action?: (method: string) => string;
  /** whole exchange, reply body included (default 30000) */
  timeoutMs?: number;
  /** extra request headers (Content-Type and SOAPAction are set by the client) */
  headers?: Record<string, string>;
}

export interface SoapCallResult {
  /** children of <method>Response */
  value: SoapParams;
  /** the <method>Result child (undefined if absent, null if xsi:nil) */
  result: SoapValue | undefined;
  /** HTTP status */
  status: number;
  /** the reply body as received */
  raw: Uint8Array;
}

export interface SoapClient {
  readonly url: string;
  call(method: string, params: SoapParams): Promise<SoapCallResult>;
}

const FAULT = Symbol('soapFault');

/** The SOAP Fault carried by a SOAP_FAULT error (undefined for any other error). */
export function soapFaultOf(e: unknown): SoapFault | undefined {
  return e instanceof YibaoError && e.code === 'SOAP_FAULT' ? (e as unknown as { [FAULT]?: SoapFault })[FAULT] : undefined;
}

function faultError(f: SoapFault, status: number, method: string): YibaoError {
  const e = YibaoError.host('SOAP_FAULT', `${f.code}: ${f.reason}${f.detail ? ` — ${f.detail}` : ''} (${method}, HTTP ${status})`);
  Object.defineProperty(e, FAULT, { value: f, enumerable: false });
  return e;
}

export function defaultAction(ns: string, method: string): string {
  return (ns.endsWith('/') ? ns : ns + '/') + method;
}

function contentType(version: '1.1' | '1.2', action?: string): string {
  if (version === '1.1') return 'text/xml; charset=utf-8';
  return action === undefined ? 'application/soap+xml; charset=utf-8' : `application/soap+xml; charset=utf-8; action="${action}"`;
}

interface RawReply { status: number; body: Buffer }

function post(url: URL, body: Uint8Array, headers: Record<string, string>, timeoutMs: number, what: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let timedOut = false;
    const finish = (err: unknown, reply?: RawReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (reply) return resolve(reply);
      if (timedOut) return reject(YibaoError.host('TRANSPORT_TIMEOUT', `${what}: no complete answer within ${timeoutMs} ms`, err));
      const code = (err as NodeJS.ErrnoException | undefined)?.code;
      reject(YibaoError.host('TRANSPORT_NETWORK', `${what}: ${code ? code + ' ' : ''}${(err as Error | undefined)?.message ?? 'connection failed'}`, err));
    };
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish(null, { status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', (e) => finish(e));
      res.on('close', () => { if (!res.complete) finish(new Error('connection closed before the whole answer arrived')); });
    });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error('timeout'));
    }, timeoutMs);
    req.on('error', (e) => finish(e));
    req.end(body);
  });
}

export function createSoapClient(core: Core, o: SoapClientOptions): SoapClient {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch (e) {
    throw YibaoError.host('TRANSPORT_CONFIG', `invalid SOAP URL "${o.url}"`, e);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw YibaoError.host('TRANSPORT_CONFIG', `SOAP URL must be http(s): "${o.url}"`);
  if (o.version !== '1.1' && o.version !== '1.2') throw YibaoError.host('TRANSPORT_CONFIG', `SOAP version must be '1.1' or '1.2', not ${JSON.stringify(o.version)}`);
  const timeoutMs = o.timeoutMs ?? 30000;
  if (!(timeoutMs > 0)) throw YibaoError.host('TRANSPORT_CONFIG', 'timeoutMs must be a positive number of milliseconds');

  async function call(method: string, params: SoapParams): Promise<SoapCallResult> {
    const action = o.action ? o.action(method) : defaultAction(o.ns, method);
    // encoding errors (bad names, characters, DataSets) are thrown here, before anything is sent
    const body = core.soap.encode({ version: o.version, ns: o.ns, name: method, value: params });
    const headers: Record<string, string> = { ...o.headers, 'Content-Type': contentType(o.version, action) };
    if (o.version === '1.1') headers.SOAPAction = `"${action}"`;
    const what = `SOAP ${method} → ${url.host}`;
    const reply = await post(url, body, headers, timeoutMs, what);
    const raw = new Uint8Array(reply.body.buffer, reply.body.byteOffset, reply.body.length);
    const ok = reply.status >= 200 && reply.status < 300;
    let msg: SoapMessage | undefined;
    let decodeErr: unknown;
    if (raw.length > 0) {
      try {
        msg = core.soap.decode(raw);
      } catch (e) {
        decodeErr = e;
      }
    }
    if (msg?.fault) throw faultError(msg.fault, reply.status, method);
    if (!ok) throw YibaoError.host('TRANSPORT_HTTP', `${what}: HTTP ${reply.status}${msg ? '' : ' without a SOAP fault'}`);
    if (!msg) {
      const why = decodeErr instanceof YibaoError ? decodeErr.message : 'empty body';
      throw YibaoError.host('BAD_REPLY', `${what}: the answer is not a SOAP envelope: ${why}`, decodeErr);
    }
    const value = (msg.value ?? {}) as SoapParams;
    const key = `${method}Result`;
    const result = Object.prototype.hasOwnProperty.call(value, key) ? (value[key] as SoapValue) : undefined;
    return { value, result, status: reply.status, raw };
  }

  return { url: url.href, call };
}

// ---- server -------------------------------------------------------------------------------------

export type SoapHandler = (
  params: SoapParams,
  ctx: { remoteAddress: string; version: '1.1' | '1.2'; action?: string },
) => Promise<SoapValue | undefined> | SoapValue | undefined;

/** Thrown by a handler to answer a specific SOAP Fault (Client = the caller's fault, Server = ours). */
export class SoapFaultError extends Error {
  readonly code: 'Client' | 'Server';
  readonly reason: string;
  readonly detail?: string;
  constructor(code: 'Client' | 'Server', reason: string, detail?: string) {
    super(reason);
    this.name = 'SoapFaultError';
    this.code = code;
    this.reason = reason;
    this.detail = detail;
  }
}

export interface SoapServerOptions {
  ns: string;
  /** default '/'; e.g. '/Service.asmx' */
  path?: string;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0 (any free port) */
  port?: number;
  /** remote addresses allowed (IPv4 dotted, '127.0.0.1'; IPv4-mapped IPv6 normalised); absent = all */
  allowIps?: string[];
  handlers: Record<string, SoapHandler>;
  /** request body limit in bytes (default 10 MB) */
  maxBody?: number;
}

export interface SoapServer {
  /** http://127.0.0.1:PORT{path} (or the configured host) */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** "::ffff:10.1.2.3" -> "10.1.2.3"; anything else unchanged. */
export function normalizeIp(a: string | undefined): string {
  if (!a) return '';
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return m ? m[1] : a;
}

function versionOf(ct: string | undefined): '1.1' | '1.2' {
  return ct && /application\/soap\+xml/i.test(ct) ? '1.2' : '1.1';
}

function actionOf(req: http.IncomingMessage, version: '1.1' | '1.2'): string | undefined {
  if (version === '1.1') {
    const h = req.headers.soapaction;
    const v = Array.isArray(h) ? h[0] : h;
    return v === undefined ? undefined : v.replace(/^\s*"?|"?\s*$/g, '');
  }
  const m = /;\s*action\s*=\s*"?([^";]*)"?/i.exec(req.headers['content-type'] ?? '');
  return m ? m[1] : undefined;
}

const xmlAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function wsdl(ns: string, names: string[], location: string): string {
  const tns = xmlAttr(ns);
  const ops = names.map(xmlAttr);
  const el = (n: string) => `<s:element name="${n}"><s:complexType><s:sequence><s:any minOccurs="0" maxOccurs="unbounded" processContents="lax" /></s:sequence></s:complexType></s:element>`;
  const parts = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:tns="${tns}" targetNamespace="${tns}">`,
    `<wsdl:types><s:schema elementFormDefault="qualified" targetNamespace="${tns}">`,
    ...ops.map((n) => el(n) + el(n + 'Response')),
    `</s:schema></wsdl:types>`,
    ...ops.map((n) => `<wsdl:message name="${n}SoapIn"><wsdl:part name="parameters" element="tns:${n}" /></wsdl:message><wsdl:message name="${n}SoapOut"><wsdl:part name="parameters" element="tns:${n}Response" /></wsdl:message>`),
    `<wsdl:portType name="ServiceSoap">`,
    ...ops.map((n) => `<wsdl:operation name="${n}"><wsdl:input message="tns:${n}SoapIn" /><wsdl:output message="tns:${n}SoapOut" /></wsdl:operation>`),
    `</wsdl:portType>`,
  ];
  for (const [b, p] of [['ServiceSoap', 'soap'], ['ServiceSoap12', 'soap12']] as const) {
    parts.push(`<wsdl:binding name="${b}" type="tns:ServiceSoap"><${p}:binding transport="http://schemas.xmlsoap.org/soap/http" />`);
    for (const n of ops) {
      const action = xmlAttr(defaultAction(ns, n));
      parts.push(`<wsdl:operation name="${n}"><${p}:operation soapAction="${action}" style="document" /><wsdl:input><${p}:body use="literal" /></wsdl:input><wsdl:output><${p}:body use="literal" /></wsdl:output></wsdl:operation>`);
    }
    parts.push(`</wsdl:binding>`);
  }
  const loc = xmlAttr(location);
  parts.push(`<wsdl:service name="Service"><wsdl:port name="ServiceSoap" binding="tns:ServiceSoap"><soap:address location="${loc}" /></wsdl:port><wsdl:port name="ServiceSoap12" binding="tns:ServiceSoap12"><soap12:address location="${loc}" /></wsdl:port></wsdl:service>`);
  parts.push(`</wsdl:definitions>`);
  return parts.join('');
}

export function startSoapServer(core: Core, o: SoapServerOptions): Promise<SoapServer> {
  const path = o.path ?? '/';
  const host = o.host ?? '127.0.0.1';
  const maxBody = o.maxBody ?? 10 * 1024 * 1024;
  const allow = o.allowIps ? new Set(o.allowIps.map(normalizeIp)) : undefined;
  const names = Object.keys(o.handlers);

  function send(res: http.ServerResponse, status: number, version: '1.1' | '1.2', body: Uint8Array): void {
    res.writeHead(status, { 'Content-Type': contentType(version), 'Content-Length': String(body.length) });
    res.end(body);
  }

  function fault(res: http.ServerResponse, version: '1.1' | '1.2', code: 'Client' | 'Server', reason: string, detail?: string): void {
    let body: Uint8Array;
    try {
      body = core.soap.encode({ version, ns: '', fault: { code, reason, detail } });
    } catch {
      // the reason itself cannot be written (e.g. a control character in a handler's message)
      body = core.soap.encode({ version, ns: '', fault: { code, reason: 'the fault message cannot be written in XML' } });
    }
    send(res, 500, version, body);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://localhost');
    if (u.pathname !== path) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      req.resume();
      return;
    }
    const remoteAddress = normalizeIp(req.socket.remoteAddress);
    if (req.method === 'GET' && [...u.searchParams.keys()].some((k) => k.toLowerCase() === 'wsdl')) {
      const hostHeader = req.headers.host ?? `${host}:${(req.socket.localPort ?? 0)}`;
      const body = Buffer.from(wsdl(o.ns, names, `http://${hostHeader}${path}`), 'utf8');
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': String(body.length) }).end(body);
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain; charset=utf-8' }).end('POST a SOAP envelope (GET ?wsdl for the description)');
      req.resume();
      return;
    }
    const announced = versionOf(req.headers['content-type']);
    if (allow && !allow.has(remoteAddress)) {
      req.resume();
      fault(res, announced, 'Client', `访问地址 ${remoteAddress} 未被允许 / address ${remoteAddress} is not allowed`);
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBody) {
      tooLarge(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    await new Promise<void>((resolve) => {
      req.on('data', (c: Buffer) => {
        if (over) return;
        size += c.length;
        if (size > maxBody) {
          over = true;
          tooLarge(req, res);
          resolve();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve());
      req.on('error', () => resolve());
      req.on('close', () => resolve());
    });
    if (over || res.headersSent || !req.complete) return;
    let msg: SoapMessage;
    try {
      msg = core.soap.decode(Buffer.concat(chunks));
    } catch (e) {
      const reason = e instanceof YibaoError ? `${e.message} [${e.code}]` : String(e);
      fault(res, announced, 'Client', reason);
      return;
    }
    const version = msg.version;
    if (msg.fault || !msg.name) {
      fault(res, version, 'Client', '请求是一个 Fault，不是方法调用 / the request is a fault, not a method call');
      return;
    }
    if (msg.ns !== o.ns) {
      fault(res, version, 'Client', `命名空间错误 / wrong namespace "${msg.ns}" for <${msg.name}>; expected "${o.ns}"`);
      return;
    }
    const method = msg.name;
    if (!Object.prototype.hasOwnProperty.call(o.handlers, method)) {
      fault(res, version, 'Client', `服务端不识别方法 / Server did not recognize the method "${method}"`);
      return;
    }
    let result: SoapValue | undefined;
    try {
      result = await o.handlers[method]((msg.value ?? {}) as SoapParams, { remoteAddress, version, action: actionOf(req, announced) });
    } catch (e) {
      if (e instanceof SoapFaultError) fault(res, version, e.code, e.reason, e.detail);
      else fault(res, version, 'Server', e instanceof Error ? e.message : String(e));
      return;
    }
    let body: Uint8Array;
    try {
      body = core.soap.encode({ version, ns: o.ns, name: `${method}Response`, value: result === undefined ? {} : { [`${method}Result`]: result } });
    } catch (e) {
      fault(res, version, 'Server', `结果无法编码 / the result cannot be encoded: ${e instanceof YibaoError ? `${e.message} [${e.code}]` : String(e)}`);
      return;
    }
    send(res, 200, version, body);
  }

  function tooLarge(req: http.IncomingMessage, res: http.ServerResponse): void {
    const body = Buffer.from(`request body larger than ${maxBody} bytes`, 'utf8');
    res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.length), Connection: 'close' });
    res.end(body, () => req.destroy());
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) fault(res, '1.1', 'Server', e instanceof Error ? e.message : String(e));
      else res.destroy();
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const h = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${h}:${port}${path}`,
        port,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            server.closeAllConnections();
          }),
      });
    });
  });
}
