//! Call lifecycles on the virtual clock, webhook events (`call.*`), deliveries and their
//! retry schedule.

use super::conversation::extract;
use super::model::{charge, Call, Delivery, Org};
use super::util::{obj, Rng};
use super::{Env, TEST_NUMBERS};
use callingbox_core::json::Value;

/// How a call ends, chosen by its destination (see [`TEST_NUMBERS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Completed,
    ExtractionFailed,
    Busy,
    NoAnswer,
    Voicemail,
    Failed,
    Canceled,
}

/// One scheduled change of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Initiated,
    Ringing,
    Answered,
    End(Outcome),
    /// Extraction finished (`call.completed` fires).
    Extracted(Outcome),
}

/// Offsets from creation, in ms. Matches the example Call in `tests/fixtures/call.json`:
/// created 14:28:01, ringing (`started_at`) +2 s, answered +8 s, ended +160 s (duration
/// 158 s, billed 152 s), extraction done +167 s (`updated_at` 14:30:48).
pub const INITIATED_MS: i64 = 1_000;
pub const RINGING_MS: i64 = 2_000;
pub const ANSWERED_MS: i64 = 8_000;
pub const ENDED_MS: i64 = 160_000;
pub const EXTRACTED_MS: i64 = 167_000;

/// Delay before attempt n+1 after attempt n failed (index n-1 is unused for attempt 1,
/// which is immediate): the API's schedule without its ±20 % jitter, so tests can predict
/// every time.
pub const RETRY_DELAYS_SECS: [i64; 8] = [0, 60, 300, 1_800, 7_200, 18_000, 36_000, 86_400];
/// Automatic attempts before a delivery is `exhausted`.
pub const MAX_ATTEMPTS: u32 = 8;
/// Consecutive exhausted deliveries that disable an endpoint.
pub const DISABLE_AFTER: u32 = 10;

/// `None`: the telephony provider refuses to place the call (502 at dispatch).
pub fn outcome_for(to: &str) -> Option<Outcome> {
    let name = TEST_NUMBERS
        .iter()
        .find(|(n, _, _)| *n == to)
        .map_or("completed", |(_, o, _)| *o);
    Some(match name {
        "busy" => Outcome::Busy,
        "no_answer" => Outcome::NoAnswer,
        "voicemail" => Outcome::Voicemail,
        "failed" => Outcome::Failed,
        "canceled" => Outcome::Canceled,
        "extraction_failed" => Outcome::ExtractionFailed,
        "provider_rejected" => return None,
        _ => Outcome::Completed,
    })
}

pub fn plan(outcome: Outcome, t0: i64) -> Vec<(i64, Step)> {
    use Outcome::*;
    use Step::*;
    let steps: &[(i64, Step)] = match outcome {
        Completed | ExtractionFailed => &[
            (INITIATED_MS, Initiated),
            (RINGING_MS, Ringing),
            (ANSWERED_MS, Answered),
            (ENDED_MS, End(outcome)),
            (EXTRACTED_MS, Extracted(outcome)),
        ],
        Busy => &[(INITIATED_MS, Initiated), (3_000, End(Busy))],
        NoAnswer => &[
            (INITIATED_MS, Initiated),
            (RINGING_MS, Ringing),
            (32_000, End(NoAnswer)),
        ],
        Voicemail => &[
            (INITIATED_MS, Initiated),
            (RINGING_MS, Ringing),
            (10_000, End(Voicemail)),
        ],
        Failed => &[(INITIATED_MS, Initiated), (RINGING_MS, End(Failed))],
        Canceled => &[
            (INITIATED_MS, Initiated),
            (RINGING_MS, Ringing),
            (5_000, End(Canceled)),
        ],
    };
    steps.iter().map(|(dt, s)| (t0 + dt, *s)).collect()
}

/// `returns` with every field null (no conversation happened, so nothing was extracted),
/// or null without a schema.
pub fn nulls(returns: &Value) -> Value {
    returns.as_object().map_or(Value::Null, |f| {
        Value::Object(f.iter().map(|(k, _)| (k.clone(), Value::Null)).collect())
    })
}

impl Org {
    /// Applies one step to call `ci` at `env.now`.
    pub(crate) fn apply(&mut self, env: &mut Env, ci: usize, step: Step) {
        let now = env.now;
        let Some(c) = self.calls.get_mut(ci) else {
            return;
        };
        c.updated_at = now;
        let event = match step {
            Step::Initiated => {
                c.status = "initiated";
                None
            }
            Step::Ringing => {
                c.status = "ringing";
                c.started_at = Some(now);
                Some("call.ringing")
            }
            Step::Answered => {
                c.status = "in_progress";
                c.answered_at = Some(now);
                c.answered_by = Some("human");
                Some("call.answered")
            }
            Step::End(outcome) => end(c, now, outcome),
            Step::Extracted(outcome) => {
                if outcome == Outcome::ExtractionFailed {
                    c.result_status = "failed";
                    c.result_error = Some(
                        "extraction failed: the conversation did not answer the returns schema \
                         (emulator test number)"
                            .into(),
                    );
                } else {
                    c.result = extract(&c.returns, &c.context);
                    c.result_status = "completed";
                }
                Some("call.completed")
            }
        };
        if let Step::End(Outcome::Completed | Outcome::ExtractionFailed) = step {
            let amount = c.billing_amount_milli_cents.unwrap_or(0);
            self.balance -= amount;
        }
        if let Some(event) = event {
            self.emit(env, ci, event);
        }
    }

