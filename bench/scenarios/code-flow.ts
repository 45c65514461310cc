// The authorization code flow scenarios (RFC 6749 §4.1 with PKCE, OIDC Core §3.1):
// `flow` from a fresh browser (login and consent pages), `flow-sso` with a live session, and
// `flow-sso-es256` / `flow-sso-eddsa` the same for clients registered with that
// id_token_signed_response_alg (OIDC Registration §2), beside RS256.
import { CookieJar } from '../client/cookie-jar.js';
import { authorizeInBrowser, exchangeCode, loginFresh } from '../client/oidc-client.js';
import type { BenchIdTokenAlg } from '../targets/target.js';
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

function ssoFlow(name: string, alg: 'RS256' | BenchIdTokenAlg, ceiling: Scenario['ceiling']): Scenario {
  return {
    name,
    operation: `live browser session: authorize, code, token (Basic, PKCE S256), ${alg} ID token verified`,
    variant: 'argon2',
    ceiling,
    writes: true,
    async prepare({ rp, target }) {
      const client = alg === 'RS256' ? target.firstParty : target.firstPartyByAlg[alg];
      return loop({
        newUser: async () => (await loginFresh(rp, client)).browser,
        operation: async (browser: CookieJar) => {
          await exchangeCode(rp, client, await authorizeInBrowser(rp, browser, client, { interactive: false }));
        },
      });
    },
  };
}

export const flowSso = ssoFlow('flow-sso', 'RS256', 'rs256');
export const flowSsoEs256 = ssoFlow('flow-sso-es256', 'ES256', 'es256');
export const flowSsoEdDsa = ssoFlow('flow-sso-eddsa', 'EdDSA', 'eddsa');
