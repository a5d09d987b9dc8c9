//! The client in wasm32 with the gloo-net transport (the global `fetch`), against the HTTP
//! emulator whose URL `scripts/test-rust-client.sh` passes in `CALLINGBOX_EMULATOR_URL` at
//! build time. Run by wasm-bindgen-test in Node (and in Chromium with `WASM_BINDGEN_USE_BROWSER`).

#![cfg(target_arch = "wasm32")]
// Test code: a failed step should stop the test.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use callingbox::transport::{GlooTransport, HttpRequest, Transport};
use callingbox::{
    ApiErrorKind, CallCreateParams, CallStatus, CallsListParams, Client, Error, WaitOptions,
    Webhooks,
};
use futures_util::TryStreamExt;
use support::{every_endpoint, outbound_agent, Counting};
use wasm_bindgen_test::wasm_bindgen_test;

/// The emulator's URL: without one the tests fail (they are never skipped).
fn base_url() -> &'static str {
    match option_env!("CALLINGBOX_EMULATOR_URL") {
        Some(url) => url,
        None => panic!(
            "CALLINGBOX_EMULATOR_URL was not set at build time (run scripts/test-rust-client.sh)"
        ),
    }
}

/// A client of its own organisation (each key is one, and each run has its own, since the
/// Node and the Chromium runs share the emulator), counting what it sends.
fn client(org: &str) -> (Client, Counting<GlooTransport>) {
    let counting = Counting::new(GlooTransport::new());
    let run = web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let client = Client::builder(format!("sk_test_wasm_{org}_{run}"))
        .base_url(base_url())
        .initial_retry_delay(std::time::Duration::from_millis(1))
        .max_retry_delay(std::time::Duration::from_millis(20))
        .transport(counting.clone())
        .build()
        .unwrap();
    (client, counting)
}

/// An admin request to the emulator (`/__emulator/...`).
async fn admin(method: &'static str, path: &str, body: Option<&str>) -> serde_json::Value {
    let mut request = HttpRequest::new(method, format!("{}{path}", base_url()));
    request.headers = vec![("content-type".into(), "application/json".into())];
    request.body = body.map(str::to_string);
    let response = GlooTransport::new().send(request).await.unwrap();
    assert_eq!(response.status, 200, "{path}");
    serde_json::from_slice(&response.body).unwrap()
}

/// The hostile server beside the emulator (`tests/rust-client/serve-emulator.mjs`).
fn hostile_url() -> &'static str {
    match option_env!("CALLINGBOX_HOSTILE_URL") {
        Some(url) => url,
        None => panic!(
            "CALLINGBOX_HOSTILE_URL was not set at build time (run scripts/test-rust-client.sh)"
        ),
    }
}

#[wasm_bindgen_test]
async fn endless_bodies_are_not_read_past_the_limits() {
    let on = |path: &str| {
        Client::builder("sk_test_wasm_hostile")
            .base_url(format!("{}{path}", hostile_url()))
            .max_retries(0)
            .max_response_size(1 << 20)
            .build()
            .unwrap()
    };
    let err = on("/endless")
        .calls()
        .retrieve("0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidResponse { status: 200, message, .. } if message.contains("larger than max_response_size")),
        "{err:?}"
    );
    let err = on("/endless-error")
        .calls()
        .retrieve("0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74")
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(api.status, 500);
    assert_eq!(api.body.len(), callingbox::ERROR_BODY_BYTES);
    // The rest of each body was not wanted: both connections are closed.
    hostile_connections_closed().await;
}

/// The hostile server's count of its requests' open connections and of requests that
/// reached /hang/.
async fn hostile_counts() -> serde_json::Value {
    let request = HttpRequest::new("GET", format!("{}/__open", hostile_url()));
    let response = GlooTransport::new().send(request).await.unwrap();
    serde_json::from_slice(&response.body).unwrap()
}

