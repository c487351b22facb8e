#!/usr/bin/env node
// `clearance-language-server`: the Clearance language server for any LSP editor, over stdio unless
// another transport (--node-ipc, --socket=N, --pipe=NAME) is given. Same as `clearance lsp --stdio`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'server', 'server.js');
if (!existsSync(bundle)) {
  process.stderr.write(
    'clearance-language-server: not built yet; run `npm run build` (npm install does it too).\n',
  );
  process.exit(2);
}
if (!process.argv.slice(2).some((a) => /^--(stdio|node-ipc|socket|pipe)(=|$)/.test(a)))
  process.argv.push('--stdio');
require(bundle);
