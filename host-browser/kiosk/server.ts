// Kiosk server (Node): serves the built kiosk page, proxies /v1/* to the local agent adding its Bearer
// token (so the page holds no secret at all, and is same-origin with its API), and asks the HIS for the
// patient's pending fees. When the agent is down the proxy answers 502 with the AGENT_UNAVAILABLE error
// JSON, which the page shows as "自助服务暂不可用".
//
//   node host-browser/kiosk/dist/server.mjs --agent http://127.0.0.1:8765 [--token-file F | YIBAO_AGENT_TOKEN]
//        --pending FILE.json [--port 8080] [--hospital NAME]
// FILE.json: { "<certno>": { his_order, bill: { fee_items: [...], dept_name ... } } } (the HIS's
// pending fees; a real deployment replaces `pending` with a call to the HIS).
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { HOST_ERRORS } from '../../host-node/src/errors.js';

export interface KioskServerOptions {
  /** directory with index.html, kiosk.js, worker.js, kiosk.css (kiosk/dist) */
  dist: string;
  agentUrl: string;
  agentToken?: string;
  /** the HIS: pending fees of a person, or null when there are none */
  pending(q: { certno: string; psn_no: string }): unknown | null | Promise<unknown | null>;
  hospital?: string;
  kioskId?: string;
  port?: number;
  host?: string;
}

export interface KioskServer {
  url: string;
  /** point the proxy at another agent (tests: a stopped agent) */
  setAgent(url: string, token?: string): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function agentDown(res: ServerResponse, detail: string): void {
  const e = HOST_ERRORS.AGENT_UNAVAILABLE;
  json(res, 502, { status: e.status, code: 'AGENT_UNAVAILABLE', message_zh: e.zh, message_en: e.en, detail });
}

export async function startKioskServer(o: KioskServerOptions): Promise<KioskServer> {
  let agentUrl = o.agentUrl.replace(/\/$/, '');
  let token = o.agentToken ?? '';
  const dist = resolve(o.dist);

  function proxy(req: IncomingMessage, res: ServerResponse): void {
    const target = new URL(req.url ?? '/', agentUrl);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (req.headers['content-type']) headers['content-type'] = String(req.headers['content-type']);
    if (token) headers.authorization = `Bearer ${token}`;
    const up = httpRequest(target, { method: req.method, headers, timeout: 120000 }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, { 'content-type': ur.headers['content-type'] ?? 'application/json', 'cache-control': 'no-store' });
      ur.pipe(res);
    });
    up.on('timeout', () => up.destroy(new Error('agent timeout')));
    up.on('error', (e) => {
      if (res.headersSent) return res.destroy();
      // nothing reached the agent when the connection was refused; a reset after sending is unknown
      const refused = (e as NodeJS.ErrnoException).code === 'ECONNREFUSED';
      if (refused) agentDown(res, `${target.origin}: ${e.message}`);
      else {
        const t = HOST_ERRORS.AGENT_TIMEOUT;
        json(res, 504, { status: t.status, code: 'AGENT_TIMEOUT', message_zh: t.zh, message_en: t.en, detail: e.message });
      }
    });
    req.pipe(up);
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://kiosk');
      if (url.pathname.startsWith('/v1/')) return proxy(req, res);
      if (url.pathname === '/config.json') {
        // no token and no center setting here: the page talks to this origin only
        return json(res, 200, { agentUrl: '', hisUrl: './his', hospital: o.hospital ?? '', kioskId: o.kioskId ?? 'KIOSK01' });
      }
      if (url.pathname === '/his/pending') {
        const p = await o.pending({ certno: url.searchParams.get('certno') ?? '', psn_no: url.searchParams.get('psn_no') ?? '' });
        return p ? json(res, 200, p) : json(res, 404, { code: 'NO_PENDING_FEES', message: '没有待缴费用' });
      }
      const rel = url.pathname === '/' ? 'index.html' : normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '');
      const file = join(dist, rel);
      if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not found');
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(readFileSync(file));
    } catch (e) {
      json(res, 500, { code: 'KIOSK_SERVER', message: (e as Error).message });
    }
  });
  await new Promise<void>((r) => server.listen(o.port ?? 0, o.host ?? '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    setAgent(u, t) {
      agentUrl = u.replace(/\/$/, '');
      if (t !== undefined) token = t;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** CLI (bundled to kiosk/dist/server.mjs). */
async function cli(argv: string[]): Promise<void> {
  const arg = (n: string) => {
    const i = argv.indexOf(n);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const agentUrl = arg('--agent');
  const pendingFile = arg('--pending');
  if (!agentUrl || !pendingFile) {
    process.stderr.write('usage: server.mjs --agent URL [--token-file F] --pending FILE.json [--port N] [--hospital NAME]\n');
    process.exit(2);
  }
  const tf = arg('--token-file');
  const token = tf ? readFileSync(tf, 'utf8').trim() : process.env.YIBAO_AGENT_TOKEN ?? '';
  const table = JSON.parse(readFileSync(pendingFile, 'utf8')) as Record<string, unknown>;
  const s = await startKioskServer({
    dist: resolve(import.meta.dirname),
    agentUrl,
    agentToken: token,
    pending: ({ certno, psn_no }) => table[certno] ?? table[psn_no] ?? null,
    port: Number(arg('--port') ?? 8080),
    hospital: arg('--hospital'),
  });
  process.stdout.write(`kiosk listening ${s.url}\n`);
}

if (process.argv[1] && /server\.mjs$/.test(process.argv[1])) void cli(process.argv.slice(2));
