// The `client create|update` flags of the client metadata fields, read from the field table in
// clients/metadata-fields.ts, so a field added there gets its flag here without another edit.
import { FieldProblem, metadataFields } from '../clients/metadata-fields.js';
import { UsageError } from './errors.js';

const flagged = metadataFields.filter((field) => field.flag !== undefined);

/** parseArgs options for every flagged field, plus --localized-name (client_name#TAG). */
export const metadataFlagOptions: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
  ...Object.fromEntries(flagged.map((field) => [field.flag!.name, { type: field.flag!.type, ...(field.flag!.multiple ? { multiple: true } : {}) }])),
  'localized-name': { type: 'string', multiple: true },
};

const column = 24;

/** The help lines of those flags, in the style of the other options. */
export function metadataFlagsHelp(update: boolean): string {
  const lines = flagged.map((field) => {
    const flag = field.flag!;
    const name = `--${flag.name}${flag.type === 'string' ? ' V' : ''}`;
    const removal = update && flag.type === 'string' ? "; '' removes it" : '';
    return name.length < column - 2 ? `  ${name.padEnd(column - 2)}${flag.help}${removal}` : `  ${name}\n${' '.repeat(column)}${flag.help}${removal}`;
  });
  lines.push(`  --localized-name TAG=NAME\n${' '.repeat(column)}the client name in one language (client_name#TAG, a BCP 47 tag such as ja-Jpan-JP); repeat`);
  return lines.join('\n');
}

/** The wire metadata the flags give (only the fields named), and the localized names. */
export function metadataFromFlags(values: Record<string, unknown>): {
  metadata: Record<string, unknown> | undefined; clientNameLocalized: Record<string, string> | undefined;
} {
  const metadata: Record<string, unknown> = {};
  for (const field of flagged) {
    const flag = field.flag!;
    let value = values[flag.name] as string | string[] | boolean | undefined;
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length === 1 && value[0] === '') value = '';
    try {
      metadata[field.wire] = flag.toWire ? flag.toWire(value) : value;
    } catch (error) {
      if (error instanceof FieldProblem) throw new UsageError(`--${flag.name} ${error.message}`);
      throw error;
    }
  }
  let clientNameLocalized: Record<string, string> | undefined;
  for (const entry of (values['localized-name'] as string[] | undefined) ?? []) {
    const split = entry.indexOf('=');
    if (split <= 0) throw new UsageError(`--localized-name takes TAG=NAME, e.g. ja-Jpan-JP=…, not '${entry}'`);
    clientNameLocalized = { ...clientNameLocalized, [entry.slice(0, split)]: entry.slice(split + 1) };
  }
  return { metadata: Object.keys(metadata).length > 0 ? metadata : undefined, clientNameLocalized };
}
