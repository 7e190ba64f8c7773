// `yibao settle|sandbox --region chongqing`: the bill through ChongqingClient over a legacy-com-bridge child
// loading SiInterface — the vendor DLL (--library, --node for a 32-bit node.exe) or the gcc-built emulator,
// which forwards to a sandbox center (--sandbox starts one for the run, --endpoint names a running one).
import type { LegacyCliContext, LegacyRegionCli } from '../../host-node/src/cli-legacy.js';
import { createCore } from '../../host-node/src/core.js';
import { loadConfig } from '../../host-node/src/config.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { outpatientSettle, inpatientSettle } from '../../host-node/src/flows.js';
import { createBridge } from '../../legacy-com-bridge/src/bridge.js';
import { ChongqingClient } from './client.js';
import { CHONGQING_MANIFEST } from './manifest.js';
import { SI_FUNCTIONS, bridgeSiInterface } from './transport.js';
import { buildChongqingEmulator, startChongqingSandbox, type ChongqingSandbox } from './sandbox/index.js';
import type { Journal } from '../../host-node/src/journal-contract.js';
import { connectLegacyReliable } from '../legacy/reliable-connect.js';

export const CHONGQING_CLI: LegacyRegionCli = {
  async settle(c: LegacyCliContext, bill) {
    const core = createCore();
    let sandbox: ChongqingSandbox | undefined;
    let env: Record<string, string> = {};
    let library = c.library;
    if (c.sandbox) {
      sandbox = await startChongqingSandbox({ core, log: c.verbose ? (l) => c.log(`  center: ${l}`) : undefined });
      env = sandbox.env;
      library ??= sandbox.library;
    } else if (c.endpoint) {
      env = { YIBAO_EMULATOR_URL: c.endpoint };
      library ??= buildChongqingEmulator();
    }
    if (!library) throw YibaoError.host('USAGE', 'yibao settle --region chongqing: --sandbox, --endpoint URL (a running sandbox) or --library PATH (SiInterface.dll)');
    const bridge = createBridge({ library, functions: SI_FUNCTIONS, env, timeoutMs: c.timeoutMs ?? CHONGQING_MANIFEST.transport.timeoutMs, nodePath: c.nodePath, core, name: 'SiInterface' });
    const institution = { ...loadConfig(c.one.get('--config')).institution, opter_name: c.operator };
    const client = new ChongqingClient({
      core, si: bridgeSiInterface(bridge), institution,
      log: c.verbose ? (e) => c.log(`${e.kind === 'request' ? '→' : '←'} ${e.code} ${e.kind === 'request' ? e.text.split('|')[0] : e.text.split('|')[0]}`) : undefined,
    });
    try {
      const result = c.inpatient ? await inpatientSettle(client, bill) : await outpatientSettle(client, bill);
      return { result, centerName: CHONGQING_MANIFEST.name };
    } finally {
      await bridge.close();
      await sandbox?.close();
    }
  },

  async sandbox(c: LegacyCliContext) {
    // --library DIR: also copy the emulator there with an emulator.ini (a HIS loads it from its own folder)
    const sb = await startChongqingSandbox({ host: c.host ?? '127.0.0.1', port: c.port ?? 0, libDir: c.library, log: c.verbose ? c.log : undefined });
    return { lines: [`listening ${sb.url}`, `emulator ${sb.library}`, `env YIBAO_EMULATOR_URL=${sb.url}`], close: () => sb.close() };
  },

  async reliable(c: LegacyCliContext, journal: Journal) {
    const library = c.library ?? (c.endpoint ? buildChongqingEmulator() : undefined);
    if (!library) throw YibaoError.host('USAGE', 'yibao recover --region chongqing: --sandbox-url URL / --endpoint URL (a running sandbox) or --library PATH');
    const institution = { ...loadConfig(c.one.get('--config')).institution, opter_name: c.operator };
    return connectLegacyReliable({ region: 'chongqing', core: createCore(), journal, library, endpoint: c.endpoint, institution, timeoutMs: c.timeoutMs, nodePath: c.nodePath });
  },
};
