// The Sichuan 2009 COM component through legacy-com-bridge: the object comes from an exported factory and
// its methods are called through the vtable (bridge.comCall), in the bridge's child process.
import type { Bridge } from '../../legacy-com-bridge/src/contract.js';

/** The factory export (a shim around CoCreateInstance on a real Windows site; the emulator exports it). */
export const SICOM_FACTORY = 'SiCom_CreateObject';
export const SICOM_FUNCTIONS: Record<string, string> = { [SICOM_FACTORY]: `void* __stdcall ${SICOM_FACTORY}()` };

/** vtable slots: IUnknown 0–2, IDispatch 3–6, then Init, Call, Confirm, Cancel (declaration order). */
export interface SiComSlots {
  init: number;
  call: number;
  confirm: number;
  cancel: number;
}
export const DEFAULT_SLOTS: SiComSlots = { init: 7, call: 8, confirm: 9, cancel: 10 };

export const SICOM_PROTOS = {
  init: 'long __stdcall Init(void* self, int* appcode, uint8_t* appmsg)',
  call: 'long __stdcall Call(void* self, const uint8_t* jybh, const uint8_t* jysr_xml, uint8_t* jylsh, uint8_t* jyyzm, uint8_t* jysc_xml, int* appcode, uint8_t* appmsg)',
  confirm: 'long __stdcall Confirm(void* self, const uint8_t* jylsh, const uint8_t* jyyzm, int* appcode, uint8_t* appmsg)',
  cancel: 'long __stdcall Cancel(void* self, const uint8_t* jylsh, int* appcode, uint8_t* appmsg)',
} as const;

/** Caller-allocated out buffers (bytes): the component writes at most this much. */
export const SICOM_BUFFERS = { jylsh: 64, jyyzm: 64, xml: 65536, appmsg: 1024 } as const;

export interface Ack {
  appcode: number;
  /** GBK bytes */
  appmsg: Uint8Array;
}
export interface CallOut extends Ack {
  jylsh: string;
  jyyzm: string;
  /** GBK XML bytes */
  xml: Uint8Array;
}

export interface SiComInterface {
  init(): Promise<Ack>;
  call(jybh: string, xml: Uint8Array): Promise<CallOut>;
  confirm(jylsh: string, jyyzm: string): Promise<Ack>;
  cancel(jylsh: string): Promise<Ack>;
  /** true when the component was (re)loaded since the last successful Init */
  needsInit(): boolean;
  close(): Promise<void>;
}

const ascii = (b: Uint8Array) => String.fromCharCode(...b);
const z = (b: Uint8Array) => {
  const r = new Uint8Array(b.length + 1);
  r.set(b);
  return r;
};

/** The COM object over a bridge created with `functions: SICOM_FUNCTIONS`. */
export function bridgeSiCom(bridge: Bridge, o: { slots?: Partial<SiComSlots>; timeoutMs?: number } = {}): SiComInterface {
  const slots = { ...DEFAULT_SLOTS, ...o.slots };
  const opt = { timeoutMs: o.timeoutMs };
  let initedInStart = -1;
  const B = SICOM_BUFFERS;
  return {
    async init() {
      const r = await bridge.comCall(SICOM_FACTORY, slots.init, SICOM_PROTOS.init, [{ outInt: true }, { outBuf: B.appmsg, encoding: 'bytes' }], opt);
      const appcode = r.out[0] as number;
      if (appcode >= 0) initedInStart = bridge.stats().starts;
      return { appcode, appmsg: r.out[1] as Uint8Array };
    },
    async call(jybh, xml) {
      const r = await bridge.comCall(
        SICOM_FACTORY, slots.call, SICOM_PROTOS.call,
        [{ utf8: jybh }, { bytes: z(xml) }, { outBuf: B.jylsh, encoding: 'bytes' }, { outBuf: B.jyyzm, encoding: 'bytes' }, { outBuf: B.xml, encoding: 'bytes' }, { outInt: true }, { outBuf: B.appmsg, encoding: 'bytes' }],
        opt,
      );
      return { jylsh: ascii(r.out[0] as Uint8Array), jyyzm: ascii(r.out[1] as Uint8Array), xml: r.out[2] as Uint8Array, appcode: r.out[3] as number, appmsg: r.out[4] as Uint8Array };
    },
    async confirm(jylsh, jyyzm) {
      const r = await bridge.comCall(SICOM_FACTORY, slots.confirm, SICOM_PROTOS.confirm, [{ utf8: jylsh }, { utf8: jyyzm }, { outInt: true }, { outBuf: B.appmsg, encoding: 'bytes' }], opt);
      return { appcode: r.out[0] as number, appmsg: r.out[1] as Uint8Array };
    },
    async cancel(jylsh) {
      const r = await bridge.comCall(SICOM_FACTORY, slots.cancel, SICOM_PROTOS.cancel, [{ utf8: jylsh }, { outInt: true }, { outBuf: B.appmsg, encoding: 'bytes' }], opt);
      return { appcode: r.out[0] as number, appmsg: r.out[1] as Uint8Array };
    },
    needsInit: () => {
      const s = bridge.stats();
      return s.pid === null || s.starts !== initedInStart;
    },
    close: () => bridge.close(),
  };
}
