/**
 * The parser's safety guarantees: it never throws, never hangs and never overflows the stack,
 * whatever the input. Property tests feed it random text, soups of Rego tokens and mangled valid
 * policies; fixed tests push nesting and repetition past any sane policy.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ClearanceError } from '../../../server/src/errors';
import { parseModule, parseQuery, parseTerm, tokenize } from '../../../server/src/rego/syntax/parser';
import { BASE_KEYWORDS, FUTURE_KEYWORDS, SYMBOLS } from '../../../server/src/rego/syntax/tokens';

/** Per-input time bound; generous because test machines are shared. */
const TIME_LIMIT_MS = 2000;

const TOKENS: readonly string[] = [
  ...BASE_KEYWORDS,
  ...FUTURE_KEYWORDS,
  'data',
  'input',
  'future',
  'keywords',
  'rego',
  'v1',
  'set',
  'p',
  'q',
  'x',
  'y',
  '_',
  'f',
  'count',
  '1',
  '-2',
  '0.5',
  '1e3',
  '01',
  '"s"',
  '"\\u00e9"',
  '`raw`',
  '$"t{',
  '$`t{',
  '}"',
  '}`',
  '"',
  '`',
  ...SYMBOLS,
  '!',
  '$',
  '#',
  '# METADATA',
  '\n',
  '\n',
  ' ',
  '\t',
  '\r\n',
];

const SAMPLE = `package example.authz

import rego.v1
import data.roles as r

# METADATA
# title: Allow
default allow := false

allow if {
  some role in input.user.roles
  role in {"admin", "editor"}
  count([x | x := input.items[_]; x.ok]) > 1 + 2 * 3
}

deny contains msg if {
  not allow
  msg := $"denied {input.user.name}"
} 

limits[k] := v if { some k, v in {"a": 1} }

f(x, _) := y if { y := x } else := 0

check if every k, v in input.m { k != v } with input as {"m": {}}
`;

/** Runs every entry point on `text` and checks the guarantees that hold for any input. */
function checkAnyInput(text: string): void {
  const started = performance.now();
  const results: ClearanceError[][] = [];
  const module = parseModule(text, 'fuzz.rego');
  results.push(module.errors);
  results.push(parseModule(text, 'fuzz.rego', { regoVersion: 0 }).errors);
  const query = parseQuery(text);
  results.push(query.errors);
  const term = parseTerm(text);
  results.push(term.errors);
  const lexed = tokenize(text, 'fuzz.rego');
  assert.equal(lexed.tokens[lexed.tokens.length - 1]?.kind, 'eof');
  assert.equal(lexed.tokens[lexed.tokens.length - 1]?.end.offset, text.length);
  for (const errors of results) {
    for (const e of errors) {
      assert.equal(e.code, 'rego_parse_error');
      assert.ok(!e.message.startsWith('internal parser error'), e.message);
      const loc = e.location;
      assert.ok(
        loc && loc.start.offset >= 0 && loc.end.offset <= text.length && loc.start.offset <= loc.end.offset,
      );
    }
  }
  if (module.errors.length === 0) assert.ok(module.module, 'a module without errors is returned');
  if (query.errors.length === 0) assert.ok(query.body);
  if (term.errors.length === 0) assert.ok(term.term);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < TIME_LIMIT_MS, `took ${elapsed.toFixed(0)} ms`);
}

describe('parser robustness', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), checkAnyInput), { numRuns: 300 });
  });

  it('never throws on soups of Rego tokens', () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 120 }).map((ts) => ts.join(' '));
    const tight = fc.array(fc.constantFrom(...TOKENS), { maxLength: 120 }).map((ts) => ts.join(''));
    fc.assert(fc.property(fc.oneof(soup, tight), checkAnyInput), { numRuns: 500 });
  });

  it('never throws on mangled valid policies', () => {
    const edit = fc.record({
      at: fc.nat({ max: SAMPLE.length }),
      cut: fc.nat({ max: 12 }),
      insert: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 3 })),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        let text = SAMPLE;
        for (const { at, cut, insert } of edits) {
          const i = Math.min(at, text.length);
          text = text.slice(0, i) + insert + text.slice(i + cut);
        }
        checkAnyInput(text);
      }),
      { numRuns: 300 },
    );
  });

  it('parses the unmangled sample without errors', () => {
    const { module, errors } = parseModule(SAMPLE, 'sample.rego');
    assert.deepEqual(errors, []);
    assert.equal(module?.rules.length, 6);
  });

  it('reports nesting beyond the limit instead of overflowing the stack', () => {
    for (const [open, close] of [
      ['[', ']'],
      ['{', '}'],
      ['(', ')'],
      ['[x | ', ']'],
      ['{1: ', '}'],
      ['f(', ')'],
      ['$"{', '}"'],
      ['[1 + ', ']'],
    ] as const) {
      const deep = `x := ${open.repeat(5000)}1${close.repeat(5000)}`;
      const { errors } = parseQuery(deep);
      assert.ok(
        errors.some((e) => e.message === 'max parsing recursion depth exceeded'),
        `${open}: ${errors[0]?.message}`,
      );
      const ok = `x := ${open.repeat(200)}1${close.repeat(200)}`;
      assert.deepEqual(parseQuery(ok).errors, [], `${open} nested 200 deep`);
    }
  });

  it('nests right up to the limit without overflowing', () => {
    // The limit counts terms and bodies: a comprehension level holds one of each.
    for (const [open, close, levels] of [
      ['[', ']', 990],
      ['[1 + ', ']', 990],
      ['{"a": ', '}', 990],
      ['$"{', '}"', 990],
      ['[x | x := ', ']', 495],
      ['{1 | not ', '}', 495],
    ] as const) {
      const text = `x := ${open.repeat(levels)}1${close.repeat(levels)}`;
      const { body, errors } = parseQuery(text);
      assert.deepEqual(errors, [], open);
      assert.ok(body);
    }
  });

  it('handles long flat repetitions without recursion', () => {
    const cases = [
      `x := ${Array.from({ length: 20000 }, (_, i) => i).join(' + ')}`,
      `x := input${'.a'.repeat(20000)}`,
      `x := f(1)${'[0].a'.repeat(5000)}`,
      `x := [${'1, '.repeat(20000)}1]`,
      Array.from({ length: 5000 }, (_, i) => `x${i} := ${i}`).join('; '),
    ];
    for (const text of cases) assert.deepEqual(parseQuery(text).errors, [], text.slice(0, 30));
    const elses = `package a\np := 0 if input.a ${'else := 1 if input.b '.repeat(5000)}else := 2\n`;
    assert.deepEqual(parseModule(elses, 'elses.rego').errors, []);
  });

  it('keeps going through a file of broken rules', () => {
    const text = `package a\n${'p if { x := }\nq := 1\n'.repeat(500)}`;
    const { module, errors } = parseModule(text, 'broken.rego');
    assert.equal(errors.length, 500);
    assert.equal(module?.rules.length, 500);
  });
});
