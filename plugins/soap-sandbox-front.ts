// The HTTP front that web-service sandboxes put in front of their SOAP backends (host-node/src/transport-soap.ts
// startSoapServer) to route request paths and inject wire faults. Used at run time by `yibao sandbox --region R`
// as well as by the tests, so it lives here and not under host-node/src/testing.
//
//   const front = await startSoapSandboxFront({
//     route: { '/A.asmx': backendA.url, '/B.asmx': backendB.url },   // or (pathname) => backend URL | undefined
//     decide: ({ method }) => (method === 'Pay' ? { reply: { kind: 'drop' } } : undefined),
//   });
//
// Per request: `local` may answer it outright (sandbox-only endpoints; the body is not read); otherwise the body
// is read, the path routed (404 when no backend), the request recorded (`record`), and `decide` asked for a
// fault. A decision may
//   reject   answer without forwarding — an HTTP status (the center never sees the request) or 'close' (the
//            connection is destroyed without a reply);
//   delayMs  wait this long after the backend answered, before replying;
//   reply    what to do with the backend's answer (a function is evaluated once the answer is in, so a fault can
//            be taken at that moment): drop (the backend committed; the connection is destroyed without a
//            reply), malformed (the first half of the body), rewrite(body) → new body, or status (replace the
//            answer by an HTTP status and text).
// The backend's answer is otherwise relayed as is (status, headers but hop-by-hop ones, body). close() closes
// the listener and destroys every open connection, so the port can be reused at once.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FrontRequest {
  /** pathname (no query) */
  path: string;
  /** the SOAP method: the body element's name, else the last segment of SOAPAction ('' if neither) */
  method: string;
  body: Buffer;
  req: IncomingMessage;
}

export interface FrontAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type FrontReplyFault = (
  | { kind: 'drop' }
  | { kind: 'malformed' }
  | { kind: 'rewrite'; rewrite: (body: string) => string }
  | { kind: 'status'; status: number; body: string; contentType?: string }
) & {
  /** logged (options.log) when the fault is applied */
  note?: string;
};

export interface FrontDecision {
  /** answer without forwarding: an HTTP status with a text body, or 'close' (destroy the connection) */
  reject?: { status: number; body: string; contentType?: string; note?: string } | 'close';
  /** delay the reply (after the backend answered) */
  delayMs?: number;
  /** what to do with the backend's answer; a function is called once the answer is in */
  reply?: FrontReplyFault | ((answer: FrontAnswer) => FrontReplyFault | undefined);
}

export interface RecordedRequest {
  path: string;
  contentType: string;
  body: Buffer;
}

export interface SoapSandboxFrontOptions {
  host?: string;
  /** 0 (default) = a free port */
  port?: number;
  /** backend base URL per request pathname (the request's path and query are kept), or a function of the pathname */
  route: Record<string, string> | ((path: string) => string | undefined);
  /** answers a request itself (sandbox-only endpoints) — return true when it did; called before the body is read */
  local?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** the fault for a routed request, if any */
  decide?: (r: FrontRequest) => FrontDecision | undefined | Promise<FrontDecision | undefined>;
  /** keep the raw routed requests (newest last), at most this many (default 0: none) */
  record?: number;
  log?: (line: string) => void;
}

export interface SoapSandboxFront {
  port: number;
  /** http://HOST:PORT, with 127.0.0.1 for a wildcard listen address */
  url: string;
  /** recorded requests (see options.record) */
  requests: RecordedRequest[];
  /** closes the listener and every open connection */
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

export function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (c: Buffer) => parts.push(c));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}

/** The SOAP method of a request: the body element's name, else SOAPAction's last segment. */
export function soapMethodOf(body: Buffer, soapAction?: string | string[]): string {
  const fromBody = /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?([\w.]+)/.exec(body.toString('utf8'))?.[1];
  if (fromBody) return fromBody;
  const action = String(soapAction ?? '').replace(/"/g, '');
  return action.slice(action.lastIndexOf('/') + 1);
}

function forward(backend: URL, req: IncomingMessage, body: Buffer): Promise<FrontAnswer> {
  const headers = { ...req.headers, host: backend.host, 'content-length': String(body.length) };
  return new Promise<FrontAnswer>((resolve, reject) => {
    const r = request({ host: backend.hostname, port: backend.port, method: req.method, path: req.url ?? '/', headers }, async (up) => {
      try {
        resolve({ status: up.statusCode ?? 502, headers: up.headers, body: await readBody(up) });
      } catch (e) {
        reject(e);
      }
    });
    r.on('error', reject);
    r.end(body);
  });
}

export async function startSoapSandboxFront(o: SoapSandboxFrontOptions): Promise<SoapSandboxFront> {
  const route = o.route;
  const backendOf = typeof route === 'function' ? route : (path: string) => (Object.hasOwn(route, path) ? route[path] : undefined);
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  async function relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (o.local?.(req, res)) return;
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const backend = backendOf(path);
    if (backend === undefined) {
      const known = typeof route === 'function' ? '' : ` (${Object.keys(route).join(', ')})`;
      return void res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`no service at ${path}${known}`);
    }
    if (o.record) {
      requests.push({ path, contentType: String(req.headers['content-type'] ?? ''), body });
      if (requests.length > o.record) requests.shift();
    }
    const d = (await o.decide?.({ path, method: soapMethodOf(body, req.headers.soapaction), body, req })) ?? {};
    if (d.reject === 'close') {
      req.socket.destroy();
      return;
    }
    if (d.reject) {
      if (d.reject.note) o.log?.(d.reject.note);
      return void res.writeHead(d.reject.status, { 'content-type': d.reject.contentType ?? 'text/plain' }).end(d.reject.body);
    }
    const answer = await forward(new URL(backend), req, body);
    if (d.delayMs) await new Promise((r) => setTimeout(r, d.delayMs));
    const f = typeof d.reply === 'function' ? d.reply(answer) : d.reply;
    if (f?.note) o.log?.(f.note);
    if (f?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (f?.kind === 'status') {
      const text = Buffer.from(f.body, 'utf8');
      return void res.writeHead(f.status, { 'content-type': f.contentType ?? 'text/plain', 'content-length': String(text.length) }).end(text);
    }
    let reply = answer.body;
    if (f?.kind === 'malformed') reply = reply.subarray(0, Math.max(1, Math.floor(reply.length / 2)));
    if (f?.kind === 'rewrite') reply = Buffer.from(f.rewrite(reply.toString('utf8')), 'utf8');
    const h: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) h[k] = v;
    h['content-length'] = String(reply.length);
    res.writeHead(answer.status, h).end(reply);
  }

  const server = createServer((req, res) => {
    relay(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`sandbox relay: ${(e as Error).message}`);
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = !o.host || o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host;
  return {
    port,
    url: `http://${host}:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
