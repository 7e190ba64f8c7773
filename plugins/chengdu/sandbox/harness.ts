// Everything a Chengdu sandbox run needs, wired as on a hospital PC: the center (Node), the emulated
// Yinhai component (emulator/libyh.c built with gcc), a legacy-com-bridge child process loading it
// with koffi, and a ChengduClient on top. Used by the tests and `yibao settle|sandbox --region chengdu`.
import type { Core } from '../../../host-node/src/contract.js';
import { createCore } from '../../../host-node/src/core.js';
import { createBridge } from '../../../legacy-com-bridge/src/bridge.js';
import { buildEmulator } from '../../../legacy-com-bridge/src/native-build.js';
import type { Bridge } from '../../../legacy-com-bridge/src/contract.js';
import { ChengduClient, type ChengduClientOptions } from '../client.js';
import { YINHAI_PROTOTYPES } from '../manifest.js';
import { startChengduSandbox, type ChengduSandbox, type ChengduSandboxOptions } from './server.js';

/** Builds (or reuses) the emulated Yinhai library; returns its path. */
export function buildYinhaiEmulator(): string {
  return buildEmulator('libyh');
}

/** A bridge loading a Yinhai library (the vendor DLL, or the emulator with YH_CENTER pointing at a sandbox). */
export function yinhaiBridge(o: { library: string; center?: string; timeoutMs?: number; nodePath?: string; env?: Record<string, string>; cwd?: string; core?: Core }): Bridge {
  return createBridge({
    library: o.library,
    functions: { ...YINHAI_PROTOTYPES },
    timeoutMs: o.timeoutMs ?? 30000,
    nodePath: o.nodePath,
    cwd: o.cwd,
    env: { ...o.env, ...(o.center ? { YH_CENTER: o.center } : {}) },
    core: o.core,
    name: 'yinhai',
  });
}

export interface ChengduHarness {
  sandbox: ChengduSandbox;
  library: string;
  bridge: Bridge;
  client: ChengduClient;
  close(): Promise<void>;
}

export async function startChengduHarness(
  o: { core?: Core; timeoutMs?: number; operator?: ChengduClientOptions['operator']; log?: ChengduClientOptions['log']; sandbox?: ChengduSandboxOptions } = {},
): Promise<ChengduHarness> {
  const core = o.core ?? createCore();
  const library = buildYinhaiEmulator();
  const sandbox = await startChengduSandbox({ core, ...o.sandbox });
  const bridge = yinhaiBridge({ library, center: sandbox.address, timeoutMs: o.timeoutMs, core });
  const client = new ChengduClient({ bridge, core, operator: o.operator ?? { name: '收费员' }, log: o.log });
  return {
    sandbox, library, bridge, client,
    close: async () => {
      await bridge.close();
      await sandbox.close();
    },
  };
}
