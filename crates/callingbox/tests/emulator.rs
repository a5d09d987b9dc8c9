//! The client against the emulator in process: every endpoint, validation before any I/O,
//! typed errors, and faults with no duplicate calls.

// Native: wasm32 runs tests/wasm.rs.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed step should stop the test.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use callingbox::emulator::EmulatorTransport;
use callingbox::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
use callingbox::{
    ApiErrorKind, CallCreateParams, CallStatus, Client, Error, RequestOptions, RetryInfo,
};
use callingbox_emulator::FaultKind;
use support::{emulator_client, every_endpoint, outbound_agent, KEY};

#[tokio::test]
async fn every_endpoint_in_process() {
    let (client, _, _) = emulator_client();
    every_endpoint(&client).await;
}

#[tokio::test]
async fn validation_happens_before_any_request() {
    let (client, counting, _) = emulator_client();
    let agent_id = "0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74";

    let err = client
        .calls()
        .create(CallCreateParams::new(agent_id, "call me maybe"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidPhoneNumber { field, .. } if field == "to"),
        "{err:?}"
    );
    assert_eq!(err.code(), "invalid_phone_number");

    let err = client.calls().retrieve("").await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "id"),
        "{err:?}"
    );

    let err = client.agents().retrieve("..").await.unwrap_err();
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");

    let err = client
        .with_options(RequestOptions::new().idempotency_key(" padded "))
        .calls()
        .create(CallCreateParams::new(agent_id, "+14155550123"))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Validation { field, .. } if field == "idempotencyKey"));

    let err = client
        .calls()
        .create(CallCreateParams::new(agent_id, "+14155550123").extra("metadata", "not an object"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "metadata"),
        "{err:?}"
    );

    assert_eq!(
        counting.count(),
        0,
        "nothing may be sent for an invalid request"
    );

    for (builder, field) in [
        (Client::builder("short"), "apiKey"),
        (
            Client::builder(KEY).base_url("ftp://example.com"),
            "baseUrl",
        ),
        (
            Client::builder(KEY).base_url("http://example.com"),
            "baseUrl",
        ),
        (
            Client::builder(KEY).header("Host", "example.com"),
            "defaultHeaders",
        ),
        (Client::builder(KEY).timeout(Duration::ZERO), "timeout"),
    ] {
        let Err(err) = builder.transport(EmulatorTransport::new()).build() else {
            panic!("{field}: accepted")
        };
        assert!(
            matches!(&err, Error::Validation { field: f, .. } if f == field),
            "{field}: {err:?}"
        );
    }
}

#[tokio::test]
async fn api_errors_are_typed_with_the_request_id() {
    let (client, _, emulator) = emulator_client();
    let err = client
        .calls()
        .retrieve("0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74")
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status, 404);
    assert_eq!(api.kind(), ApiErrorKind::NotFound);
    assert_eq!(err.code(), "not_found");
    assert!(api.request_id.is_some());
    assert_eq!(err.request_id(), api.request_id.as_deref());
    assert!(err.to_string().starts_with("404 Not Found: "), "{err}");

    // 401: a key of the right length that the API refuses.
    let client401 = Client::builder("sk-not-a-valid-key")
        .transport(emulator.clone())
        .build()
        .unwrap();
    let err = client401
        .agents()
        .list(Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(a) if a.kind() == ApiErrorKind::Authentication),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("sk-not-a-valid-key"));

    // 502 from the provider test number; 409 for a key reused with another body.
    let agent = outbound_agent(&client).await;
    let err = client
        .calls()
        .create(CallCreateParams::new(agent.id.clone(), "+15005550006"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(a) if a.kind() == ApiErrorKind::TelephonyProvider),
        "{err:?}"
    );
    let keyed = client.with_options(RequestOptions::new().idempotency_key("order-1"));
    keyed
        .calls()
        .create(CallCreateParams::new(agent.id.clone(), "+14155550123"))
        .await
        .unwrap();
    let err = keyed
        .calls()
        .create(CallCreateParams::new(agent.id.clone(), "+14155550124"))
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.kind(), ApiErrorKind::Conflict);
    assert_eq!(api.idempotency_key.as_deref(), Some("order-1"));
}

