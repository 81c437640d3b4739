package nifcloud

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadBody(t *testing.T) {
	t.Parallel()
	sized := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + i%26)
		}
		return b
	}
	tests := []struct {
		name  string
		size  int
		limit int64
	}{
		{"empty", 0, 100},
		{"small", 10, 100},
		{"one chunk exactly", firstChunk, 1 << 30},
		{"one byte into the second chunk", firstChunk + 1, 1 << 30},
		{"several chunks", 5*firstChunk + 7, 1 << 30},
		{"chunks past the largest", 3*maxChunk + 5, 1 << 30},
		{"at the limit", 3*firstChunk + 1, 3*firstChunk + 1},
	}
	for _, tt := range tests {
		for _, known := range []bool{false, true} {
			name := tt.name + "/chunked"
			if known {
				name = tt.name + "/with Content-Length"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				want := sized(tt.size)
				resp := &http.Response{Body: io.NopCloser(iotest.HalfReader(bytes.NewReader(want))), ContentLength: -1}
				if known {
					resp.ContentLength = int64(tt.size)
				}
				got, err := readBody(resp, tt.limit)
				require.NoError(t, err)
				assert.Equal(t, len(want), len(got))
				assert.True(t, bytes.Equal(want, got), "the body comes back whole and in order")
			})
		}
	}
}

func TestReadBodyFailures(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("x"), 2*firstChunk+10)
	boom := errors.New("connection reset")
	tests := []struct {
		name    string
		body    io.Reader
		length  int64
		limit   int64
		wantErr string
	}{
		{"chunked, over the limit in the first chunk", bytes.NewReader(big[:100]), -1, 99, "response body larger than 99 bytes"},
		{"chunked, over the limit in a later chunk", bytes.NewReader(big), -1, int64(len(big)) - 1, "response body larger than 32777 bytes"},
		{"Content-Length over the limit", bytes.NewReader(big), int64(len(big)), 100, "response body larger than 100 bytes"},
		{"Content-Length smaller than the body", bytes.NewReader(big), 10, 100, "response body larger than 100 bytes"},
		{"chunked, read error in the first chunk", io.MultiReader(bytes.NewReader(big[:10]), iotest.ErrReader(boom)), -1, 1 << 20, "connection reset"},
		{"chunked, read error in a later chunk", io.MultiReader(bytes.NewReader(big), iotest.ErrReader(boom)), -1, 1 << 20, "connection reset"},
		{"Content-Length, read error", io.MultiReader(bytes.NewReader(big[:10]), iotest.ErrReader(boom)), 20, 1 << 20, "connection reset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := readBody(&http.Response{Body: io.NopCloser(tt.body), ContentLength: tt.length}, tt.limit)
			assert.Nil(t, got)
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}
