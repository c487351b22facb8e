import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activateBundles } from '../../../server/src/bundle/activate';
import { openBundle } from '../../../server/src/bundle/bundle';
import { readBundleFiles } from '../../../server/src/bundle/files';
import { defaultBundleLimits } from '../../../server/src/bundle/limits';
import { readTarGz, writeTarGz } from '../../../server/src/bundle/tar';
import { evaluateQuery, prepareQuery } from '../../../server/src/rego';
import { folder, rawTarGz } from './helpers';

const limits = defaultBundleLimits;
const authz = 'package authz\n\ndefault allow := false\n\nallow if data.authz.roles[input.user] == "admin"\n';

async function open(name: string, files: Map<string, Buffer>) {
  const opened = await openBundle(name, `/bundles/${name}`, files, undefined);
  assert.deepEqual(opened.errors, []);
  return { bundle: opened.bundle as NonNullable<typeof opened.bundle>, origin: { kind: 'local' as const } };
}

function query(loaded: ReturnType<typeof activateBundles>, q: string, input: object) {
  const prepared = prepareQuery(loaded.policy, q);
  assert.ok(prepared.query, JSON.stringify(prepared.errors));
  const r = evaluateQuery(prepared.query, { input: input as never, data: loaded.data });
  return r.results[0]?.expressions[0];
}

describe('bundle folders and archives', () => {
  it('reads a folder bundle: manifest revision, data placed by folder, version = revision + hash', async () => {
    const dir = folder({
      '.manifest': JSON.stringify({ revision: '42', roots: ['authz'], metadata: { team: 'sec' } }),
      'authz/policy.rego': authz,
      'authz/roles/data.json': '{"alice": "admin"}',
      'authz/limits/data.yaml': 'max: 3\n',
    });
    const b = await open('authz', readBundleFiles(dir, limits));
    assert.equal(b.bundle.manifest.revision, '42');
    const loaded = activateBundles([b]);
    assert.deepEqual(loaded.errors, []);
    assert.match(loaded.version, /^42 \(sha256:[0-9a-f]{12}\)$/);
    assert.deepEqual(loaded.data, { authz: { roles: { alice: 'admin' }, limits: { max: 3 } } });
    assert.equal(query(loaded, 'data.authz.allow', { user: 'alice' }), true);
    assert.equal(query(loaded, 'data.authz.allow', { user: 'bob' }), false);
    assert.deepEqual(loaded.bundles?.bundles[0]?.metadata, { team: 'sec' });
  });

  it('reads the same bundle from a .tar.gz, with OPA-style leading slashes, to the same content hash', async () => {
    const files = new Map([
      ['.manifest', Buffer.from('{"revision":"7"}')],
      ['authz/policy.rego', Buffer.from(authz)],
      ['authz/roles/data.json', Buffer.from('{"alice":"admin"}')],
    ]);
    const archive = rawTarGz([
      { name: '/.manifest', body: files.get('.manifest') },
      { name: 'authz/', type: '5' },
      { name: '/authz/policy.rego', body: files.get('authz/policy.rego') },
      { name: './authz/roles/data.json', body: files.get('authz/roles/data.json') },
    ]);
    const read = readTarGz(archive, limits);
    assert.deepEqual([...read.keys()], [...files.keys()]);
    const a = await open('a', read);
    const b = await open('b', files);
    assert.equal(a.bundle.hash, b.bundle.hash);
    assert.deepEqual(readTarGz(writeTarGz(files), limits), files);
  });

  it('refuses archive entries that escape, link or overflow, each with its reason', () => {
    const cases: Array<[string, Buffer, RegExp, number?]> = [
      ['dot-dot', rawTarGz([{ name: 'a/../../etc/passwd', body: 'x' }]), /'\.\.' is refused/],
      ['symlink', rawTarGz([{ name: 'data.json', type: '2', linkname: '/etc/passwd' }]), /links are refused/],
      ['hard link', rawTarGz([{ name: 'data.json', type: '1', linkname: 'x' }]), /links are refused/],
      [
        'duplicate',
        rawTarGz([
          { name: 'a.rego', body: 'x' },
          { name: '/a.rego', body: 'y' },
        ]),
        /appears twice/,
      ],
      ['truncated', rawTarGz([{ name: 'a.rego', body: 'x'.repeat(5000) }]).subarray(0, 60), /truncated|gzip/],
      ['not gzip', Buffer.from('hello'), /not a gzip archive/],
      ['bomb', rawTarGz([{ name: 'data.json', body: Buffer.alloc(4_000_000) }]), /inflates past/, 1_000_000],
    ];
    for (const [name, archive, reason, max] of cases) {
      assert.throws(
        () => readTarGz(archive, { ...limits, ...(max ? { maxUncompressedBytes: max } : {}) }),
        reason,
        name,
      );
    }
  });

  it('refuses more files than the limit and a file over the size limit', () => {
    const many = rawTarGz(Array.from({ length: 12 }, (_, i) => ({ name: `f${i}.rego`, body: 'x' })));
    assert.throws(() => readTarGz(many, { ...limits, maxFiles: 10 }), /more than 10/);
    const big = rawTarGz([{ name: 'policy.wasm', body: Buffer.alloc(3000) }]);
    assert.throws(
      () => readTarGz(big, { ...limits, maxFileBytes: 2048 }),
      /over the 2048 byte limit per file/,
    );
  });
});

