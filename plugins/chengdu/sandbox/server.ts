// HTTP front of the Chengdu sandbox center, spoken to by the emulated Yinhai component (emulator/libyh.c)
// over loopback: POST /yh/<function>, body and reply as netstrings of raw bytes (GBK XML stays bytes end
// to end). Also GET /sandbox/health, /sandbox/ledger, /sandbox/trades and POST /sandbox/stall.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Core } from '../../../host-node/src/contract.js';
import { createCore } from '../../../host-node/src/core.js';
import { ChengduCenter, type CenterReply } from './center.js';

export interface ChengduSandboxOptions {
  host?: string;
  /** 0 = a free port */
  port?: number;
  core?: Core;
  now?: () => Date;
  akb020?: string;
  /** one line per request */
  log?: (line: string) => void;
}

export interface ChengduSandbox {
  /** http://host:port */
  url: string;
  /** host:port — the emulator's YH_CENTER */
  address: string;
  port: number;
  center: ChengduCenter;
  /** the center commits these transactions but never answers (the caller's DLL hangs: outcome unknown) */
  stall(jybh: string[]): void;
  close(): Promise<void>;
}

/** Netstrings "<len>:<bytes>," → byte fields. */
export function parseNetstrings(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < b.length) {
    let len = 0;
    let j = i;
    while (j < b.length && b[j] >= 0x30 && b[j] <= 0x39) len = len * 10 + (b[j++] - 0x30);
    if (j === i || b[j] !== 0x3a || j + 1 + len >= b.length || b[j + 1 + len] !== 0x2c) throw new Error(`bad netstring at ${i}`);
    out.push(b.subarray(j + 1, j + 1 + len));
    i = j + 2 + len;
  }
  return out;
}

export function netstrings(fields: Uint8Array[]): Buffer {
  return Buffer.concat(fields.flatMap((f) => [Buffer.from(`${f.length}:`), Buffer.from(f), Buffer.from(',')]));
}

const ascii = (b: Uint8Array | undefined): string => (b ? Buffer.from(b).toString('latin1') : '');

export async function startChengduSandbox(o: ChengduSandboxOptions = {}): Promise<ChengduSandbox> {
  const core = o.core ?? createCore();
  const center = new ChengduCenter({ core, now: o.now, akb020: o.akb020 });
  const host = o.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();

  const reply = (res: ServerResponse, r: CenterReply) => {
    const fields = [Buffer.from(String(r.appcode)), Buffer.from(core.gbk.encode(r.appmsg)), ...r.outs.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from(x)))];
    const body = netstrings(fields);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/sandbox/health') return json(res, { ok: true });
    if (req.method === 'GET' && url === '/sandbox/ledger') return json(res, center.ledger());
    if (req.method === 'GET' && url === '/sandbox/trades') return json(res, [...center.trades.values()].map(({ undo, ...t }) => (void undo, t)));
    if (req.method === 'POST' && url === '/sandbox/stall') {
      center.stallAfterCommit = new Set(JSON.parse(body.toString('utf8') || '[]') as string[]);
      return json(res, { ok: true });
    }
    const m = /^\/yh\/([a-z0-9_]+)$/.exec(url);
    if (req.method !== 'POST' || !m) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    let f: Uint8Array[];
    try {
      f = parseNetstrings(body);
    } catch (e) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end((e as Error).message);
      return;
    }
    const session = ascii(f[0]);
    let r: CenterReply;
    switch (m[1]) {
      case 'init':
        r = center.init(session);
        break;
      case 'destroy':
        r = center.destroy(session);
        break;
      case 'call': {
        const jybh = ascii(f[1]);
        r = center.call(session, jybh, f[2] ?? new Uint8Array(), f[3] ?? new Uint8Array());
        o.log?.(`call ${jybh} → ${r.appcode} ${r.appmsg}`);
        if (center.stallAfterCommit.has(jybh)) return; // committed, never answered
        break;
      }
      case 'confirm':
        r = center.confirm(session, ascii(f[1]), ascii(f[2]));
        break;
      case 'cancel':
        r = center.cancel(session, ascii(f[1]));
        break;
      case 'getuncertaintytrade':
        r = center.getUncertainTrade(session, ascii(f[1]));
        break;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no such function');
        return;
    }
    if (m[1] !== 'call') o.log?.(`${m[1]} → ${r.appcode} ${r.appmsg}`);
    reply(res, r);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks));
      } catch (e) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String((e as Error).stack ?? e));
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    address: `${host}:${port}`,
    port,
    center,
    stall: (jybh) => {
      center.stallAfterCommit = new Set(jybh);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, v: unknown): void {
  const b = Buffer.from(JSON.stringify(v));
  res.writeHead(200, { 'content-type': 'application/json;charset=utf-8', 'content-length': b.length });
  res.end(b);
}
