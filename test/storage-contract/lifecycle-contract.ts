// The core's revocation policy (oauth/lifecycle.ts) on each adapter: after deleting a client or an
// account, or changing a password, what it held no longer works where a client or a resource
// server would try it — the refresh grant, the bearer check, introspection, the code's consume,
// the browser session and a sign-in in progress (RFC 6819 §5.2.2.4, RFC 7662 §2.2).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { randomBytes } from 'node:crypto';
import { createSubjectIdentifiers } from '../../src/oauth/subject-identifier.js';
import { createSigningKeySet, prepareSigningKeys, type SigningKeySet } from '../../src/keys/signing-keys.js';
import { createKeySealer } from '../../src/keys/key-encryption.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import type { Storage } from '../../src/storage/ports.js';
import {
  changePassword, deleteAccount, deleteClient, endAccountSessions, endSession, endSessionBySid, type EndedSession,
} from '../../src/oauth/lifecycle.js';
import { newOpaqueValue, tokenPrefix } from '../../src/oauth/opaque-token.js';
import { validateAccessToken } from '../../src/oauth/bearer-token.js';
import { introspectToken } from '../../src/oauth/introspection.js';
import * as refreshGrant from '../../src/oauth/grants/refresh-token.js';
import type { GrantDeps } from '../../src/oauth/grants/index.js';
import type { AuthenticatedRequest } from '../../src/oauth/request.js';
import { idTokenMinter } from '../../src/oidc/id-token.js';
import type { ClientRecord } from '../../src/storage/records.js';
import type { ContractContext } from './contract.js';
import { accountRecord, clientRecord, codeRecord, grantRecord, interactionRecord, nowSeconds, sessionRecord, tokenRecord, uid } from './fixtures.js';

const issuer = 'https://issuer.example';

