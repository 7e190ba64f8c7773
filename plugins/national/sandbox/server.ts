// The sandbox center over HTTP: a simulated regional insurance center (国家医保平台 基线版 + 四川两定扩展)
// for demos and end-to-end tests. See README.md in this folder.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import type { Core } from '../../../host-node/src/contract.js';
import { createCore } from '../../../host-node/src/core.js';
import { SICHUAN_MANIFEST } from '../manifest.js';
import { Center, type CenterRequest } from './center.js';
import type { SettlementListCenterOptions } from './context.js';
import type { LedgerEntry, StoredReply } from './state.js';
import { mulberry32 } from './prng.js';

export type { LedgerEntry } from './state.js';

export type FaultSpec =
  | { kind: 'delay'; ms: number }
  | { kind: 'drop-after-commit'; p: number }
  | { kind: 'http-500'; p: number }
  | { kind: 'malformed'; p: number };

export interface SandboxOptions {
  region?: 'sichuan';
  host?: string;
  /** 0 (default) = a random free port */
  port?: number;
  faults?: FaultSpec[];
  /** seed of the fault PRNG (deterministic fault sequence) */
  seed?: number;
  core?: Core;
  now?: () => Date;
  log?: (line: string) => void;
  /** 4101 / 4101A: reply position of setl_list_id and the quality check (context.ts SettlementListCenterOptions) */
  settlementList?: SettlementListCenterOptions;
}

export interface Sandbox {
  url: string;
  port: number;
  close(): Promise<void>;
  ledger(): LedgerEntry[];
  setFaults(f: FaultSpec[]): void;
  /** the center itself (state inspection in tests) */
  center: Center;
}

const FAULT_HELP = 'expected delay:MS, drop-after-commit:P, http-500:P or malformed:P (MS a non-negative integer, P a probability between 0 and 1)';

/** Parses a CLI fault string: "delay:200", "drop-after-commit:0.3", "http-500:0.1", "malformed:0.05". */
export function parseFault(text: string): FaultSpec {
  const m = /^\s*([a-z0-9-]+)\s*:\s*([0-9.]+)\s*$/i.exec(text);
  if (!m) throw new Error(`invalid fault "${text}": ${FAULT_HELP}`);
  const kind = m[1]!.toLowerCase();
  const v = Number(m[2]);
  if (kind === 'delay') {
    if (!/^\d+$/.test(m[2]!)) throw new Error(`invalid fault "${text}": delay needs whole milliseconds; ${FAULT_HELP}`);
    return { kind, ms: v };
  }
  if (kind === 'drop-after-commit' || kind === 'http-500' || kind === 'malformed') {
    if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(m[2]!) || !(v >= 0 && v <= 1)) throw new Error(`invalid fault "${text}": probability must be between 0 and 1; ${FAULT_HELP}`);
    return { kind, p: v };
  }
  throw new Error(`invalid fault "${text}": unknown kind "${m[1]}"; ${FAULT_HELP}`);
}

/** Validates a FaultSpec given as JSON (an object or a CLI string). */
export function toFault(x: unknown): FaultSpec {
  if (typeof x === 'string') return parseFault(x);
  if (typeof x === 'object' && x !== null) {
    const o = x as Record<string, unknown>;
    if (o['kind'] === 'delay' && typeof o['ms'] === 'number') return parseFault(`delay:${o['ms']}`);
    if (typeof o['kind'] === 'string' && typeof o['p'] === 'number') return parseFault(`${o['kind']}:${o['p']}`);
  }
  throw new Error(`invalid fault ${JSON.stringify(x)}: ${FAULT_HELP}`);
}

const MAX_BODY = 25 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > MAX_BODY) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseMultipart(req: IncomingMessage, body: Buffer): Promise<NonNullable<CenterRequest['multipart']>> {
  return new Promise((resolve, reject) => {
    const out: NonNullable<CenterRequest['multipart']> = {};
    let bb;
    try {
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fileSize: 20 * 1024 * 1024 } });
    } catch (e) {
      reject(e);
      return;
    }
    bb.on('field', (name, val) => {
      if (name === 'jsonStr') out.jsonStr = val;
    });
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (name === 'file') out.file = { filename: info.filename ?? '', bytes: new Uint8Array(Buffer.concat(chunks)) };
      });
    });
    bb.on('close', () => resolve(out));
    bb.on('error', reject);
    bb.end(body);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function send(res: ServerResponse, status: number, contentType: string, body: Uint8Array | string): void {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': b.length });
  res.end(b);
}

