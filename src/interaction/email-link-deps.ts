// What the mail-based account flows (accounts/email-links.ts) need, taken from the server's deps.
import type { ServerDeps } from '../http/server-deps.js';
import type { EmailLinkDeps } from '../accounts/email-links.js';

export function emailLinkDeps(deps: ServerDeps): EmailLinkDeps {
  return {
    storage: deps.storage, clock: deps.clock, mailer: deps.mailer, logger: deps.logger, issuer: deps.config.issuer,
    verificationTtl: deps.config.emailVerificationTtl, resetTtl: deps.config.passwordResetTtl, argon2: deps.config.argon2,
    sessionEnded: (ended) => deps.logoutNotifier.sessionEnded(ended),
  };
}
