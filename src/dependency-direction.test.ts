// Keeps the layering true: the protocol core imports no HTTP framework, database driver or UI,
// and OpenID Connect builds on OAuth, never the other way round.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file runs compiled, somewhere below the repository; the TypeScript sources are at <repo>/src.
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const srcRoot = join(repositoryRoot(), 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

// Static `import … from`, `export … from`, bare `import '…'` and dynamic `import('…')`.
const importPattern = /^\s*(?:import|export)[^'"]*?\bfrom\s+'([^']+)'|^\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm;

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(importPattern)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

/** The relative imports of `file` that land inside src/<folder>. */
function importsInto(file: string, folder: string): string[] {
  const target = join(srcRoot, folder) + sep;
  return importsOf(file).filter((spec) => spec.startsWith('.') && resolve(dirname(file), spec).startsWith(target));
}

const forbidden = /^(fastify|better-sqlite3|pg|ioredis)$|\/(interaction|http|endpoints|storage\/(sqlite|postgres|redis))\//;

describe('dependency direction', () => {
  for (const folder of ['oauth', 'oidc', 'clients', 'keys', 'accounts', 'lib']) {
    it(`src/${folder} imports no HTTP framework, database driver, adapter or UI`, () => {
      const offenders = sources(join(srcRoot, folder)).flatMap((file) =>
        importsOf(file).filter((spec) => forbidden.test(spec)).map((spec) => `${file}: ${spec}`));
      assert.deepEqual(offenders, []);
    });
  }

  it('src/oauth imports nothing from src/oidc (ID tokens are injected into token issuance)', () => {
    const offenders = sources(join(srcRoot, 'oauth')).flatMap((file) => importsInto(file, 'oidc').map((spec) => `${file}: ${spec}`));
    assert.deepEqual(offenders, []);
  });

  it('only create-storage.ts imports a storage adapter', () => {
    const offenders = sources(srcRoot)
      .filter((file) => !file.includes(`${join('src', 'storage')}`))
      .flatMap((file) => importsOf(file).filter((spec) => /storage\/(sqlite|postgres|redis)\//.test(spec)).map((s) => `${file}: ${s}`));
    assert.deepEqual(offenders, []);
  });
});
