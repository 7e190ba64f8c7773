// XML codec as the Yinhai (银海) interfaces use it: op 30 xml_parse (XML bytes -> JSON),
// op 31 xml_print (JSON -> GBK XML), op 32 xml_print_utf8 (JSON -> UTF-8 XML).
//
// ---- JSON mapping (parse and print are inverse on this domain) -------------------------------
//  * The result is {"<root name>": <value of the root element>}.
//  * Value of an element:
//      - no attributes and no child elements -> a string: its character data exactly as written
//        (not trimmed), with entity and character references decoded, CDATA sections included
//        verbatim, comments and processing instructions dropped. `<x></x>` and `<x/>` give "".
//      - otherwise an object whose keys are, in this order:
//          "@name" for each attribute, in document order (value: string);
//          "#text" for the character data, when there is any: for an element without child elements
//            any non-empty text (kept exactly); for an element with child elements only text that is
//            not entirely whitespace (all text pieces concatenated, exactly) -- whitespace-only text
//            between child elements (indentation) is ignored; whitespace = space, TAB, CR, LF,
//            whether written literally, as a character reference or inside CDATA;
//          one key per child element name, in order of first appearance. A name that occurs once
//          gives its value; a name that occurs more than once gives an array of the values in
//          document order (even when other elements come in between); a child named `row`
//          ALWAYS gives an array, even for a single row (Yinhai lists are containers of <row>).
//  * Print accepts the same shape plus: numbers, true and false as text (their JSON literal);
//    null as an empty element (or, for "@name", no attribute); an array value as repeated
//    elements (arrays inside arrays are an error; [] writes nothing); "#text" anywhere among the
//    keys (written where it appears); attributes are collected from all "@" keys first. Output is
//    `<?xml version="1.0" encoding="GBK" standalone="yes"?>` (or "UTF-8") and the document with no
//    indentation, empty elements as `<x></x>` (Yinhai style), & < > escaped in text, & < > " in
//    attributes (written with double quotes); CR is written as &#13; (and TAB/LF in attributes as
//    &#9;/&#10;) so that a conforming parser gets the exact string back; other C0 controls as &#N;.
//    U+0000 cannot be written (XML_SHAPE). Names must be XML names: first character a letter, '_',
//    ':' or non-ASCII, then also digits, '-', '.'; otherwise XML_SHAPE (non-ASCII characters are
//    accepted in names without consulting the XML NameChar tables, on both sides). The top level
//    must be an object with exactly one key, whose value is not an array (XML_SHAPE).
//  * Round trip: parse(print(v)) == v for every v that parse can produce; print(parse(x)) re-parses
//    to the same JSON.
//
// ---- Parsing rules -----------------------------------------------------------------------------
//  * Encoding. A UTF-8 BOM means UTF-8. Otherwise the XML declaration decides (it may be preceded by
//    whitespace): GBK, GB2312, GB18030 (read as GBK: its four-byte forms are errors), CP936, MS936,
//    windows-936, x-gbk, EUC-CN, csGB2312 -> GBK; UTF-8, UTF8, US-ASCII, ASCII -> UTF-8; any other
//    encoding -> XML_SYNTAX. No declaration -> UTF-8 if all the bytes are valid UTF-8, else GBK.
//    Mislabelled files: a document that declares GBK is read as UTF-8 only if
//      (1) it is valid UTF-8 and has at least one multi-byte sequence, and
//      (2) it is NOT valid GBK (some byte is not part of a mapped CP936 character), or it is
//          "clearly UTF-8": every multi-byte character is one that Chinese text is made of (CJK
//          ideographs and punctuation, full-width forms, symbols such as · × ° ± ℃ ①, Greek --
//          the exact set is chineseCp()) and at least two of them are 3- or 4-byte sequences.
//    Everything else that declares GBK is GBK. Why (2) needs the "clearly" test: UTF-8 Chinese is
//    often valid GBK too (张三 = E5BCA0 E4B889 reads as three GBK pairs), and real GBK text is
//    sometimes valid UTF-8 by accident -- the masked name 某某 is C4B3 C4B3 in GBK, which is also
//    the UTF-8 of "ĳĳ" (samples 21_output_admission and 52_* are such files: GBK, not UTF-8). GBK
//    read as UTF-8 by accident gives Latin letters or rare scripts (ĳ, U+AA41), and at most one
//    ideograph per pair of GBK characters, hence "at least two". The rule uses only the bytes.
//  * Markup is tokenized on the raw bytes: GBK trail bytes are >= 0x40 and so never equal to < > & " '
//    = / ? ! - or whitespace; the one place where a trail byte could be mistaken for markup is "]]>"
//    (']' is 0x5D), so the CDATA end search steps over GBK pairs. Text, attribute values and names
//    are decoded straight into the output JSON (GBK -> UTF-8 with JSON escapes).
//  * Not supported: DOCTYPE (XML_SYNTAX). Raw NUL bytes are rejected (XML_SYNTAX), so is a bare '&'
//    (XML_BAD_ENTITY: write &amp;). Attribute values are not whitespace-normalized and line ends are
//    not normalized ("kept exactly"). Empty or whitespace-only input -> EMPTY_INPUT.
//  * Errors carry the byte offset of the input: XML_SYNTAX, XML_UNTERMINATED (element, tag, comment,
//    CDATA or PI still open at the end of input: offset of its '<'), XML_MISMATCHED_TAG (offset of
//    '</', detail with both names), XML_BAD_ENTITY (offset of '&'), XML_SHAPE (nesting deeper than 128
//    elements -- at 128 every parse result is still within the 256 JSON levels that print accepts),
//    GBK_INVALID / UTF8_INVALID. Structure is checked over the whole document before text is
//    decoded, so a structural error wins over an earlier bad GBK byte in text.
import { outPtr, outLen, outEnsure, outByte, outBytes, outLit } from './out';
import {
  fail, E_XML_SYNTAX, E_XML_UNTERMINATED, E_XML_MISMATCH, E_XML_ENTITY, E_XML_SHAPE,
  E_UTF8_INVALID, E_GBK_UNMAPPABLE, E_EMPTY_INPUT,
} from './errors';
import { gbkDecodeInto, decodeCp, utf8Cp, utf8Three, putGbk, cpLen, gbkRev, cpName, gbkInvalidAt, jsonEsc, utf8Put } from './gbk';
import { jsonParse, jKind, jA, jB, jC, jNext, jPos, jInputBase, jHex4, K_NULL, K_FALSE, K_TRUE, K_NUM, K_STR, K_ARR, K_OBJ } from './json';

const MAX_DEPTH: i32 = 128;
const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

// ---- input state -------------------------------------------------------------------------------

let gbk: bool = false;
let base: usize = 0;
let end: usize = 0;
let p: usize = 0;

@inline function at(q: usize): u32 { return <u32>load<u8>(q); }
@inline function off(q: usize): i32 { return <i32>(q - base); }

// byte classes: bit 1 name-start, bit 2 name char, bit 4 whitespace; text classes in CLS_TEXT
const C_NSTART: u8 = 1;
const C_NAME: u8 = 2;
const C_WS: u8 = 4;
const CLS: StaticArray<u8> = new StaticArray<u8>(256);
// text scan: 0 ordinary, 1 whitespace, 2 '<', 3 '&', 4 NUL
const TXT: StaticArray<u8> = new StaticArray<u8>(256);
let clsReady = false;

function initClasses(): void {
  if (clsReady) return;
  for (let c = 0; c < 256; c++) {
    let k: u8 = 0;
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (letter || c == 95 || c == 58 || c >= 0x80) k |= C_NSTART | C_NAME;
    if ((c >= 48 && c <= 57) || c == 45 || c == 46) k |= C_NAME;
    if (c == 32 || c == 9 || c == 10 || c == 13) k |= C_WS;
    unchecked(CLS[c] = k);
    let t: u8 = 0;
    if (c == 32 || c == 9 || c == 10 || c == 13) t = 1;
    else if (c == 60) t = 2;
    else if (c == 38) t = 3;
    else if (c == 0) t = 4;
    unchecked(TXT[c] = t);
  }
  clsReady = true;
}

@inline function cls(c: u32): u32 { return <u32>load<u8>(changetype<usize>(CLS) + <usize>c); }
@inline function txt(c: u32): u32 { return <u32>load<u8>(changetype<usize>(TXT) + <usize>c); }
@inline function isWs(c: u32): bool { return c == 32 || c == 10 || c == 13 || c == 9; }

function skipWs(): bool {
  const s = p, e = end;
  let q = s;
  while (q < e && isWs(at(q))) q++;
  p = q;
  return q > s;
}

