package nifcloud

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Replies are decoded with encoding/xml into types that mirror them (here
// and in decode_classic.go and decode_elastic.go) and hold only the elements
// the modules use; every other element is skipped. Tags name elements
// without a namespace, so they match the current namespace, the historic
// ones and none. Numbers, booleans and times use the xml* scalar types, which
// read an empty element as absent (zero) instead of failing; the mirror
// types are converted to the public ones with plain int, bool and time.Time
// fields. Lists of servers and health results, the bulk of a busy
// listener's reply, decode straight into the public Instance and
// InstanceState types.

// responseMetadata holds the request id of a success reply.
type responseMetadata struct {
	RequestID string `xml:"ResponseMetadata>RequestId"`
	// RequestIDLower accepts the lower-case spelling of EC2-style
	// replies.
	RequestIDLower string `xml:"ResponseMetadata>requestId"`
}

func (m responseMetadata) requestID() string {
	if m.RequestID != "" {
		return strings.TrimSpace(m.RequestID)
	}
	return strings.TrimSpace(m.RequestIDLower)
}

// decodeReply decodes a success reply into out with encoding/xml.
func decodeReply(body []byte, out response) error {
	return xml.Unmarshal(body, out)
}

// xmlMetadataResponse is a reply that carries nothing but its request id:
// its Result element is empty or absent. root is the root element it must
// have, e.g. "DeleteLoadBalancerResponse".
type xmlMetadataResponse struct {
	root string
	responseMetadata
}

// metadataResponse returns the reply type of action, whose reply carries
// nothing but its request id.
func metadataResponse(action string) *xmlMetadataResponse {
	return &xmlMetadataResponse{root: action + "Response"}
}

// UnmarshalXML implements xml.Unmarshaler: it checks the root element, as a
// tagged XMLName field would, and reads the request id.
func (r *xmlMetadataResponse) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	if start.Name.Local != r.root {
		return fmt.Errorf("expected element type <%s> but have <%s>", r.root, start.Name.Local)
	}
	return d.DecodeElement(&r.responseMetadata, &start)
}

// xmlInt is an integer element; an empty element is absent (zero).
type xmlInt int

// UnmarshalXML implements xml.Unmarshaler.
func (n *xmlInt) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	s, err := elementText(d, start)
	if err != nil {
		return err
	}
	return n.set(start.Name.Local, s)
}

// set reads the trimmed text s of the element name; empty text leaves n
// as it is.
func (n *xmlInt) set(name, s string) error {
	if s == "" {
		return nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("%s: invalid integer %s", name, quoteShort(s))
	}
	*n = xmlInt(v)
	return nil
}

// xmlBool is a boolean element ("true", "false", any case, or 1/0); an
// empty element is absent (false).
type xmlBool bool

// UnmarshalXML implements xml.Unmarshaler.
func (b *xmlBool) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	s, err := elementText(d, start)
	if err != nil {
		return err
	}
	return b.set(start.Name.Local, s)
}

// set reads the trimmed text s of the element name; empty text leaves b
// as it is.
func (b *xmlBool) set(name, s string) error {
	if s == "" {
		return nil
	}
	v, err := strconv.ParseBool(strings.ToLower(s))
	if err != nil {
		return fmt.Errorf("%s: invalid boolean %s", name, quoteShort(s))
	}
	*b = xmlBool(v)
	return nil
}

// xmlTime is a timestamp element in RFC 3339 form, with or without
// fractional seconds, with an offset or Z (or, leniently, no zone, read as
// UTC); an empty element is absent (the zero time).
type xmlTime time.Time

// timeLayouts are tried in order by xmlTime.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"}

// UnmarshalXML implements xml.Unmarshaler.
func (t *xmlTime) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	s, err := elementText(d, start)
	if err != nil {
		return err
	}
	return t.set(start.Name.Local, s)
}

// set reads the trimmed text s of the element name; empty text leaves t
// as it is.
func (t *xmlTime) set(name, s string) error {
	if s == "" {
		return nil
	}
	for _, layout := range timeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			*t = xmlTime(v)
			return nil
		}
	}
	return fmt.Errorf("%s: invalid timestamp %s", name, quoteShort(s))
}

// MarshalText implements encoding.TextMarshaler in the form UnmarshalXML
// reads (empty for the zero time), so that a decoded reply encodes back to
// one that decodes the same (the fuzz tests check it).
func (t xmlTime) MarshalText() ([]byte, error) {
	if time.Time(t).IsZero() {
		return nil, nil
	}
	return []byte(time.Time(t).Format(time.RFC3339Nano)), nil
}

// elementText reads the text of the element that start opened, trimmed.
func elementText(d *xml.Decoder, start xml.StartElement) (string, error) {
	var s string
	if err := d.DecodeElement(&s, &start); err != nil {
		return "", err
	}
	return strings.TrimSpace(s), nil
}

// quoteShort quotes s for an error message; a value of more than 40 bytes
// is cut between words (see truncate) and its length given, so that a
// secret echoed in a reply is never quoted in part.
func quoteShort(s string) string {
	if len(s) > 40 {
		return fmt.Sprintf("%s (%d bytes)", strconv.Quote(truncate(s, 40, unicode.IsSpace)), len(s))
	}
	return strconv.Quote(s)
}
