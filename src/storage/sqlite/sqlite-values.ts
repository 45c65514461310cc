// Conversions between records and SQLite columns (arrays as JSON text, booleans as 0/1) and the
// one translation of constraint violations into the port's DuplicateError.
import { DuplicateError } from '../ports.js';

export function toJson(values: readonly string[] | Record<string, string>): string {
  return JSON.stringify(values);
}

export function fromJsonArray(text: string): string[] {
  return JSON.parse(text) as string[];
}

export function toFlag(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

/** Runs a write that inserts; a PRIMARY KEY or UNIQUE violation becomes DuplicateError. */
export function insertUnique<T>(run: () => T, what: string): T {
  try {
    return run();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new DuplicateError(`${what} already exists`, { cause: error });
    }
    throw error;
  }
}
