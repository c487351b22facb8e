// The grammar that highlights ```rego fences in Markdown: declared in package.json as an injection
// into Markdown, embedding source.rego, with patterns that compile (it uses \G, as Markdown's own
// fenced-block grammars do, so only compilation without it is checked).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const repoRoot = join(__dirname, '..', '..', '..');

test('rego fences in Markdown are highlighted with the Rego grammar', () => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    contributes: { grammars: Array<{ scopeName: string; path: string; injectTo?: string[] }> };
  };
  const entry = manifest.contributes.grammars.find((g) => g.scopeName === 'markdown.rego.codeblock');
  assert.deepEqual(entry?.injectTo, ['text.html.markdown']);
  const grammar = JSON.parse(readFileSync(join(repoRoot, entry?.path ?? ''), 'utf8')) as {
    repository: Record<
      string,
      { begin: string; end: string; patterns: Array<{ patterns: Array<{ include: string }> }> }
    >;
  };
  const block = grammar.repository['rego-code-block'];
  assert.equal(block?.patterns[0]?.patterns[0]?.include, 'source.rego');
  const begin = new RegExp((block?.begin ?? '').replace(/\\G/g, ''));
  assert.ok(begin.test('```rego'));
  assert.ok(begin.test('~~~ Rego'));
  assert.ok(!begin.test('```go'));
  assert.ok(!begin.test('```regox'));
});
