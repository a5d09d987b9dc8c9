//! Following a call to its outcome: [`Calls::wait_until_done`] and [`Calls::create_and_wait`].
//! The schedule (`WAIT_*`) and the rule for "over" ([`Call::has_ended`]) are generated from
//! the API description, the same as the JS package's `calls.waitUntilDone`.

use core::fmt;
use std::time::Duration;

use callingbox_core::retry::{retryable_status, MAX_TIMER_MS};
use futures_util::future::{select, Either};

use crate::error::redact;
use crate::generated::{WAIT_GROWTH, WAIT_INTERVAL_MS, WAIT_MAX_INTERVAL_MS, WAIT_TIMEOUT_MS};
use crate::runtime::{self, Instant};
use crate::{Call, CallCreateParams, CallStatus, Calls, Error};

/// How [`Calls::wait_until_done`] and [`Calls::create_and_wait`] wait: how long in all
/// (default one hour, longer than any call), the first interval between polls (default one
/// second; each next one is 1.5 times longer, up to ten seconds or the first interval if that
/// is longer), and a callback for each new status.
///
/// ```
/// use std::time::Duration;
/// use callingbox::WaitOptions;
///
/// let options = WaitOptions::new()
///     .timeout(Duration::from_secs(600))
///     .poll_interval(Duration::from_millis(500))
///     .on_status(|call| println!("{:?}", call.status));
/// ```
#[derive(Default)]
pub struct WaitOptions {
    timeout: Option<Duration>,
    poll_interval: Option<Duration>,
    on_status: Option<OnStatus>,
}

/// The status callback of [`WaitOptions::on_status`].
type OnStatus = Box<dyn FnMut(&Call) + Send>;

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("timeout", &self.timeout)
            .field("poll_interval", &self.poll_interval)
            .field(
                "on_status",
                &self.on_status.as_ref().map(|_| "FnMut(&Call)"),
            )
            .finish()
    }
}

impl WaitOptions {
    /// The defaults.
    pub fn new() -> WaitOptions {
        WaitOptions::default()
    }

    /// How long to wait in all before [`Error::WaitTimeout`] (1 ms to 2³¹ − 1 ms). No poll
    /// outlives it.
    pub fn timeout(mut self, timeout: Duration) -> WaitOptions {
        self.timeout = Some(timeout);
        self
    }

    /// The first interval between polls (1 ms to 2³¹ − 1 ms).
    pub fn poll_interval(mut self, interval: Duration) -> WaitOptions {
        self.poll_interval = Some(interval);
        self
    }

    /// Called with the call each time its status changes (first with the status it has when
    /// the wait starts).
    pub fn on_status(mut self, f: impl FnMut(&Call) + Send + 'static) -> WaitOptions {
        self.on_status = Some(Box::new(f));
        self
    }
}

/// A duration option in milliseconds, checked like the client's timeouts.
fn millis(value: Option<Duration>, default: u64, field: &str) -> Result<u64, Error> {
    let Some(d) = value else {
        return Ok(default);
    };
    let ms = d.as_millis();
    if ms == 0 || ms as f64 > MAX_TIMER_MS {
        return Err(Error::Validation {
            field: field.into(),
            message: "must be a duration from 1 ms to 2147483647 ms".into(),
        });
    }
    Ok(ms as u64)
}

/// The call with the API key removed from every text it carries, for an error (a hostile
/// server may echo the key in any field; the error's message quotes the status). None if it
/// cannot be read back.
fn without_key(call: Call, key: &str) -> Option<Call> {
    let text = serde_json::to_string(&call).ok()?;
    let clean = redact(text.clone(), key);
    if clean == text {
        return Some(call);
    }
    serde_json::from_str(&clean).ok()
}

/// A poll failure that a later poll may not meet: the API unreachable or slow, or a status
/// the core's retry rules retry (408, 429, 5xx).
fn transient(e: &Error) -> bool {
    match e {
        Error::Connection { .. } | Error::Timeout { .. } => true,
        Error::Api(api) => retryable_status(api.status),
        _ => false,
    }
}

