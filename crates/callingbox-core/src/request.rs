//! Parameters → HTTP request (method, URL, headers, body). Pure: the same inputs always
//! give the same request, and every argument is checked before anything could be sent.

use crate::prelude::*;

use super::error::Error;
use super::json::{ObjectWriter, Value};
use super::ops::{Field, Method, Op, Param};
use super::phone;
use super::text::{cat, clip, dec, fill, find, is_blank, split_byte, trim};

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
    /// The region national phone numbers are read with (`"US"`: `(415) 555-0100` →
    /// `+14155550100`); `None`: phone numbers must be international (`+…`).
    pub default_country: Option<String>,
}

pub const DEFAULT_BASE_URL: &str = "https://api.callingbox.io";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Whether a header name is one the client sets itself (`Authorization`, `Content-Type`,
/// `Idempotency-Key`: [`crate::api::CLIENT_HEADERS`]), which other headers do not replace.
pub fn reserved_header(name: &str) -> bool {
    crate::api::CLIENT_HEADERS
        .iter()
        .any(|r| name.eq_ignore_ascii_case(r))
}

/// The Fetch standard's forbidden request-header names (https://fetch.spec.whatwg.org/#forbidden-request-header),
/// plus its `proxy-`/`sec-` prefixes and method overrides: browsers drop them silently and
/// Node's fetch refuses some at send time (so a POST would end "outcome unknown" although
/// nothing left), so `defaultHeaders` may not name them at all. Comma-delimited, lowercase.
const FORBIDDEN: &str = ",accept-charset,accept-encoding,access-control-request-headers,\
access-control-request-method,connection,content-length,cookie,cookie2,date,dnt,expect,host,\
keep-alive,origin,referer,set-cookie,te,trailer,transfer-encoding,upgrade,via,x-http-method,\
x-http-method-override,x-method-override,";

/// Whether a header name is one `defaultHeaders` may not set (the Fetch standard's forbidden
/// request headers, `proxy-*` and `sec-*`).
pub fn forbidden_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("proxy-")
        || lower.starts_with("sec-")
        || find(FORBIDDEN, &cat(&[",", &lower, ","])).is_some()
}

/// API keys shorter than this cannot be told apart from ordinary text, so they could not be
/// removed reliably from what the client reports; they are refused.
pub const MIN_API_KEY_LENGTH: usize = 8;

/// Whether `host` (of `http://host[:port]`) is this machine: `localhost` (and names under
/// it), 127.0.0.0/8 or `[::1]`. Only such hosts may be reached without TLS by default.
fn is_loopback(host: &str) -> bool {
    let lower = host.to_ascii_lowercase();
    let name = lower.strip_suffix('.').unwrap_or(&lower);
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "[::1]"
        || name.strip_prefix("127.").is_some_and(|rest| {
            // Three more dot-separated groups of 1-3 digits (a byte loop: no string searcher).
            let (mut groups, mut digits) = (1, 0);
            rest.bytes().all(|b| match b {
                b'0'..=b'9' if digits < 3 => {
                    digits += 1;
                    true
                }
                b'.' if digits > 0 => {
                    groups += 1;
                    digits = 0;
                    true
                }
                _ => false,
            }) && digits > 0
                && groups == 3
        })
}

impl ClientConfig {
    /// Checks the user's options. The key is validated for shape only and never echoed.
    /// Plain `http://` is refused unless the host is loopback (see [`ClientConfig::with`]).
    pub fn new(
        api_key: Option<&str>,
        base_url: Option<&str>,
        platform: Option<&str>,
        default_headers: Vec<(String, String)>,
    ) -> Result<ClientConfig, Error> {
        ClientConfig::with(api_key, base_url, platform, default_headers, false)
    }

