//! The emulator's state (one [`Org`] per API key) and how each object renders as JSON
//! (field order as in the example objects in `tests/fixtures/`).

use super::util::{obj, opt_ts, strs, ts};
use callingbox_core::json::Value;

/// Price of connected time: $0.05/min = 5 000 milli-cents per minute.
pub const RATE_MILLI_CENTS_PER_MINUTE: i64 = 5_000;
/// The longest call the emulator allows for the credit hold (the hold is the worst-case
/// cost of one call; the real maximum is undocumented): 10 minutes.
pub const MAX_CALL_SECONDS: i64 = 600;
/// Credit held per call while it runs: 10 min × $0.05 = $0.50.
pub const HOLD_MILLI_CENTS: i64 = MAX_CALL_SECONDS * RATE_MILLI_CENTS_PER_MINUTE / 60;

/// Charge for `secs` connected seconds, rounded half up: 152 s → 12 667 (as in
/// `tests/fixtures/call.json`).
pub fn charge(secs: i64) -> i64 {
    (secs * RATE_MILLI_CENTS_PER_MINUTE + 30) / 60
}

/// Local numbers of the inventory: every area code offers `+1 <area> 555-0100..0199`
/// (the 555-01XX block is reserved for fiction, so nobody is dialled by accident).
pub const AREAS: &[(&str, &str, &str)] = &[
    ("415", "CA", "San Francisco"),
    ("212", "NY", "New York"),
    ("312", "IL", "Chicago"),
    ("512", "TX", "Austin"),
    ("206", "WA", "Seattle"),
    ("617", "MA", "Boston"),
    ("305", "FL", "Miami"),
    ("303", "CO", "Denver"),
];
/// Toll-free prefixes of the inventory (same 555-01XX block).
pub const TOLL_FREE: &[&str] = &["800", "833", "844", "855", "866", "877", "888"];
pub const LOCAL_MONTHLY_CENTS: i64 = 100;
pub const TOLL_FREE_MONTHLY_CENTS: i64 = 200;

/// An entry of the (global, deterministic) inventory.
#[derive(Debug, Clone, PartialEq)]
pub struct Available {
    pub e164: String,
    pub toll_free: bool,
    pub state: Option<&'static str>,
    pub locality: Option<&'static str>,
}

impl Available {
    pub fn monthly_cents(&self) -> i64 {
        if self.toll_free {
            TOLL_FREE_MONTHLY_CENTS
        } else {
            LOCAL_MONTHLY_CENTS
        }
    }

    pub fn number_type(&self) -> &'static str {
        if self.toll_free {
            "toll_free"
        } else {
            "local"
        }
    }

    pub fn to_value(&self) -> Value {
        obj(vec![
            ("phone_number", self.e164.as_str().into()),
            ("country_code", "US".into()),
            ("number_type", self.number_type().into()),
            ("state", self.state.into()),
            ("locality", self.locality.into()),
            ("monthly_cost_cents", self.monthly_cents().into()),
            ("upfront_cost_cents", 0i64.into()),
            ("currency", "USD".into()),
        ])
    }
}

/// The inventory in search order: local numbers area by area, then toll-free.
pub fn inventory() -> impl Iterator<Item = Available> {
    let local = AREAS.iter().flat_map(|(ac, st, city)| {
        (100..200).map(move |n| Available {
            e164: format!("+1{ac}5550{n}"),
            toll_free: false,
            state: Some(st),
            locality: Some(city),
        })
    });
    let free = TOLL_FREE.iter().flat_map(|p| {
        (100..200).map(move |n| Available {
            e164: format!("+1{p}5550{n}"),
            toll_free: true,
            state: None,
            locality: None,
        })
    });
    local.chain(free)
}

/// The inventory entry for `e164`, if it is one.
pub fn lookup_inventory(e164: &str) -> Option<Available> {
    let digits = e164.strip_prefix("+1")?;
    let (prefix, line) = (digits.get(..3)?, digits.get(6..)?);
    if digits.len() != 10
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || digits.get(3..6) != Some("555")
        || !line.starts_with("01")
    {
        return None;
    }
    if let Some((_, st, city)) = AREAS.iter().find(|(ac, _, _)| *ac == prefix) {
        return Some(Available {
            e164: e164.to_string(),
            toll_free: false,
            state: Some(st),
            locality: Some(city),
        });
    }
    TOLL_FREE.contains(&prefix).then(|| Available {
        e164: e164.to_string(),
        toll_free: true,
        state: None,
        locality: None,
    })
}

