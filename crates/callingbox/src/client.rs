//! The async client: thin glue around `callingbox-core`. Each request is built, retried and
//! decoded by the core; this module only sends, sleeps and converts.

// In wasm32 a transport holds JS values (neither Send nor Sync); one `Arc` type serves both
// targets, and natively the transport is Send + Sync.
#![cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]

use std::sync::Arc;
use std::time::Duration;

use callingbox_core::error::Error as CoreError;
use callingbox_core::json::Value;
use callingbox_core::ops::{self, Method};
use callingbox_core::request::{self, ClientConfig};
use callingbox_core::response::{self, Output};
use callingbox_core::retry::{self, Attempt, Call, Decision, Outcome, RetryConfig};
use futures_util::future::{select, Either};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{redact, Error};
use crate::runtime::{self, Instant};
use crate::transport::{HttpRequest, HttpResponse, Transport, TransportError};

/// The CallingBox API client. Cheap to clone (the settings and the transport are shared);
/// its resource methods (`client.calls().create(...)`) are `async` and cancelled by dropping
/// their future.
///
/// ```no_run
/// # async fn run() -> Result<(), callingbox::Error> {
/// use callingbox::{CallCreateParams, Client};
///
/// let client = Client::new("sk_live_...")?;
/// let call = client
///     .calls()
///     .create(CallCreateParams::new("3f0c...agent-id", "+15551234567").instructions("Confirm the 3 pm booking"))
///     .await?;
/// println!("{} is {}", call.id, call.status.map(|s| s.to_string()).unwrap_or_default());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    options: RequestOptions,
}

struct Inner {
    config: ClientConfig,
    /// The client's retry options, as the core's option names and values (ms).
    retry: Vec<(&'static str, f64)>,
    transport: Arc<dyn Transport>,
    on_retry: Option<OnRetry>,
    max_response_size: usize,
}

/// The hook of [`ClientBuilder::on_retry`].
type OnRetry = Arc<dyn Fn(&RetryInfo) + Send + Sync>;

/// What [`ClientBuilder::on_retry`] is told before the client waits to retry.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryInfo {
    /// The operation (`calls.create`).
    pub operation: &'static str,
    /// The attempt that failed (1 for the first).
    pub attempt: u32,
    /// Why it is retried: `rate_limited`, `server_error`, `timeout`, `connection_lost`, ...
    pub reason: &'static str,
    /// How long the client waits before the next attempt.
    pub delay: Duration,
    /// The failed attempt's HTTP status, when the API answered.
    pub status: Option<u16>,
    /// The `Idempotency-Key` every attempt of a POST carries.
    pub idempotency_key: Option<String>,
}

impl std::fmt::Debug for Client {
    // The API key is never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.config.base_url)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Settings for the requests made through one [`Client`] handle (see [`Client::with_options`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestOptions {
    idempotency_key: Option<String>,
    max_retries: Option<u32>,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    /// Headers over the client's (`None`: drop one of the client's).
    headers: Vec<(String, Option<String>)>,
}

impl RequestOptions {
    /// No overrides: the client's settings.
    pub fn new() -> RequestOptions {
        RequestOptions::default()
    }

    /// The `Idempotency-Key` of a POST (1-255 printable ASCII characters, no leading or
    /// trailing space). Without one, each POST gets a random UUID, reused across its
    /// retries. Pass the key from an [`Error::OutcomeUnknown`] to settle that outcome.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> RequestOptions {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Retries after the first attempt (default 2).
    pub fn max_retries(mut self, n: u32) -> RequestOptions {
        self.max_retries = Some(n);
        self
    }

    /// Per-attempt timeout (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> RequestOptions {
        self.timeout = Some(timeout);
        self
    }

    /// Budget for the whole request, every attempt and wait included (default none).
    pub fn deadline(mut self, deadline: Duration) -> RequestOptions {
        self.deadline = Some(deadline);
        self
    }

    /// A header for these requests, over a client header of the same name (not
    /// `Authorization`, `Content-Type` or `Idempotency-Key`, which the client sets, nor a
    /// name the Fetch standard forbids).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> RequestOptions {
        self.headers.push((name.into(), Some(value.into())));
        self
    }

    /// Leaves out a header the client was built with ([`ClientBuilder::header`]).
    pub fn remove_header(mut self, name: impl Into<String>) -> RequestOptions {
        self.headers.push((name.into(), None));
        self
    }
}

