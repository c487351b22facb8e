/** Which files a project scan reads by default: not dependencies, virtual environments, build output or minified bundles. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import { listSourceFiles } from '../../../server/src/decision/scan';

it('leaves out dependencies, virtual environments, vendored code, build output and minified bundles', () => {
  const root = mkdtempSync(join(tmpdir(), 'clearance-excludes-'));
  try {
    const files = [
      'src/app.ts',
      'src/vendor.ts',
      'api/client.py',
      'node_modules/axios/index.js',
      'venv/lib/python3.12/site-packages/requests/api.py',
      '.venv/lib/requests/api.py',
      'vendor/github.com/x/y.go',
      'dist/app.js',
      'public/app.min.js',
      'public/lib-min.mjs',
      'pkg/__pycache__/x.py',
    ];
    for (const file of files) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), "fetch('/x');\n");
    }
    assert.deepEqual(
      listSourceFiles(root).map((file) => relative(root, file)),
      ['api/client.py', 'src/app.ts', 'src/vendor.ts'],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