    /// [`ClientConfig::new`], where `allow_insecure_http` lets an `http://` base URL name a
    /// host that is not loopback (the key would cross the network in clear text).
    pub fn with(
        api_key: Option<&str>,
        base_url: Option<&str>,
        platform: Option<&str>,
        default_headers: Vec<(String, String)>,
        allow_insecure_http: bool,
    ) -> Result<ClientConfig, Error> {
        let api_key = api_key.map(trim).unwrap_or_default();
        if api_key.is_empty() {
            return Err(Error::validation(
                "apiKey",
                "is required (a CallingBox secret key, sk_...)",
            ));
        }
        // It becomes a header value: printable ASCII only (fetch rejects anything else
        // before sending, which would otherwise look like a lost connection).
        if !api_key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::validation(
                "apiKey",
                "must be printable ASCII without whitespace or control characters",
            ));
        }
        if api_key.len() < MIN_API_KEY_LENGTH {
            return Err(Error::validation(
                "apiKey",
                "is too short to be a CallingBox secret key (at least 8 characters)",
            ));
        }
        let mut base_url = trim(base_url.unwrap_or(DEFAULT_BASE_URL));
        // A loop rather than `trim_end_matches('/')`, which links core's char searcher.
        while let Some(rest) = base_url.strip_suffix("/") {
            base_url = rest;
        }
        // First, and without quoting the URL: credentials (`user:password@`) are not repeated
        // in a message.
        if base_url
            .bytes()
            .any(|b| matches!(b, b'?' | b'#' | b' ' | b'@'))
        {
            return Err(Error::validation(
                "baseUrl",
                "must not contain a query, fragment, spaces or credentials (user:password@)",
            ));
        }
        let host = base_url
            .strip_prefix("https://")
            .or_else(|| base_url.strip_prefix("http://"));
        if host.is_none_or(str::is_empty) {
            return Err(Error::invalid(
                "baseUrl",
                "must be an http(s) URL, got \"{}\"",
                &[base_url],
            ));
        }
        if let Some(rest) = host {
            let end = rest.bytes().position(|c| c == b'/').unwrap_or(rest.len());
            let authority = rest.get(..end).unwrap_or_default();
            let host = check_authority(authority)?;
            if !allow_insecure_http && base_url.starts_with("http://") && !is_loopback(host) {
                return Err(Error::invalid(
                    "baseUrl",
                    "is http:// to \"{}\", which would send the API key in clear text: use \
                     https://, or set allowInsecureHttp: true if the network is trusted",
                    &[host],
                ));
            }
        }
        for (name, value) in &default_headers {
            if let Some(problem) = header_problem(name, value) {
                return Err(Error::invalid("defaultHeaders", problem, &[name]));
            }
        }
        let user_agent = match platform {
            Some("browser") => None,
            Some(p) => Some(fill("callingbox-js/{} ({}; wasm)", &[VERSION, p])),
            None => Some(fill("callingbox-js/{} (wasm)", &[VERSION])),
        };
        Ok(ClientConfig {
            api_key: api_key.to_string(),
            base_url: base_url.to_string(),
            user_agent,
            default_headers,
            default_country: None,
        })
    }

    /// Puts one request's `headers` over the client's own, by name in any case: a value
    /// replaces the client's header of that name, `None` leaves it out. The names the client
    /// sets itself (see [`reserved_header`]) are refused, and the headers with a value are
    /// checked as `defaultHeaders` are (a name that could not be set cannot be there to
    /// leave out: `None` for it changes nothing); errors name the field `headers`, and change
    /// nothing.
    pub fn add_headers(&mut self, headers: &[(String, Option<String>)]) -> Result<(), Error> {
        for (name, value) in headers {
            if reserved_header(name) {
                return Err(Error::invalid(
                    "headers",
                    "cannot set \"{}\": the client sets it (a key of your own: the idempotency \
                     key option)",
                    &[name],
                ));
            }
            if let Some(problem) = value.as_deref().and_then(|v| header_problem(name, v)) {
                return Err(Error::invalid("headers", problem, &[name]));
            }
        }
        for (name, value) in headers {
            self.default_headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            if let Some(v) = value {
                self.default_headers.push((name.clone(), v.clone()));
            }
        }
        Ok(())
    }
}

