// Typed values ⇄ SOAP values (host-node/src/contract.ts SoapValue) by the signature list and the configured
// class fields, ASMX conventions: element names = parameter / field names; arrays as a wrapper element with
// one item element per entry (`<qdid><int>1</int></qdid>`, `<jbBm><string>…`, `<qdinfo><QDInfoClass>…`);
// decimal as invariant text (never a binary float); DateTime as xs:dateTime `2026-11-22T10:00:00`; bool as
// true/false. The envelope itself is built and parsed by the core (ops 33/34). Used by the client (encode
// parameters, decode results) and by the sandbox (decode parameters, encode results) alike.
import type { SoapValue } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import type { XnhConfig } from './manifest.js';
import type { XnhField, XnhFunction, XnhScalar } from './spec.js';

const SCALARS: readonly XnhScalar[] = ['string', 'int', 'decimal', 'DateTime', 'bool'];
/** item element of an array of scalars (what .NET writes) */
const SCALAR_ITEM: Record<XnhScalar, string> = { string: 'string', int: 'int', decimal: 'decimal', DateTime: 'dateTime', bool: 'boolean' };

export type Resolved =
  | { kind: 'scalar'; scalar: XnhScalar }
  | { kind: 'class'; name: string; fields: XnhField[] }
  | { kind: 'array'; item: Resolved; element: string };

/** Which side is reading: a bad request parameter is the caller's fault, a bad reply the center's. */
export type CodecSide = 'request' | 'reply';

export class XnhCodecError extends Error {
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'XnhCodecError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const DEC = /^-?\d+(\.\d+)?$/;
const INT = /^-?\d+$/;
const DT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?$/;

/** A Date as China-time (UTC+8) xs:dateTime without offset, as a .NET DateTime of kind Unspecified prints. */
export function xsDateTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19);
}

export class XnhCodec {
  constructor(readonly cfg: XnhConfig) {}

  fn(name: string): XnhFunction {
    const f = this.cfg.functions[name];
    if (!f) throw YibaoError.host('NOT_SUPPORTED', `sichuan-xnh: no function ${name}`);
    return f;
  }

  /** Resolves a type name of the signatures / class lists. */
  resolve(type: string): Resolved {
    const t = type.trim();
    if (t.endsWith('[]')) {
      const item = this.resolve(t.slice(0, -2));
      const key = item.kind === 'class' ? item.name : item.kind === 'scalar' ? item.scalar : t.slice(0, -2);
      const element = this.cfg.arrayItems[key] ?? (item.kind === 'scalar' ? SCALAR_ITEM[item.scalar] : item.kind === 'class' ? item.name : 'item');
      return { kind: 'array', item, element };
    }
    if ((SCALARS as readonly string[]).includes(t)) return { kind: 'scalar', scalar: t as XnhScalar };
    const name = this.cfg.typeAliases[t] ?? (this.cfg.classes[t] ? t : this.cfg.typeAliases[t.replace(/^.*\./, '')] ?? t.replace(/^.*\./, ''));
    const fields = this.cfg.classes[name];
    if (!fields) throw YibaoError.host('NOT_SUPPORTED', `sichuan-xnh: type ${type} has no class definition (manifest xnh.classes)`);
    return { kind: 'class', name, fields };
  }

  // ---- encoding (typed value → SoapValue) -----------------------------------------------------

