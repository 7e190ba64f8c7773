// The Liuzhou sandbox: the simulated 新农合 center serving every 农合-provided interface over real SOAP on
// loopback (same checks as a real provider: users with salted hashes in SQLite, IP binding, A–J letters,
// 消息摘要), plus one sandbox-only method, `yibaoSandboxZybc` (the 农合 window: pull the admission from the
// hospital's zysjcxjk and compute its 补偿), which is NOT part of the Liuzhou protocol.
// `yibao sandbox --region liuzhou` runs this. With `faults: true` (tests) the shared fault-injecting HTTP front
// (plugins/soap-sandbox-front.ts) listens instead and relays to the service on another loopback port, so a
// test can drop a reply after the center committed (`fault({kind: 'drop', method: 'mzjsjk'})`).
import { randomBytes } from 'node:crypto';
import type { Core } from '../../../host-node/src/contract.js';
import { createCore } from '../../../host-node/src/core.js';
import { YibaoError } from '../../../host-node/src/errors.js';
import { yuanToFen } from '../../../host-node/src/money.js';
import { createSoapClient, type SoapHandler } from '../../../host-node/src/transport-soap.js';
import { startSoapSandboxFront, type FrontReplyFault } from '../../soap-sandbox-front.js';
import type { CompensationSource } from '../client.js';
import { resolveConfig, type LiuzhouConfig, type LiuzhouConfigInput } from '../config.js';
import { startLiuzhouService, XnhRefusal } from '../service.js';
import { LETTERS, type PermissionLetter } from '../spec.js';
import { UserStore } from '../users.js';
import { LiuzhouCenter } from './center.js';

export const SANDBOX_HOSPITAL_CODE = '450202001';
export const SANDBOX_SERVICE_PATH = '/XnhService.asmx';
export const WINDOW_METHOD = 'yibaoSandboxZybc';

export interface LiuzhouSandboxOptions {
  core?: Core;
  /** the deployment configuration both sides use (default: the documented defaults, J interface enabled) */
  config?: LiuzhouConfigInput;
  host?: string;
  port?: number;
  /** server-level allow-list (default: any) */
  allowIps?: string[];
  /** SQLite file of the user store (default: in memory) */
  usersPath?: string;
  /** the seeded hospital user: code, name, password (default: 450202001 / his01 / a random password), letters, addresses */
  hospitalCode?: string;
  user?: string;
  password?: string;
  letters?: PermissionLetter[];
  ips?: string[];
  log?: (line: string) => void;
  now?: () => Date;
  /**
   * tests: listen with the fault-injecting HTTP front (see fault()); the service then sees every caller as the
   * front's loopback address, so address checks (allowIps, 允许访问IP地址) only see 127.0.0.1
   */
  faults?: boolean;
}

/**
 * A wire fault (sandboxes started with `faults: true`), applied by the front once the center answered: `drop`
 * = the center did the work, the connection is closed without a reply; `malformed` = half the body; `http-500`
 * = a plain HTTP 500. `method` limits it to one SOAP method (default names: the interface codes); `times`
 * (default 1) how often it fires.
 */
export interface LiuzhouFaultSpec {
  kind: 'drop' | 'malformed' | 'http-500';
  method?: string;
  times?: number;
}

export interface LiuzhouSandbox {
  /** the service URL (…/XnhService.asmx) */
  url: string;
  center: LiuzhouCenter;
  users: UserStore;
  config: LiuzhouConfig;
  hospitalCode: string;
  user: string;
  password: string;
  /** injects a wire fault (only with `faults: true`) */
  fault(f: LiuzhouFaultSpec): void;
  close(): Promise<void>;
}

/** A password meeting the default 口令强度 (letters and digits), random per start. */
export function randomPassword(): string {
  return `Lz${randomBytes(9).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}9`;
}

