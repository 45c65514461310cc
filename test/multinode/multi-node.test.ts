// Three Gatehouse processes share PostgreSQL (and Redis): one user's journey hops between them —
// login on A, authorization resumed on B, code redeemed on C, refresh on A, revocation on B seen
// by introspection on C (issue 4).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { adminQuery, redisUrl } from '../storage-contract/postgres-fixture.js';
import { startCluster, type Cluster } from './cluster.js';
import { seedClientAndUser, type Seed } from './seed.js';
import { introspect, obtainCode, redeem, revoke, token } from './protocol.js';

async function redisKeyCount(pattern: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    return count;
  } finally {
    redis.disconnect();
  }
}

for (const backend of [{ name: 'PostgreSQL', redis: false }, { name: 'PostgreSQL + Redis', redis: true }]) {
  describe(`three nodes on ${backend.name}`, () => {
    let cluster: Cluster;
    let seed: Seed;
    let A: string;
    let B: string;
    let C: string;

    before(async () => {
      cluster = await startCluster({ nodes: 3, redis: backend.redis });
      seed = await seedClientAndUser(cluster);
      [A, B, C] = cluster.nodes.map((n) => n.url) as [string, string, string];
    });
    after(() => cluster?.stop());

    it('carries one sign-in across nodes: login on A, consent on B, code on C, refresh on A, revocation on B seen on C (RFC 6749 §4.1, §6; RFC 7009 §2.1; RFC 7662 §2.2)', async () => {
      const issued = await obtainCode({ login: A, resume: B }, seed.client, seed.user);
      assert.deepEqual(issued.pages, ['login', 'consent'], 'login form on A, consent page on B');
      assert.equal(issued.callback.searchParams.get('state'), 'multinode-state');
      assert.equal(issued.callback.searchParams.get('iss'), cluster.issuer, 'RFC 9207: the one shared issuer, whichever node answered');

      const redeemed = await redeem(C, seed.client, issued);
      assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
      const first = redeemed.body as { access_token: string; refresh_token: string; id_token: string };
      assert.match(first.refresh_token, /^gh_rt_/);

      const refreshed = await token(A, seed.client, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      const second = refreshed.body as { access_token: string; refresh_token: string };
      assert.notEqual(second.refresh_token, first.refresh_token, 'rotated');
      assert.equal((await introspect(B, seed.client, first.refresh_token)).body.active, false, 'the rotated token is inactive on B');
      const active = await introspect(C, seed.client, second.access_token);
      assert.equal(active.body.active, true);
      assert.equal(active.body.sub, seed.user.accountId);
      assert.equal(active.body.iss, cluster.issuer);

      const revoked = await revoke(B, seed.client, second.refresh_token);
      assert.equal(revoked.status, 200);
      // Revoking the refresh token revokes its grant, so the access token dies with it (RFC 7009 §2.1).
      for (const value of [second.refresh_token, second.access_token, first.access_token]) {
        assert.equal((await introspect(C, seed.client, value)).body.active, false);
      }
      const afterRevocation = await token(C, seed.client, { grant_type: 'refresh_token', refresh_token: second.refresh_token });
      assert.equal(afterRevocation.status, 400);
      assert.equal(afterRevocation.body.error, 'invalid_grant');
    });

    it('recognises on B and C the browser session and consent given on A: no login or consent page again (OIDC Core §3.1.2.3)', async () => {
      const first = await obtainCode({ login: A, resume: A }, seed.client, seed.user);
      for (const node of [B, C]) {
        // Same browser, no login form and no consent page: the session and consent are shared.
        const again = await obtainCode({ login: node, resume: node }, seed.client, seed.user, undefined, first.browser);
        assert.deepEqual(again.pages, []);
        assert.equal((await redeem(node, seed.client, again)).status, 200);
      }
    });

    it(`stores browser sessions in ${backend.redis ? 'Redis under the cluster prefix' : 'PostgreSQL'} and consents in PostgreSQL`, async () => {
      await obtainCode({ login: B, resume: C }, seed.client, seed.user);
      const [sessions] = await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${cluster.schema}.sessions`);
      const [consents] = await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${cluster.schema}.consents`);
      assert.ok(consents!.n >= 1, 'consent is durable: PostgreSQL');
      if (backend.redis) {
        assert.equal(sessions!.n, 0, 'no session rows in PostgreSQL when Redis holds them');
        assert.ok(await redisKeyCount(`${cluster.redisKeyPrefix}session:*`) >= 1, 'sessions live under the cluster prefix in Redis');
      } else {
        assert.ok(sessions!.n >= 1, 'sessions live in PostgreSQL');
      }
    });
  });
}
