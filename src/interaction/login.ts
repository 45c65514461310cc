// Password login inside an interaction: throttled per username, the same answer and the same
// work for an unknown user and a wrong password, a fresh session on success.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import type { InteractionRecord } from '../storage/records.js';
import { startSession } from './browser-session.js';

export type LoginOutcome =
  | { ok: true }
  | { ok: false; throttled: boolean; message: string; username: string };

const invalidCredentials = 'The username or password is incorrect.';
const tooManyAttempts = 'Too many failed sign-in attempts. Wait a few minutes and try again.';

export async function attemptLogin(
  request: FastifyRequest, reply: FastifyReply, interaction: InteractionRecord,
  form: Record<string, string>, deps: ServerDeps,
): Promise<LoginOutcome> {
  const username = (form.username ?? '').trim().slice(0, 128);
  const password = form.password ?? '';
  const { config, storage, clock } = deps;
  if (!username || !password) return { ok: false, throttled: false, message: invalidCredentials, username };

  const throttleKey = `login:${username.toLowerCase()}`;
  const failures = await storage.loginThrottle.failures(throttleKey, clock(), config.loginFailureWindow);
  if (failures >= config.loginMaxFailures) return { ok: false, throttled: true, message: tooManyAttempts, username };

  const account = await storage.accounts.findByUsername(username);
  const valid = account
    ? await deps.passwords.verify(account.passwordHash, password)
    : await deps.passwords.verifyUnknown(password);
  if (!account || !valid) {
    await storage.loginThrottle.registerFailure(throttleKey, clock(), config.loginFailureWindow);
    request.log.info({ reqId: request.id }, 'login failed');
    return { ok: false, throttled: false, message: invalidCredentials, username };
  }
  if (failures > 0) await storage.loginThrottle.clear(throttleKey);
  const authentication = await startSession(request, reply, account.accountId, deps);
  await storage.interactions.setLogin(interaction.interactionId, account.accountId, authentication.authTime);
  return { ok: true };
}
