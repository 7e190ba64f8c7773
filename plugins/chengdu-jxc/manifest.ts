// Manifest and configuration of the Chengdu 进销存 data-collection web service (成都市基本医疗保险基础数据采集
// 接口规范, 久远银海; seed 002, wire-formats-ws §4). The public copy of the spec lost every ASCII token: element
// tags, transaction codes, result code values, the charset, the method name and the row limit are NOT known.
// Each of them is configuration here, with a documented placeholder default (README "Configuration because
// the public specification is silent"); a site replaces them with the values the vendor hands over.
import type { PluginManifest, TransactionSpec } from '../contract.js';

/** The four transactions of the spec (§4.3) by inventory kind (host-node/src/inventory.ts). */
export type JxcKind = 'init' | 'stock-in' | 'stock-out' | 'stock';
export const JXC_KINDS: JxcKind[] = ['init', 'stock-in', 'stock-out', 'stock'];

/** One detail field: its XML tag, the canonical row field it carries, its Chinese name from the spec. */
export interface JxcField {
  tag: string;
  /** canonical InventoryRow field (sn, med_list_codg, hilist_id, hilist_name, trdn_flag, pric, cnt, time, manu_lotnum …) */
  field: string;
  zh: string;
  required: boolean;
}

export interface JxcConfig {
  /** SOAP binding: one method, one string parameter in, one string out ("传入参数作为提供服务方法的参数传入，返回数据使用XML数据流") */
  soap: { version: '1.1' | '1.2'; ns: string; method: string; param: string };
  /** charset named in the request XML's declaration ("字符集[…]": lost) — the XML travels as text inside the SOAP envelope */
  charset: 'GBK' | 'UTF-8';
  /** "一次调用最多只允许上传明细[N]条" — N lost */
  maxRows: number;
  /** 交易服务编码 of each transaction — lost */
  txCodes: Record<JxcKind, string>;
  /** 返回错误代码 values: 执行成功 / 执行失败 / 本次成功但是部分数据失败 — lost */
  resultCodes: { success: string; failure: string; partial: string };
  /** the text of the row error a repeated 流水号 gets ("【数据重复上传】", from the spec) */
  duplicateMarker: string;
  /** request element tags (names from the spec, tags lost) */
  request: { root: string; txCode: string; user: string; password: string; fixmedins: string; list: string; row: string };
  /** response element tags: 返回错误代码, 返回错误信息, and the failed rows with their 流水号 and reason */
  response: { root: string; code: string; message: string; list: string; row: string; key: string; reason: string };
  /** detail fields of each transaction, in order */
  fields: Record<JxcKind, JxcField[]>;
}

const F = (tag: string, field: string, zh: string, required = true): JxcField => ({ tag, field, zh, required });

/** The seven detail fields the spec names for 初始化 (tags: 人社 codes where Yinhai's Chengdu dictionary has them, else placeholders). */
const BASE = (price: [string, string], qty: [string, string]): JxcField[] => [
  F('ake001', 'med_list_codg', '医保项目编码'),
  F('ake006', 'hilist_name', '医院项目名称'),
  F('ake005', 'hilist_id', '医院对码流水号'),
  F('lsh', 'sn', '流水号'),
  F('sfcl', 'trdn_flag', '是否拆零标志'),
  F(price[0], 'pric', price[1]),
  F(qty[0], 'cnt', qty[1]),
];

