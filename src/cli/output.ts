// Printing results: JSON for scripts (exactly one value on stdout), aligned tables for people.

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Whole seconds since the epoch -> ISO 8601 in UTC, or '-' when absent. */
export function formatTime(seconds: number | null): string {
  return seconds === null ? '-' : new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** A left-aligned table with a header row; prints `empty` instead when there are no rows. */
export function printTable(headers: string[], rows: string[][], empty: string): void {
  if (rows.length === 0) {
    printLine(empty);
    return;
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  printLine(format(headers));
  for (const row of rows) printLine(format(row));
}