/** Matches the ASCII literal at q (bounds-checked). */
function lit(q: usize, s: string): bool {
  const n = <usize>s.length;
  if (q + n > end) return false;
  for (let i: usize = 0; i < n; i++) if (at(q + i) != <u32>s.charCodeAt(<i32>i)) return false;
  return true;
}

// ---- node tape ---------------------------------------------------------------------------------
// One 64-byte record per element (u32 fields; pointers are absolute).

const N_NAME = 0;     // name start
const N_NAMEEND = 4;  // name end (attributes follow)
const N_ATTREND = 8;  // '/' or '>' that ends the start tag
const N_CSTART = 12;  // content start
const N_CEND = 16;    // content end ('<' of the end tag)
const N_OEND = 20;    // after the end tag
const N_FIRST = 24;   // first child (0 = none: the root is node 0 and is nobody's child)
const N_NEXT = 28;    // next sibling
const N_SAME = 32;    // next sibling with the same name
const N_FLAGS = 36;
const N_PARENT = 40;
const N_HASH = 44;    // name hash
const N_HEAD = 48;    // first node of this node's same-name group
const N_TAIL = 52;    // (group heads) last node of the group
const N_NEXTHEAD = 56; // (group heads) next group head among the siblings
const N_LASTHEAD = 60; // (parents) last group head among the children

const F_ATTRS: u32 = 1;     // has attributes
const F_KIDS: u32 = 2;      // has child elements
const F_DUP: u32 = 4;       // not the first of its same-name group
const F_COMPLEX: u32 = 8;   // content has references, CDATA, comments or PIs
const F_TEXT: u32 = 16;     // has character data that is not all whitespace
const F_CHARS: u32 = 32;    // has character data (any)
const F_NAMEX: u32 = 64;    // name has non-ASCII bytes
const F_ROW: u32 = 128;     // name is "row"
const F_TBL: u32 = 256;     // (parents) child groups are looked up in the hash table
const HEADS_SHIFT: u32 = 16; // (parents) flags >> 16 = number of child groups while not F_TBL
const MAX_LINEAR: u32 = 24;  // more child groups than this: switch the parent to the hash table

let nodes: usize = 0;
let nodeCap: i32 = 0;
let nodeCount: i32 = 0;

@inline function nget(n: i32, f: i32): u32 { return load<u32>(nodes + (<usize>n << 6) + <usize>f); }
@inline function nset(n: i32, f: i32, v: u32): void { store<u32>(nodes + (<usize>n << 6) + <usize>f, v); }
@inline function nflag(n: i32, f: u32): void { const a = nodes + (<usize>n << 6) + N_FLAGS; store<u32>(a, load<u32>(a) | f); }

function newNode(): i32 {
  if (nodeCount == nodeCap) {
    const cap = nodeCap == 0 ? 1024 : nodeCap << 1;
    nodes = nodes == 0 ? heap.alloc(<usize>cap << 6) : heap.realloc(nodes, <usize>cap << 6);
    nodeCap = cap;
  }
  const n = nodeCount++;
  memory.fill(nodes + (<usize>n << 6), 0, 64);
  return n;
}

// same-name groups: open-addressing table (parent, name) -> group head (node + 1; 0 = empty)
let tbl: usize = 0;
let tblCap: i32 = 0;
let tblCount: i32 = 0;

@inline function mix(parent: i32, hash: u32): u32 {
  let h = hash ^ (<u32>parent * 0x9E3779B1);
  h ^= h >> 15;
  h *= 0x85EBCA6B;
  h ^= h >> 13;
  return h;
}

function tblReset(): void {
  if (tbl == 0) {
    tblCap = 1024;
    tbl = heap.alloc(<usize>tblCap << 2);
  }
  memory.fill(tbl, 0, <usize>tblCap << 2);
  tblCount = 0;
}

function tblGrow(): void {
  const old = tbl, oldCap = tblCap;
  tblCap = oldCap << 1;
  tbl = heap.alloc(<usize>tblCap << 2);
  memory.fill(tbl, 0, <usize>tblCap << 2);
  const mask = <u32>tblCap - 1;
  for (let i = 0; i < oldCap; i++) {
    const v = load<u32>(old + (<usize>i << 2));
    if (v == 0) continue;
    const n = <i32>v - 1;
    let h = mix(<i32>nget(n, N_PARENT), nget(n, N_HASH)) & mask;
    while (load<u32>(tbl + (<usize>h << 2)) != 0) h = (h + 1) & mask;
    store<u32>(tbl + (<usize>h << 2), v);
  }
  heap.free(old);
}

function sameName(a: i32, b: i32): bool {
  const as = <usize>nget(a, N_NAME), bs = <usize>nget(b, N_NAME);
  const n = <usize>nget(a, N_NAMEEND) - as;
  if (<usize>nget(b, N_NAMEEND) - bs != n) return false;
  for (let i: usize = 0; i < n; i++) if (load<u8>(as + i) != load<u8>(bs + i)) return false;
  return true;
}

/**
 * Links child n after `last` (0 = first child) under `parent` and into its same-name group.
 * `d` is the parent's slot on the parse stack (its 64-bit bloom filter of child names).
 */
function link(parent: i32, last: i32, n: i32, d: i32): void {
  if (last == 0) nset(parent, N_FIRST, <u32>n);
  else nset(last, N_NEXT, <u32>n);
  const hash = nget(n, N_HASH);
  // the common case: the previous sibling has the same name (rows)
  if (last != 0 && nget(last, N_HASH) == hash && sameName(last, n)) {
    join(<i32>nget(last, N_HEAD), n);
    return;
  }
  const pf = nget(parent, N_FLAGS);
  if ((pf & F_TBL) == 0) {
    // few groups so far: search the group heads linearly (they are recent, so in cache), unless
    // the bloom filter says that no earlier sibling has this name (the usual case in a record)
    const bit = <u64>1 << <u64>(hash >> 26);
    const bloom = unchecked(stackBloom[d]);
    unchecked(stackBloom[d] = bloom | bit);
    if (last != 0 && (bloom & bit) != 0) {
      let m = <i32>nget(parent, N_FIRST); // the first child always heads a group
      while (m != 0) {
        if (nget(m, N_HASH) == hash && sameName(m, n)) { join(m, n); return; }
        m = <i32>nget(m, N_NEXTHEAD);
      }
    }
    if (last != 0) nset(<i32>nget(parent, N_LASTHEAD), N_NEXTHEAD, <u32>n);
    nset(parent, N_LASTHEAD, <u32>n);
    nset(n, N_HEAD, <u32>n);
    nset(n, N_TAIL, <u32>n);
    const heads = (pf >> HEADS_SHIFT) + 1;
    if (heads <= MAX_LINEAR) {
      nset(parent, N_FLAGS, (pf & ((1 << HEADS_SHIFT) - 1)) | (heads << HEADS_SHIFT));
      return;
    }
    // many distinct names: move this parent's groups into the hash table
    nset(parent, N_FLAGS, (pf & ((1 << HEADS_SHIFT) - 1)) | F_TBL);
    let m = <i32>nget(parent, N_FIRST);
    while (m != 0) {
      tblInsert(parent, m);
      m = <i32>nget(m, N_NEXTHEAD);
    }
    return;
  }
  const mask = <u32>tblCap - 1;
  let h = mix(parent, hash) & mask;
  while (true) {
    const v = load<u32>(tbl + (<usize>h << 2));
    if (v == 0) break;
    const m = <i32>v - 1;
    if (<i32>nget(m, N_PARENT) == parent && nget(m, N_HASH) == hash && sameName(m, n)) {
      join(m, n);
      return;
    }
    h = (h + 1) & mask;
  }
  nset(n, N_HEAD, <u32>n);
  nset(n, N_TAIL, <u32>n);
  tblInsert(parent, n);
}

/** Appends n to the same-name group headed by `head`. */
function join(head: i32, n: i32): void {
  nset(<i32>nget(head, N_TAIL), N_SAME, <u32>n);
  nset(head, N_TAIL, <u32>n);
  nset(n, N_HEAD, <u32>head);
  nflag(n, F_DUP);
}

function tblInsert(parent: i32, n: i32): void {
  const mask = <u32>tblCap - 1;
  let h = mix(parent, nget(n, N_HASH)) & mask;
  while (load<u32>(tbl + (<usize>h << 2)) != 0) h = (h + 1) & mask;
  store<u32>(tbl + (<usize>h << 2), <u32>n + 1);
  if (++tblCount * 2 > tblCap) tblGrow();
}

