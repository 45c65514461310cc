// Wires Back-Channel Logout 1.0 for one node: the notifier that enqueues logout messages when a
// session ends, and the outbox worker that delivers them (from this node or any other).
import type { Config } from '../config/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { createOutboundFetch } from '../lib/outbound-fetch/index.js';
import type { SigningKeySet } from '../keys/signing-keys.js';
import type { Storage } from '../storage/ports.js';
import type { LogoutNotifier } from '../oidc/logout-notifier.js';
import { backchannelLogoutTopic, createBackchannelLogoutNotifier } from '../oidc/backchannel-logout.js';
import { backchannelLogoutDelivery } from './backchannel-logout-delivery.js';
import { createSubjectIdentifiers, pairwiseSaltPurpose } from '../oauth/subject-identifier.js';
import { startOutboxWorker, type OutboxOutcome } from './worker.js';

export type BackchannelLogoutConfig = Pick<Config, 'issuer' | 'allowPrivateNetworkFetch' | 'allowLoopbackFetch' | 'outboundTimeout' | 'outboxMaxAttempts'
  | 'outboxRetryDelay' | 'outboxPollInterval' | 'backchannelLogoutIncludeSub'>;

export interface BackchannelLogoutDeps {
  config: BackchannelLogoutConfig;
  storage: Pick<Storage, 'clients' | 'outbox'>;
  keys: SigningKeySet;
  clock: Clock;
  logger: Logger;
  /** Milliseconds between polls; default `config.outboxPollInterval` seconds. */
  pollIntervalMs?: number;
  onOutcome?: (outcome: OutboxOutcome) => void;
}

export interface BackchannelLogout {
  /** Hand to the app as `logoutNotifier`. */
  notifier: LogoutNotifier;
  /** Stops the worker, letting deliveries in flight settle. */
  close(): Promise<void>;
}

/** Logout token life: §2.4 recommends at most two minutes. */
export const logoutTokenTtl = 120;

export function startBackchannelLogout(deps: BackchannelLogoutDeps): BackchannelLogout {
  const { config, storage, keys, clock, logger } = deps;
  const timeoutMs = config.outboundTimeout * 1000;
  const fetch = createOutboundFetch({
    allowPrivateNetwork: config.allowPrivateNetworkFetch, allowLoopback: config.allowLoopbackFetch, connectTimeoutMs: timeoutMs, timeoutMs, maxResponseBytes: 64 * 1024,
  });
  const worker = startOutboxWorker({
    outbox: storage.outbox, clock, logger,
    deliveries: {
      [backchannelLogoutTopic]: backchannelLogoutDelivery({
        issuer: config.issuer, keys, subjects: createSubjectIdentifiers(keys.derivedSecret(pairwiseSaltPurpose)),
        clients: storage.clients, clock, fetch, tokenTtl: logoutTokenTtl,
      }),
    },
    pollIntervalMs: deps.pollIntervalMs ?? config.outboxPollInterval * 1000,
    // A lease outlives any delivery (signing plus one request) several times over.
    leaseSeconds: Math.max(30, 3 * config.outboundTimeout),
    maxAttempts: config.outboxMaxAttempts,
    retryDelay: config.outboxRetryDelay,
    ...(deps.onOutcome ? { onOutcome: deps.onOutcome } : {}),
  });
  const notifier = createBackchannelLogoutNotifier({
    clients: storage.clients, outbox: storage.outbox, clock, includeSub: config.backchannelLogoutIncludeSub, enqueued: worker.wake,
  });
  return { notifier, close: () => worker.close() };
}
