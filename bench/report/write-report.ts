// Writes the Markdown report and its chart (img/bench-ops.svg beside it) for a run, keeping
// the hand-written notes of the previous report. Returns the chart's path.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { RunResult } from '../results.js';
import { figuresFor } from './statistics.js';
import { keptNotes, renderMarkdown } from './markdown.js';
import { barChart } from './svg-chart.js';

export function writeReport(result: RunResult, out: string): string {
  const chartFile = join(dirname(out), 'img', 'bench-ops.svg');
  const rounds = result.settings.rounds;
  mkdirSync(dirname(chartFile), { recursive: true });
  writeFileSync(chartFile, barChart({
    title: `Operations per second, median of ${rounds} round${rounds === 1 ? '' : 's'} (server on one core)`,
    categories: result.scenarios.map((s) => s.name),
    series: result.targets.map((t) => ({ label: t.label, values: result.scenarios.map((s) => figuresFor(result, s.name, t.name).opsPerSec) })),
  }));
  const existing = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
  writeFileSync(out, renderMarkdown(result, { chartPath: relative(dirname(out), chartFile), notes: keptNotes(existing) }));
  return chartFile;
}
