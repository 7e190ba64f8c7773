// createBridge: one vendor library in one child process (worker.cjs + koffi), calls queued one at a
// time, a timeout per call, kill + lazy restart on hang or crash. See contract.ts for the semantics.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Core } from '../../host-node/src/contract.js';
import { createCore } from '../../host-node/src/core.js';
import { YibaoError } from '../../host-node/src/errors.js';
import type { Bridge, BridgeArg, BridgeOptions, BridgeOut, BridgeResult, BridgeStats, CallOptions } from './contract.js';
import { decodeGbkLenient, gbkz, utf8z } from './gbk.js';

type WireArg = { b: Uint8Array } | { i: number } | { n: 1 } | { ob: number } | { oi: number };
type OutKind = 'gbk' | 'utf8' | 'bytes' | 'int';

interface Job {
  id: number;
  label: string;
  msg: { t: 'call'; id: number; fn?: string; com?: { factory: string; slot: number; proto: string }; args: WireArg[] };
  outs: OutKind[];
  timeoutMs: number;
  /** handed to the child (before that, a kill does not touch the vendor code) */
  sent: boolean;
  resolve: (r: BridgeResult) => void;
  reject: (e: unknown) => void;
}

interface ChildMsg {
  t: 'ready' | 'loadError' | 'result' | 'error';
  id?: number;
  pid?: number;
  arch?: string;
  node?: string;
  message?: string;
  ret?: number | null;
  retText?: string;
  out?: (Uint8Array | number)[];
  ms?: number;
}

const TAIL = 4096;

/** Finds `rel` beside this module or in a parent directory (source tree and host-node's bundle alike). */
export function findUp(rel: string, from = dirname(fileURLToPath(import.meta.url))): string | null {
  let d = from;
  for (;;) {
    const p = join(d, rel);
    if (existsSync(p)) return p;
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}

function workerPath(): string {
  const beside = fileURLToPath(new URL('./worker.cjs', import.meta.url));
  if (existsSync(beside)) return beside;
  const found = findUp('legacy-com-bridge/src/worker.cjs');
  if (found) return found;
  return createRequire(import.meta.url).resolve('@yibao/legacy-com-bridge/src/worker.cjs');
}

function koffiDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('koffi/package.json'));
  } catch {
    return undefined;
  }
}

