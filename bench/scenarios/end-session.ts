// The logout scenario (OpenID Connect RP-Initiated Logout 1.0 §2-3): each operation ends one live
// browser session with its ID token as id_token_hint and the registered post_logout_redirect_uri,
// and checks the redirect back with state. A session ends once, so each virtual user signs in
// `sessionsPerUser` times before the clock starts and stops when it has ended them all (the
// closed loop's warm-up takes at most a quarter of them).
import type { CookieJar } from '../client/cookie-jar.js';
import { endSessionInBrowser, loginFresh } from '../client/oidc-client.js';
import { loop, type Scenario } from './scenario.js';

/** A few seconds at full speed on either server; preparing each costs a login (~10 s for 16 users). */
const sessionsPerUser = 300;

interface LiveSession { browser: CookieJar; idToken: string }

export const endSession: Scenario = {
  name: 'end_session',
  operation: 'live browser session: GET /end_session with id_token_hint and post_logout_redirect_uri; oidc-provider always asks, so its confirmation form is posted too (Gatehouse skips the question when the hint names the signed-in session); the redirect back with state checked',
  // Preparing the sessions is a login each: the cheapest argon2id keeps that short.
  variant: 'plain',
  ceiling: 'hello',
  writes: true,
  async prepare({ rp, target }) {
    const client = target.firstParty;
    return loop({
      newUser: async () => {
        const sessions: LiveSession[] = [];
        for (let i = 0; i < sessionsPerUser; i++) {
          const { browser, tokens } = await loginFresh(rp, client);
          if (!tokens.id_token) throw new Error('login without id_token');
          sessions.push({ browser, idToken: tokens.id_token });
        }
        return sessions;
      },
      operation: async (sessions: LiveSession[]) => {
        const session = sessions.pop();
        if (!session) throw new Error('no live session left');
        await endSessionInBrowser(rp, session.browser, client, session.idToken);
      },
      supplyPerUser: sessionsPerUser,
    });
  },
};
