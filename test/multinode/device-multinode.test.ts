// The device grant (RFC 8628) across three nodes sharing PostgreSQL (and Redis): the device asks
// on A, polls on B and C (the pace is shared: slow_down), the user enters the code on A and
// consents on C, the tokens come from one node only, and a replay on another node revokes them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster } from './cluster.js';
import { seedClientAndUser, type Seed, type SeededClient } from './seed.js';
import { introspect, postAs, token } from './protocol.js';
import { ScriptedBrowser } from '../support/browser.js';

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';

for (const backend of [{ name: 'PostgreSQL', redis: false }, { name: 'PostgreSQL + Redis', redis: true }]) {
  describe(`device grant on three nodes, ${backend.name} (RFC 8628)`, () => {
    let cluster: Cluster;
    let seed: Seed;
    let device: SeededClient;
    let A: string;
    let B: string;
    let C: string;

    before(async () => {
      // A long interval: two polls in a row are always too soon, however slow the machine.
      cluster = await startCluster({ nodes: 3, redis: backend.redis, config: { devicePollInterval: 30 } });
      seed = await seedClientAndUser(cluster);
      [A, B, C] = cluster.nodes.map((n) => n.url) as [string, string, string];
      const created = await cluster.cli(['client', 'create', '--name', 'Cluster TV', '--grant-type', deviceGrant, '--json']);
      assert.equal(created.code, 0, created.stderr);
      const json = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
      device = { clientId: json.client_id, clientSecret: json.client_secret, redirectUri: '' };
    });
    after(() => cluster?.stop());

    async function start(): Promise<{ device_code: string; user_code: string }> {
      const started = await postAs(A, '/device_authorization', device, { scope: 'openid' });
      assert.equal(started.status, 200, JSON.stringify(started.body));
      return started.body as { device_code: string; user_code: string };
    }

    /** The code entered and the password typed on `entry`, the consent answered on `consent`. */
    async function approve(userCode: string, entry: string, consent: string): Promise<void> {
      const browser = new ScriptedBrowser();
      const form = await browser.navigate(`${entry}/device`);
      const login = await browser.submitForm(form, { user_code: userCode });
      const page = await browser.submitForm(login, { username: seed.user.username, password: seed.user.password });
      assert.match(page.body, /name="decision"/, 'the consent page, after the login on the entry node');
      const elsewhere = await browser.navigate(`${consent}${new URL(page.url).pathname}`);
      assert.match(elsewhere.body, /Cluster TV/, 'the same interaction, resumed on another node');
      const done = await browser.submitForm(elsewhere, { decision: 'approve' });
      assert.match(done.body, /Device connected/);
    }

    const poll = (node: string, deviceCode: string) => token(node, device, { grant_type: deviceGrant, device_code: deviceCode });

    it('RFC 8628 §3.5: the polling pace is shared, the answer given on other nodes is seen, and a replay on another node revokes the tokens', async () => {
      const started = await start();
      assert.equal((await poll(B, started.device_code)).body.error, 'authorization_pending');
      assert.equal((await poll(C, started.device_code)).body.error, 'slow_down', 'C knows B was just polled');
      await approve(started.user_code, A, C);
      const issued = await poll(B, started.device_code);
      assert.equal(issued.status, 200, JSON.stringify(issued.body));
      const accessToken = (issued.body as { access_token: string }).access_token;
      assert.equal((await introspect(C, device, accessToken)).body.active, true);
      assert.equal((await poll(A, started.device_code)).body.error, 'invalid_grant');
      assert.equal((await introspect(C, device, accessToken)).body.active, false, 'the replay revoked what the code issued');
    });

    it('RFC 8628 §3.5: of polls racing on three nodes after approval, exactly one gets tokens', async () => {
      const started = await start();
      await approve(started.user_code, B, A);
      const results = await Promise.all([A, B, C, A, B, C].map((node) => poll(node, started.device_code)));
      assert.equal(results.filter((r) => r.status === 200).length, 1, JSON.stringify(results.map((r) => r.body)));
      for (const r of results.filter((r) => r.status !== 200)) assert.equal(r.body.error, 'invalid_grant');
    });
  });
}
