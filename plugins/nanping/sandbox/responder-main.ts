// Entry of the Nanping responder process: node responder.mjs --dir DIR [--poll MS]. First stdout line:
// "watching DIR". Stops on SIGTERM/SIGINT or when its parent closes stdin.
import { readFileSync } from 'node:fs';
import { createCore } from '../../../host-node/src/core.js';
import { serveNanpingSandbox } from './index.js';

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const dir = arg('--dir');
if (!dir) {
  process.stderr.write('usage: responder --dir DIR [--poll MS] [--wasm core.wasm]\n');
  process.exit(2);
}
// the bundle lives outside the source tree: the parent tells where core.wasm is
const wasm = arg('--wasm');
await serveNanpingSandbox({
  dir, core: wasm ? createCore({ wasm: new Uint8Array(readFileSync(wasm)) }) : undefined, pollMs: arg('--poll') ? Number(arg('--poll')) : undefined, stdinLifeline: true,
  onReady: (d) => process.stdout.write(`watching ${d}\n`),
  log: process.env.YIBAO_SANDBOX_LOG ? (l) => process.stderr.write(`[nanping] ${l}\n`) : undefined,
});
process.exit(0);
