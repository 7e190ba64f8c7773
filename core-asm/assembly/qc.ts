// Settlement-list (结算清单) quality-rule engine: op 80 slist_check.
//
// Input  {"list": {setlinfo, payinfo[], opspdiseinfo[], diseinfo[], iteminfo[], oprninfo[], icuinfo[], bldinfo[]},
//         "variant": "4101"|"4101A", "rules": [rule…]?, "overrides": [override…]?, "codeTables": {name: [code…]}?}
//        or {"builtin": true} → the built-in rule document (labels, code tables, rules) as JSON text.
// Output {"ok": bool, "violations": [{rule, field, path, message_zh, message_en, value?}], "rules": N}
//
// Rules are data (core-asm/README.md "Settlement-list quality rules" has the format). The built-in
// table (core-asm/rules/slist-national.json, embedded through qc-rules.ts) supplies the national
// rules, the field labels and the small national code tables; `rules` replaces its rules, `overrides`
// change rules by id (params merged key by key, a null param removes the key, `enabled: false`
// disables, an unknown id with a `kind` adds a rule), `codeTables` add or replace code tables by name.
// Violations come in rule-table order, then row order, then the rule's field order. A bad rule table
// is QC_RULES (status 810) with the rule and member in `detail`; the list itself never makes the op
// fail (wrong shapes are violations of the `sections` rule), and nothing in it can trap.

import { fail, errCode, E_WRONG_TYPE, E_MISSING_FIELD, E_BAD_ENUM, E_QC_RULES, E_INTERNAL } from './errors';
import { jsonParse, jKind, jA, jB, jGet, jPos, jNext, jString, checkDuplicates, K_NULL, K_FALSE, K_TRUE, K_NUM, K_STR, K_ARR, K_OBJ } from './json';
import { outByte, outLit, outJsonStr, outI64 } from './out';
import { JV, toJV, numText, V_NULL, V_TRUE, V_FALSE, V_STR, V_ARR, V_OBJ } from './qc-jv';
import {
  Dec, Stamp, parseDec, cmpDec, isZeroDec, parseStamp, cmpStamp, parseSpec, checkSpec, specKind, specN, specS,
  codePoints, isBlank, allDigits, knownShape, shapeOk, durationOk, reasonZh, reasonEn,
} from './qc-check';
import { QC_RULES_JSON } from './qc-rules';

// ---- rule model ---------------------------------------------------------------------------------

const R_SECTIONS = 1, R_REQUIRED = 2, R_ROWS = 3, R_CODE = 4, R_FORMAT = 5, R_DIGITS = 6, R_LENGTH = 7, R_RANGE = 8;
const R_MULTI = 9, R_TIME = 10, R_DURATION = 11, R_ONE = 12, R_COUNT = 13;

const C_IN = 1, C_NOT_IN = 2, C_FILLED = 3, C_EMPTY = 4, C_PREFIX = 5, C_AGE_LE = 6, C_ANY = 7;

const VALUE_CAP = 256;

class Ref {
  setl: bool = false;
  name: string = '';
}

class Cond {
  op: i32 = 0;
  ref: Ref = new Ref();
  values: string[] = new Array<string>(0);
  excepts: string[] = new Array<string>(0);
  n: i64 = 0;
  section: string = '';
  /** C_ANY: in (1) or prefix (2) */
  anyMode: i32 = 0;
}

class Rule {
  id: string = '';
  kind: i32 = 0;
  kindName: string = '';
  section: string = 'setlinfo';
  fields: string[] = new Array<string>(0);
  when: Cond[] = new Array<Cond>(0);
  v4101: bool = true;
  v4101A: bool = true;
  enabled: bool = true;
  msgZh: string = '';
  msgEn: string = '';
  labelZh: Map<string, string> = new Map<string, string>();
  labelEn: Map<string, string> = new Map<string, string>();
  // params
  zeroEmpty: bool = false;
  anyOf: bool = false;
  tableName: string = '';
  table: Set<string> | null = null;
  shape: string = '';
  sep: string = '';
  specKinds: i32[] = new Array<i32>(0);
  specNs: i32[] = new Array<i32>(0);
  specSs: i32[] = new Array<i32>(0);
  specTexts: string[] = new Array<string>(0);
  minText: string = '';
  maxText: string = '';
  min: Dec = new Dec();
  max: Dec = new Dec();
  hasMin: bool = false;
  hasMax: bool = false;
  eq: i32 = -1;
  minLen: i32 = -1;
  maxLen: i32 = -1;
  decimal: bool = false;
  skipZero: bool = false;
  after: Ref | null = null;
  before: Ref | null = null;
  strict: bool = false;
  ordered: bool = false;
  matchKeys: string[] = new Array<string>(0);
  matchVals: Array<string[]> = new Array<string[]>(0);
  noneZh: string = '';
  noneEn: string = '';
  manyZh: string = '';
  manyEn: string = '';
  objects: string[] = new Array<string>(0);
  arrays: string[] = new Array<string>(0);
  minRows: i32 = 1;
  maxH: i32 = 24;
  maxM: i32 = 60;
  countSection: string = '';
}

class Viol {
  rule: string = '';
  field: string = '';
  path: string = '';
  zh: string = '';
  en: string = '';
  value: string = '';
  hasValue: bool = false;
}

// ---- per-call state -------------------------------------------------------------------------------

let labelsZh = new Map<string, string>();
let labelsEn = new Map<string, string>();
let tables = new Map<string, Set<string>>();
let violations = new Array<Viol>(0);
let listNode: i32 = -1;
let setlNode: i32 = -1;
let ctx = '';

/** The built-in rule document as a managed tree: read-only (overrides copy), kept across calls. */
let builtinDoc: JV | null = null;

function reset(): void {
  labelsZh = new Map<string, string>();
  labelsEn = new Map<string, string>();
  tables = new Map<string, Set<string>>();
  violations = new Array<Viol>(0);
  listNode = -1;
  setlNode = -1;
  ctx = '';
}

// ---- rule-table errors --------------------------------------------------------------------------

function bad(v: JV | null, what: string): i32 {
  return fail(E_QC_RULES, v === null ? -1 : v.pos, ctx + ': ' + what);
}

