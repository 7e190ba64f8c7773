// Hand-assembled wasm bytes for the instantiate baseline.

/** A 34-byte module exporting `f() -> i32` returning 42: the "trivial instantiate" baseline. */
export function trivialWasm() {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type section: () -> i32
    0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
    0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f" = func 0
    0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b, // code: i32.const 42; end
  ]);
}

/**
 * The same module with a custom section "bench" holding `tag` appended: different bytes each time, so
 * V8's cache of compiled modules (keyed by the wire bytes) cannot turn a compile into a lookup.
 */
export function withUniqueTag(bytes, tag) {
  const name = [0x62, 0x65, 0x6e, 0x63, 0x68]; // "bench"
  const payload = [tag & 0xff, (tag >>> 8) & 0xff, (tag >>> 16) & 0xff, (tag >>> 24) & 0xff];
  const body = [name.length, ...name, ...payload]; // < 128 bytes: one-byte LEB size
  const out = new Uint8Array(bytes.length + 2 + body.length);
  out.set(bytes, 0);
  out.set([0x00, body.length, ...body], bytes.length);
  return out;
}
