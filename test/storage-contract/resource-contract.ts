// Contract for registered resources (RFC 8707) and the resources codes and tokens carry: the
// same on every adapter.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceRecord } from '../../src/storage/records.js';
import type { ContractContext } from './contract.js';
import { clientRecord, codeRecord, grantRecord, nowSeconds, randomDigest, tokenRecord, uid } from './fixtures.js';

function resourceRecord(overrides: Partial<ResourceRecord> = {}): ResourceRecord {
  const now = nowSeconds();
  return {
    identifier: `https://${uid('api').toLowerCase()}.example/v1`, name: 'Orders API', scopes: ['read', 'write'], tokenFormat: 'jwt',
    accessTokenTtl: 900, introspectionSecretDigest: randomDigest(), createdAt: now, updatedAt: now, ...overrides,
  };
}

export function describeResourceContract({ storage }: ContractContext): void {
  describe('resources (RFC 8707)', () => {
    it('stores, finds, lists, updates and deletes a resource', async () => {
      const resource = resourceRecord();
      const bare = resourceRecord({ name: null, scopes: [], tokenFormat: 'opaque', accessTokenTtl: null, introspectionSecretDigest: null });
      await storage().resources.insert(resource);
      await storage().resources.insert(bare);
      assert.deepEqual(await storage().resources.find(resource.identifier), resource);
      assert.deepEqual(await storage().resources.find(bare.identifier), bare);
      assert.equal(await storage().resources.find(`${resource.identifier}/other`), null, 'identifiers are compared exactly');
      const listed = (await storage().resources.list()).filter((r) => r.identifier === resource.identifier || r.identifier === bare.identifier);
      assert.deepEqual(listed, [resource, bare].sort((a, b) => (a.identifier < b.identifier ? -1 : 1)));

      const changed = { ...resource, name: 'Renamed', scopes: ['read'], tokenFormat: 'opaque' as const, accessTokenTtl: 60, introspectionSecretDigest: null, updatedAt: resource.updatedAt + 1 };
      assert.equal(await storage().resources.update(changed), true);
      assert.deepEqual(await storage().resources.find(resource.identifier), changed);
      assert.equal(await storage().resources.update(resourceRecord()), false, 'updating an unknown resource changes nothing');

      assert.equal(await storage().resources.delete(resource.identifier), true);
      assert.equal(await storage().resources.delete(resource.identifier), false);
      assert.equal(await storage().resources.find(resource.identifier), null);
      await storage().resources.delete(bare.identifier);
    });

    it('refuses a second resource with the same identifier', async () => {
      const resource = resourceRecord();
      await storage().resources.insert(resource);
      await assert.rejects(storage().resources.insert(resourceRecord({ identifier: resource.identifier })), { name: 'DuplicateError' });
      await storage().resources.delete(resource.identifier);
    });

    it('keeps the resources of a code and of its tokens (RFC 8707 §2.1, §2.2)', async () => {
      const now = nowSeconds();
      const client = clientRecord();
      await storage().clients.insert(client);
      const grant = grantRecord({ clientId: client.clientId });
      const resources = ['https://a.example/api', 'https://b.example/'];
      const code = codeRecord(grant, now, { resources });
      await storage().authorizationCodes.insert(code);
      assert.deepEqual((await storage().authorizationCodes.find(code.codeDigest))?.resources, resources);
      const access = tokenRecord(grant, 'access_token', now, { resources: [resources[0]!] });
      const refresh = tokenRecord(grant, 'refresh_token', now, { resources });
      const redeemed = await storage().authorizationCodes.redeem(code.codeDigest, now, grant, [access, refresh]);
      assert.deepEqual(redeemed?.code.resources, resources);
      assert.deepEqual(await storage().tokens.find(access.tokenDigest), access);
      assert.deepEqual(await storage().tokens.find(refresh.tokenDigest), refresh);
      const next = tokenRecord(grant, 'refresh_token', now + 1, { resources });
      const rotation = await storage().tokens.rotateRefreshToken(refresh.tokenDigest, now + 1, [next]);
      assert.equal(rotation.outcome, 'rotated');
      assert.deepEqual(rotation.outcome === 'rotated' ? rotation.previous.resources : null, resources);
      assert.deepEqual((await storage().tokens.find(next.tokenDigest))?.resources, resources);
    });

    it('RFC 9449 §6, §10: codes carry dpop_jkt and tokens their cnf.jkt, through redemption and rotation', async () => {
      const now = nowSeconds();
      const client = clientRecord();
      await storage().clients.insert(client);
      const grant = grantRecord({ clientId: client.clientId });
      const jkt = randomDigest();
      const code = codeRecord(grant, now, { dpopJkt: jkt });
      await storage().authorizationCodes.insert(code);
      assert.equal((await storage().authorizationCodes.find(code.codeDigest))?.dpopJkt, jkt);
      const access = tokenRecord(grant, 'access_token', now, { dpopJkt: jkt });
      const refresh = tokenRecord(grant, 'refresh_token', now, { dpopJkt: jkt });
      const redeemed = await storage().authorizationCodes.redeem(code.codeDigest, now, grant, [access, refresh]);
      assert.equal(redeemed?.code.dpopJkt, jkt);
      assert.deepEqual(await storage().tokens.find(access.tokenDigest), access);
      const next = tokenRecord(grant, 'refresh_token', now + 1, { dpopJkt: jkt });
      const rotation = await storage().tokens.rotateRefreshToken(refresh.tokenDigest, now + 1, [next]);
      assert.equal(rotation.outcome === 'rotated' ? rotation.previous.dpopJkt : null, jkt);
      assert.equal((await storage().tokens.find(next.tokenDigest))?.dpopJkt, jkt);
      const bearer = codeRecord(grant, now);
      await storage().authorizationCodes.insert(bearer);
      assert.equal((await storage().authorizationCodes.find(bearer.codeDigest))?.dpopJkt, null);
    });
  });
}
