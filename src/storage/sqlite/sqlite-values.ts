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
    const result = run();
    // Batched writes settle later; their constraint errors are translated the same way.
    if (result instanceof Promise) return result.catch((error: unknown) => { throw translate(error, what); }) as T;
    return result;
  } catch (error) {
    throw translate(error, what);
  }
}

function translate(error: unknown, what: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new DuplicateError(`${what} already exists`, { cause: error });
  }
  return error;
}