/// Builds a [`Client`] ([`Client::builder`]).
pub struct ClientBuilder {
    api_key: String,
    base_url: Option<String>,
    default_headers: Vec<(String, String)>,
    allow_insecure_http: bool,
    default_country: Option<String>,
    retry: Vec<(&'static str, f64)>,
    transport: Option<Arc<dyn Transport>>,
    on_retry: Option<OnRetry>,
    max_response_size: Option<usize>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl ClientBuilder {
    /// The API's address (default `https://api.callingbox.io`; `http://` only to a loopback
    /// host unless [`ClientBuilder::allow_insecure_http`]).
    pub fn base_url(mut self, url: impl Into<String>) -> ClientBuilder {
        self.base_url = Some(url.into());
        self
    }

    /// A header sent with every request (not `Authorization`, `Content-Type`,
    /// `Idempotency-Key`, nor a name the Fetch standard forbids).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> ClientBuilder {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Lets an `http://` base URL name a host that is not loopback (the key then crosses
    /// the network in clear text).
    pub fn allow_insecure_http(mut self, allow: bool) -> ClientBuilder {
        self.allow_insecure_http = allow;
        self
    }

    /// The region national phone numbers are read with (`"US"`: `(415) 555-0100` →
    /// `+14155550100`); by default numbers must be international (`+…`).
    pub fn default_country(mut self, region: impl Into<String>) -> ClientBuilder {
        self.default_country = Some(region.into());
        self
    }

    /// Retries after the first attempt (default 2).
    pub fn max_retries(mut self, n: u32) -> ClientBuilder {
        self.retry.push(("maxRetries", f64::from(n)));
        self
    }

    /// Per-attempt timeout (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.retry.push(("timeout", ms(timeout)));
        self
    }

    /// Budget for each whole request, every attempt and wait included (default none).
    pub fn deadline(mut self, deadline: Duration) -> ClientBuilder {
        self.retry.push(("deadline", ms(deadline)));
        self
    }

    /// First backoff delay (default 500 ms), doubled for each further retry.
    pub fn initial_retry_delay(mut self, delay: Duration) -> ClientBuilder {
        self.retry.push(("initialRetryDelay", ms(delay)));
        self
    }

    /// Cap of the computed backoff (default 8 s).
    pub fn max_backoff(mut self, delay: Duration) -> ClientBuilder {
        self.retry.push(("maxBackoff", ms(delay)));
        self
    }

    /// Cap of every wait, the server's `Retry-After` included (default 60 s).
    pub fn max_retry_delay(mut self, delay: Duration) -> ClientBuilder {
        self.retry.push(("maxRetryDelay", ms(delay)));
        self
    }

    /// Called before each retry (to log or count them), with why and after how long. It runs
    /// inside the request: keep it short, and do not panic in it.
    pub fn on_retry(mut self, hook: impl Fn(&RetryInfo) + Send + Sync + 'static) -> ClientBuilder {
        self.on_retry = Some(Arc::new(hook));
        self
    }

    /// The most bytes a 2xx answer's body may hold (default [`MAX_RESPONSE_BYTES`], 16 MiB, far
    /// above any documented answer; at most [`MAX_RESPONSE_BYTES_CEILING`]). A longer body is
    /// [`Error::InvalidResponse`], and is not read past the limit: a server that sends a huge
    /// or endless body costs no more memory than that. An error body is clipped to
    /// [`ERROR_BODY_BYTES`].
    ///
    /// [`MAX_RESPONSE_BYTES`]: crate::MAX_RESPONSE_BYTES
    /// [`MAX_RESPONSE_BYTES_CEILING`]: crate::MAX_RESPONSE_BYTES_CEILING
    /// [`ERROR_BODY_BYTES`]: crate::ERROR_BODY_BYTES
    pub fn max_response_size(mut self, bytes: usize) -> ClientBuilder {
        self.max_response_size = Some(bytes);
        self
    }

    /// The transport that sends requests (default: reqwest natively, gloo-net in wasm32).
    pub fn transport(mut self, transport: impl Transport + 'static) -> ClientBuilder {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Checks every setting (nothing is sent) and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let mut options = vec![("apiKey".to_string(), Value::String(self.api_key.clone()))];
        if let Some(url) = self.base_url {
            options.push(("baseUrl".into(), Value::String(url)));
        }
        options.push((
            "defaultHeaders".into(),
            Value::Object(
                self.default_headers
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect(),
            ),
        ));
        options.push((
            "allowInsecureHttp".into(),
            Value::Bool(self.allow_insecure_http),
        ));
        if let Some(region) = self.default_country {
            options.push(("defaultCountry".into(), Value::String(region)));
        }
        let mut config = request::config_from_options(&Value::Object(options), None)
            .map_err(|e| Error::from_core(e, &self.api_key))?;
        // Browsers refuse to let a page set User-Agent (and it would need a CORS preflight).
        config.user_agent = (!cfg!(target_arch = "wasm32"))
            .then(|| format!("callingbox-rust/{}", env!("CARGO_PKG_VERSION")));
        retry_config(&self.retry, &RequestOptions::default(), &self.api_key)?;
        let max_response_size = self.max_response_size.unwrap_or(crate::MAX_RESPONSE_BYTES);
        if !(1..=crate::MAX_RESPONSE_BYTES_CEILING).contains(&max_response_size) {
            return Err(Error::Validation {
                field: "max_response_size".into(),
                message: format!(
                    "must be a number of bytes from 1 to {}",
                    crate::MAX_RESPONSE_BYTES_CEILING
                ),
            });
        }
        let transport = match self.transport {
            Some(t) => t,
            None => default_transport()?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                retry: self.retry,
                transport,
                on_retry: self.on_retry,
                max_response_size,
            }),
            options: RequestOptions::default(),
        })
    }
}

