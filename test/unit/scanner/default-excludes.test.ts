/**
 * Which files a project scan reads: not dependencies, virtual environments, build output, minified
 * bundles, nor what `.gitignore` and `.clearance.yaml` `exclude:` name; too-deep folders are reported.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import { listSourceFiles } from '../../../server/src/decision/scan';
import type { ClearanceError } from '../../../server/src/errors';
import { createScanner } from '../../../server/src/scanner';

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

it('honours .gitignore files (nested ones too) and .clearance.yaml exclude patterns', () => {
  const root = mkdtempSync(join(tmpdir(), 'clearance-gitignore-'));
  try {
    const sources = [
      'src/app.ts',
      'src/generated/api.ts',
      'src/orders.gen.ts',
      'src/keep.gen.ts',
      'scripts/tool.py',
      'web/legacy/old.js',
      'web/new.js',
      'tmp/scratch.ts',
    ];
    for (const file of sources) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), "fetch('/x');\n");
    }
    writeFileSync(join(root, '.gitignore'), '# build output\ntmp/\n*.py\n');
    writeFileSync(join(root, 'web', '.gitignore'), 'legacy/\n');
    writeFileSync(
      join(root, '.clearance.yaml'),
      'exclude:\n  - src/generated/\n  - "**/*.gen.ts"\n  - "!keep.gen.ts"\n',
    );
    assert.deepEqual(
      listSourceFiles(root).map((file) => relative(root, file)),
      ['src/app.ts', 'src/keep.gen.ts', 'web/new.js'],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

it('leaves out bundles by name and minified code by shape', () => {
  const root = mkdtempSync(join(tmpdir(), 'clearance-bundles-'));
  try {
    mkdirSync(join(root, 'public'));
    writeFileSync(join(root, 'public', 'app.bundle.js'), "fetch('/x');\n");
    writeFileSync(join(root, 'public', 'vendors-chunk.js'), "fetch('/x');\n");
    writeFileSync(join(root, 'public', 'app.js'), "fetch('/x');\n");
    assert.deepEqual(
      listSourceFiles(root).map((file) => relative(root, file)),
      ['public/app.js'],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

it('minified code is not scanned whatever its name, hand-written code is', async () => {
  const scanner = createScanner();
  const call = "fetch('/api/orders/' + id, {method: 'DELETE'});";
  const minified = `${'var a=1;'.repeat(3_000)}${call}`;
  assert.equal((await scanner.scanText('app.js', minified)).calls.length, 0);
  const written = `${'const a = 1;\n'.repeat(3_000)}${call}\n`;
  assert.equal((await scanner.scanText('app.js', written)).calls.length, 1);
});

it('reports folders past the depth limit instead of skipping them silently', () => {
  const root = mkdtempSync(join(tmpdir(), 'clearance-deep-'));
  try {
    const deep = join(root, ...Array.from({ length: 32 }, (_, i) => `d${i}`));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'deep.ts'), "fetch('/x');\n");
    writeFileSync(join(root, 'top.ts'), "fetch('/x');\n");
    const problems: ClearanceError[] = [];
    assert.deepEqual(
      listSourceFiles(root, problems).map((file) => relative(root, file)),
      ['top.ts'],
    );
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.code, 'scan_depth_limit');
    assert.match(problems[0]?.message ?? '', /d0\/d1\/.*d30 is more than 30 folders deep/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
