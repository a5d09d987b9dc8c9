//! The client's errors: one enum, the same kinds as the JS package's error classes.

use core::fmt;

use callingbox_core::error::{api_class, Error as CoreError};
use callingbox_core::webhook::SignatureError;

/// Every way a CallingBox operation can fail.
///
/// `Display` gives a message for people; [`Error::code`] a stable machine-readable code (the
/// JS package's `err.code`). Neither `Display` nor `Debug` ever contains the API key: the
/// client removes it from every text an error carries, including a body the server echoed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was rejected before any network I/O (a missing id, a wrong option, an
    /// `Idempotency-Key` that cannot be sent). Nothing was sent: fix `field` and call again.
    #[error("{field} {message}")]
    Validation {
        /// The parameter or option at fault (`agent_id`, `apiKey`, `params`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A phone number is not a dialable E.164 number (`+15551234567`). Nothing was sent; the
    /// message says why (`reason` is a stable code such as `too_short`).
    #[error("{field} {message}")]
    InvalidPhoneNumber {
        /// The parameter holding the number (`to`, `from_number`, `phone_number`).
        field: String,
        /// What is wrong with the number.
        message: String,
        /// A stable code for the reason.
        reason: String,
    },
    /// The API answered with a non-2xx status. Branch on [`ApiError::kind`] or
    /// [`ApiError::status`]; retrying helps only for 408, 429 and 5xx (the client already did).
    #[error("{0}")]
    Api(ApiError),
    /// The API could not be reached, or the connection failed before an answer came (after
    /// the retries). For a POST whose outcome this leaves unknown, [`Error::OutcomeUnknown`]
    /// is returned instead.
    #[error("{operation} failed to reach the API{deadline}: {message}", deadline = if *.deadline { " (deadline reached)" } else { "" })]
    Connection {
        /// The operation (`calls.create`).
        operation: String,
        /// What the transport reported.
        message: String,
        /// Attempts made.
        attempts: u32,
        /// Whether the client stopped because the request's deadline was reached.
        deadline: bool,
    },
    /// An attempt took longer than its timeout, and the client stopped retrying (a GET, or a
    /// POST whose outcome a later answer settled). Raise the timeout, or try again later.
    #[error("{operation} timed out after {timeout_ms} ms{deadline}", deadline = if *.deadline { " (deadline reached)" } else { "" })]
    Timeout {
        /// The operation (`calls.retrieve`).
        operation: String,
        /// The last attempt's timeout.
        timeout_ms: u64,
        /// Attempts made.
        attempts: u32,
        /// Whether the client stopped because the request's deadline was reached.
        deadline: bool,
    },
    /// The transport reported that the request was aborted by its caller (a custom transport
    /// honouring an abort signal). Dropping the client's future cancels a request too, with no
    /// error at all: nothing more is sent.
    #[error("{operation} was aborted: {message}")]
    Aborted {
        /// The operation.
        operation: String,
        /// What the transport reported.
        message: String,
        /// The `Idempotency-Key` of a POST that may already have been sent.
        idempotency_key: Option<String>,
    },
    /// A 2xx answer whose body is not the documented resource (not JSON, wrong shape, wrong
    /// field types, truncated). The request *did* take effect: do not resend a create
    /// blindly, look the object up instead.
    #[error("the API answered {status} with a body that cannot be read: {message}")]
    InvalidResponse {
        /// The HTTP status.
        status: u16,
        /// What is wrong with the body.
        message: String,
        /// The `X-Request-Id` of the answer.
        request_id: Option<String>,
    },
    /// A POST may or may not have taken effect: an attempt may have reached the server (it
    /// timed out, or the connection dropped after sending) and no later answer settled it.
    /// Do not send it as a new request: send it again with the same `idempotency_key`
    /// ([`crate::RequestOptions::idempotency_key`]), which returns the original result if the
    /// first attempt was processed, or look the object up (list recent calls).
    #[error("{message}")]
    OutcomeUnknown {
        /// The operation (`calls.create`).
        operation: String,
        /// The `Idempotency-Key` every attempt carried.
        idempotency_key: Option<String>,
        /// The last failure.
        cause: String,
        /// Attempts made.
        attempts: u32,
        /// The whole explanation, with what to do next.
        message: String,
    },
    /// [`crate::Calls::wait_until_done`] (or `create_and_wait`) gave up: the call had not
    /// ended when the wait's timeout came. The call goes on; `call` is the last state seen
    /// and `cause` the last poll's error, if the last poll failed.
    #[error("call {call_id} had not ended after {timeout_ms} ms (last status: {})", last_status(.call))]
    WaitTimeout {
        /// The call waited for.
        call_id: String,
        /// The wait's timeout.
        timeout_ms: u64,
        /// The call as last seen (none if no poll succeeded).
        call: Option<Box<crate::Call>>,
        /// Why the last poll failed, if it did.
        cause: Option<Box<Error>>,
    },
    /// A webhook failed verification ([`crate::Webhooks::construct_event`]): answer 400 and
    /// do not act on the body. `reason` is stable (`no_matching_signature`,
    /// `timestamp_outside_tolerance`, `malformed_header`, `missing_timestamp`,
    /// `missing_signature`, `invalid_payload`).
    #[error("webhook signature verification failed: {message}")]
    WebhookSignature {
        /// A stable code for the reason.
        reason: String,
        /// What failed.
        message: String,
    },
}

