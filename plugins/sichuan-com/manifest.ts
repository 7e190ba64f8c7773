// Manifest of the Sichuan 城镇居民 2009 COM plugin (Call / Confirm / Cancel, Yinhai-style prm_ XML).
import type { CanonicalOp, PluginManifest, TransactionSpec } from '../contract.js';
import { SICHUAN_COM_SANDBOX_POLICY } from '../legacy/policy.js';
import { TRANSACTIONS } from './spec.js';

const OPS: Record<string, CanonicalOp> = {
  '03': 'identify', '11': 'settle', '12': 'cancelSettle', '13': 'settlementList', '21': 'admit', '22': 'updateAdmission', '23': 'cancelAdmission',
  '31': 'uploadInpatientFees', '32': 'cancelInpatientFees', '41': 'inpatientSettle', '42': 'cancelInpatientSettle', '44': 'inpatientPresettle',
  '45': 'queryFeeDetails', '46': 'queryVisits', '81': 'catalog', '82': 'catalog', '83': 'catalog', '84': 'catalog', '85': 'catalog', '86': 'dictionary',
  '87': 'dictionary', '88': 'catalog', '90': 'regional', '91': 'regional', '92': 'regional', '98': 'regional',
};
const MONEY = new Set(['11', '12', '41', '42']);

export const SICHUAN_COM_TRANSACTIONS: Record<string, TransactionSpec> = Object.fromEntries(
  Object.values(TRANSACTIONS).map((t) => [t.code, { op: OPS[t.code] ?? 'regional', name: t.name, ...(MONEY.has(t.code) ? { money: true } : {}) } satisfies TransactionSpec]),
);

/** One transaction serving several canonical operations. */
export const CANONICAL_ALIASES: Partial<Record<CanonicalOp, string>> = { presettle: '11', uploadFees: '31', discharge: '41', reverse: '98' };

export const SICHUAN_COM_MANIFEST: PluginManifest = {
  id: 'sichuan-com',
  name: '四川省城镇居民基本医疗保险定点医疗机构联网结算接口（2009，COM）',
  admdvs: '510000',
  family: 'sichuan-com',
  version: '2009-03',
  transactions: SICHUAN_COM_TRANSACTIONS,
  envelope: { recer_sys_code: '', infver: '2009', opter_type: '1' },
  transport: { path: 'COM object (factory SiCom_CreateObject; vtable Init/Call/Confirm/Cancel at slots 7–10)', contentType: 'text/xml;charset=GBK', signing: 'none', timeoutMs: 60000, uploadStyle: 'json-base64' },
  capabilities: { preferAVariants: false, multiBill: false, reversal: false, fileUpload: false, fileDownload: false, catalogs: true },
  quirks: {
    transport: 'COM object called through its vtable (legacy-com-bridge comCall): Init, Call(jybh, xml, ref jylsh, ref jyyzm, ref xml, ref appcode, ref appmsg), Confirm(jylsh, jyyzm, …), Cancel(jylsh, …)',
    appcode: '>= 0 success, < 0 failure with appmsg; an empty output XML is failure',
    two_phase: '11, 12, 21, 41, 42 stay uncertain at the center until Confirm/Cancel; 98 lists the uncertain ones',
    xml: 'GBK, <input><prm_xxx>…</prm_xxx>…<dataset><row>…</row></dataset></input> → <output><prm_xxx>…</output> (Yinhai 7-arg family) [inf]',
    residents: '城镇居民 only: every person is insutype 390, no personal account',
    presettle: 'no outpatient pre-settlement in the 2009 list: yibao runs 11 Call + Cancel as a trial',
  },
  sandboxPolicy: SICHUAN_COM_SANDBOX_POLICY,
};
