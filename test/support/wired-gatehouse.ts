// Gatehouse with the production wiring (createGatehouse → openGatehouse: the app, the outbox worker,
// the back-channel logout notifier) on a free 127.0.0.1 port, on the suite's database (a temp SQLite
// file, or an own PostgreSQL schema with GATEHOUSE_TEST_DATABASE_URL, plus Redis when set), for
// tests in which a real relying party must receive logout tokens.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatehouse, type Gatehouse, type GatehouseConfig } from 'gatehouse';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import type { ClientRecord } from '../../src/storage/records.js';
import {
  dropSchema, freePort, seedClient, seedUser, testDatabaseUrl, testKeyEncryptionKey, type TestClient,
} from './gatehouse.js';

export interface WiredGatehouse {
  issuer: string;
  gatehouse: Gatehouse;
  createClient(options?: Partial<ClientRecord> & { public?: boolean }): Promise<TestClient>;
  createUser(options?: { username?: string; password?: string }): Promise<{ accountId: string; username: string; password: string }>;
  close(): Promise<void>;
}

export async function startWiredGatehouse(overrides: Partial<GatehouseConfig> = {}): Promise<WiredGatehouse> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-wired-'));
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const database = testDatabaseUrl(dir);
  const gatehouse = await createGatehouse({
    issuer, databaseUrl: database.url, logLevel: 'silent',
    argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
    ...(database.schema ? { keyEncryptionKey: testKeyEncryptionKey } : {}),
    ...(process.env.GATEHOUSE_TEST_REDIS_URL ? { redisUrl: process.env.GATEHOUSE_TEST_REDIS_URL, redisKeyPrefix: `gh-test-${port}-${Date.now()}:` } : {}),
    // Relying parties listen on loopback; the outbox is polled every second.
    allowPrivateNetworkFetch: true, outboxPollInterval: 1,
    ...overrides,
  }, { logger: silentLogger() });
  const http: Server = createServer((request, response) => gatehouse.handle(request, response));
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  return {
    issuer, gatehouse,
    createClient: (options = {}) => seedClient(gatehouse.storage, systemClock, options),
    createUser: (options = {}) => seedUser(gatehouse.storage, systemClock, options),
    async close() {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await gatehouse.close();
      rmSync(dir, { recursive: true, force: true });
      if (database.schema) await dropSchema(process.env.GATEHOUSE_TEST_DATABASE_URL!, database.schema);
    },
  };
}
