// Deterministic generators for the benchmark inputs (fixed seeds: identical bytes on every run).
import iconv from 'iconv-lite';
import { rng } from './rng.mjs';

// ---- vocabulary -----------------------------------------------------------------------------
const CATS = {
  '01': ['床位费', '层流洁净病房床位费', '重症监护病房床位费', '特需病房床位费'],
  '02': ['诊查费', '住院诊查费', '急诊监护费'],
  '03': ['彩色多普勒超声检查', 'X线计算机体层(CT)扫描', '磁共振平扫', '心电图检查', '动态心电图'],
  '04': ['血常规', '肝功能检查', '肾功能检查', '血清电解质测定', '凝血四项', 'C反应蛋白测定', '尿常规'],
  '05': ['静脉输液', '肌肉注射', '雾化吸入', '换药(中)', '血液透析', '吸氧'],
  '06': ['阑尾切除术', '腹腔镜胆囊切除术', '经皮冠状动脉支架置入术', '全髋关节置换术', '麻醉费'],
  '07': ['一级护理', '二级护理', '特级护理', '静脉采血'],
  '08': ['一次性使用输液器', '医用外科口罩', '冠状动脉药物洗脱支架', '可吸收缝合线', '留置针'],
  '09': ['阿莫西林胶囊', '头孢曲松钠注射液', '0.9%氯化钠注射液', '奥美拉唑肠溶胶囊', '阿托伐他汀钙片', '胰岛素注射液', '人血白蛋白'],
  '10': ['黄芪', '当归', '党参', '甘草', '茯苓'],
  '11': ['复方丹参滴丸', '连花清瘟胶囊', '六味地黄丸', '血塞通注射液'],
  '12': ['一般诊疗费'],
  '13': ['挂号费'],
  '14': ['救护车费', '病历工本费', '其他费用'],
};
// inpatient mix: drugs, materials, tests and nursing dominate the line count
const CAT_WEIGHTS = [
  [4, '01'], [3, '02'], [6, '03'], [12, '04'], [12, '05'], [1, '06'], [8, '07'],
  [12, '08'], [30, '09'], [3, '10'], [6, '11'], [1, '12'], [0.5, '13'], [1.5, '14'],
];
// price ranges in yuan per category
const PRICE = {
  '01': [20, 300], '02': [5, 40], '03': [30, 800], '04': [3, 120], '05': [2, 300], '06': [400, 20000],
  '07': [10, 120], '08': [0.5, 18000], '09': [0.05, 900], '10': [0.02, 3], '11': [5, 120], '12': [10, 10],
  '13': [1, 50], '14': [1, 500],
};

const fix = (x, d) => x.toFixed(d);

// ---- 1. the 5,000-line inpatient bill ---------------------------------------------------------

/** SC09-like employee inpatient parameters (annual cap partly hit → 大额). */
export const PARAMS_SC09 = {
  insutype: '310', med_type: '21', hosp_lv: '3', psn_class: 'in_service', dedc_std_fen: 80000, dedc_scope: 'per_visit',
  pool_ratio: '0.85', pool_annual_cap_fen: 10000000, big: { ratio: '0.90', annual_cap_fen: 40000000 },
  serious_illness: null, civil_servant: null, medical_aid: null, acct_scope: 'psn_part',
};
export const PERSON_SC09 = {
  ytd_dedc_paid_fen: 0, ytd_hifp_paid_fen: 9700000, ytd_hifob_paid_fen: 0, ytd_si_base_fen: 0, ytd_hifmi_paid_fen: 0,
  ytd_maf_paid_fen: 0, acct_balance_fen: 50000, acct_used_flag: '1', cvlserv_flag: '0', aid_eligible: false,
};
/** SC11-like resident parameters (大病 segments); used for the second equality check. */
export const PARAMS_SC11 = {
  insutype: '390', med_type: '21', hosp_lv: '3', psn_class: 'resident', dedc_std_fen: 50000, dedc_scope: 'per_visit',
  pool_ratio: '0.68', pool_annual_cap_fen: 24000000, big: null,
  serious_illness: { threshold_fen: 1800000, annual_cap_fen: 40000000, segments: [{ upto_fen: 6800000, ratio: '0.60' }, { upto_fen: 11800000, ratio: '0.70' }, { upto_fen: null, ratio: '0.80' }] },
  civil_servant: null, medical_aid: null, acct_scope: 'psn_part',
};
export const PERSON_SC11 = {
  ytd_dedc_paid_fen: 0, ytd_hifp_paid_fen: 500000, ytd_hifob_paid_fen: 0, ytd_si_base_fen: 6500000, ytd_hifmi_paid_fen: 0,
  ytd_maf_paid_fen: 0, acct_balance_fen: 0, acct_used_flag: '0', cvlserv_flag: '0', aid_eligible: false,
};

