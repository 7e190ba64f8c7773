// The Sichuan 新农合 sandbox: the simulated center (center.ts) behind real SOAP on loopback. Each service of the
// manifest (住院 `main`, 门诊统筹 `mztcz`) is an ASMX-style SOAP server (host-node/src/transport-soap.ts
// startSoapServer); the shared HTTP front (plugins/soap-sandbox-front.ts) on the public port routes by path
// (/XNHService.asmx, /MZTCZService.asmx) and injects wire faults for tests (drop the reply after the center
// committed, malformed body, HTTP 500, rewritten reply). `yibao sandbox --region sichuan-xnh` runs this and prints `listening URL` first.
import type { Core, SoapValue } from '../../../host-node/src/contract.js';
import { createCore } from '../../../host-node/src/core.js';
import { YibaoError } from '../../../host-node/src/errors.js';
import { SoapFaultError, startSoapServer, type SoapServer } from '../../../host-node/src/transport-soap.js';
import { startSoapSandboxFront, type FrontReplyFault } from '../../soap-sandbox-front.js';
import { CenterRefusal } from '../../legacy/kernel.js';
import { XnhCodec } from '../codec.js';
import { xnhConfig, type XnhConfig } from '../manifest.js';
import type { XnhService } from '../spec.js';
import { XNH_SANDBOX_IDENTITY, XnhCenter, XnhFault } from './center.js';

/**
 * Faults for tests. Wire faults act in the HTTP front after the center answered (so `drop` = the center
 * committed, the caller never hears it); `soap-fault` makes the handler answer a soap:Server fault before
 * doing anything. `method` limits a fault to one function; `times` (default 1) how often it fires.
 */
export type XnhFaultSpec =
  | { kind: 'drop' | 'malformed' | 'http-500' | 'soap-fault'; method?: string; times?: number }
  | { kind: 'rewrite'; method?: string; times?: number; rewrite: (xml: string) => string };

export interface XnhSandbox {
  /** base URL (the services' paths are appended) */
  url: string;
  urls: Record<XnhService, string>;
  center: XnhCenter;
  identity: { hacccode: string; uid: string };
  fault(f: XnhFaultSpec): void;
  /** raw request bodies received by the front (newest last), for encoding checks */
  requests: { path: string; contentType: string; body: Buffer }[];
  close(): Promise<void>;
}

export interface XnhSandboxOptions {
  core?: Core;
  host?: string;
  port?: number;
  config?: Partial<XnhConfig>;
  now?: () => Date;
  log?: (line: string) => void;
}

export async function startSichuanXnhSandbox(o: XnhSandboxOptions = {}): Promise<XnhSandbox> {
  const core = o.core ?? createCore();
  const cfg = xnhConfig(o.config);
  const codec = new XnhCodec(cfg);
  const center = new XnhCenter({ core, cfg, now: o.now, log: o.log });
  const faults: (XnhFaultSpec & { left: number })[] = [];
  const take = (method: string, kinds: XnhFaultSpec['kind'][]): XnhFaultSpec | undefined => {
    const i = faults.findIndex((f) => kinds.includes(f.kind) && (!f.method || f.method === method));
    if (i < 0) return undefined;
    const f = faults[i]!;
    if (--f.left <= 0) faults.splice(i, 1);
    return f;
  };

  const handlerFor = (fn: string) => (params: Record<string, SoapValue | SoapValue[]>): SoapValue | undefined => {
    if (take(fn, ['soap-fault'])) throw new SoapFaultError('Server', `沙箱故障注入：${fn} 服务器内部错误`);
    let args: Record<string, unknown>;
    try {
      args = codec.decodeParams(fn, params);
    } catch (e) {
      throw new SoapFaultError('Client', `参数错误：${e instanceof YibaoError ? (e.detail ?? e.message) : String(e)}`);
    }
    let result: unknown;
    try {
      result = center.call(fn, args);
    } catch (e) {
      if (e instanceof XnhFault) throw new SoapFaultError(e.code, e.message);
      if (e instanceof CenterRefusal) throw new SoapFaultError('Client', e.message);
      throw new SoapFaultError('Server', `沙箱中心内部错误：${(e as Error).message}`);
    }
    return codec.encodeResult(fn, result);
  };

  const backends = {} as Record<XnhService, SoapServer>;
  for (const svc of ['main', 'mztcz'] as XnhService[]) {
    const s = cfg.services[svc];
    const handlers = Object.fromEntries(Object.entries(cfg.functions).filter(([, f]) => f.service === svc).map(([n]) => [n, handlerFor(n)]));
    backends[svc] = await startSoapServer(core, { ns: s.ns, path: pathOf(s.path), host: '127.0.0.1', port: 0, handlers });
  }
  const routes = Object.fromEntries((['main', 'mztcz'] as XnhService[]).map((svc) => [pathOf(cfg.services[svc].path), backends[svc].url]));
  // wire faults, taken once the center answered (plugins/soap-sandbox-front.ts applies them)
  const front = await startSoapSandboxFront({
    host: o.host,
    port: o.port ?? 0,
    route: routes,
    record: 200,
    decide: ({ method }) => ({
      reply: (): FrontReplyFault | undefined => {
        const f = take(method, ['drop', 'malformed', 'http-500', 'rewrite']);
        if (f?.kind === 'drop') return { kind: 'drop', note: `${method}: reply dropped (fault)` };
        if (f?.kind === 'malformed') return { kind: 'malformed' };
        if (f?.kind === 'rewrite') return { kind: 'rewrite', rewrite: f.rewrite };
        if (f?.kind === 'http-500') return { kind: 'status', status: 500, body: 'Internal Server Error', contentType: 'text/plain' };
        return undefined;
      },
    }),
    log: o.log,
  });
  const url = front.url;
  return {
    url,
    urls: { main: url + pathOf(cfg.services.main.path), mztcz: url + pathOf(cfg.services.mztcz.path) },
    center,
    identity: { hacccode: XNH_SANDBOX_IDENTITY.hacccode, uid: XNH_SANDBOX_IDENTITY.users[0].UID },
    fault: (f) => faults.push({ ...f, left: f.times ?? 1 }),
    requests: front.requests,
    close: async () => {
      await front.close();
      await Promise.all(Object.values(backends).map((b) => b.close()));
    },
  };
}

function pathOf(p: string): string {
  if (/^https?:\/\//.test(p)) return new URL(p).pathname;
  return p.startsWith('/') ? p : `/${p}`;
}

export { XNH_SANDBOX_IDENTITY, XnhCenter } from './center.js';
export { XNH_SANDBOX_POLICY } from './policy.js';
