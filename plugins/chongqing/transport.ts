// SiInterface.dll through legacy-com-bridge: the vendor library runs in the bridge's child process (a hang
// or a segfault there never takes the host down), one call at a time, GBK bytes in and out.
import type { Bridge } from '../../legacy-com-bridge/src/contract.js';

/** The two vendor exports (stdcall, ANSI/GBK char buffers; OutputData caller-allocated). */
export const SI_FUNCTIONS: Record<string, string> = {
  INIT: 'int __stdcall INIT()',
  BUSINESS_HANDLE: 'int __stdcall BUSINESS_HANDLE(const uint8_t* InputData, uint8_t* OutputData)',
};

/** Size of the OutputData buffer yibao allocates (the vendor takes no length; clients use 1024). */
export const SI_OUTBUF = 65536;

export interface SiInterface {
  /** INIT(): 0 ok, -1 network / front-end failure */
  init(): Promise<number>;
  /** BUSINESS_HANDLE(InputData, OutputData): the return value and OutputData up to its NUL (GBK bytes) */
  handle(input: Uint8Array): Promise<{ ret: number; output: Uint8Array }>;
  /** true when the library was (re)loaded since the last INIT: its in-process state is gone */
  needsInit(): boolean;
  close(): Promise<void>;
}

/** SiInterface over a bridge created with `functions: SI_FUNCTIONS`. */
export function bridgeSiInterface(bridge: Bridge, o: { outBuf?: number; timeoutMs?: number } = {}): SiInterface {
  let initedInStart = -1;
  const outBuf = o.outBuf ?? SI_OUTBUF;
  return {
    async init() {
      const r = await bridge.call('INIT', [], { timeoutMs: o.timeoutMs });
      const ret = Number(r.ret);
      if (ret === 0) initedInStart = bridge.stats().starts;
      return ret;
    },
    async handle(input) {
      const z = new Uint8Array(input.length + 1);
      z.set(input);
      const r = await bridge.call('BUSINESS_HANDLE', [{ bytes: z }, { outBuf, encoding: 'bytes' }], { timeoutMs: o.timeoutMs });
      return { ret: Number(r.ret), output: r.out[0] as Uint8Array };
    },
    needsInit: () => {
      const s = bridge.stats();
      return s.pid === null || s.starts !== initedInStart;
    },
    close: () => bridge.close(),
  };
}
