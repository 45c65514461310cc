// The shared-secret check of client_secret_basic and client_secret_post (RFC 6749 §2.3.1):
// digest comparison in constant time, the same work for an unknown client.
import { digestsEqual } from '../../lib/constant-time.js';
import { sha256Hex } from '../../lib/digest.js';
import type { ClientRecord } from '../../storage/records.js';

// Digest of a value no secret can have, so unknown and public clients cost the same comparison.
const impossibleDigest = sha256Hex('\u0000gatehouse-no-client');

export function secretMatches(secret: string | undefined, client: ClientRecord | null): boolean {
  const matches = digestsEqual(sha256Hex(secret ?? ''), client?.secretDigest ?? impossibleDigest);
  return matches && secret !== undefined && client !== null && client.secretDigest !== null;
}
