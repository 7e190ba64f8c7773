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
export type { CallOptions } from './client.js';
export { SANDBOX_INSTITUTION, loadConfig } from './config.js';
export type * from './journal-contract.js';
export { TERMINAL_STATES } from './journal-contract.js';
export { openSqliteJournal, openSqliteJournalSync, journalPath } from './journal-sqlite.js';
export { createReliableClient, hisLedgerOracle, crashPoint, ownerIsDead, CRASH_POINTS, REFUND_OPS } from './reliable.js';
export type { ReliableClient, ReliableClientOptions, RecoverResult, ReliableStep, CrashPoint } from './reliable.js';
export { pluginFactory } from '../../plugins/registry.js';
export { openPostgresJournal } from './journal-postgres.js';
export type { PostgresJournalOptions } from './journal-postgres.js';
export { openOfflineQueue } from './offline-queue.js';
export type { OfflineQueueHandle, OfflineQueueOptions, QueueItem, QueueItemState } from './offline-queue.js';
export { reconcile, readHisLedger, MISMATCH_LABELS } from './reconcile.js';
export type { ReconcileOptions, ReconcileReport, Mismatch, MismatchKind, HisLedgerRow } from './reconcile.js';
export { renderReconcileHtml, renderReconcileCsv } from './reconcile-report.js';
export { startAgent, httpStatusOf } from './agent/server.js';
export type { Agent, AgentOptions, AgentCardReader, AgentCardKind } from './agent/server.js';
export { loadToken, bearerChecker } from './agent/auth.js';
