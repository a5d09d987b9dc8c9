//! JavaScript's float conversions for `callingbox_core::host` (its `host-floats` feature:
//! keeps core's float formatting and parsing tables, ~20 KB, out of the wasm): `parseFloat` and
//! `String`, both shortest-round-trip like Rust's. The client's and the emulator's wasm
//! (`src/lib.rs`) and the webhooks' wasm (`crates/callingbox-webhooks-wasm`, by path) use it.

use alloc_crate::string::String;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = parseFloat)]
    fn js_parse_float(text: &str) -> f64;
    #[wasm_bindgen(js_name = String)]
    fn js_string(n: f64) -> String;
}

fn parse_float(text: &str) -> Option<f64> {
    let n = js_parse_float(text);
    (!n.is_nan()).then_some(n)
}

fn format_float(n: f64) -> String {
    js_string(n)
}

callingbox_core::register_host_floats!(parse_float, format_float);
