import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseModule, parseQuery, parseTerm } from '../../../server/src/rego/parser';
import { summarizeError } from './summaries';

// Every module, query and `input_term` in OPA's conformance suite is valid Rego v1 (OPA evaluates
// them), so each must parse without errors.
const CORPUS = join(__dirname, '../../../../shared/opa-conformance');

/**
 * Cases the parser cannot represent yet, with the error they get. `with` inside a template-string
 * expression has no place in the AST contract (`TemplateString.parts` holds terms, not expressions).
 */
const KNOWN_GAPS: Record<string, string> = {
  'string-interpolation/with in template expression': "6:15 unexpected 'with' in template-string expression",
  'string-interpolation/multi-line/with in template expression':
    "6:15 unexpected 'with' in template-string expression",
};

interface ConformanceCase {
  note: string;
  query?: string;
  modules?: string[];
  input_term?: string;
}

function readCases(file: string): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const js = doc.toJS() as { cases?: ConformanceCase[] } | null;
    cases.push(...(js?.cases ?? []));
  }
  return cases;
}

describe('OPA conformance corpus parses', { skip: !existsSync(CORPUS) && 'corpus not present' }, () => {
  const categories = existsSync(CORPUS)
    ? readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory())
    : [];
  for (const category of categories) {
    test(category.name, () => {
      const dir = join(CORPUS, category.name);
      const problems: string[] = [];
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
        for (const c of readCases(join(dir, file))) {
          c.modules?.forEach((text, i) => {
            const errors = parseModule(text, { file: `${file}#${i}` }).errors.map(summarizeError);
            const gap = KNOWN_GAPS[c.note];
            const expected = gap ? [gap] : [];
            if (JSON.stringify(errors) !== JSON.stringify(expected)) {
              problems.push(`${file} ${c.note} module ${i}: ${JSON.stringify(errors)}`);
            }
          });
          if (c.query !== undefined) {
            const errors = parseQuery(c.query).errors.map(summarizeError);
            if (errors.length > 0) problems.push(`${file} ${c.note} query: ${JSON.stringify(errors)}`);
          }
          if (c.input_term !== undefined) {
            const errors = parseTerm(c.input_term).errors.map(summarizeError);
            if (errors.length > 0) problems.push(`${file} ${c.note} input_term: ${JSON.stringify(errors)}`);
          }
        }
      }
      assert.deepEqual(problems, []);
    });
  }
});
