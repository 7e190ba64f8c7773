// The sandbox center's own small 医保目录 (test data, not the real national catalog). Items drive the
// per-line classification of 2204/2301/2101 lines; the 13xx transactions publish them.
import { AUDIT, TAIL, OPENHIS_COLUMNS } from '../catalog-columns.js';
import { javaDate } from './wire.js';

export type CatalogInfno = '1301' | '1302' | '1303' | '1305' | '1306';

export interface CatalogItem {
  /** 医保目录编码 (med_list_codg / hilist_code) */
  code: string;
  name: string;
  /** the 13xx download that publishes the item */
  infno: CatalogInfno;
  /** 医疗收费项目类别 01..14 */
  med_chrgitm_type: string;
  /** 01 甲类 / 02 乙类 / 03 丙类 */
  chrgitm_lv: '01' | '02' | '03';
  /** 先行自付比例 (decimal text): 0 for 甲类, 1 for 丙类 */
  selfpay_prop: string;
  /** 定价上限金额 (decimal text, yuan) or null = no cap (written as 999999 on the wire) */
  pric_uplmt_amt: string | null;
  spec: string;
  unit: string;
  dosform?: string;
  prodentp?: string;
  bas_medn_flag?: '0' | '1';
  hi_nego_drug_flag?: '0' | '1';
  chld_medc_flag?: '0' | '1';
  list_sp_item_flag?: '0' | '1';
  lmt_used_flag?: '0' | '1';
  lmt_used_scp?: string;
  drt_reim_flag?: '0' | '1';
  begndate: string;
  /** version of the row (yyyyMMdd + 6-digit sequence) */
  ver: string;
  /** "0" = withdrawn from the catalog (published in the file, unknown to settlement) */
  vali_flag: '0' | '1';
  memo?: string;
}

const V1 = '20261101';
const V2 = '20261201';
let seq = 0;
const ver = (day: string) => `${day}${String(++seq).padStart(6, '0')}`;

type ItemArgs = Omit<CatalogItem, 'ver' | 'vali_flag' | 'begndate' | 'selfpay_prop'> & Partial<Pick<CatalogItem, 'ver' | 'vali_flag' | 'begndate' | 'selfpay_prop'>>;
const I = (a: ItemArgs, day = V1): CatalogItem => ({
  selfpay_prop: a.chrgitm_lv === '01' ? '0' : a.chrgitm_lv === '03' ? '1' : '0.10',
  begndate: '2026-01-01',
  vali_flag: '1',
  ver: ver(day),
  ...a,
});

