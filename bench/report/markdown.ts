// Renders docs/benchmarks.md from a run: results with the Gatehouse/NOP ratio and fraction of
// ceiling, latency and resources, ceilings, cold start and memory, method and machine. The
// hand-written block between the notes markers survives every run.
import type { RunResult } from '../results.js';
import { figuresFor, median, medianCeiling } from './statistics.js';

export const notesStart = '<!-- notes:start (kept by npm run bench) -->';
export const notesEnd = '<!-- notes:end -->';
const defaultNotes = '## Notes\n\nProfiling findings (`npm run bench -- --profile DIR`, then open the `.cpuprofile` files) go here.';

const n = (value: number, digits = 0) => (Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
const pct = (value: number) => (Number.isFinite(value) ? `${Math.round(value * 100)} %` : 'n/a');
const ceilingLabel: Record<string, string> = {
  rs256: 'RS256 signatures/s', rs256Jose: 'RS256 signatures/s through jose', es256: 'ES256 signatures/s', eddsa: 'EdDSA signatures/s', argon2: 'argon2id verifications/s', hello: 'Fastify hello req/s',
};

/** The issue 9 bound on write scenarios: p99 at most this many times p50. */
export const writeTailBound = 3;

/** p99 ÷ p50, or NaN when p50 is 0. */
export function tailRatio(p50Ms: number, p99Ms: number): number {
  return p50Ms > 0 ? p99Ms / p50Ms : NaN;
}

export function keptNotes(existing: string | undefined): string {
  if (!existing) return defaultNotes;
  const start = existing.indexOf(notesStart);
  const end = existing.indexOf(notesEnd);
  return start !== -1 && end > start ? existing.slice(start + notesStart.length, end).trim() : defaultNotes;
}

export function renderMarkdown(result: RunResult, { chartPath, notes }: { chartPath: string; notes: string }): string {
  const reference = result.targets.find((t) => t.name === 'reference');
  const others = result.targets.filter((t) => t !== reference);
  const { settings: s, machine: m } = result;
  const lines: string[] = [
    '# Benchmarks',
    '',
    '<!-- Written by `npm run bench`; only the notes block below survives the next run. -->',
    '',
    `Run of ${result.startedAt.slice(0, 16).replace('T', ' ')} UTC at commit \`${m.commit}\`: ${s.rounds} rounds, ${s.durationMs / 1000} s per scenario `
      + `and server after ${s.warmupMs / 1000} s of warm-up, ${s.pinned ? 'server pinned to core 0 and load generator to core 1' : 'unpinned (numbers are indicative only)'}. `
      + 'Every figure is the median across rounds.',
    '',
    '## Results',
    '',
    `| scenario | ${result.targets.map((t) => `${t.label} ops/s`).join(' | ')} | ${others.map((t) => `${t.label} ÷ ${reference?.label ?? 'reference'}`).join(' | ')}${others.length ? ' | ' : ''}ceiling | ${result.targets.map((t) => `${t.label} % of ceiling`).join(' | ')} |`,
    `| --- | ${result.targets.map(() => '---:').join(' | ')} | ${others.map(() => '---:').join(' | ')}${others.length ? ' | ' : ''}--- | ${result.targets.map(() => '---:').join(' | ')} |`,
  ];
  for (const scenario of result.scenarios) {
    const ops = result.targets.map((t) => figuresFor(result, scenario.name, t.name).opsPerSec);
    const refOps = reference ? figuresFor(result, scenario.name, reference.name).opsPerSec : NaN;
    const ceiling = medianCeiling(result, scenario.ceiling as 'rs256');
    const ratios = others.map((t) => `${n(figuresFor(result, scenario.name, t.name).opsPerSec / refOps, 2)}×`);
    lines.push(`| ${scenario.name} | ${ops.map((v) => n(v)).join(' | ')} | ${ratios.join(' | ')}${others.length ? ' | ' : ''}${ceilingLabel[scenario.ceiling]} ${n(ceiling)} | ${ops.map((v) => pct(v / ceiling)).join(' | ')} |`);
  }
  lines.push('', `![ops/s per scenario](${chartPath})`, '', 'What one operation is:', '');
  for (const scenario of result.scenarios) lines.push(`- \`${scenario.name}\`: ${scenario.operation}.`);

  lines.push('', '## Latency and resources', '', `Write scenarios are held to p99 within ${writeTailBound}× of p50: ✓ within, ✗ beyond; – for read-only scenarios.`, '',
    `| scenario | server | client | p50 ms | p99 ms | p99 ÷ p50 | write p99 ≤ ${writeTailBound}× p50 | errors / ops | server CPU | peak RSS MB (process so far) | generator CPU (max) |`,
    '| --- | --- | --- | ---:| ---:| ---:|:---:| ---:| ---:| ---:| ---:|');
  const problems: string[] = [];
  const unsaturated: string[] = [];
  const longTails: string[] = [];
  for (const scenario of result.scenarios) {
    for (const target of result.targets) {
      const f = figuresFor(result, scenario.name, target.name);
      const ratio = tailRatio(f.p50Ms, f.p99Ms);
      let bound = '–';
      if (scenario.writes) {
        bound = ratio <= writeTailBound ? '✓' : '✗';
        if (bound === '✗') longTails.push(`\`${scenario.name}\` on ${target.label} (${n(ratio, 1)}×)`);
      } else if (scenario.writes === undefined) bound = 'n/a';
      const busy = f.generatorCpuMax >= 0.9;
      if (busy) problems.push(`- \`${scenario.name}\` on ${target.label}: the load generator reached ${pct(f.generatorCpuMax)} of its core, so this figure may be the generator's limit.`);
      if (f.serverCpu < 0.8) unsaturated.push(`\`${scenario.name}\` on ${target.label} (${pct(f.serverCpu)})`);
      if (f.errors) problems.push(`- \`${scenario.name}\` on ${target.label}: ${f.errors} errors (${f.errorSamples.join('; ')}).`);
      lines.push(`| ${scenario.name} | ${target.label} | ${f.client} | ${n(f.p50Ms, 1)} | ${n(f.p99Ms, 1)} | ${n(ratio, 1)}× | ${bound} | ${f.errors} / ${f.ops} | ${pct(f.serverCpu)} | ${n(f.peakRssMb)} | ${pct(f.generatorCpuMax)}${busy ? ' ⚠' : ''} |`);
    }
  }
  if (longTails.length) problems.push(`- p99 beyond ${writeTailBound}× p50 on a write scenario: ${longTails.join(', ')}.`);
  if (unsaturated.length) {
    problems.push(`- Below 80 % of its core, so not the server's CPU limit (it waited on I/O, a database or locks, or shared core 0 with other work): ${unsaturated.join(', ')}.`);
  }
  lines.push('', problems.length ? problems.join('\n') : `No errors; every write scenario kept p99 within ${writeTailBound}× p50, every server kept its core busy and the load generator stayed below 90 % of its own.`);

  lines.push('', '## Ceilings (one core, same run)', '', '| ceiling | median | per round |', '| --- | ---:| --- |');
  for (const name of ['rs256', 'rs256Jose', 'es256', 'eddsa', 'argon2', 'hello'] as const) {
    if (!result.ceilings.some((c) => Number.isFinite(c[name]))) continue;
    lines.push(`| ${ceilingLabel[name]} | ${n(medianCeiling(result, name), 1)} | ${result.ceilings.map((c) => n(c[name], 1)).join(', ')} |`);
  }

  lines.push('', '## Cold start and memory', '', '| server | cold start (median, min–max) | RSS idle MB | RSS after the rounds MB (ops) | RSS after the soak MB (+ops) | peak RSS MB |', '| --- | ---:| ---:| ---:| ---:| ---:|');
  for (const t of result.targets) {
    lines.push(`| ${t.label} | ${n(median(t.coldStartMs))} ms (${n(Math.min(...t.coldStartMs))}–${n(Math.max(...t.coldStartMs))}) | ${n(t.rssIdleMb)} | ${n(t.rssBeforeSoakMb)} (${n(t.opsBeforeSoak)}) | ${n(t.rssAfterSoakMb)} (+${n(t.soakOps)}${t.soakErrors ? `, ${t.soakErrors} errors` : ''}) | ${n(t.peakRssMb)} |`);
  }

  lines.push(
    '',
    '## Method',
    '',
    '- Both servers run on the same machine in the same run. Each server process is started with `taskset -c 0`; the runner, which is also the load generator, moves itself and all its threads to core 1 (`taskset -a -p -c 1`). Scenarios alternate between servers (A B, then B A in the next round) so that drift on a shared machine cancels.',
    '- The reference is `oidc-provider` on its in-memory adapter (`bench/reference/server.ts`), configured like Gatehouse: RS256 ID tokens from a 2048-bit key (ES256 and EdDSA ones, for `flow-sso-es256` and `flow-sso-eddsa`, from a P-256 and an Ed25519 key to clients registered with that `id_token_signed_response_alg`), the same scopes and token lifetimes, refresh token rotation, PKCE required, introspection and client credentials on, DPoP (RFC 9449, no server nonces, each proof\'s jti checked for replay) and PAR (RFC 9126, optional) on, a minimal RFC 8693 token exchange grant registered with `provider.registerGrantType` (`bench/reference/token-exchange.ts`: Gatehouse\'s rules for an access token as subject token, one permitted audience, scopes cut to the resource\'s, an RS256 JWT access token with `act`), and login and consent pages shaped like Gatehouse\'s that check the password with the same `@node-rs/argon2` call and parameters. Gatehouse writes to a durable SQLite file (WAL); the PostgreSQL row, when present, uses a fresh schema on the local server, which runs unpinned and whose CPU is not counted in the server CPU column.',
    '- Two instances of each server run: one with argon2id at m=19 MiB, t=2, p=1, and one with the cheapest parameters Gatehouse accepts (m=1 MiB, t=1), which stands in for "no hashing" in `flow-nohash` to isolate protocol cost.',
    '- Stateful scenarios (`flow`, `flow-nohash`, the `flow-sso` family, `refresh`, `end_session`) run as a closed loop of virtual users, each with its own cookie jar, following redirects and filling the HTML login and consent forms as a browser would (`bench/client/`). Every operation is checked end to end: state, `iss`, the code exchange with client_secret_basic and PKCE S256, the ID token signature, issuer, audience and nonce, and refresh token rotation, for a logout the redirect to the registered post_logout_redirect_uri with its state, and with DPoP (`bench/client/dpop.ts`, jose) a new ES256 proof per token request from a key per virtual user, the answer\'s `token_type: DPoP` checked. Logins, tokens and sessions a scenario needs are prepared before the clock starts; a session ends once, so `end_session` prepares 300 live sessions per virtual user, warms up on at most a quarter of them and closes its window when they are used up, if that comes before the duration.',
    `- Stateless scenarios use autocannon (one core; ${s.connections} connections), which costs far less per request than a Node HTTP client; every response body is checked (an introspection answer must say \`active: true\`). \`userinfo-dpop\` needs a new proof per request, which autocannon's synchronous request hook cannot sign: 20,000 proofs (ES256, signed with jose, each with its own jti and ath) are signed before the load starts and a signer on the generator's core keeps that many ready while it runs; a proof is never sent twice unless the supply runs dry, and then the server refuses it and the row shows errors. Its latency percentiles are taken from each response's own time in fractional milliseconds (autocannon's histogram keeps whole milliseconds, too coarse for a p50 of 2 ms).`,
    `- Closed-loop scenarios use ${s.users} virtual users. Server CPU comes from \`/proc/<pid>/stat\` (all threads, including argon2's thread pool) over the measured window; peak RSS is \`VmHWM\` from \`/proc/<pid>/status\`. The generator's own CPU is checked against 90 % of its core.`,
    '- Ceilings are measured in each round, each pinned to core 0: RS256 signatures of an ID-token-sized payload through node:crypto\'s one-shot `sign` (how Gatehouse signs since profiling showed jose\'s WebCrypto path costing about 10 % more CPU; jose\'s own rate is listed beside it), `@node-rs/argon2` verifications at Gatehouse\'s parameters, and autocannon against a bare Fastify route. Flows with an argon2id login compare with the argon2id ceiling; `flow-sso`, `flow-sso-dpop`, `flow-sso-par-dpop`, `flow-nohash` and `refresh` (one ID token each) and `token-exchange` (one RS256 JWT access token) with the RS256 ceiling, `flow-sso-es256` and `flow-sso-eddsa` with the ES256 and EdDSA signature ceilings (node:crypto, P-256 and Ed25519); the rest (`end_session` and `userinfo-dpop` too, although the latter\'s cost is one ES256 verification and a replay-cache write) with the Fastify hello ceiling.',
    `- Cold start: from spawning the process to the first 200 from its discovery document, on a prepared database (${result.targets[0]?.coldStartMs.length ?? 0} samples). Memory: RSS when idle after start, after the rounds, and after a soak of ${n(s.soakOps)} mixed client_credentials, introspect and userinfo operations.`,
    '',
    '## Machine',
    '',
    `${m.cpu}, ${m.cores} cores, ${n(m.memoryGb)} GB RAM, Linux ${m.kernel}, Node ${m.node}; ${Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    notesStart,
    notes,
    notesEnd,
    '',
  );
  return lines.join('\n');
}
