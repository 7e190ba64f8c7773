// For tests of calls that must fail with a YibaoError.
import { YibaoError } from '../errors.js';

/** The code and detail of the YibaoError that p rejects with; anything else (or no rejection) throws. */
export async function rejectionOf(p: Promise<unknown>): Promise<{ code: string; detail: string }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof YibaoError)) throw e;
    return { code: e.code, detail: e.detail ?? '' };
  }
  throw new Error('expected a YibaoError');
}
