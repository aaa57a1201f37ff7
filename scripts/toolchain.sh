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
# component, version, recipe and Go version (plus Go's own GOCACHE/GOMODCACHE), so a second run, even
# from a fresh clone elsewhere on the same machine, takes seconds. A `pulumi` of the right version
# already on PATH (and plugins already in ~/.pulumi) are used instead of building. Nothing is
# downloaded except through the Go module proxy and npm.
#
# Upstream modules that the proxy does not serve are reported (module, version, error) in the output
# and in toolchain.json. For the language host and the random/command providers the script then
# builds a small substitute on the pinned sdk/v3 (status "substitute"): it keeps the real CLI, engine,
# @pulumi/pulumi runtime and policy packs working offline. TOOLCHAIN_NO_SUBSTITUTES=1 forbids that.
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

# ---------------------------------------------------------------- results and toolchain.json
RESULT_NAMES=()
declare -A R_VERSION=() R_STATUS=() R_DETAIL=() R_ERROR=()
record() { # name version status(ok|cached|reused|substitute|failed) detail error
  local n="$1"
  [[ -n "${R_STATUS[$n]+x}" ]] || RESULT_NAMES+=("$n")
  R_VERSION[$n]="$2"; R_STATUS[$n]="$3"; R_DETAIL[$n]="${4:-}"; R_ERROR[$n]="${5:-}"
  if [[ "$3" == failed ]]; then
    echo "[toolchain] FAILED $n $2: ${5:-}" >&2
  else
    log "$n $2: $3${4:+ ($4)}"
  fi
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
# Remembered failures: a module that the proxy refused is not asked again for 24h.
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
  log "building pulumi v$PULUMI_VERSION ($PKG_MOD/cmd/pulumi) ... (first time: 10-20 min on 2 cores)"
  local err
  if err="$(fail_get "$name-$key")"; then
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
  if (cd "$wrap" && go mod tidy && mkdir -p "$(dirname "$out")" &&
    go build -trimpath -ldflags "$VERSION_LDFLAG" -o "$out.tmp" "$PKG_MOD/cmd/pulumi") >"$blog" 2>&1; then
    mv "$out.tmp" "$out"
    install_file "$out" "$BIN/pulumi"
    record pulumi "$PULUMI_VERSION" ok "built from $PKG_MOD@v$PULUMI_VERSION"
  else
    err="module $PKG_MOD version v$PULUMI_VERSION: build failed: $(tail_err "$blog")"
    record pulumi "$PULUMI_VERSION" failed "log: $blog" "$err"
  fi
}

# ---------------------------------------------------------------- 2. Node.js language host
write_langhost_substitute() { # dir
  mkdir -p "$1"
  cat >"$1/main.go" <<'GO'
// portal-infra substitute for pulumi-language-nodejs, generated by scripts/toolchain.sh.
//
// Built only when the upstream module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
// cannot be had from the Go module proxy. It serves the LanguageRuntime gRPC service of the pinned
// sdk/v3 and runs programs, plugins and policy packs through the real @pulumi/pulumi entry points
// (cmd/run, cmd/run-plugin, cmd/run-policy-pack) found in the program's node_modules.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Version is stamped with -ldflags "-X main.Version=...".
var Version = "0.0.0-dev"

// bailExitCode is what @pulumi/pulumi's runners exit with after printing a user-actionable error.
const bailExitCode = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func main() {
	var engine string
	for _, a := range os.Args[1:] {
		if !strings.HasPrefix(a, "-") {
			engine = a // the engine address is the last positional argument
		}
	}
	h := &host{engineAddress: engine}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "could not start language host RPC server: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "language host RPC stopped serving: %v\n", err)
		os.Exit(1)
	}
}

type options struct {
	typescript   bool
	tsconfigpath string
	nodeargs     []string
}

func parseOptions(info *pulumirpc.ProgramInfo) options {
	o := options{typescript: true}
	if info == nil || info.Options == nil {
		return o
	}
	m := info.Options.AsMap()
	if v, ok := m["typescript"].(bool); ok {
		o.typescript = v
	}
	if v, ok := m["tsconfig"].(string); ok {
		o.tsconfigpath = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		o.nodeargs = strings.Fields(v)
	}
	return o
}

func (o options) env(env []string) []string {
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfigpath != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfigpath)
	}
	return env
}

// locate finds node_modules/<module> walking up from dir, as node's resolver does.
func locate(module, dir string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(d, "node_modules", filepath.FromSlash(module))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("could not find node_modules/%s from %s: has `npm install` been run?", module, dir)
		}
		d = parent
	}
}

func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.ProgramDirectory != "" {
		return info.ProgramDirectory
	}
	return fallback
}

func exitError(err error, what string) error {
	var exiterr *exec.ExitError
	if errors.As(err, &exiterr) {
		if st, ok := exiterr.Sys().(syscall.WaitStatus); ok {
			return fmt.Errorf("Program exited with non-zero exit code: %d", st.ExitStatus())
		}
		return fmt.Errorf("Program exited unexpectedly: %w", exiterr)
	}
	return fmt.Errorf("Problem executing %s (could not run language executor): %w", what, err)
}

