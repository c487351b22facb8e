/**
 * Precision of the type checker behind `policy check --schema`, against OPA as the oracle: every
 * policy OPA compiles without error must get no type error from it. The policies are OPA's
 * conformance cases that expect a result (../shared/opa-conformance) and the Rego of
 * ../shared/rego-corpus/gatekeeper-library, which passes `opa check --strict` in its CI; with no
 * schema, `input` is `any`, as in OPA.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { compileModules } from '../../../server/src/rego/compile/compile';
import { checkInputSchemas, parseModule } from '../../../server/src/rego/index';
import type * as ast from '../../../server/src/rego/syntax/ast';
import { sharedPath } from '../../support/shared-folder';

interface ConformanceCase {
  note: string;
  modules?: string[];
  v0_compatible?: boolean;
  want_error_code?: string;
  want_error?: string;
}

function* files(dir: string, ext: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path, ext);
    else if (entry.name.endsWith(ext)) yield path;
  }
}

/** The type errors the checker finds in modules that compile; undefined when they do not. */
function typeErrors(modules: ast.Module[]): string[] | undefined {
  const compiled = compileModules(modules, new Map());
  if (compiled.errors.length > 0) return undefined;
  return checkInputSchemas(modules, new Map(), null, compiled).map(
    (e) => `${e.location?.file}: ${e.message}`,
  );
}

describe('the type checker reports nothing OPA does not', () => {
  it("on OPA's conformance cases that compile and expect no error", () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const file of files(sharedPath('opa-conformance'), '.yaml')) {
      const doc = parse(readFileSync(file, 'utf8')) as { cases?: ConformanceCase[] };
      for (const c of doc.cases ?? []) {
        if (!c.modules || c.want_error_code !== undefined || c.want_error !== undefined) continue;
        const modules: ast.Module[] = [];
        for (const [i, text] of c.modules.entries()) {
          const parsed = parseModule(text, { file: `m${i}.rego`, regoVersion: c.v0_compatible ? 0 : 1 });
          if (parsed.module && parsed.errors.length === 0) modules.push(parsed.module);
        }
        if (modules.length !== c.modules.length) continue;
        const found = typeErrors(modules);
        if (found === undefined) continue;
        checked++;
        if (found.length > 0) wrong.push(`${c.note}: ${found.join('; ')}`);
      }
    }
    assert.ok(checked > 1500, `only ${checked} cases checked`);
    assert.deepEqual(wrong, []);
  });

  it('on the gatekeeper library, which passes opa check --strict', () => {
    const modules: ast.Module[] = [];
    for (const file of files(sharedPath('rego-corpus', 'gatekeeper-library', 'src'), '.rego')) {
      const parsed = parseModule(readFileSync(file, 'utf8'), { file, regoVersion: 0 });
      assert.deepEqual(parsed.errors, [], file);
      modules.push(parsed.module as ast.Module);
    }
    assert.ok(modules.length > 100);
    assert.deepEqual(typeErrors(modules), []);
  });
});
