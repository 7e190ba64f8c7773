// `yibao sandbox --region chengdu-slist [--port N] [--host H]`: the simulated settlement-list collection center
// (E1001–E1004 over SOAP); first line `listening URL` (the service URL), then the sandbox credentials and the
// SOAP binding. `yibao settle --region chengdu-slist` is refused: the interface collects 结算清单, it settles
// nothing (the lists are checked with `yibao slist check --region chengdu` and sent by the plugin's client).
import type { LegacyCliContext, LegacyRegionCli } from '../../host-node/src/cli-legacy.js';
import { createCore } from '../../host-node/src/core.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { CD_SANDBOX_CREDENTIALS } from './sandbox/center.js';
import { startCdSlistSandbox } from './sandbox/server.js';

export const CHENGDU_SLIST_CLI: LegacyRegionCli = {
  async settle() {
    throw YibaoError.host('NOT_SUPPORTED', 'chengdu-slist is the 结算清单 data-collection interface (E1001–E1004): no settlement');
  },

  async sandbox(c: LegacyCliContext) {
    const sb = await startCdSlistSandbox({ core: createCore(), host: c.host, port: c.port, log: c.verbose ? c.log : undefined });
    const s = sb.center.cfg.soap;
    return {
      lines: [
        `listening ${sb.url}`,
        `credentials user ${CD_SANDBOX_CREDENTIALS.user} password ${CD_SANDBOX_CREDENTIALS.password} (sandbox test values; YIBAO_CDSLIST_USER / YIBAO_CDSLIST_PASSWORD)`,
        `SOAP ${s.version} namespace ${s.ns} method ${s.method}(${s.param}); transactions ${Object.values(sb.center.cfg.codes).join(' ')}`,
      ],
      close: () => sb.close(),
    };
  },
};