/** ~45 items over the 14 med_chrgitm_type categories. */
export const CATALOG_ITEMS: CatalogItem[] = [
  // 01 床位费
  I({ code: '001102000010000', name: '普通病房床位费（三人间）', infno: '1305', med_chrgitm_type: '01', chrgitm_lv: '01', pric_uplmt_amt: '35.00', spec: '', unit: '日' }),
  I({ code: '001102000020000', name: '单人间病房床位费', infno: '1305', med_chrgitm_type: '01', chrgitm_lv: '02', selfpay_prop: '0.20', pric_uplmt_amt: '80.00', spec: '', unit: '日' }),
  // 02 诊察费
  I({ code: '001103000010000', name: '门诊诊查费', infno: '1305', med_chrgitm_type: '02', chrgitm_lv: '01', pric_uplmt_amt: '15.00', spec: '', unit: '次' }),
  I({ code: '001103000020000', name: '住院诊查费', infno: '1305', med_chrgitm_type: '02', chrgitm_lv: '01', pric_uplmt_amt: '20.00', spec: '', unit: '日' }),
  I({ code: '001103000030000', name: '急诊诊查费', infno: '1305', med_chrgitm_type: '02', chrgitm_lv: '01', pric_uplmt_amt: '25.00', spec: '', unit: '次' }),
  // 03 检查费
  I({ code: '002202030010000', name: 'X线计算机体层(CT)平扫（颅脑）', infno: '1305', med_chrgitm_type: '03', chrgitm_lv: '02', selfpay_prop: '0.10', pric_uplmt_amt: '260.00', spec: '', unit: '次' }),
  I({ code: '002202040010000', name: '磁共振平扫(MRI)', infno: '1305', med_chrgitm_type: '03', chrgitm_lv: '02', selfpay_prop: '0.20', pric_uplmt_amt: '600.00', spec: '', unit: '次' }),
  I({ code: '002203000010000', name: '常规心电图检查', infno: '1305', med_chrgitm_type: '03', chrgitm_lv: '01', pric_uplmt_amt: '25.00', spec: '', unit: '次' }),
  I({ code: '002201000020000', name: '彩色多普勒超声（腹部）', infno: '1305', med_chrgitm_type: '03', chrgitm_lv: '02', selfpay_prop: '0.10', pric_uplmt_amt: null, spec: '', unit: '次' }),
  // 04 化验费
  I({ code: '002503010010000', name: '血细胞分析（血常规）', infno: '1305', med_chrgitm_type: '04', chrgitm_lv: '01', pric_uplmt_amt: '20.00', spec: '', unit: '次' }),
  I({ code: '002503030010000', name: '肝功能检测', infno: '1305', med_chrgitm_type: '04', chrgitm_lv: '01', pric_uplmt_amt: '60.00', spec: '', unit: '次' }),
  I({ code: '002501010010000', name: '尿液分析（尿常规）', infno: '1305', med_chrgitm_type: '04', chrgitm_lv: '01', pric_uplmt_amt: null, spec: '', unit: '次' }),
  I({ code: '002504020030000', name: '糖化血红蛋白测定', infno: '1305', med_chrgitm_type: '04', chrgitm_lv: '02', selfpay_prop: '0.10', pric_uplmt_amt: '50.00', spec: '', unit: '次' }),
  // 05 治疗费
  I({ code: '001204000010000', name: '静脉输液', infno: '1305', med_chrgitm_type: '05', chrgitm_lv: '01', pric_uplmt_amt: '8.00', spec: '', unit: '组' }),
  I({ code: '001204000020000', name: '肌肉注射', infno: '1305', med_chrgitm_type: '05', chrgitm_lv: '01', pric_uplmt_amt: '3.00', spec: '', unit: '次' }),
  I({ code: '004100000010000', name: '普通针刺', infno: '1305', med_chrgitm_type: '05', chrgitm_lv: '02', selfpay_prop: '0.10', pric_uplmt_amt: '30.00', spec: '', unit: '次' }),
  I({ code: '003100000990000', name: '激光祛斑（美容）', infno: '1305', med_chrgitm_type: '05', chrgitm_lv: '03', pric_uplmt_amt: null, spec: '', unit: '次' }),
  // 06 手术费
  I({ code: '003311000010000', name: '阑尾切除术', infno: '1305', med_chrgitm_type: '06', chrgitm_lv: '01', pric_uplmt_amt: '1200.00', spec: '', unit: '次' }),
  I({ code: '003304000020000', name: '白内障超声乳化摘除术+人工晶体植入术', infno: '1305', med_chrgitm_type: '06', chrgitm_lv: '02', selfpay_prop: '0.10', pric_uplmt_amt: '2500.00', spec: '', unit: '单侧' }),
  // 07 护理费
  I({ code: '001202000010000', name: 'Ⅰ级护理', infno: '1305', med_chrgitm_type: '07', chrgitm_lv: '01', pric_uplmt_amt: '24.00', spec: '', unit: '日' }),
  I({ code: '001202000020000', name: 'Ⅱ级护理', infno: '1305', med_chrgitm_type: '07', chrgitm_lv: '01', pric_uplmt_amt: '16.00', spec: '', unit: '日' }),
  // 08 卫生材料费
  I({ code: 'C03120201001001000001', name: '一次性使用输液器', infno: '1306', med_chrgitm_type: '08', chrgitm_lv: '02', selfpay_prop: '0.10', pric_uplmt_amt: '5.00', spec: '带针', unit: '套', prodentp: '四川沙箱医疗器械有限公司' }),
  I({ code: 'C02050101001002000002', name: '冠状动脉药物洗脱支架', infno: '1306', med_chrgitm_type: '08', chrgitm_lv: '02', selfpay_prop: '0.30', pric_uplmt_amt: '800.00', spec: '3.0×18mm', unit: '个', prodentp: '四川沙箱医疗器械有限公司' }),
  I({ code: 'C14010101001003000003', name: '医用外科口罩', infno: '1306', med_chrgitm_type: '08', chrgitm_lv: '03', pric_uplmt_amt: null, spec: '17.5×9.5cm', unit: '只', prodentp: '四川沙箱医疗器械有限公司' }),
  // 09 西药费
  I({ code: 'XJ01CAA040A001010100001', name: '阿莫西林胶囊', infno: '1301', med_chrgitm_type: '09', chrgitm_lv: '01', pric_uplmt_amt: null, spec: '0.25g×24粒', unit: '盒', dosform: '胶囊剂', prodentp: '沙箱制药股份有限公司', bas_medn_flag: '1' }),
  I({ code: 'XJ01DCK036A001010100002', name: '头孢克洛胶囊', infno: '1301', med_chrgitm_type: '09', chrgitm_lv: '02', selfpay_prop: '0.05', pric_uplmt_amt: null, spec: '0.25g×12粒', unit: '盒', dosform: '胶囊剂', prodentp: '沙箱制药股份有限公司' }),
  I({ code: 'XA10BAE054A001010100003', name: '盐酸二甲双胍片', infno: '1301', med_chrgitm_type: '09', chrgitm_lv: '01', pric_uplmt_amt: null, spec: '0.5g×20片', unit: '盒', dosform: '片剂', prodentp: '沙箱制药股份有限公司', bas_medn_flag: '1' }),
  I({ code: 'XC10AAA138A001010100004', name: '阿托伐他汀钙片', infno: '1301', med_chrgitm_type: '09', chrgitm_lv: '02', selfpay_prop: '0.05', pric_uplmt_amt: '30.00', spec: '20mg×7片', unit: '盒', dosform: '片剂', prodentp: '沙箱制药股份有限公司' }),
  I({ code: 'XJ05AHA074E001010100005', name: '磷酸奥司他韦胶囊', infno: '1301', med_chrgitm_type: '09', chrgitm_lv: '02', selfpay_prop: '0.10', pric_uplmt_amt: null, spec: '75mg×10粒', unit: '盒', dosform: '胶囊剂', prodentp: '沙箱制药股份有限公司', lmt_used_flag: '1', lmt_used_scp: '限流感确诊患者' }),
  I({ code: 'XA10BKD123A001010100006', name: '达格列净片（谈判药品）', infno: '1301', med_chrgitm_type: '09', chrgitm_lv: '02', selfpay_prop: '0.10', pric_uplmt_amt: null, spec: '10mg×14片', unit: '盒', dosform: '片剂', prodentp: '沙箱制药股份有限公司', hi_nego_drug_flag: '1' }),
  I({ code: 'XM01AEB033N001010100007', name: '布洛芬缓释胶囊', infno: '1301', med_chrgitm_type: '09', chrgitm_lv: '01', pric_uplmt_amt: null, spec: '0.3g×20粒', unit: '盒', dosform: '胶囊剂', prodentp: '沙箱制药股份有限公司', bas_medn_flag: '1' }),
  I({ code: 'XR05XAA001X001010100008', name: '小儿氨酚黄那敏颗粒', infno: '1301', med_chrgitm_type: '09', chrgitm_lv: '02', selfpay_prop: '0.05', pric_uplmt_amt: null, spec: '6g×10袋', unit: '盒', dosform: '颗粒剂', prodentp: '沙箱制药股份有限公司', chld_medc_flag: '1' }),
  I({ code: 'XA11GAV001A001010100009', name: '维生素C咀嚼片（保健）', infno: '1301', med_chrgitm_type: '09', chrgitm_lv: '03', pric_uplmt_amt: null, spec: '100mg×60片', unit: '瓶', dosform: '片剂', prodentp: '沙箱制药股份有限公司' }),
  I({ code: 'XB05BBN001B002010100010', name: '氯化钠注射液', infno: '1301', med_chrgitm_type: '09', chrgitm_lv: '01', pric_uplmt_amt: '5.00', spec: '0.9%:250ml', unit: '袋', dosform: '注射剂', prodentp: '沙箱制药股份有限公司', bas_medn_flag: '1' }),
  // 10 中药饮片费
  I({ code: 'T001700001', name: '黄芪（饮片）', infno: '1302', med_chrgitm_type: '10', chrgitm_lv: '01', pric_uplmt_amt: null, spec: '片', unit: 'g' }),
  I({ code: 'T001700002', name: '当归（饮片）', infno: '1302', med_chrgitm_type: '10', chrgitm_lv: '02', selfpay_prop: '0.10', pric_uplmt_amt: null, spec: '片', unit: 'g' }),
  I({ code: 'T001700003', name: '人参（饮片，单味使用不予支付）', infno: '1302', med_chrgitm_type: '10', chrgitm_lv: '03', pric_uplmt_amt: null, spec: '片', unit: 'g' }),
  // 11 中成药费
  I({ code: 'ZA04BAL0230010100001', name: '连花清瘟胶囊', infno: '1301', med_chrgitm_type: '11', chrgitm_lv: '02', selfpay_prop: '0.05', pric_uplmt_amt: null, spec: '0.35g×24粒', unit: '盒', dosform: '胶囊剂', prodentp: '沙箱中药有限公司' }),
  I({ code: 'ZA12HAF0150010100002', name: '复方丹参滴丸', infno: '1301', med_chrgitm_type: '11', chrgitm_lv: '01', pric_uplmt_amt: null, spec: '27mg×180丸', unit: '瓶', dosform: '滴丸剂', prodentp: '沙箱中药有限公司', bas_medn_flag: '1' }),
  I({ code: 'ZZ5101000010010100003', name: '止咳糖浆（医疗机构制剂）', infno: '1303', med_chrgitm_type: '11', chrgitm_lv: '02', selfpay_prop: '0.10', pric_uplmt_amt: '18.00', spec: '100ml', unit: '瓶', dosform: '糖浆剂', prodentp: '四川沙箱医院' }),
  // 12 一般诊疗费
  I({ code: '001101000010000', name: '一般诊疗费（基层）', infno: '1305', med_chrgitm_type: '12', chrgitm_lv: '01', pric_uplmt_amt: '10.00', spec: '', unit: '次' }),
  // 13 挂号费
  I({ code: '001100000010000', name: '普通门诊挂号费', infno: '1305', med_chrgitm_type: '13', chrgitm_lv: '03', pric_uplmt_amt: null, spec: '', unit: '次' }),
  // 14 其他费
  I({ code: '001400000010000', name: '氧气吸入', infno: '1305', med_chrgitm_type: '14', chrgitm_lv: '02', selfpay_prop: '0.10', pric_uplmt_amt: '4.00', spec: '', unit: '小时' }),
  I({ code: '001400000020000', name: '救护车费', infno: '1305', med_chrgitm_type: '14', chrgitm_lv: '03', pric_uplmt_amt: null, spec: '', unit: '次' }),
  I({ code: '001400000030000', name: '病历本工本费', infno: '1305', med_chrgitm_type: '14', chrgitm_lv: '03', pric_uplmt_amt: null, spec: '', unit: '本' }),
  // later versions (published by the incremental downloads of 2026-12)
  I({ code: 'XN02BEA010A001010100011', name: '对乙酰氨基酚片', infno: '1301', med_chrgitm_type: '09', chrgitm_lv: '01', pric_uplmt_amt: null, spec: '0.5g×12片', unit: '盒', dosform: '片剂', prodentp: '沙箱制药股份有限公司', bas_medn_flag: '1', begndate: '2026-12-01' }, V2),
  I({ code: 'XR06AXL001A001010100012', name: '氯雷他定片（已停用）', infno: '1301', med_chrgitm_type: '09', chrgitm_lv: '02', selfpay_prop: '0.05', pric_uplmt_amt: null, spec: '10mg×6片', unit: '盒', dosform: '片剂', prodentp: '沙箱制药股份有限公司', vali_flag: '0', memo: '2026-12 起停用' }, V2),
];

