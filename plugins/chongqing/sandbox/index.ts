// The Chongqing sandbox: the simulated center on loopback HTTP + the SiInterface emulator library built
// from C with gcc. A HIS (or yibao through legacy-com-bridge) loads the library; the library forwards
// every BUSINESS_HANDLE to the center. `yibao sandbox --region chongqing` runs this.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../../../host-node/src/contract.js';
import { createCore } from '../../../host-node/src/core.js';
import { buildEmulator, repoFile } from '../../legacy/build.js';
import { startEmuServer, type EmuFault, type EmuServer } from '../../legacy/emu-server.js';
import { ChongqingCenter } from './center.js';

/** C sources of the emulator (resolved beside this file in the source tree). */
export function chongqingEmulatorSources(root?: string): string[] {
  return [root ? join(root, 'emulator', 'siinterface.c') : repoFile('plugins/chongqing/sandbox/emulator/siinterface.c')];
}

/** Compiles the SiInterface emulator (cached by source hash); `outDir` also gets an emulator.ini. */
export function buildChongqingEmulator(o: { libDir?: string; sourcesRoot?: string } = {}): string {
  return buildEmulator({ sources: chongqingEmulatorSources(o.sourcesRoot), name: 'SiInterface', libDir: o.libDir });
}

export interface ChongqingSandbox {
  /** loopback URL of the center (the emulator's YIBAO_EMULATOR_URL) */
  url: string;
  /** the compiled emulator library */
  library: string;
  /** environment the process loading the library needs */
  env: Record<string, string>;
  center: ChongqingCenter;
  server: EmuServer;
  fault(kind: EmuFault, operation?: 'INIT' | 'BUSINESS_HANDLE'): void;
  close(): Promise<void>;
}

export async function startChongqingSandbox(o: { core?: Core; host?: string; port?: number; log?: (line: string) => void; libDir?: string; sourcesRoot?: string; now?: () => Date } = {}): Promise<ChongqingSandbox> {
  const core = o.core ?? createCore();
  const center = new ChongqingCenter({ core, log: o.log, now: o.now });
  const library = buildChongqingEmulator({ libDir: o.libDir, sourcesRoot: o.sourcesRoot });
  const server = await startEmuServer({
    host: o.host, port: o.port, log: o.log,
    routes: {
      INIT: () => ({ ret: center.init(), out: new Uint8Array() }),
      BUSINESS_HANDLE: (body) => {
        let records: string[][];
        try {
          records = core.codec.pipe.parse(body);
        } catch {
          return { ret: 0, out: core.codec.pipe.print([['-1', '报文不是合法的GBK文本']]) };
        }
        return { ret: 0, out: core.codec.pipe.print(center.handle(records)) };
      },
    },
  });
  if (o.libDir) writeFileSync(join(o.libDir, 'emulator.ini'), `[center]\r\nurl=${server.url}\r\n`);
  return {
    url: server.url, library, env: { YIBAO_EMULATOR_URL: server.url }, center, server,
    fault: (k, op) => server.fault(k, op),
    close: () => server.close(),
  };
}

/**
 * SiInterface straight into a center object (no library, no bridge): unit tests of the client and codec.
 * The CI flows go through the compiled emulator and the bridge instead.
 */
export function directSiInterface(center: ChongqingCenter, core: Core): import('../transport.js').SiInterface {
  let inited = false;
  return {
    init: async () => {
      inited = true;
      return center.init();
    },
    handle: async (input) => ({ ret: 0, output: core.codec.pipe.print(center.handle(core.codec.pipe.parse(input))) }),
    needsInit: () => !inited,
    close: async () => {},
  };
}
