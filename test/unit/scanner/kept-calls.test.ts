/**
 * Guards the calls a later round of the project pass keeps: a file's second scan with a project
 * view, which runs only the recognisers that read the view and takes the others' calls from its
 * first scan, must equal a full scan with the same view. Run over every project fixture and every
 * folder in test/fixtures/scanner/kept-calls, whose expected.yaml also names the files kept and
 * the files scanned in full again (those whose first scan re-parsed a fragment).
 */

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { listSourceFiles } from '../../../server/src/decision/scan';
import { createScanner } from '../../../server/src/scanner';
import { buildProjectView } from '../../../server/src/scanner/project/scan-project';
import { releaseTrees } from '../../../server/src/scanner/scanner';
import type { TreeCache } from '../../../server/src/scanner/types';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'scanner');
const folders = ['kept-calls', 'project'].flatMap((group) =>
  readdirSync(path.join(FIXTURES, group))
    .sort()
    .map((name) => path.join(FIXTURES, group, name)),
);

const scanner = createScanner();

for (const root of folders) {
  test(`a later round's kept calls equal a full scan: ${path.relative(FIXTURES, root)}`, async () => {
    const files = listSourceFiles(root).map((file) => ({
      file: path.relative(root, file),
      text: readFileSync(file, 'utf8'),
    }));
    const trees: TreeCache = { entries: new Map(), budget: 10_000_000 };
    try {
      const first = [];
      for (const { file, text } of files)
        first.push(await scanner.scanText(file, text, undefined, { collectFacts: true, trees }));
      const view = buildProjectView(first.map((result) => result.facts));
      for (const { file, text } of files) {
        const later = await scanner.scanText(file, text, undefined, {
          project: view,
          collectFacts: true,
          trees,
        });
        const full = await scanner.scanText(file, text, undefined, { project: view, collectFacts: true });
        assert.deepEqual(later, full, file);
      }
      const expectedFile = path.join(root, 'expected.yaml');
      const expected = existsSync(expectedFile)
        ? (parse(readFileSync(expectedFile, 'utf8')) as { kept?: string[]; rescanned?: string[] })
        : {};
      for (const file of expected.kept ?? []) assert.ok(trees.recognised?.has(file), `${file} kept`);
      for (const file of expected.rescanned ?? [])
        assert.ok(!trees.recognised?.has(file), `${file} scanned in full again`);
    } finally {
      releaseTrees(trees);
    }
  });
}
