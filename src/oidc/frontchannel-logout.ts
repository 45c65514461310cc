// OpenID Connect Front-Channel Logout 1.0 on the OP side: when a browser session ends at the
// end_session endpoint, every client it signed into that registered a `frontchannel_logout_uri`
// (§2) is rendered in an iframe of the page the browser sees (§3), its URI carrying `iss` and
// `sid` added to its own query. Nothing here knows HTML or HTTP: the endpoint renders the frames.
import type { ClientStore } from '../storage/ports.js';

/** One relying party to tell, through the browser, that the session ended (§3). */
export interface FrontchannelLogoutFrame {
  clientId: string;
  clientName: string;
  /** The registered URI with `iss` and `sid` appended to its query. */
  src: string;
  /** Its origin, which the page's CSP frame-src must allow, and nothing else. */
  origin: string;
}

/**
 * §3: the URI as registered, its own query kept character for character, plus `iss` and `sid`
 * ("if either is included, both MUST be"). Sent to every client, as §3 allows, so those with
 * `frontchannel_logout_session_required` (§2) get them too; a session without a sid gets neither.
 */
export function frontchannelLogoutUrl(uri: string, issuer: string, sid: string): string {
  if (sid === '') return uri;
  const separator = !uri.includes('?') ? '?' : uri.endsWith('?') || uri.endsWith('&') ? '' : '&';
  return `${uri}${separator}${new URLSearchParams({ iss: issuer, sid }).toString()}`;
}

/**
 * An http(s) origin whose host is a DNS name (letters, digits, hyphens, dots) or an IP address:
 * safe to write into a CSP `frame-src`, where `*` is a wildcard and `;` or `,` end the directive.
 * The URL parser lets such characters through in a host name; registration refuses them.
 */
export function isFrameableOrigin(origin: string): boolean {
  return /^https?:\/\/([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:\d+)?$/.test(origin);
}

export interface FrontchannelLogoutDeps {
  clients: Pick<ClientStore, 'find'>;
  issuer: string;
}

/**
 * The frames for an ended session: one per client it signed into (in the order it first did)
 * that has a front-channel logout URI. A client the session never signed into gets none, and a
 * client deleted meanwhile is skipped.
 */
export async function frontchannelLogoutFrames(
  ended: { sid: string; clientIds: readonly string[] }, deps: FrontchannelLogoutDeps,
): Promise<FrontchannelLogoutFrame[]> {
  const frames: FrontchannelLogoutFrame[] = [];
  for (const clientId of new Set(ended.clientIds)) {
    const client = await deps.clients.find(clientId);
    if (!client?.frontchannelLogoutUri || !URL.canParse(client.frontchannelLogoutUri)) continue;
    const origin = new URL(client.frontchannelLogoutUri).origin;
    // Registration allows nothing else; a row written around it is not put into the CSP.
    if (!isFrameableOrigin(origin)) continue;
    frames.push({
      clientId, clientName: client.clientName, origin,
      src: frontchannelLogoutUrl(client.frontchannelLogoutUri, deps.issuer, ended.sid),
    });
  }
  return frames;
}
