//! Hostile answers over real HTTP on 127.0.0.1 (reqwest): huge and endless bodies are not
//! read past the client's limits, and the key is kept out of a clipped error body.

// Native: wasm32 runs tests/wasm.rs.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed step should stop the test.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use callingbox::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
use callingbox::{Client, Error, ERROR_BODY_BYTES, MAX_RESPONSE_BYTES_CEILING};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const KEY: &str = "sk_test_h0stile_Q7vXr2LmZ9wK";
const CALL_ID: &str = "0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74";

/// What the server sends after the status line and headers.
#[derive(Clone)]
enum Body {
    /// Exactly these bytes, with a Content-Length.
    Fixed(Vec<u8>),
    /// Chunks of 64 KiB of spaces, forever (chunked encoding), until the client goes away.
    Endless,
}

/// What the server saw: body bytes written, and writes that failed (the client closed the
/// connection).
#[derive(Default)]
struct Sent {
    bytes: AtomicUsize,
    refused: AtomicUsize,
}

/// Answers every request with `status` and `body`.
async fn serve(status: u16, body: Body) -> (String, Arc<Sent>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(Sent::default());
    let counter = sent.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream);
                // The request head (the client's GETs have no body).
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).await.unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                let mut stream = reader.into_inner();
                let head = |framing: String| {
                    format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{framing}connection: close\r\n\r\n")
                };
                match body {
                    Body::Fixed(bytes) => {
                        let head = head(format!("content-length: {}\r\n", bytes.len()));
                        if stream.write_all(head.as_bytes()).await.is_ok()
                            && stream.write_all(&bytes).await.is_ok()
                        {
                            counter.bytes.fetch_add(bytes.len(), Ordering::Relaxed);
                        }
                    }
                    Body::Endless => {
                        if stream
                            .write_all(head("transfer-encoding: chunked\r\n".into()).as_bytes())
                            .await
                            .is_err()
                        {
                            return;
                        }
                        let chunk = format!("10000\r\n{}\r\n", " ".repeat(0x10000));
                        // Until the client closes the connection (or 4 GiB: a client that
                        // reads it all has failed long before).
                        while counter.bytes.load(Ordering::Relaxed) < 1 << 32 {
                            if stream.write_all(chunk.as_bytes()).await.is_err() {
                                counter.refused.fetch_add(1, Ordering::Relaxed);
                                return;
                            }
                            counter.bytes.fetch_add(0x10000, Ordering::Relaxed);
                        }
                    }
                }
                let _ = stream.shutdown().await;
            });
        }
    });
    (url, sent)
}

/// `calls.retrieve` of the one call these servers answer about.
async fn retrieve(client: &Client) -> Result<callingbox::Call, Error> {
    client.calls().retrieve(CALL_ID).await
}

fn client(url: &str, max_response_size: Option<usize>) -> Client {
    let builder = Client::builder(KEY).base_url(url).max_retries(0);
    match max_response_size {
        Some(n) => builder.max_response_size(n),
        None => builder,
    }
    .build()
    .unwrap()
}

