//! HTTP response (status, body text, request id) → what the client returns, or a typed error.
//!
//! Tolerant, as contract §0 asks: bare arrays or envelopes, both error-body shapes,
//! non-JSON error pages, unknown fields and unknown enum values all pass. What does not
//! pass is a 2xx body that is not the documented resource (not JSON, truncated, wrong
//! field types): that is an [`Error::InvalidResponse`], never a half-read object.
//!
//! The successful body itself is parsed again by the host's `JSON.parse` (much faster than
//! building JS objects from wasm); [`Output::Body`] says "parse the body as it is".

use crate::prelude::*;

use super::error::{find, ApiError, Error};
use super::json::{ObjectWriter, Value};
use super::ops::{Kind, Op, Resource, Shape};
use super::text::{clip, dec, fill, is_blank, trim, trim_range};

/// What the host should `JSON.parse` to get the result.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// The response body, unchanged.
    Body,
    /// A normalised document (an envelope added or removed, a 204 turned into an object).
    Text(String),
}

/// Decodes one response for `op` (`path_args` are the ids the request used; `location` the
/// `Location` header of a redirect, which the client never follows).
pub fn decode(
    op: &Op,
    status: u16,
    body: &str,
    request_id: Option<&str>,
    path_args: &[&str],
    location: Option<&str>,
) -> Result<Output, Error> {
    if !(200..300).contains(&status) {
        let mut e = api_error(status, body, request_id);
        if (300..400).contains(&status) {
            // A redirect is not followed: a POST must not be re-sent (with the phone number
            // and the Idempotency-Key) to another origin, nor turned into a GET by a 303.
            e.message = fill(
                "the API answered with a redirect to {}, which the client does not follow \
                 (set baseUrl to the API's final address)",
                &[location.unwrap_or("an undisclosed address")],
            );
            e.location = location.map(str::to_string);
        }
        return Err(Error::Api(e));
    }
    decode_success(op, status, body, path_args).map_err(|message| Error::InvalidResponse {
        status,
        message,
        request_id: request_id.map(str::to_string),
    })
}

/// A 2xx answer; the error is the `InvalidResponse` message.
fn decode_success(op: &Op, status: u16, body: &str, path_args: &[&str]) -> Result<Output, String> {
    let empty = is_blank(body);
    match op.shape {
        Shape::Deleted | Shape::Archived if empty || status == 204 => {
            let flag = if op.shape == Shape::Deleted {
                "deleted"
            } else {
                "archived"
            };
            let mut w = ObjectWriter::default();
            w.string("id", path_args.first().copied().unwrap_or_default());
            w.raw(flag, "true");
            return Ok(Output::Text(w.finish()));
        }
        _ if empty => return Err("the body is empty".into()),
        _ => {}
    }
    // The check needs only the shape; the rare answers the core rewrites (an envelope added or
    // removed) are parsed again in full for that (`full`).
    let doc = Value::parse_shape(body).map_err(|e| {
        let hint = if e.offset >= trim_range(body).1 {
            " (the body looks truncated)"
        } else {
            ""
        };
        fill("not valid JSON: {}{}", &[&e.text(), hint])
    })?;
    let (r, list) = match op.shape {
        Shape::One(r) => {
            // A `{"data": {...}}` wrapper (SDK 0.1.0 tolerance) is removed.
            if let Some(inner @ Value::Object(_)) = doc.get("data") {
                if !has_required(r, &doc) {
                    check(r, inner, "data")?;
                    let full = full(body)?;
                    return Ok(Output::Text(
                        full.get("data").map(Value::to_json).unwrap_or_default(),
                    ));
                }
            }
            check(r, &doc, "")?;
            return Ok(Output::Body);
        }
        Shape::Archived | Shape::Deleted => {
            let r = if op.shape == Shape::Deleted {
                Resource::Deleted
            } else {
                Resource::Agent
            };
            check(r, &doc, "")?;
            return Ok(Output::Body);
        }
        Shape::List(r) => (r, true),
        Shape::Array(r) => (r, false),
    };
    match &doc {
        Value::Array(items) => {
            check_items(r, items, "")?;
            if !list {
                return Ok(Output::Body);
            }
            // The body is valid JSON: wrap its text rather than re-serialise it.
            let mut w = ObjectWriter::default();
            w.raw("data", body);
            w.raw("has_more", "false");
            Ok(Output::Text(w.finish()))
        }
        Value::Object(_) => {
            let data = doc.get("data");
            let Some(items) = data.and_then(Value::as_array) else {
                return Err(if list {
                    "expected a list (an array or {\"data\": [...]}), got an object without a data array"
                } else {
                    "expected an array or {\"data\": [...]}, got an object without a data array"
                }
                .into());
            };
            check_items(r, items, "data")?;
            if !list {
                let full = full(body)?;
                return Ok(Output::Text(
                    full.get("data").map(Value::to_json).unwrap_or_default(),
                ));
            }
            match doc.get("has_more") {
                Some(Value::Bool(_)) => return Ok(Output::Body),
                None | Some(Value::Null) => {}
                Some(other) => {
                    return Err(fill(
                        "has_more: expected boolean, got {}",
                        &[other.type_name()],
                    ))
                }
            }
            let mut fixed = full(body)?;
            fixed.set("has_more", Value::Bool(false));
            Ok(Output::Text(fixed.to_json()))
        }
        other => Err(fill(
            "expected {}, got {}",
            &[if list { "a list" } else { "an array" }, other.type_name()],
        )),
    }
}

