//! The CallingBox client's WebAssembly binding: the one crate that touches JS, and
//! deliberately a thin one. Every argument crosses as a string (JSON text made by the
//! host's `JSON.stringify`) and every answer goes back as a string, so there is no
//! per-field JS traffic, no js-sys, and little glue. All decisions (validation, URLs,
//! headers, decoding, error kinds) are `callingbox-core`'s. Errors are thrown as JSON
//! records (`Error::to_record`) that `js/errors.js` turns into `Error` subclasses.
//! Nothing here can panic on outside data: every path returns a `Result`.
//!
//! The wasm keeps no state between calls (the client's options come with each request):
//! the allocator reuses the whole heap after every call (`alloc.rs`), and the host can
//! replace the instance at any time — after a trap, or to give back memory a large body
//! took — without losing anything.
//!
//! With the `emulator` feature the same crate builds the emulator's wasm (a separate
//! artifact, with std: the emulator keeps state between calls).
//!
//! Natively the crate is empty: the core and the emulator are tested in their own crates.

#![cfg(target_arch = "wasm32")]
// The client wasm is `no_std`: std's panic machinery (which formats every panic message
// with core::fmt, several KB of wasm) is replaced by a trap; panics abort either way.
#![cfg_attr(not(feature = "emulator"), no_std)]

extern crate alloc as alloc_crate;

/// A panic in the client wasm traps (`unreachable`), exactly like `panic = "abort"` under
/// std, without linking std's message formatting.
#[cfg(not(feature = "emulator"))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}

use wasm_bindgen::prelude::*;

use alloc_crate::string::String;
use alloc_crate::vec::Vec;

#[cfg(feature = "emulator")]
mod emulator;

use callingbox_core::error::Error;
use callingbox_core::json::{ObjectWriter, Value};
use callingbox_core::ops;
use callingbox_core::phone;
use callingbox_core::request::{build as build_request, config_from_options, ClientConfig};
use callingbox_core::response::{decode as decode_response, passes_as_is, Output};
use callingbox_core::retry;
use callingbox_core::text::cat;

#[cfg(not(feature = "emulator"))]
mod alloc;

// The client's allocator (the emulator keeps state between calls: it uses std's).
#[cfg(not(feature = "emulator"))]
#[global_allocator]
static ALLOC: alloc::Bump = alloc::Bump::new();

mod host_floats;

// The refused-number answer (shared with the phone wasm, crates/callingbox-phone-wasm).
mod phone_problem;

fn parse(json: &str, field: &str) -> Result<Value, Error> {
    Value::parse(json)
        .map_err(|e| Error::validation(field, cat(&["is not valid JSON (", &e.text(), ")"])))
}

/// The path ids: `ids` must be an array of strings. (A plain loop: `collect::<Result<Vec<_>,
/// _>>()` costs an extra iterator adapter in the wasm.)
fn id_list<'a>(ids: &'a Value, names: &[&str]) -> Result<Vec<&'a str>, Error> {
    let Value::Array(items) = ids else {
        return Err(Error::validation("ids", "must be an array"));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        match v {
            Value::String(s) => out.push(s.as_str()),
            other => {
                return Err(Error::validation(
                    names.get(i).copied().unwrap_or("id"),
                    cat(&["must be a string id, got ", other.type_name()]),
                ))
            }
        }
    }
    Ok(out)
}

/// The client's settings from `options` (JSON of `{ apiKey, baseUrl?, defaultHeaders?,
/// allowInsecureHttp?, defaultCountry?, platform }`; `platform` is the runtime the host
/// named: "node", "browser", ...).
fn config(options: &str) -> Result<ClientConfig, Error> {
    let o = parse(options, "options")?;
    let platform = match o.get("platform") {
        Some(Value::String(p)) => Some(p.as_str()),
        _ => None,
    };
    config_from_options(&o, platform)
}

/// What an export answers: its result, or the error's record after a `\u{1}` that
/// `js/runtime.js` turns into the thrown error. Not `Result<String, String>`: wasm-bindgen
/// passes an `Err` to JS through a table of JS objects, glue that this marker saves (334 B
/// gzip of the browser entry with its wasm, measured).
fn answer(result: Result<String, Error>) -> String {
    result.unwrap_or_else(|e| cat(&["\u{1}", &e.to_record()]))
}

/// Validates the client options (see [`config`]): "" or a `ValidationError` record ([`answer`]).
#[wasm_bindgen(js_name = checkOptions)]
pub fn check_options(options: &str) -> String {
    answer(config(options).map(|_| String::new()))
}

