// Random values for identifiers and secrets: 256 bits from the OS CSPRNG, base64url.
// Bytes come from a pool refilled by randomFillSync, as node's own randomUUID does: one call into
// OpenSSL per 4 KiB instead of one per value (a separate call cost ~2-7 µs, several per request).
// Each byte is handed out once, and wiped from the pool as it is taken.
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let offset = pool.length;

function takeRandomBytes(bytes: number): Buffer {
  if (bytes > pool.length) return randomFillSync(Buffer.alloc(bytes));
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const taken = Buffer.from(pool.subarray(offset, offset + bytes));
  pool.fill(0, offset, offset + bytes);
  offset += bytes;
  return taken;
}

/** A URL-safe random string carrying `bytes` bytes of entropy (default 32 = 256 bits). */
export function randomToken(bytes = 32): string {
  return takeRandomBytes(bytes).toString('base64url');
}

/**
 * A random identifier people may type as a command argument (a client id): base64url carrying
 * `bytes` bytes, redrawn while it starts with '-' or '_', so it is never read as an option
 * (`gatehouse client delete -K…`) and never starts with punctuation. Redrawing keeps the values
 * uniform over the identifiers that start with a letter or digit (62 of 64 first characters).
 */
export function randomIdentifier(bytes = 16): string {
  for (;;) {
    const value = randomToken(bytes);
    if (/^[A-Za-z0-9]/.test(value)) return value;
  }
}

/** A random value with a readable type prefix, e.g. `gh_at_…`, so leaked values are recognisable. */
export function prefixedToken(prefix: string, bytes = 32): string {
  return `${prefix}${randomToken(bytes)}`;
}
