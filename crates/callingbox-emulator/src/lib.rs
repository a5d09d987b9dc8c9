//! A strict, deterministic, in-memory emulator of the CallingBox API: where the API's
//! documentation allows several answers, it gives exactly one, so tests catch client
//! mistakes (the client, in turn, accepts every documented variant). Sans-IO: it never
//! reads a clock, draws OS randomness or touches the network. The transport (a wasm
//! `fetch` shim, a Node HTTP server, a test) feeds it [`Request`]s, moves its virtual clock
//! with [`Emulator::advance`], carries out webhook deliveries from
//! [`Emulator::take_outbox`] and reports them back with [`Emulator::report_delivery`].
//! Same [`Config`] + same inputs ⇒ byte-identical outputs.
//!
//! # What it implements
//! Every operation of the API description (`api/openapi.yaml`; not the legacy
//! `PUT /v1/numbers/{id}/inbound`). Routing comes from `routes.rs`, generated from that
//! description by `scripts/gen.mjs`: one `Operation` variant per operation, which the
//! handlers match on, so an operation added to the description does not build until it
//! is handled. With:
//! - **Auth**: `Authorization: Bearer <key>`, key `^sk_[A-Za-z0-9_]{8,}$`, else 401. Each
//!   distinct key is its own organisation (created on first use with
//!   [`Config::initial_credit_milli_cents`]); another organisation's ids answer 404.
//! - **Every response** carries `X-Request-Id` (`req_` + a 12-digit counter), the CORS
//!   headers (`Access-Control-Allow-Origin: *`, the allowed and exposed headers), and
//!   (unless 204) `Content-Type: application/json`. `OPTIONS` on any path answers the
//!   preflight with 204, no auth, never a fault.
//! - **Strictness**: bodies and query strings are checked ([`check`]) against tables
//!   generated from the description (in `routes.rs`) before anything runs:
//!   invalid JSON, non-object bodies, unknown / duplicate / refused fields, wrong types,
//!   unknown enum values, missing required fields, a body on GET/DELETE, a non-JSON
//!   `Content-Type` → 400 `{"error": "..."}` naming the field. In query strings: unknown or
//!   repeated parameters, `limit` outside its range → 400. Unknown route → 404, known route
//!   with another method → 405 + `Allow`. Ids in the *path* that do not exist (including
//!   ones that are not UUIDs, like the docs' `call abc123 not found`) → 404; ids in a *body*
//!   or query must be UUIDs (400), and a well-formed id that does not exist → 404. A request
//!   that fails changes no state (validation happens before any mutation).
//! - **Lists**: calls and numbers `{"data":[...],"has_more":bool}` with `limit` (1-100,
//!   default 20), `starting_after` / `ending_before` (Stripe semantics; both at once → 400;
//!   an unknown cursor → 400), newest first. Agents, webhook endpoints and deliveries:
//!   `{"data":[...]}`. Available numbers: a bare array, as the API's docs show.
//! - **Numbers**: a global deterministic inventory ([`model::AREAS`] × `555-0100..0199`
//!   local, [`model::TOLL_FREE`] prefixes toll-free); a number bought by any organisation
//!   leaves the inventory. Search: `country_code` (2 uppercase letters; anything but `US`
//!   → empty list), `area_code` (local only; with `number_type=toll_free` → 400),
//!   `number_type`, `limit` (1-100, default 20). Purchase: canonical E.164 of the inventory
//!   (else 400), not owned (409), costs the monthly price (local 100 ¢, toll-free 200 ¢)
//!   from the balance at once (402 if short) → 201.
//! - **Agents**: `type` fixed at creation (in PATCH → 400); `returns` values
//!   `boolean|string|number`; ≤ 16 tools; `number_ids` / `primary_number_id` must be owned
//!   (404) and the primary must be among the numbers (400); a number has at most one inbound
//!   agent (409). The primary number is never chosen implicitly. PATCH accepts the create
//!   fields minus `type` (`number_ids` replaces the attached set). DELETE archives (200 +
//!   Agent with `archived_at`; repeating it is a no-op) and detaches the agent's numbers so
//!   they can be reused; an archived agent cannot be changed or dispatch (409).
//! - **Calls**: `POST /v1/calls` needs an existing (404) outbound (409) non-archived (409)
//!   agent, `to` a US number (+1 NANP, 400), `from_number` attached to the agent (400) or the
//!   agent's primary number (none → 400), and free credit ≥ the hold
//!   ([`HOLD_MILLI_CENTS`], 10 min × $0.05 = $0.50; else 402 "Calls paused. ...").
//!   `persona`, `voice`, `language`, `returns`, `tools`, `voicemail_action`, `prompt` → 400.
//!   → 201 Call `queued`, `reservation_status: reserved`. Lifecycle: see [`lifecycle`]
//!   (initiated +1 s, ringing +2 s, answered +8 s, ended +160 s, extraction +167 s) and
//!   [`TEST_NUMBERS`] for the other outcomes. Billing: connected seconds × 5 000
//!   milli-cents/min, rounded half up (152 s → 12 667), taken from the balance when the
//!   call ends; other outcomes release the hold. The transcript grows as lines are spoken:
//!   a made-up conversation with one question per `returns` field, phrased from its name
//!   and type, whose answers are `result` ([`conversation`]).
//! - **Webhook URLs**: an endpoint's `url` must be `https://`, or `http://` to a loopback
//!   host (`127.x.y.z`, `localhost`, `[::1]`) for a local receiver (else 400, on create and
//!   PATCH); inline `webhook_url`s and tool URLs take any `http(s)://` URL with a host.
//! - **Webhooks**: every status change emits its `call.*` event (exactly one terminal
//!   event) in the webhook envelope (`id`, `type`, `created`, `api_version`, `data.call`)
//!   to the call's inline `webhook_url` (signed with the organisation's
//!   [default secret](Emulator::default_signing_secret)) and to every enabled endpoint
//!   whose `enabled_events` match (its own `whsec_` secret). One delivery row per
//!   (event, destination); its id is the event id. Attempts follow the API's retry
//!   schedule without its jitter ([`lifecycle::RETRY_DELAYS_SECS`]); after 8 failed
//!   attempts `exhausted`; 10 consecutive exhausted deliveries disable the endpoint
//!   (`too_many_failures`). A manual `PATCH {"status":"disabled"}` sets
//!   `disabled_reason: "manual"`. Deliveries to a disabled endpoint wait; to a deleted
//!   endpoint become `exhausted` ("endpoint deleted").
//! - **Idempotency**: `Idempotency-Key` (1-255 visible ASCII characters, else 400) on POST
//!   is scoped to the organisation. Same key + same method, path and byte-identical body →
//!   the stored status and body again, plus `Idempotent-Replayed: true` (new
//!   `X-Request-Id`), no side effect. Same key, anything different → 409. Responses with
//!   status ≥ 500 are not stored (a retry runs again).
//! - **Faults** ([`Faults`]): latency, 429 (+ `Retry-After`) and 503 *without* processing,
//!   or "processed, then the connection drops / the answer comes late" ([`Fault`], state
//!   already changed). Rolled from the seed (two draws per in-scope request, so a fixed
//!   request sequence always gets the same faults), or scripted with
//!   [`Emulator::queue_fault`]. [`Stats`] counts what really happened.

