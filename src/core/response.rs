//! HTTP response (status, body text, request id) → what the client returns, or a typed error.
//!
//! Tolerant, as contract §0 asks: bare arrays or envelopes, both error-body shapes,
//! non-JSON error pages, unknown fields and unknown enum values all pass. What does not
//! pass is a 2xx body that is not the documented resource (not JSON, truncated, wrong
//! field types): that is an [`Error::InvalidResponse`], never a half-read object.
//!
//! The successful body itself is parsed again by the host's `JSON.parse` (much faster than
//! building JS objects from wasm); [`Output::Body`] says "parse the body as it is".

use super::error::{find, ApiError, Error};
use super::json::Value;
use super::ops::{Kind, Op, Resource, Shape};

/// What the host should `JSON.parse` to get the result.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// The response body, unchanged.
    Body,
    /// A normalised document (an envelope added or removed, a 204 turned into an object).
    Text(String),
}

/// Decodes one response for `op` (`path_args` are the ids the request used).
pub fn decode(
    op: &Op,
    status: u16,
    body: &str,
    request_id: Option<&str>,
    path_args: &[&str],
) -> Result<Output, Error> {
    if !(200..300).contains(&status) {
        return Err(Error::Api(api_error(status, body, request_id)));
    }
    let invalid = |message: String| Error::InvalidResponse {
        status,
        message,
        request_id: request_id.map(str::to_string),
    };
    let empty = body.trim().is_empty();
    match op.shape {
        Shape::Deleted | Shape::Archived if empty || status == 204 => {
            let id = Value::from(path_args.first().copied().unwrap_or_default());
            let flag = if op.shape == Shape::Deleted {
                "deleted"
            } else {
                "archived"
            };
            return Ok(Output::Text(
                Value::Object(vec![("id".into(), id), (flag.into(), Value::Bool(true))]).to_json(),
            ));
        }
        _ if empty => return Err(invalid("the body is empty".into())),
        _ => {}
    }
    let doc = Value::parse(body).map_err(|e| {
        let hint = if e.offset >= body.trim_end().len() {
            " (the body looks truncated)"
        } else {
            ""
        };
        invalid(format!("not valid JSON: {e}{hint}"))
    })?;
    let out = match op.shape {
        Shape::One(r) => match &doc {
            Value::Object(_)
                if !has_required(r, &doc)
                    && doc
                        .get("data")
                        .is_some_and(|d| matches!(d, Value::Object(_))) =>
            {
                let inner = doc.get("data").unwrap_or(&Value::Null);
                check(r, inner, "data").map_err(invalid)?;
                Output::Text(inner.to_json())
            }
            _ => {
                check(r, &doc, "").map_err(invalid)?;
                Output::Body
            }
        },
        Shape::Archived => {
            check(Resource::Agent, &doc, "").map_err(invalid)?;
            Output::Body
        }
        Shape::Deleted => {
            check(Resource::Deleted, &doc, "").map_err(invalid)?;
            Output::Body
        }
        Shape::List(r) => match &doc {
            Value::Array(items) => {
                check_items(r, items, "").map_err(invalid)?;
                Output::Text(
                    Value::Object(vec![
                        ("data".into(), doc.clone()),
                        ("has_more".into(), Value::Bool(false)),
                    ])
                    .to_json(),
                )
            }
            Value::Object(_) => {
                let items = doc.get("data").and_then(Value::as_array).ok_or_else(|| invalid("expected a list (an array or {\"data\": [...]}), got an object without a data array".into()))?;
                check_items(r, items, "data").map_err(invalid)?;
                match doc.get("has_more") {
                    Some(Value::Bool(_)) => Output::Body,
                    None | Some(Value::Null) => {
                        let mut fixed = doc.clone();
                        fixed.set("has_more", Value::Bool(false));
                        Output::Text(fixed.to_json())
                    }
                    Some(other) => {
                        return Err(invalid(format!(
                            "has_more: expected boolean, got {}",
                            other.type_name()
                        )))
                    }
                }
            }
            other => {
                return Err(invalid(format!(
                    "expected a list, got {}",
                    other.type_name()
                )))
            }
        },
        Shape::Array(r) => match &doc {
            Value::Array(items) => {
                check_items(r, items, "").map_err(invalid)?;
                Output::Body
            }
            Value::Object(_) => {
                let items = doc.get("data").and_then(Value::as_array).ok_or_else(|| invalid("expected an array or {\"data\": [...]}, got an object without a data array".into()))?;
                check_items(r, items, "data").map_err(invalid)?;
                Output::Text(Value::Array(items.to_vec()).to_json())
            }
            other => {
                return Err(invalid(format!(
                    "expected an array, got {}",
                    other.type_name()
                )))
            }
        },
    };
    Ok(out)
}

fn has_required(r: Resource, v: &Value) -> bool {
    r.required()
        .iter()
        .all(|f| v.get(f).is_some_and(|x| !x.is_null()))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn check_items(r: Resource, items: &[Value], path: &str) -> Result<(), String> {
    for (i, item) in items.iter().enumerate() {
        check(r, item, &format!("{path}[{i}]"))?;
    }
    Ok(())
}

/// Checks that `v` is an object of resource `r`: required fields present, documented fields
/// of the documented JSON type when present and not null. Unknown fields are fine.
pub fn check(r: Resource, v: &Value, path: &str) -> Result<(), String> {
    let where_ = |key: &str| join(path, key);
    if !matches!(v, Value::Object(_)) {
        let at = if path.is_empty() {
            String::new()
        } else {
            format!("{path}: ")
        };
        return Err(format!(
            "{at}expected a {} object, got {}",
            r.name(),
            v.type_name()
        ));
    }
    for key in r.required() {
        if v.get(key).is_none_or(Value::is_null) {
            return Err(format!(
                "{}: required field of {} is missing",
                where_(key),
                r.name()
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
            return Err(format!(
                "{}: expected {want}, got {}",
                where_(key),
                x.type_name()
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
    }
}

/// A short, readable description of a non-JSON body.
fn describe_text(body: &str) -> String {
    let t = body.trim();
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
            .map(str::trim)
            .filter(|x| !x.is_empty());
        return match title {
            Some(title) => format!("non-JSON error page: {title}"),
            None => "non-JSON error page (HTML)".into(),
        };
    }
    let short: String = t.chars().take(200).collect();
    if short.len() < t.len() {
        format!("{short}…")
    } else {
        short
    }
}
