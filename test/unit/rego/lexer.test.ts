import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { tokenize } from '../../../server/src/rego/lexer';
import type { Token } from '../../../server/src/rego/tokens';

interface LexerCase {
  note: string;
  input: string;
  tokens: string[];
  comments?: string[];
}

const fixture = parse(readFileSync(join(__dirname, '../../fixtures/rego/lexer.yaml'), 'utf8')) as {
  cases: LexerCase[];
};

function render(t: Token): string {
  switch (t.kind) {
    case 'ident':
    case 'number':
    case 'string':
      return `${t.kind} ${t.text}`;
    case 'eof':
      return 'eof';
    case 'illegal':
      return `illegal ${t.text}${t.error ? ` (${t.error})` : ''}`;
    case 'template':
      return `template ${t.text} = ${JSON.stringify(t.value)}${t.open ? ' open' : ''}`;
    default:
      return t.text;
  }
}

describe('lexer cases (test/fixtures/rego/lexer.yaml)', () => {
  for (const c of fixture.cases) {
    test(c.note, () => {
      const { tokens, comments } = tokenize(c.input);
      assert.deepEqual(tokens.map(render), c.tokens);
      if (c.comments)
        assert.deepEqual(
          comments.map((x) => x.text),
          c.comments,
        );
    });
  }
});

describe('lexer layout facts', () => {
  test('spaceBefore tells `a[b]` from `a [b]`', () => {
    const [, joined] = tokenize('a[b]').tokens;
    const [, spaced] = tokenize('a [b]').tokens;
    assert.equal(joined?.spaceBefore, false);
    assert.equal(spaced?.spaceBefore, true);
  });

  test('newlineBefore is set by a line feed, also one ending a comment', () => {
    const tokens = tokenize('a b\nc # x\nd').tokens;
    assert.deepEqual(
      tokens.map((t) => t.newlineBefore),
      [false, false, true, true, false],
    );
  });

  test('a lone carriage return separates tokens but is not a line feed', () => {
    const tokens = tokenize('a\rb').tokens;
    assert.equal(tokens[1]?.spaceBefore, true);
    assert.equal(tokens[1]?.newlineBefore, false);
  });

  test('lineStart marks tokens in column 1 only', () => {
    const tokens = tokenize('p if {\n  x\n}\nq').tokens;
    const starts = tokens.filter((t) => t.lineStart).map((t) => t.text);
    assert.deepEqual(starts, ['p', '}', 'q']);
  });

  test('offsets are UTF-16 code units', () => {
    const tokens = tokenize('"😀" x').tokens;
    assert.deepEqual(
      tokens.map((t) => [t.start, t.end]),
      [
        [0, 4],
        [5, 6],
        [6, 6],
      ],
    );
  });

  test('an astral character outside the language is one illegal token', () => {
    const tokens = tokenize('😀').tokens;
    assert.equal(tokens[0]?.kind, 'illegal');
    assert.equal(tokens[0]?.text, '😀');
  });

  test('invalid \\u escape in a template string leaves the value undefined', () => {
    const [piece] = tokenize('$"\\uZZZZ"').tokens;
    assert.equal(piece?.kind, 'template');
    assert.equal(piece?.value, undefined);
  });
});