#[tokio::test]
async fn on_retry_is_told_of_each_retry() {
    let emulator = EmulatorTransport::new();
    let seen: Arc<Mutex<Vec<RetryInfo>>> = Arc::default();
    let sink = seen.clone();
    let client = Client::builder(KEY)
        .transport(emulator.clone())
        .initial_retry_delay(Duration::from_millis(1))
        .max_retry_delay(Duration::from_millis(20))
        .on_retry(move |info| sink.lock().unwrap().push(info.clone()))
        .build()
        .unwrap();
    let agent = outbound_agent(&client).await;
    assert!(seen.lock().unwrap().is_empty(), "no retry, no call");
    for kind in [
        FaultKind::DropAfterProcessing,
        FaultKind::Unavailable,
        FaultKind::RateLimited,
    ] {
        emulator.emulator().queue_fault(kind);
    }
    let call = client
        .with_options(
            RequestOptions::new()
                .max_retries(3)
                .idempotency_key("row-7"),
        )
        .calls()
        .create(CallCreateParams::new(agent.id.clone(), "+14155550123"))
        .await
        .unwrap();
    assert_eq!(call.status, Some(CallStatus::Queued));
    let seen = seen.lock().unwrap().clone();
    let got: Vec<(u32, &str, Option<u16>)> = seen
        .iter()
        .map(|r| (r.attempt, r.reason, r.status))
        .collect();
    assert_eq!(
        got,
        [
            (1, "connection_lost", None),
            (2, "server_error", Some(503)),
            (3, "rate_limited", Some(429)),
        ]
    );
    assert!(seen
        .iter()
        .all(|r| r.operation == "calls.create" && r.idempotency_key.as_deref() == Some("row-7")));
    // The 429's Retry-After (1 s) asks for more than max_retry_delay allows: the cap.
    assert_eq!(seen[2].delay, Duration::from_millis(20));
}

#[tokio::test]
async fn dropped_connections_and_server_errors_are_retried_without_duplicates() {
    let (client, counting, emulator) = emulator_client();
    let agent = outbound_agent(&client).await;
    let before = counting.count();
    emulator
        .emulator()
        .queue_fault(FaultKind::DropAfterProcessing);
    emulator.emulator().queue_fault(FaultKind::Unavailable);
    emulator.emulator().queue_fault(FaultKind::RateLimited);
    let call = client
        .with_options(RequestOptions::new().max_retries(3))
        .calls()
        .create(CallCreateParams::new(agent.id.clone(), "+14155550123"))
        .await
        .unwrap();
    assert_eq!(call.status, Some(CallStatus::Queued));
    let stats = emulator.emulator().stats();
    assert_eq!(stats.calls_placed, 1, "one call, however many attempts");
    assert_eq!(stats.idempotent_replays, 1);
    assert_eq!(counting.count() - before, 4);
    let calls = client.calls().list(Default::default()).await.unwrap();
    assert_eq!(calls.data.len(), 1);
}

#[tokio::test]
async fn a_timed_out_create_is_retried_under_the_same_key() {
    let (_, _, emulator) = emulator_client();
    let client = Client::builder(KEY)
        .transport(emulator.clone())
        .timeout(Duration::from_millis(50))
        .initial_retry_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    let agent = outbound_agent(&client).await;
    emulator
        .emulator()
        .queue_fault(FaultKind::DelayAfterProcessing);
    client
        .calls()
        .create(CallCreateParams::new(agent.id.clone(), "+14155550123"))
        .await
        .unwrap();
    assert_eq!(emulator.emulator().stats().calls_placed, 1);
}

#[tokio::test]
async fn outcome_unknown_names_the_key_that_settles_it() {
    let (client, _, emulator) = emulator_client();
    let agent = outbound_agent(&client).await;
    emulator
        .emulator()
        .queue_fault(FaultKind::DropAfterProcessing);
    let params = CallCreateParams::new(agent.id.clone(), "+14155550123");
    let err = client
        .with_options(RequestOptions::new().max_retries(0))
        .calls()
        .create(params.clone())
        .await
        .unwrap_err();
    let Error::OutcomeUnknown {
        idempotency_key: Some(key),
        attempts,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*attempts, 1);
    assert!(err.to_string().contains(key.as_str()));
    let settled = client
        .with_options(RequestOptions::new().idempotency_key(key.clone()))
        .calls()
        .create(params)
        .await
        .unwrap();
    let calls = client.calls().list(Default::default()).await.unwrap();
    assert_eq!(calls.data.len(), 1);
    assert_eq!(calls.data[0].id, settled.id);
    assert_eq!(emulator.emulator().stats().calls_placed, 1);

    // A GET is never "unknown": it ends as a connection error.
    emulator
        .emulator()
        .queue_fault(FaultKind::DropAfterProcessing);
    let err = client
        .with_options(RequestOptions::new().max_retries(0))
        .calls()
        .retrieve(&settled.id)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Connection { attempts: 1, .. }),
        "{err:?}"
    );
}

/// Answers every request with the same response.
struct Fixed(u16, &'static str);

impl Transport for Fixed {
    fn send(&self, _request: HttpRequest) -> TransportFuture<'_> {
        let response = HttpResponse {
            status: self.0,
            headers: vec![("X-Request-Id".into(), "req_fixed".into())],
            body: self.1.as_bytes().to_vec(),
        };
        Box::pin(async move { Ok(response) })
    }
}

