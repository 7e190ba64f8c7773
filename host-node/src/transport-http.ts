// HTTP transport for the national-JSON family (wire-formats §1.1, §1.2): POST one envelope, upload a file
// (9101, multipart), download a file (9102, streamed), with the gateway signature a region needs.
//
//   const t = createHttpTransport({ ...manifest.transport, endpoint: 'http://10.1.2.3:8080', core });
//   const { body } = await t.post(plugin.encode('1101', input, ctx));
//
// Signing (options.signing):
//   'none' plain HTTP inside the 医保专网.
//   'tif'  Guangdong/NHSA TIF "ebus" gateway: headers x-tif-paasid, x-tif-timestamp (Unix seconds),
//          x-tif-nonce, x-tif-signature = hex(SHA-256(UTF-8(timestamp + secret + nonce + timestamp))), hex
//          case per region (credentials.signatureCase; Shenzhen uses lower case), optional x-tif-serviceId.
//   'csb'  Alibaba CSB gateway (Jiangsu, Jiangxi …): headers _api_name (= infno), _api_version,
//          _api_timestamp (ms), _api_access_key, _api_signature = base64(HmacSHA1(secret, S)) where S is the
//          `k=v&k=v` string of the _api_* parameters sorted by key (UTF-16 order, as Java's TreeMap),
//          _api_signature excluded. [?] wire-formats §1.2 marks this layout UNVERIFIED: the only public
//          client seen builds it with a doubled `&` and then signs a different buffer. Verify S against the
//          region's CSB SDK / a captured request before going live (csbStringToSign is exported for that).
//          Note: proxies such as nginx drop header names with underscores unless configured to keep them.
// The digests are computed by the core (ops 60/61); the host only turns them into hex/base64.
//
// Secrets come from configuration (options.credentials) or the environment, never from source:
//   YIBAO_TIF_PAASID, YIBAO_TIF_SECRET, YIBAO_TIF_SERVICE_ID, YIBAO_TIF_SIGNATURE_CASE (lower|upper),
//   YIBAO_CSB_ACCESS_KEY, YIBAO_CSB_SECRET, YIBAO_CSB_API_VERSION (default 1.0.0).
// Secrets never appear in error messages.
//
// Errors are YibaoError: TRANSPORT_TIMEOUT, TRANSPORT_NETWORK, TRANSPORT_HTTP (non-2xx) all mean OUTCOME
// UNKNOWN — for a money-moving transaction the caller must resolve it by query or 2601 冲正, never by a
// blind retry (see HOST_ERRORS in errors.ts). TRANSPORT_CONFIG is raised before anything is sent.

import type { Core } from './contract.js';
import type { SigningScheme, Transport, WireRequest, WireResponse } from '../../plugins/contract.js';
import { YibaoError } from './errors.js';

export interface HttpCredentials {
  /** TIF: x-tif-paasid (app id issued by the province) */
  paasid?: string;
  /** TIF: the secret key; CSB: the secret key */
  secret?: string;
  /** TIF: optional x-tif-serviceId */
  serviceId?: string;
  /** CSB: _api_access_key */
  accessKey?: string;
  /** CSB: _api_version (default "1.0.0") */
  apiVersion?: string;
  /** TIF: hex case of x-tif-signature (default lower) */
  signatureCase?: 'lower' | 'upper';
}

export interface HttpTransportOptions {
  /** base URL, e.g. http://10.1.2.3:8080 or http://<ip>/ebus/gdyb_inf/poc/hsa/hgs */
  endpoint: string;
  /** appended to the endpoint (manifest transport.path), e.g. /fsi/api/rsfComIfsService/callService */
  path?: string;
  /** request Content-Type of post/download (default application/json;charset=utf-8; NHSA demo: text/plain) */
  contentType?: string;
  signing?: SigningScheme;
  /** whole exchange, response body included (default 30000) */
  timeoutMs?: number;
  /** download (9102) exchange, streamed body included (default: timeoutMs) */
  downloadTimeoutMs?: number;
  core: Core;
  credentials?: HttpCredentials;
  /** where missing credentials are looked up (default process.env) */
  env?: Record<string, string | undefined>;
  /** extra headers on every request (signature headers win) */
  headers?: Record<string, string>;
  /** clock in ms since the epoch (tests) */
  now?: () => number;
  /** x-tif-nonce generator (tests); default 16 random [A-Za-z0-9] */
  nonce?: () => string;
}

