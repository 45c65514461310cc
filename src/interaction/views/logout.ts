// The RP-Initiated Logout pages (RP-Initiated Logout 1.0 §2, §6): the confirmation, a plain form
// that works without JavaScript and carries a CSRF token; the signed-out page; the error page.
import { escapeHtml, page } from './html.js';
import { logoutMessages } from './logout-messages.js';

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
}

export interface LogoutConfirmView {
  action: string;
  csrfToken: string;
  /** The logout request's parameters, sent back with the answer. */
  params: Record<string, string>;
  username: string;
  clientName: string | null;
  uiLocales: readonly string[];
}

export function logoutConfirmPage(view: LogoutConfirmView): string {
  const { lang, messages } = logoutMessages(view.uiLocales);
  const user = `<strong>${escapeHtml(view.username)}</strong>`;
  const lead = view.clientName
    ? fill(escapeHtml(messages.confirmLead), { user, client: `<strong>${escapeHtml(view.clientName)}</strong>` })
    : fill(escapeHtml(messages.confirmLeadNoClient), { user });
  const hidden = Object.entries(view.params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('\n');
  return page({
    lang,
    title: messages.confirmTitle,
    body: `<h1>${escapeHtml(messages.confirmTitle)}</h1>
<p class="lead">${lead}</p>
<form method="post" action="${escapeHtml(view.action)}" class="stack">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
${hidden}
<button type="submit" name="decision" value="logout" class="primary">${escapeHtml(messages.confirmButton)}</button>
<button type="submit" name="decision" value="stay">${escapeHtml(messages.cancelButton)}</button>
</form>`,
  });
}

export function signedOutPage(clientName: string | null, uiLocales: readonly string[]): string {
  const { lang, messages } = logoutMessages(uiLocales);
  const lead = clientName
    ? fill(escapeHtml(messages.signedOutLeadClient), { client: `<strong>${escapeHtml(clientName)}</strong>` })
    : escapeHtml(messages.signedOutLead);
  return page({
    lang,
    title: messages.signedOutTitle,
    body: `<h1>${escapeHtml(messages.signedOutTitle)}</h1>
<p class="lead" role="status">${lead}</p>`,
  });
}

export function stayedSignedInPage(uiLocales: readonly string[]): string {
  const { lang, messages } = logoutMessages(uiLocales);
  return page({
    lang,
    title: messages.notSignedOutTitle,
    body: `<h1>${escapeHtml(messages.notSignedOutTitle)}</h1>
<p class="lead" role="status">${escapeHtml(messages.notSignedOutLead)}</p>`,
  });
}

/** A logout request that is wrong (§2-3): shown, never redirected. */
export function logoutErrorPage(description: string, code: string, uiLocales: readonly string[]): string {
  const { lang, messages } = logoutMessages(uiLocales);
  return page({
    lang,
    title: messages.errorTitle,
    body: `<h1>${escapeHtml(messages.errorTitle)}</h1>
<p class="alert" role="alert">${escapeHtml(description)}</p>
<p class="muted">${escapeHtml(messages.errorCodeLabel)} <code>${escapeHtml(code)}</code></p>
<p class="muted">${escapeHtml(messages.errorHelp)}</p>`,
  });
}

/** The confirmation POST without this browser's CSRF token. */
export function logoutRefusedPage(uiLocales: readonly string[]): string {
  const { lang, messages } = logoutMessages(uiLocales);
  return page({
    lang,
    title: messages.refusedTitle,
    body: `<h1>${escapeHtml(messages.refusedTitle)}</h1>
<p class="alert" role="alert">${escapeHtml(messages.refusedLead)}</p>`,
  });
}
