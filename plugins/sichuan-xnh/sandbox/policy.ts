// The sandbox's 新农合 补偿 policy (test values, NOT a real county's policy; sandbox/README.md lists them).
// Shape: core PolicyParams per scope; every 新农合 person is a rural resident (insutype 390, no account).
import type { PolicyParams } from '../../../host-node/src/contract.js';
import type { RegionPolicy } from '../../legacy/kernel.js';

const P = (p: PolicyParams): PolicyParams => ({ big: null, serious_illness: null, civil_servant: null, medical_aid: null, acct_scope: 'psn_part', ...p });

export const XNH_SANDBOX_POLICY: RegionPolicy = {
  outpatient: {
    // 门诊统筹: no 起付线, 50 %, 年度封顶 1,000.00
    '390': P({ insutype: '390', med_type: '11', dedc_std_fen: 0, dedc_scope: 'annual', pool_ratio: '0.50', pool_annual_cap_fen: 100000 }),
  },
  inpatient: {
    // 住院: 起付线 500.00 per admission, 75 %, 年度封顶 150,000.00
    '390': P({ insutype: '390', med_type: '21', dedc_std_fen: 50000, dedc_scope: 'per_visit', pool_ratio: '0.75', pool_annual_cap_fen: 15000000 }),
  },
};
