// The consent page: who is asking, for what, in plain words; approve or deny.
import { escapeHtml, page } from './html.js';
import { messages } from './messages.js';
import { clientLinksHtml, clientLogoHtml, type ClientInfo } from './client-info.js';
import { claimWords, otherScope, scopeWords, seeClaim } from './client-info-messages.js';
import { documentClientNotice, type DocumentClientView } from './document-client.js';
import { deviceMessages } from './device-messages.js';

export interface ConsentView {
  action: string;
  csrfToken: string;
  clientName: string;
  username: string;
  scopes: string[];
  /** The client registered itself (RFC 7591): say so, so its chosen name cannot pass for a first-party app. */
  selfRegistered: boolean;
  /** Where the browser goes afterwards: the redirect URI's host (or its scheme, for a native app). */
  redirectTarget: string;
  /** Claims asked for by name that no scope covers (OIDC Core §5.5). */
  claims?: string[] | undefined;
  /** Logo and links the client registered (https only). */
  client?: ClientInfo | undefined;
  /** Set for a client known only by its Client ID Metadata Document. */
  documentClient?: DocumentClientView | undefined;
  /** A device's sign-in (RFC 8628 §5.4): say so, and that only the user's own device counts. */
  device?: boolean | undefined;
}

/** What the consent page names as the destination of a redirect URI. */
export function redirectTargetOf(redirectUri: string): string {
  if (!URL.canParse(redirectUri)) return redirectUri;
  const url = new URL(redirectUri);
  return url.host || url.protocol;
}

export function describeScope(scope: string): string {
  return scopeWords[scope] ?? otherScope(scope);
}

export function consentPage(view: ConsentView): string {
  const lines = [...view.scopes.map(describeScope), ...(view.claims ?? []).map((c) => seeClaim(claimWords[c] ?? c))];
  const items = lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('\n');
  return page({
    title: 'Allow access',
    body: `${clientLogoHtml(view.client)}<h1>Allow access?</h1>
${view.device
    ? `<p class="lead">${escapeHtml(deviceMessages.consent.lead).replace('{client}', `<strong>${escapeHtml(view.clientName)}</strong>`)}</p>`
    : `<p class="lead"><strong>${escapeHtml(view.clientName)}</strong> wants to:</p>`}
${view.selfRegistered ? `<p class="notice" role="note"><strong>${escapeHtml(messages.consent.selfRegisteredTitle)}</strong> ${escapeHtml(messages.consent.selfRegistered)}</p>\n` : ''}${view.device
    ? `<p class="notice" role="note">${escapeHtml(deviceMessages.consent.check)}</p>`
    : `<p class="muted">${escapeHtml(messages.consent.redirectsTo)} <strong>${escapeHtml(view.redirectTarget)}</strong></p>`}
${documentClientNotice(view.documentClient)}<ul class="scopes">
${items}
</ul>
<p class="muted">Signed in as <strong>${escapeHtml(view.username)}</strong>.</p>
<form method="post" action="${escapeHtml(view.action)}" class="actions">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<button type="submit" name="decision" value="approve" class="primary">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>${clientLinksHtml(view.client)}`,
  });
}
