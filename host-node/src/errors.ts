// The one error class of the hosts. `code` is the stable name (core status names plus a few host ones);
// the message carries Chinese and English.
import type { CoreErrorJson } from './contract.js';

export const HOST_ERRORS = {
  TRAP: { status: 1000, zh: '核心模块异常中止，已重新加载', en: 'core module trapped and was reloaded' },
  IO_ERROR: { status: 1001, zh: '读取或写入文件失败', en: 'file could not be read or written' },
  USAGE: { status: 1002, zh: '命令用法错误', en: 'invalid command usage' },
  BAD_INPUT: { status: 1003, zh: '输入无效', en: 'invalid input' },
  BAD_REPLY: { status: 1004, zh: '医保中心返回的报文无法解析（交易结果未知）', en: 'the center\'s reply could not be read (outcome unknown)' },
  CENTER_ERROR: { status: 1005, zh: '医保中心返回业务错误', en: 'the insurance center returned a business error' },
  NOT_SUPPORTED: { status: 1006, zh: '该地区不支持此交易', en: 'this region does not support the operation' },
  STATE_ERROR: { status: 1007, zh: '本地状态存储错误', en: 'local state store error' },
  // Transport (host-node/src/transport-http.ts). TIMEOUT, NETWORK and HTTP mean OUTCOME UNKNOWN: the request
  // may or may not have reached the center and been executed. Never retry a money-moving call blindly
  // (2207/2208/2304/2305/2102/2103 …): resolve it by query (5203/5204) or reverse it with 2601 冲正 using the
  // original msgid (wire-formats §1.4). Calls that move no money can simply be repeated.
  /** no complete response within the configured time — outcome unknown */
  TRANSPORT_TIMEOUT: { status: 1010, zh: '医保中心响应超时，交易结果未知', en: 'insurance center timed out; outcome unknown' },
  /** connection refused/reset, DNS, TLS … — outcome unknown (a reset may come after the center executed it) */
  TRANSPORT_NETWORK: { status: 1011, zh: '网络通信失败，交易结果未知', en: 'network failure; outcome unknown' },
  /** the gateway/center answered with a non-2xx HTTP status (detail has it) — outcome unknown */
  TRANSPORT_HTTP: { status: 1012, zh: '医保中心返回 HTTP 错误状态，交易结果未知', en: 'insurance center returned an HTTP error status; outcome unknown' },
  /** endpoint/signing configuration missing or invalid (nothing was sent) */
  TRANSPORT_CONFIG: { status: 1013, zh: '通信配置错误，请求未发送', en: 'transport configuration is invalid; nothing was sent' },
  // Catalogs (host-node/src/catalog.ts)
  /** the downloaded catalog archive is not a zip with exactly one .txt entry */
  CATALOG_ARCHIVE: { status: 1020, zh: '目录文件压缩包无效', en: 'catalog archive is invalid' },
  /** the catalog TXT cannot be read (not UTF-8, missing key …) */
  CATALOG_FILE: { status: 1021, zh: '目录文件内容无效', en: 'catalog file is malformed' },
  /** the center refused the catalog transaction (infcode ≠ 0) or returned no file query number */
  CATALOG_SYNC: { status: 1022, zh: '目录下载失败', en: 'catalog download failed' },
  // Reliability: journal, offline queue, agent service (host-node/src/journal-*.ts, offline-queue.ts, agent/)
  /** a second live transaction for the same HIS key + operation, or a msgid that is already journaled */
  DUPLICATE: { status: 1030, zh: '重复交易：该业务单号已有进行中或已确认的交易', en: 'duplicate: this HIS key already has a live transaction (or the msgid is taken)' },
  /** the center's answer to a money-moving call is unknown and could not be resolved yet: the entry stays journaled, recover() resolves it; do not settle the HIS key again before */
  OUTCOME_UNKNOWN: { status: 1031, zh: '交易结果未知，已记入交易日志，待恢复程序(recover)处理，请勿重复结算', en: 'outcome unknown; journaled for recover(); do not settle this HIS key again meanwhile' },
  /** the outcome was unknown and has been resolved as "nothing settled" (reversed by 2601 / not found): the HIS may settle again */
  NOT_SETTLED: { status: 1032, zh: '结算未完成：结果未知的交易已冲正，可重新结算', en: 'not settled: the transaction of unknown outcome was undone; settle again' },
  /** the agent refused the request: no bearer token or a wrong one (HTTP 401) */
  AGENT_AUTH: { status: 1040, zh: '未授权：缺少或错误的访问令牌', en: 'unauthorized: missing or wrong bearer token' },
  /** no such route on the agent (HTTP 404 / 405) */
  AGENT_ROUTE: { status: 1041, zh: '服务接口不存在', en: 'no such agent route' },
  /** the request body exceeds the agent's limit (HTTP 413) */
  AGENT_BODY_TOO_LARGE: { status: 1042, zh: '请求体过大', en: 'request body too large' },
  // Legacy bridge (legacy-com-bridge/): vendor DLLs run in a child process. TIMEOUT and CRASHED mean
  // OUTCOME UNKNOWN, exactly like TRANSPORT_TIMEOUT: the vendor code may have done the work and told its
  // center before it hung or died. Never repeat a money-moving call blindly: resolve it with the
  // protocol's own query (Yinhai getuncertaintytrade + confirm/cancel, Sichuan 98 ...). The child is
  // restarted on the next call, so the DLL's in-process state (init, sign-in, card) is gone.
  /** the vendor call did not return within its timeout; the child was killed — outcome unknown */
  BRIDGE_TIMEOUT: { status: 1050, zh: '医保接口动态库调用超时，已终止并将重启，交易结果未知', en: 'vendor library call timed out; the bridge process was killed and will restart; outcome unknown' },
  /** the bridge child died during the call (segfault, abort, exit) — outcome unknown */
  BRIDGE_CRASHED: { status: 1051, zh: '医保接口动态库崩溃，已重启，交易结果未知', en: 'vendor library crashed the bridge process; it will restart; outcome unknown' },
  /** the child could not start or load the library / declare a function (nothing was called) */
  BRIDGE_LOAD: { status: 1052, zh: '医保接口动态库加载失败，调用未执行', en: 'vendor library could not be loaded; nothing was called' },
  /** the bridge was closed before the call ran (nothing was called) */
  BRIDGE_CLOSED: { status: 1053, zh: '桥接进程已关闭，调用未执行', en: 'the bridge is closed; nothing was called' },
  /** the card reader returned an error or an unreadable card record */
  CARD_READ: { status: 1054, zh: '读卡失败', en: 'card could not be read' },
  // Clients of the agent (legacy-com-bridge/native libyibao, host-browser): the caller's side of the loopback hop.
  /** the agent is not running / refused the connection (nothing was sent) */
  AGENT_UNAVAILABLE: { status: 1060, zh: '无法连接本机医保代理服务，请求未发送', en: 'cannot reach the local agent; nothing was sent' },
  /** the agent did not answer in time — outcome unknown */
  AGENT_TIMEOUT: { status: 1061, zh: '本机医保代理服务响应超时，交易结果未知', en: 'the local agent did not answer in time; outcome unknown' },
  /** the agent's answer could not be read — outcome unknown */
  AGENT_REPLY: { status: 1062, zh: '本机医保代理服务的应答无法识别，交易结果未知', en: "the local agent's reply could not be read; outcome unknown" },
  /** no (valid) agent URL configured (nothing was sent) */
  AGENT_CONFIG: { status: 1063, zh: '未配置或错误配置本机医保代理服务地址，请求未发送', en: 'the agent URL is missing or invalid; nothing was sent' },
  // SOAP / ASMX web services (host-node/src/transport-soap.ts)
  /** the peer answered with a SOAP Fault: the request REACHED the server, which refused it (soap:Client) or failed
   *  (soap:Server) — detail is "code: reason[ — detail]"; for money-moving calls the plugin decides what a fault means */
  SOAP_FAULT: { status: 1070, zh: '对方返回 SOAP Fault：请求已到达服务端，被拒绝或处理失败', en: 'the peer answered with a SOAP Fault: the request reached the server, which refused it or failed' },
  // 新农合 web services (plugins/liuzhou): string returns (空 = 成功) and DataSet returns (null = 失败), both roles.
  /** a string-returning call answered a non-empty text: the peer refused (detail has the text) */
  XNH_REFUSED: { status: 1100, zh: '新农合系统拒绝了该请求', en: 'the 新农合 system refused the request' },
  /** a DataSet-returning call answered null: failure, and the protocol gives no reason */
  XNH_NULL_RESULT: { status: 1101, zh: '新农合系统返回空数据集（失败，协议不提供原因）', en: 'the 新农合 system returned a null DataSet (failure; the protocol gives no reason)' },
  /** server role: unknown user, wrong password, user not yet authorised, wrong 医院代码 */
  XNH_AUTH: { status: 1102, zh: '用户或口令错误，或用户尚未授权', en: 'unknown user, wrong password or user not yet authorised' },
  /** server role: the user lacks the 访问权限 letter of the interface */
  XNH_PERMISSION: { status: 1103, zh: '用户没有该接口的访问权限', en: 'the user lacks the permission letter of this interface' },
  /** server role: the 消息摘要 does not match the parameters */
  XNH_DIGEST: { status: 1104, zh: '消息摘要校验失败', en: 'message digest mismatch' },
  /** server role: the caller's address is not among the user's 允许访问IP地址 */
  XNH_IP: { status: 1105, zh: '访问地址不在该用户允许的IP地址内', en: "the caller's address is not bound to this user" },
  /** a money-moving call (门诊/住院结算, 退费) got no readable answer: the protocol has no query, a person must check with 农合 */
  XNH_OUTCOME_UNKNOWN: { status: 1106, zh: '新农合结算结果未知：协议没有查询接口，须人工与合管中心核对', en: '新农合 settlement outcome unknown: the protocol has no query; a person must check with the center' },
  /** a DataSet does not match the configured schema (table or required column missing, bad amount) */
  XNH_SCHEMA: { status: 1107, zh: '数据集结构与配置不符', en: 'the DataSet does not match the configured schema' },
  // Sichuan 新农合 V3.0 (plugins/sichuan-xnh): typed ASMX methods returning FalseOrTrue-style classes.
  /** the 新农合 center answered Flag=false (FalseOrTrue / a result class with Flag): refused, nothing done; detail has its Message */
  XNH_FALSE: { status: 1110, zh: '新农合中心返回失败（Flag=false）', en: 'the 新农合 center answered false (refused)' },
  /** price control (CheckMed / CheckSW / CheckItem): a price above the 新农合 限价 without an accepted 加价理由; nothing was written */
  XNH_PRICE: { status: 1111, zh: '价格超过新农合限价（价格控制），清单未写入', en: 'price above the 新农合 limit (price control); nothing was written' },
  /** a HIS item has no 对码 (ToCode) entry: map it to a 新农合 Med / SW / Item first; nothing was sent */
  XNH_UNMAPPED: { status: 1112, zh: '项目未与新农合目录对码，请求未发送', en: 'item not mapped to the 新农合 catalogue (ToCode); nothing was sent' },
  /** 清单 lines refused by the center (per-line QDError / QDReturn2 in the detail); lines listed as written stay written */
  XNH_QD: { status: 1113, zh: '每日清单写入被新农合中心拒绝', en: 'the 新农合 center refused 清单 lines' },
  /** no 补偿 for the admission in QueryBC yet (the 新农合 system has not settled it) */
  XNH_NO_BC: { status: 1114, zh: '新农合尚未计算该住院的补偿', en: 'the 新农合 system has no 补偿 for this admission yet' },
  // Inventory (进销存) uploads (host-node/src/inventory.ts): every row is kept in SQLite; these summarise a drain.
  /** the center refused every row of the upload (business errors per row): fix the rows and requeue them */
  INVENTORY_REJECTED: { status: 1080, zh: '进销存数据上传被医保中心拒绝，请修正后重新上传', en: 'the center rejected the inventory rows; fix them and requeue' },
  /** some rows were accepted, others refused (本次成功但是部分数据失败): the refused ones need fixing */
  INVENTORY_PARTIAL: { status: 1081, zh: '进销存数据部分上传成功，部分数据失败', en: 'inventory upload partly succeeded; some rows were rejected' },
  /** the center could not be reached: the rows are kept and retried later (nothing is lost) */
  INVENTORY_PENDING: { status: 1082, zh: '医保中心暂不可用，进销存数据已保存，稍后自动重传', en: 'center unavailable; inventory rows are kept and will be retried' },
  // Settlement lists (结算清单): host-node/src/slist.ts, plugins/chengdu-slist (status 1090–1099)
  /** the list violates quality rules (op 80): nothing was sent; the error carries the violations (SlistInvalidError) */
  SLIST_INVALID: { status: 1090, zh: '结算清单未通过质控校验，未上传', en: 'the settlement list violates quality rules; nothing was sent' },
  /** the center accepted the list but has not finished checking it yet (Chengdu E1004 still pending after the polls) */
  SLIST_PENDING: { status: 1091, zh: '结算清单已上报，中心尚未完成校验', en: 'the settlement list was reported; the center has not finished checking it' },
  /** no rule overrides for the region, or its rule file is unreadable (nothing was checked or sent) */
  SLIST_REGION: { status: 1092, zh: '该地区的结算清单质控规则不存在或无法读取', en: "the region's settlement-list rules are missing or unreadable" },
} as const;

