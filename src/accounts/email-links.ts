// The account flows that work by a link sent by mail: email verification, password reset, email
// change, and self-registration (which ends in a verification). No HTTP here: the pages
// (endpoints/account-email.ts) call these functions. Rules kept once, here:
// - a link is 256 random bits; only its SHA-256 is stored (accountTokens), it is spent atomically
//   once, and it expires (verification and change: emailVerificationTtl, reset: passwordResetTtl);
// - a reset request answers the same whether or not the account or address exists, sends no mail
//   for unknown ones, and mails in the background so the answer takes the same time (OWASP ASVS
//   V2.5, OWASP Forgot Password Cheat Sheet); requests are throttled per client address and per account;
// - a reset goes through oauth/lifecycle.ts#changePassword: every session and token of the account ends;
// - logs name accounts and purposes, never a token or a link.
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { sha256Hex } from '../lib/digest.js';
import { randomToken } from '../lib/random.js';
import { changePassword, type EndedSession, type LifecycleStorage } from '../oauth/lifecycle.js';
import { DuplicateError, type AttemptSchedule, type Storage } from '../storage/ports.js';
import type { AccountRecord, AccountTokenPurpose } from '../storage/records.js';
import type { Mailer } from '../mail/mailer.js';
import { changeEmailMail, resetPasswordMail, verifyEmailMail, type MailContent } from '../mail/templates.js';
import { addressThrottleKey } from './login-throttle.js';
import { hashPassword, type Argon2Parameters } from './password.js';
import { chosenPasswordProblem } from './password-policy.js';
import { emailProblem } from './email.js';
import { usernameProblem } from './username.js';

/** Where the links point, below the issuer. */
export const verifyEmailPath = '/verify-email';
export const resetPath = '/reset';
export const confirmEmailChangePath = '/account/email/confirm';

export interface EmailLinkDeps {
  storage: LifecycleStorage & Pick<Storage, 'accounts' | 'accountTokens' | 'loginThrottle'>;
  clock: Clock;
  mailer: Mailer;
  logger: Logger;
  issuer: string;
  /** Seconds a verification or email-change link works. */
  verificationTtl: number;
  /** Seconds a reset link works. */
  resetTtl: number;
  argon2: Argon2Parameters;
  /** Told of each browser session a reset ends (the logout channels). */
  sessionEnded?: ((ended: EndedSession) => Promise<void>) | undefined;
}

/** Mails per account and purpose: three, then one an hour (a link is only useful once anyway). */
const perAccount: AttemptSchedule = { free: 3, delays: [3600], forgetAfter: 3600 };
/** Reset requests and sign-ups per client address (an IPv6 /64): ten, then one an hour. */
const perAddress: AttemptSchedule = { free: 10, delays: [3600], forgetAfter: 3600 };

export function accountTokenDigest(token: string): string {
  return sha256Hex(token);
}

/** Stores a fresh link's digest and returns the link (never logged). */
async function issueLink(purpose: AccountTokenPurpose, account: AccountRecord, email: string, ttl: number, path: string, deps: EmailLinkDeps): Promise<string> {
  const token = randomToken(32);
  const now = deps.clock();
  await deps.storage.accountTokens.insert({
    tokenDigest: accountTokenDigest(token), purpose, accountId: account.accountId, email, createdAt: now, expiresAt: now + ttl, usedAt: null,
  });
  return `${deps.issuer.replace(/\/$/, '')}${path}?token=${encodeURIComponent(token)}`;
}

async function reserve(key: string, schedule: AttemptSchedule, deps: EmailLinkDeps): Promise<boolean> {
  return (await deps.storage.loginThrottle.reserve(key, deps.clock(), schedule)).allowed;
}

/** Sends in the background: the caller's answer must not wait for (or reveal) the mail. Failures are logged. */
function sendLater(to: string, content: MailContent, purpose: AccountTokenPurpose, accountId: string, deps: EmailLinkDeps): Promise<void> {
  return deps.mailer.send({ to, ...content, purpose }).catch((error: unknown) => {
    deps.logger.error({ purpose, accountId, err: (error as Error).message }, 'mail could not be sent');
  });
}

export type SendOutcome = 'sent' | 'throttled' | 'no_email' | 'verified';

