// Builds an emulator library from C sources with the system C compiler (legacy-com-bridge's cached
// builder: once per source hash). With `libDir` the library is also copied there under its vendor file
// name, for a HIS that loads it from its own folder (the sandbox writes emulator.ini beside it).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSharedLibrary } from '../../legacy-com-bridge/src/native-build.js';
import { findUp } from '../../legacy-com-bridge/src/bridge.js';
import { YibaoError } from '../../host-node/src/errors.js';

/**
 * A file of the source tree by its repository-relative path: beside the module in the source tree, or
 * found upwards from the module (host-node's bundle lives in host-node/dist/).
 */
export function repoFile(rel: string): string {
  const p = findUp(rel, dirname(fileURLToPath(import.meta.url)));
  if (!p || !existsSync(p)) throw YibaoError.host('IO_ERROR', `${rel} not found (the emulator sources ship with the yibao source tree)`);
  return p;
}

export interface BuildOptions {
  /** C source files (absolute paths) */
  sources: string[];
  /** vendor library base name, e.g. "SiInterface" */
  name: string;
  /** also copy the library into this directory as libName.so / Name.dll */
  libDir?: string;
}

/** File name of a shared library on this platform: SiInterface.dll / libSiInterface.dylib / libSiInterface.so. */
export function libraryFileName(name: string): string {
  if (process.platform === 'win32') return `${name}.dll`;
  if (process.platform === 'darwin') return `lib${name}.dylib`;
  return `lib${name}.so`;
}

/** Compiles (or reuses) the library; returns the path to load. */
export function buildEmulator(o: BuildOptions): string {
  // the builder hashes the sources and the local headers they include, so a header change rebuilds
  const built = buildSharedLibrary(o.name, o.sources, { flags: ['-Werror'] });
  if (!o.libDir) return built;
  mkdirSync(o.libDir, { recursive: true });
  const out = join(o.libDir, libraryFileName(o.name));
  copyFileSync(built, out);
  return out;
}
