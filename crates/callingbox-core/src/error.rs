//! Every way a CallingBox operation can fail. Each variant becomes a JS `Error` subclass
//! with a stable `name` and `code` (see `js/errors.js`); messages are for people. The host
//! removes the API key from everything it throws (`js/redact.js`), after these records are
//! made: one redaction step, applied last, over the decoded text.

use crate::prelude::*;

use super::json::{ObjectWriter, Value};
use super::phone::Reason as PhoneReason;
use super::text::{dec, fill, trim};

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// An argument was rejected before any network I/O (missing `agent_id`, a number that
    /// is not E.164, a wrong type, an empty id). Nothing was sent; fix the argument named by
    /// `field` and call again.
    Validation {
        field: String,
        message: String,
        phone: Option<PhoneReason>,
    },
    /// The API answered with a non-2xx status. Branch on `status` (or the JS class); the
    /// server's message and raw body are kept. Retrying helps only for 408/429/5xx.
    Api(ApiError),
    /// A 2xx answer whose body we cannot read as the documented resource (not JSON, wrong
    /// shape, wrong field types, truncated). The request *did* take effect; do not resend a
    /// create blindly — look the object up instead.
    InvalidResponse {
        status: u16,
        message: String,
        request_id: Option<String>,
    },
    /// A POST may or may not have taken effect: an attempt may have reached the server (it
    /// timed out, or the connection dropped after sending) and no later answer settled it
    /// before the client stopped retrying (`core::retry`). `cause` describes the last
    /// failure. Do not send it as a new request: retry with the same `idempotency_key` (the
    /// server returns the original result if the first attempt was processed) or look the
    /// object up (e.g. list recent calls).
    OutcomeUnknown {
        operation: String,
        idempotency_key: Option<String>,
        cause: String,
        attempts: u32,
    },
}

/// A non-2xx answer from the API.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    /// The server's message (`{"error": "..."}`, `{"error": {"message": ...}}`, or a short
    /// description of a non-JSON body such as an HTML error page).
    pub message: String,
    /// `error.code` when the server sent one.
    pub api_code: Option<String>,
    pub request_id: Option<String>,
    /// The raw body text, for callers who need more than the message.
    pub body: String,
    /// The `Location` of a 3xx answer (the client never follows redirects).
    pub location: Option<String>,
}

/// What [`Error::phone`] says after its field's name: `"<input>" is not an E.164 phone number: it
/// <reason>`. For answers that carry the message without the error (the phone-number exports).
pub fn phone_message(input: &str, reason: &PhoneReason) -> String {
    fill(
        "\"{}\" is not an E.164 phone number: it {}",
        &[input, &reason.message()],
    )
}

impl Error {
    pub fn validation(field: &str, message: impl Into<String>) -> Error {
        Error::Validation {
            field: field.to_string(),
            message: message.into(),
            phone: None,
        }
    }

    /// An [`Error::Validation`] whose message is `template` filled with `args` ([`fill`]).
    pub fn invalid(field: &str, template: &str, args: &[&str]) -> Error {
        Error::validation(field, fill(template, args))
    }

    /// An [`Error::Validation`] for a phone number `input` that is not E.164 (or not a
    /// possible number: see [`crate::phone`]).
    pub fn phone(field: &str, input: &str, reason: PhoneReason) -> Error {
        Error::Validation {
            field: field.into(),
            message: phone_message(input, &reason),
            phone: Some(reason),
        }
    }

