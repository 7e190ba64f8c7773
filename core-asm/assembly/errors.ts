// Status codes of the core. Every failing op returns -status from yb_call and leaves an error
// JSON in the result buffer. Codes are stable: never renumber, only append.
// The host-node contract (host-node/src/errors.ts) mirrors the names; the names are the API.

export const OK: i32 = 0;

// 1xx input / JSON
export const E_JSON_SYNTAX: i32 = 101;
export const E_JSON_DEPTH: i32 = 102;
export const E_MISSING_FIELD: i32 = 103;
export const E_WRONG_TYPE: i32 = 104;
export const E_BAD_DECIMAL: i32 = 105;
export const E_BAD_ENUM: i32 = 106;
export const E_BAD_INTEGER: i32 = 107;
export const E_DUPLICATE_KEY: i32 = 108;
export const E_EMPTY_INPUT: i32 = 109;
// 2xx money
export const E_OVERFLOW: i32 = 201;
export const E_DECIMAL_SCALE: i32 = 202;
export const E_NEGATIVE_AMOUNT: i32 = 203;
export const E_DIVIDE_BY_ZERO: i32 = 204;
// 3xx settlement
export const E_IDENTITY: i32 = 301;
export const E_NET_NEGATIVE_BILL: i32 = 302;
export const E_DUPLICATE_SN: i32 = 303;
export const E_BAD_RATIO: i32 = 304;
export const E_BAD_PARAM: i32 = 305;
export const E_TXN_ILLEGAL: i32 = 306;
// 4xx text encoding
export const E_GBK_INVALID: i32 = 401;
export const E_UTF8_INVALID: i32 = 402;
export const E_GBK_UNMAPPABLE: i32 = 403;
// 5xx XML
export const E_XML_SYNTAX: i32 = 501;
export const E_XML_UNTERMINATED: i32 = 502;
export const E_XML_MISMATCH: i32 = 503;
export const E_XML_ENTITY: i32 = 504;
export const E_XML_SHAPE: i32 = 505;
// 52x SOAP / .NET DataSet / digests (soap.ts, digest.ts)
export const E_SOAP_ENVELOPE: i32 = 520;
export const E_DATASET_SHAPE: i32 = 521;
export const E_SOAP_VERSION: i32 = 522;
export const E_DIGEST_SPEC: i32 = 523;
export const E_DATASET_ROW_ERROR: i32 = 524;
// 6xx INI
export const E_INI_SYNTAX: i32 = 601;
export const E_INI_SHAPE: i32 = 602;
// 7xx pipe records
export const E_PIPE_SHAPE: i32 = 701;
export const E_PIPE_RESERVED: i32 = 702;
// 8xx field validation (used per field inside validate results, and as op status for a bad spec)
export const E_FIELD_TOO_LONG: i32 = 801;
export const E_FIELD_NOT_NUMBER: i32 = 802;
export const E_FIELD_PRECISION: i32 = 803;
export const E_FIELD_DATE: i32 = 804;
export const E_FIELD_DATETIME: i32 = 805;
export const E_FIELD_REQUIRED: i32 = 806;
export const E_FIELD_SPEC: i32 = 807;
export const E_FIELD_CHARSET: i32 = 808;
// 81x settlement-list quality rules (op 80)
export const E_QC_RULES: i32 = 810;
// 9xx runtime
export const E_UNKNOWN_OP: i32 = 901;
export const E_TOO_LARGE: i32 = 902;
export const E_INTERNAL: i32 = 999;

