/**
 * Runs the parser fixtures in test/fixtures/rego/parse/*.yaml (format in that folder's README):
 * each case parses a module, query, term or token stream and compares the rendered result, the
 * errors, node spans and selected fields with the expected values.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { ClearanceError, Span } from '../../../server/src/errors';
import {
  parseModule,
  parseQuery,
  parseTerm,
  type Token,
  tokenize,
} from '../../../server/src/rego/syntax/parser';
import { renderExpr, renderTerm, summarizeModule } from './render';

const FIXTURES = join(__dirname, '../../fixtures/rego/parse');

interface ExpectedError {
  line: number;
  col: number;
  message: string;
  code?: string;
}

interface Case {
  note: string;
  module?: string;
  query?: string;
  term?: string;
  lex?: string;
  regoVersion?: 0 | 1;
  want?: unknown;
  errors?: ExpectedError[];
  spans?: Record<string, [number, number, number, number]>;
  check?: Record<string, unknown>;
}

/** Parses a case's input; returns what `want`, `spans` and `check` are compared against. */
function runCase(c: Case): { rendered: unknown; root: unknown; errors: ClearanceError[] } {
  if (c.module !== undefined) {
    const r = parseModule(c.module, 'test.rego', { regoVersion: c.regoVersion ?? 1 });
    return { rendered: r.module ? summarizeModule(r.module) : null, root: r.module, errors: r.errors };
  }
  if (c.query !== undefined) {
    const r = parseQuery(c.query, 'query.rego');
    return { rendered: r.body?.exprs.map(renderExpr), root: r.body, errors: r.errors };
  }
  if (c.term !== undefined) {
    const r = parseTerm(c.term, 'term.rego');
    return { rendered: r.term ? renderTerm(r.term) : undefined, root: r.term, errors: r.errors };
  }
  if (c.lex !== undefined) {
    const r = tokenize(c.lex, 'lex.rego');
    const tokens = r.tokens.filter((t) => t.kind !== 'eof');
    return { rendered: tokens.map(renderToken), root: tokens, errors: r.errors };
  }
  throw new Error(`case "${c.note}" has no module, query, term or lex input`);
}

function renderToken(t: Token): string {
  return t.kind === 'ident' ||
    t.kind === 'number' ||
    t.kind === 'string' ||
    t.kind === 'template' ||
    t.kind === 'comment' ||
    t.kind === 'illegal'
    ? `${t.kind} ${t.text}`
    : t.kind;
}

/** Follows a path like `rules[0].head.args[1]` (empty: the root itself). */
function followPath(root: unknown, path: string): unknown {
  let node = root;
  for (const part of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    if (node === null || node === undefined) return undefined;
    const key = part.startsWith('[') ? Number(part.slice(1, -1)) : part;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function compareCase(c: Case): void {
  const { rendered, root, errors } = runCase(c);
  const got = errors.map((e) => ({
    line: e.location?.start.line,
    col: e.location?.start.column,
    message: e.message,
    code: e.code,
  }));
  const expected = (c.errors ?? []).map((e) => ({ ...e, code: e.code ?? 'rego_parse_error' }));
  assert.deepEqual(got, expected, 'errors');
  if (c.want !== undefined) {
    if (c.want !== null && typeof c.want === 'object' && !Array.isArray(c.want) && rendered) {
      const picked = Object.fromEntries(
        Object.keys(c.want).map((k) => [k, (rendered as Record<string, unknown>)[k]]),
      );
      assert.deepEqual(picked, c.want, 'result');
    } else {
      assert.deepEqual(rendered, c.want, 'result');
    }
  }
  for (const [path, want] of Object.entries(c.spans ?? {})) {
    // AST nodes carry a location; tokens carry their start and end directly.
    const node = followPath(root, path) as (Span & { location?: Span }) | undefined;
    const span = node?.location ?? node;
    assert.ok(span?.start && span.end, `no node with a location at ${path}`);
    const { start, end } = span;
    assert.deepEqual([start.line, start.column, end.line, end.column], want, `span of ${path || 'root'}`);
  }
  for (const [path, value] of Object.entries(c.check ?? {})) {
    // YAML has no undefined: a null expectation means the field is absent.
    if (value === null) assert.equal(followPath(root, path) ?? null, null, `value at ${path}`);
    else assert.deepEqual(followPath(root, path), value, `value at ${path}`);
  }
}

for (const file of readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const { cases } = parse(readFileSync(join(FIXTURES, file), 'utf8')) as { cases: Case[] };
  describe(`parser fixtures: ${file}`, () => {
    for (const c of cases) it(c.note, () => compareCase(c));
  });
}