// attribute names of the current start tag, for the duplicate check: (start, end, hash) triples
let attrBuf: usize = 0;
let attrCap: i32 = 0;
let attrCount: i32 = 0;

function attrPush(s: usize, e: usize, h: u32): void {
  if (attrCount == attrCap) {
    const cap = attrCap == 0 ? 64 : attrCap << 1;
    attrBuf = attrBuf == 0 ? heap.alloc(<usize>cap * 12) : heap.realloc(attrBuf, <usize>cap * 12);
    attrCap = cap;
  }
  const a = attrBuf + <usize>attrCount * 12;
  store<u32>(a, <u32>s);
  store<u32>(a, <u32>e, 4);
  store<u32>(a, h, 8);
  attrCount++;
}

function attrEq(i: i32, j: i32): bool {
  const a = attrBuf + <usize>i * 12, b = attrBuf + <usize>j * 12;
  if (load<u32>(a, 8) != load<u32>(b, 8)) return false;
  const as = <usize>load<u32>(a), bs = <usize>load<u32>(b);
  const n = <usize>load<u32>(a, 4) - as;
  if (<usize>load<u32>(b, 4) - bs != n) return false;
  for (let k: usize = 0; k < n; k++) if (load<u8>(as + k) != load<u8>(bs + k)) return false;
  return true;
}

/** Fails on a repeated attribute name among the attrCount collected ones. */
function attrDupCheck(): i32 {
  const n = attrCount;
  if (n <= 24) {
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < i; j++) if (attrEq(i, j)) return attrDup(i);
    }
    return 0;
  }
  let cap = 64;
  while (cap < n * 2) cap <<= 1;
  const t = heap.alloc(<usize>cap << 2);
  memory.fill(t, 0, <usize>cap << 2);
  const mask = <u32>cap - 1;
  let st = 0;
  for (let i = 0; i < n && st == 0; i++) {
    let h = mix(0, load<u32>(attrBuf + <usize>i * 12, 8)) & mask;
    while (true) {
      const v = load<u32>(t + (<usize>h << 2));
      if (v == 0) { store<u32>(t + (<usize>h << 2), <u32>i + 1); break; }
      if (attrEq(i, <i32>v - 1)) { st = attrDup(i); break; }
      h = (h + 1) & mask;
    }
  }
  heap.free(t);
  return st;
}

function attrDup(i: i32): i32 {
  const a = attrBuf + <usize>i * 12;
  const s = <usize>load<u32>(a), e = <usize>load<u32>(a, 4);
  return fail(E_XML_SYNTAX, off(s), 'duplicate attribute ' + nameStr(s, e));
}

/** A name as an AS string (for error details). */
function nameStr(s: usize, e: usize): string {
  let r = '';
  let q = s;
  while (q < e) {
    const c = at(q);
    if (c < 0x80) { r += String.fromCharCode(<i32>c); q++; continue; }
    const cp = gbk ? decodeCp(q, e) : utf8Cp(q, e);
    r += cp < 0 ? '\uFFFD' : String.fromCodePoint(cp);
    q += <usize>cpLen;
  }
  return r;
}

// ---- tokenizer ---------------------------------------------------------------------------------

let nameHash: u32 = 0;
let nameX: bool = false;

/** Scans a name at p (first byte already checked to be a name-start byte). Sets nameHash/nameX. */
function scanName(): i32 {
  let h: u32 = 2166136261;
  let x = false;
  let q = p;
  const e = end;
  while (q < e) {
    const c = at(q);
    if (c < 0x80) {
      if ((cls(c) & C_NAME) == 0) break;
      h = (h ^ c) * 16777619;
      q++;
      continue;
    }
    x = true;
    if (gbk) {
      if (decodeCp(q, e) < 0) return gbkInvalidAt(q, e, base);
      h = (h ^ c) * 16777619;
      if (cpLen == 2) h = (h ^ at(q + 1)) * 16777619;
      q += <usize>cpLen; // 1 for 0x80 (euro sign)
    } else {
      h = (h ^ c) * 16777619;
      q++;
    }
  }
  p = q;
  nameHash = h;
  nameX = x;
  return 0;
}

let entCp: i32 = 0;

/** Parses an entity or character reference at p ('&'); sets entCp and moves p past ';'. */
function entity(): i32 {
  const amp = p;
  p++;
  if (p >= end) return fail(E_XML_ENTITY, off(amp), "'&' at the end of input");
  if (at(p) == 35) { // '#'
    p++;
    let hex = false;
    if (p < end && at(p) == 120) { hex = true; p++; }
    let v: u32 = 0;
    let digits = 0;
    while (p < end) {
      const c = at(p);
      let d: u32 = 0;
      if (c - 48 < 10) d = c - 48;
      else if (hex && (c | 32) - 97 < 6) d = (c | 32) - 87;
      else break;
      if (v <= 0x10FFFF) v = v * (hex ? 16 : 10) + d;
      digits++;
      p++;
    }
    if (digits == 0 || p >= end || at(p) != 59) return fail(E_XML_ENTITY, off(amp), 'malformed character reference');
    p++;
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
      return fail(E_XML_ENTITY, off(amp), 'character reference to an invalid code point');
    }
    entCp = <i32>v;
    return 0;
  }
  const s = p;
  while (p < end && p - s < 8) {
    const c = at(p) | 32;
    if (c - 97 >= 26) break;
    p++;
  }
  const e = p;
  if (p >= end || at(p) != 59) {
    return fail(E_XML_ENTITY, off(amp), e > s ? "entity reference '&" + nameStr(s, e) + "' without ';'" : "'&' must be written as &amp;");
  }
  p++;
  const n = e - s;
  if (n == 2 && at(s + 1) == 116 && at(s) == 108) entCp = 60;        // lt
  else if (n == 2 && at(s + 1) == 116 && at(s) == 103) entCp = 62;   // gt
  else if (n == 3 && lit(s, 'amp')) entCp = 38;
  else if (n == 4 && lit(s, 'quot')) entCp = 34;
  else if (n == 4 && lit(s, 'apos')) entCp = 39;
  else return fail(E_XML_ENTITY, off(amp), "unknown entity '&" + nameStr(s, e) + ";'");
  return 0;
}

/** Skips a comment at p ('<!--'). */
function skipComment(): i32 {
  const lt = p;
  let q = p + 4;
  while (q + 2 < end) {
    if (at(q) == 45 && at(q + 1) == 45 && at(q + 2) == 62) { p = q + 3; return 0; }
    q++;
  }
  return fail(E_XML_UNTERMINATED, off(lt), 'comment is not closed');
}

/** Skips a processing instruction at p ('<?'). */
function skipPI(): i32 {
  const lt = p;
  let q = p + 2;
  while (q + 1 < end) {
    if (at(q) == 63 && at(q + 1) == 62) { p = q + 2; return 0; }
    q++;
  }
  return fail(E_XML_UNTERMINATED, off(lt), 'processing instruction is not closed');
}

let cdEnd: usize = 0; // position of "]]>" found by findCdataEnd

/** Finds "]]>" from q; steps over GBK pairs (a trail byte may be ']'). Returns false if absent. */
function findCdataEnd(q: usize): bool {
  while (q + 2 < end) {
    const c = at(q);
    if (c == 93 && at(q + 1) == 93 && at(q + 2) == 62) { cdEnd = q; return true; }
    q += gbk && c >= 0x81 ? 2 : 1;
  }
  return false;
}

// parse stack
const stackNode = new StaticArray<i32>(MAX_DEPTH + 2);
const stackLast = new StaticArray<i32>(MAX_DEPTH + 2);
const stackBloom = new StaticArray<u64>(MAX_DEPTH + 2);
let depth: i32 = 0;
let selfClosed = false;
let lastNode: i32 = 0;

