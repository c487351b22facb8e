// Command go-oracle writes the expected values of Clearance's Go-compatible builtins, computed by
// Go's own standard library: fmt.Sprintf (sprintf), time.Time.Format / time.Parse (time.format,
// time.parse_ns) and text/template (strings.render_template). It reads only inputs
// (test/fixtures/go-oracle/cases.json) and writes test/fixtures/go-oracle/expected.json with the
// Go version that produced it. Arguments are converted the way OPA's builtins convert Rego values
// before calling Go (numbers to int, *big.Int or float64; other scalars to their Rego text).
//
// Regenerate from the repository root:
//
//	(cd scripts/go-oracle && TZ=UTC go run .) && npx biome format --write test/fixtures/go-oracle
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/template"
	"time"
)

// Arguments and values are written as JSON text inside strings ("1.0", "\"x\"") so that a
// number keeps its literal spelling.
type sprintfCase struct {
	Format string   `json:"format"`
	Args   []string `json:"args"`
}

type sprintfMatrix struct {
	Formats []string `json:"formats"`
	Values  []string `json:"values"`
}

type timeFormatCase struct {
	Ns     string `json:"ns"`
	Zone   string `json:"zone"`
	Layout string `json:"layout"`
}

type timeParseCase struct {
	Layout string `json:"layout"`
	Value  string `json:"value"`
}

type templateCase struct {
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data"`
}

type cases struct {
	Sprintf       []sprintfCase    `json:"sprintf"`
	SprintfMatrix []sprintfMatrix  `json:"sprintf_matrix"`
	TimeFormat    []timeFormatCase `json:"time_format"`
	TimeFormatNs  []string         `json:"time_format_ns"`
	TimeLayouts   []string         `json:"time_layouts"`
	TimeZones     []string         `json:"time_zones"`
	TimeParse     []timeParseCase  `json:"time_parse"`
	Template      []templateCase   `json:"template"`
}

type sprintfOut struct {
	Format string `json:"format"`
	// Args is JSON text, so that number literals keep their spelling (1.0 is not 1).
	Args     string `json:"args"`
	Expected string `json:"expected"`
}

type timeFormatOut struct {
	Ns       string `json:"ns"`
	Zone     string `json:"zone"`
	Layout   string `json:"layout"`
	Expected string `json:"expected"`
}

type timeParseOut struct {
	Layout string  `json:"layout"`
	Value  string  `json:"value"`
	Ns     *string `json:"ns,omitempty"`
	Error  *string `json:"error,omitempty"`
}

type templateOut struct {
	Template string `json:"template"`
	// Data is JSON text, so that numbers keep their spelling.
	Data     string  `json:"data"`
	Expected *string `json:"expected,omitempty"`
	Error    bool    `json:"error"`
}

type expected struct {
	GoVersion  string          `json:"go_version"`
	Sprintf    []sprintfOut    `json:"sprintf"`
	TimeFormat []timeFormatOut `json:"time_format"`
	TimeParse  []timeParseOut  `json:"time_parse"`
	Template   []templateOut   `json:"template"`
}

// namedLayouts are the Go layout constants OPA accepts by name.
var namedLayouts = map[string]string{
	"ANSIC": time.ANSIC, "UnixDate": time.UnixDate, "RubyDate": time.RubyDate, "RFC822": time.RFC822,
	"RFC822Z": time.RFC822Z, "RFC850": time.RFC850, "RFC1123": time.RFC1123, "RFC1123Z": time.RFC1123Z,
	"RFC3339": time.RFC3339, "RFC3339Nano": time.RFC3339Nano, "Kitchen": time.Kitchen, "Stamp": time.Stamp,
	"StampMilli": time.StampMilli, "StampMicro": time.StampMicro, "StampNano": time.StampNano,
}

func decode(raw json.RawMessage) any {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		panic(err)
	}
	return v
}

