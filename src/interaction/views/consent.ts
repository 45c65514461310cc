// The consent page: who is asking, for what, in plain words; approve or deny.
import { escapeHtml, page } from './html.js';
import { messages } from './messages.js';
import { documentClientNotice, type DocumentClientView } from './document-client.js';

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
  /** Set for a client known only by its Client ID Metadata Document. */
  documentClient?: DocumentClientView | undefined;
}

/** What the consent page names as the destination of a redirect URI. */
export function redirectTargetOf(redirectUri: string): string {
  if (!URL.canParse(redirectUri)) return redirectUri;
  const url = new URL(redirectUri);
  return url.host || url.protocol;
}

const scopeWords: Record<string, string> = {
  openid: 'Confirm your identity (your user id)',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Stay connected when you are not using it (keep access until you revoke it)',
};

export function describeScope(scope: string): string {
  return scopeWords[scope] ?? `Use the “${scope}” permission`;
}

export function consentPage(view: ConsentView): string {
  const items = view.scopes.map((s) => `<li>${escapeHtml(describeScope(s))}</li>`).join('\n');
  return page({
    title: 'Allow access',
    body: `<h1>Allow access?</h1>
<p class="lead"><strong>${escapeHtml(view.clientName)}</strong> wants to:</p>
${view.selfRegistered ? `<p class="notice" role="note"><strong>${escapeHtml(messages.consent.selfRegisteredTitle)}</strong> ${escapeHtml(messages.consent.selfRegistered)}</p>\n` : ''}<p class="muted">${escapeHtml(messages.consent.redirectsTo)} <strong>${escapeHtml(view.redirectTarget)}</strong></p>
${documentClientNotice(view.documentClient)}<ul class="scopes">
${items}
</ul>
<p class="muted">Signed in as <strong>${escapeHtml(view.username)}</strong>.</p>
<form method="post" action="${escapeHtml(view.action)}" class="actions">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<button type="submit" name="decision" value="approve" class="primary">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`,
  });
}
