//! Webhook signatures: the `CallingBox-Signature` header is
//! `t=<unix seconds>,v1=<hex>` where
//! `hex = lowercase_hex(HMAC-SHA256(key = secret, msg = "<t>." ‖ raw body))`.
//!
//! [`signature_header`] produces it (the emulator signs with it); [`verify`] checks it,
//! and only then parses and validates the event envelope (`id`, `type`, `created`,
//! `api_version`, `data.call`). `now` is passed in: the core never reads a clock.

use crate::prelude::*;

use super::json::{ObjectWriter, Value};
use super::sha256::{hmac_sha256, to_hex};
use super::text::{self, dec, dec_signed, fill, is_blank, split_byte, trim};

/// The default `tolerance_secs` for `verify`: 300 s, as in the official Python SDK.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// A `tolerance_secs` that accepts any timestamp: no replay protection, for tests of
/// recorded events only. Unlike in the official Python SDK, 0 does not mean this:
/// a tolerance is always a bound, so a 0 that slipped through fails closed.
pub const UNLIMITED_TOLERANCE: i64 = i64::MAX;

/// The `CallingBox-Signature` header value for `body` sent at `timestamp`.
/// `secret` is the key verbatim, `whsec_` prefix included.
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    fill(
        "t={},v1={}",
        &[
            &dec_signed(timestamp),
            &expected_signature(secret, timestamp, body),
        ],
    )
}

fn expected_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut msg = dec_signed(timestamp).into_bytes();
    msg.push(b'.');
    msg.extend_from_slice(body);
    to_hex(&hmac_sha256(secret.as_bytes(), &msg))
}

/// A verified webhook event: the envelope fields, checked for shape.
/// `raw` is the whole parsed body; the JS layer hands users its own parse of the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Envelope `id`; equals the `CallingBox-Event-Id` header and is stable across
    /// retries and replays — use it to de-duplicate.
    pub id: String,
    /// Envelope `type`, e.g. `call.completed`. Unknown types are passed through.
    pub event_type: String,
    /// Envelope `created`, unix seconds.
    pub created: i64,
    /// Envelope `api_version`, e.g. `2026-04`. Not restricted to known versions.
    pub api_version: String,
    /// `data.call.id` for `call.*` events (checked to be a string); `None` for other
    /// types, whose `data` is passed through unchecked.
    pub call_id: Option<String>,
    pub raw: Value,
}

/// Why a webhook was rejected. `code()` is stable (JS branches on it); `message()` is for
/// people. Signature problems (everything but `InvalidPayload`) mean the request must not
/// be trusted: answer 400 and do not act on the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// The header is empty, a part is not `key=value` with non-empty key and value, or
    /// `t` is not an integer (ASCII digits). Usually the wrong header was passed (pass
    /// `CallingBox-Signature` exactly as received) or the request was not sent by CallingBox.
    MalformedHeader(String),
    /// The header has no `t=` part. Pass the whole header value, unmodified.
    MissingTimestamp,
    /// The header has no `v1=` part. Pass the whole header value, unmodified.
    MissingSignature,
    /// `|now − t|` exceeds the tolerance: a replayed or long-delayed request, or a
    /// wrong server clock. Check the clock (NTP); do not raise the tolerance to hide it.
    /// A negative tolerance rejects every request (fail closed); 0 allows no skew at all;
    /// only [`UNLIMITED_TOLERANCE`] disables the check.
    TimestampOutsideTolerance { t: i64, now: i64, tolerance: i64 },
    /// No `v1` matches the HMAC of this body with this secret. Causes: wrong secret
    /// (each endpoint has its own; inline webhook URLs use the org default secret), or
    /// the body was altered — verify the raw bytes as received, before any JSON
    /// parsing or re-serialisation by a framework.
    NoMatchingSignature,
    /// The signature is valid but the body is not UTF-8 JSON with the event envelope
    /// (`id`, `type`, `created`, `api_version`, and for `call.*` types `data.call.id`).
    /// The sender is authentic, so this points at an API change or an SDK bug: log it and
    /// report it.
    InvalidPayload(String),
}

