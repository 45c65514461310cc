// The report keeps the hand-written notes across runs and prints the ratio to the reference.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { keptNotes, notesEnd, notesStart, renderMarkdown } from './markdown.js';
import type { RunResult } from '../results.js';
import type { Measurement } from '../load/measurement.js';

const measurement = (opsPerSec: number): Measurement => ({
  ops: opsPerSec * 5, errors: 0, opsPerSec, p50Ms: 1, p99Ms: 2, errorSamples: [], client: 'closed-loop',
  usage: { seconds: 5, serverCpu: 0.95, generatorCpu: 0.3, serverPeakRssMb: 90, serverRssMb: 80 },
});
const target = (name: string, label: string) => ({
  name, label, coldStartMs: [200], rssIdleMb: 60, opsBeforeSoak: 1, rssBeforeSoakMb: 70, soakOps: 10, soakErrors: 0, rssAfterSoakMb: 70, peakRssMb: 90,
});
const run: RunResult = {
  startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:10:00.000Z',
  machine: { cpu: 'cpu', cores: 2, memoryGb: 4, kernel: 'k', node: '20', versions: {}, commit: 'abc' },
  settings: { rounds: 1, durationMs: 5000, warmupMs: 1000, users: 4, connections: 8, pinned: true, soakOps: 10 },
  scenarios: [{ name: 'flow-sso', operation: 'a flow', ceiling: 'rs256', variant: 'argon2', writes: true }],
  targets: [target('gatehouse', 'Gatehouse'), target('reference', 'oidc-provider')],
  ceilings: [{ rs256: 1000, rs256Jose: 800, es256: 4000, eddsa: 9000, argon2: 50, hello: 20000 }],
  samples: [
    { scenario: 'flow-sso', target: 'gatehouse', round: 1, measurement: measurement(750) },
    { scenario: 'flow-sso', target: 'reference', round: 1, measurement: measurement(300) },
  ],
};

describe('renderMarkdown', () => {
  it('prints ops/s, the ratio to the reference and the fraction of the ceiling', () => {
    const md = renderMarkdown(run, { chartPath: 'img/bench-ops.svg', notes: 'n' });
    assert.match(md, /\| flow-sso \| 750 \| 300 \| 2\.50× \| RS256 signatures\/s 1,000 \| 75 % \| 30 % \|/);
    assert.match(md, /No errors; every write scenario kept p99 within 3× p50, every server kept its core busy/);
  });

  it('prints p50, p99, their ratio and whether a write scenario keeps p99 within 3× of p50 (issue 9)', () => {
    const md = renderMarkdown(run, { chartPath: 'x.svg', notes: 'n' });
    assert.match(md, /\| flow-sso \| Gatehouse \| closed-loop \| 1\.0 \| 2\.0 \| 2\.0× \| ✓ \| 0 \/ 3750 \| 95 % \|/);
    const spiky = { ...run, samples: run.samples.map((s) => ({ ...s, measurement: { ...s.measurement, p50Ms: 3, p99Ms: 150 } })) };
    const spikyMd = renderMarkdown(spiky, { chartPath: 'x.svg', notes: 'n' });
    assert.match(spikyMd, /\| 3\.0 \| 150\.0 \| 50\.0× \| ✗ \|/);
    assert.match(spikyMd, /p99 beyond 3× p50 on a write scenario: `flow-sso` on Gatehouse \(50\.0×\)/);
    const reads = { ...run, scenarios: [{ ...run.scenarios[0]!, writes: false }] };
    assert.match(renderMarkdown(reads, { chartPath: 'x.svg', notes: 'n' }), /\| 2\.0× \| – \|/);
  });

  it('lists the jose signing rate beside the node:crypto ceiling, and skips it for runs that lack it', () => {
    assert.match(renderMarkdown(run, { chartPath: 'x.svg', notes: 'n' }), /\| RS256 signatures\/s through jose \| 800\.0 \| 800\.0 \|/);
    const older = { ...run, ceilings: [{ rs256: 1000, argon2: 50, hello: 20000 }] } as unknown as RunResult;
    assert.doesNotMatch(renderMarkdown(older, { chartPath: 'x.svg', notes: 'n' }), /through jose/);
  });

  it('keeps the notes block of the previous report and defaults it when absent', () => {
    const md = renderMarkdown(run, { chartPath: 'x.svg', notes: '## Notes\n\nfound a slow query' });
    assert.equal(keptNotes(md), '## Notes\n\nfound a slow query');
    assert.ok(md.includes(notesStart) && md.includes(notesEnd));
    assert.match(keptNotes(undefined), /^## Notes/);
  });
});