function strMember(o: JV, key: string, dflt: string): string {
  const v = o.get(key);
  if (v === null || v.kind == V_NULL) return dflt;
  if (v.kind != V_STR) { bad(v, key + ' must be a string'); return dflt; }
  return v.s;
}

function boolMember(o: JV, key: string, dflt: bool): bool {
  const v = o.get(key);
  if (v === null || v.kind == V_NULL) return dflt;
  if (v.kind == V_TRUE) return true;
  if (v.kind == V_FALSE) return false;
  bad(v, key + ' must be true or false');
  return dflt;
}

/** Non-negative integer member (JSON number or digit string, at most 9 digits); -1 when absent. */
function intMember(o: JV, key: string): i32 {
  const v = o.get(key);
  if (v === null || v.kind == V_NULL) return -1;
  if (!v.isText() || !allDigits(v.s) || v.s.length > 9) { bad(v, key + ' must be a non-negative integer'); return -1; }
  let x = 0;
  for (let i = 0; i < v.s.length; i++) x = x * 10 + (v.s.charCodeAt(i) - 48);
  return x;
}

/** An array of strings (numbers are taken as their text); null after an error. */
function strList(v: JV | null, what: string): string[] | null {
  const out = new Array<string>(0);
  if (v === null || v.kind == V_NULL) return out;
  if (v.kind == V_STR) { out.push(v.s); return out; }
  if (v.kind != V_ARR) { bad(v, what + ' must be an array of strings'); return null; }
  for (let i = 0; i < v.items.length; i++) {
    const x = v.items[i];
    if (!x.isText()) { bad(x, what + '[' + i.toString() + '] must be a string'); return null; }
    out.push(x.s);
  }
  return out;
}

function parseRef(text: string, rule: Rule): Ref {
  const r = new Ref();
  if (text.startsWith('setlinfo.')) { r.setl = true; r.name = text.substring(9); }
  else { r.setl = rule.section == 'setlinfo'; r.name = text; }
  return r;
}

// ---- compile ------------------------------------------------------------------------------------

function kindOf(name: string): i32 {
  if (name == 'sections') return R_SECTIONS;
  if (name == 'required' || name == 'required_when') return R_REQUIRED;
  if (name == 'rows') return R_ROWS;
  if (name == 'code') return R_CODE;
  if (name == 'format') return R_FORMAT;
  if (name == 'digits') return R_DIGITS;
  if (name == 'length') return R_LENGTH;
  if (name == 'range') return R_RANGE;
  if (name == 'multi_range') return R_MULTI;
  if (name == 'time_order') return R_TIME;
  if (name == 'coma_duration' || name == 'duration') return R_DURATION;
  if (name == 'exactly_one') return R_ONE;
  if (name == 'count_match') return R_COUNT;
  return 0;
}

function compileCond(c: JV, rule: Rule): Cond | null {
  if (c.kind != V_OBJ) { bad(c, 'when: each condition must be an object'); return null; }
  const k = new Cond();
  const age = c.get('age_days_le');
  if (age !== null) {
    const n = intMember(c, 'age_days_le');
    if (errCode != 0) return null;
    k.op = C_AGE_LE;
    k.n = <i64>n;
    return k;
  }
  const any = c.get('any');
  if (any !== null) {
    if (any.kind != V_OBJ) { bad(any, 'when.any must be an object {section, field, in | prefix, except_prefix}'); return null; }
    k.op = C_ANY;
    k.section = strMember(any, 'section', '');
    const f = strMember(any, 'field', '');
    if (errCode != 0) return null;
    if (!k.section.length || !f.length) { bad(any, 'when.any needs section and field'); return null; }
    k.ref.name = f;
    const inV = any.get('in'), pre = any.get('prefix');
    if (inV !== null) { k.anyMode = 1; const l = strList(inV, 'when.any.in'); if (l === null) return null; k.values = l; }
    else if (pre !== null) { k.anyMode = 2; const l = strList(pre, 'when.any.prefix'); if (l === null) return null; k.values = l; }
    else { bad(any, 'when.any needs in or prefix'); return null; }
    const ex = strList(any.get('except_prefix'), 'when.any.except_prefix');
    if (ex === null) return null;
    k.excepts = ex;
    return k;
  }
  const f = strMember(c, 'field', '');
  if (errCode != 0) return null;
  if (!f.length) { bad(c, 'a condition needs field (with in, not_in, filled or prefix), age_days_le or any'); return null; }
  k.ref = parseRef(f, rule);
  const inV = c.get('in'), notIn = c.get('not_in'), filled = c.get('filled'), pre = c.get('prefix');
  if (inV !== null) { k.op = C_IN; const l = strList(inV, 'when.in'); if (l === null) return null; k.values = l; }
  else if (notIn !== null) { k.op = C_NOT_IN; const l = strList(notIn, 'when.not_in'); if (l === null) return null; k.values = l; }
  else if (filled !== null) { k.op = boolMember(c, 'filled', true) ? C_FILLED : C_EMPTY; if (errCode != 0) return null; }
  else if (pre !== null) { k.op = C_PREFIX; const l = strList(pre, 'when.prefix'); if (l === null) return null; k.values = l; }
  else { bad(c, 'condition on ' + f + ' needs in, not_in, filled or prefix'); return null; }
  return k;
}

function decParam(p: JV, key: string, rule: Rule, isMin: bool): bool {
  const v = p.get(key);
  if (v === null || v.kind == V_NULL) return true;
  if (!v.isText()) { bad(v, 'params.' + key + ' must be a decimal'); return false; }
  const d = parseDec(v.s);
  if (d === null) { bad(v, 'params.' + key + ' must be a decimal, got "' + v.s + '"'); return false; }
  if (isMin) { rule.min = d; rule.minText = v.s; rule.hasMin = true; }
  else { rule.max = d; rule.maxText = v.s; rule.hasMax = true; }
  return true;
}