#[derive(Debug, Clone)]
pub struct Number {
    pub id: String,
    pub info: Available,
    pub purchased_at: i64,
}

/// Agent settings that PATCH can change, in render order, with their defaults.
pub const AGENT_SETTINGS: &[&str] = &[
    "persona",
    "instructions",
    "voice",
    "language",
    "returns",
    "tools",
    "webhook_url",
    "voicemail_action",
];

pub fn default_setting(key: &str) -> Value {
    match key {
        "tools" => Value::Array(Vec::new()),
        "voicemail_action" => "hangup".into(),
        _ => Value::Null,
    }
}

#[derive(Debug, Clone)]
pub struct Agent {
    pub id: String,
    pub name: String,
    pub inbound: bool,
    /// `AGENT_SETTINGS` keys → values.
    pub settings: Vec<(String, Value)>,
    /// Attached number ids, in attach order.
    pub number_ids: Vec<String>,
    pub primary: Option<String>,
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Agent {
    pub fn setting(&self, key: &str) -> &Value {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map_or(&Value::Null, |(_, v)| v)
    }

    pub fn setting_str(&self, key: &str) -> Option<String> {
        self.setting(key).as_str().map(str::to_string)
    }

    pub fn kind(&self) -> &'static str {
        if self.inbound {
            "inbound"
        } else {
            "outbound"
        }
    }
}

/// A transcript line, times relative to the call's creation.
#[derive(Debug, Clone)]
pub struct Segment {
    pub agent: bool,
    pub text: String,
    pub start_ms: i64,
    pub dur_ms: i64,
}

#[derive(Debug, Clone)]
pub struct Call {
    pub id: String,
    pub agent_id: String,
    /// `direction`: inbound calls come from [`Emulator::simulate_inbound_call`](super::Emulator::simulate_inbound_call).
    pub inbound: bool,
    pub to: String,
    pub from: String,
    pub status: &'static str,
    pub answered_by: Option<&'static str>,
    pub persona: Option<String>,
    pub instructions: Option<String>,
    pub prompt: String,
    pub context: Value,
    pub returns: Value,
    pub result: Value,
    pub result_status: &'static str,
    pub result_error: Option<String>,
    pub language: Option<String>,
    pub webhook_url: Option<String>,
    pub webhook_status: &'static str,
    pub webhook_error: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub duration_seconds: Option<i64>,
    pub billed_duration_seconds: Option<i64>,
    pub billing_amount_milli_cents: Option<i64>,
    pub reservation_status: &'static str,
    pub error_code: Option<&'static str>,
    pub error_message: Option<String>,
    pub hangup_cause: Option<&'static str>,
    pub metadata: Value,
    pub updated_at: i64,
    /// Pending lifecycle steps: (virtual time, step), in time order.
    pub plan: Vec<(i64, super::lifecycle::Step)>,
    pub transcript: Vec<Segment>,
}

impl Call {
    pub fn to_value(&self) -> Value {
        obj(vec![
            ("id", self.id.as_str().into()),
            ("agent_id", self.agent_id.as_str().into()),
            ("to_number", self.to.as_str().into()),
            ("from_number", self.from.as_str().into()),
            ("status", self.status.into()),
            (
                "direction",
                if self.inbound { "inbound" } else { "outbound" }.into(),
            ),
            ("answered_by", self.answered_by.into()),
            ("persona", self.persona.clone().into()),
            ("instructions", self.instructions.clone().into()),
            ("prompt", self.prompt.as_str().into()),
            ("context", self.context.clone()),
            ("returns", self.returns.clone()),
            ("result", self.result.clone()),
            ("result_status", self.result_status.into()),
            ("result_error", self.result_error.clone().into()),
            ("language", self.language.clone().into()),
            ("webhook_url", self.webhook_url.clone().into()),
            ("webhook_status", self.webhook_status.into()),
            ("webhook_error", self.webhook_error.clone().into()),
            ("created_at", ts(self.created_at)),
            ("started_at", opt_ts(self.started_at)),
            ("answered_at", opt_ts(self.answered_at)),
            ("ended_at", opt_ts(self.ended_at)),
            ("duration_seconds", self.duration_seconds.into()),
            (
                "billed_duration_seconds",
                self.billed_duration_seconds.into(),
            ),
            (
                "billing_amount_milli_cents",
                self.billing_amount_milli_cents.into(),
            ),
            ("reservation_status", self.reservation_status.into()),
            ("error_code", self.error_code.into()),
            ("error_message", self.error_message.clone().into()),
            ("hangup_cause", self.hangup_cause.into()),
            ("metadata", self.metadata.clone()),
            ("updated_at", ts(self.updated_at)),
        ])
    }

