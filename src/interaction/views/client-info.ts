// The client's logo and links (OIDC Registration §2: logo_uri, client_uri, policy_uri, tos_uri)
// on the login and consent pages. Only https URIs are shown; the page's CSP img-src names exactly
// the logo's origin (`imageSources`).
import type { ClientMetadata } from '../../storage/records.js';
import { escapeHtml } from './html.js';
import { clientInfoMessages as m } from './client-info-messages.js';

export interface ClientInfo {
  clientName: string;
  logoUri?: string | undefined;
  clientUri?: string | undefined;
  policyUri?: string | undefined;
  tosUri?: string | undefined;
}

/** The URI when it is an absolute https URL, else undefined (anything else is ignored). */
export function httpsOnly(uri: string | undefined): string | undefined {
  if (uri === undefined) return undefined;
  try {
    return new URL(uri).protocol === 'https:' ? uri : undefined;
  } catch {
    return undefined;
  }
}

export function clientInfo(clientName: string, metadata: ClientMetadata): ClientInfo {
  return {
    clientName,
    logoUri: httpsOnly(metadata.logoUri),
    clientUri: httpsOnly(metadata.clientUri),
    policyUri: httpsOnly(metadata.policyUri),
    tosUri: httpsOnly(metadata.tosUri),
  };
}

/** The origins the page loads images from besides itself: the logo's, when there is one. */
export function imageSources(info: ClientInfo | undefined): string[] {
  return info?.logoUri ? [new URL(info.logoUri).origin] : [];
}

export function clientLogoHtml(info: ClientInfo | undefined): string {
  if (!info?.logoUri) return '';
  return `<img class="client-logo" src="${escapeHtml(info.logoUri)}" alt="${escapeHtml(m.logoAlt(info.clientName))}" width="64" height="64">`;
}

function link(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(text)}<span class="visually-hidden"> ${escapeHtml(m.opensInNewTab)}</span></a>`;
}

export function clientLinksHtml(info: ClientInfo | undefined): string {
  if (!info) return '';
  const links = [
    info.clientUri ? link(info.clientUri, m.clientHome(info.clientName)) : null,
    info.policyUri ? link(info.policyUri, m.policy) : null,
    info.tosUri ? link(info.tosUri, m.terms) : null,
  ].filter((l): l is string => l !== null);
  if (links.length === 0) return '';
  return `<nav class="client-links" aria-label="${escapeHtml(m.linksLabel(info.clientName))}"><ul>
${links.map((l) => `<li>${l}</li>`).join('\n')}
</ul></nav>`;
}
