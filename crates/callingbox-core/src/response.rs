//! HTTP response (status, body text, request id) → what the client returns, or a typed error.
//!
//! Tolerant (it accepts every variant the API documents): bare arrays or envelopes, both
//! error-body shapes, non-JSON error pages, unknown fields and unknown enum values all
//! pass. What does not pass is a 2xx body that is not the documented resource (not JSON,
//! truncated, wrong field types): that is an [`Error::InvalidResponse`], never a half-read object.
//!
//! The successful body itself is parsed by the host's `JSON.parse` (much faster than
//! building JS objects from wasm); [`Output::Body`] says "the body as it is". The client
//! parses first, then asks [`passes_as_is`]: the usual answer is settled in one pass over
//! the text with no allocation (time linear in the body, memory flat), and only the rest is
//! parsed here into a [`Value`] tree.

use crate::prelude::*;

use super::error::{find, ApiError, Error};
use super::json::{ObjectWriter, Value};
use super::ops::{Kind, Op, Resource, Shape};
use super::scan::Scan;
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

/// For a body the host's `JSON.parse` has already accepted (the client's case): whether
/// [`decode`] would certainly answer [`Output::Body`], checked in one pass with no
/// allocation (`quick`). `false` leaves it to [`decode`].
pub fn passes_as_is(op: &Op, status: u16, body: &str) -> bool {
    (200..300).contains(&status) && status != 204 && quick(op, body)
}

/// Whether `body` (valid JSON) is certainly an answer [`decode`] passes as it is
/// ([`Output::Body`]): the documented resource, or a page of them, with every documented
/// field of its type or null and the required ones present. `false` for
/// anything else — an envelope to add or remove, a wrong type, an escaped field name —
/// and [`decode`] decides and words the error. A repeated name is checked at every
/// occurrence (`JSON.parse` keeps the last). Tests pin `quick ⇒ decode says Body`.
fn quick(op: &Op, body: &str) -> bool {
    let mut s = Scan::new(body);
    let ok = match op.shape {
        Shape::One(r) => quick_resource(&mut s, r, 0),
        // A page is an object too: {"data": [r...], "has_more": true|false, ...}
        Shape::List(r) => quick_object(
            &mut s,
            &[("data", Kind::ArrOf(r)), ("has_more", Kind::Bool)],
            2,
            0,
        ),
        // Rare answers (an archived agent, a deleted endpoint, available numbers): left to
        // the full decoder, for a smaller wasm.
        _ => false,
    };
    ok && s.done()
}

/// (A resource's required fields are the first of its fields: a test in ops.rs checks.)
fn quick_resource(s: &mut Scan, r: Resource, depth: usize) -> bool {
    quick_object(s, r.fields(), r.required().len(), depth)
}

/// An array of `r` objects, at its `[`.
fn quick_items(s: &mut Scan, r: Resource, depth: usize) -> bool {
    let mut each = || -> Option<()> {
        let close = s.open(depth)?;
        if close != b']' {
            return None;
        }
        let mut at_start = true;
        while s.next(close, &mut at_start)?.is_some() {
            quick_resource(s, r, depth + 1).then_some(())?;
        }
        Some(())
    };
    each().is_some()
}

/// An object with these fields as [`check`] accepts it, at its `{`: each documented field
/// of its type or null (at every occurrence), the first `required` ones there and not null.
fn quick_object(s: &mut Scan, fields: &[(&str, Kind)], required: usize, depth: usize) -> bool {
    let mut present = 0u64; // bit i: fields[i] is there and not null (at its last occurrence)
    let mut read = || -> Option<()> {
        let close = s.open(depth)?;
        if close != b'}' {
            return None;
        }
        let (mut at_start, mut next) = (true, 0);
        while let Some((key, plain)) = s.next(close, &mut at_start)? {
            if !plain {
                return None;
            }
            // Bodies list fields in the documented order: the one after the last found is
            // tried first. Lengths are compared first (a call less per field).
            let is = |i: &usize| {
                fields
                    .get(*i)
                    .is_some_and(|(name, _)| name.len() == key.len() && *name == key)
            };
            let Some(i) = Some(next).filter(is).or_else(|| (0..fields.len()).find(is)) else {
                s.skip(depth + 1)?;
                continue;
            };
            next = i + 1;
            let bit = 1u64.checked_shl(i as u32)?; // i < 64: ops.rs tests every resource
            let first = s.peek()?;
            let ok = match fields.get(i)?.1 {
                _ if first == b'n' => s.skip(depth + 1).is_some(),
                Kind::ArrOf(inner) => quick_items(s, inner, depth + 1),
                kind => matches!(
                    (kind, s.skip(depth + 1)?),
                    (Kind::Str, b'"')
                        | (Kind::Num, b'-' | b'0'..=b'9')
                        | (Kind::Bool, b't' | b'f')
                        | (Kind::Obj, b'{')
                        | (Kind::Arr, b'[')
                        | (Kind::Scalar, b'"' | b'-' | b'0'..=b'9' | b't' | b'f')
                ),
            };
            ok.then_some(())?;
            present = if first == b'n' {
                present & !bit
            } else {
                present | bit
            };
        }
        Some(())
    };
    let all = (1u64 << required.min(63)) - 1;
    read().is_some() && present & all == all
}