#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
fn default_transport() -> Result<Arc<dyn Transport>, Error> {
    crate::transport::ReqwestTransport::new()
        .map(|t| Arc::new(t) as Arc<dyn Transport>)
        .map_err(|e| Error::Validation {
            field: "transport".into(),
            message: format!("could not be created: {e}"),
        })
}

#[cfg(all(feature = "gloo-net", target_arch = "wasm32"))]
fn default_transport() -> Result<Arc<dyn Transport>, Error> {
    Ok(Arc::new(crate::transport::GlooTransport::new()))
}

#[cfg(not(any(
    all(feature = "reqwest", not(target_arch = "wasm32")),
    all(feature = "gloo-net", target_arch = "wasm32")
)))]
fn default_transport() -> Result<Arc<dyn Transport>, Error> {
    Err(Error::Validation {
        field: "transport".into(),
        message: "is required: this build has no default transport (pass one with \
                  ClientBuilder::transport)"
            .into(),
    })
}

/// The core's retry settings from the client's options and a request's overrides (the core
/// checks every value).
fn retry_config(
    client: &[(&'static str, f64)],
    request: &RequestOptions,
    api_key: &str,
) -> Result<RetryConfig, Error> {
    let mut options: Vec<(String, Value)> = client
        .iter()
        .map(|(k, v)| (k.to_string(), Value::Number(*v)))
        .collect();
    let overrides = [
        ("maxRetries", request.max_retries.map(f64::from)),
        ("timeout", request.timeout.map(ms)),
        ("deadline", request.deadline.map(ms)),
    ];
    for (name, value) in overrides {
        if let Some(v) = value {
            options.push((name.to_string(), Value::Number(v)));
        }
    }
    // Later entries win: the core reads the first of a name, so keep only the last.
    let mut unique: Vec<(String, Value)> = Vec::new();
    for (k, v) in options.into_iter().rev() {
        if !unique.iter().any(|(u, _)| *u == k) {
            unique.push((k, v));
        }
    }
    retry::config_from_options(&Value::Object(unique)).map_err(|e| Error::from_core(e, api_key))
}

/// An `Idempotency-Key` must be one header value: 1-255 printable ASCII characters, no
/// leading or trailing space.
fn check_idempotency_key(key: &str) -> Result<(), Error> {
    let bytes = key.as_bytes();
    let ok = !bytes.is_empty()
        && bytes.len() <= 255
        && bytes.iter().all(|b| (0x20..=0x7e).contains(b))
        && !key.starts_with(' ')
        && !key.ends_with(' ');
    if ok {
        Ok(())
    } else {
        Err(Error::Validation {
            field: "idempotencyKey".into(),
            message: "must be 1-255 printable ASCII characters (no line breaks, no leading or \
                      trailing spaces)"
                .into(),
        })
    }
}

/// What one attempt came to.
enum Answer {
    Response(HttpResponse),
    Failed(TransportError),
    TimedOut(u64),
}

impl Client {
    /// A client for `api_key` with the default settings and transport.
    pub fn new(api_key: impl Into<String>) -> Result<Client, Error> {
        Client::builder(api_key).build()
    }

    /// A builder, for a base URL, retries, timeouts, headers or a transport of your own.
    pub fn builder(api_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            api_key: api_key.into(),
            base_url: None,
            default_headers: Vec::new(),
            allow_insecure_http: false,
            default_country: None,
            retry: Vec::new(),
            transport: None,
            on_retry: None,
            max_response_size: None,
        }
    }

    /// A handle whose requests use `options` (an `Idempotency-Key`, retries, timeouts); the
    /// settings and the transport stay shared with `self`.
    ///
    /// ```no_run
    /// # async fn run(client: callingbox::Client, params: callingbox::CallCreateParams) -> Result<(), callingbox::Error> {
    /// use callingbox::RequestOptions;
    ///
    /// let call = client
    ///     .with_options(RequestOptions::new().idempotency_key("order-1234-reminder"))
    ///     .calls()
    ///     .create(params)
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client {
            inner: self.inner.clone(),
            options,
        }
    }

    /// The API key, to remove it from texts that reach an error.
    pub(crate) fn api_key(&self) -> &str {
        self.inner.config.api_key.as_str()
    }

    /// This handle with its requests bounded to `left` in all, retries included (a shorter
    /// deadline of its own stays).
    pub(crate) fn within(&self, left: Duration) -> Client {
        let mut options = self.options.clone();
        options.deadline = Some(options.deadline.map_or(left, |d| d.min(left)));
        Client {
            inner: self.inner.clone(),
            options,
        }
    }

    /// Sends operation `op_name` (`calls.create`) with path `ids` and `params`, retrying as
    /// the core decides, and decodes the answer into `T`.
    pub(crate) async fn request<P: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        op_name: &'static str,
        ids: &[&str],
        params: Option<&P>,
    ) -> Result<T, Error> {
        let inner = &*self.inner;
        let key = inner.config.api_key.as_str();
        let core = |e: CoreError| Error::from_core(e, key);
        let op = ops::find(op_name).ok_or_else(|| Error::Validation {
            field: "operation".into(),
            message: format!("{op_name} is unknown"),
        })?;
        let params = params.map(core_value).transpose()?;
        let retry_cfg = retry_config(&inner.retry, &self.options, key)?;
        let post = op.method == Method::Post;
        let idempotency_key = match (&self.options.idempotency_key, post) {
            (_, false) => None,
            (Some(k), true) => {
                check_idempotency_key(k)?;
                Some(k.clone())
            }
            (None, true) => {
                Some(
                    runtime::new_idempotency_key().map_err(|e| Error::Connection {
                        operation: op.name.into(),
                        message: format!("no randomness for an Idempotency-Key: {e}"),
                        attempts: 0,
                        deadline: false,
                    })?,
                )
            }
        };
        let merged;
        let config = if self.options.headers.is_empty() {
            &inner.config
        } else {
            let mut with = inner.config.clone();
            with.add_headers(&self.options.headers).map_err(core)?;
            merged = with;
            &merged
        };
        let built = request::build(config, op, ids, params.as_ref(), idempotency_key.as_deref())
            .map_err(core)?;
        let req = HttpRequest {
            method: built.method,
            url: built.url,
            headers: built.headers,
            body: built.body,
            max_response_size: inner.max_response_size,
        };

        let started = Instant::now();
        let mut timeout = retry::first_timeout(&retry_cfg);
        let mut ambiguous = false;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let timeout_ms = timeout as u64;
            let answer = match select(
                inner.transport.send(req.clone()),
                Box::pin(runtime::sleep(timeout_ms)),
            )
            .await
            {
                Either::Left((Ok(mut response), _)) => {
                    if !(200..300).contains(&response.status) {
                        // Whatever reads an error body reads at most ERROR_BODY_BYTES of it,
                        // without the key.
                        response.body = error_body(&response.body, key);
                    } else if response.body.len() > inner.max_response_size {
                        // Not read past the limit (a transport of one's own may have read it).
                        return Err(Error::InvalidResponse {
                            status: response.status,
                            message: format!(
                                "{}: the API answered {} with a body larger than \
                                 max_response_size ({} bytes)",
                                op.name, response.status, inner.max_response_size
                            ),
                            request_id: response
                                .header("x-request-id")
                                .map(|id| redact(id.to_string(), key)),
                        });
                    }
                    Answer::Response(response)
                }
                Either::Left((Err(e), _)) => Answer::Failed(e),
                Either::Right(_) => Answer::TimedOut(timeout_ms),
            };
            let outcome = match &answer {
                Answer::Response(r) => Outcome::Response {
                    status: r.status,
                    retry_after: r.header("retry-after"),
                    retry_after_ms: r.header("retry-after-ms"),
                },
                Answer::Failed(TransportError::NotSent(_)) => Outcome::ConnectionFailedBeforeSend,
                Answer::Failed(TransportError::Lost(_)) => Outcome::ConnectionLost,
                Answer::Failed(TransportError::Aborted(message)) => {
                    return Err(Error::Aborted {
                        operation: op.name.into(),
                        message: redact(message.clone(), key),
                        idempotency_key,
                    })
                }
                Answer::TimedOut(_) => Outcome::Timeout,
            };
            let decision = retry::decide(
                &retry_cfg,
                Call {
                    is_post: post,
                    has_idempotency_key: idempotency_key.is_some(),
                },
                &Attempt {
                    number: attempt,
                    outcome,
                    ambiguous,
                    jitter: runtime::jitter(),
                    elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
                    now_unix_ms: runtime::now_unix_ms(),
                },
            );
            let reason = match decision {
                Decision::Retry {
                    delay_ms,
                    timeout_ms,
                    ambiguous: still,
                    reason,
                } => {
                    if let Some(hook) = &inner.on_retry {
                        hook(&RetryInfo {
                            operation: op.name,
                            attempt,
                            reason,
                            delay: Duration::from_millis(delay_ms as u64),
                            status: match &answer {
                                Answer::Response(r) => Some(r.status),
                                _ => None,
                            },
                            idempotency_key: idempotency_key.clone(),
                        });
                    }
                    ambiguous = still;
                    timeout = timeout_ms;
                    runtime::sleep(delay_ms as u64).await;
                    continue;
                }
                Decision::Stop {
                    outcome_unknown: true,
                    ..
                } => {
                    let cause = match &answer {
                        Answer::Response(r) => format!("the API answered {}", r.status),
                        Answer::Failed(e) => e.to_string(),
                        Answer::TimedOut(ms) => format!("the attempt timed out after {ms} ms"),
                    };
                    return Err(core(CoreError::OutcomeUnknown {
                        operation: op.name.into(),
                        idempotency_key,
                        cause,
                        attempts: attempt,
                    }));
                }
                Decision::Stop { reason, .. } => reason,
            };
            let deadline = reason == "deadline";
            return match answer {
                Answer::TimedOut(timeout_ms) => Err(Error::Timeout {
                    operation: op.name.into(),
                    timeout_ms,
                    attempts: attempt,
                    deadline,
                }),
                Answer::Failed(e) => Err(Error::Connection {
                    operation: op.name.into(),
                    message: redact(e.to_string(), key),
                    attempts: attempt,
                    deadline,
                }),
                Answer::Response(r) => decode(op, ids, &r, key).map_err(|mut e| {
                    if let Error::Api(api) = &mut e {
                        api.idempotency_key = idempotency_key;
                    }
                    e
                }),
            };
        }
    }
}

