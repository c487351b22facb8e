// Bundles the extension client, the language server and the CLI with esbuild, and copies the
// tree-sitter WebAssembly files the code scanner loads at run time next to the bundles that need them.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');

/** The wasm files the scanner needs: the tree-sitter runtime and one grammar per language. */
const wasmFiles = [
  require.resolve('web-tree-sitter/tree-sitter.wasm'),
  ...['typescript', 'tsx', 'javascript', 'python', 'go'].map((name) =>
    join(dirname(require.resolve('tree-sitter-wasms/package.json')), 'out', `tree-sitter-${name}.wasm`),
  ),
];

// A production build starts from an empty dist/, so no stale bundle or source map reaches the .vsix.
if (production) rmSync(join(root, 'dist'), { recursive: true, force: true });

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const common = {
  define: { CLEARANCE_VERSION: JSON.stringify(version) },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // jsonc-parser's default (UMD) build hides its requires from bundlers; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  plugins: [
    {
      // web-tree-sitter's ESM build locates its wasm through import.meta.url, which a CommonJS bundle
      // lacks; its CommonJS build uses __dirname.
      name: 'web-tree-sitter-cjs',
      setup(b) {
        b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
      },
    },
  ],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['client/src/extension.ts'],
    outfile: 'dist/client/extension.js',
    external: ['vscode'],
  }),
  build({ ...common, entryPoints: ['server/src/lsp/server.ts'], outfile: 'dist/server/server.js' }),
  // Untrusted computation runs in this worker, beside server.js (see server/src/lsp/worker/).
  build({
    ...common,
    entryPoints: ['server/src/lsp/worker/analysis-worker.ts'],
    outfile: 'dist/server/analysis-worker.js',
  }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli/clearance.js' }),
  // The CLI's scan pool runs this in worker threads, beside clearance.js (see docs/scan-pool.md).
  build({
    ...common,
    entryPoints: ['server/src/scanner/project/scan-worker.ts'],
    outfile: 'dist/cli/scan-worker.js',
    metafile: true,
  }).then(({ metafile }) => writeSources('dist/cli/scan-worker.js', metafile, wasmFiles)),
]);

/**
 * Writes `<bundle minus .js>.sources.json` beside a bundle: each file it was built from, and the wasm
 * files copied beside it (relative to the bundle's folder), with a hash of each. The scan pool, run
 * from the TypeScript sources (bench, tests), refuses a bundled worker built from other sources
 * (`server/src/scanner/project/scan-worker-sources.ts`).
 */
function writeSources(bundle, metafile, copied) {
  const folder = join(root, dirname(bundle));
  const inputs = {};
  for (const file of [...Object.keys(metafile.inputs).map((input) => join(root, input)), ...copied].sort()) {
    inputs[relative(folder, file)] = createHash('sha256').update(readFileSync(file)).digest('hex');
  }
  writeFileSync(
    join(root, bundle.replace(/\.js$/, '.sources.json')),
    `${JSON.stringify({ inputs }, null, 1)}\n`,
  );
}

// The web extension (vscode.dev, github.dev): the browser client and the language server in a web
// worker. Nothing of Node may reach them: a few of our modules have browser twins (`*.browser.ts`),
// `node:path`, `node:crypto`, `node:url` and (reads only) `node:fs` have browser stand-ins, `Buffer` comes from the `buffer`
// package, and any other Node built-in fails the build naming the module that imports it.
/** Our Node-only modules and their browser twins (see docs/architecture.md, "The file layer"). */
const browserTwins = [
  'server/src/files/platform-files.ts',
  'server/src/scanner/wasm-files.ts',
  'server/src/identity/bounded-read.ts',
  'server/src/identity/run-command.ts',
  'server/src/rego/builtins/sync-fetch.ts',
  'server/src/identity/oidc/loopback.ts',
].map((file) => join(root, file));
const nodeBuiltins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const browserStandIns = {
  'node:path': 'path-browserify',
  path: 'path-browserify',
  'node:crypto': './server/src/web/node-crypto.ts',
  'node:url': './server/src/web/node-url.ts',
  // Reads only, from the workspace snapshot (the Rego authoring features' policy files and inputs).
  'node:fs': './server/src/web/node-fs.ts',
  // The language server's protocol types and values are the same in its browser build.
  'vscode-languageserver/node': 'vscode-languageserver/browser',
  // The `buffer` package from npm, not Node's module of that name.
  buffer: 'buffer/',
};
const web = {
  ...common,
  platform: 'browser',
  target: 'es2022',
  mainFields: ['browser', 'module', 'main'],
  alias: browserStandIns,
  inject: ['./server/src/web/globals.ts'],
  plugins: [
    {
      name: 'clearance-web',
      setup(b) {
        b.onResolve({ filter: /^\.\.?\// }, (args) => {
          const target = join(args.resolveDir, args.path);
          const twin = browserTwins.find((file) => file === target || file === `${target}.ts`);
          return twin ? { path: twin.replace(/\.ts$/, '.browser.ts') } : undefined;
        });
        b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
          if (!nodeBuiltins.has(args.path) || args.path in browserStandIns) return undefined;
          // web-tree-sitter's `await import('fs/promises')` runs only on Node (it tests for Node
          // first): it gets a module that throws, and stays out of the bundle.
          if (args.kind === 'dynamic-import' && args.importer.includes('node_modules'))
            return { path: join(root, 'server/src/web/node-unavailable.ts') };
          return {
            errors: [
              { text: `the web build imports the Node built-in '${args.path}' (from ${args.importer})` },
            ],
          };
        });
      },
    },
  ],
};

await Promise.all([
  build({
    ...web,
    entryPoints: ['client/src/browser.ts'],
    outfile: 'dist/client/browser.js',
    format: 'cjs',
    external: ['vscode'],
  }),
  build({
    ...web,
    entryPoints: ['server/src/lsp/web/web-server.ts'],
    outfile: 'dist/server/web-server.js',
    format: 'iife',
  }),
]);

for (const target of ['dist/server/wasm', 'dist/cli/wasm']) {
  mkdirSync(join(root, target), { recursive: true });
  for (const file of wasmFiles) {
    copyFileSync(file, join(root, target, file.split(/[\\/]/).pop()));
  }
}
