#!/usr/bin/env node
// The `clearance` command: a thin launcher for the bundled CLI, so `npx clearance` works from a clone.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'cli', 'clearance.js');
if (!existsSync(bundle)) {
  process.stderr.write(
    'clearance: the CLI is not built yet; run `npm run build` (npm install does it too).\n',
  );
  process.exit(2);
}
require(bundle).main();
