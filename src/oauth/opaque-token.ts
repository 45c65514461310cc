// Opaque codes and tokens: 256-bit random values with a type prefix; stores see only the digest.
import { prefixedToken } from '../lib/random.js';
import { sha256Hex } from '../lib/digest.js';

export const tokenPrefix = {
  authorizationCode: 'gh_ac_',
  accessToken: 'gh_at_',
  refreshToken: 'gh_rt_',
  clientSecret: 'gh_cs_',
} as const;

export interface OpaqueValue {
  value: string;
  digest: string;
}

export function newOpaqueValue(prefix: string): OpaqueValue {
  const value = prefixedToken(prefix);
  return { value, digest: sha256Hex(value) };
}

export function digestOf(value: string): string {
  return sha256Hex(value);
}
