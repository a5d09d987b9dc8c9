//! Following a call to its outcome (`wait_until_done`, `create_and_wait`) against the
//! in-process emulator, its virtual clock moved on by every request: whole calls in
//! milliseconds, with faults, timeouts and a transport that never answers.

// Native: wasm32 runs tests/wasm.rs.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed step should stop the test.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use callingbox::emulator::EmulatorTransport;
use callingbox::transport::{HttpRequest, Transport, TransportFuture};
use callingbox::{
    ApiErrorKind, Call, CallCreateParams, CallStatus, Client, Error, RequestOptions, ResultStatus,
    WaitOptions,
};
use callingbox_emulator::FaultKind;
use support::{outbound_agent, Counting, KEY};

/// Moves the emulator's clock on by `step_ms` before each request, so that a call advances
/// between polls; records when each request was sent.
#[derive(Clone)]
struct Clocked {
    emulator: EmulatorTransport,
    step_ms: Arc<Mutex<i64>>,
    sent: Arc<Mutex<Vec<(Instant, String)>>>,
}

impl Clocked {
    fn new(step_ms: i64) -> Clocked {
        Clocked {
            emulator: EmulatorTransport::new(),
            step_ms: Arc::new(Mutex::new(step_ms)),
            sent: Arc::default(),
        }
    }

    fn set_step(&self, ms: i64) {
        *self.step_ms.lock().unwrap() = ms;
    }

    /// When each `GET /v1/calls/{id}` was sent.
    fn polls(&self) -> Vec<Instant> {
        let sent = self.sent.lock().unwrap();
        sent.iter()
            .filter(|(_, what)| what.starts_with("GET ") && what.contains("/v1/calls/"))
            .map(|(at, _)| *at)
            .collect()
    }
}

impl Transport for Clocked {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        let step = *self.step_ms.lock().unwrap();
        self.emulator.emulator().advance(step);
        self.sent.lock().unwrap().push((
            Instant::now(),
            format!("{} {}", request.method, request.url),
        ));
        self.emulator.send(request)
    }
}

/// Never answers.
#[derive(Clone)]
struct Hanging;

impl Transport for Hanging {
    fn send(&self, _request: HttpRequest) -> TransportFuture<'_> {
        Box::pin(futures_util::future::pending())
    }
}

fn client_on(transport: impl Transport + 'static) -> Client {
    Client::builder(KEY)
        .transport(transport)
        .initial_retry_delay(Duration::from_millis(1))
        .max_retry_delay(Duration::from_millis(5))
        .build()
        .unwrap()
}

/// Polls from every millisecond (the intervals still grow, so tests move the clock in big steps).
fn fast() -> WaitOptions {
    WaitOptions::new().poll_interval(Duration::from_millis(1))
}

/// A wait of `timeout` ms in all, polling from every `poll` ms.
fn bounded(timeout: u64, poll: u64) -> WaitOptions {
    WaitOptions::new()
        .timeout(Duration::from_millis(timeout))
        .poll_interval(Duration::from_millis(poll))
}

/// A client on an emulator whose clock stands still, and a call just dispatched on it.
async fn dispatched() -> (Clocked, Client, Call) {
    let clocked = Clocked::new(0);
    let client = client_on(clocked.clone());
    let agent = outbound_agent(&client).await;
    let call = client
        .calls()
        .create(CallCreateParams::new(&agent.id, "+15551234567"))
        .await
        .unwrap();
    (clocked, client, call)
}

fn statuses(seen: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    seen.lock().unwrap().clone()
}

fn recorder() -> (Arc<Mutex<Vec<String>>>, WaitOptions) {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = seen.clone();
    let options = fast().on_status(move |call: &Call| {
        let status = call.status.as_ref().map(|s| s.to_string());
        sink.lock().unwrap().push(status.unwrap_or_default());
    });
    (seen, options)
}

