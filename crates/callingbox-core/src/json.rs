//! A small JSON value, parser and writer.
//!
//! Why not serde_json: it costs ~25 KB gzip in wasm, more than our whole size target
//! (20 KB gzip). The client hands successful bodies to the host's `JSON.parse`; this module
//! only has to *validate* shapes, read error bodies, verify webhook envelopes, write
//! request bodies and back the emulator. Objects keep key order (a `Vec`), which is what
//! both the writer and the emulator want.
//!
//! The parser is strict RFC 8259 (no trailing commas, no comments, no NaN), bounded in
//! nesting depth, and never panics: every failure is a [`ParseError`] with a byte offset.

use crate::prelude::*;

use super::host;
use super::text::{dec, fill, push_hex, push_int};

/// A parsed JSON value. Numbers are `f64`, as in JavaScript.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

/// Nesting deeper than this is rejected instead of risking the wasm stack.
pub const MAX_DEPTH: usize = 128;

/// Why a text is not JSON, and where (byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub reason: &'static str,
}

impl ParseError {
    /// `"<reason> at byte <offset>"` (what `Display` writes, without core::fmt).
    pub fn text(&self) -> String {
        fill("{} at byte {}", &[self.reason, &dec(self.offset as u64)])
    }
}

impl ::core::fmt::Display for ParseError {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(&self.text())
    }
}

impl Value {
    /// Parses a whole JSON text (surrounding whitespace allowed).
    pub fn parse(text: &str) -> Result<Value, ParseError> {
        Value::parse_with(text, false)
    }

    /// Parses and checks a whole JSON text like [`Value::parse`], but keeps only its shape:
    /// every string *value* comes back empty (member names are kept). What a response check
    /// needs (types, names, nesting) without copying the text of every string, which is most
    /// of a large body's allocations.
    pub fn parse_shape(text: &str) -> Result<Value, ParseError> {
        Value::parse_with(text, true)
    }

    fn parse_with(text: &str, shape: bool) -> Result<Value, ParseError> {
        let mut p = Parser {
            t: text,
            s: text.as_bytes(),
            i: 0,
            shape,
        };
        p.ws();
        let v = p.value(0)?;
        p.ws();
        if p.i != p.s.len() {
            return Err(p.err("unexpected data after the JSON value"));
        }
        Ok(v)
    }

    /// The JSON type name, for error messages ("expected string, got number").
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Member `key` of an object, `None` for other types. A repeated name gives its last
    /// value, as `JSON.parse` does: what is checked is what the caller will get.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => member(m, key).and_then(|i| m.get(i)).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Sets `key` on an object, replacing the member [`Value::get`] reads; no-op on other
    /// types.
    pub fn set(&mut self, key: &str, value: Value) {
        if let Value::Object(m) = self {
            if let Some(slot) = member(m, key).and_then(|i| m.get_mut(i)) {
                slot.1 = value;
            } else {
                m.push((key.to_string(), value));
            }
        }
    }

