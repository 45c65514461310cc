#!/usr/bin/env node
// Runs every compiled *.test.js under dist/ with Node's own test runner.
// Node 20 has no glob support in `--test`, so the file list is collected here.
// Optional filter: `npm test -- <substring>` runs only files whose path contains it.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
// GATEHOUSE_TEST_DIST lets parallel work compile into its own folder (e.g. .build/x).
const dist = process.env.GATEHOUSE_TEST_DIST ? join(root, process.env.GATEHOUSE_TEST_DIST) : join(root, 'dist');
const filters = process.argv.slice(2);

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const files = collect(dist, [])
  .filter((f) => filters.length === 0 || filters.some((s) => relative(dist, f).includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// --test-timeout bounds each test FILE as a whole (and every test in it), so it is a guard against
// a hang, not a budget: a multi-node file starts clusters, PostgreSQL and load on a machine that
// may be busy. Waits inside tests are event-driven with their own generous deadlines.
const child = spawn(
  process.execPath,
  [
    '--test', '--test-concurrency=2', '--test-timeout=600000',
    // TAP as before, and at the very end a list of what failed (the tail of a CI log names it).
    '--test-reporter=tap', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'failures-reporter.mjs')}`, '--test-reporter-destination=stdout',
    ...files,
  ],
  { stdio: 'inherit', cwd: root },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
