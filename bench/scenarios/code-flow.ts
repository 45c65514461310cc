// The authorization code flow scenarios (RFC 6749 §4.1 with PKCE, OIDC Core §3.1):
// `flow` from a fresh browser (login and consent pages), `flow-sso` with a live session, and
// `flow-sso-es256` / `flow-sso-eddsa` the same for clients registered with that
// id_token_signed_response_alg (OIDC Registration §2), beside RS256; `flow-sso-pkjwt` the same
// with a private_key_jwt client (RFC 7523 §2.2).
import { CookieJar } from '../client/cookie-jar.js';
import { authorizeInBrowser, exchangeCode, loginFresh, type BenchClient } from '../client/oidc-client.js';
import type { BenchIdTokenAlg, RunningTarget } from '../targets/target.js';
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

function ssoFlow(name: string, how: string, alg: 'RS256' | BenchIdTokenAlg, ceiling: Scenario['ceiling'], clientOf: (target: RunningTarget) => BenchClient): Scenario {
  return {
    name,
    operation: `live browser session: authorize, code, token (${how}, PKCE S256), ${alg} ID token verified`,
    variant: 'argon2',
    ceiling,
    writes: true,
    async prepare({ rp, target }) {
      const client = clientOf(target);
      return loop({
        newUser: async () => (await loginFresh(rp, client)).browser,
        operation: async (browser: CookieJar) => {
          await exchangeCode(rp, client, await authorizeInBrowser(rp, browser, client, { interactive: false }));
        },
      });
    },
  };
}

export const flowSso = ssoFlow('flow-sso', 'Basic', 'RS256', 'rs256', (target) => target.firstParty);
export const flowSsoEs256 = ssoFlow('flow-sso-es256', 'Basic', 'ES256', 'es256', (target) => target.firstPartyByAlg.ES256);
export const flowSsoEdDsa = ssoFlow('flow-sso-eddsa', 'Basic', 'EdDSA', 'eddsa', (target) => target.firstPartyByAlg.EdDSA);
/** The same with a private_key_jwt client: one RS256 assertion verified (and its jti stored) per token request. */
export const flowSsoPrivateKeyJwt = ssoFlow('flow-sso-pkjwt', 'private_key_jwt RS256', 'RS256', 'rs256', (target) => target.privateKeyJwt);
