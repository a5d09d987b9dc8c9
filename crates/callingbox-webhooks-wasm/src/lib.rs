//! The WebAssembly binding of `callingbox/webhooks`: webhook signature verification and test
//! signing, nothing else, so that an app that never receives a webhook does not load it (the
//! client's wasm, the root crate, has no webhook code). Strings and bytes in, strings out;
//! errors are thrown as JSON records (`webhook::Failure::to_record`) that `js/errors.js`
//! turns into `WebhookSignatureError`s. Nothing here can panic on outside data.
//!
//! Like the client's wasm it keeps no state between calls and uses the client's bump
//! allocator (`src/alloc.rs`, shared by path through `src/bare_wasm.rs`), so the host may replace
//! the instance at any time.
//!
//! Natively the crate is empty: the core is tested in its own crate.

#![cfg(target_arch = "wasm32")]
// `no_std`: std's panic machinery (core::fmt message formatting, several KB) is replaced by a trap.
#![no_std]

extern crate alloc as alloc_crate;

use alloc_crate::string::String;
use callingbox_core::webhook;
use wasm_bindgen::prelude::*;

// The trap panic handler and the client's allocator (the same files as every small wasm).
#[path = "../../../src/bare_wasm.rs"]
mod bare_wasm;

// JavaScript's float conversions for the core (a payload's rare number off its exact fast path
// is parsed with `parseFloat`; an error message may quote one with `String`).
#[path = "../../../src/host_floats.rs"]
mod host_floats;

/// Verifies a webhook signature (HMAC-SHA256 over `<t>.<body>`) over the raw body bytes. Throws a
/// `WebhookSignatureError` record; the host parses the (verified) body itself.
#[wasm_bindgen(js_name = verifyWebhook)]
pub fn verify_webhook(
    body: &[u8],
    header: &str,
    secret: &str,
    tolerance_secs: f64,
    now_secs: f64,
) -> Result<(), String> {
    webhook::check(body, header, secret, tolerance_secs as i64, now_secs as i64)
        .map_err(|e| e.to_record())
}

/// `t=<timestamp>,v1=<hex>` for a body: what CallingBox would send (for users' tests).
#[wasm_bindgen(js_name = signWebhook)]
pub fn sign_webhook(body: &[u8], secret: &str, timestamp: f64) -> String {
    webhook::signature_header(secret, timestamp as i64, body)
}
