// Checks that the Rego grammar and language configuration load: valid JSON, includes that resolve, and
// regular expressions that compile. VS Code runs grammars with Oniguruma; JavaScript's RegExp stands in for
// it here, so the grammar keeps to the syntax both share and this test rejects Oniguruma-only constructs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const syntaxesDir = join(__dirname, '..', '..', '..', 'syntaxes');

/** Reads and parses one JSON file from syntaxes/. */
function readSyntaxJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(syntaxesDir, name), 'utf8')) as Record<string, unknown>;
}

/** Collects every value of the given keys anywhere in a JSON tree, with the path that leads to it. */
function collectValues(node: unknown, keys: Set<string>, path = '$'): { path: string; value: unknown }[] {
  if (Array.isArray(node))
    return node.flatMap((item, index) => collectValues(item, keys, `${path}[${index}]`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => [
    ...(keys.has(key) ? [{ path: `${path}.${key}`, value }] : []),
    ...collectValues(value, keys, `${path}.${key}`),
  ]);
}

// \G \A \z \Z \h \H, possessive quantifiers, atomic groups and inline flags mean something else, or nothing,
// to JavaScript.
const onigurumaOnly = /\\[GAzZhH]|[*+?}]\+|\(\?>|\(\?[imx]+[):-]/;

test('the grammar is JSON with scope source.rego and includes that resolve', () => {
  const grammar = readSyntaxJson('rego.tmLanguage.json');
  assert.equal(grammar.scopeName, 'source.rego');
  const repository = grammar.repository as Record<string, unknown>;
  for (const { path, value } of collectValues(grammar, new Set(['include']))) {
    assert.equal(typeof value, 'string', path);
    const name = (value as string).replace(/^#/, '');
    assert.ok(name in repository, `${path}: ${value} is not in the repository`);
  }
});

test("the grammar's regular expressions compile and avoid Oniguruma-only syntax", () => {
  const grammar = readSyntaxJson('rego.tmLanguage.json');
  const patterns = collectValues(grammar, new Set(['match', 'begin', 'end', 'while']));
  assert.ok(patterns.length > 20, 'expected the grammar to hold its patterns');
  for (const { path, value } of patterns) {
    assert.equal(typeof value, 'string', path);
    assert.doesNotMatch(value as string, onigurumaOnly, path);
    assert.doesNotThrow(() => new RegExp(value as string), path);
  }
});

test('the grammar finds rule heads, keywords and input/data refs', () => {
  const repository = readSyntaxJson('rego.tmLanguage.json').repository as Record<string, { match: string }>;
  const pattern = (name: string) => new RegExp(repository[name]?.match ?? '(?!)');
  assert.equal(pattern('rule-head').exec('allow if input.user.role == "admin"')?.[1], 'allow');
  assert.equal(pattern('rule-head').exec('import rego.v1'), null);
  assert.equal(pattern('default-rule').exec('default allow := false')?.[2], 'allow');
  assert.equal(pattern('root-document').exec('x := data.roles[input.user]')?.[1], 'data');
  assert.equal(pattern('builtin-call').exec('io.jwt.decode(token)')?.[1], 'io.jwt.decode');
});

test('the language configuration is JSON with # comments and regular expressions that compile', () => {
  const config = readSyntaxJson('rego.language-configuration.json');
  assert.deepEqual(config.comments, { lineComment: '#' });
  const rules = config.indentationRules as Record<string, string>;
  for (const source of [rules.increaseIndentPattern, rules.decreaseIndentPattern, config.wordPattern]) {
    assert.doesNotThrow(() => new RegExp(source as string));
  }
  assert.match('allow if {', new RegExp(rules.increaseIndentPattern ?? '(?!)'));
  assert.match('\t}', new RegExp(rules.decreaseIndentPattern ?? '(?!)'));
});