/// The status of the last call seen, for [`Error::WaitTimeout`]'s message.
fn last_status(call: &Option<Box<crate::Call>>) -> String {
    match call.as_deref().map(|c| c.status.as_ref()) {
        Some(Some(status)) => status.to_string(),
        Some(None) => "none".into(),
        None => "unknown".into(),
    }
}

/// A non-2xx answer from the API.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The server's message (`{"error": "..."}`, `{"error": {"message": ...}}`, or a short
    /// description of a non-JSON body such as a proxy's HTML page).
    pub message: String,
    /// `error.code` when the server sent one.
    pub code: Option<String>,
    /// The answer's `X-Request-Id`: quote it to support.
    pub request_id: Option<String>,
    /// The raw body text.
    pub body: String,
    /// The `Location` of a 3xx answer (the client never follows redirects).
    pub location: Option<String>,
    /// The `Idempotency-Key` of the POST this answers.
    pub idempotency_key: Option<String>,
}

/// What kind of failure an [`ApiError`] is, from its status (the JS package's error classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400: the request was refused as it is; fix it.
    BadRequest,
    /// 401: the API key is missing, malformed or revoked.
    Authentication,
    /// 402: not enough credit for the call's hold ("Calls paused").
    InsufficientCredit,
    /// 403: the key may not do this.
    PermissionDenied,
    /// 404: no such object in this organisation.
    NotFound,
    /// 409: a conflict (an archived agent, a number taken by another inbound agent, an
    /// `Idempotency-Key` reused with another body).
    Conflict,
    /// 422: the request is well-formed but cannot be processed.
    UnprocessableEntity,
    /// 429: rate limited (already retried, honouring `Retry-After`).
    RateLimit,
    /// 502: the telephony provider could not place the call.
    TelephonyProvider,
    /// Any other 5xx (already retried).
    InternalServer,
    /// Any other status (a redirect, which the client never follows, or an undocumented 4xx).
    Other,
}

impl ApiError {
    /// The kind of failure, from the status (the same mapping as the JS error classes).
    pub fn kind(&self) -> ApiErrorKind {
        match api_class(self.status).1 {
            "bad_request" => ApiErrorKind::BadRequest,
            "authentication_error" => ApiErrorKind::Authentication,
            "insufficient_credit" => ApiErrorKind::InsufficientCredit,
            "permission_denied" => ApiErrorKind::PermissionDenied,
            "not_found" => ApiErrorKind::NotFound,
            "conflict" => ApiErrorKind::Conflict,
            "unprocessable_entity" => ApiErrorKind::UnprocessableEntity,
            "rate_limited" => ApiErrorKind::RateLimit,
            "telephony_provider_error" => ApiErrorKind::TelephonyProvider,
            "server_error" => ApiErrorKind::InternalServer,
            _ => ApiErrorKind::Other,
        }
    }

