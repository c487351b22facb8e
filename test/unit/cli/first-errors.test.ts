/**
 * Runs every case of test/fixtures/cli/first-errors.yaml through the CLI in-process: the errors a new
 * user meets first must say what is wrong, where, and what to do, with the documented exit code.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../../../server/src/cli/main';
import { writeTree } from '../../write-tree';

interface ErrorCase {
  name: string;
  files?: Record<string, string>;
  argv: string[];
  /** The working folder of the run ($DIR allowed); the test's own when absent. */
  cwd?: string;
  exit: number;
  stderr: string[];
  stdout?: string[];
  notStderr?: string[];
  notStdout?: string[];
}

const cases = parse(
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'cli', 'first-errors.yaml'), 'utf8'),
) as ErrorCase[];
// No case may read or write the real audit log or pick up a token from the environment.
process.env.CLEARANCE_AUDIT_FILE = join(mkdtempSync(join(tmpdir(), 'clearance-audit-')), 'audit.jsonl');
delete process.env.CLEARANCE_TOKEN;

for (const item of cases) {
  test(`first errors: ${item.name}`, async () => {
    const dir = writeTree(item.files ?? {}, 'clearance-first-errors-');
    const fill = (text: string) => text.split('$DIR').join(dir);
    let out = '';
    let err = '';
    const before = process.cwd();
    if (item.cwd !== undefined) process.chdir(fill(item.cwd));
    const code = await runCli(item.argv.map(fill), {
      out: (t) => (out += t),
      err: (t) => (err += t),
    }).finally(() => process.chdir(before));
    assert.equal(code, item.exit, `stderr: ${err}\nstdout: ${out}`);
    for (const expected of item.stderr)
      assert.ok(err.includes(fill(expected)), `stderr lacks ${fill(expected)}:\n${err}`);
    for (const expected of item.stdout ?? [])
      assert.ok(out.includes(fill(expected)), `stdout lacks ${fill(expected)}:\n${out}`);
    for (const unwanted of item.notStderr ?? [])
      assert.ok(!err.includes(fill(unwanted)), `stderr has ${fill(unwanted)}:\n${err}`);
    for (const unwanted of item.notStdout ?? [])
      assert.ok(!out.includes(fill(unwanted)), `stdout has ${fill(unwanted)}:\n${out}`);
  });
}