/** Mails a verification link to the account's address (throttled per account). */
export async function sendVerificationMail(account: AccountRecord, deps: EmailLinkDeps, options: { wait?: boolean } = {}): Promise<SendOutcome> {
  if (!account.email) return 'no_email';
  if (account.emailVerified) return 'verified';
  if (!(await reserve(`mail-verify:${account.accountId}`, perAccount, deps))) return 'throttled';
  const link = await issueLink('verify_email', account, account.email, deps.verificationTtl, verifyEmailPath, deps);
  deps.logger.info({ accountId: account.accountId, purpose: 'verify_email' }, 'verification mail requested');
  const sending = sendLater(account.email, verifyEmailMail(account.username, link, deps.verificationTtl), 'verify_email', account.accountId, deps);
  if (options.wait) await sending;
  return 'sent';
}

/** The live link's record without spending it (to show a page), or null. */
export async function liveLink(token: string, purpose: AccountTokenPurpose, deps: EmailLinkDeps) {
  if (!token || token.length > 128) return null;
  return deps.storage.accountTokens.find(accountTokenDigest(token), purpose, deps.clock());
}

/**
 * Follows a verification link (OIDC Core §5.1 email_verified): spends it, then marks the address
 * verified only if it is still the account's address. Self-registered accounts may now sign in.
 */
export async function verifyEmail(token: string, deps: EmailLinkDeps): Promise<'verified' | 'invalid'> {
  if (!token || token.length > 128) return 'invalid';
  const record = await deps.storage.accountTokens.consume(accountTokenDigest(token), 'verify_email', deps.clock());
  if (!record?.email) return 'invalid';
  const done = await deps.storage.accounts.markEmailVerified(record.accountId, record.email, deps.clock());
  deps.logger.info({ accountId: record.accountId, verified: done }, done ? 'email address verified' : 'verification link for a replaced address');
  return done ? 'verified' : 'invalid';
}

/**
 * A reset request by username or address (OWASP ASVS V2.5.6): 'throttled' only when the client
 * address spent its budget (which says nothing of any account); otherwise 'accepted', whether or
 * not any account matched. Each matching account with an address gets a link, at most three an hour.
 */
export async function requestPasswordReset(identifier: string, clientAddress: string, deps: EmailLinkDeps): Promise<'accepted' | 'throttled'> {
  if (!(await reserve(`reset-${addressThrottleKey(clientAddress)}`, perAddress, deps))) return 'throttled';
  const wanted = identifier.trim().slice(0, 254);
  if (!wanted) return 'accepted';
  const byUsername = await deps.storage.accounts.findByUsername(wanted);
  const byEmail = wanted.includes('@') ? await deps.storage.accounts.findByEmail(wanted, 5) : [];
  const accounts = [...new Map([...(byUsername ? [byUsername] : []), ...byEmail].map((a) => [a.accountId, a])).values()];
  for (const account of accounts) {
    if (!account.email) continue;
    if (!(await reserve(`mail-reset:${account.accountId}`, perAccount, deps))) {
      deps.logger.warn({ accountId: account.accountId }, 'password reset mail throttled for this account');
      continue;
    }
    const link = await issueLink('reset_password', account, account.email, deps.resetTtl, resetPath, deps);
    deps.logger.info({ accountId: account.accountId, purpose: 'reset_password' }, 'password reset mail requested');
    void sendLater(account.email, resetPasswordMail(account.username, link, deps.resetTtl), 'reset_password', account.accountId, deps);
  }
  if (accounts.length === 0) deps.logger.info({ address: clientAddress }, 'password reset asked for no known account (no mail)');
  return 'accepted';
}

export type ResetOutcome = { ok: true; username: string } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'weak'; message: string };

/**
 * Sets a new password with a reset link: the link must be live; the password must pass the policy
 * (checked before the link is spent, so a refused password does not burn it); then the link is
 * spent atomically and the password changed through oauth/lifecycle.ts, which ends every session
 * and revokes every token of the account (OWASP ASVS V2.5.x, V3.3). Other reset links of the account die too.
 */
export async function resetPassword(token: string, password: string, deps: EmailLinkDeps): Promise<ResetOutcome> {
  const record = await liveLink(token, 'reset_password', deps);
  const account = record ? await deps.storage.accounts.findById(record.accountId) : null;
  if (!record || !account) return { ok: false, reason: 'invalid' };
  const problem = chosenPasswordProblem(password, account.username);
  if (problem) return { ok: false, reason: 'weak', message: problem };
  const passwordHash = await hashPassword(password, deps.argon2);
  const spent = await deps.storage.accountTokens.consume(record.tokenDigest, 'reset_password', deps.clock());
  if (!spent) return { ok: false, reason: 'invalid' };
  const changed = await changePassword(account.accountId, passwordHash, { storage: deps.storage, clock: deps.clock, sessionEnded: deps.sessionEnded });
  if (!changed) return { ok: false, reason: 'invalid' };
  await deps.storage.accountTokens.revokeByAccount(account.accountId, 'reset_password', deps.clock());
  // The link reached the account's address: that proves it, as a verification link would.
  if (record.email && record.email === account.email) await deps.storage.accounts.markEmailVerified(account.accountId, record.email, deps.clock());
  deps.logger.info({ accountId: account.accountId }, 'password reset: sessions ended, tokens revoked');
  return { ok: true, username: account.username };
}

