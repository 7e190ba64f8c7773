// Manifest and configuration of the Chengdu settlement-list (结算清单) data-collection interface: 成都市医保结算
// 清单数据采集接口规范 V1.0 (成都市医保局, 2020-03; seed 001, wire-formats-ws.md §3.1). Only the table of contents
// is public: the web-service mode (§2.1.1 平台webservice接口模式), request / response messages each with a message
// header and a body (§3.3), the four transactions E1001 申请流水号, E1002 数据上报, E1003 数据撤销, E1004 查询
// 校验结果 (§3.4), and that the indicators are the 清单 indicator set (§4.1). Everything on the wire — method,
// element names, serial format, result and status codes, charset, credentials — is configuration here with a
// documented placeholder default (README "Configuration because the public specification is silent"): a
// deployment replaces it with the values of the document the 医保局 hands over.
import type { PluginManifest, TransactionSpec } from '../contract.js';

export type CdSlistTx = 'apply' | 'report' | 'revoke' | 'query';

export interface CdSlistConfig {
  /** SOAP binding: one method taking the request XML as one string, answering the response XML as its result */
  soap: { version: '1.1' | '1.2'; ns: string; method: string; param: string; path: string };
  /** encoding named in the XML declaration of the messages (they travel as text inside the SOAP envelope) */
  charset: 'UTF-8' | 'GBK';
  /** 交易编码 of the four transactions (the codes are from the table of contents: [doc]) */
  codes: Record<CdSlistTx, string>;
  /** request message: root, 请求消息头 and its fields, body */
  request: { root: string; head: string; body: string; tradecode: string; fixmedins: string; user: string; password: string; serial: string; msgid: string; time: string };
  /** response message: root, 应答消息头 and its fields, body */
  response: { root: string; head: string; body: string; tradecode: string; code: string; message: string; serial: string; msgid: string };
  /** the response code that means success; anything else is a refusal with `message` */
  success: string;
  /** E1001 body: the settlement the serial is for */
  apply: { setl_id: string; psn_no: string; mdtrt_id: string };
  /** E1003 body: the reason element */
  revoke: { reason: string };
  /** E1004 body: check status and its values, the findings list */
  result: { status: string; pending: string; passed: string; failed: string; list: string; row: string; field: string; rule: string; message: string };
  /** element of one record inside a multi-row section of E1002 (payinfo, diseinfo …) */
  listRow: string;
  /** indicator set of E1002: the national 4101 (the Chengdu spec predates 4101A) */
  variant: '4101' | '4101A';
}

/** Placeholder defaults — every tag, code and name below that is not a transaction code from the TOC is a guess. */
export const CD_SLIST_DEFAULTS: CdSlistConfig = {
  soap: { version: '1.1', ns: 'http://tempuri.org/', method: 'DataExchange', param: 'requestXml', path: '/SettlementList.asmx' },
  charset: 'UTF-8',
  codes: { apply: 'E1001', report: 'E1002', revoke: 'E1003', query: 'E1004' },
  request: { root: 'request', head: 'head', body: 'body', tradecode: 'tradecode', fixmedins: 'fixmedins_code', user: 'user', password: 'password', serial: 'serial', msgid: 'msgid', time: 'time' },
  response: { root: 'response', head: 'head', body: 'body', tradecode: 'tradecode', code: 'retcode', message: 'retmsg', serial: 'serial', msgid: 'msgid' },
  success: '0',
  apply: { setl_id: 'setl_id', psn_no: 'psn_no', mdtrt_id: 'mdtrt_id' },
  revoke: { reason: 'reason' },
  result: { status: 'check_status', pending: '0', passed: '1', failed: '2', list: 'errors', row: 'row', field: 'field', rule: 'rule', message: 'message' },
  listRow: 'row',
  variant: '4101',
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };
export type CdSlistConfigOverrides = DeepPartial<CdSlistConfig>;

/** The defaults with a deployment's values merged over them, group by group. */
export function cdSlistConfig(o: CdSlistConfigOverrides = {}): CdSlistConfig {
  const d = CD_SLIST_DEFAULTS;
  return {
    soap: { ...d.soap, ...o.soap },
    charset: o.charset ?? d.charset,
    codes: { ...d.codes, ...o.codes },
    request: { ...d.request, ...o.request },
    response: { ...d.response, ...o.response },
    success: o.success ?? d.success,
    apply: { ...d.apply, ...o.apply },
    revoke: { ...d.revoke, ...o.revoke },
    result: { ...d.result, ...o.result },
    listRow: o.listRow ?? d.listRow,
    variant: o.variant ?? d.variant,
  };
}

const NAMES: Record<CdSlistTx, string> = { apply: '申请流水号', report: '数据上报', revoke: '数据撤销', query: '查询校验结果' };

/** Transactions keyed by their (configured) codes. */
export function cdSlistTransactions(cfg: CdSlistConfig = CD_SLIST_DEFAULTS): Record<string, TransactionSpec> {
  return {
    [cfg.codes.apply]: { op: 'regional', name: NAMES.apply },
    [cfg.codes.report]: { op: 'settlementList', name: NAMES.report },
    [cfg.codes.revoke]: { op: 'regional', name: NAMES.revoke },
    [cfg.codes.query]: { op: 'regional', name: NAMES.query },
  };
}

export const CHENGDU_SLIST_MANIFEST: PluginManifest = {
  id: 'chengdu-slist',
  name: '成都市医保结算清单数据采集（E1001–E1004，WebService）',
  admdvs: '510100',
  family: 'soap',
  version: 'V1.0 (2020-03)',
  transactions: cdSlistTransactions(),
  envelope: { recer_sys_code: '', infver: 'V1.0', opter_type: '1' },
  transport: { path: CD_SLIST_DEFAULTS.soap.path, contentType: 'text/xml; charset=utf-8', signing: 'none', timeoutMs: 30000, uploadStyle: 'json-base64' },
  capabilities: { preferAVariants: false, multiBill: false, reversal: false, fileUpload: false, fileDownload: false, catalogs: false },
  quirks: {
    transport: 'one SOAP method, the request message (head + body XML) as its one string parameter, the response message as its result (method, parameter, namespace: configuration)',
    flow: 'E1001 申请流水号 → E1002 数据上报 (accepted for checking) → E1004 查询校验结果 (pending, then passed or the dirty-data findings); E1003 数据撤销 withdraws a report; a new report needs a new serial',
    indicators: 'E1002 carries the national 结算清单 indicator set (4101 sections as XML, multi-row sections as <row> records)',
    quality: 'the list is checked locally with the chengdu rules (plugins/national/slist-rules/chengdu.json) before E1002; the center checks again, with its own catalogues',
    credentials: 'user + password in every message head (configuration / YIBAO_CDSLIST_USER, YIBAO_CDSLIST_PASSWORD)',
    uncertainty: 'an unanswered E1002 is resolved with E1004: a check status means the report arrived, a refusal means it did not',
  },
  soap: { main: { version: CD_SLIST_DEFAULTS.soap.version, ns: CD_SLIST_DEFAULTS.soap.ns, path: CD_SLIST_DEFAULTS.soap.path, action: '{ns}{method}', method: CD_SLIST_DEFAULTS.soap.method } },
};
