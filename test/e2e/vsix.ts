// The packaged extension the end-to-end tests install: dist/clearance.vsix, packaged when older than its sources.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The repository's root, as harness.ts has it: harness.ts imports this file, so this one cannot import it.
const repoRoot = resolve(__dirname, '..', '..');

// CLEARANCE_E2E_VSIX tests a .vsix packaged elsewhere instead of packaging dist/clearance.vsix.
const givenVsix = process.env.CLEARANCE_E2E_VSIX;

/** The .vsix the tests install. */
export const vsixPath = givenVsix ?? join(repoRoot, 'dist', 'clearance.vsix');

// What the packaged extension is built from: a .vsix newer than all of it can be reused.
const extensionSources = [
  'client/src',
  'server/src',
  'syntaxes',
  'package.json',
  'scripts/build.mjs',
  '.vscodeignore',
];

/** Returns the newest modification time (ms) of a file or of any file under a folder. */
function findNewestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, findNewestMtime(join(path, entry))), 0);
}

/** Runs `npm run package` unless dist/clearance.vsix is newer than every source it is built from. */
export function ensurePackagedExtension(): void {
  if (givenVsix) {
    assert.ok(existsSync(givenVsix), `CLEARANCE_E2E_VSIX names no file: ${givenVsix}`);
    return;
  }
  const newestSource = Math.max(...extensionSources.map((source) => findNewestMtime(join(repoRoot, source))));
  if (existsSync(vsixPath) && statSync(vsixPath).mtimeMs > newestSource) return;
  const result = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(result.status, 0, `npm run package failed:\n${result.stdout}${result.stderr}`);
  assert.ok(existsSync(vsixPath), `npm run package did not write ${vsixPath}`);
}