function compileParams(p: JV, rule: Rule): bool {
  const k = rule.kind;
  if (k == R_REQUIRED) {
    rule.zeroEmpty = boolMember(p, 'zero_empty', false);
    rule.anyOf = boolMember(p, 'any_of', false);
  } else if (k == R_SECTIONS) {
    const o = strList(p.get('object'), 'params.object');
    if (o === null) return false;
    const a = strList(p.get('arrays'), 'params.arrays');
    if (a === null) return false;
    rule.objects = o;
    rule.arrays = a;
  } else if (k == R_ROWS) {
    const n = intMember(p, 'min');
    if (n >= 0) rule.minRows = n;
  } else if (k == R_CODE) {
    rule.tableName = strMember(p, 'table', '');
    rule.shape = strMember(p, 'shape', '');
    rule.sep = strMember(p, 'sep', '');
    if (errCode != 0) return false;
    const vals = p.get('values');
    if (vals !== null && vals.kind != V_NULL) {
      const l = strList(vals, 'params.values');
      if (l === null) return false;
      const s = new Set<string>();
      for (let i = 0; i < l.length; i++) s.add(l[i]);
      rule.table = s;
      rule.tableName = l.length <= 12 ? l.join('/') : 'inline list of ' + l.length.toString() + ' codes';
    } else if (rule.tableName.length && tables.has(rule.tableName)) {
      rule.table = tables.get(rule.tableName);
    }
    if (rule.shape.length && !knownShape(rule.shape)) { bad(p.get('shape'), 'params.shape must be icd10, icd9cm3 or dept'); return false; }
    if (rule.table === null && !rule.shape.length) {
      bad(p, rule.tableName.length ? 'code table "' + rule.tableName + '" is unknown (pass it in codeTables or give params.shape)' : 'params.table, params.values or params.shape is required');
      return false;
    }
    if (!rule.tableName.length) rule.tableName = rule.shape;
  } else if (k == R_FORMAT) {
    const specs = p.get('specs');
    if (specs === null || specs.kind != V_OBJ) { bad(specs === null ? p : specs, 'params.specs must be an object {field: "C(30)" | "N(16,2)" | "D" | "DT"}'); return false; }
    rule.fields = new Array<string>(0);
    for (let i = 0; i < specs.keys.length; i++) {
      const sv = specs.items[i];
      if (sv.kind != V_STR || !parseSpec(sv.s)) { bad(sv, 'params.specs.' + specs.keys[i] + ': unknown type "' + sv.s + '"'); return false; }
      rule.fields.push(specs.keys[i]);
      rule.specKinds.push(specKind);
      rule.specNs.push(specN);
      rule.specSs.push(specS);
      rule.specTexts.push(sv.s);
    }
  } else if (k == R_DIGITS) {
    rule.decimal = boolMember(p, 'decimal', false);
  } else if (k == R_LENGTH) {
    rule.eq = intMember(p, 'eq');
    rule.minLen = intMember(p, 'min');
    rule.maxLen = intMember(p, 'max');
    if (errCode == 0 && rule.eq < 0 && rule.minLen < 0 && rule.maxLen < 0) { bad(p, 'params.eq, min or max is required'); return false; }
  } else if (k == R_RANGE || k == R_MULTI) {
    if (!decParam(p, 'min', rule, true) || !decParam(p, 'max', rule, false)) return false;
    if (!rule.hasMin && !rule.hasMax) { bad(p, 'params.min or params.max is required'); return false; }
    rule.skipZero = boolMember(p, 'skip_zero', false);
    rule.sep = strMember(p, 'sep', ',');
    if (k == R_MULTI && !rule.sep.length) { bad(p, 'params.sep must not be empty'); return false; }
  } else if (k == R_TIME) {
    const a = strMember(p, 'after', ''), b = strMember(p, 'before', '');
    if (a.length) rule.after = parseRef(a, rule);
    if (b.length) rule.before = parseRef(b, rule);
    rule.strict = boolMember(p, 'strict', false);
    rule.ordered = boolMember(p, 'ordered', false);
    if (errCode == 0 && !a.length && !b.length && !rule.ordered) { bad(p, 'params.after, params.before or params.ordered is required'); return false; }
  } else if (k == R_DURATION) {
    const h = intMember(p, 'max_hours'), m = intMember(p, 'max_minutes');
    if (h >= 0) rule.maxH = h;
    if (m >= 0) rule.maxM = m;
  } else if (k == R_ONE) {
    const m = p.get('match');
    if (m === null || m.kind != V_OBJ || m.keys.length == 0) { bad(m === null ? p : m, 'params.match must be an object {field: [values]}'); return false; }
    for (let i = 0; i < m.keys.length; i++) {
      const l = strList(m.items[i], 'params.match.' + m.keys[i]);
      if (l === null) return false;
      rule.matchKeys.push(m.keys[i]);
      rule.matchVals.push(l);
    }
    rule.noneZh = strMember(p, 'none_zh', '没有符合条件的记录');
    rule.noneEn = strMember(p, 'none_en', 'no row qualifies');
    rule.manyZh = strMember(p, 'many_zh', '符合条件的记录多于一条');
    rule.manyEn = strMember(p, 'many_en', 'more than one row qualifies');
    if (!rule.fields.length) rule.fields.push(rule.matchKeys[rule.matchKeys.length - 1]);
  } else if (k == R_COUNT) {
    rule.countSection = strMember(p, 'section', '');
    if (errCode == 0 && !rule.countSection.length) { bad(p, 'params.section (the section whose rows are counted) is required'); return false; }
  }
  return errCode == 0;
}

