/** @module chengdu-slist — 成都 医保结算清单数据采集 E1001–E1004 (WebService; one message string in, one out). */
import type { Plugin, PluginFactory, PluginOptions, Reply } from '../contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { cdSlistCredentialsFromEnv, type CdSlistCredentials } from './client.js';
import { decodeResponse, encodeRequest, listToBody, type XmlFields } from './codec.js';
import { CD_SLIST_DEFAULTS, CHENGDU_SLIST_MANIFEST, cdSlistTransactions, type CdSlistConfig, type CdSlistTx } from './manifest.js';

/**
 * The plugin (contract.ts) for a configuration. `encode(code, input, ctx)` builds the request message (the SOAP
 * method's string parameter): input `{serial?, body?, list?, credentials?}` — for E1002 `list` (a 4101 input)
 * becomes the body; credentials default to YIBAO_CDSLIST_USER / YIBAO_CDSLIST_PASSWORD. `decode(xml)` reads a
 * response message: infcode 0 when the head's result code is the success code, else -1 with the center's
 * message; output {tradecode, code, message, serial, body}. The client (client.ts) drives the cycle.
 */
export function chengduSlistPlugin(options: PluginOptions, cfg: CdSlistConfig = CD_SLIST_DEFAULTS): Plugin {
  const m = {
    ...CHENGDU_SLIST_MANIFEST,
    transactions: cdSlistTransactions(cfg),
    transport: { ...CHENGDU_SLIST_MANIFEST.transport, path: cfg.soap.path, ...options.overrides?.transport },
    quirks: { ...CHENGDU_SLIST_MANIFEST.quirks, ...options.overrides?.quirks },
  };
  const txOf = (code: string) => (Object.keys(cfg.codes) as CdSlistTx[]).find((k) => cfg.codes[k] === code);
  return {
    manifest: m,
    encode(code, input, ctx) {
      const tx = txOf(code);
      if (!tx) throw YibaoError.host('NOT_SUPPORTED', `chengdu-slist: transaction ${code}`);
      const i = (input ?? {}) as { serial?: string; body?: XmlFields; list?: Record<string, unknown>; credentials?: CdSlistCredentials };
      const cred = i.credentials ?? cdSlistCredentialsFromEnv();
      if (!cred) throw YibaoError.host('TRANSPORT_CONFIG', 'chengdu-slist: user / password missing (YIBAO_CDSLIST_USER / YIBAO_CDSLIST_PASSWORD)');
      const body = tx === 'report' && i.list ? listToBody(cfg, i.list) : (i.body ?? {});
      const xml = encodeRequest(options.core, cfg, {
        tradecode: code, fixmedins_code: ctx.institution.fixmedins_code, user: cred.user, password: cred.password, serial: i.serial ?? '', msgid: ctx.msgid, time: ctx.infTime, body,
      });
      return { infno: code, msgid: ctx.msgid, body: xml, headers: { 'content-type': m.transport.contentType } };
    },
    decode(body): Reply {
      const xml = typeof body === 'string' ? body : new TextDecoder().decode(body);
      const r = decodeResponse(options.core, cfg, xml);
      const ok = r.code === cfg.success;
      const output = { tradecode: r.tradecode, code: r.code, message: r.message, serial: r.serial, body: r.body };
      return { infcode: ok ? 0 : -1, err_msg: ok ? '' : r.message, warn_msg: '', inf_refmsgid: r.msgid, refmsg_time: '', respond_time: '', output, raw: output };
    },
    infnoFor(op, hint) {
      if (hint && m.transactions[hint]) return hint;
      if (op === 'settlementList') return cfg.codes.report;
      if (op === 'regional' && hint && (hint in cfg.codes)) return cfg.codes[hint as CdSlistTx];
      throw YibaoError.host('NOT_SUPPORTED', `chengdu-slist: ${op}${hint ? ` (${hint})` : ''}`);
    },
  };
}

export const createChengduSlistPlugin: PluginFactory = (options) => chengduSlistPlugin(options);

export { CHENGDU_SLIST_MANIFEST, CD_SLIST_DEFAULTS, cdSlistConfig, cdSlistTransactions, type CdSlistConfig, type CdSlistConfigOverrides, type CdSlistTx } from './manifest.js';
export { encodeRequest, decodeRequest, encodeResponse, decodeResponse, listToBody, bodyToList, readCheckResult, checkResultBody, LIST_SECTIONS, type CdRequest, type CdResponse, type CdFinding } from './codec.js';
export { ChengduSlistClient, createChengduSlistClient, cdSlistCredentialsFromEnv, type ChengduSlistClientOptions, type CdSlistCredentials, type CdCheckResult, type PollOptions } from './client.js';
