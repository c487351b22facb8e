/**
 * Runs OPA's YAML conformance cases against Clearance's Rego engine and prints a pass/fail table
 * per category, ending with `N passed, M failed`.
 *
 *   tsx scripts/conformance.ts [dir] [--verbose] [--json FILE] [--filter TEXT] [--markdown FILE] [--no-network]
 *
 * The directory defaults to ../shared/opa-conformance (relative to the repository root).
 * `--markdown FILE` rewrites the part of FILE between the `<!-- conformance:start -->` and
 * `<!-- conformance:end -->` markers with the per-category table and every failing case.
 * Network builtins (http.send, net.lookup_ip_addr) are enabled as in OPA, unless `--no-network`. Numbers
 * are read exactly (a custom YAML number tag), results are compared as OPA's harness does: bindings
 * as a set of objects, sets rendered as sorted arrays, `sort_bindings`, `input_term`,
 * `want_error_code`, `want_error` as a substring, `strict_error`. Every case runs under limits.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse as parseYaml, type ScalarTag, type Tags } from 'yaml';
import { formatError } from '../server/src/errors';
import { constantValue } from '../server/src/rego/compile/compile-terms';
import { Unknown } from '../server/src/rego/eval/partial';
import {
  type BuiltinDef,
  compilePolicy,
  evaluateQueryValues,
  parseTerm,
  prepareQuery,
} from '../server/src/rego/index';
import { parseNumber } from '../server/src/rego/value/number';
import {
  canonicalOf,
  compareValues,
  formatJsonValue,
  RegoObject,
  RegoSet,
  type Value,
} from '../server/src/rego/value/value';

/**
 * `test.sleep(duration)`: a builtin OPA's test runner (and its conformance harness) provides, not
 * the language: blocks for a Go duration of at most 1s (`"10ms"`), then holds.
 */
const testSleep: BuiltinDef = {
  name: 'test.sleep',
  signature: { args: [{ name: 'duration', type: 'string' }], result: { name: 'result', type: 'null' } },
  description: "blocks for a duration (OPA's test runner builtin)",
  implementation: ([d]) => {
    const m = typeof d === 'string' ? /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s)$/.exec(d) : null;
    if (!m) return undefined;
    const scale: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000 };
    const ms = Math.min(1000, Number(m[1]) * (scale[m[2] as string] ?? 1));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    return null;
  },
};

/** A number as written in the YAML file, kept as text so no digit is lost. */
class NumberText {
  constructor(readonly text: string) {}
}

/** One conformance case as the YAML holds it. */
interface Case {
  note?: string;
  query?: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: unknown[];
  sort_bindings?: boolean;
  want_error_code?: string;
  want_error?: string;
  strict_error?: boolean;
  ignore_generated_vars?: boolean;
}

/** The outcome of one case. */
interface CaseResult {
  file: string;
  category: string;
  note: string;
  passed: boolean;
  reason?: string;
  ms: number;
}

/** YAML tags for numbers that resolve to `NumberText` instead of lossy floats. */
function exactNumberTags(tags: Tags): Tags {
  return tags.map((t) => {
    const tag = t as ScalarTag;
    if ((tag.tag === 'tag:yaml.org,2002:int' || tag.tag === 'tag:yaml.org,2002:float') && tag.test) {
      if (String(tag.test).includes('nan')) return t;
      return { ...tag, resolve: (str: string) => new NumberText(str) } as ScalarTag;
    }
    return t;
  });
}

/** Converts YAML data into a Rego value. */
function toValue(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (x instanceof NumberText) {
    const n = parseNumber(x.text);
    if (n) return n;
    return x.text;
  }
  if (typeof x === 'boolean' || typeof x === 'string') return x;
  if (typeof x === 'number') return parseNumber(String(x)) ?? null;
  if (Array.isArray(x)) return x.map(toValue);
  const o = new RegoObject();
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) o.set(k, toValue(v));
  return o;
}

/** Renders sets as sorted arrays, recursively, as OPA's JSON output does. */
function normalise(v: Value, sortArrays: boolean): Value {
  if (v instanceof RegoSet) {
    const items = v.values().map((x) => normalise(x, false));
    return sortArrays ? items.sort(compareValues) : items;
  }
  if (Array.isArray(v)) {
    const items = v.map((x) => normalise(x, false));
    return sortArrays ? items.sort(compareValues) : items;
  }
  if (v instanceof RegoObject) {
    const o = new RegoObject();
    for (const [k, x] of v.entries())
      o.set(typeof k === 'string' ? k : formatJsonValue(k), normalise(x, false));
    return o;
  }
  return v;
}

