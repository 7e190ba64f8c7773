// The Sichuan 2009 COM sandbox: the simulated center on loopback HTTP + the COM-style emulator library
// (C, built with gcc). `yibao sandbox --region sichuan-com` runs it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../../../host-node/src/contract.js';
import { createCore } from '../../../host-node/src/core.js';
import { buildEmulator, repoFile } from '../../legacy/build.js';
import { startEmuServer, type EmuFault, type EmuServer } from '../../legacy/emu-server.js';
import type { SiComInterface } from '../transport.js';
import { SichuanComCenter } from './center.js';

const SEP = 0x01;

export function sichuanComEmulatorSources(root?: string): string[] {
  return [root ? join(root, 'emulator', 'sichuan_com.c') : repoFile('plugins/sichuan-com/sandbox/emulator/sichuan_com.c')];
}

export function buildSichuanComEmulator(o: { libDir?: string; sourcesRoot?: string } = {}): string {
  return buildEmulator({ sources: sichuanComEmulatorSources(o.sourcesRoot), name: 'SiCom', libDir: o.libDir });
}

function split(b: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let s = 0;
  for (let i = 0; i <= b.length; i++) if (i === b.length || b[i] === SEP) {
    parts.push(b.subarray(s, i));
    s = i + 1;
  }
  return parts;
}

function join1(core: Core, parts: (string | Uint8Array)[]): Uint8Array {
  const bs = parts.map((p) => (typeof p === 'string' ? core.gbk.encode(p) : p));
  const out = new Uint8Array(bs.reduce((a, b) => a + b.length, 0) + bs.length - 1);
  let at = 0;
  bs.forEach((b, i) => {
    out.set(b, at);
    at += b.length;
    if (i < bs.length - 1) out[at++] = SEP;
  });
  return out;
}

export interface SichuanComSandbox {
  url: string;
  library: string;
  env: Record<string, string>;
  center: SichuanComCenter;
  server: EmuServer;
  fault(kind: EmuFault, operation?: 'Init' | 'Call' | 'Confirm' | 'Cancel'): void;
  close(): Promise<void>;
}

export async function startSichuanComSandbox(o: { core?: Core; host?: string; port?: number; log?: (l: string) => void; libDir?: string; now?: () => Date } = {}): Promise<SichuanComSandbox> {
  const core = o.core ?? createCore();
  const center = new SichuanComCenter({ core, log: o.log, now: o.now });
  const library = buildSichuanComEmulator({ libDir: o.libDir });
  const ascii = (b: Uint8Array | undefined) => String.fromCharCode(...(b ?? []));
  const server = await startEmuServer({
    host: o.host, port: o.port, log: o.log,
    routes: {
      Init: () => {
        const r = center.init();
        return { ret: r.appcode, out: core.gbk.encode(r.appmsg) };
      },
      Call: (body) => {
        const [jybh, xml] = split(body);
        const r = center.call(ascii(jybh), xml ?? new Uint8Array());
        return { ret: r.appcode, out: join1(core, [r.jylsh, r.jyyzm, r.appmsg, r.xml]) };
      },
      Confirm: (body) => {
        const [jylsh, jyyzm] = split(body);
        const r = center.confirm(ascii(jylsh), ascii(jyyzm));
        return { ret: r.appcode, out: core.gbk.encode(r.appmsg) };
      },
      Cancel: (body) => {
        const r = center.cancel(ascii(split(body)[0]));
        return { ret: r.appcode, out: core.gbk.encode(r.appmsg) };
      },
    },
  });
  if (o.libDir) writeFileSync(join(o.libDir, 'emulator.ini'), `[center]\r\nurl=${server.url}\r\n`);
  return { url: server.url, library, env: { YIBAO_EMULATOR_URL: server.url }, center, server, fault: (k, op) => server.fault(k, op), close: () => server.close() };
}

/** The COM interface straight into a center object (no library, no bridge): unit tests. */
export function directSiCom(center: SichuanComCenter, core: Core): SiComInterface {
  let inited = false;
  const enc = (s: string) => core.gbk.encode(s);
  return {
    init: async () => {
      inited = true;
      const r = center.init();
      return { appcode: r.appcode, appmsg: enc(r.appmsg) };
    },
    call: async (jybh, xml) => {
      const r = center.call(jybh, xml);
      return { ...r, appmsg: enc(r.appmsg) };
    },
    confirm: async (a, b) => {
      const r = center.confirm(a, b);
      return { appcode: r.appcode, appmsg: enc(r.appmsg) };
    },
    cancel: async (a) => {
      const r = center.cancel(a);
      return { appcode: r.appcode, appmsg: enc(r.appmsg) };
    },
    needsInit: () => !inited,
    close: async () => {},
  };
}
