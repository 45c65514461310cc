// Where a database URL points, said so a person can check it: the absolute path of a SQLite file
// (a relative sqlite:./data/… depends on the folder a command runs in), or the URL without its
// password. Used to announce a newly created database and to log the one a server opened.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The absolute path of the SQLite file `databaseUrl` names; null for memory and PostgreSQL. */
export function sqliteFile(databaseUrl: string, cwd = process.cwd()): string | null {
  if (!databaseUrl.startsWith('sqlite:')) return null;
  const path = databaseUrl.slice('sqlite:'.length);
  return path === '' || path === ':memory:' ? null : resolve(cwd, path);
}

/** The URL without a password, safe to print or log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.protocol === 'sqlite:' ? url : parsed.toString();
  } catch {
    return url;
  }
}

export interface DatabaseLocation {
  /** e.g. `/srv/gatehouse/data/gatehouse.db`, `sqlite::memory:`, `postgres://app:***@db/gatehouse` */
  description: string;
  /** True when opening it will create a new SQLite file: nothing is there yet. */
  willCreate: boolean;
}

/** Read before opening: after it, the file exists either way. */
export function databaseLocation(databaseUrl: string, cwd = process.cwd()): DatabaseLocation {
  const file = sqliteFile(databaseUrl, cwd);
  if (file === null) return { description: redactUrl(databaseUrl), willCreate: false };
  return { description: file, willCreate: !existsSync(file) };
}
