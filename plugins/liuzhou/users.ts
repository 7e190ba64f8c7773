// The user store of a Liuzhou web-service provider (both roles: the hospital's service and the sandbox
// center): "农合系统提供自己的用户/口令并绑定IP地址实现访问权限控制，建议医院His系统也提供类似的访问权限控制".
// SQLite (better-sqlite3): one row per (医院代码, 用户) with a salted SHA-256 of the password (computed by
// the core, op 60; never the clear password), the 允许访问IP地址 list, the 访问权限 letters and the state:
// a user added through Yhzjjk is `pending` until the provider authorises it ("增加用户后，需要Web Service
// 提供方进行相应授权才能正常使用").
import Database from 'better-sqlite3';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Core } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { LETTERS, type PermissionLetter } from './spec.js';

export interface UserRow {
  hospital: string;
  name: string;
  ips: string[];
  letters: PermissionLetter[];
  status: 'active' | 'pending';
  created_by: string;
  created_at: string;
}

interface DbRow {
  hospital: string;
  name: string;
  salt: string;
  hash: string;
  ips: string;
  letters: string;
  status: 'active' | 'pending';
  created_by: string;
  created_at: string;
}

/** "ABE" → ['A','B','E']; anything but distinct letters A–J is XNH_PERMISSION-shaped BAD_INPUT. */
export function parseLetters(s: string): PermissionLetter[] {
  const t = s.replace(/[\s,，]/g, '').toUpperCase();
  const out: PermissionLetter[] = [];
  for (const ch of t) {
    if (!LETTERS.includes(ch as PermissionLetter)) throw YibaoError.host('BAD_INPUT', `访问权限【${s}】含非法字符 ${ch}（只允许 A–J） / permission letters are A–J`);
    if (out.includes(ch as PermissionLetter)) throw YibaoError.host('BAD_INPUT', `访问权限【${s}】字符 ${ch} 重复 / letter repeated`);
    out.push(ch as PermissionLetter);
  }
  return out.sort();
}

/** "10.0.0.5, 192.168.1.0/24; ::1" → list; `*` = any address. Empty is refused. */
export function parseIps(s: string): string[] {
  const list = s.split(/[,;，；\s]+/).map((x) => x.trim()).filter(Boolean);
  if (!list.length) throw YibaoError.host('BAD_INPUT', '允许访问IP地址不能为空 / at least one allowed address');
  for (const ip of list) {
    if (ip === '*') continue;
    const [addr, bits] = ip.split('/');
    const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr!);
    const ok = v4 ? v4.slice(1).every((n) => Number(n) <= 255) && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= 32)) : /^[0-9a-fA-F:]+$/.test(addr!) && addr!.includes(':') && bits === undefined;
    if (!ok) throw YibaoError.host('BAD_INPUT', `允许访问IP地址【${ip}】无效 / invalid address`);
  }
  return list;
}

/** The caller's address without the IPv4-mapped prefix (::ffff:127.0.0.1 → 127.0.0.1). */
export function normalizeIp(a: string): string {
  const s = (a ?? '').trim();
  return s.toLowerCase().startsWith('::ffff:') && s.includes('.') ? s.slice(7) : s.toLowerCase();
}

const v4num = (a: string): number | null => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  return m ? ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]) : null;
};

/** Is `remote` among the allowed entries (exact address, IPv4 CIDR, or `*`)? */
export function ipAllowed(allowed: string[], remote: string): boolean {
  const r = normalizeIp(remote);
  for (const e of allowed) {
    if (e === '*') return true;
    const [addr, bits] = e.split('/');
    if (bits === undefined) {
      if (normalizeIp(addr!) === r) return true;
      continue;
    }
    const a = v4num(addr!), b = v4num(r);
    if (a === null || b === null) continue;
    const n = Number(bits);
    const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
    if (((a & mask) >>> 0) === ((b & mask) >>> 0)) return true;
  }
  return false;
}

export interface UserStoreOptions {
  core: Core;
  /** SQLite file, or ':memory:' (default) */
  path?: string;
  now?: () => Date;
}

export class UserStore {
  private readonly db: Database.Database;
  private readonly core: Core;
  private readonly now: () => Date;

  constructor(o: UserStoreOptions) {
    this.core = o.core;
    this.now = o.now ?? (() => new Date());
    try {
      this.db = new Database(o.path ?? ':memory:');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(`CREATE TABLE IF NOT EXISTS xnh_users (
        hospital TEXT NOT NULL, name TEXT NOT NULL, salt TEXT NOT NULL, hash TEXT NOT NULL, ips TEXT NOT NULL, letters TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'pending')), created_by TEXT NOT NULL, created_at TEXT NOT NULL,
        PRIMARY KEY (hospital, name))`);
    } catch (e) {
      throw YibaoError.host('STATE_ERROR', `liuzhou user store ${o.path ?? ':memory:'}: ${(e as Error).message}`, e);
    }
  }

  private hash(salt: string, password: string): string {
    return this.core.hash.hex(this.core.hash.sha256(`${salt}:${password}`));
  }

  private row(hospital: string, name: string): DbRow | undefined {
    return this.db.prepare('SELECT * FROM xnh_users WHERE hospital = ? AND name = ?').get(hospital, name) as DbRow | undefined;
  }

  private static view(r: DbRow): UserRow {
    return { hospital: r.hospital, name: r.name, ips: JSON.parse(r.ips) as string[], letters: r.letters.split('') as PermissionLetter[], status: r.status, created_by: r.created_by, created_at: r.created_at };
  }

