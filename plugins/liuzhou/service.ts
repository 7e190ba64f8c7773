// The provider side of Liuzhou interfaces, shared by the hospital-hosted service (his-service.ts) and the
// sandbox center (sandbox/center.ts): every call is checked in this order —
//   1. parameters readable (XNH_SCHEMA),
//   2. 医院代码 matches the provider's (hospital role),
//   3. 消息摘要 matches (XNH_DIGEST),
//   4. user + 口令 (XNH_AUTH), authorised (not pending), caller's address bound to the user (XNH_IP),
//      the interface's 访问权限 letter (XNH_PERMISSION),
//   5. the business function;
// and any refusal is answered the protocol's way: a non-empty text for string interfaces, a Null DataSet
// (no Result element, as ASMX writes a null) for DataSet interfaces. Unexpected errors are soap:Server faults.
// The user-management trio (yhklxgjk, Yhzjjk, Yhscjk) is implemented here on the UserStore.
import type { Core } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { maskId, maskName } from '../../host-node/src/mask.js';
import { SoapFaultError, startSoapServer, type SoapHandler } from '../../host-node/src/transport-soap.js';
import { letterFor, methodName, type LiuzhouConfig } from './config.js';
import { readParams, resultValue, type CallOutcome, type SoapParams } from './codec.js';
import { computeDigest, digestMatches, type ParamValue } from './digest.js';
import { INTERFACES, type InterfaceCode } from './spec.js';
import { checkPasswordRule, normalizeIp, type UserRow, type UserStore } from './users.js';

/** A business refusal: answered as the failure text (string interfaces) or Null (DataSet interfaces). */
export class XnhRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XnhRefusal';
  }
}

export interface ServiceCall {
  code: InterfaceCode;
  /** values by printed parameter name */
  values: Record<string, ParamValue | undefined>;
  hospital: string;
  user: UserRow;
  remoteAddress: string;
}

/** A business function: the outcome, or throws XnhRefusal (any YibaoError is a refusal too). */
export type Business = (call: ServiceCall) => Promise<CallOutcome> | CallOutcome;

export interface LiuzhouServiceOptions {
  core: Core;
  config: LiuzhouConfig;
  users: UserStore;
  /** hospital role: the provider's own 医院代码 (checked when sent; used for zysjcxjk, which has none) */
  hospitalCode?: string;
  /** the interfaces served with their business function (the user trio needs none: built in) */
  interfaces: Partial<Record<InterfaceCode, Business | 'builtin'>>;
  /** new users via Yhzjjk are active at once (default false: pending until authorised by the provider) */
  autoAuthorize?: boolean;
  /** one line per call (no personal data: user names and interface codes only) */
  log?: (line: string) => void;
  /** extra (non-protocol) SOAP methods, e.g. the sandbox's window */
  extra?: Record<string, SoapHandler>;
}

function reasonOf(e: unknown): string | null {
  if (e instanceof XnhRefusal) return e.message;
  if (e instanceof YibaoError) return e.detail ?? e.messageZh;
  if (e instanceof Error && e.name === 'CenterRefusal') return e.message;
  return null;
}

/** A reason as logged: ID / card numbers and bracketed person names masked (host-node/src/mask.ts). */
export function maskReason(text: string): string {
  return text
    .replace(/(参保人|参合人员|姓名|患者)【([^】]*)】/g, (_m, a: string, n: string) => `${a}【${/^\d/.test(n) ? maskId(n) : maskName(n)}】`)
    .replace(/\d{9,17}[\dXx]/g, (d) => maskId(d));
}

const fail = (code: InterfaceCode, reason: string): CallOutcome => (INTERFACES[code].returns.kind === 'string' ? { kind: 'string', text: reason || '失败' } : { kind: 'dataset', dataset: null });

/** The SOAP handlers (method name → handler) of the served interfaces. */
export function liuzhouHandlers(o: LiuzhouServiceOptions): Record<string, SoapHandler> {
  const c = o.config;
  const handlers: Record<string, SoapHandler> = { ...o.extra };
  for (const [code, biz] of Object.entries(o.interfaces) as [InterfaceCode, Business | 'builtin'][]) {
    if (code === 'zyjstfjk' && !c.jInterface.enabled) continue;
    handlers[methodName(c, code)] = async (params, ctx) => {
      const outcome = await serve(o, code, biz, params as SoapParams, ctx.remoteAddress);
      return resultValue(outcome);
    };
  }
  return handlers;
}

