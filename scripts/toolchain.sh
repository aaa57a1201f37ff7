#!/usr/bin/env bash
# Builds the real Pulumi engine toolchain from the Go module proxy at pinned versions and installs it
# into the project-local .tools/ (git-ignored):
#   .tools/bin/pulumi                         CLI, github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
#   .tools/bin/pulumi-language-nodejs         Node.js language host
#   .tools/bin/pulumi-resource-pulumi-nodejs  dynamic-provider shim (script from @pulumi/pulumi's sdk)
#   .tools/bin/pulumi-analyzer-policy         policy-pack shim (script)
#   .tools/pulumi-home/plugins/...            resource plugins: random, command, vercel, onepassword
#   .tools/node22/                            Node 22 from npm (@pulumi/pulumi 3.276 needs Node >= 22)
#   .tools/toolchain.json                     what was built: name, version, status, error
# Built binaries are cached under ${PORTAL_INFRA_CACHE:-$HOME/.cache/portal-infra}, keyed by
# component, version, recipe, Go version and, for the substitutes, a hash of their Go sources (plus
# Go's own GOCACHE/GOMODCACHE), so a second run, even from a fresh clone elsewhere on the same
# machine, takes seconds. A `pulumi` of the right version already on PATH (and plugins already in
# ~/.pulumi) are used instead of building. Nothing is downloaded except through the Go module proxy
# and npm.
#
# The output is one line per component; upstream modules that the proxy does not serve are recorded
# with module, version and the whole error in toolchain.json. For the language host and the
# random/command providers the script then builds a project-written substitute on the pinned sdk/v3
# (status "substitute") from scripts/toolchain/language-nodejs and scripts/toolchain/providers (each
# main.go says what it stands in for): it keeps the real CLI, engine, @pulumi/pulumi runtime and
# policy packs working offline. TOOLCHAIN_NO_SUBSTITUTES=1 forbids that.
# Exit status is 0 only if the required parts (CLI, language host, shims, random, command, node22)
# are in place. TOOLCHAIN_RETRY=1 asks again for modules that failed in the last 24 hours.
set -euo pipefail

ORIG_PULUMI_HOME="${PULUMI_HOME:-$HOME/.pulumi}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/env.sh
. "$SCRIPT_DIR/env.sh"

PULUMI_VERSION=3.276.0
NODE_VERSION=22.23.3
RECIPE=1 # bump to invalidate every cached build
SUBSTITUTES="$SCRIPT_DIR/toolchain" # Go sources of the substitutes, one module per directory

# name | version | provider module | sdk module (its tag marks the release commit) | kind | version package
PROVIDERS=(
  "random|4.21.2|github.com/pulumi/pulumi-random/provider/v4|github.com/pulumi/pulumi-random/sdk/v4|bridged|github.com/pulumi/pulumi-random/provider/v4/pkg/version"
  "command|1.2.1|github.com/pulumi/pulumi-command/provider|github.com/pulumi/pulumi-command/sdk|native|github.com/pulumi/pulumi-command/provider/pkg/version"
  "vercel|5.4.1|github.com/pulumiverse/pulumi-vercel/provider/v5|github.com/pulumiverse/pulumi-vercel/sdk/v5|bridged|github.com/pulumiverse/pulumi-vercel/provider/v5/pkg/version"
  "onepassword|1.1.3|github.com/1Password/pulumi-onepassword/provider|github.com/1Password/pulumi-onepassword/sdk|bridged|github.com/1Password/pulumi-onepassword/provider/pkg/version"
)
REQUIRED=(pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs pulumi-analyzer-policy random command node22)

PKG_MOD=github.com/pulumi/pulumi/pkg/v3
SDK_MOD=github.com/pulumi/pulumi/sdk/v3
LANGHOST_MOD=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
VERSION_LDFLAG="-X $SDK_MOD/go/common/version.Version=v$PULUMI_VERSION"

CACHE="${PORTAL_INFRA_CACHE:-$HOME/.cache/portal-infra}"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
LOGS="$CACHE/logs"
mkdir -p "$CACHE/bin" "$CACHE/src" "$CACHE/fail" "$LOGS" "$BIN" "$PULUMI_HOME"
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
GO_VERSION="$(go env GOVERSION 2>/dev/null || echo none)"
GO_PLATFORM="$(go env GOOS 2>/dev/null || echo none)-$(go env GOARCH 2>/dev/null || echo none)"
START=$SECONDS

# One run at a time per cache (parallel runs would race on the same build outputs).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.lock"
  flock 9
fi

log() { echo "[toolchain] $*"; }
warn() { echo "[toolchain] WARNING: $*" >&2; }
sha() { sha256sum | cut -c1-16; }
no_urls() { sed -E 's#[[:alpha:]][[:alnum:]+.-]*://[^[:space:]]+#<url>#g'; }
STATUS_FILE="${TOOLS#"$ROOT"/}/toolchain.json"

