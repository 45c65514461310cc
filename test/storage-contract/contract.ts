// The storage contract: one suite every adapter (SQLite, PostgreSQL, Redis) must pass. An
// adapter's test file calls describeStorageContract with a function that opens a fresh Storage.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Storage } from '../../src/storage/ports.js';
import { describeDirectoryContract } from './directory-contract.js';
import { describeGrantContract } from './grant-contract.js';
import { describeTokenContract } from './token-contract.js';
import { describeShortLivedContract } from './short-lived-contract.js';
import { describeSigningKeyContract } from './signing-key-contract.js';
import { describeLifecycleContract } from './lifecycle-contract.js';
import { describeAccountPageContract } from './account-page-contract.js';
import { describeOutboxContract } from './outbox-contract.js';
import { describeRegistrationContract } from './registration-contract.js';
import { describeReplayCacheContract } from './replay-cache-contract.js';
import { describeResourceContract } from './resource-contract.js';
import { describePushedRequestContract } from './pushed-request-contract.js';
import { describeDeviceAuthorizationContract } from './device-authorization-contract.js';
import { describeAccountTokenContract } from './account-token-contract.js';

export interface StorageContractOptions {
  /** Runs after the storage is closed, e.g. to drop a PostgreSQL schema or Redis keys. */
  cleanup?: () => Promise<void>;
  /**
   * Set for adapters whose records vanish by native TTL (Redis): `purgeExpired` is then only
   * required to respect its limit, not to have found the expired records still present.
   */
  expiresByTtl?: boolean;
}

/** What each part of the contract receives: the open storage and the adapter's options. */
export interface ContractContext {
  storage: () => Storage;
  options: StorageContractOptions;
}

export function describeStorageContract(
  name: string,
  open: () => Promise<Storage>,
  options: StorageContractOptions = {},
): void {
  describe(`storage contract: ${name}`, () => {
    let storage: Storage | undefined;
    const context: ContractContext = {
      storage: () => {
        if (!storage) throw new Error('storage is not open');
        return storage;
      },
      options,
    };

    before(async () => {
      storage = await open();
    });
    after(async () => {
      await storage?.close();
      await options.cleanup?.();
    });

    it('answers ping while open', async () => {
      await assert.doesNotReject(context.storage().ping());
    });

    describeDirectoryContract(context);
    describeGrantContract(context);
    describeResourceContract(context);
    describeTokenContract(context);
    describeShortLivedContract(context);
    describeSigningKeyContract(context);
    describeLifecycleContract(context);
    describeAccountPageContract(context);
    describeOutboxContract(context);
    describeRegistrationContract(context);
    describeReplayCacheContract(context);
    describePushedRequestContract(context);
    describeDeviceAuthorizationContract(context);
    describeAccountTokenContract(context);
  });
}
