//! Webhook verification: the core checks the `CallingBox-Signature` header over the raw body
//! (HMAC-SHA256, constant-time compare, timestamp tolerance); this module adds the clock and
//! the typed event.

use callingbox_core::webhook;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::{Call, JsonObject, WebhookEventType};

/// Verifies webhooks sent to one endpoint (or to inline `webhook_url`s, with the
/// organisation's default secret).
///
/// ```
/// use callingbox::Webhooks;
///
/// let webhooks = Webhooks::new("whsec_test_secret");
/// let body = br#"{"id":"e1","type":"call.completed","created":1700000000,"api_version":"2026-04","data":{"call":{"id":"c1","status":"completed"}}}"#;
/// let header = Webhooks::sign("whsec_test_secret", 1_700_000_000, body);
///
/// let event = webhooks.construct_event_at(body, &header, 1_700_000_010)?;
/// assert_eq!(event.event_type, callingbox::WebhookEventType::CallCompleted);
/// assert_eq!(event.call_id.as_deref(), Some("c1"));
///
/// // A modified body, or a header from another secret, is refused.
/// let err = webhooks.construct_event_at(b"{}", &header, 1_700_000_010).unwrap_err();
/// assert_eq!(err.code(), "webhook_signature_invalid");
/// # Ok::<(), callingbox::Error>(())
/// ```
#[derive(Clone)]
pub struct Webhooks {
    secret: String,
    tolerance_secs: i64,
}

impl std::fmt::Debug for Webhooks {
    // The secret is never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhooks")
            .field("tolerance_secs", &self.tolerance_secs)
            .finish_non_exhaustive()
    }
}

/// A verified webhook event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Event {
    /// Event id, equal to the `CallingBox-Event-Id` header and stable across retries and
    /// replays: de-duplicate on it.
    pub id: String,
    /// `call.completed`, `call.failed`, ... (unknown types as [`WebhookEventType::Other`]).
    pub event_type: WebhookEventType,
    /// Unix seconds.
    pub created: i64,
    /// `2026-04`.
    pub api_version: String,
    /// `data.call.id` for `call.*` events.
    pub call_id: Option<String>,
    /// The event's `data`, as sent.
    pub data: JsonObject,
}

impl Event {
    /// `data.call` as a [`Call`], for `call.*` events (`None` when absent or not a call).
    pub fn call(&self) -> Option<Call> {
        let call = self.data.get("call")?;
        serde_json::from_value(call.clone()).ok()
    }
}

impl Webhooks {
    /// A verifier for `secret` (`whsec_...`), with the default tolerance of 300 s.
    pub fn new(secret: impl Into<String>) -> Webhooks {
        Webhooks {
            secret: secret.into(),
            tolerance_secs: webhook::DEFAULT_TOLERANCE_SECS,
        }
    }

    /// The largest allowed `|now − t|` in seconds (negative: refuse everything).
    pub fn tolerance(mut self, secs: i64) -> Webhooks {
        self.tolerance_secs = secs;
        self
    }

    /// Verifies `signature` (the `CallingBox-Signature` header, as received) over the raw
    /// `body` bytes (before any JSON parsing) and returns the event. On
    /// [`Error::WebhookSignature`] answer 400 and do not act on the body.
    pub fn construct_event(&self, body: &[u8], signature: &str) -> Result<Event, Error> {
        let now = (crate::runtime::now_unix_ms() / 1000.0) as i64;
        self.construct_event_at(body, signature, now)
    }

    /// [`Webhooks::construct_event`] at the given time (Unix seconds), for tests.
    pub fn construct_event_at(
        &self,
        body: &[u8],
        signature: &str,
        now_secs: i64,
    ) -> Result<Event, Error> {
        let event = webhook::verify(body, signature, &self.secret, self.tolerance_secs, now_secs)
            .map_err(|e| Error::from_signature(&e))?;
        // The core checked the envelope; `data` is read with serde from the same bytes.
        let data = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| match v.get("data") {
                Some(serde_json::Value::Object(m)) => Some(m.clone()),
                _ => None,
            })
            .unwrap_or_default();
        Ok(Event {
            id: event.id,
            event_type: WebhookEventType::from(event.event_type),
            created: event.created,
            api_version: event.api_version,
            call_id: event.call_id,
            data,
        })
    }

    /// The `CallingBox-Signature` header CallingBox would send for `body` at `timestamp`
    /// (Unix seconds), to test a webhook handler.
    pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
        webhook::signature_header(secret, timestamp, body)
    }
}
