//! Table-driven request validation: every body and query string is checked against a
//! static spec *before* any handler runs, so a bad request can never change state, and
//! every message names the offending field.

use super::util::{is_uuid, percent_decode};
use callingbox_core::json::Value;
use callingbox_core::{e164, phone};

/// What a body field must hold.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// Any string (≤ [`MAX_STR`] characters).
    Str,
    /// A string with a non-blank character.
    Text,
    Bool,
    /// Any JSON object.
    Obj,
    Uuid,
    /// Array of distinct UUIDs.
    Uuids,
    /// Canonical E.164 (`+14155550123`).
    E164,
    /// Canonical E.164 in the North American Numbering Plan: `+1`, then 10 digits whose area
    /// code starts with 2-9 (the API dials the US only). The exchange is not checked: the
    /// docs' own example, `+15551234567`, has exchange 123.
    UsE164,
    /// `http://` or `https://` URL with a host (http is accepted so that webhooks can reach
    /// a local test server).
    Url,
    /// BCP-47-shaped language tag (`en`, `en-US`, `es-419`).
    Lang,
    Enum(&'static [&'static str]),
    /// `{field: "boolean"|"string"|"number"}`.
    Returns,
    /// Array of ≤ 16 tool objects (the API's limit per agent or call).
    Tools,
    /// Non-empty array of event names or `"*"`.
    Events,
    /// Integer in 1..=600000 (tool `timeout_ms`).
    Millis,
    /// An object whose values are all strings (tool `headers`).
    StrMap,
    /// A [`Kind::Url`] that is `https://`, or `http://` to a loopback host (webhook endpoints).
    EndpointUrl,
}

/// One allowed body field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct F {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub nullable: bool,
}

pub(crate) const fn req(name: &'static str, kind: Kind) -> F {
    F {
        name,
        kind,
        required: true,
        nullable: false,
    }
}
pub(crate) const fn opt(name: &'static str, kind: Kind) -> F {
    F {
        name,
        kind,
        required: false,
        nullable: false,
    }
}

/// The body an endpoint accepts. `None` in the route table means "no body at all".
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodySpec {
    pub fields: &'static [F],
    /// Known-but-refused fields with the reason (e.g. `persona` on `POST /v1/calls`).
    pub refused: &'static [(&'static str, &'static str)],
}

pub(crate) const MAX_STR: usize = 10_000;
pub(crate) const MAX_TOOLS: usize = 16;
pub(crate) const RETURN_TYPES: &[&str] = &["boolean", "string", "number"];
pub(crate) const EVENTS: &[&str] = &[
    "call.queued",
    "call.ringing",
    "call.answered",
    "call.completed",
    "call.failed",
    "call.no_answer",
    "call.busy",
    "call.canceled",
];
const TOOL_TYPES: &[&str] = &["http", "builtin"];
const POLICIES: &[&str] = &["read", "confirm_first_write"];
const HTTP_TOOL: &[F] = &[
    req("type", Kind::Enum(TOOL_TYPES)),
    req("name", Kind::Text),
    req("description", Kind::Str),
    req("policy", Kind::Enum(POLICIES)),
    req("url", Kind::Url),
    opt("parameters", Kind::Obj),
    opt("headers", Kind::StrMap),
    opt("timeout_ms", Kind::Millis),
];
const BUILTIN_TOOL: &[F] = &[
    req("type", Kind::Enum(TOOL_TYPES)),
    req("name", Kind::Text),
    req("description", Kind::Str),
    req("policy", Kind::Enum(POLICIES)),
    opt("builtin", Kind::Text),
    opt("parameters", Kind::Obj),
    opt("config", Kind::Obj),
];

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks that `v` is an object whose members satisfy `fields` (no unknown, refused,
/// duplicate or missing members). `path` prefixes field names in messages.
pub(crate) fn check_object(
    v: &Value,
    fields: &[F],
    refused: &[(&str, &str)],
    path: &str,
) -> Result<(), String> {
    let Some(members) = v.as_object() else {
        let what = if path.is_empty() {
            "the request body"
        } else {
            path
        };
        return Err(format!(
            "{what} must be a JSON object, got {}",
            v.type_name()
        ));
    };
    for (i, (k, val)) in members.iter().enumerate() {
        let name = join(path, k);
        if members.iter().take(i).any(|(k2, _)| k2 == k) {
            return Err(format!("duplicate field {name:?}"));
        }
        if let Some((_, why)) = refused.iter().find(|(n, _)| n == k) {
            return Err(format!("{name} {why}"));
        }
        let Some(f) = fields.iter().find(|f| f.name == k) else {
            let allowed: Vec<&str> = fields.iter().map(|f| f.name).collect();
            return Err(if allowed.is_empty() {
                format!("unknown field {name:?}: this endpoint takes no fields")
            } else {
                format!("unknown field {name:?} (allowed: {})", list(&allowed))
            });
        };
        if val.is_null() {
            if f.nullable {
                continue;
            }
            return Err(format!("{name} must not be null"));
        }
        check_kind(f.kind, val, &name)?;
    }
    if let Some(f) = fields
        .iter()
        .find(|f| f.required && !members.iter().any(|(k, _)| k == f.name))
    {
        return Err(format!("missing required field {}", join(path, f.name)));
    }
    Ok(())
}

fn want(name: &str, what: &str, v: &Value) -> String {
    format!("{name} must be {what}, got {}", v.type_name())
}

fn string<'a>(v: &'a Value, name: &str) -> Result<&'a str, String> {
    let s = v.as_str().ok_or_else(|| want(name, "a string", v))?;
    // Lengths count characters, as JSON Schema's maxLength does.
    if s.chars().count() > MAX_STR {
        return Err(format!("{name} is longer than {MAX_STR} characters"));
    }
    Ok(s)
}