#[tokio::test]
async fn create_and_wait_follows_a_call_to_its_end_once() {
    let clocked = Clocked::new(0);
    let client = client_on(clocked.clone());
    let agent = outbound_agent(&client).await;
    clocked.set_step(20_000);
    let (seen, options) = recorder();
    let keyed = client.with_options(RequestOptions::new().idempotency_key("campaign-1-row-1"));
    let done = keyed
        .calls()
        .create_and_wait(CallCreateParams::new(&agent.id, "+15551234567"), options)
        .await
        .unwrap();
    assert_eq!(done.status, Some(CallStatus::Completed));
    assert_eq!(done.result_status, Some(ResultStatus::Completed));
    assert!(done.has_ended());
    let seen = statuses(&seen);
    assert_eq!(seen.first().map(String::as_str), Some("queued"), "{seen:?}");
    assert_eq!(
        seen.last().map(String::as_str),
        Some("completed"),
        "{seen:?}"
    );
    assert!(
        seen.windows(2).all(|w| w[0] != w[1]),
        "each status once: {seen:?}"
    );
    assert!(
        seen.len() >= 3,
        "the call went through its statuses: {seen:?}"
    );

    // The same key again: the same call, not a second one.
    let again = keyed
        .calls()
        .create_and_wait(CallCreateParams::new(&agent.id, "+15551234567"), fast())
        .await
        .unwrap();
    assert_eq!(again.id, done.id);
    assert_eq!(clocked.emulator.emulator().stats().calls_placed, 1);
}

#[tokio::test]
async fn a_completed_call_is_returned_once_its_result_is_extracted() {
    let (clocked, client, call) = dispatched().await;
    // Find the moment the call has ended but its result is still being extracted.
    let mut ended = client.calls().retrieve(&call.id).await.unwrap();
    for _ in 0..400 {
        if ended.status == Some(CallStatus::Completed) {
            break;
        }
        clocked.emulator.emulator().advance(1_000);
        ended = client.calls().retrieve(&call.id).await.unwrap();
    }
    assert_eq!(ended.status, Some(CallStatus::Completed));
    assert_eq!(ended.result_status, Some(ResultStatus::Pending));
    assert!(
        ended.status.as_ref().is_some_and(CallStatus::is_terminal),
        "terminal"
    );
    assert!(!ended.has_ended(), "but not over: the result is pending");

    clocked.set_step(1_000);
    let done = client
        .calls()
        .wait_until_done(&call.id, fast())
        .await
        .unwrap();
    assert_eq!(done.result_status, Some(ResultStatus::Completed));
    assert!(done.has_ended());
}

#[tokio::test]
async fn other_ends_stop_the_wait_even_with_a_pending_result() {
    let clocked = Clocked::new(0);
    let client = client_on(clocked.clone());
    let agent = outbound_agent(&client).await;
    clocked.set_step(2_000);
    for (number, status) in [
        ("+15005550001", CallStatus::Busy),
        ("+15005550003", CallStatus::NoAnswer), // voicemail: result_status stays pending
        ("+15005550004", CallStatus::Failed),
        ("+15005550005", CallStatus::Canceled),
    ] {
        let done = client
            .calls()
            .create_and_wait(CallCreateParams::new(&agent.id, number), fast())
            .await
            .unwrap();
        assert_eq!(done.status, Some(status), "{number}");
    }
}

#[tokio::test]
async fn the_wait_times_out_with_the_last_call_seen() {
    let (clocked, client, call) = dispatched().await; // the call stays queued
    let started = Instant::now();
    let err = client
        .calls()
        .wait_until_done(&call.id, bounded(60, 5))
        .await
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(60));
    assert_eq!(err.code(), "wait_timeout");
    let Error::WaitTimeout {
        call_id,
        timeout_ms,
        call: last,
        cause,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!((call_id.as_str(), *timeout_ms), (call.id.as_str(), 60));
    assert_eq!(last.as_ref().unwrap().status, Some(CallStatus::Queued));
    assert!(cause.is_none());
    assert_eq!(
        err.to_string(),
        format!(
            "call {} had not ended after 60 ms (last status: queued)",
            call.id
        )
    );
    assert!(clocked.polls().len() >= 3, "it polled on the way");
}

