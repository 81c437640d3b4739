package playbooks

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// platforms are the platforms of the collection and of make dist.
var platforms = []string{"darwin_arm64", "darwin_x86_64", "linux_arm64", "linux_x86_64"}

// hostPlatform is this machine's platform as the collection names it.
func hostPlatform() string {
	return runtime.GOOS + "_" + strings.NewReplacer("amd64", "x86_64").Replace(runtime.GOARCH)
}

// makeCmd returns make TARGET VARIABLE=value... run in the repository,
// without the variables of a make that runs the tests (its jobserver is not
// passed on).
func makeCmd(args ...string) *exec.Cmd {
	cmd := exec.Command("make", append([]string{"--no-print-directory", "-C", ".."}, args...)...)
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); !slices.Contains([]string{"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}, name) {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	return cmd
}

// release is what make dist builds, once per test run: the platform
// binaries, the collection and the dist archives; and the collection
// installed with ansible-galaxy.
type release struct {
	build, dist string
	// tarball is the collection's, in build.
	tarball string
	// collections is the collections path the collection is installed in.
	collections string
	err         error
}

var (
	releaseOnce sync.Once
	built       release
)

// builtRelease returns the release make dist built into a folder of its
// own, once per test run (TestMain starts it early, see buildRelease).
func builtRelease(t *testing.T) release {
	t.Helper()
	requireAnsible(t)
	releaseOnce.Do(buildRelease)
	require.NoError(t, built.err)
	return built
}

// buildRelease runs make dist and installs the collection it built with
// ansible-galaxy collection install into a collections path of its own.
func buildRelease() {
	r := release{build: filepath.Join(work, "build"), dist: filepath.Join(work, "dist"), collections: filepath.Join(work, "collections")}
	defer func() { built = r }()
	v, err := readVersion()
	if err != nil {
		r.err = err
		return
	}
	name, err := readCollectionName("-")
	if err != nil {
		r.err = err
		return
	}
	r.tarball = filepath.Join(r.build, name+"-"+v+".tar.gz")
	if out, err := makeCmd("-j4", "dist", "BUILD="+r.build, "DIST="+r.dist).CombinedOutput(); err != nil {
		r.err = errors.New("make dist: " + err.Error() + "\n" + string(out))
		return
	}
	install := exec.Command("ansible-galaxy", "collection", "install", "-p", r.collections, r.tarball)
	install.Env = ansibleEnv(work)
	if out, err := install.CombinedOutput(); err != nil {
		r.err = errors.New("ansible-galaxy collection install: " + err.Error() + "\n" + string(out))
	}
}

// version is the version in main.go, the one place it is written.
func version(t *testing.T) string {
	t.Helper()
	v, err := readVersion()
	require.NoError(t, err)
	return v
}

func readVersion() (string, error) {
	src, err := os.ReadFile(filepath.Join("..", "main.go"))
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^var version = "([^"]+)"$`).FindSubmatch(src)
	if m == nil {
		return "", errors.New("main.go has no version line")
	}
	return string(m[1]), nil
}

// collectionName is the collection's namespace and name, joined by sep,
// from its galaxy.yml template.
func collectionName(t *testing.T, sep string) string {
	t.Helper()
	name, err := readCollectionName(sep)
	require.NoError(t, err)
	return name
}

func readCollectionName(sep string) (string, error) {
	src, err := os.ReadFile(filepath.Join("..", "ansible", "collection", "galaxy.yml.in"))
	if err != nil {
		return "", err
	}
	ns := regexp.MustCompile(`(?m)^namespace: (\w+)$`).FindSubmatch(src)
	name := regexp.MustCompile(`(?m)^name: (\w+)$`).FindSubmatch(src)
	if ns == nil || name == nil {
		return "", errors.New("galaxy.yml.in names no namespace or name")
	}
	return string(ns[1]) + sep + string(name[1]), nil
}

