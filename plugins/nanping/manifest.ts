// Manifest of the Nanping plugin (福建巨龙 front-end, INI file exchange).
import type { CanonicalOp, PluginManifest, TransactionSpec } from '../contract.js';
import { NANPING_SANDBOX_POLICY } from '../legacy/policy.js';
import { TRANSACTIONS } from './spec.js';

const OPS: Record<string, CanonicalOp> = {
  login: 'signIn', logout: 'signOut', mzghsk: 'identify', mzgh: 'register', mzghcx: 'cancelRegister', mzsfyjs: 'presettle', mzsf: 'settle',
  mzsfcx: 'cancelSettle', rydj: 'admit', rydjcx: 'cancelAdmission', zysfyjs: 'inpatientPresettle', zysf: 'inpatientSettle', zysfcx: 'cancelInpatientSettle',
  cydj: 'discharge', cydjcx: 'cancelDischarge',
};
const MONEY = new Set(['mzsf', 'mzsfcx', 'zysf', 'zysfcx', 'mzgh', 'mzghcx']);

export const NANPING_TRANSACTIONS: Record<string, TransactionSpec> = Object.fromEntries(
  Object.values(TRANSACTIONS).map((t) => [t.section, { op: OPS[t.section] ?? 'regional', name: t.name, ...(MONEY.has(t.section) ? { money: true } : {}) } satisfies TransactionSpec]),
);

export const NANPING_MANIFEST: PluginManifest = {
  id: 'nanping',
  name: '南平医保医院接口（福建巨龙前置，文本文件交换）',
  admdvs: '350700',
  family: 'nanping-ini',
  version: '2014',
  transactions: NANPING_TRANSACTIONS,
  envelope: { recer_sys_code: '', infver: '2014', opter_type: '1' },
  transport: { path: 'C:\\HIS\\<险类>\\', contentType: 'text/plain;charset=GBK', signing: 'none', timeoutMs: 60000, uploadStyle: 'json-base64' },
  capabilities: { preferAVariants: false, multiBill: false, reversal: false, fileUpload: false, fileDownload: false, catalogs: false },
  quirks: {
    transport: 'shared folder: delete stale Reply.txt → write Temp.txt → rename to Request.txt → poll Reply.txt until Reply=TRUE → delete it; one request at a time (yibao.lock)',
    encoding: 'GBK INI, CRLF; keys are 6-character names compared case-insensitively; values trimmed',
    detail: '[mzsfmx]/[zysfmx]: 10 lines per item, no keys (reply: 11, + 自付比例); 规格/单位 "无" when empty; negative amounts refused',
    checks: 'every 收费/预结算 reply is compared with the request: item count, codes, amounts, Bcbxf0 = total, Zhzfe0+Grzfe0+Jjzfe0+sbzfje = Bcbxf0',
    amounts: 'decimal yuan (N8,2; 单价 4 places, 数量 2 places); integer fen inside yibao',
    corrections: 'no two-phase confirm: 冲销 transactions keyed by the returned 流水号 (Ghlsh0, Cxdjh0 = Djlsh0, Cxlsh0 = Zylsh0)',
    swipe: '刷卡 requests carry Pzhm00= (sandbox extension: the credential the emulated reader reads)',
  },
  sandboxPolicy: NANPING_SANDBOX_POLICY,
};