/** Parses a start tag at p ('<' + name-start byte) as a child of the open element at depth-1. */
function openTag(): i32 {
  if (depth >= MAX_DEPTH) return fail(E_XML_SHAPE, off(p), 'elements nested more than 128 levels deep');
  const lt = p;
  p++;
  const ns = p;
  let st = scanName();
  if (st != 0) return st;
  const n = newNode();
  lastNode = n;
  nset(n, N_NAME, <u32>ns);
  nset(n, N_NAMEEND, <u32>p);
  nset(n, N_HASH, nameHash);
  let flags: u32 = nameX ? F_NAMEX : 0;
  if (p - ns == 3 && at(ns) == 114 && at(ns + 1) == 111 && at(ns + 2) == 119) flags |= F_ROW;
  if (depth > 0) {
    const parent = unchecked(stackNode[depth - 1]);
    nset(n, N_PARENT, <u32>parent);
    link(parent, unchecked(stackLast[depth - 1]), n, depth - 1);
    unchecked(stackLast[depth - 1] = n);
  }
  attrCount = 0;
  while (true) {
    const ws = skipWs();
    if (p >= end) return fail(E_XML_UNTERMINATED, off(lt), 'start tag <' + nameStr(ns, <usize>nget(n, N_NAMEEND)) + ' is not closed');
    const c = at(p);
    if (c == 62) { // '>'
      nset(n, N_ATTREND, <u32>p);
      p++;
      nset(n, N_CSTART, <u32>p);
      selfClosed = false;
      break;
    }
    if (c == 47) { // '/'
      if (p + 1 >= end) return fail(E_XML_UNTERMINATED, off(lt), 'start tag <' + nameStr(ns, <usize>nget(n, N_NAMEEND)) + ' is not closed');
      if (at(p + 1) != 62) return fail(E_XML_SYNTAX, off(p + 1), "expected '>' after '/'");
      nset(n, N_ATTREND, <u32>p);
      nset(n, N_CSTART, <u32>p);
      nset(n, N_CEND, <u32>p);
      p += 2;
      nset(n, N_OEND, <u32>p);
      selfClosed = true;
      break;
    }
    if (c >= 0x80 ? false : (cls(c) & C_NSTART) == 0) return fail(E_XML_SYNTAX, off(p), 'unexpected character in start tag');
    if (!ws) return fail(E_XML_SYNTAX, off(p), 'whitespace expected before an attribute');
    const as = p;
    st = scanName();
    if (st != 0) return st;
    attrPush(as, p, nameHash);
    skipWs();
    if (p >= end) return fail(E_XML_UNTERMINATED, off(lt), 'start tag is not closed');
    if (at(p) != 61) return fail(E_XML_SYNTAX, off(p), "expected '=' after the attribute name");
    p++;
    skipWs();
    if (p >= end) return fail(E_XML_UNTERMINATED, off(lt), 'start tag is not closed');
    const q = at(p);
    if (q != 34 && q != 39) return fail(E_XML_SYNTAX, off(p), 'attribute value must be quoted');
    p++;
    while (true) {
      if (p >= end) return fail(E_XML_UNTERMINATED, off(lt), 'attribute value is not closed');
      const v = at(p);
      if (v == q) break;
      if (v == 38) {
        st = entity();
        if (st != 0) return st;
        continue;
      }
      if (v == 60) return fail(E_XML_SYNTAX, off(p), "'<' in an attribute value");
      if (v == 0) return fail(E_XML_SYNTAX, off(p), 'NUL character');
      p++;
    }
    p++;
  }
  if (attrCount > 0) {
    flags |= F_ATTRS;
    if (attrCount > 1) {
      st = attrDupCheck();
      if (st != 0) return st;
    }
  }
  nflag(n, flags); // link() may have set F_DUP already
  return 0;
}

/** Parses the document structure into the node tape. p is after the BOM/declaration. */
function parseDoc(): i32 {
  nodeCount = 0;
  depth = 0;
  tblReset();
  // prolog
  let st = misc(true);
  if (st != 0) return st;
  if (p >= end) return fail(E_XML_SYNTAX, off(p), 'no root element');
  st = openTag();
  if (st != 0) return st;
  if (!selfClosed) {
    unchecked(stackNode[0] = lastNode);
    unchecked(stackLast[0] = 0);
    unchecked(stackBloom[0] = 0);
    depth = 1;
    st = content();
    if (st != 0) return st;
  }
  st = misc(false);
  if (st != 0) return st;
  if (p < end) return fail(E_XML_SYNTAX, off(p), 'more than one root element');
  return 0;
}

/** Skips whitespace, comments and PIs outside the root; stops at an element start tag or the end. */
function misc(before: bool): i32 {
  while (true) {
    skipWs();
    if (p >= end) return 0;
    const c = at(p);
    if (c != 60) {
      if (c == 0) return fail(E_XML_SYNTAX, off(p), 'NUL character');
      return fail(E_XML_SYNTAX, off(p), before ? 'text before the root element' : 'text after the root element');
    }
    if (p + 1 >= end) return fail(E_XML_UNTERMINATED, off(p), "'<' at the end of input");
    const c1 = at(p + 1);
    let st = 0;
    if (c1 == 63) st = skipPI();
    else if (c1 == 33) {
      if (lit(p, '<!--')) st = skipComment();
      else if (lit(p, '<!DOCTYPE')) return fail(E_XML_SYNTAX, off(p), 'DOCTYPE is not supported');
      else return fail(E_XML_SYNTAX, off(p), 'invalid markup');
    } else if (c1 == 47) {
      return fail(E_XML_SYNTAX, off(p), before ? 'end tag without a start tag' : 'end tag after the root element');
    } else {
      if (c1 >= 0x80 ? false : (cls(c1) & C_NSTART) == 0) return fail(E_XML_SYNTAX, off(p + 1), 'invalid element name');
      return 0;
    }
    if (st != 0) return st;
  }
}

/** Parses element content until the root element is closed. */
function content(): i32 {
  while (true) {
    const cur = unchecked(stackNode[depth - 1]);
    // character data
    let f: u32 = 0;
    let q = p; // locals, not globals, in the hot loops
    const e = end;
    while (q < e) {
      const k = txt(at(q));
      if (k == 0) {
        q++;
        while (q < e && txt(at(q)) == 0) q++;
        f |= F_TEXT | F_CHARS;
        continue;
      }
      if (k == 1) { q++; f |= F_CHARS; continue; }
      if (k == 3) {
        p = q;
        const st = entity();
        if (st != 0) return st;
        q = p;
        f |= F_COMPLEX | F_CHARS;
        if (!isWs(<u32>entCp)) f |= F_TEXT;
        continue;
      }
      if (k == 4) return fail(E_XML_SYNTAX, off(q), 'NUL character');
      break; // '<'
    }
    p = q;
    if (f != 0) nflag(cur, f);
    if (p >= end) return unclosed(cur);
    if (p + 1 >= end) return fail(E_XML_UNTERMINATED, off(p), "'<' at the end of input");
    const c1 = at(p + 1);
    if (c1 == 47) { // '</'
      const st = closeTag(cur);
      if (st != 0) return st;
      depth--;
      if (depth == 0) return 0;
      continue;
    }
    if (c1 == 33) { // '<!'
      if (lit(p, '<!--')) {
        const st = skipComment();
        if (st != 0) return st;
        nflag(cur, F_COMPLEX);
        continue;
      }
      if (lit(p, '<![CDATA[')) {
        const lt = p;
        if (!findCdataEnd(p + 9)) return fail(E_XML_UNTERMINATED, off(lt), 'CDATA section is not closed');
        let g: u32 = F_COMPLEX;
        for (let q = p + 9; q < cdEnd; q++) {
          const c = at(q);
          if (c == 0) return fail(E_XML_SYNTAX, off(q), 'NUL character');
          g |= isWs(c) ? F_CHARS : F_CHARS | F_TEXT;
        }
        nflag(cur, g);
        p = cdEnd + 3;
        continue;
      }
      if (lit(p, '<!DOCTYPE')) return fail(E_XML_SYNTAX, off(p), 'DOCTYPE is not supported');
      return fail(E_XML_SYNTAX, off(p), 'invalid markup');
    }
    if (c1 == 63) { // '<?'
      const st = skipPI();
      if (st != 0) return st;
      nflag(cur, F_COMPLEX);
      continue;
    }
    if (c1 >= 0x80 ? false : (cls(c1) & C_NSTART) == 0) return fail(E_XML_SYNTAX, off(p + 1), 'invalid element name');
    nflag(cur, F_KIDS);
    const st = openTag();
    if (st != 0) return st;
    if (!selfClosed) {
      unchecked(stackNode[depth] = lastNode);
      unchecked(stackLast[depth] = 0);
      unchecked(stackBloom[depth] = 0);
      depth++;
    }
  }
  return 0;
}

function unclosed(n: i32): i32 {
  const s = <usize>nget(n, N_NAME);
  return fail(E_XML_UNTERMINATED, off(s - 1), '<' + nameStr(s, <usize>nget(n, N_NAMEEND)) + '> is not closed');
}

