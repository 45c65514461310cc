// The account page's recent security activity: what is written (a sign-in, a password change),
// with the client address, and how long it is kept (the purge deletes it afterwards).
import type { AccountEventRecord } from '../storage/records.js';
import type { AccountEventStore } from '../storage/ports.js';
import type { Clock } from '../lib/clock.js';
import { randomIdentifier } from '../lib/random.js';

/** Events are kept 90 days, then purged. */
export const accountEventRetentionSeconds = 90 * 24 * 3600;

export async function recordAccountEvent(
  deps: { storage: { accountEvents: AccountEventStore }; clock: Clock },
  accountId: string, kind: AccountEventRecord['kind'], address: string | null,
): Promise<void> {
  const at = deps.clock();
  await deps.storage.accountEvents.insert({
    eventId: randomIdentifier(16), accountId, kind, address: address ? address.slice(0, 64) : null, at,
    expiresAt: at + accountEventRetentionSeconds,
  });
}
