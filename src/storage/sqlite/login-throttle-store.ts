// Login attempt counters per key in SQLite (RFC 6819 §4.4.3.1 online guessing): one row per key,
// read and written in one immediate transaction, so two processes on the same file never both
// take the last free attempt.
import type { Database } from 'better-sqlite3';
import { scheduledWait, type AttemptSchedule, type LoginThrottleStore, type Reservation } from '../ports.js';

interface Row { attempts: number; last_at: number }

export function createLoginThrottleStore(db: Database): LoginThrottleStore {
  const find = db.prepare<[string], Row>('SELECT attempts, last_at FROM login_throttle WHERE throttle_key = ?');
  const save = db.prepare<[string, number, number, number]>(`INSERT INTO login_throttle (throttle_key, attempts, last_at, expires_at)
    VALUES (?, ?, ?, ?) ON CONFLICT (throttle_key) DO UPDATE SET attempts = excluded.attempts, last_at = excluded.last_at, expires_at = excluded.expires_at`);
  const release = db.prepare<[string]>('UPDATE login_throttle SET attempts = max(attempts - 1, 0) WHERE throttle_key = ?');
  const clear = db.prepare<[string]>('DELETE FROM login_throttle WHERE throttle_key = ?');
  const purge = db.prepare<[number, number]>(`DELETE FROM login_throttle WHERE throttle_key IN
    (SELECT throttle_key FROM login_throttle WHERE expires_at <= ? LIMIT ?)`);

  const reserve = db.transaction((key: string, now: number, schedule: AttemptSchedule): Reservation => {
    const row = find.get(key);
    let attempts = 0;
    if (row) {
      const wait = scheduledWait(schedule, row.attempts);
      const allowedAt = row.last_at + wait;
      if (wait > 0 && now < allowedAt) return { allowed: false, retryAfter: allowedAt - now };
      if (now < allowedAt + schedule.forgetAfter) attempts = row.attempts;
    }
    attempts += 1;
    save.run(key, attempts, now, now + scheduledWait(schedule, attempts) + schedule.forgetAfter);
    return { allowed: true, attempts };
  });

  return {
    async reserve(key, now, schedule) {
      return reserve.immediate(key, now, schedule);
    },
    async release(key) {
      release.run(key);
    },
    async clear(key) {
      clear.run(key);
    },
    async purgeExpired(now, limit) {
      return purge.run(now, limit).changes;
    },
  };
}