mod api;
pub mod check;
pub mod conversation;
pub mod lifecycle;
pub mod model;
pub mod options;
mod routes;
pub(crate) mod util;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;

pub use model::{HOLD_MILLI_CENTS, MAX_CALL_SECONDS, RATE_MILLI_CENTS_PER_MINUTE};

use callingbox_core::json::Value;
use model::Org;
use util::Rng;

/// Destination numbers that force an outcome (like Twilio's magic numbers):
/// `(number, outcome, description)`. Any other US number completes normally.
pub const TEST_NUMBERS: &[(&str, &str, &str)] = &[
    ("+15005550001", "busy", "Busy signal: status busy 3 s after creation, hangup_cause user_busy, nothing billed, hold released; event call.busy."),
    ("+15005550002", "no_answer", "Rings for 30 s, nobody answers: status no_answer, hangup_cause no_answer, nothing billed, hold released; event call.no_answer."),
    ("+15005550003", "voicemail", "Voicemail picks up: status no_answer + answered_by machine 10 s after creation, result fields null, result_status pending, nothing billed, hold released; event call.no_answer."),
    ("+15005550004", "failed", "The carrier rejects the call: status failed 2 s after creation, error_code carrier_rejected, error_message, hangup_cause call_rejected, hold released; event call.failed."),
    ("+15005550005", "canceled", "Canceled while ringing: status canceled 5 s after creation, hangup_cause originator_cancel, hold released; event call.canceled."),
    ("+15005550006", "provider_rejected", "The telephony provider cannot place the call: POST /v1/calls answers 502; no call is created and no credit is held."),
    ("+15005550007", "extraction_failed", "Connects and is billed like a normal call, but extraction fails: result null, result_status failed, result_error set; event call.completed."),
];