    /// Compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    pub fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(n) => write_number(*n, out),
            Value::String(s) => write_string(s, out),
            Value::Array(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Value::Object(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// The index of the last member named `key` (the one `JSON.parse` keeps). Lengths are compared
/// first: most keys differ in length, and that test is inlined where a string comparison is a
/// call (the wasm is built for size).
fn member(m: &[(String, Value)], key: &str) -> Option<usize> {
    m.iter()
        .rposition(|(k, _)| k.len() == key.len() && k == key)
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n as f64)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}

/// Writes a JSON object member by member: smaller in wasm than building a [`Value`] only
/// to serialise it (error records, the request description, normalised bodies).
#[derive(Default)]
pub struct ObjectWriter(String);

impl ObjectWriter {
    fn key(&mut self, key: &str) {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        write_string(key, &mut self.0);
        self.0.push(':');
    }

    /// A member whose value is already JSON text (a number, `true`, a nested document).
    pub fn raw(&mut self, key: &str, json: &str) {
        self.key(key);
        self.0.push_str(json);
    }

    /// A member of any JSON value.
    pub fn value(&mut self, key: &str, value: &Value) {
        self.key(key);
        value.write(&mut self.0);
    }

    /// A string member.
    pub fn string(&mut self, key: &str, value: &str) {
        self.key(key);
        write_string(value, &mut self.0);
    }

    /// The object's JSON text.
    pub fn finish(mut self) -> String {
        if self.0.is_empty() {
            self.0.push('{');
        }
        self.0.push('}');
        self.0
    }
}

/// Writes a number as JavaScript's `JSON.stringify` would for finite values
/// (integers without a fraction); non-finite numbers become `null`, as there.
pub fn write_number(n: f64, out: &mut String) {
    if !n.is_finite() {
        out.push_str("null");
    } else if n.fract() == 0.0 && n.abs() < 1e15 {
        push_int(out, n as i64);
    } else {
        out.push_str(&host::format_float(n));
    }
}

/// Converts the text of a JSON number (already checked against the grammar) to `f64`.
///
/// Integers of at most 15 digits (almost every number in API bodies) are exact doubles and
/// are converted here; every other number goes to the host's correctly rounded parser
/// (`host::parse_float`: JavaScript's in wasm, Rust's natively). An exact decimal fast path
/// (Clinger's) used to live here too; moving the rare fractions and exponents to the host
/// saved ~0.5 KB gzip of wasm, at the price of one host call per such number.
pub fn parse_number(text: &str) -> Option<f64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return host::parse_float(text);
    }
    let n = digits
        .bytes()
        .fold(0u64, |n, b| n * 10 + u64::from(b - b'0')) as f64;
    Some(if negative { -n } else { n })
}

/// Writes a JSON string literal with the escapes JSON requires. Runs of plain text are
/// copied whole (escapes are ASCII, so every cut falls on a char boundary).
pub fn write_string(s: &str, out: &mut String) {
    out.push('"');
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "\\u00",
            _ => continue,
        };
        out.push_str(s.get(start..i).unwrap_or_default());
        out.push_str(esc);
        if esc.len() > 2 {
            push_hex(out, b);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

struct Parser<'a> {
    /// The text, for slicing out runs: every run starts and ends next to an ASCII byte
    /// (or at an end), so `str::get` finds char boundaries without UTF-8 validation.
    t: &'a str,
    s: &'a [u8],
    i: usize,
    /// String values are checked but not kept ([`Value::parse_shape`]).
    shape: bool,
}

