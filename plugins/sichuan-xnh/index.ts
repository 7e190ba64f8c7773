/** @module sichuan-xnh — 四川省新型农村合作医疗信息系统 HIS接口规范 V3.0 (ASMX web service, typed C# methods). */
import type { CanonicalOp, Plugin, PluginFactory, Reply } from '../contract.js';
import type { SoapValue } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { XnhCodec } from './codec.js';
import { SICHUAN_XNH_MANIFEST, XNH_CANONICAL_ALIASES, xnhConfig, type XnhConfig, type XnhManifest } from './manifest.js';

/** SOAPAction of a method by the configured template (ASMX: namespace + method). */
export function soapAction(cfg: XnhConfig, method: string): string {
  const svc = cfg.services[cfg.functions[method]?.service ?? 'main'];
  return cfg.soapAction.replace('{ns}', svc.ns).replace('{method}', method);
}

/**
 * The plugin (contract.ts): `encode(fn, args)` builds the SOAP request of one function (infno = the function
 * name, input = its parameters by name) with the core's envelope codec (op 33); `decode(body)` reads a
 * response envelope (op 34): `output.result` is the typed `<fn>Result`, `infcode` -1 when it carries
 * Flag=false or the envelope is a Fault. The client (client.ts) uses the SOAP transport instead.
 * `overrides.quirks` is not used for configuration: pass `xnh` through `createSichuanXnhPluginWith`.
 */
export const createSichuanXnhPlugin: PluginFactory = (options) => createSichuanXnhPluginWith({ ...options });

export function createSichuanXnhPluginWith(options: Parameters<PluginFactory>[0] & { xnh?: Partial<XnhConfig> }): Plugin & { manifest: XnhManifest; codec: XnhCodec } {
  const cfg = xnhConfig(options.xnh);
  const m: XnhManifest = {
    ...SICHUAN_XNH_MANIFEST,
    transport: { ...SICHUAN_XNH_MANIFEST.transport, ...options.overrides?.transport },
    quirks: { ...SICHUAN_XNH_MANIFEST.quirks, ...options.overrides?.quirks },
    xnh: cfg,
  };
  const codec = new XnhCodec(cfg);
  const core = options.core;
  const byOp = new Map<CanonicalOp, string>();
  for (const [fn, t] of Object.entries(m.transactions)) if (!byOp.has(t.op)) byOp.set(t.op, fn);
  return {
    manifest: m,
    codec,
    encode(infno, input, ctx) {
      const fn = codec.fn(infno);
      const svc = cfg.services[fn.service];
      const value = codec.encodeParams(infno, (input ?? {}) as Record<string, unknown>);
      const body = new TextDecoder().decode(core.soap.encode({ version: svc.version, ns: svc.ns, name: infno, value }));
      const headers: Record<string, string> =
        svc.version === '1.1'
          ? { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${soapAction(cfg, infno)}"` }
          : { 'content-type': `application/soap+xml; charset=utf-8; action="${soapAction(cfg, infno)}"` };
      return { infno, msgid: ctx.msgid, body, headers };
    },
    decode(body): Reply {
      const msg = core.soap.decode(body);
      if (msg.fault) {
        return { infcode: -1, err_msg: `${msg.fault.code}: ${msg.fault.reason}`, warn_msg: '', inf_refmsgid: '', refmsg_time: '', respond_time: '', output: { fault: msg.fault }, raw: { ...msg } };
      }
      const name = msg.name ?? '';
      if (!name.endsWith('Response')) throw YibaoError.host('BAD_REPLY', `sichuan-xnh: body element <${name}> is not a <method>Response`);
      const fnName = name.slice(0, -'Response'.length);
      const resultEl = msg.value?.[`${fnName}Result`];
      if (Array.isArray(resultEl)) throw YibaoError.host('BAD_REPLY', `sichuan-xnh: ${fnName}Result repeated`);
      const result = codec.decodeResult(fnName, resultEl as SoapValue | undefined);
      const flag = result && typeof result === 'object' && 'Flag' in result ? (result as { Flag: unknown }).Flag : true;
      const message = result && typeof result === 'object' && 'Message' in result ? String((result as { Message: unknown }).Message ?? '') : '';
      return { infcode: flag === false ? -1 : 0, err_msg: flag === false ? message : '', warn_msg: '', inf_refmsgid: '', refmsg_time: '', respond_time: '', output: { function: fnName, result }, raw: { ...msg } };
    },
    infnoFor(op, hint) {
      if (hint && m.transactions[hint]) return hint;
      const fn = byOp.get(op) ?? XNH_CANONICAL_ALIASES[op];
      if (!fn) throw YibaoError.host('NOT_SUPPORTED', `sichuan-xnh: ${op}`);
      return fn;
    },
  };
}

export { SICHUAN_XNH_MANIFEST, XNH_TRANSACTIONS, XNH_CANONICAL_ALIASES, XNH_DEFAULT_CONFIG, xnhConfig, type XnhConfig, type XnhManifest } from './manifest.js';
export { XNH_FUNCTIONS, XNH_CLASSES, XNH_CLASS_NAMES_FROM_SPEC } from './spec.js';
export { XnhCodec, xsDateTime } from './codec.js';
