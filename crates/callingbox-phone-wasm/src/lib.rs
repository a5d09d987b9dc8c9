//! The WebAssembly binding of `callingbox/phone`: phone numbers read as people type them
//! (`phone::parse`: national input with a default country, extensions read apart, the region),
//! one at a time or many in one call, nothing else. The client's wasm (the root crate) keeps
//! only the check it dials with (`phone::dialable`), so an app that never validates what people
//! type does not load the rest. Strings in, strings out; nothing here can panic on outside data.
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
use callingbox_core::phone;
use wasm_bindgen::prelude::*;

// The trap panic handler and the client's allocator (the same files as every small wasm).
#[path = "../../../src/bare_wasm.rs"]
mod bare_wasm;

// The refused-number answer the client's `checkE164` gives too (the same file).
#[path = "../../../src/phone_problem.rs"]
mod phone_problem;

/// Appends the answer for one number to `out`:
/// `"+<country calling code>\0<national number>\0<region or empty>\0<extension or empty>"`
/// (`"+1\04155550123\0\0"`), or `"\0<reason code>\0<message>"` ([`phone_problem::problem`]).
fn answer(out: &mut String, input: &str, default_country: Option<&str>) {
    match phone::parse(input, default_country) {
        Ok(p) => {
            let national = p.national_number();
            let code = p
                .e164
                .get(..p.e164.len() - national.len())
                .unwrap_or_default();
            for part in [
                code,
                "\0",
                national,
                "\0",
                p.country.unwrap_or_default(),
                "\0",
                p.extension.as_deref().unwrap_or_default(),
            ] {
                out.push_str(part);
            }
        }
        Err(reason) => out.push_str(&phone_problem::problem(input, reason)),
    }
}

/// `default_country` as the core takes it: "" is none.
fn region(default_country: &str) -> Option<&str> {
    (!default_country.is_empty()).then_some(default_country)
}

/// Reads a phone number as people type it ([`phone::parse`]): international, or national with
/// `default_country` (a region code, "" for none). Answers as [`answer`] describes.
#[wasm_bindgen(js_name = checkPhone)]
pub fn check_phone(input: &str, default_country: &str) -> String {
    let mut out = String::new();
    answer(&mut out, input, region(default_country));
    out
}

/// [`check_phone`] for many numbers in one call (one boundary crossing instead of one per
/// number): `inputs` are the numbers separated by `"\n"`, the answers come back in the same
/// order, separated by `"\n"`. An answer never contains `"\n"` when its input does not (a
/// message quotes only the input and fixed text), so the host sends any number containing a
/// `"\n"` through [`check_phone`] instead. `""` is one empty number.
#[wasm_bindgen(js_name = checkPhones)]
pub fn check_phones(inputs: &str, default_country: &str) -> String {
    let default_country = region(default_country);
    let mut out = String::with_capacity(inputs.len() * 2);
    for (i, input) in inputs.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        answer(&mut out, input, default_country);
    }
    out
}
