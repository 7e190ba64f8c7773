// Insured persons of the sandbox center: documented seed persons and deterministic auto-enrolment of
// any well-formed unseen credential (README.md lists the credentials).
import { createHash } from 'node:crypto';
import { validYmd } from './wire.js';

/** 参保地医保区划 of every sandbox person (also the 清算经办机构 clr_optins of their settlements). */
export const INSUPLC_ADMDVS = '510100';

export interface IdetInfo {
  psn_idet_type: string;
  psn_type_lv: string;
  memo: string;
  begntime: string;
  endtime: string | null;
}

export interface Person {
  psn_no: string;
  psn_name: string;
  psn_cert_type: string;
  certno: string;
  gend: string;
  naty: string;
  brdy: string;
  insutype: '310' | '390';
  psn_type: string;
  /** 1 正常参保 / 2 暂停参保 */
  psn_insu_stas: string;
  psn_insu_date: string;
  paus_insu_date: string | null;
  cvlserv_flag: '0' | '1';
  emp_name: string;
  insuplc_admdvs: string;
  /** 个人账户余额 (fen); 0 for 390 */
  balance_fen: number;
  /** 医疗救助对象 */
  aid_eligible: boolean;
  idetinfo: IdetInfo[];
  card_no?: string;
  card_sn?: string;
  ec_token?: string;
  seed: boolean;
  /** how the person came to exist (seed description or the enrolling credential type) */
  note: string;
}

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** GB 11643 check character of the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * W[i]!;
  return CHECK[sum % 11]!;
}