func (h *host) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.EngineAddress != "" {
		h.engineAddress = req.EngineAddress
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

// requiredPackages lists the packages in node_modules (and its @scopes) whose package.json declares a
// Pulumi resource plugin.
func requiredPackages(dir string) []*pulumirpc.PackageDependency {
	nm, err := locate("", dir)
	if err != nil {
		return nil
	}
	var dirs []string
	entries, _ := os.ReadDir(nm)
	for _, e := range entries {
		p := filepath.Join(nm, e.Name())
		switch {
		case strings.HasPrefix(e.Name(), "@"):
			sub, _ := os.ReadDir(p)
			for _, s := range sub {
				dirs = append(dirs, filepath.Join(p, s.Name()))
			}
		case !strings.HasPrefix(e.Name(), "."):
			dirs = append(dirs, p)
		}
	}
	sort.Strings(dirs)
	seen := map[string]bool{}
	var out []*pulumirpc.PackageDependency
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "package.json"))
		if err != nil {
			continue
		}
		var pj packageJSON
		if json.Unmarshal(b, &pj) != nil || !pj.Pulumi.Resource {
			continue
		}
		name := pj.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(strings.TrimPrefix(pj.Name, "@pulumi/"), "@")
		}
		version := pj.Pulumi.Version
		if version == "" {
			version = pj.Version
		}
		if version != "" && !strings.HasPrefix(version, "v") {
			version = "v" + version
		}
		if seen[name+"@"+version] {
			continue
		}
		seen[name+"@"+version] = true
		out = append(out, &pulumirpc.PackageDependency{
			Name: name, Kind: "resource", Version: version, Server: pj.Pulumi.Server,
		})
	}
	return out
}

func (h *host) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	for _, p := range requiredPackages(programDir(req.Info, req.Program)) {
		resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
			Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server,
		})
	}
	return resp, nil
}

func (h *host) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{Packages: requiredPackages(programDir(req.Info, "."))}, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	dir := programDir(req.Info, req.Pwd)
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		if runPath, err = locate("@pulumi/pulumi/cmd/run", dir); err != nil {
			return &pulumirpc.RunResponse{Error: "It looks like the Pulumi SDK has not been installed. " +
				"Have you run npm install or yarn install? (" + err.Error() + ")"}, nil
		}
	}
	opts := parseOptions(req.Info)
	args := append(append([]string{}, opts.nodeargs...), runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.MonitorAddress)
	add("engine", h.engineAddress)
	add("organization", req.Organization)
	add("project", req.Project)
	add("stack", req.Stack)
	add("pwd", req.Pwd)
	if req.Info != nil {
		add("root-directory", req.Info.RootDirectory)
	}
	if req.DryRun {
		args = append(args, "--dry-run")
	}
	if req.Parallel != 0 {
		add("parallel", strconv.Itoa(int(req.Parallel)))
	}
	entry := "."
	if req.Info != nil && req.Info.EntryPoint != "" {
		entry = req.Info.EntryPoint
	} else if req.Info == nil && req.Program != "" {
		entry = req.Program
	}
	args = append(args, entry)
	args = append(args, req.Args...)

	cfg := req.Config
	if cfg == nil {
		cfg = map[string]string{}
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	keys := req.ConfigSecretKeys
	if keys == nil {
		keys = []string{}
	}
	keysJSON, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	env := opts.env(append(os.Environ(),
		"PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(keysJSON)))

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exiterr *exec.ExitError
		if errors.As(err, &exiterr) && exiterr.ExitCode() == bailExitCode {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: exitError(err, "program").Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return err
	}
	dir := programDir(req.Info, req.Pwd)
	opts := parseOptions(req.Info)
	env := opts.env(append([]string{}, req.Env...))
	analyzer := req.Kind == "analyzer"
	module := "@pulumi/pulumi/cmd/run-plugin"
	if analyzer {
		// Policy packs: the old "pulumi-analyzer-policy" shim's job.
		module = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	runPath, err := locate(module, dir)
	if err != nil {
		return err
	}
	args := append([]string{runPath}, opts.nodeargs...)
	if analyzer {
		args = append(append(args, req.Args...), dir)
	} else {
		args = append(append(args, dir), req.Args...)
	}

	var proxy *sdk.PolicyProxy
	if analyzer {
		// Answer the engine's stack-configuration call ourselves so the pack gets its config env.
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start policy pack proxy: %w", err)
		}
		conf, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get stack configuration: %w", err)
		}
		if conf != nil {
			put := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			put("PULUMI_NODEJS_ORGANIZATION", conf.Organization)
			put("PULUMI_NODEJS_PROJECT", conf.Project)
			put("PULUMI_NODEJS_STACK", conf.Stack)
			put("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(conf.DryRun))
			if conf.Config != nil {
				b, err := json.Marshal(conf.Config)
				if err != nil {
					return err
				}
				put("PULUMI_CONFIG", string(b))
			}
		}
	}

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	if analyzer {
		cmd.Dir = dir
	} else {
		cmd.Dir = req.Pwd
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return exitError(err, "plugin program")
	}
	if proxy != nil {
		err = proxy.Attach(ctx, cmd)
	} else {
		err = cmd.Wait()
	}
	if err != nil {
		return exitError(err, "plugin program")
	}
	return closer.Close()
}

func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.IsTerminal)
	if err != nil {
		return err
	}
	defer closer.Close()
	npm, err := exec.LookPath("npm")
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Installing dependencies...")
	cmd := exec.CommandContext(server.Context(), npm, "install")
	cmd.Dir = programDir(req.Info, req.Directory)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm install failed: %w", err)
	}
	fmt.Fprintln(stdout, "Finished installing dependencies")
	return closer.Close()
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, nodeBin, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: nodeBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
		Metadata:   map[string]string{"languageHost": "portal-infra substitute"},
	}, nil
}