  /** Encodes a value of `type`; undefined = the element is omitted. Throws XnhCodecError. */
  encode(type: string | Resolved, v: unknown, path: string): SoapValue | undefined {
    const r = typeof type === 'string' ? this.resolve(type) : type;
    if (v === undefined) return undefined;
    if (v === null) return null;
    switch (r.kind) {
      case 'scalar':
        return encodeScalar(r.scalar, v, path);
      case 'array': {
        if (!Array.isArray(v)) throw new XnhCodecError(path, 'expected an array');
        const items = v.map((x, i) => {
          const e = this.encode(r.item, x, `${path}[${i}]`);
          if (e === undefined) throw new XnhCodecError(`${path}[${i}]`, 'array entries cannot be undefined');
          return e;
        });
        return items.length ? { [r.element]: items } : {};
      }
      case 'class': {
        if (!isObj(v)) throw new XnhCodecError(path, `expected an object of class ${r.name}`);
        const known = new Set(r.fields.map((x) => x.name));
        for (const k of Object.keys(v)) if (!known.has(k) && k !== '$extra') throw new XnhCodecError(`${path}.${k}`, `class ${r.name} has no field ${k} (manifest xnh.classes.${r.name})`);
        const out: { [k: string]: SoapValue | SoapValue[] } = {};
        for (const fd of r.fields) {
          const e = this.encode(fd.type, v[fd.name], `${path}.${fd.name}`);
          if (e !== undefined) out[fd.wire ?? fd.name] = e;
        }
        const extra = v.$extra;
        if (isObj(extra)) for (const [k, x] of Object.entries(extra)) if (!(k in out)) out[k] = x as SoapValue;
        return out;
      }
    }
  }

  /** The children of `<Method>`: every parameter in signature order (undefined strings are omitted). */
  encodeParams(fnName: string, args: Record<string, unknown>): Record<string, SoapValue | SoapValue[]> {
    const fn = this.fn(fnName);
    const names = new Set(fn.params.map((x) => x.name));
    for (const k of Object.keys(args)) if (!names.has(k)) throw YibaoError.host('BAD_INPUT', `sichuan-xnh ${fnName}: no parameter ${k} (parameters: ${fn.params.map((x) => x.name).join(', ') || 'none'})`);
    const out: Record<string, SoapValue | SoapValue[]> = {};
    for (const prm of fn.params) {
      const v = args[prm.name];
      const r = this.resolve(prm.type);
      if (v === undefined && !(r.kind === 'scalar' && r.scalar === 'string')) throw YibaoError.host('BAD_INPUT', `sichuan-xnh ${fnName}: parameter ${prm.name} (${prm.type}) is missing`);
      try {
        const e = this.encode(r, v, `${fnName}.${prm.name}`);
        if (e !== undefined) out[prm.name] = e;
      } catch (err) {
        throw asYibao(err, 'request');
      }
    }
    return out;
  }

  /** The `<Method>Result` value of a typed result (sandbox side). */
  encodeResult(fnName: string, value: unknown): SoapValue | undefined {
    try {
      return this.encode(this.fn(fnName).returns, value, `${fnName}Result`);
    } catch (err) {
      throw asYibao(err, 'reply');
    }
  }

  // ---- decoding (SoapValue → typed value) -----------------------------------------------------

  decode(type: string | Resolved, v: SoapValue | SoapValue[] | undefined, path: string): unknown {
    const r = typeof type === 'string' ? this.resolve(type) : type;
    if (v === undefined) return undefined;
    if (v === null) return null;
    if (Array.isArray(v)) throw new XnhCodecError(path, 'element repeated where one is expected');
    switch (r.kind) {
      case 'scalar':
        if (typeof v !== 'string') throw new XnhCodecError(path, `expected text (${r.scalar}), got elements`);
        return decodeScalar(r.scalar, v, path);
      case 'array': {
        if (v === '') return [];
        if (typeof v === 'string' || '$dataset' in v) throw new XnhCodecError(path, `expected <${r.element}> items`);
        const o = v as { [k: string]: SoapValue | SoapValue[] };
        for (const k of Object.keys(o)) if (k !== r.element) throw new XnhCodecError(`${path}.${k}`, `unexpected element in an array of <${r.element}>`);
        const items = o[r.element];
        const list = items === undefined ? [] : Array.isArray(items) ? items : [items];
        return list.map((x, i) => this.decode(r.item, x, `${path}[${i}]`));
      }
      case 'class': {
        if (v === '') return {};
        if (typeof v === 'string' || '$dataset' in v) throw new XnhCodecError(path, `expected the fields of class ${r.name}, got text`);
        const o = v as { [k: string]: SoapValue | SoapValue[] };
        const out: Obj = {};
        const used = new Set<string>();
        for (const fd of r.fields) {
          const wire = fd.wire ?? fd.name;
          used.add(wire);
          if (wire in o) out[fd.name] = this.decode(fd.type, o[wire], `${path}.${fd.name}`);
        }
        const extra = Object.entries(o).filter(([k]) => !used.has(k));
        if (extra.length) out.$extra = Object.fromEntries(extra);
        return out;
      }
    }
  }

