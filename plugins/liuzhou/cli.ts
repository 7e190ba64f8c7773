// `yibao settle|sandbox --region liuzhou`: the bill through LiuzhouClient over SOAP.
//   settle --sandbox          starts a sandbox center for the run (credentials: the sandbox's seeded user)
//   settle --endpoint URL     a running `yibao sandbox --region liuzhou` (credentials from YIBAO_XNH_* / --config)
//   settle (neither)          the configured center (liuzhou.url / YIBAO_XNH_URL), outpatient only: the inpatient
//                             补偿 comes from the 农合 side, which the CLI cannot ask outside the sandbox
// For --inpatient against a sandbox the CLI also hosts the hospital's service (zysjcxjk) on loopback for the
// run: the sandbox's 农合 window pulls the admission from it and computes the 补偿 that zyjsjk then reports.
// `reliable` is the journaled 门诊 client (reliable.ts) for `settle --his-key K --state DIR` and `yibao recover`.
import type { LegacyCliContext, LegacyRegionCli } from '../../host-node/src/cli-legacy.js';
import { createCore } from '../../host-node/src/core.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { inpatientSettle, outpatientSettle } from '../../host-node/src/flows.js';
import { LiuzhouClient } from './client.js';
import { loadLiuzhouConfig, resolveConfig } from './config.js';
import { startLiuzhouHisService, type HisService } from './his-service.js';
import { LIUZHOU_MANIFEST } from './manifest.js';
import { randomPassword, sandboxCompensation, startLiuzhouSandbox, type LiuzhouSandbox } from './sandbox/index.js';
import { UserStore } from './users.js';
import type { Journal } from '../../host-node/src/journal-contract.js';
import { createLiuzhouReliableClient } from './reliable.js';

