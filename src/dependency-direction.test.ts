// Keeps the layering true: the protocol core imports no HTTP framework, database driver or UI.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]!);
}

const forbidden = /^(fastify|better-sqlite3|pg|ioredis)$|\/(interaction|http|endpoints|storage\/(sqlite|postgres|redis))\//;

describe('dependency direction', () => {
  for (const folder of ['oauth', 'oidc', 'keys', 'accounts', 'lib']) {
    it(`src/${folder} imports no HTTP framework, database driver, adapter or UI`, () => {
      const offenders = sources(join(srcRoot, folder)).flatMap((file) =>
        importsOf(file).filter((spec) => forbidden.test(spec)).map((spec) => `${file}: ${spec}`));
      assert.deepEqual(offenders, []);
    });
  }

  it('only create-storage.ts imports a storage adapter', () => {
    const offenders = sources(srcRoot)
      .filter((file) => !file.includes(`${join('src', 'storage')}`))
      .flatMap((file) => importsOf(file).filter((spec) => /storage\/(sqlite|postgres|redis)\//.test(spec)).map((s) => `${file}: ${s}`));
    assert.deepEqual(offenders, []);
  });
});
