// Manifest of the Chongqing 金保 V1.02 plugin (SiInterface.dll, pipe strings).
import type { CanonicalOp, PluginManifest, TransactionSpec } from '../contract.js';
import { CHONGQING_SANDBOX_POLICY } from '../legacy/policy.js';
import { TRANSACTIONS } from './spec.js';

/** Canonical operation of each transaction (one op per code; aliases in CANONICAL_ALIASES). */
const OPS: Record<string, CanonicalOp> = {
  '01': 'identify', '02': 'register', '03': 'updateAdmission', '04': 'uploadFees', '05': 'settle', '06': 'presettle', '07': 'queryChronicFilings',
  '10': 'cancelFees', '11': 'institutionInfo', '12': 'dictionary', '13': 'queryAccumulators', '14': 'dictionary', '15': 'reconcileDetails',
  '16': 'reconcileTotals', '17': 'queryFeeDetails', '19': 'catalog', '24': 'catalog', '27': 'queryInHospital', '99': 'reverse',
};

/** The same transaction serves several canonical operations (02 registers an outpatient visit and admits). */
export const CANONICAL_ALIASES: Partial<Record<CanonicalOp, string>> = {
  admit: '02', discharge: '03', uploadInpatientFees: '04', inpatientPresettle: '06', inpatientSettle: '05', cancelInpatientFees: '10',
  cancelSettle: '99', cancelInpatientSettle: '99', cancelRegister: '99', cancelAdmission: '99', uploadVisit: '02',
};

export const CHONGQING_TRANSACTIONS: Record<string, TransactionSpec> = Object.fromEntries(
  Object.values(TRANSACTIONS).map((t) => [
    t.code,
    {
      op: OPS[t.code] ?? 'regional', name: t.name,
      ...(t.code === '05' || t.code === '99' || t.code === '23' || t.code === '25' ? { money: true } : {}),
      ...(t.code === '05' || t.code === '02' || t.code === '04' ? { reversible: true } : {}),
    } satisfies TransactionSpec,
  ]),
);

export const CHONGQING_MANIFEST: PluginManifest = {
  id: 'chongqing',
  name: '重庆市金保工程定点医疗机构统一标准社保接口 V1.02（SiInterface）',
  admdvs: '500000',
  family: 'chongqing-pipe',
  version: '1.02',
  transactions: CHONGQING_TRANSACTIONS,
  envelope: { recer_sys_code: '', infver: 'V1.02', opter_type: '1' },
  transport: { path: 'SiInterface.dll', contentType: 'text/plain;charset=GBK', signing: 'none', timeoutMs: 60000, uploadStyle: 'json-base64' },
  capabilities: { preferAVariants: false, multiBill: false, reversal: true, fileUpload: false, fileDownload: false, catalogs: false },
  quirks: {
    transport: 'SiInterface.dll INIT() once, then BUSINESS_HANDLE(InputData, OutputData) per transaction; stdcall, GBK; OutputData caller-allocated (64 KiB)',
    fields: 'positional, `|` between fields, `$` between item records; built and parsed only by named field lists (spec.ts)',
    reply: 'first field 执行代码: 1 success, else field 2 is the message; BUSINESS_HANDLE ≠ 0 = system error (outcome unknown for 05/99)',
    amounts: 'decimal yuan on the wire (N(8,2), 04 金额 N(10,4)), integer fen inside yibao',
    visit_key: 'mdtrt_id = the HIS 住院(门诊)号 (≤18 chars); 02 goes out with uploadVisit because it needs the 医疗类别',
    items: '04 carries at most 10 items per call; 10 clears stale uploaded items before the first upload of a visit',
    reversal: '99 冲正 by 交易流水号 (settlement → negative settlement; registration/item → "1")',
    aliases: 'admit→02, discharge→03 (出院日期 flag), inpatient upload/presettle/settle→04/06/05, cancels→99',
  },
  sandboxPolicy: CHONGQING_SANDBOX_POLICY,
};