/** A 2xx answer: status, Content-Type and the raw body. */
export type HttpResponse = WireResponse;

export type DownloadResult =
  | { kind: 'file'; bytes: Uint8Array; contentType: string }
  | { kind: 'json'; body: Uint8Array; contentType: string };

export type ProgressFn = (received: number, total: number | null) => void;

/** The HTTP implementation of the plugin contract's Transport (upload and download always present). */
export interface HttpTransport extends Transport {
  readonly url: string;
  readonly signing: SigningScheme;
  /** POSTs req.body; resolves for 2xx, else throws TRANSPORT_HTTP */
  post(req: WireRequest): Promise<HttpResponse>;
  /** 9101, NHSA demo style: multipart/form-data with text part `jsonStr` (the envelope) and binary part `file` */
  upload(req: WireRequest, file: { name: string; bytes: Uint8Array }): Promise<HttpResponse>;
  /** 9102: an application/octet-stream response is the file (streamed, with progress), anything else is the
   *  JSON error envelope (wire-formats §1.1) */
  download(req: WireRequest, onProgress?: ProgressFn): Promise<DownloadResult>;
  /** the signature headers this transport would add now for a request (diagnostics, tests) */
  signatureHeaders(infno: string): Record<string, string>;
}

interface TifConfig { paasid: string; secret: string; serviceId?: string; signatureCase: 'lower' | 'upper' }
interface CsbConfig { accessKey: string; secret: string; apiVersion: string }

/** TIF headers for a given time (ms) and nonce. */
export function tifHeaders(core: Core, c: TifConfig, nowMs: number, nonce: string): Record<string, string> {
  const ts = String(Math.floor(nowMs / 1000));
  const signature = core.hash.hex(core.hash.sha256(ts + c.secret + nonce + ts), c.signatureCase);
  const h: Record<string, string> = {
    'x-tif-paasid': c.paasid,
    'x-tif-timestamp': ts,
    'x-tif-nonce': nonce,
    'x-tif-signature': signature,
  };
  if (c.serviceId) h['x-tif-serviceId'] = c.serviceId;
  return h;
}