# ---------------------------------------------------------------- results and toolchain.json
# The console gets one line per component; the whole error goes to toolchain.json only. A build that
# failed in this run (not a remembered failure) also gets the tail of its log: set SHOW_LOG first.
RESULT_NAMES=()
REMEMBERED=0 SHOW_LOG=""
declare -A R_VERSION=() R_STATUS=() R_DETAIL=() R_ERROR=()
record() { # name version status(ok|cached|reused|substitute|failed) detail error [console note]
  local n="$1" note="${6:-}"
  [[ -n "${R_STATUS[$n]+x}" ]] || RESULT_NAMES+=("$n")
  R_VERSION[$n]="$2"; R_STATUS[$n]="$3"; R_DETAIL[$n]="${4:-}"; R_ERROR[$n]="${5:-}"
  case "$3" in
    failed) echo "[toolchain] $n $2: FAILED (${note:-$(summarize "${5:-}")}; see $STATUS_FILE)" >&2 ;;
    substitute) log "$n $2: substitute (${note:-$(summarize "${5:-}")}; see $STATUS_FILE)" ;;
    *) log "$n $2: $3${4:+ ($4)}" ;;
  esac
  if [[ -n "$SHOW_LOG" ]]; then
    echo "[toolchain]   last lines of $SHOW_LOG:" >&2
    tail_err "$SHOW_LOG" | no_urls | sed 's/^/[toolchain]   | /' >&2
    SHOW_LOG=""
  fi
}
# One-line reason for the console from an error that may span lines and hold the proxy's URLs.
summarize() { # error [subject]
  local subject="${2:-upstream module}"
  case "$1" in
    *"403 Forbidden"* | *"404 Not Found"* | *"410 Gone"* | *"not available"*)
      echo "$subject not served by the Go proxy" ;;
    *"build failed"*) echo "$subject build failed" ;;
    *) printf '%s\n' "$1" | head -n1 | no_urls | cut -c1-120 ;;
  esac
}
json_str() {
  local s="$1"
  s="${s//\\/\\\\}"; s="${s//\"/\\\"}"; s="${s//$'\n'/\\n}"; s="${s//$'\r'/}"; s="${s//$'\t'/\\t}"
  s="$(printf '%s' "$s" | tr -d '\000-\010\013\014\016-\037')"
  printf '"%s"' "$s"
}
write_status() {
  local f="$TOOLS/toolchain.json" first=1 n
  {
    printf '{\n  "pulumiVersion": %s,\n  "goVersion": %s,\n  "components": [\n' \
      "$(json_str "$PULUMI_VERSION")" "$(json_str "$GO_VERSION")"
    for n in "${RESULT_NAMES[@]}"; do
      [[ $first == 1 ]] || printf ',\n'
      first=0
      local ok=false
      [[ "${R_STATUS[$n]}" != failed ]] && ok=true
      printf '    {"name": %s, "version": %s, "ok": %s, "status": %s, "detail": %s, "error": %s}' \
        "$(json_str "$n")" "$(json_str "${R_VERSION[$n]}")" "$ok" "$(json_str "${R_STATUS[$n]}")" \
        "$(json_str "${R_DETAIL[$n]}")" "$(json_str "${R_ERROR[$n]}")"
    done
    printf '\n  ]\n}\n'
  } >"$f.tmp"
  mv "$f.tmp" "$f"
}

# ---------------------------------------------------------------- helpers
install_file() { # src dest: hard link (cheap) or copy
  rm -f "$2"
  ln "$1" "$2" 2>/dev/null || cp -p "$1" "$2"
  chmod +x "$2"
}
# Remembered failures: a module that the proxy refused is not asked again for 24h. Callers set
# REMEMBERED=1 when they use one (fail_get runs in a command substitution's subshell).
fail_get() { # key -> prints cached error, status 0 if a fresh one exists
  local f="$CACHE/fail/$1"
  [[ "${TOOLCHAIN_RETRY:-0}" != 1 && -f "$f" ]] || return 1
  [[ $(($(date +%s) - $(stat -c %Y "$f"))) -lt 86400 ]] || return 1
  cat "$f"
}
fail_put() { printf '%s' "$2" >"$CACHE/fail/$1"; }
tail_err() { grep -v '^go: downloading' "$1" | tail -n "${2:-15}"; }

# JSON field from `go mod download -json` output (flat string fields only).
json_field() { sed -n "s/^[[:space:]]*\"$1\": \"\\(.*\\)\",\\{0,1\\}$/\\1/p" | head -n1; }

