import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { Location } from '../../../server/src/errors';
import { parseModule, parseQuery } from '../../../server/src/rego/parser';

// Bad input must never throw, hang or crash: every outcome is a result with errors as data, and
// every location points inside the text with line/column matching its offset.

/** Line and column of `offset`, counted independently of the parser (LSP line breaks). */
function expectedPosition(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function* locationsIn(node: unknown): Generator<Location> {
  if (Array.isArray(node)) {
    for (const item of node) yield* locationsIn(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'location' && value && typeof value === 'object' && 'start' in value) yield value as Location;
    else if (key !== 'raw') yield* locationsIn(value);
  }
}

function assertLocation(text: string, location: Location | undefined): void {
  assert.ok(location, 'every error has a location');
  const { start, end } = location;
  assert.ok(start.offset >= 0 && start.offset <= end.offset && end.offset <= text.length, 'offsets in range');
  assert.deepEqual({ line: start.line, column: start.column }, expectedPosition(text, start.offset));
  assert.deepEqual({ line: end.line, column: end.column }, expectedPosition(text, end.offset));
}

function assertWellFormed(text: string): void {
  const { module, errors } = parseModule(text, { file: 'f.rego' });
  for (const e of errors) {
    assert.equal(e.code, 'rego_parse_error');
    assertLocation(text, e.location);
  }
  for (const location of locationsIn(module)) assertLocation(text, location);
}

const FRAGMENTS = [
  'package a\n',
  'import rego.v1\n',
  'import future.keywords.not\n',
  'p',
  ' if ',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  ':=',
  '=',
  '==',
  ',',
  ';',
  '\n',
  ' ',
  'x',
  '_',
  'input.a',
  '"s"',
  '`r`',
  '1',
  '-',
  '.',
  'some ',
  'every ',
  ' in ',
  'not ',
  ' with ',
  ' as ',
  'else',
  'default ',
  ' contains ',
  '|',
  '$"',
  '{x}',
  '"',
  '#c\n',
  '# METADATA\n# title: t\n',
  '+',
  '*',
  ':',
  'f(',
  'set()',
  '\t',
  '😀',
  '\\',
  '$`',
  'data',
  'true',
  '\r',
];

const SAMPLES = (
  parse(readFileSync(join(__dirname, '../../fixtures/rego/modules.yaml'), 'utf8')) as {
    cases: Array<{ module: string; version?: 0 | 1 }>;
  }
).cases.filter((c) => c.version !== 0);
const SAMPLE = SAMPLES.map((c) => c.module).join('\n');

describe('parser robustness', () => {
  test('token soup never throws and keeps locations consistent', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 }), (parts) => {
        assertWellFormed(parts.join(''));
      }),
      { numRuns: 3000 },
    );
  });

  test('arbitrary text never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        assertWellFormed(`package a\n${text}`);
        assertWellFormed(text);
      }),
      { numRuns: 2000 },
    );
  });

  test('edits of valid modules never throw', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: SAMPLE.length }),
        fc.nat({ max: 40 }),
        fc.constantFrom(...FRAGMENTS, ''),
        (at, cut, insert) => {
          assertWellFormed(SAMPLE.slice(0, at) + insert + SAMPLE.slice(at + cut));
        },
      ),
      { numRuns: 600 },
    );
  });

  test('variable locations cover exactly the variable name', () => {
    let checked = 0;
    for (const sample of SAMPLES) {
      const { module, errors } = parseModule(sample.module);
      assert.deepEqual(errors, []);
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(visit);
        else if (node && typeof node === 'object') {
          const n = node as { type?: string; name?: string; generated?: boolean; location?: Location };
          // Operators are calls of builtins: `==` is a ref to `equal` located at the `==`.
          if (n.type === 'call' && 'infix' in node && 'args' in node) return visit(node.args);
          if (n.type === 'var' && !n.generated && n.location) {
            assert.equal(sample.module.slice(n.location.start.offset, n.location.end.offset), n.name);
            checked++;
          }
          for (const [key, value] of Object.entries(node))
            if (key !== 'location' && key !== 'raw') visit(value);
        }
      };
      visit(module);
    }
    assert.ok(checked > 100, `checked ${checked}`);
  });
});

