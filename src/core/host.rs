//! The one thing the core borrows from its host: correctly rounded float ↔ text conversion
//! for the rare numbers outside the exact fast path of `json::parse_number` and for
//! writing non-integers. Natively this is Rust's own; in wasm it is JavaScript's
//! (`Number()` / `String()`, both shortest-round-trip like Rust's), which keeps core's
//! float formatting and parsing tables (~20 KB of wasm, measured with twiggy) out of the
//! package. Pure functions either way.

#[cfg(not(target_arch = "wasm32"))]
pub fn parse_float(text: &str) -> Option<f64> {
    text.parse().ok()
}

#[cfg(not(target_arch = "wasm32"))]
pub fn format_float(n: f64) -> String {
    n.to_string()
}

#[cfg(target_arch = "wasm32")]
pub use crate::wasm::host::{format_float, parse_float};
