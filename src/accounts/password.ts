// Password hashing with argon2id (RFC 9106; OWASP parameters by default). Hashing runs on
// libuv's thread pool inside @node-rs/argon2, so the event loop keeps serving.
import { hash, verify, Algorithm } from '@node-rs/argon2';

export interface Argon2Parameters {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const defaultArgon2: Argon2Parameters = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string, params: Argon2Parameters = defaultArgon2): Promise<string> {
  return hash(password, { algorithm: Algorithm.Argon2id, ...params });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real verification, so an unknown username takes as long as a
 * wrong password and the login form does not reveal which accounts exist.
 */
export async function verifyAgainstDummy(password: string, params: Argon2Parameters = defaultArgon2): Promise<false> {
  dummyHash ??= hashPassword('gatehouse-dummy-password', params);
  await verifyPassword(await dummyHash, password);
  return false;
}