/** The CSB string to sign: `k=v` of every parameter except _api_signature, sorted by key, joined by `&`. [?] */
export function csbStringToSign(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== '_api_signature')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** CSB headers for an infno at a given time (ms). */
export function csbHeaders(core: Core, c: CsbConfig, infno: string, nowMs: number): Record<string, string> {
  const p: Record<string, string> = {
    _api_name: infno,
    _api_version: c.apiVersion,
    _api_timestamp: String(Math.floor(nowMs)),
    _api_access_key: c.accessKey,
  };
  p._api_signature = core.hash.base64(core.hash.hmacSha1(c.secret, csbStringToSign(p)));
  return p;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 16 random characters [A-Za-z0-9] (unbiased). */
export function randomNonce(length = 16): string {
  let s = '';
  const buf = new Uint8Array(length * 2);
  while (s.length < length) {
    crypto.getRandomValues(buf);
    for (let i = 0; i < buf.length && s.length < length; i++) if (buf[i] < 248) s += ALNUM[buf[i] % 62];
  }
  return s;
}

function joinUrl(endpoint: string, path: string): string {
  if (!path) return endpoint;
  if (endpoint.endsWith('/') && path.startsWith('/')) return endpoint + path.slice(1);
  if (!endpoint.endsWith('/') && !path.startsWith('/')) return endpoint + '/' + path;
  return endpoint + path;
}

function configError(detail: string): YibaoError {
  return YibaoError.host('TRANSPORT_CONFIG', detail);
}

export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const signing: SigningScheme = options.signing ?? 'none';
  const env = options.env ?? process.env;
  const cred = options.credentials ?? {};
  const core = options.core;
  const now = options.now ?? (() => Date.now());
  const nonce = options.nonce ?? (() => randomNonce());
  const timeoutMs = options.timeoutMs ?? 30000;
  const downloadTimeoutMs = options.downloadTimeoutMs ?? timeoutMs;
  const contentType = options.contentType ?? 'application/json;charset=utf-8';

  let parsed: URL;
  try {
    parsed = new URL(joinUrl(options.endpoint ?? '', options.path ?? ''));
  } catch {
    throw configError(`endpoint is not a URL: ${JSON.stringify(options.endpoint)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw configError(`endpoint must be http(s): ${parsed.protocol}`);
  if (parsed.username || parsed.password) throw configError('endpoint must not carry user:password');
  const url = parsed.toString();
  if (!(timeoutMs > 0) || !(downloadTimeoutMs > 0)) throw configError('timeoutMs must be a positive number of milliseconds');

  let tif: TifConfig | undefined;
  let csb: CsbConfig | undefined;
  if (signing === 'tif') {
    const paasid = cred.paasid ?? env.YIBAO_TIF_PAASID;
    const secret = cred.secret ?? env.YIBAO_TIF_SECRET;
    const signatureCase = cred.signatureCase ?? (env.YIBAO_TIF_SIGNATURE_CASE as 'lower' | 'upper' | undefined) ?? 'lower';
    const missing = [!paasid && 'paasid (YIBAO_TIF_PAASID)', !secret && 'secret (YIBAO_TIF_SECRET)'].filter(Boolean);
    if (missing.length) throw configError(`TIF signing needs ${missing.join(' and ')}`);
    if (signatureCase !== 'lower' && signatureCase !== 'upper') throw configError('signatureCase must be lower or upper');
    tif = { paasid: paasid!, secret: secret!, serviceId: cred.serviceId ?? env.YIBAO_TIF_SERVICE_ID, signatureCase };
  } else if (signing === 'csb') {
    const accessKey = cred.accessKey ?? env.YIBAO_CSB_ACCESS_KEY;
    const secret = cred.secret ?? env.YIBAO_CSB_SECRET;
    const missing = [!accessKey && 'accessKey (YIBAO_CSB_ACCESS_KEY)', !secret && 'secret (YIBAO_CSB_SECRET)'].filter(Boolean);
    if (missing.length) throw configError(`CSB signing needs ${missing.join(' and ')}`);
    csb = { accessKey: accessKey!, secret: secret!, apiVersion: cred.apiVersion ?? env.YIBAO_CSB_API_VERSION ?? '1.0.0' };
  } else if (signing !== 'none') {
    throw configError(`unknown signing scheme ${JSON.stringify(signing)}`);
  }

  function signatureHeaders(infno: string): Record<string, string> {
    if (tif) return tifHeaders(core, tif, now(), nonce());
    if (csb) return csbHeaders(core, csb, infno, now());
    return {};
  }

  /** request headers: static, then per-request (content type dropped for multipart), then signatures */
  function headersFor(req: WireRequest, type: string | null): Record<string, string> {
    const h: Record<string, string> = {};
    const put = (src: Record<string, string> | undefined) => {
      for (const [k, v] of Object.entries(src ?? {})) {
        for (const old of Object.keys(h)) if (old.toLowerCase() === k.toLowerCase()) delete h[old];
        h[k] = v;
      }
    };
    put(options.headers);
    put(req.headers);
    for (const k of Object.keys(h)) if (k.toLowerCase() === 'content-type') delete h[k];
    if (type) h['content-type'] = type;
    put(signatureHeaders(req.infno));
    return h;
  }

  function mapError(e: unknown, signal: AbortSignal, what: string, ms: number): YibaoError {
    if (e instanceof YibaoError) return e;
    const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (signal.aborted || err?.name === 'TimeoutError') return YibaoError.host('TRANSPORT_TIMEOUT', `${what}: no complete response within ${ms} ms`, e);
    const why = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
    return YibaoError.host('TRANSPORT_NETWORK', `${what}: ${why}`, e);
  }

  async function httpError(res: Response, what: string): Promise<YibaoError> {
    let snippet = '';
    try {
      snippet = (await res.text()).replace(/\s+/g, ' ').trim().slice(0, 200);
    } catch {
      /* the status is what matters */
    }
    return YibaoError.host('TRANSPORT_HTTP', `${what}: HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}${snippet ? ': ' + snippet : ''}`);
  }

  /** one exchange with the whole body read inside the timeout */
  async function exchange(req: WireRequest, body: string | FormData, type: string | null, what: string): Promise<HttpResponse> {
    const signal = AbortSignal.timeout(timeoutMs);
    const headers = headersFor(req, type);
    let res: Response;
    let bytes: Uint8Array;
    try {
      res = await fetch(url, { method: 'POST', headers, body, signal });
      if (res.status < 200 || res.status > 299) throw await httpError(res, what);
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw mapError(e, signal, what, timeoutMs);
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: bytes };
  }

  return {
    url,
    signing,
    signatureHeaders,

    post(req) {
      return exchange(req, req.body, contentType, `POST ${req.infno} ${url}`);
    },

    upload(req, file) {
      const form = new FormData();
      form.append('jsonStr', req.body);
      form.append('file', new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), file.name);
      return exchange(req, form, null, `upload ${req.infno} ${url}`);
    },

    async download(req, onProgress) {
      const what = `download ${req.infno} ${url}`;
      const signal = AbortSignal.timeout(downloadTimeoutMs);
      const headers = headersFor(req, contentType);
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers, body: req.body, signal });
        if (res.status < 200 || res.status > 299) throw await httpError(res, what);
      } catch (e) {
        throw mapError(e, signal, what, downloadTimeoutMs);
      }
      const type = res.headers.get('content-type') ?? '';
      if (!/application\/octet-stream/i.test(type)) {
        try {
          return { kind: 'json', body: new Uint8Array(await res.arrayBuffer()), contentType: type };
        } catch (e) {
          throw mapError(e, signal, what, downloadTimeoutMs);
        }
      }
      // Content-Length is the size on the wire; with a Content-Encoding the decoded size is unknown
      const lenHeader = res.headers.get('content-length');
      const encoded = (res.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
      const total = lenHeader !== null && /^\d+$/.test(lenHeader) && !encoded ? Number(lenHeader) : null;
      const chunks: Uint8Array[] = [];
      let received = 0;
      if (!res.body) return { kind: 'file', bytes: new Uint8Array(0), contentType: type };
      const reader = res.body.getReader();
      onProgress?.(0, total);
      for (;;) {
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await reader.read();
        } catch (e) {
          throw mapError(e, signal, what, downloadTimeoutMs);
        }
        if (step.done) break;
        chunks.push(step.value);
        received += step.value.length;
        try {
          onProgress?.(received, total);
        } catch (e) {
          await reader.cancel().catch(() => undefined);
          throw e;
        }
      }
      if (total !== null && received !== total) {
        throw YibaoError.host('TRANSPORT_NETWORK', `${what}: body truncated (${received} of ${total} bytes)`);
      }
      const bytes = new Uint8Array(received);
      let off = 0;
      for (const c of chunks) {
        bytes.set(c, off);
        off += c.length;
      }
      return { kind: 'file', bytes, contentType: type };
    },
  };
}