describe('deep nesting is a parse error, not a crash', () => {
  const cases: Array<[string, string]> = [
    ['arrays', `${'['.repeat(100_000)}`],
    ['sets', `${'{'.repeat(100_000)}`],
    ['parentheses', `${'('.repeat(100_000)}1`],
    ['calls', `${'f('.repeat(50_000)}`],
    ['refs in brackets', `x${'[y'.repeat(50_000)}`],
    ['template strings', `${'$"{'.repeat(20_000)}`],
    ['comprehensions', `${'[x | x := '.repeat(20_000)}`],
  ];
  for (const [name, nested] of cases) {
    test(name, { timeout: 10_000 }, () => {
      const { errors } = parseModule(`package a\n\nx := ${nested}\n\ny := 1\n`);
      assert.ok(
        errors.some((e) => e.message === 'max parsing recursion depth exceeded'),
        JSON.stringify(errors.slice(0, 2)),
      );
    });
  }

  test('long else chains', { timeout: 10_000 }, () => {
    const { errors } = parseModule(`package a\n\np := 0 if false ${'else := 1 if false '.repeat(20_000)}\n`);
    assert.deepEqual(
      errors.map((e) => e.message),
      ['max parsing recursion depth exceeded'],
    );
  });

  test('nesting within the limit parses', () => {
    const { errors } = parseModule(`package a\n\nx := ${'['.repeat(200)}1${']'.repeat(200)}\n`);
    assert.deepEqual(errors, []);
  });

  test('long flat structures are not nesting', { timeout: 10_000 }, () => {
    const text = `package a\n\nx := ${Array(50_000).fill('1').join(' + ')}\ny := a${'.b'.repeat(50_000)}\n`;
    assert.deepEqual(parseModule(text).errors, []);
  });
});

describe('backtracking stays linear (parsed-term cache)', () => {
  // Each collection first tries its leading item as a plain term and, when an operator follows,
  // parses it again as an operator expression; without the cache that doubles per nesting level.
  const shapes: Array<[string, (depth: number) => string]> = [
    ['arrays led by an operand', (d) => `${'['.repeat(d)}1${'] + 1'.repeat(d - 1)}]`],
    ['sets led by an operand', (d) => `${'{'.repeat(d)}1${'} + 1'.repeat(d - 1)}}`],
    ['object values led by an operand', (d) => `${'{"a": '.repeat(d)}1${'} + 1'.repeat(d - 1)}}`],
  ];
  for (const [name, build] of shapes) {
    test(name, { timeout: 10_000 }, () => {
      const started = performance.now();
      const { errors } = parseModule(`package a\n\np if {\n  x := ${build(150)}\n}\n`);
      assert.deepEqual(errors, []);
      assert.ok(performance.now() - started < 2_000, 'parsed in under 2 s');
    });
  }
});

describe('size', () => {
  test('a 1 MB policy parses in under 5 seconds', { timeout: 30_000 }, () => {
    const rule = (i: number) =>
      [
        `# Rule ${i}`,
        `allow_${i} if {`,
        `  input.method == "GET"`,
        `  some role in input.user.roles`,
        `  role == data.roles[${i}].name`,
        `  count([x | some x in input.items; x.size > ${i}]) < 10`,
        `  msg := $"user {input.user.id} may read {input.path}"`,
        '}',
        '',
      ].join('\n');
    const parts = ['package big\n\nimport rego.v1\n'];
    for (let i = 0, size = 0; size < 1_000_000; i++) {
      parts.push(rule(i));
      size += parts[parts.length - 1]?.length ?? 0;
    }
    const text = parts.join('\n');
    const started = performance.now();
    const { module, errors } = parseModule(text);
    const elapsed = performance.now() - started;
    assert.deepEqual(errors, []);
    assert.ok((module?.rules.length ?? 0) > 3000);
    assert.ok(elapsed < 5_000, `took ${Math.round(elapsed)} ms`);
  });

  test('a long query parses', () => {
    const { errors } = parseQuery(Array(10_000).fill('x == 1').join('; '));
    assert.deepEqual(errors, []);
  });
});
