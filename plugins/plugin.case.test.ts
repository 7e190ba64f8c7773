// The shared plugin conformance suite. Every plugin's test calls runPluginConformance(); this file is
// excluded from the direct run (vitest.config.ts) and only runs through those calls.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PluginFactory, CanonicalOp } from './contract.js';
import { createCore } from '../host-node/src/index.js';
import { DecimalToken } from '../host-node/src/json-text.js';

export interface SampleCodec {
  /** which samples this plugin's codec must round-trip */
  dir: string;
  match: (file: string) => boolean;
  /** decode to the canonical model and encode back to wire text */
  roundTrip: (bytes: Uint8Array, file: string) => { canonical: unknown; wire: Uint8Array | string };
  /** equivalence of the original and the re-encoded wire text */
  equivalent: (a: Uint8Array, b: Uint8Array | string, file: string) => void;
}

export interface ConformanceOptions {
  name: string;
  factory: PluginFactory;
  /** canonical operations this region must support */
  requiredOps: CanonicalOp[];
  samples?: SampleCodec;
}

const VALID_OPS: CanonicalOp[] = [
  'signIn', 'signOut', 'identify', 'institutionInfo', 'dictionary', 'treatmentCheck', 'pharmacyPresettle', 'pharmacySettle', 'pharmacyCancel',
  'register', 'cancelRegister', 'uploadVisit', 'uploadFees', 'cancelFees', 'presettle', 'settle', 'cancelSettle', 'uploadInpatientFees',
  'cancelInpatientFees', 'inpatientPresettle', 'inpatientSettle', 'cancelInpatientSettle', 'admit', 'discharge', 'updateAdmission',
  'cancelAdmission', 'cancelDischarge', 'fileTransfer', 'fileTransferCancel', 'fileChronic', 'fileChronicCancel', 'fileDesignated',
  'fileDesignatedCancel', 'reverse', 'catalog', 'fileUpload', 'fileDownload', 'reconcileTotals', 'reconcileDetails', 'settlementList',
  'queryVisits', 'queryDiagnoses', 'querySettlements', 'queryFeeDetails', 'queryChronicDrugs', 'queryAccumulators', 'queryChronicFilings',
  'queryDesignated', 'queryInHospital', 'queryTransfers', 'regional', 'inventory',
];

export function runPluginConformance(o: ConformanceOptions): void {
  const core = createCore();
  const plugin = o.factory({ core });
  const m = plugin.manifest;

  describe(`plugin conformance: ${o.name}`, () => {
    it('manifest is complete and well-formed', () => {
      expect(m.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(m.admdvs).toMatch(/^\d{6}$/);
      expect(m.name.length).toBeGreaterThan(0);
      expect(Object.keys(m.transactions).length).toBeGreaterThan(0);
      for (const [infno, t] of Object.entries(m.transactions)) {
        expect(VALID_OPS, infno).toContain(t.op);
        expect(t.name.length, infno).toBeGreaterThan(0);
        if (t.variantOf) expect(m.transactions[t.variantOf], `${infno} variantOf`).toBeDefined();
        if (t.reversible) expect(m.capabilities.reversal).toBe(true);
      }
      expect(m.transport.timeoutMs).toBeGreaterThan(0);
    });

    it('a web-service (soap) region declares its SOAP bindings: version, namespace, path, SOAPAction', () => {
      if (m.family !== 'soap') {
        expect(m.soap).toBeUndefined();
        return;
      }
      const bindings = Object.entries(m.soap ?? {});
      expect(bindings.length).toBeGreaterThan(0);
      for (const [name, b] of bindings) {
        expect(['1.1', '1.2'], name).toContain(b.version);
        expect(b.ns, name).toMatch(/^[a-z][a-z0-9+.-]*:/i);
        expect(b.path === '' || b.path.startsWith('/'), name).toBe(true);
        expect(b.action, name).toContain('{method}');
      }
    });

    it('maps every required canonical operation to a transaction', () => {
      for (const op of o.requiredOps) {
        const infno = plugin.infnoFor(op);
        expect(m.transactions[infno]?.op, op).toBe(op);
      }
    });

    it('money-moving transactions are declared as such', () => {
      for (const op of ['settle', 'inpatientSettle', 'cancelSettle'] as CanonicalOp[]) {
        if (!o.requiredOps.includes(op)) continue;
        expect(m.transactions[plugin.infnoFor(op)].money, op).toBe(true);
      }
    });

    if (o.samples) {
      const s = o.samples;
      const files = readdirSync(s.dir).filter(s.match).sort();
      it('has real samples to check', () => expect(files.length).toBeGreaterThan(0));
      for (const f of files) {
        it(`sample ${f} decodes to the canonical model and re-encodes to equivalent wire data`, () => {
          const bytes = new Uint8Array(readFileSync(join(s.dir, f)));
          const { canonical, wire } = s.roundTrip(bytes, f);
          expect(canonical).toBeTruthy();
          s.equivalent(bytes, wire, f);
        });
      }
    }
  });
}

/** Deep equality of two JSON texts where numbers and numeric strings compare by decimal value. */
export function expectEquivalentJson(core: ReturnType<typeof createCore>, a: Uint8Array | string, b: Uint8Array | string): void {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === 'object' && !(v instanceof DecimalToken)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, norm(x)]));
    }
    if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) {
      const [i, f = ''] = v.replace(/^-/, '').split('.');
      const frac = f.replace(/0+$/, '');
      const int = i.replace(/^0+(?=\d)/, '');
      const neg = v.startsWith('-') && !(int === '0' && frac === '');
      return `num:${neg ? '-' : ''}${int}${frac ? '.' + frac : ''}`;
    }
    return v;
  };
  expect(norm(core.codec.json.parseExact(b))).toEqual(norm(core.codec.json.parseExact(a)));
}