    /// The JS package's class name for this status (`NotFoundError`).
    pub fn class_name(&self) -> &'static str {
        api_class(self.status).0
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let core = CoreError::Api(callingbox_core::error::ApiError {
            status: self.status,
            message: self.message.clone(),
            api_code: None,
            request_id: None,
            body: String::new(),
            location: None,
        });
        f.write_str(&core.message())?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("kind", &self.kind())
            .field("message", &self.message)
            .field("code", &self.code)
            .field("request_id", &self.request_id)
            .field("body", &self.body)
            .field("location", &self.location)
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

impl Error {
    /// The stable machine-readable code of the error (the JS package's `err.code`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation { .. } => "validation_error",
            Error::InvalidPhoneNumber { .. } => "invalid_phone_number",
            Error::Api(e) => api_class(e.status).1,
            Error::Connection { .. } => "connection_error",
            Error::Timeout { .. } => "timeout",
            Error::Aborted { .. } => "aborted",
            Error::InvalidResponse { .. } => "invalid_response",
            Error::OutcomeUnknown { .. } => "outcome_unknown",
            Error::WebhookSignature { .. } => "webhook_signature_invalid",
            Error::WaitTimeout { .. } => "wait_timeout",
        }
    }

    /// The `X-Request-Id` of the answer this error comes from, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::InvalidResponse { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the answer this error comes from, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::InvalidResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The core's error, with every text the API key could be in redacted.
    pub(crate) fn from_core(e: CoreError, api_key: &str) -> Error {
        let clean = |s: String| redact(s, api_key);
        let message = e.message();
        match e {
            CoreError::Validation {
                field,
                message,
                phone: Some(reason),
            } => Error::InvalidPhoneNumber {
                field: clean(field),
                message: clean(message),
                reason: reason.code().to_string(),
            },
            CoreError::Validation { field, message, .. } => Error::Validation {
                field: clean(field),
                message: clean(message),
            },
            CoreError::Api(a) => Error::Api(ApiError {
                status: a.status,
                message: clean(a.message),
                code: a.api_code.map(clean),
                request_id: a.request_id.map(clean),
                body: clean(a.body),
                location: a.location.map(clean),
                idempotency_key: None,
            }),
            CoreError::InvalidResponse {
                status,
                message,
                request_id,
            } => Error::InvalidResponse {
                status,
                message: clean(message),
                request_id: request_id.map(clean),
            },
            CoreError::OutcomeUnknown {
                operation,
                idempotency_key,
                cause,
                attempts,
            } => Error::OutcomeUnknown {
                operation,
                idempotency_key,
                cause: clean(cause),
                attempts,
                message: clean(message),
            },
        }
    }

    pub(crate) fn from_signature(e: &SignatureError) -> Error {
        Error::WebhookSignature {
            reason: e.code().to_string(),
            message: e.message(),
        }
    }
}

/// What replaces the API key wherever it appears in an error.
pub(crate) const REDACTED: &str = "[redacted api key]";

/// `text` with the key removed, as the npm package removes it (js/redact.js): every
/// occurrence of `secret` as written, then as JSON would decode the text (a JSON encoder may
/// escape any character: `\u0073k_...`, wholly or in part; the rest of the text is kept as
/// written, so JSON stays JSON), then a tail that starts the key (4 or more of its
/// characters, as written or escaped, perhaps in a half-written escape: a clipped text's end).
/// Each is replaced by [`REDACTED`]. Text without the key comes back unchanged.
pub(crate) fn redact(text: String, secret: &str) -> String {
    if secret.is_empty() {
        return text;
    }
    let mut text = if text.contains(secret) {
        text.replace(secret, REDACTED)
    } else {
        text
    };
    if text.contains('\\') {
        text = redact_decoded(text, secret);
    }
    redact_tail(text, secret)
}