/** Placeholder defaults (every value below that is not a Chinese name from the spec is a guess: see README). */
export const JXC_DEFAULTS: JxcConfig = {
  soap: { version: '1.1', ns: 'http://tempuri.org/', method: 'callService', param: 'inputXml' },
  charset: 'GBK',
  maxRows: 50,
  txCodes: { init: 'JXC01', 'stock-in': 'JXC02', 'stock-out': 'JXC03', stock: 'JXC04' },
  resultCodes: { success: '0', failure: '-1', partial: '1' },
  duplicateMarker: '数据重复上传',
  request: { root: 'input', txCode: 'jyfwbm', user: 'jyfwyh', password: 'jyyzm', fixmedins: 'akb020', list: 'data', row: 'row' },
  response: { root: 'output', code: 'errorcode', message: 'errormsg', list: 'data', row: 'row', key: 'lsh', reason: 'errormsg' },
  fields: {
    init: BASE(['cgjg', '采购价格'], ['cgsl', '采购数量']),
    'stock-in': [...BASE(['cgjg', '采购价格'], ['rksl', '入库数量']), F('rksj', 'time', '入库时间'), F('ph', 'manu_lotnum', '批号', false), F('yxq', 'expy_end', '有效期', false), F('gys', 'spler_name', '供应商', false)],
    'stock-out': [...BASE(['ckjg', '出库价格'], ['cksl', '出库数量']), F('cksj', 'time', '出库时间'), F('ph', 'manu_lotnum', '批号', false)],
    stock: [...BASE(['kcjg', '库存价格'], ['kcsl', '库存数量']).map((f) => (f.field === 'pric' ? { ...f, required: false } : f)), F('pdsj', 'time', '盘点时间')],
  },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type JxcConfigOverrides = DeepPartial<JxcConfig>;

/** The defaults with a site's values merged over them (objects merged key by key, field lists replaced). */
export function jxcConfig(o: JxcConfigOverrides = {}): JxcConfig {
  return {
    soap: { ...JXC_DEFAULTS.soap, ...o.soap },
    charset: o.charset ?? JXC_DEFAULTS.charset,
    maxRows: o.maxRows ?? JXC_DEFAULTS.maxRows,
    txCodes: { ...JXC_DEFAULTS.txCodes, ...o.txCodes },
    resultCodes: { ...JXC_DEFAULTS.resultCodes, ...o.resultCodes },
    duplicateMarker: o.duplicateMarker ?? JXC_DEFAULTS.duplicateMarker,
    request: { ...JXC_DEFAULTS.request, ...o.request },
    response: { ...JXC_DEFAULTS.response, ...o.response },
    fields: { ...JXC_DEFAULTS.fields, ...(o.fields as Partial<Record<JxcKind, JxcField[]>> | undefined) },
  };
}

const NAMES: Record<JxcKind, string> = { init: '药品采购信息初始化上传', 'stock-in': '药品入库信息上传', 'stock-out': '药品出库信息上传', stock: '药品实际库存信息上传' };

/** Transactions keyed by their (configured) 交易服务编码. */
export function jxcTransactions(cfg: JxcConfig = JXC_DEFAULTS): Record<string, TransactionSpec> {
  return Object.fromEntries(JXC_KINDS.map((k) => [cfg.txCodes[k], { op: 'inventory', name: NAMES[k] } satisfies TransactionSpec]));
}

export const CHENGDU_JXC_MANIFEST: PluginManifest = {
  id: 'chengdu-jxc',
  name: '成都市基本医疗保险基础数据采集（进销存，WebService）',
  admdvs: '510100',
  family: 'soap',
  version: '2020',
  transactions: jxcTransactions(),
  envelope: { recer_sys_code: '', infver: '2020', opter_type: '1' },
  transport: { path: '', contentType: 'text/xml; charset=utf-8', signing: 'none', timeoutMs: 30000, uploadStyle: 'json-base64' },
  capabilities: { preferAVariants: false, multiBill: false, reversal: false, fileUpload: false, fileDownload: false, catalogs: false },
  quirks: {
    transport: 'one SOAP method, one XML string parameter in, one XML string out (method, parameter, namespace: configuration)',
    batches: 'many detail rows per call, at most maxRows (lost from the spec: configuration, default 50)',
    results: '返回错误代码: 执行成功 / 执行失败 / 本次成功但是部分数据失败 (values: configuration); failed rows come back with their reason',
    idempotency: '流水号 is the HIS primary key: a repeat gets the row error 【数据重复上传】',
    credentials: '交易访问用户 + 交易访问验证码 in every request (configuration / environment YIBAO_JXC_USER, YIBAO_JXC_PASSWORD)',
    precondition: '初始化 needs 对码 done in 医保两定管理协同平台; 科室备用(暂存)药品 are excluded',
  },
  soap: { main: { version: JXC_DEFAULTS.soap.version, ns: JXC_DEFAULTS.soap.ns, path: '', action: '{ns}{method}', method: JXC_DEFAULTS.soap.method } },
};