export const LIUZHOU_CLI: LegacyRegionCli = {
  async settle(c: LegacyCliContext, bill) {
    const core = createCore();
    const { config: input, credentials } = loadLiuzhouConfig(c.one.get('--config'));
    let sandbox: LiuzhouSandbox | undefined;
    let his: HisService | undefined;
    try {
      let creds = credentials;
      const timeout = c.timeoutMs ? { soap: { ...input.soap, timeoutMs: c.timeoutMs } } : {};
      if (c.sandbox) {
        sandbox = await startLiuzhouSandbox({ core, config: input, log: c.verbose ? (l) => c.log(`  center: ${l}`) : undefined });
        creds = { url: sandbox.url, hospitalCode: sandbox.hospitalCode, user: sandbox.user, password: sandbox.password };
      } else if (c.endpoint) {
        creds = { ...credentials, url: c.endpoint };
      }
      if (!creds.url) throw YibaoError.host('USAGE', 'yibao settle --region liuzhou: --sandbox, --endpoint URL (a running sandbox) or liuzhou.url / YIBAO_XNH_URL');
      if (!creds.hospitalCode || !creds.user || !creds.password) {
        throw YibaoError.host('USAGE', 'yibao settle --region liuzhou: 医院代码 / 用户 / 口令 from YIBAO_XNH_HOSPITAL_CODE, YIBAO_XNH_USER, YIBAO_XNH_PASSWORD or the liuzhou section of --config (`yibao sandbox --region liuzhou` prints them)');
      }
      const config = resolveConfig({ ...input, ...timeout, jInterface: { enabled: true, ...input.jInterface } });
      let client: LiuzhouClient | undefined;
      if (c.inpatient && (c.sandbox || c.endpoint)) {
        // the hospital's service for the run, with one user for the 农合 side (random password, loopback only)
        const users = new UserStore({ core });
        const xnhUser = { user: 'xnh', password: randomPassword() };
        users.add({ hospital: creds.hospitalCode, name: xnhUser.user, password: xnhUser.password, ips: ['127.0.0.1', '::1'], letters: '', status: 'active', created_by: 'yibao-cli' });
        his = await startLiuzhouHisService({ core, config, hospitalCode: creds.hospitalCode, users, inpatientData: (zybh) => client?.inpatientData(zybh) ?? null, log: c.verbose ? (l) => c.log(`  his: ${l}`) : undefined });
        const hisUrl = his.url;
        const compensation = sandboxCompensation({ core, config, url: creds.url, hospitalCode: creds.hospitalCode, user: creds.user, password: creds.password, hisService: { url: hisUrl, ...xnhUser } });
        client = new LiuzhouClient({ core, config, url: creds.url, hospitalCode: creds.hospitalCode, user: creds.user, password: creds.password, inpatientCompensation: compensation, log: c.verbose ? (e) => c.log(`${e.kind === 'request' ? '→' : '←'} ${e.code} ${e.text}`) : undefined });
      } else {
        client = new LiuzhouClient({ core, config, url: creds.url, hospitalCode: creds.hospitalCode, user: creds.user, password: creds.password, log: c.verbose ? (e) => c.log(`${e.kind === 'request' ? '→' : '←'} ${e.code} ${e.text}`) : undefined });
      }
      const result = c.inpatient ? await inpatientSettle(client, bill) : await outpatientSettle(client, bill);
      return { result, centerName: LIUZHOU_MANIFEST.name };
    } finally {
      await his?.close();
      his?.users.close();
      await sandbox?.close();
    }
  },

  /**
   * `yibao settle --region liuzhou --his-key K` / `yibao recover --region liuzhou`: the journaled 门诊 client on
   * --endpoint / --sandbox-url (a running sandbox or the center) or liuzhou.url / YIBAO_XNH_URL; credentials from
   * YIBAO_XNH_* / --config (with `settle --sandbox` the CLI sets them from the sandbox's `env` lines).
   */
  async reliable(c: LegacyCliContext, journal: Journal) {
    const { config: input, credentials } = loadLiuzhouConfig(c.one.get('--config'));
    const url = c.endpoint ?? credentials.url;
    if (!url) throw YibaoError.host('USAGE', `yibao settle --his-key | recover --region liuzhou: --sandbox, --endpoint URL / --sandbox-url URL or liuzhou.url / YIBAO_XNH_URL`);
    if (!credentials.hospitalCode || !credentials.user || !credentials.password) {
      throw YibaoError.host('USAGE', 'yibao --region liuzhou: 医院代码 / 用户 / 口令 from YIBAO_XNH_HOSPITAL_CODE, YIBAO_XNH_USER, YIBAO_XNH_PASSWORD or the liuzhou section of --config (`yibao sandbox --region liuzhou` prints them)');
    }
    const timeout = c.timeoutMs ? { soap: { ...input.soap, timeoutMs: c.timeoutMs } } : {};
    const client = new LiuzhouClient({
      core: createCore(), config: resolveConfig({ ...input, ...timeout }), url, hospitalCode: credentials.hospitalCode, user: credentials.user, password: credentials.password,
      log: c.verbose ? (e) => c.log(`${e.kind === 'request' ? '→' : '←'} ${e.code} ${e.text}`) : undefined,
    });
    return { rc: createLiuzhouReliableClient({ client, journal }), close: async () => undefined };
  },

  async sandbox(c: LegacyCliContext) {
    const { config, credentials } = loadLiuzhouConfig(c.one.get('--config'));
    const sb = await startLiuzhouSandbox({
      config, host: c.host ?? '127.0.0.1', port: c.port ?? 0, log: c.verbose ? c.log : undefined,
      hospitalCode: credentials.hospitalCode, user: credentials.user, password: credentials.password,
    });
    return {
      lines: [
        `listening ${sb.url}`,
        `env YIBAO_XNH_HOSPITAL_CODE=${sb.hospitalCode}`,
        `env YIBAO_XNH_USER=${sb.user}`,
        `env YIBAO_XNH_PASSWORD=${sb.password}`,
      ],
      close: () => sb.close(),
    };
  },
};