export function errName(code: i32): string {
  switch (code) {
    case E_JSON_SYNTAX: return 'JSON_SYNTAX';
    case E_JSON_DEPTH: return 'JSON_DEPTH';
    case E_MISSING_FIELD: return 'MISSING_FIELD';
    case E_WRONG_TYPE: return 'WRONG_TYPE';
    case E_BAD_DECIMAL: return 'BAD_DECIMAL';
    case E_BAD_ENUM: return 'BAD_ENUM';
    case E_BAD_INTEGER: return 'BAD_INTEGER';
    case E_DUPLICATE_KEY: return 'DUPLICATE_KEY';
    case E_EMPTY_INPUT: return 'EMPTY_INPUT';
    case E_OVERFLOW: return 'OVERFLOW';
    case E_DECIMAL_SCALE: return 'DECIMAL_SCALE';
    case E_NEGATIVE_AMOUNT: return 'NEGATIVE_AMOUNT';
    case E_DIVIDE_BY_ZERO: return 'DIVIDE_BY_ZERO';
    case E_IDENTITY: return 'IDENTITY_VIOLATION';
    case E_NET_NEGATIVE_BILL: return 'NET_NEGATIVE_BILL';
    case E_DUPLICATE_SN: return 'DUPLICATE_FEEDETL_SN';
    case E_BAD_RATIO: return 'BAD_RATIO';
    case E_BAD_PARAM: return 'BAD_PARAM';
    case E_TXN_ILLEGAL: return 'TXN_ILLEGAL';
    case E_GBK_INVALID: return 'GBK_INVALID';
    case E_UTF8_INVALID: return 'UTF8_INVALID';
    case E_GBK_UNMAPPABLE: return 'GBK_UNMAPPABLE';
    case E_XML_SYNTAX: return 'XML_SYNTAX';
    case E_XML_UNTERMINATED: return 'XML_UNTERMINATED';
    case E_XML_MISMATCH: return 'XML_MISMATCHED_TAG';
    case E_XML_ENTITY: return 'XML_BAD_ENTITY';
    case E_XML_SHAPE: return 'XML_SHAPE';
    case E_SOAP_ENVELOPE: return 'SOAP_ENVELOPE';
    case E_DATASET_SHAPE: return 'DATASET_SHAPE';
    case E_SOAP_VERSION: return 'SOAP_VERSION';
    case E_DIGEST_SPEC: return 'DIGEST_SPEC';
    case E_DATASET_ROW_ERROR: return 'DATASET_ROW_ERROR';
    case E_INI_SYNTAX: return 'INI_SYNTAX';
    case E_INI_SHAPE: return 'INI_SHAPE';
    case E_PIPE_SHAPE: return 'PIPE_SHAPE';
    case E_PIPE_RESERVED: return 'PIPE_RESERVED_CHAR';
    case E_FIELD_TOO_LONG: return 'FIELD_TOO_LONG';
    case E_FIELD_NOT_NUMBER: return 'FIELD_NOT_NUMBER';
    case E_FIELD_PRECISION: return 'FIELD_PRECISION';
    case E_FIELD_DATE: return 'FIELD_DATE';
    case E_FIELD_DATETIME: return 'FIELD_DATETIME';
    case E_FIELD_REQUIRED: return 'FIELD_REQUIRED';
    case E_FIELD_SPEC: return 'FIELD_SPEC';
    case E_FIELD_CHARSET: return 'FIELD_CHARSET';
    case E_QC_RULES: return 'QC_RULES';
    case E_UNKNOWN_OP: return 'UNKNOWN_OP';
    case E_TOO_LARGE: return 'INPUT_TOO_LARGE';
    default: return 'INTERNAL';
  }
}

export function errZh(code: i32): string {
  switch (code) {
    case E_JSON_SYNTAX: return 'JSON 格式错误';
    case E_JSON_DEPTH: return 'JSON 嵌套层数过深';
    case E_MISSING_FIELD: return '缺少必填字段';
    case E_WRONG_TYPE: return '字段类型错误';
    case E_BAD_DECIMAL: return '数值格式错误';
    case E_BAD_ENUM: return '代码值不在字典范围内';
    case E_BAD_INTEGER: return '整数格式错误';
    case E_DUPLICATE_KEY: return '键名重复';
    case E_EMPTY_INPUT: return '输入为空';
    case E_OVERFLOW: return '金额或数值溢出';
    case E_DECIMAL_SCALE: return '小数位数超出允许范围';
    case E_NEGATIVE_AMOUNT: return '金额不能为负数';
    case E_DIVIDE_BY_ZERO: return '除数为零';
    case E_IDENTITY: return '结算恒等式校验失败';
    case E_NET_NEGATIVE_BILL: return '费用净额为负，不能预结算';
    case E_DUPLICATE_SN: return '费用明细流水号重复';
    case E_BAD_RATIO: return '比例必须在 0 到 1 之间';
    case E_BAD_PARAM: return '政策参数错误';
    case E_TXN_ILLEGAL: return '交易状态转换不合法';
    case E_GBK_INVALID: return 'GBK 编码字节无效';
    case E_UTF8_INVALID: return 'UTF-8 编码字节无效';
    case E_GBK_UNMAPPABLE: return '字符无法用 GBK 编码表示';
    case E_XML_SYNTAX: return 'XML 格式错误';
    case E_XML_UNTERMINATED: return 'XML 未正常结束';
    case E_XML_MISMATCH: return 'XML 开始标签与结束标签不匹配';
    case E_XML_ENTITY: return 'XML 实体引用无效';
    case E_XML_SHAPE: return 'XML 数据结构不符合要求';
    case E_SOAP_ENVELOPE: return '不是有效的 SOAP 报文（信封结构错误）';
    case E_DATASET_SHAPE: return 'DataSet 架构或 diffgram 格式错误';
    case E_SOAP_VERSION: return '不支持的 SOAP 版本（信封命名空间未知）';
    case E_DIGEST_SPEC: return '消息摘要配置无效';
    case E_DATASET_ROW_ERROR: return 'DataSet 中含有行错误（diffgr:errors）';
    case E_INI_SYNTAX: return 'INI 格式错误';
    case E_INI_SHAPE: return 'INI 数据结构不符合要求';
    case E_PIPE_SHAPE: return '分隔串数据结构不符合要求';
    case E_PIPE_RESERVED: return '字段中含有分隔符 | 或 $';
    case E_FIELD_TOO_LONG: return '字段长度超出限制';
    case E_FIELD_NOT_NUMBER: return '字段不是有效数值';
    case E_FIELD_PRECISION: return '数值位数或小数位数超出限制';
    case E_FIELD_DATE: return '日期格式错误';
    case E_FIELD_DATETIME: return '日期时间格式错误';
    case E_FIELD_REQUIRED: return '必填字段为空';
    case E_FIELD_SPEC: return '字段类型说明无效';
    case E_FIELD_CHARSET: return '字段含有不允许的字符';
    case E_QC_RULES: return '结算清单质控规则表无效';
    case E_UNKNOWN_OP: return '未知的操作';
    case E_TOO_LARGE: return '输入过大';
    default: return '内部错误';
  }
}

