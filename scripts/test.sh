#!/usr/bin/env bash
# The README's test command (`npm test`): type check, lint, build, then the unit, language-server and
# end-to-end suites, and one closing line with the totals. `npm test -- unit` (or lsp, e2e) runs one
# suite. Node 20's test runner does not expand globs, so the test files are listed here.
set -euo pipefail
cd "$(dirname "$0")/.."
suites=("${@:-all}")
for suite in "${suites[@]}"; do
  case $suite in all | unit | lsp | e2e) ;; *) echo "npm test: unknown suite '$suite' (use unit, lsp or e2e)" >&2; exit 2 ;; esac
done
want() { [[ " ${suites[*]} " == *" all "* || " ${suites[*]} " == *" $1 "* ]]; }
files() { find "$1" -name '*.test.ts' | sort; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if want all; then
  echo "== type check"; npx tsc -p tsconfig.json
  echo "== lint";       npx biome check .
  echo "== doc links";  node scripts/check-links.mjs
fi
echo "== build";        node scripts/build.mjs
status=0
run_suite() {
  local name=$1 dir=$2; shift 2
  echo "== $name"
  node --import tsx --test "$@" $(files "$dir") | tee -a "$log" || status=1
}
# A timeout turns a test that hangs into a failure instead of a stalled run. Node 20 applies it to
# each test file as a whole, not to each test: the scan pool's file took over 180 s at load 25 on
# 2 cores, and was cancelled while passing.
want unit && run_suite 'unit tests' test/unit --test-timeout=600000
want lsp && run_suite 'language server tests' test/lsp --test-timeout=600000
want e2e && run_suite 'end-to-end tests' test/e2e --test-concurrency=1 --test-timeout=600000
sum() { awk -v key="# $1" '$1 " " $2 == key { n += $3 } END { print n + 0 }' "$log"; }
# A test cancelled by its suite's timeout failed too (node counts it apart, as "cancelled").
echo "total: $(sum pass) passed, $(( $(sum fail) + $(sum cancelled) )) failed, $(sum skipped) skipped"
exit $status
