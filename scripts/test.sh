#!/usr/bin/env bash
# The test command (README, .ci/run): set-up, typecheck, lint, then every suite — unit (mocks),
# policies, integration (real Postgres 17, Neon API double) and e2e (the real Pulumi engine).
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh
echo "[test] typecheck (tsc --noEmit)"
bash scripts/run-node22.sh tsc --noEmit -p .
echo "[test] lint and format check (biome, zero warnings)"
bash scripts/run-node22.sh biome check --error-on-warnings .
echo "[test] vitest: unit, policies, integration, e2e"
bash scripts/run-node22.sh vitest run "$@"
