/**
 * Runs the project pass over every folder in test/fixtures/scanner/project and compares the calls it
 * reports (every file, in path and line order) with the folder's expected.yaml: file, callee line,
 * method, URL template (expressions as `{source}`) and, for inferred calls, the client they go
 * through as `Name (file:line)`. Expectations come from reading the fixture, not from our output.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { listSourceFiles } from '../../../server/src/decision/scan';
import { createScanner } from '../../../server/src/scanner';
import { scanProject } from '../../../server/src/scanner/project/scan-project';
import { patientScanning } from '../../support/patient-scanning';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'scanner', 'project');

interface ExpectedCall {
  file: string;
  line: number;
  method: string | null;
  url: string;
  via?: string;
}

const scanner = createScanner(patientScanning);

for (const name of readdirSync(FIXTURES).sort()) {
  const root = path.join(FIXTURES, name);
  test(`project fixture ${name}`, async () => {
    const expected = (
      parse(readFileSync(path.join(root, 'expected.yaml'), 'utf8')) as { calls: ExpectedCall[] }
    ).calls;
    const files = listSourceFiles(root).map((file) => ({
      file: path.relative(root, file),
      read: () => readFileSync(file, 'utf8'),
    }));
    const results = await scanProject(scanner, files);
    const found: ExpectedCall[] = [];
    for (const [file, result] of [...results].sort(([a], [b]) => a.localeCompare(b))) {
      assert.deepEqual(result.errors, [], `${file}: no scan errors`);
      for (const call of result.calls) {
        found.push({
          file,
          line: call.calleeLocation.start.line,
          method: call.method ?? null,
          url: call.url.segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join(''),
          ...(call.via === undefined ? {} : { via: `${call.via.name} (${call.via.file}:${call.via.line})` }),
        });
      }
    }
    assert.deepEqual(found, expected);
  });
}
