//! `list_all`: every item of a list, page after page, forwards and backwards, against the
//! in-process emulator; and against servers that misbehave (a cursor that does not move, a
//! page that fails).

// Native: wasm32 runs tests/wasm.rs.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed step should stop the test.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use std::sync::{Arc, Mutex};

use callingbox::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
use callingbox::{
    CallCreateParams, CallsListParams, Client, Error, NumbersListParams, NumbersPurchaseParams,
    NumbersSearchAvailableParams, RequestOptions,
};
use futures_util::{StreamExt, TryStreamExt};
use support::{emulator_client, outbound_agent, Counting, KEY};

/// `n` calls dispatched on a fresh emulator, newest first (as the API lists them).
async fn calls(
    n: usize,
) -> (
    Client,
    Counting<callingbox::emulator::EmulatorTransport>,
    Vec<String>,
) {
    let (client, counting, _) = emulator_client();
    let agent = outbound_agent(&client).await;
    let mut ids = Vec::new();
    for i in 0..n {
        let to = format!("+1415555{:04}", 100 + i);
        let call = client
            .calls()
            .create(CallCreateParams::new(&agent.id, to))
            .await
            .unwrap();
        ids.push(call.id);
    }
    ids.reverse();
    (client, counting, ids)
}

#[tokio::test]
async fn every_call_page_after_page() {
    let (client, counting, ids) = calls(7).await;
    let whole = client
        .calls()
        .list(CallsListParams::new().limit(100))
        .await
        .unwrap();
    let listed: Vec<String> = whole.data.into_iter().map(|c| c.id).collect();
    assert_eq!(listed, ids, "one page: newest first");

    let before = counting.count();
    let paged: Vec<String> = client
        .calls()
        .list_all(CallsListParams::new().limit(2))
        .map_ok(|c| c.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(paged, ids, "the same calls, in the same order, once each");
    assert_eq!(counting.count() - before, 4, "7 calls in pages of 2");

    // From a cursor on: the calls after (older than) it.
    let after: Vec<String> = client
        .calls()
        .list_all(CallsListParams::new().limit(3).starting_after(&ids[1]))
        .map_ok(|c| c.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(after, ids[2..].to_vec());
}

#[tokio::test]
async fn backwards_from_ending_before_oldest_first() {
    let (client, _, ids) = calls(7).await;
    let oldest = ids.last().unwrap().clone();
    let newer: Vec<String> = client
        .calls()
        .list_all(CallsListParams::new().limit(2).ending_before(&oldest))
        .map_ok(|c| c.id)
        .try_collect()
        .await
        .unwrap();
    let mut want: Vec<String> = ids[..ids.len() - 1].to_vec();
    want.reverse();
    assert_eq!(newer, want, "every newer call, oldest first");
}

#[tokio::test]
async fn numbers_page_too() {
    let (client, counting, _) = emulator_client();
    let available = client
        .numbers()
        .search_available(NumbersSearchAvailableParams::new().limit(3))
        .await
        .unwrap();
    for n in &available {
        client
            .numbers()
            .purchase(NumbersPurchaseParams::new(n.phone_number.clone()))
            .await
            .unwrap();
    }
    let before = counting.count();
    let mut owned: Vec<String> = client
        .numbers()
        .list_all(NumbersListParams::new().limit(1))
        .map_ok(|n| n.e164.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    owned.sort();
    let mut bought: Vec<String> = available.into_iter().map(|n| n.phone_number).collect();
    bought.sort();
    assert_eq!(owned, bought);
    assert!(counting.count() - before >= 3, "one request per page");
}

/// Answers each request with the next of `answers` (the last one over and over).
#[derive(Clone)]
struct Scripted {
    answers: Arc<Mutex<Vec<(u16, String)>>>,
    urls: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    fn new(answers: &[(u16, &str)]) -> Scripted {
        Scripted {
            answers: Arc::new(Mutex::new(
                answers
                    .iter()
                    .rev()
                    .map(|(s, b)| (*s, b.to_string()))
                    .collect(),
            )),
            urls: Arc::default(),
        }
    }
}

impl Transport for Scripted {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        self.urls.lock().unwrap().push(request.url);
        let mut answers = self.answers.lock().unwrap();
        let (status, body) = if answers.len() > 1 {
            answers.pop().unwrap()
        } else {
            answers[0].clone()
        };
        Box::pin(async move {
            Ok(HttpResponse {
                status,
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.into_bytes(),
            })
        })
    }
}

/// Everything `calls().list_all()` yields from `transport`.
async fn every_call(transport: &Scripted) -> Vec<Result<callingbox::Call, Error>> {
    scripted_client(transport)
        .calls()
        .list_all(CallsListParams::new())
        .collect()
        .await
}

/// The ids of the calls among `results`.
fn ids(results: &[Result<callingbox::Call, Error>]) -> Vec<&str> {
    results
        .iter()
        .filter_map(|r| r.as_ref().ok().map(|c| c.id.as_str()))
        .collect()
}

fn scripted_client(transport: &Scripted) -> Client {
    Client::builder(KEY)
        .transport(transport.clone())
        .max_retries(0)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_cursor_that_does_not_move_ends_the_stream_with_an_error() {
    // The last item's id is the key itself: it must not reach the error.
    let page = format!(r#"{{"data":[{{"id":"c1"}},{{"id":"{KEY}"}}],"has_more":true}}"#);
    let transport = Scripted::new(&[(200, &page)]);
    let results = every_call(&transport).await;
    assert_eq!(
        ids(&results),
        ["c1", KEY, "c1", KEY],
        "two pages, then the error"
    );
    let Some(Err(err @ Error::InvalidResponse { .. })) = results.last() else {
        panic!("{results:?}");
    };
    let text = err.to_string();
    assert!(text.contains("does not advance"), "{text}");
    assert!(!text.contains(KEY), "{text}");
    let urls = transport.urls.lock().unwrap().clone();
    assert_eq!(urls.len(), 2, "{urls:?}");
    assert!(urls[1].contains("starting_after="), "{urls:?}");

    // An item without an id cannot be a cursor either.
    let transport = Scripted::new(&[(200, r#"{"data":[{"id":""}],"has_more":true}"#)]);
    let results: Vec<_> = scripted_client(&transport)
        .calls()
        .list_all(CallsListParams::new())
        .collect()
        .await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert!(
        matches!(&results[1], Err(Error::InvalidResponse { message, .. }) if message.contains("missing"))
    );
}

#[tokio::test]
async fn a_key_echoed_past_the_clipped_id_stays_out_of_the_error() {
    // The id is clipped to 64 characters in the message: the key straddles that cut.
    let id = format!("{}{KEY}", "x".repeat(50));
    let page = format!(r#"{{"data":[{{"id":"{id}"}}],"has_more":true}}"#);
    let transport = Scripted::new(&[(200, &page)]);
    let results = every_call(&transport).await;
    let Some(Err(err)) = results.last() else {
        panic!("{results:?}");
    };
    let text = format!("{err} {err:?}");
    for start in 0..=KEY.len() - 8 {
        let piece = &KEY[start..start + 8];
        assert!(!text.contains(piece), "{piece} of the key in {text}");
    }
}

#[tokio::test]
async fn pages_that_come_round_again_end_the_stream_too() {
    // c1's page, then c2's, then c1's again (for ever, were it not stopped).
    let transport = Scripted::new(&[
        (200, r#"{"data":[{"id":"c1"}],"has_more":true}"#),
        (200, r#"{"data":[{"id":"c2"}],"has_more":true}"#),
        (200, r#"{"data":[{"id":"c1"}],"has_more":true}"#),
        (200, r#"{"data":[{"id":"c2"}],"has_more":true}"#),
    ]);
    let results = every_call(&transport).await;
    assert_eq!(ids(&results), ["c1", "c2", "c1"]);
    assert!(
        matches!(results.last(), Some(Err(Error::InvalidResponse { message, .. })) if message.contains("\"c1\" again")),
        "{results:?}"
    );
    assert_eq!(transport.urls.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_failed_page_is_the_last_item() {
    let transport = Scripted::new(&[
        (200, r#"{"data":[{"id":"c1"},{"id":"c2"}],"has_more":true}"#),
        (500, r#"{"error":"boom"}"#),
    ]);
    let client = scripted_client(&transport);
    let mut stream = client.calls().list_all(CallsListParams::new());
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "c1");
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "c2");
    let err = stream.try_next().await.unwrap_err();
    assert_eq!(err.status(), Some(500), "{err:?}");
    assert!(stream.next().await.is_none(), "nothing after the error");
    assert_eq!(transport.urls.lock().unwrap().len(), 2);

    // An empty page ends the list, whatever has_more says.
    let transport = Scripted::new(&[(200, r#"{"data":[],"has_more":true}"#)]);
    let results: Vec<_> = scripted_client(&transport)
        .calls()
        .list_all(CallsListParams::new())
        .collect()
        .await;
    assert!(results.is_empty(), "{results:?}");
}

#[tokio::test]
async fn the_handle_options_apply_to_every_page() {
    let transport = Scripted::new(&[(503, r#"{"error":"busy"}"#)]);
    let client = Client::builder(KEY)
        .transport(transport.clone())
        .initial_retry_delay(std::time::Duration::from_millis(1))
        .build()
        .unwrap();
    let err = client
        .with_options(RequestOptions::new().max_retries(1))
        .calls()
        .list_all(CallsListParams::new())
        .try_next()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        transport.urls.lock().unwrap().len(),
        2,
        "one retry, as the handle says"
    );
}

#[test]
fn the_stream_can_move_between_threads() {
    fn assert_send<T: Send>(_: &T) {}
    let (client, _, _) = emulator_client();
    assert_send(&client.calls().list_all(CallsListParams::new()));
}
