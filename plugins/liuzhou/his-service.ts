// The hospital-hosted web service (server role): 农合 calls the HIS.
//   zysjcxjk 住院数据查询 (用户, 口令, 住院编号, 消息摘要) → the admission's data as a DataSet from the HIS's
//            data provider; Null when the admission is unknown (or the caller is refused);
//   yhklxgjk / Yhzjjk / Yhscjk: the user-management trio on the hospital's own user store ("建议医院His系统
//            也提供类似的访问权限控制功能").
// Checks (service.ts): 医院代码, 消息摘要, user/口令, authorisation, per-user IP binding, permission letters,
// plus the server-level allow-list `allowIps`.
import type { Core } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { fenToYuan } from '../../host-node/src/money.js';
import { resolveConfig, type LiuzhouConfig, type LiuzhouConfigInput } from './config.js';
import { toDataSet } from './schema.js';
import { startLiuzhouService, XnhRefusal, type LiuzhouService } from './service.js';
import { UserStore } from './users.js';

/** One fee line of an admission as the HIS knows it (amount in fen, price and quantity as decimal text). */
export interface InpatientLine {
  seq: string;
  his_code: string;
  name: string;
  category?: string;
  price: string;
  qty: string;
  amount_fen: number;
  time?: string;
}

/** What zysjcxjk answers about one 住院编号. */
export interface InpatientData {
  ipt_no: string;
  card_no: string;
  name?: string;
  adm_time?: string;
  dscg_time?: string;
  dept?: string;
  lines: InpatientLine[];
}

/** The HIS's data provider: null = unknown admission (answered as a Null DataSet). */
export type InpatientDataProvider = (ipt_no: string) => Promise<InpatientData | null> | InpatientData | null;

export interface HisServiceOptions {
  core: Core;
  config?: LiuzhouConfig | LiuzhouConfigInput;
  /** the hospital's 医院代码 (the 医院代码 parameter of the trio must match it) */
  hospitalCode: string;
  /** the hospital's user store (the 农合 users allowed to call it), or a SQLite path for a new one */
  users: UserStore | { path: string };
  inpatientData: InpatientDataProvider;
  host?: string;
  port?: number;
  /** server-level allow-list (the 农合 center's addresses); absent = any (the per-user binding still applies) */
  allowIps?: string[];
  /** new users via Yhzjjk are active at once (default: pending until the hospital authorises them) */
  autoAuthorize?: boolean;
  log?: (line: string) => void;
}

export interface HisService extends LiuzhouService {
  users: UserStore;
  config: LiuzhouConfig;
}

const isResolved = (c: LiuzhouConfig | LiuzhouConfigInput | undefined): c is LiuzhouConfig => !!c && 'schemas' in c && !!(c as LiuzhouConfig).schemas?.chry;

/** The admission data as the zysjcx DataSet (main record + fee lines; totals from the lines). */
export function inpatientDataSet(config: LiuzhouConfig, d: InpatientData) {
  const total = d.lines.reduce((a, l) => a + l.amount_fen, 0);
  return toDataSet(config.schemas.zysjcx, {
    main: [{ ipt_no: d.ipt_no, card_no: d.card_no, name: d.name, adm_time: d.adm_time, dscg_time: d.dscg_time, dept: d.dept, total: fenToYuan(total), count: String(d.lines.length) }],
    lines: d.lines.map((l) => ({ ipt_no: d.ipt_no, seq: l.seq, his_code: l.his_code, name: l.name, category: l.category, price: l.price, qty: l.qty, amount: fenToYuan(l.amount_fen), time: l.time })),
  });
}

/** Starts the hospital's service at config.hisServicePath; prints nothing (the caller logs `url`). */
export async function startLiuzhouHisService(o: HisServiceOptions): Promise<HisService> {
  const config = isResolved(o.config) ? o.config : resolveConfig(o.config);
  if (!o.hospitalCode) throw YibaoError.host('TRANSPORT_CONFIG', 'liuzhou HIS service: hospitalCode');
  const users = o.users instanceof UserStore ? o.users : new UserStore({ core: o.core, path: o.users.path });
  const svc = await startLiuzhouService({
    core: o.core, config, users, hospitalCode: o.hospitalCode, autoAuthorize: o.autoAuthorize, log: o.log, path: config.hisServicePath, host: o.host, port: o.port, allowIps: o.allowIps,
    interfaces: {
      yhklxgjk: 'builtin', Yhzjjk: 'builtin', Yhscjk: 'builtin',
      zysjcxjk: async (call) => {
        const zybh = String(call.values['住院编号'] ?? '').trim();
        if (!zybh) throw new XnhRefusal('住院编号不能为空');
        const d = await o.inpatientData(zybh);
        return { kind: 'dataset', dataset: d ? inpatientDataSet(config, d) : null };
      },
    },
  });
  return {
    ...svc, users, config,
    close: async () => {
      await svc.close();
      if (!(o.users instanceof UserStore)) users.close();
    },
  };
}
