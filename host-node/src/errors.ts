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
