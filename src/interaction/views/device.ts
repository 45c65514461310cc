// The device sign-in pages (RFC 8628 §3.3): the form for the user code, and the page that ends
// the sign-in on this browser (the device learns the answer by polling). Plain forms, no script.
import { escapeHtml, page } from './html.js';
import { deviceMessages as m } from './device-messages.js';

export interface DeviceEntryView {
  action: string;
  csrfToken: string;
  /** Prefilled from verification_uri_complete; the user still confirms it (§5.4). */
  userCode?: string | undefined;
  error?: string | undefined;
}

export function deviceEntryPage(view: DeviceEntryView): string {
  const error = view.error ? `<div class="alert" role="alert" id="user-code-error">${escapeHtml(view.error)}</div>` : '';
  const describedBy = view.error ? 'user-code-hint user-code-error' : 'user-code-hint';
  return page({
    title: m.entry.title,
    body: `<h1>${escapeHtml(m.entry.heading)}</h1>
<p class="lead">${escapeHtml(m.entry.lead)}</p>
${error}
<form method="post" action="${escapeHtml(view.action)}" class="stack">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<label for="user_code">${escapeHtml(m.entry.label)}</label>
<input id="user_code" name="user_code" type="text" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required autofocus maxlength="32" value="${escapeHtml(view.userCode ?? '')}" aria-describedby="${describedBy}">
<p class="muted" id="user-code-hint">${escapeHtml(m.entry.hint)}</p>
<p class="notice" role="note">${escapeHtml(m.entry.warning)}</p>
<button type="submit" class="primary">${escapeHtml(m.entry.submit)}</button>
</form>`,
  });
}

export function deviceDonePage(outcome: 'approved' | 'denied' | 'late', clientName: string): string {
  const client = `<strong>${escapeHtml(clientName)}</strong>`;
  const [title, lead] = outcome === 'approved' ? [m.done.approvedTitle, m.done.approved(client)]
    : outcome === 'denied' ? [m.done.deniedTitle, m.done.denied(client)] : [m.done.lateTitle, escapeHtml(m.done.late)];
  return page({ title, body: `<h1>${escapeHtml(title)}</h1>\n<p class="lead">${lead}</p>` });
}
