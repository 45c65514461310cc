// The Device Authorization Grant's rules (RFC 8628), without HTTP or SQL: the device
// authorization request (§3.1) and its response (§3.2), the user code (§6.1: short, unambiguous,
// case- and punctuation-insensitive, with enough entropy for its short life and rate-limited
// entry), and what a poll answers (§3.5). Both codes are kept only as digests.
import { randomInt } from 'node:crypto';
import { randomToken } from '../lib/random.js';
import type { ClientRecord } from '../storage/records.js';
import type { DeviceAuthorizationStore, ResourceStore } from '../storage/ports.js';
import { DuplicateError } from '../storage/ports.js';
import { OAuthError } from './errors.js';
import { digestOf } from './opaque-token.js';
import { defaultScope, parseScope, requireAllowedScopes } from './scope.js';
import { authorizationResources } from './resource-indicator.js';
import type { AuthenticatedRequest } from './request.js';

export const deviceCodeGrantType = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * The interaction parameter naming the device record (by its user code's digest) an interaction
 * answers. /authorize never stores it from the wire (endpoints/authorize.ts).
 */
export const deviceInteractionParameter = 'gatehouse_device_authorization';

/** The verification page, under the issuer (§3.2 verification_uri). */
export const deviceVerificationPath = '/device';

export interface DevicePolicy {
  /** Life of a device code and its user code, in seconds (§3.2 expires_in). */
  deviceCodeTtl: number;
  /** Least seconds between polls (§3.2 interval). */
  devicePollInterval: number;
}

/**
 * §6.1: twenty consonants (no vowels: no words; no 0/O, 1/I/L look-alikes left), eight of them:
 * 20^8 ≈ 2^34.6 values. With codes living ten minutes and entry throttled per address, guessing
 * a live code is out of reach; it is not a secret that must resist an offline search.
 */
const userCodeAlphabet = 'BCDFGHJKLMNPQRSTVWXZ';
const userCodeLength = 8;

/** A fresh user code as shown to the user: `WDJB-MJHT`. */
export function newUserCode(): string {
  let code = '';
  for (let i = 0; i < userCodeLength; i++) code += userCodeAlphabet[randomInt(userCodeAlphabet.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What the user typed, in the one form codes are compared in: upper case, without spaces or
 * dashes (§6.1). null when it cannot be a user code at all.
 */
export function normalizeUserCode(typed: string | undefined): string | null {
  if (typed === undefined) return null;
  const code = typed.replace(/[\s\-‐-―]/g, '').toUpperCase();
  if (code.length !== userCodeLength) return null;
  for (const c of code) if (!userCodeAlphabet.includes(c)) return null;
  return code;
}

/** The digest a user code is stored and looked up by (of its normalised form). */
export function userCodeDigest(normalized: string): string {
  return digestOf(`user_code:${normalized}`);
}

/** The digest a device code is stored and looked up by. */
export function deviceCodeDigest(deviceCode: string): string {
  return digestOf(`device_code:${deviceCode}`);
}

export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/**
 * §3.1-3.2: a client allowed the device grant asks for scopes (default: its default scope) and
 * resources (RFC 8707); the new record is pending until the user answers on the verification page.
 */
export async function startDeviceAuthorization(
  request: AuthenticatedRequest,
  deps: { devices: DeviceAuthorizationStore; resources: ResourceStore; policy: DevicePolicy; issuer: string; now: number },
): Promise<DeviceAuthorizationResponse> {
  const { client, params } = request;
  if (!client.grantTypes.includes(deviceCodeGrantType)) {
    throw new OAuthError('unauthorized_client', 'the client may not use the device authorization grant');
  }
  const requested = parseScope(params.scope);
  const scopes = requested.length > 0 ? requireAllowedScopes(requested, client.scopes) : defaultScope(client);
  const resources = await authorizationResources(params.resource, client, deps.resources);
  const { policy, now } = deps;
  // A user code collision (one in 2^34 per live code) is answered by drawing again.
  for (let attempt = 0; ; attempt++) {
    const deviceCode = randomToken(32);
    const userCode = newUserCode();
    try {
      await deps.devices.insert({
        deviceCodeDigest: deviceCodeDigest(deviceCode), userCodeDigest: userCodeDigest(normalizeUserCode(userCode)!),
        clientId: client.clientId, scopes, resources, status: 'pending', accountId: null, authTime: null,
        grantId: randomToken(16), interval: policy.devicePollInterval, lastPolledAt: null, createdAt: now, expiresAt: now + policy.deviceCodeTtl,
      });
      const verificationUri = `${deps.issuer}${deviceVerificationPath}`;
      return {
        device_code: deviceCode,
        user_code: userCode,
        verification_uri: verificationUri,
        verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(userCode)}`,
        expires_in: policy.deviceCodeTtl,
        interval: policy.devicePollInterval,
      };
    } catch (error) {
      if (!(error instanceof DuplicateError) || attempt >= 3) throw error;
    }
  }
}

/** Whether a client may still approve devices: it exists and is allowed the grant. */
export function clientUsesDeviceGrant(client: ClientRecord | null): client is ClientRecord {
  return client !== null && client.grantTypes.includes(deviceCodeGrantType);
}