/** Parses an end tag at p ('</') that must close element cur. */
function closeTag(cur: i32): i32 {
  const lt = p;
  p += 2;
  const ns = p;
  const s = <usize>nget(cur, N_NAME), e = <usize>nget(cur, N_NAMEEND);
  const n = e - s;
  // fast path: the expected name, then a byte that cannot continue a name
  let same = ns + n < end;
  if (same) {
    for (let i: usize = 0; i < n; i++) {
      if (load<u8>(s + i) != load<u8>(ns + i)) { same = false; break; }
    }
    if (same) {
      const c = at(ns + n);
      same = c < 0x80 && (cls(c) & C_NAME) == 0;
    }
  }
  if (same) {
    p = ns + n;
  } else {
    if (p >= end) return fail(E_XML_UNTERMINATED, off(lt), 'end tag is not closed');
    const c = at(p);
    if (c < 0x80 && (cls(c) & C_NSTART) == 0) return fail(E_XML_SYNTAX, off(p), 'invalid name in end tag');
    const st = scanName();
    if (st != 0) return st;
    const ne = p;
    let eq = ne - ns == n;
    for (let i: usize = 0; eq && i < n; i++) if (load<u8>(s + i) != load<u8>(ns + i)) eq = false;
    if (!eq) return fail(E_XML_MISMATCH, off(lt), 'expected </' + nameStr(s, e) + '> but found </' + nameStr(ns, ne) + '>');
  }
  skipWs();
  if (p >= end) return fail(E_XML_UNTERMINATED, off(lt), 'end tag </' + nameStr(s, e) + ' is not closed');
  if (at(p) != 62) return fail(E_XML_SYNTAX, off(p), "expected '>' in the end tag");
  p++;
  nset(cur, N_CEND, <u32>lt);
  nset(cur, N_OEND, <u32>p);
  return 0;
}

// ---- encoding detection ------------------------------------------------------------------------

let badUtf8: usize = 0;   // first invalid UTF-8 byte found by utf8Scan
const U_MULTI = 1;        // has multi-byte sequences
const U_OTHER = 2;        // has a multi-byte character outside the Chinese-text set (see chineseCp)
const U_CJK_SHIFT = 2;    // (flags >> U_CJK_SHIFT) = number of 3/4-byte characters in the set (capped)

/**
 * The characters that UTF-8 Chinese documents are made of, beyond ASCII: Latin-1 symbols, ×, ÷,
 * Greek, general punctuation, letterlike symbols (℃ №), number forms (Ⅻ), arrows, math (≤ ≥),
 * enclosed numbers (①), box drawing and shapes, CJK punctuation, kana, bopomofo, enclosed CJK and
 * units (㎡ ㎎), CJK unified ideographs, compatibility ideographs and forms, full-width forms, and the
 * supplementary ideographs (rare name characters). Not CJK extension A.
 */
function chineseCp(cp: i32): bool {
  if (cp < 0x800) return (cp >= 0xA0 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x391 && cp <= 0x3C9);
  if (cp < 0x2000) return false;
  if (cp <= 0x22FF) return true;
  if (cp >= 0x2460 && cp <= 0x26FF) return true;
  if (cp >= 0x3000 && cp <= 0x312F) return true;
  if (cp >= 0x3200 && cp <= 0x33FF) return true;
  if (cp >= 0x4E00 && cp <= 0x9FFF) return true;
  if (cp >= 0xF900 && cp <= 0xFAFF) return true;
  if (cp >= 0xFE10 && cp <= 0xFE4F) return true;
  if (cp >= 0xFF00 && cp <= 0xFFEF) return true;
  return cp >= 0x20000 && cp <= 0x3FFFF;
}

/** Scans [s, e) as UTF-8: -1 if invalid (badUtf8 = offending byte), else U_* flags and CJK count. */
function utf8Scan(s: usize, e: usize): i32 {
  let q = s;
  let f = 0;
  let cjk = 0;
  while (q < e) {
    while (q + 8 <= e && (load<u64>(q) & HIGHS) == 0) q += 8;
    if (q >= e) break;
    const c = at(q);
    if (c < 0x80) { q++; continue; }
    const cp = utf8Cp(q, e);
    if (cp < 0) { badUtf8 = q; return -1; }
    f |= U_MULTI;
    if (!chineseCp(cp)) f |= U_OTHER;
    else if (cpLen > 2 && cjk < 1000) cjk++;
    q += <usize>cpLen;
  }
  return f | (cjk << U_CJK_SHIFT);
}

/** True if [s, e) is valid GBK (every non-ASCII character is a mapped CP936 character). */
function gbkValid(s: usize, e: usize): bool {
  let q = s;
  while (q < e) {
    while (q + 8 <= e && (load<u64>(q) & HIGHS) == 0) q += 8;
    if (q >= e) break;
    if (at(q) < 0x80) { q++; continue; }
    if (decodeCp(q, e) < 0) return false;
    q += <usize>cpLen;
  }
  return true;
}

const ENC_NONE = 0;
const ENC_GBK = 1;
const ENC_UTF8 = 2;

/** Lower-cased ASCII compare of [s, e) with a lower-case literal. */
function ieq(s: usize, e: usize, w: string): bool {
  if (<i32>(e - s) != w.length) return false;
  for (let i = 0; i < w.length; i++) {
    let c = at(s + <usize>i);
    if (c - 65 < 26) c |= 32;
    if (c != <u32>w.charCodeAt(i)) return false;
  }
  return true;
}

/** Parses the XML declaration at p ('<?xml' + whitespace); returns ENC_* or a negative status. */
function declaration(): i32 {
  const lt = p;
  p += 5;
  let enc = ENC_NONE;
  while (true) {
    const ws = skipWs();
    if (p + 1 >= end) return -fail(E_XML_UNTERMINATED, off(lt), 'XML declaration is not closed');
    if (at(p) == 63 && at(p + 1) == 62) { p += 2; return enc; }
    if (!ws) return -fail(E_XML_SYNTAX, off(p), 'malformed XML declaration');
    const ns = p;
    while (p < end && at(p) - 97 < 26) p++;
    const ne = p;
    skipWs();
    if (p >= end || at(p) != 61 || ne == ns) return -fail(E_XML_SYNTAX, off(p), 'malformed XML declaration');
    p++;
    skipWs();
    if (p >= end) return -fail(E_XML_UNTERMINATED, off(lt), 'XML declaration is not closed');
    const q = at(p);
    if (q != 34 && q != 39) return -fail(E_XML_SYNTAX, off(p), 'malformed XML declaration');
    p++;
    const vs = p;
    while (p < end && at(p) != q) {
      if (at(p) == 60 || at(p) == 62) return -fail(E_XML_SYNTAX, off(p), 'malformed XML declaration');
      p++;
    }
    if (p >= end) return -fail(E_XML_UNTERMINATED, off(lt), 'XML declaration is not closed');
    const ve = p;
    p++;
    if (ieq(ns, ne, 'encoding')) {
      if (ieq(vs, ve, 'gbk') || ieq(vs, ve, 'gb2312') || ieq(vs, ve, 'gb18030') || ieq(vs, ve, 'cp936') ||
          ieq(vs, ve, 'ms936') || ieq(vs, ve, 'windows-936') || ieq(vs, ve, 'x-gbk') || ieq(vs, ve, 'euc-cn') ||
          ieq(vs, ve, 'csgb2312')) enc = ENC_GBK;
      else if (ieq(vs, ve, 'utf-8') || ieq(vs, ve, 'utf8') || ieq(vs, ve, 'us-ascii') || ieq(vs, ve, 'ascii')) enc = ENC_UTF8;
      else return -fail(E_XML_SYNTAX, off(vs), 'unsupported encoding "' + nameStr(vs, ve) + '"');
    }
  }
  return enc;
}

/** Chooses the encoding (sets gbk) and leaves p after the BOM and declaration. */
function detect(): i32 {
  p = base;
  let bom = false;
  if (end - base >= 3 && at(base) == 0xEF && at(base + 1) == 0xBB && at(base + 2) == 0xBF) {
    bom = true;
    p += 3;
  }
  const start = p;
  skipWs();
  let enc = ENC_NONE;
  if (lit(p, '<?xml') && p + 5 < end && isWs(at(p + 5))) {
    enc = declaration();
    if (enc < 0) return -enc;
  } else {
    p = start;
  }
  if (bom || enc == ENC_UTF8) {
    if (utf8Scan(start, end) < 0) return fail(E_UTF8_INVALID, off(badUtf8), 'invalid UTF-8 sequence');
    gbk = false;
    return 0;
  }
  const u = utf8Scan(start, end);
  if (enc == ENC_NONE) {
    gbk = u < 0;
    return 0;
  }
  // declared GBK: see the rule at the top of this file
  gbk = true;
  if (u < 0 || (u & U_MULTI) == 0) return 0;
  if (!gbkValid(start, end) || ((u & U_OTHER) == 0 && (u >> U_CJK_SHIFT) >= 2)) gbk = false;
  return 0;
}

// ---- JSON output ---------------------------------------------------------------------------------