export type HostErrorCode = keyof typeof HOST_ERRORS;

export class YibaoError extends Error {
  readonly code: string;
  readonly status: number;
  readonly messageZh: string;
  readonly messageEn: string;
  readonly detail?: string;
  readonly pos?: number;
  readonly line?: number;
  readonly col?: number;

  constructor(e: CoreErrorJson, options?: { cause?: unknown }) {
    const detail = e.detail ? ` (${e.detail})` : '';
    const where = e.line !== undefined ? ` [line ${e.line}, col ${e.col}]` : e.pos !== undefined ? ` [byte ${e.pos}]` : '';
    super(`${e.message_zh} / ${e.message_en}${detail}${where}`, options);
    this.name = 'YibaoError';
    this.code = e.code;
    this.status = e.status;
    this.messageZh = e.message_zh;
    this.messageEn = e.message_en;
    this.detail = e.detail;
    this.pos = e.pos;
    this.line = e.line;
    this.col = e.col;
  }

  static host(code: HostErrorCode, detail?: string, cause?: unknown): YibaoError {
    const h = HOST_ERRORS[code];
    return new YibaoError({ status: h.status, code, message_zh: h.zh, message_en: h.en, detail }, { cause });
  }

  toJSON(): { code: string; status: number; message: string; detail?: string; pos?: number; line?: number; col?: number } {
    return { code: this.code, status: this.status, message: this.message, detail: this.detail, pos: this.pos, line: this.line, col: this.col };
  }
}