async function serve(o: LiuzhouServiceOptions, code: InterfaceCode, biz: Business | 'builtin', params: SoapParams, remoteAddress: string): Promise<CallOutcome> {
  const c = o.config;
  const spec = INTERFACES[code];
  let who = '';
  try {
    const values = readParams(c, code, params);
    const str = (k: string): string => {
      const v = values[k];
      return typeof v === 'string' ? v : '';
    };
    const sent = str('医院代码');
    if (o.hospitalCode !== undefined && spec.params.some((p) => p.zh === '医院代码') && sent !== o.hospitalCode) {
      throw YibaoError.host('XNH_AUTH', `医院代码【${sent}】与服务提供方不符`);
    }
    const hospital = o.hospitalCode ?? sent;
    if (!hospital) throw YibaoError.host('XNH_AUTH', '医院代码不能为空');
    if (c.digest.enabled) {
      let expected: string;
      try {
        expected = computeDigest(o.core, c, code, values);
      } catch (e) {
        throw YibaoError.host('XNH_DIGEST', `消息摘要无法计算：${(e as YibaoError).detail ?? (e as Error).message}`);
      }
      if (!digestMatches(expected, str('消息摘要'))) throw YibaoError.host('XNH_DIGEST', '消息摘要校验失败，数据可能被篡改');
    }
    const [userKey, passKey] = code === 'Yhzjjk' || code === 'Yhscjk' ? ['发起用户', '发起用户口令'] : code === 'yhklxgjk' ? ['用户', '原口令'] : ['用户', '口令'];
    who = str(userKey);
    const user = o.users.authenticate({ hospital, name: who, password: str(passKey), remoteAddress, letter: letterFor(c, code) });
    const call: ServiceCall = { code, values, hospital, user, remoteAddress };
    const out = biz === 'builtin' ? builtin(o, call, str) : await biz(call);
    o.log?.(`${code} ${who} ${normalizeIp(remoteAddress)}: ${out.kind === 'string' ? (out.text ? `失败 ${out.text}` : '成功') : out.dataset ? 'DataSet' : 'Null'}`);
    return out;
  } catch (e) {
    const reason = reasonOf(e);
    if (reason === null) {
      o.log?.(`${code} ${who} ${normalizeIp(remoteAddress)}: 服务内部错误 ${(e as Error).message}`);
      throw new SoapFaultError('Server', `服务内部错误 / internal error in ${code}`);
    }
    o.log?.(`${code} ${who} ${normalizeIp(remoteAddress)}: 拒绝 ${maskReason(reason)}`);
    return fail(code, reason);
  }
}

function builtin(o: LiuzhouServiceOptions, call: ServiceCall, str: (k: string) => string): CallOutcome {
  const ok: CallOutcome = { kind: 'string', text: '' };
  switch (call.code) {
    case 'yhklxgjk': {
      const bad = checkPasswordRule(o.config.passwordRule, str('原口令'), str('新口令'));
      if (bad) throw new XnhRefusal(bad);
      o.users.setPassword(call.hospital, call.user.name, str('新口令'));
      return ok;
    }
    case 'Yhzjjk': {
      const bad = checkPasswordRule(o.config.passwordRule, '', str('新增用户口令'));
      if (bad) throw new XnhRefusal(bad.replace('新口令', '新增用户口令'));
      o.users.add({
        hospital: call.hospital, name: str('新增用户'), password: str('新增用户口令'), ips: str('允许访问IP地址'), letters: str('访问权限'),
        status: o.autoAuthorize ? 'active' : 'pending', created_by: call.user.name,
      });
      return ok;
    }
    case 'Yhscjk': {
      const target = str('删除用户');
      if (target === call.user.name) throw new XnhRefusal('不能删除发起用户自己');
      o.users.delete(call.hospital, target);
      return ok;
    }
    default:
      throw new XnhRefusal(`${call.code} 没有实现`);
  }
}

export interface LiuzhouService {
  url: string;
  close(): Promise<void>;
}

/** Serves the interfaces over SOAP (transport-soap's server) at `path`, with a server-level IP allow-list. */
export async function startLiuzhouService(o: LiuzhouServiceOptions & { path: string; host?: string; port?: number; allowIps?: string[]; maxBody?: number }): Promise<LiuzhouService> {
  const srv = await startSoapServer(o.core, {
    ns: o.config.soap.ns, path: o.path, host: o.host ?? '127.0.0.1', port: o.port ?? 0, allowIps: o.allowIps, handlers: liuzhouHandlers(o), maxBody: o.maxBody,
  });
  return { url: srv.url, close: () => srv.close() };
}

