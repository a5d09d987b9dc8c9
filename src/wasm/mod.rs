//! The only module that touches JS. It converts JS values into core types, calls the core
//! and converts the answer back; every decision (validation, URLs, headers, decoding,
//! error kinds) is the core's. No function here can panic on outside data: every path
//! from JS returns a `Result`, and errors cross as plain objects that `js/errors.js`
//! turns into `Error` subclasses.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::core::error::{redact, Error};
use crate::core::json::Value;
use crate::core::ops;
use crate::core::request::{build, ClientConfig};
use crate::core::response::{decode, Output};
use crate::core::e164;

pub mod host {
    //! JavaScript's float conversions for `core::host` (see there for why).
    use js_sys::Number;

    pub fn parse_float(text: &str) -> Option<f64> {
        let n = Number::parse_float(text);
        (!n.is_nan()).then_some(n)
    }

    pub fn format_float(n: f64) -> String {
        Number::from(n).to_string_with_radix(10).map(String::from).unwrap_or_default()
    }
}

// A 1 KB free-list allocator instead of dlmalloc (~7 KB): the wasm is single-threaded.
#[global_allocator]
#[allow(unsafe_code)] // SAFETY: wasm32 without threads; the allocator is never shared across threads.
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// Deepest params object accepted from JS (a cycle ends here instead of overflowing).
const MAX_DEPTH: usize = 64;