func (h *host) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := programDir(req.Info, req.Pwd)
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return &pulumirpc.GetProgramDependenciesResponse{}, nil
	}
	var pj struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(b, &pj); err != nil {
		return nil, err
	}
	var deps []*pulumirpc.DependencyInfo
	add := func(m map[string]string) {
		for name, v := range m {
			if ib, err := os.ReadFile(filepath.Join(dir, "node_modules", name, "package.json")); err == nil {
				var ip struct {
					Version string `json:"version"`
				}
				if json.Unmarshal(ib, &ip) == nil && ip.Version != "" {
					v = ip.Version
				}
			}
			deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: v})
		}
	}
	add(pj.Dependencies)
	if req.TransitiveDependencies {
		add(pj.DevDependencies)
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name < deps[j].Name })
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *host) RuntimeOptionsPrompts(
	ctx context.Context, req *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) Pack(ctx context.Context, req *pulumirpc.PackRequest) (*pulumirpc.PackResponse, error) {
	return nil, status.Error(codes.Unimplemented, "Pack is not supported by this language host")
}
GO
}

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
  if ! upstream_err="$(fail_get "$name-$ukey")"; then
    log "building $name v$PULUMI_VERSION ($LANGHOST_MOD) ..."
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
        if (cd "$wrap" && go mod tidy && mkdir -p "$(dirname "$out")" &&
          go build -trimpath -ldflags "$VERSION_LDFLAG" -o "$out.tmp" "$LANGHOST_MOD") >"$blog" 2>&1; then
          mv "$out.tmp" "$out"
          echo "$version" >"$out.version"
          install_file "$out" "$BIN/$name"
          record "$name" "$version" ok "built from $LANGHOST_MOD@v$version"
          return
        fi
        upstream_err="module $LANGHOST_MOD version v$version: build failed: $(tail_err "$blog")"
      else
        upstream_err="module $LANGHOST_MOD version v$version: $DL_ERR"
      fi
    fi
    fail_put "$name-$ukey" "$upstream_err"
  fi
  echo "[toolchain] upstream $name unavailable: $upstream_err" >&2
  if [[ "${TOOLCHAIN_NO_SUBSTITUTES:-0}" == 1 ]]; then
    rm -f "$BIN/$name"
    record "$name" "$PULUMI_VERSION" failed "" "$upstream_err"
    return
  fi

  # Substitute: a small language host over the pinned sdk/v3 that runs the real @pulumi/pulumi runners.
  local src="$CACHE/src/$name-substitute-v$PULUMI_VERSION"
  write_langhost_substitute "$src"
  local skey
  skey="$(printf '%s|substitute|%s|%s|%s|%s|' "$name" "$PULUMI_VERSION" "$RECIPE" "$GO_VERSION" "$GO_PLATFORM" |
    cat - "$src/main.go" | sha)"
  out="$CACHE/bin/$name-$skey/$name"
  local detail="substitute for the unavailable upstream module, built on $SDK_MOD@v$PULUMI_VERSION"
  if [[ ! -x "$out" ]]; then
    log "building $name substitute on $SDK_MOD v$PULUMI_VERSION ..."
    printf 'module portal-infra.local/language-nodejs-substitute\n\ngo 1.26\n\nrequire %s v%s\n' \
      "$SDK_MOD" "$PULUMI_VERSION" >"$src/go.mod"
    local blog="$LOGS/$name-$skey.log"
    if ! (cd "$src" && go mod tidy && mkdir -p "$(dirname "$out")" &&
      go build -trimpath -ldflags "-X main.Version=$PULUMI_VERSION" -o "$out.tmp" .) >"$blog" 2>&1; then
      record "$name" "$PULUMI_VERSION" failed "log: $blog" \
        "$upstream_err; substitute build failed: $(tail_err "$blog")"
      return
    fi
    mv "$out.tmp" "$out"
  fi
  install_file "$out" "$BIN/$name"
  record "$name" "$PULUMI_VERSION" substitute "$detail" "upstream: $upstream_err"
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
write_provider_substitute() { # dir
  mkdir -p "$1"
  cat >"$1/main.go" <<'GO'
// portal-infra substitute resource providers for "random" and "command", generated by
// scripts/toolchain.sh.
//
// Built only when the real provider modules (github.com/pulumi/pulumi-random/provider/v4,
// github.com/pulumi/pulumi-command/provider) cannot be had from the Go module proxy. One source, two
// binaries: main.Package selects "random" or "command" at link time. It implements the resources the
// @pulumi/random and @pulumi/command SDKs register, with the upstream replace-on-change semantics
// (every random input forces a new value; command triggers replace, other changes re-run
// update/create), so the real engine can plan and apply programs that use them, offline.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"
	mrand "math/rand"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/crypto/bcrypt"
)

// Package and Version are stamped with -ldflags "-X main.Package=... -X main.Version=...".
var (
	Package = "random"
	Version = "0.0.0"
)

type prov struct {
	plugin.UnimplementedProvider
}

