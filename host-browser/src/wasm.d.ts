// esbuild's binary loader: `import bytes from '…/core.wasm'` gives the file's bytes (the wasm is inlined
// into the Worker bundle, so the page needs no second request and no wasm MIME type).
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