/** Starts the sandbox center. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  if ((options.region ?? 'sichuan') !== 'sichuan') throw new Error(`unknown sandbox region ${options.region}`);
  const manifest = SICHUAN_MANIFEST;
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const center = new Center({ core: options.core ?? createCore(), manifest, now, log, settlementList: options.settlementList });
  let faults: FaultSpec[] = (options.faults ?? []).map(toFault);
  const rand = mulberry32(options.seed ?? 1);
  const path = manifest.transport.path;

  async function onTransport(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // every probabilistic fault consumes one number per request, in order: a deterministic sequence
    let delay = 0;
    let http500 = false, drop = false, malformed = false;
    for (const f of faults) {
      if (f.kind === 'delay') delay += f.ms;
      else {
        const hit = rand() < f.p;
        if (f.kind === 'http-500') http500 ||= hit;
        else if (f.kind === 'drop-after-commit') drop ||= hit;
        else malformed ||= hit;
      }
    }
    const body = await readBody(req);
    if (http500) {
      await sleep(delay);
      log('fault http-500 (request not processed)');
      send(res, 500, 'text/plain;charset=UTF-8', 'Internal Server Error (sandbox fault http-500)');
      return;
    }
    const ct = String(req.headers['content-type'] ?? '').toLowerCase();
    let reply: StoredReply;
    if (ct.startsWith('multipart/form-data')) {
      let parts;
      try {
        parts = await parseMultipart(req, body);
      } catch (e) {
        parts = { jsonStr: undefined };
        log(`multipart parse error: ${(e as Error).message}`);
      }
      reply = center.handle({ multipart: parts });
    } else {
      reply = center.handle({ body: new Uint8Array(body) });
    }
    await sleep(delay);
    if (drop) {
      log('fault drop-after-commit (socket destroyed)');
      req.socket.destroy();
      return;
    }
    if (malformed) {
      log('fault malformed (truncated body)');
      const cut = Math.max(1, Math.floor(reply.body.length / 2));
      send(res, 200, reply.contentType, reply.body.subarray(0, cut));
      return;
    }
    send(res, reply.status, reply.contentType, reply.body);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const route = `${req.method} ${url.pathname}`;
    const run = async () => {
      if (route === 'GET /sandbox/health') return send(res, 200, 'application/json', JSON.stringify({ ok: true }));
      if (route === 'GET /sandbox/ledger') return send(res, 200, 'application/json', JSON.stringify(center.st.ledger()));
      if (route === 'POST /sandbox/faults') {
        const text = (await readBody(req)).toString('utf8');
        let list: FaultSpec[];
        try {
          const j = JSON.parse(text) as unknown;
          if (!Array.isArray(j)) throw new Error('body must be a JSON array of faults');
          list = j.map(toFault);
        } catch (e) {
          return send(res, 400, 'application/json', JSON.stringify({ ok: false, error: (e as Error).message }));
        }
        faults = list;
        log(`faults set: ${JSON.stringify(list)}`);
        return send(res, 200, 'application/json', JSON.stringify({ ok: true, faults }));
      }
      if (req.method === 'POST' && url.pathname === path) return onTransport(req, res);
      return send(res, 404, 'application/json', JSON.stringify({ ok: false, error: `no route ${route}; transactions go to POST ${path}` }));
    };
    run().catch((e: Error & { status?: number }) => {
      log(`http error: ${e.stack ?? e.message}`);
      if (!res.headersSent) send(res, e.status ?? 500, 'text/plain;charset=UTF-8', e.message);
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log(`sandbox center (sichuan) listening on http://${host}:${port}${path}`);
  return {
    url: `http://${host}:${port}`,
    port,
    center,
    ledger: () => center.st.ledger(),
    setFaults: (f) => {
      faults = f.map(toFault);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
