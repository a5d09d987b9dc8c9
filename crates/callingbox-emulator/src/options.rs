//! Emulator options from JSON (what `createEmulator(options)` and the CLI flags become),
//! checked strictly: a typo in an option name or a rate outside [0, 1] is an error, not
//! a silently ignored setting.

use super::{Config, FaultKind, Faults};
use callingbox_core::json::Value;

fn num(v: &Value, name: &str, min: f64, max: f64) -> Result<f64, String> {
    match v.as_f64() {
        Some(n) if n.is_finite() && n >= min && n <= max => Ok(n),
        _ => Err(format!("{name} must be a number between {min} and {max}")),
    }
}

fn int(v: &Value, name: &str, max: f64) -> Result<f64, String> {
    let n = num(v, name, 0.0, max)?;
    if n.fract() != 0.0 {
        return Err(format!("{name} must be a whole number"));
    }
    Ok(n)
}

/// `{ seed?, startTime? (unix ms), initialCreditMilliCents?, faults? }`.
pub fn config_from_json(v: &Value) -> Result<Config, String> {
    let mut c = Config::default();
    let Some(members) = v.as_object() else {
        return if v.is_null() {
            Ok(c)
        } else {
            Err("options must be an object".into())
        };
    };
    for (k, x) in members {
        match k.as_str() {
            "seed" => c.seed = int(x, "seed", 9_007_199_254_740_991.0)? as u64,
            "startTime" => c.start_unix_ms = int(x, "startTime", 253_402_300_799_000.0)? as i64,
            "initialCreditMilliCents" => {
                c.initial_credit_milli_cents = int(x, "initialCreditMilliCents", 1e15)? as i64
            }
            "faults" => c.faults = faults_from_json(x)?,
            other => return Err(format!("unknown emulator option \"{other}\"")),
        }
    }
    Ok(c)
}

/// `{ latencyMs, rate429, retryAfterSecs, rate503, rateDrop, rateDelay, delayMs, method, pathPrefix }`.
pub fn faults_from_json(v: &Value) -> Result<Faults, String> {
    let mut f = Faults::default();
    let Some(members) = v.as_object() else {
        return if v.is_null() {
            Ok(f)
        } else {
            Err("faults must be an object".into())
        };
    };
    let text = |x: &Value, name: &str| match x {
        Value::String(s) => Ok(Some(s.clone())),
        Value::Null => Ok(None),
        _ => Err(format!("faults.{name} must be a string")),
    };
    for (k, x) in members {
        match k.as_str() {
            "latencyMs" => f.latency_ms = int(x, "faults.latencyMs", 600_000.0)? as u32,
            "rate429" => f.rate_429 = num(x, "faults.rate429", 0.0, 1.0)?,
            "retryAfterSecs" => {
                f.retry_after_secs = int(x, "faults.retryAfterSecs", 86_400.0)? as u32
            }
            "rate503" => f.rate_503 = num(x, "faults.rate503", 0.0, 1.0)?,
            "rateDrop" => f.rate_drop_after_processing = num(x, "faults.rateDrop", 0.0, 1.0)?,
            "rateDelay" => f.rate_delay_after_processing = num(x, "faults.rateDelay", 0.0, 1.0)?,
            "delayMs" => f.delay_after_processing_ms = int(x, "faults.delayMs", 600_000.0)? as u32,
            "method" => f.method = text(x, "method")?,
            "pathPrefix" => f.path_prefix = text(x, "pathPrefix")?,
            other => return Err(format!("unknown fault option \"{other}\"")),
        }
    }
    if f.rate_429 + f.rate_503 > 1.0
        || f.rate_drop_after_processing + f.rate_delay_after_processing > 1.0
    {
        return Err(
            "faults: rate429 + rate503 and rateDrop + rateDelay must each be at most 1".into(),
        );
    }
    Ok(f)
}

pub fn fault_kind(name: &str) -> Result<FaultKind, String> {
    match name {
        "rate_limited" | "429" => Ok(FaultKind::RateLimited),
        "unavailable" | "503" => Ok(FaultKind::Unavailable),
        "drop" => Ok(FaultKind::DropAfterProcessing),
        "delay" => Ok(FaultKind::DelayAfterProcessing),
        other => Err(format!(
            "unknown fault \"{other}\" (rate_limited, unavailable, drop, delay)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_strict() {
        let ok = Value::parse(r#"{"seed":7,"faults":{"rate429":0.2,"rate503":0.1,"rateDrop":0.5,"method":"POST","pathPrefix":"/v1/calls"}}"#).unwrap();
        let c = config_from_json(&ok).unwrap();
        assert_eq!(c.seed, 7);
        assert_eq!(c.faults.rate_429, 0.2);
        assert_eq!(c.faults.method.as_deref(), Some("POST"));
        assert_eq!(config_from_json(&Value::Null).unwrap(), Config::default());
        for bad in [
            r#"{"sead":1}"#,
            r#"{"seed":-1}"#,
            r#"{"seed":1.5}"#,
            r#"{"faults":{"rate429":2}}"#,
            r#"{"faults":{"rate429":0.7,"rate503":0.7}}"#,
            r#"{"faults":{"latency":1}}"#,
            r#"[]"#,
        ] {
            assert!(
                config_from_json(&Value::parse(bad).unwrap()).is_err(),
                "{bad}"
            );
        }
        assert_eq!(fault_kind("drop"), Ok(FaultKind::DropAfterProcessing));
        assert!(fault_kind("explode").is_err());
    }
}
