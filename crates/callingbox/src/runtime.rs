//! What the client needs from its platform besides the network: a timer, a clock and
//! randomness (for `Idempotency-Key`s and retry jitter). tokio natively, gloo-timers in wasm32.

use core::time::Duration;

/// Waits `ms` milliseconds.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) async fn sleep(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

/// Waits `ms` milliseconds.
#[cfg(target_arch = "wasm32")]
pub(crate) async fn sleep(ms: u64) {
    // setTimeout takes at most 2^31 - 1 ms; the core caps every wait and timeout below it.
    let ms = u32::try_from(ms).unwrap_or(u32::MAX);
    gloo_timers::future::sleep(Duration::from_millis(u64::from(ms))).await;
}

/// A monotonic instant (on wasm32, `performance.now()`).
pub(crate) type Instant = web_time::Instant;

/// The wall clock, in Unix milliseconds (0 if the clock is before 1970).
pub(crate) fn now_unix_ms() -> f64 {
    web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}

/// A random `Idempotency-Key`: a UUID v4 from the platform's CSPRNG.
pub(crate) fn new_idempotency_key() -> Result<String, getrandom::Error> {
    let mut b = [0u8; 16];
    getrandom::getrandom(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{byte:02x}"));
    }
    Ok(s)
}

/// Uniform in [0, 1), for retry jitter (0 if the CSPRNG fails: the longest wait).
pub(crate) fn jitter() -> f64 {
    let mut b = [0u8; 4];
    match getrandom::getrandom(&mut b) {
        Ok(()) => f64::from(u32::from_le_bytes(b)) / 4_294_967_296.0,
        Err(_) => 0.0,
    }
}