fn set(o: &Object, k: &str, v: impl Into<JsValue>) {
    // Reflect::set only fails on frozen objects/proxies; ours are fresh plain objects.
    let _ = Reflect::set(o, &JsValue::from_str(k), &v.into());
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

/// A core error as a plain object `{ __callingbox, name, code, message, ... }`, with the API
/// key removed from every string in it.
fn to_js(e: &Error, key: &str) -> JsValue {
    let o = Object::new();
    set(&o, "__callingbox", true);
    set(&o, "name", e.name());
    set(&o, "code", e.code());
    set(&o, "message", redact(&e.message(), key));
    match e {
        Error::Validation { field, phone, .. } => {
            set(&o, "field", field.as_str());
            if let Some(reason) = phone {
                set(&o, "reason", reason.code());
            }
        }
        Error::Api(a) => {
            set(&o, "status", a.status);
            set(&o, "body", redact(&a.body, key));
            if let Some(id) = &a.request_id {
                set(&o, "requestId", id.as_str());
            }
            if let Some(c) = &a.api_code {
                set(&o, "apiCode", c.as_str());
            }
        }
        Error::InvalidResponse { status, request_id, .. } => {
            set(&o, "status", *status);
            if let Some(id) = request_id {
                set(&o, "requestId", id.as_str());
            }
        }
    }
    o.into()
}

/// Converts a JS value into a JSON value, the way `JSON.stringify` would read it, but with
/// errors instead of silent changes for what JSON cannot carry.
fn to_value(v: &JsValue, field: &str, depth: usize) -> Result<Value, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::validation(field, "is nested too deeply (is it circular?)"));
    }
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = v.as_f64() {
        return Ok(Value::Number(n));
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::String(s));
    }
    if v.is_bigint() || v.is_function() || v.is_symbol() {
        let what = if v.is_bigint() { "a BigInt" } else if v.is_function() { "a function" } else { "a symbol" };
        return Err(Error::validation(field, format!("cannot be sent as JSON (it is {what})")));
    }
    if Array::is_array(v) {
        let arr = Array::from(v);
        let mut out = Vec::with_capacity(arr.length() as usize);
        for (i, item) in arr.iter().enumerate() {
            out.push(to_value(&item, &format!("{field}[{i}]"), depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        return match d.get_time().is_finite() {
            true => Ok(Value::String(d.to_iso_string().into())),
            false => Err(Error::validation(field, "is an invalid Date")),
        };
    }
    let obj = Object::from(v.clone());
    let keys = Object::keys(&obj);
    let mut members = Vec::with_capacity(keys.length() as usize);
    for k in keys.iter() {
        let Some(name) = k.as_string() else { continue };
        let item = get(v, &name);
        if item.is_undefined() {
            continue; // as JSON.stringify: an undefined member is an absent member
        }
        let path = if field.is_empty() { name.clone() } else { format!("{field}.{name}") };
        members.push((name, to_value(&item, &path, depth + 1)?));
    }
    Ok(Value::Object(members))
}

fn opt_string(options: &JsValue, name: &str) -> Result<Option<String>, Error> {
    let v = get(options, name);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| Error::validation(name, "must be a string"))
}

/// The per-client core: validated settings and the request/response codec.
#[wasm_bindgen]
pub struct Core {
    cfg: ClientConfig,
}

#[wasm_bindgen]
impl Core {
    /// `options`: `{ apiKey, baseUrl?, defaultHeaders? }`; `platform`: "node", "browser", ...
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, platform: Option<String>) -> Result<Core, JsValue> {
        Self::configure(&options, platform.as_deref()).map(|cfg| Core { cfg }).map_err(|e| to_js(&e, ""))
    }

    fn configure(options: &JsValue, platform: Option<&str>) -> Result<ClientConfig, Error> {
        if !options.is_object() {
            return Err(Error::validation("options", "must be an object like { apiKey: \"sk_...\" }"));
        }
        let key = get(options, "apiKey");
        if !(key.is_undefined() || key.is_string()) {
            return Err(Error::validation("apiKey", "must be a string"));
        }
        let headers = get(options, "defaultHeaders");
        let mut default_headers = Vec::new();
        if !(headers.is_undefined() || headers.is_null()) {
            match to_value(&headers, "defaultHeaders", 1)? {
                Value::Object(m) => {
                    for (k, v) in m {
                        match v {
                            Value::String(s) => default_headers.push((k, s)),
                            Value::Null => {}
                            _ => return Err(Error::validation("defaultHeaders", format!("header \"{k}\" must have a string value"))),
                        }
                    }
                }
                _ => return Err(Error::validation("defaultHeaders", "must be an object of header names to strings")),
            }
        }
        ClientConfig::new(key.as_string().as_deref(), opt_string(options, "baseUrl")?.as_deref(), platform, default_headers)
    }

    /// Builds the request for operation `op`: `{ method, url, headers, body }`.
    pub fn build(&self, op: &str, args: Array, params: JsValue, idempotency_key: Option<String>) -> Result<Object, JsValue> {
        self.build_inner(op, &args, &params, idempotency_key.as_deref()).map_err(|e| to_js(&e, &self.cfg.api_key))
    }

    fn build_inner(&self, op: &str, args: &Array, params: &JsValue, idem: Option<&str>) -> Result<Object, Error> {
        let op = ops::find(op).ok_or_else(|| Error::validation("operation", format!("\"{op}\" is unknown")))?;
        let mut path_args = Vec::with_capacity(op.path_args.len());
        for (i, a) in args.iter().enumerate() {
            let name = op.path_args.get(i).copied().unwrap_or("id");
            path_args.push(a.as_string().ok_or_else(|| Error::validation(name, format!("must be a string id, got {}", js_type(&a))))?);
        }
        let params = if params.is_undefined() || params.is_null() { None } else { Some(to_value(params, "", 0)?) };
        let arg_refs: Vec<&str> = path_args.iter().map(String::as_str).collect();
        let req = build(&self.cfg, op, &arg_refs, params.as_ref(), idem)?;
        let out = Object::new();
        set(&out, "method", req.method);
        set(&out, "url", req.url);
        let headers = Object::new();
        for (k, v) in &req.headers {
            set(&headers, k, v.as_str());
        }
        set(&out, "headers", headers);
        if let Some(body) = req.body {
            set(&out, "body", body);
        }
        Ok(out)
    }

    /// Decodes a response. Returns `undefined` when the body should be `JSON.parse`d as is,
    /// a string to parse instead when the core normalised it, or throws a typed error.
    pub fn decode(&self, op: &str, status: u16, body: &str, request_id: Option<String>, args: Array) -> Result<JsValue, JsValue> {
        let key = &self.cfg.api_key;
        let op = ops::find(op).ok_or_else(|| to_js(&Error::validation("operation", "is unknown"), key))?;
        let args: Vec<String> = args.iter().filter_map(|a| a.as_string()).collect();
        let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
        match decode(op, status, body, request_id.as_deref(), &arg_refs) {
            Ok(Output::Body) => Ok(JsValue::UNDEFINED),
            Ok(Output::Text(t)) => Ok(JsValue::from_str(&t)),
            Err(e) => Err(to_js(&e, key)),
        }
    }

    /// Removes the API key from a message produced outside the core (a runtime's fetch error).
    pub fn redact(&self, text: &str) -> String {
        redact(text, &self.cfg.api_key)
    }
}

fn js_type(v: &JsValue) -> String {
    v.js_typeof().as_string().unwrap_or_else(|| "unknown".into())
}

/// Validates and canonicalises an E.164 number (`"+1 (415) 555-0123"` → `"+14155550123"`).
#[wasm_bindgen(js_name = parseE164)]
pub fn parse_e164(input: JsValue) -> Result<String, JsValue> {
    let Some(s) = input.as_string() else {
        return Err(to_js(&Error::validation("phone number", format!("must be a string, got {}", js_type(&input))), ""));
    };
    e164::parse(&s).map_err(|reason| {
        to_js(&Error::Validation { field: "phone number".into(), message: format!("\"{s}\" is not an E.164 phone number: it {}", reason.message()), phone: Some(reason) }, "")
    })
}

/// Formats 16 random bytes as a UUID v4 (the host supplies them from its CSPRNG).
#[wasm_bindgen(js_name = uuidV4)]
pub fn uuid_v4(bytes: &[u8]) -> String {
    let mut b = [0u8; 16];
    for (d, s) in b.iter_mut().zip(bytes) {
        *d = *s;
    }
    crate::core::request::uuid_v4(b)
}
