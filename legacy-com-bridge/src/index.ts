/** @module @yibao/legacy-com-bridge — vendor DLLs/.so in a crash-safe child process (koffi). */
export { createBridge, findUp } from './bridge.js';
export { gbkz, utf8z, decodeGbkLenient } from './gbk.js';
export { buildEmulator, buildSharedLibrary, EMULATORS } from './native-build.js';
export type { BuildOptions } from './native-build.js';
export { createCardReader, parseCardBas, parseSfz, HEASEC_PROTOTYPES } from './card-reader.js';
export type { CardReader, CardReadResult, CardReaderConfig, CardKind } from './card-reader.js';
export type * from './contract.js';
