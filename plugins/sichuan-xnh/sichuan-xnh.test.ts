// Sichuan 新农合 V3.0: the signature list and the codec (every class round-trips through the core's SOAP
// envelope), every function against the SOAP sandbox on loopback, the inpatient flow and the 门诊统筹 cycle
// through the shared flows, faults (malformed reply, SOAP faults, HTTP 500, shape mismatch), price control,
// UTF-8 of Chinese names, and recovery of an unanswered MZTCZLoginInt / SureInt / WriteQD.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../../host-node/src/core.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { inpatientSettle, outpatientSettle, type Bill } from '../../host-node/src/flows.js';
import { yuanToFen } from '../../host-node/src/money.js';
import { runPluginConformance } from '../plugin.case.test.js';
import { SichuanXnhClient } from './client.js';
import { XnhCodec } from './codec.js';
import { createSichuanXnhPlugin, createSichuanXnhPluginWith } from './index.js';
import { SICHUAN_XNH_MANIFEST, XNH_DEFAULT_CONFIG, xnhConfig } from './manifest.js';
import { XNH_CLASSES, XNH_CLASS_NAMES_FROM_SPEC, XNH_FUNCTIONS } from './spec.js';
import type { FalseOrTrue, InfosM, InfosSW, InfosI, MZTCZInfo, QDInfoClass, ValidateInfoClass } from './spec.js';
import { startSichuanXnhSandbox, type XnhSandbox } from './sandbox/index.js';
import { XNH_CATALOG } from './sandbox/catalog.js';
import { XNH_SANDBOX_POLICY } from './sandbox/policy.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SIGNATURES = join(root, '../shared/conformance/samples/ws/sichuan-xnh/SIGNATURES_FROM_SEED.txt');
const bill = (f: string): Bill => JSON.parse(readFileSync(join(root, 'test/fixtures', f), 'utf8')) as Bill;
const core = createCore();
const codec = new XnhCodec(XNH_DEFAULT_CONFIG);

/** 参合证号 of the sandbox's seed persons */
const PC = { zhang: '5101220000000101', li: '5101220000000201', gbk: '5101220000000301', zhao: '5101220000000401', blocked: '5101220000000501' };
const row = (code: string) => XNH_CATALOG.find((r) => r.code === code)!;

async function expectCode(p: Promise<unknown>, code: string, detail?: RegExp): Promise<YibaoError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e, `expected ${code}`).toBeInstanceOf(YibaoError);
  expect((e as YibaoError).code, (e as Error).message).toBe(code);
  if (detail) expect((e as YibaoError).message).toMatch(detail);
  return e as YibaoError;
}

runPluginConformance({
  name: 'sichuan-xnh',
  factory: createSichuanXnhPlugin,
  requiredOps: [
    'identify', 'signIn', 'institutionInfo', 'treatmentCheck', 'catalog', 'admit', 'uploadInpatientFees', 'cancelInpatientFees', 'updateAdmission', 'discharge',
    'queryFeeDetails', 'querySettlements', 'queryInHospital', 'dictionary', 'settle', 'cancelSettle', 'reverse', 'queryVisits',
  ],
});

