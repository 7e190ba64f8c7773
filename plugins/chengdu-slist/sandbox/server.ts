// The Chengdu settlement-list sandbox over real SOAP (host-node/src/transport-soap.ts): the configured method
// takes the request message as its one string parameter and answers the response message as its result.
import type { Core } from '../../../host-node/src/contract.js';
import { startSoapServer, SoapFaultError } from '../../../host-node/src/transport-soap.js';
import { CdSlistCenter, type CdSlistCenterOptions } from './center.js';

export interface CdSlistSandboxOptions extends Omit<CdSlistCenterOptions, 'core'> {
  core: Core;
  host?: string;
  /** 0 (default) = a free port */
  port?: number;
}

export interface CdSlistSandbox {
  /** the service URL (http://127.0.0.1:PORT/SettlementList.asmx) */
  url: string;
  port: number;
  center: CdSlistCenter;
  close(): Promise<void>;
}

export async function startCdSlistSandbox(o: CdSlistSandboxOptions): Promise<CdSlistSandbox> {
  const center = new CdSlistCenter(o);
  const s = center.cfg.soap;
  const srv = await startSoapServer(o.core, {
    ns: s.ns,
    path: s.path,
    host: o.host,
    port: o.port,
    handlers: {
      [s.method]: (params) => {
        const xml = params[s.param];
        if (typeof xml !== 'string') throw new SoapFaultError('Client', `parameter ${s.param} (the request message, a string) is required`);
        return center.handle(xml);
      },
    },
  });
  o.log?.(`chengdu-slist sandbox listening on ${srv.url} (SOAP ${s.version} ${s.ns} ${s.method}(${s.param}))`);
  return { url: srv.url, port: srv.port, center, close: () => srv.close() };
}
