// Bearer-token authentication of the agent: the token comes from a file (--token-file) or the environment
// (YIBAO_AGENT_TOKEN), never from the command line (it would show in `ps`). Compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { YibaoError } from '../errors.js';

export const MIN_TOKEN_LENGTH = 16;

/** The token from a file (first line, trimmed) or the environment; refuses a missing or short one. */
export function loadToken(o: { file?: string; env?: string }): string {
  let token = '';
  let from = '';
  if (o.file) {
    try {
      token = readFileSync(o.file, 'utf8').split(/\r?\n/)[0]!.trim();
    } catch (e) {
      throw YibaoError.host('IO_ERROR', `--token-file ${o.file}: ${(e as Error).message}`, e);
    }
    from = `--token-file ${o.file}`;
  } else if (o.env) {
    token = o.env.trim();
    from = 'YIBAO_AGENT_TOKEN';
  }
  if (!token) throw YibaoError.host('USAGE', 'the agent needs a token: --token-file FILE or YIBAO_AGENT_TOKEN (e.g. `openssl rand -hex 32 > agent.token`)');
  if (token.length < MIN_TOKEN_LENGTH) throw YibaoError.host('USAGE', `the token from ${from} is shorter than ${MIN_TOKEN_LENGTH} characters`);
  return token;
}

/** A checker for `Authorization: Bearer <token>` headers (constant time in the token's content and length). */
export function bearerChecker(token: string): (header: string | undefined) => boolean {
  const want = createHash('sha256').update(token, 'utf8').digest();
  return (header) => {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
    const got = createHash('sha256').update(m ? m[1]! : '', 'utf8').digest();
    return timingSafeEqual(got, want) && m !== null;
  };
}