# go_download MODULE@VERSION -> sets DL_DIR, DL_GOMOD, DL_HASH (commit, when the proxy tells it),
# DL_TIME (commit time, from the .info file) or DL_ERR (returns 1)
go_download() {
  local out
  DL_DIR="" DL_GOMOD="" DL_HASH="" DL_TIME="" DL_ERR=""
  out="$(go mod download -json "$1" 2>&1)" || true
  DL_ERR="$(printf '%s\n' "$out" | json_field Error)"
  if [[ -n "$DL_ERR" ]]; then
    DL_ERR="$(printf '%b' "$DL_ERR")"
    return 1
  fi
  DL_DIR="$(printf '%s\n' "$out" | json_field Dir)"
  DL_GOMOD="$(printf '%s\n' "$out" | json_field GoMod)"
  DL_HASH="$(printf '%s\n' "$out" | json_field Hash)"
  local info
  info="$(printf '%s\n' "$out" | json_field Info)"
  [[ -z "$info" || ! -f "$info" ]] || DL_TIME="$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info")"
  if [[ -z "$DL_DIR" ]]; then
    DL_ERR="$(printf '%s' "$out" | tail -n 5)"
    return 1
  fi
}

# Non-directory replace directives of a go.mod (one "old => new version" per line).
remote_replaces() {
  awk '
    /^replace[[:space:]]*\(/ { inblock = 1; next }
    inblock && /^\)/ { inblock = 0; next }
    /^replace[[:space:]]/ { sub(/^replace[[:space:]]+/, ""); print; next }
    inblock { print }
  ' "$1" | sed 's://.*$::' | awk -F'=>' 'NF == 2 {
      rhs = $2; gsub(/^[[:space:]]+|[[:space:]]+$/, "", rhs)
      lhs = $1; gsub(/^[[:space:]]+|[[:space:]]+$/, "", lhs)
      if (rhs ~ /^(\.|\/)/) next
      print lhs " => " rhs
    }'
}

