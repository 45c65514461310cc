// What the SQLite adapter alone costs per operation, without HTTP or signing, 16 operations in
// flight like the bench's virtual users: a code flow (code insert by group commit, code read,
// the atomic redeem that stores grant and two tokens: the floor under `flow-sso`), a refresh
// rotation (the floor under `refresh`) and a client_credentials token insert. Prints process
// CPU per operation as user + system time. Run pinned:
// `taskset -c 0 node dist/bench/storage-floor.js [operations] [dir]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import { newOpaqueValue } from '../src/oauth/opaque-token.js';
import { randomToken } from '../src/lib/random.js';
import type { TokenKind, TokenRecord } from '../src/storage/records.js';

const operations = Number(process.argv[2] ?? 20_000);
const dir = mkdtempSync(join(process.argv[3] ?? tmpdir(), 'gatehouse-storage-floor-'));
const storage = await openSqliteStorage(join(dir, 'floor.db'));
const now = Math.floor(Date.now() / 1000);
const scopes = ['openid', 'profile', 'email', 'offline_access'];

const token = (grantId: string, kind: TokenKind): TokenRecord => ({
  tokenDigest: newOpaqueValue('gh_x_').digest, kind, grantId, clientId: 'bench', accountId: 'bench-user', scopes,
  authTime: now, nonce: 'n', sid: null, createdAt: now, expiresAt: now + 3600, revokedAt: null, rotatedAt: null,
});

async function oneFlow(): Promise<void> {
  const code = newOpaqueValue('gh_ac_');
  const grantId = randomToken(16);
  await storage.authorizationCodes.insert({
    codeDigest: code.digest, grantId, clientId: 'bench', accountId: 'bench-user', redirectUri: 'http://127.0.0.1/cb', scopes,
    codeChallenge: 'c'.repeat(43), codeChallengeMethod: 'S256', nonce: 'n', authTime: now, sid: null, createdAt: now, expiresAt: now + 60, consumedAt: null,
  });
  if (!(await storage.authorizationCodes.find(code.digest))) throw new Error('code not found');
  const result = await storage.authorizationCodes.redeem(code.digest, now,
    { grantId, accountId: 'bench-user', clientId: 'bench', scopes, sid: null, createdAt: now, revokedAt: null },
    [token(grantId, 'access_token'), token(grantId, 'refresh_token')]);
  if (!result?.firstUse) throw new Error('code not redeemed');
}

let refreshToken = token('floor-grant', 'refresh_token');
await storage.grants.insert({ grantId: 'floor-grant', accountId: 'bench-user', clientId: 'bench', scopes, sid: null, createdAt: now, revokedAt: null });
await storage.tokens.insert([refreshToken]);

async function oneRotation(): Promise<void> {
  const next = token('floor-grant', 'refresh_token');
  const current = refreshToken;
  refreshToken = next;
  const result = await storage.tokens.rotateRefreshToken(current.tokenDigest, now, [token('floor-grant', 'access_token'), next]);
  if (result.outcome !== 'rotated') throw new Error(`rotation ${result.outcome}`);
}

async function oneClientCredentialsToken(): Promise<void> {
  await storage.tokens.insert([token('cc:bench', 'access_token')]);
}

async function measure(name: string, operation: () => Promise<void>, inFlight: number): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let begun = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (begun++ < operations) await operation();
  }));
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  console.log(`${name}: ${Math.round(operations / seconds)}/s, CPU per operation ${Math.round(used.user / operations)} µs user + ${Math.round(used.system / operations)} µs system`);
}

try {
  for (let round = 1; round <= 3; round++) {
    await measure(`round ${round} code flow`, oneFlow, 16);
    // One refresh token chain, so rotations run one after another.
    await measure(`round ${round} refresh rotation`, oneRotation, 1);
    await measure(`round ${round} client_credentials token`, oneClientCredentialsToken, 16);
  }
} finally {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