describe('signature list: every function of the specification, exact names, order and C# types', () => {
  const text = readFileSync(SIGNATURES, 'utf8');
  const parsed: { part: string; no: number; name: string; params: { type: string; name: string }[] }[] = [];
  let part = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('## 住院接口 functions')) part = '住院';
    else if (line.startsWith('## 门诊统筹接口 functions')) part = '门诊统筹';
    else if (line.startsWith('##')) part = '';
    const m = /^(\d+)\s+(\w+)\((.*)$/.exec(line.trim());
    if (part && m) {
      const params = m[3]!.trim() ? m[3]!.split(',').map((s) => { const [type, name] = s.trim().split(/\s+/) as [string, string]; return { type, name }; }) : [];
      parsed.push({ part, no: Number(m[1]), name: m[2]!, params });
    }
  }

  it('the document lists 31 住院 and 10 门诊统筹 functions; the manifest has exactly those', () => {
    expect(parsed.filter((p) => p.part === '住院')).toHaveLength(31);
    expect(parsed.filter((p) => p.part === '门诊统筹')).toHaveLength(10);
    expect(Object.keys(XNH_FUNCTIONS).sort()).toEqual(parsed.map((p) => p.name).sort());
    expect(Object.keys(SICHUAN_XNH_MANIFEST.transactions).sort()).toEqual(parsed.map((p) => p.name).sort());
  });

  it.each(parsed.map((p) => [p.name, p] as const))('%s: number, part, parameter names, order and types as printed', (name, p) => {
    const f = XNH_FUNCTIONS[name]!;
    expect(f.no).toBe(p.no);
    expect(f.part).toBe(p.part);
    expect(f.params).toEqual(p.params);
    expect(f.service).toBe(p.part === '住院' ? 'main' : 'mztcz');
    // every parameter and return type resolves to a scalar or a configured class
    for (const prm of f.params) expect(() => codec.resolve(prm.type)).not.toThrow();
    expect(() => codec.resolve(f.returns)).not.toThrow();
  });

  it('every class the document names has a configured field list (and nothing else is configured)', () => {
    expect(Object.keys(XNH_CLASSES).sort()).toEqual([...XNH_CLASS_NAMES_FROM_SPEC].sort());
    const classLines = text.split('\n').filter((l) => !/^\s*(#|\d)/.test(l) && l.includes(';')).join(' ');
    for (const c of XNH_CLASS_NAMES_FROM_SPEC) expect(classLines).toMatch(new RegExp(`\\b${c}\\b`));
  });
});

/** A value of every field of a class (nested classes and arrays included), for round trips. */
function sample(type: string, depth = 0, arrayLen = 2): unknown {
  const r = codec.resolve(type);
  if (r.kind === 'scalar') return { string: '王〇丂齄 <&> "x"', int: -42, decimal: '-1234.50', DateTime: '2026-11-22T10:00:00', bool: true }[r.scalar];
  if (r.kind === 'array') return depth > 2 ? [] : Array.from({ length: arrayLen }, () => sample(type.slice(0, -2), depth + 1, arrayLen));
  return Object.fromEntries(r.fields.map((f) => [f.name, sample(f.type, depth + 1, arrayLen)]));
}

function roundTrip(type: string, v: unknown): unknown {
  const enc = codec.encode(type, v, 'v');
  const bytes = core.soap.encode({ version: '1.1', ns: 'http://tempuri.org/', name: 'T', value: { v: enc! } });
  const msg = core.soap.decode(bytes);
  return codec.decode(type, msg.value!.v, 'v');
}

describe('codec: ASMX values (conformance-style round trips of every class)', () => {
  it.each(Object.keys(XNH_CLASSES).map((c) => [c]))('class %s: encode → SOAP envelope (core op 33) → decode (op 34) → decode gives the value back', (c) => {
    for (const n of [1, 2]) {
      const v = sample(c, 0, n);
      expect(roundTrip(c, v)).toEqual(v);
    }
  });

  it('arrays are wrapper elements with one item element per entry, named after the item type', () => {
    const xml = (fn: string, args: Record<string, unknown>) => new TextDecoder().decode(core.soap.encode({ version: '1.1', ns: 'http://tempuri.org/', name: fn, value: codec.encodeParams(fn, args) }));
    expect(xml('DeleteQD3', { qdid: [11, 12], UID: 'u', HACCCODE: 'h' })).toContain('<DeleteQD3 xmlns="http://tempuri.org/"><qdid><int>11</int><int>12</int></qdid><UID>u</UID><HACCCODE>h</HACCCODE></DeleteQD3>');
    expect(xml('CYBL', { HaccCode: 'h', zylshID: 'z', userID: 'u', cyZtbm: '1', cyKs: 'A04', jbBm: ['K35.800'] })).toContain('<jbBm><string>K35.800</string></jbBm>');
    const vinfo: ValidateInfoClass = { HACCCODE: 'h', UID: 'u', PERSONCODE: 'p', ZYID: 'z' };
    const qd = sample('QDInfoClass') as QDInfoClass;
    const w = xml('WriteQD1', { vinfo, qdinfo: [qd] });
    expect(w).toMatch(/<vinfo><HACCCODE>h<\/HACCCODE><UID>u<\/UID><PERSONCODE>p<\/PERSONCODE><ZYID>z<\/ZYID><\/vinfo><qdinfo><QDInfoClass><hqdid>-42<\/hqdid>/);
    expect(w).toContain('<price>-1234.50</price>');
    expect(w).toContain('<qdtime>2026-11-22T10:00:00</qdtime>');
    const ry = xml('RYHandle', { HACCCODE: 'h', PERSONCODE: 'p', UID: 'u', ZYCODE: 'Z', JZTYPE: '1', RYKS: 'A04', CWCODE: '1', DOCTORNAME: 'd', RYSTATUS: '1', RYOPERATOR: 'o', ERROID: '', jbbm: [{ JBBM: 'K35.800', JBMC: '急性阑尾炎' }] });
    expect(ry).toContain('<ERROID /><jbbm><JB><JBBM>K35.800</JBBM><JBMC>急性阑尾炎</JBMC></JB></jbbm>');
    // parameter order is the signature's, whatever the order of the arguments object
    expect(xml('CheckItem', { HID: 5, ADDPRICEREASON: 'r', IPRICE: '1.5', IID: 3 })).toContain('<CheckItem xmlns="http://tempuri.org/"><IID>3</IID><IPRICE>1.5</IPRICE><HID>5</HID><ADDPRICEREASON>r</ADDPRICEREASON></CheckItem>');
  });

  it('decimals never travel as binary floats; ints are 32-bit; DateTime is xs:dateTime; unknown fields and parameters are refused', async () => {
    expect(() => codec.encodeParams('CheckMed', { MID: 1, MPRICE: 12.5, HID: 1 })).toThrow(/binary float/);
    expect(codec.encodeParams('CheckMed', { MID: 1, MPRICE: 12, HID: 1 }).MPRICE).toBe('12');
    expect(() => codec.encodeParams('CheckMed', { MID: 2 ** 31, MPRICE: '1', HID: 1 })).toThrow(/32-bit/);
    expect(() => codec.encodeParams('CheckMed', { MID: 1, MPRICE: '1', HID: 1, X: 1 })).toThrow(/no parameter X/);
    expect(() => codec.encodeParams('CheckMed', { MID: 1, HID: 1 })).toThrow(/MPRICE .* missing/);
    expect(() => codec.encode('Time', { TIME: '2026-11-22', EXTRA: 1 }, 't')).toThrow(/no field EXTRA/);
    expect(codec.encode('Time', { TIME: '2026-11-22 08:30:00' }, 't')).toEqual({ TIME: '2026-11-22T08:30:00' });
    expect(codec.encode('Time', { TIME: new Date('2026-11-22T00:30:00Z') }, 't')).toEqual({ TIME: '2026-11-22T08:30:00' });
    expect(() => codec.encode('Time', { TIME: '22/11/2026' }, 't')).toThrow(/xs:dateTime/);
    // reading: a value not of the configured type is BAD_REPLY naming the path
    const e = (() => { try { codec.decodeResult('CheckHosAccredit1', { Flag: 'true', Message: '', HID: 'abc' }); } catch (x) { return x as YibaoError; } return null; })();
    expect(e?.code).toBe('BAD_REPLY');
    expect(e?.message).toContain('CheckHosAccredit1Result.HID');
    // nil is null, an empty array element is [], unknown children are kept aside
    expect(codec.decodeResult('QueryMZTCInfo3', '')).toEqual([]);
    expect(codec.decodeResult('QueryMZTCInfo3', null)).toBeNull();
    expect(codec.decode('JB', { JBBM: 'a', JBMC: 'b', NEW: 'c' }, 'j')).toEqual({ JBBM: 'a', JBMC: 'b', $extra: { NEW: 'c' } });
  });

  it('class fields, wire names and type aliases are configuration', () => {
    const cfg = xnhConfig({ classes: { FalseOrTrue: [{ name: 'Flag', type: 'bool', wire: 'IsTrue' }, { name: 'Message', type: 'string', wire: 'Msg' }] } });
    const c2 = new XnhCodec(cfg);
    expect(c2.encode('FalseOrTrue', { Flag: false, Message: 'x' }, 'r')).toEqual({ IsTrue: 'false', Msg: 'x' });
    expect(c2.decodeResult('CheckDB', { IsTrue: 'true', Msg: '' })).toEqual({ Flag: true, Message: '' });
    expect(codec.resolve('jb[]')).toMatchObject({ kind: 'array', element: 'JB' });
    expect(codec.resolve('MZTCZ.MZTCZInfo')).toMatchObject({ kind: 'class', name: 'MZTCZInfo' });
    const c3 = new XnhCodec(xnhConfig({ arrayItems: { JB: 'jb' } }));
    expect(c3.resolve('jb[]')).toMatchObject({ element: 'jb' });
  });

  it('plugin encode/decode: one function as a SOAP 1.1 request with SOAPAction, a response read into the typed result', () => {
    const plugin = createSichuanXnhPluginWith({ core });
    const ctx = { msgid: 'm1', infTime: '', signNo: '', insuplcAdmdvs: '', institution: { fixmedins_code: '', fixmedins_name: '', mdtrtarea_admvs: '', opter: '', opter_name: '' } };
    const req = plugin.encode('CheckUser', { UID: '0001', HACCCODE: 'H' }, ctx);
    expect(req.headers).toEqual({ 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://tempuri.org/CheckUser"' });
    expect(req.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>.*<soap:Body><CheckUser xmlns="http:\/\/tempuri.org\/"><UID>0001<\/UID><HACCCODE>H<\/HACCCODE><\/CheckUser>/);
    const reply = core.soap.encode({ version: '1.1', ns: 'http://tempuri.org/', name: 'CheckUserResponse', value: { CheckUserResult: { Flag: 'false', Message: '操作员不存在' } } });
    const d = plugin.decode(reply);
    expect(d.infcode).toBe(-1);
    expect(d.err_msg).toBe('操作员不存在');
    expect(d.output).toEqual({ function: 'CheckUser', result: { Flag: false, Message: '操作员不存在' } });
    const fault = plugin.decode(core.soap.encode({ version: '1.1', ns: '', fault: { code: 'soap:Server', reason: 'boom' } }));
    expect(fault.infcode).toBe(-1);
    expect(fault.err_msg).toContain('boom');
    expect(plugin.infnoFor('settle')).toBe('MZTCZLoginInt');
    expect(plugin.infnoFor('inpatientSettle')).toBe('QueryBC');
    expect(plugin.infnoFor('admit')).toBe('RYHandle');
    const v12 = createSichuanXnhPluginWith({ core, xnh: { services: { main: { path: '/x.asmx', ns: 'urn:xnh', version: '1.2' }, mztcz: XNH_DEFAULT_CONFIG.services.mztcz } } });
    const r12 = v12.encode('CheckDB', {}, ctx);
    expect(r12.headers!['content-type']).toBe('application/soap+xml; charset=utf-8; action="urn:xnhCheckDB"');
    expect(r12.body).toContain('http://www.w3.org/2003/05/soap-envelope');
  });
});

describe('sandbox: every function of the list over real SOAP on loopback', () => {
  let sb: XnhSandbox;
  let c: SichuanXnhClient;
  const covered = new Set<string>();
  const call = async <T = unknown>(fn: string, args: Record<string, unknown> = {}) => {
    covered.add(fn);
    return c.call<T>(fn, args);
  };
  const ctx: { hid: number; zyid: string; qd: Record<number, number>; mz: string; mz2: string; meds: InfosM['Meds']; sws: InfosSW['SWs']; items: InfosI['ItemList'] } = {
    hid: 0, zyid: '', qd: {}, mz: '', mz2: '', meds: [], sws: [], items: [],
  };
  const H = () => sb.identity.hacccode;
  const U = () => sb.identity.uid;
  const vinfo = (): ValidateInfoClass => ({ HACCCODE: H(), UID: U(), PERSONCODE: PC.gbk, ZYID: ctx.zyid });
  const id = (list: { MCODE?: string; SCODE?: string; ICODE?: string; MID?: number; SID?: number; IID?: number }[], code: string) => {
    const x = list.find((r) => r.MCODE === code || r.SCODE === code || r.ICODE === code)!;
    return (x.MID ?? x.SID ?? x.IID)!;
  };
  const line = (hqdid: number, code: string, price: string, count: string, money: string, extra: Partial<QDInfoClass> = {}): QDInfoClass => {
    const r = row(code);
    return {
      hqdid, ZYID: ctx.zyid, DLB: { med: '1', sw: '2', item: '3' }[r.dlb], xmid: r.id, HISCODE: code, XMMC: r.name, SPEC: '', UNIT: r.unit, price, count, money, zfund: '0',
      doctor: '王〇丂齄', KS: 'A04', qdtime: '2026-11-22T09:00:00', reason: '', ...extra,
    };
  };

  beforeAll(async () => {
    // the center's clock is fixed (2026-11-22 09:00 China time) so that the time windows below are stable
    sb = await startSichuanXnhSandbox({ core, now: () => new Date('2026-11-22T01:00:00Z') });
    c = new SichuanXnhClient({ core, url: sb.url, ...sb.identity });
  });
  afterAll(async () => sb.close());

  it('初始化: CheckDB, CheckHosAccredit1 (HID), CheckUser', async () => {
    expect(await call<FalseOrTrue>('CheckDB')).toEqual({ Flag: true, Message: '数据库连接正常' });
    const h = await call<{ Flag: boolean; HID: number; Accredit: { AREACODE: string } }>('CheckHosAccredit1', { HACCCODE: H() });
    expect(h.Flag).toBe(true);
    expect(Number.isInteger(h.HID)).toBe(true);
    expect(h.Accredit.AREACODE).toBe('510122');
    ctx.hid = h.HID;
    expect((await call<{ Flag: boolean }>('CheckHosAccredit1', { HACCCODE: 'NOT-A-CODE' })).Flag).toBe(false);
    expect((await call<FalseOrTrue>('CheckUser', { UID: U(), HACCCODE: H() })).Flag).toBe(true);
    expect(await call<FalseOrTrue>('CheckUser', { UID: '9999', HACCCODE: H() })).toEqual({ Flag: false, Message: '操作员【9999】不存在或不属于本院' });
  });

  it('人员: QueryPersoninfo by ID card / family / unknown condition, CheckPersonCode, QueryUsersTable', async () => {
    const p = await call<{ Flag: boolean; Persons: { PERSONCODE: string; NAME: string; IDCARD: string; FAMILYCODE: string; BIRTHDAY: string }[] }>('QueryPersoninfo', { QUERYCONDITION: 'IDCARD', QUERYKEY: '510107199006074619' });
    expect(p.Flag).toBe(true);
    expect(p.Persons).toHaveLength(1);
    expect(p.Persons[0]).toMatchObject({ PERSONCODE: PC.gbk, NAME: '昜晐·丂齄﨩', BIRTHDAY: '1990-06-07T00:00:00' });
    const fam = await call<{ Count: number }>('QueryPersoninfo', { QUERYCONDITION: 'FAMILYCODE', QUERYKEY: p.Persons[0]!.FAMILYCODE });
    expect(fam.Count).toBe(1);
    expect((await call<FalseOrTrue>('QueryPersoninfo', { QUERYCONDITION: 'SQL', QUERYKEY: 'x' })).Flag).toBe(false);
    expect((await call<FalseOrTrue>('CheckPersonCode', { PERSONCODE: PC.gbk })).Flag).toBe(true);
    const blocked = await call<FalseOrTrue>('CheckPersonCode', { PERSONCODE: PC.blocked });
    expect(blocked.Flag).toBe(false);
    expect(blocked.Message).toContain('未参合或待遇暂停');
    const u = await call<{ Count: number; UserList: { UID: string }[] }>('QueryUsersTable', { HACCCODE: H() });
    expect(u.UserList.map((x) => x.UID)).toEqual(['0001', '0002']);
  });

  it('目录: QueryMed / QuerySW / QueryItem, the v2 QueryMed1 / QuerySW1 and the paged QueryItem1', async () => {
    const m = await call<InfosM>('QueryMed', { HACCCODE: H() });
    ctx.meds = m.Meds;
    expect(m.Count).toBe(m.Meds.length);
    expect(m.Meds.find((x) => x.MCODE === 'XJ01CAA040A001010100001')).toMatchObject({ MNAME: '阿莫西林胶囊', PRICE: null, LB: '甲' });
    expect(m.Meds.find((x) => x.MCODE === 'XB05BBN001B002010100010')?.PRICE).toBe('5.00');
    const s = await call<InfosSW>('QuerySW', { HACCCODE: H() });
    ctx.sws = s.SWs;
    expect(s.SWs.every((x) => Number.isInteger(x.SID))).toBe(true);
    const i = await call<InfosI>('QueryItem', { HACCCODE: H() });
    ctx.items = i.ItemList;
    expect(i.ItemList.find((x) => x.ICODE === '002202030010000')?.PRICE).toBe('300.00');
    const m1 = await call<{ Meds: { PYM: string; UPDATETIME: string }[] }>('QueryMed1', { HACCCODE: H() });
    expect(m1.Meds[0]!.UPDATETIME).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00$/);
    const s1 = await call<{ SWs: { PYM: string }[] }>('QuerySW1', { HACCCODE: H() });
    expect(s1.SWs.length).toBe(s.SWs.length);
    const pages: unknown[] = [];
    const p1 = await call<{ PageCount: number; ItemList: unknown[] }>('QueryItem1', { HACCCODE: H(), pagenum: 1 });
    expect(p1.PageCount).toBeGreaterThan(1);
    for (let n = 1; n <= p1.PageCount; n++) pages.push(...(await call<{ ItemList: unknown[] }>('QueryItem1', { HACCCODE: H(), pagenum: n })).ItemList);
    expect(pages).toEqual(i.ItemList);
    expect((await call<FalseOrTrue>('QueryItem1', { HACCCODE: H(), pagenum: 0 })).Flag).toBe(false);
    expect((await call<FalseOrTrue>('QueryMed', { HACCCODE: 'bad' })).Flag).toBe(false);
  });

  it('价格控制: CheckMed / CheckSW / CheckItem against the 农合 限价 (诊疗项目 above it only with an 加价理由)', async () => {
    expect((await call<FalseOrTrue>('CheckMed', { MID: id(ctx.meds, 'XB05BBN001B002010100010'), MPRICE: '4.20', HID: ctx.hid })).Flag).toBe(true);
    const over = await call<FalseOrTrue>('CheckMed', { MID: id(ctx.meds, 'XB05BBN001B002010100010'), MPRICE: '5.01', HID: ctx.hid });
    expect(over).toEqual({ Flag: false, Message: '【氯化钠注射液】单价5.01超过农合限价5.00' });
    expect((await call<FalseOrTrue>('CheckSW', { SID: id(ctx.sws, '001102000010000'), SPRICE: '35.00', HID: ctx.hid })).Flag).toBe(true);
    expect((await call<FalseOrTrue>('CheckSW', { SID: id(ctx.sws, '001102000010000'), SPRICE: '35.00', HID: 1 })).Message).toBe('医院ID【1】无效');
    const ct = id(ctx.items, '002202030010000');
    expect((await call<FalseOrTrue>('CheckItem', { IID: ct, IPRICE: '320.00', HID: ctx.hid, ADDPRICEREASON: '' })).Flag).toBe(false);
    expect((await call<FalseOrTrue>('CheckItem', { IID: ct, IPRICE: '320.00', HID: ctx.hid, ADDPRICEREASON: '增强扫描加收' })).Flag).toBe(true);
    expect((await call<FalseOrTrue>('CheckItem', { IID: 999999, IPRICE: '1', HID: ctx.hid, ADDPRICEREASON: '' })).Message).toBe('项目不存在于农合目录');
  });

  it('入院: IsPatient1 before/after, RYHandle (a Chinese doctor name with GBK-only characters arrives intact), IsPatient2, ModifyRY, ModifyRYTime', async () => {
    expect((await call<{ ISPATIENT: boolean }>('IsPatient1', { PERSONCODE: PC.gbk })).ISPATIENT).toBe(false);
    const ry = await call<{ Flag: boolean; ZYID: string; FHSTATUS: string }>('RYHandle', {
      HACCCODE: H(), PERSONCODE: PC.gbk, UID: U(), ZYCODE: 'ZY-T-0001', JZTYPE: '1', RYKS: 'A04', CWCODE: '12', DOCTORNAME: '王〇丂齄', RYSTATUS: '1', RYOPERATOR: '住院处〇',
      ERROID: '', jbbm: [{ JBBM: 'K35.800', JBMC: '急性阑尾炎' }],
    });
    expect(ry.Flag).toBe(true);
    expect(ry.ZYID).toMatch(/^ZY/);
    ctx.zyid = ry.ZYID;
    expect(sb.center.received.filter((r) => r.fn === 'RYHandle').map((r) => r.value)).toEqual(['王〇丂齄', '住院处〇']);
    const again = await call<{ Flag: boolean; Message: string }>('RYHandle', {
      HACCCODE: H(), PERSONCODE: PC.gbk, UID: U(), ZYCODE: 'ZY-T-0002', JZTYPE: '1', RYKS: 'A04', CWCODE: '', DOCTORNAME: '', RYSTATUS: '1', RYOPERATOR: '', ERROID: '', jbbm: [{ JBBM: 'K35.800', JBMC: '' }],
    });
    expect(again.Flag).toBe(false);
    expect(again.Message).toContain('已在院');
    const ip = await call<{ ISPATIENT: boolean; ZYID: string; ZYCODE: string }>('IsPatient1', { PERSONCODE: PC.gbk });
    expect(ip).toMatchObject({ ISPATIENT: true, ZYID: ctx.zyid, ZYCODE: 'ZY-T-0001' });
    const zy = await call<{ DOCTORNAME: string; Diseases: { JBBM: string }[]; CYDATE: string | null; STATUS: string }>('IsPatient2', { PERSONCODE: PC.gbk });
    expect(zy).toMatchObject({ DOCTORNAME: '王〇丂齄', CYDATE: null, STATUS: '1' });
    expect(zy.Diseases).toEqual([{ JBBM: 'K35.800', JBMC: '急性阑尾炎' }]);
    const mod = await call<{ Flag: boolean; ZYID: string }>('ModifyRY', {
      HACCCODE: H(), ZYID: ctx.zyid, UID: U(), JZTYPE: '1', ZYCODE: 'ZY-T-0001', RYSTATUS: '2', RYKS: 'A04', CWCODE: '15', DOCTORNAME: '齄医生', ERROID: '',
      jbbm: [{ JBBM: 'K35.800', JBMC: '急性阑尾炎' }, { JBBM: 'I10.x00', JBMC: '原发性高血压' }],
    });
    expect(mod).toMatchObject({ Flag: true, ZYID: ctx.zyid });
    expect((await c.IsPatient2(PC.gbk)).CWCODE).toBe('15');
    expect((await call<FalseOrTrue>('ModifyRYTime', { vinfo: vinfo(), intime: { TIME: '2026-11-20T08:00:00' } })).Flag).toBe(true);
    expect((await c.IsPatient2(PC.gbk)).RYDATE).toBe('2026-11-20T08:00:00');
    expect((await call<FalseOrTrue>('ModifyRYTime', { vinfo: { ...vinfo(), PERSONCODE: PC.zhang }, intime: { TIME: '2026-11-20T08:00:00' } })).Message).toContain('不属于');
  });

  it('每日清单: WriteQD1 (all or nothing, 农合 qdid per hqdid), WriteQD2 (per line), ModifyQD1/2, DeleteQD1/2/3, QueryQD', async () => {
    const bad = await call<{ Flag: boolean; Errors: { hqdid: number; ErrCode: string }[] }>('WriteQD1', {
      vinfo: vinfo(), qdinfo: [line(1, '001102000010000', '35.00', '3', '105.00'), line(2, 'XB05BBN001B002010100010', '6.00', '1', '6.00')],
    });
    expect(bad.Flag).toBe(false);
    expect(bad.Errors).toEqual([{ hqdid: 2, ErrCode: 'E04', Message: '【氯化钠注射液】单价6.00超过农合限价5.00' }]);
    expect((await c.QueryQD(PC.gbk)).Count).toBe(0);
    const w1 = await call<{ Flag: boolean; Count: number; QDIDs: { hqdid: number; qdid: number }[] }>('WriteQD1', {
      vinfo: vinfo(), qdinfo: [line(1, '001102000010000', '35.00', '3', '105.00'), line(2, 'XB05BBN001B002010100010', '4.20', '10', '42.00'), line(3, '002503030010000', '60.00', '1', '60.00')],
    });
    expect(w1.Flag).toBe(true);
    expect(w1.QDIDs.map((x) => x.hqdid)).toEqual([1, 2, 3]);
    for (const x of w1.QDIDs) ctx.qd[x.hqdid] = x.qdid;
    const w2 = await call<{ hqdid: number; qdid: number; Flag: boolean; Message: string }[]>('WriteQD2', {
      vinfo: vinfo(), qdinfo: [line(4, '001202000020000', '24.00', '3', '72.00'), line(1, '001102000010000', '35.00', '1', '35.00'), line(5, '002202030010000', '320.00', '1', '320.00', { reason: '增强扫描加收' })],
    });
    expect(w2.map((x) => x.Flag)).toEqual([true, false, true]);
    expect(w2[1]!.Message).toBe('E01 HIS清单号【1】重复');
    ctx.qd[4] = w2[0]!.qdid;
    ctx.qd[5] = w2[2]!.qdid;
    // negative quantity (负数冲帐) only against what is there
    const neg = await c.WriteQD2(vinfo(), [line(6, 'XB05BBN001B002010100010', '4.20', '-3', '-12.60'), line(7, 'XB05BBN001B002010100010', '4.20', '-8', '-33.60')]);
    expect(neg.map((x) => x.Flag)).toEqual([true, false]);
    expect(neg[1]!.Message).toContain('E05');
    ctx.qd[6] = neg[0]!.qdid;
    expect((await call<FalseOrTrue>('ModifyQD1', { vinfo: vinfo(), qdinfo: line(3, '002503030010000', '60.00', '2', '120.00') })).Flag).toBe(true);
    expect((await call<FalseOrTrue>('ModifyQD1', { vinfo: vinfo(), qdinfo: line(3, '002503030010000', '60.00', '2', '100.00') })).Message).toContain('E03');
    expect((await call<FalseOrTrue>('ModifyQD2', { qdid: ctx.qd[4], count: '2', zfund: '0', DLB: '3', reason: '', xmid: row('001202000020000').id, doctor: '护士〇', UID: U(), HACCCODE: H() })).Flag).toBe(true);
    expect((await call<FalseOrTrue>('DeleteQD1', { hqdid: 6, vinfo: vinfo() })).Flag).toBe(true);
    expect((await call<FalseOrTrue>('DeleteQD1', { hqdid: 6, vinfo: vinfo() })).Message).toBe('HIS清单号【6】不存在或已删除');
    expect((await call<FalseOrTrue>('DeleteQD2', { qdid: ctx.qd[5], UID: U(), HACCCODE: H() })).Flag).toBe(true);
    const w3 = await c.WriteQD1(vinfo(), [line(8, 'XJ01CAA040A001010100001', '12.50', '2', '25.00'), line(9, 'XJ01DCK036A001010100002', '28.60', '1', '28.60')]);
    expect((await call<FalseOrTrue>('DeleteQD3', { qdid: w3.QDIDs.map((x) => x.qdid), UID: U(), HACCCODE: H() })).Flag).toBe(true);
    expect((await call<FalseOrTrue>('DeleteQD3', { qdid: [w3.QDIDs[0]!.qdid], UID: U(), HACCCODE: H() })).Flag).toBe(false);
    const q = await call<{ Count: number; TotalMoney: string; QDList: { hqdid: number; qdid: number; count: string; money: string; doctor: string }[] }>('QueryQD', { HACCCODE: H(), PERSONCODE: PC.gbk });
    expect(q.QDList.map((x) => [x.hqdid, x.count, x.money])).toEqual([[1, '3', '105.00'], [2, '10', '42.00'], [3, '2', '120.00'], [4, '2', '48.00']]);
    expect(q.QDList.find((x) => x.hqdid === 1)!.qdid).toBe(ctx.qd[1]);
    expect(q.QDList.find((x) => x.hqdid === 4)!.doctor).toBe('护士〇');
    expect(q.TotalMoney).toBe('315.00');
  });

  it('出院 and 统计结算: CYBL computes the 补偿, ModifyCYTime, QueryBC summary and detail', async () => {
    const cy = await call<FalseOrTrue>('CYBL', { HaccCode: H(), zylshID: ctx.zyid, userID: U(), cyZtbm: '1', cyKs: 'A04', jbBm: ['K35.800'] });
    expect(cy.Flag).toBe(true);
    expect((await c.CYBL(ctx.zyid, '1', 'A04', ['K35.800'])).Message).toContain('已出院');
    expect((await c.WriteQD1(vinfo(), [line(10, 'XJ01CAA040A001010100001', '12.50', '1', '12.50')])).Message).toContain('已出院');
    expect((await call<FalseOrTrue>('ModifyCYTime', { vinfo: vinfo(), intime: { TIME: '2026-11-19T08:00:00' } })).Message).toBe('出院时间不能早于入院时间');
    expect((await call<FalseOrTrue>('ModifyCYTime', { vinfo: vinfo(), intime: { TIME: '2026-11-23T10:00:00' } })).Flag).toBe(true);
    const d = await call<{ Flag: boolean; Details: { ZYID: string; CYDATE: string; Money: Record<string, string> }[]; Summary: unknown[] }>('QueryBC', { HACCCODE: H(), BeginTime: '2026-01-01T00:00:00', EndTime: '2030-12-31T00:00:00', choose: 1 });
    expect(d.Summary).toEqual([]);
    const mine = d.Details.find((x) => x.ZYID === ctx.zyid)!;
    expect(mine.CYDATE).toBe('2026-11-23T10:00:00');
    const m = mine.Money;
    expect(m.TotalMoney).toBe('315.00');
    // 315.00 is below the 起付线 500.00: nothing is compensated
    expect(m).toMatchObject({ QFX: '315.00', BCMoney: '0.00', SelfMoney: '315.00' });
    const s = await call<{ Summary: { BCTYPE: string; RC: number; TotalMoney: string }[]; Details: unknown[] }>('QueryBC', { HACCCODE: H(), BeginTime: '2026-01-01T00:00:00', EndTime: '2030-12-31T00:00:00', choose: 0 });
    expect(s.Details).toEqual([]);
    expect(s.Summary.find((x) => x.BCTYPE === '住院')).toMatchObject({ RC: 1, TotalMoney: '315.00' });
    expect((await call<FalseOrTrue>('QueryBC', { HACCCODE: H(), BeginTime: '2026-01-01', EndTime: '2030-12-31', choose: 7 })).Flag).toBe(false);
    expect((await c.IsPatient1(PC.gbk)).ISPATIENT).toBe(false);
    expect((await c.IsPatient2(PC.gbk)).STATUS).toBe('2');
  });

  it('门诊统筹: QuerySystemTime, QueryJBBM (paged), QueryYYKS, LoginInt → query by status → SureInt → HCInt → re-entry → DeleteInt', async () => {
    expect(await call<string>('QuerySystemTime')).toBe('2026-11-22T09:00:00');
    const j1 = await call<{ PageCount: number; JBList: { BM: string }[] }>('QueryJBBM', { pagenum: 1 });
    expect(j1.PageCount).toBe(2);
    expect(j1.JBList).toHaveLength(5);
    expect((await call<{ JBList: unknown[] }>('QueryJBBM', { pagenum: 2 })).JBList).toHaveLength(3);
    expect((await call<{ KSList: { KSBM: string }[] }>('QueryYYKS', { HACCCODE: H() })).KSList.map((k) => k.KSBM)).toContain('A03');
    const amox = row('XJ01CAA040A001010100001');
    const info = (mzh: string, count = '2'): Partial<MZTCZInfo> => ({
      mztczID: '0', hcmztczID: '0', personCode: PC.zhao, NAME: '', HaccCode: H(), userID: U(), MZH: mzh, KSBM: 'A03', DOCTOR: '李〇', JBBM: 'J06.900', JZDATE: '2026-11-22T09:00:00',
      TotalMoney: count === '2' ? '25.00' : '12.50', MXList: [{ xh: 1, DLB: '1', xmid: amox.id, XMBM: amox.code, XMMC: amox.name, SPEC: '', UNIT: '盒', price: '12.50', count, money: count === '2' ? '25.00' : '12.50' }],
    });
    const r = await call<{ Flag: boolean; mztczID: string; TotalMoney: string; BCMoney: string; SelfMoney: string; status: string }>('MZTCZLoginInt', { info: info('MZ-T-1'), choose: 0, hcmztczID: '0', personCode: PC.zhao, HaccCode: H() });
    expect(r).toMatchObject({ Flag: true, TotalMoney: '25.00', BCMoney: '12.50', SelfMoney: '12.50', status: '0' });
    ctx.mz = r.mztczID;
    const dup = await c.MZTCZLoginInt(info('MZ-T-1'), 0, '0', PC.zhao);
    expect(dup.Message).toContain('已有门诊统筹记录');
    expect((await call<MZTCZInfo[]>('QueryMZTCInfo2', { HaccCode: H(), status: '0' })).map((x) => x.mztczID)).toContain(ctx.mz);
    const reg = await call<MZTCZInfo[]>('QueryMZTCInfo3', { personCode: PC.zhao, HaccCode: H(), status: '0' });
    expect(reg).toHaveLength(1);
    expect(reg[0]).toMatchObject({ MZH: 'MZ-T-1', DOCTOR: '李〇', status: '0' });
    expect(reg[0]!.MXList).toHaveLength(1);
    expect((await call<FalseOrTrue>('MZTCZSureInt', { HaccCode: H(), mztczID: ctx.mz, userID: U() })).Flag).toBe(true);
    expect((await c.MZTCZDeleteInt(ctx.mz)).Message).toContain('请红冲');
    const byTime = await call<MZTCZInfo[]>('QueryMZTCInfo1', { personCode: PC.zhao, HaccCode: H(), status: '1', beginTime: '2026-11-22T00:00:00', endTime: '2026-11-22T23:59:59' });
    expect(byTime.map((x) => x.mztczID)).toEqual([ctx.mz]);
    expect(await c.QueryMZTCInfo1(PC.zhao, '1', '2020-01-01T00:00:00', '2020-12-31T00:00:00')).toEqual([]);
    expect((await c.MZTCZHCInt(ctx.mz, '')).Message).toBe('红冲原因不能为空');
    expect((await call<FalseOrTrue>('MZTCZHCInt', { HaccCode: H(), mztczID: ctx.mz, userID: U(), reason: '收费错误' })).Flag).toBe(true);
    expect((await c.QueryMZTCInfo3(PC.zhao, '3'))[0]).toMatchObject({ mztczID: ctx.mz, status: '3', reason: '收费错误' });
    // re-entry after the 红冲: choose 1 + hcmztczID, once
    const re = await c.MZTCZLoginInt(info('MZ-T-1', '1'), 1, ctx.mz, PC.zhao);
    expect(re).toMatchObject({ Flag: true, TotalMoney: '12.50' });
    ctx.mz2 = re.mztczID;
    expect((await c.QueryMZTCInfo3(PC.zhao, '0'))[0]!.hcmztczID).toBe(ctx.mz);
    expect((await c.MZTCZLoginInt(info('MZ-T-2', '1'), 1, ctx.mz, PC.zhao)).Message).toContain('已重新录入');
    expect((await c.MZTCZLoginInt(info('MZ-T-3'), 1, ctx.mz2, PC.zhao)).Message).toContain('只有已红冲的记录');
    expect((await call<FalseOrTrue>('MZTCZDeleteInt', { HaccCode: H(), mztczID: ctx.mz2, userID: U() })).Flag).toBe(true);
    expect((await c.MZTCZSureInt(ctx.mz2)).Flag).toBe(false);
    expect((await c.QueryMZTCInfo3(PC.zhao, '2')).map((x) => x.mztczID)).toEqual([ctx.mz2]);
    // the 红冲 and the delete gave everything back: no confirmed record is left for the person
    expect(await c.QueryMZTCInfo3(PC.zhao, '1')).toEqual([]);
    // a wrong HACCCODE on a result without Flag is a SOAP Client fault
    await expectCode(c.QueryMZTCInfo2('0', 'WRONG'), 'SOAP_FAULT', /医院授权码【WRONG】无效/);
    await expectCode(c.QueryMZTCInfo3(PC.zhao, '9'), 'SOAP_FAULT', /状态【9】无效/);
  });

  it('covered every function of the signature list', () => {
    expect([...covered].sort()).toEqual(Object.keys(XNH_FUNCTIONS).sort());
  });
});

describe('flows: the same bills as every region, settled through the shared flows', () => {
  let sb: XnhSandbox;
  beforeAll(async () => {
    sb = await startSichuanXnhSandbox({ core });
  });
  afterAll(async () => sb.close());
  const client = (o: Partial<ConstructorParameters<typeof SichuanXnhClient>[0]> = {}) => new SichuanXnhClient({ core, url: sb.url, ...sb.identity, ...o });

  it('inpatient: 入院 RYHandle → 清单 WriteQD1 → 出院 CYBL → 补偿 from QueryBC, exact in fen and equal to the policy computed by the core', async () => {
    const events: string[] = [];
    const c = client({ log: (e) => e.kind === 'call' && events.push(e.fn) });
    const b = bill('demo-inpatient.json');
    const r = await inpatientSettle(c, b);
    // 初始化 → 人员 → 入院 → 对码 (catalogues, the item list paged) → 价格控制 per line → 清单 → 核对 → 出院 → 补偿
    expect(events.join(' ')).toMatch(
      /^CheckDB CheckHosAccredit1 CheckUser QueryPersoninfo CheckPersonCode RYHandle QueryMed QuerySW (QueryItem1 ){2,}(Check(Med|SW|Item) ){7}WriteQD1 QueryQD QueryQD CYBL QueryBC$/,
    );
    expect(r.mdtrt_id).toMatch(/^ZY/);
    expect(r.setl_id).toMatch(/^BC\d+$/);
    const s = r.setlinfo;
    expect(s.medfee_sumamt).toBe(171780);
    expect(s.fund_pay_sumamt + s.psn_cash_pay).toBe(171780);
    expect(r.presettle.fund_pay_sumamt).toBe(0);
    // oracle: the core's presettle over the 农合 catalogue attributes and the documented policy
    const expected = core.presettle({
      params: XNH_SANDBOX_POLICY.inpatient['390']!,
      person: { ytd_dedc_paid_fen: 0, ytd_hifp_paid_fen: 0, acct_balance_fen: 0, acct_used_flag: '0', cvlserv_flag: '0', aid_eligible: false },
      fee_items: b.fee_items.map((l) => {
        const it = row(l.med_list_codg).item;
        return { feedetl_sn: l.feedetl_sn, med_chrgitm_type: it.med_chrgitm_type, chrgitm_lv: it.chrgitm_lv, pric: l.pric, cnt: l.cnt, selfpay_prop: it.selfpay_prop, pric_uplmt_amt: it.pric_uplmt_amt };
      }),
    }).setlinfo;
    expect(s.fund_pay_sumamt).toBe(expected.fund_pay_sumamt);
    expect(s.act_pay_dedc).toBe(50000);
    expect(s.inscp_scp_amt).toBe(expected.inscp_scp_amt);
    expect(c.qdids(r.mdtrt_id)).toEqual(Object.fromEntries(b.fee_items.map((l) => [l.feedetl_sn, { hqdid: Number(l.feedetl_sn), qdid: expect.any(Number) }])));
  });

  it('门诊统筹: LoginInt (presettle) → SureInt (settle); 红冲 by cancelSettle; re-entry with hcmztczID', async () => {
    const pending: string[] = [];
    const c = client({ onPending: async (p) => void pending.push(p.mztczID) });
    const b = bill('demo-outpatient.json');
    const r = await outpatientSettle(c, b);
    expect(r.setl_id).toMatch(/^\d{14}$/);
    expect(pending).toEqual([r.setl_id]);
    expect(r.setlinfo.medfee_sumamt).toBe(44120);
    expect(r.setlinfo).toEqual(r.presettle);
    expect(r.setlinfo.fund_pay_sumamt).toBeGreaterThan(0);
    expect(r.setlinfo.fund_pay_sumamt + r.setlinfo.psn_cash_pay).toBe(44120);
    const person = r.psn_no;
    expect((await c.QueryMZTCInfo3(person, '1')).map((x) => x.mztczID)).toEqual([r.setl_id]);
    expect(await c.cancelSettle({ setl_id: r.setl_id, mdtrt_id: r.mdtrt_id, psn_no: person, reason: '患者退费' })).toEqual({ mztczID: r.setl_id, action: 'reversed' });
    expect((await c.QueryMZTCInfo3(person, '3'))[0]).toMatchObject({ mztczID: r.setl_id, reason: '患者退费' });
    // re-entry of the corrected bill (one line less) referring to the reversed record
    const visit = await c.register({ psn_no: person, insutype: '390', credential: { mdtrt_cert_type: '02', mdtrt_cert_no: b.mdtrt_cert_no }, ipt_otp_no: `${r.mdtrt_id}R`, dept_code: 'A03', dr_name: '李医生' });
    await c.uploadVisit({ mdtrt_id: visit.mdtrt_id, psn_no: person, med_type: '11', diagnoses: b.diagnoses! });
    const lines = b.fee_items.slice(0, -1);
    await c.uploadFees({ mdtrt_id: visit.mdtrt_id, psn_no: person, lines });
    const total = 44120 - 1800;
    const s2 = await c.settle({ psn_no: person, mdtrt_id: visit.mdtrt_id, insutype: '390', med_type: '11', credential: { mdtrt_cert_type: '02', mdtrt_cert_no: b.mdtrt_cert_no }, medfee_sumamt: total, hcmztczID: r.setl_id });
    expect(s2.setlinfo.medfee_sumamt).toBe(total);
    expect((await c.QueryMZTCInfo3(person, '1')).map((x) => [x.mztczID, x.hcmztczID])).toEqual([[s2.setl_id, r.setl_id]]);
  });

  it('presettle leaves an unconfirmed record that cancelPending deletes; a failing onPending deletes it too', async () => {
    const b = bill('demo-outpatient.json');
    const c = client();
    const id = await c.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: b.mdtrt_cert_no });
    const v = await c.register({ psn_no: id.psn_no, insutype: '390', credential: { mdtrt_cert_type: '02', mdtrt_cert_no: b.mdtrt_cert_no }, ipt_otp_no: 'MZ-PEND-1', dept_code: 'A03' });
    await c.uploadVisit({ mdtrt_id: v.mdtrt_id, psn_no: id.psn_no, med_type: '11', diagnoses: b.diagnoses! });
    await c.uploadFees({ mdtrt_id: v.mdtrt_id, psn_no: id.psn_no, lines: b.fee_items });
    const p = { psn_no: id.psn_no, mdtrt_id: v.mdtrt_id, insutype: '390', med_type: '11', credential: { mdtrt_cert_type: '02', mdtrt_cert_no: b.mdtrt_cert_no }, medfee_sumamt: 44120 };
    const pre = await c.presettle(p);
    expect((await c.QueryMZTCInfo3(id.psn_no, '0')).map((x) => x.mztczID)).toEqual([pre.setl_id]);
    await c.cancelPending(v.mdtrt_id);
    expect(await c.QueryMZTCInfo3(id.psn_no, '0')).toEqual([]);
    expect((await c.QueryMZTCInfo3(id.psn_no, '2')).map((x) => x.mztczID)).toContain(pre.setl_id);
    const failing = client({ onPending: () => { throw new Error('HIS database down'); } });
    await expect(outpatientSettle(failing, { ...b, ipt_otp_no: 'MZ-PEND-2' })).rejects.toThrow('HIS database down');
    expect(await failing.QueryMZTCInfo3(id.psn_no, '0')).toEqual([]);
    expect((await failing.QueryMZTCInfo3(id.psn_no, '2')).filter((x) => x.MZH === 'MZ-PEND-2')).toHaveLength(1);
  });

  it('price control refuses a line above the 农合 限价 before anything is registered or written; an 加价理由 lets a 诊疗项目 through', async () => {
    const b = bill('demo-outpatient.json');
    const over = { ...b, ipt_otp_no: 'MZ-PRICE-1', fee_items: b.fee_items.map((l) => (l.feedetl_sn === '7' ? { ...l, pric: '320.00' } : l)) };
    const c = client();
    await expectCode(outpatientSettle(c, over), 'XNH_PRICE', /X线计算机体层\(CT\)平扫（颅脑）: 【X线计算机体层\(CT\)平扫（颅脑）】单价320.00超过农合限价300.00（需填写加价理由）/);
    expect((await c.QueryMZTCInfo2('0')).filter((x) => x.MZH === 'MZ-PRICE-1')).toEqual([]);
    const ib = bill('demo-inpatient.json');
    const overIp = { ...ib, mdtrt_cert_no: '510104197801122714', fee_items: ib.fee_items.map((l) => (l.feedetl_sn === '6' ? { ...l, pric: '5.50' } : l)) };
    await expectCode(inpatientSettle(c, overIp), 'XNH_PRICE', /氯化钠注射液/);
    expect((await c.QueryQD(PC.zhao)).Count).toBe(0);
    // the same CT above its limit with a reason is accepted; the part above the limit is self-paid
    const withReason = { ...ib, mdtrt_cert_no: '510107199006074619', ipt_otp_no: 'ZY-REASON-1', fee_items: [...ib.fee_items.filter((l) => l.feedetl_sn !== '6'), { feedetl_sn: '9', med_list_codg: '002202030010000', name: 'CT', pric: '320.00', cnt: '1', add_price_reason: '增强扫描加收' }] };
    const r = await inpatientSettle(client(), withReason);
    expect(r.setlinfo.fulamt_ownpay_amt).toBeGreaterThanOrEqual(2000);
  });

  it('an item without 对码 is XNH_UNMAPPED before anything is sent; a ToCode row maps a HIS code', async () => {
    const b = bill('demo-outpatient.json');
    const unknown = { ...b, ipt_otp_no: 'MZ-MAP-1', fee_items: [...b.fee_items, { feedetl_sn: '99', med_list_codg: 'HIS-LOCAL-001', name: '院内自制', pric: '1.00', cnt: '1' }] };
    await expectCode(outpatientSettle(client(), unknown), 'XNH_UNMAPPED', /99:HIS-LOCAL-001/);
    const amox = row('XJ01CAA040A001010100001');
    const mapped = client({ toCode: [{ HISCODE: 'HIS-LOCAL-001', HISNAME: '阿莫西林（院内码）', DLB: '1', xmid: amox.id, XMBM: amox.code, XMMC: amox.name, PRICE: null }] });
    const r = await outpatientSettle(mapped, { ...unknown, ipt_otp_no: 'MZ-MAP-2' });
    expect(r.setlinfo.medfee_sumamt).toBe(44220);
    const t = await mapped.buildToCode([{ code: 'XJ01CAA040A001010100001' }, { code: 'NOPE' }]);
    expect(t.unmatched).toEqual(['NOPE']);
    expect(t.rows[0]).toMatchObject({ HISCODE: 'XJ01CAA040A001010100001', DLB: '1', xmid: amox.id, PRICE: null });
  });

  it('identity checks: a wrong HACCCODE or UID fails 初始化 with XNH_FALSE; a person whose 参合 is suspended is refused; configuration is required', async () => {
    const b = bill('demo-outpatient.json');
    await expectCode(outpatientSettle(client({ hacccode: 'WRONG' }), b), 'XNH_FALSE', /CheckHosAccredit1: 医院授权码【WRONG】无效/);
    await expectCode(outpatientSettle(client({ uid: '9999' }), b), 'XNH_FALSE', /CheckUser: 操作员【9999】/);
    await expectCode(outpatientSettle(client(), { ...b, mdtrt_cert_no: '510106197205051836' }), 'XNH_FALSE', /CheckPersonCode: 参合人员【孙封锁】/);
    await expectCode(outpatientSettle(client(), { ...b, mdtrt_cert_type: '03', mdtrt_cert_no: '5101229999999901' }), 'XNH_FALSE', /QueryPersoninfo/);
    expect(() => new SichuanXnhClient({ core, url: sb.url, hacccode: '', uid: 'u' })).toThrow(/HACCCODE/);
  });
});

