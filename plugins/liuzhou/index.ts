/** @module liuzhou — 柳州市新农合管理信息系统 ↔ 医院HIS (Web Service, SOAP + .NET DataSets, both roles). */
export { createLiuzhouPlugin } from './plugin.js';
export { LIUZHOU_MANIFEST, LIUZHOU_TRANSACTIONS, LIUZHOU_SANDBOX_POLICY } from './manifest.js';
export { INTERFACES as LIUZHOU_INTERFACES, PERMISSION_LETTERS, SEED_INTERFACES, type InterfaceCode, type PermissionLetter } from './spec.js';
export { resolveConfig, loadLiuzhouConfig, paramNames, PINYIN_PARAM_NAMES, type LiuzhouConfig, type LiuzhouConfigInput } from './config.js';
export { DEFAULT_SCHEMAS, toDataSet, fromDataSet } from './schema.js';
export { computeDigest, dataSetText } from './digest.js';
export { LiuzhouClient, createLiuzhouClient, type LiuzhouClientOptions, type CompensationSource, type XnhCompensation } from './client.js';
export { startLiuzhouHisService, type HisServiceOptions, type InpatientData, type InpatientDataProvider } from './his-service.js';
export { UserStore } from './users.js';
