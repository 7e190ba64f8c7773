// The simulated insurance front-end's side of the Nanping file exchange: it watches the exchange folder
// (a timer, like the vendor program), takes Request.txt, answers in Reply.txt and deletes the request.
// Like the real program it does not answer while an old Reply.txt is still there.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Core, IniJson } from '../../../host-node/src/contract.js';
import { FILES } from '../exchange.js';
import { replyDoc } from '../codec.js';
import type { NanpingCenter } from './center.js';

export interface ResponderMode {
  /** write Reply.txt in two pieces 150 ms apart (a reader may see half a reply) instead of rename-publishing it */
  slowWrite?: boolean;
  /** take requests but never answer (front-end died after taking the request) */
  swallow?: boolean;
  /** do not take requests at all (front-end not running) */
  paused?: boolean;
}

export interface Responder {
  dir: string;
  setMode(m: ResponderMode): void;
  /** transactions answered (section names) */
  served(): string[];
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startResponder(o: { dir: string; center: NanpingCenter; core: Core; pollMs?: number; log?: (line: string) => void; mode?: ResponderMode; ledgerFile?: boolean }): Responder {
  let mode: ResponderMode = { ...o.mode };
  let stopped = false;
  let busy: Promise<void> = Promise.resolve();
  const served: string[] = [];
  const p = (f: string) => join(o.dir, f);
  const processing = p('Request.processing');
  let warnedStale = false;

  async function publish(bytes: Uint8Array): Promise<void> {
    if (mode.slowWrite) {
      const fd = openSync(p(FILES.reply), 'w');
      try {
        const half = Math.floor(bytes.length / 2) | 1; // odd: likely inside a GBK character
        writeSync(fd, bytes.subarray(0, half));
        await sleep(150);
        writeSync(fd, bytes.subarray(half));
      } finally {
        closeSync(fd);
      }
      return;
    }
    const tmp = p('Reply.writing');
    writeFileSync(tmp, bytes);
    renameSync(tmp, p(FILES.reply));
  }

  async function tick(): Promise<void> {
    if (mode.paused || !existsSync(p(FILES.request))) return;
    if (existsSync(p(FILES.reply))) {
      if (!warnedStale) o.log?.('Reply.txt still present: not answering until the HIS deletes it');
      warnedStale = true;
      return;
    }
    warnedStale = false;
    try {
      renameSync(p(FILES.request), processing); // take it (the HIS can no longer withdraw it)
    } catch {
      return;
    }
    const bytes = new Uint8Array(readFileSync(processing));
    let reply: IniJson;
    let section = '?';
    try {
      const doc = o.core.codec.ini.parse(bytes);
      section = Object.keys(doc)[0] ?? '?';
      reply = o.center.handle(doc);
    } catch (e) {
      reply = replyDoc(o.core, 'query', false, `请求文件无法解析：${(e as { messageZh?: string }).messageZh ?? (e as Error).message}`, {});
    }
    if (mode.swallow) {
      rmSync(processing, { force: true });
      o.log?.(`${section}: taken and swallowed`);
      return;
    }
    if (o.ledgerFile) {
      // before the reply: whoever reads the reply finds the ledger already up to date
      const tmp = p('sandbox-ledger.writing');
      writeFileSync(tmp, JSON.stringify(o.center.kernel.ledger()));
      renameSync(tmp, p('sandbox-ledger.json'));
    }
    await publish(o.core.codec.ini.print(reply));
    rmSync(processing, { force: true });
    served.push(section);
  }

  const loop = async () => {
    while (!stopped) {
      busy = tick().catch((e: unknown) => o.log?.(`responder error: ${(e as Error).stack ?? String(e)}`));
      await busy;
      await sleep(o.pollMs ?? 50);
    }
  };
  void loop();
  return {
    dir: o.dir,
    setMode: (m) => void (mode = { ...m }),
    served: () => [...served],
    stop: async () => {
      stopped = true;
      await busy;
    },
  };
}