/// The client's check (`callingbox_core::phone`), strictly: international and canonical. The
/// message ends with the client's reason code, so tests can hold the two to the same verdict.
fn phone(s: &str, name: &str) -> Result<(), String> {
    match phone::check(s) {
        Err(r) => Err(format!(
            "{name} {:?} is not a valid E.164 phone number: it {} (reason: {})",
            s,
            r.message(),
            r.code()
        )),
        // Any possible number in canonical syntax: what the client sends (a second pass of
        // the check may drop one more trunk 0, as libphonenumber would: not required here).
        Ok(_) if e164::is_canonical(s) => Ok(()),
        Ok(c) => Err(format!(
            "{name} {s:?} must be in canonical E.164 form without separators: {c:?}"
        )),
    }
}

/// NANP shape: `+1`, 10 digits, area code starting 2-9.
pub(crate) fn is_us_number(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 12
        && s.starts_with("+1")
        && b.iter().skip(1).all(u8::is_ascii_digit)
        && matches!(b.get(2), Some(b'2'..=b'9'))
}

/// `http://` or `https://`, an optional `userinfo@`, a host (a bracketed IPv6 literal or a
/// name without `[]@:`), an optional port of 1-5 digits, then a path, query or fragment; at
/// most 2,048 characters, no whitespace or control characters. The description's `HttpUrl`
/// pattern says the same.
fn is_url(s: &str) -> bool {
    let Some(rest) = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
    else {
        return false;
    };
    if s.chars().count() > 2048 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = match authority.split_once('@') {
        Some((_, after)) if after.contains('@') => return false,
        Some((_, after)) => after,
        None => authority,
    };
    let port_ok = |p: &str| {
        p.is_empty()
            || p.strip_prefix(':').is_some_and(|d| {
                (1..=5).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())
            })
    };
    if let Some(v6) = host_port.strip_prefix('[') {
        return v6.split_once(']').is_some_and(|(addr, port)| {
            !addr.is_empty()
                && addr
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
                && port_ok(port)
        });
    }
    let (host, port) = host_port
        .find(':')
        .map_or((host_port, ""), |i| host_port.split_at(i));
    !host.is_empty() && !host.contains(['[', ']']) && port_ok(port)
}

/// Whether `url` (already an [`is_url`] URL) may receive webhook endpoint deliveries:
/// `https://`, or `http://` to a loopback host (`127.x.y.z`, `localhost` in any case,
/// `[::1]`), which a local test receiver needs. The description's webhook endpoint `url`
/// adds the same rule to `HttpUrl` as a pattern.
pub(crate) fn is_https_or_loopback(url: &str) -> bool {
    if url.starts_with("https://") {
        return true;
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => return v6.split_once(']').is_some_and(|(addr, _)| addr == "::1"),
        None => host_port.split(':').next().unwrap_or(""),
    };
    let mut octets = host.split('.');
    let v4 = octets.next() == Some("127")
        && octets.clone().count() == 3
        && octets.all(|o| (1..=3).contains(&o.len()) && o.bytes().all(|b| b.is_ascii_digit()));
    v4 || host.eq_ignore_ascii_case("localhost")
}

/// [`is_https_or_loopback`] as a check of body field `name`.
pub(crate) fn webhook_endpoint_url(url: &str, name: &str) -> Result<(), String> {
    if is_https_or_loopback(url) {
        Ok(())
    } else {
        Err(format!(
            "{name} must be an https:// URL (http:// is accepted only to a loopback host: \
             127.0.0.1, localhost or [::1], for a local test receiver), got {url:?}"
        ))
    }
}