// TestActionPlugin runs the unit tests of the collection's action plugin
// (which binary for which platform: the four, and unknown ones) with the
// Python that runs Ansible.
func TestActionPlugin(t *testing.T) {
	t.Parallel()
	ansiblePlaybook := requireAnsible(t)
	f, err := os.Open(ansiblePlaybook)
	require.NoError(t, err)
	first := make([]byte, 256)
	n, _ := f.Read(first)
	f.Close()
	line, _, _ := strings.Cut(string(first[:n]), "\n")
	python := strings.Fields(strings.TrimPrefix(line, "#!"))
	require.NotEmpty(t, python, "no interpreter line in %s", ansiblePlaybook)
	cmd := exec.Command(python[0], append(python[1:], "-B", filepath.Join("..", "ansible", "collection", "tests", "unit", "plugins", "action", "test_binary.py"), "-v")...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Regexp(t, `(?m)^OK$`, string(out))
}

// TestCollection follows the collection from make dist to a playbook: the
// tarball, its installation with ansible-galaxy, a playbook that runs every
// module by its FQCN with module_defaults given through the action group,
// ansible-doc on every module, and the version everywhere.
func TestCollection(t *testing.T) {
	t.Parallel()
	r := builtRelease(t)
	fqcn := collectionName(t, ".")
	t.Run("tarball", func(t *testing.T) {
		info, err := os.Stat(r.tarball)
		require.NoError(t, err)
		assert.Less(t, info.Size(), int64(40e6), "the collection tarball stays under 40 MB")
		root := filepath.Join(r.collections, "ansible_collections", strings.ReplaceAll(fqcn, ".", "/"))
		for _, p := range platforms {
			info, err := os.Lstat(filepath.Join(root, "bin", "nifcloud_lb_"+p))
			require.NoError(t, err, "one binary per platform")
			assert.True(t, info.Mode().IsRegular())
			for _, m := range modules(t) {
				target, err := os.Readlink(filepath.Join(root, "plugins", "modules", "platforms", m+"_"+p))
				require.NoError(t, err, "the installed collection keeps the links")
				assert.Equal(t, "../../../bin/nifcloud_lb_"+p, target)
			}
		}
	})
	t.Run("playbook", func(t *testing.T) {
		t.Parallel()
		used := regexp.MustCompile(regexp.QuoteMeta(fqcn)+`\.(\w+):`).FindAllStringSubmatch(readFile(t, filepath.Join("tests", "collection.yml")), -1)
		var names []string
		for _, u := range used {
			names = append(names, u[1])
		}
		for _, m := range modules(t) {
			assert.Contains(t, names, m, "tests/collection.yml must run every module by its FQCN: add a task of %s.%s", fqcn, m)
		}
		run := playbook(t, "collection.yml", play{collections: r.collections, options: func(o *nifcloudtest.Options) {
			o.ElasticLoadBalancers = []nifcloudtest.ElasticLoadBalancer{{Name: "webelb01", ID: "elb-0a1b2c3d", Listeners: []nifcloudtest.ElasticListener{
				{Protocol: "TCP", ElasticLoadBalancerPort: 80, InstancePort: 8080, Members: []nifcloudtest.Member{{InstanceID: "web001"}, {InstanceID: "web003"}}},
			}}}
		}})
		assert.Equal(t, recap{ok: 11, changed: 4, ignored: 1}, run.recap, "play recap of localhost")
		assert.Equal(t, recap{ok: 2, changed: 1}, hostRecap(t, run.output, "web001"))
		assert.Equal(t, recap{ok: 3, ignored: 1}, hostRecap(t, run.output, "web002"))
		assert.Equal(t, []string{"web001", "web002", "web004"}, run.emu.Members("weblb01", 80, 8080))
		assert.Equal(t, []string{"web001"}, run.emu.ElasticMembers("webelb01", "TCP", 80, 8080))
		assert.Len(t, run.emu.State().LoadBalancers[1].Ports, 2, "weblb02 has its new port definition")
	})
	t.Run("ansible-doc", func(t *testing.T) {
		t.Parallel()
		ansibleDoc(t, r, fqcn)
	})
	t.Run("versions", func(t *testing.T) {
		versions(t, r, fqcn)
	})
}

// ansibleDoc checks that ansible-doc lists every module of the collection
// once (and nothing else), and renders each by its FQCN.
func ansibleDoc(t *testing.T, r release, fqcn string) {
	env := ansibleEnv(t.TempDir(), "ANSIBLE_COLLECTIONS_PATH="+r.collections)
	list := exec.Command("ansible-doc", "-l", fqcn)
	list.Env = env
	out, err := list.CombinedOutput()
	require.NoError(t, err, "%s", out)
	var listed, want []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		listed = append(listed, strings.Fields(line)[0])
	}
	for _, m := range modules(t) {
		want = append(want, fqcn+"."+m)
	}
	assert.Equal(t, want, listed, "ansible-doc -l lists each module once, without warnings:\n%s", out)

	doc := exec.Command("ansible-doc", want...)
	doc.Env = env
	out, err = doc.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.NotContains(t, string(out), "WARNING")
	for _, name := range want {
		assert.Contains(t, string(out), "> "+strings.ToUpper(name)+" ")
	}
	assert.Equal(t, len(want), strings.Count(string(out), "ADDED IN: version "), "%s", out)
	assert.Equal(t, len(want), strings.Count(string(out), "EXAMPLES:"))
	assert.Equal(t, len(want), strings.Count(string(out), "RETURN VALUES:"))
}