function compileRule(r: JV): Rule | null {
  if (r.kind != V_OBJ) { bad(r, 'a rule must be an object'); return null; }
  const rule = new Rule();
  rule.id = strMember(r, 'id', '');
  if (errCode != 0) return null;
  if (!rule.id.length) { bad(r, 'id is required'); return null; }
  ctx = ctx + ' (id "' + rule.id + '")';
  rule.kindName = strMember(r, 'kind', '');
  if (errCode != 0) return null;
  rule.kind = kindOf(rule.kindName);
  if (rule.kind == 0) { bad(r.get('kind'), 'unknown kind "' + rule.kindName + '"'); return null; }
  rule.section = strMember(r, 'section', 'setlinfo');
  rule.enabled = boolMember(r, 'enabled', true);
  rule.msgZh = strMember(r, 'message_zh', '');
  rule.msgEn = strMember(r, 'message_en', '');
  if (errCode != 0) return null;
  const at = r.get('applies_to');
  if (at !== null && at.kind != V_NULL) {
    const l = strList(at, 'applies_to');
    if (l === null) return null;
    rule.v4101 = false;
    rule.v4101A = false;
    for (let i = 0; i < l.length; i++) {
      if (l[i] == '4101') rule.v4101 = true;
      else if (l[i] == '4101A') rule.v4101A = true;
      else { bad(at, 'applies_to: unknown variant "' + l[i] + '" (4101 or 4101A)'); return null; }
    }
  }
  const fl = r.get('fields');
  if (fl !== null && fl.kind != V_NULL) {
    const l = strList(fl, 'fields');
    if (l === null) return null;
    rule.fields = l;
  }
  const lb = r.get('labels');
  if (lb !== null && lb.kind == V_OBJ) {
    for (let i = 0; i < lb.keys.length; i++) {
      const x = lb.items[i];
      if (x.kind == V_STR) rule.labelZh.set(lb.keys[i], x.s);
      else if (x.kind == V_ARR && x.items.length >= 1 && x.items[0].kind == V_STR) {
        rule.labelZh.set(lb.keys[i], x.items[0].s);
        if (x.items.length >= 2 && x.items[1].kind == V_STR) rule.labelEn.set(lb.keys[i], x.items[1].s);
      } else { bad(x, 'labels.' + lb.keys[i] + ' must be a string or [zh, en]'); return null; }
    }
  } else if (lb !== null && lb.kind != V_NULL) { bad(lb, 'labels must be an object'); return null; }
  const w = r.get('when');
  if (w !== null && w.kind != V_NULL) {
    if (w.kind == V_OBJ) {
      const c = compileCond(w, rule);
      if (c === null) return null;
      rule.when.push(c);
    } else if (w.kind == V_ARR) {
      for (let i = 0; i < w.items.length; i++) {
        const c = compileCond(w.items[i], rule);
        if (c === null) return null;
        rule.when.push(c);
      }
    } else { bad(w, 'when must be a condition or an array of conditions'); return null; }
  }
  if (rule.kindName == 'required_when' && rule.when.length == 0) { bad(r, 'required_when needs when'); return null; }
  const p = r.get('params');
  if (p !== null && p.kind != V_NULL && p.kind != V_OBJ) { bad(p, 'params must be an object'); return null; }
  if (!compileParams(p === null || p.kind == V_NULL ? new JV() : p, rule)) return null;
  const needsFields = rule.kind != R_SECTIONS && rule.kind != R_ROWS;
  if (needsFields && rule.fields.length == 0) { bad(r, 'fields must name at least one field'); return null; }
  if (rule.kind == R_COUNT && rule.section != 'setlinfo') { bad(r, 'count_match works on setlinfo fields'); return null; }
  return rule;
}

// ---- overrides ------------------------------------------------------------------------------------

function mergeRule(base: JV, ov: JV): JV {
  let out = base;
  for (let i = 0; i < ov.keys.length; i++) {
    const key = ov.keys[i];
    if (key == 'id') continue;
    const v = ov.items[i];
    const bp = out.get('params');
    if (key == 'params' && v.kind == V_OBJ && bp !== null && bp.kind == V_OBJ) {
      let merged = bp;
      for (let j = 0; j < v.keys.length; j++) {
        merged = v.items[j].kind == V_NULL ? merged.without(v.keys[j]) : merged.withMember(v.keys[j], v.items[j]);
      }
      out = out.withMember('params', merged);
    } else out = out.withMember(key, v);
  }
  return out;
}

/** The rule list after the overrides; null after an error. */
function applyOverrides(rules: JV[], ovs: JV): JV[] | null {
  for (let i = 0; i < ovs.items.length; i++) {
    const ov = ovs.items[i];
    ctx = 'overrides[' + i.toString() + ']';
    if (ov.kind != V_OBJ) { bad(ov, 'an override must be an object {id, …}'); return null; }
    const idv = ov.get('id');
    if (idv === null || idv.kind != V_STR || !idv.s.length) { bad(ov, 'id (string) is required'); return null; }
    let found = -1;
    for (let j = 0; j < rules.length; j++) {
      const rid = rules[j].get('id');
      if (rid !== null && rid.kind == V_STR && rid.s == idv.s) { found = j; break; }
    }
    if (found >= 0) rules[found] = mergeRule(rules[found], ov);
    else if (ov.has('kind')) rules.push(ov);
    else { bad(idv, 'no rule "' + idv.s + '" to override (a new rule needs kind)'); return null; }
  }
  return rules;
}

// ---- labels and code tables -----------------------------------------------------------------------

function loadLabels(doc: JV): void {
  const l = doc.get('labels');
  if (l === null || l.kind != V_OBJ) return;
  for (let i = 0; i < l.keys.length; i++) {
    const x = l.items[i];
    if (x.kind == V_STR) labelsZh.set(l.keys[i], x.s);
    else if (x.kind == V_ARR) {
      if (x.items.length >= 1 && x.items[0].kind == V_STR) labelsZh.set(l.keys[i], x.items[0].s);
      if (x.items.length >= 2 && x.items[1].kind == V_STR) labelsEn.set(l.keys[i], x.items[1].s);
    }
  }
}

/** tables {name: [codes] | {values: [codes], source}}; later calls replace tables of the same name. */
function loadTables(t: JV | null, what: string): bool {
  if (t === null || t.kind == V_NULL) return true;
  if (t.kind != V_OBJ) { ctx = what; bad(t, 'must be an object {name: [codes]}'); return false; }
  for (let i = 0; i < t.keys.length; i++) {
    ctx = what + '.' + t.keys[i];
    let x = t.items[i];
    if (x.kind == V_OBJ) {
      const v = x.get('values');
      if (v === null) { bad(x, 'values is required'); return false; }
      x = v;
    }
    const l = strList(x, 'values');
    if (l === null) return false;
    const s = new Set<string>();
    for (let j = 0; j < l.length; j++) s.add(l[j]);
    tables.set(t.keys[i], s);
  }
  return true;
}

