//! Parameters → HTTP request (method, URL, headers, body). Pure: the same inputs always
//! give the same request, and every argument is checked before anything could be sent.

use super::e164;
use super::error::Error;
use super::json::Value;
use super::ops::{Field, Method, Op, Param};

/// The client's settings that shape every request.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    pub api_key: String,
    /// Without a trailing slash.
    pub base_url: String,
    /// `None` in browsers (they refuse to let scripts set `User-Agent`, and an extra header
    /// would need a CORS preflight the API does not allow).
    pub user_agent: Option<String>,
    pub default_headers: Vec<(String, String)>,
}

pub const DEFAULT_BASE_URL: &str = "https://api.callingbox.io";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Header names the client owns; `defaultHeaders` cannot replace them.
const RESERVED: &[&str] = &["authorization", "content-type", "idempotency-key"];

impl ClientConfig {
    /// Checks the user's options. The key is validated for shape only and never echoed.
    pub fn new(
        api_key: Option<&str>,
        base_url: Option<&str>,
        platform: Option<&str>,
        default_headers: Vec<(String, String)>,
    ) -> Result<ClientConfig, Error> {
        let api_key = api_key.map(str::trim).unwrap_or_default();
        if api_key.is_empty() {
            return Err(Error::validation(
                "apiKey",
                "is required (a CallingBox secret key, sk_...)",
            ));
        }
        if api_key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::validation(
                "apiKey",
                "must not contain whitespace or control characters",
            ));
        }
        let base_url = base_url
            .unwrap_or(DEFAULT_BASE_URL)
            .trim()
            .trim_end_matches('/');
        let host = base_url
            .strip_prefix("https://")
            .or_else(|| base_url.strip_prefix("http://"));
        if host.is_none_or(str::is_empty) {
            return Err(Error::validation(
                "baseUrl",
                format!("must be an http(s) URL, got \"{base_url}\""),
            ));
        }
        if base_url.contains(['?', '#', ' ']) {
            return Err(Error::validation(
                "baseUrl",
                "must not contain a query, fragment or spaces",
            ));
        }
        for (name, value) in &default_headers {
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
            {
                return Err(Error::validation(
                    "defaultHeaders",
                    format!("has an invalid header name \"{name}\""),
                ));
            }
            if value.contains(['\r', '\n']) {
                return Err(Error::validation(
                    "defaultHeaders",
                    format!("header \"{name}\" has a line break in its value"),
                ));
            }
        }
        let user_agent = match platform {
            Some("browser") => None,
            Some(p) => Some(format!("callingbox-js/{VERSION} ({p}; wasm)")),
            None => Some(format!("callingbox-js/{VERSION} (wasm)")),
        };
        Ok(ClientConfig {
            api_key: api_key.to_string(),
            base_url: base_url.to_string(),
            user_agent,
            default_headers,
        })
    }
}

/// Reads the client options object (`{ apiKey, baseUrl?, defaultHeaders? }`, as JSON from
/// the host) and validates every type. Other option keys (fetch, timeout) belong to the host.
pub fn config_from_options(options: &Value, platform: Option<&str>) -> Result<ClientConfig, Error> {
    if !matches!(options, Value::Object(_)) {
        return Err(Error::validation(
            "options",
            "must be an object like { apiKey: \"sk_...\" }",
        ));
    }
    let string = |name: &str| match options.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(other) => Err(Error::validation(
            name,
            format!("must be a string, got {}", other.type_name()),
        )),
    };
    let mut default_headers = Vec::new();
    match options.get("defaultHeaders") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                match v {
                    Value::String(s) => default_headers.push((k.clone(), s.clone())),
                    Value::Null => {}
                    _ => {
                        return Err(Error::validation(
                            "defaultHeaders",
                            format!("header \"{k}\" must have a string value"),
                        ))
                    }
                }
            }
        }
        Some(_) => {
            return Err(Error::validation(
                "defaultHeaders",
                "must be an object of header names to strings",
            ))
        }
    }
    ClientConfig::new(
        string("apiKey")?,
        string("baseUrl")?,
        platform,
        default_headers,
    )
}

