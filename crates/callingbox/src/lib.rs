//! The CallingBox API client for Rust: typed models of every resource, parameter and enum,
//! and an async [`Client`] that works natively (reqwest on tokio), in the browser (gloo-net)
//! and in Cloudflare Workers (workers-rs `Fetch`).
//!
//! Everything that decides something — E.164 checks, URLs and headers, retries and
//! `Idempotency-Key`s, "outcome unknown", response and error decoding, webhook signatures —
//! is `callingbox-core`, the same sans-IO core the npm package runs as WebAssembly, so both
//! clients behave the same. This crate sends, sleeps and converts.
//!
//! ```no_run
//! # async fn run() -> Result<(), callingbox::Error> {
//! use callingbox::{AgentCreateParams, CallCreateParams, Client};
//!
//! let client = Client::new(std::env::var("CALLINGBOX_API_KEY").unwrap_or_default())?;
//! let agent = client
//!     .agents()
//!     .create(AgentCreateParams::new("Reminders", "outbound").instructions("Confirm the booking"))
//!     .await?;
//! let call = client
//!     .calls()
//!     .create(CallCreateParams::new(agent.id, "+15551234567"))
//!     .await?;
//! println!("dispatched {}", call.id);
//! # Ok(())
//! # }
//! ```
//!
//! # Lists and waiting
//! `list_all` streams every item of a paged list (`calls`, `numbers`), asking for the next page
//! as the stream is read; [`Calls::create_and_wait`] and [`Calls::wait_until_done`] follow a
//! call to its end ([`WaitOptions`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), callingbox::Error> {
//! use callingbox::emulator::EmulatorTransport;
//! use callingbox::{CallsListParams, Client};
//! use futures_util::TryStreamExt;
//!
//! let client = Client::builder("sk_test_emulator_local")
//!     .transport(EmulatorTransport::new())
//!     .build()?;
//! let mut calls = client.calls().list_all(CallsListParams::new().limit(100));
//! while let Some(call) = calls.try_next().await? {
//!     println!("{} {:?}", call.id, call.status);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Errors
//! Every method returns [`Error`]: validation before any I/O ([`Error::Validation`],
//! [`Error::InvalidPhoneNumber`]), the API's answers ([`Error::Api`], with the status kind and
//! the request id), transport failures ([`Error::Connection`], [`Error::Timeout`]), unreadable
//! answers ([`Error::InvalidResponse`]) and POSTs that may have taken effect
//! ([`Error::OutcomeUnknown`], with the `Idempotency-Key` to settle them).
//!
//! # Transports and features
//! | feature | target | transport |
//! |---|---|---|
//! | `reqwest` (default) | native | [`transport::ReqwestTransport`] (add `rustls` or `native-tls` for HTTPS) |
//! | `gloo-net` (default) | wasm32 (browser, Node, Deno) | `transport::GlooTransport` |
//! | `worker` | wasm32 (Cloudflare Workers) | `transport::WorkerTransport` |
//! | `emulator` | any | `emulator::EmulatorTransport` (the emulator in process, for tests) |
//!
//! Any type implementing [`Transport`] can be passed to [`ClientBuilder::transport`].
//! Timeouts and backoff use tokio's timer natively and `setTimeout` (gloo-timers) in wasm32;
//! a request is cancelled by dropping its future.

mod client;
#[cfg(feature = "emulator")]
pub mod emulator;
mod error;
mod generated;
mod pages;
mod runtime;
pub mod transport;
mod wait;
mod webhooks;

pub use client::{Client, ClientBuilder, RequestOptions, RetryInfo};
pub use error::{ApiError, ApiErrorKind, Error};
pub use generated::*;
pub use transport::Transport;
pub use wait::WaitOptions;
pub use webhooks::{Event, Webhooks};

/// A JSON object (`context`, `metadata`, `result`, unknown fields).
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

/// One page of a list (`{ data, has_more }`; a bare array from the API reads as one page
/// with `has_more: false`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The objects, newest first.
    pub data: Vec<T>,
    /// More objects exist past this page (pass the last id as `starting_after`).
    #[serde(default)]
    pub has_more: bool,
}