// ---- the list ---------------------------------------------------------------------------------------

function sectionNode(name: string): i32 {
  const v = jGet(listNode, name);
  if (v < 0) return -1;
  const k = jKind(v);
  if (name == 'setlinfo') return k == K_OBJ ? v : -1;
  return k == K_ARR ? v : -1;
}

function fieldNode(row: i32, name: string): i32 {
  if (row < 0) return -1;
  return jGet(row, name);
}

function valText(node: i32): string {
  if (node < 0) return '';
  const k = jKind(node);
  if (k == K_STR) return jString(node);
  if (k == K_NUM) return numText(node);
  if (k == K_TRUE) return 'true';
  if (k == K_FALSE) return 'false';
  if (k == K_ARR) return '[…]';
  if (k == K_OBJ) return '{…}';
  return '';
}

function isEmptyNode(node: i32, zeroEmpty: bool): bool {
  if (node < 0) return true;
  const k = jKind(node);
  if (k == K_NULL) return true;
  if (k == K_STR) {
    if (jB(node) == jA(node)) return true;
    const s = jString(node);
    return isBlank(s) || (zeroEmpty && isZeroDec(s));
  }
  if (k == K_NUM) return zeroEmpty && isZeroDec(numText(node));
  return false;
}

function refNode(r: Ref, row: i32): i32 {
  return fieldNode(r.setl ? setlNode : row, r.name);
}

/** Age in days at admission: adm_time − brdy, else nwb_age (days); −1 when unknown. */
function ageDays(): i64 {
  const b = parseStamp(valText(fieldNode(setlNode, 'brdy')));
  const a = parseStamp(valText(fieldNode(setlNode, 'adm_time')));
  if (b !== null && a !== null) {
    const d = a.days - b.days;
    return d >= 0 ? d : -1;
  }
  const n = valText(fieldNode(setlNode, 'nwb_age'));
  if (allDigits(n) && n.length <= 6 && !isZeroDec(n)) {
    let x: i64 = 0;
    for (let i = 0; i < n.length; i++) x = x * 10 + <i64>(n.charCodeAt(i) - 48);
    return x;
  }
  return -1;
}

function inList(s: string, l: string[]): bool {
  for (let i = 0; i < l.length; i++) if (l[i] == s) return true;
  return false;
}

function hasPrefix(s: string, l: string[]): bool {
  for (let i = 0; i < l.length; i++) if (s.startsWith(l[i])) return true;
  return false;
}

function condHolds(c: Cond, row: i32): bool {
  if (c.op == C_AGE_LE) {
    const d = ageDays();
    return d >= 0 && d <= c.n;
  }
  if (c.op == C_ANY) {
    const sec = sectionNode(c.section);
    if (sec < 0) return false;
    const n = <i32>jA(sec);
    let j = sec + 1;
    for (let m = 0; m < n; m++) {
      if (jKind(j) == K_OBJ) {
        const node = fieldNode(j, c.ref.name);
        if (!isEmptyNode(node, false)) {
          const t = valText(node);
          const hit = c.anyMode == 1 ? inList(t, c.values) : hasPrefix(t, c.values);
          if (hit && !hasPrefix(t, c.excepts)) return true;
        }
      }
      j = jNext(j);
    }
    return false;
  }
  const node = refNode(c.ref, row);
  const empty = isEmptyNode(node, false);
  if (c.op == C_FILLED) return !empty;
  if (c.op == C_EMPTY) return empty;
  const t = empty ? '' : valText(node);
  if (c.op == C_IN) return !empty && inList(t, c.values);
  if (c.op == C_NOT_IN) return empty || !inList(t, c.values);
  return !empty && hasPrefix(t, c.values); // C_PREFIX
}

function whenHolds(rule: Rule, row: i32): bool {
  for (let i = 0; i < rule.when.length; i++) if (!condHolds(rule.when[i], row)) return false;
  return true;
}

// ---- messages -----------------------------------------------------------------------------------------

function labelZh(rule: Rule, f: string): string {
  if (rule.labelZh.has(f)) return rule.labelZh.get(f);
  if (labelsZh.has(f)) return labelsZh.get(f);
  return f;
}

function labelEn(rule: Rule, f: string): string {
  if (rule.labelEn.has(f)) return rule.labelEn.get(f);
  if (labelsEn.has(f)) return labelsEn.get(f);
  return f;
}

function defaultZh(k: i32): string {
  switch (k) {
    case R_SECTIONS: return '节点【{label}】（{field}）{reason}';
    case R_REQUIRED: return '【{label}】未填写';
    case R_ROWS: return '【{label}】至少应有{min}条记录';
    case R_CODE: return '【{label}】填写不规范-填写值不在值域范围';
    case R_DIGITS: return '【{label}】填写不规范-填写值不是阿拉伯数字';
    case R_RANGE: return '【{label}】填写值不在{min}-{max}范围内';
    case R_ONE: return '【{label}】-{reason}';
    case R_COUNT: return '【{label}】与{section_label}条数不一致（填写{value}，实际{count}条）';
    default: return '【{label}】填写不规范-{reason}';
  }
}

function defaultEn(k: i32): string {
  switch (k) {
    case R_SECTIONS: return 'node {field} ({label_en}) {reason_en}';
    case R_REQUIRED: return '{label_en} ({field}) is not filled in';
    case R_ROWS: return '{label_en} ({field}) needs at least {min} row(s)';
    case R_CODE: return '{label_en} ({field}): value is not an allowed code ({table})';
    case R_DIGITS: return '{label_en} ({field}): value is not made of digits';
    case R_RANGE: return '{label_en} ({field}): value is outside {min}-{max}';
    case R_ONE: return '{label_en} ({field}): {reason_en}';
    case R_COUNT: return '{label_en} ({field}) does not match the number of {count_section} rows ({value} given, {count} rows)';
    default: return '{label_en} ({field}): {reason_en}';
  }
}

let vKeys = new Array<string>(0);
let vVals = new Array<string>(0);

