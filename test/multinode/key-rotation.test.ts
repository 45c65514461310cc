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
/** How long after the activation time a node may still sign with the old key (ms). */
const switchSlack = 1000;

interface Round {
  /** When the round's JWKS requests were sent and when its last ID token arrived (ms). */
  startedAt: number;
  endedAt: number;
  /** Per node: the kids its JWKS listed, fetched BEFORE this round's tokens were requested. */
  published: Set<string>[];
  /** Per node: when its JWKS request was sent (ms). */
  fetchedAt: number[];
  /** Per node: the kid of the ID token it signed in this round, when it was asked and when it arrived (ms). */
  signedWith: string[];
  requestedAt: number[];
  signedAt: number[];
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
    const fetchedAt: number[] = [];
    const published = await Promise.all(nodes.map(async (node, n) => {
      fetchedAt[n] = Date.now();
      const set = await (await fetch(`${node}/jwks`)).json() as JSONWebKeySet;
      return new Set(set.keys.map((k) => k.kid!));
    }));
    const signedWith: string[] = [];
    const signedAt: number[] = [];
    const requestedAt: number[] = [];
    const idTokens: string[] = [];
    for (const node of nodes) {
      requestedAt.push(Date.now());
      // A refresh with scope openid returns a fresh ID token signed by the node's current key.
      const refreshed = await token(node, seed.client, { grant_type: 'refresh_token', refresh_token: refreshToken });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      refreshToken = String(refreshed.body.refresh_token);
      const idToken = String(refreshed.body.id_token);
      idTokens.push(idToken);
      signedWith.push(jwtHeader(idToken).kid!);
      signedAt.push(Date.now());
    }
    return { startedAt, endedAt: Date.now(), published, fetchedAt, signedWith, requestedAt, signedAt, idTokens };
  }

  it('publishes the new key on every node before any node signs with it, and all sign with it within 2 × keyCacheTtl + 1 s', async () => {
    const first = await round();
    const oldKid = first.signedWith[0]!;
    assert.deepEqual(first.signedWith, nodes.map(() => oldKid), 'one key signs on every node before the rotation');
    // Nodes starting together on an empty database may each create a first key; all are published
    // and every node picks the same signer among them, so verifiers see no difference.
    assert.ok(first.published.every((s) => s.has(oldKid) && s.size === first.published[0]!.size));

    const rounds: Round[] = [first];
    // Observe until a whole round was asked for after the switch-over deadline (known once the CLI answered).
    let switchDeadline = Infinity;
    const observer = (async () => {
      // Ends on the event (a round after the switch-over); the cap only guards against a hung CLI.
      while (!(rounds.at(-1)!.requestedAt[0]! >= switchDeadline) && Date.now() - first.startedAt < 180_000) {
        rounds.push(await round());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const rotatedAt = Date.now();
    const cli = await cluster.cli(['keys', 'rotate', '--json']);
    const rotatedBy = Date.now();
    switchDeadline = cli.code === 0 ? Date.parse((JSON.parse(cli.stdout) as Array<{ activates_at: string }>)[0]!.activates_at) + switchSlack : 0;
    await observer;
    assert.equal(cli.code, 0, cli.stderr);
    // RS256 first (every algorithm gets a key); the ID tokens observed here are RS256.
    const fresh = (JSON.parse(cli.stdout) as Array<{ kid: string; created_at: string; activates_at: string }>)[0]!;
    const activatesAt = Date.parse(fresh.activates_at);
    assert.equal(activatesAt - Date.parse(fresh.created_at), 2 * keyCacheTtl * 1000, 'publish delay = 2 × keyCacheTtl');
    assert.ok(activatesAt >= rotatedAt + (2 * keyCacheTtl - 1) * 1000);
    assert.ok(activatesAt <= rotatedBy + 2 * keyCacheTtl * 1000, 'activation is bounded by 2 × keyCacheTtl');

    // The two halves of "published before it signs": from the activation time on, every JWKS
    // answer lists the key; before it, no node signs with it. (A JWKS answered in the second
    // before activation may still be a node's cached copy: the publish delay equals the cache time.)
    for (const r of rounds) {
      r.published.forEach((kids, n) => {
        if (r.fetchedAt[n]! >= activatesAt) assert.ok(kids.has(fresh.kid), `node ${n}'s JWKS lacks the active key`);
      });
      r.signedWith.forEach((kid, n) => {
        if (kid === fresh.kid) assert.ok(r.signedAt[n]! >= activatesAt, `node ${n} signed with the new key before its activation`);
      });
    }
    // Publication is never withdrawn, and the retired key stays published (retirement grace).
    const listedEverywhere = rounds.findIndex((r) => r.published.every((kids) => kids.has(fresh.kid)));
    assert.ok(listedEverywhere > 0, 'every node lists the new key');
    for (const r of rounds.slice(listedEverywhere)) assert.ok(r.published.every((kids) => kids.has(fresh.kid) && kids.has(oldKid)));
    // Switch-over is bounded: every token asked for after activation (+ slack) carries the new key.
    const late = rounds.flatMap((r) => r.signedWith.filter((_, n) => r.requestedAt[n]! >= activatesAt + switchSlack));
    assert.ok(late.length >= nodes.length, 'observed every node after the switch-over');
    assert.deepEqual(late.filter((kid) => kid !== fresh.kid), [], 'every node signs with the new key');

    // An ID token signed with the new key verifies against each node's JWKS, with the one issuer.
    const last = rounds.at(-1)!;
    for (const [n, node] of nodes.entries()) {
      const jwks = createLocalJWKSet(await (await fetch(`${node}/jwks`)).json() as JSONWebKeySet);
      const { payload } = await jwtVerify(last.idTokens[(n + 1) % nodes.length]!, jwks, { issuer: cluster.issuer, audience: seed.client.clientId });
      assert.equal(payload.sub, seed.user.accountId);
    }
  });
});
