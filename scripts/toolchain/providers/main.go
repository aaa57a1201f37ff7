// Command pulumi-resource-{random,command} is portal-infra's stand-in for two resource providers.
//
// Why it exists: the upstream provider modules, github.com/pulumi/pulumi-random/provider/v4 (release
// 4.21.2, tag sdk/v4.21.2) and github.com/pulumi/pulumi-command/provider (release 1.2.1, tag
// sdk/v1.2.1), have no tags of their own, and the Go module proxy this project builds from refuses
// (403, "not available") the pseudo-versions of their release commits. scripts/toolchain.sh builds
// this only after asking for the upstream module and being refused, marks it "status": "substitute"
// in .tools/toolchain.json, and never builds it under TOOLCHAIN_NO_SUBSTITUTES=1.
//
// Contract: the ResourceProvider gRPC protocol through the pinned sdk/v3's plugin.Provider, for the
// resource tokens and properties the @pulumi/random and @pulumi/command SDKs register, with upstream's
// replace-on-change semantics (every random input forces a new value; command triggers replace, other
// changes re-run update/create), so the real engine can plan and apply programs that use them,
// offline. One source, two binaries: main.Package selects "random" or "command" at link time.
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
		defaults:   map[string]resource.PropertyValue{"length": num(2), "separator": str("-")},
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

// plain unwraps a secret: the engine sends secret inputs wrapped, and a provider uses their values.
func plain(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

func strOf(m resource.PropertyMap, k string) string {
	if v, ok := m[resource.PropertyKey(k)]; ok && plain(v).IsString() {
		return plain(v).StringValue()
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
	if v, ok := in["environment"]; ok && plain(v).IsObject() {
		for ek, ev := range plain(v).ObjectValue() {
			if plain(ev).IsString() {
				cmd.Env = append(cmd.Env, string(ek)+"="+plain(ev).StringValue())
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