    /// Segments spoken by `now` (none before the call is answered).
    pub fn transcript_value(&self, now: i64) -> Value {
        let segs = self
            .transcript
            .iter()
            .enumerate()
            .filter(|(_, s)| self.created_at + s.start_ms + s.dur_ms <= now)
            .map(|(i, s)| {
                let start = self.created_at + s.start_ms;
                obj(vec![
                    ("sequence_no", (i as i64).into()),
                    ("role", if s.agent { "agent" } else { "user" }.into()),
                    ("text", s.text.as_str().into()),
                    ("started_at", ts(start)),
                    ("ended_at", ts(start + s.dur_ms)),
                    ("duration_ms", s.dur_ms.into()),
                    ("source", if s.agent { "tts" } else { "stt" }.into()),
                ])
            })
            .collect();
        obj(vec![
            ("call_id", self.id.as_str().into()),
            ("segments", Value::Array(segs)),
        ])
    }
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: Option<&'static str>,
    pub disabled_at: Option<i64>,
    pub consecutive_failures: u32,
    pub secret: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub deleted: bool,
}

impl Endpoint {
    pub fn wants(&self, event: &str) -> bool {
        !self.deleted && self.enabled && self.events.iter().any(|e| e == "*" || e == event)
    }

    pub fn to_value(&self, org_id: &str, with_secret: bool) -> Value {
        let mut pairs = Vec::new();
        if with_secret {
            pairs.push(("signing_secret", self.secret.as_str().into()));
        }
        pairs.extend([
            ("id", self.id.as_str().into()),
            ("org_id", org_id.into()),
            ("url", self.url.as_str().into()),
            ("description", self.description.clone().into()),
            ("enabled_events", strs(&self.events)),
            (
                "status",
                if self.enabled { "enabled" } else { "disabled" }.into(),
            ),
            ("disabled_reason", self.disabled_reason.into()),
            ("disabled_at", opt_ts(self.disabled_at)),
            (
                "consecutive_failures",
                i64::from(self.consecutive_failures).into(),
            ),
            ("created_at", ts(self.created_at)),
            ("updated_at", ts(self.updated_at)),
        ]);
        obj(pairs)
    }
}

#[derive(Debug, Clone)]
pub struct Delivery {
    /// Also the event id (`CallingBox-Event-Id`, envelope `id`).
    pub id: String,
    pub endpoint_id: Option<String>,
    pub call_id: String,
    pub event_type: &'static str,
    pub url: String,
    /// The envelope, fixed at enqueue time (re-signed on every attempt).
    pub body: String,
    pub status: &'static str,
    pub attempt_count: u32,
    pub manual_retry_count: u32,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub last_response_status: Option<u16>,
    pub delivered_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Handed to the transport by `take_outbox`, outcome not reported yet.
    pub in_flight: bool,
}

impl Delivery {
    pub fn to_value(&self, org_id: &str) -> Value {
        obj(vec![
            ("id", self.id.as_str().into()),
            ("org_id", org_id.into()),
            ("endpoint_id", self.endpoint_id.clone().into()),
            ("call_id", self.call_id.as_str().into()),
            ("event_type", self.event_type.into()),
            ("url", self.url.as_str().into()),
            ("status", self.status.into()),
            ("attempt_count", i64::from(self.attempt_count).into()),
            (
                "manual_retry_count",
                i64::from(self.manual_retry_count).into(),
            ),
            ("next_attempt_at", ts(self.next_attempt_at)),
            ("last_error", self.last_error.clone().into()),
            (
                "last_response_status",
                self.last_response_status.map(i64::from).into(),
            ),
            ("delivered_at", opt_ts(self.delivered_at)),
            ("created_at", ts(self.created_at)),
            ("updated_at", ts(self.updated_at)),
        ])
    }
}