/// The largest 2xx body read into a [`Value`] tree. A tree takes up to ~16 times the text
/// (`[0,0,...]`: a 16-byte value per 2 bytes), so a large answer must pass the one-pass check
/// ([`passes_as_is`]: the documented object or a `{"data": [...], "has_more": ...}` page);
/// every documented answer is far smaller (a 100-call page is ~80 KB).
pub const MAX_TREE_BYTES: usize = 1 << 20;

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
        _ if body.len() > MAX_TREE_BYTES => {
            return Err(fill(
                "the body is {} bytes and not a plain resource or {\"data\": [...], \
                 \"has_more\": ...} page of documented objects (only bodies up to {} bytes are \
                 read in other shapes)",
                &[&dec(body.len() as u64), &dec(MAX_TREE_BYTES as u64)],
            ))
        }
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
                Resource::DeletedWebhookEndpoint
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::ops::OPS;

    fn seed(r: Resource) -> String {
        let text = match r {
            Resource::PhoneNumber => include_str!("../../../tests/fixtures/phone_number.json"),
            Resource::AvailableNumber => {
                include_str!("../../../tests/fixtures/available_number.json")
            }
            Resource::Agent => include_str!("../../../tests/fixtures/agent.json"),
            Resource::Call => include_str!("../../../tests/fixtures/call.json"),
            Resource::Transcript => include_str!("../../../tests/fixtures/transcript.json"),
            Resource::TranscriptSegment => r#"{"speaker":"agent","text":"Hi","start_seconds":0.5}"#,
            Resource::WebhookEndpoint => {
                include_str!("../../../tests/fixtures/webhook_endpoint.json")
            }
            Resource::WebhookDelivery => {
                include_str!("../../../tests/fixtures/webhook_delivery.json")
            }
            Resource::DeletedWebhookEndpoint => r#"{"id":"we_1","deleted":true}"#,
        };
        Value::parse(text).unwrap().to_json()
    }

    /// The resource an operation answers with, and how to wrap one object into its answer.
    fn answer(op: &Op, object: &str) -> String {
        match op.shape {
            Shape::List(_) => fill(r#"{"data":[{},{}],"has_more":false}"#, &[object, object]),
            Shape::Array(_) => fill("[{},{}]", &[object, object]),
            _ => object.into(),
        }
    }

    fn resource(op: &Op) -> Resource {
        match op.shape {
            Shape::One(r) | Shape::List(r) | Shape::Array(r) => r,
            Shape::Archived => Resource::Agent,
            Shape::Deleted => Resource::DeletedWebhookEndpoint,
        }
    }

    fn full_says_body(op: &Op, body: &str) -> bool {
        decode(op, 200, body, None, &["x"], None) == Ok(Output::Body)
    }

    /// Every field of the seed set to every JSON type, every field removed: `quick` must
    /// give exactly the full decoder's verdict (no false "valid", and no needless fallback).
    #[test]
    fn quick_agrees_with_the_full_decoder_on_field_types() {
        let kinds = [
            "null",
            "1",
            "-2.5e3",
            r#""s""#,
            "true",
            "{}",
            "[]",
            r#"[{"id":"x"}]"#,
        ];
        let (mut checked, mut accepted) = (0, 0);
        for op in OPS {
            let r = resource(op);
            let Value::Object(members) = Value::parse(&seed(r)).unwrap() else {
                panic!()
            };
            let mut variants = vec![Value::Object(members.clone())];
            for (name, _) in r.fields() {
                for k in kinds {
                    let mut m = members.clone();
                    let v = Value::parse(k).unwrap();
                    match m.iter_mut().find(|(n, _)| n == name) {
                        Some(slot) => slot.1 = v,
                        None => m.push((name.to_string(), v)),
                    }
                    variants.push(Value::Object(m));
                }
                let m = members.iter().filter(|(n, _)| n != name).cloned().collect();
                variants.push(Value::Object(m));
            }
            for v in variants {
                let body = answer(op, &v.to_json());
                let (q, f) = (quick(op, &body), full_says_body(op, &body));
                let handled = matches!(op.shape, Shape::One(_) | Shape::List(_));
                assert_eq!(q, f && handled, "{}: {}", op.name, body);
                checked += usize::from(handled);
                accepted += usize::from(q);
            }
        }
        assert!(accepted > checked / 3, "quick took {accepted} of {checked}");
    }

    /// Duplicated or escaped names, envelopes, bare arrays, deep nesting and byte-level
    /// damage: whenever `quick` says valid, the full decoder says so too.
    #[test]
    fn quick_never_accepts_what_the_full_decoder_would_not() {
        let mut rng = 0x2545f4914f6cdd1du64;
        let mut next = move |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % n as u64) as usize
        };
        let alphabet = b"{}[]\":,0123456789.-eEtrufalsn \\u\x01abcid";
        let mut bodies = Vec::new();
        for op in OPS {
            let object = seed(resource(op));
            let inner = object.trim_start_matches('{');
            for extra in [
                r#""id":null,"#,
                r#""id":5,"#,
                r#""i\u0064":"x","#,
                r#""data":{"id":1},"#,
                r#""has_more":true,"#,
                r#""data":[],"#,
                r#""deleted":"yes","#,
                "",
            ] {
                let doubled = fill("{{}{}", &[extra, inner]);
                bodies.push((op, answer(op, &doubled)));
                bodies.push((op, fill("{}{}", &[&answer(op, &object), " "])));
                bodies.push((op, fill(r#"{"data":{},"has_more":false}"#, &[&doubled])));
                bodies.push((op, fill(r#"{"data":{}}"#, &[&doubled])));
                bodies.push((op, fill("[{}]", &[&doubled])));
                bodies.push((
                    op,
                    fill(
                        r#"{"data":[{}],"has_more":false,"has_more":1}"#,
                        &[&doubled],
                    ),
                ));
            }
            let deep = fill(
                r#"{"id":"x","metadata":{}{}}"#,
                &["[".repeat(140).as_str(), "]".repeat(140).as_str()],
            );
            bodies.push((op, answer(op, &deep)));
            for _ in 0..3000 {
                let mut bytes = answer(op, &object).into_bytes();
                for _ in 0..=next(3) {
                    let at = next(bytes.len().max(1));
                    match next(3) {
                        0 if at < bytes.len() => drop(bytes.remove(at)),
                        1 => bytes.insert(at.min(bytes.len()), alphabet[next(alphabet.len())]),
                        _ => bytes.truncate(at),
                    }
                }
                bodies.push((op, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
        let mut accepted = 0;
        assert!(!passes_as_is(
            &OPS[0],
            204,
            &answer(&OPS[0], &seed(resource(&OPS[0])))
        ));
        for (op, body) in &bodies {
            // quick's precondition: the host's JSON.parse accepted the body. On other text it
            // must still return (the scanner never panics or loops), whatever it says.
            let verdict = quick(op, body);
            if Value::parse(body).is_ok() && verdict {
                accepted += 1;
                assert!(full_says_body(op, body), "{}: {}", op.name, body);
            }
        }
        assert!(accepted > 0);
    }

    /// Past MAX_TREE_BYTES only the one-pass check reads a body: a large page in the
    /// documented shape passes, anything else is refused without building a tree.
    #[test]
    fn large_bodies_are_read_only_by_the_one_pass_check() {
        let op = crate::ops::find("calls.list").unwrap();
        let call = seed(Resource::Call);
        let n = MAX_TREE_BYTES / call.len() + 10;
        let items = vec![call.as_str(); n].join(",");
        let page = fill(r#"{"data":[{}],"has_more":false}"#, &[&items]);
        assert!(page.len() > MAX_TREE_BYTES);
        assert!(passes_as_is(op, 200, &page));
        let bare = fill("[{}]", &[&items]);
        let e = decode(op, 200, &bare, None, &[], None).unwrap_err();
        assert!(
            e.message().contains("not a plain resource"),
            "{}",
            e.message()
        );
        let zeros = fill("[{}0]", &["0,".repeat(MAX_TREE_BYTES).as_str()]);
        assert!(!passes_as_is(op, 200, &zeros));
        assert!(decode(op, 200, &zeros, None, &[], None).is_err());
        // Small bodies in other shapes are still read (and wrapped).
        let small = fill("[{}]", &[&call]);
        assert!(matches!(
            decode(op, 200, &small, None, &[], None),
            Ok(Output::Text(_))
        ));
    }

    /// Nesting around the limit, at the top of the answer, in a page's items and in a
    /// documented array of objects (`ArrOf`): `quick` takes at most `MAX_DEPTH` levels in
    /// all (the scanner's limit, counted from the answer's outer `{`), and whatever it takes
    /// the full decoder takes too. (The full parser allows one level more, which `quick`
    /// leaves to it.)
    #[test]
    fn quick_takes_at_most_max_depth_levels_of_nesting() {
        use crate::json::MAX_DEPTH;
        use crate::ops::Kind;
        let with_deep = |object: &str, k: usize| {
            let nest = fill("{}{}", &["[".repeat(k).as_str(), "]".repeat(k).as_str()]);
            fill(r#"{"x_deep":{},{}"#, &[&nest, &object[1..]])
        };
        let mut checked = 0;
        for op in OPS {
            let (top, r) = match op.shape {
                Shape::One(r) => (1, r),
                // The page's `{`, its data array, then the item's `{`.
                Shape::List(r) => (3, r),
                _ => continue,
            };
            let object = seed(r);
            for k in MAX_DEPTH - 6..=MAX_DEPTH + 2 {
                let mut bodies = vec![(top + k, answer(op, &with_deep(&object, k)))];
                for (name, kind) in r.fields() {
                    if let Kind::ArrOf(inner) = kind {
                        let item = with_deep(&seed(*inner), k);
                        let Value::Object(mut m) = Value::parse(&object).unwrap() else {
                            panic!()
                        };
                        m.retain(|(n, _)| n != name);
                        let rest = Value::Object(m).to_json();
                        let object =
                            fill(r#"{"{}":[{}],{}"#, &[name, &item, rest.get(1..).unwrap()]);
                        bodies.push((top + 2 + k, answer(op, &object)));
                    }
                }
                for (levels, body) in bodies {
                    let q = quick(op, &body);
                    assert_eq!(q, levels <= MAX_DEPTH, "{} at {levels}: {body}", op.name);
                    assert!(!q || full_says_body(op, &body), "{}: {body}", op.name);
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }

    /// A required field given twice (both not null) is still present: `quick` passes it, as
    /// the full decoder does.
    #[test]
    fn quick_passes_a_repeated_required_field() {
        for op in OPS {
            let Shape::One(r) = op.shape else { continue };
            let object = seed(r);
            let Some(first) = r.required().first() else {
                continue;
            };
            let Value::Object(m) = Value::parse(&object).unwrap() else {
                panic!()
            };
            let value = m.iter().find(|(n, _)| n == first).unwrap().1.to_json();
            let body = fill(r#"{"{}":{},{}"#, &[first, &value, &object[1..]]);
            assert!(quick(op, &body), "{}: {body}", op.name);
            assert!(full_says_body(op, &body), "{}: {body}", op.name);
        }
    }

    /// A deletion or an archive answered with no body, or with a 204 whatever the body,
    /// becomes `{ id, deleted | archived: true }`.
    #[test]
    fn empty_or_204_deletions_become_a_flag_object() {
        let find = crate::ops::find;
        let delete = find("webhookEndpoints.delete").unwrap();
        let archive = find("agents.archive").unwrap();
        for (status, body) in [(200, ""), (200, " \n"), (204, ""), (204, "{\"x\":1}")] {
            assert_eq!(
                decode(delete, status, body, None, &["we_1"], None),
                Ok(Output::Text(r#"{"id":"we_1","deleted":true}"#.into())),
                "{status} {body:?}"
            );
            assert_eq!(
                decode(archive, status, body, None, &["ag_1"], None),
                Ok(Output::Text(r#"{"id":"ag_1","archived":true}"#.into())),
                "{status} {body:?}"
            );
        }
        let e = decode(delete, 200, "[]", None, &["we_1"], None).unwrap_err();
        assert_eq!(
            e.message(),
            "the API answered 200 with a body that cannot be read: expected a \
             DeletedWebhookEndpoint object, got array"
        );
    }

    /// A body of exactly MAX_TREE_BYTES is still read into a tree; one byte more is not.
    #[test]
    fn max_tree_bytes_is_the_largest_body_read_in_full() {
        let op = crate::ops::find("calls.list").unwrap();
        let bare = fill("[{}]", &[&seed(Resource::Call)]);
        let pad = |n: usize| fill("{}{}", &[&bare, " ".repeat(n - bare.len()).as_str()]);
        let at = pad(MAX_TREE_BYTES);
        let mut w = ObjectWriter::default();
        w.raw("data", &at);
        w.raw("has_more", "false");
        assert_eq!(
            decode(op, 200, &at, None, &[], None),
            Ok(Output::Text(w.finish()))
        );
        let over = pad(MAX_TREE_BYTES + 1);
        assert_eq!(
            decode(op, 200, &over, None, &[], None)
                .unwrap_err()
                .message(),
            "the API answered 200 with a body that cannot be read: the body is 1048577 bytes \
             and not a plain resource or {\"data\": [...], \"has_more\": ...} page of \
             documented objects (only bodies up to 1048576 bytes are read in other shapes)"
        );
    }
}
