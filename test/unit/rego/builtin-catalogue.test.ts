/**
 * The registry against OPA's builtin catalogue (capabilities/v1.20.2.json, kept as a fixture):
 * every builtin a policy can call by name is declared here, deprecated ones included. Only
 * `internal.*` (OPA-internal, not callable from policies) and the unification/assignment operators
 * (`=`, `:=`, compiled rather than called) are outside the registry.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUILTINS, lookupBuiltin } from '../../../server/src/rego/builtins/index';
import { DEPRECATED_BUILTINS } from '../../../server/src/rego/compile/strict';

interface Entry {
  name: string;
  infix?: string;
  deprecated?: boolean;
}

const catalogue = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'opa-builtins', 'capabilities-v1.20.2.json'), 'utf8'),
) as { builtins: Entry[] };

const compiledNotCalled = (e: Entry) => e.name.startsWith('internal.') || e.infix === '=' || e.infix === ':=';

describe("OPA's builtin catalogue", () => {
  it('has every callable builtin of OPA v1.20.2 in the registry', () => {
    const missing = catalogue.builtins.filter((e) => !compiledNotCalled(e) && !lookupBuiltin(e.name));
    assert.deepEqual(
      missing.map((e) => e.name),
      [],
    );
    assert.ok(catalogue.builtins.length > 190);
  });

  it("strict mode's deprecated builtins are exactly those OPA's capabilities mark deprecated", () => {
    const deprecated = catalogue.builtins.filter((e) => e.deprecated).map((e) => e.name);
    assert.deepEqual([...DEPRECATED_BUILTINS].sort(), deprecated.sort());
  });

  it('declares the deprecated builtins OPA still accepts in v0 mode', () => {
    const deprecated = catalogue.builtins.filter((e) => e.deprecated).map((e) => e.name);
    assert.ok(deprecated.includes('cast_array') && deprecated.includes('net.cidr_overlap'));
    for (const name of deprecated) assert.ok(lookupBuiltin(name), name);
  });

  it('spells infix operators as OPA does', () => {
    for (const e of catalogue.builtins) {
      if (e.infix === undefined || compiledNotCalled(e) || e.name.startsWith('internal.')) continue;
      assert.equal(lookupBuiltin(e.name)?.infix, e.infix, e.name);
    }
  });

  it('gives every registered builtin a signature and a description', () => {
    for (const b of BUILTINS) {
      assert.ok(b.description.length > 0, b.name);
      assert.ok(b.signature.result.type.length > 0, b.name);
    }
  });
});
