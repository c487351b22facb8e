/**
 * `clearance policy test --var-values` and `-v --explain`, against OPA's own expected output:
 * the failure line of each case in test/fixtures/rego/trace/var-values.json (from OPA's
 * cmd/test_test.go), and the FAILURES trace of OPA's TestFilterTrace* policy.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { runPolicyTest } from '../../../server/src/cli/test-command';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'rego', 'trace');
const { cases } = JSON.parse(readFileSync(join(fixtures, 'var-values.json'), 'utf8')) as {
  cases: Array<{ note: string; files: Record<string, string>; want: string }>;
};
const root = mkdtempSync(join(tmpdir(), 'clearance-trace-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes the files of a case to a fresh folder and runs `policy test` with `flags` on it. */
function run(name: string, files: Record<string, string>, flags: Parameters<typeof runPolicyTest>[1]) {
  const dir = join(root, name.replace(/[^a-z0-9]+/gi, '-'));
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  let out = '';
  const code = runPolicyTest([dir], flags, { out: (t) => (out += t), err: (t) => (out += t) });
  return { code, out, dir };
}

for (const c of cases) {
  test(`--var-values: ${c.note}`, () => {
    const { code, out, dir } = run(c.note, c.files, { varValues: true });
    assert.equal(code, 2);
    const file = join(dir, 'test.rego'); // outside the working folder: named by its absolute path
    // The failure line: from its `file:row:` header to the blank line after it.
    const start = out.indexOf(`  ${file}:`);
    assert.ok(start >= 0, out);
    const block = out.slice(start, out.indexOf('\n\n', start) + 1);
    assert.equal(block, `  ${c.want.replace('test.rego', file)}`);
  });
}

test('-v --explain fails prints the trace of a failing test under FAILURES, as OPA', () => {
  const expected = parse(readFileSync(join(fixtures, 'opa-trace.yaml'), 'utf8')) as {
    shared: { fail_trace_module: string };
    cases: Array<{ mode: string; want: string }>;
  };
  for (const mode of ['fails', 'full', 'notes'] as const) {
    const { code, out, dir } = run(
      'explain',
      { 'test.rego': expected.shared.fail_trace_module },
      {
        verbose: true,
        explain: mode,
        v0Compatible: true,
      },
    );
    assert.equal(code, 2, out);
    const want = expected.cases.find((c) => c.mode === mode)?.want ?? '';
    const section = out.slice(out.indexOf('FAILURES\n'));
    const lines = section.split('\n');
    const first = lines.findIndex((l) => l.includes('Enter data.testing.test_p = _'));
    const trace = lines.slice(first, first + want.trimEnd().split('\n').length);
    const file = join(dir, 'test.rego'); // outside the working folder: named by its absolute path
    // Each line: two spaces, the location column (file:row or query:row, padded), then OPA's event.
    const width = Math.max(...trace.map((l) => l.slice(2).split(' ')[0]?.length ?? 0));
    const events = trace.map((l) => {
      const loc = l.slice(2, 2 + width + 5);
      assert.match(loc.trim(), new RegExp(`^(query|${file.replace(/[.\\/]/g, '\\$&')}):\\d+$`));
      return l.slice(2 + width + 5);
    });
    assert.equal(`${events.join('\n')}\n`, want, mode);
  }
});
