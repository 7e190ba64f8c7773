/** @module yibao host for Node: the typed API over core.wasm. */
export { createCore, wasmPath } from './core.js';
export { YibaoError, HOST_ERRORS } from './errors.js';
export { OP } from './ops.js';
export { renderSlip } from './slip.js';
export { toHex, toBase64 } from './encoding.js';
export { createHttpTransport, tifHeaders, csbHeaders, csbStringToSign, randomNonce } from './transport-http.js';
export type { HttpTransport, HttpTransportOptions, HttpCredentials, HttpResponse, DownloadResult } from './transport-http.js';
export {
  openCatalogDb, syncCatalog, parseCatalogTxt, iterateCatalogTxt, unzipCatalog, storeCatalogRows, getCatalogRow, catalogRecord,
  localCatalogVersion, resolveLayout, compareVer, renderProgress, CATALOG_LAYOUTS, DEFAULT_VER_FROM_END,
} from './catalog.js';
export type { CatalogDb, CatalogLayout, CatalogRow, SyncCatalogOptions, SyncCatalogResult, StoredCatalogRow } from './catalog.js';
export type * from './contract.js';
export { createClient, Client } from './client.js';
export { openState, memoryState } from './state.js';
export { outpatientSettle, inpatientSettle, billTotal } from './flows.js';
export { fenToYuan, yuanToFen } from './money.js';
export { maskId, maskName, maskCard, maskMessage } from './mask.js';
