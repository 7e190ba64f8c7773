// JSON text for the wire with exact decimals: amounts are written as number tokens from their decimal
// text (never through a float), so 4.52 goes out as 4.52.

/** A decimal that must be written as a JSON number token, verbatim. */
export class DecimalToken {
  constructor(readonly text: string) {
    if (!/^-?(0|[1-9]\d*)(\.\d+)?$/.test(text)) throw new TypeError(`not a decimal: ${text}`);
  }
  toJSON(): string {
    return this.text;
  }
}

/** JSON.stringify with DecimalToken support (undefined members are dropped, like JSON.stringify). */
export function toJson(value: unknown): string {
  if (value instanceof DecimalToken) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('non-finite number in JSON');
    return JSON.stringify(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : toJson(v))).join(',') + ']';
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === 'function') continue;
      parts.push(JSON.stringify(k) + ':' + toJson(v));
    }
    return '{' + parts.join(',') + '}';
  }
  throw new TypeError(`cannot serialise ${typeof value}`);
}
