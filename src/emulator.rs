//! wasm binding of the emulator (built only with `--features emulator`, into its own
//! `callingbox_emulator_bg.wasm`, so the client's wasm stays lean). Strings in, strings out,
//! like the client binding; `js/emulator.js` is the transport around it.

use wasm_bindgen::prelude::*;

use callingbox_core::json::Value;
use callingbox_emulator::{self as emu, options, Fault};

fn parse(json: &str) -> Result<Value, String> {
    Value::parse(json).map_err(|e| format!("options are not valid JSON ({e})"))
}

fn pairs(headers: &[(String, String)]) -> Value {
    Value::Array(
        headers
            .iter()
            .map(|(k, v)| Value::Array(vec![Value::from(k.as_str()), Value::from(v.as_str())]))
            .collect(),
    )
}

#[wasm_bindgen]
pub struct Emulator {
    inner: emu::Emulator,
}

#[wasm_bindgen]
impl Emulator {
    /// `options`: JSON `{ seed?, startTime?, initialCreditMilliCents?, faults? }`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str) -> Result<Emulator, String> {
        let config = options::config_from_json(&parse(options)?)?;
        Ok(Emulator {
            inner: emu::Emulator::new(config),
        })
    }

    /// Handles one request; `headers` is JSON `[[name, value], ...]`. Answers JSON
    /// `{ status, headers: [[name, value]...], body, fault: null | "drop" | { delayMs }, latencyMs }`.
    pub fn handle(&mut self, method: &str, url: &str, headers: &str, body: &str) -> String {
        let mut req = emu::Request::new(method, url, body);
        if let Ok(Value::Array(items)) = Value::parse(headers) {
            for item in items {
                if let Some([Value::String(k), Value::String(v)]) = item.as_array() {
                    req.headers.push((k.clone(), v.clone()));
                }
            }
        }
        let res = self.inner.handle(&req);
        let fault = match res.fault {
            None => Value::Null,
            Some(Fault::Drop) => Value::from("drop"),
            Some(Fault::Delay { ms }) => {
                Value::Object(vec![("delayMs".into(), Value::Number(f64::from(ms)))])
            }
        };
        Value::Object(vec![
            ("status".into(), Value::Number(f64::from(res.status))),
            ("headers".into(), pairs(&res.headers)),
            ("body".into(), Value::String(res.body)),
            ("fault".into(), fault),
            ("latencyMs".into(), Value::Number(f64::from(res.latency_ms))),
        ])
        .to_json()
    }

    /// Moves the virtual clock forward by `ms`.
    pub fn advance(&mut self, ms: f64) {
        if ms.is_finite() && ms > 0.0 {
            self.inner.advance(ms as i64);
        }
    }

    #[wasm_bindgen(js_name = nowMs)]
    pub fn now_ms(&self) -> f64 {
        self.inner.now_ms() as f64
    }

    /// Virtual time of the next scheduled event (call step or delivery), if any.
    #[wasm_bindgen(js_name = nextDueMs)]
    pub fn next_due_ms(&self) -> Option<f64> {
        self.inner.next_due_ms().map(|t| t as f64)
    }

    /// Deliveries due now: JSON `[{ deliveryId, url, headers: [[k, v]...], body }]`.
    #[wasm_bindgen(js_name = takeOutbox)]
    pub fn take_outbox(&mut self) -> String {
        Value::Array(
            self.inner
                .take_outbox()
                .into_iter()
                .map(|w| {
                    Value::Object(vec![
                        ("deliveryId".into(), Value::String(w.delivery_id)),
                        ("url".into(), Value::String(w.url)),
                        ("headers".into(), pairs(&w.headers)),
                        ("body".into(), Value::String(w.body)),
                    ])
                })
                .collect(),
        )
        .to_json()
    }

    /// Reports a delivery: `status` > 0 is the HTTP status the receiver answered; 0 means it
    /// failed without an answer (`error` says why).
    #[wasm_bindgen(js_name = reportDelivery)]
    pub fn report_delivery(&mut self, delivery_id: &str, status: u16, error: &str) -> bool {
        let outcome = if status > 0 {
            Ok(status)
        } else {
            Err(error.to_string())
        };
        self.inner.report_delivery(delivery_id, outcome)
    }

    /// JSON counts of what the emulator really did (`calls_placed`, `idempotent_replays`, ...).
    pub fn stats(&self) -> String {
        self.inner.stats().to_json()
    }

    /// Replaces the fault settings (JSON, as the `faults` option).
    #[wasm_bindgen(js_name = setFaults)]
    pub fn set_faults(&mut self, faults: &str) -> Result<(), String> {
        self.inner
            .set_faults(options::faults_from_json(&parse(faults)?)?);
        Ok(())
    }

    /// Injects one fault into the next in-scope request: "rate_limited", "unavailable",
    /// "drop" or "delay".
    #[wasm_bindgen(js_name = queueFault)]
    pub fn queue_fault(&mut self, kind: &str) -> Result<(), String> {
        self.inner.queue_fault(options::fault_kind(kind)?);
        Ok(())
    }

    /// The organisation's default signing secret (inline `webhook_url` deliveries).
    #[wasm_bindgen(js_name = defaultSigningSecret)]
    pub fn default_signing_secret(&self, api_key: &str) -> Option<String> {
        self.inner.default_signing_secret(api_key)
    }

    #[wasm_bindgen(js_name = balanceMilliCents)]
    pub fn balance_milli_cents(&self, api_key: &str) -> Option<f64> {
        self.inner.balance_milli_cents(api_key).map(|b| b as f64)
    }

    #[wasm_bindgen(js_name = setBalanceMilliCents)]
    pub fn set_balance_milli_cents(&mut self, api_key: &str, milli_cents: f64) -> bool {
        milli_cents.is_finite()
            && self
                .inner
                .set_balance_milli_cents(api_key, milli_cents as i64)
    }
}

/// The test-number table: JSON `[{ number, outcome, description }]`.
#[wasm_bindgen(js_name = testNumbers)]
pub fn test_numbers() -> String {
    Value::Array(
        emu::TEST_NUMBERS
            .iter()
            .map(|(n, o, d)| {
                Value::Object(vec![
                    ("number".into(), Value::from(*n)),
                    ("outcome".into(), Value::from(*o)),
                    ("description".into(), Value::from(*d)),
                ])
            })
            .collect(),
    )
    .to_json()
}
