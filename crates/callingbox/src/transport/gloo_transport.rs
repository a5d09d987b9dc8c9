//! The browser transport: the global `fetch`, through gloo-net (which binds it once, without
//! `window`, so it also works in Node, Deno and workers).

use gloo_net::http::{Method, RequestBuilder};
use web_sys::RequestRedirect;

use super::{HttpRequest, HttpResponse, Transport, TransportError, TransportFuture};

/// Sends requests with the global `fetch` (gloo-net). Redirects are not followed.
#[derive(Debug, Clone, Default)]
pub struct GlooTransport {
    _private: (),
}

impl GlooTransport {
    /// The transport.
    pub fn new() -> GlooTransport {
        GlooTransport::default()
    }
}

impl Transport for GlooTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        Box::pin(async move {
            let method = Method::from_bytes(request.method.as_bytes())
                .map_err(|e| TransportError::NotSent(e.to_string()))?;
            let mut builder = RequestBuilder::new(&request.url)
                .method(method)
                .redirect(RequestRedirect::Manual);
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            let ready = match request.body {
                Some(body) => builder.body(body),
                None => builder.build(),
            }
            .map_err(|e| TransportError::NotSent(e.to_string()))?;
            // fetch rejects with a bare TypeError whether or not the request left: the
            // server may have seen it.
            let response = ready
                .send()
                .await
                .map_err(|e| TransportError::Lost(e.to_string()))?;
            // A manual redirect is an opaque response with status 0: report it as a redirect,
            // which the client refuses to follow.
            let status = match response.status() {
                0 => 302,
                s => s,
            };
            let headers = response.headers().entries().collect();
            let body = response
                .binary()
                .await
                .map_err(|e| TransportError::Lost(e.to_string()))?;
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}