/// The whole document, strings included (it parsed as a shape already, so this cannot fail
/// unless the two parsers disagree).
fn full(body: &str) -> Result<Value, String> {
    Value::parse(body).map_err(|e| e.text())
}

fn has_required(r: Resource, v: &Value) -> bool {
    r.required()
        .iter()
        .all(|f| v.get(f).is_some_and(|x| !x.is_null()))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.into()
    } else {
        fill("{}.{}", &[path, key])
    }
}

fn check_items(r: Resource, items: &[Value], path: &str) -> Result<(), String> {
    for (i, item) in items.iter().enumerate() {
        check(r, item, &fill("{}[{}]", &[path, &dec(i as u64)]))?;
    }
    Ok(())
}

/// Checks that `v` is an object of resource `r`: required fields present, documented fields
/// of the documented JSON type when present and not null. Unknown fields are fine.
pub fn check(r: Resource, v: &Value, path: &str) -> Result<(), String> {
    let where_ = |key: &str| join(path, key);
    if !matches!(v, Value::Object(_)) {
        let sep = if path.is_empty() { "" } else { ": " };
        return Err(fill(
            "{}{}expected a {} object, got {}",
            &[path, sep, r.name(), v.type_name()],
        ));
    }
    for key in r.required() {
        if v.get(key).is_none_or(Value::is_null) {
            return Err(fill(
                "{}: required field of {} is missing",
                &[&where_(key), r.name()],
            ));
        }
    }
    for (key, kind) in r.fields() {
        let Some(x) = v.get(key) else { continue };
        let ok = match (kind, x) {
            (_, Value::Null) => true,
            (Kind::Str, Value::String(_))
            | (Kind::Num, Value::Number(_))
            | (Kind::Bool, Value::Bool(_)) => true,
            (Kind::Obj, Value::Object(_)) | (Kind::Arr, Value::Array(_)) => true,
            (Kind::Scalar, Value::String(_) | Value::Number(_) | Value::Bool(_)) => true,
            (Kind::ArrOf(inner), Value::Array(items)) => {
                check_items(*inner, items, &where_(key))?;
                true
            }
            _ => false,
        };
        if !ok {
            let want = match kind {
                Kind::Str => "string",
                Kind::Num => "number",
                Kind::Bool => "boolean",
                Kind::Obj => "object",
                Kind::Arr | Kind::ArrOf(_) => "array",
                Kind::Scalar => "string or number",
            };
            return Err(fill(
                "{}: expected {}, got {}",
                &[&where_(key), want, x.type_name()],
            ));
        }
    }
    Ok(())
}

/// Reads an error answer: `{"error": "msg"}`, `{"error": {"message", "code"?}}`,
/// `{"message": ...}`, or any non-JSON text (an HTML page from a proxy, a truncated body).
pub fn api_error(status: u16, body: &str, request_id: Option<&str>) -> ApiError {
    let (message, api_code) = match Value::parse(body) {
        Ok(doc) => match doc.get("error") {
            Some(Value::String(m)) => (m.clone(), None),
            Some(e @ Value::Object(_)) => (
                e.get("message").and_then(Value::as_str).map_or_else(
                    || "the error body has no message".to_string(),
                    str::to_string,
                ),
                e.get("code").and_then(|c| {
                    c.as_str()
                        .map(str::to_string)
                        .or_else(|| c.as_f64().map(|n| Value::Number(n).to_json()))
                }),
            ),
            _ => match doc.get("message").and_then(Value::as_str) {
                Some(m) => (m.to_string(), None),
                None => ("the error body has no message".to_string(), None),
            },
        },
        Err(_) => (describe_text(body), None),
    };
    ApiError {
        status,
        message,
        api_code,
        request_id: request_id.map(str::to_string),
        body: body.to_string(),
        location: None,
    }
}

/// A short, readable description of a non-JSON body.
fn describe_text(body: &str) -> String {
    let t = trim(body);
    if t.is_empty() {
        return "empty response body".into();
    }
    if t.starts_with('<') {
        let lower = t.to_ascii_lowercase();
        let title = find(&lower, "<title>")
            .map(|s| s + "<title>".len())
            .and_then(|s| {
                lower
                    .get(s..)
                    .and_then(|rest| find(rest, "</title>"))
                    .map(|e| (s, s + e))
            })
            .and_then(|(s, e)| t.get(s..e))
            .map(trim)
            .filter(|x| !x.is_empty());
        return match title {
            Some(title) => fill("non-JSON error page: {}", &[title]),
            None => "non-JSON error page (HTML)".into(),
        };
    }
    match clip(t, 200) {
        (short, true) => fill("{}…", &[short]),
        (all, false) => all.into(),
    }
}