# ---------------------------------------------------------------- external tools already on PATH
find_external() { # name -> path of a binary on PATH outside our .tools
  local d
  local IFS=:
  for d in $PATH; do
    [[ -z "$d" || "$d" == "$BIN" || "$d" == "$TOOLS"/* ]] && continue
    if [[ -x "$d/$1" && ! -d "$d/$1" ]]; then
      printf '%s\n' "$d/$1"
      return 0
    fi
  done
  return 1
}

# ---------------------------------------------------------------- 1. Pulumi CLI
build_cli() {
  local name=pulumi ext
  if ext="$(find_external pulumi)" && [[ "$("$ext" version 2>/dev/null)" == "v$PULUMI_VERSION" ]]; then
    ln -sf "$ext" "$BIN/pulumi"
    record pulumi "$PULUMI_VERSION" reused "$ext"
    return
  fi
  local wrap="$CACHE/src/pulumi-v$PULUMI_VERSION"
  local gomod
  gomod="$(printf 'module portal-infra.local/pulumi-cli\n\ngo 1.26\n\nrequire (\n\t%s v%s\n\t%s v%s\n)\n' \
    "$PKG_MOD" "$PULUMI_VERSION" "$SDK_MOD" "$PULUMI_VERSION")"
  local key
  key="$(printf '%s|%s|%s|%s|%s|%s' "$name" "$PULUMI_VERSION" "$RECIPE" "$GO_VERSION" "$GO_PLATFORM" "$gomod" | sha)"
  local out="$CACHE/bin/$name-$key/$name"
  if [[ -x "$out" ]]; then
    install_file "$out" "$BIN/pulumi"
    record pulumi "$PULUMI_VERSION" cached "$out"
    return
  fi
  local err
  if err="$(fail_get "$name-$key")"; then
    REMEMBERED=1
    record pulumi "$PULUMI_VERSION" failed "" "$err (remembered; TOOLCHAIN_RETRY=1 retries)"
    return
  fi
  if ! go_download "$PKG_MOD@v$PULUMI_VERSION"; then
    err="module $PKG_MOD version v$PULUMI_VERSION: $DL_ERR"
    fail_put "$name-$key" "$err"
    record pulumi "$PULUMI_VERSION" failed "" "$err"
    return
  fi
  mkdir -p "$wrap"
  {
    printf '%s\n' "$gomod"
    # pkg's go.mod replaces sdk with ../sdk (refused by go install): repeat only its remote replaces.
    remote_replaces "$DL_GOMOD" | sed 's/^/replace /'
  } >"$wrap/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s/cmd/pulumi"\n' "$PKG_MOD" >"$wrap/tools.go"
  local blog="$LOGS/$name-$key.log"
  log "building pulumi v$PULUMI_VERSION ($PKG_MOD/cmd/pulumi) ... (first time: 10-20 min on 2 cores)"
  if (cd "$wrap" && go mod tidy && mkdir -p "$(dirname "$out")" &&
    go build -trimpath -ldflags "$VERSION_LDFLAG" -o "$out.tmp" "$PKG_MOD/cmd/pulumi") >"$blog" 2>&1; then
    mv "$out.tmp" "$out"
    install_file "$out" "$BIN/pulumi"
    record pulumi "$PULUMI_VERSION" ok "built from $PKG_MOD@v$PULUMI_VERSION"
  else
    err="module $PKG_MOD version v$PULUMI_VERSION: build failed: $(tail_err "$blog")"
    SHOW_LOG="$blog"
    record pulumi "$PULUMI_VERSION" failed "log: $blog" "$err" "build failed"
  fi
}

# ---------------------------------------------------------------- substitutes
# Project-written stand-ins, built only after the proxy refused the upstream module and never under
# TOOLCHAIN_NO_SUBSTITUTES=1. Each is a Go module in $SUBSTITUTES/<dir> (go.mod pins sdk/v3, go.sum
# pins everything else), copied to the cache and built there as committed: -mod=readonly, no go.work,
# no VCS stamp. The cache key includes subst_hash, so editing a source file rebuilds.
subst_files() { # dir -> its go.mod, go.sum and *.go, one per line, sorted
  (cd "$1" && find . -maxdepth 1 -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) | LC_ALL=C sort)
}
subst_hash() { # dir -> hash of the names and contents of its subst_files
  (cd "$SUBSTITUTES/$1" && subst_files . | xargs -d '\n' sha256sum) | sha
}
# build_substitute DIR OUT LDFLAGS: builds $SUBSTITUTES/DIR into OUT unless OUT is there; on failure
# sets SUBST_ERR and SUBST_LOG (empty when the failure has no log) and returns 1.
build_substitute() {
  local dir="$1" out="$2" ldflags="$3"
  local from="$SUBSTITUTES/$dir" rel="scripts/toolchain/$dir"
  SUBST_ERR="" SUBST_LOG=""
  [[ ! -x "$out" ]] || return 0
  if [[ ! -f "$from/go.mod" ]]; then
    SUBST_ERR="$rel/go.mod is missing: the substitute's sources are not in this checkout"
    return 1
  fi
  # The go.mod must name the CLI's sdk/v3: the substitute speaks that release's protocols.
  if ! grep -Eq "^[[:space:]]*(require[[:space:]]+)?${SDK_MOD//./\\.} v${PULUMI_VERSION//./\\.}([[:space:]]|$)" \
    "$from/go.mod" 2>/dev/null; then
    SUBST_ERR="$rel/go.mod does not require $SDK_MOD v$PULUMI_VERSION: in $rel run \`go get $SDK_MOD@v$PULUMI_VERSION && go mod tidy\`"
    return 1
  fi
  local key="${out%/*}" src
  src="$CACHE/src/substitute-$dir-${key##*-}"
  rm -rf "$src"
  mkdir -p "$src"
  subst_files "$from" | (cd "$from" && xargs -d '\n' cp -t "$src")
  SUBST_LOG="$LOGS/${key##*/}.log"
  log "building ${out##*/} substitute from $rel on $SDK_MOD v$PULUMI_VERSION ..."
  if ! (cd "$src" && mkdir -p "${out%/*}" &&
    GOWORK=off go build -mod=readonly -buildvcs=false -trimpath -ldflags "$ldflags" -o "$out.tmp" .) \
    >"$SUBST_LOG" 2>&1; then
    SUBST_ERR="substitute build failed ($rel): $(tail_err "$SUBST_LOG")"
    return 1
  fi
  mv "$out.tmp" "$out"
}

# ---------------------------------------------------------------- 2. Node.js language host
build_langhost() {
  local name=pulumi-language-nodejs ext
  if ext="$(find_external pulumi)" && [[ -x "$(dirname "$ext")/$name" ]] &&
    [[ "$("$ext" version 2>/dev/null)" == "v$PULUMI_VERSION" ]]; then
    ln -sf "$(dirname "$ext")/$name" "$BIN/$name"
    record "$name" "$PULUMI_VERSION" reused "$(dirname "$ext")/$name"
    return
  fi

  # Upstream first: the same version as the CLI if served, else the nearest served one.
  local ukey upstream_err="" version=""
  ukey="$(printf '%s|%s|%s|%s|%s' "$name" "$PULUMI_VERSION" "$RECIPE" "$GO_VERSION" "$GO_PLATFORM" | sha)"
  local out="$CACHE/bin/$name-$ukey/$name"
  if [[ -x "$out" ]]; then
    install_file "$out" "$BIN/$name"
    record "$name" "$(cat "$out.version" 2>/dev/null || echo "$PULUMI_VERSION")" cached "$out"
    return
  fi
  if upstream_err="$(fail_get "$name-$ukey")"; then
    REMEMBERED=1
  else
    local versions lerr=""
    if versions="$(go list -m -versions "$LANGHOST_MOD" 2>&1)"; then
      # shellcheck disable=SC2086
      version="$(printf '%s\n' ${versions#"$LANGHOST_MOD"} | sed 's/^v//' | awk -v want="$PULUMI_VERSION" '
        function num(v,  a) { split(v, a, "."); return a[1] * 1e6 + a[2] * 1e3 + a[3] }
        /^[0-9]+\.[0-9]+\.[0-9]+$/ { d = num($0) - num(want); if (d < 0) d = -d
          if (best == "" || d < bestd) { best = $0; bestd = d } }
        END { print best }')"
      [[ -n "$version" ]] || lerr="go list -m -versions $LANGHOST_MOD: no released versions listed"
    else
      lerr="go list -m -versions $LANGHOST_MOD: $versions"
    fi
    if [[ -z "$version" ]]; then
      if go_download "$LANGHOST_MOD@v$PULUMI_VERSION"; then
        version="$PULUMI_VERSION"
      else
        upstream_err="$lerr; module $LANGHOST_MOD version v$PULUMI_VERSION: $DL_ERR"
      fi
    fi
    if [[ -n "$version" ]]; then
      if go_download "$LANGHOST_MOD@v$version"; then
        local wrap="$CACHE/src/$name-v$version" blog="$LOGS/$name-$ukey.log"
        mkdir -p "$wrap"
        {
          printf 'module portal-infra.local/language-nodejs\n\ngo 1.26\n\nrequire (\n'
          printf '\t%s v%s\n\t%s v%s\n\t%s v%s\n)\n' "$LANGHOST_MOD" "$version" \
            "$PKG_MOD" "$PULUMI_VERSION" "$SDK_MOD" "$PULUMI_VERSION"
          remote_replaces "$DL_GOMOD" | sed 's/^/replace /'
        } >"$wrap/go.mod"
        printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$LANGHOST_MOD" >"$wrap/tools.go"
        log "building $name v$version ($LANGHOST_MOD) ..."
        if (cd "$wrap" && go mod tidy && mkdir -p "$(dirname "$out")" &&
          go build -trimpath -ldflags "$VERSION_LDFLAG" -o "$out.tmp" "$LANGHOST_MOD") >"$blog" 2>&1; then
          mv "$out.tmp" "$out"
          echo "$version" >"$out.version"
          install_file "$out" "$BIN/$name"
          record "$name" "$version" ok "built from $LANGHOST_MOD@v$version"
          return
        fi
        upstream_err="module $LANGHOST_MOD version v$version: build failed: $(tail_err "$blog")"
        SHOW_LOG="$blog"
      else
        upstream_err="module $LANGHOST_MOD version v$version: $DL_ERR"
      fi
    fi
    fail_put "$name-$ukey" "$upstream_err"
  fi
  local why
  why="$(summarize "$upstream_err")"
  if [[ "${TOOLCHAIN_NO_SUBSTITUTES:-0}" == 1 ]]; then
    rm -f "$BIN/$name"
    record "$name" "$PULUMI_VERSION" failed "" "$upstream_err" "$why; TOOLCHAIN_NO_SUBSTITUTES=1 forbids a substitute"
    return
  fi

  # Substitute: a small language host over the pinned sdk/v3 that runs the real @pulumi/pulumi runners.
  local skey
  skey="$(printf '%s|substitute|%s|%s|%s|%s|%s' "$name" "$PULUMI_VERSION" "$RECIPE" "$GO_VERSION" "$GO_PLATFORM" \
    "$(subst_hash language-nodejs)" | sha)"
  out="$CACHE/bin/$name-$skey/$name"
  if ! build_substitute language-nodejs "$out" "-X main.Version=$PULUMI_VERSION"; then
    SHOW_LOG="$SUBST_LOG"
    record "$name" "$PULUMI_VERSION" failed "${SUBST_LOG:+log: $SUBST_LOG}" "$upstream_err; $SUBST_ERR" \
      "$why; $(printf '%s\n' "$SUBST_ERR" | head -n1 | cut -d: -f1)"
    return
  fi
  install_file "$out" "$BIN/$name"
  record "$name" "$PULUMI_VERSION" substitute \
    "substitute for the unavailable upstream module, built from scripts/toolchain/language-nodejs on $SDK_MOD@v$PULUMI_VERSION" \
    "upstream: $upstream_err" "$why"
}

# ---------------------------------------------------------------- 3. shims
install_shims() {
  local name=pulumi-resource-pulumi-nodejs
  # The dynamic-provider shim ships in the sdk/v3 module itself (sdk/nodejs/dist): take it from there.
  if go_download "$SDK_MOD@v$PULUMI_VERSION" && [[ -f "$DL_DIR/nodejs/dist/$name" ]]; then
    cp "$DL_DIR/nodejs/dist/$name" "$BIN/$name.tmp"
    chmod 755 "$BIN/$name.tmp"
    mv "$BIN/$name.tmp" "$BIN/$name"
    record "$name" "$PULUMI_VERSION" ok "from $SDK_MOD@v$PULUMI_VERSION nodejs/dist/$name"
  else
    record "$name" "$PULUMI_VERSION" failed "" "module $SDK_MOD version v$PULUMI_VERSION: ${DL_ERR:-nodejs/dist/$name not in module}"
  fi

  # The policy shim is no longer in the 3.276 sdk tree; this is the script Pulumi releases shipped
  # (sdk/nodejs/dist/pulumi-analyzer-policy). 3.276's CLI runs node packs through the language host's
  # RunPlugin and only falls back to this when no language host is found.
  name=pulumi-analyzer-policy
  cat >"$BIN/$name.tmp" <<'SH'
#!/bin/sh
PULUMI_RUN_SCRIPT_PATH=$(node -e "try { console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack')) } catch (e) { console.error(e.message) }")
if [ ! -z "$PULUMI_RUN_SCRIPT_PATH" ]; then
    node "$PULUMI_RUN_SCRIPT_PATH" $@
fi
SH
  chmod 755 "$BIN/$name.tmp"
  mv "$BIN/$name.tmp" "$BIN/$name"
  record "$name" "$PULUMI_VERSION" ok "script as shipped in Pulumi releases"
}

# ---------------------------------------------------------------- substitute providers
# Only used when the real provider module cannot be had (TOOLCHAIN_NO_SUBSTITUTES=1 forbids it).
SUBSTITUTABLE=" random command "
build_provider_substitute() { # name version upstream_error
  local name="$1" version="$2" upstream_err="$3" why
  why="$(summarize "$upstream_err" "upstream provider module")"
  local key
  key="$(printf 'resource-%s|substitute|%s|%s|%s|%s|%s|%s' "$name" "$version" "$PULUMI_VERSION" "$RECIPE" \
    "$GO_VERSION" "$GO_PLATFORM" "$(subst_hash providers)" | sha)"
  local out="$CACHE/bin/resource-$name-$key/pulumi-resource-$name"
  if ! build_substitute providers "$out" "-X main.Package=$name -X main.Version=$version"; then
    SHOW_LOG="$SUBST_LOG"
    record "$name" "$version" failed "${SUBST_LOG:+log: $SUBST_LOG}" "$upstream_err; $SUBST_ERR" \
      "$why; $(printf '%s\n' "$SUBST_ERR" | head -n1 | cut -d: -f1)"
    return
  fi
  if plugin_install "$name" "$version" "$out"; then
    record "$name" "$version" substitute \
      "substitute for the unavailable upstream provider, built from scripts/toolchain/providers on $SDK_MOD@v$PULUMI_VERSION" \
      "upstream: $upstream_err" "$why"
  else
    SHOW_LOG="$PLUGIN_LOG"
    record "$name" "$version" failed "" "$upstream_err; $PLUGIN_ERR" "$why; pulumi plugin install failed"
  fi
}

# ---------------------------------------------------------------- 4. provider plugins
plugin_installed() { # name version
  [[ -x "$PULUMI_HOME/plugins/resource-$1-v$2/pulumi-resource-$1" ]]
}
plugin_install() { # name version binary -> on failure sets PLUGIN_ERR and PLUGIN_LOG (its output)
  PLUGIN_LOG="$LOGS/plugin-install-$1-$2.log"
  local installed="$PULUMI_HOME/plugins/resource-$1-v$2/pulumi-resource-$1"
  if [[ -x "$installed" ]] && cmp -s "$installed" "$3"; then
    return 0
  fi
  # `pulumi plugin install` leaves an installed version as it is: remove a different build first.
  if [[ -e "$installed" ]]; then
    pulumi plugin rm resource "$1" "$2" --yes >/dev/null 2>&1 || true
  fi
  if pulumi plugin install resource "$1" "$2" --file "$3" >"$PLUGIN_LOG" 2>&1; then
    return 0
  fi
  PLUGIN_ERR="pulumi plugin install resource $1 $2 --file $3: $(cat "$PLUGIN_LOG")"
  return 1
}

provider_unavailable() { # name version error
  if [[ "${TOOLCHAIN_NO_SUBSTITUTES:-0}" != 1 && "$SUBSTITUTABLE" == *" $1 "* ]]; then
    build_provider_substitute "$1" "$2" "$3"
    [[ "${R_STATUS[$1]}" != substitute ]] || : >"$PULUMI_HOME/plugins/resource-$1-v$2.portal-substitute"
  else
    if [[ -f "$PULUMI_HOME/plugins/resource-$1-v$2.portal-substitute" ]]; then
      pulumi plugin rm resource "$1" "$2" --yes >/dev/null 2>&1 || true
      rm -f "$PULUMI_HOME/plugins/resource-$1-v$2.portal-substitute"
    fi
    local why
    why="$(summarize "$3" "upstream provider module")"
    [[ "$SUBSTITUTABLE" != *" $1 "* ]] || why="$why; TOOLCHAIN_NO_SUBSTITUTES=1 forbids a substitute"
    record "$1" "$2" failed "" "$3" "$why"
  fi
}

build_provider() { # spec
  local name version mod sdkmod kind verpkg
  IFS='|' read -r name version mod sdkmod kind verpkg <<<"$1"
  local pdir="$PULUMI_HOME/plugins/resource-$name-v$version"
  if plugin_installed "$name" "$version" && [[ ! -f "$pdir.portal-substitute" ]]; then
    record "$name" "$version" cached "$pdir"
    return
  fi
  local orig="$ORIG_PULUMI_HOME/plugins/resource-$name-v$version/pulumi-resource-$name"
  if [[ "$ORIG_PULUMI_HOME" != "$PULUMI_HOME" && -x "$orig" && ! -f "$(dirname "$orig").portal-substitute" ]]; then
    rm -f "$pdir.portal-substitute"
    if plugin_install "$name" "$version" "$orig"; then
      record "$name" "$version" reused "$orig"
    else
      SHOW_LOG="$PLUGIN_LOG"
      record "$name" "$version" failed "" "$PLUGIN_ERR" "pulumi plugin install failed"
    fi
    return
  fi
  local key
  key="$(printf '%s|%s|%s|%s|%s|%s|%s' "$name" "$version" "$mod" "$RECIPE" "$GO_VERSION" "$GO_PLATFORM" "$kind" | sha)"
  local out="$CACHE/bin/resource-$name-$key/pulumi-resource-$name" err=""
  BUILD_DETAIL=""
  if [[ ! -x "$out" ]]; then
    if err="$(fail_get "resource-$name-$key")"; then
      REMEMBERED=1
      err="$err (remembered; TOOLCHAIN_RETRY=1 retries)"
    elif ! build_provider_binary "$name" "$version" "$mod" "$sdkmod" "$kind" "$verpkg" "$out"; then
      fail_put "resource-$name-$key" "$BUILD_ERR"
      err="$BUILD_ERR"
      SHOW_LOG="$BUILD_LOG"
    fi
  fi
  if [[ ! -x "$out" ]]; then
    provider_unavailable "$name" "$version" "$err"
    return
  fi
  rm -f "$pdir.portal-substitute"
  if plugin_install "$name" "$version" "$out"; then
    record "$name" "$version" ok "${BUILD_DETAIL:-$out}"
  else
    SHOW_LOG="$PLUGIN_LOG"
    record "$name" "$version" failed "" "$PLUGIN_ERR" "pulumi plugin install failed"
  fi
}

# The provider modules have no tags of their own: find the release commit through the sdk module's tag
# (its proxy .info carries the commit hash and time) and ask for the provider at that commit's
# pseudo-version. On failure sets BUILD_ERR, and BUILD_LOG when the build itself failed.
build_provider_binary() { # name version mod sdkmod kind verpkg out
  local name="$1" version="$2" mod="$3" sdkmod="$4" kind="$5" verpkg="$6" out="$7"
  BUILD_ERR="" BUILD_DETAIL="" BUILD_LOG=""
  if ! go_download "$sdkmod@v$version"; then
    BUILD_ERR="release commit unknown: module $sdkmod version v$version: $DL_ERR"
    return 1
  fi
  if [[ -z "$DL_HASH" || -z "$DL_TIME" ]]; then
    BUILD_ERR="release commit unknown: the proxy's .info for $sdkmod@v$version has no Origin hash"
    return 1
  fi
  local major=0 ts pseudo hash="$DL_HASH" tag="${sdkmod#github.com/*/*/}"
  tag="${tag%/v[0-9]*}/v$version"
  [[ "$mod" =~ /v([0-9]+)$ ]] && major="${BASH_REMATCH[1]}"
  ts="$(date -u -d "$DL_TIME" +%Y%m%d%H%M%S)"
  pseudo="v$major.0.0-$ts-${hash:0:12}"
  BUILD_DETAIL="$mod@$pseudo (commit $hash of tag $tag)"
  if ! go_download "$mod@$pseudo"; then
    BUILD_ERR="module $mod version $pseudo (release commit $hash, tag $tag): $DL_ERR"
    return 1
  fi
  # Work on a writable copy of the module: bridged providers embed generated files (schema.json,
  # bridge-metadata.json) that are not in the module zip, so they are generated here with the
  # provider's own tfgen before the provider itself is built.
  local src="$CACHE/src/resource-$name-$pseudo" blog="$LOGS/resource-$name-$pseudo.log"
  rm -rf "$src"
  cp -r "$DL_DIR" "$src"
  chmod -R u+w "$src"
  local ldflags="-X $verpkg.Version=$version"
  log "building pulumi-resource-$name v$version ($mod@$pseudo) ..."
  (
    set -e
    cd "$src"
    go mod tidy
    if [[ "$kind" == bridged ]]; then
      mkdir -p "cmd/pulumi-resource-$name"
      [[ -f "cmd/pulumi-resource-$name/schema.json" ]] || echo '{}' >"cmd/pulumi-resource-$name/schema.json"
      [[ -f "cmd/pulumi-resource-$name/bridge-metadata.json" ]] ||
        echo '{}' >"cmd/pulumi-resource-$name/bridge-metadata.json"
      go build -trimpath -ldflags "$ldflags" -o "$src/.tfgen" "./cmd/pulumi-tfgen-$name"
      PULUMI_SKIP_MISSING_MAPPING_ERROR=true PULUMI_SKIP_EXTRA_MAPPING_ERROR=true \
        "$src/.tfgen" schema --out "cmd/pulumi-resource-$name"
    fi
    mkdir -p "$(dirname "$out")"
    go build -trimpath -ldflags "$ldflags" -o "$out.tmp" "./cmd/pulumi-resource-$name"
    mv "$out.tmp" "$out"
  ) >"$blog" 2>&1 || {
    BUILD_ERR="module $mod version $pseudo: build failed: $(tail_err "$blog")"
    BUILD_LOG="$blog"
    return 1
  }
  BUILD_DETAIL="built from $BUILD_DETAIL"
}

# ---------------------------------------------------------------- 5. Node 22
install_node22() {
  local dest="$TOOLS/node22" cached="$CACHE/node/v$NODE_VERSION"
  local node_bin="node_modules/.bin/node" v
  if [[ -x "$dest/$node_bin" ]] && [[ "$("$dest/$node_bin" --version 2>/dev/null)" == "v$NODE_VERSION" ]]; then
    record node22 "$NODE_VERSION" cached "$dest"
    return
  fi
  if ! { [[ -x "$cached/$node_bin" ]] && [[ "$("$cached/$node_bin" --version 2>/dev/null)" == "v$NODE_VERSION" ]]; }; then
    log "installing node@$NODE_VERSION from npm ..."
    rm -rf "$cached"
    mkdir -p "$cached"
    local nlog="$LOGS/node-$NODE_VERSION.log"
    if ! npm install --prefix "$cached" --no-save --no-audit --no-fund "node@$NODE_VERSION" >"$nlog" 2>&1; then
      SHOW_LOG="$nlog"
      record node22 "$NODE_VERSION" failed "log: $nlog" "npm install node@$NODE_VERSION: $(tail -n 10 "$nlog")" \
        "npm install node@$NODE_VERSION failed"
      return
    fi
  fi
  rm -rf "$dest.tmp"
  cp -al "$cached" "$dest.tmp" 2>/dev/null || cp -a "$cached" "$dest.tmp"
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
  v="$("$dest/$node_bin" --version 2>&1 || true)"
  if [[ "$v" == v22.* ]]; then
    record node22 "$NODE_VERSION" ok "$dest/$node_bin prints $v"
  else
    record node22 "$NODE_VERSION" failed "" "$dest/$node_bin --version printed: $v"
  fi
}

# ---------------------------------------------------------------- main
log "toolchain into $TOOLS (cache $CACHE, $GO_VERSION)"
install_node22
build_cli
build_langhost
install_shims
if [[ -x "$BIN/pulumi" ]]; then
  for spec in "${PROVIDERS[@]}"; do
    build_provider "$spec"
  done
else
  for spec in "${PROVIDERS[@]}"; do
    IFS='|' read -r pname pversion _ <<<"$spec"
    record "$pname" "$pversion" failed "" "not installed: the pulumi CLI is missing"
  done
fi
write_status

missing=()
for n in "${REQUIRED[@]}"; do
  [[ "${R_STATUS[$n]:-failed}" != failed ]] || missing+=("$n")
done
substitutes=()
for n in "${RESULT_NAMES[@]}"; do
  [[ "${R_STATUS[$n]}" != substitute ]] || substitutes+=("$n")
done
log "done in $((SECONDS - START))s; status in $STATUS_FILE"
if ((${#substitutes[@]})); then
  warn "substitutes in use: ${substitutes[*]} (sources and reasons in scripts/toolchain/)"
fi
if ((REMEMBERED)); then
  log "modules the proxy refused in the last 24h were not asked for again; TOOLCHAIN_RETRY=1 asks again"
fi
if ((${#missing[@]})); then
  echo "[toolchain] required components missing: ${missing[*]}" >&2
  exit 1
fi
log "all required components are in place"
