//! The one seam between the client and the network: a [`Transport`] sends one
//! [`HttpRequest`] and returns the [`HttpResponse`] (any status) or a [`TransportError`].
//! Everything else — URLs, headers, retries, timeouts, decoding — is the client's.

use core::future::Future;
use core::pin::Pin;

/// A request ready to send. The client never asks a transport to follow redirects.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpRequest {
    /// `GET`, `POST`, `PATCH`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The whole URL, query included.
    pub url: String,
    /// Header names and values, to send as they are (they include the API key).
    pub headers: Vec<(String, String)>,
    /// The JSON body, if any.
    pub body: Option<String>,
    /// The most a 2xx answer's body may hold ([`ClientBuilder::max_response_size`]); see
    /// [`HttpRequest::body_limit`].
    ///
    /// [`ClientBuilder::max_response_size`]: crate::ClientBuilder::max_response_size
    pub max_response_size: usize,
}

impl HttpRequest {
    /// A request without headers or body, and the default
    /// [`max_response_size`](HttpRequest::max_response_size) (for a transport's own tests).
    pub fn new(method: &'static str, url: impl Into<String>) -> HttpRequest {
        HttpRequest {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
            max_response_size: crate::MAX_RESPONSE_BYTES,
        }
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }

    /// How many bytes of an answer with `status` the client reads: `max_response_size` of a
    /// 2xx body (more is an invalid response), [`ERROR_BODY_BYTES`] of any other (clipped). A
    /// transport reads one byte past it at most, and then stops ([`BodyBuffer`]): a server
    /// that sends a huge or endless body costs no more memory than that.
    ///
    /// [`ERROR_BODY_BYTES`]: crate::ERROR_BODY_BYTES
    pub fn body_limit(&self, status: u16) -> usize {
        if (200..300).contains(&status) {
            self.max_response_size
        } else {
            crate::ERROR_BODY_BYTES
        }
    }
}

/// A body read in chunks, up to one byte past a limit ([`HttpRequest::body_limit`]): the byte
/// past it tells the client the body was longer, and nothing after it is kept.
///
/// ```
/// use callingbox::transport::BodyBuffer;
///
/// let mut body = BodyBuffer::new(4);
/// assert!(!body.push(b"abc"));
/// assert!(body.push(b"defgh")); // full: stop reading
/// assert_eq!(body.into_bytes(), b"abcde");
/// ```
#[derive(Debug, Default)]
pub struct BodyBuffer {
    bytes: Vec<u8>,
    cap: usize,
}

impl BodyBuffer {
    /// An empty body that keeps at most `limit + 1` bytes.
    pub fn new(limit: usize) -> BodyBuffer {
        BodyBuffer {
            bytes: Vec::new(),
            cap: limit.saturating_add(1),
        }
    }

    /// Adds the next chunk (what fits of it); `true` once the body is past the limit, when
    /// the transport stops reading.
    pub fn push(&mut self, chunk: &[u8]) -> bool {
        let room = self.cap.saturating_sub(self.bytes.len());
        let take = chunk.get(..room.min(chunk.len())).unwrap_or_default();
        // Grown by doubling, as a Vec grows, but never past the cap (a Vec's own doubling
        // could reserve twice the limit).
        let want = self.bytes.len() + take.len();
        if want > self.bytes.capacity() {
            let grown = self
                .bytes
                .capacity()
                .saturating_mul(2)
                .max(want)
                .min(self.cap);
            self.bytes.reserve_exact(grown - self.bytes.len());
        }
        self.bytes.extend_from_slice(take);
        self.bytes.len() >= self.cap
    }

    /// The bytes read.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// An answer, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// Header names and values as received (the client reads `x-request-id`, `retry-after`,
    /// `retry-after-ms` and `location`, case-insensitively).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }
}

fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a transport has no answer. The difference between the first two decides whether a
/// POST's outcome is unknown, so say [`TransportError::NotSent`] only when the request
/// certainly never left (a refused connection, a DNS failure, a TLS handshake failure).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The request certainly never reached the server.
    #[error("{0}")]
    NotSent(String),
    /// The connection failed after the request may have been sent (reset, dropped, the body
    /// could not be read): the server may have processed it.
    #[error("{0}")]
    Lost(String),
    /// The caller aborted the request (a transport that honours an abort signal).
    #[error("{0}")]
    Aborted(String),
}

/// The future a [`Transport`] returns: `Send` natively (so the client works on a
/// multi-threaded runtime), not in wasm32 (JS promises are not `Send`).
#[cfg(not(target_arch = "wasm32"))]
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'a>>;
/// The future a [`Transport`] returns: `Send` natively (so the client works on a
/// multi-threaded runtime), not in wasm32 (JS promises are not `Send`).
#[cfg(target_arch = "wasm32")]
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + 'a>>;

/// Sends HTTP requests: implement it to plug in an HTTP stack of your own (or a test
/// double). The client applies timeouts by dropping the future, so a transport needs no
/// timeout of its own, and must not follow redirects or retry by itself.
///
/// ```
/// use callingbox::transport::{HttpRequest, HttpResponse, Transport, TransportError, TransportFuture};
///
/// /// Answers every request with 503 (a transport for a test).
/// struct Unavailable;
///
/// impl Transport for Unavailable {
///     fn send(&self, _request: HttpRequest) -> TransportFuture<'_> {
///         Box::pin(async {
///             Ok(HttpResponse { status: 503, ..HttpResponse::default() })
///         })
///     }
/// }
/// ```
pub trait Transport: MaybeSendSync {
    /// Sends `request` once and returns the answer, whatever its status.
    fn send(&self, request: HttpRequest) -> TransportFuture<'_>;
}

/// `Send + Sync` natively; nothing in wasm32 (JS values are neither).
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSendSync: Send + Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + Sync + ?Sized> MaybeSendSync for T {}
/// `Send + Sync` natively; nothing in wasm32 (JS values are neither).
#[cfg(target_arch = "wasm32")]
pub trait MaybeSendSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSendSync for T {}

#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
mod reqwest_transport;
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
pub use reqwest_transport::ReqwestTransport;

/// Aborts its controller's fetch when dropped (a no-op once the answer was read whole): the
/// fetch transports hold one while they send, so that a request the client gave up on (its
/// timeout drops the future) or a body it stopped reading does not go on without it.
#[cfg(all(target_arch = "wasm32", any(feature = "gloo-net", feature = "worker")))]
struct AbortOnDrop(Option<web_sys::AbortController>);

#[cfg(all(target_arch = "wasm32", any(feature = "gloo-net", feature = "worker")))]
impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = self.0.take() {
            controller.abort();
        }
    }
}

#[cfg(all(feature = "gloo-net", target_arch = "wasm32"))]
mod gloo_transport;
#[cfg(all(feature = "gloo-net", target_arch = "wasm32"))]
pub use gloo_transport::GlooTransport;

#[cfg(all(feature = "worker", target_arch = "wasm32"))]
mod worker_transport;
#[cfg(all(feature = "worker", target_arch = "wasm32"))]
pub use worker_transport::WorkerTransport;
