// `yibao sandbox --region chengdu-jxc [--port N] [--host H] [--fault down|http-500:P|drop-after-commit:P|delay:MS]`:
// the simulated data-collection center; first line `listening URL` (the service URL), then the sandbox's
// credentials and 对码 catalogue size. `yibao settle --region chengdu-jxc` is refused: the service only collects
// inventory data (`yibao inventory upload --region chengdu-jxc …`).
import type { LegacyCliContext, LegacyRegionCli } from '../../host-node/src/cli-legacy.js';
import { createCore } from '../../host-node/src/core.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { JXC_SANDBOX_CATALOGUE, JXC_SANDBOX_CREDENTIALS } from './sandbox/center.js';
import { parseJxcFault, startJxcSandbox } from './sandbox/server.js';

export const CHENGDU_JXC_CLI: LegacyRegionCli = {
  async settle() {
    throw YibaoError.host('NOT_SUPPORTED', 'chengdu-jxc is the 进销存 data-collection service: no settlement (use yibao inventory upload --region chengdu-jxc)');
  },

  async sandbox(c: LegacyCliContext) {
    const fault = c.one.get('--fault');
    let faults;
    try {
      faults = fault ? [parseJxcFault(fault)] : [];
    } catch (e) {
      throw YibaoError.host('USAGE', (e as Error).message);
    }
    const sb = await startJxcSandbox({ core: createCore(), host: c.host, port: c.port, faults, log: c.verbose ? c.log : undefined });
    return {
      lines: [
        `listening ${sb.url}`,
        `credentials 交易访问用户 ${JXC_SANDBOX_CREDENTIALS.user} 交易访问验证码 ${JXC_SANDBOX_CREDENTIALS.password} (sandbox test values; YIBAO_JXC_USER / YIBAO_JXC_PASSWORD)`,
        `对码 catalogue: ${JXC_SANDBOX_CATALOGUE.map((m) => `${m.med_list_codg}=${m.hilist_id}`).join(' ')}`,
      ],
      close: () => sb.close(),
    };
  },
};