/// Emulator settings. [`Config::default`] starts the clock at 2026-04-15T14:28:00Z with
/// seed 0, $5 of credit per organisation and no faults.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Virtual time at start, unix milliseconds.
    pub start_unix_ms: i64,
    /// Seeds ids, secrets and fault rolls.
    pub seed: u64,
    /// Credit each new organisation starts with: the API's free credit, $5 = 500 000
    /// milli-cents.
    pub initial_credit_milli_cents: i64,
    pub faults: Faults,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            start_unix_ms: 1_776_263_280_000,
            seed: 0,
            initial_credit_milli_cents: 500_000,
            faults: Faults::default(),
        }
    }
}

/// Fault injection. Rates are probabilities in `[0, 1]`; 429 and 503 are exclusive (their
/// rates add up), and so are drop and delay. Faults apply only to requests matching
/// `method` and `path_prefix` (when set), never to `OPTIONS`.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Added to every in-scope response ([`Response::latency_ms`]).
    pub latency_ms: u32,
    /// Share of requests answered 429 without being processed.
    pub rate_429: f64,
    /// `Retry-After` of those 429s (default 1).
    pub retry_after_secs: u32,
    /// Share of requests answered 503 without being processed.
    pub rate_503: f64,
    /// Share of requests processed and then answered with [`Fault::Drop`].
    pub rate_drop_after_processing: f64,
    /// Share of requests processed and then answered with [`Fault::Delay`].
    pub rate_delay_after_processing: f64,
    /// The delay of [`Fault::Delay`] (default 30 000: longer than most client timeouts).
    pub delay_after_processing_ms: u32,
    /// Only requests with this method (e.g. `"POST"`).
    pub method: Option<String>,
    /// Only paths starting with this (e.g. `"/v1/calls"`).
    pub path_prefix: Option<String>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            latency_ms: 0,
            rate_429: 0.0,
            retry_after_secs: 1,
            rate_503: 0.0,
            rate_drop_after_processing: 0.0,
            rate_delay_after_processing: 0.0,
            delay_after_processing_ms: 30_000,
            method: None,
            path_prefix: None,
        }
    }
}

/// A one-shot fault for [`Emulator::queue_fault`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// 429 + `Retry-After`, not processed.
    RateLimited,
    /// 503, not processed.
    Unavailable,
    /// Processed, then [`Fault::Drop`].
    DropAfterProcessing,
    /// Processed, then [`Fault::Delay`].
    DelayAfterProcessing,
}

/// What the transport must do with a processed response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Close the connection without answering (fetch rejects with a network error).
    Drop,
    /// Answer only after `ms` (so that the client's timeout fires first).
    Delay { ms: u32 },
}