/// A stored `Idempotency-Key` and the response it produced.
#[derive(Debug, Clone)]
pub struct Idem {
    pub key: String,
    pub method: String,
    pub path: String,
    pub body: String,
    pub status: u16,
    pub response: String,
}

/// One organisation = one API key.
#[derive(Debug, Clone)]
pub struct Org {
    pub key: String,
    pub id: String,
    pub default_secret: String,
    pub balance: i64,
    pub numbers: Vec<Number>,
    pub agents: Vec<Agent>,
    pub calls: Vec<Call>,
    pub endpoints: Vec<Endpoint>,
    pub deliveries: Vec<Delivery>,
    pub idem: Vec<Idem>,
}

impl Org {
    pub fn number(&self, id: &str) -> Option<&Number> {
        self.numbers.iter().find(|n| n.id == id)
    }

    pub fn agent(&self, id: &str) -> Option<&Agent> {
        self.agents.iter().find(|a| a.id == id)
    }

    pub fn agent_mut(&mut self, id: &str) -> Option<&mut Agent> {
        self.agents.iter_mut().find(|a| a.id == id)
    }

    /// Credit held by calls still running.
    pub fn held(&self) -> i64 {
        self.calls
            .iter()
            .filter(|c| c.reservation_status == "reserved")
            .count() as i64
            * HOLD_MILLI_CENTS
    }

    /// The inbound agent (not `except`) that answers `number_id`, if any.
    pub fn inbound_owner(&self, number_id: &str, except: &str) -> Option<&Agent> {
        self.agents
            .iter()
            .find(|a| a.inbound && a.id != except && a.number_ids.iter().any(|n| n == number_id))
    }

    pub fn number_value(&self, n: &Number) -> Value {
        let attached = |a: &&Agent| a.number_ids.contains(&n.id);
        let inbound = self.agents.iter().filter(attached).find(|a| a.inbound);
        let outbound: Vec<String> = self
            .agents
            .iter()
            .filter(attached)
            .filter(|a| !a.inbound)
            .map(|a| a.id.clone())
            .collect();
        obj(vec![
            ("id", n.id.as_str().into()),
            ("e164", n.info.e164.as_str().into()),
            ("friendly_name", friendly(&n.info.e164).into()),
            ("country_code", "US".into()),
            ("number_type", n.info.number_type().into()),
            ("status", "active".into()),
            ("monthly_cost_cents", n.info.monthly_cents().into()),
            ("purchased_at", ts(n.purchased_at)),
            ("inbound_agent_id", inbound.map(|a| a.id.as_str()).into()),
            ("outbound_agent_ids", strs(&outbound)),
        ])
    }

    pub fn agent_value(&self, a: &Agent) -> Value {
        let mut pairs = vec![
            ("id", a.id.as_str().into()),
            ("org_id", self.id.as_str().into()),
            ("user_id", "user_emulator".into()),
            ("name", a.name.as_str().into()),
            ("type", a.kind().into()),
        ];
        for key in AGENT_SETTINGS {
            pairs.push((key, a.setting(key).clone()));
        }
        let numbers = a
            .number_ids
            .iter()
            .filter_map(|id| self.number(id))
            .map(|n| self.number_value(n))
            .collect();
        pairs.extend([
            ("primary_number_id", a.primary.clone().into()),
            ("archived_at", opt_ts(a.archived_at)),
            ("created_at", ts(a.created_at)),
            ("updated_at", ts(a.updated_at)),
            ("numbers", Value::Array(numbers)),
        ]);
        obj(pairs)
    }
}

/// `+14155550123` → `(415) 555-0123`.
pub fn friendly(e164: &str) -> String {
    match (e164.get(2..5), e164.get(5..8), e164.get(8..12)) {
        (Some(a), Some(b), Some(c)) => format!("({a}) {b}-{c}"),
        _ => e164.to_string(),
    }
}