/// Builds the request for operation `op` from JSON `ids` and `params`, with the client's
/// `options` as [`check_options`] accepted them: JSON `{ method, url, headers, body? }`.
#[wasm_bindgen]
pub fn build(options: &str, op: &str, ids: &str, params: &str, idempotency_key: &str) -> String {
    answer(build_inner(options, op, ids, params, idempotency_key))
}

fn build_inner(
    options: &str,
    op: &str,
    ids: &str,
    params: &str,
    idem: &str,
) -> Result<String, Error> {
    let cfg = config(options)?;
    let op = ops::find(op).ok_or_else(|| Error::validation("operation", "is unknown"))?;
    let ids = parse(ids, "ids")?;
    let id_refs = id_list(&ids, op.path_args)?;
    let params = parse(params, "params")?;
    let req = build_request(
        &cfg,
        op,
        &id_refs,
        Some(&params),
        (!idem.is_empty()).then_some(idem),
    )?;
    let mut headers = ObjectWriter::default();
    for (k, v) in &req.headers {
        headers.string(k, v);
    }
    let mut out = ObjectWriter::default();
    out.string("method", req.method);
    out.string("url", &req.url);
    out.raw("headers", &headers.finish());
    if let Some(body) = &req.body {
        out.string("body", body);
    }
    Ok(out.finish())
}

/// Decodes a response (`body`: the text as UTF-8 bytes). Answers "" when the body should be
/// `JSON.parse`d as is, a text to parse instead when the core normalised it, or an error
/// record ([`answer`]). `id` is the request's first path id ("" for none): a 204 to a
/// delete names it. `location`: a redirect's `Location` header ("" for none). `parsed`: the
/// host's `JSON.parse` has accepted the body (then the common case is checked in one pass
/// with no allocation, see `response::passes_as_is`).
#[wasm_bindgen]
pub fn decode(
    op: &str,
    status: u16,
    body: &[u8],
    request_id: &str,
    id: &str,
    location: &str,
    parsed: bool,
) -> String {
    let Some(op) = ops::find(op) else {
        return answer(Err(Error::validation("operation", "is unknown")));
    };
    // Invalid UTF-8 (the host sends what the server sent) is read as an empty body, which no
    // resource accepts: a typed InvalidResponse error.
    let body = ::core::str::from_utf8(body).unwrap_or_default();
    if parsed && passes_as_is(op, status, body) {
        return String::new();
    }
    answer(
        decode_response(
            op,
            status,
            body,
            (!request_id.is_empty()).then_some(request_id),
            &[id],
            (!location.is_empty()).then_some(location),
        )
        .map(|out| match out {
            Output::Body => String::new(),
            Output::Text(t) => t,
        }),
    )
}

/// The `OutcomeUnknownError` record (to `adopt` and throw) for a POST given up on while
/// its outcome is unknown (`retryDecision` said `outcomeUnknown`). `cause` describes the
/// last failure. An empty `idempotency_key` means none was sent.
#[wasm_bindgen(js_name = outcomeUnknown)]
pub fn outcome_unknown(op: &str, idempotency_key: &str, cause: &str, attempts: u32) -> String {
    let idempotency_key = (!idempotency_key.is_empty()).then(|| idempotency_key.into());
    Error::OutcomeUnknown {
        operation: op.into(),
        idempotency_key,
        cause: cause.into(),
        attempts,
    }
    .to_record()
}

/// One retry decision (`core::retry`, whose docs give the rules). `config`: JSON of
/// `{ maxRetries?, timeout?, deadline?, maxRetryDelay? }` (ms); `attempt`: JSON of the
/// attempt just made, or `{"kind":"start"}` before the first one (which validates
/// `config` and gives the first timeout). Answers JSON `{ retry: true, delayMs, timeoutMs,
/// reason, ambiguous }` or `{ retry: false, outcomeUnknown, reason }`, or a
/// `ValidationError` record for bad options ([`answer`]).
#[wasm_bindgen(js_name = retryDecision)]
pub fn retry_decision(config: &str, attempt: &str) -> String {
    answer(
        parse(config, "retry options")
            .and_then(|c| parse(attempt, "retry attempt").and_then(|a| retry::decide_json(&c, &a))),
    )
}

/// Checks a phone number to be dialled without throwing (bulk validation is common, and a
/// thrown JS error costs far more than the check): international input only, and an
/// extension is letters ([`phone::check`]). Answers the E.164 form, or
/// `"\0<reason code>\0<message>"`.
#[wasm_bindgen(js_name = checkE164)]
pub fn check_e164(input: &str) -> String {
    phone::check(input).unwrap_or_else(|reason| phone_problem::problem(input, reason))
}
