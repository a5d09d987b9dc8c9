//! Retry and timeout decisions: after each attempt, *whether* to try again, *how
//! long* to wait first, how long the next attempt may take, and — for a POST that is given
//! up on — whether its outcome is unknown.
//!
//! Pure: the host passes in everything that varies (the attempt's outcome, the time
//! elapsed, the wall clock for HTTP-date `Retry-After`, and a random number for jitter),
//! so every rule is tested natively with a fake clock. The host only sleeps and sends.
//!
//! # Rules
//! - **What retries**: a connection failure (before or after sending), a per-attempt
//!   timeout, and the statuses 408, 429 and 5xx. Nothing else (a 409 or 400 will not change
//!   by resending). (Stainless SDKs also obey an `x-should-retry` header; the CallingBox
//!   API does not send one, so it is left out.)
//! - **POST**: retried only when it carries an `Idempotency-Key` (every client POST does;
//!   the rule stays explicit so that a keyless POST can never ring a phone twice, as
//!   retell-sdk's can). GET, PUT and DELETE are idempotent by definition (RFC 9110);
//!   our PATCHes set fields to given values, so resending one is harmless too.
//! - **How many**: at most `max_retries` retries (`max_retries + 1` attempts).
//! - **Backoff**: `initial_delay_ms · 2^(retry−1)`, capped at `max_delay_ms`, times
//!   `1 − 0.25·jitter` (jitter in [0, 1) from the host). This is openai-node's default
//!   scheme (0.5 s doubling to 8 s, minus up to 25 %): 375–500 ms, 750–1000 ms, ... 6–8 s. It
//!   spreads clients that failed together by up to a quarter of the delay while never
//!   retrying sooner than ¾ of the nominal delay (full jitter could retry at once, which
//!   is the wrong answer to a 503).
//! - **Server-requested waits**: a valid `retry-after-ms` (milliseconds, Microsoft/OpenAI
//!   convention), else a valid `Retry-After` (delay-seconds, decimals tolerated, or an
//!   HTTP date, as RFC 9110 defines them) replaces the backoff, without jitter. Garbage
//!   is ignored (backoff is used). Every wait — requested or computed — is capped at
//!   `max_retry_delay_ms` (default 60 s: an uncapped Retry-After can sleep for
//!   an hour).
//! - **Deadline**: `deadline_ms` bounds the whole logical request, every attempt and
//!   wait included. A retry whose wait would reach the deadline is not made, and each
//!   attempt's timeout is cut to the time left.
//! - **Outcome unknown**: a POST attempt that timed out or lost its connection may have
//!   been processed. From then on the outcome stays *ambiguous* until an answer settles
//!   it: a 2xx, or a 4xx other than 408/409/429 (with the same `Idempotency-Key` the
//!   server replays the stored answer of a processed attempt or evaluates this one;
//!   either way that answer is the outcome). A 5xx, 408, 409 (Stripe's "a request with
//!   this key is in progress"), 429 or a connection failure does not settle it. A POST
//!   given up on while ambiguous is "outcome unknown"; one that only ever failed before
//!   sending (`ConnectionFailedBeforeSend`) is not. Other methods are never "unknown":
//!   resending them is harmless, so there is nothing to warn about.
//!
//! The host threads the `ambiguous` flag through: it starts `false` and each
//! [`Decision::Retry`] returns the value to pass with the next attempt.

use crate::prelude::*;

use super::error::Error;
use super::json::{parse_number, write_number, Value};
use super::text::trim;

/// `setTimeout`'s ceiling (2³¹ − 1 ms): every wait and timeout must fit in one timer.
pub const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// How a client retries, per logical request (client defaults merged with the request's
/// options by the host).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryConfig {
    /// Retries after the first attempt (default 2, so at most 3 attempts).
    pub max_retries: u32,
    /// Per-attempt timeout (default 60 s).
    pub timeout_ms: f64,
    /// Overall budget across all attempts and waits, from the start of the request.
    pub deadline_ms: Option<f64>,
    /// First backoff delay (default 500 ms), doubled for each further retry.
    pub initial_delay_ms: f64,
    /// Cap of the computed backoff (default 8 s).
    pub max_delay_ms: f64,
    /// Cap of every wait, including the server's `Retry-After` (default 60 s).
    pub max_retry_delay_ms: f64,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_retries: 2,
            timeout_ms: 60_000.0,
            deadline_ms: None,
            initial_delay_ms: 500.0,
            max_delay_ms: 8_000.0,
            max_retry_delay_ms: 60_000.0,
        }
    }
}

/// Reads the retry options (JSON from the host, ms throughout): `{ maxRetries?, timeout?,
/// deadline?, maxRetryDelay?, initialRetryDelay?, maxBackoff? }`. Absent or `null` means
/// the default (`deadline`: none). Every value is checked, so a bad option fails before
/// anything is sent.
pub fn config_from_options(options: &Value) -> Result<RetryConfig, Error> {
    // (option, whether 0 is allowed). Every value is a finite number of at most
    // MAX_TIMER_MS: a wait or timeout must fit in one setTimeout (and more than 2³¹ retries
    // is no different from "many"). One loop over a table keeps this small in wasm.
    const FIELDS: [(&str, bool); 6] = [
        ("maxRetries", true),
        ("timeout", false),
        ("deadline", false),
        ("maxRetryDelay", true),
        ("initialRetryDelay", true),
        ("maxBackoff", true),
    ];
    if !matches!(options, Value::Object(_)) {
        return Err(Error::validation("retry options", "must be an object"));
    }
    let mut v = [None; 6];
    for (slot, (name, zero_ok)) in v.iter_mut().zip(FIELDS) {
        match options.get(name) {
            None | Some(Value::Null) => {}
            Some(Value::Number(n))
                if (*n > 0.0 || (zero_ok && *n == 0.0))
                    && *n <= MAX_TIMER_MS
                    && (name != "maxRetries" || n.fract() == 0.0) =>
            {
                *slot = Some(*n)
            }
            Some(_) => {
                let rule = match (name, zero_ok) {
                    ("maxRetries", _) => "must be a whole number from 0 to 2147483647",
                    (_, true) => "must be a number of milliseconds from 0 to 2147483647",
                    (_, false) => {
                        "must be a number of milliseconds greater than 0 and at most 2147483647"
                    }
                };
                return Err(Error::validation(name, rule));
            }
        }
    }
    let [max_retries, timeout, deadline, max_retry_delay, initial, max_backoff] = v;
    let d = RetryConfig::default();
    Ok(RetryConfig {
        max_retries: max_retries.map_or(d.max_retries, |n| n as u32),
        timeout_ms: timeout.unwrap_or(d.timeout_ms),
        deadline_ms: deadline,
        initial_delay_ms: initial.unwrap_or(d.initial_delay_ms),
        max_delay_ms: max_backoff.unwrap_or(d.max_delay_ms),
        max_retry_delay_ms: max_retry_delay.unwrap_or(d.max_retry_delay_ms),
    })
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome<'a> {
    /// The server answered (any status). Header values as received, `None` when absent.
    Response {
        status: u16,
        retry_after: Option<&'a str>,
        retry_after_ms: Option<&'a str>,
    },
    /// The runtime says the request never left (DNS failure, connection refused): the
    /// server cannot have seen it.
    ConnectionFailedBeforeSend,
    /// The connection failed after the request may have been sent (reset, dropped, the
    /// body could not be read): the server may have processed it.
    ConnectionLost,
    /// The attempt's timeout fired: the server may have processed it.
    Timeout,
}

/// The request being retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    pub is_post: bool,
    pub has_idempotency_key: bool,
}

/// One finished attempt, with everything that varies between runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempt<'a> {
    /// Attempts made so far, this one included (1-based).
    pub number: u32,
    pub outcome: Outcome<'a>,
    /// From the previous [`Decision::Retry`] (`false` for the first attempt).
    pub ambiguous: bool,
    /// Uniform in [0, 1), from the host's `Math.random()`; clamped into range.
    pub jitter: f64,
    /// Milliseconds since the logical request started (before the first attempt).
    pub elapsed_ms: f64,
    /// Wall clock (Unix ms), only for `Retry-After` given as an HTTP date.
    pub now_unix_ms: f64,
}

