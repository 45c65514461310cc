// Outbound requests against real loopback servers: timeouts, size limit, no redirects, and the
// private-network refusal (issue 10; Back-Channel Logout 1.0 §2.5 delivery goes through here).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOutboundFetch, isLoopbackAddress, isNonPublicAddress, type OutboundFetchOptions } from './index.js';

const allowed: OutboundFetchOptions = { allowPrivateNetwork: true, connectTimeoutMs: 5000, timeoutMs: 5000, maxResponseBytes: 1024 };

describe('outbound fetch', () => {
  let server: Server;
  let base: string;
  const received: string[] = [];
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/ok': (req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => res.end(`got ${req.method} ${body}`));
    },
    '/big': (_req, res) => { res.write('x'.repeat(800)); res.end('y'.repeat(800)); },
    '/big-declared': (_req, res) => { res.setHeader('content-length', '5000'); res.end('z'.repeat(5000)); },
    '/redirect': (_req, res) => { res.statusCode = 302; res.setHeader('location', '/ok'); res.end(); },
    '/hang': () => { /* never answers */ },
  };

  before(async () => {
    server = createServer((req, res) => { received.push(req.url!); routes[req.url!]?.(req, res); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts a body and returns status and body', async () => {
    const response = await createOutboundFetch(allowed)({ url: `${base}/ok`, method: 'POST', body: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), 'got POST a=b');
  });

  it('fails when the answer does not come within the total timeout', async () => {
    const started = Date.now();
    await assert.rejects(createOutboundFetch({ ...allowed, timeoutMs: 300 })({ url: `${base}/hang`, method: 'GET' }), { reason: 'timeout' });
    assert.ok(Date.now() - started < 4000);
  });

  it('fails on a body above the size limit, streamed or declared', async () => {
    const fetch = createOutboundFetch(allowed);
    await assert.rejects(fetch({ url: `${base}/big`, method: 'GET' }), { reason: 'too_large' });
    await assert.rejects(fetch({ url: `${base}/big-declared`, method: 'GET' }), { reason: 'too_large' });
  });

  it('never follows a redirect: a 3xx is a failure and the target is not requested', async () => {
    received.length = 0;
    await assert.rejects(createOutboundFetch(allowed)({ url: `${base}/redirect`, method: 'POST', body: '' }), { reason: 'redirect' });
    assert.deepEqual(received, ['/redirect']);
  });

  it('refuses loopback targets unless allowed, by IP literal, IPv4-mapped IPv6 or a name resolving to one', async () => {
    received.length = 0;
    const fetch = createOutboundFetch({ ...allowed, allowPrivateNetwork: false });
    const port = new URL(base).port;
    for (const url of [`${base}/ok`, `http://[::ffff:127.0.0.1]:${port}/ok`, `http://[::1]:${port}/ok`, `http://localhost:${port}/ok`]) {
      await assert.rejects(fetch({ url, method: 'GET' }), { reason: 'forbidden_address' }, url);
    }
    assert.deepEqual(received, []);
  });

  it('with allowLoopback, reaches loopback by IP literal, IPv4-mapped IPv6 or name, and still refuses every other non-public address', async () => {
    received.length = 0;
    const fetch = createOutboundFetch({ ...allowed, allowPrivateNetwork: false, allowLoopback: true });
    const port = new URL(base).port;
    for (const url of [`${base}/ok`, `http://[::ffff:127.0.0.1]:${port}/ok`, `http://localhost:${port}/ok`]) {
      assert.equal((await fetch({ url, method: 'GET' })).status, 200, url);
    }
    assert.equal(received.length, 3);
    // Refused before any connection: private, link-local (cloud metadata), CGNAT, unique-local, mapped private.
    for (const host of ['10.0.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '[fd00::1]', '[::ffff:10.0.0.1]', '0.0.0.0']) {
      await assert.rejects(fetch({ url: `http://${host}:${port}/ok`, method: 'GET' }), { reason: 'forbidden_address' }, host);
    }
    assert.equal(received.length, 3);
  });

  it('refuses other schemes and malformed URLs', async () => {
    const fetch = createOutboundFetch(allowed);
    await assert.rejects(fetch({ url: 'file:///etc/passwd', method: 'GET' }), { reason: 'invalid_url' });
    await assert.rejects(fetch({ url: 'not a url', method: 'GET' }), { reason: 'invalid_url' });
  });
});

describe('non-public addresses', () => {
  const cases: Array<[string, boolean]> = [
    ['127.0.0.1', true], ['10.1.2.3', true], ['172.16.0.1', true], ['172.32.0.1', false], ['192.168.1.1', true],
    ['169.254.169.254', true], ['100.64.0.1', true], ['100.128.0.1', false], ['224.0.0.1', true], ['0.0.0.0', true],
    ['255.255.255.255', true], ['8.8.8.8', false], ['93.184.216.34', false],
    ['::1', true], ['::', true], ['fe80::1', true], ['fd12:3456::1', true], ['fc00::1', true], ['ff02::1', true],
    ['::ffff:127.0.0.1', true], ['::ffff:7f00:1', true], ['0:0:0:0:0:ffff:10.0.0.1', true], ['::ffff:8.8.8.8', false],
    ['2001:db8::1', true], ['2606:4700:4700::1111', false], ['not-an-ip', true],
  ];
  for (const [address, expected] of cases) {
    it(`${address} is ${expected ? 'refused' : 'public'}`, () => assert.equal(isNonPublicAddress(address), expected));
  }
});

describe('loopback addresses (allowLoopback)', () => {
  const cases: Array<[string, boolean]> = [
    ['127.0.0.1', true], ['127.1.2.3', true], ['::1', true], ['[::1]', true], ['::ffff:127.0.0.1', true], ['::ffff:7f00:1', true],
    ['0.0.0.0', false], ['::', false], ['10.0.0.1', false], ['169.254.169.254', false], ['fe80::1', false], ['::ffff:10.0.0.1', false],
    ['128.0.0.1', false], ['8.8.8.8', false], ['localhost', false], ['not-an-ip', false],
  ];
  for (const [address, expected] of cases) {
    it(`${address} is ${expected ? '' : 'not '}loopback`, () => assert.equal(isLoopbackAddress(address), expected));
  }
});
