//! The native transport: `reqwest` (hyper on tokio).

use super::{BodyBuffer, HttpRequest, HttpResponse, Transport, TransportError, TransportFuture};

/// Sends requests with a [`reqwest::Client`] (natively; needs a tokio runtime). Without the
/// crate's `rustls` or `native-tls` feature (or reqwest's own TLS features enabled elsewhere
/// in your build) it speaks plain HTTP only, which the client allows to loopback hosts.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport over a new `reqwest::Client` that never follows redirects.
    pub fn new() -> Result<ReqwestTransport, TransportError> {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map(ReqwestTransport::with_client)
            .map_err(|e| TransportError::NotSent(e.to_string()))
    }

    /// A transport over your own client (proxies, TLS roots, connection pool). Configure it
    /// with `redirect::Policy::none()`: a redirected POST must not be re-sent elsewhere.
    pub fn with_client(client: reqwest::Client) -> ReqwestTransport {
        ReqwestTransport { client }
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        Box::pin(async move {
            let method = reqwest::Method::from_bytes(request.method.as_bytes())
                .map_err(|e| TransportError::NotSent(e.to_string()))?;
            let mut builder = self.client.request(method, &request.url);
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            if let Some(body) = request.body.clone() {
                builder = builder.body(body);
            }
            let https = request.url.starts_with("https://");
            let mut response = builder.send().await.map_err(|e| {
                // A builder error or a failed connect happens before any byte is sent.
                if e.is_builder() || e.is_connect() {
                    let mut text = describe(&e);
                    // reqwest built without TLS refuses https URLs with this message.
                    if https && text.contains("scheme is not http") {
                        text.push_str(
                            " (this build of reqwest has no TLS: enable the callingbox feature \
                             `rustls` or `native-tls`)",
                        );
                    }
                    TransportError::NotSent(text)
                } else {
                    TransportError::Lost(describe(&e))
                }
            })?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
                .collect();
            // Chunk by chunk, up to the client's limit: the rest is never read (dropping the
            // response closes its connection).
            let mut body = BodyBuffer::new(request.body_limit(status));
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| TransportError::Lost(describe(&e)))?
            {
                if body.push(&chunk) {
                    break;
                }
            }
            let body = body.into_bytes();
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}

/// The error with its causes (reqwest's own message is often just "error sending request").
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
