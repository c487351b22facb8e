/**
 * The workspace index keeps the one-report post-pass current between edits, on the fixture
 * test/fixtures/lsp/single-report (a private Go wrapper, four callers in two files; expected.yaml
 * written by reading it): an edit to one caller's file that adds a caller writing no part of the
 * URL brings the call inside the wrapper back in the wrapper's file, which is not read or parsed
 * again; the change names that file and the wrapper; undoing the edit drops the call again.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { WorkspaceIndex } from '../../../server/src/index/workspace-index';
import { createScanner } from '../../../server/src/scanner';

const fixture = join(__dirname, '..', '..', 'fixtures', 'lsp', 'single-report');
const expected = parse(readFileSync(join(fixture, 'expected.yaml'), 'utf8')) as {
  before: Array<{ file: string; line: number }>;
  edit: { file: string; append: string };
  after: Array<{ file: string; line: number }>;
};
const root = mkdtempSync(join(tmpdir(), 'clearance-one-report-index-'));
cpSync(join(fixture, 'forge'), join(root, 'forge'), { recursive: true });
after(() => rmSync(root, { recursive: true, force: true }));

/** Every indexed call as `file:line` (1-based), in path order. */
const lines = (index: WorkspaceIndex) =>
  index.listCalls().map(({ file, call }) => `${relative(root, file.path)}:${call.location.start.line}`);
const want = (calls: Array<{ file: string; line: number }>) => calls.map((c) => `${c.file}:${c.line}`).sort();

describe('the one-report post-pass in the workspace index', () => {
  const index = new WorkspaceIndex({ scanner: createScanner(), maxFiles: 100 });
  index.setRoots([root]);
  const edited = join(root, expected.edit.file);
  const original = readFileSync(edited, 'utf8');
  const wrapperFile = join(root, 'forge/client.go');

  it('leaves out the call inside the private wrapper after a full run', async () => {
    await index.indexAll();
    assert.deepEqual(lines(index).sort(), want(expected.before));
    assert.ok(index.files.get(wrapperFile)?.scanned?.length === 1, 'the scan found the call inside');
    index.oneReport.takeChanges();
  });

  it('brings it back when an edit adds a caller that writes no part of the URL, parsing only the edited file', async () => {
    const parsed = index.parseCount;
    await index.setOverlay(edited, original + expected.edit.append);
    assert.equal(index.parseCount - parsed, 1, 'only the edited file is parsed');
    assert.deepEqual(lines(index).sort(), want(expected.after));
    const changes = index.oneReport.takeChanges();
    assert.deepEqual(changes.files, [wrapperFile]);
    assert.equal(changes.wrappers.length, 1);
    assert.match(changes.wrappers[0] as string, /forge\/client\.go:24:Client\.get$/);
  });

  it('drops it again when the edit is undone, and says nothing when an edit changes no report', async () => {
    await index.setOverlay(edited, original);
    assert.deepEqual(lines(index).sort(), want(expected.before));
    assert.deepEqual(index.oneReport.takeChanges().files, [wrapperFile]);
    await index.setOverlay(edited, `${original}\n// A comment changes no call site.\n`);
    assert.deepEqual(lines(index).sort(), want(expected.before));
    assert.deepEqual(index.oneReport.takeChanges(), { files: [], wrappers: [] });
  });
});
