//! Native tests of every emulator rule: HTTP mapping, state machine, webhooks, faults.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::*;
use callingbox_core::ops::Resource;
use callingbox_core::webhook;

const KEY: &str = "sk_test_12345678";
const OTHER: &str = "sk_test_other_org_1";
const AGENT_URL: &str = "http://127.0.0.1:9999/hook";

fn emu() -> Emulator {
    Emulator::new(Config::default())
}

fn req_as(key: &str, method: &str, path: &str, body: &str) -> Request {
    let mut r = Request::new(method, path, body).header("Authorization", &format!("Bearer {key}"));
    if !body.is_empty() {
        r = r.header("Content-Type", "application/json");
    }
    r
}

fn send(e: &mut Emulator, method: &str, path: &str, body: &str) -> Response {
    e.handle(&req_as(KEY, method, path, body))
}

/// Sends and asserts the status; returns the parsed body.
fn expect(e: &mut Emulator, method: &str, path: &str, body: &str, status: u16) -> Value {
    let r = send(e, method, path, body);
    assert_eq!(r.status, status, "{method} {path} {body}\n→ {}", r.body);
    r.json()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string {k} in {}", v.to_json()))
}

fn n(v: &Value, k: &str) -> f64 {
    v.get(k)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("no number {k} in {}", v.to_json()))
}

fn data(v: &Value) -> Vec<Value> {
    v.get("data").and_then(Value::as_array).unwrap().to_vec()
}

/// A bare JSON array answer (`GET /v1/numbers/available`).
fn items(v: &Value) -> Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a bare array: {}", v.to_json()))
        .to_vec()
}

fn err(v: &Value) -> String {
    s(v, "error").to_string()
}

struct Setup {
    number_id: String,
    e164: String,
    agent_id: String,
}

