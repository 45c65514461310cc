// Comparison of secrets without a timing side channel.
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when both strings are equal. Both sides are hashed first so that neither the
 * content nor the length of the expected value leaks through timing.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/**
 * True when two hex SHA-256 digests are equal. They are fixed-length already, so they are
 * compared as bytes without hashing them again.
 */
export function digestsEqual(a: string, b: string): boolean {
  const da = Buffer.from(a, 'hex');
  const db = Buffer.from(b, 'hex');
  return da.length === 32 && db.length === 32 && timingSafeEqual(da, db);
}