/**
 * fee_items of an inpatient bill: ~60% 甲 / 30% 乙 / 10% 丙 lines, price caps (some binding), refunds
 * (negative cnt, init_feedetl_sn), approval-refused and hospital-borne lines, amounts sent explicitly.
 */
export function genFeeItems(n = 5000, seed = 20251122) {
  const r = rng(seed);
  const items = [];
  const day0 = Date.UTC(2025, 9, 1);
  for (let i = 0; i < n; i++) {
    const sn = String(i + 1);
    const time = new Date(day0 + Math.floor((i / n) * 20 * 86400000) + r.int(0, 3600000)).toISOString().slice(0, 19).replace('T', ' ');
    // refund of an earlier line (about 3%)
    if (i > 20 && r.chance(0.03)) {
      const orig = items[r.int(0, items.length - 1)];
      if (!orig.cnt.startsWith('-')) {
        const f = { ...orig, feedetl_sn: sn, init_feedetl_sn: orig.feedetl_sn, fee_ocur_time: time, cnt: '-' + orig.cnt };
        if (orig.det_item_fee_sumamt != null) f.det_item_fee_sumamt = '-' + orig.det_item_fee_sumamt;
        items.push(f);
        continue;
      }
    }
    const type = r.weighted(CAT_WEIGHTS);
    const lv = r.weighted([[60, '01'], [30, '02'], [10, '03']]);
    const [lo, hi] = PRICE[type];
    const p = lo + (hi - lo) * r.next() ** 2;
    // drugs and herbs are priced to 4 decimals, services to 2
    const pric = type === '09' || type === '10' ? fix(p, 4) : fix(p, 2);
    const cnt = type === '10' ? fix(r.int(5, 300) / 10, 1) : r.chance(0.1) ? fix(r.int(1, 40) / 4, 2) : String(r.int(1, type === '09' ? 30 : 6));
    const f = {
      feedetl_sn: sn,
      fee_ocur_time: time,
      med_list_codg: `${type === '09' ? 'XA' : type === '08' ? 'C' : '00'}${String(r.int(1, 99999999)).padStart(8, '0')}${type}`,
      medins_list_codg: 'H' + String(r.int(1, 999999)).padStart(6, '0'),
      name: r.pick(CATS[type]),
      med_chrgitm_type: type,
      chrgitm_lv: lv,
      pric,
      cnt,
      selfpay_prop: lv === '01' ? '0' : lv === '02' ? r.pick(['0.05', '0.10', '0.15', '0.20', '0.30']) : '1',
      pric_uplmt_amt: null,
      bilg_dept_codg: 'A' + String(r.int(1, 40)).padStart(2, '0'),
      bilg_dr_name: r.pick(['张伟', '王芳', '李娜', '刘洋', '陈静', '杨帆']),
    };
    if (lv !== '03' && r.chance(0.15)) {
      // price cap: binding (below the price) in about half the capped lines
      const cap = r.chance(0.5) ? Number(pric) * (0.6 + 0.35 * r.next()) : Number(pric) * (1 + r.next());
      f.pric_uplmt_amt = fix(Math.max(cap, 0.01), 2);
    }
    if (r.chance(0.05)) {
      // amount sent explicitly (HIS rounding): pric × cnt rounded to fen, as a decimal string in yuan
      const fen = Math.round(Number(pric) * Number(cnt) * 100);
      if (fen > 0) f.det_item_fee_sumamt = fix(fen / 100, 2);
    }
    if (r.chance(0.01)) f.hosp_appr_flag = '2';
    if (r.chance(0.005)) f.hosp_bear_flag = '1';
    items.push(f);
  }
  return items;
}

// ---- CJK text helpers ---------------------------------------------------------------------------

/** A random GB2312 level-1 hanzi (row B0..D7): always GBK-encodable. */
function hanzi(r) {
  const hi = r.int(0xb0, 0xd7);
  const lo = r.int(0xa1, hi === 0xd7 ? 0xf9 : 0xfe);
  return iconv.decode(Buffer.from([hi, lo]), 'gbk');
}