// opaArg converts a JSON value as OPA's sprintf converts a Rego value before calling fmt.
func opaArg(raw json.RawMessage) any {
	switch v := decode(raw).(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return int(n)
		}
		if b, ok := new(big.Int).SetString(v.String(), 10); ok {
			return b
		}
		if f, err := v.Float64(); err == nil {
			return f
		}
		return v.String()
	case string:
		return v
	case bool:
		return fmt.Sprint(v)
	case nil:
		return "null"
	default:
		panic(fmt.Sprintf("composite sprintf argument %s: keep cases to scalars", raw))
	}
}

func sprintf(format string, args []string) sprintfOut {
	goArgs := make([]any, len(args))
	for i, a := range args {
		goArgs[i] = opaArg(json.RawMessage(a))
	}
	parts := args
	return sprintfOut{Format: format, Args: "[" + strings.Join(parts, ", ") + "]", Expected: fmt.Sprintf(format, goArgs...)}
}

func main() {
	root := filepath.Join("..", "..", "test", "fixtures", "go-oracle")
	text, err := os.ReadFile(filepath.Join(root, "cases.json"))
	if err != nil {
		panic(err)
	}
	var in cases
	if err := json.Unmarshal(text, &in); err != nil {
		panic(err)
	}
	out := expected{GoVersion: runtime.Version()}
	for _, c := range in.Sprintf {
		out.Sprintf = append(out.Sprintf, sprintf(c.Format, c.Args))
	}
	for _, m := range in.SprintfMatrix {
		for _, f := range m.Formats {
			for _, v := range m.Values {
				out.Sprintf = append(out.Sprintf, sprintf(f, []string{v}))
			}
		}
	}
	formats := in.TimeFormat
	for _, ns := range in.TimeFormatNs {
		for _, zone := range in.TimeZones {
			for _, layout := range in.TimeLayouts {
				formats = append(formats, timeFormatCase{Ns: ns, Zone: zone, Layout: layout})
			}
		}
	}
	for _, c := range formats {
		loc, err := time.LoadLocation(c.Zone)
		if err != nil {
			panic(err)
		}
		var ns int64
		fmt.Sscan(c.Ns, &ns)
		layout := c.Layout
		if named, ok := namedLayouts[layout]; ok {
			layout = named
		}
		s := time.Unix(0, ns).In(loc).Format(layout)
		out.TimeFormat = append(out.TimeFormat, timeFormatOut{c.Ns, c.Zone, c.Layout, s})
	}
	for _, c := range in.TimeParse {
		layout := c.Layout
		if named, ok := namedLayouts[layout]; ok {
			layout = named
		}
		t, err := time.Parse(layout, c.Value)
		o := timeParseOut{Layout: c.Layout, Value: c.Value}
		// OPA's toSafeUnixNano: instants outside int64 nanoseconds are an error, not a wrap.
		if err == nil && (t.Before(time.Unix(0, math.MinInt64)) || t.After(time.Unix(0, math.MaxInt64))) {
			err = errors.New("time outside of valid range")
		}
		if err != nil {
			msg := err.Error()
			o.Error = &msg
		} else {
			ns := fmt.Sprint(t.UnixNano())
			o.Ns = &ns
		}
		out.TimeParse = append(out.TimeParse, o)
	}
	for _, c := range in.Template {
		o := templateOut{Template: c.Template, Data: string(c.Data)}
		tmpl, err := template.New("template").Parse(c.Template)
		if err == nil {
			var buf bytes.Buffer
			if err = tmpl.Execute(&buf, decode(c.Data)); err == nil {
				s := strings.ReplaceAll(buf.String(), "<no value>", "<undefined>")
				o.Expected = &s
			}
		}
		o.Error = err != nil
		out.Template = append(out.Template, o)
	}
	result, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(root, "expected.json"), append(result, '\n'), 0o644); err != nil {
		panic(err)
	}
	fmt.Printf("%s: %d sprintf, %d time.format, %d time.parse_ns, %d template cases\n", runtime.Version(),
		len(out.Sprintf), len(out.TimeFormat), len(out.TimeParse), len(out.Template))
}
