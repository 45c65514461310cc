// Summarises V8 .cpuprofile files (from `npm run bench -- --profile DIR`): self time by function
// and by owner (our src/, each package, node internals, GC, idle), to find the hot paths.
// Run as `node dist/bench/profile-summary.js <file-or-dir> [top]`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function files(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => files(join(path, name))).filter((f) => f.endsWith('.cpuprofile'));
}

function owner(url: string, name: string): string {
  if (name === '(garbage collector)' || name === '(idle)' || name === '(program)') return name;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.includes('/src/')) return 'gatehouse src/';
  if (url.includes('/bench/')) return 'bench/';
  if (url.startsWith('node:') || url === '') return 'node internals';
  return url;
}

/** The path from the last node_modules/, src/ or bench/ on, so build folders do not show. */
function shortPath(url: string): string {
  for (const marker of ['/node_modules/', '/src/', '/bench/']) {
    const at = url.lastIndexOf(marker);
    if (at !== -1) return url.slice(at + 1);
  }
  return url;
}

export function summarise(profiles: CpuProfile[], top = 25): string {
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let total = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const node = nodes.get(id);
      const micros = profile.timeDeltas[i] ?? 0;
      if (!node) return;
      const { functionName, url, lineNumber } = node.callFrame;
      const name = functionName || '(anonymous)';
      const where = url ? `${shortPath(url)}:${lineNumber + 1}` : '';
      byFunction.set(`${name} ${where}`, (byFunction.get(`${name} ${where}`) ?? 0) + micros);
      const o = owner(url, name);
      byOwner.set(o, (byOwner.get(o) ?? 0) + micros);
      total += micros;
    });
  }
  const table = (map: Map<string, number>, n: number) => [...map.entries()]
    .sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`).join('\n');
  return `self time by owner (${(total / 1e6).toFixed(1)} s sampled)\n${table(byOwner, 15)}\n\nhottest functions (self time)\n${table(byFunction, top)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2];
  if (!path) throw new Error('usage: profile-summary.js <file-or-dir> [top]');
  const profiles = files(path).map((f) => JSON.parse(readFileSync(f, 'utf8')) as CpuProfile);
  console.log(summarise(profiles, Number(process.argv[3] ?? 25)));
}
