#!/usr/bin/env node
// The `clearance` command: a thin launcher for the bundled CLI, so `npx clearance` works from a clone.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'cli', 'clearance.js');
if (!existsSync(bundle)) {
  process.stderr.write(
    'clearance: the CLI is not built yet; run `npm run build` (npm install does it too).\n',
  );
  // Not a wrong command line (64) nor a result (0 to 3): Clearance itself cannot run, as an internal
  // error (70, EX_SOFTWARE), so CI does not read an unbuilt checkout as a check that found something.
  process.exit(70);
}
require(bundle).main();