const PHRASES = [
  '患者', '入院', '出院', '诊断', '高血压', '糖尿病', '冠心病', '肺炎', '医保', '结算', '统筹基金', '个人账户',
  '大病保险', '医疗救助', '自付', '起付线', '报销比例', '住院号', '科室', '主治医师', '护士站', '检验科', '药剂科',
  '成都市', '第一人民医院', '城镇职工', '城乡居民', '异地就医', '备案', '审核通过', '明细上传', '费用清单',
];

export function cjkText(r, minLen, maxLen) {
  const len = r.int(minLen, maxLen);
  let s = '';
  while (s.length < len) s += r.chance(0.6) ? r.pick(PHRASES) : hanzi(r);
  return s;
}

// ---- 2. GBK XML ------------------------------------------------------------------------------------

const xmlEsc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** ~targetBytes of GBK XML shaped like a Yinhai <output>: scalars, <dataset>, <fymxdataset>, <grzhye>. */
export function genGbkXml(targetBytes = 1_000_000, seed = 30) {
  const r = rng(seed);
  const money = (lo, hi, d = 2) => fix(lo + (hi - lo) * r.next(), d);
  const head = [
    '<?xml version="1.0" encoding="GBK"?>',
    '<output>',
    `  <yac112>1</yac112>`,
    `  <akc190>0000${r.int(1e12, 9e12)}</akc190>`,
    `  <aka130>21</aka130>`,
    `  <aac001>${r.int(1e8, 9e8)}</aac001>`,
    `  <aac003>${cjkText(r, 2, 3)}</aac003>`,
    `  <akb020>098041</akb020>`,
    `  <aae011>${cjkText(r, 2, 3)}</aae011>`,
    `  <aae036>2025-11-20 18:19:42</aae036>`,
    `  <yka055>${money(1e4, 9e4)}</yka055>`,
    `  <yka056>0.00</yka056>`,
    `  <yka111>${money(1e3, 9e3)}</yka111>`,
    `  <aae013>${xmlEsc('结算成功 & 已打印 <一式两份>')}</aae013>`,
    `  <yke474></yke474>`,
    '  <dataset>',
  ];
  const parts = [head.join('\n') + '\n'];
  const add = (s) => parts.push(s);
  for (let i = 0; i < 40; i++) {
    add(`    <row>\n      <yka316>${r.int(10, 99)}</yka316>\n      <aka213>0${r.int(101, 999)}</aka213>\n      <yka115>${money(0, 5000)}</yka115>\n      <ykc125>${money(0, 1, 4)}</ykc125>\n      <yka054>${r.pick(['01', '02', '03'])}</yka054>\n      <aae013>${xmlEsc(cjkText(r, 4, 12))}</aae013>\n    </row>\n`);
  }
  add('  </dataset>\n  <fymxdataset>\n');
  let sn = 0;
  const tail = '  </fymxdataset>\n  <grzhye>\n    <row>\n      <ykc303>城镇职工基本医疗帐户</ykc303>\n      <ykc194>1234.56</ykc194>\n    </row>\n  </grzhye>\n</output>\n';
  // fill up to the target with fee-detail rows (sizes measured in GBK bytes, batch by batch)
  let gbkSize = iconv.encode(parts.join(''), 'gbk').length + tail.length;
  while (gbkSize < targetBytes) {
    const batch = [];
    for (let k = 0; k < 200; k++) {
      sn++;
      const name = r.pick(Object.values(CATS).flat());
      const remark = r.chance(0.3) ? xmlEsc(cjkText(r, 3, 14) + (r.chance(0.5) ? ' & ' + cjkText(r, 2, 6) : '')) : '';
      batch.push(
        `    <row>\n      <yka105>${String(r.int(1e9, 9e9))}${String(sn).padStart(9, '0')}</yka105>\n` +
        `      <yka094>${String(r.int(1, 99999999)).padStart(8, '0')}</yka094>\n` +
        `      <yka095>${xmlEsc(r.chance(0.05) ? name + '&注射用' : name)}</yka095>\n` +
        `      <yka096>${money(0, 0.3, 4)}</yka096>\n      <akc226>${money(1, 30, 4)}</akc226>\n` +
        `      <akc225>${money(0.1, 900, 4)}</akc225>\n      <yka055>${money(0.1, 9000)}</yka055>\n` +
        `      <yka056>${money(0, 100)}</yka056>\n      <yke011>${r.int(0, 1)}</yke011>\n` +
        `      <yke494>${remark}</yke494>\n    </row>\n`,
      );
    }
    const b = batch.join('');
    parts.push(b);
    gbkSize += iconv.encode(b, 'gbk').length;
  }
  parts.push(tail);
  return iconv.encode(parts.join(''), 'gbk');
}