/// A request ready to hand to `fetch`.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// Builds the request for `op`. `params` is the user's object (or `None`); unknown keys
/// pass through to the body (or query), so new API fields work before the SDK knows them.
/// `idempotency_key` is attached to POSTs.
pub fn build(
    cfg: &ClientConfig,
    op: &Op,
    path_args: &[&str],
    params: Option<&Value>,
    idempotency_key: Option<&str>,
) -> Result<HttpRequest, Error> {
    // Path: every argument a non-empty string, percent-encoded as one segment.
    if path_args.len() != op.path_args.len() {
        return Err(Error::validation(
            op.name,
            format!(
                "takes {} id argument(s), got {}",
                op.path_args.len(),
                path_args.len()
            ),
        ));
    }
    let mut url = cfg.base_url.clone();
    let mut args = path_args.iter().zip(op.path_args);
    // Templates mark each argument with `{}`; split on the `{` and drop the `}`.
    for (i, piece) in op.path.split('{').enumerate() {
        let piece = if i > 0 {
            piece.strip_prefix('}').unwrap_or(piece)
        } else {
            piece
        };
        if i > 0 {
            if let Some((value, name)) = args.next() {
                if value.trim().is_empty() {
                    return Err(Error::validation(name, "must be a non-empty id"));
                }
                encode_segment(value, &mut url);
            }
        }
        url.push_str(piece);
    }

    let members: &[(String, Value)] = match params {
        None | Some(Value::Null) => &[],
        Some(Value::Object(m)) => m,
        Some(other) => {
            return Err(Error::validation(
                "params",
                format!("must be an object, got {}", other.type_name()),
            ))
        }
    };
    let mut checked: Vec<(String, Value)> = Vec::with_capacity(members.len());
    for field in op.params {
        match members.iter().find(|(k, _)| k == field.name) {
            Some((_, v)) => checked.push((field.name.to_string(), check(field, v)?)),
            None if field.required => return Err(Error::validation(field.name, "is required")),
            None => {}
        }
    }
    // Unknown keys pass through unchanged (forward compatibility).
    for (k, v) in members {
        if !op.params.iter().any(|f| f.name == k) {
            checked.push((k.clone(), v.clone()));
        }
    }

    let mut body = None;
    if op.method == Method::Get || op.method == Method::Delete {
        let mut sep = '?';
        for (k, v) in &checked {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(_) | Value::Bool(_) => v.to_json(),
                Value::Null => continue,
                _ => {
                    return Err(Error::validation(
                        k,
                        "must be a string, number or boolean (it is sent in the query string)",
                    ))
                }
            };
            url.push(sep);
            sep = '&';
            encode_component(k, &mut url);
            url.push('=');
            encode_component(&text, &mut url);
        }
    } else if !op.params.is_empty() || !checked.is_empty() {
        body = Some(Value::Object(checked).to_json());
    }

    let mut headers: Vec<(String, String)> = Vec::with_capacity(6 + cfg.default_headers.len());
    headers.push(("Authorization".into(), format!("Bearer {}", cfg.api_key)));
    headers.push(("Accept".into(), "application/json".into()));
    if body.is_some() {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    if let Some(ua) = &cfg.user_agent {
        headers.push(("User-Agent".into(), ua.clone()));
    }
    if op.method == Method::Post {
        if let Some(key) = idempotency_key {
            headers.push(("Idempotency-Key".into(), key.to_string()));
        }
    }
    for (name, value) in &cfg.default_headers {
        let lower = name.to_ascii_lowercase();
        if RESERVED.contains(&lower.as_str()) {
            continue;
        }
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        headers.push((name.clone(), value.clone()));
    }
    Ok(HttpRequest {
        method: op.method.as_str(),
        url,
        headers,
        body,
    })
}

/// Checks one known parameter; returns the value to send (phone numbers canonicalised).
fn check(field: &Field, v: &Value) -> Result<Value, Error> {
    let bad =
        |want: &str| Error::validation(field.name, format!("must be {want}, got {}", describe(v)));
    match (field.ty, v) {
        (Param::Str, Value::String(_)) | (Param::NullableStr, Value::String(_) | Value::Null) => {
            Ok(v.clone())
        }
        (Param::Str, _) => Err(bad("a string")),
        (Param::NullableStr, _) => Err(bad("a string or null")),
        (Param::Phone, Value::String(s)) => {
            e164::parse(s)
                .map(Value::String)
                .map_err(|reason| Error::Validation {
                    field: field.name.to_string(),
                    message: format!(
                        "\"{s}\" is not an E.164 phone number: it {}",
                        reason.message()
                    ),
                    phone: Some(reason),
                })
        }
        (Param::Phone, _) => Err(bad("an E.164 phone number string like \"+14155550123\"")),
        (Param::PosInt, Value::Number(n))
            if n.fract() == 0.0 && *n >= 1.0 && *n <= 9.007_199_254_740_991e15 =>
        {
            Ok(v.clone())
        }
        (Param::PosInt, _) => Err(bad("a whole number of at least 1")),
        (Param::Bool, Value::Bool(_)) => Ok(v.clone()),
        (Param::Bool, _) => Err(bad("a boolean")),
        (Param::Obj, Value::Object(_)) => Ok(v.clone()),
        (Param::Obj, _) => Err(bad("an object")),
        (Param::StrArr, Value::Array(items)) => {
            match items.iter().position(|i| !matches!(i, Value::String(_))) {
                None => Ok(v.clone()),
                Some(i) => Err(Error::validation(
                    field.name,
                    format!(
                        "must be an array of strings, but item {i} is {}",
                        describe(items.get(i).unwrap_or(&Value::Null))
                    ),
                )),
            }
        }
        (Param::StrArr, _) => Err(bad("an array of strings")),
        (Param::ObjArr, Value::Array(items)) => {
            match items.iter().position(|i| !matches!(i, Value::Object(_))) {
                None => Ok(v.clone()),
                Some(i) => Err(Error::validation(
                    field.name,
                    format!(
                        "must be an array of objects, but item {i} is {}",
                        describe(items.get(i).unwrap_or(&Value::Null))
                    ),
                )),
            }
        }
        (Param::ObjArr, _) => Err(bad("an array of objects")),
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Number(n) if !n.is_finite() => "a non-finite number".into(),
        Value::Number(n) => format!("the number {}", Value::Number(*n).to_json()),
        Value::Null => "null".into(),
        Value::String(s) if s.chars().count() <= 40 => format!("the string \"{s}\""),
        other => format!("a value of type {}", other.type_name()),
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so an id can never
/// change the path (`../`, `/`, `?`, `#`).
fn encode_segment(s: &str, out: &mut String) {
    if s == "." || s == ".." {
        out.push_str(if s == "." { "%2E" } else { "%2E%2E" });
        return;
    }
    encode_component(s, out);
}

fn encode_component(s: &str, out: &mut String) {
    let hex = |n: u8| char::from_digit(u32::from(n), 16).map_or('0', |c| c.to_ascii_uppercase());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(hex(b >> 4));
            out.push(hex(b & 15));
        }
    }
}

/// Formats 16 random bytes (from the host's CSPRNG) as a UUID v4, for `Idempotency-Key`.
pub fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{byte:02x}"));
    }
    s
}
