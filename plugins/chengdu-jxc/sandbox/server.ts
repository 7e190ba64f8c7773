// The Chengdu 进销存 sandbox over real SOAP on loopback: the center (center.ts) behind the SOAP server of
// host-node/src/transport-soap.ts, fronted by the shared HTTP relay (plugins/soap-sandbox-front.ts) that injects faults. The center's state lives
// in the JxcCenter object, so a test can stop the server (port closed: "center down") and start it again on
// the same port with the same center (startJxcSandbox({center, port})).
//
// Faults (transaction path only; not /sandbox/*):
//   down                 HTTP 503 before processing (nothing saved)
//   http-500:P           HTTP 500 before processing, with probability P
//   drop-after-commit:P  the center processes and saves, then the connection is closed without a reply
//   delay:MS             every reply is delayed
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from '../../../host-node/src/contract.js';
import { createCore } from '../../../host-node/src/core.js';
import { SoapFaultError, startSoapServer } from '../../../host-node/src/transport-soap.js';
import { startSoapSandboxFront, type FrontDecision } from '../../soap-sandbox-front.js';
import { JXC_DEFAULTS, type JxcConfig } from '../manifest.js';
import { JxcCenter, type JxcMapping } from './center.js';
import { mulberry32 } from '../../national/sandbox/prng.js';

export type JxcFault = { kind: 'down' } | { kind: 'http-500'; p: number } | { kind: 'drop-after-commit'; p: number } | { kind: 'delay'; ms: number };

export function parseJxcFault(text: string): JxcFault {
  const [kind, v] = text.split(':');
  const p = Number(v ?? '1');
  if (kind === 'down' && v === undefined) return { kind };
  if ((kind === 'http-500' || kind === 'drop-after-commit') && p >= 0 && p <= 1) return { kind, p };
  if (kind === 'delay' && Number.isInteger(p) && p >= 0) return { kind, ms: p };
  throw new Error(`invalid fault "${text}": expected down, http-500:P, drop-after-commit:P or delay:MS`);
}

export interface JxcSandboxOptions {
  core?: Core;
  cfg?: JxcConfig;
  /** an existing center (its saved rows survive a restart of the server) */
  center?: JxcCenter;
  credentials?: { user: string; password: string }[];
  catalogue?: JxcMapping[];
  host?: string;
  port?: number;
  /** the service path (default /jxc/DataCollect) */
  path?: string;
  faults?: JxcFault[];
  /** fault PRNG seed */
  seed?: number;
  log?: (line: string) => void;
}

export interface JxcSandbox {
  /** the service URL (configure it as the client's url) */
  url: string;
  port: number;
  center: JxcCenter;
  setFaults(f: JxcFault[]): void;
  /** closes the listener and every open connection: the center is down (its state stays in `center`) */
  close(): Promise<void>;
}

export async function startJxcSandbox(o: JxcSandboxOptions = {}): Promise<JxcSandbox> {
  const core = o.core ?? o.center?.core ?? createCore();
  const cfg = o.center?.cfg ?? o.cfg ?? JXC_DEFAULTS;
  const center = o.center ?? new JxcCenter({ core, cfg, credentials: o.credentials, catalogue: o.catalogue, log: o.log });
  const path = o.path ?? '/jxc/DataCollect';
  const inner = await startSoapServer(core, {
    ns: cfg.soap.ns,
    path,
    host: '127.0.0.1',
    port: 0,
    handlers: {
      [cfg.soap.method]: (params) => {
        const xml = params[cfg.soap.param];
        if (typeof xml !== 'string') throw new SoapFaultError('Client', `parameter ${cfg.soap.param} (string) is missing`);
        return center.handle(xml);
      },
    },
  });
  let faults = o.faults ?? [];
  const rnd = mulberry32(o.seed ?? 1);
  // the fault vocabulary of this sandbox, mapped onto the shared front (plugins/soap-sandbox-front.ts)
  const decide = (): FrontDecision | undefined => {
    let drop = false;
    let delayMs = 0;
    for (const f of faults) {
      if (f.kind === 'delay') delayMs += f.ms;
      else if (f.kind === 'down') return { reject: { status: 503, body: 'center down (sandbox fault)' } };
      else if (rnd() < f.p) {
        if (f.kind === 'http-500') return { reject: { status: 500, body: 'internal error (sandbox fault)' } };
        drop = true;
      }
    }
    return { delayMs, reply: drop ? { kind: 'drop', note: 'fault: drop-after-commit (the center saved the batch; the reply is dropped)' } : undefined };
  };
  const local = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '/';
    if (req.method !== 'GET') return false;
    if (url === '/sandbox/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    else if (url === '/sandbox/rows') res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' }).end(JSON.stringify(center.rows()));
    else return false;
    return true;
  };
  const host = o.host ?? '127.0.0.1';
  const front = await startSoapSandboxFront({ host, port: o.port ?? 0, route: () => inner.url, local, decide, log: o.log });
  const port = front.port;
  return {
    url: `http://${host}:${port}${path}`,
    port,
    center,
    setFaults(f) {
      faults = f;
    },
    async close() {
      await front.close();
      await inner.close();
    },
  };
}
