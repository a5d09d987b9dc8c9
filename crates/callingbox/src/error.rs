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

/// `text` with every occurrence of `secret`, as written or JSON-escaped (`\u0073k_...`),
/// replaced by [`REDACTED`].
pub(crate) fn redact(text: String, secret: &str) -> String {
    if secret.is_empty() {
        return text;
    }
    let mut text = if text.contains(secret) {
        text.replace(secret, REDACTED)
    } else {
        text
    };
    // A JSON encoder may escape any character: decode the text as a JSON string's contents
    // and look again, replacing the whole text's decoded form when the key is found there.
    if text.contains('\\') {
        let quoted = format!("\"{text}\"");
        if let Ok(decoded) = serde_json::from_str::<String>(&quoted) {
            if decoded.contains(secret) {
                text = decoded.replace(secret, REDACTED);
            }
        }
    }
    text
}
