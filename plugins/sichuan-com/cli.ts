// `yibao settle|sandbox --region sichuan-com`: the bill through SichuanComClient over a legacy-com-bridge
// child holding the COM-style object (vendor shim via --library, or the gcc-built emulator forwarding to a
// sandbox center: --sandbox starts one, --endpoint names a running one).
import type { LegacyCliContext, LegacyRegionCli } from '../../host-node/src/cli-legacy.js';
import { createCore } from '../../host-node/src/core.js';
import { loadConfig } from '../../host-node/src/config.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { outpatientSettle, inpatientSettle } from '../../host-node/src/flows.js';
import { createBridge } from '../../legacy-com-bridge/src/bridge.js';
import { SichuanComClient } from './client.js';
import { SICHUAN_COM_MANIFEST } from './manifest.js';
import { SICOM_FUNCTIONS, bridgeSiCom } from './transport.js';
import { buildSichuanComEmulator, startSichuanComSandbox, type SichuanComSandbox } from './sandbox/index.js';
import type { Journal } from '../../host-node/src/journal-contract.js';
import { connectLegacyReliable } from '../legacy/reliable-connect.js';

export const SICHUAN_COM_CLI: LegacyRegionCli = {
  async settle(c: LegacyCliContext, bill) {
    const core = createCore();
    let sandbox: SichuanComSandbox | undefined;
    let env: Record<string, string> = {};
    let library = c.library;
    if (c.sandbox) {
      sandbox = await startSichuanComSandbox({ core, log: c.verbose ? (l) => c.log(`  center: ${l}`) : undefined });
      env = sandbox.env;
      library ??= sandbox.library;
    } else if (c.endpoint) {
      env = { YIBAO_EMULATOR_URL: c.endpoint };
      library ??= buildSichuanComEmulator();
    }
    if (!library) throw YibaoError.host('USAGE', 'yibao settle --region sichuan-com: --sandbox, --endpoint URL (a running sandbox) or --library PATH (the COM shim exporting SiCom_CreateObject)');
    const bridge = createBridge({ library, functions: SICOM_FUNCTIONS, env, timeoutMs: c.timeoutMs ?? SICHUAN_COM_MANIFEST.transport.timeoutMs, nodePath: c.nodePath, core, name: 'SiCom' });
    const institution = { ...loadConfig(c.one.get('--config')).institution, opter_name: c.operator };
    const client = new SichuanComClient({
      core, com: bridgeSiCom(bridge), institution,
      log: c.verbose ? (e) => c.log(`· ${e.kind} ${e.jybh ?? ''} ${e.jylsh ?? ''} ${e.detail ?? ''}`.replace(/\s+/g, ' ')) : undefined,
    });
    try {
      const result = c.inpatient ? await inpatientSettle(client, bill) : await outpatientSettle(client, bill);
      return { result, centerName: SICHUAN_COM_MANIFEST.name };
    } finally {
      await bridge.close();
      await sandbox?.close();
    }
  },

  async sandbox(c: LegacyCliContext) {
    const sb = await startSichuanComSandbox({ host: c.host ?? '127.0.0.1', port: c.port ?? 0, libDir: c.library, log: c.verbose ? c.log : undefined });
    return { lines: [`listening ${sb.url}`, `emulator ${sb.library}`, `env YIBAO_EMULATOR_URL=${sb.url}`], close: () => sb.close() };
  },

  async reliable(c: LegacyCliContext, journal: Journal) {
    const library = c.library ?? (c.endpoint ? buildSichuanComEmulator() : undefined);
    if (!library) throw YibaoError.host('USAGE', 'yibao recover --region sichuan-com: --sandbox-url URL / --endpoint URL (a running sandbox) or --library PATH');
    const institution = { ...loadConfig(c.one.get('--config')).institution, opter_name: c.operator };
    return connectLegacyReliable({ region: 'sichuan-com', core: createCore(), journal, library, endpoint: c.endpoint, institution, timeoutMs: c.timeoutMs, nodePath: c.nodePath });
  },
};
