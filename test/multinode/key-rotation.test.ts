// `gatehouse keys rotate` against the shared database while three nodes serve: every node's
// JWKS lists the new key before any node signs with it, and every node signs with it within a
// bounded time (keyCacheTtl = 2 s here) — issue 4; RFC 7517 §5, OIDC Core §10.1.1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { startCluster, type Cluster } from './cluster.js';
import { seedClientAndUser, type Seed } from './seed.js';
import { jwtHeader, obtainCode, redeem, token } from './protocol.js';

const keyCacheTtl = 2;

interface Round {
  /** When the round's JWKS requests were sent and when its last ID token arrived (ms). */
  startedAt: number;
  endedAt: number;
  /** Per node: the kids its JWKS listed, fetched BEFORE this round's tokens were requested. */
  published: Set<string>[];
  /** Per node: the kid of the ID token it signed in this round. */
  signedWith: string[];
  idTokens: string[];
}

describe('signing key rotation across three nodes', () => {
  let cluster: Cluster;
  let seed: Seed;
  let nodes: string[];
  let refreshToken: string;

  before(async () => {
    cluster = await startCluster({ nodes: 3, config: { keyCacheTtl } });
    seed = await seedClientAndUser(cluster);
    nodes = cluster.nodes.map((n) => n.url);
    const redeemed = await redeem(nodes[0]!, seed.client, await obtainCode({ login: nodes[0]!, resume: nodes[0]! }, seed.client, seed.user));
    refreshToken = String(redeemed.body.refresh_token);
  });
  after(() => cluster?.stop());

  async function round(): Promise<Round> {
    const startedAt = Date.now();
    const published = await Promise.all(nodes.map(async (node) => {
      const set = await (await fetch(`${node}/jwks`)).json() as JSONWebKeySet;
      return new Set(set.keys.map((k) => k.kid!));
    }));
    const signedWith: string[] = [];
    const idTokens: string[] = [];
    for (const node of nodes) {
      // A refresh with scope openid returns a fresh ID token signed by the node's current key.
      const refreshed = await token(node, seed.client, { grant_type: 'refresh_token', refresh_token: refreshToken });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      refreshToken = String(refreshed.body.refresh_token);
      const idToken = String(refreshed.body.id_token);
      idTokens.push(idToken);
      signedWith.push(jwtHeader(idToken).kid!);
    }
    return { startedAt, endedAt: Date.now(), published, signedWith, idTokens };
  }

  it('publishes the new key on every node before any node signs with it, and all sign with it within keyCacheTtl + 2 s', async () => {
    const first = await round();
    const oldKid = first.signedWith[0]!;
    assert.deepEqual(first.signedWith, nodes.map(() => oldKid), 'one key signs on every node before the rotation');
    // Nodes starting together on an empty database may each create a first key; all are published
    // and every node picks the same signer among them, so verifiers see no difference.
    assert.ok(first.published.every((s) => s.has(oldKid) && s.size === first.published[0]!.size));

    const rounds: Round[] = [first];
    let rotating = true;
    const observer = (async () => {
      while (rotating || !rounds.at(-1)!.signedWith.every((kid) => kid !== oldKid)) {
        rounds.push(await round());
        if (Date.now() - first.startedAt > 20_000) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const rotatedAt = Date.now();
    const cli = await cluster.cli(['keys', 'rotate', '--json']);
    const rotatedBy = Date.now();
    rotating = false;
    await observer;
    assert.equal(cli.code, 0, cli.stderr);
    const fresh = JSON.parse(cli.stdout) as { kid: string; status: string; activates_at: string };
    assert.equal(fresh.status, 'pending', 'the new key does not sign at once');
    const activatesAt = Date.parse(fresh.activates_at);
    assert.ok(activatesAt >= rotatedAt + (keyCacheTtl - 1) * 1000, 'publish delay = keyCacheTtl');

    for (const r of rounds) {
      r.signedWith.forEach((kid, n) => {
        if (kid !== fresh.kid) return;
        // The JWKS of EVERY node was fetched before this token was even requested.
        assert.deepEqual(r.published.map((s) => s.has(fresh.kid)), nodes.map(() => true),
          `node ${n} signed with the new key while a JWKS did not list it yet`);
        assert.ok(r.endedAt >= activatesAt, 'no node signs before the activation time');
      });
    }
    // Publication is bounded (within keyCacheTtl of the rotation) and never withdrawn.
    const listedEverywhere = rounds.findIndex((r) => r.published.every((s) => s.has(fresh.kid)));
    assert.ok(listedEverywhere > 0 && rounds[listedEverywhere]!.startedAt <= rotatedBy + (keyCacheTtl + 1) * 1000);
    for (const r of rounds.slice(listedEverywhere)) assert.ok(r.published.every((s) => s.has(fresh.kid) && s.has(oldKid)));
    // Switch-over is bounded and final: from some round on, every node signs with the new key.
    const switched = rounds.findIndex((r, i) => rounds.slice(i).every((later) => later.signedWith.every((kid) => kid === fresh.kid)));
    assert.ok(switched > 0, 'every node ends up signing with the new key');
    assert.ok(rounds[switched]!.endedAt <= activatesAt + 2000 + 1000, 'within keyCacheTtl + 2 s of the rotation');

    // An ID token signed with the new key verifies against each node's JWKS, with the one issuer.
    const last = rounds.at(-1)!;
    for (const [n, node] of nodes.entries()) {
      const jwks = createLocalJWKSet(await (await fetch(`${node}/jwks`)).json() as JSONWebKeySet);
      const { payload } = await jwtVerify(last.idTokens[(n + 1) % nodes.length]!, jwks, { issuer: cluster.issuer, audience: seed.client.clientId });
      assert.equal(payload.sub, seed.user.accountId);
    }
  });
});
