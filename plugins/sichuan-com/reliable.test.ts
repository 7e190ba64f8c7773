// The journaled two-phase API for Sichuan 2009 COM (plugins/sichuan-com/reliable.ts, shared cases of
// plugins/legacy/reliable.case.ts) against the in-process center; SIGKILL crash runs of a child HIS
// (plugins/legacy/crash.case.ts) through the compiled emulator and the bridge.
import { describe, beforeAll, afterAll } from 'vitest';
import { createCore } from '../../host-node/src/index.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { runLegacyReliableCases } from '../legacy/reliable.case.js';
import { SichuanComClient } from './client.js';
import { createSichuanComReliableClient } from './reliable.js';
import { SichuanComCenter } from './sandbox/center.js';
import { directSiCom, startSichuanComSandbox, type SichuanComSandbox } from './sandbox/index.js';
import { runLegacyCrashRuns, idle, kernelCount } from '../legacy/crash.case.js';

const core = createCore();
const institution = { fixmedins_code: 'H51010000001', fixmedins_name: '沙箱医院', mdtrtarea_admvs: '510104', opter: 'OP01', opter_name: '收费员' };

describe('sichuan-com reliable client (journal + op 70, protocol sichuan-com)', () => {
  const center = new SichuanComCenter({ core });
  const com = directSiCom(center, core);
  let lose = 0; // 11 calls to let through first (the flow's presettle is a trial 11)
  const call = com.call;
  com.call = async (jybh, xml) => {
    const r = await call(jybh, xml);
    if (lose && jybh === '11' && --lose === 0) {
      throw YibaoError.host('BRIDGE_TIMEOUT', `${jybh}: reply lost (test)`);
    }
    return r;
  };
  const client = new SichuanComClient({ core, com, institution });
  runLegacyReliableCases({
    name: 'sichuan-com',
    make: (journal) => createSichuanComReliableClient({ client, journal }),
    inForce: (psn) => {
      const pid = center.kernel.person(psn).pid;
      return [...center.kernel.settlements.values()].filter((s) => s.pid === pid && s.kind === 'settle' && (s.status === 'valid' || s.status === 'pending')).length;
    },
    loseNextReply: () => void (lose = 2),
    lostReplyIsManual: false,
  });
});

describe('sichuan-com reliable client: SIGKILL crash runs', () => {
  let sb: SichuanComSandbox;
  beforeAll(async () => {
    sb = await startSichuanComSandbox({ core });
  });
  afterAll(async () => {
    await sb?.close();
  });
  runLegacyCrashRuns({
    region: 'sichuan-com', lostReplyIsManual: false,
    target: () => ({
      library: sb.library, endpoint: sb.url,
      count: kernelCount(sb.center.kernel),
      quiet: () => idle(() => sb.server.served().length),
    }),
  });
});
