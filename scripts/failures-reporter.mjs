// A second test reporter: prints nothing while the suite runs, then, at the end, every failed test
// with its file and error, so the last lines of a long CI log name what failed.
// Used by run-tests.mjs next to the TAP reporter (Node 20's `--test-reporter` takes several).
export default async function* failuresReporter(source) {
  const failures = [];
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { name, file, details, nesting, todo, skip } = event.data;
    // A failing `todo` test is expected to fail and does not fail the run.
    if (todo !== undefined && todo !== false) continue;
    if (skip !== undefined && skip !== false) continue;
    // A suite fails when one of its tests does; report the tests, and a file-level failure
    // (a crash or a hook error) only when nothing inside it was reported.
    if (details?.type === 'suite') continue;
    const error = details?.error;
    const cause = error?.cause ?? error;
    failures.push({ name, file, nesting, message: String(cause?.stack ?? cause?.message ?? cause ?? 'failed') });
  }
  if (failures.length === 0) return;
  yield `\n# ${failures.length} failed test(s):\n`;
  for (const f of failures) {
    yield `#  ✖ ${f.name}${f.file ? `  (${f.file})` : ''}\n`;
    for (const line of f.message.split('\n').slice(0, 200)) yield `#      ${line}\n`;
  }
}
