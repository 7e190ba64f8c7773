// `yibao settle|sandbox --region nanping`: the bill through NanpingClient over the exchange folder.
//   settle --dir DIR (or --endpoint DIR)   a folder served by the real 巨龙 front-end or `yibao sandbox`
//   settle --sandbox                       starts a responder PROCESS on a fresh temp folder for the run
//   sandbox [--dir DIR]                    runs the responder in this process; first line: watching DIR
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LegacyCliContext, LegacyRegionCli } from '../../host-node/src/cli-legacy.js';
import { createCore } from '../../host-node/src/core.js';
import { loadConfig } from '../../host-node/src/config.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { outpatientSettle, inpatientSettle } from '../../host-node/src/flows.js';
import { NanpingClient } from './client.js';
import { FileExchange } from './exchange.js';
import { NANPING_MANIFEST } from './manifest.js';
import { NanpingCenter } from './sandbox/center.js';
import { startResponder } from './sandbox/responder.js';
import { spawnResponder, type ResponderProcess } from './sandbox/index.js';
import type { Journal } from '../../host-node/src/journal-contract.js';
import { connectLegacyReliable } from '../legacy/reliable-connect.js';

/** The yibao CLI itself (host-node/dist/cli.js) when it is the running script, to start the responder with. */
function selfCommand(): string[] | undefined {
  const script = process.argv[1] ?? '';
  return /cli\.m?js$/.test(script) ? [process.execPath, script, 'sandbox', '--region', 'nanping', '--stdin-lifeline'] : undefined;
}

export const NANPING_CLI: LegacyRegionCli = {
  async settle(c: LegacyCliContext, bill) {
    const core = createCore();
    let responder: ResponderProcess | undefined;
    let dir = c.one.get('--dir') ?? c.endpoint;
    if (c.sandbox) {
      const command = selfCommand();
      responder = await spawnResponder(command ? { command } : { pollMs: 20 });
      dir = responder.dir;
      if (c.verbose) c.log(`  responder pid ${responder.pid} watching ${dir}`);
    }
    if (!dir) throw YibaoError.host('USAGE', 'yibao settle --region nanping: --sandbox or --dir DIR (the exchange folder)');
    const institution = { ...loadConfig(c.one.get('--config')).institution, opter_name: c.operator };
    const exchange = new FileExchange({ dir, timeoutMs: c.timeoutMs ?? NANPING_MANIFEST.transport.timeoutMs, pollMs: 20, log: c.verbose ? (l) => c.log(`  ${l}`) : undefined });
    const client = new NanpingClient({ core, exchange, institution });
    try {
      const result = c.inpatient ? await inpatientSettle(client, bill) : await outpatientSettle(client, bill);
      return { result, centerName: NANPING_MANIFEST.name };
    } finally {
      if (responder) {
        await responder.stop();
        rmSync(responder.dir, { recursive: true, force: true });
      }
    }
  },

  async sandbox(c: LegacyCliContext) {
    const dir = c.one.get('--dir') ?? mkdtempSync(join(tmpdir(), 'yibao-nanping-'));
    mkdirSync(dir, { recursive: true });
    const core = createCore();
    const center = new NanpingCenter({ core, log: c.verbose ? c.log : undefined });
    const r = startResponder({ dir, center, core, pollMs: 20, log: c.verbose ? c.log : undefined, ledgerFile: true });
    const lifeline = c.bools.has('--stdin-lifeline');
    if (lifeline) {
      // started by a parent (yibao settle --sandbox): stop when it goes away
      process.stdin.once('end', () => process.kill(process.pid, 'SIGTERM'));
      process.stdin.resume();
    }
    return {
      lines: [`watching ${dir}`],
      close: async () => {
        if (lifeline) process.stdin.destroy();
        await r.stop();
      },
    };
  },

  async reliable(c: LegacyCliContext, journal: Journal) {
    const dir = c.one.get('--dir') ?? c.endpoint;
    if (!dir) throw YibaoError.host('USAGE', 'yibao recover --region nanping: --dir DIR (the exchange folder)');
    const institution = { ...loadConfig(c.one.get('--config')).institution, opter_name: c.operator };
    return connectLegacyReliable({ region: 'nanping', core: createCore(), journal, dir, institution, timeoutMs: c.timeoutMs });
  },
};