/** Lists every YAML file under a directory. */
function listYaml(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listYaml(p));
    else if (name.endsWith('.yaml') || name.endsWith('.yml')) out.push(p);
  }
  return out;
}

/** True for names the compiler or the test generator made up. */
function isGenerated(name: string): boolean {
  return name.startsWith('__') || name.startsWith('$');
}

/** Runs one case; `network` lets http.send and net.lookup_ip_addr reach the network. */
function runCase(c: Case, network: boolean): { passed: boolean; reason?: string } {
  const sources = (c.modules ?? []).map((text, i) => ({ file: `test-${i}.rego`, text }));
  const { policy, errors: compileErrors } = compilePolicy(sources, { hostBuiltins: [testSleep] });
  const wantsError = c.want_error_code !== undefined || c.want_error !== undefined;
  const checkErrors = (errs: Array<{ code: string; message: string }>, formatted: string[]) => {
    if (!wantsError) return { passed: false, reason: `unexpected error: ${formatted.join('; ')}` };
    const codeOk = c.want_error_code === undefined || errs.some((e) => e.code === c.want_error_code);
    const msgOk = c.want_error === undefined || formatted.some((m) => m.includes(c.want_error as string));
    if (codeOk && msgOk) return { passed: true };
    return {
      passed: false,
      reason: `want error ${c.want_error_code ?? ''} ${JSON.stringify(c.want_error ?? '')}, got ${formatted.join('; ')}`,
    };
  };
  const format = (e: Parameters<typeof formatError>[0]) =>
    e.location ? `${e.location.file}:${e.location.start.line}: ${e.code}: ${e.message}` : formatError(e);
  if (compileErrors.length > 0) return checkErrors(compileErrors, compileErrors.map(format));
  const prepared = prepareQuery(policy, c.query ?? '');
  if (!prepared.query) return checkErrors(prepared.errors, prepared.errors.map(format));
  let input: Value | undefined;
  if (c.input_term !== undefined) {
    const t = parseTerm(c.input_term);
    input = t.term ? constantValue(t.term) : undefined;
    if (input === undefined) return { passed: false, reason: `cannot read input_term ${c.input_term}` };
  } else if (c.input !== undefined) {
    input = toValue(c.input);
  }
  const data = c.data === undefined ? new RegoObject() : toValue(c.data);
  const values = input === undefined ? { data } : { input, data };
  const { results, errors } = evaluateQueryValues(
    prepared.query,
    {
      strictBuiltinErrors: c.strict_error === true,
      // OPA runs its cases with every builtin available; network builtins are off only in Clearance's defaults.
      allowHttpSend: network,
      limits: { timeoutMs: 5000, maxSteps: 20_000_000, maxDepth: 500 },
    },
    values,
  );
  if (errors.length > 0) return checkErrors(errors, errors.map(format));
  if (wantsError) {
    return {
      passed: false,
      reason: `want error ${c.want_error_code ?? ''} ${c.want_error ?? ''}, got ${results.length} result(s)`,
    };
  }
  const want = (c.want_result ?? []).map((r) => normalise(toValue(r), false));
  const got = results.map((r) => {
    const o = new RegoObject();
    for (const [name, v] of r.bindings) {
      if (c.ignore_generated_vars && isGenerated(name)) continue;
      if (v instanceof Unknown) o.set(name, `<unknown ${v.text}>`);
      else o.set(name, normalise(v, c.sort_bindings === true));
    }
    return o as Value;
  });
  const wantSorted = c.sort_bindings
    ? want.map((w) => {
        if (!(w instanceof RegoObject)) return w;
        const o = new RegoObject();
        for (const [k, v] of w.entries()) o.set(k, Array.isArray(v) ? [...v].sort(compareValues) : v);
        return o as Value;
      })
    : want;
  const wantKeys = new Set(wantSorted.map(canonicalOf));
  const gotKeys = new Set(got.map(canonicalOf));
  const same = wantKeys.size === gotKeys.size && [...wantKeys].every((k) => gotKeys.has(k));
  if (same) return { passed: true };
  return {
    passed: false,
    reason: `want ${wantSorted.map(formatJsonValue).join(' ')} got ${got.map(formatJsonValue).join(' ')}`,
  };
}

