// Renders the report again from a saved run, without measuring:
// `node dist/bench/rerender.js bench/results/<run>.json [out.md]` (default docs/benchmarks.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from './results.js';
import { writeReport } from './report/write-report.js';
import { repositoryRoot } from './repository-root.js';

const [input, out] = process.argv.slice(2);
if (!input) throw new Error('usage: rerender.js <results.json> [out.md]');
const result = JSON.parse(readFileSync(input, 'utf8')) as RunResult;
const target = out ?? join(repositoryRoot(), 'docs', 'benchmarks.md');
writeReport(result, target);
console.log(`wrote ${target}`);
