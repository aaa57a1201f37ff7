# shellcheck shell=bash
# Source this file (". scripts/env.sh") from every other script: it puts the project-local Pulumi
# toolchain (built by scripts/toolchain.sh into .tools/) first on PATH and keeps Pulumi offline and
# inside the project. Safe to source more than once.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

__portal_prepend_path() {
  case ":${PATH}:" in
    *":$1:"*) ;;
    *) PATH="$1${PATH:+:${PATH}}" ;;
  esac
}
# node22 first, then .tools/bin (so .tools/bin ends up first of all).
__portal_prepend_path "$ROOT/.tools/node22/node_modules/.bin"
__portal_prepend_path "$ROOT/.tools/bin"
unset -f __portal_prepend_path
export PATH

export PULUMI_HOME="$ROOT/.tools/pulumi-home"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$ROOT/.pulumi-state}"
# Local file-backend stacks only: not a secret. Shared stacks must set their own passphrase or KMS key.
if [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-local-only-not-a-secret}"
fi