// versions checks that the version of main.go is the one of the top entry
// of CHANGELOG.md, of the binaries, of the collection and of the dist
// archives; that SHA256SUMS verifies them as the README says; and that
// every module's version_added is the first version whose changelog entry
// names it.
func versions(t *testing.T, r release, fqcn string) {
	v := version(t)
	entries := changelog(t)
	require.NotEmpty(t, entries)
	assert.Equal(t, v, entries[0].version, "the top entry of CHANGELOG.md is the version of main.go")

	root := filepath.Join(r.collections, "ansible_collections", strings.ReplaceAll(fqcn, ".", "/"))
	var manifest struct {
		CollectionInfo struct{ Version string } `json:"collection_info"`
	}
	require.NoError(t, json.Unmarshal([]byte(readFile(t, filepath.Join(root, "MANIFEST.json"))), &manifest))
	assert.Equal(t, v, manifest.CollectionInfo.Version, "galaxy.yml")
	out, err := exec.Command(filepath.Join(root, "bin", "nifcloud_lb_"+hostPlatform()), "--version").Output()
	require.NoError(t, err)
	assert.Equal(t, "nifcloud_lb "+v+"\n", string(out))

	var archives []string
	for _, p := range platforms {
		archives = append(archives, "nifcloud_lb-"+v+"-"+p+".tar.gz")
	}
	names, err := filepath.Glob(filepath.Join(r.dist, "*"))
	require.NoError(t, err)
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	assert.ElementsMatch(t, append(archives, collectionName(t, "-")+"-"+v+".tar.gz", "SHA256SUMS"), names)
	check := exec.Command("sha256sum", "-c", "SHA256SUMS")
	check.Dir = r.dist
	out, err = check.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, len(archives)+1, strings.Count(string(out), ": OK"))
	distArchive(t, filepath.Join(r.dist, "nifcloud_lb-"+v+"-"+hostPlatform()+".tar.gz"), v)

	docs := exec.Command("ansible-doc", "--json")
	docs.Env = ansibleEnv(t.TempDir(), "ANSIBLE_COLLECTIONS_PATH="+r.collections)
	for _, m := range modules(t) {
		docs.Args = append(docs.Args, fqcn+"."+m)
	}
	out, err = docs.Output()
	require.NoError(t, err)
	var rendered map[string]struct {
		Doc struct {
			VersionAdded           string `json:"version_added"`
			VersionAddedCollection string `json:"version_added_collection"`
		} `json:"doc"`
	}
	require.NoError(t, json.Unmarshal(out, &rendered))
	for _, m := range modules(t) {
		doc := rendered[fqcn+"."+m].Doc
		assert.Equal(t, fqcn, doc.VersionAddedCollection, m)
		assert.Equal(t, firstNamed(entries, m), doc.VersionAdded,
			"library/%s.yml: version_added is the version of the first CHANGELOG.md entry that names %s", m, m)
	}
}