/** Validates an 18-digit 居民身份证号码 (format, birth date, check character). */
export function checkIdNumber(id: string): { ok: true; brdy: string; gend: string } | { ok: false; reason: string } {
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, reason: '身份证号码应为18位（前17位数字，末位数字或X）' };
  const y = +id.slice(6, 10), m = +id.slice(10, 12), d = +id.slice(12, 14);
  if (y < 1900 || !validYmd(y, m, d)) return { ok: false, reason: '身份证号码中的出生日期无效' };
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return { ok: false, reason: '身份证号码校验位错误（GB 11643）' };
  return { ok: true, brdy: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`, gend: +id[16]! % 2 === 1 ? '1' : '2' };
}

const seed = (p: Omit<Person, 'psn_cert_type' | 'naty' | 'insuplc_admdvs' | 'seed' | 'psn_insu_stas' | 'paus_insu_date' | 'idetinfo' | 'aid_eligible' | 'cvlserv_flag'> & Partial<Person>): Person => ({
  psn_cert_type: '01',
  naty: '01',
  insuplc_admdvs: INSUPLC_ADMDVS,
  psn_insu_stas: '1',
  paus_insu_date: null,
  idetinfo: [],
  aid_eligible: false,
  cvlserv_flag: '0',
  seed: true,
  ...p,
});

/** The documented seed persons (fresh copies: the center mutates balances). */
export function seedPersons(): Person[] {
  return [
    seed({
      psn_no: '51010000000000000001', psn_name: '张在职', certno: '510104198503152311', gend: '1', brdy: '1985-03-15',
      insutype: '310', psn_type: '1101', psn_insu_date: '2008-07-01', emp_name: '成都沙箱科技有限公司', balance_fen: 300000,
      card_no: 'S51000001', card_sn: '510100D15600000500000000000000A1', ec_token: 'ECTOKEN-510100-0001', note: '职工在职（有个人账户）',
    }),
    seed({
      psn_no: '51010000000000000002', psn_name: '李退休', certno: '510105195608221021', gend: '2', brdy: '1956-08-22',
      insutype: '310', psn_type: '1102', psn_insu_date: '1993-01-01', emp_name: '成都沙箱机械厂（退休）', balance_fen: 800000,
      card_no: 'S51000002', card_sn: '510100D15600000500000000000000A2', ec_token: 'ECTOKEN-510100-0002', note: '职工退休',
    }),
    seed({
      psn_no: '51010000000000000003', psn_name: '王居民', certno: '510107199006074619', gend: '1', brdy: '1990-06-07',
      insutype: '390', psn_type: '1401', psn_insu_date: '2015-01-01', emp_name: '', balance_fen: 0,
      card_no: 'S51000003', card_sn: '510100D15600000500000000000000A3', ec_token: 'ECTOKEN-510100-0003', note: '城乡居民（无个人账户）',
    }),
    seed({
      psn_no: '51010000000000000004', psn_name: '赵公务', certno: '510104197801122714', gend: '1', brdy: '1978-01-12',
      insutype: '310', psn_type: '1101', psn_insu_date: '2001-09-01', emp_name: '四川省沙箱管理局', balance_fen: 500000, cvlserv_flag: '1',
      card_no: 'S51000004', card_sn: '510100D15600000500000000000000A4', ec_token: 'ECTOKEN-510100-0004', note: '公务员（享受公务员医疗补助）',
    }),
    seed({
      psn_no: '51010000000000000005', psn_name: '钱救助', certno: '510112196812303049', gend: '2', brdy: '1968-12-30',
      insutype: '390', psn_type: '1401', psn_insu_date: '2012-01-01', emp_name: '', balance_fen: 0, aid_eligible: true,
      idetinfo: [{ psn_idet_type: '2301', psn_type_lv: '1', memo: '低保对象（医疗救助）', begntime: '2020-01-01 00:00:00', endtime: null }],
      card_no: 'S51000005', card_sn: '510100D15600000500000000000000A5', ec_token: 'ECTOKEN-510100-0005', note: '城乡居民 + 医疗救助对象',
    }),
    seed({
      psn_no: '51010000000000000006', psn_name: '孙暂停', certno: '510106197205051836', gend: '1', brdy: '1972-05-05',
      insutype: '310', psn_type: '1101', psn_insu_date: '2000-01-01', emp_name: '成都沙箱贸易公司', balance_fen: 10000,
      psn_insu_stas: '2', paus_insu_date: '2026-01-01',
      card_no: 'S51000006', card_sn: '510100D15600000500000000000000A6', ec_token: 'ECTOKEN-510100-0006', note: '参保暂停（待遇不能享受，用于拒绝场景）',
    }),
  ];
}

/** Decimal digits derived from a hash (deterministic identifiers). */
export function hashDigits(text: string, n: number): string {
  const h = BigInt('0x' + createHash('sha256').update(text).digest('hex'));
  return (h % 10n ** BigInt(n)).toString().padStart(n, '0');
}

export type CredentialType = '01' | '02' | '03';

/** A new in-service employee (310, 1,000.00-yuan account) for an unseen credential; deterministic. */
export function enrollPerson(type: CredentialType, credential: string, name?: string): Person {
  const key = `${type}:${credential}`;
  let certno: string;
  let brdy: string;
  let gend: string;
  if (type === '02') {
    const c = checkIdNumber(credential);
    if (!c.ok) throw new Error(c.reason);
    certno = credential;
    brdy = c.brdy;
    gend = c.gend;
  } else {
    // a valid synthetic ID number for card / e-voucher holders
    const h = hashDigits(key, 12);
    const y = 1960 + (+h.slice(0, 2) % 40);
    const m = 1 + (+h.slice(2, 4) % 12);
    const d = 1 + (+h.slice(4, 6) % 28);
    const first17 = `510104${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${h.slice(6, 9)}`;
    certno = first17 + idCheckChar(first17);
    brdy = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    gend = +first17[16]! % 2 === 1 ? '1' : '2';
  }
  return {
    psn_no: `5101${hashDigits(key, 16)}`,
    psn_name: name && name.trim() ? name.trim() : `参保人${credential.slice(-4)}`,
    psn_cert_type: '01',
    certno,
    gend,
    naty: '01',
    brdy,
    insutype: '310',
    psn_type: '1101',
    psn_insu_stas: '1',
    psn_insu_date: '2020-01-01',
    paus_insu_date: null,
    cvlserv_flag: '0',
    emp_name: '沙箱自动参保单位',
    insuplc_admdvs: INSUPLC_ADMDVS,
    balance_fen: 100000,
    aid_eligible: false,
    idetinfo: [],
    card_no: type === '03' ? credential : undefined,
    ec_token: type === '01' ? credential : undefined,
    seed: false,
    note: `自动参保（凭证类型 ${type}）`,
  };
}

/** Age with one decimal (N4,1) at `today` (yyyy-MM-dd), e.g. "35.0"; floor, integer arithmetic. */
export function ageText(brdy: string, today: string): string {
  const [by, bm, bd] = brdy.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  let years = ty - by;
  if (tm < bm || (tm === bm && td < bd)) years--;
  // days since the last birthday
  const lastBd = Date.UTC(by + years, bm - 1, bd);
  const days = Math.max(0, Math.floor((Date.UTC(ty, tm - 1, td) - lastBd) / 86400000));
  const tenth = Math.min(9, Math.floor((days * 10) / 366));
  return `${Math.max(0, years)}.${tenth}`;
}