function setVar(k: string, v: string): void {
  for (let i = 0; i < vKeys.length; i++) if (vKeys[i] == k) { vVals[i] = v; return; }
  vKeys.push(k);
  vVals.push(v);
}

function render(tpl: string): string {
  let out = '';
  let i = 0;
  while (i < tpl.length) {
    const c = tpl.charCodeAt(i);
    if (c == 123) {
      const e = tpl.indexOf('}', i + 1);
      if (e > i && e - i <= 24) {
        const key = tpl.substring(i + 1, e);
        let hit = -1;
        for (let k = 0; k < vKeys.length; k++) if (vKeys[k] == key) { hit = k; break; }
        if (hit >= 0) { out += vVals[hit]; i = e + 1; continue; }
      }
    }
    out += String.fromCharCode(c);
    i++;
  }
  return out;
}

function cap(s: string): string {
  return s.length > VALUE_CAP ? s.substring(0, VALUE_CAP) + '…' : s;
}

/** Records a violation; `node` (or −1) gives the value. Reasons come from setVar('reason', …) before. */
function report(rule: Rule, field: string, path: string, node: i32): void {
  setVar('label', labelZh(rule, field));
  setVar('label_en', labelEn(rule, field));
  setVar('field', field);
  setVar('path', path);
  setVar('table', rule.tableName);
  setVar('min', rule.hasMin ? rule.minText : rule.minRows.toString());
  setVar('max', rule.maxText);
  setVar('eq', rule.eq.toString());
  const v = new Viol();
  v.rule = rule.id;
  v.field = field;
  v.path = path;
  if (node >= 0 && jKind(node) != K_NULL) {
    v.value = cap(valText(node));
    v.hasValue = true;
    setVar('value', v.value);
  } else setVar('value', '');
  v.zh = render(rule.msgZh.length ? rule.msgZh : defaultZh(rule.kind));
  v.en = render(rule.msgEn.length ? rule.msgEn : defaultEn(rule.kind));
  violations.push(v);
}

function because(zh: string, en: string): void {
  setVar('reason', zh);
  setVar('reason_en', en);
}

function pathOf(rule: Rule, row: i32, field: string): string {
  return rule.section == 'setlinfo' ? 'setlinfo.' + field : rule.section + '[' + row.toString() + '].' + field;
}

// ---- evaluation ---------------------------------------------------------------------------------------

function checkSections(rule: Rule): void {
  for (let i = 0; i < rule.objects.length; i++) {
    const name = rule.objects[i];
    const v = jGet(listNode, name);
    if (v < 0 || jKind(v) == K_NULL) { because('缺失', 'is missing'); report(rule, name, name, -1); }
    else if (jKind(v) != K_OBJ) { because('应为对象（单行数据）', 'must be an object (one record)'); report(rule, name, name, v); }
  }
  for (let i = 0; i < rule.arrays.length; i++) {
    const name = rule.arrays[i];
    const v = jGet(listNode, name);
    if (v < 0 || jKind(v) == K_NULL) continue;
    if (jKind(v) != K_ARR) { because('应为数组（多行数据）', 'must be an array (rows)'); report(rule, name, name, v); continue; }
    const n = <i32>jA(v);
    let j = v + 1;
    for (let m = 0; m < n; m++) {
      if (jKind(j) != K_OBJ) { because('的第' + (m + 1).toString() + '行应为对象', 'row ' + m.toString() + ' must be an object'); report(rule, name, name + '[' + m.toString() + ']', j); }
      j = jNext(j);
    }
  }
}

/** Checks one field value (non-empty) of a row for the value-level kinds; false = violation (reason set). */
function valueOk(rule: Rule, fi: i32, node: i32): bool {
  const k = jKind(node);
  const t = valText(node);
  switch (rule.kind) {
    case R_CODE: {
      if (k != K_STR && k != K_NUM) { because('类型错误', 'wrong type'); return false; }
      const parts = rule.sep.length ? t.split(rule.sep) : [t];
      const tab = rule.table;
      for (let i = 0; i < parts.length; i++) {
        const ok = tab !== null ? tab.has(parts[i]) : shapeOk(rule.shape, parts[i]);
        if (!ok) return false;
      }
      return true;
    }
    case R_FORMAT: {
      if (k != K_STR && k != K_NUM) { because('类型错误（应为字符串或数值）', 'wrong type (string or number expected)'); return false; }
      if (!checkSpec(t, rule.specKinds[fi], rule.specNs[fi], rule.specSs[fi])) { because(reasonZh, reasonEn); return false; }
      return true;
    }
    case R_DIGITS: {
      if (rule.decimal) {
        const d = parseDec(t);
        return d !== null && !d.neg && t.charCodeAt(0) != 45;
      }
      return allDigits(t);
    }
    case R_LENGTH: {
      const n = codePoints(t);
      if (rule.eq >= 0 && n != rule.eq) { because('填写值不是' + rule.eq.toString() + '位', 'value is not ' + rule.eq.toString() + ' characters long'); return false; }
      if (rule.minLen >= 0 && n < rule.minLen) { because('长度少于' + rule.minLen.toString() + '位', 'shorter than ' + rule.minLen.toString() + ' characters'); return false; }
      if (rule.maxLen >= 0 && n > rule.maxLen) { because('长度超过' + rule.maxLen.toString() + '位', 'longer than ' + rule.maxLen.toString() + ' characters'); return false; }
      return true;
    }
    case R_RANGE: {
      if (rule.skipZero && isZeroDec(t)) return true;
      const d = parseDec(t);
      if (d === null) return true; // not a number: the format / digits rules say so
      return inRange(rule, d);
    }
    case R_MULTI: {
      const parts = t.split(rule.sep);
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        const d = parseDec(p);
        if (d === null || d.neg || p.charCodeAt(0) == 45) {
          because('填写值需为阿拉伯数字，多个数值之间用半角“' + rule.sep + '”隔开', 'values must be numbers separated by "' + rule.sep + '"');
          return false;
        }
        if (!inRange(rule, d)) {
          because('第' + (i + 1).toString() + '个数值' + p + '不在' + rule.minText + '-' + rule.maxText + '范围内', 'value ' + (i + 1).toString() + ' (' + p + ') is outside ' + rule.minText + '-' + rule.maxText);
          return false;
        }
      }
      return true;
    }
    case R_DURATION: {
      if (!durationOk(t, rule.maxH, rule.maxM)) { because(reasonZh, reasonEn); return false; }
      return true;
    }
  }
  return true;
}