/** Appends bytes [s, e) of the document as JSON string content (decoded when GBK). */
function emitRange(s: usize, e: usize): i32 {
  if (gbk) return gbkDecodeInto(s, e, base, true);
  utf8JsonCopy(s, e);
  return 0;
}

/** Appends valid UTF-8 bytes [s, e) JSON-escaped (no quotes). */
function utf8JsonCopy(s: usize, e: usize): void {
  let q = s;
  while (q < e) {
    let lim = q + 4096;
    if (lim > e) lim = e;
    outEnsure(<i32>(lim - q) * 6 + 16);
    let o = outPtr + <usize>outLen;
    while (q < lim) {
      while (q + 8 <= lim) {
        const w = load<u64>(q);
        const lt = (w - ONES * 0x20) & ~w;
        const x = w ^ (ONES * 0x22);
        const b = w ^ (ONES * 0x5C);
        if (((lt | ((x - ONES) & ~x) | ((b - ONES) & ~b)) & HIGHS) != 0) break;
        store<u64>(o, w);
        q += 8;
        o += 8;
      }
      if (q >= lim) break;
      const c = at(q);
      if (c < 0x20 || c == 34 || c == 92) o = jsonEsc(o, c);
      else { store<u8>(o, <u8>c); o++; }
      q++;
    }
    outLen = <i32>(o - outPtr);
  }
}

/** Appends code point cp (from a reference) as JSON string content. */
function emitCp(cp: i32): void {
  outEnsure(8);
  let o = outPtr + <usize>outLen;
  const c = <u32>cp;
  if (c < 0x80) {
    if (c < 0x20 || c == 34 || c == 92) o = jsonEsc(o, c);
    else { store<u8>(o, <u8>c); o++; }
  } else o = utf8Put(o, c);
  outLen = <i32>(o - outPtr);
}

/** Appends the character data of [s, e) (already validated): references, CDATA; skips comments/PIs. */
function emitText(s: usize, e: usize): i32 {
  let q = s;
  let run = s;
  while (q < e) {
    const c = at(q);
    if (c == 38) {
      let st = emitRange(run, q);
      if (st != 0) return st;
      p = q;
      entity(); // validated by the parse pass
      emitCp(entCp);
      q = p;
      run = q;
      continue;
    }
    if (c == 60) {
      let st = emitRange(run, q);
      if (st != 0) return st;
      const c1 = at(q + 1);
      if (c1 == 33 && at(q + 2) == 45) { // comment
        q += 4;
        while (!(at(q) == 45 && at(q + 1) == 45 && at(q + 2) == 62)) q++;
        q += 3;
      } else if (c1 == 33) { // CDATA
        findCdataEnd(q + 9);
        st = emitRange(q + 9, cdEnd);
        if (st != 0) return st;
        q = cdEnd + 3;
      } else { // PI
        q += 2;
        while (!(at(q) == 63 && at(q + 1) == 62)) q++;
        q += 2;
      }
      run = q;
      continue;
    }
    q++;
  }
  return emitRange(run, e);
}

function emitName(n: i32): i32 {
  const s = <usize>nget(n, N_NAME), e = <usize>nget(n, N_NAMEEND);
  if ((nget(n, N_FLAGS) & F_NAMEX) == 0) {
    const len = <i32>(e - s);
    outEnsure(len + 3);
    const o = outPtr + <usize>outLen;
    store<u8>(o, 34);
    memory.copy(o + 1, s, <usize>len);
    store<u16>(o + 1 + <usize>len, 0x3A22); // '":'
    outLen += len + 3;
    return 0;
  }
  outByte(34);
  {
    const st = emitRange(s, e);
    if (st != 0) return st;
  }
  outByte(34);
  outByte(58);
  return 0;
}

/** Appends "@name":"value" pairs for the attributes of n. */
function emitAttrs(n: i32): i32 {
  let q = <usize>nget(n, N_NAMEEND);
  const e = <usize>nget(n, N_ATTREND);
  let first = true;
  while (true) {
    while (q < e && isWs(at(q))) q++;
    if (q >= e) break;
    const ns = q;
    while (at(q) != 61 && !isWs(at(q))) q++;
    const ne = q;
    while (at(q) != 34 && at(q) != 39) q++;
    const qc = at(q);
    const vs = q + 1;
    q = vs;
    while (at(q) != qc) q++;
    const ve = q;
    q++;
    if (!first) outByte(44);
    first = false;
    outByte(34);
    outByte(64);
    let st = emitRange(ns, ne);
    if (st != 0) return st;
    outByte(34);
    outByte(58);
    outByte(34);
    st = emitText(vs, ve);
    if (st != 0) return st;
    outByte(34);
  }
  return 0;
}

function emitValue(n: i32): i32 {
  const f = nget(n, N_FLAGS);
  let st = 0;
  if ((f & (F_ATTRS | F_KIDS)) == 0) {
    outByte(34);
    const s = <usize>nget(n, N_CSTART), e = <usize>nget(n, N_CEND);
    st = (f & F_COMPLEX) != 0 ? emitText(s, e) : emitRange(s, e);
    if (st != 0) return st;
    outByte(34);
    return 0;
  }
  outByte(123);
  let first = true;
  if ((f & F_ATTRS) != 0) {
    st = emitAttrs(n);
    if (st != 0) return st;
    first = false;
  }
  if ((f & F_KIDS) == 0) {
    if ((f & F_CHARS) != 0) {
      if (!first) outByte(44);
      outLit('"#text":"');
      const s = <usize>nget(n, N_CSTART), e = <usize>nget(n, N_CEND);
      st = (f & F_COMPLEX) != 0 ? emitText(s, e) : emitRange(s, e);
      if (st != 0) return st;
      outByte(34);
    }
    outByte(125);
    return 0;
  }
  if ((f & F_TEXT) != 0) {
    // mixed content: the text pieces between the children, concatenated
    if (!first) outByte(44);
    first = false;
    outLit('"#text":"');
    let s = <usize>nget(n, N_CSTART);
    let c = <i32>nget(n, N_FIRST);
    while (c != 0) {
      st = emitText(s, <usize>nget(c, N_NAME) - 1);
      if (st != 0) return st;
      s = <usize>nget(c, N_OEND);
      c = <i32>nget(c, N_NEXT);
    }
    st = emitText(s, <usize>nget(n, N_CEND));
    if (st != 0) return st;
    outByte(34);
  }
  let c = <i32>nget(n, N_FIRST);
  while (c != 0) {
    const cf = nget(c, N_FLAGS);
    if ((cf & F_DUP) == 0) {
      if (!first) outByte(44);
      first = false;
      st = emitName(c);
      if (st != 0) return st;
      st = emitGroup(c, (cf & F_ROW) != 0, emitValue);
      if (st != 0) return st;
    }
    c = <i32>nget(c, N_NEXT);
  }
  outByte(125);
  return 0;
}

/** Appends the value of element c (written by emit) or, when c has same-name siblings or asArray, the
 *  array of the values of c and its siblings. */
function emitGroup(c: i32, asArray: bool, emit: (n: i32) => i32): i32 {
  let m = <i32>nget(c, N_SAME);
  if (m == 0 && !asArray) return emit(c);
  outByte(91);
  let st = emit(c);
  if (st != 0) return st;
  while (m != 0) {
    outByte(44);
    st = emit(m);
    if (st != 0) return st;
    m = <i32>nget(m, N_SAME);
  }
  outByte(93);
  return 0;
}

function releaseParse(): void {
  if (nodeCap > 65536) { heap.free(nodes); nodes = 0; nodeCap = 0; }
  if (tblCap > 65536) { heap.free(tbl); tbl = 0; tblCap = 0; }
  if (attrCap > 4096) { heap.free(attrBuf); attrBuf = 0; attrCap = 0; }
  nodeCount = 0;
}

export function opXmlParse(ptr: usize, len: i32): i32 {
  initClasses();
  base = ptr;
  end = ptr + <usize>len;
  p = ptr;
  let ws = true;
  for (let q = ptr; q < end; q++) if (!isWs(at(q))) { ws = false; break; }
  if (ws) return fail(E_EMPTY_INPUT, 0, 'no XML document');
  let st = detect();
  if (st == 0) st = parseDoc();
  if (st == 0) {
    outByte(123);
    st = emitName(0);
    if (st == 0) st = emitValue(0);
    if (st == 0) outByte(125);
  }
  releaseParse();
  return st;
}

// ---- printing ------------------------------------------------------------------------------------

let toUtf8 = false;
let jbase: usize = 0;
let rev: usize = 0;

