// `yibao settle|sandbox --region chengdu`: the bill through ChengduClient over a legacy-com-bridge child
// loading the Yinhai library — the vendor DLL (--library, --node for a 32-bit node.exe) or the emulator,
// which talks to a sandbox center (--sandbox starts one for the run, --endpoint names a running one).
import type { LegacyCliContext, LegacyRegionCli } from '../../host-node/src/cli-legacy.js';
import { createCore } from '../../host-node/src/core.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { ChengduClient } from './client.js';
import { chengduInpatientSettle, chengduOutpatientSettle } from './flows.js';
import { CHENGDU_MANIFEST } from './manifest.js';
import { buildYinhaiEmulator, yinhaiBridge } from './sandbox/harness.js';
import { startChengduSandbox, type ChengduSandbox } from './sandbox/server.js';
import type { Journal } from '../../host-node/src/journal-contract.js';
import { createChengduReliableClient } from './reliable.js';

function hostPort(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    return `${u.hostname}:${u.port || '80'}`;
  } catch {
    if (/^[\w.-]+:\d+$/.test(endpoint)) return endpoint;
    throw YibaoError.host('USAGE', `--endpoint ${endpoint}: expected http://HOST:PORT of a chengdu sandbox`);
  }
}

export const CHENGDU_CLI: LegacyRegionCli = {
  async settle(c: LegacyCliContext, bill) {
    const core = createCore();
    let sandbox: ChengduSandbox | undefined;
    let center: string | undefined;
    if (c.sandbox) {
      sandbox = await startChengduSandbox({ core, log: c.verbose ? (l) => c.log(`  center: ${l}`) : undefined });
      center = sandbox.address;
    } else if (c.endpoint) center = hostPort(c.endpoint);
    if (!center && !c.library) throw YibaoError.host('USAGE', 'yibao settle --region chengdu: --sandbox, --endpoint URL (a running sandbox) or --library PATH (the Yinhai DLL)');
    const library = c.library ?? buildYinhaiEmulator();
    const bridge = yinhaiBridge({ library, center, timeoutMs: c.timeoutMs, nodePath: c.nodePath, core });
    const client = new ChengduClient({
      bridge, core, operator: { name: c.operator },
      log: c.verbose ? (e) => c.log(`${e.kind === 'call' ? '→' : '·'} ${e.kind} ${e.jybh ?? ''} ${e.jylsh ?? ''} appcode ${e.appcode ?? ''} ${e.appmsg ?? ''} (${e.ms ?? 0} ms)`.replace(/\s+/g, ' ')) : undefined,
    });
    try {
      const result = c.inpatient ? await chengduInpatientSettle(client, bill) : await chengduOutpatientSettle(client, bill);
      return { result, centerName: CHENGDU_MANIFEST.name };
    } finally {
      await bridge.close();
      await sandbox?.close();
    }
  },

  async sandbox(c: LegacyCliContext) {
    const library = buildYinhaiEmulator();
    const sb = await startChengduSandbox({ host: c.host ?? '127.0.0.1', port: c.port ?? 0, log: c.verbose ? c.log : undefined });
    return {
      lines: [`listening ${sb.url}`, `emulator ${library}`, `env YH_CENTER=${sb.address}`],
      close: () => sb.close(),
    };
  },

  async reliable(c: LegacyCliContext, journal: Journal) {
    const core = createCore();
    const center = c.endpoint ? hostPort(c.endpoint) : undefined;
    if (!center && !c.library) throw YibaoError.host('USAGE', 'yibao recover --region chengdu: --sandbox-url URL / --endpoint URL (a running sandbox) or --library PATH (the Yinhai DLL)');
    const bridge = yinhaiBridge({ library: c.library ?? buildYinhaiEmulator(), center, timeoutMs: c.timeoutMs, nodePath: c.nodePath, core });
    const client = new ChengduClient({ bridge, core, operator: { name: c.operator } });
    return { rc: createChengduReliableClient({ client, journal }), close: () => bridge.close() };
  },
};