// ---- 3. JSON -------------------------------------------------------------------------------------

/** ~targetBytes of UTF-8 JSON: a 2204-style upload with fee items (CJK, ints, decimals, escapes). */
export function genJson(targetBytes = 1_000_000, seed = 20) {
  const r = rng(seed);
  const head = `{"infno":"2204","msgid":"H51010500001202511221830450001","mdtrtarea_admvs":"510100","insuplc_admdvs":"510104","recer_sys_code":"HIS","dev_no":"","dev_safe_info":"","cainfo":"","signtype":"SM3","infver":"V1.0","opter_type":"1","opter":"0001","opter_name":"收费员\\u00b7王","inf_time":"2025-11-22 18:30:45","fixmedins_code":"H51010500001","fixmedins_name":"成都市第一人民医院","sign_no":"${r.int(1e9, 9e9)}","input":{"feedetail":[`;
  const rows = [];
  let size = Buffer.byteLength(head, 'utf8');
  let i = 0;
  while (size < targetBytes - 200) {
    i++;
    const type = r.weighted(CAT_WEIGHTS);
    const pric = r.next() * 500;
    const memo = r.chance(0.3) ? JSON.stringify(cjkText(r, 2, 10) + r.pick(['', '\n第二行', ' "加急"', '\t备注', ' C:\\his\\log', ' 50% \u00e9'])) : '""';
    const row =
      `{"feedetl_sn":"${i}","init_feedetl_sn":"","mdtrt_id":"510000${r.int(1e9, 9e9)}","drord_no":null,"psn_no":"51000000${r.int(1e7, 9e7)}",` +
      `"med_type":"21","fee_ocur_time":"2025-11-${String(r.int(1, 20)).padStart(2, '0')} ${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:00",` +
      `"med_list_codg":"XA${r.int(1e7, 9e7)}","medins_list_codg":"H${r.int(1e5, 9e5)}","det_item_fee_sumamt":${fix(pric * 3, 2)},` +
      `"cnt":${r.int(1, 30)},"pric":${fix(pric, 4)},"bilg_dept_codg":"A${r.int(10, 40)}","bilg_dept_name":"${r.pick(['心血管内科', '普外科', '骨科', '呼吸内科', '检验科'])}",` +
      `"bilg_dr_codg":"D${r.int(1000, 9999)}","bilg_dr_name":"${r.pick(['张伟', '王芳', '李娜', '刘洋'])}","hosp_appr_flag":"1","med_chrgitm_type":"${type}",` +
      `"name":${JSON.stringify(r.pick(CATS[type]))},"selfpay_prop":${r.pick(['0', '0.1', '0.15', '1'])},"tcmdrug_used_way":${r.int(1, 2)},"memo":${memo}}`;
    rows.push(row);
    size += Buffer.byteLength(row, 'utf8') + 1;
  }
  return Buffer.from(head + rows.join(',') + ']}}', 'utf8');
}

// ---- 5. Chinese text for GBK decode/encode -----------------------------------------------------------

/** ~targetBytes of GBK: mostly hanzi, some ASCII digits/letters, full-width punctuation, newlines. */
export function genGbkText(targetBytes = 1_000_000, seed = 10) {
  const r = rng(seed);
  const parts = [];
  let size = 0;
  while (size < targetBytes) {
    let line = cjkText(r, 10, 60);
    if (r.chance(0.5)) line += `，金额${fix(r.next() * 1000, 2)}元`;
    if (r.chance(0.3)) line += '（甲类）';
    line += r.pick(['。', '；', '！', '']) + '\r\n';
    parts.push(line);
    size += iconv.encode(line, 'gbk').length;
  }
  const text = parts.join('');
  return { text, gbk: iconv.encode(text, 'gbk'), utf8: Buffer.from(text, 'utf8') };
}

// ---- 6. SOAP 1.1 response carrying a .NET DataSet ----------------------------------------------------

const NS_XSD = 'http://www.w3.org/2001/XMLSchema';
const NS_MSDATA = 'urn:schemas-microsoft-com:xml-msdata';
const NS_DIFFGR = 'urn:schemas-microsoft-com:xml-diffgram-v1';
/** The 12 columns of the fee-detail table, as a 新农合 ASMX service returns them from a DataAdapter. */
const FYMX_COLUMNS = [
  ['xh', 'int'], ['zyh', 'string'], ['fyrq', 'dateTime'], ['xmbm', 'string'], ['xmmc', 'string'], ['gg', 'string'],
  ['dw', 'string'], ['dj', 'decimal'], ['sl', 'decimal'], ['je', 'decimal'], ['zfbl', 'decimal'], ['bz', 'string'],
];
const SPECS = ['0.25g*24粒', '10ml:0.5g', '250ml/袋', '5mg*28片', '1次', '1日', '100ml:0.9g', '规格<大>', ''];
const UNITS = ['盒', '支', '袋', '片', '次', '日', '瓶', '项'];

