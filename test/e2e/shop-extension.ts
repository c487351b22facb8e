// The packaged extension and the shop example, shared by the end-to-end tests: packs dist/clearance.vsix when
// its sources are newer, and copies examples/shop to a temp folder with a fresh token for Alice.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { repoRoot } from './harness';

// CLEARANCE_E2E_VSIX tests a .vsix packaged elsewhere instead of packaging dist/clearance.vsix.
const givenVsix = process.env.CLEARANCE_E2E_VSIX;
/** The extension the tests install. */
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

/** Copies examples/shop to a temp folder with a fresh 15-minute token for Alice, and points its settings at it. */
export async function prepareWorkspace(): Promise<string> {
  const workspace = mkdtempSync(join(tmpdir(), 'clearance-shop-'));
  cpSync(join(repoRoot, 'examples', 'shop'), workspace, { recursive: true });
  await mintDemoIdentity({
    users: [{ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' }],
    outDir: join(workspace, 'minted'),
    ttlSeconds: 15 * 60,
  });
  const settingsFile = join(workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  settings['clearance.identity.tokenFile'] = 'minted/alice.jwt';
  settings['clearance.identity.jwksFile'] = 'minted/jwks.json';
  writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
  return workspace;
}