    /// The JS class name.
    pub fn name(&self) -> &'static str {
        match self {
            Error::Validation { phone: Some(_), .. } => "InvalidPhoneNumberError",
            Error::Validation { .. } => "ValidationError",
            Error::Api(e) => api_class(e.status).0,
            Error::InvalidResponse { .. } => "InvalidResponseError",
            Error::OutcomeUnknown { .. } => "OutcomeUnknownError",
        }
    }

    /// The stable machine-readable code (`err.code` in JS).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation { phone: Some(_), .. } => "invalid_phone_number",
            Error::Validation { .. } => "validation_error",
            Error::Api(e) => api_class(e.status).1,
            Error::InvalidResponse { .. } => "invalid_response",
            Error::OutcomeUnknown { .. } => "outcome_unknown",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Error::Validation { field, message, .. } => fill("{} {}", &[field, message]),
            Error::Api(e) => fill(
                "{} {}: {}",
                &[&dec(u64::from(e.status)), status_text(e.status), &e.message],
            ),
            Error::InvalidResponse {
                status, message, ..
            } => fill(
                "the API answered {} with a body that cannot be read: {}",
                &[&dec(u64::from(*status)), message],
            ),
            Error::OutcomeUnknown {
                operation,
                idempotency_key,
                cause,
                attempts,
            } => {
                let next = match idempotency_key {
                    Some(k) => fill(
                        "send it again with the same idempotencyKey ({}) to get the original \
                         result instead of a duplicate, or look it up",
                        &[k],
                    ),
                    None => "look it up before sending it again".into(),
                };
                fill(
                    "{} may or may not have taken effect ({}; attempts: {}): {}",
                    &[operation, cause, &dec(u64::from(*attempts)), &next],
                )
            }
        }
    }
}

impl Error {
    /// The error as the JSON record the host turns into an `Error` instance
    /// (`{"__callingbox":true,"name","code","message",...}`). An API error's `body` is the
    /// parsed document when the body is JSON this parser accepts (so the host never parses
    /// what the core refused, e.g. nesting past [`super::json::MAX_DEPTH`]), else its text.
    /// Written member by member (smaller wasm than building a `Value`).
    pub fn to_record(&self) -> String {
        let mut w = ObjectWriter::default();
        w.raw("__callingbox", "true");
        w.string("name", self.name());
        w.string("code", self.code());
        w.string("message", &self.message());
        let opt = |w: &mut ObjectWriter, k: &str, v: &Option<String>| {
            if let Some(v) = v {
                w.string(k, v);
            }
        };
        match self {
            Error::Validation { field, phone, .. } => {
                w.string("field", field);
                if let Some(reason) = phone {
                    w.string("reason", reason.code());
                }
            }
            Error::Api(a) => {
                w.raw("status", &dec(u64::from(a.status)));
                match Value::parse(&a.body) {
                    Ok(_) => w.raw("body", trim(&a.body)),
                    Err(_) => w.string("body", &a.body),
                }
                opt(&mut w, "requestId", &a.request_id);
                opt(&mut w, "apiCode", &a.api_code);
                opt(&mut w, "location", &a.location);
            }
            Error::InvalidResponse {
                status, request_id, ..
            } => {
                w.raw("status", &dec(u64::from(*status)));
                opt(&mut w, "requestId", request_id);
            }
            Error::OutcomeUnknown {
                idempotency_key,
                cause,
                attempts,
                ..
            } => {
                opt(&mut w, "idempotencyKey", idempotency_key);
                w.raw("attempts", &dec(u64::from(*attempts)));
                w.string("cause", cause);
            }
        }
        w.finish()
    }
}

pub use crate::api::{api_class, status_text};

