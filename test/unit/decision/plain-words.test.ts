/** Runs the residual conditions in test/fixtures/words/*.yaml through the plain-words reader. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { describeCondition, type WordsContext } from '../../../server/src/decision/plain-words';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'words');

for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.yaml'))) {
  const suite = parse(readFileSync(join(fixtures, file), 'utf8')) as {
    context: WordsContext;
    cases: Array<{ condition: string; words: string | null }>;
  };
  describe(`plain words: ${file}`, () => {
    for (const c of suite.cases) {
      it(`${c.condition} → ${c.words ?? '(none)'}`, () => {
        assert.equal(describeCondition(c.condition, suite.context), c.words ?? undefined);
      });
    }
  });
}