#[tokio::test]
async fn polls_come_at_growing_intervals() {
    let (clocked, client, call) = dispatched().await;
    let err = client
        .calls()
        .wait_until_done(&call.id, bounded(400, 20))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "wait_timeout");
    let polls = clocked.polls();
    // Given an id, the first poll is at once; then 20 ms, 30, 45, 67.5, ... (never shorter).
    let gaps: Vec<Duration> = polls.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.len() >= 4, "{gaps:?}");
    let mut want = 20.0_f64;
    for gap in &gaps[..4] {
        assert!(
            gap.as_secs_f64() * 1000.0 >= want.floor(),
            "gap {gap:?} shorter than {want} ms: {gaps:?}"
        );
        want *= 1.5;
    }
    assert!(gaps.len() <= 8, "intervals must grow: {gaps:?}");
}

#[tokio::test]
async fn failed_polls_that_may_pass_later_are_followed_by_the_next_poll() {
    let (clocked, client, call) = dispatched().await;
    clocked.set_step(30_000);
    {
        let mut emulator = clocked.emulator.emulator();
        emulator.queue_fault(FaultKind::Unavailable);
        emulator.queue_fault(FaultKind::RateLimited);
        emulator.queue_fault(FaultKind::DropAfterProcessing);
    }
    let once = client.with_options(RequestOptions::new().max_retries(0));
    let done = once
        .calls()
        .wait_until_done(&call.id, fast())
        .await
        .unwrap();
    assert!(done.has_ended(), "{:?}", done.status);

    // At the timeout, the last poll's error is the cause.
    let (clocked, client, call) = dispatched().await;
    clocked
        .emulator
        .emulator()
        .set_faults(callingbox_emulator::Faults {
            rate_503: 1.0,
            ..Default::default()
        });
    let err = client
        .with_options(RequestOptions::new().max_retries(0))
        .calls()
        .wait_until_done(&call.id, bounded(30, 5))
        .await
        .unwrap_err();
    let Error::WaitTimeout {
        call: None,
        cause: Some(cause),
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(cause.status(), Some(503), "{cause:?}");
    assert!(err.to_string().ends_with("(last status: unknown)"), "{err}");
}

/// Answers its first request with `status`, then with a call that has ended.
#[derive(Clone)]
struct FailsOnce {
    status: u16,
    sent: Arc<Mutex<u32>>,
}

impl Transport for FailsOnce {
    fn send(&self, _request: HttpRequest) -> TransportFuture<'_> {
        let mut sent = self.sent.lock().unwrap();
        *sent += 1;
        let (status, body) = if *sent == 1 {
            (self.status, r#"{"error":{"message":"no"}}"#.to_string())
        } else {
            (
                200,
                format!(
                    r#"{{"id":"{CALL_ID}","status":"completed","result_status":"extracted","agent_id":"a","to":"+14155550123","from":"+14155550100","direction":"outbound","created_at":"2026-01-01T00:00:00Z"}}"#
                ),
            )
        };
        Box::pin(async move {
            Ok(callingbox::transport::HttpResponse {
                status,
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.into_bytes(),
            })
        })
    }
}

const CALL_ID: &str = "0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74";

#[tokio::test]
async fn the_wait_polls_again_exactly_when_requests_retry_the_status() {
    let mut again = Vec::new();
    for status in 400..=599u16 {
        // The client's own rules: is a request answered `status` retried?
        let retries = Arc::new(Mutex::new(0));
        let seen = retries.clone();
        let retrying = Client::builder(KEY)
            .transport(FailsOnce {
                status,
                sent: Arc::default(),
            })
            .max_retries(1)
            .max_retry_delay(Duration::ZERO)
            .on_retry(move |_| *seen.lock().unwrap() += 1)
            .build()
            .unwrap();
        let _ = retrying.calls().retrieve(CALL_ID).await;
        let retried = *retries.lock().unwrap() == 1;

        // The wait's: does a failed poll lead to the next one?
        let transport = FailsOnce {
            status,
            sent: Arc::default(),
        };
        let waiting = Client::builder(KEY)
            .transport(transport.clone())
            .max_retries(0)
            .build()
            .unwrap();
        let polled_again = match waiting.calls().wait_until_done(CALL_ID, fast()).await {
            Ok(call) => {
                assert!(call.has_ended());
                true
            }
            Err(err) => {
                assert_eq!(err.status(), Some(status), "{err:?}");
                assert_eq!(*transport.sent.lock().unwrap(), 1);
                false
            }
        };
        assert_eq!(polled_again, retried, "status {status}");
        if polled_again {
            again.push(status);
        }
    }
    assert_eq!(
        again.iter().filter(|s| **s < 500).collect::<Vec<_>>(),
        [&408, &429]
    );
    assert_eq!(again.iter().filter(|s| **s >= 500).count(), 100);
}

#[tokio::test]
async fn other_errors_end_the_wait_at_once() {
    let (client, counting, _) = support::emulator_client();
    let err = client
        .calls()
        .wait_until_done("0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74", fast())
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(api.kind(), ApiErrorKind::NotFound);
    assert_eq!(counting.count(), 1, "one poll");
}

#[tokio::test]
async fn bad_wait_options_are_refused_before_anything_is_sent() {
    let (client, counting, _) = support::emulator_client();
    let agent_id = "0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74";
    let cases = [
        (WaitOptions::new().timeout(Duration::ZERO), "timeout"),
        (
            WaitOptions::new().timeout(Duration::from_secs(30 * 86_400)),
            "timeout",
        ),
        (
            WaitOptions::new().poll_interval(Duration::from_micros(10)),
            "poll_interval",
        ),
    ];
    for (options, field) in cases {
        let err = client
            .calls()
            .create_and_wait(CallCreateParams::new(agent_id, "+15551234567"), options)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Validation { field: f, .. } if f == field),
            "{err:?}"
        );
    }
    let err = client
        .calls()
        .wait_until_done("", fast())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Validation { field, .. } if field == "id"));
    assert_eq!(counting.count(), 0, "nothing may be sent");
}

