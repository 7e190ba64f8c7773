// The journaled API for Chongqing (plugins/chongqing/reliable.ts, shared cases of plugins/legacy/reliable.case.ts)
// against the in-process center: a lost 05 reply is left for a person (its 交易流水号 is unknown); SIGKILL crash
// runs of a child HIS (plugins/legacy/crash.case.ts) through the compiled emulator and the bridge.
import { describe, beforeAll, afterAll } from 'vitest';
import { createCore } from '../../host-node/src/index.js';
import { runLegacyReliableCases } from '../legacy/reliable.case.js';
import { ChongqingClient } from './client.js';
import { createChongqingReliableClient } from './reliable.js';
import { ChongqingCenter } from './sandbox/center.js';
import { directSiInterface, startChongqingSandbox, type ChongqingSandbox } from './sandbox/index.js';
import { runLegacyCrashRuns, idle, kernelCount } from '../legacy/crash.case.js';

const core = createCore();
const institution = { fixmedins_code: 'H50010000001', fixmedins_name: '沙箱医院', mdtrtarea_admvs: '500103', opter: 'OP01', opter_name: '收费员' };

describe('chongqing reliable client (journal + op 70, protocol chongqing)', () => {
  const center = new ChongqingCenter({ core });
  const si = directSiInterface(center, core);
  let lose = false;
  const handle = si.handle.bind(si);
  si.handle = async (input) => {
    const r = await handle(input);
    if (lose && core.gbk.decode(input).startsWith('05|')) {
      lose = false;
      return { ret: -1, output: core.gbk.encode('系统错误：应答丢失（测试）') };
    }
    return r;
  };
  const client = new ChongqingClient({ core, si, institution });
  runLegacyReliableCases({
    name: 'chongqing',
    make: (journal) => createChongqingReliableClient({ client, journal }),
    inForce: (psn) => {
      const pid = center.kernel.person(psn).pid;
      return [...center.kernel.settlements.values()].filter((s) => s.pid === pid && s.kind === 'settle' && s.status === 'valid').length;
    },
    loseNextReply: () => void (lose = true),
    lostReplyIsManual: true,
  });
});

describe('chongqing reliable client: SIGKILL crash runs', () => {
  let sb: ChongqingSandbox;
  beforeAll(async () => {
    sb = await startChongqingSandbox({ core });
  });
  afterAll(async () => {
    await sb?.close();
  });
  runLegacyCrashRuns({
    region: 'chongqing', lostReplyIsManual: true,
    target: () => ({
      library: sb.library, endpoint: sb.url,
      count: kernelCount(sb.center.kernel),
      quiet: () => idle(() => sb.server.served().length),
    }),
  });
});
