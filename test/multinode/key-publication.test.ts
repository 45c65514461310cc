// Two nodes on one PostgreSQL schema with the default 60 s key cache: `gatehouse keys rotate`
// (another process) shows in BOTH nodes' JWKS within about a second, through LISTEN/NOTIFY, while
// both keep signing with the old key until the publish delay passes (issue 9; RFC 7517 §5,
// OIDC Core §10.1.1).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONWebKeySet } from 'jose';
import { startCluster, type Cluster } from './cluster.js';
import { seedClientAndUser, type Seed } from './seed.js';
import { jwtHeader, obtainCode, redeem, token } from './protocol.js';

/** Generous on a shared machine; what matters is "well before the 60 s cache". */
const deadlineMs = 10_000;

describe('a rotated key on every node at once (PostgreSQL LISTEN/NOTIFY)', () => {
  let cluster: Cluster;
  let seed: Seed;
  let nodes: string[];

  before(async () => {
    cluster = await startCluster({ nodes: 2 });
    seed = await seedClientAndUser(cluster);
    nodes = cluster.nodes.map((n) => n.url);
  });
  after(() => cluster?.stop());

  const published = async (node: string) =>
    ((await (await fetch(`${node}/jwks`)).json()) as JSONWebKeySet).keys.map((k) => k.kid!);

  it('lists the new key on both nodes within the deadline, far below keyCacheTtl, and neither signs with it yet', async () => {
    const redeemed = await redeem(nodes[0]!, seed.client, await obtainCode({ login: nodes[0]!, resume: nodes[0]! }, seed.client, seed.user));
    assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
    let refreshToken = String(redeemed.body.refresh_token);
    const oldKid = jwtHeader(String(redeemed.body.id_token)).kid!;
    for (const node of nodes) assert.ok((await published(node)).includes(oldKid), 'each node has loaded and cached its key set');

    const cli = await cluster.cli(['keys', 'rotate', '--json']);
    const rotatedAt = Date.now();
    assert.equal(cli.code, 0, cli.stderr);
    const fresh = (JSON.parse(cli.stdout) as Array<{ kid: string }>)[0]!;
    const seenAt = await Promise.all(nodes.map(async (node) => {
      while (Date.now() - rotatedAt < deadlineMs) {
        if ((await published(node)).includes(fresh.kid)) return Date.now() - rotatedAt;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return Infinity;
    }));
    seenAt.forEach((ms, n) => assert.ok(ms < deadlineMs, `node ${n} did not publish the new key within ${deadlineMs} ms`));
    assert.ok(Math.max(...seenAt) < 60_000 / 6, `published after ${seenAt.join(', ')} ms`);

    for (const node of nodes) {
      const refreshed = await token(node, seed.client, { grant_type: 'refresh_token', refresh_token: refreshToken });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      refreshToken = String(refreshed.body.refresh_token);
      assert.equal(jwtHeader(String(refreshed.body.id_token)).kid, oldKid, 'the new key waits for its publish delay');
      assert.ok((await published(node)).includes(oldKid));
    }
  });
});
