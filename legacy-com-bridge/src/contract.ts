// The bridge contract: types only. Region plugins (Chengdu Yinhai, Sichuan COM, Chongqing SiInterface,
// card readers ...) program against these types; `createBridge` (bridge.ts) implements them.
//
// A bridge runs ONE vendor library in a separate Node child process (koffi inside it), one call at a
// time. A call that hangs past its timeout, or a child that crashes (segfault, abort, exit), rejects the
// caller with a YibaoError (BRIDGE_TIMEOUT / BRIDGE_CRASHED) whose outcome is UNKNOWN: the vendor code
// may or may not have done the work (and told its center). The child is killed and started again lazily
// on the next call, so the DLL's in-process state (init, sign-in, the current card) is gone after it.
import type { Core } from '../../host-node/src/contract.js';

/**
 * One argument of a native call, in declaration order.
 * - `gbk`: text encoded to GBK by the core (an unmappable character is refused before the call), NUL-terminated
 * - `utf8`: text as UTF-8, NUL-terminated
 * - `bytes`: bytes passed as they are (add the NUL yourself when the callee expects a C string)
 * - `int`: an integer by value (int / long / BOOL / handles that fit 32 bits)
 * - `null`: a NULL pointer
 * - `outBuf`: a caller-allocated, zero-filled buffer of that many bytes (PowerBuilder `ref string`,
 *   C# `StringBuilder`); comes back cut at the first NUL and decoded (`gbk` default, `utf8`, or raw `bytes`)
 * - `outInt`: an `int*` / `long*` out (or in/out with `initial`); comes back as a number (32-bit signed)
 */
export type BridgeArg =
  | { gbk: string }
  | { utf8: string }
  | { bytes: Uint8Array }
  | { int: number }
  | { null: true }
  | { outBuf: number; encoding?: 'gbk' | 'utf8' | 'bytes' }
  | { outInt: true; initial?: number };

/** One output, for each `outBuf` / `outInt` argument in order: text (gbk/utf8), number (outInt) or bytes. */
export type BridgeOut = string | number | Uint8Array;

export interface BridgeResult {
  /** the function's return value: integers, BOOL (1/0), pointers as their address; null for void */
  ret: number | null;
  /** `const char*` return values (koffi decodes them as UTF-8) */
  retText?: string;
  out: BridgeOut[];
  /** time spent in the child for this call (ms) */
  ms: number;
}

export interface BridgeOptions {
  /** path of the vendor library (.dll / .so); loaded by the child with koffi.load */
  library: string;
  /**
   * functions to declare, name → koffi prototype, e.g.
   * `'void __stdcall yh_interface_call(const char* jybh, ..., int* appcode, char* appmsg)'`
   * (`__stdcall` is honoured on 32-bit Windows and ignored elsewhere)
   */
  functions: Record<string, string>;
  /** per-call timeout, ms (default 30000); a call still running then is treated as hung */
  timeoutMs?: number;
  /** time allowed to start the child and load the library, ms (default 15000) */
  loadTimeoutMs?: number;
  /** the node executable for the child, e.g. a 32-bit node.exe (Node 22 x86) for 32-bit vendor DLLs */
  nodePath?: string;
  /** environment of the child (added to the parent's) — vendor config, PATH for dependent DLLs */
  env?: Record<string, string>;
  /** working directory of the child (vendor DLLs often read INI files from the current directory) */
  cwd?: string;
  /** where the child finds koffi (a directory or module name; default: resolved beside the bridge) */
  koffiPath?: string;
  /** the core used for GBK (default: a new core) */
  core?: Core;
  /** a name for messages and logs (default: the library file name) */
  name?: string;
}

export interface CallOptions {
  /** overrides the bridge's timeout for this call */
  timeoutMs?: number;
}

export interface BridgeStats {
  library: string;
  /** pid of the running child, null when none runs */
  pid: number | null;
  /** how many times a child was started (a restart after a hang or crash increments it) */
  starts: number;
  calls: number;
  ok: number;
  /** calls that ended in an error of any kind */
  failed: number;
  timeouts: number;
  crashes: number;
  /** calls waiting behind the running one */
  queued: number;
  busy: boolean;
  closed: boolean;
  lastError: string | null;
  /** process.arch / version of the child's node (known once a child has started) */
  childArch: string | null;
  childNode: string | null;
}

export interface Bridge {
  /** Calls an exported function declared in `functions`. Queued behind the running call. */
  call(fn: string, args: BridgeArg[], options?: CallOptions): Promise<BridgeResult>;
  /**
   * Calls slot `slot` (0-based; 0 QueryInterface, 1 AddRef, 2 Release for IUnknown) of the vtable of the
   * object returned by `factory` — an export declared in `functions` that takes no arguments and
   * returns the object pointer (`void* CreateXxx(void)`). The object is created once per child and
   * kept. `proto` declares the method WITH its `this` pointer first
   * (`'int __stdcall Call(void* self, const char* in, char* out, int* code)'`); `args` omit `this`.
   */
  comCall(factory: string, slot: number, proto: string, args: BridgeArg[], options?: CallOptions): Promise<BridgeResult>;
  /** Kills the child (a running call fails with BRIDGE_CRASHED) and starts a fresh one. */
  restart(): Promise<void>;
  /** Kills the child; queued and later calls fail with BRIDGE_CLOSED. */
  close(): Promise<void>;
  stats(): BridgeStats;
}

export type CreateBridge = (options: BridgeOptions) => Bridge;
