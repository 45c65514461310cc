// The login page: a plain form that works without JavaScript.
import { escapeHtml, page } from './html.js';
import { clientLinksHtml, clientLogoHtml, type ClientInfo } from './client-info.js';
import { accountEmailMessages } from './account-email-messages.js';

export interface LoginView {
  action: string;
  csrfToken: string;
  clientName: string;
  username?: string | undefined;
  error?: string | undefined;
  /** Logo and links the client registered (https only). */
  client?: ClientInfo | undefined;
  /** "Forgot password?" (/reset, with the way back here). */
  resetHref?: string | undefined;
  /** "Create an account" when self-registration is on. */
  signUpHref?: string | undefined;
}

export function loginPage(view: LoginView): string {
  const error = view.error
    ? `<div class="alert" role="alert" id="login-error">${escapeHtml(view.error)}</div>`
    : '';
  const describedBy = view.error ? ' aria-describedby="login-error"' : '';
  return page({
    title: 'Sign in',
    body: `${clientLogoHtml(view.client)}<h1>Sign in</h1>
<p class="lead">to continue to <strong>${escapeHtml(view.clientName)}</strong></p>
${error}
<form method="post" action="${escapeHtml(view.action)}" class="stack">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${escapeHtml(view.username ?? '')}"${describedBy}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${describedBy}>
<button type="submit" class="primary">Sign in</button>
</form>${accountLinks(view)}${clientLinksHtml(view.client)}`,
  });
}

function accountLinks(view: LoginView): string {
  const links = [
    view.resetHref ? `<a href="${escapeHtml(view.resetHref)}">${escapeHtml(accountEmailMessages.login.forgot)}</a>` : '',
    view.signUpHref ? `<a href="${escapeHtml(view.signUpHref)}">${escapeHtml(accountEmailMessages.login.signup)}</a>` : '',
  ].filter(Boolean);
  return links.length ? `\n<p class="muted">${links.join(' · ')}</p>` : '';
}
