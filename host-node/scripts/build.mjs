// Builds host-node: type-checks the TypeScript sources (host-node + plugins, strict), bundles the API and
// the CLI with esbuild (dependencies stay external), copies core.wasm beside them.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(pkg);
const t0 = Date.now();
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
await build({
  entryPoints: { index: join(pkg, 'src/index.ts'), cli: join(pkg, 'src/cli.ts') },
  outdir: join(pkg, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  splitting: true,
  logLevel: 'warning',
});
await import('./postbuild.mjs');
console.log(`host-node built in ${Date.now() - t0} ms`);