func main() {
	err := provider.Main(Package, func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return plugin.NewProviderServer(&prov{}), nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func (p *prov) Pkg() tokens.Package { return tokens.Package(Package) }
func (p *prov) Close() error        { return nil }

func (p *prov) GetPluginInfo(context.Context) (plugin.PluginInfo, error) {
	v, err := semver.ParseTolerant(Version)
	if err != nil {
		return plugin.PluginInfo{}, err
	}
	return plugin.PluginInfo{Version: &v}, nil
}

func (p *prov) CheckConfig(_ context.Context, req plugin.CheckConfigRequest) (plugin.CheckConfigResponse, error) {
	return plugin.CheckConfigResponse{Properties: req.News}, nil
}

func (p *prov) DiffConfig(context.Context, plugin.DiffConfigRequest) (plugin.DiffConfigResponse, error) {
	return plugin.DiffResult{Changes: plugin.DiffNone}, nil
}

func (p *prov) Configure(context.Context, plugin.ConfigureRequest) (plugin.ConfigureResponse, error) {
	return plugin.ConfigureResponse{}, nil
}

// ------------------------------------------------------------------ resource kinds

type kind struct {
	defaults map[string]resource.PropertyValue
	required []string
	// replaceAll: any input change replaces (random); else only the listed keys do.
	replaceAll  bool
	replaceKeys []string
	create      func(ctx context.Context, urn resource.URN, in resource.PropertyMap) (resource.ID, resource.PropertyMap, error)
	update      func(ctx context.Context, urn resource.URN, in, old resource.PropertyMap) (resource.PropertyMap, error)
	delete      func(ctx context.Context, urn resource.URN, out resource.PropertyMap) error
	computed    []string // outputs unknown during preview
}

func num(v float64) resource.PropertyValue  { return resource.NewNumberProperty(v) }
func boolean(v bool) resource.PropertyValue { return resource.NewBoolProperty(v) }
func str(v string) resource.PropertyValue   { return resource.NewStringProperty(v) }

var passwordDefaults = map[string]resource.PropertyValue{
	"special": boolean(true), "upper": boolean(true), "lower": boolean(true), "numeric": boolean(true),
	"number": boolean(true), "minUpper": num(0), "minLower": num(0), "minNumeric": num(0), "minSpecial": num(0),
}

var kinds = map[tokens.Type]*kind{
	"random:index/randomPassword:RandomPassword": {
		defaults: passwordDefaults, required: []string{"length"}, replaceAll: true,
		computed: []string{"result", "bcryptHash"},
		create: func(_ context.Context, _ resource.URN, in resource.PropertyMap) (resource.ID, resource.PropertyMap, error) {
			s, err := randomString(in)
			if err != nil {
				return "", nil, err
			}
			h, err := bcrypt.GenerateFromPassword([]byte(s), bcrypt.DefaultCost)
			if err != nil {
				return "", nil, err
			}
			out := in.Copy()
			out["result"] = str(s)
			out["bcryptHash"] = str(string(h))
			return "none", out, nil
		},
	},
	"random:index/randomString:RandomString": {
		defaults: passwordDefaults, required: []string{"length"}, replaceAll: true, computed: []string{"result"},
		create: func(_ context.Context, _ resource.URN, in resource.PropertyMap) (resource.ID, resource.PropertyMap, error) {
			s, err := randomString(in)
			if err != nil {
				return "", nil, err
			}
			out := in.Copy()
			out["result"] = str(s)
			return resource.ID(s), out, nil
		},
	},
	"random:index/randomBytes:RandomBytes": {
		required: []string{"length"}, replaceAll: true, computed: []string{"base64", "hex"},
		create: func(_ context.Context, _ resource.URN, in resource.PropertyMap) (resource.ID, resource.PropertyMap, error) {
			b, err := randBytes(intOf(in, "length"))
			if err != nil {
				return "", nil, err
			}
			out := in.Copy()
			out["base64"] = str(base64.StdEncoding.EncodeToString(b))
			out["hex"] = str(hex.EncodeToString(b))
			return "none", out, nil
		},
	},
	"random:index/randomId:RandomId": {
		required: []string{"byteLength"}, replaceAll: true, computed: []string{"b64Std", "b64Url", "dec", "hex"},
		create: func(_ context.Context, _ resource.URN, in resource.PropertyMap) (resource.ID, resource.PropertyMap, error) {
			b, err := randBytes(intOf(in, "byteLength"))
			if err != nil {
				return "", nil, err
			}
			prefix := strOf(in, "prefix")
			url := base64.RawURLEncoding.EncodeToString(b)
			out := in.Copy()
			out["b64Std"] = str(prefix + base64.StdEncoding.EncodeToString(b))
			out["b64Url"] = str(prefix + url)
			out["dec"] = str(prefix + new(big.Int).SetBytes(b).String())
			out["hex"] = str(prefix + hex.EncodeToString(b))
			return resource.ID(url), out, nil
		},
	},
	"random:index/randomInteger:RandomInteger": {
		required: []string{"min", "max"}, replaceAll: true, computed: []string{"result"},
		create: func(_ context.Context, _ resource.URN, in resource.PropertyMap) (resource.ID, resource.PropertyMap, error) {
			lo, hi := intOf(in, "min"), intOf(in, "max")
			if hi < lo {
				return "", nil, fmt.Errorf("minimum value needs to be smaller than or equal to maximum value")
			}
			r := seeded(in)
			v := lo + r.Intn(hi-lo+1)
			out := in.Copy()
			out["result"] = num(float64(v))
			return resource.ID(strconv.Itoa(v)), out, nil
		},
	},
	"random:index/randomPet:RandomPet": {
		defaults: map[string]resource.PropertyValue{"length": num(2), "separator": str("-")},
		replaceAll: true,
		create: func(_ context.Context, _ resource.URN, in resource.PropertyMap) (resource.ID, resource.PropertyMap, error) {
			n := intOf(in, "length")
			words := make([]string, 0, n+1)
			if p := strOf(in, "prefix"); p != "" {
				words = append(words, p)
			}
			for i := 0; i < n; i++ {
				list := petAdverbs
				if i == n-1 {
					list = petNames
				} else if i == n-2 {
					list = petAdjectives
				}
				words = append(words, list[cryptoIntn(len(list))])
			}
			id := strings.Join(words, strOf(in, "separator"))
			return resource.ID(id), in.Copy(), nil
		},
	},
	"random:index/randomShuffle:RandomShuffle": {
		required: []string{"inputs"}, replaceAll: true, computed: []string{"results"},
		create: func(_ context.Context, _ resource.URN, in resource.PropertyMap) (resource.ID, resource.PropertyMap, error) {
			var items []resource.PropertyValue
			if v, ok := in["inputs"]; ok && v.IsArray() {
				items = append(items, v.ArrayValue()...)
			}
			r := seeded(in)
			r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
			if c := intOf(in, "resultCount"); c > 0 && c < len(items) {
				items = items[:c]
			}
			out := in.Copy()
			out["results"] = resource.NewArrayProperty(items)
			return "-", out, nil
		},
	},
	"random:index/randomUuid:RandomUuid": {
		replaceAll: true, computed: []string{"result"},
		create: func(_ context.Context, _ resource.URN, in resource.PropertyMap) (resource.ID, resource.PropertyMap, error) {
			b, err := randBytes(16)
			if err != nil {
				return "", nil, err
			}
			b[6] = (b[6] & 0x0f) | 0x40
			b[8] = (b[8] & 0x3f) | 0x80
			u := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
			out := in.Copy()
			out["result"] = str(u)
			return resource.ID(u), out, nil
		},
	},
	"command:local:Command": {
		defaults:    map[string]resource.PropertyValue{"addPreviousOutputInEnv": boolean(true)},
		replaceKeys: []string{"triggers"},
		computed:    []string{"stdout", "stderr"},
		create: func(ctx context.Context, urn resource.URN, in resource.PropertyMap) (resource.ID, resource.PropertyMap, error) {
			out, err := runLocal(ctx, in, strOf(in, "create"), nil)
			if err != nil {
				return "", nil, err
			}
			return resource.ID(urn.Name() + randomSuffix()), out, nil
		},
		update: func(ctx context.Context, urn resource.URN, in, old resource.PropertyMap) (resource.PropertyMap, error) {
			script := strOf(in, "update")
			if script == "" {
				script = strOf(in, "create")
			}
			return runLocal(ctx, in, script, old)
		},
		delete: func(ctx context.Context, urn resource.URN, out resource.PropertyMap) error {
			if strOf(out, "delete") == "" {
				return nil
			}
			_, err := runLocal(ctx, out, strOf(out, "delete"), out)
			return err
		},
	},
	"command:remote:Command": {
		replaceKeys: []string{"triggers", "connection"},
		create: func(context.Context, resource.URN, resource.PropertyMap) (resource.ID, resource.PropertyMap, error) {
			return "", nil, fmt.Errorf("command:remote:Command needs SSH and is not supported by the " +
				"portal-infra substitute command provider")
		},
	},
}

func lookup(t tokens.Type) (*kind, error) {
	if k, ok := kinds[t]; ok && strings.HasPrefix(string(t), Package+":") {
		return k, nil
	}
	return nil, fmt.Errorf("resource type %s is not supported by the portal-infra substitute %s provider", t, Package)
}

// ------------------------------------------------------------------ CRUD

func (p *prov) Check(_ context.Context, req plugin.CheckRequest) (plugin.CheckResponse, error) {
	k, err := lookup(req.Type)
	if err != nil {
		return plugin.CheckResponse{}, err
	}
	news := req.News.Copy()
	for key, v := range k.defaults {
		if _, ok := news[resource.PropertyKey(key)]; !ok {
			news[resource.PropertyKey(key)] = v
		}
	}
	var failures []plugin.CheckFailure
	for _, r := range k.required {
		if v, ok := news[resource.PropertyKey(r)]; !ok || v.IsNull() {
			failures = append(failures, plugin.CheckFailure{
				Property: resource.PropertyKey(r), Reason: fmt.Sprintf("Missing required argument %q", r)})
		}
	}
	return plugin.CheckResponse{Properties: news, Failures: failures}, nil
}

func (p *prov) Diff(_ context.Context, req plugin.DiffRequest) (plugin.DiffResponse, error) {
	k, err := lookup(req.Type)
	if err != nil {
		return plugin.DiffResponse{}, err
	}
	ignored := map[string]bool{}
	for _, i := range req.IgnoreChanges {
		ignored[i] = true
	}
	keys := map[resource.PropertyKey]bool{}
	for key := range req.NewInputs {
		keys[key] = true
	}
	for key := range req.OldInputs {
		keys[key] = true
	}
	var changed, replace []resource.PropertyKey
	detailed := map[string]plugin.PropertyDiff{}
	for key := range keys {
		if ignored[string(key)] {
			continue
		}
		nv, nok := req.NewInputs[key]
		ov, ook := req.OldInputs[key]
		if nok && ook && nv.DeepEquals(ov) || (!nok && ook && ov.IsNull()) || (nok && !ook && nv.IsNull()) {
			continue
		}
		changed = append(changed, key)
		forces := k.replaceAll
		for _, r := range k.replaceKeys {
			forces = forces || string(key) == r
		}
		kd := plugin.DiffUpdate
		switch {
		case !ook:
			kd = plugin.DiffAdd
		case !nok:
			kd = plugin.DiffDelete
		}
		if forces {
			replace = append(replace, key)
			kd = map[plugin.DiffKind]plugin.DiffKind{
				plugin.DiffAdd: plugin.DiffAddReplace, plugin.DiffDelete: plugin.DiffDeleteReplace,
				plugin.DiffUpdate: plugin.DiffUpdateReplace,
			}[kd]
		}
		detailed[string(key)] = plugin.PropertyDiff{Kind: kd, InputDiff: true}
	}
	sort.Slice(changed, func(i, j int) bool { return changed[i] < changed[j] })
	sort.Slice(replace, func(i, j int) bool { return replace[i] < replace[j] })
	if len(changed) == 0 {
		return plugin.DiffResult{Changes: plugin.DiffNone}, nil
	}
	return plugin.DiffResult{
		Changes: plugin.DiffSome, ChangedKeys: changed, ReplaceKeys: replace, DetailedDiff: detailed,
	}, nil
}

func previewOutputs(k *kind, in resource.PropertyMap) resource.PropertyMap {
	out := in.Copy()
	for _, c := range k.computed {
		out[resource.PropertyKey(c)] = resource.MakeComputed(str(""))
	}
	return out
}

func (p *prov) Create(ctx context.Context, req plugin.CreateRequest) (plugin.CreateResponse, error) {
	k, err := lookup(req.Type)
	if err != nil {
		return plugin.CreateResponse{}, err
	}
	if req.Preview || req.Properties.ContainsUnknowns() {
		return plugin.CreateResponse{Properties: previewOutputs(k, req.Properties), Status: resource.StatusOK}, nil
	}
	id, out, err := k.create(ctx, req.URN, req.Properties)
	if err != nil {
		return plugin.CreateResponse{Status: resource.StatusUnknown}, err
	}
	return plugin.CreateResponse{ID: id, Properties: out, Status: resource.StatusOK}, nil
}

func (p *prov) Read(_ context.Context, req plugin.ReadRequest) (plugin.ReadResponse, error) {
	return plugin.ReadResponse{
		ReadResult: plugin.ReadResult{ID: req.ID, Inputs: req.Inputs, Outputs: req.State},
		Status:     resource.StatusOK,
	}, nil
}

func (p *prov) Update(ctx context.Context, req plugin.UpdateRequest) (plugin.UpdateResponse, error) {
	k, err := lookup(req.Type)
	if err != nil {
		return plugin.UpdateResponse{}, err
	}
	if k.update == nil {
		return plugin.UpdateResponse{}, fmt.Errorf("%s does not support in-place updates", req.Type)
	}
	if req.Preview || req.NewInputs.ContainsUnknowns() {
		return plugin.UpdateResponse{Properties: previewOutputs(k, req.NewInputs), Status: resource.StatusOK}, nil
	}
	out, err := k.update(ctx, req.URN, req.NewInputs, req.OldOutputs)
	if err != nil {
		return plugin.UpdateResponse{Status: resource.StatusUnknown}, err
	}
	return plugin.UpdateResponse{Properties: out, Status: resource.StatusOK}, nil
}

func (p *prov) Delete(ctx context.Context, req plugin.DeleteRequest) (plugin.DeleteResponse, error) {
	k, err := lookup(req.Type)
	if err != nil {
		return plugin.DeleteResponse{}, err
	}
	if k.delete != nil {
		if err := k.delete(ctx, req.URN, req.Outputs); err != nil {
			return plugin.DeleteResponse{Status: resource.StatusUnknown}, err
		}
	}
	return plugin.DeleteResponse{Status: resource.StatusOK}, nil
}

// ------------------------------------------------------------------ helpers

func strOf(m resource.PropertyMap, k string) string {
	if v, ok := m[resource.PropertyKey(k)]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

func intOf(m resource.PropertyMap, k string) int {
	if v, ok := m[resource.PropertyKey(k)]; ok && v.IsNumber() {
		return int(v.NumberValue())
	}
	return 0
}

func boolOf(m resource.PropertyMap, k string, def bool) bool {
	if v, ok := m[resource.PropertyKey(k)]; ok && v.IsBool() {
		return v.BoolValue()
	}
	return def
}

func randBytes(n int) ([]byte, error) {
	if n < 1 {
		return nil, fmt.Errorf("length must be at least 1")
	}
	b := make([]byte, n)
	_, err := rand.Read(b)
	return b, err
}

func cryptoIntn(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err)
	}
	return int(v.Int64())
}

// seeded returns a generator seeded from the "seed" input when given (deterministic, like upstream),
// else from crypto/rand.
func seeded(in resource.PropertyMap) *mrand.Rand {
	var seed int64
	if s := strOf(in, "seed"); s != "" {
		h := new(big.Int).SetBytes([]byte(s))
		seed = h.Int64()
	} else {
		var b [8]byte
		_, _ = rand.Read(b[:])
		seed = int64(binary.LittleEndian.Uint64(b[:]))
	}
	return mrand.New(mrand.NewSource(seed)) //nolint:gosec // shuffles and integers are not secrets
}

func randomSuffix() string {
	b, _ := randBytes(4)
	return hex.EncodeToString(b)
}

const (
	lowerChars   = "abcdefghijklmnopqrstuvwxyz"
	upperChars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	numericChars = "0123456789"
	specialChars = "!@#$%&*()-_=+[]{}<>:?"
)

// randomString follows terraform-provider-random: the min* counts first, the rest from every enabled
// class, then a shuffle.
func randomString(in resource.PropertyMap) (string, error) {
	length := intOf(in, "length")
	if length < 1 {
		return "", fmt.Errorf("length must be at least 1")
	}
	special := specialChars
	if v, ok := in["overrideSpecial"]; ok && v.IsString() {
		special = v.StringValue()
	}
	numeric := boolOf(in, "numeric", true) && boolOf(in, "number", true)
	classes := []struct {
		on    bool
		chars string
		min   int
	}{
		{boolOf(in, "upper", true), upperChars, intOf(in, "minUpper")},
		{boolOf(in, "lower", true), lowerChars, intOf(in, "minLower")},
		{numeric, numericChars, intOf(in, "minNumeric")},
		{boolOf(in, "special", true) && special != "", special, intOf(in, "minSpecial")},
	}
	var all string
	var out []byte
	for _, c := range classes {
		if !c.on {
			continue
		}
		all += c.chars
		for i := 0; i < c.min; i++ {
			out = append(out, c.chars[cryptoIntn(len(c.chars))])
		}
	}
	if all == "" {
		return "", fmt.Errorf("at least one character class must be enabled")
	}
	for len(out) < length {
		out = append(out, all[cryptoIntn(len(all))])
	}
	for i := len(out) - 1; i > 0; i-- {
		j := cryptoIntn(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return string(out), nil
}

// runLocal runs a command:local:Command script the way pulumi-command does: through the interpreter
// (default /bin/sh -c), in dir, with environment, stdin, and the previous stdout/stderr exposed as
// PULUMI_COMMAND_STDOUT/PULUMI_COMMAND_STDERR.
func runLocal(ctx context.Context, in resource.PropertyMap, script string, old resource.PropertyMap) (
	resource.PropertyMap, error,
) {
	out := in.Copy()
	if script == "" {
		out["stdout"], out["stderr"] = str(""), str("")
		return out, nil
	}
	interp := []string{"/bin/sh", "-c"}
	if v, ok := in["interpreter"]; ok && v.IsArray() && len(v.ArrayValue()) > 0 {
		interp = nil
		for _, a := range v.ArrayValue() {
			if a.IsString() {
				interp = append(interp, a.StringValue())
			}
		}
	}
	args := append(interp[1:], script)
	cmd := exec.CommandContext(ctx, interp[0], args...)
	cmd.Dir = strOf(in, "dir")
	cmd.Env = os.Environ()
	if v, ok := in["environment"]; ok && v.IsObject() {
		for ek, ev := range v.ObjectValue() {
			if ev.IsString() {
				cmd.Env = append(cmd.Env, string(ek)+"="+ev.StringValue())
			}
		}
	}
	if old != nil && boolOf(in, "addPreviousOutputInEnv", true) {
		cmd.Env = append(cmd.Env, "PULUMI_COMMAND_STDOUT="+strOf(old, "stdout"),
			"PULUMI_COMMAND_STDERR="+strOf(old, "stderr"))
	}
	if s := strOf(in, "stdin"); s != "" {
		cmd.Stdin = strings.NewReader(s)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out["stdout"] = str(strings.TrimSuffix(stdout.String(), "\n"))
	out["stderr"] = str(strings.TrimSuffix(stderr.String(), "\n"))
	if err != nil {
		return nil, fmt.Errorf("%w: running %q:\nStdout:\n%s\nStderr:\n%s", err, script,
			strings.TrimSpace(stdout.String()), strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

var petAdverbs = []string{"badly", "barely", "boldly", "calmly", "deeply", "early", "easily", "freely",
	"gently", "gladly", "highly", "kindly", "largely", "lightly", "mainly", "nearly", "neatly", "openly",
	"quickly", "quietly", "rarely", "really", "safely", "simply", "slowly", "smoothly", "subtly", "truly",
	"vastly", "wholly", "wildly", "wisely"}

var petAdjectives = []string{"able", "active", "adapted", "alert", "amazed", "apt", "awake", "big",
	"bold", "brave", "bright", "busy", "calm", "capital", "caring", "clean", "clever", "cool", "crisp",
	"daring", "eager", "equal", "fair", "fine", "firm", "fit", "flying", "frank", "free", "fresh", "gentle",
	"glad", "golden", "grand", "happy", "hardy", "helpful", "honest", "humble", "keen", "key", "kind",
	"large", "lively", "loved", "lucky", "magical", "main", "mature", "merry", "modest", "moving", "neat",
	"noble", "normal", "open", "patient", "polite", "prime", "proper", "quick", "quiet", "rapid", "rare",
	"ready", "real", "regular", "right", "robust", "safe", "sharp", "shining", "smart", "smooth", "solid",
	"sound", "special", "stable", "steady", "strong", "sunny", "super", "sure", "sweet", "tender", "tidy",
	"tough", "true", "united", "useful", "valid", "vital", "warm", "wise", "witty", "worthy"}

var petNames = []string{"ant", "badger", "bat", "bear", "beetle", "bird", "bison", "boar", "bunny",
	"calf", "camel", "cat", "chicken", "cobra", "colt", "crab", "crane", "cricket", "crow", "deer", "dingo",
	"dodo", "dog", "dolphin", "dove", "duck", "eagle", "eel", "elk", "emu", "falcon", "ferret", "finch",
	"fish", "flea", "fly", "fox", "frog", "gannet", "gazelle", "gecko", "gnu", "goat", "goose", "gull",
	"hare", "hawk", "hen", "heron", "hog", "horse", "hound", "ibex", "jackal", "jay", "kid", "kiwi",
	"koala", "lamb", "lark", "lemur", "lion", "llama", "lynx", "magpie", "mole", "moose", "moth", "mouse",
	"mule", "newt", "owl", "ox", "panda", "parrot", "pig", "pony", "possum", "puma", "quail", "rabbit",
	"ram", "raven", "robin", "seal", "shark", "sheep", "snail", "snake", "sparrow", "squid", "stork",
	"swan", "tiger", "toad", "trout", "turtle", "vole", "walrus", "wasp", "whale", "wolf", "wombat",
	"wren", "yak", "zebra"}
GO
}

build_provider_substitute() { # name version upstream_error
  local name="$1" version="$2" upstream_err="$3"
  local src="$CACHE/src/resource-substitutes-v$PULUMI_VERSION"
  write_provider_substitute "$src"
  local key
  key="$(printf 'resource-%s|substitute|%s|%s|%s|%s|%s|' "$name" "$version" "$PULUMI_VERSION" "$RECIPE" \
    "$GO_VERSION" "$GO_PLATFORM" | cat - "$src/main.go" | sha)"
  local out="$CACHE/bin/resource-$name-$key/pulumi-resource-$name"
  if [[ ! -x "$out" ]]; then
    log "building pulumi-resource-$name v$version substitute on $SDK_MOD v$PULUMI_VERSION ..."
    printf 'module portal-infra.local/substitute-providers\n\ngo 1.26\n\nrequire %s v%s\n' \
      "$SDK_MOD" "$PULUMI_VERSION" >"$src/go.mod"
    local blog="$LOGS/resource-$name-$key.log"
    if ! (cd "$src" && go mod tidy && mkdir -p "$(dirname "$out")" &&
      go build -trimpath -ldflags "-X main.Package=$name -X main.Version=$version" -o "$out.tmp" .) \
      >"$blog" 2>&1; then
      record "$name" "$version" failed "log: $blog" "$upstream_err; substitute build failed: $(tail_err "$blog")"
      return
    fi
    mv "$out.tmp" "$out"
  fi
  if plugin_install "$name" "$version" "$out"; then
    record "$name" "$version" substitute "substitute for the unavailable upstream provider" "upstream: $upstream_err"
  else
    record "$name" "$version" failed "" "$upstream_err; $PLUGIN_ERR"
  fi
}

# ---------------------------------------------------------------- 4. provider plugins
plugin_installed() { # name version
  [[ -x "$PULUMI_HOME/plugins/resource-$1-v$2/pulumi-resource-$1" ]]
}
plugin_install() { # name version binary
  local out
  if out="$(pulumi plugin install resource "$1" "$2" --file "$3" 2>&1)"; then
    return 0
  fi
  PLUGIN_ERR="pulumi plugin install resource $1 $2 --file $3: $out"
  return 1
}

provider_unavailable() { # name version error
  if [[ "${TOOLCHAIN_NO_SUBSTITUTES:-0}" != 1 && "$SUBSTITUTABLE" == *" $1 "* ]]; then
    echo "[toolchain] upstream provider $1 $2 unavailable: $3" >&2
    build_provider_substitute "$1" "$2" "$3"
    [[ "${R_STATUS[$1]}" != substitute ]] || : >"$PULUMI_HOME/plugins/resource-$1-v$2.portal-substitute"
  else
    if [[ -f "$PULUMI_HOME/plugins/resource-$1-v$2.portal-substitute" ]]; then
      pulumi plugin rm resource "$1" "$2" --yes >/dev/null 2>&1 || true
      rm -f "$PULUMI_HOME/plugins/resource-$1-v$2.portal-substitute"
    fi
    record "$1" "$2" failed "" "$3"
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
      record "$name" "$version" failed "" "$PLUGIN_ERR"
    fi
    return
  fi
  local key
  key="$(printf '%s|%s|%s|%s|%s|%s|%s' "$name" "$version" "$mod" "$RECIPE" "$GO_VERSION" "$GO_PLATFORM" "$kind" | sha)"
  local out="$CACHE/bin/resource-$name-$key/pulumi-resource-$name" err=""
  BUILD_DETAIL=""
  if [[ ! -x "$out" ]]; then
    if err="$(fail_get "resource-$name-$key")"; then
      err="$err (remembered; TOOLCHAIN_RETRY=1 retries)"
    else
      log "building pulumi-resource-$name v$version ($mod) ..."
      if ! build_provider_binary "$name" "$version" "$mod" "$sdkmod" "$kind" "$verpkg" "$out"; then
        fail_put "resource-$name-$key" "$BUILD_ERR"
        err="$BUILD_ERR"
      fi
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
    record "$name" "$version" failed "" "$PLUGIN_ERR"
  fi
}

# The provider modules have no tags of their own: find the release commit through the sdk module's tag
# (its proxy .info carries the commit hash and time) and ask for the provider at that commit's
# pseudo-version.
build_provider_binary() { # name version mod sdkmod kind verpkg out
  local name="$1" version="$2" mod="$3" sdkmod="$4" kind="$5" verpkg="$6" out="$7"
  BUILD_ERR="" BUILD_DETAIL=""
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
      record node22 "$NODE_VERSION" failed "log: $nlog" "npm install node@$NODE_VERSION: $(tail -n 10 "$nlog")"
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
log "done in $((SECONDS - START))s; status in $TOOLS/toolchain.json"
for n in "${RESULT_NAMES[@]}"; do
  [[ "${R_STATUS[$n]}" != substitute ]] || warn "$n is a substitute: ${R_ERROR[$n]}"
done
if ((${#missing[@]})); then
  echo "[toolchain] required components missing: ${missing[*]}" >&2
  exit 1
fi
log "all required components are in place"
