//! The Cloudflare Workers transport: workers-rs `Fetch`.

use web_sys::AbortController;
use worker::{AbortSignal, Fetch, Headers, Method, Request, RequestInit, RequestRedirect};

use futures_util::StreamExt;

use super::{
    AbortOnDrop, BodyBuffer, HttpRequest, HttpResponse, Transport, TransportError, TransportFuture,
};

/// Sends requests with the Workers runtime's `fetch` (workers-rs [`Fetch`]). Redirects are
/// not followed.
#[derive(Debug, Clone, Default)]
pub struct WorkerTransport {
    _private: (),
}

impl WorkerTransport {
    /// The transport.
    pub fn new() -> WorkerTransport {
        WorkerTransport::default()
    }
}

impl Transport for WorkerTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        Box::pin(async move {
            let not_sent = |e: worker::Error| TransportError::NotSent(e.to_string());
            let headers = Headers::new();
            for (name, value) in &request.headers {
                headers.set(name, value).map_err(not_sent)?;
            }
            let mut init = RequestInit::new();
            init.with_method(Method::from(request.method.to_string()))
                .with_headers(headers)
                .with_redirect(RequestRedirect::Manual);
            if let Some(body) = request.body.clone() {
                init.with_body(Some(body.into()));
            }
            let req = Request::new_with_init(&request.url, &init).map_err(not_sent)?;
            // (web-sys's AbortController: its constructor returns a Result where workers-rs's
            // would panic.)
            let abort = AbortOnDrop(AbortController::new().ok());
            let fetch = Fetch::Request(req);
            let sent = match &abort.0 {
                Some(controller) => {
                    fetch
                        .send_with_signal(&AbortSignal::from(controller.signal()))
                        .await
                }
                None => fetch.send().await,
            };
            let mut response = sent.map_err(|e| TransportError::Lost(e.to_string()))?;
            let status = response.status_code();
            let headers = response.headers().entries().collect();
            let lost = |e: worker::Error| TransportError::Lost(e.to_string());
            // A streamed body is read chunk by chunk, up to the client's limit; the rest is
            // never read (dropping the stream cancels it). Another body is already in memory.
            let body = match response.stream() {
                Ok(mut stream) => {
                    let mut body = BodyBuffer::new(request.body_limit(status));
                    while let Some(chunk) = stream.next().await {
                        if body.push(&chunk.map_err(lost)?) {
                            break;
                        }
                    }
                    body.into_bytes()
                }
                Err(_) => response.bytes().await.map_err(lost)?,
            };
            drop(abort); // (the body was read: nothing left to stop, or the rest not wanted)
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}
