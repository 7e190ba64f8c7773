// Sign-in, persons (1101), institution (1201), dictionaries (1901), treatment check (2001), catalogs
// (1301–1319) and files (9101/9102).
import { strToU8, unzipSync, zipSync } from 'fflate';
import { CATALOGS } from '../manifest.js';
import { CATALOG_ITEMS, ETHNIC_DRUGS, FILE_COLUMNS, fileCatalogRows, type CatalogItem } from './catalog.js';
import { ok, personOf, type Ctx, type Out } from './context.js';
import { ageText, checkIdNumber, enrollPerson, type CredentialType, type Person } from './persons.js';
import { Biz, need, node, str, type Obj } from './state.js';
import { d10, dt19, money, num, ratioText, ts14, type JObj } from './wire.js';

// ---------------------------------------------------------------------------------------------------
// 9001 / 9002

export function signIn(c: Ctx): Out {
  const s = node(c.input, 'signIn', 'input');
  const opter_no = need(s, 'opter_no', 'input.signIn');
  need(s, 'mac', 'input.signIn');
  need(s, 'ip', 'input.signIn');
  if (opter_no !== c.opter) throw new Biz(`签到操作员【${opter_no}】与报文头操作员(opter)【${c.opter}】不符`);
  const sign_no = c.st.nextSignNo();
  const sign_time = dt19(c.now);
  c.st.signs.set(sign_no, { opter: c.opter, fixmedins_code: c.fixmedins_code, sign_time, active: true });
  return ok({ signinoutb: { sign_no, sign_time } });
}

export function signOut(c: Ctx): Out {
  const s = node(c.input, 'signOut', 'input');
  const sign_no = need(s, 'sign_no', 'input.signOut');
  const opter_no = need(s, 'opter_no', 'input.signOut');
  const rec = c.st.signs.get(sign_no);
  if (!rec || !rec.active || rec.fixmedins_code !== c.fixmedins_code) throw new Biz(`签到编号【${sign_no}】无效或已签退`);
  if (rec.opter !== opter_no) throw new Biz(`签到编号【${sign_no}】不属于操作员【${opter_no}】`);
  rec.active = false;
  return ok({ signoutoutb: { sign_time: dt19(c.now) } });
}

// ---------------------------------------------------------------------------------------------------
// 1101

export function insuinfoJson(p: Person): JObj {
  return {
    balc: money(p.insutype === '310' ? p.balance_fen : 0),
    insutype: p.insutype,
    psn_type: p.psn_type,
    psn_insu_stas: p.psn_insu_stas,
    psn_insu_date: p.psn_insu_date,
    paus_insu_date: p.paus_insu_date,
    cvlserv_flag: p.cvlserv_flag,
    insuplc_admdvs: p.insuplc_admdvs,
    emp_name: p.emp_name,
  };
}