pub use super::text::find;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_kind_per_status() {
        let table = [
            (400, "BadRequestError", "bad_request"),
            (401, "AuthenticationError", "authentication_error"),
            (402, "InsufficientCreditError", "insufficient_credit"),
            (404, "NotFoundError", "not_found"),
            (409, "ConflictError", "conflict"),
            (429, "RateLimitError", "rate_limited"),
            (500, "InternalServerError", "server_error"),
            (503, "InternalServerError", "server_error"),
            (502, "TelephonyProviderError", "telephony_provider_error"),
            (418, "APIError", "api_error"),
            (40, "APIError", "api_error"),
            (4000, "APIError", "api_error"),
            (5000, "APIError", "api_error"),
            (0, "APIError", "api_error"),
        ];
        for (status, name, code) in table {
            let e = Error::Api(ApiError {
                status,
                message: "m".into(),
                api_code: None,
                request_id: None,
                body: String::new(),
                location: None,
            });
            assert_eq!((e.name(), e.code()), (name, code), "{status}");
        }
    }

    #[test]
    fn outcome_unknown_record() {
        let e = Error::OutcomeUnknown {
            operation: "calls.create".into(),
            idempotency_key: Some("idem-7".into()),
            cause: "timed out after 30000 ms with sk_live_abcdef123".into(),
            attempts: 3,
        };
        assert_eq!(
            (e.name(), e.code()),
            ("OutcomeUnknownError", "outcome_unknown")
        );
        assert!(
            e.message()
                .starts_with("calls.create may or may not have taken effect"),
            "{}",
            e.message()
        );
        assert!(
            e.message()
                .contains("same idempotencyKey (idem-7) to get the original result")
                && e.message().contains("attempts: 3"),
            "{}",
            e.message()
        );
        let rec = crate::json::Value::parse(&e.to_record()).unwrap();
        assert_eq!(
            rec.get("idempotencyKey").and_then(|v| v.as_str()),
            Some("idem-7")
        );
        assert_eq!(rec.get("attempts").and_then(|v| v.as_f64()), Some(3.0));
        assert_eq!(
            rec.get("cause").and_then(|v| v.as_str()),
            Some("timed out after 30000 ms with sk_live_abcdef123")
        );
        let keyless = Error::OutcomeUnknown {
            operation: "calls.create".into(),
            idempotency_key: None,
            cause: "connection lost".into(),
            attempts: 1,
        };
        assert!(
            keyless.message().contains("attempts: 1)")
                && keyless
                    .message()
                    .ends_with("look it up before sending it again"),
            "{}",
            keyless.message()
        );
        assert!(keyless.to_record().find("idempotencyKey").is_none());
    }

    #[test]
    fn messages() {
        let api = |status| {
            Error::Api(ApiError {
                status,
                message: "no {} here".into(),
                api_code: None,
                request_id: None,
                body: String::new(),
                location: None,
            })
            .message()
        };
        assert_eq!(api(404), "404 Not Found: no {} here");
        assert_eq!(api(418), "418 : no {} here");
        assert_eq!(api(504), "504 Gateway Timeout: no {} here");
        assert_eq!(api(502), "502 Bad Gateway (telephony provider): no {} here");
        assert_eq!(api(40), "40 : no {} here");
        let e = Error::InvalidResponse {
            status: 200,
            message: "m".into(),
            request_id: None,
        };
        assert_eq!(
            e.message(),
            "the API answered 200 with a body that cannot be read: m"
        );
        assert_eq!(Error::validation("to", "is {}").message(), "to is {}");
        let p = Error::phone(
            "to",
            "x{}",
            PhoneReason::Syntax(crate::e164::E164Reason::TooShort),
        )
        .message();
        assert_eq!(
            p,
            "to \"x{}\" is not an E.164 phone number: it has fewer than 7 digits"
        );
    }

    #[test]
    fn api_error_body_is_json_only_when_the_core_parses_it() {
        let rec = |body: &str| {
            let e = Error::Api(ApiError {
                status: 500,
                message: "m".into(),
                api_code: None,
                request_id: Some("req_1".into()),
                body: body.into(),
                location: Some("https://elsewhere.example/v1".into()),
            });
            Value::parse(&e.to_record()).unwrap()
        };
        let json = rec(" {\"error\":[1,{\"a\":\"\\u0041\"}]} ");
        let body = json.get("body").unwrap();
        assert_eq!(body.get("error").unwrap().as_array().unwrap().len(), 2);
        assert_eq!(
            json.get("location").unwrap().as_str(),
            Some("https://elsewhere.example/v1")
        );
        assert_eq!(json.get("requestId").unwrap().as_str(), Some("req_1"));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(
            rec(&deep).get("body").unwrap().as_str(),
            Some(deep.as_str())
        );
        assert_eq!(rec("<html>").get("body").unwrap().as_str(), Some("<html>"));
    }
}
