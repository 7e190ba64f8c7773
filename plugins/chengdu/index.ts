/**
 * @module chengdu — 成都 银海 5.0 (`yinhai-xml` family). The plugin contract's encode/decode describe one
 * `yh_interface_call` as JSON so generic tools can log and replay it; the real work goes through
 * ChengduClient (client.ts) over a legacy-com-bridge to the vendor DLL (or the emulator in sandbox).
 *
 * WireRequest.body = {"jybh","jykz_xml","jysr_xml"} (XML text, GBK-declared; the bridge GBK-encodes it);
 * decode() takes {"appcode","appmsg","pcbh","jylsh","jyyzm","jysc_xml"} (jysc_xml as text, or
 * jysc_xml_base64 for the raw GBK bytes) and gives infcode 0 when aint_appcode >= 0.
 */
import type { CanonicalOp, Plugin, PluginFactory, PluginManifest, PluginOptions, Reply } from '../contract.js';
import type { Core } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { CHENGDU_EDITION_TRANSACTIONS, CHENGDU_MANIFEST } from './manifest.js';
import { decodeDoc, printXml, type XmlObject, type XmlValue } from './codec.js';

function merge(base: PluginManifest, o: PluginOptions['overrides']): PluginManifest {
  if (!o) return base;
  return { ...base, envelope: { ...base.envelope, ...o.envelope }, transport: { ...base.transport, ...o.transport }, capabilities: { ...base.capabilities, ...o.capabilities }, quirks: { ...base.quirks, ...o.quirks } };
}

/** The control XML of a call: the given fields plus `<edition>5.0</edition>` where the 5.0 spec wants it. */
export function controlFor(jybh: string, control: XmlObject = {}): XmlObject {
  const c: XmlObject = { ...control };
  if (CHENGDU_EDITION_TRANSACTIONS.has(jybh) && c.edition === undefined) c.edition = '5.0';
  return c;
}

/** GBK bytes of the control and input XML of one call. */
export function encodeCall(core: Core, jybh: string, control: XmlObject = {}, data: XmlValue = {}): { jykz: Uint8Array; jysr: Uint8Array } {
  if (!/^[0-9A-Za-z]{2,5}$/.test(jybh)) throw YibaoError.host('BAD_INPUT', `jybh ${jybh}`);
  return { jykz: printXml(core, 'control', controlFor(jybh, control)), jysr: printXml(core, 'data', data) };
}

export function chengduPlugin(manifest: PluginManifest, options: PluginOptions): Plugin {
  const m = merge(manifest, options.overrides);
  const core = options.core;
  const byOp = new Map<CanonicalOp, string[]>();
  for (const [jybh, t] of Object.entries(m.transactions)) byOp.set(t.op, [...(byOp.get(t.op) ?? []), jybh]);
  return {
    manifest: m,
    encode(infno, input, ctx) {
      const i = (input ?? {}) as { control?: XmlObject; data?: XmlValue };
      const { jykz, jysr } = encodeCall(core, infno, i.control ?? {}, i.data ?? {});
      return { infno, msgid: ctx.msgid, body: JSON.stringify({ jybh: infno, jykz_xml: core.gbk.decode(jykz), jysr_xml: core.gbk.decode(jysr) }), headers: { 'content-type': m.transport.contentType } };
    },
    decode(body): Reply {
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body)) as Record<string, unknown>;
      } catch (e) {
        throw YibaoError.host('BAD_REPLY', `chengdu reply is not JSON: ${(e as Error).message}`, e);
      }
      const appcode = Number(o.appcode);
      if (!Number.isInteger(appcode)) throw YibaoError.host('BAD_REPLY', 'chengdu reply has no integer appcode');
      const xml = typeof o.jysc_xml_base64 === 'string' ? new Uint8Array(Buffer.from(o.jysc_xml_base64, 'base64')) : String(o.jysc_xml ?? '');
      const output = (xml.length ? decodeDoc(core, typeof xml === 'string' ? new TextEncoder().encode(xml.replace(/encoding\s*=\s*["'][^"']*["']/i, 'encoding="UTF-8"')) : xml).value : {}) as Record<string, unknown>;
      return {
        infcode: appcode >= 0 ? 0 : appcode,
        err_msg: appcode >= 0 ? '' : String(o.appmsg ?? ''),
        warn_msg: appcode >= 0 ? String(o.appmsg ?? '') : '',
        inf_refmsgid: String(o.jylsh ?? ''),
        refmsg_time: '',
        respond_time: '',
        output: typeof output === 'object' && output ? output : {},
        raw: o,
      };
    },
    infnoFor(op, hint) {
      const list = byOp.get(op);
      if (!list || list.length === 0) throw YibaoError.host('NOT_SUPPORTED', `${m.id}: ${op}`);
      if (hint && list.includes(hint)) return hint;
      return list[0];
    },
  };
}

/** 成都 银海 5.0. */
export const createChengduPlugin: PluginFactory = (options) => chengduPlugin(CHENGDU_MANIFEST, options);

export { CHENGDU_MANIFEST, CHENGDU_TRANSACTIONS, CHENGDU_TWO_PHASE, CHENGDU_SANDBOX_POLICY, YINHAI_PROTOTYPES, YINHAI_BUFFERS } from './manifest.js';
export { parseXml, printXml, decodeDoc, encodeDoc, toCanonical, fromCanonical, AMOUNT_FIELDS } from './codec.js';
export type { XmlValue, XmlObject, YinhaiDoc } from './codec.js';