const BY_CODE = new Map(CATALOG_ITEMS.map((i) => [i.code, i]));

/** The catalog item usable for settlement (valid rows only). */
export function lookupItem(code: string): CatalogItem | undefined {
  const i = BY_CODE.get(code);
  return i && i.vali_flag === '1' ? i : undefined;
}

/** Diagnoses (1307), a few ICD-10 codes of the 医保版. */
export const DIAGNOSES: { code: string; name: string; chapter: string }[] = [
  { code: 'J06.900', name: '急性上呼吸道感染', chapter: '呼吸系统疾病' },
  { code: 'J11.100', name: '流行性感冒', chapter: '呼吸系统疾病' },
  { code: 'I10.x00', name: '原发性高血压', chapter: '循环系统疾病' },
  { code: 'E11.900', name: '2型糖尿病', chapter: '内分泌、营养和代谢疾病' },
  { code: 'K35.800', name: '急性阑尾炎', chapter: '消化系统疾病' },
  { code: 'H25.900', name: '老年性白内障', chapter: '眼和附器疾病' },
  { code: 'I25.103', name: '冠状动脉粥样硬化性心脏病', chapter: '循环系统疾病' },
  { code: 'N18.500', name: '慢性肾脏病5期', chapter: '泌尿生殖系统疾病' },
];
const DIAG = new Set(DIAGNOSES.map((d) => d.code));
export const isKnownDiagnosis = (code: string): boolean => DIAG.has(code);