/// An HTTP request as the transport received it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    pub method: String,
    /// `/v1/calls?limit=5`; a leading `scheme://host` is ignored.
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn new(method: &str, path_and_query: &str, body: &str) -> Request {
        Request {
            method: method.into(),
            path_and_query: path_and_query.into(),
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header (builder style).
    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The first header named `name` (case-insensitive).
    pub fn get_header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The emulator's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Set when a post-processing fault was injected: the state already changed.
    pub fault: Option<Fault>,
    /// Extra latency the transport should add before answering.
    pub latency_ms: u32,
}

impl Response {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body parsed as JSON (`Value::Null` when empty or not JSON).
    pub fn json(&self) -> Value {
        Value::parse(&self.body).unwrap_or(Value::Null)
    }
}

/// A webhook delivery attempt for the transport to POST; report the outcome with
/// [`Emulator::report_delivery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingWebhook {
    pub delivery_id: String,
    pub url: String,
    /// `Content-Type`, `CallingBox-Signature`, `CallingBox-Event-Id`,
    /// `CallingBox-Event-Type`, `X-CallingBox-Event`, `X-CallingBox-Call-Id`, `User-Agent`.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What the emulator actually did (all organisations together).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Every `handle` call, preflights and faulted ones included.
    pub requests: u64,
    pub preflights: u64,
    pub responses_2xx: u64,
    pub responses_4xx: u64,
    pub responses_5xx: u64,
    /// Calls really created (replays excluded).
    pub calls_placed: u64,
    /// Inbound calls started with [`Emulator::simulate_inbound_call`].
    pub inbound_calls: u64,
    /// Dispatches refused with 502 by the provider test number.
    pub calls_rejected_by_provider: u64,
    pub numbers_purchased: u64,
    pub idempotent_replays: u64,
    pub idempotency_conflicts: u64,
    pub faults_429: u64,
    pub faults_503: u64,
    pub faults_dropped: u64,
    pub faults_delayed: u64,
    pub webhook_attempts: u64,
    pub webhooks_delivered: u64,
    pub webhook_failed_attempts: u64,
    pub webhooks_exhausted: u64,
    pub endpoints_auto_disabled: u64,
}

impl Stats {
    /// `{"requests": 3, ...}` with the field names above.
    pub fn to_json(&self) -> String {
        let fields: [(&str, u64); 20] = [
            ("requests", self.requests),
            ("preflights", self.preflights),
            ("responses_2xx", self.responses_2xx),
            ("responses_4xx", self.responses_4xx),
            ("responses_5xx", self.responses_5xx),
            ("calls_placed", self.calls_placed),
            ("inbound_calls", self.inbound_calls),
            (
                "calls_rejected_by_provider",
                self.calls_rejected_by_provider,
            ),
            ("numbers_purchased", self.numbers_purchased),
            ("idempotent_replays", self.idempotent_replays),
            ("idempotency_conflicts", self.idempotency_conflicts),
            ("faults_429", self.faults_429),
            ("faults_503", self.faults_503),
            ("faults_dropped", self.faults_dropped),
            ("faults_delayed", self.faults_delayed),
            ("webhook_attempts", self.webhook_attempts),
            ("webhooks_delivered", self.webhooks_delivered),
            ("webhook_failed_attempts", self.webhook_failed_attempts),
            ("webhooks_exhausted", self.webhooks_exhausted),
            ("endpoints_auto_disabled", self.endpoints_auto_disabled),
        ];
        Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), Value::Number(*v as f64)))
                .collect(),
        )
        .to_json()
    }
}

/// State shared by all organisations.
#[derive(Debug, Clone)]
pub(crate) struct Env {
    pub now: i64,
    pub seed: u64,
    pub ids: Rng,
    pub stats: Stats,
    /// E.164 numbers owned by any organisation (gone from the inventory).
    pub owned: Vec<String>,
}

