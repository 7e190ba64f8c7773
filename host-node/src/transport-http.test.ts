// HTTP transport against a real node:http server on 127.0.0.1:0; signatures checked with node:crypto.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import busboy from 'busboy';
import { createCore } from './core.js';
import { YibaoError } from './errors.js';
import { createHttpTransport, csbStringToSign, randomNonce } from './transport-http.js';
import type { WireRequest } from '../../plugins/contract.js';

const core = createCore();
const PATH = '/fsi/api/rsfComIfsService/callService';
const NOW = 1700000000123; // ms
const NONCE = 'Ab3dE6gH';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  fields?: Record<string, string>;
  files?: Record<string, { filename: string; mimeType: string; bytes: Buffer }>;
}

let server: Server;
let base = '';
const seen: Seen[] = [];
const BIG = randomBytes(3 * 1024 * 1024 + 17); // the 9102 file

type Handler = (req: IncomingMessage, res: ServerResponse, s: Seen) => void;
const routes: Record<string, Handler> = {
  [PATH]: (_req, res, s) => {
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
    res.end(JSON.stringify({ infcode: 0, err_msg: null, output: { echo: s.body.toString('utf8') } }));
  },
  '/slow': (_req, res) => {
    setTimeout(() => {
      if (!res.destroyed) res.end('{}');
    }, 1500);
  },
  '/bad': (_req, res) => {
    res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/plain' });
    res.end('upstream   center\n unavailable');
  },
  '/file': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BIG.length) });
    // several writes so the client sees several chunks
    let off = 0;
    const step = () => {
      while (off < BIG.length) {
        const n = Math.min(256 * 1024, BIG.length - off);
        const more = res.write(BIG.subarray(off, off + n));
        off += n;
        if (!more) return void res.once('drain', step);
      }
      res.end();
    };
    step();
  },
  '/file-chunked': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream;charset=UTF-8' });
    res.write(BIG.subarray(0, 1000));
    setTimeout(() => res.end(BIG.subarray(1000, 5000)), 20);
  },
  '/file-stall': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '100000' });
    res.write(BIG.subarray(0, 1000)); // then nothing
  },
  '/file-error': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"infcode":-1,"err_msg":"文件不存在","output":{}}');
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.alloc(0) };
    seen.push(s);
    const route = routes[(req.url ?? '').replace(/\?.*$/, '')] ?? routes[PATH];
    if ((req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
      s.fields = {};
      s.files = {};
      const bb = busboy({ headers: req.headers, defParamCharset: 'utf8' });
      bb.on('field', (name: string, val: string) => (s.fields![name] = val));
      bb.on('file', (name, stream, info) => {
        const parts: Buffer[] = [];
        stream.on('data', (d: Buffer) => parts.push(d));
        stream.on('end', () => (s.files![name] = { filename: info.filename ?? '', mimeType: info.mimeType, bytes: Buffer.concat(parts) }));
      });
      bb.on('close', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"infcode":0,"output":{"file_qury_no":"fsi/xyz","filename":"' + (s.files!.file?.filename ?? '') + '"}}');
      });
      req.pipe(bb);
      return;
    }
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      s.body = Buffer.concat(parts);
      route(req, res, s);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const req = (infno = '1101', body = '{"infno":"1101","input":{"data":{"psn_no":"张三"}}}'): WireRequest => ({ infno, msgid: 'H50015501017202109240828271037', body });
const last = () => seen[seen.length - 1];

async function rejection(p: Promise<unknown>): Promise<YibaoError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(YibaoError);
    return e as YibaoError;
  }
  throw new Error('expected a rejection');
}

