// Local state of a yibao host (a directory, default .yibao/): msgid sequence and sign-in cache in SQLite.
// Several processes may share one state directory: SQLite serialises them, so msgids stay unique
// across processes and restarts.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { YibaoError } from './errors.js';

export interface SignIn {
  opter: string;
  sign_no: string;
  sign_time: string;
  /** epoch ms after which yibao signs in again */
  renew_after: number;
}

export interface StateStore {
  /** Next 4-digit sequence for the given second stamp (yyyyMMddHHmmss) of an institution; null when exhausted. */
  nextSeq(fixmedins: string, stamp: string): number | null;
  getSignIn(region: string, opter: string): SignIn | undefined;
  putSignIn(region: string, s: SignIn): void;
  dropSignIn(region: string, opter: string): void;
  /** The underlying database (other modules add their own tables). */
  db: Database.Database;
  close(): void;
}

export function openState(dir: string): StateStore {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw YibaoError.host('STATE_ERROR', `${dir}: ${(e as Error).message}`, e);
  }
  return openStateDb(join(dir, 'state.db'));
}

export function openStateDb(file: string): StateStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL, not FULL: in WAL mode a commit survives any process crash and may only be lost with the OS
  // (power cut, kernel crash). What is here tolerates that: a msgid sequence belongs to one second stamp, and
  // after a reboot the clock is past that second, so a lost increment can never give a msgid twice; a lost
  // sign-in is renewed. It spares an fsync per msgid (~4 ms each on a VM disk: 9 per settlement).
  // Money-moving state lives in the journal, which keeps synchronous=FULL.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS msgid_seq (fixmedins TEXT NOT NULL, stamp TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (fixmedins, stamp));
    CREATE TABLE IF NOT EXISTS sign_in (region TEXT NOT NULL, opter TEXT NOT NULL, sign_no TEXT NOT NULL, sign_time TEXT NOT NULL,
      renew_after INTEGER NOT NULL, PRIMARY KEY (region, opter));
  `);
  const upsert = db.prepare(
    `INSERT INTO msgid_seq (fixmedins, stamp, seq) VALUES (?, ?, 1)
     ON CONFLICT (fixmedins, stamp) DO UPDATE SET seq = seq + 1 RETURNING seq`,
  );
  const prune = db.prepare(`DELETE FROM msgid_seq WHERE fixmedins = ? AND stamp < ?`);
  const next = db.transaction((fixmedins: string, stamp: string) => {
    const row = upsert.get(fixmedins, stamp) as { seq: number };
    if (row.seq === 1) prune.run(fixmedins, stamp);
    return row.seq;
  });
  const getSign = db.prepare(`SELECT opter, sign_no, sign_time, renew_after FROM sign_in WHERE region = ? AND opter = ?`);
  const putSign = db.prepare(
    `INSERT INTO sign_in (region, opter, sign_no, sign_time, renew_after) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (region, opter) DO UPDATE SET sign_no = excluded.sign_no, sign_time = excluded.sign_time, renew_after = excluded.renew_after`,
  );
  const dropSign = db.prepare(`DELETE FROM sign_in WHERE region = ? AND opter = ?`);
  return {
    db,
    nextSeq(fixmedins, stamp) {
      const seq = next.immediate(fixmedins, stamp);
      return seq > 9999 ? null : seq;
    },
    getSignIn: (region, opter) => getSign.get(region, opter) as SignIn | undefined,
    putSignIn: (region, s) => void putSign.run(region, s.opter, s.sign_no, s.sign_time, s.renew_after),
    dropSignIn: (region, opter) => void dropSign.run(region, opter),
    close: () => db.close(),
  };
}

/** In-memory state for library use without a directory (unique within this process only). */
export function memoryState(): StateStore {
  return openStateDb(':memory:');
}