/// A call as the API returns it, padded with spaces to exactly `size` bytes (still JSON).
fn call_of_size(size: usize) -> Vec<u8> {
    let mut body = format!(r#"{{"id":"{CALL_ID}","status":"queued","agent_id":"a","to":"+14155550123","from":"+14155550100","direction":"outbound","created_at":"2026-01-01T00:00:00Z"}}"#).into_bytes();
    assert!(body.len() <= size);
    body.resize(size, b' ');
    body
}

#[tokio::test]
async fn an_endless_2xx_body_is_refused_once_past_the_limit() {
    let (url, sent) = serve(200, Body::Endless).await;
    let started = Instant::now();
    let err = client(&url, Some(1 << 20))
        .calls()
        .retrieve(CALL_ID)
        .await
        .unwrap_err();
    let Error::InvalidResponse {
        status, message, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*status, 200);
    assert!(
        message.contains("larger than max_response_size (1048576 bytes)"),
        "{message}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    // The client let the connection go: the server's writes stop soon after 1 MiB (what the
    // sockets' buffers hold on top).
    let after = settled(&sent).await;
    assert!(
        after < 64 << 20,
        "{after} bytes were sent before the client let go"
    );
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read_and_one_byte_more_is_refused() {
    let size = 4096;
    let (url, _) = serve(200, Body::Fixed(call_of_size(size))).await;
    let call = client(&url, Some(size))
        .calls()
        .retrieve(CALL_ID)
        .await
        .unwrap();
    assert_eq!(call.id, CALL_ID);
    let err = client(&url, Some(size - 1))
        .calls()
        .retrieve(CALL_ID)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidResponse { status: 200, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_endless_error_body_is_clipped() {
    let (url, sent) = serve(500, Body::Endless).await;
    let err = retrieve(&client(&url, None)).await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(api.status, 500);
    assert_eq!(api.body.len(), ERROR_BODY_BYTES);
    assert!(settled(&sent).await < 64 << 20);
}

/// The bytes the server wrote, once the client has closed the connection (a write failed);
/// fails if it has not after 10 s.
async fn settled(sent: &Sent) -> usize {
    let started = Instant::now();
    while sent.refused.load(Ordering::Relaxed) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the connection is still open ({} bytes written)",
            sent.bytes.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sent.bytes.load(Ordering::Relaxed)
}

/// `text` with every character written as a JSON `\\u` escape (as any JSON encoder may).
fn escaped(text: &str) -> String {
    text.chars()
        .map(|c| format!("\\u{:04x}", u32::from(c)))
        .collect()
}

/// Whether `text` holds 4 or more consecutive characters of the key (past its `sk_test_`),
/// as written or \u-escaped.
fn part_of_key(text: &str) -> Option<String> {
    (8..=KEY.len() - 4).find_map(|start| {
        let part = &KEY[start..start + 4];
        let escaped = escaped(part);
        (text.contains(part) || text.contains(&escaped)).then(|| part.to_string())
    })
}

#[tokio::test]
async fn the_key_is_out_of_an_error_body_clipped_across_it() {
    // The key as sent and as JSON may escape it, starting a few bytes before the cut.
    let escaped = escaped(KEY);
    for key in [KEY.to_string(), escaped] {
        for before in [1, 4, 9, 20] {
            let mut body = vec![b'x'; ERROR_BODY_BYTES - before];
            body.extend_from_slice(key.as_bytes());
            body.extend_from_slice(&[b'y'; 100]);
            let (url, _) = serve(500, Body::Fixed(body)).await;
            let err = retrieve(&client(&url, None)).await.unwrap_err();
            let Error::Api(api) = &err else {
                panic!("{err:?}");
            };
            // Clipped, then a tail of the key replaced (the marker may be a little longer).
            assert!(api.body.len() <= ERROR_BODY_BYTES + "[redacted api key]".len());
            let seen = format!("{err:?} {err} {}", api.body);
            if let Some(part) = part_of_key(&seen) {
                panic!("{part} of the key is in the error ({before} bytes before the cut)");
            }
        }
    }
}

#[tokio::test]
async fn the_key_is_out_of_a_json_error_and_of_a_body_full_of_it() {
    let escaped = escaped(KEY);
    // An error document that quotes the key JSON-escaped (as any JSON encoder may write it).
    let doc = format!(r#"{{"error":{{"message":"bad key {escaped}","code":"invalid_key"}}}}"#);
    // The key over and over (each longer than the marker that replaces it: the text shrinks
    // as the key is removed), then once more, 10 bytes before the 64 KiB cut.
    let mut full = KEY.repeat((ERROR_BODY_BYTES - 10) / KEY.len());
    full.push_str(&"x".repeat(ERROR_BODY_BYTES - 10 - full.len()));
    full.push_str(KEY);
    for body in [doc, full] {
        let (url, _) = serve(401, Body::Fixed(body.into_bytes())).await;
        let err = retrieve(&client(&url, None)).await.unwrap_err();
        let Error::Api(api) = &err else {
            panic!("{err:?}");
        };
        let seen = format!("{err:?} {err} {}", api.body);
        assert!(part_of_key(&seen).is_none(), "{seen:.300}");
    }
}

/// Answers every request with `status` and a body of `size` bytes, whatever the limits.
struct Careless {
    status: u16,
    size: usize,
}

impl Transport for Careless {
    fn send(&self, _request: HttpRequest) -> TransportFuture<'_> {
        let (status, size) = (self.status, self.size);
        Box::pin(async move {
            Ok(HttpResponse {
                status,
                headers: vec![],
                body: if status == 200 {
                    call_of_size(size)
                } else {
                    vec![b'z'; size]
                },
            })
        })
    }
}

#[tokio::test]
async fn a_transport_that_reads_past_the_limits_is_held_to_them() {
    let careless = |status, size| {
        Client::builder(KEY)
            .transport(Careless { status, size })
            .max_retries(0)
            .max_response_size(1000)
            .build()
            .unwrap()
    };
    let err = retrieve(&careless(200, 1001)).await.unwrap_err();
    assert!(
        matches!(err, Error::InvalidResponse { status: 200, .. }),
        "{err:?}"
    );
    assert_eq!(retrieve(&careless(200, 1000)).await.unwrap().id, CALL_ID);
    let err = retrieve(&careless(503, 1 << 20)).await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(api.body.len(), ERROR_BODY_BYTES);
}

#[tokio::test]
async fn max_response_size_is_checked() {
    for bad in [0, MAX_RESPONSE_BYTES_CEILING + 1] {
        let err = Client::builder(KEY)
            .max_response_size(bad)
            .build()
            .unwrap_err();
        assert!(
            matches!(&err, Error::Validation { field, .. } if field == "max_response_size"),
            "{bad}: {err:?}"
        );
    }
    assert!(Client::builder(KEY)
        .max_response_size(MAX_RESPONSE_BYTES_CEILING)
        .build()
        .is_ok());
}
