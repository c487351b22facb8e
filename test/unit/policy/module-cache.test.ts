/**
 * Reloading a policy after an edit with the module cache: only the edited file is parsed again, and
 * the policy compiled from kept parses decides as one loaded from scratch (compiling never rewrites
 * a parsed module that a later compilation shares).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type LoadedPolicy, loadPolicy } from '../../../server/src/policy/load';
import { ModuleCache } from '../../../server/src/policy/module-cache';
import { evaluateQuery, type JsonValue, prepareQuery } from '../../../server/src/rego';

/** Rules whose compilation rewrites clauses: head refs moved into the body, negated calls, else chains. */
const files: Record<string, string> = {
  'policy/authz.rego': `package api.authz

import data.lib.roles

default allow := false

allow if roles.is_admin

allow if {
	input.user.id == input.resource.owner_id
	not blocked(input.action)
}

blocked(action) if action in data.blocked_actions

level := "high" if input.user.role == "admin"
else := "low"
`,
  'policy/lib/roles.rego': `package lib.roles

is_admin if input.user.role == "admin"

by_team[team] contains user if {
	some user in input.users
	team := user.team
}
`,
  'policy/data.json': '{"blocked_actions": ["delete"]}',
};

function folder(): string {
  const root = mkdtempSync(join(tmpdir(), 'clearance-module-cache-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The value of `query` against a loaded policy, for comparing two loads. */
function ask(loaded: LoadedPolicy, query: string, input: JsonValue): unknown {
  const prepared = prepareQuery(loaded.policy, query);
  assert.ok(prepared.query, JSON.stringify(prepared.errors));
  const out = evaluateQuery(prepared.query, { input, data: loaded.data });
  assert.deepEqual(out.errors, []);
  return out.results.map((r) => r.expressions);
}

const inputs: JsonValue[] = [
  { user: { id: 'a', role: 'admin' }, resource: { owner_id: 'b' }, action: 'delete' },
  { user: { id: 'a', role: 'dev' }, resource: { owner_id: 'a' }, action: 'read' },
  { user: { id: 'a', role: 'dev' }, resource: { owner_id: 'a' }, action: 'delete' },
  {
    users: [
      { name: 'x', team: 't1' },
      { name: 'y', team: 't2' },
    ],
  },
];
const queries = ['data.api.authz.allow', 'data.api.authz.level', 'data.lib.roles.by_team'];

describe('the module cache', () => {
  it('parses only the edited file again when the policy is reloaded after an edit', () => {
    const root = folder();
    const modules = new ModuleCache();
    loadPolicy(root, ['policy'], new Map(), { modules });
    assert.equal(modules.parsed, 2);
    const authz = join(root, 'policy/authz.rego');
    const edited = (files['policy/authz.rego'] as string).replace('else := "low"', 'else := "none"');
    const reloaded = loadPolicy(root, ['policy'], new Map([[authz, edited]]), { modules });
    assert.equal(modules.parsed, 3);
    assert.deepEqual(reloaded.errors, []);
    assert.deepEqual(ask(reloaded, 'data.api.authz.level', inputs[1] as JsonValue), [['none']]);
  });

  it('compiles kept parses into a policy that decides as one loaded from scratch, compiled again and again', () => {
    const root = folder();
    const modules = new ModuleCache();
    const authz = join(root, 'policy/authz.rego');
    const fresh = loadPolicy(root, ['policy']);
    for (let round = 0; round < 3; round++) {
      // Editing the other file recompiles the whole policy from authz.rego's kept parse.
      const roles = join(root, 'policy/lib/roles.rego');
      const text = `${files['policy/lib/roles.rego']}${'\n'.repeat(round)}`;
      const cached = loadPolicy(root, ['policy'], new Map([[roles, text]]), { modules });
      assert.deepEqual(cached.errors, []);
      for (const query of queries)
        for (const input of inputs)
          assert.deepEqual(ask(cached, query, input), ask(fresh, query, input), `${query} round ${round}`);
    }
    assert.equal(modules.size, 2);
    assert.ok(modules.parse(authz, files['policy/authz.rego'] as string, 1).module);
  });

  it('reports a broken file again from its kept parse, and forgets files no longer loaded', () => {
    const root = folder();
    const modules = new ModuleCache();
    const authz = join(root, 'policy/authz.rego');
    const broken = new Map([[authz, 'package api.authz\n\nallow if {\n']]);
    const first = loadPolicy(root, ['policy'], broken, { modules });
    const again = loadPolicy(root, ['policy'], broken, { modules });
    assert.ok(first.errors.some((e) => e.code === 'rego_parse_error'));
    assert.deepEqual(again.errors, first.errors);
    loadPolicy(root, ['policy/lib'], new Map(), { modules });
    assert.equal(modules.size, 1);
  });

  it('compiles a kept module again when a rule it names appears or disappears in another file', () => {
    const root = folder();
    const modules = new ModuleCache();
    const a = join(root, 'policy/a.rego');
    const b = join(root, 'policy/b.rego');
    // Open documents' texts stand in for the files, which must exist to be found.
    writeFileSync(a, '');
    writeFileSync(b, '');
    const uses = 'package a\n\nallow if helper\n\nbad if {\n\tx := count(1, 2)\n\tx > 0\n}\n';
    const load = (helper: string) =>
      loadPolicy(
        root,
        ['policy'],
        new Map([
          [a, uses],
          [b, `package a\n\n${helper}\n`],
        ]),
        { modules },
      );
    const codes = (loaded: LoadedPolicy) => loaded.errors.map((e) => `${e.code} ${e.location?.file}`).sort();
    const withHelper = load('helper := true');
    const without = load('other := true');
    const again = load('helper := 1');
    // The type error of a.rego is reported each time, whether its clauses were compiled or kept.
    assert.deepEqual(codes(withHelper), [`rego_type_error ${a}`]);
    assert.deepEqual(codes(without), [`rego_type_error ${a}`, `rego_unsafe_var_error ${a}`]);
    assert.deepEqual(codes(again), [`rego_type_error ${a}`]);
  });

  it('is not used when duplicate tests are renamed, which rewrites modules', () => {
    const root = folder();
    const modules = new ModuleCache();
    loadPolicy(root, ['policy'], new Map(), { modules, compile: { renameDuplicateTests: true } });
    assert.equal(modules.size, 0);
  });
});
