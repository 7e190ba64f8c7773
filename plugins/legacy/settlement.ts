// Client-side helpers shared by the legacy regions' clients: their settlement replies (pipe fields, INI
// keys, XML elements) are mapped onto the canonical Settlement (national setlinfo names, integer fen), and
// the split is checked to the fen before anyone trusts it.
import type { Setlinfo } from '../../host-node/src/contract.js';
import type { Settlement } from '../../host-node/src/client.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { fenToYuan } from '../../host-node/src/money.js';

export interface SplitParts {
  /** 医疗费总额 (what the bill says / what the center echoed) */
  medfee: number;
  hifp?: number;
  hifob?: number;
  hifmi?: number;
  cvlserv?: number;
  maf?: number;
  oth?: number;
  acct?: number;
  cash?: number;
  hosp_part?: number;
  dedc?: number;
  inscp?: number;
  ful?: number;
  over?: number;
  pre?: number;
  /** balance after the settlement */
  balc?: number;
  /** 统筹支付比例 when the region reports it */
  pool_ratio?: string;
}

/**
 * The canonical settlement of a legacy reply. The identity 医疗费总额 = 基金 + 个人账户 + 现金 + 医院负担
 * must hold to the fen; a reply that does not add up is BAD_REPLY (never silently accepted).
 */
export function legacySettlement(p: SplitParts, ids: { setl_id: string | null; mdtrt_id: string; psn_no: string; msgid: string; infno: string; region: string; extra?: Record<string, unknown> }): Settlement {
  const z = (x: number | undefined) => x ?? 0;
  const fund = z(p.hifp) + z(p.hifob) + z(p.hifmi) + z(p.cvlserv) + z(p.maf) + z(p.oth);
  const sum = fund + z(p.acct) + z(p.cash) + z(p.hosp_part);
  if (sum !== p.medfee) {
    throw YibaoError.host(
      'BAD_REPLY',
      `${ids.region} ${ids.infno}: 基金 ${fenToYuan(fund)} + 账户 ${fenToYuan(z(p.acct))} + 现金 ${fenToYuan(z(p.cash))} + 医院负担 ${fenToYuan(z(p.hosp_part))} = ${fenToYuan(sum)} ≠ 医疗费总额 ${fenToYuan(p.medfee)}`,
    );
  }
  const psn_part = p.medfee - fund - z(p.hosp_part);
  const setlinfo: Setlinfo & Record<string, unknown> = {
    medfee_sumamt: p.medfee, fulamt_ownpay_amt: z(p.ful), overlmt_selfpay: z(p.over), preselfpay_amt: z(p.pre), inscp_scp_amt: z(p.inscp), act_pay_dedc: z(p.dedc),
    hifp_pay: z(p.hifp), pool_prop_selfpay: p.pool_ratio ?? '', cvlserv_pay: z(p.cvlserv), hifes_pay: 0, hifmi_pay: z(p.hifmi), hifob_pay: z(p.hifob), maf_pay: z(p.maf),
    oth_pay: z(p.oth), fund_pay_sumamt: fund, psn_part_amt: psn_part, acct_pay: z(p.acct), psn_cash_pay: z(p.cash), hosp_part_amt: z(p.hosp_part), balc: z(p.balc),
    acct_mulaid_pay: 0, hifdm_pay: 0, setl_id: ids.setl_id, mdtrt_id: ids.mdtrt_id, psn_no: ids.psn_no, ...ids.extra,
  };
  const detail = (code: string, name: string, amt: number | undefined) => (amt ? [{ fund_pay_type: code, fund_pay_type_name: name, fund_payamt: amt, inscp_scp_amt: z(p.inscp) }] : []);
  return {
    setl_id: ids.setl_id, mdtrt_id: ids.mdtrt_id, psn_no: ids.psn_no, msgid: ids.msgid, infno: ids.infno, setlinfo,
    setldetail: [
      ...detail('310100', '统筹基金', p.hifp), ...detail('320100', '公务员医疗补助', p.cvlserv), ...detail('330200', '大额/补充医疗', p.hifob),
      ...detail('390200', '大病保险', p.hifmi), ...detail('610100', '医疗救助', p.maf), ...detail('999996', '其他基金', p.oth),
    ],
    warn_msg: '',
  };
}

/** yyyy-MM-dd of a China-time (UTC+8) instant. */
export function chinaDate(d = new Date()): string {
  return new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/** yyyy-MM-dd HH:mm:ss (China time). */
export function chinaTime(d = new Date()): string {
  return new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Birth date (yyyy-MM-dd) and sex (1/2) of an 18-digit ID number, or empty strings. */
export function fromIdNumber(id: string): { brdy: string; gend: string } {
  if (!/^\d{17}[\dXx]$/.test(id)) return { brdy: '', gend: '' };
  return { brdy: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`, gend: Number(id[16]) % 2 === 1 ? '1' : '2' };
}