impl SignatureError {
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::MalformedHeader(_) => "malformed_header",
            SignatureError::MissingTimestamp => "missing_timestamp",
            SignatureError::MissingSignature => "missing_signature",
            SignatureError::TimestampOutsideTolerance { .. } => "timestamp_outside_tolerance",
            SignatureError::NoMatchingSignature => "no_matching_signature",
            SignatureError::InvalidPayload(_) => "invalid_payload",
        }
    }

    pub fn message(&self) -> String {
        match self {
            SignatureError::MalformedHeader(d) => {
                fill("malformed CallingBox-Signature header: {}", &[d])
            }
            SignatureError::MissingTimestamp => {
                "CallingBox-Signature header has no timestamp (t=)".into()
            }
            SignatureError::MissingSignature => {
                "CallingBox-Signature header has no signature (v1=)".into()
            }
            SignatureError::TimestampOutsideTolerance { t, now, tolerance } => fill(
                "webhook timestamp {} is {}s away from now ({}), more than the {}s tolerance \
                 (check the server clock)",
                &[
                    &dec_signed(*t),
                    &dec(now.abs_diff(*t)),
                    &dec_signed(*now),
                    &dec_signed(*tolerance),
                ],
            ),
            SignatureError::NoMatchingSignature => "no signature matches the body \
                 (wrong webhook secret, or the body was modified before verification)"
                .into(),
            SignatureError::InvalidPayload(d) => fill("invalid webhook payload: {}", &[d]),
        }
    }
}

impl SignatureError {
    /// The error as the JSON record the JS layer turns into a `WebhookSignatureError`
    /// (`reason` = [`SignatureError::code`]).
    pub fn to_record(&self) -> String {
        let mut w = ObjectWriter::default();
        w.raw("__callingbox", "true");
        w.string("name", "WebhookSignatureError");
        w.string("code", "webhook_signature_invalid");
        w.string(
            "message",
            &fill(
                "webhook signature verification failed: {}",
                &[&self.message()],
            ),
        );
        w.string("reason", self.code());
        w.finish()
    }
}

impl ::core::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(&self.message())
    }
}

impl ::core::error::Error for SignatureError {}

/// Verifies `header` (the `CallingBox-Signature` value) over the raw `body` bytes with
/// `secret`, then parses and validates the envelope. `tolerance_secs` is the
/// allowed `|now − t|` ([`DEFAULT_TOLERANCE_SECS`]; [`UNLIMITED_TOLERANCE`] skips the
/// check — tests only).
pub fn verify(
    body: &[u8],
    header: &str,
    secret: &str,
    tolerance_secs: i64,
    now_secs: i64,
) -> Result<Event, SignatureError> {
    let raw = verified_body(body, header, secret, tolerance_secs, now_secs)?;
    let created = envelope(&raw).map_err(SignatureError::InvalidPayload)?;
    // Checked by `envelope`: each is a string.
    let string = |path| {
        at(&raw, path)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Ok(Event {
        id: string("id"),
        event_type: string("type"),
        created,
        api_version: string("api_version"),
        call_id: at(&raw, "data.call.id")
            .and_then(Value::as_str)
            .map(str::to_string),
        raw,
    })
}

/// [`verify`] without building the [`Event`] (the JS layer parses the body itself).
pub fn check(
    body: &[u8],
    header: &str,
    secret: &str,
    tolerance_secs: i64,
    now_secs: i64,
) -> Result<(), SignatureError> {
    let raw = verified_body(body, header, secret, tolerance_secs, now_secs)?;
    envelope(&raw)
        .map(|_| ())
        .map_err(SignatureError::InvalidPayload)
}

/// Steps 1–5 of [`verify`]: the signature checked, then the body parsed.
fn verified_body(
    body: &[u8],
    header: &str,
    secret: &str,
    tolerance_secs: i64,
    now_secs: i64,
) -> Result<Value, SignatureError> {
    use SignatureError::*;
    // Step 1: split on ',', every part `key=value`; take `t` and every `v1`.
    if is_blank(header) {
        return Err(MalformedHeader("the header is empty".into()));
    }
    let mut t = None;
    let mut sigs = Vec::new();
    // Byte loops rather than `split(',')`/`split_once('=')`: no char searcher in the wasm.
    let mut rest = Some(header);
    while let Some(r) = rest {
        let (part, next) = match split_byte(r, b',') {
            Some((part, next)) => (part, Some(next)),
            None => (r, None),
        };
        rest = next;
        let (k, v) = split_byte(part, b'=')
            .map(|(k, v)| (trim(k), trim(v)))
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .ok_or_else(|| MalformedHeader(fill("`{}` is not key=value", &[clip(part)])))?;
        match k {
            // Digits only (no sign, `_` or spaces inside), so the string we sign below
            // is the one the sender signed.
            "t" => {
                let ts = v
                    .bytes()
                    .try_fold(0i64, |n, b| {
                        let d = b.checked_sub(b'0').filter(|d| *d <= 9)?;
                        n.checked_mul(10)?.checked_add(i64::from(d))
                    })
                    .ok_or_else(|| MalformedHeader(fill("t=`{}` is not an integer", &[clip(v)])))?;
                // A second `t` would make the signed timestamp ambiguous.
                if t.replace(ts).is_some() {
                    return Err(MalformedHeader("more than one t".into()));
                }
            }
            "v1" => sigs.push(v),
            _ => {}
        }
    }
    let t = t.ok_or(MissingTimestamp)?;
    if sigs.is_empty() {
        return Err(MissingSignature);
    }
    // Step 2. No value turns the check off: `UNLIMITED_TOLERANCE` is merely so large that
    // every `now ≥ 0` is within it of every `t` (which is never negative: digits only).
    if tolerance_secs < 0 || now_secs.abs_diff(t) > tolerance_secs.unsigned_abs() {
        return Err(TimestampOutsideTolerance {
            t,
            now: now_secs,
            tolerance: tolerance_secs,
        });
    }
    // Steps 3–4. Every candidate is compared in full (no early exit) so timing reveals
    // nothing about how much of a guess was right. Hex case carries no meaning, so an
    // uppercase `v1` is accepted: candidates are lowercased byte by byte (ASCII-only,
    // branch-free) during the comparison. Lengths are public (always 64), so a length
    // mismatch may return early.
    let expected = expected_signature(secret, t, body);
    let mut matched = false;
    for sig in sigs {
        let eq = sig.len() == expected.len()
            && sig
                .bytes()
                .zip(expected.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a.to_ascii_lowercase() ^ b))
                == 0;
        matched |= eq;
    }
    if !matched {
        return Err(NoMatchingSignature);
    }
    // Step 5: only now parse.
    let text = ::core::str::from_utf8(body).map_err(|e| {
        InvalidPayload(fill(
            "body is not UTF-8 (byte {})",
            &[&dec(e.valid_up_to() as u64)],
        ))
    })?;
    Value::parse(text).map_err(|e| InvalidPayload(fill("body is not JSON: {}", &[&e.text()])))
}

