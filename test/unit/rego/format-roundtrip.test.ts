/**
 * The formatter never changes meaning and is idempotent: every module of OPA's conformance cases
 * (../shared/opa-conformance) and every policy of ../shared/rego-corpus is formatted, and the
 * result must parse to the same AST (locations and spellings that mean the same ignored) and
 * format to itself. Counts are printed; every module that parses must pass.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { formatSource } from '../../../server/src/rego/format';
import type { Module } from '../../../server/src/rego/syntax/ast';
import { parseModule } from '../../../server/src/rego/syntax/parser';
import { sharedPath } from '../../support/shared-folder';

function* files(dir: string, ext: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path, ext);
    else if (entry.name.endsWith(ext)) yield path;
  }
}

/** The module with what formatting may rewrite without changing meaning taken out. */
export function normalise(module: Module): unknown {
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(strip);
    if (x === null || typeof x !== 'object') return x;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      if (k === 'location' || k === 'infix' || k === 'regoVersion' || k === 'comments') continue;
      out[k] = strip(v);
    }
    // `p`, `p if true` and `p := true` are one rule; `=` and `:=` in heads are one operator.
    if ('head' in out && 'body' in out) {
      const head = out.head as Record<string, unknown>;
      const body = out.body as { exprs: unknown[] };
      if (!head.value && !head.key && !head.args) head.value = { type: 'boolean', value: true };
      if (head.assign === '=' || (!head.assign && head.value)) head.assign = ':=';
      const only = body.exprs[0] as { type?: string; term?: { type: string; value: unknown } } | undefined;
      if (
        body.exprs.length === 1 &&
        only?.type === 'term' &&
        only.term?.type === 'boolean' &&
        only.term.value === true
      )
        body.exprs = [];
    }
    // An `else` without a value has the value `true`.
    if ('body' in out && !('head' in out) && !('exprs' in out)) {
      delete out.assign;
      out.value ??= { type: 'boolean', value: true };
    }
    return out;
  };
  return strip({ ...module, comments: module.comments.map((c) => c.text.trimEnd()) });
}

interface Outcome {
  total: number;
  skipped: number;
  passed: number;
  failures: string[];
}

function check(sources: Array<{ name: string; text: string }>): Outcome {
  const out: Outcome = { total: 0, skipped: 0, passed: 0, failures: [] };
  for (const { name, text } of sources) {
    let before = parseModule(text, { file: name });
    if (!before.module || before.errors.length > 0)
      before = parseModule(text, { file: name, regoVersion: 0 });
    if (!before.module || before.errors.length > 0) {
      out.skipped++;
      continue;
    }
    out.total++;
    const once = formatSource(text, { file: name });
    const fail = (why: string) => {
      if (out.failures.length < 15) out.failures.push(`${name}: ${why}`);
    };
    if (!once.ok) {
      fail(`format failed: ${once.errors[0]?.message}`);
      continue;
    }
    const after = parseModule(once.text, { file: name });
    if (!after.module || after.errors.length > 0) {
      fail(`output does not parse: ${after.errors[0]?.message}\n${once.text}`);
      continue;
    }
    try {
      assert.deepStrictEqual(normalise(after.module), normalise(before.module));
    } catch {
      fail(`AST changed\n${once.text}`);
      continue;
    }
    const twice = formatSource(once.text, { file: name });
    if (!twice.ok || twice.text !== once.text) {
      fail(`not idempotent\n${once.text}\n---\n${twice.ok ? twice.text : ''}`);
      continue;
    }
    out.passed++;
  }
  return out;
}

function conformanceModules(): Array<{ name: string; text: string }> {
  const dir = sharedPath('opa-conformance');
  const out: Array<{ name: string; text: string }> = [];
  for (const file of files(dir, '.yaml')) {
    const doc = parse(readFileSync(file, 'utf8'), { intAsBigInt: true }) as {
      cases?: Array<{ note: string; modules?: string[]; want_error_code?: string }>;
    };
    for (const c of doc.cases ?? []) {
      (c.modules ?? []).forEach((text, i) => {
        out.push({ name: `${c.note}#${i}`, text });
      });
    }
  }
  return out;
}

function corpusPolicies(): Array<{ name: string; text: string }> {
  const dir = sharedPath('rego-corpus');
  return [...files(dir, '.rego')].map((name) => ({ name, text: readFileSync(name, 'utf8') }));
}

function report(label: string, o: Outcome): void {
  console.log(`${label}: ${o.passed}/${o.total} round-trip (${o.skipped} not parsing, skipped)`);
  for (const f of o.failures) console.log(`  FAIL ${f}`);
}

describe('formatter round trip', () => {
  it('keeps the meaning of every conformance module and is idempotent', () => {
    const o = check(conformanceModules());
    report('opa-conformance', o);
    assert.equal(o.passed, o.total);
  });

  it('keeps the meaning of every corpus policy and is idempotent', () => {
    const o = check(corpusPolicies());
    report('rego-corpus', o);
    assert.equal(o.passed, o.total);
  });
});
