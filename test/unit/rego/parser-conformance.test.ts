/**
 * Parses every Rego module, query and input term of OPA's conformance cases (the read-only
 * ../shared/opa-conformance next to the project) and reports the success rate. Cases expecting a
 * `rego_parse_error` must fail to parse; everything else must parse.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseModule, parseQuery, parseTerm } from '../../../server/src/rego/syntax/parser';
import { sharedPath } from '../../support/shared-folder';

const CONFORMANCE = sharedPath('opa-conformance');

/** The share of inputs that must come out as OPA says. */
const FLOOR = 0.99;

interface ConformanceCase {
  note: string;
  query?: string;
  modules?: string[];
  input_term?: string;
  want_error_code?: string;
}

function* yamlFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* yamlFiles(path);
    else if (entry.name.endsWith('.yaml')) yield path;
  }
}

function loadCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const file of yamlFiles(CONFORMANCE)) {
    const doc = parse(readFileSync(file, 'utf8'), { intAsBigInt: true }) as { cases?: ConformanceCase[] };
    cases.push(...(doc.cases ?? []));
  }
  return cases;
}

/** Counts inputs that parse as expected and keeps a few failures to show. */
class Tally {
  total = 0;
  good = 0;
  readonly failures: string[] = [];

  record(ok: boolean, what: string): void {
    this.total++;
    if (ok) this.good++;
    else if (this.failures.length < 10) this.failures.push(what);
  }

  computeRate(): number {
    return this.total === 0 ? 1 : this.good / this.total;
  }
}

describe('OPA conformance corpus', () => {
  const cases = loadCases();

  it('parses every module', () => {
    const tally = new Tally();
    for (const c of cases) {
      const wantsParseError = c.want_error_code === 'rego_parse_error';
      for (const [i, source] of (c.modules ?? []).entries()) {
        const { module, errors } = parseModule(source, `${c.note}/${i}.rego`);
        const parsed = module !== undefined && errors.length === 0;
        tally.record(parsed !== wantsParseError, `${c.note}: ${errors[0]?.message ?? 'parsed'}`);
      }
    }
    console.log(
      `conformance modules: ${tally.good}/${tally.total} as expected (${(tally.computeRate() * 100).toFixed(2)}%)`,
    );
    assert.ok(tally.total > 2000, `only ${tally.total} modules found`);
    assert.ok(tally.computeRate() >= FLOOR, tally.failures.join('\n'));
  });

  it('parses every query and input term', () => {
    const queries = new Tally();
    const terms = new Tally();
    for (const c of cases) {
      if (typeof c.query === 'string') {
        const { errors } = parseQuery(c.query);
        queries.record(errors.length === 0, `${c.note}: ${errors[0]?.message}`);
      }
      if (typeof c.input_term === 'string') {
        const { errors } = parseTerm(c.input_term);
        terms.record(errors.length === 0, `${c.note}: ${errors[0]?.message}`);
      }
    }
    console.log(
      `conformance queries: ${queries.good}/${queries.total}, input terms: ${terms.good}/${terms.total}`,
    );
    assert.ok(queries.computeRate() >= FLOOR, queries.failures.join('\n'));
    assert.ok(terms.computeRate() >= FLOOR, terms.failures.join('\n'));
  });
});
