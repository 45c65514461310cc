// The storage contract against PostgreSQL with the short-lived records in Redis: behaviour must
// be identical to PostgreSQL alone. Unique schema and key prefix, both removed after.
import { describeStorageContract } from './contract.js';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { withRedis } from '../../src/storage/redis/redis-storage.js';
import { deleteRedisKeys, dropSchema, postgresUrl, redisUrl, uniqueKeyPrefix, uniqueSchema } from './postgres-fixture.js';

const schema = uniqueSchema();
const keyPrefix = uniqueKeyPrefix();

describeStorageContract(
  'PostgreSQL + Redis',
  async () => withRedis(await openPostgresStorage(postgresUrl, { schema }), redisUrl, { keyPrefix }),
  {
    cleanup: async () => {
      await dropSchema(schema);
      await deleteRedisKeys(keyPrefix);
    },
  },
);
