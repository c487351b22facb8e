/**
 * `npm run bench -- bundles`: (1) decisions per second of compiled (wasm) bundles, evaluated with
 * `@open-policy-agent/opa-wasm`, against our Rego engine deciding the same policies' Rego source
 * on the same inputs, in the same run (the two OPA-compiled policies of ../shared/opa-wasm); both
 * must agree on every input before anything is timed. (2) Bundle download, verification and
 * activation time from a real nginx on 127.0.0.1: a signed bundle fetched whole, and a poll
 * answered 304 (ETag revalidation).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BundleSet } from '../server/src/bundle/bundle-set';
import { defaultBundleSettings } from '../server/src/bundle/settings';
import { signaturesFile, signBundleFiles } from '../server/src/bundle/signature';
import { writeTarGz } from '../server/src/bundle/tar';
import { loadWasmModule } from '../server/src/bundle/wasm';
import { compilePolicy, evaluateQuery, type JsonValue, prepareQuery } from '../server/src/rego/index';
import { startNginx } from '../test/unit/bundle/nginx';

const shared = join(__dirname, '..', '..', 'shared', 'opa-wasm');

/** Runs `decide` over `inputs` round-robin for about `ms`; decisions per second. */
function rate(inputs: JsonValue[], decide: (input: JsonValue) => unknown, ms = 1500): number {
  for (let i = 0; i < 200; i++) decide(inputs[i % inputs.length] as JsonValue);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) decide(inputs[n++ % inputs.length] as JsonValue);
  }
  return (n / (performance.now() - start)) * 1000;
}

function compare(
  name: string,
  dir: string,
  rego: string,
  entrypoint: string,
  data: JsonValue,
  inputs: JsonValue[],
) {
  const wasm = loadWasmModule(name, readFileSync(join(dir, 'policy.wasm')), data);
  const compiled = compilePolicy([
    { file: rego, text: readFileSync(join(dir, rego), 'utf8'), regoVersion: 0 },
  ]);
  const prepared = prepareQuery(compiled.policy, `data.${entrypoint.replace(/\//g, '.')}`).query;
  if (!prepared) throw new Error(`${name}: the query does not prepare`);
  const ours = (input: JsonValue) => evaluateQuery(prepared, { input, data }).results[0]?.expressions[0];
  const theirs = (input: JsonValue) => wasm.evaluate(entrypoint, input).value;
  for (const input of inputs) {
    if (JSON.stringify(ours(input)) !== JSON.stringify(theirs(input))) {
      throw new Error(`${name}: the engines disagree on ${JSON.stringify(input)}`);
    }
  }
  const w = rate(inputs, theirs);
  const r = rate(inputs, ours);
  console.log(
    `${name.padEnd(28)} wasm ${Math.round(w).toString().padStart(8)}/s   rego engine ${Math.round(r).toString().padStart(8)}/s   engine/wasm ${(r / w).toFixed(2)}`,
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Entry point for `npm run bench -- bundles`. */
export async function runBenchmark(): Promise<void> {
  console.log('Decision speed, compiled wasm bundle vs Rego engine on the same policy (same run):');
  for (const users of [10, 1000]) {
    const names = Array.from({ length: users }, (_, i) => `user${i}`);
    const data = {
      user_roles: Object.fromEntries(
        names.map((u, i) => [u, [['editor', 'viewer', 'admin'][i % 3] as string]]),
      ),
      role_permissions: {
        editor: [
          { action: 'edit', object: 'article' },
          { action: 'create', object: 'article' },
        ],
        viewer: [{ action: 'read', object: 'article' }],
        admin: ['edit', 'create', 'read', 'delete'].map((action) => ({ action, object: 'article' })),
      },
    };
    const inputs = names
      .slice(0, 50)
      .flatMap((user) => ['edit', 'read', 'delete'].map((action) => ({ user, action, object: 'article' })));
    compare(
      `RBAC, ${users} role bindings`,
      join(shared, 'opa-webassembly-ts'),
      'example.rego',
      'example/allow',
      data,
      inputs,
    );
  }
  compare('input.fragment == "moo"', join(shared, 'opa-wasm-browser'), 'test.rego', 'test/p', {}, [
    { fragment: 'moo' },
    { fragment: 'cow' },
  ]);

  console.log('\nBundle download + verification + activation from nginx on 127.0.0.1 (signed, RS256):');
  const token = 'bench-token-0123456789';
  const server = await startNginx(token);
  try {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyDir = mkdtempSync(join(tmpdir(), 'clearance-bench-'));
    writeFileSync(join(keyDir, 'public.pem'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
    const files = new Map([
      ['.manifest', Buffer.from(JSON.stringify({ revision: '1', roots: ['api'] }))],
      [
        'api/authz/authz.rego',
        readFileSync(join(__dirname, '..', 'examples', 'shop', 'policy', 'authz.rego')),
      ],
    ]);
    const key = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    files.set(
      signaturesFile,
      Buffer.from(await signBundleFiles(files, { algorithm: 'RS256', key, keyId: 'ci' })),
    );
    writeFileSync(join(server.www, 'shop.tar.gz'), writeTarGz(files));
    const set = () =>
      new BundleSet([`${server.origin}/shop.tar.gz`], {
        baseDir: keyDir,
        cacheDir: mkdtempSync(join(tmpdir(), 'clearance-bench-cache-')),
        settings: {
          ...defaultBundleSettings,
          bundleOrigins: [server.origin],
          bundleKeys: { ci: { algorithm: 'RS256', keyFile: 'public.pem' } },
        },
      });
    const full: number[] = [];
    const revalidate: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = set();
      let t = performance.now();
      await s.refresh();
      full.push(performance.now() - t);
      if (s.policy().errors.length > 0) throw new Error(s.policy().errors[0]?.message);
      t = performance.now();
      await s.refresh();
      revalidate.push(performance.now() - t);
    }
    console.log(`first activation (cold: jose loaded, caches empty)  ${full[0]?.toFixed(1)} ms`);
    console.log(`download + verify + activate, median of 19          ${median(full.slice(1)).toFixed(1)} ms`);
    console.log(`poll answered 304 (If-None-Match), median of 20     ${median(revalidate).toFixed(1)} ms`);
  } finally {
    await server.stop();
  }
}
