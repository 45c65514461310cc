// The consent page: who is asking, for what, in plain words; approve or deny.
import { escapeHtml, page } from './html.js';

export interface ConsentView {
  action: string;
  csrfToken: string;
  clientName: string;
  username: string;
  scopes: string[];
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
<ul class="scopes">
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