/** Human text of a child's death (Windows NTSTATUS codes for the usual suspects). */
function deathText(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal ${signal}`;
  const u = (code ?? 0) >>> 0;
  const nt: Record<number, string> = { 0xc0000005: 'access violation', 0xc00000fd: 'stack overflow', 0xc0000409: 'stack buffer overrun', 0xc0000374: 'heap corruption' };
  return nt[u] ? `exit 0x${u.toString(16)} (${nt[u]})` : `exit code ${code}`;
}

class ChildBridge implements Bridge {
  private readonly o: BridgeOptions;
  private readonly core: Core;
  private readonly name: string;
  private readonly queue: Job[] = [];
  private child: ChildProcess | null = null;
  private starting: Promise<ChildProcess> | null = null;
  private running: Job | null = null;
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  private stderrTail = '';
  private closed = false;
  private readonly st = { starts: 0, calls: 0, ok: 0, failed: 0, timeouts: 0, crashes: 0, lastError: null as string | null, childArch: null as string | null, childNode: null as string | null };

  constructor(o: BridgeOptions) {
    if (!o.library) throw YibaoError.host('USAGE', 'createBridge: library is required');
    if (!o.functions || typeof o.functions !== 'object') throw YibaoError.host('USAGE', 'createBridge: functions is required');
    this.o = o;
    this.core = o.core ?? createCore();
    this.name = o.name ?? basename(o.library);
  }

  // ---- public API ------------------------------------------------------------------------------

  call(fn: string, args: BridgeArg[], options?: CallOptions): Promise<BridgeResult> {
    if (!Object.prototype.hasOwnProperty.call(this.o.functions, fn)) {
      return Promise.reject(YibaoError.host('BAD_INPUT', `${this.name}: function ${fn} is not declared in functions`));
    }
    return this.enqueue(`${fn}`, { fn }, args, options);
  }

  comCall(factory: string, slot: number, proto: string, args: BridgeArg[], options?: CallOptions): Promise<BridgeResult> {
    if (!Object.prototype.hasOwnProperty.call(this.o.functions, factory)) {
      return Promise.reject(YibaoError.host('BAD_INPUT', `${this.name}: factory ${factory} is not declared in functions`));
    }
    if (!Number.isInteger(slot) || slot < 0 || slot > 4096) return Promise.reject(YibaoError.host('BAD_INPUT', `${this.name}: vtable slot ${slot}`));
    return this.enqueue(`${factory}[${slot}]`, { com: { factory, slot, proto } }, args, options);
  }

  async restart(): Promise<void> {
    if (this.closed) throw YibaoError.host('BRIDGE_CLOSED', this.name);
    this.kill('restarted by the caller');
    await this.ensureChild();
    if (!this.running && this.queue.length === 0) this.idle();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const j of this.queue.splice(0)) j.reject(YibaoError.host('BRIDGE_CLOSED', `${this.name}: ${j.label}`));
    this.kill('bridge closed');
  }

  stats(): BridgeStats {
    return {
      library: this.o.library,
      pid: this.child?.pid ?? null,
      starts: this.st.starts,
      calls: this.st.calls,
      ok: this.st.ok,
      failed: this.st.failed,
      timeouts: this.st.timeouts,
      crashes: this.st.crashes,
      queued: this.queue.length,
      busy: this.running !== null,
      closed: this.closed,
      lastError: this.st.lastError,
      childArch: this.st.childArch,
      childNode: this.st.childNode,
    };
  }

  // ---- queue -------------------------------------------------------------------------------------

  private enqueue(label: string, target: { fn?: string; com?: Job['msg']['com'] }, args: BridgeArg[], options?: CallOptions): Promise<BridgeResult> {
    if (this.closed) return Promise.reject(YibaoError.host('BRIDGE_CLOSED', `${this.name}: ${label}`));
    let wire: WireArg[];
    const outs: OutKind[] = [];
    try {
      wire = args.map((a, k) => this.toWire(a, k, label, outs));
    } catch (e) {
      return Promise.reject(e);
    }
    const timeoutMs = options?.timeoutMs ?? this.o.timeoutMs ?? 30000;
    return new Promise<BridgeResult>((resolve, reject) => {
      const id = ++this.seq;
      this.queue.push({ id, label, msg: { t: 'call', id, ...target, args: wire }, outs, timeoutMs, sent: false, resolve, reject });
      this.st.calls++;
      void this.pump();
    });
  }

  private toWire(a: BridgeArg, k: number, label: string, outs: OutKind[]): WireArg {
    const what = `${label} argument ${k + 1}`;
    if ('gbk' in a) return { b: gbkz(this.core, String(a.gbk), what) };
    if ('utf8' in a) return { b: utf8z(String(a.utf8), what) };
    if ('bytes' in a) return { b: a.bytes };
    if ('int' in a) {
      if (!Number.isInteger(a.int)) throw YibaoError.host('BAD_INPUT', `${what}: int ${a.int}`);
      return { i: a.int };
    }
    if ('null' in a) return { n: 1 };
    if ('outBuf' in a) {
      if (!Number.isInteger(a.outBuf) || a.outBuf < 1 || a.outBuf > 64 * 1024 * 1024) throw YibaoError.host('BAD_INPUT', `${what}: outBuf ${a.outBuf}`);
      outs.push(a.encoding ?? 'gbk');
      return { ob: a.outBuf };
    }
    if ('outInt' in a) {
      outs.push('int');
      return { oi: a.initial ?? 0 };
    }
    throw YibaoError.host('BAD_INPUT', `${what}: unknown argument kind`);
  }

  private async pump(): Promise<void> {
    if (this.running || this.closed) return;
    const job = this.queue.shift();
    if (!job) {
      this.idle();
      return;
    }
    this.running = job;
    let child: ChildProcess;
    try {
      child = await this.ensureChild();
    } catch (e) {
      this.finish(job, e, null);
      return;
    }
    if (this.running !== job) return; // closed meanwhile
    child.ref();
    (child.channel as unknown as { ref?: () => void } | undefined)?.ref?.();
    for (const s of [child.stdout, child.stderr]) (s as unknown as { ref?: () => void } | null)?.ref?.();
    this.timer = setTimeout(() => {
      this.st.timeouts++;
      const err = YibaoError.host('BRIDGE_TIMEOUT', `${this.name}: ${job.label} still running after ${job.timeoutMs} ms; bridge process ${child.pid} killed${this.stderrNote()}`);
      this.finish(job, err, null);
      this.kill('timeout');
    }, job.timeoutMs);
    try {
      job.sent = true;
      child.send(job.msg);
    } catch (e) {
      this.finish(job, YibaoError.host('BRIDGE_CRASHED', `${this.name}: ${job.label}: ${(e as Error).message}`, e), null);
      this.kill('send failed');
    }
  }

  /** Settles the running job (once) and moves on to the next. */
  private finish(job: Job, err: unknown, result: BridgeResult | null): void {
    if (this.running !== job) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = null;
    if (err) {
      this.st.failed++;
      this.st.lastError = (err as Error).message;
      job.reject(err);
    } else {
      this.st.ok++;
      job.resolve(result!);
    }
    queueMicrotask(() => void this.pump());
  }

  /** No call in flight: let the host process exit even though the child is alive. */
  private idle(): void {
    const c = this.child;
    if (!c) return;
    c.unref();
    (c.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
    for (const s of [c.stdout, c.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
  }

  // ---- child lifecycle ---------------------------------------------------------------------------

  private stderrNote(): string {
    const t = this.stderrTail.trim();
    return t ? `; stderr: ${t.slice(-500)}` : '';
  }

  private ensureChild(): Promise<ChildProcess> {
    if (this.child) return Promise.resolve(this.child);
    if (!this.starting) {
      this.starting = this.start().finally(() => {
        this.starting = null;
      });
    }
    return this.starting;
  }

  private start(): Promise<ChildProcess> {
    this.st.starts++;
    this.stderrTail = '';
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...this.o.env };
    const kp = this.o.koffiPath ?? koffiDir();
    if (kp) env.YIBAO_KOFFI_PATH = kp;
    let child: ChildProcess;
    try {
      child = fork(workerPath(), [], {
        execPath: this.o.nodePath ?? process.execPath,
        execArgv: [],
        env,
        cwd: this.o.cwd,
        serialization: 'advanced',
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
    } catch (e) {
      return Promise.reject(YibaoError.host('BRIDGE_LOAD', `${this.name}: cannot start ${this.o.nodePath ?? process.execPath}: ${(e as Error).message}`, e));
    }
    const keep = (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-TAIL);
    };
    child.stderr?.on('data', keep);
    child.stdout?.on('data', () => {}); // vendor printf: drained so the child never blocks on a full pipe

    return new Promise<ChildProcess>((resolve, reject) => {
      let ready = false;
      const loadTimer = setTimeout(() => {
        fail(`no answer within ${this.o.loadTimeoutMs ?? 15000} ms`);
        child.kill('SIGKILL');
      }, this.o.loadTimeoutMs ?? 15000);
      const fail = (why: string) => {
        if (ready) return;
        ready = true;
        clearTimeout(loadTimer);
        reject(YibaoError.host('BRIDGE_LOAD', `${this.name}: ${this.o.library}: ${why}${this.stderrNote()}`));
      };
      child.on('error', (e) => fail(e.message));
      child.on('message', (m: ChildMsg) => {
        if (!ready) {
          if (m.t === 'ready') {
            ready = true;
            clearTimeout(loadTimer);
            if (this.closed) {
              child.kill('SIGKILL');
              reject(YibaoError.host('BRIDGE_CLOSED', this.name));
              return;
            }
            this.child = child;
            this.st.childArch = m.arch ?? null;
            this.st.childNode = m.node ?? null;
            resolve(child);
          } else if (m.t === 'loadError') {
            fail(m.message ?? 'load failed');
            child.kill('SIGKILL');
          }
          return;
        }
        this.onMessage(child, m);
      });
      child.on('exit', (code, signal) => {
        if (!ready) fail(`bridge process exited while loading (${deathText(code, signal)})`);
        this.onExit(child, code, signal);
      });
      child.send({ t: 'load', library: this.o.library, functions: this.o.functions });
    });
  }

  private onMessage(child: ChildProcess, m: ChildMsg): void {
    const job = this.running;
    if (child !== this.child || !job || m.id !== job.msg.id) return;
    if (m.t === 'error') {
      const msg = m.message ?? 'call failed';
      const code = /returned NULL|not loaded/.test(msg) ? 'BRIDGE_LOAD' : 'BAD_INPUT';
      this.finish(job, YibaoError.host(code, `${this.name}: ${job.label}: ${msg}`), null);
      return;
    }
    if (m.t !== 'result') return;
    const out: BridgeOut[] = [];
    (m.out ?? []).forEach((v, k) => {
      const kind = job.outs[k];
      if (kind === 'int') out.push(Number(v));
      else if (kind === 'bytes') out.push(v as Uint8Array);
      else if (kind === 'utf8') out.push(new TextDecoder('utf-8').decode(v as Uint8Array));
      else out.push(decodeGbkLenient(this.core, v as Uint8Array).text);
    });
    const r: BridgeResult = { ret: m.ret ?? null, out, ms: m.ms ?? 0 };
    if (m.retText !== undefined) r.retText = m.retText;
    this.finish(job, null, r);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = null;
    const job = this.running;
    if (job) {
      this.st.crashes++;
      this.finish(job, YibaoError.host('BRIDGE_CRASHED', `${this.name}: ${job.label}: bridge process ${child.pid} died (${deathText(code, signal)})${this.stderrNote()}`), null);
    }
  }

  /** Kills the child now; a running call is rejected (BRIDGE_CRASHED unless already settled). */
  private kill(why: string): void {
    const c = this.child;
    this.child = null;
    const job = this.running;
    if (job) {
      const err = job.sent
        ? YibaoError.host('BRIDGE_CRASHED', `${this.name}: ${job.label}: ${why} while the call was running`)
        : YibaoError.host(this.closed ? 'BRIDGE_CLOSED' : 'BRIDGE_LOAD', `${this.name}: ${job.label}: ${why} before the call was sent`);
      this.finish(job, err, null);
    }
    if (c && c.exitCode === null && c.signalCode === null) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

/** Creates a bridge; the child starts on the first call (or restart()). */
export function createBridge(options: BridgeOptions): Bridge {
  return new ChildBridge(options);
}