fn fixed(status: u16, body: &'static str) -> Client {
    Client::builder(KEY)
        .transport(Fixed(status, body))
        .max_retries(0)
        .build()
        .unwrap()
}

#[tokio::test]
async fn unknown_enum_values_and_fields_are_kept() {
    let client = fixed(
        200,
        r#"{"id":"c1","status":"on_hold","direction":"outbound","brand_new":{"x":1}}"#,
    );
    let call = client.calls().retrieve("c1").await.unwrap();
    assert_eq!(call.status, Some(CallStatus::Other("on_hold".into())));
    assert_eq!(call.extra["brand_new"]["x"], 1);
    let round_trip = serde_json::to_value(&call).unwrap();
    assert_eq!(round_trip["status"], "on_hold");
    assert_eq!(round_trip["brand_new"]["x"], 1);
}

#[tokio::test]
async fn unreadable_answers_are_invalid_responses() {
    let err = fixed(200, "<html>oops</html>")
        .calls()
        .retrieve("c1")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidResponse { status: 200, .. }),
        "{err:?}"
    );
    assert_eq!(err.request_id(), Some("req_fixed"));
}

#[tokio::test]
async fn the_api_key_never_appears_in_an_error() {
    let body = r#"{"error":"bad key sk_test_emulator_local, escaped \u0073k_test_emulator_local"}"#;
    let err = fixed(400, body).calls().retrieve("c1").await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("[redacted api key]"), "{shown}");
    let client = Client::builder(KEY)
        .transport(EmulatorTransport::new())
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains(KEY));
}

#[tokio::test]
async fn a_dropped_future_sends_nothing_more() {
    let (client, counting, emulator) = emulator_client();
    let agent = outbound_agent(&client).await;
    let before = counting.count();
    emulator
        .emulator()
        .queue_fault(FaultKind::DelayAfterProcessing);
    let slow = client
        .calls()
        .create(CallCreateParams::new(agent.id.clone(), "+14155550123"));
    let raced = tokio::time::timeout(Duration::from_millis(20), slow).await;
    assert!(raced.is_err(), "the delayed answer cannot have come yet");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(counting.count() - before, 1);
}

/// The headers of one request.
type Headers = Vec<(String, String)>;

/// Keeps the headers of each request it passes on.
#[derive(Clone)]
struct Recording {
    inner: EmulatorTransport,
    headers: Arc<Mutex<Vec<Headers>>>,
}

impl Transport for Recording {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        self.headers.lock().unwrap().push(request.headers.clone());
        self.inner.send(request)
    }
}

#[tokio::test]
async fn per_request_headers_go_over_the_clients() {
    let recording = Recording {
        inner: EmulatorTransport::new(),
        headers: Arc::default(),
    };
    let client = Client::builder(KEY)
        .transport(recording.clone())
        .header("x-team", "a")
        .header("x-drop", "1")
        .build()
        .unwrap();
    let last = || {
        let all = recording.headers.lock().unwrap();
        let mut names: Vec<(String, String)> = all
            .last()
            .unwrap()
            .iter()
            .filter(|(n, _)| n.starts_with("x-") || n.starts_with("X-"))
            .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
            .collect();
        names.sort();
        names
    };
    let pair = |n: &str, v: &str| (n.to_string(), v.to_string());

    let tagged = client.with_options(
        RequestOptions::new()
            .header("X-Team", "b")
            .remove_header("X-DROP")
            .header("x-trace", "t1"),
    );
    tagged.agents().list(Default::default()).await.unwrap();
    assert_eq!(last(), [pair("x-team", "b"), pair("x-trace", "t1")]);
    // The client's own headers are untouched for other handles.
    client.agents().list(Default::default()).await.unwrap();
    assert_eq!(last(), [pair("x-drop", "1"), pair("x-team", "a")]);

    let sent = recording.headers.lock().unwrap().len();
    for (options, what) in [
        (
            RequestOptions::new().header("Authorization", "Bearer other"),
            "reserved",
        ),
        (
            RequestOptions::new().header("idempotency-key", "k"),
            "reserved",
        ),
        (RequestOptions::new().header("Cookie", "a=1"), "forbidden"),
        (
            RequestOptions::new().header("x-bad name", "1"),
            "invalid name",
        ),
        (
            RequestOptions::new().header("x-split", "a\r\nInjected: 1"),
            "line break",
        ),
    ] {
        let err = client
            .with_options(options)
            .agents()
            .list(Default::default())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Validation { field, .. } if field == "headers"),
            "{what}: {err:?}"
        );
        assert!(!err.to_string().contains(KEY), "{what}: {err}");
    }
    assert_eq!(
        recording.headers.lock().unwrap().len(),
        sent,
        "nothing sent"
    );
}