export function describeLifecycleContract({ storage }: ContractContext): void {
  describe('the revocation policy of oauth/lifecycle.ts', () => {
    // The manual clock starts an hour ahead so that no record the fixtures stamp "now" is ahead of it.
    const clock = manualClock(nowSeconds() + 3600);
    let keys: SigningKeySet;
    // ID tokens are signed with a key of their own store: the store under test may hold other
    // tests' keys sealed under other key-encryption keys, and keys are not what this contract is about.
    let keyStorage: Storage;
    before(async () => {
      keyStorage = await openSqliteStorage(':memory:');
      const sealer = createKeySealer(randomBytes(32));
      await prepareSigningKeys(keyStorage.signingKeys, clock, sealer);
      keys = createSigningKeySet(keyStorage.signingKeys, clock, 60, sealer);
    });
    after(async () => { await keyStorage?.close(); });
    const lifecycle = () => ({ storage: storage(), clock });
    const publicSubjects = createSubjectIdentifiers(Buffer.alloc(32));

    function grantDeps(): GrantDeps {
      return {
        storage: storage(), keys, clock, logger: silentLogger(),
        policy: { issuer, accessTokenTtl: 600, refreshTokenTtl: 86_400, idTokenTtl: 600, accessTokenFormat: 'opaque' },
        subjects: publicSubjects,
        mintIdToken: idTokenMinter({ issuer, ttl: 600, keys, subjects: publicSubjects, accounts: storage().accounts }),
        dpop: { algorithms: ['ES256'], proofLifetimeSeconds: 60 },
      };
    }

    function tokenRequest(client: ClientRecord, params: Record<string, string>): AuthenticatedRequest {
      return {
        method: 'POST', url: `${issuer}/token`, params, repeated: [], client, clientAuthMethod: client.tokenEndpointAuthMethod,
        headers: { authorization: undefined, dpop: undefined, clientCertificate: undefined },
      };
    }

    /** A client, an account with a session, a consent, a sign-in in progress, a pending code, and a live token pair. */
    async function issued(client = clientRecord()) {
      const now = clock();
      const account = accountRecord();
      await storage().clients.insert(client);
      await storage().accounts.insert(account);
      const session = sessionRecord(now, { accountId: account.accountId });
      await storage().sessions.insert(session);
      const interaction = interactionRecord(now, { clientId: client.clientId });
      await storage().interactions.insert(interaction);
      await storage().interactions.setLogin(interaction.interactionId, account.accountId, now);
      const consent = { accountId: account.accountId, clientId: client.clientId, scopes: ['offline_access'], createdAt: now, updatedAt: now };
      await storage().consents.save(consent);
      const grant = grantRecord({ clientId: client.clientId, accountId: account.accountId, scopes: ['offline_access'] });
      const pending = codeRecord(grantRecord({ clientId: client.clientId, accountId: account.accountId }), now);
      await storage().authorizationCodes.insert(pending);
      const access = newOpaqueValue(tokenPrefix.accessToken);
      const refresh = newOpaqueValue(tokenPrefix.refreshToken);
      await storage().grants.insert(grant);
      await storage().tokens.insert([
        tokenRecord(grant, 'access_token', now, { tokenDigest: access.digest }),
        tokenRecord(grant, 'refresh_token', now, { tokenDigest: refresh.digest, nonce: null }),
      ]);
      return { client, account, session, interaction, consent, pending, access: access.value, refresh: refresh.value };
    }

    const refreshes = (client: ClientRecord, refreshToken: string) =>
      refreshGrant.handle(tokenRequest(client, { grant_type: 'refresh_token', refresh_token: refreshToken }), grantDeps());
    const introspects = async (client: ClientRecord, token: string) =>
      (await introspectToken(tokenRequest(client, { token }), { storage: storage(), issuer, now: clock(), subjects: publicSubjects })).active;
    const isInvalidGrant = { code: 'invalid_grant' };
    const isInvalidToken = { code: 'invalid_token' };

    it('works before anything is deleted, so the refusals below are the policy\'s doing', async () => {
      const { client, access, refresh } = await issued();
      assert.equal(await introspects(client, access), true);
      await assert.doesNotReject(validateAccessToken(access, storage(), clock()));
      const refreshed = await refreshes(client, refresh);
      assert.ok(refreshed.refresh_token);
    });

    it('deleting an account ends its session and sign-ins, revokes its tokens and codes, forgets its consents (RFC 6819 §5.2.2.4)', async () => {
      const { client, account, session, interaction, pending, access, refresh } = await issued();
      const bystander = await issued();
      clock.advance(1);

      assert.equal(await deleteAccount(account.accountId, lifecycle()), true);

      assert.equal(await storage().accounts.findById(account.accountId), null);
      await assert.rejects(refreshes(client, refresh), isInvalidGrant);
      await assert.rejects(validateAccessToken(access, storage(), clock()), isInvalidToken);
      assert.equal(await introspects(client, access), false);
      assert.equal(await storage().sessions.find(session.sessionDigest, clock()), null);
      assert.equal(await storage().interactions.find(interaction.interactionId, clock()), null);
      assert.equal(await storage().consents.find(account.accountId, client.clientId), null);
      assert.equal((await storage().authorizationCodes.consume(pending.codeDigest, clock()))?.firstUse, false);

      assert.equal(await introspects(bystander.client, bystander.access), true, 'another account keeps its tokens');
      assert.notEqual(await storage().sessions.find(bystander.session.sessionDigest, clock()), null);
      assert.equal(await deleteAccount(account.accountId, lifecycle()), false, 'a second deletion finds nothing');
    });

    it('deleting a client revokes its tokens and codes and forgets its consents, leaving the user signed in (RFC 6819 §5.2.2.4)', async () => {
      const { client, account, session, pending, access, refresh, consent } = await issued();
      const other = await issued();
      await storage().consents.save({ ...consent, clientId: other.client.clientId });
      clock.advance(1);

      assert.equal(await deleteClient(client.clientId, lifecycle()), true);

      assert.equal(await storage().clients.find(client.clientId), null);
      await assert.rejects(refreshes(client, refresh), isInvalidGrant);
      assert.equal(await introspects(other.client, access), false);
      assert.equal((await storage().authorizationCodes.consume(pending.codeDigest, clock()))?.firstUse, false);
      assert.equal(await storage().consents.find(account.accountId, client.clientId), null);
      assert.notEqual(await storage().consents.find(account.accountId, other.client.clientId), null, 'consents to other clients stay');
      assert.notEqual(await storage().sessions.find(session.sessionDigest, clock()), null, 'the browser session is the user\'s, not the client\'s');
      assert.equal(await introspects(other.client, other.access), true);
      assert.equal(await deleteClient(client.clientId, lifecycle()), false);
    });

    /** A session with an online grant (no offline_access) and an offline one, each with a token pair. */
    async function signedInSession(client = clientRecord(), accountId?: string) {
      const now = clock();
      if (!accountId) {
        const account = accountRecord();
        await storage().accounts.insert(account);
        accountId = account.accountId;
      }
      await storage().clients.insert(client);
      const session = sessionRecord(now, { accountId, clientIds: [client.clientId] });
      await storage().sessions.insert(session);
      const pair = async (scopes: string[]) => {
        const grant = grantRecord({ clientId: client.clientId, accountId, scopes, sid: session.sid });
        await storage().grants.insert(grant);
        const access = newOpaqueValue(tokenPrefix.accessToken);
        const refresh = newOpaqueValue(tokenPrefix.refreshToken);
        await storage().tokens.insert([
          tokenRecord(grant, 'access_token', now, { tokenDigest: access.digest }),
          tokenRecord(grant, 'refresh_token', now, { tokenDigest: refresh.digest, nonce: null }),
        ]);
        return { access: access.value, refresh: refresh.value };
      };
      return { client, session, online: await pair(['openid', 'profile']), offline: await pair(['openid', 'offline_access']) };
    }

    it('ending a session (a logout) revokes its tokens without offline_access, keeps offline_access ones, and notifies once (OIDC Core §11)', async () => {
      const { client, session, online, offline } = await signedInSession();
      const bystander = await signedInSession(clientRecord(), session.accountId);
      const told: EndedSession[] = [];
      assert.equal(await introspects(client, online.access), true, 'live before the logout');
      clock.advance(1);

      await endSession(session, { ...lifecycle(), sessionEnded: async (e) => { told.push(e); } });

      assert.equal(await storage().sessions.find(session.sessionDigest, clock()), null, 'the session is over');
      assert.equal(await introspects(client, online.access), false, 'the online access token is revoked');
      await assert.rejects(refreshes(client, online.refresh), isInvalidGrant);
      assert.equal(await introspects(client, offline.access), true, 'offline_access survives the logout');
      assert.ok((await refreshes(client, offline.refresh)).refresh_token);
      assert.deepEqual(told, [{ sid: session.sid, accountId: session.accountId, clientIds: [client.clientId] }]);
      assert.notEqual(await storage().sessions.find(bystander.session.sessionDigest, clock()), null, 'another session of the user stays');
      assert.equal(await introspects(bystander.client, bystander.online.access), true);
    });

    it('ends a session by sid, and every session of an account, through the same policy (issue 10)', async () => {
      const first = await signedInSession();
      const second = await signedInSession(clientRecord(), first.session.accountId);
      const stranger = await signedInSession();
      const told: EndedSession[] = [];
      const deps = { ...lifecycle(), sessionEnded: async (e: EndedSession) => { told.push(e); } };
      assert.equal(await introspects(second.client, second.online.access), true, 'live before');
      clock.advance(1);

      assert.equal(await endSessionBySid(first.session.sid, deps), true);
      assert.equal(await endSessionBySid(first.session.sid, deps), false, 'an ended session is not found again');
      assert.equal(await introspects(first.client, first.online.access), false);
      assert.equal(await endAccountSessions(first.session.accountId, deps), 1);
      assert.equal(await introspects(second.client, second.online.access), false);
      assert.equal(await introspects(second.client, second.offline.access), true);
      assert.deepEqual(told.map((e) => e.sid), [first.session.sid, second.session.sid]);
      assert.notEqual(await storage().sessions.find(stranger.session.sessionDigest, clock()), null, 'another account keeps its session');
      assert.equal(await introspects(stranger.client, stranger.online.access), true);
    });

    it('deleting an account or changing a password tells the logout channels about each session it ends (issue 10)', async () => {
      const deleted = await signedInSession();
      const changed = await signedInSession();
      const kept = sessionRecord(clock(), { accountId: changed.session.accountId });
      await storage().sessions.insert(kept);
      const told: EndedSession[] = [];
      const deps = { ...lifecycle(), sessionEnded: async (e: EndedSession) => { told.push(e); } };
      assert.equal(await deleteAccount(deleted.session.accountId, deps), true);
      assert.deepEqual(told, [{ sid: deleted.session.sid, accountId: deleted.session.accountId, clientIds: [deleted.client.clientId] }]);
      told.length = 0;
      assert.equal(await changePassword(changed.session.accountId, '$argon2id$x', deps, { keepSession: kept.sessionDigest }), true);
      assert.deepEqual(told.map((e) => e.sid), [changed.session.sid], 'the browser that changed it is not logged out');
    });

    it('changing a password ends other sessions and sign-ins and revokes every token and code, keeping consents (RFC 6819 §5.2.2.4)', async () => {
      const { client, account, session, interaction, pending, access, refresh, consent } = await issued();
      const current = sessionRecord(clock(), { accountId: account.accountId });
      await storage().sessions.insert(current);
      clock.advance(1);

      assert.equal(await changePassword(account.accountId, '$argon2id$new', lifecycle(), { keepSession: current.sessionDigest }), true);

      assert.equal((await storage().accounts.findById(account.accountId))?.passwordHash, '$argon2id$new');
      await assert.rejects(refreshes(client, refresh), isInvalidGrant);
      assert.equal(await introspects(client, access), false);
      assert.equal((await storage().authorizationCodes.consume(pending.codeDigest, clock()))?.firstUse, false);
      assert.equal(await storage().sessions.find(session.sessionDigest, clock()), null);
      assert.equal(await storage().interactions.find(interaction.interactionId, clock()), null);
      assert.notEqual(await storage().sessions.find(current.sessionDigest, clock()), null, 'the browser that changed it stays signed in');
      assert.deepEqual(await storage().consents.find(account.accountId, client.clientId), consent);
      assert.equal(await changePassword(uid('acct'), '$argon2id$x', lifecycle()), false);
    });

    it('a code issued after a password change is not caught by the revocation', async () => {
      const { client, account } = await issued();
      assert.equal(await changePassword(account.accountId, '$argon2id$new', lifecycle()), true);
      clock.advance(1);
      const later = codeRecord(grantRecord({ clientId: client.clientId, accountId: account.accountId }), clock());
      await storage().authorizationCodes.insert(later);
      assert.equal((await storage().authorizationCodes.consume(later.codeDigest, clock()))?.firstUse, true);
    });
  });
}
