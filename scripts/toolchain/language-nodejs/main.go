// Command pulumi-language-nodejs is portal-infra's stand-in for Pulumi's Node.js language host.
//
// Why it exists: the upstream host is its own Go module,
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 at v3.276.0 (the CLI's version),
// and the Go module proxy this project builds from refuses it (403, "not available") while it serves
// the CLI (pkg/v3) and sdk/v3. scripts/toolchain.sh builds this only after asking for the upstream
// module and being refused, marks it "status": "substitute" in .tools/toolchain.json, and never
// builds it under TOOLCHAIN_NO_SUBSTITUTES=1.
//
// Contract: the LanguageRuntime gRPC service of the pinned sdk/v3 (proto/go), as the 3.276 CLI
// drives it: print the port, then run programs, plugins and policy packs through the real
// @pulumi/pulumi entry points (cmd/run, cmd/run-plugin, cmd/run-policy-pack) found in the program's
// node_modules, so the engine, runtime and policy behaviour stay upstream's.
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
	"time"

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
	// As upstream does: poll the engine and stop serving once it is gone, so a killed `pulumi` does not
	// leave this process behind.
	ctx, cancel := context.WithCancel(context.Background())
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()
	if engine != "" {
		if err := rpcutil.Healthcheck(ctx, engine, 5*time.Minute, cancel); err != nil {
			fmt.Fprintf(os.Stderr, "could not start the engine health check: %v\n", err)
			os.Exit(1)
		}
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
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
