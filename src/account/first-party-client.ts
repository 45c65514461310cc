// Gatehouse is the first client of its own account page: a built-in public client, known at
// startup and never stored, that signs in through /authorize like any relying party (login, and
// whatever the login later asks for — second factors, step-up — come with it). The resolver
// answers it before the stored clients, so nobody can register or shadow the id.
import type { ClientResolver } from '../oauth/client-resolver.js';
import type { ClientRecord } from '../storage/records.js';

export const accountClientId = 'gatehouse-account';
export const accountPath = '/account';
export const accountCallbackPath = `${accountPath}/callback`;

export function accountRedirectUri(issuer: string): string {
  return `${issuer}${accountCallbackPath}`;
}

/** The built-in client's record: public (PKCE), code flow only, `openid`, consent never asked. */
export function accountClientRecord(issuer: string): ClientRecord {
  return {
    clientId: accountClientId,
    clientName: 'Gatehouse account',
    secretDigest: null,
    redirectUris: [accountRedirectUri(issuer)],
    grantTypes: ['authorization_code'],
    responseTypes: ['code'],
    scopes: ['openid'],
    skipConsent: true,
    tokenEndpointAuthMethod: 'none',
    backchannelLogoutUri: null,
    backchannelLogoutSessionRequired: false,
    frontchannelLogoutUri: null,
    frontchannelLogoutSessionRequired: false,
    postLogoutRedirectUris: [],
    metadata: {},
    registrationExpiresAt: null,
    createdAt: 0,
  };
}

/** `clients`, answering the built-in account client itself. */
export function withAccountClient(clients: ClientResolver, issuer: string): ClientResolver {
  const record = accountClientRecord(issuer);
  return {
    async find(clientId) {
      return clientId === accountClientId ? { ...record, redirectUris: [...record.redirectUris] } : clients.find(clientId);
    },
  };
}
