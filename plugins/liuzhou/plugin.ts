// The Liuzhou plugin factory (kept apart from the client and services so that the registry stays light).
import type { CanonicalOp, Plugin, PluginOptions, Reply } from '../contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { resolveConfig, type LiuzhouConfigInput } from './config.js';
import { interfaceOf, readResult, requestMessage } from './codec.js';
import type { ParamValue } from './digest.js';
import { LIUZHOU_MANIFEST } from './manifest.js';
import { INTERFACES, type InterfaceCode } from './spec.js';

/**
 * The plugin (contract.ts): `encode(code, {values})` builds the SOAP request of an interface from values
 * named by their printed Chinese names (DataSets as DataSetJson; the 消息摘要 is computed unless given);
 * `decode(body)` reads a reply envelope by the interface's convention: infcode 0 for 空 / a DataSet, -1 for
 * a failure text / Null / a Fault, with `output.result` = {kind, text | dataset}. The client (client.ts)
 * talks through transport-soap and needs neither; they serve tools, tests and other hosts.
 */
export function createLiuzhouPlugin(options: PluginOptions & { config?: LiuzhouConfigInput }): Plugin {
  const config = resolveConfig(options.config);
  const core = options.core;
  const m = {
    ...LIUZHOU_MANIFEST,
    transport: { ...LIUZHOU_MANIFEST.transport, ...options.overrides?.transport },
    quirks: { ...LIUZHOU_MANIFEST.quirks, ...options.overrides?.quirks },
  };
  const byOp = new Map<CanonicalOp, string>();
  for (const [code, t] of Object.entries(m.transactions)) if (!byOp.has(t.op)) byOp.set(t.op, code);
  return {
    manifest: m,
    encode(infno, input, ctx) {
      if (!(infno in INTERFACES)) throw YibaoError.host('NOT_SUPPORTED', `liuzhou: interface ${infno}`);
      const i = (input ?? {}) as { values?: Record<string, ParamValue | undefined> };
      const { message, action } = requestMessage(core, config, infno as InterfaceCode, i.values ?? {});
      const body = new TextDecoder().decode(core.soap.encode(message));
      const headers: Record<string, string> = config.soap.version === '1.1'
        ? { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${action}"` }
        : { 'content-type': `application/soap+xml; charset=utf-8; action="${action}"` };
      return { infno, msgid: ctx.msgid, body, headers };
    },
    decode(body): Reply {
      const msg = core.soap.decode(body);
      const base = { warn_msg: '', inf_refmsgid: '', refmsg_time: '', respond_time: '', raw: msg as unknown as Record<string, unknown> };
      if (msg.fault) return { ...base, infcode: -1, err_msg: `${msg.fault.code}: ${msg.fault.reason}`, output: { fault: msg.fault } };
      const method = (msg.name ?? '').replace(/Response$/, '');
      const code = interfaceOf(config, method);
      if (!code) throw YibaoError.host('BAD_REPLY', `liuzhou: reply element ${msg.name ?? '(none)'} is not a known interface's Response`);
      const resultKey = Object.keys(msg.value ?? {}).find((k) => k.toLowerCase() === `${method}Result`.toLowerCase());
      const result = resultKey ? msg.value![resultKey] : undefined;
      if (Array.isArray(result)) throw YibaoError.host('BAD_REPLY', `liuzhou: ${method}Result repeated`);
      const out = readResult(INTERFACES[code], result);
      const ok = out.kind === 'string' ? out.text === '' : out.dataset !== null;
      return { ...base, infcode: ok ? 0 : -1, err_msg: out.kind === 'string' ? out.text : ok ? '' : 'Null', output: { interface: code, result: out } };
    },
    infnoFor(op, hint) {
      if (hint && m.transactions[hint]) return hint;
      const code = byOp.get(op);
      if (!code) throw YibaoError.host('NOT_SUPPORTED', `liuzhou: ${op}`);
      return code;
    },
  };
}
