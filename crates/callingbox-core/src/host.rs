//! The one thing the core may borrow from its host: correctly rounded float ↔ text
//! conversion, for the rare numbers outside the exact fast path of `json::parse_number`
//! and for writing non-integers.
//!
//! By default these are Rust's own (`core`'s). A host that already has them can provide
//! them instead with the `host-floats` feature, which keeps core's float formatting and
//! parsing tables (~20 KB of wasm) out of a wasm build: the JS binding uses JavaScript's
//! `parseFloat` / `String` (both shortest-round-trip, like Rust's). The feature follows
//! the pattern of getrandom's custom backends: the final binary registers its two functions
//! with [`register_host_floats!`](crate::register_host_floats), which checks their types and
//! defines the two symbols the core calls. Without it a native link fails; a wasm32 link
//! turns the missing symbols into `env` imports, which the npm package's build refuses.
//!
//! ```text
//! fn parse(text: &str) -> Option<f64> { /* ... */ }
//! fn format(n: f64) -> String { /* ... */ }
//! callingbox_core::register_host_floats!(parse, format);
//! ```

pub use alloc::string::String;

/// Registers the host's float conversions (the `host-floats` feature): `parse` must be a
/// `fn(&str) -> Option<f64>` (`None` when the text is not a number), `format` a
/// `fn(f64) -> String` (shortest text that reads back as the same number). The types are
/// checked here, so the symbols the core calls always have the signature it declares.
#[macro_export]
macro_rules! register_host_floats {
    ($parse:path, $format:path) => {
        const _: fn(&str) -> ::core::option::Option<f64> = $parse;
        const _: fn(f64) -> $crate::host::String = $format;

        #[allow(unsafe_code)]
        #[no_mangle]
        fn callingbox_host_parse_float(text: &str) -> ::core::option::Option<f64> {
            $parse(text)
        }

        #[allow(unsafe_code)]
        #[no_mangle]
        fn callingbox_host_format_float(n: f64) -> $crate::host::String {
            $format(n)
        }
    };
}

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
    // SAFETY: the symbol is defined by `register_host_floats!`, which checks that the
    // registered function has exactly this signature.
    unsafe { callingbox_host_parse_float(text) }
}

#[cfg(feature = "host-floats")]
#[allow(unsafe_code)]
pub fn format_float(n: f64) -> String {
    // SAFETY: as for `parse_float`.
    unsafe { callingbox_host_format_float(n) }
}
