// SOAP 1.1/1.2 envelopes (document/literal, ASMX conventions) and .NET DataSet diffgrams:
//   op 33 soap_encode     JSON SoapMessage -> UTF-8 envelope
//   op 34 soap_decode     envelope bytes (UTF-8, or GBK by declaration) -> JSON SoapMessage
//   op 35 dataset_encode  JSON DataSetJson -> the <xs:schema/><diffgr:diffgram/> fragment (UTF-8)
//   op 36 dataset_decode  that fragment, or one element holding it -> JSON DataSetJson
// Types: host-node/src/contract.ts (SoapMessage, SoapValue, DataSetJson). XML is read with the parser of
// xml.ts (same tokenizer, encoding detection, entity rules and error positions) and written with its name
// and text writers; this file adds namespaces, the envelope, the value mapping and DataSets.
//
// ---- encoding (op 33) ---------------------------------------------------------------------------
//  <?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:xsi=… xmlns:xsd=… xmlns:soap=…><soap:Body>
//  <{name} xmlns="{ns}">{value}</{name}></soap:Body></soap:Envelope>, exactly the prefixes .NET ASMX uses
//  (1.2: soap12 / http://www.w3.org/2003/05/soap-envelope). No whitespace between elements.
//  Values: string -> escaped text ("" -> <x />); null -> <x xsi:nil="true" />; object -> child elements in
//  key order ({} -> <x />, which decodes as ""); array -> the element repeated ([] -> nothing; arrays inside
//  arrays are refused); {"$dataset": DataSetJson} (the only key) -> the DataSet as .NET writes it inside
//  a parameter. Numbers and booleans are refused (WRONG_TYPE): SOAP values are text, amounts are decimal
//  strings. Names must be XML names without ':' (XML_SHAPE). Text may not contain characters XML 1.0
//  cannot carry (U+0000–U+001F except TAB LF CR, U+FFFE, U+FFFF; XML_SHAPE) or lone surrogates
//  (UTF8_INVALID). CR is written as &#13; so that it survives parsing.
//  Fault (`fault` instead of name/value): 1.1 <soap:Fault><faultcode/><faultstring/><detail/>; 1.2
//  <soap12:Fault><soap12:Code><soap12:Value/></soap12:Code><soap12:Reason><soap12:Text xml:lang="en"/>
//  </soap12:Reason><soap12:Detail/>. A code without a prefix gets the envelope prefix; in 1.2 the 1.1 names
//  Client/Server become Sender/Receiver.
//
// ---- decoding (op 34) ---------------------------------------------------------------------------
//  Prefixes are arbitrary (soap:, s:, soapenv:, SOAP-ENV:, default namespace): elements are recognised by
//  local name + namespace URI. Root = Envelope in the 1.1 or 1.2 namespace (an Envelope in another
//  namespace: SOAP_VERSION; another root: SOAP_ENVELOPE). Header is parsed and ignored; Body must hold
//  exactly one element (SOAP_ENVELOPE with the position otherwise). Output:
//    {"version","ns","name","value":{…}} or {"version","ns","fault":{"code","reason","detail"?}}
//  ns = namespace URI of the body element; name/keys = local names (prefixes dropped). Value mapping:
//  xsi:nil="true"|"1" -> null; no child elements -> the text (references decoded, CDATA included, not
//  trimmed; empty -> ""); children xs:schema and/or diffgr:diffgram (by namespace URI) -> {"$dataset"};
//  otherwise an object (attributes ignored), a name repeated among the children -> array in document order.
//  Text beside child elements (mixed content), and one local name under two prefixes, are SOAP_ENVELOPE.
//  Fault: code = faultcode / Code/Value text (trimmed, prefix kept as written), reason = faultstring / the
//  first Reason/Text, detail = the detail text, or its inner XML verbatim when it holds elements; an empty
//  detail is left out.
//
// ---- DataSets (ops 35/36, and {"$dataset"} values) ------------------------------------------------
//  Written exactly as .NET 2.0+ serialises a DataSet parameter: <xs:schema id="{name}" xmlns=""
//  xmlns:xs=… xmlns:msdata=…><xs:element name="{name}" msdata:IsDataSet="true"
//  msdata:UseCurrentLocale="true"><xs:complexType><xs:choice minOccurs="0" maxOccurs="unbounded">
//  <xs:element name="{table}"><xs:complexType><xs:sequence><xs:element name="{col}" type="xs:{type}"
//  minOccurs="0" />…</xs:sequence></xs:complexType></xs:element>…</xs:choice></xs:complexType></xs:element>
//  </xs:schema><diffgr:diffgram xmlns:msdata=… xmlns:diffgr=…><{name} xmlns=""><{table}
//  diffgr:id="{table}{n}" msdata:rowOrder="{i}"><{col}>text</{col}>…</{table}>…</{name}></diffgr:diffgram>
//  (n 1-based and i 0-based per table; null/absent cells omitted; "" -> <col />; no rows at all -> an empty
//  diffgram). DataSet name defaults to NewDataSet; column type to string (any xs: type name of letters).
//  Names must be XML names without ':'; duplicate table/column names, row keys that are not columns, cells
//  that are not strings/null: DATASET_SHAPE (WRONG_TYPE for numbers).
//  Reading: the schema gives tables (xs:element name=… inline, or ref= to a top-level xs:element, under the
//  choice/sequence of the msdata:IsDataSet element or else the first top-level element) and columns
//  (xs:element under the table's sequence/all/choice; type from type= or simpleType/restriction base=,
//  prefix dropped; default string). Nested tables, attribute and simpleContent columns: DATASET_SHAPE
//  (not supported). Rows: the children of the diffgram's data element, in document order (rowOrder is not
//  used), grouped by table; every row lists every column, absent = null; a row or cell that the schema does
//  not declare, or a repeated cell: DATASET_SHAPE. Without a schema, tables and columns are inferred from
//  the rows (order of first appearance, type string). diffgr:before (original versions of changed rows) is
//  ignored: the current rows are the data. A non-empty diffgr:errors section is DATASET_ROW_ERROR (detail:
//  the rows' diffgr:id and diffgr:Error text): a DataSet whose rows were flagged by the sender is never
//  taken as good data. Output {"name","tables":[{"name","columns":[{"name","type"}],"rows":[{col: text|null}]}]}
//  with `type` always present.

import { outPtr, outLen, outEnsure, outByte, outLit, outI64 } from './out';
import {
  fail, errCode, errPos, errDetail, resetError, prefixErrDetail,
  E_WRONG_TYPE, E_MISSING_FIELD, E_XML_SHAPE, E_SOAP_ENVELOPE, E_DATASET_SHAPE, E_SOAP_VERSION,
  E_DATASET_ROW_ERROR, E_EMPTY_INPUT, E_DUPLICATE_KEY,
} from './errors';
import { jsonParse, jKind, jA, jB, jC, jNext, jPos, jStrEq, jStrValue, jHex4, K_NULL, K_STR, K_ARR, K_OBJ } from './json';
import {
  xTree, xTreeRelease, xNode, xText, xRange, xPrintSetup, xPutName, xPutText, xValueOrArray,
  X_NAME, X_NAMEEND, X_ATTREND, X_CSTART, X_CEND, X_FIRST, X_NEXT, X_FLAGS, X_PARENT,
  XF_ATTRS, XF_KIDS, XF_DUP, XF_COMPLEX, XF_TEXT,
} from './xml';
import { cpName } from './gbk';

const NS_SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const NS_SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const NS_XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const NS_XSD = 'http://www.w3.org/2001/XMLSchema';
const NS_MSDATA = 'urn:schemas-microsoft-com:xml-msdata';
const NS_DIFFGR = 'urn:schemas-microsoft-com:xml-diffgram-v1';

// =====================================================================================================
// decoding
// =====================================================================================================