/** Entry point. */
function main(): void {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const network = !args.includes('--no-network');
  const valued = ['--json', '--filter', '--markdown'];
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const jsonFile = option('--json');
  const filter = option('--filter');
  const markdownFile = option('--markdown');
  const positional = args.filter((a, i) => !a.startsWith('--') && !valued.includes(args[i - 1] ?? ''));
  const root = resolve(__dirname, '..');
  const dir = resolve(positional[0] ?? join(root, '..', 'shared', 'opa-conformance'));
  const results: CaseResult[] = [];
  for (const file of listYaml(dir)) {
    const rel = relative(dir, file);
    if (filter && !rel.includes(filter)) continue;
    const category = rel.includes('/') ? (rel.split('/')[0] as string) : '.';
    let doc: { cases?: Case[] };
    try {
      doc = parseYaml(readFileSync(file, 'utf8'), { customTags: exactNumberTags }) as { cases?: Case[] };
    } catch (e) {
      results.push({
        file: rel,
        category,
        note: '(file)',
        passed: false,
        reason: `unreadable YAML: ${String(e)}`,
        ms: 0,
      });
      continue;
    }
    for (const c of doc?.cases ?? []) {
      const start = performance.now();
      let r: { passed: boolean; reason?: string };
      try {
        r = runCase(c, network);
      } catch (e) {
        r = { passed: false, reason: `crashed: ${e instanceof Error ? e.stack : String(e)}` };
      }
      const ms = Math.round(performance.now() - start);
      const out: CaseResult = { file: rel, category, note: String(c.note ?? ''), passed: r.passed, ms };
      if (r.reason !== undefined) out.reason = r.reason;
      results.push(out);
    }
  }
  const byCategory = new Map<string, { passed: number; failed: number }>();
  for (const r of results) {
    const row = byCategory.get(r.category) ?? { passed: 0, failed: 0 };
    if (r.passed) row.passed++;
    else row.failed++;
    byCategory.set(r.category, row);
  }
  const rows = [...byCategory].sort((a, b) => b[1].failed - a[1].failed || a[0].localeCompare(b[0]));
  const width = Math.max(8, ...rows.map(([name]) => name.length));
  console.log(`${'category'.padEnd(width)}  passed  failed`);
  for (const [name, row] of rows) {
    console.log(
      `${name.padEnd(width)}  ${String(row.passed).padStart(6)}  ${String(row.failed).padStart(6)}`,
    );
  }
  if (verbose) {
    console.log('\nFailures:');
    for (const r of results) if (!r.passed) console.log(`- ${r.file} [${r.note}]: ${r.reason ?? ''}`);
  }
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  const passed = results.filter((r) => r.passed).length;
  if (markdownFile) writeMarkdown(markdownFile, results, rows, passed);
  console.log(`${passed} passed, ${results.length - passed} failed`);
}

/** Escapes text for a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

/** Rewrites the generated section of a Markdown file with the table and the failing cases. */
function writeMarkdown(
  file: string,
  results: CaseResult[],
  rows: Array<[string, { passed: number; failed: number }]>,
  passed: number,
): void {
  const start = '<!-- conformance:start -->';
  const end = '<!-- conformance:end -->';
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${start} ... ${end} section`);
  const total = results.length;
  if (passed === total) {
    const all = `Every case passes: ${passed} of ${total}, in all ${rows.length} categories.`;
    writeFileSync(file, `${text.slice(0, from)}${start}\n${all}\n${end}${text.slice(to + end.length)}`);
    return;
  }
  const lines = [
    start,
    `${passed} of ${total} cases pass (${((100 * passed) / total).toFixed(1)}%); ${total - passed} fail.`,
    '',
    '| category | passed | failed |',
    '| --- | ---: | ---: |',
    ...rows.filter(([, r]) => r.failed > 0).map(([name, r]) => `| ${name} | ${r.passed} | ${r.failed} |`),
    '',
    `Every other category (${rows.filter(([, r]) => r.failed === 0).length} of them) passes in full.`,
    '',
    '| file | case | what the runner saw |',
    '| --- | --- | --- |',
    ...results
      .filter((r) => !r.passed)
      .map((r) => `| ${cell(r.file)} | ${cell(r.note)} | ${cell((r.reason ?? '').slice(0, 200))} |`),
    end,
  ];
  writeFileSync(file, text.slice(0, from) + lines.join('\n') + text.slice(to + end.length));
}

main();