/// What the host does next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Wait `delay_ms` (abortably), then make another attempt with a timeout of
    /// `timeout_ms`, passing `ambiguous` along with its outcome.
    Retry {
        delay_ms: f64,
        timeout_ms: f64,
        reason: &'static str,
        ambiguous: bool,
    },
    /// No more attempts. When `outcome_unknown`, report an "outcome unknown" error (a POST
    /// that may have taken effect); otherwise report this attempt's own result (decode
    /// the response — a success or an API error — or throw the transport error).
    Stop {
        outcome_unknown: bool,
        reason: &'static str,
    },
}

/// The timeout of the first attempt: the per-attempt timeout, cut to the deadline.
pub fn first_timeout(cfg: &RetryConfig) -> f64 {
    let t = match cfg.deadline_ms {
        Some(d) => cfg.timeout_ms.min(d),
        None => cfg.timeout_ms,
    };
    t.ceil().max(1.0)
}

/// Whether an answer with this status may be followed by a better one for the same request:
/// 408 (the server gave up waiting), 429 (too many requests), 5xx. The statuses [`decide`]
/// retries; a host that repeats requests of its own (polling, say) goes by them too.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500..=599)
}

/// Decides what follows `attempt` (see the module docs for the rules).
pub fn decide(cfg: &RetryConfig, call: Call, attempt: &Attempt) -> Decision {
    // Does this outcome leave the POST's effect unknown, or settle it?
    let may_have_reached = matches!(attempt.outcome, Outcome::Timeout | Outcome::ConnectionLost);
    let settles = match attempt.outcome {
        Outcome::Response { status, .. } => {
            (200..300).contains(&status)
                || ((400..500).contains(&status) && !matches!(status, 408 | 409 | 429))
        }
        _ => false,
    };
    let ambiguous = call.is_post && (may_have_reached || (attempt.ambiguous && !settles));
    let stop = |reason| Decision::Stop {
        outcome_unknown: ambiguous,
        reason,
    };

    let (reason, requested) = match attempt.outcome {
        Outcome::Response {
            status,
            retry_after,
            retry_after_ms,
        } => {
            let reason = match status {
                200..=299 => return stop("success"),
                _ if !retryable_status(status) => return stop("not_retryable"),
                408 => "request_timeout",
                429 => "rate_limited",
                _ => "server_error",
            };
            let requested = retry_after_ms
                .and_then(parse_retry_after_ms)
                .or_else(|| retry_after.and_then(|v| parse_retry_after(v, attempt.now_unix_ms)));
            (reason, requested)
        }
        Outcome::ConnectionFailedBeforeSend => ("connection_failed", None),
        Outcome::ConnectionLost => ("connection_lost", None),
        Outcome::Timeout => ("timeout", None),
    };
    if call.is_post && !call.has_idempotency_key {
        return stop("no_idempotency_key");
    }
    if attempt.number.max(1) > cfg.max_retries {
        return stop("retries_exhausted");
    }
    let delay = requested.unwrap_or_else(|| backoff(cfg, attempt.number.max(1), attempt.jitter));
    // Capped, whole milliseconds, never negative; a NaN (impossible from a checked config)
    // waits the longest rather than not at all.
    let cap = cfg.max_retry_delay_ms.min(MAX_TIMER_MS);
    let delay = if delay.is_nan() { cap } else { delay.min(cap) };
    let delay = if delay > 0.0 { delay.ceil() } else { 0.0 };
    let elapsed = if attempt.elapsed_ms >= 0.0 {
        attempt.elapsed_ms
    } else {
        0.0
    };
    let mut timeout_ms = cfg.timeout_ms;
    if let Some(deadline) = cfg.deadline_ms {
        let left = deadline - elapsed - delay;
        // A NaN budget is no budget.
        if left.is_nan() || left <= 0.0 {
            return stop("deadline");
        }
        timeout_ms = timeout_ms.min(left);
    }
    Decision::Retry {
        delay_ms: delay,
        timeout_ms: timeout_ms.ceil().max(1.0),
        reason,
        ambiguous,
    }
}

/// The computed wait before retry number `retry` (1-based), before the overall cap.
pub fn backoff(cfg: &RetryConfig, retry: u32, jitter: f64) -> f64 {
    let mut d = cfg.initial_delay_ms;
    // Doubling in a loop (stops at the cap) instead of powi: no libm. At most 63 doublings,
    // so even an initial delay of 0 (which never reaches the cap) cannot loop for long.
    for _ in 1..retry.min(64) {
        if d >= cfg.max_delay_ms {
            break;
        }
        d *= 2.0;
    }
    let jitter = if jitter > 0.0 { jitter.min(1.0) } else { 0.0 };
    d.min(cfg.max_delay_ms) * (1.0 - 0.25 * jitter)
}

/// `retry-after-ms`: a non-negative number of milliseconds (decimals allowed).
pub fn parse_retry_after_ms(value: &str) -> Option<f64> {
    parse_decimal(value)
}

/// `Retry-After` (RFC 9110) → milliseconds to wait, never negative: delay-seconds
/// (decimals tolerated, as openai-node does) or an HTTP date (IMF-fixdate, or the obsolete
/// RFC 850 and asctime forms recipients should accept) compared with
/// `now_unix_ms`; a date in the past means 0. Anything else is `None`.
pub fn parse_retry_after(value: &str, now_unix_ms: f64) -> Option<f64> {
    if let Some(secs) = parse_decimal(value) {
        return Some(secs * 1000.0);
    }
    if !now_unix_ms.is_finite() {
        return None;
    }
    let date = parse_http_date(value, now_unix_ms)?;
    Some((date - now_unix_ms).max(0.0))
}

/// `1*DIGIT [ "." 1*DIGIT ]`, surrounding whitespace allowed. (A byte loop, not
/// `split_once`: no string searcher in the wasm.)
fn parse_decimal(value: &str) -> Option<f64> {
    let t = trim(value);
    let mut digits = 0;
    let mut point = None;
    for (i, b) in t.bytes().enumerate() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' if point.is_none() && digits > 0 => point = Some(i),
            _ => return None,
        }
    }
    if digits == 0 || point.is_some_and(|p| p + 1 == t.len()) {
        return None;
    }
    parse_number(t).filter(|n| *n >= 0.0)
}

/// An HTTP date (RFC 9110) → Unix milliseconds. All three forms recipients must
/// accept, by their fixed layouts (case-insensitively, as some servers capitalise oddly):
/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), `Sunday, 06-Nov-94 08:49:37 GMT`
/// (RFC 850) and `Sun Nov  6 08:49:37 1994` (asctime). The weekday is not checked (the
/// date wins, as in most parsers). Matching layouts instead of splitting into words keeps
/// this small in wasm.
pub fn parse_http_date(value: &str, now_unix_ms: f64) -> Option<f64> {
    let v = trim(value).as_bytes();
    // In a layout `d` is a digit, `a` a letter, `_` a digit or a space, anything else itself.
    let (date, time) = match v.iter().position(|b| *b == b',') {
        Some(comma) => {
            let r = v.get(comma + 1..)?;
            if fits(r, b" dd aaa dddd dd:dd:dd GMT") {
                (
                    (num(r, 1, 2), month(r, 4)?, i64::from(num(r, 8, 4))),
                    r.get(13..)?,
                )
            } else if fits(r, b" dd-aaa-dd dd:dd:dd GMT") {
                (
                    (
                        num(r, 1, 2),
                        month(r, 4)?,
                        rfc850_year(num(r, 8, 2), now_unix_ms),
                    ),
                    r.get(11..)?,
                )
            } else {
                return None;
            }
        }
        None if fits(v, b"aaa aaa _d dd:dd:dd dddd") => (
            (num(v, 8, 2), month(v, 4)?, i64::from(num(v, 20, 4))),
            v.get(11..)?,
        ),
        None => return None,
    };
    let (day, month, year) = date;
    let (h, m, sec) = (num(time, 0, 2), num(time, 3, 2), num(time, 6, 2));
    // Second 60 is a leap second (RFC 5322 allows it).
    if h > 23 || m > 59 || sec > 60 || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let secs = days_from_civil(year, month, day) * 86_400 + i64::from(h * 3600 + m * 60 + sec);
    Some(secs as f64 * 1000.0)
}

