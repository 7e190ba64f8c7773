// The journaled API for Nanping (plugins/nanping/reliable.ts, shared cases of plugins/legacy/reliable.case.ts)
// through a real exchange folder and the in-process responder: a lost mzsf reply is left for a person; SIGKILL
// crash runs of a child HIS (plugins/legacy/crash.case.ts) on the same kind of folder.
import { describe, afterAll } from 'vitest';
import { createCore } from '../../host-node/src/index.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { runLegacyReliableCases } from '../legacy/reliable.case.js';
import { NanpingClient } from './client.js';
import { FileExchange } from './exchange.js';
import { createNanpingReliableClient } from './reliable.js';
import { startNanpingSandboxInProcess } from './sandbox/index.js';
import { runLegacyCrashRuns, folderQuiet, kernelCount } from '../legacy/crash.case.js';

const core = createCore();
const institution = { fixmedins_code: 'H35070000001', fixmedins_name: '沙箱医院', mdtrtarea_admvs: '350702', opter: 'OP01', opter_name: '收费员' };

describe('nanping reliable client (journal + op 70, protocol nanping)', () => {
  const sb = startNanpingSandboxInProcess({ core });
  afterAll(() => sb.responder.stop?.());
  const client = new NanpingClient({ core, exchange: new FileExchange({ dir: sb.dir, pollMs: 10, timeoutMs: 5000 }), institution });
  let lose = false;
  const callOk = client.callOk.bind(client);
  client.callOk = async (tx, values, items, extra) => {
    const r = await callOk(tx, values, items, extra);
    if (lose && (tx === 'mzsf' || tx === 'zysf')) {
      lose = false;
      throw YibaoError.host('TRANSPORT_TIMEOUT', `nanping ${tx}: reply lost (test)`);
    }
    return r;
  };
  runLegacyReliableCases({
    name: 'nanping',
    make: (journal) => createNanpingReliableClient({ client, journal }),
    inForce: (psn) => {
      const pid = sb.center.kernel.person(psn).pid;
      return [...sb.center.kernel.settlements.values()].filter((s) => s.pid === pid && s.kind === 'settle' && s.status === 'valid').length;
    },
    loseNextReply: () => void (lose = true),
    lostReplyIsManual: true,
  });
});

describe('nanping reliable client: SIGKILL crash runs', () => {
  const sb = startNanpingSandboxInProcess({ core, pollMs: 20 });
  afterAll(() => sb.responder.stop?.());
  runLegacyCrashRuns({
    region: 'nanping', lostReplyIsManual: true,
    target: () => ({
      dir: sb.dir,
      count: kernelCount(sb.center.kernel),
      quiet: () => folderQuiet(sb.dir),
    }),
  });
});