/// The escape at `s[i..]` (where a backslash is): the character it stands for and its length.
fn escape_at(s: &str, i: usize) -> Option<(char, usize)> {
    let simple = |c| match c {
        b'"' => Some('"'),
        b'\\' => Some('\\'),
        b'/' => Some('/'),
        b'b' => Some('\u{8}'),
        b'f' => Some('\u{c}'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        _ => None,
    };
    match s.as_bytes().get(i + 1)? {
        b'u' => {
            let hex = s.get(i + 2..i + 6)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            // A lone surrogate is no character (and never part of the key).
            let code = u32::from_str_radix(hex, 16).ok()?;
            Some((char::from_u32(code).unwrap_or('\u{fffd}'), 6))
        }
        c => simple(*c).map(|c| (c, 2)),
    }
}

/// The text as JSON would decode it and, with `map`, where each of its bytes comes from in `s`
/// (one more entry for the end; built only when the key was found in the text, which spares
/// most texts with a backslash 8 bytes per byte). Decoded forwards: read backwards, `\\t` is
/// ambiguous.
fn decode_view(s: &str, map: bool) -> (String, Vec<usize>) {
    let mut view = String::with_capacity(s.len());
    let mut from = Vec::with_capacity(if map { s.len() + 1 } else { 0 });
    let mut i = 0;
    while let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) {
        let (decoded, len) = match c {
            '\\' => escape_at(s, i).unwrap_or(('\\', 1)),
            c => (c, c.len_utf8()),
        };
        view.push(decoded);
        if map {
            from.extend(std::iter::repeat_n(i, decoded.len_utf8()));
        }
        i += len;
    }
    if map {
        from.push(s.len());
    }
    (view, from)
}

