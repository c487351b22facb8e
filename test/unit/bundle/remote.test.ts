import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BundleSet } from '../../../server/src/bundle/bundle-set';
import { defaultBundleSettings } from '../../../server/src/bundle/settings';
import { signaturesFile, signBundleFiles } from '../../../server/src/bundle/signature';
import { writeTarGz } from '../../../server/src/bundle/tar';
import { type Nginx, startNginx } from './nginx';

const token = 'bundle-bearer-0123456789';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyDir = mkdtempSync(join(tmpdir(), 'clearance-keys-'));
writeFileSync(join(keyDir, 'public.pem'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
const privatePem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A signed bundle archive at `revision` whose policy allows `allow`. */
async function signedArchive(
  revision: string,
  allow: boolean,
): Promise<{ archive: Buffer; files: Map<string, Buffer> }> {
  const files = new Map([
    ['.manifest', Buffer.from(JSON.stringify({ revision, roots: ['authz'] }))],
    ['authz/policy.rego', Buffer.from(`package authz\n\nallow := ${allow}\n`)],
  ]);
  files.set(
    signaturesFile,
    Buffer.from(await signBundleFiles(files, { algorithm: 'RS256', key: privatePem, keyId: 'ci' })),
  );
  return { archive: writeTarGz(files), files };
}

let mtime = 1_700_000_000;
/** Publishes `body` at `path` on the server with a new mtime, so nginx's ETag changes. */
function publish(server: Nginx, path: string, body: Buffer): void {
  const file = join(server.www, path);
  writeFileSync(file, body);
  mtime += 100;
  utimesSync(file, mtime, mtime);
}

describe('remote bundles from a real nginx', () => {
  let server: Nginx;
  before(async () => {
    server = await startNginx(token);
  });
  after(async () => {
    await server.stop();
  });

  const set = (
    path: string,
    extra: Partial<typeof defaultBundleSettings> = {},
    cacheDir = mkdtempSync(join(tmpdir(), 'clearance-cache-')),
  ) =>
    new BundleSet([`${server.origin}/${path}`], {
      baseDir: keyDir,
      cacheDir,
      timeoutMs: 5000,
      settings: {
        ...defaultBundleSettings,
        bundleOrigins: [server.origin],
        bundleKeys: { ci: { algorithm: 'RS256', keyFile: 'public.pem' } },
        ...extra,
      },
    });

  it('downloads, verifies and activates; revalidates with ETag (304); picks up a new revision', async () => {
    publish(server, 'authz.tar.gz', (await signedArchive('41', false)).archive);
    const bundles = set('authz.tar.gz');
    const logBefore = server.statuses().length;
    const started = performance.now();
    const first = await bundles.refresh();
    const ms = performance.now() - started;
    assert.deepEqual(bundles.policy().errors, []);
    assert.match(first.after, /^41 \(sha256:[0-9a-f]{12}\)$/);
    assert.equal(bundles.policy().bundles?.bundles[0]?.signature.state, 'verified');
    const before304 = (await server.logged(logBefore + 1)).length;
    const again = await bundles.refresh();
    assert.equal(again.changed, false);
    assert.deepEqual(
      (await server.logged(before304 + 1)).slice(before304),
      [304],
      'the second poll revalidates with If-None-Match',
    );
    publish(server, 'authz.tar.gz', (await signedArchive('42', true)).archive);
    const changed = await bundles.refresh();
    assert.equal(changed.changed, true);
    assert.match(changed.before ?? '', /^41 /);
    assert.match(changed.after, /^42 /);
    assert.match(
      bundles.describe()[0] ?? '',
      /revision 42 .*signed, verified with key ci \(RS256\), downloaded \d+ s ago/,
    );
    process.stdout.write(`# download, verification and activation of a signed bundle: ${ms.toFixed(1)} ms\n`);
  });

  it('sends the bearer token only when configured, and says why a 401 failed', async () => {
    publish(server, 'secure/authz.tar.gz', (await signedArchive('7', true)).archive);
    const anonymous = set('secure/authz.tar.gz');
    await anonymous.refresh();
    assert.match(
      anonymous.policy().errors[0]?.message ?? '',
      /HTTP 401 \(check clearance\.policy\.bundleAuth\)/,
    );
    process.env.CLEARANCE_TEST_BUNDLE_TOKEN = token;
    const withEnv = set('secure/authz.tar.gz', {
      bundleAuth: 'env',
      bundleTokenEnv: 'CLEARANCE_TEST_BUNDLE_TOKEN',
    });
    await withEnv.refresh();
    assert.deepEqual(withEnv.policy().errors, []);
    const withIdentity = new BundleSet([`${server.origin}/secure/authz.tar.gz`], {
      baseDir: keyDir,
      cacheDir: mkdtempSync(join(tmpdir(), 'clearance-cache-')),
      settings: { ...defaultBundleSettings, bundleOrigins: [server.origin], bundleAuth: 'identity' },
      identityToken: async () => token,
    });
    await withIdentity.refresh();
    assert.deepEqual(withIdentity.policy().errors, []);
    assert.ok(!withIdentity.describe().join('\n').includes(token), 'the token is never shown');
  });

  it('refuses a URL whose origin the user did not allow, without any request', async () => {
    // The earlier tests' last log lines may still be landing: count once the log is quiet, and look
    // again once it is quiet after the refresh, so a request made by it would have its line.
    const count = (await server.settled()).length;
    const elsewhere = set('authz.tar.gz', { bundleOrigins: ['https://bundles.example.com'] });
    await elsewhere.refresh();
    assert.match(elsewhere.policy().errors[0]?.message ?? '', /is not in clearance\.policy\.bundleOrigins/);
    assert.equal((await server.settled()).length, count);
  });

  it('keeps the last verified bundle when the next is tampered, truncated, too big or cut off, saying so', async () => {
    publish(server, 'live.tar.gz', (await signedArchive('1', true)).archive);
    const bundles = set('live.tar.gz', { bundleMaxBytes: 4096 });
    await bundles.refresh();
    const good = bundles.policy().version;
    const { files } = await signedArchive('2', true);
    files.set('authz/policy.rego', Buffer.from('package authz\n\nallow := false # tampered\n'));
    const cases: Array<[string, Buffer, RegExp]> = [
      ['tampered', writeTarGz(files), /authz\/policy\.rego: digest mismatch/],
      [
        'truncated',
        (await signedArchive('3', true)).archive.subarray(0, 200),
        /not a gzip archive, or a truncated one|truncated/,
      ],
      ['too big', Buffer.alloc(5000, 1), /over the 4096 byte limit/],
    ];
    for (const [name, body, reason] of cases) {
      publish(server, 'live.tar.gz', body);
      const r = await bundles.refresh();
      assert.deepEqual(bundles.policy().errors, [], name);
      assert.match(r.after, /^1 \(sha256:[0-9a-f]{12}\) · kept after a failed update$/, name);
      assert.match(bundles.describe()[0] ?? '', reason, name);
      assert.match(bundles.describe()[0] ?? '', /deciding with the last verified bundle/, name);
    }
    assert.equal(good.startsWith('1 ('), true);
    const cut = set('cut/authz.tar.gz');
    await cut.refresh();
    assert.match(cut.policy().errors[0]?.message ?? '', /broke off|ended after|terminated/);
  });

  it('works offline from the cache, labelled with its age, when the server is down', async () => {
    publish(server, 'offline.tar.gz', (await signedArchive('5', true)).archive);
    const cacheDir = mkdtempSync(join(tmpdir(), 'clearance-cache-'));
    const online = set('offline.tar.gz', {}, cacheDir);
    await online.refresh();
    await server.stop();
    try {
      const offline = set('offline.tar.gz', {}, cacheDir);
      await offline.refresh();
      assert.deepEqual(offline.policy().errors, []);
      assert.match(offline.policy().version, /^5 \(sha256:[0-9a-f]{12}\) · kept after a failed update$/);
      assert.match(
        offline.describe()[0] ?? '',
        /from the offline cache, downloaded \d+ s ago; download failed: the server is down \(connection refused\); deciding with the cached bundle/,
      );
      const nothing = set('offline.tar.gz');
      await nothing.refresh();
      assert.match(
        nothing.policy().errors[0]?.message ?? '',
        /not available: download failed: the server is down/,
      );
    } finally {
      await server.start();
    }
  });
});
