package nifcloudtest_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// xmlNode is an element reduced to what the golden comparison looks at:
// its name with namespace, attributes, text and children.
type xmlNode struct {
	Name     xml.Name
	Attrs    []string
	Text     string
	Children []*xmlNode
}

// parseXML parses a document. Whitespace-only text between elements is
// dropped; the text of RequestId/RequestID elements is replaced by "*" so
// that request ids do not take part in comparisons.
func parseXML(data []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("parse xml: %w", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{Name: tok.Name}
			for _, a := range tok.Attr {
				n.Attrs = append(n.Attrs, a.Name.Space+" "+a.Name.Local+"="+a.Value)
			}
			sort.Strings(n.Attrs)
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, n)
			} else if root == nil {
				root = n
			} else {
				return nil, errors.New("parse xml: more than one root element")
			}
			stack = append(stack, n)
		case xml.EndElement:
			n := stack[len(stack)-1]
			if len(n.Children) > 0 {
				n.Text = strings.TrimSpace(n.Text)
			}
			if n.Name.Local == "RequestId" || n.Name.Local == "RequestID" {
				n.Text = "*"
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tok)
			}
		}
	}
	if root == nil {
		return nil, errors.New("parse xml: no root element")
	}
	return root, nil
}

// diffXML returns the first difference between two trees, or "".
func diffXML(path string, want, got *xmlNode) string {
	path += "/" + got.Name.Local
	switch {
	case want.Name != got.Name:
		return fmt.Sprintf("%s: element %v, want %v", path, got.Name, want.Name)
	case strings.Join(want.Attrs, ",") != strings.Join(got.Attrs, ","):
		return fmt.Sprintf("%s: attributes %q, want %q", path, got.Attrs, want.Attrs)
	case want.Text != got.Text:
		return fmt.Sprintf("%s: text %q, want %q", path, got.Text, want.Text)
	}
	for i := 0; i < len(want.Children) || i < len(got.Children); i++ {
		switch {
		case i >= len(got.Children):
			return fmt.Sprintf("%s: missing child %d <%s>", path, i+1, want.Children[i].Name.Local)
		case i >= len(want.Children):
			return fmt.Sprintf("%s: extra child %d <%s>", path, i+1, got.Children[i].Name.Local)
		}
		if d := diffXML(path, want.Children[i], got.Children[i]); d != "" {
			return d
		}
	}
	return ""
}

// assertSameXML checks that got is the same document as want, ignoring
// whitespace between elements and request ids.
func assertSameXML(t *testing.T, want, got []byte) {
	t.Helper()
	w, err := parseXML(want)
	require.NoError(t, err, "want")
	g, err := parseXML(got)
	require.NoError(t, err, "got:\n%s", got)
	assert.Empty(t, diffXML("", w, g), "got:\n%s", got)
}

func TestDiffXML(t *testing.T) {
	base := `<A xmlns="urn:x"><B>1</B><C/><RequestId>abc</RequestId></A>`
	tests := []struct {
		name  string
		other string
		same  bool
	}{
		{"identical", base, true},
		{"whitespace between elements", "<A xmlns=\"urn:x\">\n  <B>1</B>\n  <C></C>\n  <RequestId>zzz</RequestId>\n</A>", true},
		{"other namespace", `<A xmlns="urn:y"><B>1</B><C/><RequestId>abc</RequestId></A>`, false},
		{"no namespace", `<A><B>1</B><C/><RequestId>abc</RequestId></A>`, false},
		{"other text", `<A xmlns="urn:x"><B>2</B><C/><RequestId>abc</RequestId></A>`, false},
		{"text with spaces", `<A xmlns="urn:x"><B> 1</B><C/><RequestId>abc</RequestId></A>`, false},
		{"order", `<A xmlns="urn:x"><C/><B>1</B><RequestId>abc</RequestId></A>`, false},
		{"missing child", `<A xmlns="urn:x"><B>1</B><RequestId>abc</RequestId></A>`, false},
		{"extra child", `<A xmlns="urn:x"><B>1</B><C/><D/><RequestId>abc</RequestId></A>`, false},
		{"case", `<A xmlns="urn:x"><b>1</b><C/><RequestId>abc</RequestId></A>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := parseXML([]byte(base))
			require.NoError(t, err)
			g, err := parseXML([]byte(tt.other))
			require.NoError(t, err)
			d := diffXML("", w, g)
			if tt.same {
				assert.Empty(t, d)
			} else {
				assert.NotEmpty(t, d)
			}
		})
	}
	for _, bad := range []string{"", "<A>", "<A/><B/>", "text"} {
		_, err := parseXML([]byte(bad))
		assert.Error(t, err, "%q", bad)
	}
}