describe('post', () => {
  it('POSTs the envelope as UTF-8 to endpoint + path with the configured content type; no signature headers', async () => {
    const t = createHttpTransport({ endpoint: base + '/', path: PATH, core, contentType: 'text/plain' });
    expect(t.url).toBe(base + PATH);
    const r = await t.post({ ...req(), headers: { 'X-Extra': 'a', 'Content-Type': 'ignored/x' } });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json;charset=UTF-8');
    const reply = JSON.parse(new TextDecoder().decode(r.body));
    expect(reply.output.echo).toBe(req().body);
    const s = last();
    expect(s.method).toBe('POST');
    expect(s.url).toBe(PATH);
    expect(s.headers['content-type']).toBe('text/plain');
    expect(s.headers['x-extra']).toBe('a');
    expect(Object.keys(s.headers).filter((k) => k.startsWith('x-tif') || k.startsWith('_api'))).toEqual([]);
  });

  it('TIF: x-tif-* headers exactly as node:crypto computes them (lower and upper case)', async () => {
    const secret = 'tif-secret-密钥';
    const ts = String(Math.floor(NOW / 1000));
    const expected = createHash('sha256').update(ts + secret + NONCE + ts, 'utf8').digest('hex');
    for (const signatureCase of ['lower', 'upper'] as const) {
      const t = createHttpTransport({
        endpoint: base, path: PATH, core, signing: 'tif', now: () => NOW, nonce: () => NONCE,
        credentials: { paasid: 'hsa_his_4401', secret, signatureCase, serviceId: 'svc-1' }, env: {},
      });
      await t.post(req());
      const h = last().headers;
      expect(h['x-tif-paasid']).toBe('hsa_his_4401');
      expect(h['x-tif-timestamp']).toBe('1700000000');
      expect(h['x-tif-nonce']).toBe(NONCE);
      expect(h['x-tif-signature']).toBe(signatureCase === 'upper' ? expected.toUpperCase() : expected);
      expect(h['x-tif-serviceid']).toBe('svc-1');
    }
  });

  it('TIF: credentials from the environment; a fresh nonce and the current time by default', async () => {
    const env = { YIBAO_TIF_PAASID: 'p-env', YIBAO_TIF_SECRET: 's-env', YIBAO_TIF_SIGNATURE_CASE: 'upper' };
    const t = createHttpTransport({ endpoint: base, path: PATH, core, signing: 'tif', env });
    const before = Math.floor(Date.now() / 1000);
    await t.post(req());
    const h = last().headers;
    const ts = String(h['x-tif-timestamp']);
    const nonce = String(h['x-tif-nonce']);
    expect(Number(ts)).toBeGreaterThanOrEqual(before);
    expect(nonce).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(h['x-tif-paasid']).toBe('p-env');
    expect(h['x-tif-signature']).toBe(createHash('sha256').update(ts + 's-env' + nonce + ts).digest('hex').toUpperCase());
    await t.post(req());
    expect(last().headers['x-tif-nonce']).not.toBe(nonce);
  });

  it('CSB: _api_* headers with base64(HmacSHA1(secret, sorted k=v&…)) as node:crypto computes it', async () => {
    const t = createHttpTransport({
      endpoint: base, path: PATH, core, signing: 'csb', now: () => NOW, env: { YIBAO_CSB_SECRET: 'csb-sk' },
      credentials: { accessKey: 'csb-ak', apiVersion: '1.0.0' },
    });
    await t.post(req('2207'));
    const h = last().headers;
    const s = '_api_access_key=csb-ak&_api_name=2207&_api_timestamp=1700000000123&_api_version=1.0.0';
    expect(csbStringToSign({ _api_version: '1.0.0', _api_name: '2207', _api_timestamp: '1700000000123', _api_access_key: 'csb-ak', _api_signature: 'x' })).toBe(s);
    expect(h['_api_name']).toBe('2207');
    expect(h['_api_version']).toBe('1.0.0');
    expect(h['_api_timestamp']).toBe('1700000000123');
    expect(h['_api_access_key']).toBe('csb-ak');
    expect(h['_api_signature']).toBe(createHmac('sha1', 'csb-sk').update(s, 'utf8').digest('base64'));
  });

  it('missing credentials or a bad endpoint fail before sending, naming the variable but never a secret', () => {
    const e1 = (() => { try { createHttpTransport({ endpoint: base, core, signing: 'tif', env: { YIBAO_TIF_SECRET: 'do-not-leak' } }); } catch (e) { return e as YibaoError; } })();
    expect(e1?.code).toBe('TRANSPORT_CONFIG');
    expect(e1?.message).toContain('YIBAO_TIF_PAASID');
    expect(e1?.message).not.toContain('do-not-leak');
    expect(() => createHttpTransport({ endpoint: base, core, signing: 'csb', env: {} })).toThrowError(expect.objectContaining({ code: 'TRANSPORT_CONFIG' }));
    expect(() => createHttpTransport({ endpoint: 'not a url', core })).toThrowError(expect.objectContaining({ code: 'TRANSPORT_CONFIG' }));
    expect(() => createHttpTransport({ endpoint: 'ftp://x', core })).toThrowError(expect.objectContaining({ code: 'TRANSPORT_CONFIG' }));
    expect(() => createHttpTransport({ endpoint: base, core, signing: 'rsa' as never })).toThrowError(expect.objectContaining({ code: 'TRANSPORT_CONFIG' }));
  });

  it('timeout -> TRANSPORT_TIMEOUT (outcome unknown)', async () => {
    const t = createHttpTransport({ endpoint: base, path: '/slow', core, timeoutMs: 150 });
    const t0 = Date.now();
    const e = await rejection(t.post(req('2207')));
    expect(e.code).toBe('TRANSPORT_TIMEOUT');
    expect(e.status).toBe(1010);
    expect(e.messageEn).toContain('outcome unknown');
    expect(Date.now() - t0).toBeLessThan(1400);
  });

  it('non-2xx -> TRANSPORT_HTTP with the status and a short body excerpt in detail', async () => {
    const t = createHttpTransport({ endpoint: base, path: '/bad', core });
    const e = await rejection(t.post(req()));
    expect(e.code).toBe('TRANSPORT_HTTP');
    expect(e.detail).toContain('HTTP 502');
    expect(e.detail).toContain('upstream center unavailable');
  });

  it('connection refused -> TRANSPORT_NETWORK', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    const t = createHttpTransport({ endpoint: `http://127.0.0.1:${port}`, core, timeoutMs: 5000 });
    const e = await rejection(t.post(req()));
    expect(e.code).toBe('TRANSPORT_NETWORK');
    expect(e.detail).toContain('ECONNREFUSED');
  });
});

