// The one error class of the hosts, shared with host-node: the same codes and statuses on both sides
// of the Worker (the Worker sends the error JSON, the page rebuilds the YibaoError from it).
import type { CoreErrorJson } from './contract.js';
import { YibaoError } from '../../host-node/src/errors.js';

export { YibaoError, HOST_ERRORS } from '../../host-node/src/errors.js';
export type { HostErrorCode } from '../../host-node/src/errors.js';

/** The JSON that crosses the Worker boundary for an error (the core's error JSON shape). */
export function errorJson(e: unknown): CoreErrorJson {
  if (e instanceof YibaoError) {
    const j: CoreErrorJson = { status: e.status, code: e.code, message_zh: e.messageZh, message_en: e.messageEn };
    if (e.detail !== undefined) j.detail = e.detail;
    if (e.pos !== undefined) j.pos = e.pos;
    if (e.line !== undefined) j.line = e.line;
    if (e.col !== undefined) j.col = e.col;
    return j;
  }
  const y = YibaoError.host('BAD_INPUT', String((e as Error)?.message ?? e));
  return { status: y.status, code: y.code, message_zh: y.messageZh, message_en: y.messageEn, detail: y.detail };
}
