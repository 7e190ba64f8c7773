// Fee classification (op 2) and pre-settlement (op 1) per shared/reference/settlement-model.md.
// All money is integer fen (i64); prices, quantities and ratios are exact decimals; every rounding
// point is round-half-away-from-zero; every identity of the model is checked before answering.
//
// Input  {params, person, fee_items}
// Output {items, setlinfo, setldetail, invoice_categories}  (schema of presettle-examples.json)

import {
  fail, E_MISSING_FIELD, E_WRONG_TYPE, E_BAD_ENUM, E_BAD_INTEGER, E_NEGATIVE_AMOUNT, E_BAD_RATIO,
  E_NET_NEGATIVE_BILL, E_DUPLICATE_SN, E_IDENTITY, E_BAD_PARAM, E_OVERFLOW, errCode, prefixErrDetail,
} from './errors';
import { jsonParse, jKind, jA, jB, jC, jNext, jGet, jPos, K_NULL, K_FALSE, K_TRUE, K_NUM, K_STR, K_ARR, K_OBJ } from './json';
import { parseDecimal, decM, decS, mulDivRound, mres, add, sub, scaleUp, min64, max64, POW10, overflowed, clearOverflow } from './money';
import { outLit, outI64, outByte, outBytes, outJsonStr } from './out';

// ---------------------------------------------------------------------------------------------
// value readers (status in errCode via fail(); return values are meaningless after a failure)

function path2(a: string, b: string): string { return a.length ? a + '.' + b : b; }

function itemPath(i: i32, key: string): string { return 'fee_items[' + i.toString() + '].' + key; }

/** Integer fen from a JSON integer or an all-digit string. */
function nodeInt(v: i32, what: string): i64 {
  const k = jKind(v);
  if (k != K_NUM && !(k == K_STR && jC(v) == 0)) { fail(E_WRONG_TYPE, jPos(v), what + ' must be an integer'); return 0; }
  const s = <usize>jA(v), e = <usize>jB(v);
  if (k == K_NUM && jC(v) != 0) { fail(E_BAD_INTEGER, jPos(v), what + ' must be an integer (fen)'); return 0; }
  if (parseDecimal(s, e, 0, jPos(v), what) != 0) return 0;
  return decM;
}

function reqInt(obj: i32, key: string, path: string): i64 {
  const v = jGet(obj, key);
  if (v < 0 || jKind(v) == K_NULL) { fail(E_MISSING_FIELD, jPos(obj), path2(path, key)); return 0; }
  return nodeInt(v, path2(path, key));
}

/** Optional integer; returns `dflt` when absent or null. */
function optInt(obj: i32, key: string, path: string, dflt: i64): i64 {
  const v = jGet(obj, key);
  if (v < 0 || jKind(v) == K_NULL) return dflt;
  return nodeInt(v, path2(path, key));
}

/** Decimal from a JSON number or a string; result in decM/decS. Returns status. */
function nodeDec(v: i32, maxScale: i32, what: string): i32 {
  const k = jKind(v);
  if (k != K_NUM && k != K_STR) return fail(E_WRONG_TYPE, jPos(v), what + ' must be a decimal number or string');
  if (k == K_STR && jC(v) != 0) return fail(E_WRONG_TYPE, jPos(v), what + ' must be a plain decimal');
  return parseDecimal(<usize>jA(v), <usize>jB(v), maxScale, jPos(v), what);
}

/** nodeDec for fee item i: the JSON path is only built when the value is bad. */
function itemDec(v: i32, maxScale: i32, i: i32, key: string): i32 {
  const st = nodeDec(v, maxScale, '');
  if (st != 0) prefixErrDetail(itemPath(i, key));
  return st;
}

// ratio registers
let rM: i64 = 0;
let rS: i32 = 0;

/** Ratio in [0, 1] into rM/rS. Returns status. */
function nodeRatio(v: i32, what: string): i32 {
  const st = nodeDec(v, 6, what);
  if (st != 0) return st;
  if (decM < 0 || decM > POW10[decS]) return fail(E_BAD_RATIO, jPos(v), what);
  rM = decM;
  rS = decS;
  return 0;
}

function reqRatio(obj: i32, key: string, path: string): i32 {
  const v = jGet(obj, key);
  if (v < 0 || jKind(v) == K_NULL) return fail(E_MISSING_FIELD, jPos(obj), path2(path, key));
  return nodeRatio(v, path2(path, key));
}

/** "1"/1/true -> true; "0"/0/false/""/absent/null -> false. */
function optFlag(obj: i32, key: string, path: string): bool {
  const v = jGet(obj, key);
  if (v < 0) return false;
  const k = jKind(v);
  if (k == K_NULL || k == K_FALSE) return false;
  if (k == K_TRUE) return true;
  if (k == K_STR || k == K_NUM) {
    const s = <usize>jA(v), n = jB(v) - jA(v);
    if (n == 0) return false;
    if (n == 1 && load<u8>(s) == 49) return true;
    if (n == 1 && load<u8>(s) == 48) return false;
    if (k == K_STR && n == 4 && load<u32>(s) == 0x65757274) return true; // "true"
    if (k == K_STR && n == 5 && load<u32>(s) == 0x736c6166 && load<u8>(s + 4) == 101) return false; // "false"
  }
  fail(E_BAD_ENUM, jPos(v), path2(path, key) + ' must be 0 or 1');
  return false;
}

