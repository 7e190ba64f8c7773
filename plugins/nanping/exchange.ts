// The Nanping file exchange (wire-formats.md §4.1): one request at a time per exchange folder.
//   1. take the folder: yibao.lock created exclusively ('wx'); a lock whose owner is dead is broken
//   2. delete a stale Reply.txt (the front-end never answers while one exists), Request.txt, Temp.txt
//   3. write Temp.txt (exclusive create), then rename it to Request.txt: the front-end never sees half a request
//   4. poll Reply.txt: unreadable (locked / being written), unparsable or without Reply=TRUE → next tick;
//      a reply that fails the request checks is refused only once it has stayed unchanged for settleMs
//      (a front-end writing without a lock may still be appending to it)
//   5. delete Reply.txt, release the folder
// Timeout: if Request.txt is still there the front-end never took it — it is withdrawn (renamed away,
// atomically) and nothing was executed (TRANSPORT_CONFIG); if it was taken, the outcome is unknown
// (TRANSPORT_TIMEOUT) and must be resolved at the front-end (冲销 by 流水号) — never by re-sending.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { YibaoError } from '../../host-node/src/errors.js';
import { ReplyIncomplete } from './codec.js';

export const FILES = { temp: 'Temp.txt', request: 'Request.txt', reply: 'Reply.txt', lock: 'yibao.lock', withdrawn: 'Request.withdrawn' } as const;

export interface FileExchangeOptions {
  /** the shared exchange folder (C:\HIS\<险类>\ at the hospital) */
  dir: string;
  /** how long to wait for Reply.txt (default 60 s) */
  timeoutMs?: number;
  /** polling interval (default 100 ms; the VB client's timer) */
  pollMs?: number;
  /** a lock older than this is broken even if its owner looks alive (default 10 min) */
  lockStaleMs?: number;
  /** how long a reply failing the checks must stay unchanged before it is refused (default 1 s) */
  settleMs?: number;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const TRANSIENT = new Set(['ENOENT', 'EBUSY', 'EPERM', 'EACCES', 'EAGAIN']);

export class FileExchange {
  readonly dir: string;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly staleMs: number;
  private readonly settleMs: number;
  private readonly log?: (line: string) => void;

  constructor(o: FileExchangeOptions) {
    this.dir = o.dir;
    this.timeoutMs = o.timeoutMs ?? 60000;
    this.pollMs = o.pollMs ?? 100;
    this.staleMs = o.lockStaleMs ?? 600000;
    this.settleMs = o.settleMs ?? 1000;
    this.log = o.log;
  }

  private path(f: string): string {
    return join(this.dir, f);
  }

  private async lock(deadline: number): Promise<void> {
    const p = this.path(FILES.lock);
    for (;;) {
      try {
        const fd = openSync(p, 'wx');
        writeSync(fd, `${process.pid} ${new Date().toISOString()}\n`);
        closeSync(fd);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw YibaoError.host('TRANSPORT_CONFIG', `nanping: exchange folder ${this.dir} does not exist`, e);
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw YibaoError.host('IO_ERROR', `nanping: cannot create ${p}: ${(e as Error).message}`, e);
      }
      // held: break it when its owner is gone or it is very old
      try {
        const [pid] = readFileSync(p, 'utf8').split(' ');
        const age = Date.now() - statSync(p).mtimeMs;
        if (!alive(Number(pid)) || age > this.staleMs) {
          this.log?.(`breaking stale lock of pid ${pid} (${Math.round(age / 1000)} s old)`);
          rmSync(p, { force: true });
          continue;
        }
      } catch {
        continue; // vanished meanwhile: try again
      }
      if (Date.now() > deadline) throw YibaoError.host('TRANSPORT_TIMEOUT', `nanping: exchange folder ${this.dir} is busy (another request holds ${FILES.lock}); nothing was sent`);
      await sleep(this.pollMs);
    }
  }

  private unlock(): void {
    rmSync(this.path(FILES.lock), { force: true });
  }

  /**
   * One request/reply. `read` parses the reply bytes (ReplyIncomplete = not complete yet) and checks them
   * against the request (throws BAD_REPLY); a failing reply is refused once unchanged for settleMs.
   */
  async exchange<T>(label: string, request: Uint8Array, read: (bytes: Uint8Array) => T): Promise<T> {
    const t0 = Date.now();
    const deadline = t0 + this.timeoutMs;
    await this.lock(deadline);
    try {
      for (const f of [FILES.reply, FILES.request, FILES.temp, FILES.withdrawn]) rmSync(this.path(f), { force: true });
      const fd = openSync(this.path(FILES.temp), 'wx');
      try {
        writeSync(fd, request);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(this.path(FILES.temp), this.path(FILES.request));
      this.log?.(`${label}: Request.txt published (${request.length} bytes)`);
      let suspect: { bytes: Uint8Array; since: number } | null = null;
      for (;;) {
        await sleep(this.pollMs);
        let bytes: Uint8Array | null = null;
        try {
          bytes = new Uint8Array(readFileSync(this.path(FILES.reply)));
        } catch (e) {
          if (!TRANSIENT.has((e as NodeJS.ErrnoException).code ?? '')) throw YibaoError.host('IO_ERROR', `nanping ${label}: reading Reply.txt: ${(e as Error).message}`, e);
        }
        if (bytes) {
          try {
            const r = read(bytes);
            rmSync(this.path(FILES.reply), { force: true });
            this.log?.(`${label}: reply read after ${Date.now() - t0} ms`);
            return r;
          } catch (e) {
            if (e instanceof ReplyIncomplete) {
              suspect = null;
            } else if (e instanceof YibaoError && e.code === 'BAD_REPLY' && !(suspect && same(suspect.bytes, bytes) && Date.now() - suspect.since >= this.settleMs)) {
              if (!suspect || !same(suspect.bytes, bytes)) suspect = { bytes, since: Date.now() }; // maybe still being written
            } else {
              rmSync(this.path(FILES.reply), { force: true });
              throw e;
            }
          }
        }
        if (Date.now() > deadline) return this.timeout(label, t0);
      }
    } finally {
      this.unlock();
    }
  }

  private timeout(label: string, t0: number): never {
    try {
      renameSync(this.path(FILES.request), this.path(FILES.withdrawn));
      rmSync(this.path(FILES.withdrawn), { force: true });
      throw YibaoError.host('TRANSPORT_CONFIG', `nanping ${label}: the insurance front-end did not take Request.txt within ${Date.now() - t0} ms (is it running on ${this.dir}?); the request was withdrawn and nothing was executed`);
    } catch (e) {
      if (e instanceof YibaoError) throw e;
      throw YibaoError.host('TRANSPORT_TIMEOUT', `nanping ${label}: the front-end took Request.txt but wrote no Reply.txt with Reply=TRUE within ${Date.now() - t0} ms; outcome unknown (check at the front-end, undo with 冲销 by 流水号)`);
    }
  }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
