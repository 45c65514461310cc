// The storage contract against real PostgreSQL, in a schema of its own that is dropped after.
import { describeStorageContract } from './contract.js';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { dropSchema, postgresUrl, uniqueSchema } from './postgres-fixture.js';

const schema = uniqueSchema();

describeStorageContract('PostgreSQL', () => openPostgresStorage(postgresUrl, { schema }), {
  cleanup: () => dropSchema(schema),
});