export function errEn(code: i32): string {
  switch (code) {
    case E_JSON_SYNTAX: return 'malformed JSON';
    case E_JSON_DEPTH: return 'JSON nested too deeply';
    case E_MISSING_FIELD: return 'required field is missing';
    case E_WRONG_TYPE: return 'field has the wrong type';
    case E_BAD_DECIMAL: return 'not a valid decimal number';
    case E_BAD_ENUM: return 'code is not in the dictionary';
    case E_BAD_INTEGER: return 'not a valid integer';
    case E_DUPLICATE_KEY: return 'duplicate key';
    case E_EMPTY_INPUT: return 'input is empty';
    case E_OVERFLOW: return 'amount or number overflows';
    case E_DECIMAL_SCALE: return 'too many decimal places';
    case E_NEGATIVE_AMOUNT: return 'amount must not be negative';
    case E_DIVIDE_BY_ZERO: return 'division by zero';
    case E_IDENTITY: return 'settlement identity violated';
    case E_NET_NEGATIVE_BILL: return 'net-negative bill cannot be pre-settled';
    case E_DUPLICATE_SN: return 'duplicate fee detail serial number (feedetl_sn)';
    case E_BAD_RATIO: return 'ratio must be between 0 and 1';
    case E_BAD_PARAM: return 'invalid policy parameter';
    case E_TXN_ILLEGAL: return 'illegal transaction state transition';
    case E_GBK_INVALID: return 'invalid GBK byte sequence';
    case E_UTF8_INVALID: return 'invalid UTF-8 byte sequence';
    case E_GBK_UNMAPPABLE: return 'character cannot be encoded in GBK';
    case E_XML_SYNTAX: return 'malformed XML';
    case E_XML_UNTERMINATED: return 'XML is not terminated';
    case E_XML_MISMATCH: return 'XML end tag does not match start tag';
    case E_XML_ENTITY: return 'invalid XML entity reference';
    case E_XML_SHAPE: return 'XML document does not have the expected shape';
    case E_SOAP_ENVELOPE: return 'not a SOAP envelope or wrong envelope structure';
    case E_DATASET_SHAPE: return 'malformed DataSet schema or diffgram';
    case E_SOAP_VERSION: return 'unsupported SOAP version (unknown envelope namespace)';
    case E_DIGEST_SPEC: return 'invalid message digest specification';
    case E_DATASET_ROW_ERROR: return 'the DataSet carries row errors (diffgr:errors)';
    case E_INI_SYNTAX: return 'malformed INI';
    case E_INI_SHAPE: return 'INI data does not have the expected shape';
    case E_PIPE_SHAPE: return 'pipe record data does not have the expected shape';
    case E_PIPE_RESERVED: return 'field contains the separator | or $';
    case E_FIELD_TOO_LONG: return 'field is too long';
    case E_FIELD_NOT_NUMBER: return 'field is not a valid number';
    case E_FIELD_PRECISION: return 'number has too many digits or decimal places';
    case E_FIELD_DATE: return 'invalid date';
    case E_FIELD_DATETIME: return 'invalid date-time';
    case E_FIELD_REQUIRED: return 'required field is empty';
    case E_FIELD_SPEC: return 'invalid field type specification';
    case E_FIELD_CHARSET: return 'field contains characters that are not allowed';
    case E_QC_RULES: return 'invalid settlement-list rule table';
    case E_UNKNOWN_OP: return 'unknown operation';
    case E_TOO_LARGE: return 'input too large';
    default: return 'internal error';
  }
}

// ---- the pending error of the current call -------------------------------------------------
export let errCode: i32 = 0;
export let errPos: i32 = -1;        // byte offset into the input, -1 when not positional
export let errDetail: string = '';  // e.g. JSON path "fee_items[3].pric", or identity name

export function resetError(): void {
  errCode = 0;
  errPos = -1;
  errDetail = '';
}

/** Records the first error of the call and returns its code (so callers can `return fail(...)`). */
export function fail(code: i32, pos: i32, detail: string): i32 {
  if (errCode == 0) {
    errCode = code;
    errPos = pos;
    errDetail = detail;
  }
  return code;
}

/** Prefixes the pending error's detail (used to attach a JSON path only on the failure path). */
export function prefixErrDetail(prefix: string): void {
  errDetail = prefix + errDetail;
}