describe('bundle roots (OPA activation errors)', () => {
  const bundle = (roots: string[] | undefined, files: Record<string, string> = {}) =>
    new Map(
      Object.entries({ ...(roots ? { '.manifest': JSON.stringify({ roots }) } : {}), ...files }).map(
        ([k, v]) => [k, Buffer.from(v)],
      ),
    );

  it('activates bundles with disjoint roots together', async () => {
    const a = await open('a', bundle(['authz'], { 'authz/p.rego': authz }));
    const b = await open('b', bundle(['tenants'], { 'tenants/data.json': '{"t1": {}}' }));
    const loaded = activateBundles([a, b]);
    assert.deepEqual(loaded.errors, []);
    assert.deepEqual(loaded.data, { tenants: { t1: {} } });
    assert.match(loaded.version, /^sha256:[0-9a-f]{12}$/);
  });

  it('names each bundle whose roots overlap another, as OPA does', async () => {
    const a = await open('a', bundle(['authz']));
    const b = await open('b', bundle(['authz/admin']));
    const c = await open('c', bundle(['other']));
    const messages = activateBundles([a, b, c]).errors.map((e) => e.message);
    assert.deepEqual(messages, [
      'a: detected overlapping roots in bundle manifest with: [b]',
      'b: detected overlapping roots in bundle manifest with: [a]',
    ]);
  });

  it('treats bundles without roots as owning all of data', async () => {
    const a = await open('a', bundle(undefined));
    const b = await open('b', bundle(['x']));
    assert.equal(activateBundles([a, b]).errors.length, 2);
  });

  it('refuses a manifest whose own roots overlap', async () => {
    const opened = await openBundle('a', '/a', bundle(['a', 'a/b']), undefined);
    assert.match(opened.errors[0]?.message ?? '', /manifest has overlapped roots: 'a' and 'a\/b'/);
  });

  it('refuses packages and data outside the roots', async () => {
    const pkg = await open('p', bundle(['authz'], { 'x.rego': 'package billing\n\nallow := true\n' }));
    assert.match(
      activateBundles([pkg]).errors[0]?.message ?? '',
      /do not permit 'package billing' in module 'x.rego'/,
    );
    const data = await open('d', bundle(['authz'], { 'billing/data.json': '{"a": 1}' }));
    assert.match(activateBundles([data]).errors[0]?.message ?? '', /do not permit data at path '\/billing'/);
    const nested = await open(
      'n',
      bundle(['authz/roles'], { 'data.json': '{"authz": {"roles": {"a": 1}}}' }),
    );
    assert.deepEqual(activateBundles([nested]).errors, []);
  });

  it('refuses a malformed manifest and a wasm resolver without its module', async () => {
    const bad = await openBundle(
      'a',
      '/a',
      new Map([['.manifest', Buffer.from('{"revision": 3}')]]),
      undefined,
    );
    assert.match(bad.errors[0]?.message ?? '', /revision must be a string/);
    const wasm = new Map([
      ['.manifest', Buffer.from('{"wasm":[{"entrypoint":"a/b","module":"/policy.wasm"}]}')],
    ]);
    const missing = await openBundle('w', '/w', wasm, undefined);
    assert.match(
      missing.errors[0]?.message ?? '',
      /references wasm module '\/policy.wasm' but the module file does not exist/,
    );
  });

  it('reads rego_version from the manifest (a v0 bundle)', async () => {
    const v0 = await open(
      'v0',
      bundle(undefined, {
        '.manifest': '{"rego_version": 0}',
        'p.rego': 'package p\n\nallow { input.x == 1 }\n',
      }),
    );
    const loaded = activateBundles([v0]);
    assert.deepEqual(loaded.errors, []);
    assert.equal(query(loaded, 'data.p.allow', { x: 1 }), true);
  });
});
