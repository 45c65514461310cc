// The pages reached by mail or from the login page: password reset (ask, new password, done),
// email verification and email change (a button to confirm: a mail scanner's GET spends nothing),
// and self-registration. Plain forms, no script; every string from account-email-messages.ts.
import { escapeHtml, page } from './html.js';
import { accountEmailMessages as m } from './account-email-messages.js';

function alert(id: string, error: string | undefined): string {
  return error ? `<div class="alert" role="alert" id="${id}">${escapeHtml(error)}</div>\n` : '';
}

function back(returnTo: string | undefined): string {
  return returnTo ? `\n<p><a href="${escapeHtml(returnTo)}">${escapeHtml(m.backToSignIn)}</a></p>` : '';
}

function hidden(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">\n`;
}

export function messagePage(title: string, lead: string, returnTo?: string, extra = ''): string {
  return page({ title, body: `<h1>${escapeHtml(title)}</h1>\n<p class="lead">${escapeHtml(lead)}</p>${extra}${back(returnTo)}` });
}

export interface ResetRequestView { action: string; csrfToken: string; identifier?: string; returnTo?: string | undefined; error?: string }

export function resetRequestPage(view: ResetRequestView): string {
  const r = m.resetRequest;
  const describedBy = view.error ? ' aria-describedby="reset-error"' : '';
  return page({
    title: r.title,
    body: `<h1>${escapeHtml(r.title)}</h1>
<p class="lead">${escapeHtml(r.lead)}</p>
${alert('reset-error', view.error)}<form method="post" action="${escapeHtml(view.action)}" class="stack">
${hidden('csrf_token', view.csrfToken)}${hidden('return_to', view.returnTo)}<label for="identifier">${escapeHtml(r.label)}</label>
<input id="identifier" name="identifier" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus maxlength="254" value="${escapeHtml(view.identifier ?? '')}"${describedBy}>
<button type="submit" class="primary">${escapeHtml(r.submit)}</button>
</form>${back(view.returnTo)}`,
  });
}

export function resetSentPage(returnTo?: string): string {
  return messagePage(m.resetSent.title, m.resetSent.lead, returnTo, `\n<p class="muted">${escapeHtml(m.resetSent.hint)}</p>`);
}

export interface ResetFormView { action: string; csrfToken: string; token: string; username: string; error?: string | undefined }

export function resetFormPage(view: ResetFormView): string {
  const f = m.resetForm;
  const describedBy = view.error ? 'password-hint reset-error' : 'password-hint';
  return page({
    title: f.title,
    body: `<h1>${escapeHtml(f.title)}</h1>
<p class="lead">${escapeHtml(f.lead(view.username))}</p>
${alert('reset-error', view.error)}<form method="post" action="${escapeHtml(view.action)}" class="stack">
${hidden('csrf_token', view.csrfToken)}${hidden('token', view.token)}<input type="text" name="username" autocomplete="username" value="${escapeHtml(view.username)}" hidden>
<label for="password">${escapeHtml(f.password)}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required autofocus minlength="8" maxlength="1024" aria-describedby="${describedBy}">
<p class="muted" id="password-hint">${escapeHtml(f.hint)}</p>
<label for="password_confirm">${escapeHtml(f.confirm)}</label>
<input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required minlength="8" maxlength="1024">
<button type="submit" class="primary">${escapeHtml(f.submit)}</button>
</form>`,
  });
}

export function linkInvalidPage(offerReset: boolean): string {
  const extra = offerReset ? `\n<p><a href="/reset">${escapeHtml(m.linkInvalid.reset)}</a></p>` : '';
  return messagePage(m.linkInvalid.title, m.linkInvalid.lead, undefined, extra);
}

export interface ConfirmView { title: string; lead: string; submit: string; action: string; token: string }

/** A link's landing page: one button, so only a person's POST spends the link. */
export function confirmLinkPage(view: ConfirmView): string {
  return page({
    title: view.title,
    body: `<h1>${escapeHtml(view.title)}</h1>
<p class="lead">${escapeHtml(view.lead)}</p>
<form method="post" action="${escapeHtml(view.action)}" class="stack">
${hidden('token', view.token)}<button type="submit" class="primary" autofocus>${escapeHtml(view.submit)}</button>
</form>`,
  });
}

export interface EmailChangeView { action: string; csrfToken: string; current: string | null; email?: string; error?: string | undefined }

export function emailChangePage(view: EmailChangeView): string {
  const c = m.emailChange;
  const describedBy = view.error ? ' aria-describedby="email-error"' : '';
  return page({
    title: c.title,
    body: `<h1>${escapeHtml(c.title)}</h1>
<p class="lead">${escapeHtml(c.lead(view.current))}</p>
${alert('email-error', view.error)}<form method="post" action="${escapeHtml(view.action)}" class="stack">
${hidden('csrf_token', view.csrfToken)}<label for="email">${escapeHtml(c.label)}</label>
<input id="email" name="email" type="email" autocomplete="email" spellcheck="false" required autofocus maxlength="254" value="${escapeHtml(view.email ?? '')}"${describedBy}>
<button type="submit" class="primary">${escapeHtml(c.submit)}</button>
</form>`,
  });
}

export interface SignUpView {
  action: string; csrfToken: string; returnTo?: string | undefined;
  values?: { username?: string; email?: string };
  error?: { field: string; message: string } | undefined;
}

export function signUpPage(view: SignUpView): string {
  const s = m.signup;
  const err = (field: string) => view.error?.field === field ? ' aria-invalid="true" aria-describedby="signup-error"' : '';
  const firstInvalid = view.error?.field;
  const focus = (field: string) => (firstInvalid ? firstInvalid === field : field === 'username') ? ' autofocus' : '';
  return page({
    title: s.title,
    body: `<h1>${escapeHtml(s.title)}</h1>
<p class="lead">${escapeHtml(s.lead)}</p>
${alert('signup-error', view.error?.message)}<form method="post" action="${escapeHtml(view.action)}" class="stack">
${hidden('csrf_token', view.csrfToken)}${hidden('return_to', view.returnTo)}<label for="username">${escapeHtml(s.username)}</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="128" value="${escapeHtml(view.values?.username ?? '')}"${err('username')}${focus('username')}>
<label for="email">${escapeHtml(s.email)}</label>
<input id="email" name="email" type="email" autocomplete="email" spellcheck="false" required maxlength="254" value="${escapeHtml(view.values?.email ?? '')}"${err('email')}${focus('email')}>
<label for="password">${escapeHtml(s.password)}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="1024"${err('password') || ' aria-describedby="signup-password-hint"'}${focus('password')}>
<p class="muted" id="signup-password-hint">${escapeHtml(s.passwordHint)}</p>
<button type="submit" class="primary">${escapeHtml(s.submit)}</button>
</form>${back(view.returnTo)}`,
  });
}
