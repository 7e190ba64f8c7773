// The bridge child: loads ONE vendor library with koffi and runs the calls the parent sends, one at a
// time. Plain CommonJS on purpose: it must start under any node the site has (a 32-bit Node 22 on
// Windows for 32-bit vendor DLLs) without a build step. It knows nothing about text encodings: inputs
// arrive as bytes (NUL-terminated by the parent), out buffers go back as bytes; the parent decodes
// GBK with the core.
//
// Messages (IPC, serialization 'advanced' so byte arrays travel as binary):
//   parent → child  {t:'load', library, functions:{name: proto}}
//                   {t:'call', id, fn, args:[...]}            exported function
//                   {t:'call', id, com:{factory, slot, proto}, args:[...]}   vtable slot of an object
//   child → parent  {t:'ready', pid, arch, node} | {t:'loadError', message}
//                   {t:'result', id, ret, retText?, out:[...], ms} | {t:'error', id, message}
// Argument encodings: {b: Uint8Array} bytes by pointer, {i: n} int, {n: 1} NULL, {ob: size} out buffer,
// {oi: initial} int* (8 bytes, read back as int32).
'use strict';

let koffi = null;
let lib = null;
const fns = Object.create(null);
const objects = new Map(); // factory name -> object pointer
const protos = new Map(); // prototype text -> koffi type
let protoSeq = 0;

function send(m) {
  if (process.send) process.send(m);
}

function load(m) {
  try {
    koffi = require(process.env.YIBAO_KOFFI_PATH || 'koffi');
    lib = koffi.load(m.library);
    for (const name of Object.keys(m.functions)) fns[name] = lib.func(m.functions[name]);
    send({ t: 'ready', pid: process.pid, arch: process.arch, node: process.version });
  } catch (e) {
    send({ t: 'loadError', message: String((e && e.message) || e) });
  }
}

function toNative(a) {
  if (a.b) return Buffer.from(a.b.buffer, a.b.byteOffset, a.b.byteLength);
  if (a.i !== undefined) return a.i;
  if (a.n) return null;
  if (a.ob !== undefined) return Buffer.alloc(a.ob);
  if (a.oi !== undefined) {
    const b = Buffer.alloc(8);
    b.writeInt32LE(a.oi | 0, 0);
    return b;
  }
  throw new Error('bad argument ' + JSON.stringify(Object.keys(a)));
}

function normRet(r) {
  if (r === undefined || r === null) return { ret: r === null ? 0 : null };
  if (typeof r === 'number') return { ret: r };
  if (typeof r === 'bigint') return { ret: Number(r) };
  if (typeof r === 'boolean') return { ret: r ? 1 : 0 };
  if (typeof r === 'string') return { ret: null, retText: r };
  try {
    return { ret: Number(koffi.address(r)) };
  } catch {
    return { ret: null };
  }
}

/** koffi registers prototypes by name: give each distinct text a unique one. */
function protoOf(text) {
  let p = protos.get(text);
  if (!p) {
    const unique = text.replace(/([A-Za-z_][A-Za-z0-9_]*)(\s*\()/, (_, _name, paren) => `__yb_proto_${++protoSeq}${paren}`);
    p = koffi.proto(unique);
    protos.set(text, p);
  }
  return p;
}

function objectOf(factory) {
  let o = objects.get(factory);
  if (!o) {
    const f = fns[factory];
    if (!f) throw new Error(`factory ${factory} is not declared`);
    o = f();
    if (!o) throw new Error(`factory ${factory} returned NULL`);
    objects.set(factory, o);
  }
  return o;
}

function call(m) {
  const native = m.args.map(toNative);
  const t0 = Date.now();
  let r;
  if (m.com) {
    const obj = objectOf(m.com.factory);
    const vtbl = koffi.decode(obj, 'void*');
    const slots = koffi.decode(vtbl, koffi.array('void*', m.com.slot + 1));
    r = koffi.call(slots[m.com.slot], protoOf(m.com.proto), obj, ...native);
  } else {
    const f = fns[m.fn];
    if (!f) throw new Error(`function ${m.fn} is not declared`);
    r = f(...native);
  }
  const ms = Date.now() - t0;
  const out = [];
  m.args.forEach((a, k) => {
    if (a.ob !== undefined) {
      const b = native[k];
      const z = b.indexOf(0);
      out.push(new Uint8Array(b.subarray(0, z < 0 ? b.length : z)));
    } else if (a.oi !== undefined) out.push(native[k].readInt32LE(0));
  });
  send({ t: 'result', id: m.id, ...normRet(r), out, ms });
}

process.on('message', (m) => {
  if (!m || typeof m !== 'object') return;
  if (m.t === 'load') return load(m);
  if (m.t === 'call') {
    try {
      if (!lib) throw new Error('library not loaded');
      call(m);
    } catch (e) {
      send({ t: 'error', id: m.id, message: String((e && e.message) || e) });
    }
  }
});

// the parent went away: nothing left to serve
process.on('disconnect', () => process.exit(0));
