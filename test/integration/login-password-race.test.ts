// A password change that lands while a sign-in's password check is running (with the old
// password) must not leave that sign-in with a session or a login: the change is the answer to a
// leaked password (RFC 6819 §5.2.2.4; docs/security.md "What a deletion or password change revokes").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once, EventEmitter } from 'node:events';
import { createPasswordVerifier, type PasswordVerifier } from '../../src/accounts/password-verifier.js';
import { hashPassword } from '../../src/accounts/password.js';
import { changePassword, deleteAccount } from '../../src/oauth/lifecycle.js';
import { ScriptedBrowser } from '../support/browser.js';
import { authorizeUrl, pkceParams } from '../support/flow.js';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';

const argon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** The real verifier; while `hold` is set, a verification announces itself and waits for `release`. */
function gatedVerifier() {
  const real = createPasswordVerifier(argon2, 2);
  const events = new EventEmitter();
  const gate = { hold: false, release: () => events.emit('release') };
  const verifier: PasswordVerifier = {
    async verify(hash, password) {
      const valid = await real.verify(hash, password);
      if (gate.hold) {
        const released = once(events, 'release');
        events.emit('checking');
        await released;
      }
      return valid;
    },
    verifyUnknown: (password) => real.verifyUnknown(password),
  };
  return { verifier, gate, checking: () => once(events, 'checking') };
}

describe('a sign-in racing a password change or an account deletion', () => {
  const gated = gatedVerifier();
  let server: TestServer;
  let client: TestClient;

  before(async () => {
    server = await startGatehouse({}, { passwords: gated.verifier });
    client = await server.createClient();
  });
  after(() => server.close());

  for (const [what, change] of [
    ['the password changes', async (accountId: string) => {
      await changePassword(accountId, await hashPassword('a brand new passphrase', argon2), { storage: server.storage, clock: server.clock });
    }],
    ['the account is deleted', async (accountId: string) => {
      await deleteAccount(accountId, { storage: server.storage, clock: server.clock });
    }],
  ] as const) {
    it(`keeps no session and no login when ${what} during the password check`, async () => {
      const user = await server.createUser();
      const browser = new ScriptedBrowser();
      const login = await browser.navigate(authorizeUrl(server, client, pkceParams()));
      assert.match(login.body, /name="password"/);

      gated.gate.hold = true;
      const checking = gated.checking();
      const submitted = browser.submitForm(login, { username: user.username, password: user.password });
      await checking; // the old password has just been found right
      await change(user.accountId);
      gated.gate.hold = false;
      gated.gate.release();
      const answer = await submitted;

      assert.doesNotMatch(answer.body, /name="decision"/, 'no consent page: the login did not count');
      const again = await browser.navigate(authorizeUrl(server, client, pkceParams()));
      assert.match(again.body, /name="password"/, 'the browser is not signed in: a new authorization asks for the password');
    });
  }
});
