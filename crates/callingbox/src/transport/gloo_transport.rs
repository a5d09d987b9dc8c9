//! The browser transport: the global `fetch`, through gloo-net (which binds it once, without
//! `window`, so it also works in Node, Deno and workers).

use gloo_net::http::{Method, RequestBuilder};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStream, ReadableStreamDefaultReader, RequestRedirect};

use super::{
    AbortOnDrop, BodyBuffer, HttpRequest, HttpResponse, Transport, TransportError, TransportFuture,
};

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
            let abort = AbortOnDrop(AbortController::new().ok());
            let mut builder = RequestBuilder::new(&request.url)
                .method(method)
                .redirect(RequestRedirect::Manual)
                .abort_signal(abort.0.as_ref().map(AbortController::signal).as_ref());
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            let ready = match request.body.clone() {
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
            let body = match response.body() {
                Some(stream) => read_limited(&stream, request.body_limit(status)).await?,
                // No body (a 204, an opaque redirect).
                None => Vec::new(),
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

/// The body, chunk by chunk, up to one byte past `limit` (the caller's [`AbortOnDrop`] then
/// stops the rest), so a huge or endless body is never read to its end.
async fn read_limited(stream: &ReadableStream, limit: usize) -> Result<Vec<u8>, TransportError> {
    let lost = |e: JsValue| TransportError::Lost(describe(&e));
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut body = BodyBuffer::new(limit);
    loop {
        let next = JsFuture::from(reader.read()).await.map_err(lost)?;
        if Reflect::get(&next, &JsValue::from_str("done"))
            .map_err(lost)?
            .is_truthy()
        {
            return Ok(body.into_bytes());
        }
        let value = Reflect::get(&next, &JsValue::from_str("value")).map_err(lost)?;
        let Some(chunk) = value.dyn_ref::<Uint8Array>() else {
            return Err(TransportError::Lost(
                "the body stream gave something other than bytes".into(),
            ));
        };
        if body.push(&chunk.to_vec()) {
            return Ok(body.into_bytes());
        }
    }
}

/// A JS error's message (or the value as text).
fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the body could not be read".into())
}
