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
