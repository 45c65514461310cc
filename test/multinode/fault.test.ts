// Failures under a bounded load: a node SIGKILLed (the others keep serving; nothing it issued is
// lost), and PostgreSQL stopped and started again (503 temporarily_unavailable meanwhile, never
// 500, then service again without restarting Gatehouse) — issue 4.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster } from './cluster.js';
import { seedClientAndUser, type Seed } from './seed.js';
import { introspect, token, type JsonResponse } from './protocol.js';
import { startLoad, until, type Operation, type Outcome } from './load.js';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';

function clientCredentials(node: string, seed: Seed): Promise<JsonResponse> {
  return token(node, seed.client, { grant_type: 'client_credentials', scope: 'api:read' });
}

/** Half the operations obtain a token, half introspect one issued earlier (RFC 6749 §4.4, RFC 7662). */
function mixedOperation(index: number, nodes: string[], seed: Seed, issued: string[]): Operation {
  const node = index % nodes.length;
  if (index % 2 === 0 || issued.length === 0) {
    return { node, kind: 'token', run: () => clientCredentials(nodes[node]!, seed) };
  }
  const value = issued[index % issued.length]!;
  return { node, kind: 'introspect', run: () => introspect(nodes[node]!, seed.client, value) };
}

function issuedTokens(outcomes: Outcome[]): string[] {
  return outcomes.filter((o) => o.kind === 'token' && o.response?.status === 200)
    .map((o) => String(o.response!.body.access_token));
}

function describeOutcome(o: Outcome): string {
  return `#${o.index} node ${o.node} ${o.kind}: ${o.response ? `${o.response.status} ${JSON.stringify(o.response.body)}` : o.networkError}`;
}

async function allActive(nodes: string[], seed: Seed, tokens: string[]): Promise<string[]> {
  const inactive: string[] = [];
  for (const node of nodes) {
    for (let i = 0; i < tokens.length; i += 20) {
      const answers = await Promise.all(tokens.slice(i, i + 20).map((t) => introspect(node, seed.client, t)));
      answers.forEach((a, j) => { if (a.body.active !== true) inactive.push(`${node}: token #${i + j} -> ${a.status} ${JSON.stringify(a.body)}`); });
    }
  }
  return inactive;
}

describe('a node killed with SIGKILL under load', () => {
  let cluster: Cluster;
  let seed: Seed;

  before(async () => {
    cluster = await startCluster({ nodes: 3 });
    seed = await seedClientAndUser(cluster);
  });
  after(() => cluster?.stop());

  it('leaves the other nodes serving, and every token issued before the kill still introspects active on them', async () => {
    const nodes = cluster.nodes.map((n) => n.url);
    const victim = 2;
    const survivors = nodes.filter((_, i) => i !== victim);
    const before = await Promise.all(Array.from({ length: 30 }, (_, i) => clientCredentials(nodes[i % 3]!, seed)));
    assert.ok(before.every((r) => r.status === 200));
    const issuedBefore = before.map((r) => String(r.body.access_token));

    let killedAt = Infinity;
    const load = startLoad({
      // Bounded by the count; the duration cap only guards against a hang on a loaded machine.
      count: 300, concurrency: 9, maxDurationMs: 240_000,
      operation: (index) => mixedOperation(index, nodes, seed, issuedBefore),
    });
    await until(() => load.outcomes.length >= 100, 120_000, '100 operations before the kill');
    killedAt = Date.now();
    await cluster.kill(victim);
    const outcomes = await load.done;

    const onSurvivors = outcomes.filter((o) => o.node !== victim);
    const failures = onSurvivors.filter((o) => o.response?.status !== 200 || (o.kind === 'introspect' && o.response.body.active !== true));
    assert.deepEqual(failures.map(describeOutcome), [], 'every request to a surviving node succeeded');
    assert.ok(onSurvivors.filter((o) => o.startedAt > killedAt).length >= 100, 'the survivors served the load after the kill');
    // The dead node answers nothing, but never half an answer: a 200 before, a refused connection after.
    const onVictim = outcomes.filter((o) => o.node === victim);
    assert.deepEqual(onVictim.filter((o) => o.response !== undefined && o.response.status !== 200).map(describeOutcome), []);
    assert.ok(onVictim.some((o) => o.startedAt > killedAt && o.networkError !== undefined), 'requests to the killed node fail at the network level');

    // Everything any node issued — the victim included, before it died — is in the shared database.
    const everyToken = [...issuedBefore, ...issuedTokens(outcomes)];
    assert.ok(everyToken.length >= 120, `${everyToken.length} tokens issued`);
    assert.deepEqual(await allActive(survivors, seed, everyToken), []);
    for (const node of survivors) assert.equal((await fetch(`${node}/healthz`)).status, 200);
  });
});

