// Manifest of the Liuzhou 新农合 plugin (柳州市新农合管理信息系统 ↔ 医院HIS, Web Service, seed 004).
import type { CanonicalOp, PluginManifest, TransactionSpec } from '../contract.js';
import type { RegionPolicy } from '../legacy/kernel.js';
import { DEFAULT_DIGEST, DEFAULT_SOAP } from './config.js';
import { INTERFACES, type InterfaceCode } from './spec.js';
import type { PolicyParams } from '../../host-node/src/contract.js';

const OPS: Record<InterfaceCode, CanonicalOp> = {
  yhklxgjk: 'regional', Yhzjjk: 'regional', Yhscjk: 'regional', ypmljk: 'catalog', zlmljk: 'catalog', chryxxjk: 'identify', mzjsjk: 'settle', mzjstfjk: 'cancelSettle',
  zydjjk: 'admit', zysjcxjk: 'queryInHospital', zyjsjk: 'inpatientSettle', zyjstfjk: 'cancelInpatientSettle',
};

export const LIUZHOU_TRANSACTIONS: Record<string, TransactionSpec> = Object.fromEntries(
  Object.values(INTERFACES).map((s) => [s.code, { op: OPS[s.code], name: s.name, ...(s.money ? { money: true } : {}) } satisfies TransactionSpec]),
);

const P = (p: PolicyParams): PolicyParams => ({ big: null, serious_illness: null, civil_servant: null, medical_aid: null, acct_scope: 'psn_part', ...p });

/**
 * The sandbox's 新农合 policy (test values, NOT Liuzhou's real 补偿方案): 门诊 no 起付线, 40 % of the
 * in-scope amount, 400 元 a year; 住院 300 元 起付线 per admission, 75 %, 150 000 元 a year. Every person
 * is settled as 390 (新农合 has no employee scheme and no personal account).
 */
export const LIUZHOU_SANDBOX_POLICY: RegionPolicy = {
  outpatient: { '390': P({ insutype: '390', med_type: '11', dedc_std_fen: 0, dedc_scope: 'annual', pool_ratio: '0.40', pool_annual_cap_fen: 40000 }) },
  inpatient: { '390': P({ insutype: '390', med_type: '21', dedc_std_fen: 30000, dedc_scope: 'per_visit', pool_ratio: '0.75', pool_annual_cap_fen: 15000000 }) },
};

export const LIUZHOU_MANIFEST: PluginManifest = {
  id: 'liuzhou',
  name: '柳州市新农合管理信息系统 医院HIS对接接口（Web Service）',
  admdvs: '450200',
  family: 'soap',
  version: 'seed-004',
  transactions: LIUZHOU_TRANSACTIONS,
  envelope: { recer_sys_code: '', infver: 'seed-004', opter_type: '1' },
  transport: { path: '', contentType: `text/xml; charset=utf-8`, signing: 'none', timeoutMs: DEFAULT_SOAP.timeoutMs, uploadStyle: 'json-base64' },
  capabilities: { preferAVariants: false, multiBill: false, reversal: false, fileUpload: false, fileDownload: false, catalogs: true },
  quirks: {
    transport: `SOAP ${DEFAULT_SOAP.version} document/literal (ASMX), namespace ${DEFAULT_SOAP.ns}, SOAPAction ns+method — configuration (soap.*), not public`,
    params: 'parameters in the printed order; element names not public: default pinyin initials (yydm, yh, kl, …, xxzy), paramStyle chinese or paramNames per interface',
    returns: 'string: 空 = 成功, text = failure message (XNH_REFUSED); DataSet: Null = failure without reason (XNH_NULL_RESULT)',
    datasets: '.NET DataSet diffgrams (inline schema + diffgr:diffgram); table and column names not public: documented defaults in schema.ts, overridable (schemas)',
    digest: `消息摘要 not public: default ${DEFAULT_DIGEST.alg.toUpperCase()} ${DEFAULT_DIGEST.output} ${DEFAULT_DIGEST.encoding} over the non-DataSet parameters in order (+ secret when configured) — a placeholder (digest.*)`,
    both_roles: 'zysjcxjk 住院数据查询 is hosted by the hospital and called by 农合 (startLiuzhouHisService); the user trio is provided by both sides',
    permissions: '访问权限 letters A–J per user; J (住院结算退费) has no interface in the public table: optional, guessed zyjstfjk (jInterface)',
    outcome: 'no query interface: an unanswered mzjsjk / zyjsjk / 退费 is XNH_OUTCOME_UNKNOWN, for a person to check with the 合管中心',
    inpatient: 'zyjsjk returns only a string: the 补偿 amounts are those the 农合 side computed (inpatientCompensation source), sent in the 主记录',
    ids: 'outpatient setl_id = 门诊编号 (from the 补偿 DataSet), mdtrt_id = HIS 门诊号; inpatient mdtrt_id = 住院编号, setl_id = the HIS 结算单号 (jsdh)',
  },
  sandboxPolicy: LIUZHOU_SANDBOX_POLICY,
  // 农合's service (client role) and the hospital-hosted one (server role: zysjcxjk, user trio)
  soap: {
    nh: { version: DEFAULT_SOAP.version, ns: DEFAULT_SOAP.ns, path: '', action: '{ns}{method}' },
    his: { version: DEFAULT_SOAP.version, ns: DEFAULT_SOAP.ns, path: '/HisService.asmx', action: '{ns}{method}' },
  },
};
