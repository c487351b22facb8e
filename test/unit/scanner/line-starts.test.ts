/**
 * Guards `LineStarts.locate`, which starts from the line it found last (recognisers locate offsets
 * mostly in text order): whatever order offsets are asked in, each answer must equal a plain count
 * of the line breaks before the offset (`\n`, `\r\n` and a lone `\r` each end a line).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineStarts } from '../../../server/src/scanner/positions';

// Line and column of `offset`, counted from the start of the text each time.
function countedPosition(text: string, offset: number): { line: number; column: number; offset: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < text.length && i < offset; i++) {
    const code = text.charCodeAt(i);
    if (code === 13 && text.charCodeAt(i + 1) === 10) {
      if (i + 1 >= offset) break;
      i++;
    }
    if (code === 10 || code === 13) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1, offset };
}

const piece = fc.constantFrom('a', 'bc', ' ', '\n', '\r\n', '\r', '\n\n', 'x\r', '\ud83d\ude00');

test('locate equals a count of line breaks, in any order of offsets', () => {
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 60 }).map((pieces) => pieces.join('')),
      fc.array(fc.nat(), { maxLength: 40 }),
      (text, picks) => {
        const lines = new LineStarts(text);
        const offsets = picks.map((pick) => pick % (text.length + 1));
        // In the order given, then ascending (the common case the shortcut serves), then descending.
        const ascending = [...offsets].sort((a, b) => a - b);
        for (const offset of [...offsets, ...ascending, ...ascending.reverse()])
          assert.deepEqual(lines.locate(offset), countedPosition(text, offset), `offset ${offset}`);
      },
    ),
    { numRuns: 500 },
  );
});

test('locate walks line by line through a text as recognisers do', () => {
  const text = 'one\ntwo\r\nthree\rfour\n\nsix';
  const lines = new LineStarts(text);
  for (let offset = 0; offset <= text.length; offset++)
    assert.deepEqual(lines.locate(offset), countedPosition(text, offset), `offset ${offset}`);
  assert.deepEqual(lines.locate(0), { line: 1, column: 1, offset: 0 });
  assert.deepEqual(lines.locate(text.length), countedPosition(text, text.length));
});
