//! Small deterministic helpers: a seeded PRNG, UUID ids, ISO-8601 timestamps from the virtual
//! clock, query-string decoding and money formatting. No clock, no OS randomness.

use callingbox_core::json::Value;
use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg64Mcg;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The emulator's one source of randomness (ids, secrets, fault rolls): PCG seeded from the
/// configured seed, so the same seed gives the same run.
#[derive(Debug, Clone)]
pub(crate) struct Rng(Pcg64Mcg);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(Pcg64Mcg::seed_from_u64(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A random (version 4) UUID, lowercase and hyphenated.
    pub fn uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        self.0.fill_bytes(&mut bytes);
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }

    /// `2 * words * 8` lowercase hex digits.
    pub fn hex(&mut self, words: usize) -> String {
        (0..words)
            .map(|_| format!("{:016x}", self.next_u64()))
            .collect()
    }
}

/// FNV-1a, to derive per-organisation values (org id, default secret) from the API key
/// without drawing from the shared PRNG (so a first request never shifts later ids).
pub(crate) fn fnv1a(seed: u64, text: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// True for `8-4-4-4-12` hex digits (either case), the only form the API uses.
pub(crate) fn is_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::try_parse(s).is_ok()
}

/// Unix milliseconds → `2026-04-15T14:28:01Z` (whole seconds, as the API shows them).
pub(crate) fn iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        // The options keep the clock within years 1970-9999; beyond `time`'s range the
        // value is at least still a timestamp.
        .unwrap_or_else(|| "9999-12-31T23:59:59Z".to_string())
}

pub(crate) fn ts(ms: i64) -> Value {
    Value::String(iso(ms))
}

pub(crate) fn opt_ts(ms: Option<i64>) -> Value {
    ms.map_or(Value::Null, ts)
}

/// Builds a JSON object keeping the given order.
pub(crate) fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

pub(crate) fn strs(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| Value::from(s.as_str())).collect())
}

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space, `%XX` a byte). Strict:
/// a `%` not followed by two hex digits is an error (the crate would keep it as text).
pub(crate) fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return Err(format!("bad percent-encoding in query string {s:?}"));
    }
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| format!("query string {s:?} is not UTF-8"))
}

/// Milli-cents → `$4.50` (truncated to cents).
pub(crate) fn money(mc: i64) -> String {
    let sign = if mc < 0 { "-" } else { "" };
    let a = mc.unsigned_abs();
    format!("{sign}${}.{:02}", a / 100_000, a % 100_000 / 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        for (ms, want) in [
            (0, "1970-01-01T00:00:00Z"),
            (1_776_263_281_000, "2026-04-15T14:28:01Z"),
            (951_782_400_000, "2000-02-29T00:00:00Z"),
            (-1000, "1969-12-31T23:59:59Z"),
            (4_107_542_399_999, "2100-02-28T23:59:59Z"),
            (1_709_251_199_000, "2024-02-29T23:59:59Z"),
        ] {
            assert_eq!(iso(ms), want, "{ms}");
        }
    }

    #[test]
    fn uuids_are_v4_shaped_and_deterministic() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            let u = a.uuid();
            assert_eq!(u, b.uuid());
            assert!(is_uuid(&u), "{u}");
            assert_eq!(u.as_bytes().get(14), Some(&b'4'));
            assert!(matches!(
                u.as_bytes().get(19),
                Some(b'8' | b'9' | b'a' | b'b')
            ));
        }
        assert!(!is_uuid("abc123"));
        assert!(!is_uuid("0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c7g"));
    }

    #[test]
    fn decoding_and_money() {
        assert_eq!(percent_decode("a%2Bb+c").as_deref(), Ok("a+b c"));
        assert!(percent_decode("%zz").is_err());
        assert!(percent_decode("%4").is_err());
        assert!(percent_decode("%ff").is_err());
        assert_eq!(money(450_000), "$4.50");
        assert_eq!(money(50_000), "$0.50");
        assert_eq!(money(12_667), "$0.12");
        assert_eq!(money(-1_000), "-$0.01");
    }
}