/// Buys +14155550100, creates an outbound agent with a returns schema and an inline
/// webhook, attaches the number as primary.
fn setup(e: &mut Emulator) -> Setup {
    let num = expect(
        e,
        "POST",
        "/v1/numbers/purchase",
        r#"{"phone_number":"+14155550100"}"#,
        201,
    );
    let body = format!(
        r#"{{"name":"Reminders","type":"outbound","instructions":"Confirm the appointment.","returns":{{"confirmed":"boolean","reschedule_to":"string","patient":"string"}},"webhook_url":"{AGENT_URL}"}}"#
    );
    let agent = expect(e, "POST", "/v1/agents", &body, 201);
    let (number_id, agent_id) = (s(&num, "id").to_string(), s(&agent, "id").to_string());
    expect(
        e,
        "POST",
        &format!("/v1/agents/{agent_id}/numbers"),
        &format!(r#"{{"number_id":"{number_id}","set_as_primary":true}}"#),
        200,
    );
    Setup {
        number_id,
        e164: "+14155550100".into(),
        agent_id,
    }
}

fn dial(e: &mut Emulator, agent_id: &str, to: &str) -> Value {
    expect(
        e,
        "POST",
        "/v1/calls",
        &format!(r#"{{"agent_id":"{agent_id}","to":"{to}"}}"#),
        201,
    )
}

fn get_call(e: &mut Emulator, id: &str) -> Value {
    expect(e, "GET", &format!("/v1/calls/{id}"), "", 200)
}

/// Everything an organisation can observe, as one string.
fn snapshot(e: &mut Emulator, key: &str) -> String {
    let mut out = String::new();
    for path in [
        "/v1/numbers?limit=100",
        "/v1/agents",
        "/v1/calls?limit=100",
        "/v1/webhook_endpoints",
        "/v1/webhook_deliveries?limit=200",
        "/v1/numbers/available?limit=100",
    ] {
        let r = e.handle(&req_as(key, "GET", path, ""));
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        out.push_str(&r.body);
        out.push('\n');
    }
    out.push_str(&format!("{:?}", e.balance_milli_cents(key)));
    out
}

// ---------------------------------------------------------------------------------------
// HTTP basics

#[test]
fn preflight_cors_and_request_ids() {
    let mut e = emu();
    let r = e.handle(&Request::new("OPTIONS", "/v1/calls", ""));
    assert_eq!(r.status, 204);
    assert_eq!(r.body, "");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("authorization, content-type, idempotency-key")
    );
    assert_eq!(
        r.header("access-control-expose-headers"),
        Some("x-request-id, retry-after")
    );
    assert!(r
        .header("access-control-allow-methods")
        .unwrap()
        .contains("PATCH"));
    assert_eq!(r.header("x-request-id"), Some("req_000000000001"));
    for (i, (m, p, key)) in [
        ("GET", "/v1/calls", KEY),
        ("GET", "/v1/nope", KEY),
        ("GET", "/v1/calls", "bad"),
    ]
    .into_iter()
    .enumerate()
    {
        let r = e.handle(&req_as(key, m, p, ""));
        assert_eq!(
            r.header("x-request-id").unwrap(),
            format!("req_{:012}", i + 2)
        );
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert_eq!(
            r.header("access-control-expose-headers"),
            Some("x-request-id, retry-after")
        );
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert!(Value::parse(&r.body).is_ok());
    }
    assert_eq!(e.stats().preflights, 1);
}

#[test]
fn auth_rules() {
    let mut e = emu();
    let no_header = e.handle(&Request::new("GET", "/v1/calls", ""));
    assert_eq!(no_header.status, 401);
    assert!(err(&no_header.json()).contains("Authorization"));
    for key in [
        "",
        "sk_",
        "sk_short",
        "pk_12345678",
        "sk_1234567-",
        "sk_12345 678",
        "SK_12345678",
    ] {
        let r = e.handle(&req_as(key, "GET", "/v1/calls", ""));
        assert_eq!(r.status, 401, "{key:?}");
        if key.len() > 3 {
            assert!(!r.body.contains(key), "the key must not be echoed");
        }
    }
    let basic = e
        .handle(&Request::new("GET", "/v1/calls", "").header("Authorization", "Basic sk_12345678"));
    assert_eq!(basic.status, 401);
    for key in ["sk_12345678", "sk_test_ABC_def_123", KEY] {
        assert_eq!(
            e.handle(&req_as(key, "GET", "/v1/calls", "")).status,
            200,
            "{key}"
        );
    }
    let lower = e.handle(
        &Request::new("GET", "/v1/calls", "").header("authorization", &format!("bearer {KEY}")),
    );
    assert_eq!(lower.status, 200);
}

#[test]
fn organisations_are_isolated() {
    let mut e = emu();
    let st = setup(&mut e);
    let call = dial(&mut e, &st.agent_id, "+15551234567");
    let cid = s(&call, "id");
    let paths = [
        ("GET", format!("/v1/agents/{}", st.agent_id), ""),
        (
            "PATCH",
            format!("/v1/agents/{}", st.agent_id),
            r#"{"name":"x"}"#,
        ),
        ("DELETE", format!("/v1/agents/{}", st.agent_id), ""),
        ("GET", format!("/v1/calls/{cid}"), ""),
        ("GET", format!("/v1/calls/{cid}/transcript"), ""),
    ];
    for (m, p, b) in &paths {
        let r = e.handle(&req_as(OTHER, m, p, b));
        assert_eq!(r.status, 404, "{m} {p}: {}", r.body);
        assert!(err(&r.json()).ends_with("not found"));
    }
    let r = e.handle(&req_as(
        OTHER,
        "POST",
        "/v1/calls",
        &format!(r#"{{"agent_id":"{}","to":"+15551234567"}}"#, st.agent_id),
    ));
    assert_eq!(r.status, 404);
    let r = e.handle(&req_as(
        OTHER,
        "POST",
        "/v1/numbers/purchase",
        r#"{"phone_number":"+14155550100"}"#,
    ));
    assert_eq!(r.status, 409, "a number has one owner: {}", r.body);
    assert!(err(&r.json()).contains("another organisation"));
    for p in ["/v1/calls", "/v1/numbers"] {
        let v = e.handle(&req_as(OTHER, "GET", p, "")).json();
        assert!(data(&v).is_empty(), "{p}");
    }
    assert_ne!(
        e.default_signing_secret(KEY),
        e.default_signing_secret(OTHER)
    );
    assert_eq!(e.default_signing_secret("nope"), None);
    assert!(e.default_signing_secret(KEY).unwrap().starts_with("whsec_"));
}

/// The emulator's routes and the client's operation table come from the same description:
/// every operation the client can call reaches the emulator's handler of that operation.
#[test]
fn every_client_operation_has_its_route() {
    use crate::routes::{route, Routed};
    for op in callingbox_core::ops::OPS {
        // A different id per argument, so arguments captured in the wrong order show.
        let ids: Vec<String> = (0..op.path_args.len())
            .map(|i| format!("0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c7{i}"))
            .collect();
        let path = ids
            .iter()
            .fold(op.path.to_string(), |p, id| p.replacen("{}", id, 1));
        match route(op.method.as_str(), &path) {
            Routed::Operation(o) => {
                assert_eq!(o.name(), op.name, "{path}");
                assert_eq!(o.path_args(), ids, "{path}");
            }
            other => panic!("{} {path}: {other:?}", op.name),
        }
    }
}

/// The strict checks the description states: URLs need a host, lengths count characters.
#[test]
fn urls_need_a_host_and_lengths_count_characters() {
    let mut e = emu();
    for url in [
        "http://[",
        "http://",
        "https://:80/x",
        "http://a@b@c",
        "http://h:123456",
        "http://[xyz]/",
        "http://a b",
        "ftp://h",
    ] {
        let body = format!(r#"{{"url":{}}}"#, Value::from(url).to_json());
        expect(&mut e, "POST", "/v1/webhook_endpoints", &body, 400);
    }
    for url in [
        "http://127.0.0.1:8787/hook",
        "https://user:pw@example.com/x?y#z",
        "http://[::1]:9/",
        "https://h",
    ] {
        let body = format!(r#"{{"url":{}}}"#, Value::from(url).to_json());
        expect(&mut e, "POST", "/v1/webhook_endpoints", &body, 201);
    }
    let name = "é".repeat(6_000);
    let key = "é".repeat(40);
    let body = format!(r#"{{"name":"{name}","type":"outbound","returns":{{"{key}":"string"}}}}"#);
    expect(&mut e, "POST", "/v1/agents", &body, 201);
    let body = format!(r#"{{"name":"{}","type":"outbound"}}"#, "é".repeat(10_001));
    assert!(err(&expect(&mut e, "POST", "/v1/agents", &body, 400)).contains("10000 characters"));
}

/// A webhook endpoint's `url` is public HTTPS, or http to a loopback host (for a local
/// receiver): on create and on PATCH, where a refused URL changes nothing. Inline
/// `webhook_url`s keep taking http.
#[test]
fn webhook_endpoint_urls_are_https_or_loopback_http() {
    let mut e = emu();
    let body = |url: &str| format!(r#"{{"url":{}}}"#, Value::from(url).to_json());
    let keep = expect(
        &mut e,
        "POST",
        "/v1/webhook_endpoints",
        &body("https://example.com/keep"),
        201,
    );
    let path = format!("/v1/webhook_endpoints/{}", s(&keep, "id"));
    for url in [
        "http://example.com/hook",
        "http://127.0.0.1.nip.io/",
        "http://localhost.example.com/",
        "http://127.0.0.1@example.com/",
        "http://localhost:80@example.com/",
        "http://[::2]/",
        "http://0.0.0.0/",
        "http://127.0.0/",
        "http://1270.0.0.1/",
    ] {
        let v = expect(&mut e, "POST", "/v1/webhook_endpoints", &body(url), 400);
        assert!(
            err(&v).starts_with("url must be an https:// URL"),
            "{url}: {}",
            err(&v)
        );
        expect(&mut e, "PATCH", &path, &body(url), 400);
        assert_eq!(
            s(&expect(&mut e, "GET", &path, "", 200), "url"),
            "https://example.com/keep"
        );
    }
    for url in [
        "https://example.com/hook",
        "http://127.0.0.1:8787/hook",
        "http://127.1.2.3/",
        "http://LocalHost:9/x",
        "http://[::1]:9/",
        "http://user@localhost/hook",
        "http://localhost@127.0.0.1/x",
        "http://localhost#f",
    ] {
        expect(&mut e, "POST", "/v1/webhook_endpoints", &body(url), 201);
        assert_eq!(
            s(&expect(&mut e, "PATCH", &path, &body(url), 200), "url"),
            url
        );
    }
    // An unknown endpoint with a refused URL: the URL is checked first, like the body.
    expect(
        &mut e,
        "PATCH",
        "/v1/webhook_endpoints/0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74",
        &body("http://example.com/"),
        400,
    );
    expect(
        &mut e,
        "POST",
        "/v1/agents",
        r#"{"name":"Inline","type":"outbound","webhook_url":"http://example.com/hook"}"#,
        201,
    );
}

/// UUIDs are case-insensitive: an id in capitals names the same object, in the path, a body
/// or a query.
#[test]
fn ids_in_capitals_name_the_same_object() {
    let mut e = emu();
    let n = expect(
        &mut e,
        "POST",
        "/v1/numbers/purchase",
        r#"{"phone_number":"+14155550100"}"#,
        201,
    );
    let id = n.get("id").and_then(Value::as_str).unwrap().to_string();
    let upper = id.to_ascii_uppercase();
    assert_ne!(id, upper);
    let body = format!(
        r#"{{"name":"A","type":"outbound","number_ids":["{upper}"],"primary_number_id":"{upper}"}}"#
    );
    let a = expect(&mut e, "POST", "/v1/agents", &body, 201);
    assert_eq!(
        a.get("primary_number_id").and_then(Value::as_str),
        Some(id.as_str())
    );
    let agent = a
        .get("id")
        .and_then(Value::as_str)
        .unwrap()
        .to_ascii_uppercase();
    let got = expect(&mut e, "GET", &format!("/v1/agents/{agent}"), "", 200);
    assert_eq!(got.get("id"), a.get("id"));
    let c = expect(
        &mut e,
        "POST",
        "/v1/calls",
        &format!(r#"{{"agent_id":"{agent}","to":"+14155550123"}}"#),
        201,
    );
    let call = c
        .get("id")
        .and_then(Value::as_str)
        .unwrap()
        .to_ascii_uppercase();
    expect(&mut e, "GET", &format!("/v1/calls/{call}"), "", 200);
    let page = expect(
        &mut e,
        "GET",
        &format!("/v1/calls?ending_before={call}"),
        "",
        200,
    );
    assert!(page.get("data").is_some());
}

#[test]
fn routing_404_and_405() {
    let mut e = emu();
    let cases: &[(&str, &str, u16)] = &[
        ("GET", "/v1/nothing", 404),
        ("GET", "/v2/calls", 404),
        ("GET", "/v1/calls/", 404),
        ("GET", "/v1//calls", 404),
        ("GET", "/calls", 404),
        (
            "PUT",
            "/v1/numbers/0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74/inbound",
            404,
        ),
        (
            "GET",
            "/v1/numbers/0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74",
            404,
        ),
        ("DELETE", "/v1/calls", 405),
        ("POST", "/v1/numbers", 405),
        ("GET", "/v1/numbers/purchase", 405),
        ("PUT", "/v1/agents", 405),
        ("GET", "/v1/agents/x/primary-number", 405),
        ("HEAD", "/v1/calls", 405),
        ("GET", "/v1/calls/abc123", 404),
        ("GET", "/v1/agents/abc123", 404),
        ("GET", "/v1/webhook_endpoints/abc123", 404),
        ("GET", "/v1/webhook_deliveries/abc123", 404),
    ];
    for (m, p, want) in cases {
        let r = send(&mut e, m, p, "");
        assert_eq!(r.status, *want, "{m} {p}: {}", r.body);
        if *want == 405 {
            assert!(r.header("allow").is_some());
        }
    }
    let v = expect(&mut e, "GET", "/v1/calls/abc123", "", 404);
    assert_eq!(err(&v), "call abc123 not found");
    // A full URL is accepted as the target.
    assert_eq!(
        send(&mut e, "GET", "http://127.0.0.1:4010/v1/calls?limit=1", "").status,
        200
    );
}

// ---------------------------------------------------------------------------------------
// Numbers

#[test]
fn available_numbers_search() {
    let mut e = emu();
    let all = items(&expect(&mut e, "GET", "/v1/numbers/available", "", 200));
    assert_eq!(all.len(), 20);
    let first = &all[0];
    assert_eq!(
        first.to_json(),
        r#"{"phone_number":"+14155550100","country_code":"US","number_type":"local","state":"CA","locality":"San Francisco","monthly_cost_cents":100,"upfront_cost_cents":0,"currency":"USD"}"#
    );
    let ny = items(&expect(
        &mut e,
        "GET",
        "/v1/numbers/available?area_code=212&limit=3",
        "",
        200,
    ));
    assert_eq!(ny.len(), 3);
    assert!(ny
        .iter()
        .all(|a| s(a, "phone_number").starts_with("+1212") && s(a, "locality") == "New York"));
    let tf = items(&expect(
        &mut e,
        "GET",
        "/v1/numbers/available?number_type=toll_free&limit=100",
        "",
        200,
    ));
    assert_eq!(tf.len(), 100);
    assert!(tf
        .iter()
        .all(|a| s(a, "number_type") == "toll_free" && a.get("state") == Some(&Value::Null)));
    assert!(items(&expect(
        &mut e,
        "GET",
        "/v1/numbers/available?country_code=GB",
        "",
        200
    ))
    .is_empty());
    assert!(items(&expect(
        &mut e,
        "GET",
        "/v1/numbers/available?area_code=999",
        "",
        200
    ))
    .is_empty());
    for bad in [
        "country_code=us",
        "country_code=USA",
        "area_code=41",
        "area_code=015",
        "area_code=abc",
        "number_type=mobile",
        "limit=0",
        "limit=101",
        "limit=abc",
        "limit=-1",
        "limit=1.5",
        "limit=",
        "limit",
        "limit=1&limit=2",
        "number_type=toll_free&area_code=415",
        "foo=bar",
        "area_code=%zz",
    ] {
        let v = expect(
            &mut e,
            "GET",
            &format!("/v1/numbers/available?{bad}"),
            "",
            400,
        );
        assert!(!err(&v).is_empty(), "{bad}");
    }
    // Bought numbers leave the inventory.
    expect(
        &mut e,
        "POST",
        "/v1/numbers/purchase",
        r#"{"phone_number":"+14155550100"}"#,
        201,
    );
    let after = items(&expect(
        &mut e,
        "GET",
        "/v1/numbers/available?limit=1",
        "",
        200,
    ));
    assert_eq!(s(&after[0], "phone_number"), "+14155550101");
}

#[test]
fn purchase_rules_and_charges() {
    let mut e = emu();
    let v = expect(
        &mut e,
        "POST",
        "/v1/numbers/purchase",
        r#"{"phone_number":"+18005550100"}"#,
        201,
    );
    assert_eq!(s(&v, "e164"), "+18005550100");
    assert_eq!(s(&v, "number_type"), "toll_free");
    assert_eq!(s(&v, "status"), "active");
    assert_eq!(s(&v, "friendly_name"), "(800) 555-0100");
    assert_eq!(n(&v, "monthly_cost_cents"), 200.0);
    assert_eq!(s(&v, "purchased_at"), "2026-04-15T14:28:00Z");
    assert_eq!(v.get("inbound_agent_id"), Some(&Value::Null));
    assert_eq!(v.get("outbound_agent_ids"), Some(&Value::Array(vec![])));
    assert_eq!(e.balance_milli_cents(KEY), Some(300_000));
    let v = expect(
        &mut e,
        "POST",
        "/v1/numbers/purchase",
        r#"{"phone_number":"+18005550100"}"#,
        409,
    );
    assert!(err(&v).contains("your organisation"));
    for (body, needle) in [
        (r#"{"phone_number":"+14155550000"}"#, "not available"),
        (r#"{"phone_number":"+442079460958"}"#, "not available"),
        (r#"{"phone_number":"+1 415 555 0101"}"#, "canonical"),
        (
            r#"{"phone_number":"14155550101"}"#,
            "(reason: missing_plus)",
        ),
        (
            r#"{"phone_number":"+89116639560"}"#,
            "(reason: unassigned_country_code)",
        ),
        (
            r#"{"phone_number":"+44 20 7946 0958"}"#,
            "canonical E.164 form without separators: \"+442079460958\"",
        ),
        (r#"{"phone_number":14155550101}"#, "must be a string"),
        (r#"{}"#, "missing required field phone_number"),
        (
            r#"{"phone_number":"+14155550101","friendly_name":"x"}"#,
            "unknown field \"friendly_name\"",
        ),
    ] {
        let v = expect(&mut e, "POST", "/v1/numbers/purchase", body, 400);
        assert!(err(&v).contains(needle), "{body}: {}", err(&v));
    }
    e.set_balance_milli_cents(KEY, 99_999);
    let v = expect(
        &mut e,
        "POST",
        "/v1/numbers/purchase",
        r#"{"phone_number":"+14155550101"}"#,
        402,
    );
    assert!(err(&v).contains("$0.99"), "{}", err(&v));
    assert_eq!(e.stats().numbers_purchased, 1);
}

#[test]
fn pagination_newest_first_with_cursors() {
    let mut e = emu();
    e.set_balance_milli_cents(KEY, 10_000_000);
    let mut ids = Vec::new();
    for i in 0..5 {
        let v = expect(
            &mut e,
            "POST",
            "/v1/numbers/purchase",
            &format!(r#"{{"phone_number":"+1415555010{i}"}}"#),
            201,
        );
        ids.push(s(&v, "id").to_string());
    }
    ids.reverse(); // newest first
    let page = |e: &mut Emulator, q: &str| {
        let v = expect(e, "GET", &format!("/v1/numbers?{q}"), "", 200);
        let got: Vec<String> = data(&v).iter().map(|x| s(x, "id").to_string()).collect();
        (got, v.get("has_more").and_then(Value::as_bool).unwrap())
    };
    assert_eq!(page(&mut e, ""), (ids.clone(), false));
    assert_eq!(page(&mut e, "limit=2"), (ids[0..2].to_vec(), true));
    assert_eq!(
        page(&mut e, &format!("limit=2&starting_after={}", ids[1])),
        (ids[2..4].to_vec(), true)
    );
    assert_eq!(
        page(&mut e, &format!("limit=2&starting_after={}", ids[3])),
        (ids[4..5].to_vec(), false)
    );
    assert_eq!(
        page(&mut e, &format!("limit=2&ending_before={}", ids[4])),
        (ids[2..4].to_vec(), true)
    );
    assert_eq!(
        page(&mut e, &format!("limit=2&ending_before={}", ids[2])),
        (ids[0..2].to_vec(), false)
    );
    assert_eq!(
        page(&mut e, &format!("starting_after={}", ids[4])),
        (vec![], false)
    );
    let unknown = "0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74";
    for q in [
        format!("starting_after={unknown}"),
        format!("ending_before={unknown}"),
        "starting_after=abc".to_string(),
        format!("starting_after={}&ending_before={}", ids[0], ids[1]),
    ] {
        expect(&mut e, "GET", &format!("/v1/numbers?{q}"), "", 400);
        expect(&mut e, "GET", &format!("/v1/calls?{q}"), "", 400);
    }
}

// ---------------------------------------------------------------------------------------
// Agents

#[test]
fn agent_create_validation_table() {
    let mut e = emu();
    let cases: &[(&str, &str)] = &[
        (r#"{"type":"outbound"}"#, "missing required field name"),
        (r#"{"name":"a"}"#, "missing required field type"),
        (r#"{"name":"","type":"outbound"}"#, "name must not be empty"),
        (
            r#"{"name":"a","type":"both"}"#,
            r#"type must be one of "inbound", "outbound", got "both""#,
        ),
        (
            r#"{"name":5,"type":"outbound"}"#,
            "name must be a string, got number",
        ),
        (
            r#"{"name":null,"type":"outbound"}"#,
            "name must not be null",
        ),
        (
            r#"{"name":"a","type":"outbound","colour":"red"}"#,
            r#"unknown field "colour""#,
        ),
        (
            r#"{"name":"a","type":"outbound","name":"b"}"#,
            r#"duplicate field "name""#,
        ),
        (
            r#"{"name":"a","type":"outbound","returns":{"x":"int"}}"#,
            r#"returns.x must be one of "boolean", "string", "number", got "int""#,
        ),
        (
            r#"{"name":"a","type":"outbound","returns":["x"]}"#,
            "returns must be an object, got array",
        ),
        (
            r#"{"name":"a","type":"outbound","returns":{"x":true}}"#,
            "returns.x must be a string, got boolean",
        ),
        (
            r#"{"name":"a","type":"outbound","voicemail_action":"beep"}"#,
            "voicemail_action must be one of",
        ),
        (
            r#"{"name":"a","type":"outbound","webhook_url":"ftp://x"}"#,
            "webhook_url must be an http:// or https:// URL",
        ),
        (
            r#"{"name":"a","type":"outbound","webhook_url":"https://"}"#,
            "webhook_url must be an http:// or https:// URL",
        ),
        (
            r#"{"name":"a","type":"outbound","language":"english!"}"#,
            "language must be a BCP-47 language tag",
        ),
        (
            r#"{"name":"a","type":"outbound","tools":{}}"#,
            "tools must be an array of tools, got object",
        ),
        (
            r#"{"name":"a","type":"outbound","tools":[{"type":"mcp","name":"x","description":""}]}"#,
            "tools[0].type must be one of",
        ),
        (
            r#"{"name":"a","type":"outbound","tools":[{"type":"http","name":"x","description":"","policy":"read"}]}"#,
            "missing required field tools[0].url",
        ),
        (
            r#"{"name":"a","type":"outbound","tools":[{"type":"builtin","name":"x","description":""}]}"#,
            "missing required field tools[0].policy",
        ),
        (
            r#"{"name":"a","type":"outbound","tools":[{"type":"http","name":"x","description":"","policy":"read","url":"https://t.example","headers":{"X-Retry":1}}]}"#,
            "tools[0].headers.X-Retry must be a string",
        ),
        (
            r#"{"name":"a","type":"outbound","tools":[{"type":"builtin","name":"x","description":"","policy":"write"}]}"#,
            "tools[0].policy must be one of",
        ),
        (
            r#"{"name":"a","type":"outbound","tools":[{"type":"builtin","name":"x","description":"","policy":"read","extra":1}]}"#,
            r#"unknown field "tools[0].extra""#,
        ),
        (
            r#"{"name":"a","type":"outbound","tools":[{"type":"builtin","name":"x","description":"","policy":"read"},{"type":"builtin","name":"x","description":"","policy":"read"}]}"#,
            "tools[1].name repeats",
        ),
        (
            r#"{"name":"a","type":"outbound","tools":[1]}"#,
            "tools[0] must be a tool object, got number",
        ),
        (
            r#"{"name":"a","type":"outbound","number_ids":["abc"]}"#,
            r#"number_ids[0] must be a UUID, got "abc""#,
        ),
        (
            r#"{"name":"a","type":"outbound","number_ids":"0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74"}"#,
            "number_ids must be an array of UUIDs, got string",
        ),
        (
            r#"{"name":"a","type":"outbound","primary_number_id":7}"#,
            "primary_number_id must be a string, got number",
        ),
        (r#"[]"#, "the request body must be a JSON object, got array"),
        (r#"{"name":"a","type":"outbound""#, "not valid JSON"),
        ("", "the request body is empty"),
    ];
    for (body, needle) in cases {
        let v = expect(&mut e, "POST", "/v1/agents", body, 400);
        assert!(
            err(&v).contains(needle),
            "{body}\n  got: {}\n  want: {needle}",
            err(&v)
        );
    }
    let tools: Vec<String> = (0..17)
        .map(|i| format!(r#"{{"type":"builtin","name":"t{i}","description":"d","policy":"read"}}"#))
        .collect();
    let body = format!(
        r#"{{"name":"a","type":"outbound","tools":[{}]}}"#,
        tools.join(",")
    );
    assert!(err(&expect(&mut e, "POST", "/v1/agents", &body, 400)).contains("at most 16"));
    let body = format!(
        r#"{{"name":"a","type":"outbound","tools":[{}]}}"#,
        tools[..16].join(",")
    );
    expect(&mut e, "POST", "/v1/agents", &body, 201);
    let unknown =
        r#"{"name":"a","type":"outbound","number_ids":["0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74"]}"#;
    assert_eq!(
        err(&expect(&mut e, "POST", "/v1/agents", unknown, 404)),
        "number 0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74 not found"
    );
}

#[test]
fn agent_objects_and_updates() {
    let mut e = emu();
    let st = setup(&mut e);
    let a = expect(
        &mut e,
        "GET",
        &format!("/v1/agents/{}", st.agent_id),
        "",
        200,
    );
    let keys: Vec<&str> = a
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    // Every field of the description's Agent, in its order.
    let documented: Vec<&str> = Resource::Agent.fields().iter().map(|f| f.0).collect();
    assert_eq!(keys, documented);
    assert_eq!(s(&a, "voicemail_action"), "hangup");
    assert_eq!(s(&a, "primary_number_id"), st.number_id);
    let nums = a.get("numbers").and_then(Value::as_array).unwrap();
    assert_eq!(nums.len(), 1);
    assert_eq!(
        nums[0].get("outbound_agent_ids").unwrap().to_json(),
        format!(r#"["{}"]"#, st.agent_id)
    );
    let path = format!("/v1/agents/{}", st.agent_id);
    let v = expect(&mut e, "PATCH", &path, r#"{"type":"outbound"}"#, 400);
    assert!(err(&v).contains("type cannot be changed"));
    let v = expect(
        &mut e,
        "PATCH",
        &path,
        r#"{"name":"Renamed","persona":"Calm","returns":null,"voicemail_action":"leave_message"}"#,
        200,
    );
    assert_eq!(s(&v, "name"), "Renamed");
    assert_eq!(s(&v, "persona"), "Calm");
    assert_eq!(v.get("returns"), Some(&Value::Null));
    assert_eq!(s(&v, "type"), "outbound");
    assert_eq!(
        s(&v, "instructions"),
        "Confirm the appointment.",
        "untouched fields stay"
    );
    let v = expect(&mut e, "PATCH", &path, r#"{"number_ids":[]}"#, 200);
    assert_eq!(
        v.get("primary_number_id"),
        Some(&Value::Null),
        "primary cleared with its number"
    );
    let v = expect(
        &mut e,
        "PATCH",
        &path,
        &format!(
            r#"{{"number_ids":["{0}"],"primary_number_id":"{0}"}}"#,
            st.number_id
        ),
        200,
    );
    assert_eq!(s(&v, "primary_number_id"), st.number_id);
    // type filter
    expect(
        &mut e,
        "POST",
        "/v1/agents",
        r#"{"name":"In","type":"inbound"}"#,
        201,
    );
    assert_eq!(data(&expect(&mut e, "GET", "/v1/agents", "", 200)).len(), 2);
    let inbound = data(&expect(&mut e, "GET", "/v1/agents?type=inbound", "", 200));
    assert_eq!(inbound.len(), 1);
    assert_eq!(s(&inbound[0], "name"), "In");
    expect(&mut e, "GET", "/v1/agents?type=other", "", 400);
    expect(&mut e, "GET", "/v1/agents?limit=5", "", 400);
}

#[test]
fn numbers_attach_detach_primary_and_inbound_conflicts() {
    let mut e = emu();
    let st = setup(&mut e);
    let nid = &st.number_id;
    let in1 = s(&expect(&mut e, "POST", "/v1/agents", &format!(r#"{{"name":"Desk","type":"inbound","number_ids":["{nid}"],"primary_number_id":"{nid}"}}"#), 201), "id").to_string();
    let num = &data(&expect(&mut e, "GET", "/v1/numbers", "", 200))[0];
    assert_eq!(s(num, "inbound_agent_id"), in1);
    // A second inbound agent cannot take the number, at creation or by attaching.
    let v = expect(
        &mut e,
        "POST",
        "/v1/agents",
        &format!(r#"{{"name":"Desk2","type":"inbound","number_ids":["{nid}"]}}"#),
        409,
    );
    assert!(err(&v).contains(&in1));
    let in2 = s(
        &expect(
            &mut e,
            "POST",
            "/v1/agents",
            r#"{"name":"Desk2","type":"inbound"}"#,
            201,
        ),
        "id",
    )
    .to_string();
    expect(
        &mut e,
        "POST",
        &format!("/v1/agents/{in2}/numbers"),
        &format!(r#"{{"number_id":"{nid}"}}"#),
        409,
    );
    expect(
        &mut e,
        "PATCH",
        &format!("/v1/agents/{in2}"),
        &format!(r#"{{"number_ids":["{nid}"]}}"#),
        409,
    );
    // Outbound agents share freely.
    let out2 = s(
        &expect(
            &mut e,
            "POST",
            "/v1/agents",
            &format!(r#"{{"name":"Out2","type":"outbound","number_ids":["{nid}"]}}"#),
            201,
        ),
        "id",
    )
    .to_string();
    let num = &data(&expect(&mut e, "GET", "/v1/numbers", "", 200))[0];
    assert_eq!(
        num.get("outbound_agent_ids")
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Primary must be attached.
    let v = expect(
        &mut e,
        "POST",
        "/v1/agents",
        &format!(r#"{{"name":"x","type":"outbound","primary_number_id":"{nid}"}}"#),
        400,
    );
    assert!(err(&v).contains("must be one of the agent's numbers"));
    expect(
        &mut e,
        "PUT",
        &format!("/v1/agents/{in2}/primary-number"),
        &format!(r#"{{"number_id":"{nid}"}}"#),
        400,
    );
    let v = expect(
        &mut e,
        "PUT",
        &format!("/v1/agents/{out2}/primary-number"),
        &format!(r#"{{"number_id":"{nid}"}}"#),
        200,
    );
    assert_eq!(s(&v, "primary_number_id"), nid.as_str());
    expect(
        &mut e,
        "PUT",
        &format!("/v1/agents/{out2}/primary-number"),
        r#"{"number_id":"0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74"}"#,
        404,
    );
    // Detach clears the primary; detaching again is a 400.
    let v = expect(
        &mut e,
        "DELETE",
        &format!("/v1/agents/{out2}/numbers/{nid}"),
        "",
        200,
    );
    assert_eq!(v.get("primary_number_id"), Some(&Value::Null));
    assert_eq!(v.get("numbers").unwrap().as_array().unwrap().len(), 0);
    expect(
        &mut e,
        "DELETE",
        &format!("/v1/agents/{out2}/numbers/{nid}"),
        "",
        400,
    );
    expect(
        &mut e,
        "DELETE",
        &format!("/v1/agents/{out2}/numbers/abc"),
        "",
        404,
    );
    // Detaching the inbound agent frees the number for another inbound agent.
    expect(
        &mut e,
        "DELETE",
        &format!("/v1/agents/{in1}/numbers/{nid}"),
        "",
        200,
    );
    let v = expect(
        &mut e,
        "POST",
        &format!("/v1/agents/{in2}/numbers"),
        &format!(r#"{{"number_id":"{nid}","set_as_primary":true}}"#),
        200,
    );
    assert_eq!(s(&v, "primary_number_id"), nid.as_str());
    // Attaching twice is a no-op.
    let again = expect(
        &mut e,
        "POST",
        &format!("/v1/agents/{in2}/numbers"),
        &format!(r#"{{"number_id":"{nid}"}}"#),
        200,
    );
    assert_eq!(again.get("numbers").unwrap().as_array().unwrap().len(), 1);
    expect(
        &mut e,
        "POST",
        &format!("/v1/agents/{in2}/numbers"),
        r#"{"number_id":"0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74"}"#,
        404,
    );
}

#[test]
fn archive_keeps_history_and_blocks_changes() {
    let mut e = emu();
    let st = setup(&mut e);
    let call = dial(&mut e, &st.agent_id, "+15551234567");
    e.advance(1000);
    let path = format!("/v1/agents/{}", st.agent_id);
    let v = expect(&mut e, "DELETE", &path, "", 200);
    assert_eq!(s(&v, "archived_at"), "2026-04-15T14:28:01Z");
    assert_eq!(v.get("numbers").unwrap().as_array().unwrap().len(), 0);
    let again = expect(&mut e, "DELETE", &path, "", 200);
    assert_eq!(again, v, "archiving twice changes nothing");
    assert_eq!(
        s(&expect(&mut e, "GET", &path, "", 200), "archived_at"),
        "2026-04-15T14:28:01Z"
    );
    expect(&mut e, "PATCH", &path, r#"{"name":"x"}"#, 409);
    expect(
        &mut e,
        "POST",
        &format!("{path}/numbers"),
        &format!(r#"{{"number_id":"{}"}}"#, st.number_id),
        409,
    );
    expect(
        &mut e,
        "PUT",
        &format!("{path}/primary-number"),
        &format!(r#"{{"number_id":"{}"}}"#, st.number_id),
        409,
    );
    expect(
        &mut e,
        "DELETE",
        &format!("{path}/numbers/{}", st.number_id),
        "",
        409,
    );
    let v = expect(
        &mut e,
        "POST",
        "/v1/calls",
        &format!(r#"{{"agent_id":"{}","to":"+15551234567"}}"#, st.agent_id),
        409,
    );
    assert!(err(&v).contains("archived"));
    // History kept: the call runs to completion and stays listed.
    e.advance(200_000);
    assert_eq!(s(&get_call(&mut e, s(&call, "id")), "status"), "completed");
    assert_eq!(data(&expect(&mut e, "GET", "/v1/calls", "", 200)).len(), 1);
}

// ---------------------------------------------------------------------------------------
// Calls

#[test]
fn dispatch_rules() {
    let mut e = emu();
    let st = setup(&mut e);
    let a = &st.agent_id;
    let inbound = s(
        &expect(
            &mut e,
            "POST",
            "/v1/agents",
            r#"{"name":"In","type":"inbound"}"#,
            201,
        ),
        "id",
    )
    .to_string();
    let bare = s(
        &expect(
            &mut e,
            "POST",
            "/v1/agents",
            r#"{"name":"Bare","type":"outbound"}"#,
            201,
        ),
        "id",
    )
    .to_string();
    let cases: Vec<(String, u16, &str)> = vec![
        (
            format!(r#"{{"agent_id":"{inbound}","to":"+15551234567"}}"#),
            409,
            "inbound agent",
        ),
        (
            r#"{"agent_id":"0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74","to":"+15551234567"}"#.into(),
            404,
            "agent 0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74 not found",
        ),
        (
            r#"{"agent_id":"abc","to":"+15551234567"}"#.into(),
            400,
            "agent_id must be a UUID",
        ),
        (
            format!(r#"{{"agent_id":"{a}"}}"#),
            400,
            "missing required field to",
        ),
        (
            r#"{"to":"+15551234567"}"#.to_string(),
            400,
            "missing required field agent_id",
        ),
        (
            format!(r#"{{"agent_id":"{a}","to":"+442079460958"}}"#),
            400,
            "not a US number",
        ),
        (
            format!(r#"{{"agent_id":"{a}","to":"+11234567890"}}"#),
            400,
            "not a US number",
        ),
        (
            format!(r#"{{"agent_id":"{a}","to":"+1555123456"}}"#),
            400,
            "too short for a number with country code +1 (reason: invalid_length)",
        ),
        (
            format!(r#"{{"agent_id":"{a}","to":"+1 555 123 4567"}}"#),
            400,
            "canonical E.164",
        ),
        (
            format!(r#"{{"agent_id":"{a}","to":"5551234567"}}"#),
            400,
            "(reason: missing_plus)",
        ),
        (
            format!(r#"{{"agent_id":"{a}","to":"+15551234567","from_number":"+14155550199"}}"#),
            400,
            "is not attached to agent",
        ),
        (
            format!(r#"{{"agent_id":"{bare}","to":"+15551234567"}}"#),
            400,
            "has no primary number",
        ),
        (
            format!(r#"{{"agent_id":"{a}","to":"+15551234567","context":"x"}}"#),
            400,
            "context must be an object, got string",
        ),
        (
            format!(r#"{{"agent_id":"{a}","to":"+15551234567","metadata":[]}}"#),
            400,
            "metadata must be an object, got array",
        ),
        (
            format!(r#"{{"agent_id":"{a}","to":"+15551234567","prompt":"hi"}}"#),
            400,
            "prompt is from the legacy API",
        ),
    ];
    for field in [
        "persona",
        "voice",
        "language",
        "returns",
        "tools",
        "voicemail_action",
    ] {
        let body = format!(r#"{{"agent_id":"{a}","to":"+15551234567","{field}":"x"}}"#);
        let v = expect(&mut e, "POST", "/v1/calls", &body, 400);
        assert!(
            err(&v).starts_with(&format!("{field} is not accepted here")),
            "{}",
            err(&v)
        );
    }
    for (body, status, needle) in &cases {
        let v = expect(&mut e, "POST", "/v1/calls", body, *status);
        assert!(err(&v).contains(needle), "{body}\n  got: {}", err(&v));
    }
    assert!(data(&expect(&mut e, "GET", "/v1/calls", "", 200)).is_empty());
    // Explicit from_number works when attached.
    let v = expect(
        &mut e,
        "POST",
        "/v1/calls",
        &format!(
            r#"{{"agent_id":"{a}","to":"+15551234567","from_number":"{}"}}"#,
            st.e164
        ),
        201,
    );
    assert_eq!(s(&v, "from_number"), st.e164);
}

#[test]
fn credit_hold_and_402() {
    let mut e = emu();
    let st = setup(&mut e); // $5 - $1 for the number = $4 = 8 holds
    for _ in 0..8 {
        dial(&mut e, &st.agent_id, "+15551234567");
    }
    let body = format!(r#"{{"agent_id":"{}","to":"+15551234567"}}"#, st.agent_id);
    let v = expect(&mut e, "POST", "/v1/calls", &body, 402);
    assert_eq!(
        err(&v),
        "Calls paused. Your balance is $0.00 but each call requires a $0.50 hold (the cost of a 10-minute call at $0.05/min). Add credit to resume calls."
    );
    // Held credit comes back as calls end: 8 × 12 667 charged.
    e.advance(200_000);
    assert_eq!(e.balance_milli_cents(KEY), Some(400_000 - 8 * 12_667));
    dial(&mut e, &st.agent_id, "+15551234567");
}

#[test]
fn lifecycle_matches_the_documented_example() {
    let mut e = emu();
    let st = setup(&mut e);
    e.advance(1000); // created at 14:28:01 as in tests/fixtures/call.json
    let body = format!(
        r#"{{"agent_id":"{}","to":"+15551234567","context":{{"patient":"Maria Lopez","doctor":"Dr. Chen"}},"metadata":{{"crm_id":"12345"}}}}"#,
        st.agent_id
    );
    let c = expect(&mut e, "POST", "/v1/calls", &body, 201);
    let id = s(&c, "id").to_string();
    assert_eq!(s(&c, "status"), "queued");
    assert_eq!(s(&c, "reservation_status"), "reserved");
    assert_eq!(s(&c, "created_at"), "2026-04-15T14:28:01Z");
    assert_eq!(s(&c, "direction"), "outbound");
    assert_eq!(s(&c, "from_number"), st.e164);
    assert_eq!(s(&c, "result_status"), "pending");
    assert_eq!(s(&c, "webhook_status"), "pending");
    assert_eq!(s(&c, "instructions"), "Confirm the appointment.");
    assert_eq!(c.get("result"), Some(&Value::Null));
    assert_eq!(
        c.get("metadata").unwrap().to_json(),
        r#"{"crm_id":"12345"}"#
    );
    let keys: Vec<&str> = c
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    // Every field of the description's Call.
    for &(k, _) in Resource::Call.fields() {
        assert!(keys.contains(&k), "{k}");
    }
    let tr = |e: &mut Emulator| expect(e, "GET", &format!("/v1/calls/{id}/transcript"), "", 200);
    assert_eq!(
        tr(&mut e).to_json(),
        format!(r#"{{"call_id":"{id}","segments":[]}}"#)
    );
    let timeline: &[(i64, &str)] = &[
        (999, "queued"),
        (1, "initiated"),
        (1000, "ringing"),
        (6000, "in_progress"),
        (151_999, "in_progress"),
        (1, "completed"),
    ];
    for (dt, status) in timeline {
        e.advance(*dt);
        assert_eq!(
            s(&get_call(&mut e, &id), "status"),
            *status,
            "at +{}",
            e.now_ms()
        );
    }
    let c = get_call(&mut e, &id);
    assert_eq!(s(&c, "started_at"), "2026-04-15T14:28:03Z");
    assert_eq!(s(&c, "answered_at"), "2026-04-15T14:28:09Z");
    assert_eq!(s(&c, "ended_at"), "2026-04-15T14:30:41Z");
    assert_eq!(n(&c, "duration_seconds"), 158.0);
    assert_eq!(n(&c, "billed_duration_seconds"), 152.0);
    assert_eq!(n(&c, "billing_amount_milli_cents"), 12_667.0);
    assert_eq!(s(&c, "reservation_status"), "settled");
    assert_eq!(s(&c, "hangup_cause"), "normal_clearing");
    assert_eq!(s(&c, "answered_by"), "human");
    assert_eq!(
        s(&c, "result_status"),
        "pending",
        "extraction still running"
    );
    assert_eq!(e.balance_milli_cents(KEY), Some(400_000 - 12_667));
    e.advance(7000);
    let c = get_call(&mut e, &id);
    assert_eq!(s(&c, "result_status"), "completed");
    assert_eq!(s(&c, "updated_at"), "2026-04-15T14:30:48Z");
    assert_eq!(
        c.get("result").unwrap().to_json(),
        r#"{"confirmed":true,"reschedule_to":"next Thursday at 3pm","patient":"Maria Lopez"}"#
    );
    let t = tr(&mut e);
    let segs = t.get("segments").and_then(Value::as_array).unwrap();
    let lines: Vec<String> = segs
        .iter()
        .map(|x| format!("{} {}", s(x, "role"), s(x, "text")))
        .collect();
    assert_eq!(
        lines,
        [
            "agent Hi, is this Maria Lopez?",
            "user Yes, speaking.",
            "agent Great! This is the Reminders assistant. I'm calling to confirm the appointment.",
            "agent For reference, the doctor is Dr. Chen.",
            "user Sure, go ahead.",
            "agent Can you confirm that works for you?",
            "user Yes, that works for me.",
            "agent And if anything comes up, when could we move it to?",
            "user Next Thursday at 3pm would work too.",
            "agent Could I get your full name?",
            "user It's Maria Lopez.",
            "agent Perfect, I've noted that down. To sum up, confirmed: yes; reschedule to: next Thursday at 3pm; patient: Maria Lopez.",
            "agent Thank you for your time. Goodbye!",
            "user Thanks, bye!",
        ]
    );
    assert_eq!(s(&segs[0], "started_at"), "2026-04-15T14:28:10Z");
    assert_eq!(s(&segs[0], "source"), "tts");
    assert_eq!(s(&segs[1], "source"), "stt");
    for (i, seg) in segs.iter().enumerate() {
        assert_eq!(n(seg, "sequence_no"), i as f64);
        assert!(s(seg, "ended_at") <= "2026-04-15T14:30:41Z");
    }
}

#[test]
fn transcript_grows_while_the_call_runs() {
    let mut e = emu();
    let st = setup(&mut e);
    let id = s(&dial(&mut e, &st.agent_id, "+15551234567"), "id").to_string();
    let count = |e: &mut Emulator| {
        let v = expect(e, "GET", &format!("/v1/calls/{id}/transcript"), "", 200);
        v.get("segments").and_then(Value::as_array).unwrap().len()
    };
    e.advance(8_000);
    assert_eq!(count(&mut e), 0, "answered, nothing said yet");
    e.advance(6_000);
    let mid = count(&mut e);
    e.advance(200_000);
    let end = count(&mut e);
    assert!(0 < mid && mid < end, "{mid} {end}");
}

#[test]
fn every_test_number() {
    struct Want {
        status: &'static str,
        answered_by: Option<&'static str>,
        hangup: &'static str,
        reservation: &'static str,
        result_status: &'static str,
        event: &'static str,
        error_code: Option<&'static str>,
        ended_ms: i64,
        billed: i64,
    }
    let table: &[(&str, Want)] = &[
        (
            "+15005550001",
            Want {
                status: "busy",
                answered_by: None,
                hangup: "user_busy",
                reservation: "released",
                result_status: "pending",
                event: "call.busy",
                error_code: None,
                ended_ms: 3000,
                billed: 0,
            },
        ),
        (
            "+15005550002",
            Want {
                status: "no_answer",
                answered_by: None,
                hangup: "no_answer",
                reservation: "released",
                result_status: "pending",
                event: "call.no_answer",
                error_code: None,
                ended_ms: 32_000,
                billed: 0,
            },
        ),
        (
            "+15005550003",
            Want {
                status: "no_answer",
                answered_by: Some("machine"),
                hangup: "machine_detected",
                reservation: "released",
                result_status: "pending",
                event: "call.no_answer",
                error_code: None,
                ended_ms: 10_000,
                billed: 0,
            },
        ),
        (
            "+15005550004",
            Want {
                status: "failed",
                answered_by: None,
                hangup: "call_rejected",
                reservation: "released",
                result_status: "pending",
                event: "call.failed",
                error_code: Some("carrier_rejected"),
                ended_ms: 2000,
                billed: 0,
            },
        ),
        (
            "+15005550005",
            Want {
                status: "canceled",
                answered_by: None,
                hangup: "originator_cancel",
                reservation: "released",
                result_status: "pending",
                event: "call.canceled",
                error_code: None,
                ended_ms: 5000,
                billed: 0,
            },
        ),
        (
            "+15005550007",
            Want {
                status: "completed",
                answered_by: Some("human"),
                hangup: "normal_clearing",
                reservation: "settled",
                result_status: "failed",
                event: "call.completed",
                error_code: None,
                ended_ms: 160_000,
                billed: 152,
            },
        ),
        (
            "+15551234567",
            Want {
                status: "completed",
                answered_by: Some("human"),
                hangup: "normal_clearing",
                reservation: "settled",
                result_status: "completed",
                event: "call.completed",
                error_code: None,
                ended_ms: 160_000,
                billed: 152,
            },
        ),
    ];
    assert_eq!(
        TEST_NUMBERS.len(),
        table.len(),
        "every test number but the 502 one is covered, plus a normal number"
    );
    for (to, w) in table {
        let mut e = emu();
        let st = setup(&mut e);
        let t0 = e.now_ms();
        let id = s(&dial(&mut e, &st.agent_id, to), "id").to_string();
        e.advance(w.ended_ms - 1);
        assert!(
            get_call(&mut e, &id).get("ended_at").unwrap().is_null(),
            "{to}"
        );
        e.advance(10 * 60_000);
        let c = get_call(&mut e, &id);
        assert_eq!(s(&c, "status"), w.status, "{to}");
        assert_eq!(
            c.get("answered_by").unwrap().as_str(),
            w.answered_by,
            "{to}"
        );
        assert_eq!(s(&c, "hangup_cause"), w.hangup, "{to}");
        assert_eq!(s(&c, "reservation_status"), w.reservation, "{to}");
        assert_eq!(s(&c, "result_status"), w.result_status, "{to}");
        assert_eq!(c.get("error_code").unwrap().as_str(), w.error_code, "{to}");
        assert_eq!(s(&c, "ended_at"), util::iso(t0 + w.ended_ms), "{to}");
        assert_eq!(n(&c, "billed_duration_seconds") as i64, w.billed, "{to}");
        if w.error_code.is_some() {
            assert!(s(&c, "error_message").contains(to));
        }
        let result = c.get("result").unwrap();
        match w.result_status {
            "pending" => assert_eq!(
                result.to_json(),
                r#"{"confirmed":null,"reschedule_to":null,"patient":null}"#,
                "{to}"
            ),
            "failed" => {
                assert!(result.is_null());
                assert!(s(&c, "result_error").contains("extraction failed"));
            }
            _ => assert_eq!(s(result, "patient"), "Jordan Lee"),
        }
        let charged = 400_000 - e.balance_milli_cents(KEY).unwrap();
        assert_eq!(charged, model::charge(w.billed), "{to}");
        // Exactly one terminal event, the right one.
        let events: Vec<String> = data(&expect(
            &mut e,
            "GET",
            &format!("/v1/webhook_deliveries?call_id={id}"),
            "",
            200,
        ))
        .iter()
        .map(|d| s(d, "event_type").to_string())
        .collect();
        let terminal: Vec<&String> = events
            .iter()
            .filter(|t| !["call.queued", "call.ringing", "call.answered"].contains(&t.as_str()))
            .collect();
        assert_eq!(terminal, [&w.event.to_string()], "{to}: {events:?}");
        assert_eq!(
            events.last().map(String::as_str),
            Some("call.queued"),
            "newest first"
        );
        let no_conversation = w.billed == 0;
        let segs = expect(
            &mut e,
            "GET",
            &format!("/v1/calls/{id}/transcript"),
            "",
            200,
        );
        assert_eq!(
            segs.get("segments").unwrap().as_array().unwrap().is_empty(),
            no_conversation,
            "{to}"
        );
    }
}

#[test]
fn provider_rejection_is_a_502_without_side_effects() {
    let mut e = emu();
    let st = setup(&mut e);
    let before = snapshot(&mut e, KEY);
    let body = format!(r#"{{"agent_id":"{}","to":"+15005550006"}}"#, st.agent_id);
    let v = expect(&mut e, "POST", "/v1/calls", &body, 502);
    assert!(err(&v).contains("telephony provider"));
    assert_eq!(snapshot(&mut e, KEY), before);
    assert_eq!(e.stats().calls_placed, 0);
    assert_eq!(e.stats().calls_rejected_by_provider, 1);
    assert_eq!(e.stats().responses_5xx, 1);
}

#[test]
fn per_call_overrides_and_snapshots() {
    let mut e = emu();
    let st = setup(&mut e);
    let body = format!(
        r#"{{"agent_id":"{}","to":"+15551234567","instructions":"Only ask about Friday.","webhook_url":"https://example.com/override"}}"#,
        st.agent_id
    );
    let c = expect(&mut e, "POST", "/v1/calls", &body, 201);
    assert_eq!(s(&c, "instructions"), "Only ask about Friday.");
    assert_eq!(s(&c, "webhook_url"), "https://example.com/override");
    assert!(s(&c, "prompt").ends_with("Only ask about Friday."));
    // Editing the agent later does not change the running call's returns snapshot.
    expect(
        &mut e,
        "PATCH",
        &format!("/v1/agents/{}", st.agent_id),
        r#"{"returns":{"other":"number"}}"#,
        200,
    );
    e.advance(200_000);
    let c = get_call(&mut e, s(&c, "id"));
    assert!(c.get("returns").unwrap().get("confirmed").is_some());
    assert_eq!(
        c.get("result").unwrap().get("confirmed"),
        Some(&Value::Bool(true))
    );
    let next = dial(&mut e, &st.agent_id, "+15551234567");
    assert_eq!(
        next.get("returns").unwrap().to_json(),
        r#"{"other":"number"}"#
    );
    e.advance(200_000);
    assert_eq!(
        get_call(&mut e, s(&next, "id"))
            .get("result")
            .unwrap()
            .to_json(),
        r#"{"other":1}"#
    );
}

#[test]
fn inbound_calls_reach_the_numbers_inbound_agent() {
    let mut e = emu();
    let st = setup(&mut e);
    assert!(e
        .simulate_inbound_call(KEY, "+15557654321", &st.e164)
        .unwrap_err()
        .contains("no inbound agent"));
    let body = format!(
        r#"{{"name":"Front desk","type":"inbound","returns":{{"reason":"string"}},"number_ids":["{}"]}}"#,
        st.number_id
    );
    let desk = s(&expect(&mut e, "POST", "/v1/agents", &body, 201), "id").to_string();
    assert!(e
        .simulate_inbound_call(KEY, "5557654321", &st.e164)
        .is_err());
    assert!(e
        .simulate_inbound_call(KEY, "+15557654321", "+14155550199")
        .is_err());
    assert!(e
        .simulate_inbound_call(OTHER, "+15557654321", &st.e164)
        .is_err());
    let id = e
        .simulate_inbound_call(KEY, "+15557654321", &st.e164)
        .unwrap();
    let c = get_call(&mut e, &id);
    assert_eq!(s(&c, "direction"), "inbound");
    assert_eq!(s(&c, "agent_id"), desk);
    assert_eq!(s(&c, "from_number"), "+15557654321");
    assert_eq!(s(&c, "to_number"), st.e164);
    assert_eq!(c.get("context"), Some(&Value::Null));
    e.advance(200_000);
    let c = get_call(&mut e, &id);
    assert_eq!(s(&c, "status"), "completed");
    assert_eq!(
        c.get("result").unwrap().to_json(),
        r#"{"reason":"a question about my last bill"}"#
    );
    let listed = data(&expect(&mut e, "GET", "/v1/calls", "", 200));
    assert_eq!(s(&listed[0], "id"), id);
    assert_eq!(e.stats().inbound_calls, 1);
    assert_eq!(e.stats().calls_placed, 0);
    // The caller's number selects the outcome like a destination does.
    let busy = e
        .simulate_inbound_call(KEY, "+15005550001", &st.e164)
        .unwrap();
    e.advance(10_000);
    assert_eq!(s(&get_call(&mut e, &busy), "status"), "busy");
    assert!(e
        .simulate_inbound_call(KEY, "+15005550006", &st.e164)
        .is_err());
    e.set_balance_milli_cents(KEY, 0);
    assert!(e
        .simulate_inbound_call(KEY, "+15557654321", &st.e164)
        .unwrap_err()
        .starts_with("Calls paused."));
}

// ---------------------------------------------------------------------------------------
// Webhooks

fn verify(w: &OutgoingWebhook, secret: &str, now_ms: i64) -> webhook::Event {
    let header = w
        .headers
        .iter()
        .find(|(k, _)| k == "CallingBox-Signature")
        .map(|(_, v)| v.as_str())
        .unwrap();
    webhook::verify(w.body.as_bytes(), header, secret, 300, now_ms / 1000)
        .expect("signature verifies")
}

fn hdr<'a>(w: &'a OutgoingWebhook, name: &str) -> &'a str {
    w.headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap()
}

#[test]
fn events_are_signed_enveloped_and_in_order() {
    let mut e = emu();
    let st = setup(&mut e);
    let ep = expect(
        &mut e,
        "POST",
        "/v1/webhook_endpoints",
        r#"{"url":"https://example.com/all"}"#,
        201,
    );
    let ep_secret = s(&ep, "signing_secret").to_string();
    let only_done = expect(
        &mut e,
        "POST",
        "/v1/webhook_endpoints",
        r#"{"url":"https://example.com/done","enabled_events":["call.completed","call.failed"]}"#,
        201,
    );
    let done_secret = s(&only_done, "signing_secret").to_string();
    let org_secret = e.default_signing_secret(KEY).unwrap();
    let call = dial(&mut e, &st.agent_id, "+15551234567");
    let cid = s(&call, "id").to_string();
    let mut seen: Vec<(String, String)> = Vec::new();
    for _ in 0..40 {
        for w in e.take_outbox() {
            let secret = match w.url.as_str() {
                AGENT_URL => &org_secret,
                "https://example.com/all" => &ep_secret,
                _ => &done_secret,
            };
            let ev = verify(&w, secret, e.now_ms());
            assert_eq!(ev.id, w.delivery_id);
            assert_eq!(hdr(&w, "CallingBox-Event-Id"), w.delivery_id);
            assert_eq!(hdr(&w, "CallingBox-Event-Type"), ev.event_type);
            assert_eq!(hdr(&w, "X-CallingBox-Event"), ev.event_type);
            assert_eq!(hdr(&w, "X-CallingBox-Call-Id"), cid);
            assert_eq!(hdr(&w, "Content-Type"), "application/json");
            assert_eq!(ev.api_version, "2026-04");
            assert_eq!(ev.call_id.as_deref(), Some(cid.as_str()));
            // Signed with a wrong secret → rejected.
            let header = hdr(&w, "CallingBox-Signature");
            let wrong = webhook::verify(
                w.body.as_bytes(),
                header,
                "whsec_wrong",
                webhook::UNLIMITED_TOLERANCE,
                0,
            );
            assert_eq!(wrong.err().map(|e| e.code()), Some("no_matching_signature"));
            let status = ev
                .raw
                .get("data")
                .and_then(|d| d.get("call"))
                .map(|c| s(c, "status").to_string())
                .unwrap();
            seen.push((w.url.clone(), format!("{}:{status}", ev.event_type)));
            assert!(e.report_delivery(&w.delivery_id, Ok(200)));
            assert!(
                !e.report_delivery(&w.delivery_id, Ok(200)),
                "not in flight any more"
            );
        }
        e.advance(5_000);
    }
    let for_url = |u: &str| {
        seen.iter()
            .filter(|(x, _)| x == u)
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
    };
    let all = [
        "call.queued:queued",
        "call.ringing:ringing",
        "call.answered:in_progress",
        "call.completed:completed",
    ];
    assert_eq!(for_url(AGENT_URL), all);
    assert_eq!(for_url("https://example.com/all"), all);
    assert_eq!(
        for_url("https://example.com/done"),
        ["call.completed:completed"]
    );
    let c = get_call(&mut e, &cid);
    assert_eq!(s(&c, "webhook_status"), "delivered");
    // The final event carries the final result.
    let d = data(&expect(
        &mut e,
        "GET",
        &format!("/v1/webhook_deliveries?call_id={cid}&status=delivered&limit=200"),
        "",
        200,
    ));
    assert_eq!(d.len(), 9);
    let first = &d[0];
    assert_eq!(s(first, "event_type"), "call.completed");
    assert_eq!(n(first, "attempt_count"), 1.0);
    assert!(!s(first, "delivered_at").is_empty());
    assert_eq!(n(first, "last_response_status"), 200.0);
    let only = data(&expect(
        &mut e,
        "GET",
        &format!("/v1/webhook_deliveries?endpoint_id={}", s(&only_done, "id")),
        "",
        200,
    ));
    assert_eq!(only.len(), 1);
    assert_eq!(
        data(&expect(
            &mut e,
            "GET",
            "/v1/webhook_deliveries?limit=2",
            "",
            200
        ))
        .len(),
        2
    );
    for bad in [
        "limit=201",
        "status=failed",
        "endpoint_id=x",
        "call_id=1",
        "foo=1",
    ] {
        expect(
            &mut e,
            "GET",
            &format!("/v1/webhook_deliveries?{bad}"),
            "",
            400,
        );
    }
    let one = expect(
        &mut e,
        "GET",
        &format!("/v1/webhook_deliveries/{}", s(first, "id")),
        "",
        200,
    );
    assert_eq!(&one, first);
    assert_eq!(e.stats().webhooks_delivered, 9);
}

#[test]
fn retries_follow_the_schedule_then_exhaust() {
    let mut e = emu();
    let st = setup(&mut e);
    let cid = s(&dial(&mut e, &st.agent_id, "+15005550001"), "id").to_string(); // busy: 2 events
    let mut attempts: Vec<i64> = Vec::new();
    let t0 = e.now_ms();
    for _ in 0..200 {
        for w in e.take_outbox() {
            let ev = Value::parse(&w.body).unwrap();
            if s(&ev, "type") == "call.queued" {
                attempts.push(e.now_ms() - t0);
                e.report_delivery(&w.delivery_id, Err("connection refused".into()));
            } else {
                e.report_delivery(&w.delivery_id, Ok(204));
            }
        }
        e.advance(60_000);
        if e.next_due_ms().is_none() {
            break;
        }
        let next = e.next_due_ms().unwrap();
        e.advance(next - e.now_ms());
    }
    let secs: Vec<i64> = attempts.iter().map(|ms| ms / 1000).collect();
    assert_eq!(secs, [0, 60, 360, 2160, 9360, 27_360, 63_360, 149_760]);
    let d = data(&expect(
        &mut e,
        "GET",
        &format!("/v1/webhook_deliveries?call_id={cid}&status=exhausted"),
        "",
        200,
    ));
    assert_eq!(d.len(), 1);
    assert_eq!(n(&d[0], "attempt_count"), 8.0);
    assert_eq!(s(&d[0], "last_error"), "connection refused");
    assert_eq!(d[0].get("last_response_status"), Some(&Value::Null));
    let c = get_call(&mut e, &cid);
    assert_eq!(s(&c, "webhook_status"), "failed");
    assert_eq!(s(&c, "webhook_error"), "connection refused");
    // Redeliver: same event id, pending, one more attempt.
    let did = s(&d[0], "id").to_string();
    let v = expect(
        &mut e,
        "POST",
        &format!("/v1/webhook_deliveries/{did}/redeliver"),
        "",
        200,
    );
    assert_eq!(s(&v, "status"), "pending");
    assert_eq!(n(&v, "manual_retry_count"), 1.0);
    assert_eq!(s(&get_call(&mut e, &cid), "webhook_status"), "pending");
    let out = e.take_outbox();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].delivery_id, did);
    assert_eq!(hdr(&out[0], "CallingBox-Event-Id"), did);
    expect(
        &mut e,
        "POST",
        &format!("/v1/webhook_deliveries/{did}/redeliver"),
        "",
        409,
    );
    e.report_delivery(&did, Ok(200));
    let v = expect(
        &mut e,
        "GET",
        &format!("/v1/webhook_deliveries/{did}"),
        "",
        200,
    );
    assert_eq!(s(&v, "status"), "delivered");
    assert_eq!(n(&v, "attempt_count"), 9.0);
    assert_eq!(s(&get_call(&mut e, &cid), "webhook_status"), "delivered");
    expect(
        &mut e,
        "POST",
        "/v1/webhook_deliveries/0f8b7c2e-4d1a-4b9e-9c3f-2a6d8e1b5c74/redeliver",
        "",
        404,
    );
    assert_eq!(e.stats().webhooks_exhausted, 1);
}

#[test]
fn endpoints_auto_disable_after_ten_exhausted_and_re_enable() {
    let mut e = emu();
    let st = setup(&mut e);
    let ep = expect(
        &mut e,
        "POST",
        "/v1/webhook_endpoints",
        r#"{"url":"https://example.com/x","enabled_events":["call.busy"],"description":"CRM"}"#,
        201,
    );
    let eid = s(&ep, "id").to_string();
    e.set_balance_milli_cents(KEY, 100_000_000);
    for _ in 0..10 {
        dial(&mut e, &st.agent_id, "+15005550001");
    }
    e.advance(5_000);
    for _ in 0..10 {
        for w in e.take_outbox() {
            let code = if w.url == AGENT_URL { 200 } else { 500 };
            e.report_delivery(&w.delivery_id, Ok(code));
        }
        e.advance(2 * 86_400_000);
    }
    let v = expect(
        &mut e,
        "GET",
        &format!("/v1/webhook_endpoints/{eid}"),
        "",
        200,
    );
    assert_eq!(s(&v, "status"), "disabled");
    assert_eq!(s(&v, "disabled_reason"), "too_many_failures");
    assert_eq!(n(&v, "consecutive_failures"), 10.0);
    assert!(
        v.get("signing_secret").is_none(),
        "the secret is only shown on create/rotate"
    );
    assert_eq!(e.stats().endpoints_auto_disabled, 1);
    let d = data(&expect(
        &mut e,
        "GET",
        &format!("/v1/webhook_deliveries?endpoint_id={eid}&status=exhausted"),
        "",
        200,
    ));
    assert_eq!(d.len(), 10);
    assert_eq!(s(&d[0], "last_error"), "HTTP 500");
    assert_eq!(n(&d[0], "last_response_status"), 500.0);
    // Disabled endpoints get no new deliveries.
    dial(&mut e, &st.agent_id, "+15005550001");
    e.advance(5_000);
    assert_eq!(
        data(&expect(
            &mut e,
            "GET",
            &format!("/v1/webhook_deliveries?endpoint_id={eid}"),
            "",
            200
        ))
        .len(),
        10
    );
    let v = expect(
        &mut e,
        "PATCH",
        &format!("/v1/webhook_endpoints/{eid}"),
        r#"{"status":"enabled"}"#,
        200,
    );
    assert_eq!(s(&v, "status"), "enabled");
    assert_eq!(n(&v, "consecutive_failures"), 0.0);
    assert_eq!(v.get("disabled_reason"), Some(&Value::Null));
    let v = expect(
        &mut e,
        "PATCH",
        &format!("/v1/webhook_endpoints/{eid}"),
        r#"{"status":"disabled","description":null}"#,
        200,
    );
    assert_eq!(s(&v, "disabled_reason"), "manual");
    assert_eq!(v.get("description"), Some(&Value::Null));
}

#[test]
fn endpoint_crud_and_rotation() {
    let mut e = emu();
    let st = setup(&mut e);
    let ep = expect(
        &mut e,
        "POST",
        "/v1/webhook_endpoints",
        r#"{"url":"https://example.com/x"}"#,
        201,
    );
    let keys: Vec<&str> = ep
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "signing_secret",
            "id",
            "org_id",
            "url",
            "description",
            "enabled_events",
            "status",
            "disabled_reason",
            "disabled_at",
            "consecutive_failures",
            "created_at",
            "updated_at"
        ]
    );
    assert_eq!(ep.get("enabled_events").unwrap().to_json(), r#"["*"]"#);
    let eid = s(&ep, "id").to_string();
    let old = s(&ep, "signing_secret").to_string();
    assert!(old.starts_with("whsec_") && old.len() == 38);
    let listed = data(&expect(&mut e, "GET", "/v1/webhook_endpoints", "", 200));
    assert_eq!(listed.len(), 1);
    assert!(listed[0].get("signing_secret").is_none());
    let rotated = expect(
        &mut e,
        "POST",
        &format!("/v1/webhook_endpoints/{eid}/rotate_secret"),
        "",
        200,
    );
    let new = s(&rotated, "signing_secret").to_string();
    assert_ne!(new, old);
    // The old secret stops verifying at once.
    dial(&mut e, &st.agent_id, "+15551234567");
    let w = e
        .take_outbox()
        .into_iter()
        .find(|w| w.url == "https://example.com/x")
        .unwrap();
    let header = hdr(&w, "CallingBox-Signature").to_string();
    let any = webhook::UNLIMITED_TOLERANCE;
    assert!(webhook::verify(w.body.as_bytes(), &header, &new, any, 0).is_ok());
    let stale = webhook::verify(w.body.as_bytes(), &header, &old, any, 0);
    assert_eq!(stale.err().map(|e| e.code()), Some("no_matching_signature"));
    let v = expect(
        &mut e,
        "PATCH",
        &format!("/v1/webhook_endpoints/{eid}"),
        r#"{"url":"https://example.com/y","enabled_events":["call.failed"]}"#,
        200,
    );
    assert_eq!(s(&v, "url"), "https://example.com/y");
    for (body, needle) in [
        (r#"{"enabled_events":[]}"#, "must not be empty"),
        (
            r#"{"enabled_events":["call.exploded"]}"#,
            "enabled_events[0] must be",
        ),
        (r#"{"status":"paused"}"#, "status must be one of"),
        (r#"{"url":"not a url"}"#, "url must be an http"),
        (r#"{"signing_secret":"whsec_x"}"#, "unknown field"),
    ] {
        let v = expect(
            &mut e,
            "PATCH",
            &format!("/v1/webhook_endpoints/{eid}"),
            body,
            400,
        );
        assert!(err(&v).contains(needle), "{body}: {}", err(&v));
    }
    expect(
        &mut e,
        "POST",
        &format!("/v1/webhook_endpoints/{eid}/rotate_secret"),
        r#"{"x":1}"#,
        400,
    );
    expect(
        &mut e,
        "POST",
        &format!("/v1/webhook_endpoints/{eid}/rotate_secret"),
        "{}",
        200,
    );
    let v = expect(
        &mut e,
        "DELETE",
        &format!("/v1/webhook_endpoints/{eid}"),
        "",
        200,
    );
    assert_eq!(v.to_json(), format!(r#"{{"id":"{eid}","deleted":true}}"#));
    expect(
        &mut e,
        "GET",
        &format!("/v1/webhook_endpoints/{eid}"),
        "",
        404,
    );
    expect(
        &mut e,
        "DELETE",
        &format!("/v1/webhook_endpoints/{eid}"),
        "",
        404,
    );
    assert!(data(&expect(&mut e, "GET", "/v1/webhook_endpoints", "", 200)).is_empty());
    // In-flight delivery of the deleted endpoint can finish; pending ones are exhausted.
    e.report_delivery(&w.delivery_id, Err("timeout".into()));
    e.advance(120_000);
    let out = e.take_outbox();
    assert!(out.iter().all(|w| w.url == AGENT_URL));
    let d = expect(
        &mut e,
        "GET",
        &format!("/v1/webhook_deliveries/{}", w.delivery_id),
        "",
        200,
    );
    assert_eq!(s(&d, "status"), "exhausted");
    assert_eq!(s(&d, "last_error"), "endpoint deleted");
    expect(
        &mut e,
        "POST",
        &format!("/v1/webhook_deliveries/{}/redeliver", w.delivery_id),
        "",
        409,
    );
}

// ---------------------------------------------------------------------------------------
// Idempotency

#[test]
fn idempotent_replay_and_conflict() {
    let mut e = emu();
    let st = setup(&mut e);
    let body = format!(r#"{{"agent_id":"{}","to":"+15551234567"}}"#, st.agent_id);
    let post = |e: &mut Emulator, key: &str, body: &str, path: &str| {
        e.handle(&req_as(KEY, "POST", path, body).header("Idempotency-Key", key))
    };
    let first = post(&mut e, "k1", &body, "/v1/calls");
    assert_eq!(first.status, 201);
    assert_eq!(first.header("idempotent-replayed"), None);
    e.advance(30_000);
    let again = post(&mut e, "k1", &body, "/v1/calls");
    assert_eq!(
        (again.status, &again.body),
        (201, &first.body),
        "byte-for-byte, even after the call moved on"
    );
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_ne!(again.header("x-request-id"), first.header("x-request-id"));
    let other_body = body.replace("+15551234567", "+15551234568");
    let conflict = post(&mut e, "k1", &other_body, "/v1/calls");
    assert_eq!(conflict.status, 409);
    assert!(err(&conflict.json()).contains("Idempotency-Key"));
    assert_eq!(
        post(&mut e, "k1", "{}", "/v1/agents").status,
        409,
        "same key on another path"
    );
    // Keys are per organisation.
    let r = e.handle(
        &req_as(
            OTHER,
            "POST",
            "/v1/agents",
            r#"{"name":"x","type":"outbound"}"#,
        )
        .header("Idempotency-Key", "k1"),
    );
    assert_eq!(r.status, 201);
    // Errors (< 500) are replayed too, without re-running.
    let bad = post(&mut e, "k2", r#"{"agent_id":"nope"}"#, "/v1/calls");
    assert_eq!(bad.status, 400);
    assert_eq!(
        post(&mut e, "k2", r#"{"agent_id":"nope"}"#, "/v1/calls").body,
        bad.body
    );
    for key in ["", &"x".repeat(256), "a b", "ключ"] {
        assert_eq!(post(&mut e, key, &body, "/v1/calls").status, 400, "{key:?}");
    }
    // GETs ignore the header.
    let r = e.handle(&req_as(KEY, "GET", "/v1/calls", "").header("Idempotency-Key", "k1"));
    assert_eq!(r.status, 200);
    let st2 = e.stats();
    assert_eq!(st2.calls_placed, 1);
    assert_eq!(st2.idempotent_replays, 2);
    assert_eq!(st2.idempotency_conflicts, 2);
    assert_eq!(data(&expect(&mut e, "GET", "/v1/calls", "", 200)).len(), 1);
}

// ---------------------------------------------------------------------------------------
// Faults

#[test]
fn drop_after_processing_then_retry_places_exactly_one_call() {
    let mut e = emu();
    let st = setup(&mut e);
    e.set_faults(Faults {
        method: Some("POST".into()),
        path_prefix: Some("/v1/calls".into()),
        ..Faults::default()
    });
    e.queue_fault(FaultKind::DropAfterProcessing);
    e.queue_fault(FaultKind::DelayAfterProcessing);
    e.queue_fault(FaultKind::RateLimited);
    e.queue_fault(FaultKind::Unavailable);
    let body = format!(r#"{{"agent_id":"{}","to":"+15551234567"}}"#, st.agent_id);
    let req = req_as(KEY, "POST", "/v1/calls", &body).header("Idempotency-Key", "logical-1");
    // Not in scope: no fault consumed.
    assert_eq!(send(&mut e, "GET", "/v1/calls", "").fault, None);
    let r1 = e.handle(&req);
    assert_eq!((r1.status, r1.fault), (201, Some(Fault::Drop)));
    let r2 = e.handle(&req);
    assert_eq!(
        (r2.status, r2.fault),
        (201, Some(Fault::Delay { ms: 30_000 }))
    );
    assert_eq!(r2.body, r1.body);
    let r3 = e.handle(&req);
    assert_eq!(r3.status, 429);
    assert_eq!(r3.header("retry-after"), Some("1"));
    let r4 = e.handle(&req);
    assert_eq!(r4.status, 503);
    let r5 = e.handle(&req);
    assert_eq!((r5.status, r5.fault), (201, None));
    assert_eq!(r5.body, r1.body);
    let st2 = e.stats();
    assert_eq!(st2.calls_placed, 1);
    assert_eq!(st2.idempotent_replays, 2);
    assert_eq!(
        (
            st2.faults_dropped,
            st2.faults_delayed,
            st2.faults_429,
            st2.faults_503
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(data(&expect(&mut e, "GET", "/v1/calls", "", 200)).len(), 1);
    // Without a key the retry after a drop places a second call — the bug keys prevent.
    e.queue_fault(FaultKind::DropAfterProcessing);
    let plain = req_as(KEY, "POST", "/v1/calls", &body);
    assert_eq!(e.handle(&plain).fault, Some(Fault::Drop));
    e.handle(&plain);
    assert_eq!(e.stats().calls_placed, 3);
}

#[test]
fn rate_limited_and_unavailable_requests_change_nothing() {
    let mut e = emu();
    let st = setup(&mut e);
    let before = snapshot(&mut e, KEY);
    e.set_faults(Faults {
        rate_429: 0.5,
        rate_503: 0.5,
        retry_after_secs: 7,
        latency_ms: 250,
        ..Faults::default()
    });
    let body = format!(r#"{{"agent_id":"{}","to":"+15551234567"}}"#, st.agent_id);
    for _ in 0..20 {
        let r = send(&mut e, "POST", "/v1/calls", &body);
        assert!(matches!(r.status, 429 | 503), "{}", r.status);
        assert_eq!(r.latency_ms, 250);
        if r.status == 429 {
            assert_eq!(r.header("retry-after"), Some("7"));
        }
        assert!(r.header("x-request-id").is_some());
        // Preflights are never faulted.
        let p = e.handle(&Request::new("OPTIONS", "/v1/calls", ""));
        assert_eq!((p.status, p.latency_ms, p.fault), (204, 0, None));
    }
    let stats = e.stats();
    assert_eq!(stats.faults_429 + stats.faults_503, 20);
    assert!(stats.faults_429 > 0 && stats.faults_503 > 0);
    e.set_faults(Faults::default());
    assert_eq!(snapshot(&mut e, KEY), before);
    assert_eq!(e.stats().calls_placed, 0);
}

#[test]
fn fault_rolls_are_deterministic_per_seed() {
    let run = |seed: u64| {
        let mut e = Emulator::new(Config {
            seed,
            faults: Faults {
                rate_429: 0.2,
                rate_503: 0.1,
                rate_drop_after_processing: 0.2,
                rate_delay_after_processing: 0.1,
                ..Faults::default()
            },
            ..Config::default()
        });
        (0..200)
            .map(|_| {
                let r = send(&mut e, "GET", "/v1/agents", "");
                (r.status, r.fault)
            })
            .collect::<Vec<_>>()
    };
    let a = run(1);
    assert_eq!(a, run(1));
    assert_ne!(a, run(2));
    let count = |st: u16| a.iter().filter(|(s, _)| *s == st).count();
    let drops = a.iter().filter(|(_, f)| *f == Some(Fault::Drop)).count();
    assert!((20..60).contains(&count(429)), "{}", count(429));
    assert!((5..40).contains(&count(503)), "{}", count(503));
    assert!((15..60).contains(&drops), "{drops}");
}

#[test]
fn whole_sessions_are_deterministic() {
    let run = || {
        let mut e = Emulator::new(Config {
            seed: 42,
            ..Config::default()
        });
        let st = setup(&mut e);
        let mut log = String::new();
        for to in ["+15551234567", "+15005550003", "+15005550004"] {
            log.push_str(&dial(&mut e, &st.agent_id, to).to_json());
        }
        for _ in 0..50 {
            e.advance(5_000);
            for w in e.take_outbox() {
                log.push_str(&format!("{:?}", w));
                e.report_delivery(&w.delivery_id, Ok(200));
            }
        }
        log + &snapshot(&mut e, KEY) + &e.stats().to_json()
    };
    assert_eq!(run(), run());
}

// ---------------------------------------------------------------------------------------
// Strictness: every malformed request class on every mutating endpoint changes nothing

#[test]
fn malformed_requests_never_change_state() {
    let mut e = emu();
    let st = setup(&mut e);
    let call = dial(&mut e, &st.agent_id, "+15005550001");
    e.advance(60_000);
    let ep = expect(
        &mut e,
        "POST",
        "/v1/webhook_endpoints",
        r#"{"url":"https://example.com/x"}"#,
        201,
    );
    let eid = s(&ep, "id").to_string();
    let did = s(
        &data(&expect(&mut e, "GET", "/v1/webhook_deliveries", "", 200))[0],
        "id",
    )
    .to_string();
    let (a, nid) = (st.agent_id.clone(), st.number_id.clone());
    let before = snapshot(&mut e, KEY);
    // The internal state too: secrets, idempotency records, the id generator's position.
    let internal = |e: &Emulator| format!("{:?}{:?}{}", e.orgs, e.env.ids, e.env.owned.join(","));
    let internal_before = internal(&e);
    let stats_before = e.stats();

    let endpoints: Vec<(&str, String, bool)> = vec![
        // (method, path, takes a body with fields) — every mutating endpoint
        ("POST", "/v1/numbers/purchase".into(), true),
        ("POST", "/v1/agents".into(), true),
        ("PATCH", format!("/v1/agents/{a}"), true),
        ("DELETE", format!("/v1/agents/{a}"), false),
        ("POST", format!("/v1/agents/{a}/numbers"), true),
        ("DELETE", format!("/v1/agents/{a}/numbers/{nid}"), false),
        ("PUT", format!("/v1/agents/{a}/primary-number"), true),
        ("POST", "/v1/calls".into(), true),
        ("POST", "/v1/webhook_endpoints".into(), true),
        ("PATCH", format!("/v1/webhook_endpoints/{eid}"), true),
        ("DELETE", format!("/v1/webhook_endpoints/{eid}"), false),
        (
            "POST",
            format!("/v1/webhook_endpoints/{eid}/rotate_secret"),
            false,
        ),
        (
            "POST",
            format!("/v1/webhook_deliveries/{did}/redeliver"),
            false,
        ),
    ];
    // (label, body, content-type, authorization)
    let classes: &[(&str, &str, Option<&str>, Option<&str>)] = &[
        ("invalid JSON", "{\"a\":", Some("application/json"), None),
        ("trailing garbage", "{} x", Some("application/json"), None),
        ("array body", "[1,2]", Some("application/json"), None),
        ("string body", "\"hello\"", Some("application/json"), None),
        ("number body", "42", Some("application/json"), None),
        ("null body", "null", Some("application/json"), None),
        (
            "unknown field",
            r#"{"definitely_not_a_field":1}"#,
            Some("application/json"),
            None,
        ),
        (
            "duplicate keys",
            r#"{"x":1,"x":2}"#,
            Some("application/json"),
            None,
        ),
        ("wrong content type", "{}", Some("text/plain"), None),
        ("missing content type", "{}", None, None),
        ("missing auth", "{}", Some("application/json"), Some("")),
        (
            "bad key",
            "{}",
            Some("application/json"),
            Some("Bearer sk_bad"),
        ),
        (
            "deep nesting",
            &format!("{}{}", "[".repeat(200), "]".repeat(200)),
            Some("application/json"),
            None,
        ),
        ("bad query", "", None, None),
    ];
    for (m, p, _) in &endpoints {
        for (label, body, ct, auth) in classes {
            let path = if *label == "bad query" {
                format!("{p}?unexpected=1")
            } else {
                p.clone()
            };
            let mut r = Request::new(m, &path, body);
            match auth {
                Some("") => {}
                Some(v) => r = r.header("Authorization", v),
                None => r = r.header("Authorization", &format!("Bearer {KEY}")),
            }
            if let Some(ct) = ct {
                r = r.header("Content-Type", ct);
            }
            let resp = e.handle(&r);
            let want = if auth.is_some() { 401 } else { 400 };
            assert_eq!(resp.status, want, "{m} {p} [{label}] → {}", resp.body);
            assert!(!err(&resp.json()).is_empty());
        }
    }
    // Field-level classes on the endpoints with fields.
    let field_cases: &[(&str, &str, &str)] = &[
        ("/v1/numbers/purchase", "POST", r#"{"phone_number":true}"#),
        ("/v1/numbers/purchase", "POST", r#"{"phone_number":null}"#),
        ("/v1/numbers/purchase", "POST", r#"{}"#),
        ("/v1/agents", "POST", r#"{"name":"x","type":"sideways"}"#),
        (
            "/v1/agents",
            "POST",
            r#"{"name":"x","type":"outbound","returns":{"a":"date"}}"#,
        ),
        (
            "/v1/agents",
            "POST",
            r#"{"name":"x","type":"outbound","number_ids":[1]}"#,
        ),
        ("/v1/calls", "POST", r#"{"agent_id":1,"to":"+15551234567"}"#),
        ("/v1/calls", "POST", r#"{"to":"+15551234567"}"#),
        (
            "/v1/webhook_endpoints",
            "POST",
            r#"{"url":"https://x.y","enabled_events":"*"}"#,
        ),
        ("/v1/webhook_endpoints", "POST", r#"{"description":"x"}"#),
    ];
    for (p, m, body) in field_cases {
        assert!(expect(&mut e, m, p, body, 400).get("error").is_some());
    }
    let a_path = format!("/v1/agents/{a}");
    for body in [
        r#"{"type":"inbound"}"#,
        r#"{"name":1}"#,
        r#"{"tools":[{}]}"#,
        r#"{"language":"x"}"#,
        r#"{"number_ids":["not-a-uuid"]}"#,
    ] {
        expect(&mut e, "PATCH", &a_path, body, 400);
    }
    for body in [
        r#"{"number_id":"x"}"#,
        r#"{"number_id":null}"#,
        r#"{"set_as_primary":true}"#,
    ] {
        expect(&mut e, "POST", &format!("{a_path}/numbers"), body, 400);
    }
    expect(
        &mut e,
        "PUT",
        &format!("{a_path}/primary-number"),
        r#"{"number_id":5}"#,
        400,
    );
    for body in [r#"{"status":"on"}"#, r#"{"url":5}"#] {
        expect(
            &mut e,
            "PATCH",
            &format!("/v1/webhook_endpoints/{eid}"),
            body,
            400,
        );
    }
    // Bodies on GET/DELETE.
    expect(&mut e, "GET", "/v1/calls", "{}", 400);
    expect(&mut e, "DELETE", &a_path, "{}", 400);
    assert_eq!(
        internal(&e),
        internal_before,
        "state changed by a malformed request"
    );
    assert_eq!(
        snapshot(&mut e, KEY),
        before,
        "state changed by a malformed request"
    );
    let after = e.stats();
    assert_eq!(after.calls_placed, stats_before.calls_placed);
    assert_eq!(after.numbers_purchased, stats_before.numbers_purchased);
    assert_eq!(s(&get_call(&mut e, s(&call, "id")), "status"), "busy");
}

#[test]
fn never_panics_on_odd_input() {
    let mut e = emu();
    let st = setup(&mut e);
    let long = "9".repeat(400);
    let odd_paths = [
        "",
        "/",
        "?",
        "/v1",
        "/v1/",
        "/v1/calls?&&&",
        "/v1/calls?=",
        "/v1/calls?limit=%",
        "/v1/calls?limit=%F0%9F",
        "/v1/agents/😀",
        "/v1/agents/😀/numbers/😀",
        "http://",
        "https://x",
        "/v1/calls#frag",
        "/v1/calls?limit=99999999999",
    ];
    for p in odd_paths {
        for m in ["GET", "POST", "PATCH", "PUT", "DELETE", "get", ""] {
            for body in ["", "{}", "\u{0}", "{\"to\":\"\u{fffd}\"}", long.as_str()] {
                let r =
                    e.handle(&req_as(KEY, m, p, body).header("Content-Type", "application/json"));
                assert!(r.status >= 200 && r.status < 600);
            }
        }
    }
    let odd_numbers = [
        "+",
        "+1",
        "+1555",
        "+1555123456789012",
        "+1５５５1234567",
        "+10000000000",
        "+1555123456７",
    ];
    for to in odd_numbers {
        let body = format!(r#"{{"agent_id":"{}","to":"{to}"}}"#, st.agent_id);
        assert_eq!(send(&mut e, "POST", "/v1/calls", &body).status, 400, "{to}");
    }
    e.advance(-5);
    e.advance(i64::MAX);
    assert!(!e.report_delivery("nope", Ok(200)));
    assert_eq!(send(&mut e, "GET", "/v1/calls", "").status, 200);
}

#[test]
fn stats_json_and_test_numbers_table() {
    let e = emu();
    let j = Value::parse(&e.stats().to_json()).unwrap();
    assert_eq!(j.as_object().unwrap().len(), 20);
    assert_eq!(n(&j, "calls_placed"), 0.0);
    for (num, outcome, desc) in TEST_NUMBERS {
        assert!(
            callingbox_core::e164::is_canonical(num) && check::is_us_number(num),
            "{num}"
        );
        assert!(!outcome.is_empty() && !desc.is_empty());
    }
    assert_eq!(model::charge(152), 12_667);
    assert_eq!(HOLD_MILLI_CENTS, 50_000);
}

/// The emulator's objects have exactly the fields, in the same order and with the same
/// JSON types, as the example objects in `tests/fixtures/` that the client decodes
/// (plus `answered_by` on calls, which the API documentation mentions in prose only).
#[test]
fn objects_match_the_shared_fixtures() {
    fn same_shape(name: &str, ours: &Value, fixture: &Value) {
        let (Some(o), Some(f)) = (ours.as_object(), fixture.as_object()) else {
            panic!("{name}: not objects");
        };
        let ok: Vec<&str> = o
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| *k != "answered_by")
            .collect();
        let fk: Vec<&str> = f.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(ok, fk, "{name}: field names/order");
        for (k, fv) in f {
            let ov = ours.get(k).unwrap();
            if !fv.is_null() && !ov.is_null() {
                assert_eq!(ov.type_name(), fv.type_name(), "{name}.{k}");
            }
        }
    }
    let fixture = |text: &str| Value::parse(text).unwrap();
    let mut e = emu();
    let st = setup(&mut e);
    expect(
        &mut e,
        "PATCH",
        &format!("/v1/agents/{}", st.agent_id),
        r#"{"persona":"p","voice":"alloy","language":"en-US","tools":[{"type":"builtin","name":"end_call","description":"d","policy":"read","builtin":"end_call","parameters":{}}]}"#,
        200,
    );
    let agent = expect(
        &mut e,
        "GET",
        &format!("/v1/agents/{}", st.agent_id),
        "",
        200,
    );
    same_shape(
        "agent",
        &agent,
        &fixture(include_str!("../../../tests/fixtures/agent.json")),
    );
    let num = &data(&expect(&mut e, "GET", "/v1/numbers", "", 200))[0];
    same_shape(
        "phone_number",
        num,
        &fixture(include_str!("../../../tests/fixtures/phone_number.json")),
    );
    let avail = &items(&expect(
        &mut e,
        "GET",
        "/v1/numbers/available?limit=1",
        "",
        200,
    ))[0];
    same_shape(
        "available_number",
        avail,
        &fixture(include_str!(
            "../../../tests/fixtures/available_number.json"
        )),
    );
    let body = format!(
        r#"{{"agent_id":"{}","to":"+15551234567","context":{{"a":"b"}},"metadata":{{"m":"1"}}}}"#,
        st.agent_id
    );
    let id = s(&expect(&mut e, "POST", "/v1/calls", &body, 201), "id").to_string();
    let ep = expect(
        &mut e,
        "POST",
        "/v1/webhook_endpoints",
        r#"{"url":"https://example.com/x","description":"d","enabled_events":["call.completed"]}"#,
        201,
    );
    same_shape(
        "webhook_endpoint",
        &ep,
        &fixture(include_str!(
            "../../../tests/fixtures/webhook_endpoint.json"
        )),
    );
    e.advance(200_000);
    for w in e.take_outbox() {
        e.report_delivery(&w.delivery_id, Ok(200));
    }
    let call = get_call(&mut e, &id);
    same_shape(
        "call",
        &call,
        &fixture(include_str!("../../../tests/fixtures/call.json")),
    );
    let t = expect(
        &mut e,
        "GET",
        &format!("/v1/calls/{id}/transcript"),
        "",
        200,
    );
    let tf = fixture(include_str!("../../../tests/fixtures/transcript.json"));
    same_shape("transcript", &t, &tf);
    let seg = |v: &Value| v.get("segments").and_then(Value::as_array).unwrap()[0].clone();
    same_shape("segment", &seg(&t), &seg(&tf));
    let d = &data(&expect(
        &mut e,
        "GET",
        "/v1/webhook_deliveries?limit=1",
        "",
        200,
    ))[0];
    same_shape(
        "webhook_delivery",
        d,
        &fixture(include_str!(
            "../../../tests/fixtures/webhook_delivery.json"
        )),
    );
    let calls = expect(&mut e, "GET", "/v1/calls", "", 200);
    let keys: Vec<&str> = calls
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(keys, ["data", "has_more"]);
    let er = expect(&mut e, "GET", "/v1/calls/nope", "", 404);
    same_shape(
        "error",
        &er,
        &fixture(include_str!("../../../tests/fixtures/error.json")),
    );
}