impl Parser<'_> {
    fn err(&self, reason: &'static str) -> ParseError {
        ParseError {
            offset: self.i,
            reason,
        }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn lit(&mut self, word: &'static [u8], v: Value) -> Result<Value, ParseError> {
        if self.s.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        match self.peek() {
            None => Err(self.err("unexpected end of input")),
            Some(b'n') => self.lit(b"null", Value::Null),
            Some(b't') => self.lit(b"true", Value::Bool(true)),
            Some(b'f') => self.lit(b"false", Value::Bool(false)),
            Some(b'"') => self.string(!self.shape).map(Value::String),
            // Arrays and objects share one loop (one copy of the separator logic in the wasm).
            Some(open @ (b'[' | b'{')) => {
                let object = open == b'{';
                let close = open + 2; // `]` and `}` follow `[` and `{` by two in ASCII
                self.i += 1;
                let mut items = Vec::new();
                let mut members = Vec::new();
                self.ws();
                if self.peek() == Some(close) {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        let key = if object {
                            match self.peek() {
                                Some(b'"') => {}
                                None => return Err(self.err("unexpected end of input")),
                                _ => return Err(self.err("expected a string key")),
                            }
                            let key = self.string(true)?;
                            self.ws();
                            if self.peek() != Some(b':') {
                                return Err(self.err("expected ':'"));
                            }
                            self.i += 1;
                            self.ws();
                            Some(key)
                        } else {
                            None
                        };
                        let v = self.value(depth + 1)?;
                        match key {
                            Some(key) => members.push((key, v)),
                            None => items.push(v),
                        }
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(c) if c == close => {
                                self.i += 1;
                                break;
                            }
                            None => return Err(self.err("unexpected end of input")),
                            _ if object => return Err(self.err("expected ',' or '}'")),
                            _ => return Err(self.err("expected ',' or ']'")),
                        }
                    }
                }
                Ok(if object {
                    Value::Object(members)
                } else {
                    Value::Array(items)
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        let n = self.digits();
        if n == 0 {
            return Err(self.err("invalid number"));
        }
        if n > 1 && self.s.get(int_start) == Some(&b'0') {
            return Err(ParseError {
                offset: int_start,
                reason: "leading zero in number",
            });
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.err("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("invalid number"));
            }
        }
        let text = self.t.get(start..self.i).unwrap_or_default();
        parse_number(text).map(Value::Number).ok_or(ParseError {
            offset: start,
            reason: "invalid number",
        })
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.err("invalid \\u escape")),
            };
            v = v * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(v)
    }

    /// A string literal; with `keep` false it is checked, and an escape-free one is not copied.
    fn string(&mut self, keep: bool) -> Result<String, ParseError> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            // Copy the longest run of plain bytes at once (input is valid UTF-8: it is a &str).
            let start = self.i;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            let run = self.t.get(start..self.i).unwrap_or_default();
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    // Most strings have no escape: one allocation of the right size.
                    if out.is_empty() {
                        return Ok(if keep { run.into() } else { String::new() });
                    }
                    out.push_str(run);
                    return Ok(if keep { out } else { String::new() });
                }
                Some(b'\\') => {
                    out.push_str(run);
                    self.i += 1;
                    let esc = self.peek().ok_or_else(|| self.err("unterminated string"))?;
                    self.i += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            // A lone surrogate is accepted as U+FFFD, as JSON.parse accepts it
                            // (JSON.stringify emits one for a string cut inside an emoji).
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                let save = self.i;
                                let lo = if self.s.get(self.i..self.i + 2) == Some(b"\\u") {
                                    self.i += 2;
                                    self.hex4().ok()
                                } else {
                                    None
                                };
                                match lo {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                    }
                                    _ => {
                                        self.i = save;
                                        0xFFFD
                                    }
                                }
                            } else if (0xDC00..0xE000).contains(&hi) {
                                0xFFFD
                            } else {
                                hi
                            };
                            out.push(
                                char::from_u32(code)
                                    .ok_or_else(|| self.err("invalid \\u escape"))?,
                            );
                        }
                        _ => return Err(self.err("invalid escape")),
                    }
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_documents() {
        let text =
            r#"{"a":[1,2.5,-3e2,true,false,null],"b":{"c":"x\"y\\z\n\u00e9\ud83d\ude00"},"d":""}"#;
        let v = Value::parse(text).unwrap();
        assert_eq!(v.get("d"), Some(&Value::String(String::new())));
        assert_eq!(
            v.get("b").and_then(|b| b.get("c")).and_then(Value::as_str),
            Some("x\"y\\z\né😀")
        );
        let again = Value::parse(&v.to_json()).unwrap();
        assert_eq!(v, again);
        assert_eq!(Value::parse("[-300]").unwrap().to_json(), "[-300]");
        assert_eq!(Value::parse(" 0.5 ").unwrap().to_json(), "0.5");
    }

    #[test]
    fn rejects_malformed_text_with_a_reason() {
        for (text, reason) in [
            ("", "unexpected end of input"),
            ("{", "unexpected end of input"),
            (r#"{"a":1"#, "unexpected end of input"),
            (r#"{"a":1,}"#, "expected a string key"),
            ("[1,]", "unexpected character"),
            ("[1 2]", "expected ',' or ']'"),
            ("01", "leading zero in number"),
            ("1.", "invalid number"),
            ("-", "invalid number"),
            ("nul", "invalid literal"),
            ("NaN", "unexpected character"),
            (r#""abc"#, "unterminated string"),
            ("\"a\u{1}\"", "control character in string"),
            (r#""\x""#, "invalid escape"),
            ("<html>502 Bad Gateway</html>", "unexpected character"),
            ("{} {}", "unexpected data after the JSON value"),
        ] {
            let e = Value::parse(text).unwrap_err();
            assert_eq!(e.reason, reason, "for {text:?}");
        }
    }

    #[test]
    fn every_escape_is_decoded() {
        let cases = [
            (r#""a\/b""#, "a/b"),
            (r#""\b\f\n\r\t""#, "\u{8}\u{c}\n\r\t"),
            (r#""\"\\""#, "\"\\"),
            (r#""caf\u00E9 caf\u00e9""#, "café café"),
            (r#""\u0041\u004A\u004a""#, "AJJ"),
            (r#""\ud83d\ude00""#, "😀"),
            (r#""\uD83D\uDE00""#, "😀"),
            (r#""lone \ud800 x""#, "lone \u{fffd} x"),
            (r#""lone \udc00""#, "lone \u{fffd}"),
        ];
        for (text, want) in cases {
            assert_eq!(Value::parse(text), Ok(Value::String(want.into())), "{text}");
            // Member names too, and the shape-only parse keeps names, not values.
            let doc = ["{", text, ":1}"].concat();
            let Ok(Value::Object(m)) = Value::parse_shape(&doc) else {
                panic!("{doc}")
            };
            assert_eq!(m[0].0, want, "{doc}");
            assert_eq!(Value::parse_shape(text), Ok(Value::String(String::new())));
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert_eq!(Value::parse(&deep).unwrap_err().reason, "nesting too deep");
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Value::parse(&ok).is_ok());
    }

    #[test]
    fn writer_escapes_and_formats_numbers() {
        let v = Value::Object(vec![
            ("s".into(), Value::from("a\u{1}b\"")),
            ("n".into(), Value::Number(12667.0)),
            ("f".into(), Value::Number(0.25)),
            ("nan".into(), Value::Number(f64::NAN)),
        ]);
        assert_eq!(
            v.to_json(),
            r#"{"s":"a\u0001b\"","n":12667,"f":0.25,"nan":null}"#
        );
    }

    #[test]
    fn set_replaces_or_appends() {
        let mut v = Value::Object(vec![]);
        v.set("a", Value::from(1i64));
        v.set("a", Value::from(2i64));
        v.set("b", Value::Null);
        assert_eq!(v.to_json(), r#"{"a":2,"b":null}"#);
    }
}

#[cfg(test)]
mod number_tests {
    use super::*;

    #[test]
    fn fast_path_matches_std_parse() {
        let samples = [
            "0",
            "-0",
            "1",
            "-1",
            "0.5",
            "2.5",
            "0.1",
            "0.2",
            "0.3",
            "1e3",
            "1E-3",
            "12667",
            "9007199254740991",
            "123456789012345",
            "1.5e10",
            "3.14159",
            "-2.718281828",
            "1e22",
            "1e-22",
            "5e-324",
            "1.7976931348623157e308",
            "123456789012345678",
            "0.000001",
            "4.35",
            "100.01",
            "1e+2",
            "0e0",
            "12345.678901234",
        ];
        for s in samples {
            assert_eq!(parse_number(s), s.parse::<f64>().ok(), "{s}");
        }
    }
}

#[cfg(test)]
mod surrogate_tests {
    use super::*;

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        // What JSON.parse accepts, we accept (the host parses the real result).
        for (text, want) in [
            (r#""\ud83d""#, "\u{fffd}"),
            (r#""a\ud83db""#, "a\u{fffd}b"),
            (r#""\ude00x""#, "\u{fffd}x"),
            (r#""\ud83d\u0041""#, "\u{fffd}A"),
            (r#""\ud83d\ude00""#, "😀"),
            (r#""\ud83d\ud83d\ude00""#, "\u{fffd}😀"),
        ] {
            assert_eq!(
                Value::parse(text).unwrap(),
                Value::String(want.into()),
                "{text}"
            );
        }
        assert_eq!(
            Value::parse(r#""\ud83d\u00""#).unwrap_err().reason,
            "invalid \\u escape"
        );
    }
}
