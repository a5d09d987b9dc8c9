//! The reqwest transport over real HTTP on 127.0.0.1, against the emulator served by a small
//! loopback server in this test (so `cargo test` needs nothing but Rust).

// Native: wasm32 runs tests/wasm.rs.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed step should stop the test.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use std::time::Duration;

use callingbox::emulator::EmulatorTransport;
use callingbox::transport::{HttpRequest, Transport};
use callingbox::{CallCreateParams, Client, Error};
use callingbox_emulator::FaultKind;
use support::{every_endpoint, outbound_agent, KEY};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Serves `emulator` over HTTP/1.1 on 127.0.0.1 (one request per connection); a dropped
/// request closes the connection without an answer. Returns the base URL.
async fn serve(emulator: EmulatorTransport) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(handle(stream, emulator.clone()));
        }
    });
    url
}

async fn handle(stream: TcpStream, emulator: EmulatorTransport) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).await.unwrap();
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
            headers.push((name.to_string(), value.trim().to_string()));
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.unwrap();
    let method: &'static str = match method.as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "PATCH" => "PATCH",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        _ => "OPTIONS",
    };
    let mut request = HttpRequest::new(method, target);
    request.headers = headers;
    request.body = (!body.is_empty()).then(|| String::from_utf8(body).unwrap());
    // The emulator's faults come back as transport errors: a drop closes the connection.
    let Ok(response) = emulator.send(request).await else {
        return;
    };
    let mut stream = reader.into_inner();
    let mut head = format!("HTTP/1.1 {} X\r\n", response.status);
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        response.body.len()
    ));
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(&response.body).await;
    let _ = stream.shutdown().await;
}

fn client(url: &str) -> Client {
    Client::builder(KEY)
        .base_url(url)
        .initial_retry_delay(Duration::from_millis(1))
        .max_retry_delay(Duration::from_millis(20))
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_endpoint_over_http() {
    let url = serve(EmulatorTransport::new()).await;
    every_endpoint(&client(&url)).await;
}

#[tokio::test]
async fn a_dropped_connection_is_retried_without_a_duplicate_call() {
    let emulator = EmulatorTransport::new();
    let url = serve(emulator.clone()).await;
    let client = client(&url);
    let agent = outbound_agent(&client).await;
    emulator
        .emulator()
        .queue_fault(FaultKind::DropAfterProcessing);
    client
        .calls()
        .create(CallCreateParams::new(agent.id.clone(), "+14155550123"))
        .await
        .unwrap();
    let stats = emulator.emulator().stats();
    assert_eq!(stats.calls_placed, 1);
    assert_eq!(stats.faults_dropped, 1);
    assert_eq!(stats.idempotent_replays, 1);
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error_even_for_a_post() {
    // A port nobody listens on: bind one, then close it.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client(&format!("http://127.0.0.1:{port}"));
    let err = client
        .calls()
        .create(CallCreateParams::new(
            "0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74",
            "+14155550123",
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Connection { attempts: 3, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn https_without_a_tls_feature_says_which_feature_to_enable() {
    // The tests build reqwest without TLS: the https default fails before connecting.
    let client = Client::builder(KEY).max_retries(0).build().unwrap();
    let err = client.calls().retrieve("c1").await.unwrap_err();
    assert!(
        matches!(&err, Error::Connection { message, .. } if message.contains("`rustls` or `native-tls`")),
        "{err:?}"
    );
}
