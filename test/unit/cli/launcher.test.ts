/**
 * `bin/clearance.js`, the launcher `npx clearance` runs from a clone: before the CLI is built it says
 * how to build it and exits 70 (Clearance cannot run: an internal error, docs/cli.md), not 2, which
 * `policy test`, `policy lint` and `scan` use for what a check found.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const launcher = join(__dirname, '..', '..', '..', 'bin', 'clearance.js');

describe('the clearance launcher', () => {
  it('exits 70 with the build command when the CLI is not built', () => {
    // A clone without dist/: the launcher alone in a bin/ folder.
    const root = mkdtempSync(join(tmpdir(), 'clearance-launcher-'));
    try {
      mkdirSync(join(root, 'bin'));
      copyFileSync(launcher, join(root, 'bin', 'clearance.js'));
      const run = spawnSync(process.execPath, [join(root, 'bin', 'clearance.js'), 'scan'], {
        encoding: 'utf8',
      });
      assert.equal(run.status, 70, run.stderr);
      assert.match(run.stderr, /the CLI is not built yet; run `npm run build`/);
      assert.equal(run.stdout, '');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
