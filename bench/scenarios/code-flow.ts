// The authorization code flow scenarios (RFC 6749 §4.1 with PKCE, OIDC Core §3.1):
// `flow` from a fresh browser (login and consent pages), `flow-sso` with a live session, and
// `flow-sso-es256` / `flow-sso-eddsa` the same for clients registered with that
// id_token_signed_response_alg (OIDC Registration §2), beside RS256; `flow-sso-pkjwt` the same
// with a private_key_jwt client (RFC 7523 §2.2); `flow-sso-dpop` with a DPoP proof at the token
// endpoint (RFC 9449 §5) and `flow-sso-par-dpop` with the request pushed to /par first (RFC 9126)
// and the code bound to the key with dpop_jkt (RFC 9449 §10).
import { CookieJar } from '../client/cookie-jar.js';
import { createDpopKey } from '../client/dpop.js';
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

/**
 * The RS256 `flow-sso` with DPoP (RFC 9449): each virtual user holds its own ES256 key, each token
 * request a new proof (jti, iat, htm, htu), and the answer must say token_type DPoP. With `par`,
 * the authorization request (with dpop_jkt, §10) is pushed to /par first (RFC 9126 §2) and the
 * browser goes to /authorize with client_id and request_uri only.
 */
function dpopFlow(name: string, par: boolean): Scenario {
  return {
    name,
    operation: par
      ? 'live browser session: POST /par (Basic, PKCE S256, dpop_jkt), authorize with request_uri, code, token with a new ES256 DPoP proof (Basic), token_type DPoP and RS256 ID token verified'
      : 'live browser session: authorize, code, token with a new ES256 DPoP proof (Basic, PKCE S256), token_type DPoP and RS256 ID token verified',
    variant: 'argon2',
    ceiling: 'rs256',
    writes: true,
    async prepare({ rp, target }) {
      const client = target.firstParty;
      return loop({
        newUser: async () => ({ browser: (await loginFresh(rp, client)).browser, key: await createDpopKey() }),
        operation: async ({ browser, key }: { browser: CookieJar; key: Awaited<ReturnType<typeof createDpopKey>> }) => {
          const authorization = await authorizeInBrowser(rp, browser, client, { interactive: false, par, ...(par ? { dpopJkt: key.jkt } : {}) });
          await exchangeCode(rp, client, authorization, key);
        },
      });
    },
  };
}

export const flowSsoDpop = dpopFlow('flow-sso-dpop', false);
export const flowSsoParDpop = dpopFlow('flow-sso-par-dpop', true);
