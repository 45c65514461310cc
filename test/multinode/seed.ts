// Registers a client and an account in a cluster's shared database, the way `gatehouse client
// create` and `gatehouse user create` would, but in-process so a suite starts quickly.
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../src/accounts/password.js';
import { sha256Hex } from '../../src/lib/digest.js';
import { silentLogger } from '../../src/lib/logger.js';
import { prefixedToken, randomToken } from '../../src/lib/random.js';
import { createStorage } from '../../src/storage/create-storage.js';
import type { ClientRecord } from '../../src/storage/records.js';
import type { Cluster } from './cluster.js';

export interface SeededClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface SeededUser {
  accountId: string;
  username: string;
  password: string;
}

export interface Seed {
  client: SeededClient;
  user: SeededUser;
}

const now = () => Math.floor(Date.now() / 1000);

/** One confidential client (code, refresh, client_credentials; consent shown) and one user. */
export async function seedClientAndUser(cluster: Pick<Cluster, 'databaseUrl'>, redirectUri = 'http://localhost:8765/callback'): Promise<Seed> {
  const storage = await createStorage({ databaseUrl: cluster.databaseUrl, logger: silentLogger(), poolSize: 1 });
  try {
    const clientSecret = prefixedToken('gh_cs_');
    const client: ClientRecord = {
      clientId: randomToken(12), clientName: 'Multinode test client', secretDigest: sha256Hex(clientSecret),
      redirectUris: [redirectUri], grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      responseTypes: ['code'], scopes: ['openid', 'profile', 'email', 'offline_access', 'api:read'],
      skipConsent: false, tokenEndpointAuthMethod: 'client_secret_basic', postLogoutRedirectUris: [], metadata: {}, createdAt: now(),
    };
    await storage.clients.insert(client);
    const username = `user-${randomUUID().slice(0, 8)}`;
    const password = 'correct horse battery staple';
    const accountId = randomUUID();
    await storage.accounts.insert({
      accountId, username, email: `${username}@example.com`, emailVerified: true, name: 'Multi Node',
      passwordHash: await hashPassword(password, { memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      createdAt: now(), updatedAt: now(),
    });
    return { client: { clientId: client.clientId, clientSecret, redirectUri }, user: { accountId, username, password } };
  } finally {
    await storage.close();
  }
}