#[tokio::test]
async fn no_poll_outlives_the_wait() {
    let counting = Counting::new(Hanging);
    let client = Client::builder(KEY)
        .transport(counting.clone())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .calls()
        .wait_until_done(
            "0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74",
            WaitOptions::new().timeout(Duration::from_millis(150)),
        )
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(150), "{took:?}");
    assert!(
        took < Duration::from_secs(5),
        "a 30 s request timeout must not hold a 150 ms wait: {took:?}"
    );
    let Error::WaitTimeout {
        cause: Some(cause), ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(cause.code(), "timeout", "{cause:?}");
    assert_eq!(counting.count(), 1);
}

#[test]
fn the_wait_can_run_on_a_multi_threaded_runtime() {
    fn assert_send<T: Send>(_: &T) {}
    let (client, _, _) = support::emulator_client();
    let calls = client.calls();
    let wait = calls.wait_until_done("id", WaitOptions::new().on_status(|_| {}));
    assert_send(&wait);
    let create = calls.create_and_wait(
        CallCreateParams::new("a", "+15551234567"),
        WaitOptions::new(),
    );
    assert_send(&create);
}

/// Answers every request with `body` (200).
#[derive(Clone)]
struct Answering(String);

impl Transport for Answering {
    fn send(&self, _request: HttpRequest) -> TransportFuture<'_> {
        let body = self.0.clone().into_bytes();
        Box::pin(async move {
            Ok(callingbox::transport::HttpResponse {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body,
            })
        })
    }
}

#[tokio::test]
async fn a_key_the_server_echoes_in_the_call_stays_out_of_the_timeout() {
    let body = format!(r#"{{"id":"c1","status":"{KEY}","metadata":{{"note":"x{KEY}y"}}}}"#);
    let client = client_on(Answering(body));
    let err = client
        .calls()
        .wait_until_done("c1", bounded(30, 5))
        .await
        .unwrap_err();
    let Error::WaitTimeout {
        call: Some(last), ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(last.id, "c1", "the call is kept, without the key");
    let text = format!("{err} {err:?}");
    for start in 0..=KEY.len() - 8 {
        let piece = &KEY[start..start + 8];
        assert!(!text.contains(piece), "{piece} of the key in {text}");
    }
}