    /// Queues one delivery per destination of `event` for call `ci`: its inline
    /// `webhook_url` (signed with the org default secret) and every enabled endpoint that
    /// subscribes to the event.
    pub(crate) fn emit(&mut self, env: &mut Env, ci: usize, event: &'static str) {
        let now = env.now;
        let Some(call) = self.calls.get(ci) else {
            return;
        };
        let call_id = call.id.clone();
        let mut dests: Vec<(Option<String>, String)> = Vec::new();
        if let Some(url) = &call.webhook_url {
            dests.push((None, url.clone()));
        }
        for e in self.endpoints.iter().filter(|e| e.wants(event)) {
            dests.push((Some(e.id.clone()), e.url.clone()));
        }
        let first = self.deliveries.len();
        for (endpoint_id, url) in dests {
            self.deliveries.push(Delivery {
                id: env.ids.uuid(),
                endpoint_id,
                call_id: call_id.clone(),
                event_type: event,
                url,
                body: String::new(),
                status: "pending",
                attempt_count: 0,
                manual_retry_count: 0,
                next_attempt_at: now,
                last_error: None,
                last_response_status: None,
                delivered_at: None,
                created_at: now,
                updated_at: now,
                in_flight: false,
            });
        }
        self.refresh_webhook_status(&call_id);
        let Some(snapshot) = self.calls.get(ci).map(Call::to_value) else {
            return;
        };
        for d in self.deliveries.iter_mut().skip(first) {
            d.body = obj(vec![
                ("id", d.id.as_str().into()),
                ("type", event.into()),
                ("created", now.div_euclid(1000).into()),
                ("api_version", "2026-04".into()),
                ("data", obj(vec![("call", snapshot.clone())])),
            ])
            .to_json();
        }
    }

    /// `webhook_status` tracks the call's inline deliveries: `failed` if any is exhausted,
    /// else `pending` if any is pending, else `delivered` (or `none` without any).
    pub(crate) fn refresh_webhook_status(&mut self, call_id: &str) {
        let inline: Vec<&Delivery> = self
            .deliveries
            .iter()
            .filter(|d| d.call_id == call_id && d.endpoint_id.is_none())
            .collect();
        let failed = inline.iter().find(|d| d.status == "exhausted");
        let (status, error) = if let Some(d) = failed {
            ("failed", d.last_error.clone())
        } else if inline.iter().any(|d| d.status == "pending") {
            ("pending", None)
        } else if inline.is_empty() {
            ("none", None)
        } else {
            ("delivered", None)
        };
        if let Some(c) = self.calls.iter_mut().find(|c| c.id == call_id) {
            c.webhook_status = status;
            c.webhook_error = error;
        }
    }
}

/// Terminal state of a call; returns the event to send now (`completed` waits for extraction).
fn end(c: &mut Call, now: i64, outcome: Outcome) -> Option<&'static str> {
    let start = c.started_at;
    c.ended_at = Some(now);
    c.duration_seconds = Some(start.map_or(0, |s| (now - s) / 1000));
    if let (Outcome::Completed | Outcome::ExtractionFailed, Some(answered)) =
        (outcome, c.answered_at)
    {
        let billed = (now - answered) / 1000;
        c.status = "completed";
        c.billed_duration_seconds = Some(billed);
        c.billing_amount_milli_cents = Some(charge(billed));
        c.reservation_status = "settled";
        c.hangup_cause = Some("normal_clearing");
        return None;
    }
    c.billed_duration_seconds = Some(0);
    c.billing_amount_milli_cents = Some(0);
    c.reservation_status = "released";
    c.result = nulls(&c.returns);
    let (status, cause, event) = match outcome {
        Outcome::Busy => ("busy", "user_busy", "call.busy"),
        Outcome::Voicemail => {
            c.answered_by = Some("machine");
            ("no_answer", "machine_detected", "call.no_answer")
        }
        Outcome::Failed => {
            c.error_code = Some("carrier_rejected");
            c.error_message = Some(format!(
                "the carrier rejected the call to {} (emulator test number)",
                c.to
            ));
            ("failed", "call_rejected", "call.failed")
        }
        Outcome::Canceled => ("canceled", "originator_cancel", "call.canceled"),
        _ => ("no_answer", "no_answer", "call.no_answer"),
    };
    c.status = status;
    c.hangup_cause = Some(cause);
    Some(event)
}

/// Deterministic default signing secret of an organisation (for inline `webhook_url`s).
pub(crate) fn default_secret(seed: u64, key: &str) -> String {
    let mut r = Rng::new(super::util::fnv1a(seed ^ 0x005E_C2E7, key));
    format!("whsec_{}", r.hex(2))
}
