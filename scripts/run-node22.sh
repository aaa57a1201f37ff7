#!/usr/bin/env bash
# Runs a project binary (vitest, tsx, tsc, ...) under Node 22 from .tools/, as @pulumi/pulumi asks.
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if [[ "$(node --version)" != v22.* ]]; then
  echo "Node 22 is not set up ($(node --version) on PATH): run 'npm run setup' first" >&2
  exit 1
fi
bin=$1
shift
exec "$ROOT/node_modules/.bin/$bin" "$@"