  get(hospital: string, name: string): UserRow | undefined {
    const r = this.row(hospital, name);
    return r ? UserStore.view(r) : undefined;
  }

  list(hospital?: string): UserRow[] {
    const rows = (hospital === undefined ? this.db.prepare('SELECT * FROM xnh_users ORDER BY hospital, name').all() : this.db.prepare('SELECT * FROM xnh_users WHERE hospital = ? ORDER BY name').all(hospital)) as DbRow[];
    return rows.map(UserStore.view);
  }

  /** Adds a user (`pending` unless `active` is asked: the provider's own administration). */
  add(u: { hospital: string; name: string; password: string; ips: string | string[]; letters: string | PermissionLetter[]; status?: 'active' | 'pending'; created_by?: string }): UserRow {
    const name = u.name.trim();
    if (!name || name.length > 50) throw YibaoError.host('BAD_INPUT', '用户名为空或过长 / user name empty or too long');
    if (!u.password) throw YibaoError.host('BAD_INPUT', '口令不能为空 / password is empty');
    const ips = Array.isArray(u.ips) ? parseIps(u.ips.join(',')) : parseIps(u.ips);
    const letters = Array.isArray(u.letters) ? parseLetters(u.letters.join('')) : parseLetters(u.letters);
    if (this.row(u.hospital, name)) throw YibaoError.host('BAD_INPUT', `用户【${name}】已存在 / user exists`);
    const salt = randomBytes(16).toString('hex');
    this.db.prepare('INSERT INTO xnh_users (hospital, name, salt, hash, ips, letters, status, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      u.hospital, name, salt, this.hash(salt, u.password), JSON.stringify(ips), letters.join(''), u.status ?? 'pending', u.created_by ?? '', this.now().toISOString(),
    );
    return this.get(u.hospital, name)!;
  }

  /** The provider authorises a pending user (optionally narrowing its letters). */
  authorize(hospital: string, name: string, letters?: string): UserRow {
    const r = this.row(hospital, name);
    if (!r) throw YibaoError.host('BAD_INPUT', `用户【${name}】不存在 / no such user`);
    const l = letters !== undefined ? parseLetters(letters).join('') : r.letters;
    this.db.prepare("UPDATE xnh_users SET status = 'active', letters = ? WHERE hospital = ? AND name = ?").run(l, hospital, name);
    return this.get(hospital, name)!;
  }

  setPassword(hospital: string, name: string, password: string): void {
    const salt = randomBytes(16).toString('hex');
    const n = this.db.prepare('UPDATE xnh_users SET salt = ?, hash = ? WHERE hospital = ? AND name = ?').run(salt, this.hash(salt, password), hospital, name).changes;
    if (n !== 1) throw YibaoError.host('BAD_INPUT', `用户【${name}】不存在 / no such user`);
  }

  delete(hospital: string, name: string): void {
    const n = this.db.prepare('DELETE FROM xnh_users WHERE hospital = ? AND name = ?').run(hospital, name).changes;
    if (n !== 1) throw YibaoError.host('BAD_INPUT', `用户【${name}】不存在 / no such user`);
  }

  /** Password check only (constant-time on the hash). */
  checkPassword(hospital: string, name: string, password: string): boolean {
    const r = this.row(hospital, name);
    const expected = Buffer.from(r ? r.hash : '0'.repeat(64), 'hex');
    const got = Buffer.from(this.hash(r ? r.salt : 'x', password ?? ''), 'hex');
    return timingSafeEqual(expected, got) && !!r;
  }

  /**
   * The checks of one call: the user exists under this 医院代码, the password matches, the user is
   * authorised (not pending), the caller's address is bound to it, and it holds `letter` (when one is needed).
   * Throws XNH_AUTH / XNH_IP / XNH_PERMISSION with a Chinese reason in the message's detail.
   */
  authenticate(a: { hospital: string; name: string; password: string; remoteAddress: string; letter: PermissionLetter | null }): UserRow {
    if (!a.name || !this.checkPassword(a.hospital, a.name, a.password)) throw YibaoError.host('XNH_AUTH', `用户【${a.name}】不存在或口令错误`);
    const u = this.get(a.hospital, a.name)!;
    if (u.status !== 'active') throw YibaoError.host('XNH_AUTH', `用户【${a.name}】尚未经服务提供方授权`);
    if (!ipAllowed(u.ips, a.remoteAddress)) throw YibaoError.host('XNH_IP', `用户【${a.name}】不允许从 ${normalizeIp(a.remoteAddress)} 访问`);
    if (a.letter && !u.letters.includes(a.letter)) throw YibaoError.host('XNH_PERMISSION', `用户【${a.name}】没有权限 ${a.letter}`);
    return u;
  }

  close(): void {
    this.db.close();
  }
}

/** 口令强度 check: length and (optionally) both letters and digits; new ≠ old. */
export function checkPasswordRule(rule: { minLength: number; letterAndDigit: boolean }, oldPw: string, newPw: string): string | null {
  if (newPw === oldPw) return '新旧口令不能相同';
  if ([...newPw].length < rule.minLength) return `新口令长度不能少于${rule.minLength}位`;
  if (rule.letterAndDigit && !(/[A-Za-z]/.test(newPw) && /\d/.test(newPw))) return '新口令须同时包含字母和数字';
  return null;
}
