/**
 * What `clearance bundle build` writes, checked against OPA's documented bundle format by readers
 * that share no code with ours (no `opa` binary is available here; docs/bundles.md says so): GNU tar
 * lists the archive; the `.signatures.json` is taken apart by hand and its JWS verified with
 * node:crypto (not jose); each file's digest is recomputed here from the documented rule (SHA-256
 * of the bytes; of compact JSON with sorted keys for `.json` and `.manifest` files).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../../server/src/cli/main';
import { canonicalJson, folder } from './helpers';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe("clearance bundle build's output, read independently in OPA's documented format", () => {
  it('is a gzipped tar of regular files whose signature verifies with node:crypto over the documented digests', async () => {
    const sources = {
      '.manifest': '{"revision": "7", "roots": ["authz"]}',
      'authz/policy.rego': 'package authz\n\nallow if input.user.role == "admin"\n',
      'authz/data.json': '{\n  "roles": {"admin": ["alice"]},\n  "a": true\n}',
    };
    const dir = folder(sources);
    const work = mkdtempSync(join(tmpdir(), 'clearance-opa-format-'));
    try {
      const keyFile = join(work, 'key.pem');
      writeFileSync(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      const out = join(work, 'bundle.tar.gz');
      const said: string[] = [];
      const io = { out: (t: string) => said.push(t), err: (t: string) => said.push(t) };
      const argv = ['bundle', 'build', dir, '-o', out, '--signing-key', keyFile, '--key-id', 'ci'];
      assert.equal(await runCli(argv, io), 0, said.join(''));
      // GNU tar lists and extracts it: regular files only, at the bundle's own paths.
      const extracted = join(work, 'x');
      execFileSync('mkdir', ['-p', extracted]);
      execFileSync('tar', ['-xzf', out, '-C', extracted]);
      const listed = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).trim().split('\n').sort();
      assert.deepEqual(listed.map((p) => p.replace(/^\.?\//, '')).sort(), [
        '.manifest',
        '.signatures.json',
        'authz/data.json',
        'authz/policy.rego',
      ]);
      // `{"signatures": ["<compact JWS>"]}`: one JWS, header {alg, kid}, payload {files: [...]}.
      const signatures = JSON.parse(readFileSync(join(extracted, '.signatures.json'), 'utf8')) as {
        signatures: string[];
      };
      assert.deepEqual(Object.keys(signatures), ['signatures']);
      assert.equal(signatures.signatures.length, 1);
      const [header, payload, signature] = (signatures.signatures[0] as string).split('.') as [
        string,
        string,
        string,
      ];
      const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>;
      assert.equal(head.alg, 'RS256');
      assert.equal(head.kid, 'ci');
      assert.ok(
        verify(
          'sha256',
          Buffer.from(`${header}.${payload}`),
          keys.publicKey,
          Buffer.from(signature, 'base64url'),
        ),
        'the JWS does not verify with node:crypto',
      );
      const body = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
        files: Array<{ name: string; hash: string; algorithm: string }>;
      };
      const byName = new Map(body.files.map((f) => [f.name.replace(/^\//, ''), f]));
      assert.deepEqual([...byName.keys()].sort(), ['.manifest', 'authz/data.json', 'authz/policy.rego']);
      for (const [name, entry] of byName) {
        const bytes = readFileSync(join(extracted, name));
        const digestOf =
          name.endsWith('.json') || name === '.manifest'
            ? Buffer.from(canonicalJson(JSON.parse(bytes.toString())))
            : bytes;
        assert.equal(entry.algorithm, 'SHA-256', name);
        assert.equal(entry.hash, createHash('sha256').update(digestOf).digest('hex'), name);
      }
      const manifest = JSON.parse(readFileSync(join(extracted, '.manifest'), 'utf8')) as Record<
        string,
        unknown
      >;
      assert.equal(manifest.revision, '7');
      assert.deepEqual(manifest.roots, ['authz']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
