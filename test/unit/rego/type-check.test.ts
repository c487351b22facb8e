/**
 * OPA's type checker on bodies and rules: each case of test/fixtures/rego/schema/check-body.yaml
 * is ported from OPA's v1/ast/check_test.go and asserted as that test asserts it (the inferred
 * types of variables, or the exact number of type errors and, where OPA's test checks its details,
 * the error's message).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { ClearanceError } from '../../../server/src/errors';
import { compileModules } from '../../../server/src/rego/compile/compile';
import type { CBody, CElse, CRule, CTerm } from '../../../server/src/rego/compile/ir';
import { checkInputSchemas, parseModule } from '../../../server/src/rego/index';
import type { Scope } from '../../../server/src/rego/types/check-body';
import { checkRuleTypes } from '../../../server/src/rego/types/check-rules';
import { A, sprint } from '../../../server/src/rego/types/types';

interface Case {
  source: string;
  query: string;
  modules?: string[];
  v1?: boolean;
  types?: Record<string, string>;
  errors?: number;
  /** The one error's exact message, when OPA's test asserts its details. */
  message?: string;
}

const file = join(__dirname, '..', '..', 'fixtures', 'rego', 'schema', 'check-body.yaml');
const doc = parse(readFileSync(file, 'utf8')) as { cases: Case[] };

/** Every named variable of a body, with its slot (comprehension bodies included). */
function namedSlots(node: unknown, out: Map<string, number>): Map<string, number> {
  if (Array.isArray(node)) for (const x of node) namedSlots(x, out);
  else if (node !== null && typeof node === 'object' && !(node instanceof Map)) {
    const t = node as CTerm;
    if (t.t === 'var' && !t.generated && !out.has(t.name)) out.set(t.name, t.slot);
    for (const v of Object.values(node)) if (typeof v === 'object') namedSlots(v, out);
  }
  return out;
}

describe("OPA's type checker (check_test.go)", () => {
  for (const c of doc.cases) {
    it(c.source, () => {
      const regoVersion = c.v1 ? 1 : 0;
      const texts = [...(c.modules ?? []), `package query_test\np ${c.v1 ? 'if ' : ''}{ ${c.query} }`];
      const modules = texts.map((text, i) => {
        const parsed = parseModule(text, { file: `m${i}.rego`, regoVersion });
        assert.deepEqual(parsed.errors, []);
        return parsed.module as NonNullable<typeof parsed.module>;
      });
      const compiled = compileModules(modules, new Map());
      const stage = compiled.errors.filter((e) => e.code === 'rego_type_error');
      assert.deepEqual(
        compiled.errors.filter((e) => e.code !== 'rego_type_error'),
        [],
        'the policy compiles',
      );
      if (c.errors !== undefined) {
        const got: ClearanceError[] = [...stage, ...checkInputSchemas(modules, new Map(), null, compiled)];
        assert.equal(got.length, c.errors, got.map((e) => e.message).join('\n'));
        if (c.message !== undefined) assert.equal(got[0]?.message, c.message);
        return;
      }
      let scope: Scope | undefined;
      let body: CBody | undefined;
      const onClause = (clause: CRule | CElse, s: Scope) => {
        if (clause.origin.path === 'data.query_test.p') {
          scope = s;
          body = clause.body;
        }
      };
      const errors = checkRuleTypes(compiled.policy.ruleSets, () => A, { onClause });
      assert.deepEqual([...stage, ...errors], []);
      assert.ok(scope && body, 'the query was checked');
      const slots = namedSlots(body, new Map());
      const got: Record<string, string> = {};
      for (const name of Object.keys(c.types ?? {})) {
        const slot = slots.get(name);
        got[name] = slot === undefined ? 'no such variable' : sprint(scope.get(slot));
      }
      assert.deepEqual(got, c.types);
    });
  }
});

describe('the type checker stays bounded', () => {
  // Rules are typed on demand, dependencies first; past a depth limit a dependency reads `any`,
  // so a long chain neither exhausts the stack nor makes the check revisit rules.
  it('types a 3,000-rule dependency chain and still finds the error at its end', () => {
    const lines = ['package chain', '', 'r0 := 1'];
    for (let i = 1; i < 3000; i++) lines.push(`r${i} := r${i - 1} if { r${i - 1} > 0 }`);
    lines.push('bad if { r2 = "a" }');
    const parsed = parseModule(lines.join('\n'), { file: 'chain.rego', regoVersion: 1 });
    const modules = [parsed.module as NonNullable<typeof parsed.module>];
    const compiled = compileModules(modules, new Map());
    assert.deepEqual(compiled.errors, []);
    const got = checkInputSchemas(modules, new Map(), null, compiled).map((e) => e.message);
    assert.deepEqual(got, ['match error\n\tleft  : number\n\tright : string']);
  });
});