/// An error answer's body as the client keeps it, as the npm package keeps it: its first
/// [`ERROR_BODY_BYTES`](crate::ERROR_BODY_BYTES), read as UTF-8 (a byte that is not becomes
/// U+FFFD), without the key (also where the cut leaves only the key's start).
fn error_body(body: &[u8], key: &str) -> Vec<u8> {
    let kept = body.get(..crate::ERROR_BODY_BYTES).unwrap_or(body);
    redact(String::from_utf8_lossy(kept).into_owned(), key).into_bytes()
}

/// The user's parameters as the core's JSON value.
fn core_value<P: Serialize + ?Sized>(params: &P) -> Result<Value, Error> {
    let text = serde_json::to_string(params).map_err(|e| Error::Validation {
        field: "params".into(),
        message: format!("cannot be sent as JSON: {e}"),
    })?;
    Value::parse(&text).map_err(|e| Error::Validation {
        field: "params".into(),
        message: format!("cannot be sent as JSON: {}", e.text()),
    })
}

/// The answer as `T`, or the core's typed error.
fn decode<T: DeserializeOwned>(
    op: &ops::Op,
    ids: &[&str],
    r: &HttpResponse,
    key: &str,
) -> Result<T, Error> {
    // Invalid UTF-8 is read as an empty body, which no resource accepts: InvalidResponse.
    let body = std::str::from_utf8(&r.body).unwrap_or_default();
    let request_id = r.header("x-request-id");
    let first_id = ids.first().copied().unwrap_or_default();
    let output = response::decode(
        op,
        r.status,
        body,
        request_id,
        &[first_id],
        r.header("location"),
    )
    .map_err(|e| Error::from_core(e, key))?;
    let text = match &output {
        Output::Body => body,
        Output::Text(t) => t.as_str(),
    };
    serde_json::from_str(text).map_err(|e| Error::InvalidResponse {
        status: r.status,
        message: format!("{}: {e}", op.name),
        request_id: request_id.map(|id| redact(id.to_string(), key)),
    })
}