let docBase: usize = 0; // start of the parsed buffer (error positions)
let posShift: i32 = 0;  // op 36: bytes inserted before the caller's input

@inline function at(q: usize): u32 { return <u32>load<u8>(q); }
@inline function nd(n: i32, f: i32): u32 { return xNode(n, f); }
@inline function flags(n: i32): u32 { return xNode(n, X_FLAGS); }
@inline function isWs(c: u32): bool { return c == 32 || c == 10 || c == 13 || c == 9; }

/** Error position of element n: its '<'. */
function posOf(n: i32): i32 {
  return <i32>(<usize>nd(n, X_NAME) - 1 - docBase) - posShift;
}

function eqLit(s: usize, e: usize, w: string): bool {
  const n = w.length;
  if (<i32>(e - s) != n) return false;
  for (let i = 0; i < n; i++) if (at(s + <usize>i) != <u32>w.charCodeAt(i)) return false;
  return true;
}

function eqRange(a: usize, ae: usize, b: usize, be: usize): bool {
  const n = ae - a;
  if (be - b != n) return false;
  for (let i: usize = 0; i < n; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

// ---- names -----------------------------------------------------------------------------------------

let pfS: usize = 0, pfE: usize = 0, lnS: usize = 0, lnE: usize = 0;

/** Splits the qualified name [s, e) into prefix [pfS, pfE) (empty if none) and local name [lnS, lnE). */
function splitName(s: usize, e: usize): void {
  let c = e;
  while (c > s) {
    if (at(c - 1) == 58) break;
    c--;
  }
  if (c > s) { pfS = s; pfE = c - 1; lnS = c; }
  else { pfS = s; pfE = s; lnS = s; }
  lnE = e;
}

function localIs(n: i32, w: string): bool {
  splitName(<usize>nd(n, X_NAME), <usize>nd(n, X_NAMEEND));
  return eqLit(lnS, lnE, w);
}

// ---- attributes ------------------------------------------------------------------------------------
// The parser validated every start tag, so the scanner below can be simple.

let anS: usize = 0, anE: usize = 0, avS: usize = 0, avE: usize = 0;

/** Scans the attribute at q (before ATTREND e): sets anS/anE/avS/avE, returns the position after it, or 0. */
function scanAttr(q: usize, e: usize): usize {
  while (q < e && isWs(at(q))) q++;
  if (q >= e) return 0;
  anS = q;
  while (at(q) != 61 && !isWs(at(q))) q++;
  anE = q;
  while (at(q) != 34 && at(q) != 39) q++;
  const qc = at(q);
  q++;
  avS = q;
  while (at(q) != qc) q++;
  avE = q;
  return q + 1;
}

let nsS: usize = 0, nsE: usize = 0;

/** Resolves prefix [ps, pe) (empty = default namespace) in scope at element n into [nsS, nsE). */
function lookupNs(n: i32, ps: usize, pe: usize): bool {
  const plen = pe - ps;
  let m = n;
  while (true) {
    if ((flags(m) & XF_ATTRS) != 0) {
      let q = <usize>nd(m, X_NAMEEND);
      const e = <usize>nd(m, X_ATTREND);
      while (true) {
        q = scanAttr(q, e);
        if (q == 0) break;
        const nl = anE - anS;
        if (plen == 0) {
          if (nl == 5 && eqLit(anS, anE, 'xmlns')) { nsS = avS; nsE = avE; return true; }
        } else if (nl == 6 + plen && eqLit(anS, anS + 6, 'xmlns:') && eqRange(anS + 6, anE, ps, pe)) {
          nsS = avS; nsE = avE; return true;
        }
      }
    }
    if (m == 0) break;
    m = <i32>nd(m, X_PARENT);
  }
  nsS = 0; nsE = 0;
  return plen == 0; // no default namespace = no namespace; an unbound prefix is not found
}

/** True if element n is in namespace uri. */
function nsIs(n: i32, uri: string): bool {
  splitName(<usize>nd(n, X_NAME), <usize>nd(n, X_NAMEEND));
  if (!lookupNs(n, pfS, pfE)) return false;
  return eqLit(nsS, nsE, uri);
}

/** True if n's local name is w and its namespace is uri. */
function elemIs(n: i32, w: string, uri: string): bool {
  return localIs(n, w) && nsIs(n, uri);
}

/**
 * Finds attribute `local` of element n: unqualified when uri is "", else with a prefix bound to uri.
 * Sets avS/avE to its raw value.
 */
function findAttr(n: i32, local: string, uri: string): bool {
  if ((flags(n) & XF_ATTRS) == 0) return false;
  let q = <usize>nd(n, X_NAMEEND);
  const e = <usize>nd(n, X_ATTREND);
  while (true) {
    q = scanAttr(q, e);
    if (q == 0) return false;
    splitName(anS, anE);
    if (!eqLit(lnS, lnE, local)) continue;
    const unq = pfE == pfS;
    if (uri.length == 0) {
      if (unq) return true;
      continue;
    }
    if (unq || eqLit(pfS, pfE, 'xmlns')) continue;
    const vs = avS, ve = avE, next = q;
    const ok = lookupNs(n, pfS, pfE) && eqLit(nsS, nsE, uri);
    avS = vs; avE = ve;
    if (ok) return true;
    q = next;
  }
  return false;
}

function isNil(n: i32): bool {
  if (!findAttr(n, 'nil', NS_XSI)) return false;
  // value may be surrounded by whitespace (xs:boolean)
  let s = avS, e = avE;
  while (s < e && isWs(at(s))) s++;
  while (e > s && isWs(at(e - 1))) e--;
  return eqLit(s, e, 'true') || eqLit(s, e, '1');
}

/** First child of n with local name w (any namespace), or -1. */
function kid(n: i32, w: string): i32 {
  if ((flags(n) & XF_KIDS) == 0) return -1;
  let c = <i32>nd(n, X_FIRST);
  while (c != 0) {
    if (localIs(c, w)) return c;
    c = <i32>nd(c, X_NEXT);
  }
  return -1;
}

// ---- JSON output helpers ---------------------------------------------------------------------------

/** "text of element n" as a JSON string. */
function emitElemText(n: i32): i32 {
  outByte(34);
  const s = <usize>nd(n, X_CSTART), e = <usize>nd(n, X_CEND);
  const st = (flags(n) & XF_COMPLEX) != 0 ? xText(s, e) : xRange(s, e);
  outByte(34);
  return st;
}

/** The local name of element n as a JSON string. */
function emitLocal(n: i32): i32 {
  splitName(<usize>nd(n, X_NAME), <usize>nd(n, X_NAMEEND));
  outByte(34);
  const st = xRange(lnS, lnE);
  outByte(34);
  return st;
}

/** Raw attribute/namespace value [s, e) as a JSON string (references decoded). */
function emitAttrText(s: usize, e: usize): i32 {
  outByte(34);
  const st = xText(s, e);
  outByte(34);
  return st;
}

// ---- SOAP values -----------------------------------------------------------------------------------

/** True if element n holds a DataSet: its element children are xs:schema and/or diffgr:diffgram. */
function isDataSetHolder(n: i32): bool {
  let c = <i32>nd(n, X_FIRST);
  let schema = 0, diff = 0;
  while (c != 0) {
    if (localIs(c, 'schema') && nsIs(c, NS_XSD)) schema++;
    else if (localIs(c, 'diffgram') && nsIs(c, NS_DIFFGR)) diff++;
    else return false;
    c = <i32>nd(c, X_NEXT);
  }
  return schema <= 1 && diff <= 1 && schema + diff > 0;
}

function emitValue(n: i32): i32 {
  const f = flags(n);
  if ((f & XF_ATTRS) != 0 && isNil(n)) { outLit('null'); return 0; }
  if ((f & XF_KIDS) == 0) return emitElemText(n);
  if (isDataSetHolder(n)) {
    outLit('{"$dataset":');
    const st = emitDataSet(n);
    if (st != 0) return st;
    outByte(125);
    return 0;
  }
  return emitChildren(n);
}

function emitChildren(n: i32): i32 {
  const f = flags(n);
  if ((f & XF_TEXT) != 0 && (f & XF_KIDS) != 0) {
    splitName(<usize>nd(n, X_NAME), <usize>nd(n, X_NAMEEND));
    return fail(E_SOAP_ENVELOPE, posOf(n), 'mixed content: text beside child elements in <' + localStr() + '>');
  }
  outByte(123);
  let first = true;
  let prefixed = false;
  let c = (f & XF_KIDS) != 0 ? <i32>nd(n, X_FIRST) : 0;
  while (c != 0) {
    const cf = flags(c);
    if ((cf & XF_DUP) == 0) {
      splitName(<usize>nd(c, X_NAME), <usize>nd(c, X_NAMEEND));
      if (pfE != pfS) prefixed = true;
      if (prefixed) {
        // the same local name under two different prefixes would give a duplicate JSON key
        const cs = lnS, ce = lnE;
        let m = <i32>nd(n, X_FIRST);
        while (m != c) {
          if ((flags(m) & XF_DUP) == 0) {
            splitName(<usize>nd(m, X_NAME), <usize>nd(m, X_NAMEEND));
            if (eqRange(lnS, lnE, cs, ce)) {
              splitName(<usize>nd(c, X_NAME), <usize>nd(c, X_NAMEEND));
              return fail(E_SOAP_ENVELOPE, posOf(c), 'element <' + localStr() + '> appears under two different prefixes');
            }
          }
          m = <i32>nd(m, X_NEXT);
        }
      }
      if (!first) outByte(44);
      first = false;
      let st = emitLocal(c);
      if (st != 0) return st;
      outByte(58);
      st = xValueOrArray(c, emitValue);
      if (st != 0) return st;
    }
    c = <i32>nd(c, X_NEXT);
  }
  outByte(125);
  return 0;
}

/** The local name [lnS, lnE) as an AS string (error details only). */
function localStr(): string {
  const mark = outLen;
  xRange(lnS, lnE);
  const s = jStrValue(outPtr + <usize>mark, outPtr + <usize>outLen, true);
  outRewind(mark);
  return s;
}

/** Sets the output length (rewinds scratch text, or commits bytes written past outLen by outCopy). */
function outRewind(n: i32): void {
  outLen = n;
}

// ---- DataSet reading -------------------------------------------------------------------------------

class DsTable {
  nameS: usize = 0;
  nameE: usize = 0;
  colS: Array<usize> = new Array<usize>();
  colE: Array<usize> = new Array<usize>();
  typS: Array<usize> = new Array<usize>(); // 0 = string
  typE: Array<usize> = new Array<usize>();
  rows: Array<i32> = new Array<i32>();
}

let dsTables: Array<DsTable> = new Array<DsTable>();

function findTable(s: usize, e: usize): i32 {
  for (let i = 0; i < dsTables.length; i++) {
    const t = unchecked(dsTables[i]);
    if (eqRange(t.nameS, t.nameE, s, e)) return i;
  }
  return -1;
}

function findCol(t: DsTable, s: usize, e: usize, hint: i32): i32 {
  const n = t.colS.length;
  if (hint < n && eqRange(unchecked(t.colS[hint]), unchecked(t.colE[hint]), s, e)) return hint;
  for (let i = 0; i < n; i++) if (eqRange(unchecked(t.colS[i]), unchecked(t.colE[i]), s, e)) return i;
  return -1;
}

/** Local part of a QName value [s, e) (type="xs:decimal" -> decimal) into lnS/lnE, trimmed. */
function qnameLocal(s: usize, e: usize): void {
  while (s < e && isWs(at(s))) s++;
  while (e > s && isWs(at(e - 1))) e--;
  splitName(s, e);
}

function dsFail(n: i32, msg: string): i32 {
  return fail(E_DATASET_SHAPE, posOf(n), msg);
}

/** Reads the columns of table element def (its complexType) into t. */
function readColumns(def: i32, t: DsTable): i32 {
  const ct = kid(def, 'complexType');
  if (ct < 0) return 0;
  if ((flags(ct) & XF_KIDS) == 0) return 0;
  let g = <i32>nd(ct, X_FIRST);
  while (g != 0) {
    if (localIs(g, 'sequence') || localIs(g, 'all') || localIs(g, 'choice')) {
      let c = (flags(g) & XF_KIDS) != 0 ? <i32>nd(g, X_FIRST) : 0;
      while (c != 0) {
        if (localIs(c, 'element')) {
          if (!findAttr(c, 'name', '')) return dsFail(c, 'a column xs:element without a name');
          const cs = avS, ce = avE;
          if (kid(c, 'complexType') >= 0) return dsFail(c, 'nested tables are not supported');
          if (findCol(t, cs, ce, t.colS.length) >= 0) return dsFail(c, 'column declared twice');
          let ts: usize = 0, te: usize = 0;
          if (findAttr(c, 'type', '')) {
            qnameLocal(avS, avE);
            ts = lnS; te = lnE;
          } else {
            const sim = kid(c, 'simpleType');
            const res = sim >= 0 ? kid(sim, 'restriction') : -1;
            if (res >= 0 && findAttr(res, 'base', '')) {
              qnameLocal(avS, avE);
              ts = lnS; te = lnE;
            }
          }
          if (ts == te) ts = 0;
          t.colS.push(cs);
          t.colE.push(ce);
          t.typS.push(ts);
          t.typE.push(te);
        } else if (localIs(c, 'any')) {
          // xs:any: nothing to map
        } else if (!localIs(c, 'annotation')) {
          return dsFail(c, 'unsupported schema construct in a table');
        }
        c = <i32>nd(c, X_NEXT);
      }
    } else if (localIs(g, 'attribute')) {
      return dsFail(g, 'attribute columns (MappingType.Attribute) are not supported');
    } else if (localIs(g, 'simpleContent') || localIs(g, 'complexContent')) {
      return dsFail(g, 'simpleContent/complexContent tables are not supported');
    }
    g = <i32>nd(g, X_NEXT);
  }
  return 0;
}

let dsNameS: usize = 0, dsNameE: usize = 0, dsNameSet = false;

function readSchema(sch: i32): i32 {
  if ((flags(sch) & XF_KIDS) == 0) return 0;
  // the DataSet element: msdata:IsDataSet="true", else the first top-level xs:element
  let ds = -1, firstEl = -1;
  let c = <i32>nd(sch, X_FIRST);
  while (c != 0) {
    if (localIs(c, 'element')) {
      if (firstEl < 0) firstEl = c;
      if (findAttr(c, 'IsDataSet', NS_MSDATA)) {
        qnameLocal(avS, avE);
        if (eqLit(lnS, lnE, 'true') || eqLit(lnS, lnE, '1')) { ds = c; break; }
      }
    }
    c = <i32>nd(c, X_NEXT);
  }
  if (ds < 0) ds = firstEl;
  if (ds < 0) return 0;
  if (findAttr(ds, 'name', '')) { dsNameS = avS; dsNameE = avE; dsNameSet = true; }
  const ct = kid(ds, 'complexType');
  if (ct < 0) return 0;
  let grp = kid(ct, 'choice');
  if (grp < 0) grp = kid(ct, 'sequence');
  if (grp < 0) grp = kid(ct, 'all');
  if (grp < 0 || (flags(grp) & XF_KIDS) == 0) return 0;
  let e = <i32>nd(grp, X_FIRST);
  while (e != 0) {
    if (localIs(e, 'element')) {
      let def = e;
      let ts: usize, te: usize;
      if (findAttr(e, 'name', '')) {
        ts = avS; te = avE;
      } else if (findAttr(e, 'ref', '')) {
        qnameLocal(avS, avE);
        ts = lnS; te = lnE;
        def = -1;
        let t = <i32>nd(sch, X_FIRST);
        while (t != 0) {
          if (localIs(t, 'element') && findAttr(t, 'name', '') && eqRange(avS, avE, ts, te)) { def = t; break; }
          t = <i32>nd(t, X_NEXT);
        }
        if (def < 0) return dsFail(e, 'xs:element ref to a table that the schema does not declare');
      } else {
        return dsFail(e, 'a table xs:element without a name');
      }
      if (findTable(ts, te) >= 0) return dsFail(e, 'table declared twice');
      const tb = new DsTable();
      tb.nameS = ts;
      tb.nameE = te;
      dsTables.push(tb);
      const st = readColumns(def, tb);
      if (st != 0) return st;
    }
    e = <i32>nd(e, X_NEXT);
  }
  return 0;
}

/** Fails with the diffgr:errors content: ids and messages of the flagged rows. */
function rowErrors(errs: i32): i32 {
  let detail = '';
  let c = <i32>nd(errs, X_FIRST);
  let k = 0;
  while (c != 0 && k < 5) {
    let id = '', msg = '';
    if (findAttr(c, 'id', NS_DIFFGR)) id = rangeStr(avS, avE);
    if (findAttr(c, 'Error', NS_DIFFGR)) msg = rangeStr(avS, avE);
    else {
      // column errors: <col diffgr:Error="…"/> inside the row
      let cc = (flags(c) & XF_KIDS) != 0 ? <i32>nd(c, X_FIRST) : 0;
      while (cc != 0) {
        if (findAttr(cc, 'Error', NS_DIFFGR)) { msg = rangeStr(avS, avE); break; }
        cc = <i32>nd(cc, X_NEXT);
      }
    }
    if (detail.length > 0) detail += '; ';
    detail += (id.length > 0 ? id : '?') + ': ' + msg;
    k++;
    c = <i32>nd(c, X_NEXT);
  }
  return fail(E_DATASET_ROW_ERROR, posOf(errs), detail);
}

/** Raw value [s, e) decoded to an AS string (details only). */
function rangeStr(s: usize, e: usize): string {
  const mark = outLen;
  xText(s, e);
  const r = jStrValue(outPtr + <usize>mark, outPtr + <usize>outLen, true);
  outRewind(mark);
  return r;
}

/** Emits {"name","tables"} for the DataSet held by element holder (children xs:schema / diffgr:diffgram). */
function emitDataSet(holder: i32): i32 {
  dsTables = new Array<DsTable>();
  dsNameSet = false;
  let schema = -1, diff = -1;
  let c = <i32>nd(holder, X_FIRST);
  while (c != 0) {
    if (localIs(c, 'schema') && nsIs(c, NS_XSD)) schema = c;
    else if (localIs(c, 'diffgram') && nsIs(c, NS_DIFFGR)) diff = c;
    c = <i32>nd(c, X_NEXT);
  }
  let st = 0;
  if (schema >= 0) {
    st = readSchema(schema);
    if (st != 0) return st;
  }
  const inferred = schema < 0;
  let data = -1;
  if (diff >= 0 && (flags(diff) & XF_KIDS) != 0) {
    c = <i32>nd(diff, X_FIRST);
    while (c != 0) {
      if (localIs(c, 'before') && nsIs(c, NS_DIFFGR)) {
        // original versions of changed/deleted rows: not the current data
      } else if (localIs(c, 'errors') && nsIs(c, NS_DIFFGR)) {
        if ((flags(c) & XF_KIDS) != 0) return rowErrors(c);
      } else {
        if (data >= 0) return dsFail(c, 'more than one data element in the diffgram');
        data = c;
      }
      c = <i32>nd(c, X_NEXT);
    }
  }
  if (data >= 0) {
    if (!dsNameSet) {
      splitName(<usize>nd(data, X_NAME), <usize>nd(data, X_NAMEEND));
      dsNameS = lnS; dsNameE = lnE; dsNameSet = true;
    }
    let r = (flags(data) & XF_KIDS) != 0 ? <i32>nd(data, X_FIRST) : 0;
    while (r != 0) {
      splitName(<usize>nd(r, X_NAME), <usize>nd(r, X_NAMEEND));
      let ti = findTable(lnS, lnE);
      if (ti < 0) {
        if (!inferred) return dsFail(r, 'row <' + localStr() + '> is not a table of the schema');
        const tb = new DsTable();
        tb.nameS = lnS;
        tb.nameE = lnE;
        dsTables.push(tb);
        ti = dsTables.length - 1;
      }
      const t = unchecked(dsTables[ti]);
      t.rows.push(r);
      if (inferred && (flags(r) & XF_KIDS) != 0) {
        let x = <i32>nd(r, X_FIRST);
        let k = 0;
        while (x != 0) {
          splitName(<usize>nd(x, X_NAME), <usize>nd(x, X_NAMEEND));
          if (findCol(t, lnS, lnE, k) < 0) {
            t.colS.push(lnS);
            t.colE.push(lnE);
            t.typS.push(0);
            t.typE.push(0);
          }
          k++;
          x = <i32>nd(x, X_NEXT);
        }
      }
      r = <i32>nd(r, X_NEXT);
    }
  }
  // output
  outLit('{"name":');
  if (dsNameSet) {
    st = emitAttrText(dsNameS, dsNameE);
    if (st != 0) return st;
  } else outLit('"NewDataSet"');
  outLit(',"tables":[');
  const cells = new Array<i32>();
  for (let i = 0; i < dsTables.length; i++) {
    const t = unchecked(dsTables[i]);
    if (i > 0) outByte(44);
    outLit('{"name":');
    st = emitAttrText(t.nameS, t.nameE);
    if (st != 0) return st;
    outLit(',"columns":[');
    const nc = t.colS.length;
    for (let j = 0; j < nc; j++) {
      if (j > 0) outByte(44);
      outLit('{"name":');
      st = emitAttrText(unchecked(t.colS[j]), unchecked(t.colE[j]));
      if (st != 0) return st;
      outLit(',"type":');
      const ts = unchecked(t.typS[j]);
      if (ts == 0) outLit('"string"');
      else {
        st = emitAttrText(ts, unchecked(t.typE[j]));
        if (st != 0) return st;
      }
      outByte(125);
    }
    outLit('],"rows":[');
    cells.length = nc;
    for (let k = 0; k < t.rows.length; k++) {
      const r = unchecked(t.rows[k]);
      for (let j = 0; j < nc; j++) unchecked(cells[j] = -1);
      let x = (flags(r) & XF_KIDS) != 0 ? <i32>nd(r, X_FIRST) : 0;
      let h = 0;
      while (x != 0) {
        splitName(<usize>nd(x, X_NAME), <usize>nd(x, X_NAMEEND));
        const j = findCol(t, lnS, lnE, h);
        if (j < 0) return dsFail(x, 'cell <' + localStr() + '> is not a column of the table');
        if (unchecked(cells[j]) >= 0) return dsFail(x, 'cell <' + localStr() + '> appears twice in one row');
        unchecked(cells[j] = x);
        h = j + 1;
        x = <i32>nd(x, X_NEXT);
      }
      if (k > 0) outByte(44);
      outByte(123);
      for (let j = 0; j < nc; j++) {
        if (j > 0) outByte(44);
        st = emitAttrText(unchecked(t.colS[j]), unchecked(t.colE[j]));
        if (st != 0) return st;
        outByte(58);
        const cx = unchecked(cells[j]);
        if (cx < 0 || ((flags(cx) & XF_ATTRS) != 0 && isNil(cx))) { outLit('null'); continue; }
        if ((flags(cx) & XF_KIDS) != 0) return dsFail(cx, 'a cell holds elements (nested tables are not supported)');
        st = emitElemText(cx);
        if (st != 0) return st;
      }
      outByte(125);
    }
    outLit(']}');
  }
  outLit(']}');
  return 0;
}

// ---- envelope --------------------------------------------------------------------------------------

function trimmedText(n: i32): i32 {
  let s = <usize>nd(n, X_CSTART), e = <usize>nd(n, X_CEND);
  while (s < e && isWs(at(s))) s++;
  while (e > s && isWs(at(e - 1))) e--;
  outByte(34);
  const st = (flags(n) & XF_COMPLEX) != 0 ? xText(s, e) : xRange(s, e);
  outByte(34);
  return st;
}

function emitFault(f: i32, v12: bool): i32 {
  let code = -1, reason = -1, detail = -1;
  if (v12) {
    const c = kid(f, 'Code');
    if (c >= 0) code = kid(c, 'Value');
    const r = kid(f, 'Reason');
    if (r >= 0) reason = kid(r, 'Text');
    detail = kid(f, 'Detail');
  } else {
    code = kid(f, 'faultcode');
    reason = kid(f, 'faultstring');
    detail = kid(f, 'detail');
  }
  outLit(',"fault":{"code":');
  let st = 0;
  if (code >= 0) st = trimmedText(code);
  else outLit('""');
  if (st != 0) return st;
  outLit(',"reason":');
  if (reason >= 0) {
    if ((flags(reason) & XF_KIDS) != 0) {
      outByte(34);
      st = xRange(<usize>nd(reason, X_CSTART), <usize>nd(reason, X_CEND));
      outByte(34);
    } else st = emitElemText(reason);
  } else outLit('""');
  if (st != 0) return st;
  if (detail >= 0 && nd(detail, X_CEND) > nd(detail, X_CSTART)) {
    const s = <usize>nd(detail, X_CSTART), e = <usize>nd(detail, X_CEND);
    let blank = (flags(detail) & XF_KIDS) == 0 && (flags(detail) & XF_TEXT) == 0;
    if (!blank) {
      outLit(',"detail":"');
      // with elements: the inner XML as written; text only: the decoded text
      st = (flags(detail) & XF_KIDS) != 0 || (flags(detail) & XF_COMPLEX) == 0 ? xRange(s, e) : xText(s, e);
      if (st != 0) return st;
      outByte(34);
    }
  }
  outByte(125);
  return 0;
}

function decodeEnvelope(): i32 {
  const root = 0;
  let v12 = false;
  if (!localIs(root, 'Envelope')) {
    return fail(E_SOAP_ENVELOPE, posOf(root), 'the root element is <' + localStr() + '>, not a SOAP Envelope');
  }
  if (nsIs(root, NS_SOAP11)) v12 = false;
  else if (nsIs(root, NS_SOAP12)) v12 = true;
  else {
    splitName(<usize>nd(root, X_NAME), <usize>nd(root, X_NAMEEND));
    const bound = lookupNs(root, pfS, pfE);
    if (!bound) return fail(E_SOAP_VERSION, posOf(root), 'the Envelope prefix is not bound to a namespace');
    if (nsE == nsS) return fail(E_SOAP_VERSION, posOf(root), 'the Envelope has no namespace (1.1: ' + NS_SOAP11 + ', 1.2: ' + NS_SOAP12 + ')');
    return fail(E_SOAP_VERSION, posOf(root), 'unknown envelope namespace "' + rangeStr(nsS, nsE) + '"');
  }
  const envNs = v12 ? NS_SOAP12 : NS_SOAP11;
  let body = -1;
  let c = (flags(root) & XF_KIDS) != 0 ? <i32>nd(root, X_FIRST) : 0;
  while (c != 0) {
    if (localIs(c, 'Body') && nsIs(c, envNs)) { body = c; break; }
    c = <i32>nd(c, X_NEXT);
  }
  if (body < 0) return fail(E_SOAP_ENVELOPE, posOf(root), 'the Envelope has no Body');
  if ((flags(body) & XF_KIDS) == 0) return fail(E_SOAP_ENVELOPE, posOf(body), 'the Body is empty');
  const m = <i32>nd(body, X_FIRST);
  const second = <i32>nd(m, X_NEXT);
  if (second != 0) return fail(E_SOAP_ENVELOPE, posOf(second), 'the Body holds more than one element');
  if ((flags(body) & XF_TEXT) != 0) return fail(E_SOAP_ENVELOPE, posOf(body), 'text in the Body');
  outLit(v12 ? '{"version":"1.2","ns":' : '{"version":"1.1","ns":');
  splitName(<usize>nd(m, X_NAME), <usize>nd(m, X_NAMEEND));
  if (!lookupNs(m, pfS, pfE)) return fail(E_SOAP_ENVELOPE, posOf(m), 'the prefix of the body element is not bound to a namespace');
  let st = emitAttrText(nsS, nsE);
  if (st != 0) return st;
  if (localIs(m, 'Fault') && nsIs(m, envNs)) {
    st = emitFault(m, v12);
    if (st != 0) return st;
    outByte(125);
    return 0;
  }
  outLit(',"name":');
  st = emitLocal(m);
  if (st != 0) return st;
  outLit(',"value":');
  const mf = flags(m);
  if ((mf & XF_KIDS) == 0) {
    if ((mf & XF_TEXT) != 0) return fail(E_SOAP_ENVELOPE, posOf(m), 'the body element holds text, not parameter elements');
    outLit('{}');
  } else {
    st = emitChildren(m);
    if (st != 0) return st;
  }
  outByte(125);
  return 0;
}

export function opSoapDecode(ptr: usize, len: i32): i32 {
  docBase = ptr;
  posShift = 0;
  let st = xTree(ptr, len);
  if (st == 0) st = decodeEnvelope();
  xTreeRelease();
  dsTables = new Array<DsTable>();
  return st;
}

// op 36: the fragment is wrapped in <_>…</_> (after a BOM / XML declaration) so that schema + diffgram parse
// as one document; error positions are mapped back to the caller's input.
export function opDatasetDecode(ptr: usize, len: i32): i32 {
  const n = <usize>len;
  let q: usize = 0;
  if (n >= 3 && at(ptr) == 0xEF && at(ptr + 1) == 0xBB && at(ptr + 2) == 0xBF) q = 3;
  let k = q;
  while (k < n && isWs(at(ptr + k))) k++;
  if (k + 5 < n && eqLit(ptr + k, ptr + k + 5, '<?xml') && isWs(at(ptr + k + 5))) {
    let e = k + 5;
    while (e + 1 < n && !(at(ptr + e) == 63 && at(ptr + e + 1) == 62)) e++;
    q = e + 2 <= n ? e + 2 : n;
  }
  let blank = true;
  for (let i: usize = 0; i < n; i++) if (!isWs(at(ptr + i))) { blank = false; break; }
  if (blank) return fail(E_EMPTY_INPUT, 0, 'no XML document');
  const buf = heap.alloc(n + 8);
  memory.copy(buf, ptr, q);
  store<u8>(buf + q, 60); store<u8>(buf + q + 1, 95); store<u8>(buf + q + 2, 62); // <_>
  memory.copy(buf + q + 3, ptr + q, n - q);
  const t = buf + n + 3;
  store<u8>(t, 60); store<u8>(t + 1, 47); store<u8>(t + 2, 95); store<u8>(t + 3, 62); // </_>
  docBase = buf;
  posShift = 0;
  let st = xTree(buf, <i32>(n + 7));
  if (st == 0) {
    posShift = 3;
    st = datasetRoot();
  } else {
    // map the position back: bytes after the declaration moved by 3; the closing tag is the end of input
    const c = errCode, d = errDetail;
    let pos = errPos;
    if (pos >= <i32>(q + 3)) pos -= 3;
    if (pos > len) pos = len;
    resetError();
    fail(c, pos, d);
    st = c;
  }
  xTreeRelease();
  dsTables = new Array<DsTable>();
  heap.free(buf);
  return st;
}

function datasetRoot(): i32 {
  const w = 0; // <_>
  if ((flags(w) & XF_KIDS) == 0) return fail(E_DATASET_SHAPE, 0, 'no xs:schema or diffgr:diffgram element');
  if (isDataSetHolder(w)) return emitDataSet(w);
  const c = <i32>nd(w, X_FIRST);
  if (nd(c, X_NEXT) != 0) return fail(E_DATASET_SHAPE, posOf(<i32>nd(c, X_NEXT)), 'expected xs:schema + diffgr:diffgram, or one element holding them');
  if ((flags(c) & XF_KIDS) != 0 && isDataSetHolder(c)) return emitDataSet(c);
  return fail(E_DATASET_SHAPE, posOf(c), 'no xs:schema or diffgr:diffgram element');
}

// =====================================================================================================
// encoding
// =====================================================================================================

function outCopy(off: i32, len: i32): void {
  outEnsure(len);
  memory.copy(outPtr + <usize>outLen, outPtr + <usize>off, <usize>len);
  outRewind(outLen + len);
}

/** Member `key` of object node obj (first), or -1. Duplicates are refused. */
function mem(obj: i32, key: string): i32 {
  const n = <i32>jA(obj);
  let j = obj + 1;
  let found = -1;
  for (let m = 0; m < n; m++) {
    if (jStrEq(j, key)) {
      if (found >= 0) { fail(E_DUPLICATE_KEY, jPos(j), 'member "' + key + '" given twice'); return -2; }
      found = j + 1;
    }
    j = jNext(j + 1);
  }
  return found;
}

function strEq(a: i32, b: i32): bool {
  if (jC(a) == 0 && jC(b) == 0) return eqRange(<usize>jA(a), <usize>jB(a), <usize>jA(b), <usize>jB(b));
  return jStrValue(<usize>jA(a), <usize>jB(a), jC(a) != 0) == jStrValue(<usize>jA(b), <usize>jB(b), jC(b) != 0);
}

function strOf(i: i32): string {
  return jStrValue(<usize>jA(i), <usize>jB(i), jC(i) != 0);
}

/** Refuses characters XML 1.0 cannot carry in string node i (controls other than TAB LF CR, U+FFFE/FFFF). */
// The DataSet row a cell being written belongs to: named only when an error is reported, so a large DataSet
// does not build one context string per cell (the encode benchmark measured 4× from that alone).
let cellTable: i32 = -1;
let cellRow: i32 = 0;

function context(what: string): string {
  return cellTable < 0 ? what : strOf(cellTable) + '.rows[' + cellRow.toString() + ']';
}

function checkChars(i: i32, what: string): i32 {
  const s = <usize>jA(i), e = <usize>jB(i);
  const esc = jC(i) != 0;
  let q = s;
  while (q < e) {
    const c = at(q);
    if (c == 92 && esc) {
      const x = at(q + 1);
      let cp: u32 = 0x20;
      if (x == 98) cp = 8;
      else if (x == 102) cp = 12;
      else if (x == 117) cp = jHex4(q + 2);
      if ((cp < 0x20 && cp != 9 && cp != 10 && cp != 13) || cp == 0xFFFE || cp == 0xFFFF) {
        return fail(E_XML_SHAPE, jPos(i), cpName(<i32>cp) + ' cannot be written in XML 1.0 (' + context(what) + ')');
      }
      q += x == 117 ? 6 : 2;
      continue;
    }
    if (c == 0xEF && q + 2 < e && at(q + 1) == 0xBF && (at(q + 2) == 0xBE || at(q + 2) == 0xBF)) {
      return fail(E_XML_SHAPE, jPos(i), cpName(at(q + 2) == 0xBE ? 0xFFFE : 0xFFFF) + ' cannot be written in XML 1.0 (' + context(what) + ')');
    }
    q++;
  }
  return 0;
}

function putText(i: i32, attr: bool, what: string): i32 {
  const st = checkChars(i, what);
  return st != 0 ? st : xPutText(i, attr);
}

/** Writes name node k as an element/attribute name: an XML name without ':'. */
function putName(k: i32, what: string): i32 {
  const s = <usize>jA(k), e = <usize>jB(k);
  for (let q = s; q < e; q++) {
    if (at(q) == 58) return fail(E_XML_SHAPE, jPos(k), what + ' name "' + strOf(k) + '" must not contain \':\'');
  }
  if (jC(k) != 0 && strOf(k).includes(':')) return fail(E_XML_SHAPE, jPos(k), what + ' name "' + strOf(k) + '" must not contain \':\'');
  return xPutName(k, what);
}

// ---- DataSet writing -------------------------------------------------------------------------------

/** Validates a column type name: letters only (an xs: built-in type name). */
function typeOk(i: i32): bool {
  if (jC(i) != 0) return false;
  const s = <usize>jA(i), e = <usize>jB(i);
  if (s == e) return false;
  for (let q = s; q < e; q++) {
    const c = at(q) | 32;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

function rowName(table: i32, k: i32): string {
  return strOf(table) + '.rows[' + k.toString() + ']';
}

function writeDataSet(ds: i32): i32 {
  if (jKind(ds) != K_OBJ) return fail(E_DATASET_SHAPE, jPos(ds), 'a DataSet must be an object {name, tables}');
  const nameN = mem(ds, 'name');
  const tablesN = mem(ds, 'tables');
  if (nameN == -2 || tablesN == -2) return E_DUPLICATE_KEY;
  if (nameN >= 0 && jKind(nameN) != K_STR && jKind(nameN) != K_NULL) return fail(E_DATASET_SHAPE, jPos(nameN), 'DataSet name must be a string');
  if (tablesN >= 0 && jKind(tablesN) != K_ARR && jKind(tablesN) != K_NULL) return fail(E_DATASET_SHAPE, jPos(tablesN), 'DataSet tables must be an array');
  const nt = tablesN >= 0 && jKind(tablesN) == K_ARR ? <i32>jA(tablesN) : 0;
  // table nodes, their name/columns/rows nodes
  const tNodes = new Array<i32>();
  const tName = new Array<i32>();
  const tCols = new Array<i32>();
  const tRows = new Array<i32>();
  let t = nt > 0 ? tablesN + 1 : 0;
  let anyRows = false;
  for (let i = 0; i < nt; i++) {
    if (jKind(t) != K_OBJ) return fail(E_DATASET_SHAPE, jPos(t), 'tables[' + i.toString() + '] must be an object {name, columns, rows}');
    const tn = mem(t, 'name'), tc = mem(t, 'columns'), tr = mem(t, 'rows');
    if (tn == -2 || tc == -2 || tr == -2) return E_DUPLICATE_KEY;
    if (tn < 0 || jKind(tn) != K_STR) return fail(tn < 0 ? E_MISSING_FIELD : E_DATASET_SHAPE, jPos(tn < 0 ? t : tn), 'tables[' + i.toString() + '].name');
    if (tc >= 0 && jKind(tc) != K_ARR && jKind(tc) != K_NULL) return fail(E_DATASET_SHAPE, jPos(tc), 'tables[' + i.toString() + '].columns must be an array');
    if (tr >= 0 && jKind(tr) != K_ARR && jKind(tr) != K_NULL) return fail(E_DATASET_SHAPE, jPos(tr), 'tables[' + i.toString() + '].rows must be an array');
    for (let k = 0; k < tName.length; k++) {
      if (strEq(unchecked(tName[k]), tn)) return fail(E_DATASET_SHAPE, jPos(tn), 'table "' + strOf(tn) + '" appears twice');
    }
    tNodes.push(t);
    tName.push(tn);
    tCols.push(tc >= 0 && jKind(tc) == K_ARR ? tc : -1);
    const rows = tr >= 0 && jKind(tr) == K_ARR ? tr : -1;
    tRows.push(rows);
    if (rows >= 0 && jA(rows) > 0) anyRows = true;
    t = jNext(t);
  }
  // schema
  outLit('<xs:schema id="');
  const dsOff = outLen;
  let st = 0;
  if (nameN >= 0 && jKind(nameN) == K_STR) st = putName(nameN, 'DataSet');
  else outLit('NewDataSet');
  if (st != 0) return st;
  const dsLen = outLen - dsOff;
  outLit('" xmlns="" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:msdata="urn:schemas-microsoft-com:xml-msdata"><xs:element name="');
  outCopy(dsOff, dsLen);
  outLit('" msdata:IsDataSet="true" msdata:UseCurrentLocale="true"><xs:complexType>');
  const tOff = new Array<i32>(), tLen = new Array<i32>();
  // column name positions in the output, per table: flattened with a start index per table
  const cOff = new Array<i32>(), cLen = new Array<i32>(), cNode = new Array<i32>(), cStart = new Array<i32>();
  if (nt == 0) outLit('<xs:choice minOccurs="0" maxOccurs="unbounded" />');
  else outLit('<xs:choice minOccurs="0" maxOccurs="unbounded">');
  for (let i = 0; i < nt; i++) {
    outLit('<xs:element name="');
    const off = outLen;
    st = putName(unchecked(tName[i]), 'table');
    if (st != 0) return st;
    tOff.push(off);
    tLen.push(outLen - off);
    cStart.push(cNode.length);
    const cols = unchecked(tCols[i]);
    const nc = cols >= 0 ? <i32>jA(cols) : 0;
    if (nc == 0) {
      outLit('"><xs:complexType /></xs:element>');
      continue;
    }
    outLit('"><xs:complexType><xs:sequence>');
    let c = cols + 1;
    const first = cNode.length;
    for (let j = 0; j < nc; j++) {
      const where = strOf(unchecked(tName[i])) + '.columns[' + j.toString() + ']';
      if (jKind(c) != K_OBJ) return fail(E_DATASET_SHAPE, jPos(c), where + ' must be an object {name, type}');
      const cn = mem(c, 'name'), ct = mem(c, 'type');
      if (cn == -2 || ct == -2) return E_DUPLICATE_KEY;
      if (cn < 0 || jKind(cn) != K_STR) return fail(cn < 0 ? E_MISSING_FIELD : E_DATASET_SHAPE, jPos(cn < 0 ? c : cn), where + '.name');
      for (let k = first; k < cNode.length; k++) {
        if (strEq(unchecked(cNode[k]), cn)) return fail(E_DATASET_SHAPE, jPos(cn), 'column "' + strOf(cn) + '" appears twice in table ' + strOf(unchecked(tName[i])));
      }
      outLit('<xs:element name="');
      const co = outLen;
      st = putName(cn, 'column');
      if (st != 0) return st;
      cOff.push(co);
      cLen.push(outLen - co);
      cNode.push(cn);
      outLit('" type="xs:');
      if (ct >= 0 && jKind(ct) != K_NULL) {
        if (jKind(ct) != K_STR || !typeOk(ct)) return fail(E_DATASET_SHAPE, jPos(ct), where + '.type must be an xs: type name such as string, decimal, int, dateTime');
        outLit(strOf(ct));
      } else outLit('string');
      outLit('" minOccurs="0" />');
      c = jNext(c);
    }
    outLit('</xs:sequence></xs:complexType></xs:element>');
  }
  cStart.push(cNode.length);
  if (nt > 0) outLit('</xs:choice>');
  outLit('</xs:complexType></xs:element></xs:schema>');
  // diffgram
  outLit('<diffgr:diffgram xmlns:msdata="urn:schemas-microsoft-com:xml-msdata" xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1"');
  if (!anyRows) { outLit(' />'); return 0; }
  outLit('><');
  outCopy(dsOff, dsLen);
  outLit(' xmlns="">');
  const cells = new Array<i32>();
  for (let i = 0; i < nt; i++) {
    const rows = unchecked(tRows[i]);
    if (rows < 0) continue;
    const c0 = unchecked(cStart[i]), c1 = unchecked(cStart[i + 1]);
    const nc = c1 - c0;
    cells.length = nc;
    const nr = <i32>jA(rows);
    let r = rows + 1;
    for (let k = 0; k < nr; k++) {
      if (jKind(r) != K_OBJ) return fail(E_DATASET_SHAPE, jPos(r), rowName(unchecked(tName[i]), k) + ' must be an object');
      for (let j = 0; j < nc; j++) unchecked(cells[j] = -1);
      const nm = <i32>jA(r);
      let m = r + 1;
      let hint = 0;
      for (let x = 0; x < nm; x++) {
        const v = m + 1;
        let j = -1;
        if (hint < nc && strEq(unchecked(cNode[c0 + hint]), m)) j = hint;
        else {
          for (let y = 0; y < nc; y++) if (strEq(unchecked(cNode[c0 + y]), m)) { j = y; break; }
        }
        if (j < 0) return fail(E_DATASET_SHAPE, jPos(m), rowName(unchecked(tName[i]), k) + ' has "' + strOf(m) + '", which is not a column of the table');
        if (unchecked(cells[j]) >= 0) return fail(E_DATASET_SHAPE, jPos(m), rowName(unchecked(tName[i]), k) + ' gives "' + strOf(m) + '" twice');
        const vk = jKind(v);
        if (vk != K_STR && vk != K_NULL) return fail(E_WRONG_TYPE, jPos(v), rowName(unchecked(tName[i]), k) + '.' + strOf(m) + ' must be a string or null (decimals as text)');
        unchecked(cells[j] = vk == K_STR ? v : -1);
        hint = j + 1;
        m = jNext(v);
      }
      outByte(60);
      outCopy(unchecked(tOff[i]), unchecked(tLen[i]));
      outLit(' diffgr:id="');
      outCopy(unchecked(tOff[i]), unchecked(tLen[i]));
      outI64(k + 1);
      outLit('" msdata:rowOrder="');
      outI64(k);
      let any = false;
      for (let j = 0; j < nc; j++) if (unchecked(cells[j]) >= 0) { any = true; break; }
      if (!any) { outLit('" />'); r = jNext(r); continue; }
      outLit('">');
      for (let j = 0; j < nc; j++) {
        const v = unchecked(cells[j]);
        if (v < 0) continue;
        outByte(60);
        outCopy(unchecked(cOff[c0 + j]), unchecked(cLen[c0 + j]));
        if (jB(v) == jA(v)) { outLit(' />'); continue; }
        outByte(62);
        cellTable = unchecked(tName[i]);
        cellRow = k;
        st = putText(v, false, '');
        cellTable = -1;
        if (st != 0) return st;
        outLit('</');
        outCopy(unchecked(cOff[c0 + j]), unchecked(cLen[c0 + j]));
        outByte(62);
      }
      outLit('</');
      outCopy(unchecked(tOff[i]), unchecked(tLen[i]));
      outByte(62);
      r = jNext(r);
    }
  }
  outLit('</');
  outCopy(dsOff, dsLen);
  outLit('></diffgr:diffgram>');
  return 0;
}

// ---- SOAP values -----------------------------------------------------------------------------------

/** Writes element k (name node) with value v (not an array). */
function writeElem(k: i32, v: i32): i32 {
  outByte(60);
  const off = outLen;
  let st = putName(k, 'element');
  if (st != 0) return st;
  const len = outLen - off;
  const kind = jKind(v);
  if (kind == K_NULL) { outLit(' xsi:nil="true" />'); return 0; }
  if (kind == K_STR) {
    if (jB(v) == jA(v)) { outLit(' />'); return 0; }
    outByte(62);
    st = putText(v, false, strOf(k));
    if (st != 0) return st;
  } else if (kind == K_OBJ) {
    const n = <i32>jA(v);
    if (n == 0) { outLit(' />'); return 0; }
    const ds = mem(v, '$dataset');
    if (ds == -2) return E_DUPLICATE_KEY;
    outByte(62);
    if (ds >= 0) {
      if (n != 1) return fail(E_DATASET_SHAPE, jPos(v), '"$dataset" must be the only key of its value (' + strOf(k) + ')');
      st = writeDataSet(ds);
    } else {
      st = writeMembers(v);
    }
    if (st != 0) { prefixErrDetail(strOf(k) + ' > '); return st; }
  } else {
    return fail(E_WRONG_TYPE, jPos(v), strOf(k) + ': a SOAP value is a string, null, an object or an array (numbers and booleans as text)');
  }
  outLit('</');
  outCopy(off, len);
  outByte(62);
  return 0;
}

/** Writes the members of object v as child elements (arrays as repeated elements). */
function writeMembers(v: i32): i32 {
  const n = <i32>jA(v);
  let j = v + 1;
  for (let m = 0; m < n; m++) {
    const val = j + 1;
    if (jKind(val) == K_ARR) {
      const cnt = <i32>jA(val);
      let it = val + 1;
      for (let x = 0; x < cnt; x++) {
        if (jKind(it) == K_ARR) return fail(E_XML_SHAPE, jPos(it), strOf(j) + ': an array cannot directly contain an array');
        const st = writeElem(j, it);
        if (st != 0) return st;
        it = jNext(it);
      }
    } else {
      const st = writeElem(j, val);
      if (st != 0) return st;
    }
    j = jNext(val);
  }
  return 0;
}

function encodeFault(f: i32, v12: bool): i32 {
  if (jKind(f) != K_OBJ) return fail(E_WRONG_TYPE, jPos(f), 'fault must be an object {code, reason, detail?}');
  const code = mem(f, 'code'), reason = mem(f, 'reason'), detail = mem(f, 'detail');
  if (code == -2 || reason == -2 || detail == -2) return E_DUPLICATE_KEY;
  if (code < 0 || jKind(code) != K_STR) return fail(code < 0 ? E_MISSING_FIELD : E_WRONG_TYPE, jPos(code < 0 ? f : code), 'fault.code');
  if (reason < 0 || jKind(reason) != K_STR) return fail(reason < 0 ? E_MISSING_FIELD : E_WRONG_TYPE, jPos(reason < 0 ? f : reason), 'fault.reason');
  const hasDetail = detail >= 0 && jKind(detail) != K_NULL;
  if (hasDetail && jKind(detail) != K_STR) return fail(E_WRONG_TYPE, jPos(detail), 'fault.detail must be a string');
  // code: a bare name gets the envelope prefix (1.2: Client -> Sender, Server -> Receiver)
  let bare = true;
  for (let q = <usize>jA(code); q < <usize>jB(code); q++) if (at(q) == 58) { bare = false; break; }
  const P = v12 ? 'soap12:' : 'soap:';
  let st = 0;
  if (v12) outLit('<soap12:Fault><soap12:Code><soap12:Value>');
  else outLit('<soap:Fault><faultcode>');
  if (bare) {
    outLit(P);
    if (v12 && jStrEq(code, 'Client')) outLit('Sender');
    else if (v12 && jStrEq(code, 'Server')) outLit('Receiver');
    else st = putText(code, false, 'fault.code');
  } else st = putText(code, false, 'fault.code');
  if (st != 0) return st;
  if (v12) outLit('</soap12:Value></soap12:Code><soap12:Reason><soap12:Text xml:lang="en">');
  else outLit('</faultcode><faultstring>');
  st = putText(reason, false, 'fault.reason');
  if (st != 0) return st;
  if (v12) outLit('</soap12:Text></soap12:Reason>');
  else outLit('</faultstring>');
  if (hasDetail && jB(detail) > jA(detail)) {
    outLit(v12 ? '<soap12:Detail>' : '<detail>');
    st = putText(detail, false, 'fault.detail');
    if (st != 0) return st;
    outLit(v12 ? '</soap12:Detail>' : '</detail>');
  } else outLit(v12 ? '<soap12:Detail />' : '<detail />');
  outLit(v12 ? '</soap12:Fault>' : '</soap:Fault>');
  return 0;
}

function encodeMessage(ptr: usize, len: i32): i32 {
  let st = jsonParse(ptr, len);
  if (st != 0) return st;
  xPrintSetup();
  if (jKind(0) != K_OBJ) return fail(E_WRONG_TYPE, 0, 'a SOAP message must be an object {version, ns, name, value} or {version, fault}');
  const ver = mem(0, 'version'), ns = mem(0, 'ns'), name = mem(0, 'name'), value = mem(0, 'value'), fault = mem(0, 'fault');
  if (ver == -2 || ns == -2 || name == -2 || value == -2 || fault == -2) return E_DUPLICATE_KEY;
  if (ver < 0 || jKind(ver) == K_NULL) return fail(E_MISSING_FIELD, 0, 'version');
  let v12 = false;
  if (jKind(ver) == K_STR && jStrEq(ver, '1.1')) v12 = false;
  else if (jKind(ver) == K_STR && jStrEq(ver, '1.2')) v12 = true;
  else return fail(E_SOAP_VERSION, jPos(ver), 'version must be "1.1" or "1.2"');
  const hasFault = fault >= 0 && jKind(fault) != K_NULL;
  const hasName = name >= 0 && jKind(name) != K_NULL;
  if (hasFault && (hasName || (value >= 0 && jKind(value) != K_NULL))) return fail(E_SOAP_ENVELOPE, jPos(fault), 'give name/value or fault, not both');
  outLit('<?xml version="1.0" encoding="utf-8"?>');
  if (v12) outLit('<soap12:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap12="http://www.w3.org/2003/05/soap-envelope"><soap12:Body>');
  else outLit('<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>');
  if (hasFault) {
    st = encodeFault(fault, v12);
    if (st != 0) return st;
  } else {
    if (!hasName) return fail(E_MISSING_FIELD, 0, 'name');
    if (jKind(name) != K_STR) return fail(E_WRONG_TYPE, jPos(name), 'name must be a string');
    if (ns < 0 || jKind(ns) == K_NULL) return fail(E_MISSING_FIELD, 0, 'ns');
    if (jKind(ns) != K_STR) return fail(E_WRONG_TYPE, jPos(ns), 'ns must be a string');
    const hasValue = value >= 0 && jKind(value) != K_NULL;
    if (hasValue && jKind(value) != K_OBJ) return fail(E_WRONG_TYPE, jPos(value), 'value must be an object of parameters');
    outByte(60);
    const off = outLen;
    st = putName(name, 'method');
    if (st != 0) return st;
    const nl = outLen - off;
    outLit(' xmlns="');
    st = putText(ns, true, 'ns');
    if (st != 0) return st;
    outByte(34);
    if (!hasValue || jA(value) == 0) {
      outLit(' />');
    } else {
      outByte(62);
      st = writeMembers(value);
      if (st != 0) return st;
      outLit('</');
      outCopy(off, nl);
      outByte(62);
    }
  }
  outLit(v12 ? '</soap12:Body></soap12:Envelope>' : '</soap:Body></soap:Envelope>');
  return 0;
}

export function opSoapEncode(ptr: usize, len: i32): i32 {
  return encodeMessage(ptr, len);
}

export function opDatasetEncode(ptr: usize, len: i32): i32 {
  const st = jsonParse(ptr, len);
  if (st != 0) return st;
  xPrintSetup();
  return writeDataSet(0);
}
