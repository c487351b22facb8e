/**
 * The tree helpers against tree-sitter's own answers: the forward cursor walk of `findWordNodes`
 * must find exactly the nodes `descendantForIndex` finds, with the right ancestors, on any input;
 * the word counts of the project pass equal what the word pattern `[A-Za-z_$][\w$]*` matches.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Node } from 'web-tree-sitter';
import { loadParser } from '../../../server/src/scanner/runtime';
import { countWords, decodeEscapes, findWordNodes } from '../../../server/src/scanner/syntax';

// What asking the root about every occurrence gives: the slow but obvious answer.
function findByRoot(root: Node, text: string, word: string): Array<{ id: number; parents: number[] }> {
  const found: Array<{ id: number; parents: number[] }> = [];
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
    const before = text[at - 1] ?? ' ';
    const after = text[at + word.length] ?? ' ';
    if (/[\w$]/.test(before) || /[\w$]/.test(after)) continue;
    const node = root.descendantForIndex(at, at + word.length);
    if (node === null || node.startIndex !== at || node.endIndex !== at + word.length) continue;
    const parents: number[] = [];
    for (let parent = node.parent; parent !== null && parents.length < 3; parent = parent.parent) {
      parents.push(parent.id);
    }
    found.push({ id: node.id, parents });
  }
  return found;
}

test('findWordNodes finds what descendantForIndex finds, with the same ancestors', async () => {
  const token = fc.constantFrom(
    'fetch',
    'fetch(',
    'x.fetch',
    'import { fetch } from "m";',
    'const { fetch } = o;',
    '(',
    ')',
    '{',
    '}',
    '[',
    ']',
    "'",
    '`',
    '${',
    '//',
    '/*',
    '*/',
    '\n',
    ' ',
    ',',
    ';',
    ':',
    '=',
    '=>',
    'function',
    'class',
    '<a>',
    '</a>',
    'é',
    '𝄞',
  );
  for (const language of ['typescript', 'tsx', 'javascript'] as const) {
    const parser = await loadParser(language, undefined);
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 80 }).map((tokens) => tokens.join('')),
        (text) => {
          const tree = parser.parse(text);
          assert.ok(tree !== null);
          try {
            const walked = findWordNodes(tree.rootNode, text, 'fetch').map((hit) => ({
              id: hit.node.id,
              parents: hit.ancestors.map((ancestor) => ancestor.id),
            }));
            assert.deepEqual(walked, findByRoot(tree.rootNode, text, 'fetch'));
          } finally {
            tree.delete();
          }
        },
      ),
      { numRuns: 200 },
    );
  }
});

test('decodeEscapes decodes what JavaScript string literals decode', () => {
  const cases: Array<[string, string]> = [
    ['plain', 'plain'],
    ['a\\nb', 'a\nb'],
    ['\\x41\\u0042\\u{1F600}', 'AB😀'],
    ['\\\'\\"\\\\', '\'"\\'],
    ['line\\\ncontinued', 'linecontinued'],
    ['\\q', 'q'],
  ];
  for (const [raw, cooked] of cases) assert.equal(decodeEscapes(raw), cooked, raw);
});

// The pattern the word counts are defined by, matched by the regular expression engine.
function countByPattern(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/[A-Za-z_$][\w$]*/g))
    counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
  return counts;
}

test('countWords counts what the word pattern matches, on any text', () => {
  // Word characters, digits before and inside words, and their neighbours in the code units
  // table (`@`, `[`, `` ` ``, `{`, `/`, `:`), non-ASCII letters and digits that `\w` excludes.
  const piece = fc.oneof(
    fc.constantFrom(
      'a',
      'Z',
      '_',
      '$',
      '0',
      '9',
      '@',
      '[',
      '`',
      '{',
      '/',
      ':',
      ' ',
      '\n',
      '.',
      'é',
      'ß',
      '٣',
      '𝄞',
    ),
    fc.constantFrom('fetch', 'get_api_url', '$http', '_private', 'x1', '1x', '12ab3', 'a$b', 'été'),
    fc.string({ unit: 'binary', maxLength: 4 }),
  );
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 60 }).map((pieces) => pieces.join('')),
      (text) => {
        assert.deepEqual([...countWords(text)].sort(), [...countByPattern(text)].sort());
      },
    ),
    { numRuns: 2000 },
  );
  assert.deepEqual([...countWords('')], []);
  assert.deepEqual(
    [...countWords('a a 1a a1 $ _')],
    [
      ['a', 3],
      ['a1', 1],
      ['$', 1],
      ['_', 1],
    ],
  );
});