/** 门诊慢特病种 (1309). */
export const CHRONIC_DISEASES: { code: string; name: string }[] = [
  { code: 'M03900', name: '高血压' },
  { code: 'M01600', name: '糖尿病' },
  { code: 'M07800', name: '慢性肾功能衰竭（透析）' },
  { code: 'M00500', name: '恶性肿瘤门诊治疗' },
];
export const isKnownChronic = (code: string): boolean => CHRONIC_DISEASES.some((c) => c.code === code);

// ---------------------------------------------------------------------------------------------------
// Catalog files (13xx → 9102): zip with one UTF-8 TXT, TAB separated, no header, "null" for empty.
// Column orders follow the public openhis catalog tables (newtouch-cloud/openhis, [code]; the same
// lists host-node/src/catalog.ts uses), which end with the audit block (… ver) and a 4-column transfer
// tail, so `ver` is the last-but-4 column. For tables without a public column list (1303, 1305, 1306,
// 1307, 1310) the sandbox uses its own order with the same audit block and tail.

export const FILE_COLUMNS: Record<string, readonly string[]> = {
  ...OPENHIS_COLUMNS,
  // sandbox orders (no public list): the item attributes the settlement needs, then the audit block and tail (ver = last-but-4)
  '1303': ['med_list_codg', 'prep_name', 'dosform', 'spec', 'unit', 'prodentp_name', 'chrgitm_lv', 'selfpay_prop', 'pric_uplmt_amt', 'lmt_used_flag', 'lmt_usescp', 'memo', 'begndate', 'enddate', 'ver_name', ...AUDIT, ...TAIL],
  '1310': ['bydise_setl_list_code', 'bydise_setl_dise_name', 'oprn_oprt_code', 'oprn_oprt_name', 'memo', 'ver_name', ...AUDIT, ...TAIL],
  '1305': ['med_list_codg', 'medsrv_name', 'med_chrgitm_type', 'chrgitm_lv', 'selfpay_prop', 'pric_uplmt_amt', 'prcunt', 'lmt_used_flag', 'lmt_usescp', 'memo', 'begndate', 'enddate', 'ver_name', ...AUDIT, ...TAIL],
  '1306': ['med_list_codg', 'mcs_name', 'spec', 'unit', 'prodentp_name', 'chrgitm_lv', 'selfpay_prop', 'pric_uplmt_amt', 'lmt_used_flag', 'lmt_usescp', 'memo', 'begndate', 'enddate', 'ver_name', ...AUDIT, ...TAIL],
  '1307': ['diag_list_id', 'diag_code', 'diag_name', 'chp_name', 'memo', 'ver_name', ...AUDIT, ...TAIL],
};

