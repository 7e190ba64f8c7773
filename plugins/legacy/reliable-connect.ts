// The reliable client of one legacy region (sichuan-com, chongqing, nanping) wired to a running center, as a
// HIS process holds it: sichuan-com / chongqing through a legacy-com-bridge child loading the library (the
// vendor one, or the gcc-built emulator forwarding to `endpoint`), nanping through the exchange folder `dir`.
// Used by the crash runs (plugins/legacy/crash-his.ts and plugins/legacy/crash.case.ts) and `yibao recover`.
import type { Core } from '../../host-node/src/contract.js';
import type { Institution } from '../contract.js';
import type { Journal } from '../../host-node/src/journal-contract.js';
import type { ReliableClient } from '../../host-node/src/reliable.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { createBridge } from '../../legacy-com-bridge/src/bridge.js';
import { SichuanComClient } from '../sichuan-com/client.js';
import { SICOM_FUNCTIONS, bridgeSiCom } from '../sichuan-com/transport.js';
import { createSichuanComReliableClient } from '../sichuan-com/reliable.js';
import { ChongqingClient } from '../chongqing/client.js';
import { SI_FUNCTIONS, bridgeSiInterface } from '../chongqing/transport.js';
import { createChongqingReliableClient } from '../chongqing/reliable.js';
import { NanpingClient } from '../nanping/client.js';
import { FileExchange } from '../nanping/exchange.js';
import { createNanpingReliableClient } from '../nanping/reliable.js';

export type LegacyRegion = 'sichuan-com' | 'chongqing' | 'nanping';
export const LEGACY_RELIABLE_REGIONS: readonly LegacyRegion[] = ['sichuan-com', 'chongqing', 'nanping'];

/** The sandbox institutions of the regions' tests. */
export const SANDBOX_INSTITUTIONS: Record<LegacyRegion, Institution> = {
  'sichuan-com': { fixmedins_code: 'H51010000001', fixmedins_name: '沙箱医院', mdtrtarea_admvs: '510104', opter: 'OP01', opter_name: '收费员' },
  chongqing: { fixmedins_code: 'H50010000001', fixmedins_name: '沙箱医院', mdtrtarea_admvs: '500103', opter: 'OP01', opter_name: '收费员' },
  nanping: { fixmedins_code: 'H35070000001', fixmedins_name: '沙箱医院', mdtrtarea_admvs: '350702', opter: 'OP01', opter_name: '收费员' },
};

export interface LegacyConnectOptions {
  region: LegacyRegion;
  core: Core;
  journal: Journal;
  /** sichuan-com / chongqing: the library the bridge loads (the emulator of the region's sandbox) */
  library?: string;
  /** sichuan-com / chongqing: the emulator's center URL (YIBAO_EMULATOR_URL) */
  endpoint?: string;
  /** nanping: the exchange folder */
  dir?: string;
  institution?: Institution;
  timeoutMs?: number;
  nodePath?: string;
}

export function connectLegacyReliable(o: LegacyConnectOptions): { rc: ReliableClient; close: () => Promise<void> } {
  const institution = o.institution ?? SANDBOX_INSTITUTIONS[o.region];
  const { core, journal } = o;
  if (o.region === 'nanping') {
    if (!o.dir) throw YibaoError.host('USAGE', 'nanping: the exchange folder (dir) is required');
    const client = new NanpingClient({ core, exchange: new FileExchange({ dir: o.dir, pollMs: 10, timeoutMs: o.timeoutMs ?? 10000 }), institution });
    return { rc: createNanpingReliableClient({ client, journal }), close: async () => {} };
  }
  if (!o.library) throw YibaoError.host('USAGE', `${o.region}: the library is required`);
  const env: Record<string, string> = o.endpoint ? { YIBAO_EMULATOR_URL: o.endpoint } : {};
  const timeoutMs = o.timeoutMs ?? 10000;
  if (o.region === 'sichuan-com') {
    const bridge = createBridge({ library: o.library, functions: SICOM_FUNCTIONS, env, timeoutMs, nodePath: o.nodePath, core, name: 'SiCom' });
    const client = new SichuanComClient({ core, com: bridgeSiCom(bridge), institution });
    return { rc: createSichuanComReliableClient({ client, journal }), close: () => bridge.close() };
  }
  if (o.region === 'chongqing') {
    const bridge = createBridge({ library: o.library, functions: SI_FUNCTIONS, env, timeoutMs, nodePath: o.nodePath, core, name: 'SiInterface' });
    const client = new ChongqingClient({ core, si: bridgeSiInterface(bridge), institution });
    return { rc: createChongqingReliableClient({ client, journal }), close: () => bridge.close() };
  }
  throw YibaoError.host('USAGE', `not a legacy reliable region: ${String(o.region)}`);
}