// key bytes: either straight from the JSON input or unescaped into a scratch buffer
let kS: usize = 0;
let kE: usize = 0;
let kPos: i32 = 0;
let scratch: usize = 0;
let scratchCap: i32 = 0;

/** Sets kS/kE to the UTF-8 bytes of string node i (unescaping into scratch when needed). */
function keyBytes(i: i32): i32 {
  const s = <usize>jA(i), e = <usize>jB(i);
  kPos = jPos(i);
  if (jC(i) == 0) { kS = s; kE = e; return 0; }
  const need = <i32>(e - s) + 8;
  if (need > scratchCap) {
    if (scratch != 0) heap.free(scratch);
    scratchCap = need < 256 ? 256 : need;
    scratch = heap.alloc(<usize>scratchCap);
  }
  let o = scratch;
  let q = s;
  while (q < e) {
    const c = at(q);
    if (c != 92) { store<u8>(o++, <u8>c); q++; continue; }
    const cp = jsonEscCp(q, e);
    q += <usize>escLen;
    if (cp < 0 || cp == 0) return fail(E_XML_SHAPE, kPos, 'invalid character in a name');
    o = utf8Put(o, <u32>cp);
  }
  kS = scratch;
  kE = o;
  return 0;
}

let escLen: i32 = 0;

/**
 * Decodes the JSON escape at q ('\\', validated by the JSON reader): returns the code point (a
 * surrogate pair is combined; a lone surrogate is returned as is, negated) and sets escLen.
 */
function jsonEscCp(q: usize, e: usize): i32 {
  const x = at(q + 1);
  escLen = 2;
  if (x == 110) return 10;
  if (x == 116) return 9;
  if (x == 114) return 13;
  if (x == 98) return 8;
  if (x == 102) return 12;
  if (x != 117) return <i32>x;
  const hi = <i32>jHex4(q + 2);
  escLen = 6;
  if (hi >= 0xD800 && hi < 0xDC00 && q + 12 <= e && at(q + 6) == 92 && at(q + 7) == 117) {
    const lo = <i32>jHex4(q + 8);
    if (lo >= 0xDC00 && lo < 0xE000) {
      escLen = 12;
      return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
    }
  }
  if (hi >= 0xD800 && hi < 0xE000) return -hi;
  return hi;
}

/** UTF-8 bytes [s, e) as an AS string (for details). */
function jsonName(s: usize, e: usize): string {
  return String.UTF8.decodeUnsafe(s, e - s);
}

/** Validates kS[from..kE) as an XML name and appends it in the output encoding. */
function putName(from: usize, what: string): i32 {
  const s = kS + from, e = kE;
  if (s >= e) return fail(E_XML_SHAPE, kPos, 'empty ' + what + ' name');
  const c0 = at(s);
  if (c0 < 0x80 && (cls(c0) & C_NSTART) == 0) return badName(s, e, what);
  outEnsure(<i32>(e - s) + 8); // GBK is never longer than UTF-8
  let o = outPtr + <usize>outLen;
  let q = s;
  while (q < e) {
    const c = at(q);
    if (c < 0x80) {
      if ((cls(c) & C_NAME) == 0) return badName(s, e, what);
      store<u8>(o, <u8>c);
      o++;
      q++;
      continue;
    }
    const cp = utf8Cp(q, e);
    const n = <usize>cpLen;
    if (cp < 0) return badName(s, e, what);
    if (toUtf8) {
      memory.copy(o, q, n);
      o += n;
    } else {
      const g = cp <= 0xFFFF ? <u32>load<u16>(rev + (<usize>cp << 1)) : 0;
      if (g == 0) return fail(E_GBK_UNMAPPABLE, kPos, cpName(cp) + ' in ' + what + ' name "' + jsonName(s, e) + '"');
      o = putGbk(o, g);
    }
    q += n;
  }
  outLen = <i32>(o - outPtr);
  return 0;
}

function badName(s: usize, e: usize, what: string): i32 {
  return fail(E_XML_SHAPE, kPos, 'invalid ' + what + ' name "' + jsonName(s, e) + '"');
}

/** True if the 8 bytes are plain ASCII text that needs no XML escape (no < 0x20, & < > "). */
@inline function plainXml8(w: u64): bool {
  const lt = (w - ONES * 0x20) & ~w;
  const a = w ^ (ONES * 0x26);
  const l = w ^ (ONES * 0x3C);
  const g = w ^ (ONES * 0x3E);
  const q = w ^ (ONES * 0x22);
  return ((w | lt | ((a - ONES) & ~a) | ((l - ONES) & ~l) | ((g - ONES) & ~g) | ((q - ONES) & ~q)) & HIGHS) == 0;
}

/** Writes the XML escape (or the character itself) for ASCII c at o; returns the new o, or 0 for NUL. */
@inline function xmlAscii(o: usize, c: u32, attr: bool): usize {
  if (c >= 0x20) {
    if (c == 38) { store<u32>(o, 0x706D6126); store<u8>(o, 59, 4); return o + 5; }  // &amp;
    if (c == 60) { store<u32>(o, 0x3B746C26); return o + 4; }                       // &lt;
    if (c == 62) { store<u32>(o, 0x3B746726); return o + 4; }                       // &gt;
    if (c == 34 && attr) { store<u32>(o, 0x6F757126); store<u16>(o, 0x3B74, 4); return o + 6; } // &quot;
    store<u8>(o, <u8>c);
    return o + 1;
  }
  if (c == 0) return 0;
  if (!attr && (c == 9 || c == 10)) { store<u8>(o, <u8>c); return o + 1; }
  // &#N;
  store<u8>(o, 38);
  store<u8>(o, 35, 1);
  if (c >= 10) {
    store<u8>(o, <u8>(48 + c / 10), 2);
    store<u8>(o, <u8>(48 + c % 10), 3);
    store<u8>(o, 59, 4);
    return o + 5;
  }
  store<u8>(o, <u8>(48 + c), 2);
  store<u8>(o, 59, 3);
  return o + 4;
}

/** Appends string node i as XML character data (attr: attribute value rules). */
function writeText(i: i32, attr: bool): i32 {
  const s = <usize>jA(i), e = <usize>jB(i);
  const esc = jC(i) != 0;
  let q = s;
  while (q < e) {
    let lim = q + 4096;
    if (lim > e) lim = e;
    outEnsure(<i32>(lim - q) * 6 + 32);
    let o = outPtr + <usize>outLen;
    while (q < lim) {
      while (q + 8 <= lim) {
        const w = load<u64>(q);
        if (!plainXml8(w)) break;
        if (esc) {
          const b = w ^ (ONES * 0x5C);
          if ((((b - ONES) & ~b) & HIGHS) != 0) break;
        }
        store<u64>(o, w);
        q += 8;
        o += 8;
      }
      if (q >= lim) break;
      let c = at(q);
      if (c < 0x80 && !(c == 92 && esc)) {
        const o2 = xmlAscii(o, c, attr);
        if (o2 == 0) { outLen = <i32>(o - outPtr); return fail(E_XML_SHAPE, off2(q), 'U+0000 cannot be written in XML'); }
        o = o2;
        q++;
        continue;
      }
      let cp: i32;
      let n: usize;
      if ((c & 0xF0) == 0xE0 && !toUtf8 && q + 3 <= e) {
        // CJK fast path: 3-byte UTF-8 straight to GBK
        cp = utf8Three(c, at(q + 1), at(q + 2));
        if (cp >= 0) {
          const g = <u32>load<u16>(rev + (<usize>cp << 1));
          if (g != 0) {
            o = putGbk(o, g);
            q += 3;
            continue;
          }
        }
      }
      if (c == 92) {
        cp = jsonEscCp(q, e);
        n = <usize>escLen;
        if (cp >= 0 && cp < 0x80) {
          const o2 = xmlAscii(o, <u32>cp, attr);
          if (o2 == 0) { outLen = <i32>(o - outPtr); return fail(E_XML_SHAPE, off2(q), 'U+0000 cannot be written in XML'); }
          o = o2;
          q += n;
          continue;
        }
        if (cp < 0) {
          outLen = <i32>(o - outPtr);
          if (toUtf8) return fail(E_UTF8_INVALID, off2(q), 'lone surrogate ' + cpName(-cp));
          return fail(E_GBK_UNMAPPABLE, off2(q), cpName(-cp));
        }
      } else {
        cp = utf8Cp(q, e);
        n = <usize>cpLen;
        if (toUtf8) {
          memory.copy(o, q, n);
          o += n;
          q += n;
          continue;
        }
      }
      if (toUtf8) {
        o = utf8Put(o, <u32>cp); // >= 0x80 here (an escape; ASCII was written above)
      } else {
        const g = cp <= 0xFFFF ? <u32>load<u16>(rev + (<usize>cp << 1)) : 0;
        if (g == 0) {
          outLen = <i32>(o - outPtr);
          return fail(E_GBK_UNMAPPABLE, off2(q), cpName(cp));
        }
        o = putGbk(o, g);
      }
      q += n;
    }
    outLen = <i32>(o - outPtr);
  }
  return 0;
}