/// Whether `s` has the layout `pattern` (see [`parse_http_date`]).
fn fits(s: &[u8], pattern: &[u8]) -> bool {
    s.len() == pattern.len()
        && s.iter().zip(pattern).all(|(c, p)| match p {
            b'd' => c.is_ascii_digit(),
            b'a' => c.is_ascii_alphabetic(),
            b'_' => c.is_ascii_digit() || *c == b' ',
            _ => c.eq_ignore_ascii_case(p),
        })
}

/// The number written with `len` digits (or spaces, read as 0) at `start`, once [`fits`]
/// has checked them; 0 when out of range.
fn num(s: &[u8], start: usize, len: usize) -> u32 {
    s.iter()
        .skip(start)
        .take(len)
        .fold(0, |n, b| n * 10 + u32::from(b & 15))
}

/// The month (1–12) whose three-letter name is at `start`.
fn month(s: &[u8], start: usize) -> Option<u32> {
    let name = s.get(start..start + 3)?;
    // The names run together; an index into them is the month.
    let all = b"janfebmaraprmayjunjulaugsepoctnovdec";
    all.chunks(3)
        .position(|m| m.eq_ignore_ascii_case(name))
        .map(|i| i as u32 + 1)
}

/// RFC 9110's rule for RFC 850 dates: a two-digit year that would be more than 50 years
/// in the future is the most recent past year with those digits.
fn rfc850_year(yy: u32, now_unix_ms: f64) -> i64 {
    // This year, to within a day (a mean Gregorian year is 365.2425 days): plenty for a
    // 50-year window. Clamped (and NaN → 0) so the arithmetic cannot overflow.
    let now_year = 1970 + (now_unix_ms / 31_556_952_000.0).floor().clamp(-1e6, 1e6) as i64;
    let mut year = now_year - now_year.rem_euclid(100) + i64::from(yy);
    if year > now_year + 50 {
        year -= 100;
    }
    year
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`, proleptic Gregorian).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The host's description of one finished attempt (or of none yet), as JSON:
/// `{ kind, post, idempotencyKey, attempt, status, retryAfter, retryAfterMs, ambiguous,
///, jitter, elapsedMs, nowMs }`. `kind` is `"start"` (no attempt made yet: this
/// validates the options and gives the first timeout), `"response"`, `"before_send"`,
/// `"lost"` or `"timeout"`; `idempotencyKey` is whether the request carries one (the key
/// itself stays with the host); header values are strings or absent/null. The attempt is
/// read leniently (the host is our own code, and every byte of wasm counts): a missing
/// number is NaN (harmless, see [`decide`]), a missing flag `false`, and an unknown `kind`
/// counts as `"lost"` — the reading that never under-reports an unknown outcome.
///
/// Answers JSON `{"retry":true,"delayMs":500,"timeoutMs":60000,"reason":"server_error","ambiguous":false}`
/// or `{"retry":false,"outcomeUnknown":true,"reason":"retries_exhausted"}`; bad options
/// are a validation error naming the option.
pub fn decide_json(config: &Value, attempt: &Value) -> Result<String, Error> {
    let cfg = config_from_options(config)?;
    let num = |k: &str| attempt.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
    let flag = |k: &str| attempt.get(k).and_then(Value::as_bool).unwrap_or(false);
    let text = |k: &str| attempt.get(k).and_then(Value::as_str);
    let outcome = match text("kind") {
        Some("start") => {
            return Ok(to_json(Decision::Retry {
                delay_ms: 0.0,
                timeout_ms: first_timeout(&cfg),
                reason: "first",
                ambiguous: false,
            }))
        }
        // `as` saturates (NaN → 0): a missing or absurd status is simply not retryable.
        Some("response") => Outcome::Response {
            status: num("status") as u16,
            retry_after: text("retryAfter"),
            retry_after_ms: text("retryAfterMs"),
        },
        Some("before_send") => Outcome::ConnectionFailedBeforeSend,
        Some("timeout") => Outcome::Timeout,
        _ => Outcome::ConnectionLost,
    };
    let call = Call {
        is_post: flag("post"),
        has_idempotency_key: flag("idempotencyKey"),
    };
    let attempt = Attempt {
        number: num("attempt") as u32,
        outcome,
        ambiguous: flag("ambiguous"),
        jitter: num("jitter"),
        elapsed_ms: num("elapsedMs"),
        now_unix_ms: num("nowMs"),
    };
    Ok(to_json(decide(&cfg, call, &attempt)))
}

/// The decision as JSON. Written by hand (smaller wasm than building a `Value`); every
/// number is a whole number of ms, so no float formatting is linked.
pub fn to_json(d: Decision) -> String {
    let mut s = String::with_capacity(100);
    let bool_text = |b: bool| if b { "true" } else { "false" };
    match d {
        Decision::Retry {
            delay_ms,
            timeout_ms,
            reason,
            ambiguous,
        } => {
            s.push_str("{\"retry\":true,\"delayMs\":");
            write_number(delay_ms, &mut s);
            s.push_str(",\"timeoutMs\":");
            write_number(timeout_ms, &mut s);
            s.push_str(",\"reason\":\"");
            s.push_str(reason);
            s.push_str("\",\"ambiguous\":");
            s.push_str(bool_text(ambiguous));
        }
        Decision::Stop {
            outcome_unknown,
            reason,
        } => {
            s.push_str("{\"retry\":false,\"outcomeUnknown\":");
            s.push_str(bool_text(outcome_unknown));
            s.push_str(",\"reason\":\"");
            s.push_str(reason);
            s.push('"');
        }
    }
    s.push('}');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example date), as the fake wall clock.
    const NOW: f64 = 784_111_777_000.0;
    const GET: Call = Call {
        is_post: false,
        has_idempotency_key: false,
    };
    const POST: Call = Call {
        is_post: true,
        has_idempotency_key: true,
    };
    const POST_NO_KEY: Call = Call {
        is_post: true,
        has_idempotency_key: false,
    };

    fn resp(status: u16) -> Outcome<'static> {
        Outcome::Response {
            status,
            retry_after: None,
            retry_after_ms: None,
        }
    }

    fn with_headers<'a>(
        status: u16,
        retry_after: Option<&'a str>,
        retry_after_ms: Option<&'a str>,
    ) -> Outcome<'a> {
        Outcome::Response {
            status,
            retry_after,
            retry_after_ms,
        }
    }

    fn at(number: u32, outcome: Outcome<'_>) -> Attempt<'_> {
        Attempt {
            number,
            outcome,
            ambiguous: false,
            jitter: 0.0,
            elapsed_ms: 0.0,
            now_unix_ms: NOW,
        }
    }

    fn cfg(max_retries: u32) -> RetryConfig {
        RetryConfig {
            max_retries,
            ..RetryConfig::default()
        }
    }

    /// The reason of a retry, or `stop:<reason>`.
    fn verdict(d: Decision) -> String {
        match d {
            Decision::Retry { reason, .. } => reason.to_string(),
            Decision::Stop { reason, .. } => format!("stop:{reason}"),
        }
    }

    fn delay(d: Decision) -> f64 {
        match d {
            Decision::Retry { delay_ms, .. } => delay_ms,
            Decision::Stop { reason, .. } => panic!("expected a retry, got stop:{reason}"),
        }
    }

    fn unknown(d: Decision) -> bool {
        match d {
            Decision::Stop {
                outcome_unknown, ..
            } => outcome_unknown,
            Decision::Retry { .. } => panic!("expected a stop, got {d:?}"),
        }
    }

    #[test]
    fn which_outcomes_retry() {
        let table: &[(Outcome, &str)] = &[
            (resp(200), "stop:success"),
            (resp(201), "stop:success"),
            (resp(204), "stop:success"),
            (resp(100), "stop:not_retryable"),
            (resp(301), "stop:not_retryable"),
            (resp(304), "stop:not_retryable"),
            (resp(400), "stop:not_retryable"),
            (resp(401), "stop:not_retryable"),
            (resp(402), "stop:not_retryable"),
            (resp(403), "stop:not_retryable"),
            (resp(404), "stop:not_retryable"),
            (resp(409), "stop:not_retryable"),
            (resp(422), "stop:not_retryable"),
            (resp(408), "request_timeout"),
            (resp(429), "rate_limited"),
            (resp(500), "server_error"),
            (resp(502), "server_error"),
            (resp(503), "server_error"),
            (resp(504), "server_error"),
            (resp(599), "server_error"),
            (resp(600), "stop:not_retryable"),
            (resp(0), "stop:not_retryable"),
            (Outcome::ConnectionFailedBeforeSend, "connection_failed"),
            (Outcome::ConnectionLost, "connection_lost"),
            (Outcome::Timeout, "timeout"),
        ];
        for (outcome, want) in table {
            for call in [
                GET,
                POST,
                Call {
                    is_post: false,
                    has_idempotency_key: true,
                },
            ] {
                assert_eq!(
                    verdict(decide(&cfg(2), call, &at(1, *outcome))),
                    *want,
                    "{outcome:?} {call:?}"
                );
            }
        }
    }

    #[test]
    fn backoff_doubles_from_half_a_second_with_jitter_and_a_cap() {
        let c = cfg(20);
        // jitter 0: the nominal delay; jitter → 1: three quarters of it (rounded up to whole ms).
        let table: &[(u32, f64, f64)] = &[
            (1, 500.0, 376.0),
            (2, 1000.0, 751.0),
            (3, 2000.0, 1501.0),
            (4, 4000.0, 3001.0),
            (5, 8000.0, 6002.0),
            (6, 8000.0, 6002.0),
            (20, 8000.0, 6002.0),
        ];
        for (n, low_jitter, high_jitter) in table {
            let mut a = at(*n, resp(503));
            assert_eq!(
                delay(decide(&c, GET, &a)),
                *low_jitter,
                "retry {n}, jitter 0"
            );
            a.jitter = 0.999;
            assert_eq!(
                delay(decide(&c, GET, &a)),
                *high_jitter,
                "retry {n}, jitter 0.999"
            );
        }
        // Out-of-range jitter is clamped: negative or NaN → 0, ≥ 1 → 1.
        for (jitter, want) in [
            (-1.0, 500.0),
            (f64::NAN, 500.0),
            (5.0, 375.0),
            (f64::INFINITY, 375.0),
            (0.5, 438.0),
        ] {
            let a = Attempt {
                jitter,
                ..at(1, Outcome::Timeout)
            };
            assert_eq!(delay(decide(&c, GET, &a)), want, "jitter {jitter}");
        }
        // Huge attempt numbers neither overflow nor loop; a zero initial delay stays zero.
        assert_eq!(backoff(&c, u32::MAX, 0.0), 8000.0);
        let zero = RetryConfig {
            initial_delay_ms: 0.0,
            ..c
        };
        assert_eq!(backoff(&zero, u32::MAX, 0.0), 0.0);
        // The overall cap also caps the backoff.
        let small_cap = RetryConfig {
            max_retry_delay_ms: 1200.0,
            ..c
        };
        assert_eq!(delay(decide(&small_cap, GET, &at(3, resp(500)))), 1200.0);
        // A custom backoff.
        let custom = RetryConfig {
            initial_delay_ms: 100.0,
            max_delay_ms: 250.0,
            ..c
        };
        let seq: Vec<f64> = (1..=4)
            .map(|n| delay(decide(&custom, GET, &at(n, Outcome::ConnectionLost))))
            .collect();
        assert_eq!(seq, [100.0, 200.0, 250.0, 250.0]);
    }

    #[test]
    fn server_requested_waits_replace_the_backoff_and_are_capped() {
        let backoff_half_jitter = 438.0; // 500 × (1 − 0.25 × 0.5), rounded up
        let table: &[(Option<&str>, Option<&str>, f64)] = &[
            (Some("2"), None, 2000.0),
            (Some("1.5"), None, 1500.0),
            (Some("0"), None, 0.0),
            (Some(" 3 "), None, 3000.0),
            (Some("007"), None, 7000.0),
            (Some("0.0004"), None, 1.0), // 0.4 ms, rounded up
            (Some("Sun, 06 Nov 1994 08:49:47 GMT"), None, 10_000.0),
            (Some("Sunday, 06-Nov-94 08:49:47 GMT"), None, 10_000.0),
            (Some("Sun Nov  6 08:49:47 1994"), None, 10_000.0),
            (Some("sun, 06 nov 1994 08:49:47 gmt"), None, 10_000.0),
            (Some("Sun, 06 Nov 1994 08:49:27 GMT"), None, 0.0), // in the past
            (Some("Thu, 01 Jan 1970 00:00:00 GMT"), None, 0.0),
            (Some("3600"), None, 60_000.0), // an hour, capped at max_retry_delay
            (Some("Mon, 07 Nov 1994 08:49:37 GMT"), None, 60_000.0),
            (Some(&"9".repeat(400)), None, 60_000.0),
            (None, Some("250"), 250.0),
            (None, Some("250.2"), 251.0),
            (None, Some("0"), 0.0),
            (Some("10"), Some("250"), 250.0), // retry-after-ms wins when valid
            (Some("10"), Some("soon"), 10_000.0),
            (Some("10"), Some("-5"), 10_000.0),
            (None, Some("99999999"), 60_000.0),
            // Garbage is ignored: the backoff applies.
            (Some("soon"), None, backoff_half_jitter),
            (Some("-5"), None, backoff_half_jitter),
            (Some("+3"), None, backoff_half_jitter),
            (Some("1e3"), None, backoff_half_jitter),
            (Some("0x10"), None, backoff_half_jitter),
            (Some("1."), None, backoff_half_jitter),
            (Some(".5"), None, backoff_half_jitter),
            (Some("1.2.3"), None, backoff_half_jitter),
            (Some("NaN"), None, backoff_half_jitter),
            (Some("Infinity"), None, backoff_half_jitter),
            (Some(""), None, backoff_half_jitter),
            (
                Some("Sun, 06 Nov 1994 08:49:47 UTC"),
                None,
                backoff_half_jitter,
            ),
            (
                Some("Sun, 31 Nov 1994 08:49:47 GMT"),
                None,
                backoff_half_jitter,
            ),
            (None, Some(""), backoff_half_jitter),
        ];
        for (ra, ra_ms, want) in table {
            for status in [429, 503] {
                let a = Attempt {
                    jitter: 0.5,
                    ..at(1, with_headers(status, *ra, *ra_ms))
                };
                assert_eq!(
                    delay(decide(&cfg(2), GET, &a)),
                    *want,
                    "{status} Retry-After {ra:?} retry-after-ms {ra_ms:?}"
                );
            }
        }
        // Retry-After never makes a non-retryable answer retry.
        assert_eq!(
            verdict(decide(
                &cfg(2),
                GET,
                &at(1, with_headers(400, Some("1"), None))
            )),
            "stop:not_retryable"
        );
        // Without a usable clock an HTTP date is ignored, a number still counts.
        let no_clock = |v| Attempt {
            now_unix_ms: f64::NAN,
            ..at(1, with_headers(429, Some(v), None))
        };
        assert_eq!(
            delay(decide(
                &cfg(2),
                GET,
                &no_clock("Sun, 06 Nov 1994 08:49:47 GMT")
            )),
            500.0
        );
        assert_eq!(delay(decide(&cfg(2), GET, &no_clock("2"))), 2000.0);
        // A custom cap.
        let c = RetryConfig {
            max_retry_delay_ms: 5000.0,
            ..cfg(2)
        };
        assert_eq!(
            delay(decide(
                &c,
                GET,
                &at(1, with_headers(429, Some("3600"), None))
            )),
            5000.0
        );
        let zero = RetryConfig {
            max_retry_delay_ms: 0.0,
            ..cfg(2)
        };
        assert_eq!(
            delay(decide(
                &zero,
                GET,
                &at(1, with_headers(429, Some("3600"), None))
            )),
            0.0
        );
    }

    #[test]
    fn http_dates() {
        let ok: &[(&str, f64)] = &[
            ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
            ("Sun, 06 Nov 1994 08:49:37 GMT", NOW),
            ("Sunday, 06-Nov-94 08:49:37 GMT", NOW),
            ("Sun Nov  6 08:49:37 1994", NOW),
            ("Sun Nov 06 08:49:37 1994", NOW),
            ("  Sun, 06 Nov 1994 08:49:37 GMT\t", NOW),
            ("sun, 06 nov 1994 08:49:37 gmt", NOW),
            ("SUNDAY, 06-NOV-94 08:49:37 GMT", NOW),
            ("Sat, 29 Feb 2000 00:00:00 GMT", 951_782_400_000.0),
            ("Thu, 31 Dec 1969 23:59:59 GMT", -1000.0),
            ("Fri, 31 Dec 9999 23:59:59 GMT", 253_402_300_799_000.0),
            ("Sat, 31 Dec 2016 23:59:60 GMT", 1_483_228_800_000.0), // leap second
            // The weekday is not checked: the date wins.
            ("Mon, 06 Nov 1994 08:49:37 GMT", NOW),
            ("Sux, 06 Nov 1994 08:49:37 GMT", NOW),
            ("Sunday, 06 Nov 1994 08:49:37 GMT", NOW),
            ("Sun, 06-Nov-94 08:49:37 GMT", NOW),
        ];
        for (text, want) in ok {
            assert_eq!(parse_http_date(text, NOW), Some(*want), "{text}");
        }
        let bad = [
            "",
            "Sun",
            "Sun,",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 23:60:00 GMT",
            "Sun, 06 Nov 1994 23:59:61 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Tue, 29 Feb 1994 08:49:37 GMT",
            "Thu, 29 Feb 1900 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sunday, 06-Nov-94-1 08:49:37 GMT",
            "Sun Nov 6 08:49:37",
            "Sun Nov 6 08:49:37 1994 GMT",
            "Sun Nov 123 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 GMT\u{e9}",
            "Sun, \u{ff10}6 Nov 1994 08:49:37 GMT",
            "2024-01-01T00:00:00Z",
            "Sun,  06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMX",
            "Sun, 06 Nov 1994 08-49-37 GMT",
            "Sun, 06 Nov 1994 08:4a:37 GMT",
            "Sun, 06 Nov 199x 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT,",
            ", 06 Nov 1994 08:49:37",
            "Sun Nov  6 08:49:37 94xx",
            "Sun Nov  x 08:49:37 1994",
            "Sun Nov 31 08:49:37 1994",
            "Sun Nov  6 08:49:37  1994",
        ];
        for text in bad {
            assert_eq!(parse_http_date(text, NOW), None, "{text:?}");
        }
        // RFC 850's two-digit years: more than 50 years ahead of now means the past century.
        let now_2026 = days_from_civil(2026, 6, 1) as f64 * 86_400_000.0;
        let year_of = |yy: &str| {
            let ms =
                parse_http_date(&format!("Friday, 01-Jan-{yy} 00:00:00 GMT"), now_2026).unwrap();
            civil_year((ms / 86_400_000.0) as i64)
        };
        assert_eq!(
            [
                year_of("94"),
                year_of("26"),
                year_of("30"),
                year_of("76"),
                year_of("77"),
                year_of("00")
            ],
            [1994, 2026, 2030, 2076, 1977, 2000]
        );
        // A far-off or broken clock does not overflow.
        for now in [f64::MAX, f64::MIN, f64::NAN, f64::INFINITY] {
            let _ = parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", now);
        }
    }

    #[test]
    fn february_29_exists_only_in_leap_years() {
        // Gregorian: every 4th year, except centuries, except every 4th century. Expected
        // values from Python's calendar.timegm.
        let ok: &[(&str, f64)] = &[
            ("Thu, 29 Feb 2024 12:00:00 GMT", 1_709_208_000_000.0),
            ("Thu Feb 29 12:00:00 2024", 1_709_208_000_000.0),
            ("Wed, 29 Feb 2096 00:00:00 GMT", 3_981_312_000_000.0),
            ("Tue, 29 Feb 2400 23:59:59 GMT", 13_574_649_599_000.0),
            ("Mon, 29 Feb 1904 00:00:00 GMT", -2_077_747_200_000.0),
            ("Tue, 29 Feb 1600 00:00:00 GMT", -11_670_998_400_000.0),
            // The day after 28 Feb of a common century year is 1 March.
            ("Sun, 28 Feb 2100 00:00:00 GMT", 4_107_456_000_000.0),
            ("Mon, 01 Mar 2100 00:00:00 GMT", 4_107_542_400_000.0),
            ("Fri, 01 Mar 2024 00:00:00 GMT", 1_709_251_200_000.0),
        ];
        for (text, want) in ok {
            assert_eq!(parse_http_date(text, NOW), Some(*want), "{text}");
        }
        let bad = [
            "Mon, 29 Feb 2100 00:00:00 GMT",
            "Sat, 29 Feb 2200 00:00:00 GMT",
            "Thu, 29 Feb 2300 00:00:00 GMT",
            "Wed, 29 Feb 2023 00:00:00 GMT",
            "Fri, 29 Feb 2025 00:00:00 GMT",
            "Mon Feb 29 00:00:00 2100",
            "Thu, 30 Feb 2024 00:00:00 GMT",
            "Tue, 31 Apr 2024 00:00:00 GMT",
        ];
        for text in bad {
            assert_eq!(parse_http_date(text, NOW), None, "{text}");
        }
        // RFC 850's two-digit years are resolved before the day is checked.
        let now_2026 = 1_780_272_000_000.0;
        assert_eq!(
            parse_http_date("Thursday, 29-Feb-24 12:00:00 GMT", now_2026),
            Some(1_709_208_000_000.0)
        );
        assert_eq!(
            parse_http_date("Thursday, 29-Feb-25 12:00:00 GMT", now_2026),
            None
        );
        // As a Retry-After: a leap day is a date like any other; an impossible one is not
        // a date, so the header is ignored (the client's own backoff applies).
        let leap_noon = 1_709_208_000_000.0;
        assert_eq!(
            parse_retry_after("Thu, 29 Feb 2024 12:00:10 GMT", leap_noon),
            Some(10_000.0)
        );
        assert_eq!(
            parse_retry_after("Mon, 29 Feb 2100 00:00:00 GMT", leap_noon),
            None
        );
    }

    /// The year of a day count since 1970-01-01, by the `time` crate's calendar.
    fn civil_year(days: i64) -> i64 {
        const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;
        let julian = i32::try_from(days + UNIX_EPOCH_JULIAN_DAY).unwrap();
        i64::from(time::Date::from_julian_day(julian).unwrap().year())
    }

    /// `days_from_civil` against the `time` crate's calendar, over ±2,000 years.
    #[test]
    fn civil_calendar_matches_time_crate() {
        const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;
        for days in (-800_000..800_000).step_by(997) {
            let julian = i32::try_from(days + UNIX_EPOCH_JULIAN_DAY).unwrap();
            let date = time::Date::from_julian_day(julian).unwrap();
            let (y, m, d) = (date.year(), u8::from(date.month()), date.day());
            assert_eq!(
                days_from_civil(i64::from(y), u32::from(m), u32::from(d)),
                days,
                "{days} → {y}-{m}-{d}"
            );
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn retry_after_values() {
        let table: &[(&str, Option<f64>)] = &[
            ("120", Some(120_000.0)),
            ("0.25", Some(250.0)),
            ("Sun, 06 Nov 1994 08:50:37 GMT", Some(60_000.0)),
            ("Sun, 06 Nov 1994 08:48:37 GMT", Some(0.0)),
            ("-1", None),
            ("1 2", None),
            ("tomorrow", None),
        ];
        for (text, want) in table {
            assert_eq!(parse_retry_after(text, NOW), *want, "{text}");
        }
        assert_eq!(parse_retry_after_ms("1500"), Some(1500.0));
        assert_eq!(parse_retry_after_ms("1.5e3"), None);
        assert_eq!(parse_retry_after_ms("Sun, 06 Nov 1994 08:50:37 GMT"), None);
    }

    #[test]
    fn the_deadline_stops_retries_and_cuts_timeouts() {
        let c = RetryConfig {
            deadline_ms: Some(3000.0),
            max_retries: 10,
            ..RetryConfig::default()
        };
        assert_eq!(first_timeout(&c), 3000.0);
        assert_eq!(first_timeout(&RetryConfig::default()), 60_000.0);
        assert_eq!(
            first_timeout(&RetryConfig {
                deadline_ms: Some(0.5),
                ..c
            }),
            1.0
        );
        // 100 ms in, a 500 ms wait leaves 2400 ms for the next attempt.
        let d = decide(
            &c,
            GET,
            &Attempt {
                elapsed_ms: 100.0,
                ..at(1, resp(503))
            },
        );
        assert_eq!(
            d,
            Decision::Retry {
                delay_ms: 500.0,
                timeout_ms: 2400.0,
                reason: "server_error",
                ambiguous: false
            }
        );
        // Far from the deadline the per-attempt timeout applies.
        let roomy = RetryConfig {
            deadline_ms: Some(600_000.0),
            ..c
        };
        let d = decide(
            &roomy,
            GET,
            &Attempt {
                elapsed_ms: 100.0,
                ..at(1, resp(503))
            },
        );
        assert_eq!(
            d,
            Decision::Retry {
                delay_ms: 500.0,
                timeout_ms: 60_000.0,
                reason: "server_error",
                ambiguous: false
            }
        );
        // A wait that would reach or cross the deadline is not made.
        let table: &[(u32, f64, &str)] = &[
            (1, 2499.0, "timeout"),
            (1, 2500.0, "stop:deadline"),
            (2, 1999.0, "timeout"),
            (2, 2000.0, "stop:deadline"),
            (1, 3000.0, "stop:deadline"),
            (1, 1e12, "stop:deadline"),
            (1, f64::INFINITY, "stop:deadline"),
        ];
        for (n, elapsed, want) in table {
            assert_eq!(
                verdict(decide(
                    &c,
                    GET,
                    &Attempt {
                        elapsed_ms: *elapsed,
                        ..at(*n, Outcome::Timeout)
                    }
                )),
                *want,
                "attempt {n} at {elapsed} ms"
            );
        }
        // A Retry-After beyond the deadline stops at once instead of sleeping in vain.
        let a = at(1, with_headers(429, Some("10"), None));
        assert_eq!(verdict(decide(&c, GET, &a)), "stop:deadline");
        // A broken elapsed time counts as 0, never as "plenty of time left".
        for elapsed in [f64::NAN, -5.0, f64::NEG_INFINITY] {
            assert_eq!(
                decide(
                    &c,
                    GET,
                    &Attempt {
                        elapsed_ms: elapsed,
                        ..at(1, resp(503))
                    }
                ),
                Decision::Retry {
                    delay_ms: 500.0,
                    timeout_ms: 2500.0,
                    reason: "server_error",
                    ambiguous: false
                }
            );
        }
        // A POST stopped by the deadline after a timeout is "outcome unknown".
        assert!(unknown(decide(
            &c,
            POST,
            &Attempt {
                elapsed_ms: 2900.0,
                ..at(1, Outcome::Timeout)
            }
        )));
    }

    #[test]
    fn max_retries_bounds_the_attempts() {
        let retryable = [
            resp(408),
            resp(429),
            resp(500),
            resp(503),
            Outcome::ConnectionFailedBeforeSend,
            Outcome::ConnectionLost,
            Outcome::Timeout,
        ];
        for o in retryable {
            for call in [GET, POST] {
                assert_eq!(
                    verdict(decide(&cfg(0), call, &at(1, o))),
                    "stop:retries_exhausted",
                    "{o:?}"
                );
                let two = cfg(2);
                assert_ne!(
                    verdict(decide(&two, call, &at(1, o))),
                    "stop:retries_exhausted"
                );
                assert_ne!(
                    verdict(decide(&two, call, &at(2, o))),
                    "stop:retries_exhausted"
                );
                assert_eq!(
                    verdict(decide(&two, call, &at(3, o))),
                    "stop:retries_exhausted"
                );
                assert_eq!(
                    verdict(decide(&two, call, &at(u32::MAX, o))),
                    "stop:retries_exhausted"
                );
            }
        }
        // Attempt 0 (a host bug) is read as attempt 1.
        assert_eq!(
            verdict(decide(&cfg(0), GET, &at(0, Outcome::Timeout))),
            "stop:retries_exhausted"
        );
        assert_eq!(delay(decide(&cfg(1), GET, &at(0, Outcome::Timeout))), 500.0);
    }

    #[test]
    fn a_post_without_an_idempotency_key_is_never_retried() {
        let table: &[(Outcome, bool)] = &[
            (Outcome::Timeout, true),
            (Outcome::ConnectionLost, true),
            (Outcome::ConnectionFailedBeforeSend, false),
            (resp(408), false),
            (resp(429), false),
            (resp(500), false),
            (resp(503), false),
        ];
        for (o, outcome_unknown) in table {
            for n in [1, 2] {
                let d = decide(&cfg(5), POST_NO_KEY, &at(n, *o));
                assert_eq!(
                    d,
                    Decision::Stop {
                        outcome_unknown: *outcome_unknown,
                        reason: "no_idempotency_key"
                    },
                    "{o:?}"
                );
            }
        }
        // With a key the same outcomes retry.
        for (o, _) in table {
            assert!(
                matches!(decide(&cfg(5), POST, &at(1, *o)), Decision::Retry { .. }),
                "{o:?}"
            );
        }
    }

    /// "Outcome unknown" exactly for a POST given up on after a timeout or a lost
    /// connection: never for a GET (or PUT/PATCH/DELETE), never for a failure before
    /// sending, never for a received answer.
    #[test]
    fn outcome_unknown_exactly_when_a_post_may_have_taken_effect() {
        let outcomes = [
            resp(200),
            resp(400),
            resp(409),
            resp(429),
            resp(503),
            Outcome::ConnectionFailedBeforeSend,
            Outcome::ConnectionLost,
            Outcome::Timeout,
        ];
        let calls = [
            GET,
            Call {
                is_post: false,
                has_idempotency_key: true,
            },
            POST,
            POST_NO_KEY,
        ];
        for call in calls {
            for o in outcomes {
                let want = call.is_post && matches!(o, Outcome::Timeout | Outcome::ConnectionLost);
                // The last attempt (retries exhausted, or none allowed).
                assert_eq!(
                    unknown(decide(&cfg(0), call, &at(1, o))),
                    want,
                    "{call:?} {o:?}"
                );
                assert_eq!(
                    unknown(decide(&cfg(2), call, &at(3, o))),
                    want,
                    "{call:?} {o:?}"
                );
                // An attempt that is retried is not "given up on"; it carries the flag on.
                if let Decision::Retry { ambiguous, .. } = decide(&cfg(2), call, &at(1, o)) {
                    assert_eq!(ambiguous, want, "{call:?} {o:?}");
                }
            }
        }
    }

    /// Once a POST attempt may have been processed, only a settling answer (2xx, or a 4xx
    /// but 408/409/429) clears the doubt.
    #[test]
    fn ambiguity_persists_until_an_answer_settles_it() {
        let table: &[(Outcome, bool)] = &[
            (resp(200), false),
            (resp(201), false),
            (resp(400), false),
            (resp(402), false),
            (resp(404), false),
            (resp(422), false),
            (resp(408), true),
            (resp(409), true),
            (resp(429), true),
            (resp(500), true),
            (resp(503), true),
            (resp(302), true),
            (Outcome::ConnectionFailedBeforeSend, true),
            (Outcome::ConnectionLost, true),
            (Outcome::Timeout, true),
        ];
        for (o, want) in table {
            let last = Attempt {
                ambiguous: true,
                ..at(3, *o)
            };
            assert_eq!(
                unknown(decide(&cfg(2), POST, &last)),
                *want,
                "final {o:?} after an earlier timeout"
            );
            // Not final: the flag is carried to the next attempt unless settled.
            if let Decision::Retry { ambiguous, .. } = decide(
                &cfg(2),
                POST,
                &Attempt {
                    ambiguous: true,
                    ..at(1, *o)
                },
            ) {
                assert_eq!(ambiguous, *want, "{o:?}");
            }
            // Other methods never carry it.
            let get = decide(
                &cfg(2),
                GET,
                &Attempt {
                    ambiguous: true,
                    ..at(3, *o)
                },
            );
            assert!(!unknown(get), "GET {o:?}");
        }
    }

    /// The whole loop with a fake clock, through the JSON protocol the host uses.
    fn run(
        config: &str,
        post: bool,
        script: &[(&str, u16, Option<&str>, f64)],
    ) -> (Vec<String>, String, f64) {
        let config = Value::parse(config).unwrap();
        let mut clock = 0.0;
        let mut log = Vec::new();
        let start = Value::parse(
            &decide_json(&config, &Value::parse(r#"{"kind":"start"}"#).unwrap()).unwrap(),
        )
        .unwrap();
        let mut timeout = start.get("timeoutMs").unwrap().as_f64().unwrap();
        let mut ambiguous = false;
        for (i, (kind, status, retry_after, took)) in script.iter().enumerate() {
            // A timeout takes exactly the attempt's timeout; anything else what the script says.
            clock += if *kind == "timeout" {
                timeout
            } else {
                took.min(timeout)
            };
            let mut a = vec![
                ("kind".to_string(), Value::from(*kind)),
                ("post".to_string(), Value::Bool(post)),
                ("idempotencyKey".to_string(), Value::Bool(post)),
                ("attempt".to_string(), Value::Number((i + 1) as f64)),
                ("status".to_string(), Value::Number(f64::from(*status))),
                ("ambiguous".to_string(), Value::Bool(ambiguous)),
                ("jitter".to_string(), Value::Number(0.0)),
                ("elapsedMs".to_string(), Value::Number(clock)),
                ("nowMs".to_string(), Value::Number(NOW + clock)),
            ];
            if let Some(ra) = retry_after {
                a.push(("retryAfter".to_string(), Value::from(*ra)));
            }
            let out = decide_json(&config, &Value::Object(a)).unwrap();
            let d = Value::parse(&out).unwrap();
            if d.get("retry") == Some(&Value::Bool(false)) {
                return (log, out, clock);
            }
            let wait = d.get("delayMs").unwrap().as_f64().unwrap();
            timeout = d.get("timeoutMs").unwrap().as_f64().unwrap();
            ambiguous = d.get("ambiguous").unwrap().as_bool().unwrap();
            log.push(format!(
                "{}:{}+{}",
                d.get("reason").unwrap().as_str().unwrap(),
                wait,
                timeout
            ));
            clock += wait;
        }
        panic!("the script ran out after {log:?}");
    }

    #[test]
    fn fake_clock_scenarios() {
        // A GET through a 503, a 429 with Retry-After and a timeout: three retries, then the answer.
        let (log, end, clock) = run(
            r#"{"maxRetries":3,"timeout":1000}"#,
            false,
            &[
                ("response", 503, None, 10.0),
                ("response", 429, Some("2"), 10.0),
                ("timeout", 0, None, 0.0),
                ("response", 200, None, 10.0),
            ],
        );
        assert_eq!(
            log,
            [
                "server_error:500+1000",
                "rate_limited:2000+1000",
                "timeout:2000+1000"
            ]
        );
        assert_eq!(
            end,
            r#"{"retry":false,"outcomeUnknown":false,"reason":"success"}"#
        );
        assert_eq!(clock, 10.0 + 500.0 + 10.0 + 2000.0 + 1000.0 + 2000.0 + 10.0);

        // A POST whose first attempt was processed but timed out, then the server is down:
        // outcome unknown, not "server error".
        let (log, end, _) = run(
            r#"{"maxRetries":2,"timeout":1000}"#,
            true,
            &[
                ("timeout", 0, None, 0.0),
                ("response", 503, None, 10.0),
                ("response", 503, None, 10.0),
            ],
        );
        assert_eq!(log, ["timeout:500+1000", "server_error:1000+1000"]);
        assert_eq!(
            end,
            r#"{"retry":false,"outcomeUnknown":true,"reason":"retries_exhausted"}"#
        );

        // The same POST, but the retry is answered (the server replays the original): success.
        let (_, end, _) = run(
            r#"{"maxRetries":2,"timeout":1000}"#,
            true,
            &[("timeout", 0, None, 0.0), ("response", 201, None, 10.0)],
        );
        assert_eq!(
            end,
            r#"{"retry":false,"outcomeUnknown":false,"reason":"success"}"#
        );

        // An overall deadline: timeouts are cut to the time left, and the loop ends on time.
        let (log, end, clock) = run(
            r#"{"maxRetries":10,"timeout":1000,"deadline":2500}"#,
            true,
            &[
                ("timeout", 0, None, 0.0),
                ("timeout", 0, None, 0.0),
                ("timeout", 0, None, 0.0),
            ],
        );
        assert_eq!(log, ["timeout:500+1000"]);
        assert_eq!(
            end,
            r#"{"retry":false,"outcomeUnknown":true,"reason":"deadline"}"#
        );
        assert!(clock <= 2500.0, "{clock}");
        let (log, _, clock) = run(
            r#"{"maxRetries":10,"timeout":1000,"deadline":2000}"#,
            false,
            &[
                ("timeout", 0, None, 0.0),
                ("timeout", 0, None, 0.0),
                ("timeout", 0, None, 0.0),
            ],
        );
        assert_eq!(log, ["timeout:500+500"]);
        assert_eq!(clock, 2000.0);

        // DNS failures never leave a POST in doubt.
        let (log, end, _) = run(
            r#"{"maxRetries":1}"#,
            true,
            &[("before_send", 0, None, 5.0), ("before_send", 0, None, 5.0)],
        );
        assert_eq!(log, ["connection_failed:500+60000"]);
        assert_eq!(
            end,
            r#"{"retry":false,"outcomeUnknown":false,"reason":"retries_exhausted"}"#
        );
    }

    #[test]
    fn json_protocol() {
        let p = |s: &str| Value::parse(s).unwrap();
        let ok = |c: &str, a: &str| decide_json(&p(c), &p(a)).unwrap();
        assert_eq!(
            ok("{}", r#"{"kind":"start"}"#),
            r#"{"retry":true,"delayMs":0,"timeoutMs":60000,"reason":"first","ambiguous":false}"#
        );
        assert_eq!(
            ok(
                r#"{"timeout":30000,"deadline":10000.5}"#,
                r#"{"kind":"start"}"#
            ),
            r#"{"retry":true,"delayMs":0,"timeoutMs":10001,"reason":"first","ambiguous":false}"#
        );
        assert_eq!(
            ok(
                r#"{"maxRetries":null,"deadline":null}"#,
                r#"{"kind":"response","post":true,"idempotencyKey":true,"attempt":1,"status":429,"retryAfter":"1.5","retryAfterMs":null,"ambiguous":false,"jitter":0.123456789012345678,"elapsedMs":12.75,"nowMs":1700000000000}"#
            ),
            r#"{"retry":true,"delayMs":1500,"timeoutMs":60000,"reason":"rate_limited","ambiguous":false}"#
        );
        assert_eq!(
            ok(
                "{}",
                r#"{"kind":"timeout","post":true,"idempotencyKey":true,"attempt":1,"jitter":0.999}"#
            ),
            r#"{"retry":true,"delayMs":376,"timeoutMs":60000,"reason":"timeout","ambiguous":true}"#
        );
        assert_eq!(
            ok(
                r#"{"maxRetries":0}"#,
                r#"{"kind":"lost","post":true,"idempotencyKey":true,"attempt":1}"#
            ),
            r#"{"retry":false,"outcomeUnknown":true,"reason":"retries_exhausted"}"#
        );
        assert_eq!(
            ok("{}", r#"{"kind":"response","attempt":1,"status":404}"#),
            r#"{"retry":false,"outcomeUnknown":false,"reason":"not_retryable"}"#
        );
        // Missing numbers (jitter, clock) are harmless.
        assert_eq!(
            ok("{}", r#"{"kind":"before_send","attempt":2}"#),
            r#"{"retry":true,"delayMs":1000,"timeoutMs":60000,"reason":"connection_failed","ambiguous":false}"#
        );

        // Bad options are validation errors naming the option, before anything is sent.
        let bad_config: &[(&str, &str)] = &[
            ("[]", "retry options"),
            (r#"{"maxRetries":-1}"#, "maxRetries"),
            (r#"{"maxRetries":1.5}"#, "maxRetries"),
            (r#"{"maxRetries":"2"}"#, "maxRetries"),
            (r#"{"maxRetries":2147483648}"#, "maxRetries"),
            (r#"{"maxRetries":null,"timeout":1e400}"#, "timeout"),
            (r#"{"timeout":0}"#, "timeout"),
            (r#"{"timeout":-1}"#, "timeout"),
            (r#"{"timeout":2147483648}"#, "timeout"),
            (r#"{"timeout":true}"#, "timeout"),
            (r#"{"deadline":0}"#, "deadline"),
            (r#"{"maxRetryDelay":-1}"#, "maxRetryDelay"),
            (r#"{"initialRetryDelay":1e10}"#, "initialRetryDelay"),
            (r#"{"maxBackoff":"8s"}"#, "maxBackoff"),
        ];
        for (c, field) in bad_config {
            match decide_json(&p(c), &p(r#"{"kind":"start"}"#)) {
                Err(Error::Validation { field: f, .. }) => assert_eq!(f, *field, "{c}"),
                other => panic!("{c}: {other:?}"),
            }
        }
        assert_eq!(
            config_from_options(&p(r#"{"maxRetries":0,"maxRetryDelay":0,"deadline":1}"#)).unwrap(),
            RetryConfig {
                max_retries: 0,
                max_retry_delay_ms: 0.0,
                deadline_ms: Some(1.0),
                ..RetryConfig::default()
            }
        );
        assert_eq!(
            config_from_options(&p(r#"{"maxRetries":2147483647,"unknown":1}"#))
                .unwrap()
                .max_retries,
            2_147_483_647
        );

        // A malformed attempt (a host bug) is read leniently, never as "certainly not sent".
        let odd: &[(&str, &str)] = &[
            (
                "{}",
                r#"{"retry":true,"delayMs":500,"timeoutMs":60000,"reason":"connection_lost","ambiguous":false}"#,
            ),
            (
                r#"{"kind":"later","post":true,"idempotencyKey":true,"attempt":1}"#,
                r#"{"retry":true,"delayMs":500,"timeoutMs":60000,"reason":"connection_lost","ambiguous":true}"#,
            ),
            (
                r#"{"kind":"lost","post":"yes","attempt":"1"}"#,
                r#"{"retry":true,"delayMs":500,"timeoutMs":60000,"reason":"connection_lost","ambiguous":false}"#,
            ),
            (
                r#"{"kind":"response","attempt":1}"#,
                r#"{"retry":false,"outcomeUnknown":false,"reason":"not_retryable"}"#,
            ),
            (
                r#"{"kind":"response","attempt":1,"status":70000}"#,
                r#"{"retry":false,"outcomeUnknown":false,"reason":"not_retryable"}"#,
            ),
            (
                r#"{"kind":"response","attempt":1,"status":503.7}"#,
                r#"{"retry":true,"delayMs":500,"timeoutMs":60000,"reason":"server_error","ambiguous":false}"#,
            ),
            (
                r#"{"kind":"response","attempt":1,"status":429,"retryAfter":5}"#,
                r#"{"retry":true,"delayMs":500,"timeoutMs":60000,"reason":"rate_limited","ambiguous":false}"#,
            ),
            (
                r#"{"kind":"timeout","attempt":1,"jitter":"0.5","elapsedMs":"9"}"#,
                r#"{"retry":true,"delayMs":500,"timeoutMs":60000,"reason":"timeout","ambiguous":false}"#,
            ),
            (
                r#"{"kind":"timeout","attempt":-3}"#,
                r#"{"retry":true,"delayMs":500,"timeoutMs":60000,"reason":"timeout","ambiguous":false}"#,
            ),
            (
                r#"{"kind":"timeout","attempt":1e20}"#,
                r#"{"retry":false,"outcomeUnknown":false,"reason":"retries_exhausted"}"#,
            ),
        ];
        for (a, want) in odd {
            assert_eq!(ok("{}", a), *want, "{a}");
        }
    }

    /// Arbitrary input never panics, and every answer is a usable timer value.
    #[test]
    fn no_panics_on_any_input() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet: Vec<char> = "0123456789.:,- \tGMTSunMonNovFebJanDecSundayx+eE\u{e9}\u{ff10}"
            .chars()
            .collect();
        let floats = [
            0.0,
            -0.0,
            0.5,
            0.999,
            1.0,
            -1.0,
            1e300,
            -1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            NOW,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        let templates = [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "12.5",
        ];
        for i in 0..20_000u64 {
            let len = (next() % 34) as usize;
            let mut text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            if i % 3 == 0 {
                // Mutate a valid value: likelier to reach the deep branches.
                let t = templates[(next() % templates.len() as u64) as usize];
                let cut = (next() as usize) % (t.len() + 1);
                text = format!(
                    "{}{}{}",
                    t.get(..cut).unwrap_or(t),
                    text.chars().take(2).collect::<String>(),
                    t.get(cut..).unwrap_or("")
                );
            }
            let now = floats[(next() % floats.len() as u64) as usize];
            if let Some(ms) = parse_retry_after(&text, now) {
                assert!(ms >= 0.0, "{text:?} → {ms}");
            }
            let c = RetryConfig {
                max_retries: (next() % 4) as u32,
                deadline_ms: if next() % 2 == 0 {
                    None
                } else {
                    Some((next() % 10_000) as f64 + 1.0)
                },
                ..RetryConfig::default()
            };
            let call = Call {
                is_post: next() % 2 == 0,
                has_idempotency_key: next() % 2 == 0,
            };
            let outcome = match next() % 4 {
                0 => Outcome::Timeout,
                1 => Outcome::ConnectionLost,
                2 => Outcome::ConnectionFailedBeforeSend,
                _ => Outcome::Response {
                    status: (next() % 700) as u16,
                    retry_after: Some(&text),
                    retry_after_ms: if next() % 2 == 0 { Some(&text) } else { None },
                },
            };
            let a = Attempt {
                number: (next() % 6) as u32,
                outcome,
                ambiguous: next() % 2 == 0,
                jitter: floats[(next() % floats.len() as u64) as usize],
                elapsed_ms: floats[(next() % floats.len() as u64) as usize],
                now_unix_ms: now,
            };
            match decide(&c, call, &a) {
                Decision::Retry {
                    delay_ms,
                    timeout_ms,
                    ..
                } => {
                    assert!(
                        (0.0..=c.max_retry_delay_ms).contains(&delay_ms) && delay_ms.fract() == 0.0,
                        "{a:?} → {delay_ms}"
                    );
                    assert!(
                        (1.0..=c.timeout_ms).contains(&timeout_ms) && timeout_ms.fract() == 0.0,
                        "{a:?} → {timeout_ms}"
                    );
                    if let Some(dl) = c.deadline_ms {
                        assert!(delay_ms < dl);
                    }
                    assert!(!call.is_post || call.has_idempotency_key);
                }
                Decision::Stop {
                    outcome_unknown, ..
                } => assert!(!outcome_unknown || call.is_post),
            }
        }
    }
}
