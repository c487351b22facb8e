/**
 * The workspace index reports what the CLI's project pass reports: a full index run over every
 * folder in test/fixtures/scanner/project gives the calls of the folder's expected.yaml (written by
 * reading the fixture), including the one-report post-pass (a private wrapper's call inside is
 * dropped when every call site is reported).
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { WorkspaceIndex } from '../../../server/src/index/workspace-index';
import { createScanner } from '../../../server/src/scanner';
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
  test(`the index over project fixture ${name}`, async () => {
    const expected = (
      parse(readFileSync(path.join(root, 'expected.yaml'), 'utf8')) as { calls: ExpectedCall[] }
    ).calls;
    const index = new WorkspaceIndex({ scanner, maxFiles: 1000 });
    index.setRoots([root]);
    await index.indexAll();
    const relative = (file: string) => path.relative(root, file);
    const found: ExpectedCall[] = [];
    for (const { file, call } of index.listCalls()) {
      found.push({
        file: relative(file.path),
        line: call.calleeLocation.start.line,
        method: call.method ?? null,
        url: call.url.segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join(''),
        ...(call.via === undefined
          ? {}
          : { via: `${call.via.name} (${relative(call.via.file)}:${call.via.line})` }),
      });
    }
    assert.deepEqual(found, expected);
  });
}
