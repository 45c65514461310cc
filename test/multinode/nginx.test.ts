// Three nodes behind nginx with the shipped deploy/nginx/gatehouse.conf: a relying party using
// openid-client only ever talks to the issuer (nginx), and nginx spreads the flow over the nodes,
// also after one of them dies (OIDC Core §3.1; issue 4). nginx must be installed: no skip.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { ScriptedBrowser } from '../support/browser.js';
import { freePort } from '../support/gatehouse.js';
import { startCluster, type Cluster } from './cluster.js';
import { seedClientAndUser, type Seed } from './seed.js';
import { startNginx, type Nginx } from './nginx.js';

describe('three nodes behind nginx (deploy/nginx/gatehouse.conf)', () => {
  let cluster: Cluster;
  let nginx: Nginx;
  let seed: Seed;
  let issuer: string;

  before(async () => {
    const port = await freePort();
    // The issuer is nginx's URL: the one address clients know, identical on every node.
    issuer = `http://127.0.0.1:${port}`;
    cluster = await startCluster({ nodes: 3, issuer, config: { trustProxy: true } });
    seed = await seedClientAndUser(cluster);
    nginx = await startNginx(cluster.nodes.map((n) => n.url), port);
  });
  after(async () => {
    await nginx?.stop();
    await cluster?.stop();
  });

  async function signInAndExchange(browser = new ScriptedBrowser()) {
    const config = await oidc.discovery(new URL(issuer), seed.client.clientId, undefined,
      oidc.ClientSecretBasic(seed.client.clientSecret), { execute: [oidc.allowInsecureRequests] });
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: seed.client.redirectUri, scope: 'openid profile email offline_access', state, nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
    });
    let page = await browser.navigate(url.toString());
    if (page.body.includes('name="password"')) page = await browser.submitForm(page, { username: seed.user.username, password: seed.user.password });
    if (page.body.includes('name="decision"')) page = await browser.submitForm(page, { decision: 'approve' });
    assert.ok(page.leftTo, `expected the redirect to the client, got ${page.status}: ${page.body.slice(0, 200)}`);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.leftTo), {
      pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
    });
    return { config, tokens };
  }

  it('completes login, consent, code exchange, userinfo and refresh through nginx with openid-client, spread over the nodes', async () => {
    const logBefore = nginx.accessLog().length;
    const { config, tokens } = await signInAndExchange();
    assert.equal(config.serverMetadata().issuer, issuer);
    assert.equal(config.serverMetadata().token_endpoint, `${issuer}/token`);
    const claims = tokens.claims()!;
    assert.equal(claims.iss, issuer);
    assert.equal(claims.sub, seed.user.accountId);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.preferred_username, seed.user.username);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.equal(refreshed.claims()?.sub, seed.user.accountId);

    const upstreams = new Set(nginx.accessLog().slice(logBefore).map((line) => line.split(' ')[3]));
    assert.ok(upstreams.size >= 2, `one flow was served by several nodes: ${[...upstreams].join(', ')}`);
  });

  it('keeps signing users in through nginx after a node is SIGKILLed (passive failover to the other nodes)', async () => {
    const dead = cluster.nodes[1]!;
    await cluster.kill(1);
    const logBefore = nginx.accessLog().length;
    for (let i = 0; i < 2; i++) {
      const { config, tokens } = await signInAndExchange();
      const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.sub, seed.user.accountId);
    }
    const lines = nginx.accessLog().slice(logBefore);
    assert.ok(lines.length >= 10);
    // $upstream_addr lists every node tried; the last one answered, and it was never the dead one.
    for (const line of lines) {
      const tried = line.split(' ').slice(3).join(' ').split(', ');
      assert.notEqual(tried.at(-1), new URL(dead.url).host, line);
      assert.match(line.split(' ')[2]!, /^[23]\d\d$/, line);
    }
  });
});