@inline function off2(q: usize): i32 { return <i32>(q - jbase); }

/** Appends a scalar value (string, number, true, false; null = nothing) as character data. */
function writeScalar(v: i32, attr: bool, what: string): i32 {
  const k = jKind(v);
  if (k == K_STR) return writeText(v, attr);
  if (k == K_NUM) { outBytes(<usize>jA(v), <i32>(jB(v) - jA(v))); return 0; }
  if (k == K_TRUE) { outLit('true'); return 0; }
  if (k == K_FALSE) { outLit('false'); return 0; }
  if (k == K_NULL) return 0;
  return fail(E_XML_SHAPE, jPos(v), what + ' must be a string, number, boolean or null');
}

/** True if key node j is exactly "#text". */
function isTextKey(j: i32): bool {
  const s = <usize>jA(j);
  return jC(j) == 0 && jB(j) - jA(j) == 5 && at(s) == 35 && lit2(s, '#text');
}

function lit2(s: usize, w: string): bool {
  for (let i = 0; i < w.length; i++) if (at(s + <usize>i) != <u32>w.charCodeAt(i)) return false;
  return true;
}

/** First decoded byte of key j ('@', '#' or other). */
function keyFirst(j: i32): u32 {
  const s = <usize>jA(j), e = <usize>jB(j);
  if (s >= e) return 0;
  const c = at(s);
  if (c != 92) return c;
  const cp = jsonEscCp(s, e);
  return cp > 0 && cp < 0x80 ? <u32>cp : 0x80;
}

function printElem(k: i32, v: i32, depth: i32): i32 {
  let st = keyBytes(k);
  if (st != 0) return st;
  outByte(60);
  const nameOff = outLen;
  st = putName(0, 'element');
  if (st != 0) return st;
  const nameLen = outLen - nameOff;
  const kind = jKind(v);
  if (kind == K_OBJ) {
    const n = <i32>jA(v);
    // attributes
    let j = v + 1;
    for (let m = 0; m < n; m++) {
      const val = j + 1;
      if (keyFirst(j) == 64) {
        const vk = jKind(val);
        if (vk != K_NULL) {
          if (vk == K_OBJ || vk == K_ARR) return fail(E_XML_SHAPE, jPos(val), 'attribute value must be a string, number, boolean or null');
          st = keyBytes(j);
          if (st != 0) return st;
          outByte(32);
          st = putName(1, 'attribute');
          if (st != 0) return st;
          outByte(61);
          outByte(34);
          st = writeScalar(val, true, 'attribute value');
          if (st != 0) return st;
          outByte(34);
        }
      }
      j = jNext(val);
    }
    outByte(62);
    j = v + 1;
    for (let m = 0; m < n; m++) {
      const val = j + 1;
      const f = keyFirst(j);
      if (f == 64) {
        // attribute: done
      } else if (f == 35) {
        if (!isTextKey(j)) return fail(E_XML_SHAPE, jPos(j), 'unknown special key (only "#text" and "@name" are allowed)');
        st = writeScalar(val, false, '"#text"');
        if (st != 0) return st;
      } else if (jKind(val) == K_ARR) {
        const cnt = <i32>jA(val);
        let it = val + 1;
        for (let x = 0; x < cnt; x++) {
          if (jKind(it) == K_ARR) return fail(E_XML_SHAPE, jPos(it), 'an array cannot directly contain an array');
          st = printElem(j, it, depth + 1);
          if (st != 0) return st;
          it = jNext(it);
        }
      } else {
        st = printElem(j, val, depth + 1);
        if (st != 0) return st;
      }
      j = jNext(val);
    }
  } else if (kind == K_ARR) {
    return fail(E_XML_SHAPE, jPos(v), 'an array cannot directly contain an array');
  } else {
    outByte(62);
    st = writeScalar(v, false, 'element value');
    if (st != 0) return st;
  }
  // end tag: copy the name written in the start tag
  outEnsure(nameLen + 3);
  store<u8>(outPtr + <usize>outLen, 60);
  store<u8>(outPtr + <usize>outLen, 47, 1);
  memory.copy(outPtr + <usize>outLen + 2, outPtr + <usize>nameOff, <usize>nameLen);
  store<u8>(outPtr + <usize>outLen + 2 + <usize>nameLen, 62);
  outLen += nameLen + 3;
  return 0;
}

function printDoc(ptr: usize, len: i32, utf8: bool): i32 {
  initClasses();
  toUtf8 = utf8;
  let st = jsonParse(ptr, len);
  if (st != 0) return st;
  jbase = jInputBase();
  if (jKind(0) != K_OBJ || jA(0) != 1) {
    return fail(E_XML_SHAPE, jPos(0), 'the top level must be an object with exactly one key: the root element');
  }
  if (jKind(2) == K_ARR) return fail(E_XML_SHAPE, jPos(2), 'the root element cannot be an array');
  if (!utf8) rev = gbkRev();
  const f = keyFirst(1);
  if (f == 64 || f == 35) return fail(E_XML_SHAPE, jPos(1), 'the root key must be an element name');
  outLit(utf8 ? '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' : '<?xml version="1.0" encoding="GBK" standalone="yes"?>');
  return printElem(1, 2, 1);
}

export function opXmlPrint(ptr: usize, len: i32): i32 { return printDoc(ptr, len, false); }
export function opXmlPrintUtf8(ptr: usize, len: i32): i32 { return printDoc(ptr, len, true); }

// ---- shared with soap.ts (SOAP envelopes, .NET DataSets): the node tree of one parse, its text, and the
// printer's name/text writers. Same rules as above; nothing here changes ops 30–32.

export const X_NAME = N_NAME;
export const X_NAMEEND = N_NAMEEND;
export const X_ATTREND = N_ATTREND;
export const X_CSTART = N_CSTART;
export const X_CEND = N_CEND;
export const X_FIRST = N_FIRST;
export const X_NEXT = N_NEXT;
export const X_SAME = N_SAME;
export const X_FLAGS = N_FLAGS;
export const X_PARENT = N_PARENT;
export const XF_ATTRS = F_ATTRS;
export const XF_KIDS = F_KIDS;
export const XF_DUP = F_DUP;
export const XF_COMPLEX = F_COMPLEX;
export const XF_TEXT = F_TEXT;

/** Field f of node n of the last xTree() parse (node 0 = the root element). */
export function xNode(n: i32, f: i32): u32 { return nget(n, f); }

/** Parses the document [ptr, ptr+len) (encoding detection as op 30) into the node tree; call xTreeRelease() after. */
export function xTree(ptr: usize, len: i32): i32 {
  initClasses();
  base = ptr;
  end = ptr + <usize>len;
  p = ptr;
  nodeCount = 0;
  let ws = true;
  for (let q = ptr; q < end; q++) if (!isWs(at(q))) { ws = false; break; }
  if (ws) return fail(E_EMPTY_INPUT, 0, 'no XML document');
  const st = detect();
  return st != 0 ? st : parseDoc();
}

export function xTreeRelease(): void { releaseParse(); }

/** Appends character data [s, e) of the parsed document as JSON string content (references decoded, CDATA
 *  included, comments/PIs dropped, GBK decoded). */
export function xText(s: usize, e: usize): i32 { return emitText(s, e); }

/** Appends document bytes [s, e) as JSON string content, decoded from GBK when the document is GBK. */
export function xRange(s: usize, e: usize): i32 { return emitRange(s, e); }

/** Prepares the printer for UTF-8 output of the JSON document currently on the json.ts tape. */
export function xPrintSetup(): void {
  initClasses();
  toUtf8 = true;
  jbase = jInputBase();
}

/** Appends JSON string node i as an XML name (XML_SHAPE if it is not one). */
export function xPutName(i: i32, what: string): i32 {
  const st = keyBytes(i);
  return st != 0 ? st : putName(0, what);
}

/** Appends JSON string node i as XML character data (attr: attribute-value escaping). */
export function xPutText(i: i32, attr: bool): i32 { return writeText(i, attr); }

/** Appends element n's value (written by emit), or the array of it and its same-name siblings. */
export function xValueOrArray(n: i32, emit: (n: i32) => i32): i32 { return emitGroup(n, false, emit); }