export type EmailChangeOutcome = 'sent' | 'same' | 'throttled' | { problem: string };

/** Mails a confirmation link to the new address; nothing changes until it is followed. */
export async function requestEmailChange(accountId: string, newEmail: string, deps: EmailLinkDeps): Promise<EmailChangeOutcome> {
  const email = newEmail.trim();
  const problem = emailProblem(email);
  if (problem) return { problem };
  const account = await deps.storage.accounts.findById(accountId);
  if (!account) return { problem: 'the account no longer exists' };
  if (account.email?.toLowerCase() === email.toLowerCase() && account.emailVerified) return 'same';
  if (!(await reserve(`mail-change:${account.accountId}`, perAccount, deps))) return 'throttled';
  const link = await issueLink('change_email', account, email, deps.verificationTtl, confirmEmailChangePath, deps);
  deps.logger.info({ accountId, purpose: 'change_email' }, 'email change confirmation mail requested');
  void sendLater(email, changeEmailMail(account.username, link, deps.verificationTtl), 'change_email', accountId, deps);
  return 'sent';
}

/** Follows an email-change link: spends it and sets the new address, verified (it was just proven). */
export async function confirmEmailChange(token: string, deps: EmailLinkDeps): Promise<'changed' | 'invalid'> {
  if (!token || token.length > 128) return 'invalid';
  const record = await deps.storage.accountTokens.consume(accountTokenDigest(token), 'change_email', deps.clock());
  const account = record ? await deps.storage.accounts.findById(record.accountId) : null;
  if (!record?.email || !account) return 'invalid';
  await deps.storage.accounts.updateClaims(account.accountId, {
    email: record.email, emailVerified: true, name: account.name, profile: account.profile ?? {},
  }, deps.clock());
  await deps.storage.accounts.markEmailVerified(account.accountId, record.email, deps.clock());
  // Links sent to the old address verify nothing any more (markEmailVerified checks the address).
  deps.logger.info({ accountId: account.accountId }, 'email address changed');
  return 'changed';
}

export interface SignUpForm {
  username: string;
  email: string;
  password: string;
}

export type SignUpOutcome =
  | { ok: true; accountId: string }
  | { ok: false; field: 'username' | 'email' | 'password' | 'form'; message: string; status: number };

/**
 * Self-registration: the username, address and password rules (a shipped list of common
 * passwords refused), throttled per client address; the account must verify its address before it
 * can sign in (`verifyBeforeLogin`), and the verification mail goes out at once.
 */
export async function signUp(form: SignUpForm, clientAddress: string, deps: EmailLinkDeps): Promise<SignUpOutcome> {
  const username = form.username.trim();
  const email = form.email.trim();
  const usernameError = usernameProblem(username);
  if (usernameError) return { ok: false, field: 'username', message: usernameError, status: 400 };
  const emailError = email ? emailProblem(email) : 'an e-mail address is required';
  if (emailError) return { ok: false, field: 'email', message: emailError, status: 400 };
  const passwordError = chosenPasswordProblem(form.password, username);
  if (passwordError) return { ok: false, field: 'password', message: passwordError, status: 400 };
  if (!(await reserve(`signup-${addressThrottleKey(clientAddress)}`, perAddress, deps))) {
    return { ok: false, field: 'form', message: 'Too many accounts were created from your network. Please try again later.', status: 429 };
  }
  const now = deps.clock();
  const account: AccountRecord = {
    accountId: crypto.randomUUID(), username, passwordHash: await hashPassword(form.password, deps.argon2),
    email, emailVerified: false, name: null, profile: {}, verifyBeforeLogin: true, createdAt: now, updatedAt: now,
  };
  try {
    await deps.storage.accounts.insert(account);
  } catch (error) {
    if (error instanceof DuplicateError) return { ok: false, field: 'username', message: 'this username is taken: choose another one', status: 409 };
    throw error;
  }
  deps.logger.info({ accountId: account.accountId }, 'account created by self-registration');
  await sendVerificationMail(account, deps);
  return { ok: true, accountId: account.accountId };
}

/** Whether the account may not sign in yet: self-registered and its address not verified. */
export function awaitingVerification(account: AccountRecord): boolean {
  return account.verifyBeforeLogin === true && !account.emailVerified;
}
