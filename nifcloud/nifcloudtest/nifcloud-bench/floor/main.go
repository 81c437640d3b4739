// Command floor is the yardstick of nifcloud-bench: the least a program can
// do for one NIFCLOUD API call. It reads the same args file as the module
// (endpoint, access_key, secret_access_key, ca_bundle, loadbalancer_name),
// sends one signed DescribeLoadBalancers POST over HTTPS, trusting only the
// CA bundle (with -system-roots: the system's CA pool and the CA bundle, as
// the module does), reads the whole reply and exits: 0 on HTTP 200, 1
// otherwise.
//
// Usage: floor [-system-roots] ARGS_FILE
//
// nifcloud-bench builds it with the module's flags (CGO_ENABLED=0 -trimpath
// -ldflags '-s -w') and times it against the module, so that the difference
// is what the module adds to one round trip.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args, time.Now()); err != nil {
		fmt.Fprintf(os.Stderr, "floor: %v\n", err)
		os.Exit(1)
	}
}

// args are the fields of the module's args file that the floor uses.
type args struct {
	Endpoint         string `json:"endpoint"`
	AccessKey        string `json:"access_key"`
	SecretAccessKey  string `json:"secret_access_key"`
	CABundle         string `json:"ca_bundle"`
	LoadBalancerName string `json:"loadbalancer_name"`
}

// run makes the call described by the args file named in argv.
func run(argv []string, now time.Time) error {
	systemRoots := len(argv) == 3 && argv[1] == "-system-roots"
	if len(argv) != 2 && !systemRoots {
		return errors.New("usage: floor [-system-roots] ARGS_FILE")
	}
	data, err := os.ReadFile(argv[len(argv)-1])
	if err != nil {
		return fmt.Errorf("read args: %w", err)
	}
	var a args
	if err := json.Unmarshal(data, &a); err != nil {
		return fmt.Errorf("decode args: %w", err)
	}
	if a.Endpoint == "" || a.AccessKey == "" || a.SecretAccessKey == "" || a.CABundle == "" {
		return errors.New("args: endpoint, access_key, secret_access_key and ca_bundle are required")
	}
	u, err := url.Parse(a.Endpoint)
	if err != nil {
		return fmt.Errorf("parse endpoint: %w", err)
	}
	pem, err := os.ReadFile(a.CABundle)
	if err != nil {
		return fmt.Errorf("read CA bundle: %w", err)
	}
	pool := x509.NewCertPool()
	if systemRoots {
		if pool, err = x509.SystemCertPool(); err != nil {
			return fmt.Errorf("system roots: %w", err)
		}
	}
	if !pool.AppendCertsFromPEM(pem) {
		return errors.New("CA bundle: no certificate")
	}

	form := url.Values{
		"Action":           {"DescribeLoadBalancers"},
		"Version":          {"3.0"},
		"AccessKeyId":      {a.AccessKey},
		"SignatureMethod":  {"HmacSHA256"},
		"SignatureVersion": {"2"},
		"Timestamp":        {now.UTC().Format("2006-01-02T15:04:05Z")},
	}
	if a.LoadBalancerName != "" {
		form.Set("LoadBalancerNames.member.1", a.LoadBalancerName)
	}
	form.Set("Signature", signature(form, u.Host, u.EscapedPath(), a.SecretAccessKey))

	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}
	resp, err := client.Post(u.String(), "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return fmt.Errorf("read reply: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reply: HTTP %d", resp.StatusCode)
	}
	return nil
}

// signature is the Signature Version 2 (HmacSHA256) of a POST of form to
// host and path: the HMAC of "POST\nhost\npath\n" and the form sorted by
// name with RFC 3986 escaping.
func signature(form url.Values, host, path, secret string) string {
	names := make([]string, 0, len(form))
	for name := range form {
		names = append(names, name)
	}
	sort.Strings(names)
	pairs := make([]string, len(names))
	for i, name := range names {
		pairs[i] = escape(name) + "=" + escape(form.Get(name))
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("POST\n" + host + "\n" + path + "\n" + strings.Join(pairs, "&")))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// escape percent-encodes every byte but A-Z a-z 0-9 - _ . ~.
func escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