export function identify(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  let type = str(d, 'mdtrt_cert_type');
  let cred = str(d, 'mdtrt_cert_no');
  if (!type) {
    // spec example: psn_cert_type + certno instead of a credential
    const certno = str(d, 'certno');
    if (!certno) throw new Biz('入参校验失败：字段【input.data.mdtrt_cert_type】不能为空（或传 psn_cert_type + certno）');
    type = '02';
    cred = certno;
  } else {
    need(d, 'mdtrt_cert_no', P);
  }
  const name = str(d, 'psn_name');
  let psn_no: string | undefined;
  if (type === '02') {
    const chk = checkIdNumber(cred);
    if (!chk.ok) throw new Biz(`身份证号码【${cred}】无效：${chk.reason}`);
    psn_no = c.st.byCert.get(cred);
  } else if (type === '03') {
    const card_sn = need(d, 'card_sn', P);
    if (!/^[A-Za-z0-9]{6,20}$/.test(cred)) throw new Biz(`社会保障卡卡号【${cred}】格式错误（6–20位字母或数字）`);
    if (!/^[A-Za-z0-9]{1,32}$/.test(card_sn)) throw new Biz(`社会保障卡识别码【card_sn】格式错误（1–32位字母或数字）`);
    psn_no = c.st.byCard.get(cred);
    if (psn_no) {
      const p = c.st.persons.get(psn_no)!;
      if (p.card_sn && p.card_sn !== card_sn) throw new Biz(`社会保障卡识别码(card_sn)与卡号【${cred}】不匹配`);
    }
  } else if (type === '01') {
    if (!/^[A-Za-z0-9._-]{8,128}$/.test(cred)) throw new Biz(`医保电子凭证令牌格式错误（8–128位字母、数字或 . _ -）`);
    psn_no = c.st.byToken.get(cred);
  } else {
    throw new Biz(`就诊凭证类型【${type}】无效（01 电子凭证令牌 / 02 身份证 / 03 社保卡）`);
  }
  let p: Person;
  if (psn_no) {
    p = c.st.persons.get(psn_no)!;
    if (name && p.seed && name !== p.psn_name) throw new Biz(`姓名【${name}】与凭证登记的参保人姓名不符`);
  } else {
    p = enrollPerson(type as CredentialType, cred, name);
    if (c.st.persons.has(p.psn_no)) p = c.st.persons.get(p.psn_no)!;
    else c.st.addPerson(p);
    c.warn.push(`沙箱自动参保：新建人员 ${p.psn_no}（职工在职，个人账户 1000.00 元）`);
  }
  c.psn_no = p.psn_no;
  return ok({
    baseinfo: {
      psn_no: p.psn_no,
      psn_cert_type: p.psn_cert_type,
      certno: p.certno,
      psn_name: p.psn_name,
      gend: p.gend,
      naty: p.naty,
      brdy: p.brdy,
      age: num(ageText(p.brdy, d10(c.now))),
      exp_content: null,
    },
    insuinfo: [insuinfoJson(p)],
    idetinfo: p.idetinfo.map((i) => ({ ...i })),
  });
}

// ---------------------------------------------------------------------------------------------------
// 1201, 1901, 2001

export function institutionInfo(c: Ctx): Out {
  const m = node(c.input, 'medinsinfo', 'input');
  const code = str(m, 'fixmedins_code');
  const name = str(m, 'fixmedins_name');
  const rows: JObj[] = [];
  for (const [k, v] of c.st.institutions) {
    if (code && k !== code) continue;
    if (name && !v.includes(name)) continue;
    rows.push({ fixmedins_code: k, fixmedins_name: v, uscc: `91510100${k.slice(-10).padStart(10, '0')}`, fixmedins_type: str(m, 'fixmedins_type') || '1', hosp_lv: '03' });
  }
  return ok({ medinsinfo: rows });
}

const DICTS: Record<string, [string, string][]> = {
  insutype: [['310', '职工基本医疗保险'], ['390', '城乡居民基本医疗保险'], ['320', '公务员医疗补助'], ['330', '大额医疗费用补助'], ['510', '生育保险']],
  psn_type: [['1101', '职工在职'], ['1102', '职工退休'], ['1401', '城乡居民']],
  med_type: [['11', '普通门诊'], ['12', '门诊挂号'], ['13', '急诊'], ['14', '门诊慢特病'], ['21', '普通住院'], ['41', '定点药店购药']],
  mdtrt_cert_type: [['01', '医保电子凭证'], ['02', '居民身份证'], ['03', '社会保障卡']],
  psn_cert_type: [['01', '居民身份证（户口簿）']],
  gend: [['1', '男'], ['2', '女'], ['9', '未说明性别']],
  med_chrgitm_type: [['01', '床位费'], ['02', '诊察费'], ['03', '检查费'], ['04', '化验费'], ['05', '治疗费'], ['06', '手术费'], ['07', '护理费'], ['08', '卫生材料费'], ['09', '西药费'], ['10', '中药饮片费'], ['11', '中成药费'], ['12', '一般诊疗费'], ['13', '挂号费'], ['14', '其他费']],
  chrgitm_lv: [['01', '甲类'], ['02', '乙类'], ['03', '丙类（自费）']],
  fund_pay_type: [['310100', '职工基本医疗保险统筹基金'], ['310200', '职工基本医疗保险个人账户'], ['320100', '公务员医疗补助资金'], ['330100', '大额医疗费用补助基金'], ['390100', '城乡居民基本医疗保险基金'], ['390200', '城乡居民大病医疗保险资金'], ['610100', '医疗救助基金'], ['999996', '医院负担']],
  clr_type: [['11', '普通门诊'], ['14', '门诊慢特病'], ['21', '住院'], ['41', '定点药店购药']],
  clr_way: [['1', '按项目'], ['2', '按病种']],
  psn_setlway: [['01', '按项目结算'], ['02', '按定额结算']],
  psn_insu_stas: [['1', '正常参保'], ['2', '暂停参保'], ['4', '终止参保']],
  opter_type: [['1', '经办人'], ['2', '自助终端'], ['3', '移动终端']],
  diag_type: [['1', '西医诊断'], ['2', '中医主病诊断'], ['3', '中医主证诊断']],
};

