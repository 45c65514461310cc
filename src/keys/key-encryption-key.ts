// Where the key-encryption key (KEK) comes from: the keyEncryptionKey option (base64 of 32
// bytes), a file named by keyEncryptionKeyFile, or — on a SQLite file only — `<database>.kek`,
// generated on first use with mode 0600. PostgreSQL nodes share the database, so they must share
// a configured KEK: none is generated for them.
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createKeySealer, KeyEncryptionError, type KeySealer } from './key-encryption.js';

export interface KeyEncryptionKeySettings {
  keyEncryptionKey?: string | undefined;
  keyEncryptionKeyFile?: string | undefined;
  databaseUrl: string;
}

export interface LoadedKeyEncryptionKey {
  sealer: KeySealer;
  /** Where it came from, for messages: never the key itself. */
  source: string;
  /** Absolute path of a KEK file generated just now (say so: it must be backed up). */
  generatedFile?: string;
  /** Something the operator should fix, e.g. a KEK file others can read. */
  warning?: string;
}

const howToMake = '32 random bytes in base64, e.g. the output of `openssl rand -base64 32`';

function decode(text: string, where: string): Buffer {
  const value = text.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) throw new KeyEncryptionError(`${where} must be ${howToMake}`);
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function readKeyFile(path: string, where: string): { key: Buffer; warning?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KeyEncryptionError(`cannot read the key-encryption key file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const key = decode(text, where);
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    return { key, warning: `the key-encryption key file ${path} is readable by others (mode ${mode.toString(8)}); make it 0600` };
  }
  return { key };
}

/** `sqlite:<path>` -> the absolute database path, or null for an in-memory or non-SQLite database. */
function sqliteFile(databaseUrl: string): string | null | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined;
  const path = databaseUrl.slice('sqlite:'.length);
  return path === '' || path === ':memory:' ? null : resolve(path);
}

/** Resolves the KEK; KeyEncryptionError with an operator-facing message when it cannot. */
export function loadKeyEncryptionKey(settings: KeyEncryptionKeySettings): LoadedKeyEncryptionKey {
  const { keyEncryptionKey, keyEncryptionKeyFile, databaseUrl } = settings;
  if (keyEncryptionKey && keyEncryptionKeyFile) {
    throw new KeyEncryptionError('set keyEncryptionKey or keyEncryptionKeyFile, not both');
  }
  if (keyEncryptionKey) {
    return { sealer: createKeySealer(decode(keyEncryptionKey, 'keyEncryptionKey')), source: 'the keyEncryptionKey option' };
  }
  if (keyEncryptionKeyFile) {
    const path = resolve(keyEncryptionKeyFile);
    const { key, warning } = readKeyFile(path, `the key-encryption key file ${path}`);
    return { sealer: createKeySealer(key), source: path, ...(warning ? { warning } : {}) };
  }
  const database = sqliteFile(databaseUrl);
  if (database === undefined) {
    throw new KeyEncryptionError(
      `a key-encryption key is required with ${databaseUrl.split(':')[0]}: set keyEncryptionKey `
      + `(env GATEHOUSE_KEY_ENCRYPTION_KEY; ${howToMake}) or keyEncryptionKeyFile, the same on every node`);
  }
  // A throwaway database gets a throwaway KEK.
  if (database === null) return { sealer: createKeySealer(randomBytes(32)), source: 'a key generated for this in-memory database' };
  const path = `${database}.kek`;
  // Written aside, then linked into place: link never overwrites, so two processes creating it
  // at once leave one complete file, and the one that lost reads it.
  const aside = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    writeFileSync(aside, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    linkSync(aside, path);
    return { sealer: createKeySealer(readKeyFile(path, path).key), source: path, generatedFile: path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new KeyEncryptionError(`cannot create the key-encryption key file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  } finally {
    rmSync(aside, { force: true });
  }
  const { key, warning } = readKeyFile(path, `the key-encryption key file ${path}`);
  return { sealer: createKeySealer(key), source: path, ...(warning ? { warning } : {}) };
}