type Cells = Record<string, string | null>;

const dayOf = (ver: string) => `${ver.slice(0, 4)}-${ver.slice(4, 6)}-${ver.slice(6, 8)}`;

/** The audit block and transfer tail of one row. */
function audit(code: string, ver: string, vali = '1'): Cells {
  const t = `${dayOf(ver)} 00:00:00`;
  return {
    vali_flag: vali, rid: `R${ver}${code}`.slice(0, 40), crte_time: t, updt_time: t, crter_id: 'SANDBOX', crter_name: '沙箱', crte_optins_no: '510100',
    opter_id: 'SANDBOX', opter_name: '沙箱', opt_time: t, optins_no: '510100', ver, ver_name: `${ver.slice(0, 4)}年${ver.slice(4, 6)}月版`,
    isu_flag: '1', tram_data_id: `T${ver}`, efft_time: t, invd_time: null,
  };
}

function itemCells(i: CatalogItem): Cells {
  const common: Cells = {
    med_list_codg: i.code, begndate: javaDate(i.begndate), enddate: null, memo: i.memo ?? null, lmt_used_flag: i.lmt_used_flag ?? '0',
    lmt_usescp: i.lmt_used_scp ?? null, prodentp_name: i.prodentp ?? null, chrgitm_lv: i.chrgitm_lv, selfpay_prop: i.selfpay_prop,
    pric_uplmt_amt: i.pric_uplmt_amt, spec: i.spec || null, unit: i.unit, med_chrgitm_type: i.med_chrgitm_type,
    ...audit(i.code, i.ver, i.vali_flag),
  };
  switch (i.infno) {
    case '1301':
      return {
        ...common, drug_prodname: i.name, drug_genname: i.name.replace(/（.*）$/, ''), drug_dosform_name: i.dosform ?? null, drug_spec: i.spec || null,
        min_salunt: i.unit, min_pacunt: i.unit, bas_medn_flag: i.bas_medn_flag ?? '0', bas_medn_flag_name: i.bas_medn_flag === '1' ? '是' : '否',
        hi_nego_drug_flag: i.hi_nego_drug_flag ?? '0', hi_nego_drug_name: i.hi_nego_drug_flag === '1' ? '是' : '否', chld_medc: i.chld_medc_flag ?? '0',
        nat_hi_druglist_dosform: i.dosform ?? null, nat_hi_druglist_chrgitm_lv: i.chrgitm_lv, drug_type: i.med_chrgitm_type === '11' ? '2' : '1',
        drug_type_name: i.med_chrgitm_type === '11' ? '中成药' : '西药', mkt_stas: '1', mkt_stas_name: '上市',
      };
    case '1302':
      return { ...common, tcmherb_name: i.name, cpnd_flag: '0', cat: i.chrgitm_lv === '03' ? '不予支付' : '予以支付', nat_hi_pay_pol: i.chrgitm_lv === '03' ? '单味使用不予支付' : '予以支付' };
    case '1303':
      return { ...common, prep_name: i.name, dosform: i.dosform ?? null };
    case '1305':
      return { ...common, medsrv_name: i.name, prcunt: i.unit };
    case '1306':
      return { ...common, mcs_name: i.name };
  }
}

