// The account page (server-rendered, plain forms, no script): profile, password, sessions,
// connected apps, recent security activity, links to the second-factor pages. Every string comes
// from messages.ts; every value is escaped here.
import { escapeHtml, page } from '../interaction/views/html.js';
import { accountMessages as m, fill, type AccountMessageKey, type AccountNotice } from './messages.js';

export interface AccountSessionView {
  sid: string;
  current: boolean;
  authTime: number;
  createdAt: number;
  appNames: string[];
}

export interface ConnectedAppView {
  clientId: string;
  name: string;
  scopes: string[];
  since: number;
}

export interface AccountEventView {
  kind: 'sign_in' | 'password_changed';
  at: number;
  address: string | null;
}

export interface AccountPageView {
  username: string;
  name: string | null;
  email: string | null;
  emailVerified: boolean;
  csrfToken: string;
  sessions: AccountSessionView[];
  apps: ConnectedAppView[];
  events: AccountEventView[];
  notice?: AccountNotice | undefined;
  /** A form's problem, shown next to the form it belongs to. */
  error?: { form: 'profile' | 'password'; message: string } | undefined;
}

const e = escapeHtml;

/** Seconds since the epoch as an unambiguous UTC time (no script, so no local time zone). */
export function formatTime(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function time(seconds: number): string {
  return `<time datetime="${e(new Date(seconds * 1000).toISOString())}">${e(formatTime(seconds))}</time>`;
}

function csrf(token: string): string {
  return `<input type="hidden" name="csrf_token" value="${e(token)}">`;
}

function alert(form: 'profile' | 'password', view: AccountPageView): string {
  return view.error?.form === form ? `<p class="alert" role="alert" id="${form}-error">${e(view.error.message)}</p>` : '';
}

export function accountPage(view: AccountPageView): string {
  const notice = view.notice ? `<p class="notice" role="status">${e(m[view.notice as AccountMessageKey])}</p>` : '';
  const described = (form: 'profile' | 'password') => (view.error?.form === form ? ` aria-describedby="${form}-error"` : '');
  const email = view.email
    ? `${e(view.email)} <span class="muted">(${e(view.emailVerified ? m.emailVerified : m.emailUnverified)})</span>`
    : `<span class="muted">${e(m.emailNone)}</span>`;

  const sessions = view.sessions.map((s) => `<li class="item">
<p><strong>${e(s.current ? m.sessionThis : fill(m.sessionStarted, { time: formatTime(s.createdAt) }))}</strong><br>
<span class="muted">${fill(e(m.sessionSignedIn), { time: time(s.authTime) })}</span>${s.appNames.length ? `<br>
<span class="muted">${e(fill(m.sessionApps, { apps: s.appNames.join(', ') }))}</span>` : ''}</p>
${s.current ? '' : `<form method="post" action="/account/sessions/end">${csrf(view.csrfToken)}
<input type="hidden" name="sid" value="${e(s.sid)}">
<button type="submit" class="secondary">${e(m.sessionEnd)}</button></form>`}
</li>`).join('\n');
  const others = view.sessions.some((s) => !s.current)
    ? `<form method="post" action="/account/sessions/end">${csrf(view.csrfToken)}
<input type="hidden" name="sid" value="others">
<button type="submit" class="secondary">${e(m.sessionEndOthers)}</button></form>` : '';

  const apps = view.apps.length === 0 ? `<p class="muted">${e(m.appsNone)}</p>` : `<ul class="items">${view.apps.map((a) => `<li class="item">
<p><strong>${e(a.name)}</strong><br>
<span class="muted">${e(fill(m.appScopes, { scopes: a.scopes.join(' ') }))}</span><br>
<span class="muted">${fill(e(m.appSince), { time: time(a.since) })}</span></p>
<form method="post" action="/account/apps/revoke">${csrf(view.csrfToken)}
<input type="hidden" name="client_id" value="${e(a.clientId)}">
<button type="submit" class="secondary">${e(fill(m.appRevoke, { app: a.name }))}</button></form>
</li>`).join('\n')}</ul>`;

  const events = view.events.length === 0 ? `<p class="muted">${e(m.eventsNone)}</p>` : `<ul class="items">${view.events.map((ev) => `<li>
${e(ev.kind === 'sign_in' ? m.eventSignIn : m.eventPasswordChanged)} · ${time(ev.at)}${ev.address ? ` <span class="muted">${e(fill(m.eventFrom, { address: ev.address }))}</span>` : ''}
</li>`).join('\n')}</ul>`;

  return page({
    title: m.title,
    body: `<h1>${e(m.title)}</h1>
<p class="lead">${fill(e(m.lead), { user: `<strong>${e(view.username)}</strong>` })} <a href="/end_session">${e(m.signOut)}</a></p>
${notice}
<section aria-labelledby="profile-heading">
<h2 id="profile-heading">${e(m.profileHeading)}</h2>
<dl class="facts"><dt>${e(m.usernameLabel)}</dt><dd>${e(view.username)}</dd>
<dt>${e(m.emailLabel)}</dt><dd>${email} <a href="/account/email">${e(m.emailChange)}</a></dd></dl>
${alert('profile', view)}
<form method="post" action="/account/profile" class="stack">${csrf(view.csrfToken)}
<label for="name">${e(m.nameLabel)}</label>
<input type="text" id="name" name="name" autocomplete="name" maxlength="200" value="${e(view.name ?? '')}"${described('profile')}>
<button type="submit" class="secondary">${e(m.saveName)}</button>
</form>
</section>
<section aria-labelledby="password-heading">
<h2 id="password-heading">${e(m.passwordHeading)}</h2>
${alert('password', view)}
<form method="post" action="/account/password" class="stack">${csrf(view.csrfToken)}
<input type="text" name="username" autocomplete="username" value="${e(view.username)}" hidden>
<label for="current_password">${e(m.currentPasswordLabel)}</label>
<input type="password" id="current_password" name="current_password" autocomplete="current-password" required${described('password')}>
<label for="new_password">${e(m.newPasswordLabel)}</label>
<input type="password" id="new_password" name="new_password" autocomplete="new-password" minlength="8" maxlength="1024" required aria-describedby="new-password-hint">
<p class="muted" id="new-password-hint">${e(m.newPasswordHint)}</p>
<label for="confirm_password">${e(m.confirmPasswordLabel)}</label>
<input type="password" id="confirm_password" name="confirm_password" autocomplete="new-password" minlength="8" maxlength="1024" required>
<button type="submit" class="primary">${e(m.changePassword)}</button>
</form>
</section>
<section aria-labelledby="sessions-heading">
<h2 id="sessions-heading">${e(m.sessionsHeading)}</h2>
<ul class="items">${sessions}</ul>
${others}
</section>
<section aria-labelledby="apps-heading">
<h2 id="apps-heading">${e(m.appsHeading)}</h2>
${apps}
</section>
<section aria-labelledby="events-heading">
<h2 id="events-heading">${e(m.eventsHeading)}</h2>
${events}
</section>`,
  });
}

export function accountRefusedPage(): string {
  return page({
    title: m.refusedTitle,
    body: `<h1>${e(m.refusedTitle)}</h1>
<p class="lead">${e(m.refusedLead)}</p>
<p><a class="button primary" href="/account">${e(m.tryAgain)}</a></p>`,
  });
}

export function accountSignInFailedPage(): string {
  return page({
    title: m.signInFailedTitle,
    body: `<h1>${e(m.signInFailedTitle)}</h1>
<p class="lead">${e(m.signInFailedLead)}</p>
<p><a class="button primary" href="/account">${e(m.tryAgain)}</a></p>`,
  });
}