/// Every `secret` in the text as JSON would decode it, replaced where it is written.
fn redact_decoded(text: String, secret: &str) -> String {
    if !decode_view(&text, false).0.contains(secret) {
        return text;
    }
    let (view, from) = decode_view(&text, true);
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = view.get(at..).and_then(|rest| rest.find(secret)) {
        let start = at + found;
        let end = start + secret.len();
        let (Some(&s), Some(&e)) = (from.get(start), from.get(end)) else {
            break;
        };
        out.push_str(text.get(copied..s).unwrap_or_default());
        out.push_str(REDACTED);
        copied = e;
        at = end;
    }
    if copied == 0 {
        return text;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// Where a tail of `text` that starts the key (4 or more of its characters, not all) begins.
fn tail_of_key(text: &str, secret: &str) -> Option<usize> {
    let longest = text.len().min(secret.len().saturating_sub(1));
    (4..=longest)
        .rev()
        .find(|&n| secret.get(..n).is_some_and(|head| text.ends_with(head)))
        .map(|n| text.len() - n)
}

/// A text clipped inside the key ends with its start, as written or JSON-escaped (perhaps in
/// a half-written escape: `\`, `\u`, `\u00`...): that tail is replaced.
fn redact_tail(text: String, secret: &str) -> String {
    if let Some(at) = tail_of_key(&text, secret) {
        return [text.get(..at).unwrap_or_default(), REDACTED].concat();
    }
    if !text.contains('\\') {
        return text;
    }
    // With and without a half-written escape at the very end.
    let half = text.rfind('\\').filter(|&at| {
        let rest = text.get(at + 1..).unwrap_or_default();
        rest.is_empty()
            || (rest.len() <= 4
                && rest.starts_with('u')
                && rest.bytes().skip(1).all(|b| b.is_ascii_hexdigit()))
    });
    let whole = text.as_str();
    let candidates = [Some(whole), half.and_then(|at| text.get(..at))];
    for candidate in candidates.into_iter().flatten() {
        let (view, _) = decode_view(candidate, false);
        if let Some(at) = tail_of_key(&view, secret) {
            let (_, from) = decode_view(candidate, true);
            if let Some(&at) = from.get(at) {
                return [candidate.get(..at).unwrap_or_default(), REDACTED].concat();
            }
        }
    }
    text
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::{decode_view, redact, REDACTED};
    use proptest::prelude::*;

    /// A key whose characters past `sk_test_` are none of the noise's (nor hex digits).
    const KEY: &str = "sk_test_GHJKLMNPQRSTVWXYZ";
    /// Text around the key: escapes and their pieces, quotes, line breaks, non-ASCII.
    const NOISE: &[&str] = &[
        "a", "b", "x", " ", "\\", "u", "0", "4", "7", "\\u00", "\\n", "\\\\", "\"", "\n", "é", "{",
        "}", ":", "\u{2603}",
    ];

    /// The key's character `c` as JSON may write it: as is, `\u00XX` (either case), `\/`.
    fn encode(c: char, how: u8) -> String {
        match how % 4 {
            1 => format!("\\u{:04x}", u32::from(c)),
            2 => format!("\\u{:04X}", u32::from(c)),
            3 if c == '/' => "\\/".into(),
            _ => c.to_string(),
        }
    }

    /// Whether any 4 consecutive characters of the key's own part are in `text`, as written
    /// or as JSON would decode it.
    fn has_part_of_key(text: &str) -> Option<String> {
        let (view, _) = decode_view(text, false);
        (8..=KEY.len() - 4)
            .map(|i| &KEY[i..i + 4])
            .find(|part| text.contains(part) || view.contains(part))
            .map(str::to_string)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

        /// The key, written any way JSON may write it, among any noise, whole or cut off at
        /// any point (the end of a clipped body): nothing of it is left.
        #[test]
        fn no_part_of_the_key_is_left(
            before in prop::collection::vec(prop::sample::select(NOISE), 0..30),
            hows in prop::collection::vec(any::<u8>(), KEY.len()),
            after in prop::collection::vec(prop::sample::select(NOISE), 0..30),
            cut in prop::option::of(0usize..1000),
        ) {
            let encoded: String = KEY.chars().zip(&hows).map(|(c, h)| encode(c, *h)).collect();
            // A space before the key: noise ending in a backslash would otherwise pair with
            // its first character (`\\u0073...` is a backslash and "u0073", not an escape).
            let head = format!("{} ", before.concat());
            let mut text = format!("{head}{encoded}{}", after.concat());
            if let Some(cut) = cut {
                let mut at = head.len() + cut % (encoded.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.truncate(at);
            }
            let out = redact(text.clone(), KEY);
            prop_assert!(has_part_of_key(&out).is_none(), "{:?} left {:?} of the key in {:?}", text, has_part_of_key(&out), out);
            // What came before the key is kept as written.
            prop_assert!(out.starts_with(&head) || out.contains(REDACTED));
        }

        /// Text without the key comes back as it was.
        #[test]
        fn text_without_the_key_is_unchanged(noise in prop::collection::vec(prop::sample::select(NOISE), 0..60)) {
            let text = noise.concat();
            prop_assert_eq!(redact(text.clone(), KEY), text);
        }
    }

    #[test]
    fn json_stays_json_where_the_key_was_escaped_in_it() {
        let escaped: String = KEY
            .chars()
            .map(|c| format!("\\u{:04x}", u32::from(c)))
            .collect();
        let body = format!(r#"{{"error":{{"message":"bad key {escaped}","code":"x\n"}}}}"#);
        let out = redact(body, KEY);
        assert_eq!(
            out,
            r#"{"error":{"message":"bad key [redacted api key]","code":"x\n"}}"#
        );
    }
}