function simpleRows(infno: string, rows: Cells[]): { ver: string; cells: Cells }[] {
  return rows.map((r, k) => {
    const ver = `${V1}${String(900 + k).padStart(6, '0')}`;
    return { ver, cells: { ...audit(`${infno}-${k}`, ver), ...r } };
  });
}

/** Rows of a file catalog: version and cells by column name (serialised in FILE_COLUMNS order). */
export function fileCatalogRows(infno: string): { ver: string; cells: Cells }[] {
  switch (infno) {
    case '1301':
    case '1302':
    case '1303':
    case '1305':
    case '1306':
      return CATALOG_ITEMS.filter((i) => i.infno === infno).map((i) => ({ ver: i.ver, cells: itemCells(i) }));
    case '1307':
      return simpleRows(infno, DIAGNOSES.map((d, k) => ({ diag_list_id: `D${k + 1}`, diag_code: d.code, diag_name: d.name, chp_name: d.chapter })));
    case '1308':
      return simpleRows(infno, [
        { oprn_std_list_id: 'O1', oprn_oprt_code: '47.0100x001', oprn_oprt_name: '腹腔镜下阑尾切除术', cpr: '5', cpr_name: '消化系统手术' },
        { oprn_std_list_id: 'O2', oprn_oprt_code: '13.4100x001', oprn_oprt_name: '白内障超声乳化抽吸术', cpr: '3', cpr_name: '眼部手术' },
        { oprn_std_list_id: 'O3', oprn_oprt_code: '36.0600x001', oprn_oprt_name: '冠状动脉药物洗脱支架置入术', cpr: '7', cpr_name: '心血管系统手术' },
      ]);
    case '1309':
      return simpleRows(infno, CHRONIC_DISEASES.map((d) => ({ opsp_dise_code: d.code, opsp_dise_name: d.name, opsp_dise_majcls_name: '门诊慢特病', admdvs: '510100' })));
    case '1310':
      return simpleRows(infno, [{ bydise_setl_list_code: 'BZ0001', bydise_setl_dise_name: '急性阑尾炎（按病种）', oprn_oprt_code: '47.0100x001', oprn_oprt_name: '腹腔镜下阑尾切除术' }]);
    case '1311':
      return simpleRows(infno, [{ daysrg_trt_list_id: 'RJ1', daysrg_dise_list_code: 'RJ0001', daysrg_dise_name: '白内障（日间手术）', qua_oprn_oprt_code: '13.4100x001', qua_oprn_oprt_name: '白内障超声乳化抽吸术' }]);
    case '1313':
      return simpleRows(infno, [{ tmor_mpy_id: 'M80000/3', tmor_cell_type: '恶性肿瘤', mpy_type_code: '3', mpy_type: '恶性' }]);
    case '1314':
      return simpleRows(infno, [{ tcm_diag_id: 'A01.01.01.', caty_cgy_name: '内科', dise_type_name: '感冒' }, { tcm_diag_id: 'A04.04.05.', caty_cgy_name: '内科', dise_type_name: '眩晕' }]);
    case '1315':
      return simpleRows(infno, [{ tcmsymp_id: 'B02.01.01.', sds_type_name: '风寒证' }, { tcmsymp_id: 'B02.01.02.', sds_type_name: '风热证' }]);
  }
  return [];
}

/** 1304 民族药品 (query catalog). */
export const ETHNIC_DRUGS: { code: string; name: string; ethnic: string }[] = [
  { code: 'ZM5101000010010100001', name: '二十五味珊瑚丸', ethnic: '藏药' },
  { code: 'ZM5101000020010100002', name: '七十味珍珠丸', ethnic: '藏药' },
];
