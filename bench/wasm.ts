/**
 * `npm run bench -- wasm [--evals N]`: our Rego engine against OPA's own compiled code
 * (`@open-policy-agent/opa-wasm`) on the policies in ../shared/opa-wasm, which `opa build -t wasm`
 * compiled. Our engine runs from a production bundle (esbuild, minified, as scripts/build.mjs builds
 * the server and CLI), not through tsx. Same process, same inputs, both engines checked to agree on
 * every input, a warm-up, then alternating timed rounds. Prints time per evaluation and the ratio
 * ours/opa-wasm per policy (below 1.0: ours is faster).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { build } from 'esbuild';
import type * as Engine from '../server/src/rego/index';

const root = join(__dirname, '..');
const shared = join(root, '..', 'shared', 'opa-wasm');

/** Bundles the engine like the production build does and loads the bundle. */
async function loadBundledEngine(): Promise<typeof Engine> {
  const outfile = join(root, 'dist', 'bench', 'rego-engine.js');
  mkdirSync(join(root, 'dist', 'bench'), { recursive: true });
  await build({
    entryPoints: [join(root, 'server', 'src', 'rego', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    logLevel: 'warning',
  });
  return require(outfile) as typeof Engine;
}

/** A benchmark policy: its wasm, Rego, entrypoint, data and inputs. */
interface Case {
  name: string;
  dir: string;
  rego: string;
  entrypoint: string;
  query: string;
  data: Engine.JsonValue;
  inputs: Engine.JsonValue[];
}

const users = ['userA', 'userB', 'alice', 'bob'];
const actions = ['edit', 'create', 'read', 'delete'];
const objects = ['article', 'comment'];

const cases: Case[] = [
  {
    name: 'opa-wasm-browser test/p (input.fragment == "moo")',
    dir: 'opa-wasm-browser',
    rego: 'test.rego',
    entrypoint: 'test/p',
    query: 'data.test.p',
    data: {},
    inputs: ['moo', 'cow', 'moo ', '', 'mooo'].flatMap((fragment, i): Engine.JsonValue[] => [
      { fragment },
      { fragment, other: i },
    ]),
  },
  {
    name: 'opa-webassembly-ts example/allow (RBAC over data)',
    dir: 'opa-webassembly-ts',
    rego: 'example.rego',
    entrypoint: 'example/allow',
    query: 'data.example.allow',
    data: {
      user_roles: { userA: ['editor'], userB: ['viewer'], alice: ['viewer', 'editor'] },
      role_permissions: {
        editor: [
          { action: 'edit', object: 'article' },
          { action: 'create', object: 'article' },
        ],
        viewer: [{ action: 'read', object: 'article' }],
      },
    },
    inputs: users.flatMap((user) =>
      actions.flatMap((action) => objects.map((object) => ({ user, action, object }))),
    ),
  },
];

/** Nanoseconds per call of `f` over `rounds` passes through the inputs. */
function time(inputs: Engine.JsonValue[], rounds: number, f: (input: Engine.JsonValue) => unknown): number {
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const input of inputs) f(input);
  return Number(process.hrtime.bigint() - start) / (rounds * inputs.length);
}

/** Runs the benchmark. */
export async function runBenchmark(args: string[]): Promise<void> {
  const evalsFlag = args.indexOf('--evals');
  const evals = evalsFlag >= 0 ? Number(args[evalsFlag + 1]) : 200_000;
  const engine = await loadBundledEngine();
  console.log(
    `wasm: our engine (esbuild bundle) vs @open-policy-agent/opa-wasm, ${evals} evaluations per engine per policy`,
  );
  for (const c of cases) {
    const dir = join(shared, c.dir);
    const wasm = await loadPolicy(readFileSync(join(dir, 'policy.wasm')));
    wasm.setData(c.data as object);
    const { policy, errors } = engine.compilePolicy([
      { file: c.rego, text: readFileSync(join(dir, c.rego), 'utf8'), regoVersion: 0 },
    ]);
    if (errors.length > 0) throw new Error(JSON.stringify(errors));
    const query = engine.prepareQuery(policy, c.query).query;
    if (!query) throw new Error(`cannot prepare ${c.query}`);
    const ours = (input: Engine.JsonValue) => {
      const r = engine.evaluateQuery(query, { input, data: c.data });
      return r.results.length === 0 ? undefined : r.results[0]?.expressions[0];
    };
    const theirs = (input: Engine.JsonValue) => {
      const r = wasm.evaluate(input, c.entrypoint) as Array<{ result: unknown }>;
      return r.length === 0 ? undefined : r[0]?.result;
    };
    for (const input of c.inputs) {
      const a = JSON.stringify(ours(input));
      const b = JSON.stringify(theirs(input));
      if (a !== b) throw new Error(`engines disagree on ${JSON.stringify(input)}: ours ${a}, opa-wasm ${b}`);
    }
    const rounds = Math.max(1, Math.round(evals / c.inputs.length));
    // Warm-up: both engines, long enough for the JIT to settle.
    time(c.inputs, Math.ceil(rounds / 4), ours);
    time(c.inputs, Math.ceil(rounds / 4), theirs);
    // Alternating timed rounds; the best of three per engine (least disturbed by the shared machine).
    const oursNs: number[] = [];
    const theirsNs: number[] = [];
    for (let i = 0; i < 3; i++) {
      oursNs.push(time(c.inputs, Math.ceil(rounds / 3), ours));
      theirsNs.push(time(c.inputs, Math.ceil(rounds / 3), theirs));
    }
    const a = Math.min(...oursNs);
    const b = Math.min(...theirsNs);
    console.log(
      `${c.name}\n  ours ${(a / 1000).toFixed(2)} µs/eval, opa-wasm ${(b / 1000).toFixed(2)} µs/eval, ratio ours/opa-wasm ${(a / b).toFixed(2)}`,
    );
  }
}