fn is_lang(s: &str) -> bool {
    let mut parts = s.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn check_kind(kind: Kind, v: &Value, name: &str) -> Result<(), String> {
    match kind {
        Kind::Str => string(v, name).map(drop),
        Kind::Text => {
            if string(v, name)?.trim().is_empty() {
                return Err(format!("{name} must not be empty"));
            }
            Ok(())
        }
        Kind::Bool => v
            .as_bool()
            .map(drop)
            .ok_or_else(|| want(name, "a boolean", v)),
        Kind::Obj => v
            .as_object()
            .map(drop)
            .ok_or_else(|| want(name, "an object", v)),
        Kind::StrMap => {
            let members = v.as_object().ok_or_else(|| want(name, "an object", v))?;
            for (k, value) in members {
                string(value, &join(name, k))?;
            }
            Ok(())
        }
        Kind::Uuid => {
            let s = string(v, name)?;
            if is_uuid(s) {
                Ok(())
            } else {
                Err(format!("{name} must be a UUID, got {s:?}"))
            }
        }
        Kind::Uuids => {
            let items = v
                .as_array()
                .ok_or_else(|| want(name, "an array of UUIDs", v))?;
            for (i, item) in items.iter().enumerate() {
                let n = format!("{name}[{i}]");
                check_kind(Kind::Uuid, item, &n)?;
                if items.iter().take(i).any(|p| p == item) {
                    return Err(format!("{n} repeats an id"));
                }
            }
            Ok(())
        }
        Kind::E164 => phone(string(v, name)?, name),
        Kind::UsE164 => {
            let s = string(v, name)?;
            phone(s, name)?;
            if is_us_number(s) {
                Ok(())
            } else {
                Err(format!(
                    "{name} {s:?} is not a US number: only US destinations are supported \
                     (+1, then a 10-digit number whose area code starts with 2-9)"
                ))
            }
        }
        Kind::Url | Kind::EndpointUrl => {
            let s = string(v, name)?;
            if !is_url(s) {
                return Err(format!(
                    "{name} must be an http:// or https:// URL, got {s:?}"
                ));
            }
            match kind {
                Kind::EndpointUrl => webhook_endpoint_url(s, name),
                _ => Ok(()),
            }
        }
        Kind::Lang => {
            let s = string(v, name)?;
            if is_lang(s) {
                Ok(())
            } else {
                Err(format!(
                    "{name} must be a BCP-47 language tag like \"en-US\", got {s:?}"
                ))
            }
        }
        Kind::Enum(allowed) => {
            let s = string(v, name)?;
            if allowed.contains(&s) {
                Ok(())
            } else {
                Err(format!(
                    "{name} must be one of {}, got {s:?}",
                    list(allowed)
                ))
            }
        }
        Kind::Returns => {
            let members = v.as_object().ok_or_else(|| want(name, "an object", v))?;
            if members.len() > 64 {
                return Err(format!("{name} has more than 64 fields"));
            }
            for (i, (k, t)) in members.iter().enumerate() {
                let n = join(name, k);
                if k.trim().is_empty() || k.chars().count() > 64 {
                    return Err(format!("{name} field names must be 1-64 characters"));
                }
                if members.iter().take(i).any(|(k2, _)| k2 == k) {
                    return Err(format!("duplicate field {n:?}"));
                }
                check_kind(Kind::Enum(RETURN_TYPES), t, &n)?;
            }
            Ok(())
        }
        Kind::Tools => {
            let items = v
                .as_array()
                .ok_or_else(|| want(name, "an array of tools", v))?;
            if items.len() > MAX_TOOLS {
                return Err(format!(
                    "{name} has {} tools; at most {MAX_TOOLS} are allowed",
                    items.len()
                ));
            }
            for (i, item) in items.iter().enumerate() {
                let n = format!("{name}[{i}]");
                let spec = match item.get("type").and_then(Value::as_str) {
                    Some("http") => HTTP_TOOL,
                    Some("builtin") => BUILTIN_TOOL,
                    _ if item.as_object().is_none() => return Err(want(&n, "a tool object", item)),
                    Some(other) => {
                        return Err(format!(
                            "{n}.type must be one of {}, got {other:?}",
                            list(TOOL_TYPES)
                        ))
                    }
                    None => return Err(format!("missing required field {n}.type")),
                };
                check_object(item, spec, &[], &n)?;
                let tool_name = item.get("name");
                if items.iter().take(i).any(|p| p.get("name") == tool_name) {
                    return Err(format!("{n}.name repeats the name of an earlier tool"));
                }
            }
            Ok(())
        }
        Kind::Events => {
            let items = v
                .as_array()
                .ok_or_else(|| want(name, "an array of event names", v))?;
            if items.is_empty() {
                return Err(format!(
                    "{name} must not be empty (use [\"*\"] for every event)"
                ));
            }
            for (i, item) in items.iter().enumerate() {
                let n = format!("{name}[{i}]");
                let s = string(item, &n)?;
                if s != "*" && !EVENTS.contains(&s) {
                    return Err(format!(
                        "{n} must be \"*\" or one of {}, got {s:?}",
                        list(EVENTS)
                    ));
                }
            }
            Ok(())
        }
        Kind::Millis => match v.as_f64() {
            Some(n) if n.fract() == 0.0 && (1.0..=600_000.0).contains(&n) => Ok(()),
            Some(_) => Err(format!("{name} must be an integer between 1 and 600000")),
            None => Err(want(name, "an integer", v)),
        },
    }
}

/// What a query parameter must hold.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Q {
    /// Integer in `1..=max`.
    Limit(u32),
    Uuid,
    Enum(&'static [&'static str]),
    /// Three digits, first 2-9.
    AreaCode,
    /// Two-letter ISO 3166 code, uppercase.
    Country,
}