export async function startLiuzhouSandbox(o: LiuzhouSandboxOptions = {}): Promise<LiuzhouSandbox> {
  const core = o.core ?? createCore();
  const config = resolveConfig({ ...o.config, jInterface: { enabled: true, ...o.config?.jInterface } });
  const users = new UserStore({ core, path: o.usersPath, now: o.now });
  const hospitalCode = o.hospitalCode ?? SANDBOX_HOSPITAL_CODE;
  const user = o.user ?? 'his01';
  const password = o.password ?? randomPassword();
  if (!users.get(hospitalCode, user)) {
    users.add({ hospital: hospitalCode, name: user, password, ips: o.ips ?? ['127.0.0.1', '::1'], letters: o.letters ?? LETTERS, status: 'active', created_by: 'sandbox' });
  }
  const center = new LiuzhouCenter({ core, config, now: o.now, log: o.log });
  const window: SoapHandler = async (params, ctx) => {
    const s = (k: string): string => (typeof params[k] === 'string' ? (params[k] as string) : '');
    try {
      users.authenticate({ hospital: s('yydm'), name: s('yh'), password: s('kl'), remoteAddress: ctx.remoteAddress, letter: 'I' });
      const r = await center.window({ url: s('yyfwdz'), user: s('yyfwyh'), password: s('yyfwkl'), hospitalCode: s('yydm') }, s('zybh'));
      return JSON.stringify({ ok: true, ...r });
    } catch (e) {
      const reason = e instanceof XnhRefusal ? e.message : e instanceof YibaoError ? `${e.code} ${e.detail ?? e.messageZh}` : (e as Error).message;
      return JSON.stringify({ ok: false, reason });
    }
  };
  const svc = await startLiuzhouService({
    core, config, users, log: o.log, path: SANDBOX_SERVICE_PATH, host: o.faults ? '127.0.0.1' : (o.host ?? '127.0.0.1'), port: o.faults ? 0 : (o.port ?? 0), allowIps: o.allowIps,
    interfaces: {
      yhklxgjk: 'builtin', Yhzjjk: 'builtin', Yhscjk: 'builtin', ypmljk: center.ypmljk, zlmljk: center.zlmljk, chryxxjk: center.chryxxjk,
      mzjsjk: center.mzjsjk, mzjstfjk: center.mzjstfjk, zydjjk: center.zydjjk, zyjsjk: center.zyjsjk, zyjstfjk: center.zyjstfjk,
    },
    extra: { [WINDOW_METHOD]: window },
  });
  const faults: (LiuzhouFaultSpec & { left: number })[] = [];
  let url = svc.url;
  let front: Awaited<ReturnType<typeof startSoapSandboxFront>> | undefined;
  if (o.faults) {
    const take = (method: string): LiuzhouFaultSpec | undefined => {
      const i = faults.findIndex((f) => !f.method || f.method === method);
      if (i < 0) return undefined;
      const f = faults[i]!;
      if (--f.left <= 0) faults.splice(i, 1);
      return f;
    };
    front = await startSoapSandboxFront({
      host: o.host ?? '127.0.0.1', port: o.port ?? 0, route: { [SANDBOX_SERVICE_PATH]: new URL(svc.url).origin }, log: o.log,
      decide: ({ method }) => ({
        reply: (): FrontReplyFault | undefined => {
          const f = take(method);
          if (f?.kind === 'drop') return { kind: 'drop', note: `${method}: reply dropped (fault)` };
          if (f?.kind === 'malformed') return { kind: 'malformed' };
          if (f?.kind === 'http-500') return { kind: 'status', status: 500, body: 'Internal Server Error', contentType: 'text/plain' };
          return undefined;
        },
      }),
    });
    url = front.url + SANDBOX_SERVICE_PATH;
  }
  return {
    url, center, users, config, hospitalCode, user, password,
    fault: (f) => {
      if (!front) throw YibaoError.host('BAD_INPUT', 'liuzhou sandbox: wire faults need startLiuzhouSandbox({faults: true})');
      faults.push({ ...f, left: f.times ?? 1 });
    },
    close: async () => {
      await front?.close();
      await svc.close();
      users.close();
    },
  };
}

/**
 * The compensation source of a sandbox: asks the sandbox's window (`yibaoSandboxZybc`) to pull the admission
 * from the hospital's service (`hisService`, hosted by startLiuzhouHisService) and compute its 补偿.
 */
export function sandboxCompensation(o: { core: Core; config: LiuzhouConfig; url: string; hospitalCode: string; user: string; password: string; hisService: { url: string; user: string; password: string } }): CompensationSource {
  const soap = createSoapClient(o.core, { url: o.url, version: o.config.soap.version, ns: o.config.soap.ns, timeoutMs: o.config.soap.timeoutMs });
  return async (q) => {
    const r = await soap.call(WINDOW_METHOD, {
      yydm: o.hospitalCode, yh: o.user, kl: o.password, zybh: q.ipt_no, yyfwdz: o.hisService.url, yyfwyh: o.hisService.user, yyfwkl: o.hisService.password,
    });
    if (typeof r.result !== 'string') throw YibaoError.host('BAD_REPLY', `${WINDOW_METHOD}: text expected`);
    const j = JSON.parse(r.result) as { ok: boolean; reason?: string; total: string; comp: string; self: string; dedc: string; inscp: string; ful: string };
    if (!j.ok) throw YibaoError.host('XNH_REFUSED', `${WINDOW_METHOD} (沙箱农合窗口): ${j.reason}`);
    return {
      total_fen: yuanToFen(j.total, 'total'), comp_fen: yuanToFen(j.comp, 'comp'), self_fen: yuanToFen(j.self, 'self'),
      dedc_fen: yuanToFen(j.dedc, 'dedc'), inscp_fen: yuanToFen(j.inscp, 'inscp'), ful_fen: yuanToFen(j.ful, 'ful'),
    };
  };
}

export { LiuzhouCenter, sandboxCardNo, type PulledAdmission } from './center.js';