/// At most 40 characters of a header part, for error messages: the header comes from
/// the network and may be long. (Plain text, not `{:?}`: Debug-escaping `str` pulls
/// Unicode tables into the wasm.)
fn clip(s: &str) -> &str {
    text::clip(trim(s), 40).0
}

/// The webhook envelope's fields, checked in this order: a type tag (`n` integer seconds,
/// `o` object, `s` string) and a dotted path (packed like the operation tables: one loop
/// instead of one check per field in the wasm). Every event has the first
/// [`EVERY_EVENT`] (`created`, `id`, `type`, `api_version`); the rest, `data.call`, is
/// what the `call.*` events carry. An event type the SDK does not know yet (say
/// `number.released`) is authentic once its signature matches, so its `data` is passed
/// through unchecked rather than rejected.
const ENVELOPE: &[(&str, Want)] = &[
    ("created", Want::Seconds),
    ("id", Want::Str),
    ("type", Want::Str),
    ("api_version", Want::Str),
    ("data", Want::Obj),
    ("data.call", Want::Obj),
    ("data.call.id", Want::Str),
];

/// What an envelope member must hold.
#[derive(Clone, Copy)]
enum Want {
    /// Whole Unix seconds.
    Seconds,
    Str,
    Obj,
}
const EVERY_EVENT: usize = 4;

/// The member at a dotted `path` of `v`.
fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    match split_byte(path, b'.') {
        Some((head, rest)) => at(v.get(head)?, rest),
        None => v.get(path),
    }
}

/// Checks the webhook envelope's shape (id, type, created, api_version, data.call);
/// answers `created`.
fn envelope(raw: &Value) -> Result<i64, String> {
    if raw.as_object().is_none() {
        return Err(fill("body must be an object, got {}", &[raw.type_name()]));
    }
    // `type` itself is checked (a string) among the first EVERY_EVENT fields.
    let call_event = at(raw, "type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.as_bytes().starts_with(b"call."));
    let mut created = 0;
    let fields = if call_event { usize::MAX } else { EVERY_EVENT };
    for &(path, want) in ENVELOPE.iter().take(fields) {
        let f = at(raw, path).ok_or_else(|| fill("missing {}", &[path]))?;
        let want = match want {
            Want::Seconds => match f.as_f64().filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15) {
                Some(n) => {
                    created = n as i64;
                    continue;
                }
                None => {
                    return Err(fill(
                        "{} must be integer seconds, got {}",
                        &[path, &f.to_json()],
                    ))
                }
            },
            Want::Obj if f.as_object().is_some() => continue,
            Want::Obj => "an object",
            Want::Str if f.as_str().is_some() => continue,
            Want::Str => "a string",
        };
        return Err(fill("{} must be {}, got {}", &[path, want, f.type_name()]));
    }
    Ok(created)
}