/**
 * A SOAP 1.1 response as .NET ASMX writes it, `<GetFymxResponse xmlns="http://tempuri.org/"><GetFymxResult>`
 * holding a DataSet (inline xs:schema + diffgr:diffgram) with `nRows` rows × 12 columns: Chinese names and
 * remarks (some with & < >), decimal strings (4- and 2-place, verbatim), .NET dateTimes, some DBNull cells
 * (omitted elements) and empty strings. Returns `{ msg, xml }`: the SoapMessage (host-node/src/contract.ts,
 * every row lists every column, DBNull = null) and the envelope as UTF-8 bytes, written independently of the core.
 */
export function genSoapDataSet(nRows = 5000, seed = 34) {
  const r = rng(seed);
  const cols = FYMX_COLUMNS.map(([name, type]) => ({ name, type }));
  const rows = [];
  const day0 = Date.UTC(2025, 9, 1);
  const zyh = 'ZY' + String(r.int(1e9, 9e9));
  const names = Object.values(CATS).flat();
  for (let i = 0; i < nRows; i++) {
    const t = new Date(day0 + Math.floor((i / nRows) * 20 * 86400000) + r.int(0, 3600000)).toISOString().slice(0, 19);
    const dj = 0.05 + 900 * r.next() ** 2;
    const sl = r.chance(0.8) ? r.int(1, 30) : r.int(1, 40) / 4;
    const name = r.pick(names);
    rows.push({
      xh: String(i + 1),
      zyh,
      fyrq: `${t}+08:00`,
      xmbm: `XA${String(r.int(1, 99999999)).padStart(8, '0')}`,
      xmmc: r.chance(0.03) ? name + '&注射用' : name,
      gg: r.chance(0.1) ? null : r.pick(SPECS),
      dw: r.pick(UNITS),
      dj: fix(dj, 4),
      sl: fix(sl, 2),
      je: fix(Math.round(dj * sl * 100) / 100, 2),
      zfbl: r.pick(['0', '0.05', '0.10', '0.20', '1']),
      bz: r.chance(0.5) ? null : r.chance(0.1) ? '' : cjkText(r, 2, 12) + (r.chance(0.1) ? ' <加急> & 复核' : ''),
    });
  }
  const ds = { name: 'NewDataSet', tables: [{ name: 'Table', columns: cols, rows }] };
  const msg = { version: '1.1', ns: 'http://tempuri.org/', name: 'GetFymxResponse', value: { GetFymxResult: { $dataset: ds }, errMsg: '' } };

  const parts = [
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>',
    '<GetFymxResponse xmlns="http://tempuri.org/"><GetFymxResult>',
    `<xs:schema id="NewDataSet" xmlns="" xmlns:xs="${NS_XSD}" xmlns:msdata="${NS_MSDATA}">`,
    '<xs:element name="NewDataSet" msdata:IsDataSet="true" msdata:UseCurrentLocale="true"><xs:complexType><xs:choice minOccurs="0" maxOccurs="unbounded">',
    '<xs:element name="Table"><xs:complexType><xs:sequence>',
    ...cols.map((c) => `<xs:element name="${c.name}" type="xs:${c.type}" minOccurs="0" />`),
    '</xs:sequence></xs:complexType></xs:element></xs:choice></xs:complexType></xs:element></xs:schema>',
    `<diffgr:diffgram xmlns:msdata="${NS_MSDATA}" xmlns:diffgr="${NS_DIFFGR}"><NewDataSet xmlns="">`,
  ];
  rows.forEach((row, i) => {
    let s = `<Table diffgr:id="Table${i + 1}" msdata:rowOrder="${i}">`;
    for (const c of cols) {
      const v = row[c.name];
      if (v == null) continue;
      s += v === '' ? `<${c.name} />` : `<${c.name}>${xmlEsc(v)}</${c.name}>`;
    }
    parts.push(s + '</Table>');
  });
  parts.push('</NewDataSet></diffgr:diffgram></GetFymxResult><errMsg /></GetFymxResponse></soap:Body></soap:Envelope>');
  return { msg, xml: Buffer.from(parts.join(''), 'utf8') };
}