/// The emulator. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct Emulator {
    config: Config,
    env: Env,
    fault_rng: Rng,
    queued_faults: VecDeque<FaultKind>,
    orgs: Vec<Org>,
    request_seq: u64,
}

/// True for `^sk_[A-Za-z0-9_]{8,}$`.
pub fn is_valid_api_key(key: &str) -> bool {
    key.strip_prefix("sk_").is_some_and(|rest| {
        rest.len() >= 8 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

impl Emulator {
    pub fn new(config: Config) -> Emulator {
        Emulator {
            env: Env {
                now: config.start_unix_ms,
                seed: config.seed,
                ids: Rng::new(config.seed),
                stats: Stats::default(),
                owned: Vec::new(),
            },
            fault_rng: Rng::new(config.seed ^ 0xFA17_FA17_FA17_FA17),
            queued_faults: VecDeque::new(),
            orgs: Vec::new(),
            request_seq: 0,
            config,
        }
    }

    /// Answers one HTTP request (the whole API). Never panics.
    pub fn handle(&mut self, req: &Request) -> Response {
        api::handle(self, req)
    }

    /// Virtual time, unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.env.now
    }

    /// Moves the virtual clock forward by `ms` (negative: no-op), applying every call
    /// lifecycle step due on the way, each at its own time (so timestamps are exact).
    /// Webhook deliveries that become due are collected by [`take_outbox`](Self::take_outbox).
    pub fn advance(&mut self, ms: i64) {
        let target = self.env.now.saturating_add(ms.max(0));
        while let Some((at, oi, ci)) = self.next_step(target) {
            self.env.now = at;
            let Some(org) = self.orgs.get_mut(oi) else {
                break;
            };
            let Some(call) = org.calls.get_mut(ci) else {
                break;
            };
            if call.plan.is_empty() {
                break;
            }
            let (_, step) = call.plan.remove(0);
            org.apply(&mut self.env, ci, step);
        }
        self.env.now = target;
    }

    fn next_step(&self, limit: i64) -> Option<(i64, usize, usize)> {
        let mut best: Option<(i64, usize, usize)> = None;
        for (oi, org) in self.orgs.iter().enumerate() {
            for (ci, call) in org.calls.iter().enumerate() {
                if let Some((at, _)) = call.plan.first() {
                    if *at <= limit && best.is_none_or(|(b, _, _)| *at < b) {
                        best = Some((*at, oi, ci));
                    }
                }
            }
        }
        best
    }

    /// The next virtual time at which something happens by itself (a call step, or a
    /// pending delivery not yet handed out), if any — for "run until idle" loops.
    pub fn next_due_ms(&self) -> Option<i64> {
        let step = self.next_step(i64::MAX).map(|(at, _, _)| at);
        let delivery = self
            .orgs
            .iter()
            .flat_map(|o| o.deliveries.iter())
            .filter(|d| d.status == "pending" && !d.in_flight)
            .map(|d| d.next_attempt_at)
            .min();
        match (step, delivery) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Hands out every delivery attempt due now (oldest first), signed at the current
    /// virtual time. Each stays "in flight" until [`report_delivery`](Self::report_delivery).
    pub fn take_outbox(&mut self) -> Vec<OutgoingWebhook> {
        api::take_outbox(self)
    }

    /// Records the outcome of an attempt: `Ok(status)` (2xx = delivered, anything else a
    /// failure) or `Err(reason)` (network error, timeout). Failures are retried on the API's
    /// schedule ([`lifecycle::RETRY_DELAYS_SECS`]) in virtual time. Returns false if
    /// `delivery_id` was not in flight.
    pub fn report_delivery(&mut self, delivery_id: &str, outcome: Result<u16, String>) -> bool {
        api::report_delivery(self, delivery_id, outcome)
    }

    pub fn stats(&self) -> Stats {
        self.env.stats.clone()
    }

    /// Replaces the fault settings (e.g. to stop injecting).
    pub fn set_faults(&mut self, faults: Faults) {
        self.config.faults = faults;
    }

    /// Forces the next in-scope request to suffer `kind` (queued faults run in order and
    /// take precedence over the random rolls).
    pub fn queue_fault(&mut self, kind: FaultKind) {
        self.queued_faults.push_back(kind);
    }

    /// The organisation default signing secret that signs inline `webhook_url` deliveries
    /// (the dashboard shows it; the API documents no way to read it). `None` for a malformed
    /// key.
    pub fn default_signing_secret(&self, api_key: &str) -> Option<String> {
        is_valid_api_key(api_key).then(|| lifecycle::default_secret(self.env.seed, api_key))
    }

    /// The organisation's balance (credit held by running calls not subtracted), if it exists yet.
    pub fn balance_milli_cents(&self, api_key: &str) -> Option<i64> {
        self.orgs
            .iter()
            .find(|o| o.key == api_key)
            .map(|o| o.balance)
    }

    /// Simulates someone calling `to` (a number the organisation owns) from `from` (any
    /// canonical E.164 number): the inbound flow. The number's inbound agent answers
    /// with its configuration as-is (`context` null, no per-call overrides); the call runs the
    /// same lifecycle and webhooks as an outbound one, and `from` selects the outcome like a
    /// destination does (see [`TEST_NUMBERS`]). Returns the new call's id, or why the call
    /// was rejected (unknown organisation or number, no inbound agent, not enough credit for
    /// the hold, provider rejection).
    pub fn simulate_inbound_call(
        &mut self,
        api_key: &str,
        from: &str,
        to: &str,
    ) -> Result<String, String> {
        if !callingbox_core::e164::is_canonical(from) {
            return Err(format!("from {from:?} is not a canonical E.164 number"));
        }
        let Emulator { orgs, env, .. } = self;
        let org = orgs
            .iter_mut()
            .find(|o| o.key == api_key)
            .ok_or("no organisation uses this API key yet")?;
        let number = org
            .numbers
            .iter()
            .find(|n| n.info.e164 == to)
            .ok_or_else(|| format!("{to} is not a number of this organisation"))?;
        let agent = org
            .inbound_owner(&number.id, "")
            .ok_or_else(|| format!("rejected: {to} has no inbound agent"))?
            .id
            .clone();
        api::hold_available(org).map_err(|(_, msg)| msg)?;
        let outcome = lifecycle::outcome_for(from).ok_or_else(|| {
            format!("the telephony provider rejected the call from {from} (emulator test number)")
        })?;
        env.stats.inbound_calls += 1;
        let call = api::start_call(
            org,
            env,
            &agent,
            to.to_string(),
            from.to_string(),
            &Value::Null,
            outcome,
            true,
        );
        Ok(call
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string())
    }

    /// Sets an organisation's balance (creating it). False for a malformed key.
    pub fn set_balance_milli_cents(&mut self, api_key: &str, milli_cents: i64) -> bool {
        if !is_valid_api_key(api_key) {
            return false;
        }
        let oi = self.org_index(api_key);
        if let Some(org) = self.orgs.get_mut(oi) {
            org.balance = milli_cents;
        }
        true
    }

    fn org_index(&mut self, key: &str) -> usize {
        if let Some(i) = self.orgs.iter().position(|o| o.key == key) {
            return i;
        }
        let mut r = Rng::new(util::fnv1a(self.env.seed, key));
        self.orgs.push(Org {
            key: key.to_string(),
            id: r.uuid(),
            default_secret: lifecycle::default_secret(self.env.seed, key),
            balance: self.config.initial_credit_milli_cents,
            numbers: Vec::new(),
            agents: Vec::new(),
            calls: Vec::new(),
            endpoints: Vec::new(),
            deliveries: Vec::new(),
            idem: Vec::new(),
        });
        self.orgs.len() - 1
    }
}
