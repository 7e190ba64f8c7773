// Documented sandbox policy parameters of the legacy regions (test values, NOT the real regional policy;
// each region's README lists them). Shape: core PolicyParams per scope and insutype.
import type { PolicyParams } from '../../host-node/src/contract.js';
import type { RegionPolicy } from './kernel.js';

const P = (p: PolicyParams): PolicyParams => ({ big: null, serious_illness: null, civil_servant: null, medical_aid: null, acct_scope: 'psn_part', ...p });

/** 重庆 sandbox: 职工 (310) with 大额 above the pool, 居民 (390) with 大病 segments. */
export const CHONGQING_SANDBOX_POLICY: RegionPolicy = {
  outpatient: {
    '310': P({ insutype: '310', med_type: '11', dedc_std_fen: 10000, dedc_scope: 'annual', pool_ratio: '0.60', pool_annual_cap_fen: 150000, civil_servant: { ratio: '0.10' } }),
    '390': P({ insutype: '390', med_type: '11', dedc_std_fen: 0, dedc_scope: 'annual', pool_ratio: '0.50', pool_annual_cap_fen: 40000 }),
  },
  inpatient: {
    '310': P({ insutype: '310', med_type: '21', dedc_std_fen: 86000, dedc_scope: 'per_visit', pool_ratio: '0.85', pool_annual_cap_fen: 8000000, big: { ratio: '0.80', annual_cap_fen: 40000000 }, civil_servant: { ratio: '0.10' } }),
    '390': P({ insutype: '390', med_type: '21', dedc_std_fen: 40000, dedc_scope: 'per_visit', pool_ratio: '0.70', pool_annual_cap_fen: 16000000, serious_illness: { threshold_fen: 1800000, annual_cap_fen: 20000000, segments: [{ upto_fen: 10000000, ratio: '0.60' }, { upto_fen: null, ratio: '0.70' }] } }),
  },
};

/** 南平 sandbox (福建巨龙 front-end). */
export const NANPING_SANDBOX_POLICY: RegionPolicy = {
  outpatient: {
    '310': P({ insutype: '310', med_type: '11', dedc_std_fen: 0, dedc_scope: 'annual', pool_ratio: '0.55', pool_annual_cap_fen: 200000 }),
    '390': P({ insutype: '390', med_type: '11', dedc_std_fen: 5000, dedc_scope: 'annual', pool_ratio: '0.50', pool_annual_cap_fen: 30000 }),
  },
  inpatient: {
    '310': P({ insutype: '310', med_type: '21', dedc_std_fen: 70000, dedc_scope: 'per_visit', pool_ratio: '0.88', pool_annual_cap_fen: 10000000, big: { ratio: '0.85', annual_cap_fen: 30000000 } }),
    '390': P({ insutype: '390', med_type: '21', dedc_std_fen: 50000, dedc_scope: 'per_visit', pool_ratio: '0.70', pool_annual_cap_fen: 15000000 }),
  },
};

/** 四川省城镇居民 2009 sandbox: residents only (390); 职工 (310) persons are settled as residents. */
export const SICHUAN_COM_SANDBOX_POLICY: RegionPolicy = {
  outpatient: {
    '390': P({ insutype: '390', med_type: '11', dedc_std_fen: 0, dedc_scope: 'annual', pool_ratio: '0.50', pool_annual_cap_fen: 30000 }),
  },
  inpatient: {
    '390': P({ insutype: '390', med_type: '21', dedc_std_fen: 40000, dedc_scope: 'per_visit', pool_ratio: '0.65', pool_annual_cap_fen: 12000000, serious_illness: { threshold_fen: 1500000, annual_cap_fen: 20000000, segments: [{ upto_fen: 5000000, ratio: '0.50' }, { upto_fen: null, ratio: '0.60' }] }, medical_aid: { ratio: '0.50', annual_cap_fen: 1000000 } }),
  },
};
