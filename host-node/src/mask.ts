// Masking of personal data in logs and errors: ID numbers, names, card numbers, phone numbers.

/** 510103199001011234 -> 510103********1234 */
export function maskId(id: string): string {
  const s = String(id ?? '');
  if (s.length <= 8) return '*'.repeat(s.length);
  return s.slice(0, 6) + '*'.repeat(s.length - 10) + s.slice(-4);
}

/** 张三 -> 张*, 欧阳娜娜 -> 欧***, Li Si -> L**** */
export function maskName(name: string): string {
  const chars = [...String(name ?? '')];
  if (chars.length <= 1) return chars.length ? '*' : '';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** card / token numbers: keep the last 4 */
export function maskCard(no: string): string {
  const s = String(no ?? '');
  if (s.length <= 4) return '*'.repeat(s.length);
  return '*'.repeat(s.length - 4) + s.slice(-4);
}

const SENSITIVE = /^(certno|mdtrt_cert_no|psn_name|card_sn|aac002|aac003|idcard|name|tel|mob|conn_tel|psn_cert_no)$/i;

/** Deep copy of a message with sensitive fields masked (for logs). */
export function maskMessage(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskMessage);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x === 'string' && SENSITIVE.test(k)) {
        out[k] = /name/i.test(k) || k === 'aac003' ? maskName(x) : /^\d{15,18}[\dXx]?$/.test(x) ? maskId(x) : maskCard(x);
      } else out[k] = maskMessage(x);
    }
    return out;
  }
  return v;
}