describe('faults: malformed replies, SOAP faults, HTTP errors and lost answers', () => {
  let sb: XnhSandbox;
  beforeAll(async () => {
    sb = await startSichuanXnhSandbox({ core });
  });
  afterAll(async () => sb.close());
  const client = () => new SichuanXnhClient({ core, url: sb.url, ...sb.identity, timeoutMs: 5000 });

  it('a truncated reply is BAD_REPLY, an HTTP 500 without a fault TRANSPORT_HTTP, a soap:Server fault SOAP_FAULT with its reason', async () => {
    const c = client();
    sb.fault({ kind: 'malformed', method: 'QueryYYKS' });
    await expectCode(c.QueryYYKS(), 'BAD_REPLY', /not a SOAP envelope/);
    sb.fault({ kind: 'http-500', method: 'QueryYYKS' });
    await expectCode(c.QueryYYKS(), 'TRANSPORT_HTTP', /HTTP 500/);
    sb.fault({ kind: 'soap-fault', method: 'CheckDB' });
    await expectCode(c.init(), 'SOAP_FAULT', /沙箱故障注入：CheckDB 服务器内部错误/);
    expect((await c.QueryYYKS()).Flag).toBe(true);
  });

  it('a reply of the wrong shape (an int that is not one, a class where text belongs) is BAD_REPLY naming the field', async () => {
    const c = client();
    sb.fault({ kind: 'rewrite', method: 'CheckHosAccredit1', rewrite: (x) => x.replace(/<HID>\d+<\/HID>/, '<HID>abc</HID>') });
    await expectCode(c.CheckHosAccredit1(), 'BAD_REPLY', /CheckHosAccredit1Result\.HID: "abc" is not an int/);
    sb.fault({ kind: 'rewrite', method: 'QuerySystemTime', rewrite: (x) => x.replace(/<QuerySystemTimeResult>[^<]*</, '<QuerySystemTimeResult><T>1</T><') });
    await expectCode(c.QuerySystemTime(), 'BAD_REPLY', /QuerySystemTimeResult: expected text/);
    sb.fault({ kind: 'rewrite', method: 'QueryYYKS', rewrite: (x) => x.replace('<Flag>true</Flag>', '<Flag>maybe</Flag>') });
    await expectCode(c.QueryYYKS(), 'BAD_REPLY', /Flag: "maybe" is not a boolean/);
  });

  it('a parameter the center cannot read is a soap:Client fault; a path without a service 404', async () => {
    const raw = await fetch(`${sb.url}/XNHService.asmx`, {
      method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://tempuri.org/CheckMed"' },
      body: '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><CheckMed xmlns="http://tempuri.org/"><MID>x</MID><MPRICE>1</MPRICE><HID>1</HID></CheckMed></soap:Body></soap:Envelope>',
    });
    expect(raw.status).toBe(500);
    const body = await raw.text();
    expect(body).toContain('soap:Client');
    expect(body).toContain('<faultstring>参数错误：sichuan-xnh MID: "x" is not an int</faultstring>');
    expect((await fetch(`${sb.url}/Other.asmx`, { method: 'POST', body: '' })).status).toBe(404);
  });

  it('Chinese text goes out as UTF-8 and is declared so (the FAQ\'s "????????" doctor-name symptom cannot happen)', async () => {
    const c = client();
    await c.init();
    const before = sb.requests.length;
    const r = await c.RYHandle({ PERSONCODE: PC.li, ZYCODE: 'ZY-UTF8-1', JZTYPE: '1', RYKS: 'A04', CWCODE: '3', DOCTORNAME: '欧阳〇丂齄', RYSTATUS: '1', RYOPERATOR: '收费员一', jbbm: [{ JBBM: 'K35.800', JBMC: '急性阑尾炎' }] });
    expect(r.Flag).toBe(true);
    const req = sb.requests.slice(before).find((x) => x.body.includes(Buffer.from('RYHandle')))!;
    expect(req.contentType).toBe('text/xml; charset=utf-8');
    expect(req.body.subarray(0, 40).toString('latin1')).toBe('<?xml version="1.0" encoding="utf-8"?><s');
    expect(req.body.includes(Buffer.from('欧阳〇丂齄', 'utf8'))).toBe(true);
    expect(req.body.includes(Buffer.from('????'))).toBe(false);
    expect(sb.center.received.filter((x) => x.fn === 'RYHandle' && x.name === 'DOCTORNAME').map((x) => x.value)).toEqual(['欧阳〇丂齄']);
    expect((await c.IsPatient2(PC.li)).DOCTORNAME).toBe('欧阳〇丂齄');
  });

  it('WriteQD1 whose answer is lost: QueryQD shows which lines the center holds (by hqdid); none is written twice', async () => {
    const c = client();
    const b = bill('demo-inpatient.json');
    const id = await c.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311' });
    const { mdtrt_id } = await c.admit({ psn_no: id.psn_no, insutype: '390', credential: { mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311' }, ipt_no: 'ZY-DROP-1', dept_code: 'A04', diagnoses: b.diagnoses! });
    sb.fault({ kind: 'drop', method: 'WriteQD1' });
    await c.uploadInpatientFees({ mdtrt_id, psn_no: id.psn_no, lines: b.fee_items });
    const q = await c.QueryQD(id.psn_no);
    expect(q.Count).toBe(b.fee_items.length);
    expect(q.TotalMoney).toBe('1717.80');
    expect(Object.values(c.qdids(mdtrt_id)).every((x) => x.qdid > 0)).toBe(true);
  });
});

describe('uncertain outcome: an unanswered MZTCZLoginInt is found with QueryMZTCInfo3 and deleted or confirmed', () => {
  let sb: XnhSandbox;
  beforeAll(async () => {
    sb = await startSichuanXnhSandbox({ core });
  });
  afterAll(async () => sb.close());
  const client = () => new SichuanXnhClient({ core, url: sb.url, ...sb.identity, timeoutMs: 5000 });
  const b = bill('demo-outpatient.json');

  it('inside settle: the center registered the record but the answer was lost → the record is deleted, NOT_SETTLED, the HIS may settle again', async () => {
    const c = client();
    sb.fault({ kind: 'drop', method: 'MZTCZLoginInt' });
    const e = await expectCode(outpatientSettle(c, { ...b, ipt_otp_no: 'MZ-LOST-1' }), 'NOT_SETTLED', /was deleted/);
    expect((e.cause as YibaoError).code).toBe('TRANSPORT_NETWORK');
    const deleted = (await c.QueryMZTCInfo3(PC.zhang, '2')).filter((x) => x.MZH === 'MZ-LOST-1');
    expect(deleted).toHaveLength(1);
    expect((await c.QueryMZTCInfo3(PC.zhang, '0')).filter((x) => x.MZH === 'MZ-LOST-1')).toEqual([]);
    const again = await outpatientSettle(client(), { ...b, ipt_otp_no: 'MZ-LOST-1' });
    expect(again.setlinfo.medfee_sumamt).toBe(44120);
    expect((await c.QueryMZTCInfo3(PC.zhang, '1')).filter((x) => x.MZH === 'MZ-LOST-1').map((x) => x.mztczID)).toEqual([again.setl_id]);
  });

  it('another process (no local state) resolves a lost LoginInt with recoverMztcz: confirm', async () => {
    const c = client();
    const amox = row('XJ01CAA040A001010100001');
    const info: Partial<MZTCZInfo> = {
      mztczID: '0', hcmztczID: '0', personCode: PC.li, HaccCode: sb.identity.hacccode, userID: sb.identity.uid, MZH: 'MZ-LOST-2', KSBM: 'A03', DOCTOR: '', JBBM: 'J06.900',
      JZDATE: '2026-11-22T09:00:00', TotalMoney: '12.50', MXList: [{ xh: 1, DLB: '1', xmid: amox.id, XMBM: amox.code, XMMC: amox.name, SPEC: '', UNIT: '盒', price: '12.50', count: '1', money: '12.50' }],
    };
    sb.fault({ kind: 'drop', method: 'MZTCZLoginInt' });
    await expectCode(c.MZTCZLoginInt(info, 0, '0', PC.li), 'TRANSPORT_NETWORK');
    // the HIS did commit its side (e.g. the cashier took the money): confirm what the center registered
    const fresh = client();
    const r = await fresh.recoverMztcz({ personCode: PC.li, mzh: 'MZ-LOST-2', action: 'confirm' });
    expect(r.map((x) => [x.mzh, x.action])).toEqual([['MZ-LOST-2', 'confirmed']]);
    expect(r[0]!.record.TotalMoney).toBe('12.50');
    expect((await fresh.QueryMZTCInfo3(PC.li, '1')).map((x) => x.MZH)).toContain('MZ-LOST-2');
    // running it again finds nothing to do and says so
    expect((await fresh.recoverMztcz({ personCode: PC.li, mzh: 'MZ-LOST-2', action: 'confirm' })).map((x) => x.action)).toEqual(['already-confirmed']);
    await expectCode(fresh.recoverMztcz({ personCode: PC.li, action: 'delete' }), 'BAD_INPUT');
  });

  it('a lost SureInt answer: the record turned out confirmed; settle succeeds without confirming twice', async () => {
    const c = client();
    sb.fault({ kind: 'drop', method: 'MZTCZSureInt' });
    const r = await outpatientSettle(c, { ...b, ipt_otp_no: 'MZ-LOST-3' });
    expect((await c.QueryMZTCInfo3(PC.zhang, '1')).filter((x) => x.MZH === 'MZ-LOST-3').map((x) => x.mztczID)).toEqual([r.setl_id]);
  });

  it('when the center stays unreachable the error is OUTCOME_UNKNOWN (journal it, run recoverMztcz later)', async () => {
    const c = client();
    sb.fault({ kind: 'drop', method: 'MZTCZLoginInt' });
    sb.fault({ kind: 'http-500', method: 'QueryMZTCInfo3' });
    await expectCode(outpatientSettle(c, { ...b, ipt_otp_no: 'MZ-LOST-4' }), 'OUTCOME_UNKNOWN', /recoverMztcz/);
    const later = await client().recoverMztcz({ personCode: PC.zhang, mzh: 'MZ-LOST-4', action: 'delete' });
    expect(later.map((x) => x.action)).toEqual(['deleted']);
  });
});