export function dictionary(c: Ctx): Out {
  const d = node(c.input, 'data', 'input');
  const type = need(d, 'type', 'input.data');
  const parent = str(d, 'parentValue');
  const rows = (DICTS[type] ?? [])
    .filter(([v]) => !parent || v.startsWith(parent))
    .map(([value, label], k) => ({ type, label, value, parent_value: null, sort: k + 1, vali_flag: '1', crte_time: '2026-01-01 00:00:00', updt_time: '2026-01-01 00:00:00' }));
  if (!DICTS[type]) c.warn.push(`字典类型【${type}】在沙箱中没有数据`);
  return ok({ list: rows });
}

export function treatmentCheck(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const psn_no = need(d, 'psn_no', P);
  const insutype = need(d, 'insutype', P);
  need(d, 'med_type', P);
  need(d, 'begntime', P);
  const p = personOf(c, psn_no);
  const enjoy = p.psn_insu_stas === '1' && insutype === p.insutype;
  const rslt = p.psn_insu_stas !== '1' ? '参保暂停，不能享受待遇' : insutype !== p.insutype ? `未参加险种${insutype}` : '正常享受';
  const types = p.insutype === '310' ? ['310100', '310200', ...(p.cvlserv_flag === '1' ? ['320100'] : [])] : ['390100', '390200', ...(p.aid_eligible ? ['610100'] : [])];
  return ok({
    trtinfo: types.map((t) => ({
      psn_no, trt_chk_type: '1', fund_pay_type: t, trt_enjymnt_flag: enjoy ? '1' : '0', begndate: `${d10(c.now).slice(0, 4)}-01-01`, enddate: `${d10(c.now).slice(0, 4)}-12-31`, trt_chk_rslt: rslt,
    })),
  });
}

// ---------------------------------------------------------------------------------------------------
// Catalogs 1301–1319

function verNewer(row: string, req: string): boolean {
  if (/^\d+$/.test(req) && /^\d+$/.test(row)) return BigInt(row) > BigInt(req);
  return row > req;
}

const cell = (x: string | null): string => (x === null || x === '' ? 'null' : x.replace(/[\t\r\n]/g, ' '));

export function storeFile(c: Ctx, filename: string, bytes: Uint8Array, kind: 'upload' | 'catalog' | 'stmt'): { file_qury_no: string; dld_end: Date } {
  const file_qury_no = c.st.nextFileNo(ts14(c.now));
  const dld_end = new Date(c.now.getTime() + 24 * 3600_000);
  c.st.files.set(file_qury_no, { file_qury_no, filename, bytes, fixmedins_code: c.fixmedins_code, dld_end, kind });
  return { file_qury_no, dld_end };
}

