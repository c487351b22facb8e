/**
 * A repository's `.gitignore` is untrusted input to the source filter: huge files, pathological
 * patterns (runs of wildcards, `**` chains, unbalanced brackets, stray backslashes, negations,
 * lines thousands of characters long) and random bytes never throw out of `excludes`, always
 * answer a boolean, and never stop the rules the file states clearly from applying when it is
 * read. The test's own timeout is the bound on time: a pattern that backtracks without end would
 * hang it, and speed itself is not asserted.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { createSourceFilter } from '../../../server/src/config/source-filter';

const root = mkdtempSync(join(tmpdir(), 'clearance-gitignore-fuzz-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Pieces hostile patterns are made of. */
const hostilePiece = fc.constantFrom(
  '*',
  '**',
  '**/',
  '/**/',
  'a*',
  '?',
  '[',
  ']',
  '[!a-',
  '[z-a]',
  '\\',
  '\\ ',
  '!',
  '#',
  ' ',
  '.',
  '..',
  '/',
  '{a,b}',
  '(',
  ')',
  '+',
  '$',
  '^',
  '|',
  'a',
  'src',
  '\u0000',
  '\u2028',
);
const hostileLine = fc
  .array(hostilePiece, { maxLength: 60 })
  .map((pieces) => pieces.join(''))
  .chain((line) => fc.oneof(fc.constant(line), fc.string({ maxLength: 80 })));

/** Paths to ask about, deep and long, with names that resemble the patterns. */
const askedPath = fc
  .array(
    fc.constantFrom(
      'a',
      'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'src',
      '**',
      '[x]',
      'b.ts',
      '.hidden',
      ' ',
    ),
    {
      minLength: 1,
      maxLength: 30,
    },
  )
  .map((parts) => parts.join('/'));

let run = 0;
function filterWith(gitignore: string): ReturnType<typeof createSourceFilter> {
  const dir = join(root, `case${run++}`);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, '.gitignore'), gitignore);
  writeFileSync(join(dir, 'src', '.gitignore'), gitignore);
  return createSourceFilter(dir, []);
}

test('hostile .gitignore patterns never throw out of the source filter', { timeout: 120_000 }, () => {
  fc.assert(
    fc.property(
      fc.array(hostileLine, { maxLength: 40 }),
      fc.array(askedPath, { maxLength: 20 }),
      (lines, paths) => {
        const filter = filterWith(lines.join('\n'));
        for (const path of paths) {
          assert.equal(typeof filter.excludes(path, false), 'boolean');
          assert.equal(typeof filter.excludes(path, true), 'boolean');
        }
      },
    ),
    { numRuns: 150, seed: 11 },
  );
});

test('runs of wildcards against long paths answer, and a clear rule beside them applies', {
  timeout: 120_000,
}, () => {
  const pathological = [
    `${'a*'.repeat(40)}b`,
    `${'**/'.repeat(200)}x`,
    `${'*'.repeat(5_000)}`,
    `[${'a-'.repeat(2_000)}`,
    `${'\\'.repeat(3_000)}`,
    `!${'?*'.repeat(1_000)}`,
  ];
  const filter = filterWith(['secret/', ...pathological].join('\n'));
  const long = `${'a'.repeat(200)}/`.repeat(20);
  for (const path of [`${long}c.ts`, `${'a'.repeat(4_000)}.ts`, 'src/app.ts', `${'x/'.repeat(100)}y.ts`])
    assert.equal(typeof filter.excludes(path, false), 'boolean');
  assert.equal(filter.excludes('secret', true), true);
  assert.equal(filter.excludes('secret/key.ts', false), true);
});

test('a .gitignore over the size limit is not read and excludes nothing', { timeout: 120_000 }, () => {
  const filter = filterWith(`*\n${'#'.repeat(300 * 1024)}\n`);
  assert.equal(filter.excludes('src/app.ts', false), false);
});

test('random bytes as a .gitignore never throw', { timeout: 120_000 }, () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4_000 }), askedPath, (bytes, path) => {
      const dir = join(root, `bytes${run++}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, '.gitignore'), bytes);
      const filter = createSourceFilter(dir, []);
      assert.equal(typeof filter.excludes(path, false), 'boolean');
    }),
    { numRuns: 100, seed: 11 },
  );
});