  /** The typed parameters of a request (sandbox side); a bad one is a client fault. */
  decodeParams(fnName: string, params: Record<string, SoapValue | SoapValue[]>): Record<string, unknown> {
    const fn = this.fn(fnName);
    const out: Record<string, unknown> = {};
    try {
      for (const prm of fn.params) out[prm.name] = this.decode(prm.type, params[prm.name], prm.name);
    } catch (err) {
      throw asYibao(err, 'request');
    }
    return out;
  }

  /** The typed `<Method>Result` (client side); a value not of the configured shape is BAD_REPLY. */
  decodeResult(fnName: string, result: SoapValue | undefined): unknown {
    try {
      return this.decode(this.fn(fnName).returns, result, `${fnName}Result`);
    } catch (err) {
      throw asYibao(err, 'reply');
    }
  }
}

function asYibao(err: unknown, side: CodecSide): unknown {
  if (!(err instanceof XnhCodecError)) return err;
  return side === 'reply'
    ? YibaoError.host('BAD_REPLY', `sichuan-xnh reply ${err.message} (check manifest xnh.classes / returns against the vendor's WSDL)`, err)
    : YibaoError.host('BAD_INPUT', `sichuan-xnh ${err.message}`, err);
}

function encodeScalar(t: XnhScalar, v: unknown, path: string): string {
  switch (t) {
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
      throw new XnhCodecError(path, `expected a string, got ${typeof v}`);
    case 'int': {
      const s = typeof v === 'number' ? (Number.isSafeInteger(v) ? String(v) : '') : typeof v === 'string' ? v.trim() : '';
      if (!INT.test(s) || Number(s) > 2147483647 || Number(s) < -2147483648) throw new XnhCodecError(path, `"${String(v)}" is not a 32-bit int`);
      return s;
    }
    case 'decimal': {
      if (typeof v === 'number') {
        if (!Number.isSafeInteger(v)) throw new XnhCodecError(path, `decimal ${v} given as a binary float: pass decimal text ("12.50")`);
        return String(v);
      }
      if (typeof v === 'string' && DEC.test(v.trim())) return v.trim();
      throw new XnhCodecError(path, `"${String(v)}" is not a decimal`);
    }
    case 'DateTime': {
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) throw new XnhCodecError(path, 'invalid Date');
        return xsDateTime(v);
      }
      if (typeof v !== 'string') throw new XnhCodecError(path, 'expected a date-time text or a Date');
      const s = v.trim();
      if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return `${s}T00:00:00`;
      if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s)) return s.replace(' ', 'T');
      if (DT.test(s)) return s;
      throw new XnhCodecError(path, `"${s}" is not an xs:dateTime (yyyy-MM-ddTHH:mm:ss)`);
    }
    case 'bool':
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      if (v === 'true' || v === 'false') return v;
      throw new XnhCodecError(path, `"${String(v)}" is not a boolean`);
  }
}

function decodeScalar(t: XnhScalar, s: string, path: string): unknown {
  switch (t) {
    case 'string':
      return s;
    case 'int':
      if (!INT.test(s.trim())) throw new XnhCodecError(path, `"${s}" is not an int`);
      return Number(s.trim());
    case 'decimal':
      if (!DEC.test(s.trim())) throw new XnhCodecError(path, `"${s}" is not a decimal`);
      return s.trim();
    case 'DateTime':
      if (!DT.test(s.trim())) throw new XnhCodecError(path, `"${s}" is not an xs:dateTime`);
      return s.trim();
    case 'bool': {
      const x = s.trim();
      if (x === 'true' || x === '1') return true;
      if (x === 'false' || x === '0') return false;
      throw new XnhCodecError(path, `"${s}" is not a boolean`);
    }
  }
}

/** Every class name reachable from the configuration (for round-trip tests and the README). */
export function classNames(cfg: XnhConfig): string[] {
  return Object.keys(cfg.classes);
}
