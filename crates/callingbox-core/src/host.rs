//! The one thing the core may borrow from its host: correctly rounded float ↔ text
//! conversion, for the rare numbers outside the exact fast path of `json::parse_number`
//! and for writing non-integers.
//!
//! By default these are Rust's own (`core`'s). A host that already has them can provide
//! them instead with the `host-floats` feature, which keeps core's float formatting and
//! parsing tables (~20 KB of wasm) out of a wasm build: the JS binding uses JavaScript's
//! `parseFloat` / `String` (both shortest-round-trip, like Rust's). The feature follows
//! the pattern of getrandom's custom backends: the final binary defines two Rust-ABI
//! symbols, and the link fails if it does not.
//!
//! ```text
//! #[no_mangle]
//! fn callingbox_host_parse_float(text: &str) -> Option<f64> { /* ... */ }
//! #[no_mangle]
//! fn callingbox_host_format_float(n: f64) -> alloc::string::String { /* ... */ }
//! ```

use alloc::string::String;

#[cfg(not(feature = "host-floats"))]
pub fn parse_float(text: &str) -> Option<f64> {
    text.parse().ok()
}

#[cfg(not(feature = "host-floats"))]
pub fn format_float(n: f64) -> String {
    use alloc::string::ToString;
    n.to_string()
}

#[cfg(feature = "host-floats")]
extern "Rust" {
    fn callingbox_host_parse_float(text: &str) -> Option<f64>;
    fn callingbox_host_format_float(n: f64) -> String;
}

#[cfg(feature = "host-floats")]
#[allow(unsafe_code)]
pub fn parse_float(text: &str) -> Option<f64> {
    // SAFETY: the symbol is a safe Rust function with exactly this signature, defined by
    // the binary that enables the feature (a missing one fails the link).
    unsafe { callingbox_host_parse_float(text) }
}

#[cfg(feature = "host-floats")]
#[allow(unsafe_code)]
pub fn format_float(n: f64) -> String {
    // SAFETY: as for `parse_float`.
    unsafe { callingbox_host_format_float(n) }
}
