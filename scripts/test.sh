#!/usr/bin/env bash
# The README's test command (`npm test`): type check, lint, build, then the unit, LSP and end-to-end
# suites. `npm test -- unit` (or lsp, e2e) runs one suite. Node 20's test runner does not expand
# globs, so the test files are listed here.
set -euo pipefail
cd "$(dirname "$0")/.."
suites=("${@:-all}")
want() { [[ " ${suites[*]} " == *" all "* || " ${suites[*]} " == *" $1 "* ]]; }
files() { find "$1" -name '*.test.ts' | sort; }

if want all; then
  echo "== type check"; npx tsc -p tsconfig.json
  echo "== lint";       npx biome check .
fi
echo "== build";        node scripts/build.mjs
status=0
if want unit; then echo "== unit tests"; node --import tsx --test $(files test/unit) || status=1; fi
if want lsp;  then echo "== language server tests"; node --import tsx --test $(files test/lsp) || status=1; fi
if want e2e;  then echo "== end-to-end tests"; node --import tsx --test --test-concurrency=1 $(files test/e2e) || status=1; fi
exit $status