describe('upload (9101, multipart)', () => {
  it('sends jsonStr and file parts that busboy parses back exactly, with the signature headers', async () => {
    const t = createHttpTransport({
      endpoint: base, path: PATH, core, signing: 'tif', now: () => NOW, nonce: () => NONCE,
      credentials: { paasid: 'p', secret: 's' },
    });
    const bytes = randomBytes(200_000);
    const envelope = '{"infno":"9101","input":{"fsUploadIn":{"filename":"明细.txt","fixmedins_code":"H44120200141"}}}';
    const r = await t.upload(req('9101', envelope), { name: '明细.txt', bytes });
    expect(JSON.parse(new TextDecoder().decode(r.body)).output.file_qury_no).toBe('fsi/xyz');
    const s = last();
    expect(s.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(s.fields).toEqual({ jsonStr: envelope });
    expect(s.files!.file.filename).toBe('明细.txt');
    expect(s.files!.file.bytes.equals(bytes)).toBe(true);
    expect(s.headers['x-tif-signature']).toBe(createHash('sha256').update('1700000000sAb3dE6gH1700000000').digest('hex'));
  });
});

describe('download (9102, streamed)', () => {
  it('an octet-stream body is the file: 3 MB, progress callbacks monotonic up to the total', async () => {
    const t = createHttpTransport({ endpoint: base, path: '/file', core });
    const calls: [number, number | null][] = [];
    const r = await t.download(req('9102'), (a, b) => calls.push([a, b]));
    expect(r.kind).toBe('file');
    if (r.kind !== 'file') return;
    expect(r.bytes.length).toBe(BIG.length);
    expect(Buffer.from(r.bytes).equals(BIG)).toBe(true);
    expect(calls.length).toBeGreaterThan(2);
    expect(calls[0]).toEqual([0, BIG.length]);
    expect(calls[calls.length - 1]).toEqual([BIG.length, BIG.length]);
    for (let i = 1; i < calls.length; i++) expect(calls[i][0]).toBeGreaterThan(calls[i - 1][0]);
  });

  it('without Content-Length the total is null', async () => {
    const t = createHttpTransport({ endpoint: base, path: '/file-chunked', core });
    const calls: [number, number | null][] = [];
    const r = await t.download(req('9102'), (a, b) => calls.push([a, b]));
    expect(r.kind === 'file' && Buffer.from(r.bytes).equals(BIG.subarray(0, 5000))).toBe(true);
    expect(calls.every(([, total]) => total === null)).toBe(true);
    expect(calls[calls.length - 1][0]).toBe(5000);
  });

  it('any other content type is the JSON error envelope', async () => {
    const t = createHttpTransport({ endpoint: base, path: '/file-error', core });
    const r = await t.download(req('9102'));
    expect(r.kind).toBe('json');
    if (r.kind === 'json') expect(JSON.parse(new TextDecoder().decode(r.body)).err_msg).toBe('文件不存在');
  });

  it('a body that stalls mid-stream -> TRANSPORT_TIMEOUT', async () => {
    const t = createHttpTransport({ endpoint: base, path: '/file-stall', core, timeoutMs: 5000, downloadTimeoutMs: 200 });
    const calls: number[] = [];
    const e = await rejection(t.download(req('9102'), (a) => calls.push(a)));
    expect(e.code).toBe('TRANSPORT_TIMEOUT');
    expect(calls).toContain(1000);
  });

  it('an exception thrown by the progress callback propagates unchanged', async () => {
    const t = createHttpTransport({ endpoint: base, path: '/file', core });
    await expect(t.download(req('9102'), (a) => { if (a > 0) throw new Error('user abort'); })).rejects.toThrow('user abort');
  });
});

describe('helpers', () => {
  it('randomNonce is [A-Za-z0-9] of the asked length', () => {
    for (let i = 0; i < 50; i++) expect(randomNonce()).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(randomNonce(8)).toMatch(/^[A-Za-z0-9]{8}$/);
  });
});
