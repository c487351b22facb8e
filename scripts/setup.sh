#!/usr/bin/env bash
# One-command setup for Clearance (`npm run setup`): the repo's npm dependencies, the Debian packages the
# end-to-end tests need (Chromium, libkrb5-dev, ripgrep, an emoji font), and a private code-server in .e2e/code-server/.
# Idempotent: every step checks first and is skipped when its result is already there.
# CLEARANCE_SKIP_E2E_SETUP=1 installs only the npm dependencies (enough for the unit tests).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo_root

# code-server 4.100.3 (VS Code 1.100.3) is the newest release that runs on Node 20.
readonly code_server_version='4.100.3'
readonly code_server_dir="$repo_root/.e2e/code-server"
readonly code_server_bin="$code_server_dir/node_modules/.bin/code-server"
# @vscode/ripgrep as pinned by code-server 4.100.3's lib/vscode/npm-shrinkwrap.json, and the ripgrep build
# its postinstall would download from GitHub (unreachable here): we hand it Debian's rg in its cache instead.
readonly vscode_ripgrep_version='1.15.11'
readonly ripgrep_build='v13.0.0-10'
# Chromium for the end-to-end tests, libkrb5-dev to build code-server's kerberos module, ripgrep for its file
# search, an emoji font so that the hovers' verdict marks (⛔ ✅) render in screenshots, Go (the reference
# implementation of sprintf, time layouts and text/template for the engine's oracle fixtures), nginx (a real
# bundle server on 127.0.0.1) and Neovim (a real other editor for the standalone language server).
readonly apt_packages=(chromium libkrb5-dev ripgrep fonts-noto-color-emoji golang-go nginx neovim unzip)

started_at=$SECONDS

say() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
fail() {
  printf '\nsetup failed: %s\n' "$*" >&2
  exit 1
}

# npm ci wipes node_modules, so it only runs when the installed tree is older than the manifests.
install_npm_dependencies() {
  say 'npm dependencies'
  cd "$repo_root"
  local hidden_lock='node_modules/.package-lock.json'
  if [[ -f package-lock.json ]]; then
    if [[ -f $hidden_lock && $hidden_lock -nt package-lock.json && $hidden_lock -nt package.json ]]; then
      note 'node_modules is up to date with package-lock.json: skipped'
      return
    fi
    local ci_log
    ci_log="$(mktemp)"
    if npm ci --no-audit --no-fund >"$ci_log" 2>&1; then
      cat "$ci_log"
      rm -f "$ci_log"
      return
    fi
    # npm ci also insists on lock entries for other platforms' optional packages (biome's), which a registry
    # mirror without them cannot provide; npm install accepts the same lockfile and leaves it unchanged.
    if grep -q 'package.json and package-lock.json or npm-shrinkwrap.json are in sync' "$ci_log"; then
      grep '^npm error Missing:' "$ci_log" | head -3 || true
      rm -f "$ci_log"
      note 'npm ci refused the lockfile as out of sync: running npm install instead'
      npm install --no-audit --no-fund
      return
    fi
    cat "$ci_log"
    rm -f "$ci_log"
    fail 'npm ci failed; see the output above'
  else
    note 'no package-lock.json: running npm install'
    npm install --no-audit --no-fund
  fi
}

is_apt_package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_debian_packages() {
  say "Debian packages: ${apt_packages[*]}"
  local missing=()
  local package
  for package in "${apt_packages[@]}"; do
    if command -v dpkg-query >/dev/null && is_apt_package_installed "$package"; then
      continue
    fi
    missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then
    note 'all present: skipped'
    return
  fi
  note "missing: ${missing[*]}"
  local runner=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      runner=(sudo)
    else
      fail "not root and no password-less sudo. Install these Debian packages yourself, then run npm run setup again:
    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    fi
  fi
  if ! command -v apt-get >/dev/null; then
    fail "apt-get not found. Install the equivalents of: ${missing[*]} (Chromium at /usr/bin/chromium)"
  fi
  "${runner[@]}" apt-get update
  "${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

is_code_server_working() {
  [[ -x $code_server_bin ]] &&
    [[ -x $code_server_dir/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg ]] &&
    "$code_server_bin" --version 2>/dev/null | grep -q "^$code_server_version "
}

# Where @vscode/ripgrep's postinstall looks before downloading: $TMPDIR/vscode-ripgrep-cache-<its version>/.
prepare_ripgrep_cache() {
  local target
  case "$(uname -m)" in
    x86_64) target='x86_64-unknown-linux-musl' ;;
    aarch64 | arm64) target='aarch64-unknown-linux-musl' ;;
    *) fail "no known ripgrep build name for $(uname -m)" ;;
  esac
  local rg_path
  rg_path="$(command -v rg)" || fail 'rg (Debian package ripgrep) is not installed'
  local cache_dir="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$vscode_ripgrep_version"
  local archive="$cache_dir/ripgrep-$ripgrep_build-$target.tar.gz"
  mkdir -p "$cache_dir"
  tar -czf "$archive" -C "$(dirname "$rg_path")" "$(basename "$rg_path")"
  note "ripgrep cache: $archive (from $rg_path)"
}

install_code_server() {
  say "code-server $code_server_version in .e2e/code-server"
  if is_code_server_working; then
    note 'already installed and working: skipped'
    return
  fi
  prepare_ripgrep_cache
  mkdir -p "$code_server_dir"
  # A package.json of its own keeps code-server out of the repo's dependencies and lockfile.
  if [[ ! -f $code_server_dir/package.json ]]; then
    printf '{\n  "name": "clearance-e2e-code-server",\n  "private": true\n}\n' >"$code_server_dir/package.json"
  fi
  note 'this takes a few minutes the first time (it builds native modules)'
  (
    cd "$code_server_dir"
    # As root code-server's postinstall requires unsafe-perm; node-pty's runs `npx node-gyp`, which needs yes.
    npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --save-exact "code-server@$code_server_version"
  ) || fail "code-server did not install. It needs python3, make, g++ and libkrb5-dev; see the output above"
  is_code_server_working || fail "code-server installed but $code_server_bin --version does not answer"
}

main() {
  install_npm_dependencies
  if [[ ${CLEARANCE_SKIP_E2E_SETUP:-} == 1 ]]; then
    say 'CLEARANCE_SKIP_E2E_SETUP=1: skipped the Debian packages and code-server (unit tests only)'
  else
    install_debian_packages
    install_code_server
  fi
  say "setup done in $((SECONDS - started_at))s"
}

main "$@"
