// Builds core-asm/build/core.wasm from asconfig.json (repo root) and checks it has zero imports.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(pkg);
mkdirSync(join(pkg, 'build'), { recursive: true });
// the built-in settlement-list rules: one source (rules/slist-national.json), embedded before compiling
execFileSync(process.execPath, [join(pkg, 'scripts', 'gen-qc-rules.mjs')], { stdio: 'inherit' });
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
const t0 = Date.now();
execFileSync(process.execPath, [asc, '--config', join(root, 'asconfig.json'), '--target', 'release'], {
  cwd: root,
  stdio: 'inherit',
});
const out = join(pkg, 'build', 'core.wasm');
const mod = new WebAssembly.Module(readFileSync(out));
const imports = WebAssembly.Module.imports(mod);
if (imports.length !== 0) {
  console.error('core.wasm must have zero imports, found:', imports);
  process.exit(1);
}
console.log(`core.wasm ${statSync(out).size} bytes, 0 imports, ${Date.now() - t0} ms`);
