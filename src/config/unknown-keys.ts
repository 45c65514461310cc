// Keys of a configuration file that no option has: a typo would otherwise be silently ignored
// (e.g. "implicitFlows" leaving the real option at its default). Each gets "did you mean" when
// a known key is a couple of edits away.
import { z } from 'zod';

/** The object schema behind defaults, optionals and refinements, or null for a leaf. */
function objectShape(schema: z.ZodTypeAny): z.ZodRawShape | null {
  if (schema instanceof z.ZodObject) return schema.shape as z.ZodRawShape;
  if (schema instanceof z.ZodDefault) return objectShape(schema._def.innerType as z.ZodTypeAny);
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return objectShape(schema.unwrap() as z.ZodTypeAny);
  if (schema instanceof z.ZodEffects) return objectShape(schema.innerType() as z.ZodTypeAny);
  return null;
}

/** Edit distance (insert, delete, substitute), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/** The known name closest to `name`, when it is close enough to be what was meant. */
export function closestName(name: string, known: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (!best || d < best.distance) best = { name: candidate, distance: d };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 4)) ? best.name : undefined;
}

/** One problem per key of `input` (recursively) that `schema` does not define. */
export function unknownKeyProblems(input: unknown, schema: z.ZodTypeAny, path: string[] = []): string[] {
  const shape = objectShape(schema);
  if (!shape || typeof input !== 'object' || input === null || Array.isArray(input)) return [];
  const known = Object.keys(shape);
  const problems: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const where = [...path, key].join('.');
    const option = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (!option) {
      const suggestion = closestName(key, known);
      problems.push(`${where}: unknown option${suggestion ? ` (did you mean '${[...path, suggestion].join('.')}'?)` : ''}`);
      continue;
    }
    problems.push(...unknownKeyProblems(value, option, [...path, key]));
  }
  return problems;
}
