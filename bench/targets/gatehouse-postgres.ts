// Gatehouse on PostgreSQL: each start gets its own schema (`?schema=`), dropped when it stops.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { gatehouseTarget } from './gatehouse.js';
import type { Target } from './target.js';

export function gatehousePostgresTarget(postgresUrl: string): Target {
  return gatehouseTarget({
    name: 'gatehouse-pg',
    label: 'Gatehouse (PostgreSQL)',
    databaseUrl: () => {
      const url = new URL(postgresUrl);
      url.searchParams.set('schema', `gatehouse_bench_${randomBytes(6).toString('hex')}`);
      return url.href;
    },
    async dropDatabase(databaseUrl) {
      const url = new URL(databaseUrl);
      const schema = url.searchParams.get('schema');
      url.searchParams.delete('schema');
      if (!schema || !/^gatehouse_bench_[0-9a-f]+$/.test(schema)) return;
      const client = new pg.Client({ connectionString: url.href });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  });
}
