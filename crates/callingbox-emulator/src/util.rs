//! Small deterministic helpers: a seeded PRNG, UUID-shaped ids, ISO-8601 timestamps from the
//! virtual clock, query-string decoding and money formatting. No clock, no OS randomness.

use callingbox_core::json::Value;

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for ids and fault rolls.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A random (version 4, RFC 9562 §5.4) UUID string, lowercase.
    pub fn uuid(&mut self) -> String {
        let a = (self.next_u64() & !0xF000) | 0x4000;
        let b = (self.next_u64() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0xFFFF,
            b >> 48,
            b & 0xFFFF_FFFF_FFFF
        )
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

/// True for `8-4-4-4-12` hex digits (either case).
pub(crate) fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", `civil_from_days`).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Unix milliseconds → `2026-04-15T14:28:01Z` (whole seconds, as the API shows them).
pub(crate) fn iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
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

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space, `%XX` a byte).
pub(crate) fn percent_decode(s: &str) -> Result<String, String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.next().and_then(|c| (c as char).to_digit(16));
                let lo = bytes.next().and_then(|c| (c as char).to_digit(16));
                match (hi, lo) {
                    (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                    _ => return Err(format!("bad percent-encoding in query string {s:?}")),
                }
            }
            b => out.push(b),
        }
    }
    String::from_utf8(out).map_err(|_| format!("query string {s:?} is not UTF-8"))
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
