// Startup of the key set, shared by `gatehouse start` and the key commands: find the KEK, seal
// legacy plaintext keys, check every key opens, create the first key. Problems are one clear
// KeyEncryptionError; what the operator must know (a KEK file generated) comes back as notices.
import { rmSync } from 'node:fs';
import type { SigningKeyStore } from '../storage/ports.js';
import type { Clock } from '../lib/clock.js';
import { KeyEncryptionError, type KeySealer } from './key-encryption.js';
import { loadKeyEncryptionKey, type KeyEncryptionKeySettings } from './key-encryption-key.js';
import { prepareSigningKeys } from './signing-keys.js';

export interface Notice {
  level: 'info' | 'warn';
  message: string;
}

export async function openSigningKeys(
  store: SigningKeyStore, clock: Clock, settings: KeyEncryptionKeySettings,
): Promise<{ sealer: KeySealer; notices: Notice[] }> {
  const kek = loadKeyEncryptionKey(settings);
  const notices: Notice[] = [];
  if (kek.generatedFile) {
    notices.push({ level: 'warn', message: `generated a key-encryption key for the signing keys at ${kek.generatedFile} `
      + '(mode 0600): back it up with the database, which cannot sign without it' });
  }
  if (kek.warning) notices.push({ level: 'warn', message: kek.warning });
  try {
    const prepared = await prepareSigningKeys(store, clock, kek.sealer);
    if (prepared.sealed > 0) {
      notices.push({ level: 'info', message: `encrypted ${prepared.sealed} signing key(s) stored in plaintext with key-encryption key ${kek.sealer.kekId}` });
    }
    if (prepared.added.length > 0) {
      notices.push({ level: 'info', message: `added the first signing key for ${prepared.added.join(', ')} beside the stored ones` });
    }
  } catch (error) {
    if (!(error instanceof KeyEncryptionError)) throw error;
    if (kek.generatedFile) {
      // A KEK made just now cannot open keys stored before: the file was lost. Leave no wrong one behind.
      rmSync(kek.generatedFile, { force: true });
      throw new KeyEncryptionError(`${error.message}: no key-encryption key is configured and ${kek.generatedFile} is missing; `
        + 'restore that file or configure the key the keys were stored with (keyEncryptionKey or keyEncryptionKeyFile)', { cause: error });
    }
    throw new KeyEncryptionError(`${error.message} (from ${kek.source}); configure the key-encryption key the keys were stored with`, { cause: error });
  }
  return { sealer: kek.sealer, notices };
}
