// A device's authorization (RFC 8628) as the interaction pages see it: the same
// AuthenticationRequest the code flow resumes with, so login and consent follow the one decision
// (oidc/prompt.ts). It always asks for consent, even of a client trusted to skip it or already
// approved, since the user must confirm which device they connect (RFC 8628 §5.4 remote phishing).
import type { ClientRecord, DeviceAuthorizationRecord } from '../storage/records.js';
import { deviceVerificationPath } from '../oauth/device-authorization.js';
import type { AuthenticationRequest } from './authentication-request.js';
import { consentItems } from './claims.js';

export function deviceAuthenticationRequest(
  record: DeviceAuthorizationRecord, client: ClientRecord, issuer: string, params: Record<string, string>,
): AuthenticationRequest {
  return {
    client: { ...client, skipConsent: false },
    // Never redirected to: the answer goes to the device record (endpoints/interaction.ts).
    redirectUri: `${issuer}${deviceVerificationPath}`,
    responseMode: 'query',
    state: undefined,
    responseType: 'code',
    scopes: record.scopes,
    codeChallenge: null,
    codeChallengeMethod: null,
    resources: record.resources,
    dpopJkt: null,
    params,
    openid: record.scopes.includes('openid'),
    nonce: null,
    prompt: new Set(['consent']),
    maxAge: null,
    acrValues: null,
    loginHint: null,
    idTokenHintSubject: null,
    claimsRequest: null,
    claims: null,
    consentItems: consentItems(record.scopes, null),
  };
}
