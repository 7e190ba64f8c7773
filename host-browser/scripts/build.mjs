// Builds host-browser with esbuild: type-checks (strict, DOM), then
//   dist/index.js + dist/worker.js          the library (ESM) and its Worker (core.wasm inlined)
//   kiosk/dist/{index.html,kiosk.css,kiosk.js,worker.js,server.mjs}   the kiosk page and its Node server
// core.wasm must be built first (npm run build -w core-asm).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(pkg);
const t0 = Date.now();
const outputs = ['dist/index.js', 'dist/worker.js', 'kiosk/dist/kiosk.js', 'kiosk/dist/worker.js', 'kiosk/dist/server.mjs', 'kiosk/dist/index.html', 'kiosk/dist/kiosk.css'].map((f) => join(pkg, f));
/** newest mtime of the sources this build reads */
function newestInput() {
  let t = 0;
  const walk = (d) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      if (n.name === 'dist' || n.name === 'node_modules') continue;
      const p = join(d, n.name);
      if (n.isDirectory()) walk(p);
      else t = Math.max(t, statSync(p).mtimeMs);
    }
  };
  for (const d of ['host-browser/src', 'host-browser/kiosk', 'host-browser/scripts', 'host-node/src']) walk(join(root, d));
  return Math.max(t, statSync(join(root, 'core-asm/build/core.wasm')).mtimeMs);
}
// --if-stale: nothing to do when every output is newer than every input (tests build concurrently)
if (process.argv.includes('--if-stale') && outputs.every((f) => existsSync(f)) && Math.min(...outputs.map((f) => statSync(f).mtimeMs)) > newestInput()) {
  console.log('host-browser: up to date');
  process.exit(0);
}
if (!existsSync(join(root, 'core-asm/build/core.wasm'))) throw new Error('core-asm/build/core.wasm missing: npm run build -w core-asm');
if (!process.argv.includes('--no-typecheck')) {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(pkg, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
}
const browser = { bundle: true, platform: 'browser', format: 'esm', target: 'es2022', loader: { '.wasm': 'binary' }, sourcemap: true, logLevel: 'warning' };
await build({ ...browser, entryPoints: { index: join(pkg, 'src/index.ts'), worker: join(pkg, 'src/worker.ts') }, outdir: join(pkg, 'dist') });
const kdist = join(pkg, 'kiosk/dist');
mkdirSync(kdist, { recursive: true });
await build({ ...browser, entryPoints: { kiosk: join(pkg, 'kiosk/kiosk.ts'), worker: join(pkg, 'src/worker.ts') }, outdir: kdist });
await build({ entryPoints: [join(pkg, 'kiosk/server.ts')], outfile: join(kdist, 'server.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
for (const f of ['index.html', 'kiosk.css']) copyFileSync(join(pkg, 'kiosk', f), join(kdist, f));
console.log(`host-browser built in ${Date.now() - t0} ms`);
