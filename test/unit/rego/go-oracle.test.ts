/**
 * sprintf, time.format, time.parse_ns and strings.render_template against Go's standard library.
 * The expected values were computed by Go itself (scripts/go-oracle, `go run` over the inputs in
 * test/fixtures/go-oracle/cases.json); none was written from this engine's output. Regenerate
 * with `(cd scripts/go-oracle && TZ=UTC go run .) && npx biome format --write test/fixtures/go-oracle`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseJsonExact } from '../../../server/src/rego/builtins/encoding';
import { lookupBuiltin } from '../../../server/src/rego/builtins/index';
import { type BuiltinContext, BuiltinError } from '../../../server/src/rego/builtins/registry';
import { numberFromBigInt } from '../../../server/src/rego/value/number';
import type { Value } from '../../../server/src/rego/value/value';

interface Expected {
  go_version: string;
  sprintf: Array<{ format: string; args: string; expected: string }>;
  time_format: Array<{ ns: string; zone: string; layout: string; expected: string }>;
  time_parse: Array<{ layout: string; value: string; ns?: string; error?: string }>;
  template: Array<{ template: string; data: string; expected?: string; error: boolean }>;
}

const fixture = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'go-oracle', 'expected.json'), 'utf8'),
) as Expected;

const ctx: BuiltinContext = { nowNs: 0n, print: () => undefined, cache: new Map(), charge: () => undefined };

/** Calls a builtin; an error comes back as `{ error }`. */
function call(name: string, args: Value[]): { value?: Value; error?: string } {
  const def = lookupBuiltin(name);
  assert.ok(def, name);
  try {
    const value = def.implementation(args, ctx);
    return value === undefined ? {} : { value };
  } catch (err) {
    if (err instanceof BuiltinError) return { error: err.message };
    throw err;
  }
}

/**
 * Runs one family: every case is checked and every difference listed. `known` names the cases of a
 * documented divergence (docs/engine-status.md); they must still differ (so a fix is noticed) and
 * are reported, never counted as passes.
 */
function checkAll<T>(
  cases: T[],
  check: (c: T) => string | undefined,
  known: (c: T) => boolean = () => false,
): void {
  const failures = cases.map((c) => ({ c, f: check(c) })).filter((x) => x.f !== undefined);
  const unexpected = failures.filter((x) => !known(x.c)).map((x) => x.f as string);
  const knownCases = cases.filter(known);
  assert.ok(cases.length > 0);
  assert.equal(
    unexpected.length,
    0,
    `${unexpected.length} of ${cases.length} differ from Go (${fixture.go_version}):\n${unexpected.slice(0, 15).join('\n')}`,
  );
  assert.equal(
    failures.length,
    knownCases.length,
    'a known divergence now matches Go: remove it from the list',
  );
  console.log(
    `${cases.length - failures.length} of ${cases.length} match Go; ${failures.length} known divergences`,
  );
}

/**
 * Known divergence: before the zone's first CLDR metazone, the tz database names a zone by a
 * historical abbreviation (Asia/Kolkata in 1900: "MMT") that ICU does not carry; Clearance prints
 * the numeric offset (+0521) where Go prints the name.
 */
const historicalAbbreviation = (c: { ns: string; zone: string; expected: string }) =>
  BigInt(c.ns) < -1_500_000_000_000_000_000n && /\bMMT\b/.test(c.expected);

describe(`Go ${fixture.go_version} as the oracle`, () => {
  it(`sprintf matches fmt.Sprintf (${fixture.sprintf.length} cases)`, () => {
    checkAll(fixture.sprintf, (c) => {
      const args = parseJsonExact(c.args) as Value;
      const got = call('sprintf', [c.format, args]);
      return got.value === c.expected
        ? undefined
        : `${JSON.stringify(c.format)} ${c.args}: got ${JSON.stringify(got)}, Go ${JSON.stringify(c.expected)}`;
    });
  });

  it(`time.format matches Time.Format (${fixture.time_format.length} cases)`, () => {
    checkAll(
      fixture.time_format,
      (c) => {
        const got = call('time.format', [[numberFromBigInt(BigInt(c.ns)), c.zone, c.layout]]);
        return got.value === c.expected
          ? undefined
          : `${c.ns} ${c.zone} ${JSON.stringify(c.layout)}: got ${JSON.stringify(got)}, Go ${JSON.stringify(c.expected)}`;
      },
      historicalAbbreviation,
    );
  });

  it(`time.parse_ns matches time.Parse (${fixture.time_parse.length} cases)`, () => {
    checkAll(fixture.time_parse, (c) => {
      const got = call('time.parse_ns', [c.layout, c.value]);
      const want = c.ns !== undefined ? { value: c.ns } : { error: c.error };
      const have = got.value !== undefined ? { value: String(got.value) } : { error: got.error };
      return JSON.stringify(have) === JSON.stringify(want)
        ? undefined
        : `${JSON.stringify(c.layout)} ${JSON.stringify(c.value)}: got ${JSON.stringify(have)}, Go ${JSON.stringify(want)}`;
    });
  });

  it(`strings.render_template matches text/template (${fixture.template.length} cases)`, () => {
    checkAll(fixture.template, (c) => {
      const got = call('strings.render_template', [c.template, parseJsonExact(c.data) as Value]);
      const ok = c.error ? got.error !== undefined : got.value === c.expected;
      return ok
        ? undefined
        : `${JSON.stringify(c.template)} ${c.data}: got ${JSON.stringify(got)}, Go ${c.error ? 'an error' : JSON.stringify(c.expected)}`;
    });
  });
});