export function zipOne(name: string, text: string): Uint8Array {
  return zipSync({ [name]: strToU8(text) }, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') });
}

function fileCatalog(c: Ctx): Out {
  const d = node(c.input, 'data', 'input');
  const ver = need(d, 'ver', 'input.data');
  const columns = FILE_COLUMNS[c.infno] ?? [];
  const rows = fileCatalogRows(c.infno).filter((r) => verNewer(r.ver, ver)).sort((a, b) => (a.ver < b.ver ? -1 : 1));
  const newest = rows.length ? rows[rows.length - 1]!.ver : ver;
  const text = rows.map((r) => columns.map((k) => cell(r.cells[k] ?? null)).join('\t') + '\n').join('');
  const { file_qury_no, dld_end } = storeFile(c, 'plc', zipOne(`${c.infno}_${newest}.txt`, text), 'catalog');
  return ok({ file_qury_no, filename: 'plc', dld_end_time: d10(dld_end), data_cnt: rows.length });
}

const LIST_TYPE: Record<string, string> = { '1301': '101', '1302': '102', '1303': '103', '1305': '201', '1306': '301' };

function page(c: Ctx, rows: JObj[]): Out {
  const d = node(c.input, 'data', 'input');
  const pn = need(d, 'page_num', 'input.data');
  const ps = need(d, 'page_size', 'input.data');
  if (!/^\d+$/.test(pn) || +pn < 1) throw new Biz(`入参校验失败：字段【input.data.page_num】应为正整数：${pn}`);
  if (!/^\d+$/.test(ps) || +ps < 1 || +ps > 1000) throw new Biz(`入参校验失败：字段【input.data.page_size】应为1–1000的整数：${ps}`);
  const pageNum = +pn, pageSize = +ps;
  const total = rows.length;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const data = rows.slice((pageNum - 1) * pageSize, pageNum * pageSize);
  return ok({
    data, pageNum, pageSize, size: data.length, startRow: data.length ? (pageNum - 1) * pageSize + 1 : 0,
    endRow: data.length ? (pageNum - 1) * pageSize + data.length : 0, recordCounts: total, pages, firstPage: 1, lastPage: pages,
  });
}

const updt = (i: CatalogItem) => `${i.ver.slice(0, 4)}-${i.ver.slice(4, 6)}-${i.ver.slice(6, 8)} 00:00:00`;

function itemFilter(d: Obj) {
  const code = str(d, 'hilist_code') || str(d, 'med_list_codg');
  const name = str(d, 'hilist_name');
  const type = str(d, 'med_chrgitm_type');
  const lv = str(d, 'chrgitm_lv');
  const vali = str(d, 'vali_flag');
  return (i: CatalogItem) => (!code || i.code === code) && (!name || i.name.includes(name)) && (!type || i.med_chrgitm_type === type) && (!lv || i.chrgitm_lv === lv) && (!vali || i.vali_flag === vali);
}

function queryCatalog(c: Ctx): Out {
  const d = node(c.input, 'data', 'input');
  const f = itemFilter(d);
  const base = (i: CatalogItem) => ({ insu_admdvs: '510100', begndate: i.begndate, enddate: null, vali_flag: i.vali_flag, rid: `R${i.ver}`, updt_time: updt(i) });
  switch (c.infno) {
    case '1304':
      return page(c, ETHNIC_DRUGS.filter((e) => !str(d, 'med_list_codg') || e.code === str(d, 'med_list_codg')).map((e) => ({
        med_list_codg: e.code, drug_prodname: e.name, ethdrug_type: e.ethnic, chrgitm_lv: '02', selfpay_prop: num('0.10'), vali_flag: '1', rid: `R${e.code}`, updt_time: '2026-11-01 00:00:00',
      })));
    case '1312':
      return page(c, CATALOG_ITEMS.filter(f).map((i) => ({
        hilist_code: i.code, hilist_name: i.name, ...base(i), med_chrgitm_type: i.med_chrgitm_type, chrgitm_lv: i.chrgitm_lv, lmt_used_flag: i.lmt_used_flag ?? '0',
        list_type: LIST_TYPE[i.infno] ?? '201', med_use_flag: '1', matn_used_flag: '1', hilist_use_type: '1', lmt_cpnd_type: '0', wubi: null, pinyin: null, memo: i.memo ?? null,
        crter_id: null, crter_name: null, crte_time: updt(i), crte_optins_no: null, opter_id: null, opter_name: null, opt_time: null, optins_no: null, poolarea_no: '510100',
      })));
    case '1316':
      return page(c, CATALOG_ITEMS.filter(f).map((i) => ({ med_list_codg: i.code, hilist_code: i.code, list_type: LIST_TYPE[i.infno] ?? '201', ...base(i) })));
    case '1317': {
      const rows: JObj[] = [];
      for (const m of c.st.matches.values()) {
        if (m.fixmedins_code !== c.fixmedins_code) continue;
        if (str(d, 'medins_list_codg') && m.medins_list_codg !== str(d, 'medins_list_codg')) continue;
        if (str(d, 'med_list_codg') && m.med_list_codg !== str(d, 'med_list_codg')) continue;
        rows.push({ fixmedins_code: m.fixmedins_code, medins_list_codg: m.medins_list_codg, medins_list_name: m.medins_list_name || null, med_list_codg: m.med_list_codg, begndate: m.first_seen.slice(0, 10), enddate: null, vali_flag: '1', updt_time: m.first_seen });
      }
      return page(c, rows);
    }
    case '1318':
      return page(c, CATALOG_ITEMS.filter((i) => i.pric_uplmt_amt !== null && f(i)).map((i) => ({
        hilist_code: i.code, hilist_lmtpric_type: '1', overlmt_dspo_way: '1', ...base(i), hilist_pric_uplmt_amt: num(i.pric_uplmt_amt!),
      })));
    case '1319':
      return page(c, CATALOG_ITEMS.filter((i) => i.chrgitm_lv === '02' && f(i)).map((i) => ({
        hilist_code: i.code, selfpay_prop_psn_type: '0', selfpay_prop_type: '1', ...base(i), selfpay_prop: num(ratioText(i.selfpay_prop)),
      })));
  }
  throw new Biz(`交易编号【${c.infno}】不是目录查询交易`);
}

export function catalog(c: Ctx): Out {
  const spec = CATALOGS[c.infno];
  if (!spec) throw new Biz(`交易编号【${c.infno}】不是目录交易`);
  return spec.file ? fileCatalog(c) : queryCatalog(c);
}

// ---------------------------------------------------------------------------------------------------
// 9101 / 9102

function bytesOf(x: unknown): Uint8Array | null {
  if (typeof x === 'string') {
    const s = x.replace(/\s+/g, '');
    if (!s || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return null;
    return new Uint8Array(Buffer.from(s, 'base64'));
  }
  if (Array.isArray(x)) {
    const out = new Uint8Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
      if (!(n >= -128 && n <= 255)) return null;
      out[i] = n & 0xff;
    }
    return out;
  }
  return null;
}

export function fileUpload(c: Ctx): Out {
  const P = 'input.fsUploadIn';
  const f = node(c.input, 'fsUploadIn', 'input');
  let bytes: Uint8Array;
  let filename = str(f, 'filename');
  if (c.upload) {
    bytes = c.upload.bytes;
    filename ||= c.upload.filename;
  } else {
    if (f['in'] === undefined || f['in'] === null || f['in'] === '') throw new Biz(`入参校验失败：字段【${P}.in】不能为空（文件字节：base64 字符串或字节数组；或使用 multipart 的 file 部分）`);
    const b = bytesOf(f['in']);
    if (!b) throw new Biz(`入参校验失败：字段【${P}.in】不是合法的 base64 字符串或字节数组`);
    bytes = b;
  }
  if (!filename) throw new Biz(`入参校验失败：字段【${P}.filename】不能为空`);
  if (!bytes.length) throw new Biz('上传文件为空');
  if (bytes.length > 20 * 1024 * 1024) throw new Biz('上传文件超过20MB');
  const { file_qury_no, dld_end } = storeFile(c, filename, bytes, 'upload');
  return ok({ file_qury_no, filename, fixmedins_code: c.fixmedins_code, dld_endtime: dt19(dld_end) });
}

export function fileDownload(c: Ctx): Out {
  const f = node(c.input, 'fsDownloadIn', 'input');
  const no = need(f, 'file_qury_no', 'input.fsDownloadIn');
  const file = c.st.files.get(no);
  if (!file || file.fixmedins_code !== c.fixmedins_code) throw new Biz(`文件不存在：文件查询号【${no}】`);
  if (c.now.getTime() > file.dld_end.getTime()) throw new Biz(`文件查询号【${no}】已超过下载截止时间 ${dt19(file.dld_end)}`);
  return { file: file.bytes };
}

/** Text of an uploaded file: a zip's first entry or the bytes themselves (UTF-8). */
export function uploadedText(bytes: Uint8Array): string {
  let b = bytes;
  if (b.length > 4 && b[0] === 0x50 && b[1] === 0x4b) {
    const entries = unzipSync(b);
    const first = Object.keys(entries).sort()[0];
    if (!first) throw new Biz('上传的zip文件为空');
    b = entries[first]!;
  }
  return new TextDecoder('utf-8').decode(b);
}

