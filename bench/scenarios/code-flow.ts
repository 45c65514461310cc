// The authorization code flow scenarios (RFC 6749 §4.1 with PKCE, OIDC Core §3.1):
// `flow` from a fresh browser (login and consent pages), `flow-sso` with a live session.
import { CookieJar } from '../client/cookie-jar.js';
import { authorizeInBrowser, exchangeCode, loginFresh } from '../client/oidc-client.js';
import { loop, type Scenario } from './scenario.js';

function freshFlow(name: string, variant: Scenario['variant'], ceiling: Scenario['ceiling'], hashing: string): Scenario {
  return {
    name,
    operation: `fresh browser: authorize, login (${hashing}), consent, code, token (Basic, PKCE S256), ID token verified`,
    variant,
    ceiling,
    writes: true,
    async prepare({ rp, target }) {
      // prompt=consent so both servers show the consent page on every flow (OIDC Core §3.1.2.1),
      // whatever they remember of earlier grants.
      return loop({
        newUser: async () => undefined,
        operation: async () => {
          const browser = new CookieJar();
          await exchangeCode(rp, target.consent, await authorizeInBrowser(rp, browser, target.consent, { prompt: 'consent' }));
        },
      });
    },
  };
}

export const flow = freshFlow('flow', 'argon2', 'argon2', 'argon2id m=19 MiB t=2');
export const flowNoHash = freshFlow('flow-nohash', 'plain', 'rs256', 'cheapest argon2id, standing in for no hashing');

export const flowSso: Scenario = {
  name: 'flow-sso',
  operation: 'live browser session: authorize, code, token (Basic, PKCE S256), ID token verified',
  variant: 'argon2',
  ceiling: 'rs256',
  writes: true,
  async prepare({ rp, target }) {
    return loop({
      newUser: async () => (await loginFresh(rp, target.firstParty)).browser,
      operation: async (browser: CookieJar) => {
        await exchangeCode(rp, target.firstParty, await authorizeInBrowser(rp, browser, target.firstParty, { interactive: false }));
      },
    });
  },
};
