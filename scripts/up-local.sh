#!/usr/bin/env bash
# The main job: `pulumi up` of the local tier, with the policy pack, on a file backend inside the project.
# On a fresh machine it first installs what it needs (scripts/setup.sh) and starts the local Postgres 17
# sandbox. Run it again and nothing changes. Extra arguments go to `pulumi up` (e.g. --diff).
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

bash scripts/setup.sh
echo "[up:local] starting the local Postgres 17 sandbox"
bash scripts/run-node22.sh tsx scripts/sandbox.ts start

mkdir -p "$ROOT/.pulumi-state"
pulumi stack select local 2>/dev/null || pulumi stack init local --secrets-provider passphrase
policy=(--policy-pack policies --policy-pack-config policies/config/local.json)
echo "[up:local] pulumi up --stack local ${policy[*]}"
pulumi up --stack local --yes "${policy[@]}" "$@"

# `pulumi up` has printed the stack's outputs; the schedule reads better as the evidence table.
echo "[up:local] rotation schedule"
bash scripts/run-node22.sh tsx scripts/rotation-report.ts --stack local --no-files
echo "[up:local] .env.local (mode $(stat -c %a .env.local)) holds the URLs; stop the sandbox with: npm run sandbox:stop"
