// Password login inside an interaction: throttled per username and per client address (the
// attempt is reserved before the password is checked, accounts/login-throttle.ts), the same
// answer and the same work for an unknown user and a wrong password, a fresh session on success.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.js';
import type { ServerDeps } from '../http/server-deps.js';
import {
  loginSucceeded, reserveLoginAttempt, usernameDelayAfter, type LoginThrottlePolicy,
} from '../accounts/login-throttle.js';
import type { InteractionRecord } from '../storage/records.js';
import { startSession } from './browser-session.js';
import { invalidCredentials, tooManyAttempts } from './messages.js';
import { recordAccountEvent } from '../account/events.js';
import { awaitingVerification, sendVerificationMail } from '../accounts/email-links.js';
import { emailLinkDeps } from './email-link-deps.js';
import { accountEmailMessages } from './views/account-email-messages.js';

export type LoginOutcome =
  | { ok: true }
  | { ok: false; retryAfter: number | null; message: string; username: string; status?: number };

export function loginThrottlePolicy(config: Config): LoginThrottlePolicy {
  return {
    maxFailures: config.loginMaxFailures, delay: config.loginThrottleDelay, maxDelay: config.loginThrottleMaxDelay,
    window: config.loginFailureWindow, maxFailuresPerAddress: config.loginMaxFailuresPerAddress,
  };
}

export async function attemptLogin(
  request: FastifyRequest, reply: FastifyReply, interaction: InteractionRecord,
  form: Record<string, string>, deps: ServerDeps,
): Promise<LoginOutcome> {
  const username = (form.username ?? '').trim().slice(0, 128);
  const password = form.password ?? '';
  const { config, storage, clock } = deps;
  if (!username || !password) return { ok: false, retryAfter: null, message: invalidCredentials, username };

  const attempt = { username, address: request.ip };
  const policy = loginThrottlePolicy(config);
  const decision = await reserveLoginAttempt(attempt, clock(), policy, storage.loginThrottle);
  if (!decision.allowed) {
    request.log.warn({ reqId: request.id, username, address: attempt.address, limitedBy: decision.limitedBy,
      retryAfter: decision.retryAfter }, 'login refused: throttled');
    return { ok: false, retryAfter: decision.retryAfter, message: tooManyAttempts(decision.retryAfter), username };
  }

  const account = await storage.accounts.findByUsername(username);
  const valid = account
    ? await deps.passwords.verify(account.passwordHash, password)
    : await deps.passwords.verifyUnknown(password);
  if (!account || !valid) {
    const failures = decision.usernameFailures;
    request.log.info({ reqId: request.id, username, address: attempt.address, failures }, 'login failed');
    const delay = usernameDelayAfter(failures, policy);
    if (delay > 0) request.log.warn({ reqId: request.id, username, failures, delay }, 'login throttled: username must wait');
    if (decision.addressFailures === policy.maxFailuresPerAddress) {
      request.log.warn({ reqId: request.id, address: attempt.address, failures: decision.addressFailures, delay: policy.window },
        'login throttled: address spent its failure budget');
    }
    return { ok: false, retryAfter: null, message: invalidCredentials, username };
  }
  await loginSucceeded(attempt, storage.loginThrottle);
  // A self-registered account signs in only once its address is verified; the right password
  // (and only it, so guessers learn nothing) sends a fresh link, at most three an hour.
  if (awaitingVerification(account)) {
    const sent = await sendVerificationMail(account, emailLinkDeps(deps));
    request.log.info({ reqId: request.id, username, sent }, 'login refused: email address not verified yet');
    return { ok: false, retryAfter: null, message: accountEmailMessages.login.verifyFirst(sent === 'sent'), username, status: 403 };
  }
  const authentication = await startSession(request, reply, account.accountId, deps);
  await storage.interactions.setLogin(interaction.interactionId, account.accountId, authentication.authTime);
  // A password change or deletion (oauth/lifecycle.ts) stores the new hash first, then ends the
  // account's sessions and sign-ins. Read the account again now that this session and login exist:
  // if it still has the hash just verified, any later change ends them too; if not, the change
  // raced this sign-in, so nothing it started may stay.
  const current = await storage.accounts.findById(account.accountId);
  if (current?.passwordHash !== account.passwordHash) {
    await storage.sessions.delete(authentication.sessionDigest);
    await storage.interactions.delete(interaction.interactionId);
    request.log.warn({ reqId: request.id, username, address: attempt.address }, 'login void: the password changed or the account was deleted meanwhile');
    return { ok: false, retryAfter: null, message: invalidCredentials, username };
  }
  // The account page's recent activity (account/events.ts).
  await recordAccountEvent(deps, account.accountId, 'sign_in', attempt.address);
  return { ok: true };
}