/// What is wrong with a header for fetch, as a message template for its name (`{}`): a name
/// that is not a token or that the Fetch standard forbids, a value with a line break or a
/// character above U+00FF. `None`: fetch takes it.
fn header_problem(name: &str, value: &str) -> Option<&'static str> {
    let token = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            )
    };
    if name.is_empty() || !name.bytes().all(token) {
        Some("has an invalid header name \"{}\"")
    } else if forbidden_header(name) {
        Some("cannot set \"{}\": fetch does not let a script set it")
    } else if value.bytes().any(|b| matches!(b, b'\r' | b'\n')) {
        Some("header \"{}\" has a line break in its value")
    } else if value
        .bytes()
        // Header values are ByteStrings (Fetch spec): fetch refuses other characters. In
        // UTF-8, a lead byte of 0xC4 or more starts a character above U+00FF.
        .any(|b| matches!(b, 0..=0x08 | 0x0A..=0x1F | 0x7F | 0xC4..))
    {
        Some("header \"{}\" has a character that cannot be sent in a header value")
    } else {
        None
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
        Some(other) => Err(Error::invalid(
            name,
            "must be a string, got {}",
            &[other.type_name()],
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
                        return Err(Error::invalid(
                            "defaultHeaders",
                            "header \"{}\" must have a string value",
                            &[k],
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
    let allow_insecure_http = match options.get("allowInsecureHttp") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(Error::invalid(
                "allowInsecureHttp",
                "must be a boolean, got {}",
                &[other.type_name()],
            ))
        }
    };
    let default_country = string("defaultCountry")?;
    if let Some(region) = default_country {
        if !phone::is_region(region) {
            return Err(Error::validation(
                "defaultCountry",
                "must be a region code like \"US\" or \"GB\" (ISO 3166-1 alpha-2)",
            ));
        }
    }
    let mut cfg = ClientConfig::with(
        string("apiKey")?,
        string("baseUrl")?,
        platform,
        default_headers,
        allow_insecure_http,
    )?;
    cfg.default_country = default_country.map(String::from);
    Ok(cfg)
}

/// `host[:port]` of the base URL: no credentials (fetch refuses them), a host, a port that
/// is a number up to 65535, IPv6 literals in matching non-empty brackets. Returns the host.
fn check_authority(authority: &str) -> Result<&str, Error> {
    let b = authority.as_bytes();
    // Host: a bracketed IPv6 literal, or everything up to the first ':'.
    let host_end = if b.first() == Some(&b'[') {
        match b.iter().position(|&c| c == b']') {
            Some(i) if i > 1 => i + 1,
            _ => 0,
        }
    } else {
        b.iter().position(|&c| c == b':').unwrap_or(b.len())
    };
    let (host, rest) = b.split_at(host_end.min(b.len()));
    let port_ok = match rest {
        [] => true,
        [b':', digits @ ..] => {
            !digits.is_empty()
                && digits.len() <= 5
                && digits.iter().all(u8::is_ascii_digit)
                && digits
                    .iter()
                    .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
                    <= 65_535
        }
        _ => false,
    };
    let host_ok = !host.is_empty() && !host.iter().any(|c| matches!(c, b'@' | b'\\' | b'%'));
    // (`iter().all`: `contains` on bytes links core's memchr, ~0.3 KB of wasm.)
    if host_ok && port_ok && b.iter().all(|&c| c != b'@') {
        Ok(authority.get(..host.len()).unwrap_or_default())
    } else {
        Err(Error::invalid(
            "baseUrl",
            "must be http(s)://host[:port] without credentials, got \"{}\"",
            &[authority],
        ))
    }
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
        return Err(Error::invalid(
            op.name,
            "takes {} id argument(s), got {}",
            &[
                &dec(op.path_args.len() as u64),
                &dec(path_args.len() as u64),
            ],
        ));
    }
    let mut url = cfg.base_url.clone();
    let mut args = path_args.iter().zip(op.path_args);
    // Templates mark each argument with `{}`.
    let mut rest = op.path;
    while let Some((head, tail)) = split_byte(rest, b'{') {
        url.push_str(head);
        if let Some((value, name)) = args.next() {
            if is_blank(value) {
                return Err(Error::validation(name, "must be a non-empty id"));
            }
            // URL parsers remove "." and ".." segments (also written %2E), so such an id would
            // address another resource: `agents.detachNumber("..", n)` would DELETE /v1/numbers/n.
            if *value == "." || *value == ".." {
                return Err(Error::invalid(
                    name,
                    "cannot be \"{}\": as a path segment it would address another resource",
                    &[value],
                ));
            }
            encode_component(value, &mut url);
        }
        rest = tail.strip_prefix("}").unwrap_or(tail);
    }
    url.push_str(rest);

    let members: &[(String, Value)] = match params {
        None | Some(Value::Null) => &[],
        Some(Value::Object(m)) => m,
        Some(other) => {
            return Err(Error::invalid(
                "params",
                "must be an object, got {}",
                &[other.type_name()],
            ))
        }
    };
    // Known parameters are checked (in table order), then unknown keys pass through
    // unchanged (forward compatibility). Each goes straight into the query or the body.
    let query = op.method == Method::Get || op.method == Method::Delete;
    let mut body = ObjectWriter::default();
    let mut sep = '?';
    let mut put = |k: &str, v: &Value, url: &mut String| -> Result<(), Error> {
        if !query {
            body.value(k, v);
            return Ok(());
        }
        let json;
        let text = match v {
            Value::String(s) => s.as_str(),
            Value::Number(_) | Value::Bool(_) => {
                json = v.to_json();
                &json
            }
            Value::Null => return Ok(()),
            _ => {
                return Err(Error::validation(
                    k,
                    "must be a string, number or boolean (it is sent in the query string)",
                ))
            }
        };
        url.push(sep);
        sep = '&';
        encode_component(k, url);
        url.push('=');
        encode_component(text, url);
        Ok(())
    };
    for field in op.params() {
        match members.iter().find(|(k, _)| k == field.name) {
            Some((_, v)) => match check(&field, v, cfg.default_country.as_deref())? {
                Some(phone) => put(field.name, &Value::String(phone), &mut url)?,
                None => put(field.name, v, &mut url)?,
            },
            None if field.required => return Err(Error::validation(field.name, "is required")),
            None => {}
        }
    }
    for (k, v) in members {
        if !op.params().any(|f| f.name == k) {
            put(k, v, &mut url)?;
        }
    }
    let body = (!query && (!op.params.is_empty() || !members.is_empty())).then(|| body.finish());

    let mut headers: Vec<(String, String)> = Vec::with_capacity(6 + cfg.default_headers.len());
    let mut add = |name: &str, value: &str| {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        headers.push((name.into(), value.into()));
    };
    add("Authorization", &cat(&["Bearer ", &cfg.api_key]));
    add("Accept", "application/json");
    if body.is_some() {
        add("Content-Type", "application/json");
    }
    if let Some(ua) = &cfg.user_agent {
        add("User-Agent", ua);
    }
    if op.idempotent {
        if let Some(key) = idempotency_key {
            add("Idempotency-Key", key);
        }
    }
    for (name, value) in &cfg.default_headers {
        if !reserved_header(name) {
            add(name, value);
        }
    }
    Ok(HttpRequest {
        method: op.method.as_str(),
        url,
        headers,
        body,
    })
}

/// Checks one known parameter: `Some` canonical form for a phone number (national input
/// read with `default_country`), `None` to send the value as given.
fn check(field: &Field, v: &Value, default_country: Option<&str>) -> Result<Option<String>, Error> {
    if field.nullable && *v == Value::Null {
        return Ok(None);
    }
    let want = match (field.ty, v) {
        (Param::Str, Value::String(_))
        | (Param::Bool, Value::Bool(_))
        | (Param::Obj, Value::Object(_)) => return Ok(None),
        (Param::PosInt, Value::Number(n))
            if n.fract() == 0.0 && *n >= 1.0 && *n <= 9.007_199_254_740_991e15 =>
        {
            return Ok(None)
        }
        (Param::Phone, Value::String(s)) => {
            return phone::dialable(s, default_country)
                .map(Some)
                .map_err(|reason| Error::phone(field.name, s, reason))
        }
        (Param::StrArr | Param::ObjArr, Value::Array(items)) => {
            let (object, kind) = match field.ty {
                Param::StrArr => (false, "strings"),
                _ => (true, "objects"),
            };
            let bad = |i: &Value| match i {
                Value::Object(_) => !object,
                Value::String(_) => object,
                _ => true,
            };
            return match items.iter().position(bad) {
                None => Ok(None),
                Some(i) => Err(Error::invalid(
                    field.name,
                    "must be an array of {}, but item {} is {}",
                    &[
                        kind,
                        &dec(i as u64),
                        &describe(items.get(i).unwrap_or(&Value::Null)),
                    ],
                )),
            };
        }
        (Param::Str, _) if field.nullable => "a string or null",
        (Param::Str, _) => "a string",
        (Param::Phone, _) if field.nullable => {
            "an E.164 phone number string like \"+14155550123\", or null"
        }
        (Param::Phone, _) => "an E.164 phone number string like \"+14155550123\"",
        (Param::PosInt, _) => "a whole number of at least 1",
        (Param::Bool, _) => "a boolean",
        (Param::Obj, _) => "an object",
        (Param::StrArr, _) => "an array of strings",
        (Param::ObjArr, _) => "an array of objects",
    };
    Err(Error::invalid(
        field.name,
        "must be {}, got {}",
        &[want, &describe(v)],
    ))
}

fn describe(v: &Value) -> String {
    match v {
        Value::Number(n) if !n.is_finite() => "a non-finite number".into(),
        Value::Number(_) => fill("the number {}", &[&v.to_json()]),
        Value::Null => "null".into(),
        Value::String(s) if !clip(s, 40).1 => fill("the string \"{}\"", &[s]),
        other => fill("a value of type {}", &[other.type_name()]),
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so a value can never
/// change the path or the query (`/`, `?`, `#`, `&`, `\\`, `%`). (As a path segment, `build`
/// also refuses the dot segments `.` and `..`, which stay dots.)
fn encode_component(s: &str, out: &mut String) {
    let hex = |n: u8| {
        char::from(
            b"0123456789ABCDEF"
                .get(usize::from(n))
                .copied()
                .unwrap_or(b'0'),
        )
    };
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn loopback_ipv4_is_exactly_four_groups_of_one_to_three_digits() {
        for (host, want) in [
            ("127.0.0.1", true),
            ("127.255.255.255", true),
            ("127.0.0.1.", true),
            ("127.000.000.001", true),
            // A fourth digit in any group.
            ("127.0.0.1000", false),
            ("127.0000.0.1", false),
            // An empty group, at the start, in the middle or at the end.
            ("127..0.1", false),
            ("127.0..1", false),
            ("127.0.0..", false),
            ("127.0.0.", false),
            ("127.0.0", false),
            ("127.0.0.1.1", false),
            ("127.0.0.a", false),
            ("128.0.0.1", false),
            ("localhost", true),
            ("LocalHost.", true),
            ("api.localhost", true),
            ("xlocalhost", false),
            ("[::1]", true),
            ("[::2]", false),
        ] {
            assert_eq!(is_loopback(host), want, "{host}");
        }
    }

    #[test]
    fn default_headers_from_options_keep_strings_and_drop_nulls() {
        let options = Value::parse(
            r#"{"apiKey":"sk_test_abcdefgh","defaultHeaders":{"X-Team":"a b","X-Gone":null,"X-Env":"prod"}}"#,
        )
        .unwrap();
        let cfg = config_from_options(&options, Some("node")).unwrap();
        assert_eq!(
            cfg.default_headers,
            [
                ("X-Team".to_string(), "a b".to_string()),
                ("X-Env".to_string(), "prod".to_string())
            ]
        );
        assert_eq!(cfg.api_key, "sk_test_abcdefgh");
        assert_eq!(cfg.base_url, DEFAULT_BASE_URL);
        let bad =
            Value::parse(r#"{"apiKey":"sk_test_abcdefgh","defaultHeaders":{"X-Team":1}}"#).unwrap();
        assert_eq!(
            config_from_options(&bad, None).unwrap_err().message(),
            "defaultHeaders header \"X-Team\" must have a string value"
        );
    }

    #[test]
    fn one_requests_headers_go_over_the_clients_by_name_in_any_case() {
        let options = Value::parse(
            r#"{"apiKey":"sk_test_abcdefgh","defaultHeaders":{"X-Team":"ops","X-Env":"prod"}}"#,
        )
        .unwrap();
        let mut cfg = config_from_options(&options, None).unwrap();
        cfg.add_headers(&[
            ("x-team".into(), Some("sales".into())),
            ("X-Trace".into(), Some("t-1".into())),
            ("X-ENV".into(), None),
        ])
        .unwrap();
        assert_eq!(
            cfg.default_headers,
            [
                ("x-team".to_string(), "sales".to_string()),
                ("X-Trace".to_string(), "t-1".to_string())
            ]
        );
        let built = build(
            &cfg,
            crate::ops::find("calls.list").unwrap(),
            &[],
            None,
            None,
        )
        .unwrap();
        let sent = |name: &str| {
            built
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(sent("X-Team"), Some("sales"));
        assert_eq!(sent("x-env"), None);
        assert_eq!(sent("authorization"), Some("Bearer sk_test_abcdefgh"));
    }

    #[test]
    fn one_requests_headers_are_checked_name_their_field_and_change_nothing_when_refused() {
        let base = config_from_options(
            &Value::parse(r#"{"apiKey":"sk_test_abcdefgh","defaultHeaders":{"X-Team":"ops"}}"#)
                .unwrap(),
            None,
        )
        .unwrap();
        for (name, value, says) in [
            ("AUTHORIZATION", Some("Bearer x"), "the client sets it"),
            ("idempotency-key", None, "the client sets it"),
            ("Content-Type", Some("text/plain"), "the client sets it"),
            ("Cookie", Some("a=1"), "fetch does not let a script set it"),
            ("x bad", Some("1"), "invalid header name"),
            ("X-Split", Some("a\r\nInjected: 1"), "line break"),
            ("X-Wide", Some("\u{2603}"), "cannot be sent"),
        ] {
            let mut cfg = base.clone();
            // A good header first: a refusal later in the list leaves it out too.
            let err = cfg
                .add_headers(&[
                    ("X-Team".into(), None),
                    (name.into(), value.map(String::from)),
                ])
                .unwrap_err();
            assert!(
                matches!(&err, Error::Validation { field, .. } if field == "headers"),
                "{name}"
            );
            assert!(err.message().contains(says), "{name}: {}", err.message());
            assert_eq!(cfg, base, "{name}");
        }
    }

    #[test]
    fn authority_needs_a_non_empty_bracketed_host() {
        assert_eq!(check_authority("[::1]:8080").unwrap(), "[::1]");
        assert_eq!(check_authority("[a]").unwrap(), "[a]");
        assert_eq!(check_authority("example.com:443").unwrap(), "example.com");
        for bad in [
            "[]",
            "[]:80",
            "[",
            "[::1",
            "",
            ":80",
            "a:",
            "a:65536",
            "a:123456",
            "u@a",
            "a%2e",
            "a\\b",
            "[::1%25eth0]",
        ] {
            assert_eq!(
                check_authority(bad).unwrap_err().message(),
                fill(
                    "baseUrl must be http(s)://host[:port] without credentials, got \"{}\"",
                    &[bad]
                ),
                "{bad}"
            );
        }
        assert_eq!(check_authority("a:65535").unwrap(), "a");
        assert!(
            ClientConfig::new(Some("sk_test_abcdefgh"), Some("https://[]"), None, vec![]).is_err()
        );
    }

    fn field(ty: Param) -> Field {
        Field {
            name: "f",
            ty,
            required: false,
            nullable: false,
        }
    }

    fn check_message(ty: Param, json: &str) -> String {
        let v = Value::parse(json).unwrap();
        check(&field(ty), &v, None).unwrap_err().message()
    }

    #[test]
    fn query_leaves_out_nulls_and_encodes_the_rest() {
        let cfg = ClientConfig::new(
            Some("sk_test_abcdefgh"),
            Some("https://api.example.test"),
            None,
            vec![],
        )
        .unwrap();
        let op = crate::ops::find("calls.list").unwrap();
        let url = |params: &str| {
            let params = Value::parse(params).unwrap();
            let r = build(&cfg, op, &[], Some(&params), Some("idem")).unwrap();
            assert_eq!((r.method, r.body), ("GET", None));
            r.url
        };
        assert_eq!(
            url(r#"{"x_null":null,"limit":5,"x_flag":true,"x s":"a&b"}"#),
            "https://api.example.test/v1/calls?limit=5&x_flag=true&x%20s=a%26b"
        );
        assert_eq!(
            url(r#"{"x_null":null}"#),
            "https://api.example.test/v1/calls"
        );
    }

    #[test]
    fn arrays_must_hold_the_documented_item_type() {
        let ok = |ty, json: &str| check(&field(ty), &Value::parse(json).unwrap(), None);
        assert_eq!(ok(Param::ObjArr, r#"[{},{"a":1}]"#), Ok(None));
        assert_eq!(ok(Param::StrArr, r#"["a","b"]"#), Ok(None));
        assert_eq!(ok(Param::ObjArr, "[]"), Ok(None));
        assert_eq!(
            check_message(Param::StrArr, r#"["a",{}]"#),
            "f must be an array of strings, but item 1 is a value of type object"
        );
        assert_eq!(
            check_message(Param::ObjArr, r#"[{},"a"]"#),
            "f must be an array of objects, but item 1 is the string \"a\""
        );
        assert_eq!(
            check_message(Param::ObjArr, "[{},null]"),
            "f must be an array of objects, but item 1 is null"
        );
    }

    #[test]
    fn values_are_described_briefly() {
        assert_eq!(
            describe(&Value::Number(f64::INFINITY)),
            "a non-finite number"
        );
        assert_eq!(describe(&Value::Number(f64::NAN)), "a non-finite number");
        assert_eq!(describe(&Value::Number(-2.5)), "the number -2.5");
        assert_eq!(describe(&Value::Null), "null");
        let forty = "é".repeat(40);
        assert_eq!(
            describe(&Value::String(forty.clone())),
            fill("the string \"{}\"", &[&forty])
        );
        assert_eq!(
            describe(&Value::String("x".repeat(41))),
            "a value of type string"
        );
        assert_eq!(describe(&Value::Bool(true)), "a value of type boolean");
        assert_eq!(
            check_message(Param::Str, "1e400"),
            "f must be a string, got a non-finite number"
        );
    }
}