/** Two-digit code "01".."NN" of a string (or number) node; -1 if not of that form. */
function code2(v: i32): i32 {
  const k = jKind(v);
  if (k != K_STR && k != K_NUM) return -1;
  const s = <usize>jA(v), n = jB(v) - jA(v);
  if (n != 2) return -1;
  const a = <i32>load<u8>(s) - 48, b = <i32>load<u8>(s + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** True if string node v equals the ASCII literal. */
function strIs(v: i32, lit: string): bool {
  if (jKind(v) != K_STR && jKind(v) != K_NUM) return false;
  const s = <usize>jA(v), n = <i32>(jB(v) - jA(v));
  if (n != lit.length) return false;
  for (let i = 0; i < n; i++) if (<i32>load<u8>(s + <usize>i) != lit.charCodeAt(i)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// policy parameters and person (registers)

let insutype: i32 = 310;
let dedcStd: i64 = 0;
let poolM: i64 = 0, poolS: i32 = 0, poolNode: i32 = -1;
let poolCap: i64 = -1; // -1 = no cap
let bigOn = false; let bigM: i64 = 0, bigS: i32 = 0; let bigCap: i64 = -1;
let siOn = false; let siThreshold: i64 = 0; let siCap: i64 = -1;
let segUpto = new Array<i64>(0); // -1 = open-ended
let segM = new Array<i64>(0);
let segS = new Array<i32>(0);
let cvlOn = false; let cvlM: i64 = 0, cvlS: i32 = 0;
let aidOn = false; let aidM: i64 = 0, aidS: i32 = 0; let aidCap: i64 = -1;
let acctInScope = false;

let ytdDedc: i64 = 0, ytdHifp: i64 = 0, ytdHifob: i64 = 0, ytdSiBase: i64 = 0, ytdHifmi: i64 = 0, ytdMaf: i64 = 0;
let balance: i64 = 0;
let acctUsed = false, cvlFlag = false, aidFlag = false;

function nonNeg(v: i64, obj: i32, what: string): void {
  if (v < 0) fail(E_NEGATIVE_AMOUNT, jPos(obj), what);
}

function readParams(p: i32): i32 {
  const it = jGet(p, 'insutype');
  if (it < 0 || jKind(it) == K_NULL) return fail(E_MISSING_FIELD, jPos(p), 'params.insutype');
  if (strIs(it, '310')) insutype = 310;
  else if (strIs(it, '390')) insutype = 390;
  else return fail(E_BAD_ENUM, jPos(it), 'params.insutype must be 310 or 390');
  dedcStd = reqInt(p, 'dedc_std_fen', 'params');
  nonNeg(dedcStd, p, 'params.dedc_std_fen');
  if (reqRatio(p, 'pool_ratio', 'params') != 0) return errCode;
  poolM = rM; poolS = rS; poolNode = jGet(p, 'pool_ratio');
  poolCap = optInt(p, 'pool_annual_cap_fen', 'params', -1);
  if (poolCap < -1) return fail(E_NEGATIVE_AMOUNT, jPos(p), 'params.pool_annual_cap_fen');
  const sc = jGet(p, 'dedc_scope');
  if (sc >= 0 && jKind(sc) != K_NULL && !strIs(sc, 'annual') && !strIs(sc, 'per_visit'))
    return fail(E_BAD_ENUM, jPos(sc), 'params.dedc_scope must be annual or per_visit');
  const as = jGet(p, 'acct_scope');
  acctInScope = false;
  if (as >= 0 && jKind(as) != K_NULL) {
    if (strIs(as, 'in_scope')) acctInScope = true;
    else if (!strIs(as, 'psn_part')) return fail(E_BAD_ENUM, jPos(as), 'params.acct_scope must be psn_part or in_scope');
  }

  // 大额 (职工)
  const big = jGet(p, 'big');
  bigOn = big >= 0 && jKind(big) != K_NULL;
  if (bigOn) {
    if (jKind(big) != K_OBJ) return fail(E_WRONG_TYPE, jPos(big), 'params.big must be an object or null');
    if (reqRatio(big, 'ratio', 'params.big') != 0) return errCode;
    bigM = rM; bigS = rS;
    bigCap = optInt(big, 'annual_cap_fen', 'params.big', -1);
  }
  // 大病 (居民)
  const si = jGet(p, 'serious_illness');
  siOn = si >= 0 && jKind(si) != K_NULL;
  segUpto = new Array<i64>(0); segM = new Array<i64>(0); segS = new Array<i32>(0);
  if (siOn) {
    if (jKind(si) != K_OBJ) return fail(E_WRONG_TYPE, jPos(si), 'params.serious_illness must be an object or null');
    siThreshold = reqInt(si, 'threshold_fen', 'params.serious_illness');
    nonNeg(siThreshold, si, 'params.serious_illness.threshold_fen');
    siCap = optInt(si, 'annual_cap_fen', 'params.serious_illness', -1);
    const segs = jGet(si, 'segments');
    if (segs < 0 || jKind(segs) != K_ARR || jA(segs) == 0)
      return fail(E_MISSING_FIELD, jPos(si), 'params.serious_illness.segments (non-empty array)');
    const n = <i32>jA(segs);
    let j = segs + 1;
    let prev = siThreshold;
    for (let k = 0; k < n; k++) {
      const sp = 'params.serious_illness.segments[' + k.toString() + ']';
      if (jKind(j) != K_OBJ) return fail(E_WRONG_TYPE, jPos(j), sp + ' must be an object');
      const up = optInt(j, 'upto_fen', sp, -1);
      if (errCode != 0) return errCode;
      if (up != -1 && up <= prev) return fail(E_BAD_PARAM, jPos(j), sp + '.upto_fen must increase and exceed the threshold');
      if (up == -1 && k != n - 1) return fail(E_BAD_PARAM, jPos(j), sp + ': only the last segment may be open-ended');
      if (reqRatio(j, 'ratio', sp) != 0) return errCode;
      segUpto.push(up); segM.push(rM); segS.push(rS);
      if (up != -1) prev = up;
      j = jNext(j);
    }
  }
  // 公务员
  const cv = jGet(p, 'civil_servant');
  cvlOn = cv >= 0 && jKind(cv) != K_NULL;
  if (cvlOn) {
    if (jKind(cv) != K_OBJ) return fail(E_WRONG_TYPE, jPos(cv), 'params.civil_servant must be an object or null');
    if (reqRatio(cv, 'ratio', 'params.civil_servant') != 0) return errCode;
    cvlM = rM; cvlS = rS;
  }
  // 医疗救助
  const aid = jGet(p, 'medical_aid');
  aidOn = aid >= 0 && jKind(aid) != K_NULL;
  if (aidOn) {
    if (jKind(aid) != K_OBJ) return fail(E_WRONG_TYPE, jPos(aid), 'params.medical_aid must be an object or null');
    if (reqRatio(aid, 'ratio', 'params.medical_aid') != 0) return errCode;
    aidM = rM; aidS = rS;
    aidCap = optInt(aid, 'annual_cap_fen', 'params.medical_aid', -1);
  }
  return errCode;
}

function readPerson(q: i32): i32 {
  ytdDedc = optInt(q, 'ytd_dedc_paid_fen', 'person', 0);
  ytdHifp = optInt(q, 'ytd_hifp_paid_fen', 'person', 0);
  ytdHifob = optInt(q, 'ytd_hifob_paid_fen', 'person', 0);
  ytdSiBase = optInt(q, 'ytd_si_base_fen', 'person', 0);
  ytdHifmi = optInt(q, 'ytd_hifmi_paid_fen', 'person', 0);
  ytdMaf = optInt(q, 'ytd_maf_paid_fen', 'person', 0);
  balance = optInt(q, 'acct_balance_fen', 'person', 0);
  if (errCode != 0) return errCode;
  if (ytdDedc < 0 || ytdHifp < 0 || ytdHifob < 0 || ytdSiBase < 0 || ytdHifmi < 0 || ytdMaf < 0 || balance < 0)
    return fail(E_NEGATIVE_AMOUNT, jPos(q), 'person: accumulators and balance must not be negative');
  acctUsed = optFlag(q, 'acct_used_flag', 'person');
  cvlFlag = optFlag(q, 'cvlserv_flag', 'person');
  aidFlag = optFlag(q, 'aid_eligible', 'person');
  return errCode;
}

// ---------------------------------------------------------------------------------------------
// line classification

// per-line results, 6 x i64 per line: amt, ful, over, pre, inscp, flags(type | hospBorne << 8)
let lines: usize = 0;
let linesCap: i32 = 0;
let snNodes: usize = 0; // i32 per line: tape node of feedetl_sn

const L_AMT = 0, L_FUL = 8, L_OVER = 16, L_PRE = 24, L_INSCP = 32, L_META = 40;
const LSZ: usize = 48;

function ensureLines(n: i32): void {
  if (n <= linesCap) return;
  let cap = linesCap == 0 ? 256 : linesCap;
  while (cap < n) cap <<= 1;
  lines = lines == 0 ? heap.alloc(<usize>cap * LSZ) : heap.realloc(lines, <usize>cap * LSZ);
  snNodes = snNodes == 0 ? heap.alloc(<usize>cap << 2) : heap.realloc(snNodes, <usize>cap << 2);
  linesCap = cap;
}

// totals
let nLines: i32 = 0;
let MED: i64 = 0, F: i64 = 0, O: i64 = 0, P: i64 = 0, S: i64 = 0, HOSP: i64 = 0;
const cats = new StaticArray<i64>(15);
const catSeen = new StaticArray<bool>(15);

// key ids for a single pass over each fee item's members
const KY_SN = 1, KY_TYPE = 2, KY_LV = 3, KY_PRIC = 4, KY_CNT = 5, KY_PROP = 6, KY_CAP = 7, KY_AMT = 8,
  KY_APPR = 9, KY_BEAR = 10;

function keyId(k: i32): i32 {
  if (jC(k) != 0) return 0;
  const s = <usize>jA(k), n = <i32>(jB(k) - jA(k));
  switch (n) {
    case 3: return load<u16>(s) == 0x6e63 && load<u8>(s + 2) == 0x74 ? KY_CNT : 0; // cnt
    case 4: return load<u32>(s) == 0x63697270 ? KY_PRIC : 0; // pric
    case 10: return mem('chrgitm_lv', s) ? KY_LV : mem('feedetl_sn', s) ? KY_SN : 0;
    case 12: return mem('selfpay_prop', s) ? KY_PROP : 0;
    case 14: return mem('pric_uplmt_amt', s) ? KY_CAP : mem('hosp_appr_flag', s) ? KY_APPR : mem('hosp_bear_flag', s) ? KY_BEAR : 0;
    case 16: return mem('med_chrgitm_type', s) ? KY_TYPE : 0;
    case 19: return mem('det_item_fee_sumamt', s) ? KY_AMT : 0;
    default: return 0;
  }
}

@inline function mem(lit: string, s: usize): bool {
  const n = lit.length;
  for (let i = 0; i < n; i++) if (<i32>load<u8>(s + <usize>i) != lit.charCodeAt(i)) return false;
  return true;
}

/** Compares a/s with b/t as decimals: returns -1, 0, 1. Sets overflow on absurd magnitudes. */
function cmpDec(a: i64, as: i32, b: i64, bs: i32): i32 {
  const x = scaleUp(a, 6 - as), y = scaleUp(b, 6 - bs);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** rhu(100 * m1/10^s1 * m2/10^s2) in fen. Returns status; result in mres. */
function fenOf(m1: i64, s1: i32, m2: i64, s2: i32): i32 {
  const k = s1 + s2 - 2;
  if (k >= 0) return mulDivRound(m1, m2, POW10[k]);
  return mulDivRound(m1, scaleUp(m2, -k), 1);
}

function classifyLines(items: i32): i32 {
  const n = <i32>jA(items);
  nLines = n;
  ensureLines(n);
  MED = 0; F = 0; O = 0; P = 0; S = 0; HOSP = 0;
  for (let c = 0; c < 15; c++) { cats[c] = 0; catSeen[c] = false; }
  hashReset(n);
  let it = items + 1;
  for (let i = 0; i < n; i++) {
    if (jKind(it) != K_OBJ) return fail(E_WRONG_TYPE, jPos(it), 'fee_items[' + i.toString() + '] must be an object');
    let vSn = -1, vType = -1, vLv = -1, vPric = -1, vCnt = -1, vProp = -1, vCap = -1, vAmt = -1, vAppr = -1, vBear = -1;
    const m = <i32>jA(it);
    let j = it + 1;
    for (let q = 0; q < m; q++) {
      const id = keyId(j);
      const v = j + 1;
      if (id != 0 && jKind(v) != K_NULL) {
        switch (id) {
          case KY_SN: vSn = v; break;
          case KY_TYPE: vType = v; break;
          case KY_LV: vLv = v; break;
          case KY_PRIC: vPric = v; break;
          case KY_CNT: vCnt = v; break;
          case KY_PROP: vProp = v; break;
          case KY_CAP: vCap = v; break;
          case KY_AMT: vAmt = v; break;
          case KY_APPR: vAppr = v; break;
          case KY_BEAR: vBear = v; break;
          default: break;
        }
      }
      j = jNext(v);
    }
    if (vSn < 0) return fail(E_MISSING_FIELD, jPos(it), itemPath(i, 'feedetl_sn'));
    if (vType < 0) return fail(E_MISSING_FIELD, jPos(it), itemPath(i, 'med_chrgitm_type'));
    if (vLv < 0) return fail(E_MISSING_FIELD, jPos(it), itemPath(i, 'chrgitm_lv'));
    if (vPric < 0) return fail(E_MISSING_FIELD, jPos(it), itemPath(i, 'pric'));
    if (vCnt < 0) return fail(E_MISSING_FIELD, jPos(it), itemPath(i, 'cnt'));
    const ks = jKind(vSn);
    if ((ks != K_STR && ks != K_NUM) || jB(vSn) == jA(vSn)) return fail(E_WRONG_TYPE, jPos(vSn), itemPath(i, 'feedetl_sn') + ' must be a non-empty string');
    if (!hashInsert(vSn, i)) return fail(E_DUPLICATE_SN, jPos(vSn), itemPath(i, 'feedetl_sn') + ' = ' + snText(vSn));
    store<i32>(snNodes + (<usize>i << 2), vSn);
    const type = code2(vType);
    if (type < 1 || type > 14) return fail(E_BAD_ENUM, jPos(vType), itemPath(i, 'med_chrgitm_type') + ' must be 01..14');
    const lv = code2(vLv);
    if (lv < 1 || lv > 3) return fail(E_BAD_ENUM, jPos(vLv), itemPath(i, 'chrgitm_lv') + ' must be 01, 02 or 03');

    if (itemDec(vPric, 6, i, 'pric') != 0) return errCode;
    const pm = decM, ps = decS;
    if (pm < 0) return fail(E_NEGATIVE_AMOUNT, jPos(vPric), itemPath(i, 'pric') + ' (refunds use a negative cnt)');
    if (itemDec(vCnt, 4, i, 'cnt') != 0) return errCode;
    const cm = decM, cs = decS;

    // amount: the value sent, else rhu(100 * pric * cnt)
    let amt: i64;
    if (vAmt >= 0) {
      if (itemDec(vAmt, 2, i, 'det_item_fee_sumamt') != 0) return errCode;
      amt = scaleUp(decM, 2 - decS);
      if ((amt < 0) != (cm < 0) && amt != 0 && cm != 0)
        return fail(E_BAD_PARAM, jPos(vAmt), itemPath(i, 'det_item_fee_sumamt') + ' must have the sign of cnt');
    } else {
      if (fenOf(pm, ps, cm, cs) != 0) return fail(E_OVERFLOW, jPos(vPric), itemPath(i, 'pric x cnt'));
      amt = mres;
    }

    let payable = lv != 3;
    if (vAppr >= 0 && strIs(vAppr, '2')) payable = false; // 审批不通过
    let bear = false;
    if (vBear >= 0) {
      if (strIs(vBear, '1') || jKind(vBear) == K_TRUE) { bear = true; payable = false; }
      else if (!(strIs(vBear, '0') || jKind(vBear) == K_FALSE || strIs(vBear, '')))
        return fail(E_BAD_ENUM, jPos(vBear), itemPath(i, 'hosp_bear_flag') + ' must be 0 or 1');
    }

    let ful: i64 = 0, over: i64 = 0, pre: i64 = 0, inscp: i64 = 0;
    if (!payable) {
      ful = amt;
    } else {
      let allowed = amt;
      if (vCap >= 0) {
        if (itemDec(vCap, 6, i, 'pric_uplmt_amt') != 0) return errCode;
        const capM = decM, capS = decS;
        if (capM < 0) return fail(E_NEGATIVE_AMOUNT, jPos(vCap), itemPath(i, 'pric_uplmt_amt'));
        if (cmpDec(pm, ps, capM, capS) > 0) {
          if (fenOf(capM, capS, cm, cs) != 0) return fail(E_OVERFLOW, jPos(vCap), itemPath(i, 'pric_uplmt_amt x cnt'));
          allowed = mres;
        }
      }
      // the allowed amount can never exceed the amount itself (when det_item_fee_sumamt was sent)
      if ((amt >= 0 && allowed > amt) || (amt < 0 && allowed < amt)) allowed = amt;
      over = sub(amt, allowed);
      if (vProp >= 0) {
        if (nodeRatio(vProp, '') != 0) { prefixErrDetail(itemPath(i, 'selfpay_prop')); return errCode; }
        if (lv == 1 && rM != 0) {
          // 甲类 carries selfpay_prop 0; a non-zero value is still applied as sent (regional catalogues)
        }
        if (mulDivRound(allowed, rM, POW10[rS]) != 0) return errCode;
        pre = mres;
      }
      inscp = sub(allowed, pre);
    }
    // I1 per line
    if (add(add(ful, over), add(pre, inscp)) != amt) return fail(E_IDENTITY, jPos(it), 'I1 line ' + i.toString() + ': amt = ful + over + pre + inscp');

    const lp = lines + <usize>i * LSZ;
    store<i64>(lp, amt, L_AMT);
    store<i64>(lp, ful, L_FUL);
    store<i64>(lp, over, L_OVER);
    store<i64>(lp, pre, L_PRE);
    store<i64>(lp, inscp, L_INSCP);
    store<i64>(lp, <i64>(type | (bear ? 256 : 0)), L_META);

    MED = add(MED, amt); F = add(F, ful); O = add(O, over); P = add(P, pre); S = add(S, inscp);
    if (bear) HOSP = add(HOSP, amt);
    cats[type] = add(cats[type], amt);
    catSeen[type] = true;
    it = jNext(it);
  }
  if (overflowed) return fail(E_OVERFLOW, jPos(items), 'fee_items totals');
  return 0;
}

// ---- feedetl_sn uniqueness (open addressing on the raw bytes) --------------------------------
let htab: usize = 0;
let hcap: i32 = 0;

function hashReset(n: i32): void {
  let cap = 16;
  while (cap < n * 2) cap <<= 1;
  if (cap > hcap) {
    if (htab != 0) heap.free(htab);
    htab = heap.alloc(<usize>cap << 2);
    hcap = cap;
  }
  memory.fill(htab, 0, <usize>hcap << 2);
}

function snHash(v: i32): u32 {
  let h: u32 = 2166136261;
  const s = <usize>jA(v), e = <usize>jB(v);
  for (let q = s; q < e; q++) h = (h ^ <u32>load<u8>(q)) * 16777619;
  return h;
}

function snEq(a: i32, b: i32): bool {
  const sa = <usize>jA(a), na = jB(a) - jA(a), sb = <usize>jA(b), nb = jB(b) - jA(b);
  if (na != nb) return false;
  return memory.compare(sa, sb, <usize>na) == 0;
}

/** Inserts line i with sn node v; false if the sn is already present. */
function hashInsert(v: i32, i: i32): bool {
  const mask = <u32>(hcap - 1);
  let h = snHash(v) & mask;
  while (true) {
    const slot = htab + (<usize>h << 2);
    const e = load<i32>(slot);
    if (e == 0) { store<i32>(slot, i + 1); return true; }
    if (snEq(load<i32>(snNodes + (<usize>(e - 1) << 2)), v)) return false;
    h = (h + 1) & mask;
  }
}

function snText(v: i32): string {
  let r = '';
  const s = <usize>jA(v), e = <usize>jB(v);
  for (let q = s; q < e && q < s + 40; q++) r += String.fromCharCode(<i32>load<u8>(q));
  return r;
}

// ---------------------------------------------------------------------------------------------
// fund split

let actDedc: i64 = 0, hifp: i64 = 0, hifob: i64 = 0, hifmi: i64 = 0, cvlserv: i64 = 0, hifes: i64 = 0, maf: i64 = 0, oth: i64 = 0;
let fund: i64 = 0, psnPart: i64 = 0, acctPay: i64 = 0, cash: i64 = 0, balc: i64 = 0;
let poolUsed = false;

function split(): i32 {
  // 1 起付线: only against the in-scope amount
  const dedcRem = max64(0, sub(dedcStd, ytdDedc));
  actDedc = min64(max64(S, 0), dedcRem);
  // 2 统筹
  const base = max64(0, sub(S, actDedc));
  if (mulDivRound(base, poolM, POW10[poolS]) != 0) return errCode;
  const raw = mres;
  let overBase: i64 = 0;
  if (poolCap >= 0) {
    const capRem = max64(0, sub(poolCap, ytdHifp));
    if (raw > capRem) {
      hifp = capRem;
      // base consumed inside the cap: rhu(capRem / r); r > 0 here because raw > capRem >= 0
      if (mulDivRound(capRem, POW10[poolS], poolM) != 0) return errCode;
      overBase = max64(0, sub(base, min64(mres, base)));
    } else hifp = raw;
  } else hifp = raw;
  poolUsed = hifp != 0;
  // 3 大额 (over the basic cap)
  hifob = 0;
  if (bigOn && overBase > 0) {
    if (mulDivRound(overBase, bigM, POW10[bigS]) != 0) return errCode;
    hifob = mres;
    if (bigCap >= 0) hifob = min64(hifob, max64(0, sub(bigCap, ytdHifob)));
  }
  // 3 大病: segments on the cumulative base, exact sum, rounded once
  hifmi = 0;
  if (siOn) {
    const siThis = sub(sub(S, hifp), hifob);
    if (siThis > 0) {
      const lo = max64(ytdSiBase, siThreshold);
      const hi = add(ytdSiBase, siThis);
      if (hi > lo) {
        let common = 0;
        for (let k = 0; k < segM.length; k++) if (segS[k] > common) common = segS[k];
        let sum: i64 = 0;
        let segStart = siThreshold;
        for (let k = 0; k < segM.length; k++) {
          const up = segUpto[k];
          const segEnd = up < 0 ? i64.MAX_VALUE : up;
          const a = max64(lo, segStart), b = min64(hi, segEnd);
          if (b > a) {
            const r = scaleUp(segM[k], common - segS[k]);
            if (mulDivRound(sub(b, a), r, 1) != 0) return errCode;
            sum = add(sum, mres);
          }
          segStart = segEnd;
          if (segStart >= hi) break;
        }
        if (mulDivRound(sum, 1, POW10[common]) != 0) return errCode;
        hifmi = mres;
        if (siCap >= 0) hifmi = min64(hifmi, max64(0, sub(siCap, ytdHifmi)));
      }
    }
  }
  // 4 公务员补助
  cvlserv = 0;
  if (cvlOn && cvlFlag) {
    const b = max64(0, sub(sub(sub(S, hifp), hifob), hifmi));
    if (mulDivRound(b, cvlM, POW10[cvlS]) != 0) return errCode;
    cvlserv = mres;
  }
  // 5 企业补充, 7 其他: regional, 0 in this model
  hifes = 0;
  oth = 0;
  // 6 医疗救助
  maf = 0;
  if (aidOn && aidFlag) {
    const b = max64(0, sub(sub(sub(sub(S, hifp), hifob), hifmi), cvlserv));
    if (mulDivRound(b, aidM, POW10[aidS]) != 0) return errCode;
    maf = mres;
    if (aidCap >= 0) maf = min64(maf, max64(0, sub(aidCap, ytdMaf)));
  }
  fund = add(add(add(hifp, cvlserv), add(hifes, hifmi)), add(add(hifob, maf), oth));
  // 8 个人负担
  psnPart = sub(sub(MED, fund), HOSP);
  if (psnPart < 0) return fail(E_NET_NEGATIVE_BILL, -1, 'psn_part_amt ' + psnPart.toString() + ' fen: refunds exceed the patient share');
  // 9 个人账户 (职工 only)
  acctPay = 0;
  if (acctUsed && insutype == 310) {
    // in_scope: 政策范围内自付 only, and never more than the patient's share (refunded 自费 lines can make it smaller)
    const payable = acctInScope ? min64(psnPart, max64(0, sub(add(P, S), fund))) : max64(0, psnPart);
    acctPay = min64(balance, payable);
  }
  cash = sub(psnPart, acctPay);
  balc = sub(balance, acctPay);
  if (overflowed) return fail(E_OVERFLOW, -1, 'settlement totals');
  return 0;
}

// setldetail rows: fund_pay_type, name, amount
const ROWS = 9;
const rowAmt = new StaticArray<i64>(ROWS);

function rowCode(k: i32): string {
  switch (k) {
    case 0: return insutype == 390 ? '390100' : '310100';
    case 1: return '320100';
    case 2: return '370100';
    case 3: return '390200';
    case 4: return '330100';
    case 5: return '610100';
    case 6: return '999997';
    case 7: return '310200';
    default: return '999996';
  }
}

function rowName(k: i32): string {
  switch (k) {
    case 0: return insutype == 390 ? '城乡居民基本医疗保险基金' : '职工基本医疗保险统筹基金';
    case 1: return '公务员医疗补助资金';
    case 2: return '企业补充医疗保险基金';
    case 3: return '城乡居民大病医疗保险资金';
    case 4: return '职工大额医疗费用补助基金';
    case 5: return '医疗救助基金';
    case 6: return '其他基金';
    case 7: return '职工基本医疗保险个人账户';
    default: return '医院负担';
  }
}

function fillRows(): void {
  rowAmt[0] = hifp; rowAmt[1] = cvlserv; rowAmt[2] = hifes; rowAmt[3] = hifmi; rowAmt[4] = hifob;
  rowAmt[5] = maf; rowAmt[6] = oth; rowAmt[7] = acctPay; rowAmt[8] = HOSP;
}

function identity(ok: bool, which: string): i32 {
  return ok ? 0 : fail(E_IDENTITY, -1, which);
}

/** Every identity of settlement-model.md §3, checked on the result before it is written. */
function checkIdentities(): i32 {
  let st = 0;
  st = identity(MED == add(add(F, O), add(P, S)), 'I1 medfee_sumamt = fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt'); if (st) return st;
  st = identity(MED == add(add(fund, psnPart), HOSP), 'I2 medfee_sumamt = fund_pay_sumamt + psn_part_amt + hosp_part_amt'); if (st) return st;
  st = identity(psnPart == add(acctPay, cash) && cash >= 0 && acctPay >= 0, 'I3 psn_part_amt = acct_pay + psn_cash_pay (both >= 0)'); if (st) return st;
  st = identity(fund == add(add(add(hifp, cvlserv), add(hifes, hifmi)), add(add(hifob, maf), oth)), 'I4 fund_pay_sumamt = sum of funds'); if (st) return st;
  st = identity(hifp >= 0 && cvlserv >= 0 && hifes >= 0 && hifmi >= 0 && hifob >= 0 && maf >= 0 && oth >= 0, 'I4 every fund payment >= 0'); if (st) return st;
  let rowsFund: i64 = 0;
  for (let k = 0; k < 7; k++) rowsFund = add(rowsFund, rowAmt[k]);
  st = identity(rowsFund == fund && rowAmt[7] == acctPay && rowAmt[8] == HOSP, 'I5 setldetail rows = fund_pay_sumamt / acct_pay / hosp_part_amt'); if (st) return st;
  st = identity(balc == sub(balance, acctPay) && balc >= 0, 'I6 balc = balance before - acct_pay'); if (st) return st;
  st = identity(actDedc >= 0 && actDedc <= max64(S, 0) && hifp <= max64(0, sub(S, actDedc)), 'I7 0 <= act_pay_dedc <= inscp; hifp_pay <= inscp - act_pay_dedc'); if (st) return st;
  if (overflowed) return fail(E_OVERFLOW, -1, 'identity check');
  return 0;
}

// ---------------------------------------------------------------------------------------------
// output

function writeSn(v: i32): void {
  if (jKind(v) == K_STR) outBytes(<usize>jA(v) - 1, <i32>(jB(v) - jA(v)) + 2);
  else { outByte(34); outBytes(<usize>jA(v), <i32>(jB(v) - jA(v))); outByte(34); }
}

function writeItems(): void {
  outLit('"items":[');
  for (let i = 0; i < nLines; i++) {
    const lp = lines + <usize>i * LSZ;
    if (i > 0) outByte(44);
    outLit('{"feedetl_sn":');
    writeSn(load<i32>(snNodes + (<usize>i << 2)));
    outLit(',"det_item_fee_sumamt":'); outI64(load<i64>(lp, L_AMT));
    outLit(',"fulamt_ownpay_amt":'); outI64(load<i64>(lp, L_FUL));
    outLit(',"overlmt_amt":'); outI64(load<i64>(lp, L_OVER));
    outLit(',"preselfpay_amt":'); outI64(load<i64>(lp, L_PRE));
    outLit(',"inscp_scp_amt":'); outI64(load<i64>(lp, L_INSCP));
    outByte(125);
  }
  outByte(93);
}

function writeCats(): void {
  outLit('"invoice_categories":{');
  let first = true;
  for (let c = 1; c <= 14; c++) {
    if (!catSeen[c]) continue;
    if (!first) outByte(44);
    first = false;
    outByte(34);
    outByte(48 + c / 10);
    outByte(48 + c % 10);
    outLit('":');
    outI64(cats[c]);
  }
  outByte(125);
}

/** A ratio m/10^s as a decimal string with at least two places ("0.50", "0.8523"). */
function writeRatio(m: i64, s: i32): void {
  outByte(34);
  const sc = s < 2 ? 2 : s;
  const mm = scaleUp(m, sc - s);
  const ip = mm / POW10[sc];
  outI64(ip);
  outByte(46);
  let fr = mm % POW10[sc];
  for (let k = sc - 1; k >= 0; k--) {
    const d = fr / POW10[k];
    outByte(48 + <i32>d);
    fr -= d * POW10[k];
  }
  outByte(34);
}

function kv(key: string, v: i64): void {
  outByte(34); outLit(key); outLit('":'); outI64(v);
}

function writeSetlinfo(): void {
  outLit('"setlinfo":{');
  kv('medfee_sumamt', MED); outByte(44);
  kv('fulamt_ownpay_amt', F); outByte(44);
  kv('overlmt_selfpay', O); outByte(44);
  kv('preselfpay_amt', P); outByte(44);
  kv('inscp_scp_amt', S); outByte(44);
  kv('act_pay_dedc', actDedc); outByte(44);
  kv('hifp_pay', hifp); outByte(44);
  outLit('"pool_prop_selfpay":');
  if (poolUsed) writeRatio(poolM, poolS); else writeRatio(0, 0);
  outByte(44);
  kv('cvlserv_pay', cvlserv); outByte(44);
  kv('hifes_pay', hifes); outByte(44);
  kv('hifmi_pay', hifmi); outByte(44);
  kv('hifob_pay', hifob); outByte(44);
  kv('maf_pay', maf); outByte(44);
  kv('oth_pay', oth); outByte(44);
  kv('fund_pay_sumamt', fund); outByte(44);
  kv('psn_part_amt', psnPart); outByte(44);
  kv('acct_pay', acctPay); outByte(44);
  kv('psn_cash_pay', cash); outByte(44);
  kv('hosp_part_amt', HOSP); outByte(44);
  kv('balc', balc); outByte(44);
  kv('acct_mulaid_pay', 0);
  outByte(125);
}

function writeSetldetail(): void {
  outLit('"setldetail":[');
  let first = true;
  for (let k = 0; k < ROWS; k++) {
    if (rowAmt[k] == 0) continue;
    if (!first) outByte(44);
    first = false;
    outLit('{"fund_pay_type":"'); outLit(rowCode(k));
    outLit('","fund_pay_type_name":'); outJsonStr(rowName(k));
    outLit(',"fund_payamt":'); outI64(rowAmt[k]);
    outLit(',"inscp_scp_amt":'); outI64(S);
    outByte(125);
  }
  outByte(93);
}

// ---------------------------------------------------------------------------------------------
// ops

function readItems(root: i32): i32 {
  const items = jGet(root, 'fee_items');
  if (items < 0 || jKind(items) == K_NULL) { fail(E_MISSING_FIELD, 0, 'fee_items'); return -1; }
  if (jKind(items) != K_ARR) { fail(E_WRONG_TYPE, jPos(items), 'fee_items must be an array'); return -1; }
  return items;
}

export function opPresettle(ptr: usize, len: i32): i32 {
  clearOverflow();
  let st = jsonParse(ptr, len);
  if (st != 0) return st;
  if (jKind(0) != K_OBJ) return fail(E_WRONG_TYPE, 0, 'input must be an object {params, person, fee_items}');
  const params = jGet(0, 'params');
  if (params < 0 || jKind(params) == K_NULL) return fail(E_MISSING_FIELD, 0, 'params');
  if (jKind(params) != K_OBJ) return fail(E_WRONG_TYPE, jPos(params), 'params must be an object');
  const person = jGet(0, 'person');
  if (person < 0 || jKind(person) == K_NULL) return fail(E_MISSING_FIELD, 0, 'person');
  if (jKind(person) != K_OBJ) return fail(E_WRONG_TYPE, jPos(person), 'person must be an object');
  const items = readItems(0);
  if (items < 0) return errCode;
  if (readParams(params) != 0) return errCode;
  if (readPerson(person) != 0) return errCode;
  if (classifyLines(items) != 0) return errCode;
  if (MED < 0) return fail(E_NET_NEGATIVE_BILL, jPos(items), 'medfee_sumamt ' + MED.toString() + ' fen');
  if (split() != 0) return errCode;
  fillRows();
  if (checkIdentities() != 0) return errCode;
  outByte(123);
  writeItems(); outByte(44);
  writeSetlinfo(); outByte(44);
  writeSetldetail(); outByte(44);
  writeCats();
  outByte(125);
  return 0;
}

/** op 2: {fee_items} -> {items, invoice_categories, totals}. Refund-only inputs are allowed here. */
export function opClassify(ptr: usize, len: i32): i32 {
  clearOverflow();
  let st = jsonParse(ptr, len);
  if (st != 0) return st;
  if (jKind(0) != K_OBJ) return fail(E_WRONG_TYPE, 0, 'input must be an object {fee_items}');
  const items = readItems(0);
  if (items < 0) return errCode;
  if (classifyLines(items) != 0) return errCode;
  if (MED != add(add(F, O), add(P, S))) return fail(E_IDENTITY, -1, 'I1 medfee_sumamt = ful + over + pre + inscp');
  outByte(123);
  writeItems(); outByte(44);
  writeCats(); outByte(44);
  outLit('"totals":{');
  kv('medfee_sumamt', MED); outByte(44);
  kv('fulamt_ownpay_amt', F); outByte(44);
  kv('overlmt_selfpay', O); outByte(44);
  kv('preselfpay_amt', P); outByte(44);
  kv('inscp_scp_amt', S); outByte(44);
  kv('hosp_part_amt', HOSP);
  outLit('}}');
  return 0;
}
