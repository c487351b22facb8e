import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { activateBundles } from '../../../server/src/bundle/activate';
import { openBundle } from '../../../server/src/bundle/bundle';
import { hostBuiltins } from '../../../server/src/bundle/wasm';
import { decideCall } from '../../../server/src/decision/decide';
import type { LoadedPolicy } from '../../../server/src/policy/load';
import { compilePolicy, evaluateQuery, type JsonValue, prepareQuery } from '../../../server/src/rego';
import { sharedPath } from '../../support/shared-folder';

/** OPA-compiled policies with their Rego (read-only, used in place: ../shared/opa-wasm/README.md). */
const shared = sharedPath('opa-wasm');
const rbac = join(shared, 'opa-webassembly-ts');
const browser = join(shared, 'opa-wasm-browser');

/** A wasm bundle as `opa build -t wasm` lays it out: /policy.wasm, /data.json, /.manifest with the entrypoints. */
async function wasmBundle(dir: string, entrypoint: string, data: JsonValue): Promise<LoadedPolicy> {
  const files = new Map([
    ['policy.wasm', readFileSync(join(dir, 'policy.wasm'))],
    ['data.json', Buffer.from(JSON.stringify(data))],
    [
      '.manifest',
      Buffer.from(JSON.stringify({ revision: 'wasm-1', wasm: [{ entrypoint, module: '/policy.wasm' }] })),
    ],
  ]);
  const opened = await openBundle(dir, dir, files, undefined);
  assert.deepEqual(opened.errors, []);
  const loaded = activateBundles([
    { bundle: opened.bundle as NonNullable<typeof opened.bundle>, origin: { kind: 'local' } },
  ]);
  assert.deepEqual(loaded.errors, []);
  return loaded;
}

/** The Rego engine on the same policy's source, as the oracle's peer. */
function regoEngine(file: string, data: JsonValue) {
  const compiled = compilePolicy([{ file, text: readFileSync(file, 'utf8'), regoVersion: 0 }]);
  assert.deepEqual(compiled.errors, []);
  return (query: string, input: JsonValue) => {
    const prepared = prepareQuery(compiled.policy, query);
    const r = evaluateQuery(prepared.query as NonNullable<typeof prepared.query>, { input, data });
    return r.results[0]?.expressions[0];
  };
}

/** A small deterministic generator (mulberry32), so failures reproduce. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('compiled (wasm) bundles', () => {
  it('evaluates the RBAC policy as OPA compiled it, agreeing with the Rego engine on 300 generated inputs', async () => {
    const rnd = random(13);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const users = ['alice', 'bob', 'carol', 'dave'];
    const roles = ['editor', 'viewer', 'admin'];
    const actions = ['edit', 'create', 'read', 'delete'];
    const objects = ['article', 'comment'];
    let allowed = 0;
    for (let round = 0; round < 3; round++) {
      const data = {
        user_roles: Object.fromEntries(users.map((u) => [u, roles.filter(() => rnd() < 0.4)])),
        role_permissions: Object.fromEntries(
          roles.map((r) => [
            r,
            actions.filter(() => rnd() < 0.5).map((action) => ({ action, object: pick(objects) })),
          ]),
        ),
      };
      const loaded = await wasmBundle(rbac, 'example/allow', data);
      const compiled = loaded.bundles?.wasm.get('example/allow');
      assert.ok(compiled);
      const rego = regoEngine(join(rbac, 'example.rego'), data);
      for (let i = 0; i < 100; i++) {
        const input: Record<string, JsonValue> = {
          user: pick([...users, 'nobody']),
          action: pick(actions),
          object: pick(objects),
        };
        if (rnd() < 0.1) delete input[pick(['user', 'action', 'object'])];
        if (rnd() < 0.05) input.user = 7;
        const fromWasm: { value?: JsonValue; error?: string } = compiled.evaluate('example/allow', input);
        assert.equal(fromWasm.error, undefined);
        assert.deepEqual(fromWasm.value, rego('data.example.allow', input), JSON.stringify({ input, data }));
        if (fromWasm.value === true) allowed++;
      }
    }
    assert.ok(allowed > 10 && allowed < 290, `generated inputs exercise both outcomes (${allowed} allowed)`);
  });

  it('evaluates the browser policy, undefined included, agreeing with the Rego engine', async () => {
    const loaded = await wasmBundle(browser, 'test/p', {});
    const compiled = loaded.bundles?.wasm.get('test/p');
    const rego = regoEngine(join(browser, 'test.rego'), {});
    for (const fragment of ['moo', 'Moo', '', 'moo ', 1, null, ['moo'], undefined]) {
      const input = fragment === undefined ? {} : { fragment };
      assert.deepEqual(
        compiled?.evaluate('test/p', input as JsonValue).value,
        rego('data.test.p', input as JsonValue),
        JSON.stringify(input),
      );
    }
  });

  it('decides calls with the wasm entrypoint, and is honest when the code leaves input unknown', async () => {
    const data = {
      user_roles: { alice: ['editor'] },
      role_permissions: { editor: [{ action: 'edit', object: 'article' }] },
    };
    const loaded = await wasmBundle(rbac, 'example/allow', data);
    const limits = { timeoutMs: 1000, maxSteps: 100_000 };
    const call = (input: Record<string, JsonValue>, unknowns: string[] = []) => ({
      input,
      unknowns,
      summary: 'PUT /articles/{id}',
    });
    const yes = decideCall(
      loaded,
      'data.example.allow',
      call({ user: 'alice', action: 'edit', object: 'article' }),
      limits,
    );
    assert.equal(yes.verdict, 'allowed');
    assert.equal(yes.policyVersion, loaded.version);
    assert.match(yes.policyVersion, /^wasm-1 \(sha256:/);
    const no = decideCall(
      loaded,
      'data.example.allow',
      call({ user: 'alice', action: 'delete', object: 'article' }),
      limits,
    );
    assert.equal(no.verdict, 'denied');
    const open = decideCall(
      loaded,
      'data.example.allow',
      call({ user: 'alice', action: 'edit' }, ['input.object']),
      limits,
    );
    assert.equal(open.verdict, 'conditional');
    assert.match(open.reason ?? '', /leaves input\.object unknown.*compiled \(wasm\) policy.*cannot prove/);
  });

  it('serves the builtins the SDK leaves to the host from the engine registry', () => {
    const host = hostBuiltins();
    assert.equal(host['semver.compare']?.('1.2.3', '1.10.0'), -1);
    assert.deepEqual(host['strings.reverse']?.('abc'), 'cba');
    assert.equal(host['no.such.builtin'], undefined);
  });
});