describe('PostgreSQL stopped and started again under load (private cluster)', () => {
  let postgres: PrivatePostgres;
  let cluster: Cluster;
  let seed: Seed;

  before(async () => {
    postgres = await startPrivatePostgres();
    cluster = await startCluster({ nodes: 2, postgresUrl: postgres.url });
    seed = await seedClientAndUser(cluster);
  });
  after(async () => {
    await cluster?.stop().catch(() => undefined);
    await postgres?.destroy();
  });

  it('answers 503 temporarily_unavailable (never 500) during the outage and serves again afterwards without a restart (RFC 6749 §5.2)', async () => {
    const nodes = cluster.nodes.map((n) => n.url);
    const pids = cluster.nodes.map((n) => n.child.pid);
    const seeded = await Promise.all(Array.from({ length: 10 }, (_, i) => clientCredentials(nodes[i % 2]!, seed)));
    const issuedBefore = seeded.map((r) => String(r.body.access_token));

    const load = startLoad({
      // Ended by stop() below; the duration cap only guards against a hang on a loaded machine.
      count: 4000, concurrency: 6, maxDurationMs: 400_000, pauseMs: 10,
      operation: (index) => mixedOperation(index, nodes, seed, issuedBefore),
    });
    const healthDuringOutage: number[] = [];
    let stoppedAt = 0;
    let restartedAt = 0;
    let recoveredAt = 0;
    try {
      // Each wait is for an event; the deadlines only guard against a hang on a loaded machine.
      await until(() => load.outcomes.length >= 60, 120_000, 'load before the outage');
      stoppedAt = Date.now();
      await postgres.stop();
      await until(() => load.outcomes.filter((o) => o.response?.status === 503).length >= 20, 120_000, '503 answers during the outage');
      for (const node of nodes) healthDuringOutage.push((await fetch(`${node}/healthz`)).status);
      await postgres.start();
      restartedAt = Date.now();
      // Recovered when every node has served successes again after the restart.
      await until(() => nodes.every((_, n) => load.outcomes.filter((o) => o.node === n && o.startedAt > restartedAt && o.response?.status === 200).length >= 10),
        120_000, 'successes on every node after the restart');
      recoveredAt = Date.now();
    } finally {
      await load.stop();
    }
    const outcomes = load.outcomes;

    const unexpected = outcomes.filter((o) => o.response?.status !== 200 && o.response?.status !== 503);
    assert.deepEqual(unexpected.map(describeOutcome), [], 'only 200 or 503, never 500 nor a dropped connection');
    const unavailable = outcomes.filter((o) => o.response?.status === 503);
    assert.ok(unavailable.length >= 20);
    for (const o of unavailable) {
      assert.equal(o.response!.body.error, 'temporarily_unavailable', describeOutcome(o));
      assert.equal(typeof o.response!.body.error_description, 'string');
      assert.match(o.response!.headers.get('content-type') ?? '', /^application\/json/);
      assert.ok(o.response!.headers.get('retry-after'), 'Retry-After on 503');
      // Only around the outage: from the stop (less an in-flight margin) until every node was seen serving again.
      assert.ok(o.startedAt >= stoppedAt - 2000 && o.startedAt <= recoveredAt, `503 outside the outage: ${describeOutcome(o)}`);
    }
    const introspections = outcomes.filter((o) => o.kind === 'introspect' && o.response?.status === 200);
    assert.ok(introspections.every((o) => o.response!.body.active === true), 'a token never looks inactive because the database was away');

    assert.deepEqual(healthDuringOutage, nodes.map(() => 503), '/healthz tells the load balancer during the outage');
    for (const node of nodes) assert.equal((await fetch(`${node}/healthz`)).status, 200);
    assert.deepEqual(cluster.nodes.map((n) => n.alive() && n.child.pid), pids, 'the same processes, never restarted');
    assert.deepEqual(await allActive(nodes, seed, [...issuedBefore, ...issuedTokens(outcomes)]), [], 'what was issued survived the restart');
  });
});