// distArchive checks a library/ archive of make dist: under one folder
// named after it, the binary of its version, a link to it for each other
// module, and every module's sidecar.
func distArchive(t *testing.T, path, v string) {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	require.NoError(t, err)
	dir := strings.TrimSuffix(filepath.Base(path), ".tar.gz") + "/"
	got := map[string]string{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(h.Name, dir), "%s is under %s", h.Name, dir)
		switch h.Typeflag {
		case tar.TypeSymlink:
			got[strings.TrimPrefix(h.Name, dir)] = "-> " + h.Linkname
		case tar.TypeReg:
			got[strings.TrimPrefix(h.Name, dir)] = strconv.FormatInt(h.Mode&0o111, 8)
		}
	}
	want := map[string]string{"nifcloud_lb": "111"}
	for _, m := range modules(t) {
		want[m+".yml"] = "0"
		if m != "nifcloud_lb" {
			want[m] = "-> nifcloud_lb"
		}
	}
	assert.Equal(t, want, got, "%s: the binary (executable), its links and the sidecars", path)
}

// entry is one version of CHANGELOG.md, with its text.
type entry struct{ version, text string }

// changelog returns the entries of CHANGELOG.md, newest first: each starts
// with a heading "## VERSION".
func changelog(t *testing.T) []entry {
	var entries []entry
	for _, part := range strings.Split(readFile(t, filepath.Join("..", "CHANGELOG.md")), "\n## ")[1:] {
		heading, text, _ := strings.Cut(part, "\n")
		v, _, _ := strings.Cut(heading, " ")
		entries = append(entries, entry{version: v, text: text})
	}
	return entries
}

// firstNamed is the version of the oldest entry that names module (as a
// word: nifcloud_lb is not named by nifcloud_lb_info).
func firstNamed(entries []entry, module string) string {
	named := regexp.MustCompile(`(^|[^\w])` + regexp.QuoteMeta(module) + `($|[^\w])`)
	for i := len(entries) - 1; i >= 0; i-- {
		if named.MatchString(entries[i].text) {
			return entries[i].version
		}
	}
	return ""
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}

// TestMakeInstall installs the modules with make install into a library/
// folder, and reads their documentation there with ansible-doc.
func TestMakeInstall(t *testing.T) {
	t.Parallel()
	requireAnsible(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin", "nifcloud_lb")
	require.NoError(t, os.Mkdir(filepath.Dir(bin), 0o755))
	out, err := makeCmd("install", "BIN="+bin).CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", out)
	assert.Contains(t, string(out), "make install: say where, as in: make install DEST=path/to/project/library")
	_, err = os.Stat(bin)
	assert.True(t, os.IsNotExist(err), "nothing is built without DEST")

	lib := filepath.Join(tmp, "project", "library")
	out, err = makeCmd("install", "DEST="+lib, "BIN="+bin).CombinedOutput()
	require.NoError(t, err, "%s", out)
	info, err := os.Lstat(filepath.Join(lib, "nifcloud_lb"))
	require.NoError(t, err)
	assert.True(t, info.Mode().IsRegular() && info.Mode()&0o111 != 0, "the binary, executable")
	out, err = exec.Command(filepath.Join(lib, "nifcloud_lb"), "--version").Output()
	require.NoError(t, err)
	assert.Equal(t, "nifcloud_lb "+version(t)+"\n", string(out))
	for _, m := range modules(t) {
		if m != "nifcloud_lb" {
			target, err := os.Readlink(filepath.Join(lib, m))
			require.NoError(t, err, "every other module is a link to the binary")
			assert.Equal(t, "nifcloud_lb", target)
		}
		doc := exec.Command("ansible-doc", "-M", lib, m)
		doc.Env = ansibleEnv(tmp)
		out, err := doc.CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), "> "+strings.ToUpper(m)+" ")
	}
}
