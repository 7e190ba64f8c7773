import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runPluginConformance, expectEquivalentJson } from '../plugin.case.test.js';
import { createSichuanPlugin, createNationalPlugin } from './index.js';
import { decodeRequest, encodeRequest, decodeReply, encodeReply } from './canonical.js';
import { createCore } from '../../host-node/src/index.js';

const core = createCore();
const dir = fileURLToPath(new URL('../../../shared/conformance/samples/national/', import.meta.url));
const isRequest = (f: string) => /_request_/.test(f);

const samples = {
  dir,
  match: (f: string) => f.endsWith('.json'),
  roundTrip: (bytes: Uint8Array, f: string) => {
    if (isRequest(f)) {
      const c = decodeRequest(core, bytes);
      return { canonical: c, wire: encodeRequest(c) };
    }
    const c = decodeReply(core, bytes);
    return { canonical: c, wire: encodeReply(c) };
  },
  equivalent: (a: Uint8Array, b: Uint8Array | string) => expectEquivalentJson(core, a, b),
};

const requiredOps = [
  'signIn', 'signOut', 'identify', 'register', 'uploadVisit', 'uploadFees', 'presettle', 'settle', 'cancelSettle', 'cancelFees', 'cancelRegister',
  'admit', 'uploadInpatientFees', 'inpatientPresettle', 'discharge', 'inpatientSettle', 'cancelInpatientSettle', 'cancelDischarge',
  'cancelInpatientFees', 'cancelAdmission', 'pharmacyPresettle', 'pharmacySettle', 'pharmacyCancel', 'reverse', 'catalog', 'fileUpload',
  'fileDownload', 'reconcileTotals', 'reconcileDetails', 'settlementList', 'querySettlements', 'queryFeeDetails', 'queryAccumulators',
] as const;

runPluginConformance({ name: 'sichuan', factory: createSichuanPlugin, requiredOps: [...requiredOps], samples });
runPluginConformance({ name: 'national', factory: createNationalPlugin, requiredOps: [...requiredOps], samples });

describe('national canonical model', () => {
  it('amounts become fen and come back as the same yuan text', () => {
    const r = decodeReply(core, '{"infcode":0,"output":{"setlinfo":{"balc":1373.63,"hifp_pay":0,"age":35.0,"setl_id":"400125241"}}}');
    expect((r.output as any).setlinfo.balc).toBe(137363);
    expect(encodeReply(r)).toBe('{"infcode":0,"output":{"setlinfo":{"balc":1373.63,"hifp_pay":0.00,"age":35.0,"setl_id":"400125241"}}}');
  });

  it('the Sichuan plugin prefers A-variants; the baseline plugin does not', () => {
    const s = createSichuanPlugin({ core });
    const n = createNationalPlugin({ core });
    expect(s.infnoFor('settle')).toBe('2207A');
    expect(s.infnoFor('presettle')).toBe('2206A');
    expect(s.infnoFor('settle', '2207')).toBe('2207');
    expect(n.infnoFor('settle')).toBe('2207');
    expect(() => n.infnoFor('regional')).toThrowError(/NOT_SUPPORTED|不支持/);
  });

  it('envelope: lenient reply parsing (infcode as string, insuinfo as object, nulls, extra keys)', () => {
    const p = createSichuanPlugin({ core });
    const r = p.decode('{"infcode":"-1","err_msg":"签到编号无效","warn_msg":null,"extra":1}');
    expect(r).toMatchObject({ infcode: -1, err_msg: '签到编号无效', warn_msg: '', output: {} });
    expect(() => p.decode('{"infcode":0,')).toThrowError(/BAD_REPLY|无法解析/);
    expect(() => p.decode('[]')).toThrow();
  });

  it('envelope: request has every spec key and regional extras', () => {
    const p = createSichuanPlugin({ core, overrides: { envelope: { recer_sys_code: 'YBXT', infver: 'V1.0', opter_type: '1', extra: { serv_code: 'X' } } } });
    const req = p.encode('1101', { data: { psn_no: '1' } }, {
      msgid: 'H51010000001202611220101010001', infTime: '2026-11-22 01:01:01', signNo: '123', insuplcAdmdvs: '510100',
      institution: { fixmedins_code: 'H51010000001', fixmedins_name: '测试医院', mdtrtarea_admvs: '510100', opter: '0001', opter_name: '操作员' },
    });
    const body = JSON.parse(req.body);
    for (const k of ['infno', 'msgid', 'mdtrtarea_admvs', 'insuplc_admdvs', 'recer_sys_code', 'dev_no', 'dev_safe_info', 'cainfo', 'signtype', 'infver', 'opter_type', 'opter', 'opter_name', 'inf_time', 'fixmedins_code', 'fixmedins_name', 'sign_no', 'input'])
      expect(body, k).toHaveProperty(k);
    expect(body.serv_code).toBe('X');
    expect(body.msgid).toHaveLength(30);
  });
});