/// Waits until none of the hostile server's requests has its connection open; fails after 5 s.
async fn hostile_connections_closed() {
    let started = web_time::Instant::now();
    loop {
        let open = hostile_counts().await;
        if open["open"] == 0 {
            return;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{open} connections still open"
        );
        gloo_timers::future::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[wasm_bindgen_test]
async fn a_request_given_up_on_is_aborted() {
    let client = Client::builder("sk_test_wasm_hang")
        .base_url(format!("{}/hang", hostile_url()))
        .max_retries(0)
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    let hung = hostile_counts().await["hung"].as_u64().unwrap();
    let err = client
        .calls()
        .retrieve("0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    // The fetch was aborted when the client gave up: its connection is closed.
    hostile_connections_closed().await;
    // (It did reach the server: on a slow machine the timeout could fire before it does, and
    // then nothing would have been open to close.)
    let now = hostile_counts().await["hung"].as_u64().unwrap();
    assert!(
        now > hung,
        "the request never reached the server ({hung} → {now})"
    );
}

#[wasm_bindgen_test]
async fn every_endpoint_through_fetch() {
    let (client, _) = client("every_endpoint");
    every_endpoint(&client).await;
}

#[wasm_bindgen_test]
async fn validation_comes_before_any_request() {
    let (client, counting) = client("validation");
    let err = client
        .calls()
        .create(CallCreateParams::new(
            "0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74",
            "+1 555",
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidPhoneNumber { .. }), "{err:?}");
    assert_eq!(counting.count(), 0);
}

#[wasm_bindgen_test]
async fn api_errors_are_typed() {
    let (client, _) = client("errors");
    let err = client
        .agents()
        .retrieve("0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(a) if a.kind() == ApiErrorKind::NotFound && a.request_id.is_some()),
        "{err:?}"
    );
}

#[wasm_bindgen_test]
async fn a_dropped_create_is_retried_without_a_duplicate_call() {
    let (client, _) = client("faults");
    let agent = outbound_agent(&client).await;
    let before = admin("GET", "/__emulator/stats", None).await;
    admin("POST", "/__emulator/fault", Some(r#"{"kind":"drop"}"#)).await;
    client
        .calls()
        .create(CallCreateParams::new(agent.id.clone(), "+14155550123"))
        .await
        .unwrap();
    let after = admin("GET", "/__emulator/stats", None).await;
    let delta = |k: &str| after[k].as_u64().unwrap() - before[k].as_u64().unwrap();
    assert_eq!(delta("calls_placed"), 1);
    assert_eq!(delta("faults_dropped"), 1);
    assert_eq!(delta("idempotent_replays"), 1);
}

#[wasm_bindgen_test]
async fn a_call_is_followed_to_its_end_with_the_platform_timers() {
    let (client, _) = client("wait");
    let agent = outbound_agent(&client).await;
    let call = client
        .calls()
        .create(CallCreateParams::new(agent.id.clone(), "+14155550123"))
        .await
        .unwrap();
    // Not over yet: the wait ends on its timeout (setTimeout), with the last call seen.
    let err = client
        .calls()
        .wait_until_done(
            &call.id,
            WaitOptions::new()
                .timeout(std::time::Duration::from_millis(120))
                .poll_interval(std::time::Duration::from_millis(10)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::WaitTimeout { call: Some(last), .. } if last.id == call.id),
        "{err:?}"
    );
    // Past its end and its result's extraction: the first poll finds it over.
    admin("POST", "/__emulator/advance", Some(r#"{"ms":600000}"#)).await;
    let done = client
        .calls()
        .wait_until_done(&call.id, WaitOptions::new())
        .await
        .unwrap();
    assert_eq!(done.status, Some(CallStatus::Completed));
    assert!(done.has_ended());
}

#[wasm_bindgen_test]
async fn list_all_pages_through_fetch() {
    let (client, counting) = client("pages");
    let agent = outbound_agent(&client).await;
    let mut placed = Vec::new();
    for to in ["+14155550131", "+14155550132", "+14155550133"] {
        let call = client
            .calls()
            .create(CallCreateParams::new(agent.id.clone(), to))
            .await
            .unwrap();
        placed.push(call.id);
    }
    placed.reverse(); // newest first, as lists are
    let before = counting.count();
    let listed: Vec<String> = client
        .calls()
        .list_all(CallsListParams::new().limit(1))
        .map_ok(|c| c.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, placed);
    assert!(counting.count() - before >= 3, "one request per page");
}

#[wasm_bindgen_test]
fn webhooks_verify_in_wasm() {
    let body = br#"{"id":"e1","type":"call.completed","created":1700000000,"api_version":"2026-04","data":{"call":{"id":"c1"}}}"#;
    let header = Webhooks::sign("whsec_wasm", 1_700_000_000, body);
    let event = Webhooks::new("whsec_wasm")
        .construct_event_at(body, &header, 1_700_000_001)
        .unwrap();
    assert_eq!(event.call_id.as_deref(), Some("c1"));
}