function inRange(rule: Rule, d: Dec): bool {
  if (rule.hasMin && cmpDec(d, rule.min) < 0) return false;
  if (rule.hasMax && cmpDec(d, rule.max) > 0) return false;
  return true;
}

function stampOf(node: i32): Stamp | null {
  if (isEmptyNode(node, false)) return null;
  return parseStamp(valText(node));
}

/** true when `a` is after `b` (strictly when both carry a time and the rule is strict). */
function isAfter(a: Stamp, b: Stamp, strict: bool): bool {
  const c = cmpStamp(a, b);
  if (c > 0) return true;
  return c == 0 && !(strict && a.hasTime && b.hasTime);
}

function checkTimes(rule: Rule, row: i32, idx: i32): void {
  let lo: Stamp | null = null, hi: Stamp | null = null;
  let loName = '', hiName = '';
  const a = rule.after, b = rule.before;
  if (a !== null) { lo = stampOf(refNode(a, row)); loName = a.name; }
  if (b !== null) { hi = stampOf(refNode(b, row)); hiName = b.name; }
  let prev: Stamp | null = null;
  let prevName = '';
  for (let i = 0; i < rule.fields.length; i++) {
    const f = rule.fields[i];
    const node = fieldNode(row, f);
    const st = stampOf(node);
    if (st === null) continue;
    if (lo !== null && !isAfter(st, lo, rule.strict)) {
      setVar('bound', labelZh(rule, loName));
      because('应晚于【' + labelZh(rule, loName) + '】', 'must be after ' + labelEn(rule, loName) + ' (' + loName + ')');
      report(rule, f, pathOf(rule, idx, f), node);
    } else if (hi !== null && !isAfter(hi, st, rule.strict)) {
      because('应早于【' + labelZh(rule, hiName) + '】', 'must be before ' + labelEn(rule, hiName) + ' (' + hiName + ')');
      report(rule, f, pathOf(rule, idx, f), node);
    } else if (rule.ordered && prev !== null && cmpStamp(st, prev) < 0) {
      because('不应早于【' + labelZh(rule, prevName) + '】', 'must not be before ' + labelEn(rule, prevName) + ' (' + prevName + ')');
      report(rule, f, pathOf(rule, idx, f), node);
    }
    prev = st;
    prevName = f;
  }
}

function checkRow(rule: Rule, row: i32, idx: i32): void {
  if (!whenHolds(rule, row)) return;
  if (rule.kind == R_REQUIRED) {
    if (rule.anyOf) {
      for (let i = 0; i < rule.fields.length; i++) if (!isEmptyNode(fieldNode(row, rule.fields[i]), rule.zeroEmpty)) return;
      report(rule, rule.fields[0], pathOf(rule, idx, rule.fields[0]), -1);
      return;
    }
    for (let i = 0; i < rule.fields.length; i++) {
      const f = rule.fields[i];
      const node = fieldNode(row, f);
      if (isEmptyNode(node, rule.zeroEmpty)) report(rule, f, pathOf(rule, idx, f), node);
    }
    return;
  }
  if (rule.kind == R_TIME) { checkTimes(rule, row, idx); return; }
  for (let i = 0; i < rule.fields.length; i++) {
    const f = rule.fields[i];
    const node = fieldNode(row, f);
    if (isEmptyNode(node, false)) continue;
    because('', '');
    if (!valueOk(rule, i, node)) report(rule, f, pathOf(rule, idx, f), node);
  }
}

function countRows(sec: i32): i32 {
  if (sec < 0) return 0;
  const n = <i32>jA(sec);
  let c = 0;
  let j = sec + 1;
  for (let m = 0; m < n; m++) {
    if (jKind(j) == K_OBJ) c++;
    j = jNext(j);
  }
  return c;
}

function checkRule(rule: Rule): void {
  vKeys = new Array<string>(0);
  vVals = new Array<string>(0);
  if (rule.kind == R_SECTIONS) { checkSections(rule); return; }
  if (rule.kind == R_ROWS) {
    if (setlNode < 0 || !whenHolds(rule, setlNode)) return;
    if (countRows(sectionNode(rule.section)) < rule.minRows) report(rule, rule.section, rule.section, -1);
    return;
  }
  if (rule.kind == R_ONE) {
    if (setlNode < 0 || !whenHolds(rule, setlNode)) return;
    const sec = sectionNode(rule.section);
    let hits = 0;
    if (sec >= 0) {
      const n = <i32>jA(sec);
      let j = sec + 1;
      for (let m = 0; m < n; m++) {
        if (jKind(j) == K_OBJ) {
          let all = true;
          for (let q = 0; q < rule.matchKeys.length && all; q++) {
            const node = fieldNode(j, rule.matchKeys[q]);
            all = !isEmptyNode(node, false) && inList(valText(node), rule.matchVals[q]);
          }
          if (all) hits++;
        }
        j = jNext(j);
      }
    }
    if (hits == 1) return;
    setVar('count', hits.toString());
    if (hits == 0) because(rule.noneZh, rule.noneEn);
    else because(rule.manyZh, rule.manyEn);
    report(rule, rule.fields[0], rule.section, -1);
    return;
  }
  if (rule.kind == R_COUNT) {
    if (setlNode < 0 || !whenHolds(rule, setlNode)) return;
    const f = rule.fields[0];
    const node = fieldNode(setlNode, f);
    if (isEmptyNode(node, false)) return;
    const d = parseDec(valText(node));
    const rows = countRows(sectionNode(rule.countSection));
    const want = parseDec(rows.toString());
    if (d !== null && want !== null && cmpDec(d, want) == 0) return;
    setVar('count', rows.toString());
    setVar('count_section', rule.countSection);
    setVar('section_label', labelZh(rule, rule.countSection));
    report(rule, f, 'setlinfo.' + f, node);
    return;
  }
  if (rule.section == 'setlinfo') {
    if (setlNode >= 0) checkRow(rule, setlNode, 0);
    return;
  }
  const sec = sectionNode(rule.section);
  if (sec < 0) return;
  const n = <i32>jA(sec);
  let j = sec + 1;
  for (let m = 0; m < n; m++) {
    if (jKind(j) == K_OBJ) checkRow(rule, j, m);
    j = jNext(j);
  }
}