#[cfg(test)]
// Tests may panic: that is how they fail. (The crate lints deny these outside tests.)
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// No time check: these tests are about the header and the body.
    const ANY: i64 = UNLIMITED_TOLERANCE;

    /// [`super::verify`], after checking that [`check`] (what the wasm calls) gives the same
    /// verdict and the same error: every test below covers both.
    fn verify(
        body: &[u8],
        header: &str,
        secret: &str,
        tolerance: i64,
        now: i64,
    ) -> Result<Event, SignatureError> {
        let full = super::verify(body, header, secret, tolerance, now);
        assert_eq!(
            check(body, header, secret, tolerance, now),
            full.clone().map(|_| ()),
            "check and verify disagree on {header:?}"
        );
        full
    }

    // The API documentation's signature test vector.
    const SECRET: &str = "whsec_test_0123456789abcdef0123456789abcdef";
    const T: i64 = 1713268860;
    const BODY: &str = r#"{"id":"9c1d9f9e-21a1-4f6d-8fce-bf4a4b8a9e3f","type":"call.completed","created":1713268800,"api_version":"2026-04","data":{"call":{"id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","status":"completed"}}}"#;
    const SIG: &str = "499924f261fc2dc3e6d4d16382f32505cb22de494f046fbba6734b93adb5c910";
    const HEADER: &str =
        "t=1713268860,v1=499924f261fc2dc3e6d4d16382f32505cb22de494f046fbba6734b93adb5c910";

    #[test]
    fn signature_header_matches_spec_vector() {
        assert_eq!(signature_header(SECRET, T, BODY.as_bytes()), HEADER);
    }

    #[test]
    fn spec_vector_verifies_and_decodes() {
        for (tolerance, now) in [
            (0, T),
            (1, T + 1),
            (1, T - 1),
            (ANY, T + 1_000_000),
            (ANY, 0),
            (ANY, i64::MAX),
            (300, T),
            (300, T + 300),
            (300, T - 300),
        ] {
            let ev = verify(BODY.as_bytes(), HEADER, SECRET, tolerance, now)
                .unwrap_or_else(|e| panic!("tolerance {tolerance}, now {now}: {e}"));
            assert_eq!(ev.id, "9c1d9f9e-21a1-4f6d-8fce-bf4a4b8a9e3f");
            assert_eq!(ev.event_type, "call.completed");
            assert_eq!(ev.created, 1713268800);
            assert_eq!(ev.api_version, "2026-04");
            assert_eq!(
                ev.call_id.as_deref(),
                Some("a1b2c3d4-e5f6-7890-abcd-ef1234567890")
            );
            assert_eq!(
                ev.raw
                    .get("data")
                    .and_then(|d| d.get("call"))
                    .and_then(|c| c.get("status"))
                    .and_then(Value::as_str),
                Some("completed")
            );
        }
    }

    #[test]
    fn accepted_headers() {
        let wrong = "0".repeat(64);
        let upper = SIG.to_ascii_uppercase();
        let cases: Vec<(&str, String)> = vec![
            (
                "rotation: wrong v1 first",
                format!("t={T},v1={wrong},v1={SIG}"),
            ),
            (
                "rotation: right v1 first",
                format!("t={T},v1={SIG},v1={wrong}"),
            ),
            ("v1 before t", format!("v1={SIG},t={T}")),
            ("spaces around parts", format!("  t = {T} ,\tv1= {SIG}  ")),
            (
                "unknown keys ignored",
                format!("t={T},v0=abc,v2=def,v1={SIG}"),
            ),
            (
                "short v1 among candidates",
                format!("t={T},v1=abc,v1={SIG}"),
            ),
            // Hex case carries no meaning: accepted (documented in `verify`).
            ("uppercase hex", format!("t={T},v1={upper}")),
            ("leading zeros in t", format!("t=0{T},v1={SIG}")),
        ];
        for (name, header) in cases {
            let r = verify(BODY.as_bytes(), &header, SECRET, 300, T);
            assert!(r.is_ok(), "{name}: {header:?} -> {r:?}");
        }
    }

    #[test]
    fn rejected_headers() {
        let body = BODY.as_bytes();
        let tampered = BODY.replace("completed\"}", "failed\"}");
        let other_secret = signature_header("whsec_other", T, body);
        // (name, body, header, tolerance, now, expected code)
        type Case<'a> = (&'a str, &'a [u8], String, i64, i64, &'a str);
        let cases: Vec<Case> = vec![
            ("empty", body, String::new(), ANY, T, "malformed_header"),
            ("blank", body, "   ".into(), ANY, T, "malformed_header"),
            (
                "garbage",
                body,
                "garbage".into(),
                ANY,
                T,
                "malformed_header",
            ),
            ("empty value", body, "t=".into(), ANY, T, "malformed_header"),
            ("empty key", body, "=x".into(), ANY, T, "malformed_header"),
            (
                "non-integer t",
                body,
                format!("t=abc,v1={SIG}"),
                ANY,
                T,
                "malformed_header",
            ),
            (
                "signed t",
                body,
                format!("t=+{T},v1={SIG}"),
                ANY,
                T,
                "malformed_header",
            ),
            (
                "negative t",
                body,
                format!("t=-{T},v1={SIG}"),
                ANY,
                T,
                "malformed_header",
            ),
            (
                "fractional t",
                body,
                format!("t={T}.0,v1={SIG}"),
                ANY,
                T,
                "malformed_header",
            ),
            (
                "t overflow",
                body,
                format!("t=99999999999999999999,v1={SIG}"),
                ANY,
                T,
                "malformed_header",
            ),
            (
                "two t",
                body,
                format!("t={T},t=1,v1={SIG}"),
                ANY,
                T,
                "malformed_header",
            ),
            (
                "trailing comma",
                body,
                format!("t={T},v1={SIG},"),
                ANY,
                T,
                "malformed_header",
            ),
            (
                "empty v1",
                body,
                format!("t={T},v1="),
                ANY,
                T,
                "malformed_header",
            ),
            (
                "missing t",
                body,
                format!("v1={SIG}"),
                ANY,
                T,
                "missing_timestamp",
            ),
            (
                "missing v1",
                body,
                format!("t={T}"),
                ANY,
                T,
                "missing_signature",
            ),
            (
                "only other keys",
                body,
                format!("t={T},v0={SIG}"),
                ANY,
                T,
                "missing_signature",
            ),
            (
                "stale",
                body,
                HEADER.into(),
                300,
                T + 301,
                "timestamp_outside_tolerance",
            ),
            (
                "future",
                body,
                HEADER.into(),
                300,
                T - 301,
                "timestamp_outside_tolerance",
            ),
            (
                "far future",
                body,
                HEADER.into(),
                300,
                i64::MIN,
                "timestamp_outside_tolerance",
            ),
            (
                "negative tolerance",
                body,
                HEADER.into(),
                -1,
                T,
                "timestamp_outside_tolerance",
            ),
            // 0 is a bound like any other (no skew at all), not "off".
            (
                "tolerance 0, a second late",
                body,
                HEADER.into(),
                0,
                T + 1,
                "timestamp_outside_tolerance",
            ),
            (
                "tolerance 0, far future",
                body,
                HEADER.into(),
                0,
                0,
                "timestamp_outside_tolerance",
            ),
            (
                "one second over",
                body,
                HEADER.into(),
                1,
                T + 2,
                "timestamp_outside_tolerance",
            ),
            (
                "tampered body",
                tampered.as_bytes(),
                HEADER.into(),
                ANY,
                T,
                "no_matching_signature",
            ),
            (
                "wrong secret",
                body,
                other_secret,
                ANY,
                T,
                "no_matching_signature",
            ),
            (
                "wrong t",
                body,
                format!("t={},v1={SIG}", T + 1),
                ANY,
                T,
                "no_matching_signature",
            ),
            (
                "truncated v1",
                body,
                format!("t={T},v1={}", &SIG[..63]),
                ANY,
                T,
                "no_matching_signature",
            ),
            (
                "extended v1",
                body,
                format!("t={T},v1={SIG}0"),
                ANY,
                T,
                "no_matching_signature",
            ),
            (
                "non-hex v1",
                body,
                format!("t={T},v1={}", "g".repeat(64)),
                ANY,
                T,
                "no_matching_signature",
            ),
        ];
        for (name, body, header, tolerance, now, code) in cases {
            match verify(body, &header, SECRET, tolerance, now) {
                Err(e) => {
                    assert_eq!(e.code(), code, "{name}: {header:?} -> {e:?}");
                    assert!(!e.message().is_empty());
                    assert!(
                        !e.message().contains(SECRET),
                        "{name}: message leaks the secret"
                    );
                }
                Ok(ev) => panic!("{name}: {header:?} accepted: {ev:?}"),
            }
        }
    }

    #[test]
    fn invalid_payloads_with_valid_signatures() {
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("not utf-8", vec![b'{', 0xff, 0xfe, b'}']),
            ("empty", vec![]),
            ("not json", b"hello".to_vec()),
            ("truncated json", BODY.as_bytes()[..BODY.len() - 1].to_vec()),
            ("array", b"[]".to_vec()),
            ("string", br#""x""#.to_vec()),
            ("empty object", b"{}".to_vec()),
            ("id number", BODY.replace(r#""id":"9c1d"#, r#""id":1,"x":"9c1d"#).into_bytes()),
            ("type missing", BODY.replace(r#""type""#, r#""kind""#).into_bytes()),
            ("created string", BODY.replace("1713268800", r#""1713268800""#).into_bytes()),
            ("created fractional", BODY.replace("1713268800", "1713268800.5").into_bytes()),
            ("api_version null", BODY.replace(r#""2026-04""#, "null").into_bytes()),
            ("data missing", br#"{"id":"e","type":"call.queued","created":1,"api_version":"2026-04"}"#.to_vec()),
            ("data array", br#"{"id":"e","type":"call.queued","created":1,"api_version":"2026-04","data":[]}"#.to_vec()),
            ("call missing", br#"{"id":"e","type":"call.queued","created":1,"api_version":"2026-04","data":{}}"#.to_vec()),
            ("call string", br#"{"id":"e","type":"call.queued","created":1,"api_version":"2026-04","data":{"call":"c"}}"#.to_vec()),
            ("call id missing", br#"{"id":"e","type":"call.queued","created":1,"api_version":"2026-04","data":{"call":{}}}"#.to_vec()),
            ("call id number", br#"{"id":"e","type":"call.queued","created":1,"api_version":"2026-04","data":{"call":{"id":7}}}"#.to_vec()),
        ];
        for (name, body) in cases {
            let header = signature_header(SECRET, T, &body);
            match verify(&body, &header, SECRET, 300, T) {
                Err(e) => assert_eq!(e.code(), "invalid_payload", "{name}: {e:?}"),
                Ok(ev) => panic!("{name}: accepted {ev:?}"),
            }
        }
        // The messages name the path and what was wrong, in envelope order.
        let call = r#""created":1,"id":"e","type":"call.x","api_version":"v""#;
        for (body, want) in [
            ("[]".to_string(), "body must be an object, got array"),
            ("{}".into(), "missing created"),
            (
                r#"{"created":1.5}"#.into(),
                "created must be integer seconds, got 1.5",
            ),
            (
                r#"{"created":9000000000000000}"#.into(),
                "created must be integer seconds, got 9000000000000000",
            ),
            (
                r#"{"created":-9000000000000000}"#.into(),
                "created must be integer seconds, got -9000000000000000",
            ),
            (r#"{"created":1}"#.into(), "missing id"),
            (
                r#"{"created":1,"id":7}"#.into(),
                "id must be a string, got number",
            ),
            (r#"{"created":1,"id":"e"}"#.into(), "missing type"),
            (
                r#"{"created":1,"id":"e","type":null}"#.into(),
                "type must be a string, got null",
            ),
            (
                r#"{"created":1,"id":"e","type":"call.x"}"#.into(),
                "missing api_version",
            ),
            (format!("{{{call}}}"), "missing data"),
            (
                format!(r#"{{{call},"data":[]}}"#),
                "data must be an object, got array",
            ),
            (format!(r#"{{{call},"data":{{}}}}"#), "missing data.call"),
            (
                format!(r#"{{{call},"data":{{"call":"c"}}}}"#),
                "data.call must be an object, got string",
            ),
            (
                format!(r#"{{{call},"data":{{"call":{{}}}}}}"#),
                "missing data.call.id",
            ),
            (
                format!(r#"{{{call},"data":{{"call":{{"id":7}}}}}}"#),
                "data.call.id must be a string, got number",
            ),
        ] {
            let body = body.as_bytes();
            let e = verify(body, &signature_header(SECRET, T, body), SECRET, ANY, T).unwrap_err();
            assert_eq!(e, SignatureError::InvalidPayload(want.into()));
        }
        // Unknown event types and API versions still pass: new values must not break.
        let body = br#"{"id":"e","type":"call.transferred","created":1,"api_version":"2099-01","data":{"call":{"id":"c"}}}"#;
        let ev = verify(body, &signature_header(SECRET, T, body), SECRET, ANY, T);
        assert_eq!(
            ev.map(|e| e.event_type).ok().as_deref(),
            Some("call.transferred")
        );
    }

    #[test]
    fn events_of_other_types_pass_through_with_their_own_data() {
        // Only `call.*` events carry `data.call`; a type the SDK does not know is
        // signed like any other, so it verifies whatever its `data` holds.
        for (body, call_id) in [
            (
                r#"{"id":"e1","type":"number.released","created":-1,"api_version":"2026-04","data":{"number":{"id":"n1"}}}"#,
                None,
            ),
            (
                r#"{"id":"e2","type":"account.updated","created":8999999999999999,"api_version":"2099-01"}"#,
                None,
            ),
            (
                r#"{"id":"e3","type":"calls.batch","created":1,"api_version":"v","data":{"call":7}}"#,
                None,
            ),
            (
                r#"{"id":"e4","type":"call","created":1,"api_version":"v","data":[]}"#,
                None,
            ),
            (
                r#"{"id":"e5","type":"call.x","created":1,"api_version":"v","data":{"call":{"id":"c5"}}}"#,
                Some("c5"),
            ),
        ] {
            let ev = verify(
                body.as_bytes(),
                &signature_header(SECRET, T, body.as_bytes()),
                SECRET,
                300,
                T,
            )
            .unwrap_or_else(|e| panic!("{body}: {e}"));
            assert_eq!(ev.call_id.as_deref(), call_id, "{body}");
            assert!(ev.id.starts_with('e') && !ev.event_type.is_empty());
        }
        // Envelope fields are still checked for every type.
        for body in [
            r#"{"id":"e","type":"number.released","created":"1","api_version":"v"}"#,
            r#"{"type":"number.released","created":1,"api_version":"v"}"#,
            r#"{"id":"e","type":"number.released","created":1}"#,
        ] {
            let header = signature_header(SECRET, T, body.as_bytes());
            let err = verify(body.as_bytes(), &header, SECRET, 300, T).err();
            assert_eq!(err.map(|e| e.code()), Some("invalid_payload"), "{body}");
        }
    }

    #[test]
    fn check_is_verify_without_the_event() {
        // `check` is what the wasm exports; the `verify` wrapper above compares the two on
        // every case of this module. These pin it on its own.
        let body = BODY.as_bytes();
        assert_eq!(check(body, HEADER, SECRET, 300, T), Ok(()));
        assert_eq!(check(body, HEADER, SECRET, ANY, 0), Ok(()));
        for (header, secret, tolerance, now, code) in [
            ("", SECRET, 300, T, "malformed_header"),
            ("v1=x", SECRET, 300, T, "missing_timestamp"),
            ("t=1", SECRET, 300, T, "missing_signature"),
            (HEADER, SECRET, 300, T + 301, "timestamp_outside_tolerance"),
            (HEADER, "whsec_other", 300, T, "no_matching_signature"),
        ] {
            let got = check(body, header, secret, tolerance, now);
            assert_eq!(got.err().map(|e| e.code()), Some(code), "{header:?}");
        }
        let not_an_event = br#"{"id":"e"}"#;
        let header = signature_header(SECRET, T, not_an_event);
        assert_eq!(
            check(not_an_event, &header, SECRET, 300, T),
            Err(SignatureError::InvalidPayload("missing created".into()))
        );
    }

    #[test]
    fn records_for_js_carry_name_code_reason_and_message() {
        // The JSON the wasm throws; js/errors.js turns it into a WebhookSignatureError.
        let e = SignatureError::TimestampOutsideTolerance {
            t: 1,
            now: 302,
            tolerance: 300,
        };
        let rec = Value::parse(&e.to_record()).unwrap();
        let field = |k: &str| rec.get(k).and_then(Value::as_str).map(str::to_string);
        assert_eq!(rec.get("__callingbox").and_then(Value::as_bool), Some(true));
        assert_eq!(field("name").as_deref(), Some("WebhookSignatureError"));
        assert_eq!(field("code").as_deref(), Some("webhook_signature_invalid"));
        assert_eq!(
            field("reason").as_deref(),
            Some("timestamp_outside_tolerance")
        );
        assert_eq!(
            field("message"),
            Some(format!(
                "webhook signature verification failed: {}",
                e.message()
            ))
        );
        // Header text in a message is escaped into the JSON, not spliced in.
        let e = verify(BODY.as_bytes(), "t=\"},v1=x", SECRET, ANY, T).unwrap_err();
        let rec = Value::parse(&e.to_record()).unwrap();
        assert_eq!(
            rec.get("message").and_then(Value::as_str),
            Some("webhook signature verification failed: malformed CallingBox-Signature header: t=`\"}` is not an integer")
        );
    }

    #[test]
    fn messages_quote_the_offending_header_part_clipped() {
        for (header, want) in [
            (" garbage ", "`garbage` is not key=value"),
            ("t=1,v1", "`v1` is not key=value"),
            ("t= 12a ,v1=x", "t=`12a` is not an integer"),
            (
                // 40 characters (not bytes) of a longer part.
                &format!("t=1,{}", "é".repeat(50)),
                &format!("`{}` is not key=value", "é".repeat(40)),
            ),
        ] {
            let e = verify(BODY.as_bytes(), header, SECRET, ANY, T).unwrap_err();
            assert_eq!(
                e,
                SignatureError::MalformedHeader(want.to_string()),
                "{header:?}"
            );
        }
    }

    #[test]
    fn error_codes_are_distinct_and_snake_case() {
        let all = [
            SignatureError::MalformedHeader("x".into()),
            SignatureError::MissingTimestamp,
            SignatureError::MissingSignature,
            SignatureError::TimestampOutsideTolerance {
                t: 1,
                now: 302,
                tolerance: 300,
            },
            SignatureError::NoMatchingSignature,
            SignatureError::InvalidPayload("x".into()),
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(SignatureError::code).collect();
        assert_eq!(codes.len(), all.len());
        for e in &all {
            assert!(e
                .code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert_eq!(e.to_string(), e.message());
        }
        assert!(all[3].message().contains("301s"), "{}", all[3].message());
        assert_eq!(
            all[3].message(),
            "webhook timestamp 1 is 301s away from now (302), more than the 300s tolerance \
             (check the server clock)"
        );
        assert_eq!(
            signature_header("k", -5, b""),
            super::text::cat(&["t=-5,v1=", &expected_signature("k", -5, b"")])
        );
        // Header text echoed into messages is clipped: the header comes from the network.
        let long = format!("t={T},{}", "x".repeat(10_000));
        let e = verify(BODY.as_bytes(), &long, SECRET, ANY, T).err();
        let msg = e.map(|e| e.message()).unwrap_or_default();
        assert!(msg.starts_with("malformed") && msg.len() < 120, "{msg}");
    }

    /// xorshift64*: a tiny deterministic PRNG so the property test needs no crates.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn property_sign_then_verify_roundtrips() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for i in 0..300 {
            // Secrets: any UTF-8, including empty and longer than the HMAC block.
            let secret: String = (0..rng.below(100))
                .map(|_| char::from_u32(rng.below(0x800) as u32 + 1).unwrap_or('x'))
                .collect();
            let t = rng.below(4_000_000_000) as i64;
            // Body: a valid envelope with a random string inside, so it round-trips
            // through the payload check; the signature covers the exact bytes.
            let filler: String = (0..rng.below(300))
                .map(|_| char::from(b' ' + rng.below(95) as u8))
                .filter(|c| *c != '"' && *c != '\\')
                .collect();
            let body = format!(
                r#"{{"id":"evt_{i}","type":"call.queued","created":{t},"api_version":"2026-04","data":{{"call":{{"id":"c{i}","note":"{filler}"}}}}}}"#
            );
            let header = signature_header(&secret, t, body.as_bytes());
            let ev = verify(body.as_bytes(), &header, &secret, 0, t)
                .unwrap_or_else(|e| panic!("case {i}: {e:?} for {body:?}"));
            assert_eq!(ev.id, format!("evt_{i}"));
            assert_eq!(ev.created, t);
            // Flipping any one bit of the body breaks the signature (before JSON parsing).
            let mut bad = body.clone().into_bytes();
            let at = rng.below(bad.len() as u64) as usize;
            bad[at] ^= 1 << rng.below(8);
            let err = verify(&bad, &header, &secret, 0, t).err().map(|e| e.code());
            assert_eq!(err, Some("no_matching_signature"), "case {i}");
            // Random bytes as the header never panic.
            let junk: Vec<u8> = (0..rng.below(120)).map(|_| rng.below(128) as u8).collect();
            let _ = verify(
                body.as_bytes(),
                &String::from_utf8_lossy(&junk),
                &secret,
                300,
                t,
            );
        }
    }
}