/// Validated query parameters.
#[derive(Debug, Default)]
pub(crate) struct Query(Vec<(String, String)>);

/// The body with its UUID fields (top level, `Kind::Uuid` and `Kind::Uuids`) in lowercase:
/// UUIDs are case-insensitive, and the ids the API hands out are lowercase.
pub(crate) fn lowercase_ids(body: Value, fields: &[F]) -> Value {
    let Value::Object(members) = body else {
        return body;
    };
    let is_id = |k: &str| {
        fields
            .iter()
            .any(|f| f.name == k && matches!(f.kind, Kind::Uuid | Kind::Uuids))
    };
    let lower = |v: Value| match v {
        Value::String(s) => Value::String(s.to_ascii_lowercase()),
        other => other,
    };
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| match v {
                Value::Array(items) if is_id(&k) => {
                    (k, Value::Array(items.into_iter().map(lower).collect()))
                }
                v if is_id(&k) => (k, lower(v)),
                v => (k, v),
            })
            .collect(),
    )
}

impl Query {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn limit(&self, default: usize) -> usize {
        self.get("limit")
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    }
}

/// Parses and checks a query string against `spec`: unknown or repeated parameters and bad
/// values are errors.
pub(crate) fn check_query(raw: &str, spec: &[(&str, Q)]) -> Result<Query, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for piece in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
        let (k, v) = (percent_decode(k)?, percent_decode(v)?);
        let Some((_, q)) = spec.iter().find(|(n, _)| *n == k) else {
            let names: Vec<&str> = spec.iter().map(|(n, _)| *n).collect();
            return Err(if names.is_empty() {
                format!("unknown query parameter {k:?}: this endpoint takes none")
            } else {
                format!("unknown query parameter {k:?} (allowed: {})", list(&names))
            });
        };
        if out.iter().any(|(k2, _)| *k2 == k) {
            return Err(format!("query parameter {k:?} is repeated"));
        }
        let ok = match q {
            Q::Limit(max) => {
                v.len() <= 4
                    && v.bytes().all(|b| b.is_ascii_digit())
                    && v.parse::<u32>().is_ok_and(|n| (1..=*max).contains(&n))
            }
            Q::Uuid => is_uuid(&v),
            Q::Enum(allowed) => allowed.contains(&v.as_str()),
            Q::AreaCode => {
                v.len() == 3 && v.bytes().all(|b| b.is_ascii_digit()) && !v.starts_with(['0', '1'])
            }
            Q::Country => v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase()),
        };
        if !ok {
            let what = match q {
                Q::Limit(max) => format!("an integer between 1 and {max}"),
                Q::Uuid => "a UUID".to_string(),
                Q::Enum(allowed) => format!("one of {}", list(allowed)),
                Q::AreaCode => "a 3-digit US area code like \"415\"".to_string(),
                Q::Country => "a two-letter uppercase ISO country code like \"US\"".to_string(),
            };
            return Err(format!("query parameter {k} must be {what}, got {v:?}"));
        }
        // UUIDs are case-insensitive; the ids the API hands out are lowercase.
        let v = if matches!(q, Q::Uuid) {
            v.to_ascii_lowercase()
        } else {
            v
        };
        out.push((k, v));
    }
    Ok(Query(out))
}
