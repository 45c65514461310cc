// The atomic rules across processes: 50 simultaneous redemptions of one code, and 50
// simultaneous uses of one refresh token, spread over three nodes (issue 4).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster } from './cluster.js';
import { seedClientAndUser, type Seed } from './seed.js';
import { introspect, obtainCode, redeem, token, type JsonResponse } from './protocol.js';

const contenders = 50;

function tally(responses: JsonResponse[]): { winners: JsonResponse[]; errors: string[] } {
  const winners = responses.filter((r) => r.status === 200);
  const errors = responses.filter((r) => r.status !== 200).map((r) => `${r.status} ${String(r.body.error)}`);
  return { winners, errors };
}

for (const backend of [{ name: 'PostgreSQL', redis: false }, { name: 'PostgreSQL + Redis', redis: true }]) {
  describe(`races across three nodes on ${backend.name}`, () => {
    let cluster: Cluster;
    let seed: Seed;
    let nodes: string[];

    before(async () => {
      cluster = await startCluster({ nodes: 3, redis: backend.redis });
      seed = await seedClientAndUser(cluster);
      nodes = cluster.nodes.map((n) => n.url);
    });
    after(() => cluster?.stop());

    it(`gives tokens to exactly one of ${contenders} simultaneous redemptions of a code and revokes them after the replays (RFC 6749 §4.1.2, §10.5)`, async () => {
      const issued = await obtainCode({ login: nodes[0]!, resume: nodes[1]! }, seed.client, seed.user);
      const responses = await Promise.all(Array.from({ length: contenders }, (_, i) => redeem(nodes[i % nodes.length]!, seed.client, issued)));
      const { winners, errors } = tally(responses);
      assert.equal(winners.length, 1, `exactly one 200, got ${winners.length}`);
      assert.deepEqual(new Set(errors), new Set(['400 invalid_grant']), 'every other redemption is invalid_grant');
      const won = winners[0]!.body as { access_token: string; refresh_token: string };
      // The replays revoked the grant, so what the winner got is dead too.
      for (const node of nodes) {
        assert.equal((await introspect(node, seed.client, won.access_token)).body.active, false);
        assert.equal((await introspect(node, seed.client, won.refresh_token)).body.active, false);
      }
    });

    it(`rotates a refresh token for exactly one of ${contenders} simultaneous uses and revokes the family (RFC 9700 §4.14.2)`, async () => {
      const issued = await obtainCode({ login: nodes[2]!, resume: nodes[0]! }, seed.client, seed.user);
      const redeemed = await redeem(nodes[1]!, seed.client, issued);
      assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
      const original = redeemed.body as { access_token: string; refresh_token: string };

      const responses = await Promise.all(Array.from({ length: contenders }, (_, i) =>
        token(nodes[i % nodes.length]!, seed.client, { grant_type: 'refresh_token', refresh_token: original.refresh_token })));
      const { winners, errors } = tally(responses);
      assert.equal(winners.length, 1, `exactly one 200, got ${winners.length}`);
      assert.deepEqual(new Set(errors), new Set(['400 invalid_grant']));
      const won = winners[0]!.body as { access_token: string; refresh_token: string };
      assert.notEqual(won.refresh_token, original.refresh_token);
      // The reuse revoked the whole family: the winner's new tokens and the originals, on every node.
      for (const node of nodes) {
        for (const value of [won.access_token, won.refresh_token, original.access_token, original.refresh_token]) {
          assert.equal((await introspect(node, seed.client, value)).body.active, false);
        }
      }
      const next = await token(nodes[0]!, seed.client, { grant_type: 'refresh_token', refresh_token: won.refresh_token });
      assert.equal(next.status, 400);
      assert.equal(next.body.error, 'invalid_grant');
    });
  });
}
