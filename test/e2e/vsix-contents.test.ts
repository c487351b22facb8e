/**
 * The packaged extension holds only what runs or is shown (issue: a package that can be published):
 * the client and server bundles with their wasm, the grammar, the schemas, the icon, the README with
 * the images and docs it links, the changelog and the licence; no source maps, no sources, no tests.
 * The .vsix is the one the end-to-end tests install (test/e2e/vsix.ts packages it when stale).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensurePackagedExtension, vsixPath } from './vsix';

const repo = join(__dirname, '..', '..');

/** The files in the .vsix, as paths inside the extension folder. */
function entries(): string[] {
  return execFileSync('unzip', ['-Z1', vsixPath], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.startsWith('extension/') && !line.endsWith('/'))
    .map((line) => line.slice('extension/'.length));
}

describe('the .vsix contents', () => {
  let files: string[];
  before(() => {
    ensurePackagedExtension();
    files = entries();
  });

  it('holds only bundles, wasm, grammars, schemas, images, linked docs, changelog and licence', () => {
    const allowed = [
      /^package\.json$/,
      /^readme\.md$/i,
      /^changelog\.md$/i,
      /^LICENSE(\.txt)?$/,
      /^dist\/(client|server)\/[\w.-]+\.js$/,
      /^dist\/server\/wasm\/[\w.-]+\.wasm$/,
      /^syntaxes\/[\w.-]+\.json$/,
      /^schemas\/[\w.-]+\.json$/,
      /^images\/icon\.png$/,
      /^docs\/[\w-]+\.md$/,
      /^docs\/images\/[\w-]+\.png$/,
      /^docs\/walkthrough\/[\w-]+\.(md|png|svg)$/,
    ];
    const stray = files.filter((f) => !allowed.some((re) => re.test(f)));
    assert.deepEqual(stray, []);
  });

  it('has no source maps and the bundles it starts', () => {
    assert.deepEqual(
      files.filter((f) => f.endsWith('.map')),
      [],
    );
    // vsce stores the licence as LICENSE.txt.
    for (const needed of [
      'dist/client/extension.js',
      'dist/server/server.js',
      'dist/client/browser.js',
      'dist/server/web-server.js',
      'images/icon.png',
      'LICENSE.txt',
    ]) {
      assert.ok(files.includes(needed), `${needed} is missing`);
    }
  });

  it('carries the web extension: the browser entry, its web-worker server and their wasm, free of Node', () => {
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { browser?: string };
    assert.equal(manifest.browser, './dist/client/browser.js');
    assert.ok(files.includes('dist/client/browser.js'));
    for (const wasm of ['tree-sitter.wasm', 'tree-sitter-typescript.wasm', 'tree-sitter-python.wasm'])
      assert.ok(files.includes(`dist/server/wasm/${wasm}`), `${wasm} is missing`);
    const unzip = (entry: string) =>
      execFileSync('unzip', ['-p', vsixPath, `extension/${entry}`], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
    for (const bundle of ['dist/client/browser.js', 'dist/server/web-server.js']) {
      const text = unzip(bundle);
      // A bundle for the browser that still requires a Node module would fail at load in vscode.dev.
      // Two kinds of `require(` text are not requires of the bundle: ajv writes them into the code it
      // generates (`.code = 'require("ajv/dist/runtime/…")'`), and emscripten's loader has a branch
      // taken only on Node (`if (ENVIRONMENT_IS_NODE) { var fs = require("fs") … }`).
      const required = [...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)]
        .filter(
          (m) => !text.slice(Math.max(0, (m.index ?? 0) - 300), m.index).includes('ENVIRONMENT_IS_NODE'),
        )
        .map((m) => m[1] as string)
        .filter((name) => name !== 'vscode' && !name.startsWith('ajv/dist/runtime/'));
      assert.deepEqual(required, [], `${bundle} requires modules the browser does not have`);
    }
  });

  it('carries every page of the getting-started walkthrough that package.json names', () => {
    const manifest = readFileSync(join(repo, 'package.json'), 'utf8');
    const media = [...manifest.matchAll(/"(docs\/walkthrough\/[^"]+)"/g)].map((m) => m[1] as string);
    assert.ok(media.length > 0);
    for (const page of media) assert.ok(files.includes(page), `${page} is not in the .vsix`);
  });

  it('carries every image and doc the README links, so the README shows whole in the editor', () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\(((?:docs|images)\/[^)#\s]+)/g)].map((m) => m[1] as string);
    assert.ok(linked.length > 0);
    for (const target of linked) {
      assert.ok(existsSync(join(repo, target)), `README links ${target}, which does not exist`);
      assert.ok(files.includes(target), `README links ${target}, which is not in the .vsix`);
    }
  });
});
