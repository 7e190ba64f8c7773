/** @module chongqing — 重庆市金保工程 统一标准社保接口 V1.02 (SiInterface.dll, `|` fields, `$` records). */
import type { CanonicalOp, Plugin, PluginFactory, Reply } from '../contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { requestRecords, decodeRecords, type Named } from './codec.js';
import { CANONICAL_ALIASES, CHONGQING_MANIFEST } from './manifest.js';

/**
 * The plugin (contract.ts): `encode` builds the pipe text of a transaction from named fields
 * (`{fields, items}`) or positional ones (`{raw: [...]}`); `decode` reads a reply generically (执行代码,
 * message, records) — the layout depends on the transaction, so named replies come from
 * `decodeReply(core, code, bytes)` (codec.ts), which the client uses.
 */
export const createChongqingPlugin: PluginFactory = (options) => {
  const m = {
    ...CHONGQING_MANIFEST,
    transport: { ...CHONGQING_MANIFEST.transport, ...options.overrides?.transport },
    quirks: { ...CHONGQING_MANIFEST.quirks, ...options.overrides?.quirks },
  };
  const byOp = new Map<CanonicalOp, string>();
  for (const [code, t] of Object.entries(m.transactions)) if (!byOp.has(t.op)) byOp.set(t.op, code);
  const plugin: Plugin = {
    manifest: m,
    encode(infno, input, ctx) {
      if (!m.transactions[infno]) throw YibaoError.host('NOT_SUPPORTED', `chongqing: transaction ${infno}`);
      const i = (input ?? {}) as { fields?: Named; items?: Named[]; raw?: string[] };
      const records = i.raw ? [[infno, ...i.raw.map(String)]] : requestRecords(infno, i.fields ?? {}, i.items ?? []);
      return { infno, msgid: ctx.msgid, body: records.map((r) => r.join('|')).join('$'), headers: { 'content-type': m.transport.contentType } };
    },
    decode(body): Reply {
      const bytes = typeof body === 'string' ? options.core.gbk.encode(body) : body;
      const end = bytes.indexOf(0);
      const records = options.core.codec.pipe.parse(end >= 0 ? bytes.subarray(0, end) : bytes);
      const exec = records[0]?.[0] ?? '';
      return {
        infcode: exec === '1' ? 0 : -1, err_msg: exec === '1' ? '' : (records[0] ?? []).slice(1).join('|'), warn_msg: '', inf_refmsgid: '', refmsg_time: '', respond_time: '',
        output: { records }, raw: { records },
      };
    },
    infnoFor(op, hint) {
      if (hint && m.transactions[hint]) return hint;
      const code = byOp.get(op) ?? CANONICAL_ALIASES[op];
      if (!code) throw YibaoError.host('NOT_SUPPORTED', `chongqing: ${op}`);
      return code;
    },
  };
  return plugin;
};

/** Named decoding of a reply of transaction `code` (throws BAD_REPLY on a short successful reply). */
export function decodeNamed(code: string, records: string[][]) {
  return decodeRecords(code, records);
}

export { CHONGQING_MANIFEST, CHONGQING_TRANSACTIONS, CANONICAL_ALIASES } from './manifest.js';
export { TRANSACTIONS as CHONGQING_SPEC } from './spec.js';
export { encodeRequest, decodeReply, requestRecords, replyRecords } from './codec.js';
export { ChongqingClient, createChongqingClient, type ChongqingClientOptions } from './client.js';
export { SI_FUNCTIONS, SI_OUTBUF, bridgeSiInterface, type SiInterface } from './transport.js';
