// Loopback helpers for tests that talk to a sandbox center: a port nobody listens on, and a client of the
// Sichuan national plugin over HTTP with its own state directory.
import { createServer } from 'node:net';
import type { Core } from '../contract.js';
import { createClient, type Client } from '../client.js';
import { createHttpTransport } from '../transport-http.js';
import { openState } from '../state.js';
import { SANDBOX_INSTITUTION } from '../config.js';
import { createSichuanPlugin, SICHUAN_MANIFEST } from '../../../plugins/national/index.js';

/** A loopback port nobody listens on (yet): a "center down" address. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A client of the Sichuan national plugin at `url` (the sandbox institution), state in stateDir. */
export function sichuanClientAt(core: Core, url: string, stateDir: string): Client {
  const plugin = createSichuanPlugin({ core });
  const transport = createHttpTransport({ endpoint: url, path: SICHUAN_MANIFEST.transport.path, core, timeoutMs: 5000 });
  return createClient({ plugin, transport, core, institution: SANDBOX_INSTITUTION, state: openState(stateDir) });
}
