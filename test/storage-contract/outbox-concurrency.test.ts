// Two nodes claiming from one outbox at once (two SQLite connections on one file; two PostgreSQL
// pools on one schema) never lease one message to both (issue 10: several nodes do not each send it).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '../../src/storage/ports.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { dropSchema, postgresUrl, uniqueSchema } from './postgres-fixture.js';
import { nowSeconds, outboxMessage } from './fixtures.js';

async function drainConcurrently(nodes: Storage[], now: number): Promise<string[][]> {
  return Promise.all(nodes.map(async (node, n) => {
    const mine: string[] = [];
    for (let round = 0; ; round++) {
      const batch = await node.outbox.claim(`node-${n}-${round}`, now, 60, 3);
      if (batch.length === 0) return mine;
      mine.push(...batch.map((m) => m.messageId));
    }
  }));
}

function describeTwoNodes(name: string, open: () => Promise<Storage>, cleanup?: () => Promise<void>): void {
  describe(`outbox claimed by two nodes: ${name}`, () => {
    const opened: Storage[] = [];
    after(async () => {
      for (const storage of opened) await storage.close();
      await cleanup?.();
    });

    it('every message is leased to exactly one node (issue 10)', async () => {
      opened.push(await open(), await open());
      const now = nowSeconds();
      const messages = Array.from({ length: 60 }, (_, i) => outboxMessage(now - 60 + i));
      await opened[0]!.outbox.enqueue(messages);
      const [first, second] = await drainConcurrently(opened, now);
      const all = [...first!, ...second!];
      assert.equal(new Set(all).size, all.length, 'no message leased twice');
      assert.deepEqual(new Set(all), new Set(messages.map((m) => m.messageId)));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-outbox-'));
after(() => rmSync(dir, { recursive: true, force: true }));
describeTwoNodes('SQLite file', () => openSqliteStorage(join(dir, 'outbox.db')));

const schema = uniqueSchema();
describeTwoNodes('PostgreSQL', () => openPostgresStorage(postgresUrl, { schema, poolSize: 4 }), () => dropSchema(schema));
