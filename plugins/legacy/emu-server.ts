// Loopback HTTP server of a simulated center, as seen by a compiled emulator library (C, emulator/*.c).
// Protocol (GBK bytes, no JSON): POST /<OPERATION> with the raw input bytes as body; the answer body is
// `<ret>\n<output bytes>` where <ret> is a decimal integer the emulator returns to its caller.
// Fault hooks make the emulator misbehave on purpose (tests of the bridge's containment):
//   crash → ret -9001: the emulator dereferences NULL (segfault in the bridge child)
//   hang  → ret -9002: the emulator sleeps forever inside the vendor call
//   drop  → the center executes the request, then closes the connection without an answer
//           (the emulator reports a network failure: outcome unknown to the caller)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type EmuFault = 'crash' | 'hang' | 'drop';
export const EMU_CRASH = -9001;
export const EMU_HANG = -9002;

export interface EmuAnswer {
  ret: number;
  out: Uint8Array;
}

export type EmuRoute = (body: Uint8Array, headers: Record<string, string>) => EmuAnswer | Promise<EmuAnswer>;

export interface EmuServer {
  url: string;
  port: number;
  /** the next request of `operation` (or of any operation when omitted) misbehaves */
  fault(kind: EmuFault, operation?: string): void;
  /** requests served (operation names in order) */
  served(): string[];
  close(): Promise<void>;
}

const enc = new TextEncoder();

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export async function startEmuServer(o: { routes: Record<string, EmuRoute>; host?: string; port?: number; log?: (line: string) => void }): Promise<EmuServer> {
  const pending: { kind: EmuFault; op?: string }[] = [];
  const served: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const op = decodeURIComponent((req.url ?? '/').slice(1).split('?')[0] ?? '');
      const body = await readBody(req);
      const route = o.routes[op];
      if (req.method !== 'POST' || !route) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`no such operation ${op}`);
        return;
      }
      served.push(op);
      const k = pending.findIndex((f) => !f.op || f.op === op);
      const fault = k >= 0 ? pending.splice(k, 1)[0]!.kind : undefined;
      if (fault === 'crash' || fault === 'hang') {
        o.log?.(`${op} fault ${fault}`);
        const r = enc.encode(`${fault === 'crash' ? EMU_CRASH : EMU_HANG}\n`);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': r.length }).end(r);
        return;
      }
      let a: EmuAnswer;
      try {
        a = await route(body, req.headers as Record<string, string>);
      } catch (e) {
        o.log?.(`${op} INTERNAL ${(e as Error).stack ?? String(e)}`);
        a = { ret: -1, out: new Uint8Array() };
      }
      if (fault === 'drop') {
        o.log?.(`${op} executed, answer dropped`);
        req.socket.destroy();
        return;
      }
      const head = enc.encode(`${a.ret}\n`);
      const r = new Uint8Array(head.length + a.out.length);
      r.set(head);
      r.set(a.out, head.length);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': r.length, connection: 'close' }).end(r);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${o.host ?? '127.0.0.1'}:${port}`,
    port,
    fault: (kind, op) => void pending.push({ kind, op }),
    served: () => [...served],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
