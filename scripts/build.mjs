// Bundles the extension client, the language server and the CLI with esbuild, and copies the
// tree-sitter WebAssembly files the code scanner loads at run time next to the bundles that need them.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
]);

for (const target of ['dist/server/wasm', 'dist/cli/wasm']) {
  mkdirSync(join(root, target), { recursive: true });
  for (const file of wasmFiles) {
    copyFileSync(file, join(root, target, file.split(/[\\/]/).pop()));
  }
}