// ---- the op -------------------------------------------------------------------------------------------

const KEYS: StaticArray<string> = ['list', 'variant', 'rules', 'overrides', 'codeTables', 'builtin'];

/** Optional member of the input converted to a JV of the given kind; null when absent (errCode set on a wrong type). */
function inputJV(key: string, kind: u32, what: string): JV | null {
  const v = jGet(0, key);
  if (v < 0 || jKind(v) == K_NULL) return null;
  if (jKind(v) != kind) { fail(E_WRONG_TYPE, jPos(v), key + ' must be ' + what); return null; }
  return toJV(v, true);
}

export function opSlistCheck(ptr: usize, len: i32): i32 {
  reset();
  const st = run(ptr, len);
  reset();
  return st;
}

function run(ptr: usize, len: i32): i32 {
  let st = jsonParse(ptr, len);
  if (st != 0) return st;
  if (jKind(0) != K_OBJ) return fail(E_WRONG_TYPE, 0, 'input must be an object {list, variant, rules?, overrides?, codeTables?}');
  if (!checkDuplicates(KEYS)) return errCode;
  const bi = jGet(0, 'builtin');
  if (bi >= 0 && jKind(bi) == K_TRUE) {
    outLit(QC_RULES_JSON);
    return 0;
  }
  // variant
  let variant = '4101';
  const vn = jGet(0, 'variant');
  if (vn >= 0 && jKind(vn) != K_NULL) {
    if (jKind(vn) != K_STR) return fail(E_WRONG_TYPE, jPos(vn), 'variant must be "4101" or "4101A"');
    if (jB(vn) - jA(vn) > 8) return fail(E_BAD_ENUM, jPos(vn), 'variant');
    variant = jString(vn);
    if (variant != '4101' && variant != '4101A') return fail(E_BAD_ENUM, jPos(vn), 'variant "' + variant + '" (4101 or 4101A)');
  }
  const ln = jGet(0, 'list');
  if (ln < 0 || jKind(ln) == K_NULL) return fail(E_MISSING_FIELD, 0, 'list');
  if (jKind(ln) != K_OBJ) return fail(E_WRONG_TYPE, jPos(ln), 'list must be an object {setlinfo, …}');
  const userRules = inputJV('rules', K_ARR, 'an array of rules');
  if (errCode != 0) return errCode;
  const overrides = inputJV('overrides', K_ARR, 'an array of overrides');
  if (errCode != 0) return errCode;
  const codeTables = inputJV('codeTables', K_OBJ, 'an object {name: [codes]}');
  if (errCode != 0) return errCode;

  // the built-in document: labels, code tables, default rules (parsed once per instance, then kept)
  let doc = builtinDoc;
  const parsedBuiltin = doc === null;
  if (doc === null) {
    const buf = String.UTF8.encode(QC_RULES_JSON);
    st = jsonParse(changetype<usize>(buf), buf.byteLength);
    if (st != 0) return fail(E_INTERNAL, -1, 'built-in rule table does not parse');
    doc = toJV(0, false);
    if (doc === null || doc.kind != V_OBJ) return fail(E_INTERNAL, -1, 'built-in rule table');
    builtinDoc = doc;
  }
  loadLabels(doc);
  if (!loadTables(doc.get('tables'), 'built-in tables')) return errCode;
  if (!loadTables(codeTables, 'codeTables')) return errCode;

  let base = new Array<JV>(0);
  let src = userRules;
  let srcName = 'rules';
  if (src === null) { src = doc.get('rules'); srcName = 'built-in rules'; }
  if (src === null || src.kind != V_ARR) return fail(E_INTERNAL, -1, 'built-in rule table has no rules');
  for (let i = 0; i < src.items.length; i++) base.push(src.items[i]);
  if (overrides !== null) {
    const merged = applyOverrides(base, overrides);
    if (merged === null) return errCode;
    base = merged;
  }
  const rules = new Array<Rule>(0);
  const ids = new Set<string>();
  for (let i = 0; i < base.length; i++) {
    ctx = srcName + '[' + i.toString() + ']';
    const r = compileRule(base[i]);
    if (r === null) return errCode != 0 ? errCode : fail(E_QC_RULES, -1, ctx);
    if (ids.has(r.id)) return fail(E_QC_RULES, base[i].pos, ctx + ': rule id "' + r.id + '" is used twice');
    ids.add(r.id);
    if (r.enabled && (variant == '4101' ? r.v4101 : r.v4101A)) rules.push(r);
  }

  // the list (parsed again when the built-in document took the tape)
  if (parsedBuiltin) {
    st = jsonParse(ptr, len);
    if (st != 0) return st;
  }
  listNode = jGet(0, 'list');
  setlNode = sectionNode('setlinfo');
  for (let i = 0; i < rules.length; i++) checkRule(rules[i]);

  outLit('{"ok":');
  outLit(violations.length == 0 ? 'true' : 'false');
  outLit(',"violations":[');
  for (let i = 0; i < violations.length; i++) {
    const v = violations[i];
    if (i > 0) outByte(44);
    outLit('{"rule":');
    outJsonStr(v.rule);
    outLit(',"field":');
    outJsonStr(v.field);
    outLit(',"path":');
    outJsonStr(v.path);
    outLit(',"message_zh":');
    outJsonStr(v.zh);
    outLit(',"message_en":');
    outJsonStr(v.en);
    if (v.hasValue) {
      outLit(',"value":');
      outJsonStr(v.value);
    }
    outByte(125);
  }
  outLit('],"rules":');
  outI64(rules.length);
  outByte(125);
  return 0;
}