impl Calls<'_> {
    /// Polls [`retrieve`](Self::retrieve) until the call is over ([`Call::has_ended`]: a
    /// terminal status, and a completed call's result extracted), and returns it.
    ///
    /// The first poll is made at once, then at growing intervals ([`WaitOptions`]). A poll
    /// that fails for a reason a later one may not meet (the connection, a timeout, or a
    /// status requests are retried on: 408, 429, 5xx) after the request's own retries is
    /// followed by the next poll; any other error ends the wait. After the wait's timeout,
    /// [`Error::WaitTimeout`] carries the last call seen and the last poll's error. Dropping
    /// the future stops the wait.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), callingbox::Error> {
    /// use callingbox::emulator::EmulatorTransport;
    /// use callingbox::{Client, Error, WaitOptions};
    /// use std::time::Duration;
    ///
    /// let client = Client::builder("sk_test_emulator_local")
    ///     .transport(EmulatorTransport::new())
    ///     .build()?;
    /// let options = WaitOptions::new().timeout(Duration::from_millis(50));
    /// match client.calls().wait_until_done("0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74", options).await {
    ///     Err(e) => assert_eq!(e.code(), "not_found"),
    ///     Ok(call) => panic!("no such call: {call:?}"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_until_done(self, id: &str, options: WaitOptions) -> Result<Call, Error> {
        let plan = Plan::new(options)?;
        wait(self, id, None, plan).await
    }

    /// Dispatches a call ([`create`](Self::create), with one `Idempotency-Key` across its
    /// retries: set your own with [`crate::RequestOptions::idempotency_key`] to make a re-run
    /// safe) and waits until it is over, as [`wait_until_done`](Self::wait_until_done) does
    /// (starting with the created call, so the first poll comes after one interval).
    pub async fn create_and_wait(
        self,
        params: CallCreateParams,
        options: WaitOptions,
    ) -> Result<Call, Error> {
        let plan = Plan::new(options)?; // checked before the call is placed
        let call = self.create(params).await?;
        let id = call.id.clone();
        wait(self, &id, Some(call), plan).await
    }
}

/// [`WaitOptions`], checked, with the defaults filled in.
struct Plan {
    timeout_ms: u64,
    first_interval: u64,
    on_status: Option<OnStatus>,
}

impl Plan {
    fn new(options: WaitOptions) -> Result<Plan, Error> {
        Ok(Plan {
            timeout_ms: millis(options.timeout, WAIT_TIMEOUT_MS, "timeout")?,
            first_interval: millis(options.poll_interval, WAIT_INTERVAL_MS, "poll_interval")?,
            on_status: options.on_status,
        })
    }
}

async fn wait(
    calls: Calls<'_>,
    id: &str,
    mut call: Option<Call>,
    mut plan: Plan,
) -> Result<Call, Error> {
    let Plan {
        timeout_ms,
        first_interval,
        ..
    } = plan;
    if id.is_empty() {
        return Err(Error::Validation {
            field: "id".into(),
            message: "is empty: wait_until_done needs a call id".into(),
        });
    }
    let started = Instant::now();
    let left = || timeout_ms.saturating_sub(started.elapsed().as_millis() as u64);
    let cap = WAIT_MAX_INTERVAL_MS.max(first_interval) as f64;
    let mut interval = first_interval as f64;
    // As in JS: a call without a status is no change from "nothing seen yet".
    let mut seen: Option<CallStatus> = None;
    let mut failure: Option<Error> = None;
    loop {
        if let Some(current) = call.take() {
            if current.status != seen {
                seen.clone_from(&current.status);
                if let Some(f) = plan.on_status.as_mut() {
                    f(&current);
                }
            }
            if current.has_ended() {
                return Ok(current);
            }
            call = Some(current);
        }
        if left() == 0 {
            let key = calls.client.api_key();
            return Err(Error::WaitTimeout {
                call_id: id.to_string(),
                timeout_ms,
                call: call.and_then(|c| without_key(c, key)).map(Box::new),
                cause: failure.map(Box::new),
            });
        }
        if call.is_some() || failure.is_some() {
            runtime::sleep((interval as u64).min(left())).await;
            interval = (interval * WAIT_GROWTH).min(cap);
        }
        // The poll ends with the wait: its deadline is the time left, and a poll still
        // running then (a transport that ignores timeouts) is dropped.
        let budget = left().max(1);
        let client = calls.client.within(Duration::from_millis(budget));
        let poll = Box::pin(async move { client.calls().retrieve(id).await });
        match select(poll, Box::pin(runtime::sleep(budget))).await {
            Either::Left((Ok(fresh), _)) => {
                call = Some(fresh);
                failure = None;
            }
            Either::Left((Err(e), _)) if transient(&e) => failure = Some(e),
            Either::Left((Err(e), _)) => return Err(e),
            Either::Right(_) => {
                failure = Some(Error::Timeout {
                    operation: "calls.retrieve".into(),
                    timeout_ms: budget,
                    attempts: 1,
                    deadline: true,
                })
            }
        }
    }
}
