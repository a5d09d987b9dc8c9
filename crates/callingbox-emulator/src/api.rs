//! The HTTP layer: CORS, faults, auth, routing, idempotency, validation, then one handler
//! per endpoint. Handlers run only on validated input and check every reference before
//! they mutate anything.

use super::check::{check_object, check_query, lowercase_ids, BodySpec, Query};
use super::conversation::{extract, script};
use super::lifecycle::{self, outcome_for, plan, Outcome, MAX_ATTEMPTS};
use super::model::{
    self, inventory, lookup_inventory, Agent, Call, Endpoint, Idem, Number, Org, AGENT_SETTINGS,
};
use super::routes::{route, Operation, Routed};
use super::util::{is_uuid, money, obj};
use super::{
    is_valid_api_key, Emulator, Env, Fault, FaultKind, OutgoingWebhook, Request, Response,
};
use callingbox_core::json::Value;

const MAX_BODY: usize = 1 << 20;
const DEFAULT_PERSONA: &str = "You are a friendly, concise phone assistant.";

/// A handler's answer: `(status, body)` or `(status, error message)`.
type Out = Result<(u16, Value), (u16, String)>;

fn fail<T>(status: u16, msg: impl Into<String>) -> Result<T, (u16, String)> {
    Err((status, msg.into()))
}

fn not_found<T>(what: &str, id: &str) -> Result<T, (u16, String)> {
    fail(404, format!("{what} {id} not found"))
}

struct Reply {
    status: u16,
    body: String,
    headers: Vec<(String, String)>,
}

impl Reply {
    fn error(status: u16, msg: &str) -> Reply {
        Reply {
            status,
            body: obj(vec![("error", msg.into())]).to_json(),
            headers: Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Pipeline

pub(super) fn handle(emu: &mut Emulator, req: &Request) -> Response {
    emu.request_seq += 1;
    emu.env.stats.requests += 1;
    let request_id = format!("req_{:012}", emu.request_seq);
    let method = req.method.to_ascii_uppercase();
    let (path, query) = split_target(&req.path_and_query);
    let mut headers = vec![
        ("X-Request-Id".to_string(), request_id),
        ("Access-Control-Allow-Origin".into(), "*".into()),
        (
            "Access-Control-Allow-Headers".into(),
            "authorization, content-type, idempotency-key".into(),
        ),
        (
            "Access-Control-Expose-Headers".into(),
            "x-request-id, retry-after".into(),
        ),
    ];
    if method == "OPTIONS" {
        emu.env.stats.preflights += 1;
        emu.env.stats.responses_2xx += 1;
        headers.push((
            "Access-Control-Allow-Methods".into(),
            "GET, POST, PUT, PATCH, DELETE, OPTIONS".into(),
        ));
        headers.push(("Access-Control-Max-Age".into(), "86400".into()));
        return Response {
            status: 204,
            headers,
            body: String::new(),
            fault: None,
            latency_ms: 0,
        };
    }

    let faults = &emu.config.faults;
    let in_scope = faults
        .method
        .as_deref()
        .is_none_or(|m| m.eq_ignore_ascii_case(&method))
        && faults
            .path_prefix
            .as_deref()
            .is_none_or(|p| path.starts_with(p));
    let (pre, post) = if in_scope {
        roll_faults(emu)
    } else {
        (None, None)
    };
    let latency_ms = if in_scope {
        emu.config.faults.latency_ms
    } else {
        0
    };

    let reply = match pre {
        Some(FaultKind::RateLimited) => {
            emu.env.stats.faults_429 += 1;
            let secs = emu.config.faults.retry_after_secs;
            let mut r = Reply::error(
                429,
                &format!("rate limited (emulated fault): retry after {secs} s"),
            );
            r.headers.push(("Retry-After".into(), secs.to_string()));
            r
        }
        Some(_) => {
            emu.env.stats.faults_503 += 1;
            Reply::error(503, "service temporarily unavailable (emulated fault)")
        }
        None => process(emu, &method, path, query, req),
    };
    let stats = &mut emu.env.stats;
    match reply.status {
        200..=299 => stats.responses_2xx += 1,
        400..=499 => stats.responses_4xx += 1,
        _ => stats.responses_5xx += 1,
    }
    let fault = match post {
        Some(FaultKind::DropAfterProcessing) => {
            stats.faults_dropped += 1;
            Some(Fault::Drop)
        }
        Some(FaultKind::DelayAfterProcessing) => {
            stats.faults_delayed += 1;
            Some(Fault::Delay {
                ms: emu.config.faults.delay_after_processing_ms,
            })
        }
        _ => None,
    };
    headers.push(("Content-Type".into(), "application/json".into()));
    headers.extend(reply.headers);
    Response {
        status: reply.status,
        headers,
        body: reply.body,
        fault,
        latency_ms,
    }
}

/// Two draws per in-scope request whatever happens, so the fault pattern depends only on
/// the seed and the number of in-scope requests.
fn roll_faults(emu: &mut Emulator) -> (Option<FaultKind>, Option<FaultKind>) {
    let (r1, r2) = (emu.fault_rng.unit(), emu.fault_rng.unit());
    if let Some(k) = emu.queued_faults.pop_front() {
        return match k {
            FaultKind::RateLimited | FaultKind::Unavailable => (Some(k), None),
            _ => (None, Some(k)),
        };
    }
    let f = &emu.config.faults;
    let pre = if r1 < f.rate_429 {
        Some(FaultKind::RateLimited)
    } else if r1 < f.rate_429 + f.rate_503 {
        Some(FaultKind::Unavailable)
    } else {
        None
    };
    let post = if pre.is_some() {
        None
    } else if r2 < f.rate_drop_after_processing {
        Some(FaultKind::DropAfterProcessing)
    } else if r2 < f.rate_drop_after_processing + f.rate_delay_after_processing {
        Some(FaultKind::DelayAfterProcessing)
    } else {
        None
    };
    (pre, post)
}

/// `http://host/v1/x?q#f` → (`/v1/x`, `q`).
fn split_target(target: &str) -> (&str, &str) {
    let mut t = target;
    for scheme in ["http://", "https://"] {
        if let Some(rest) = t.strip_prefix(scheme) {
            t = rest.find('/').and_then(|i| rest.get(i..)).unwrap_or("/");
        }
    }
    let t = t.split('#').next().unwrap_or("");
    t.split_once('?').unwrap_or((t, ""))
}

fn auth(req: &Request) -> Result<&str, &'static str> {
    let h = req
        .get_header("authorization")
        .ok_or("missing Authorization header: send Authorization: Bearer sk_...")?;
    let key = match h.split_once(' ') {
        Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") => key,
        _ => return Err("the Authorization header must be \"Bearer <API key>\""),
    };
    if is_valid_api_key(key) {
        Ok(key)
    } else {
        Err("invalid API key: keys are sk_ followed by at least 8 letters, digits or underscores")
    }
}

fn process(emu: &mut Emulator, method: &str, path: &str, query: &str, req: &Request) -> Reply {
    let key = match auth(req) {
        Ok(k) => k,
        Err(msg) => return Reply::error(401, msg),
    };
    // UUIDs are case-insensitive; the ids the API hands out are lowercase.
    let path = &path
        .split('/')
        .map(|seg| {
            if is_uuid(seg) {
                seg.to_ascii_lowercase()
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    let operation = match route(method, path) {
        Routed::Operation(operation) => operation,
        Routed::NotFound => return Reply::error(404, &format!("route {method} {path} not found")),
        Routed::MethodNotAllowed(allowed) => {
            let mut r = Reply::error(
                405,
                &format!(
                    "method {method} not allowed on {path} (allowed: {})",
                    allowed.join(", ")
                ),
            );
            r.headers.push(("Allow".into(), allowed.join(", ")));
            return r;
        }
    };
    let oi = emu.org_index(key);

    let idem_key = if method == "POST" {
        req.get_header("idempotency-key")
    } else {
        None
    };
    if let Some(k) = idem_key {
        if k.is_empty() || k.len() > 255 || !k.bytes().all(|b| b.is_ascii_graphic()) {
            return Reply::error(
                400,
                "Idempotency-Key must be 1-255 visible ASCII characters",
            );
        }
        if let Some(prev) = emu
            .orgs
            .get(oi)
            .and_then(|o| o.idem.iter().find(|i| i.key == k))
        {
            if prev.method == method && prev.path == req.path_and_query && prev.body == req.body {
                emu.env.stats.idempotent_replays += 1;
                return Reply {
                    status: prev.status,
                    body: prev.response.clone(),
                    headers: vec![("Idempotent-Replayed".into(), "true".into())],
                };
            }
            emu.env.stats.idempotency_conflicts += 1;
            return Reply::error(
                409,
                &format!("Idempotency-Key {k:?} was already used for a different request (method, path or body differ); use a new key for a new request"),
            );
        }
    }

    let (qspec, bspec) = (operation.query(), operation.body());
    let result = check_query(query, qspec)
        .map_err(|m| (400, m))
        .and_then(|q| {
            Ok((
                q,
                parse_body(req, method, path, bspec).map_err(|m| (400, m))?,
            ))
        })
        .and_then(|(q, body)| {
            let Emulator { env, orgs, .. } = emu;
            match orgs.get_mut(oi) {
                Some(org) => dispatch(org, env, operation, &q, &body),
                None => fail(500, "internal error: organisation missing"),
            }
        });
    let reply = match result {
        Ok((status, v)) => Reply {
            status,
            body: v.to_json(),
            headers: Vec::new(),
        },
        Err((status, msg)) => Reply::error(status, &msg),
    };
    if let (Some(k), Some(org)) = (idem_key, emu.orgs.get_mut(oi)) {
        if reply.status < 500 {
            org.idem.push(Idem {
                key: k.to_string(),
                method: method.to_string(),
                path: req.path_and_query.clone(),
                body: req.body.clone(),
                status: reply.status,
                response: reply.body.clone(),
            });
        }
    }
    reply
}

fn parse_body(
    req: &Request,
    method: &str,
    path: &str,
    spec: Option<BodySpec>,
) -> Result<Value, String> {
    let text = req.body.as_str();
    let Some(spec) = spec else {
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        return Err(format!("{method} {path} takes no request body"));
    };
    if text.trim().is_empty() {
        if spec.fields.is_empty() {
            return Ok(Value::Object(Vec::new()));
        }
        return Err("the request body is empty: expected a JSON object".into());
    }
    if text.len() > MAX_BODY {
        return Err(format!("the request body is larger than {MAX_BODY} bytes"));
    }
    let ct = req.get_header("content-type").unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("application/json") {
        return Err(format!("Content-Type must be application/json, got {ct:?}"));
    }
    let v = Value::parse(text).map_err(|e| format!("the request body is not valid JSON: {e}"))?;
    check_object(&v, spec.fields, spec.refused, "")?;
    Ok(lowercase_ids(v, spec.fields))
}

fn dispatch(org: &mut Org, env: &mut Env, operation: Operation, q: &Query, b: &Value) -> Out {
    match operation {
        Operation::NumbersList => {
            let v: Vec<&Number> = org.numbers.iter().collect();
            page(&v, |n| &n.id, q, |n| org.number_value(n), "number")
        }
        Operation::NumbersSearchAvailable => available(env, q),
        Operation::NumbersPurchase => purchase(org, env, b),
        Operation::AgentsList => {
            let want = q.get("type");
            let data = org
                .agents
                .iter()
                .rev()
                .filter(|a| want.is_none_or(|t| t == a.kind()))
                .map(|a| org.agent_value(a))
                .collect();
            Ok((200, obj(vec![("data", Value::Array(data))])))
        }
        Operation::AgentsCreate => create_agent(org, env, b),
        Operation::AgentsRetrieve { id } => Ok((200, org.agent_value(find_agent(org, id)?))),
        Operation::AgentsUpdate { id } => update_agent(org, env, id, b),
        Operation::AgentsArchive { id } => {
            let now = env.now;
            let a = live_or_archived(org, id)?;
            if a.archived_at.is_none() {
                a.archived_at = Some(now);
                a.updated_at = now;
                a.number_ids.clear();
                a.primary = None;
            }
            Ok((200, org.agent_value(find_agent(org, id)?)))
        }
        Operation::AgentsAttachNumber { id } => {
            let nid = text(b, "number_id");
            let agent = live_agent(org, id)?;
            let inbound = agent.inbound;
            owned_number(org, &nid)?;
            inbound_free(org, inbound, &nid, id)?;
            let primary = b.get("set_as_primary").and_then(Value::as_bool) == Some(true);
            let now = env.now;
            let a = live_agent(org, id)?;
            if !a.number_ids.contains(&nid) {
                a.number_ids.push(nid.clone());
            }
            if primary {
                a.primary = Some(nid);
            }
            a.updated_at = now;
            Ok((200, org.agent_value(find_agent(org, id)?)))
        }
        Operation::AgentsDetachNumber { id, number_id: nid } => {
            live_agent(org, id)?;
            owned_number(org, nid)?;
            let now = env.now;
            let a = live_agent(org, id)?;
            if !a.number_ids.iter().any(|n| n == nid) {
                return fail(400, format!("number {nid} is not attached to agent {id}"));
            }
            a.number_ids.retain(|n| n != nid);
            if a.primary.as_deref() == Some(nid) {
                a.primary = None;
            }
            a.updated_at = now;
            Ok((200, org.agent_value(find_agent(org, id)?)))
        }
        Operation::AgentsSetPrimaryNumber { id } => {
            let nid = text(b, "number_id");
            live_agent(org, id)?;
            owned_number(org, &nid)?;
            let now = env.now;
            let a = live_agent(org, id)?;
            if !a.number_ids.contains(&nid) {
                return fail(400, format!("number {nid} is not attached to agent {id}: attach it first (POST /v1/agents/{id}/numbers)"));
            }
            a.primary = Some(nid);
            a.updated_at = now;
            Ok((200, org.agent_value(find_agent(org, id)?)))
        }
        Operation::CallsCreate => create_call(org, env, b),
        Operation::CallsList => {
            let v: Vec<&model::Call> = org.calls.iter().collect();
            page(&v, |c| &c.id, q, model::Call::to_value, "call")
        }
        Operation::CallsRetrieve { id } => Ok((200, find_call(org, id)?.to_value())),
        Operation::CallsGetTranscript { id } => {
            Ok((200, find_call(org, id)?.transcript_value(env.now)))
        }
        Operation::WebhookEndpointsList => {
            let data = org
                .endpoints
                .iter()
                .rev()
                .filter(|e| !e.deleted)
                .map(|e| e.to_value(&org.id, false))
                .collect();
            Ok((200, obj(vec![("data", Value::Array(data))])))
        }
        Operation::WebhookEndpointsCreate => {
            let e = model::Endpoint {
                id: env.ids.uuid(),
                url: text(b, "url"),
                description: b
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                events: b
                    .get("enabled_events")
                    .map_or_else(|| vec!["*".to_string()], strings),
                enabled: true,
                disabled_reason: None,
                disabled_at: None,
                consecutive_failures: 0,
                secret: format!("whsec_{}", env.ids.hex(2)),
                created_at: env.now,
                updated_at: env.now,
                deleted: false,
            };
            let v = e.to_value(&org.id, true);
            org.endpoints.push(e);
            Ok((201, v))
        }
        Operation::WebhookEndpointsRetrieve { id } => Ok((
            200,
            find_endpoint(&mut org.endpoints, id)?.to_value(&org.id, false),
        )),
        Operation::WebhookEndpointsUpdate { id } => {
            let now = env.now;
            let e = find_endpoint(&mut org.endpoints, id)?;
            if let Some(u) = b.get("url").and_then(Value::as_str) {
                e.url = u.to_string();
            }
            if let Some(d) = b.get("description") {
                e.description = d.as_str().map(str::to_string);
            }
            if let Some(ev) = b.get("enabled_events") {
                e.events = strings(ev);
            }
            match b.get("status").and_then(Value::as_str) {
                Some("enabled") => {
                    e.enabled = true;
                    e.consecutive_failures = 0;
                    e.disabled_reason = None;
                    e.disabled_at = None;
                }
                Some(_) if e.enabled => {
                    e.enabled = false;
                    e.disabled_reason = Some("manual");
                    e.disabled_at = Some(now);
                }
                _ => {}
            }
            e.updated_at = now;
            Ok((200, e.to_value(&org.id, false)))
        }
        Operation::WebhookEndpointsDelete { id } => {
            let e = find_endpoint(&mut org.endpoints, id)?;
            e.deleted = true;
            e.updated_at = env.now;
            Ok((
                200,
                obj(vec![("id", e.id.as_str().into()), ("deleted", true.into())]),
            ))
        }
        Operation::WebhookEndpointsRotateSecret { id } => {
            let secret = format!("whsec_{}", env.ids.hex(2));
            let now = env.now;
            let e = find_endpoint(&mut org.endpoints, id)?;
            e.secret = secret;
            e.updated_at = now;
            Ok((200, e.to_value(&org.id, true)))
        }
        Operation::WebhookDeliveriesList => {
            let f = |k: &str| q.get(k);
            let data = org
                .deliveries
                .iter()
                .rev()
                .filter(|d| f("endpoint_id").is_none_or(|e| d.endpoint_id.as_deref() == Some(e)))
                .filter(|d| f("call_id").is_none_or(|c| d.call_id == c))
                .filter(|d| f("status").is_none_or(|s| d.status == s))
                .take(q.limit(50))
                .map(|d| d.to_value(&org.id))
                .collect();
            Ok((200, obj(vec![("data", Value::Array(data))])))
        }
        Operation::WebhookDeliveriesRetrieve { id } => {
            let d = org.deliveries.iter().find(|d| d.id == id);
            Ok((
                200,
                d.map(|d| d.to_value(&org.id))
                    .map_or_else(|| not_found("delivery", id), Ok)?,
            ))
        }
        Operation::WebhookDeliveriesRedeliver { id } => redeliver(org, env, id),
    }
}

// ---------------------------------------------------------------------------------------
// Lookups (each returns the API's 404 / 409)

fn text(b: &Value, key: &str) -> String {
    b.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or(&[])
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

fn find_agent<'a>(org: &'a Org, id: &str) -> Result<&'a Agent, (u16, String)> {
    org.agent(id).map_or_else(|| not_found("agent", id), Ok)
}

fn live_or_archived<'a>(org: &'a mut Org, id: &str) -> Result<&'a mut Agent, (u16, String)> {
    org.agent_mut(id).map_or_else(|| not_found("agent", id), Ok)
}

/// The agent, if it exists (404) and is not archived (409).
fn live_agent<'a>(org: &'a mut Org, id: &str) -> Result<&'a mut Agent, (u16, String)> {
    let a = live_or_archived(org, id)?;
    if a.archived_at.is_some() {
        return fail(
            409,
            format!("agent {id} is archived: archived agents cannot be changed or place calls"),
        );
    }
    Ok(a)
}

fn owned_number<'a>(org: &'a Org, id: &str) -> Result<&'a Number, (u16, String)> {
    org.number(id).map_or_else(|| not_found("number", id), Ok)
}

/// 409 when an inbound agent (other than `me`) would share `number_id` with another one.
fn inbound_free(org: &Org, inbound: bool, number_id: &str, me: &str) -> Result<(), (u16, String)> {
    match org.inbound_owner(number_id, me) {
        Some(other) if inbound => fail(
            409,
            format!("number {number_id} already has inbound agent {}: a number can have only one inbound agent (detach it there first)", other.id),
        ),
        _ => Ok(()),
    }
}

fn find_call<'a>(org: &'a Org, id: &str) -> Result<&'a Call, (u16, String)> {
    org.calls
        .iter()
        .find(|c| c.id == id)
        .map_or_else(|| not_found("call", id), Ok)
}

fn find_endpoint<'a>(
    endpoints: &'a mut [Endpoint],
    id: &str,
) -> Result<&'a mut Endpoint, (u16, String)> {
    endpoints
        .iter_mut()
        .find(|e| e.id == id && !e.deleted)
        .map_or_else(|| not_found("webhook endpoint", id), Ok)
}

/// Newest-first page with Stripe cursor semantics.
fn page<T>(
    items: &[&T],
    id: impl Fn(&T) -> &str,
    q: &Query,
    render: impl Fn(&T) -> Value,
    what: &str,
) -> Out {
    let newest: Vec<&T> = items.iter().rev().copied().collect();
    let limit = q.limit(20);
    let position = |key: &str, cursor: &str| {
        newest.iter().position(|t| id(t) == cursor).map_or_else(
            || fail(400, format!("{key}: no {what} with id {cursor}")),
            Ok,
        )
    };
    let (chosen, has_more): (Vec<&T>, bool) =
        match (q.get("starting_after"), q.get("ending_before")) {
            (Some(_), Some(_)) => {
                return fail(
                    400,
                    "starting_after and ending_before cannot be used together",
                )
            }
            (Some(c), None) => {
                let rest = newest
                    .get(position("starting_after", c)? + 1..)
                    .unwrap_or(&[]);
                (
                    rest.iter().take(limit).copied().collect(),
                    rest.len() > limit,
                )
            }
            (None, Some(c)) => {
                let before = newest.get(..position("ending_before", c)?).unwrap_or(&[]);
                let start = before.len().saturating_sub(limit);
                (before.get(start..).unwrap_or(&[]).to_vec(), start > 0)
            }
            (None, None) => (
                newest.iter().take(limit).copied().collect(),
                newest.len() > limit,
            ),
        };
    let data = chosen.into_iter().map(render).collect();
    Ok((
        200,
        obj(vec![
            ("data", Value::Array(data)),
            ("has_more", has_more.into()),
        ]),
    ))
}

// ---------------------------------------------------------------------------------------
// Handlers with more logic

fn available(env: &Env, q: &Query) -> Out {
    let toll_free = match (q.get("number_type"), q.get("area_code")) {
        (Some("toll_free"), Some(_)) => return fail(400, "area_code applies to local numbers only: it cannot be combined with number_type=toll_free"),
        (Some(t), _) => Some(t == "toll_free"),
        (None, Some(_)) => Some(false),
        (None, None) => None,
    };
    let us = q.get("country_code").is_none_or(|c| c == "US");
    let area = q.get("area_code");
    let data = inventory()
        .filter(|a| us && toll_free.is_none_or(|t| t == a.toll_free))
        .filter(|a| area.is_none_or(|ac| a.e164.get(2..5) == Some(ac)))
        .filter(|a| !env.owned.contains(&a.e164))
        .take(q.limit(20))
        .map(|a| a.to_value())
        .collect();
    // A bare array, as the API's docs show (the client also accepts `{"data": [...]}`).
    Ok((200, Value::Array(data)))
}

fn purchase(org: &mut Org, env: &mut Env, b: &Value) -> Out {
    let e164 = text(b, "phone_number");
    let Some(info) = lookup_inventory(&e164) else {
        return fail(400, format!("phone_number {e164} is not available for purchase: search GET /v1/numbers/available for numbers you can buy"));
    };
    if env.owned.contains(&e164) {
        let whose = if org.numbers.iter().any(|n| n.info.e164 == e164) {
            "your organisation"
        } else {
            "another organisation"
        };
        return fail(
            409,
            format!("phone_number {e164} is already owned by {whose}"),
        );
    }
    let cost = info.monthly_cents() * 1000;
    let free = org.balance - org.held();
    if free < cost {
        return fail(402, format!("Insufficient credit: your balance is {} but {e164} costs {} per month. Add credit to buy numbers.", money(free), money(cost)));
    }
    let n = Number {
        id: env.ids.uuid(),
        info,
        purchased_at: env.now,
    };
    org.balance -= cost;
    env.owned.push(e164);
    env.stats.numbers_purchased += 1;
    let v = org.number_value(&n);
    org.numbers.push(n);
    Ok((201, v))
}

/// Checks a whole new number set for an agent: owned (404), primary among them (400), no
/// second inbound agent on a number (409).
fn check_numbers(
    org: &Org,
    me: &str,
    inbound: bool,
    ids: &[String],
    primary: Option<&str>,
) -> Result<(), (u16, String)> {
    for id in ids {
        owned_number(org, id)?;
    }
    if let Some(p) = primary {
        owned_number(org, p)?;
        if !ids.iter().any(|i| i == p) {
            return fail(
                400,
                format!("primary_number_id {p} must be one of the agent's numbers (number_ids)"),
            );
        }
    }
    ids.iter()
        .try_for_each(|id| inbound_free(org, inbound, id, me))
}

fn apply_settings(a: &mut Agent, b: &Value) {
    for key in AGENT_SETTINGS {
        if let Some(v) = b.get(key) {
            let v = if v.is_null() {
                model::default_setting(key)
            } else {
                v.clone()
            };
            if let Some(slot) = a.settings.iter_mut().find(|(k, _)| k == key) {
                slot.1 = v;
            }
        }
    }
}

fn create_agent(org: &mut Org, env: &mut Env, b: &Value) -> Out {
    let inbound = b.get("type").and_then(Value::as_str) == Some("inbound");
    let ids = b.get("number_ids").map(strings).unwrap_or_default();
    let primary = b
        .get("primary_number_id")
        .and_then(Value::as_str)
        .map(str::to_string);
    check_numbers(org, "", inbound, &ids, primary.as_deref())?;
    let mut a = Agent {
        id: env.ids.uuid(),
        name: text(b, "name"),
        inbound,
        settings: AGENT_SETTINGS
            .iter()
            .map(|k| (k.to_string(), model::default_setting(k)))
            .collect(),
        number_ids: ids,
        primary,
        archived_at: None,
        created_at: env.now,
        updated_at: env.now,
    };
    apply_settings(&mut a, b);
    let v = org.agent_value(&a);
    org.agents.push(a);
    // Numbers render their agents, so render again now that the agent is stored.
    Ok((201, org.agents.last().map_or(v, |a| org.agent_value(a))))
}

fn update_agent(org: &mut Org, env: &mut Env, id: &str, b: &Value) -> Out {
    let a = live_agent(org, id)?;
    let ids = b
        .get("number_ids")
        .map_or_else(|| a.number_ids.clone(), strings);
    let primary = match b.get("primary_number_id") {
        Some(p) => p.as_str().map(str::to_string),
        None => a.primary.clone().filter(|p| ids.contains(p)),
    };
    let inbound = a.inbound;
    check_numbers(org, id, inbound, &ids, primary.as_deref())?;
    let now = env.now;
    let a = live_agent(org, id)?;
    if let Some(name) = b.get("name").and_then(Value::as_str) {
        a.name = name.to_string();
    }
    apply_settings(a, b);
    a.number_ids = ids;
    a.primary = primary;
    a.updated_at = now;
    Ok((200, org.agent_value(find_agent(org, id)?)))
}

fn create_call(org: &mut Org, env: &mut Env, b: &Value) -> Out {
    let agent_id = text(b, "agent_id");
    let to = text(b, "to");
    let a = find_agent(org, &agent_id)?;
    if a.inbound {
        return fail(
            409,
            format!("agent {agent_id} is an inbound agent: only outbound agents can place calls"),
        );
    }
    if a.archived_at.is_some() {
        return fail(
            409,
            format!("agent {agent_id} is archived: archived agents cannot place calls"),
        );
    }
    let attached = |e164: &str| {
        a.number_ids
            .iter()
            .filter_map(|id| org.number(id))
            .any(|n| n.info.e164 == e164)
    };
    let from = match b.get("from_number").and_then(Value::as_str) {
        Some(f) if attached(f) => f.to_string(),
        Some(f) => return fail(400, format!("from_number {f} is not attached to agent {agent_id}: attach it with POST /v1/agents/{agent_id}/numbers, or omit from_number to use the agent's primary number")),
        None => match a.primary.as_deref().and_then(|p| org.number(p)) {
            Some(n) => n.info.e164.clone(),
            None => return fail(400, format!("agent {agent_id} has no primary number: pass from_number or set one with PUT /v1/agents/{agent_id}/primary-number")),
        },
    };
    hold_available(org)?;
    let Some(outcome) = outcome_for(&to) else {
        env.stats.calls_rejected_by_provider += 1;
        return fail(
            502,
            format!(
                "the telephony provider could not place the call to {to} (emulator test number)"
            ),
        );
    };
    env.stats.calls_placed += 1;
    Ok((
        201,
        start_call(org, env, &agent_id, to, from, b, outcome, false),
    ))
}

/// 402 unless the free credit covers one more call hold.
pub(super) fn hold_available(org: &Org) -> Result<(), (u16, String)> {
    let free = org.balance - org.held();
    if free < model::HOLD_MILLI_CENTS {
        return fail(402, format!(
            "Calls paused. Your balance is {} but each call requires a {} hold (the cost of a {}-minute call at $0.05/min). Add credit to resume calls.",
            money(free), money(model::HOLD_MILLI_CENTS), model::MAX_CALL_SECONDS / 60
        ));
    }
    Ok(())
}

/// Creates a call of agent `agent_id` (already checked), snapshotting its configuration
/// with the per-call `overrides` (`instructions`, `context`, `webhook_url`, `metadata`),
/// and emits `call.queued`. Returns the Call.
#[allow(clippy::too_many_arguments)]
pub(super) fn start_call(
    org: &mut Org,
    env: &mut Env,
    agent_id: &str,
    to: String,
    from: String,
    overrides: &Value,
    outcome: Outcome,
    inbound: bool,
) -> Value {
    let Some(a) = org.agent(agent_id) else {
        return Value::Null;
    };
    let over = |k: &str| overrides.get(k).and_then(Value::as_str).map(str::to_string);
    let persona = a.setting_str("persona");
    let instructions = over("instructions").or_else(|| a.setting_str("instructions"));
    // Inbound calls have no context: no API request starts them, so nothing supplies one.
    let context = match overrides.get("context") {
        Some(c) => c.clone(),
        None if inbound => Value::Null,
        None => Value::Object(Vec::new()),
    };
    let returns = a.setting("returns").clone();
    let transcript = match outcome {
        Outcome::Completed | Outcome::ExtractionFailed => script(
            &a.name,
            instructions.as_deref(),
            &context,
            &extract(&returns, &context),
            inbound,
        ),
        _ => Vec::new(),
    };
    let call = Call {
        id: env.ids.uuid(),
        agent_id: agent_id.to_string(),
        inbound,
        to,
        from,
        status: "queued",
        answered_by: None,
        prompt: format!(
            "{}\n\n{}",
            persona.as_deref().unwrap_or(DEFAULT_PERSONA),
            instructions.as_deref().unwrap_or("")
        )
        .trim_end()
        .to_string(),
        persona,
        instructions,
        context,
        returns,
        result: Value::Null,
        result_status: "pending",
        result_error: None,
        language: a.setting_str("language"),
        webhook_url: over("webhook_url").or_else(|| a.setting_str("webhook_url")),
        webhook_status: "none",
        webhook_error: None,
        created_at: env.now,
        started_at: None,
        answered_at: None,
        ended_at: None,
        duration_seconds: None,
        billed_duration_seconds: None,
        billing_amount_milli_cents: None,
        reservation_status: "reserved",
        error_code: None,
        error_message: None,
        hangup_cause: None,
        metadata: overrides
            .get("metadata")
            .cloned()
            .unwrap_or(Value::Object(Vec::new())),
        updated_at: env.now,
        plan: plan(outcome, env.now),
        transcript,
    };
    org.calls.push(call);
    let ci = org.calls.len() - 1;
    org.emit(env, ci, "call.queued");
    org.calls.last().map_or(Value::Null, Call::to_value)
}

fn redeliver(org: &mut Org, env: &mut Env, id: &str) -> Out {
    let Some(d) = org.deliveries.iter().find(|d| d.id == id) else {
        return not_found("delivery", id);
    };
    if d.in_flight {
        return fail(
            409,
            format!("delivery {id} is being attempted right now: wait for the attempt to finish"),
        );
    }
    if let Some(eid) = &d.endpoint_id {
        if !org.endpoints.iter().any(|e| &e.id == eid && !e.deleted) {
            return fail(
                409,
                format!("delivery {id} cannot be redelivered: webhook endpoint {eid} was deleted"),
            );
        }
    }
    let now = env.now;
    let Some(d) = org.deliveries.iter_mut().find(|d| d.id == id) else {
        return not_found("delivery", id);
    };
    d.status = "pending";
    d.manual_retry_count += 1;
    d.next_attempt_at = now;
    d.updated_at = now;
    let (call_id, v) = (d.call_id.clone(), d.to_value(&org.id));
    org.refresh_webhook_status(&call_id);
    Ok((200, v))
}

// ---------------------------------------------------------------------------------------
// Delivery transport interface

/// The signer, behind one function so the emulator depends on `core::webhook` in one place.
fn sign(secret: &str, t: i64, body: &str) -> String {
    callingbox_core::webhook::signature_header(secret, t, body.as_bytes())
}

pub(super) fn take_outbox(emu: &mut Emulator) -> Vec<OutgoingWebhook> {
    let now = emu.env.now;
    let mut out: Vec<(i64, OutgoingWebhook)> = Vec::new();
    for org in &mut emu.orgs {
        let Org {
            deliveries,
            endpoints,
            default_secret,
            ..
        } = org;
        for d in deliveries.iter_mut() {
            if d.status != "pending" || d.in_flight || d.next_attempt_at > now {
                continue;
            }
            let secret = match &d.endpoint_id {
                None => default_secret.clone(),
                Some(eid) => match endpoints.iter().find(|e| &e.id == eid && !e.deleted) {
                    Some(e) if e.enabled => e.secret.clone(),
                    Some(_) => continue,
                    None => {
                        d.status = "exhausted";
                        d.last_error = Some("endpoint deleted".into());
                        d.updated_at = now;
                        continue;
                    }
                },
            };
            d.attempt_count += 1;
            d.in_flight = true;
            d.updated_at = now;
            emu.env.stats.webhook_attempts += 1;
            let call_id = d.call_id.clone();
            let headers = vec![
                ("Content-Type", "application/json".to_string()),
                (
                    "CallingBox-Signature",
                    sign(&secret, now.div_euclid(1000), &d.body),
                ),
                ("CallingBox-Event-Id", d.id.clone()),
                ("CallingBox-Event-Type", d.event_type.to_string()),
                ("X-CallingBox-Event", d.event_type.to_string()),
                ("X-CallingBox-Call-Id", call_id),
                ("User-Agent", "CallingBox-Emulator".to_string()),
            ];
            out.push((
                d.next_attempt_at,
                OutgoingWebhook {
                    delivery_id: d.id.clone(),
                    url: d.url.clone(),
                    headers: headers
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect(),
                    body: d.body.clone(),
                },
            ));
        }
    }
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, w)| w).collect()
}

pub(super) fn report_delivery(emu: &mut Emulator, id: &str, outcome: Result<u16, String>) -> bool {
    let now = emu.env.now;
    let stats = &mut emu.env.stats;
    for org in &mut emu.orgs {
        let Some(d) = org
            .deliveries
            .iter_mut()
            .find(|d| d.id == id && d.in_flight)
        else {
            continue;
        };
        d.in_flight = false;
        d.updated_at = now;
        let endpoint = d
            .endpoint_id
            .as_deref()
            .and_then(|eid| org.endpoints.iter_mut().find(|e| e.id == eid));
        match outcome {
            Ok(status) if (200..300).contains(&status) => {
                stats.webhooks_delivered += 1;
                d.status = "delivered";
                d.last_response_status = Some(status);
                d.last_error = None;
                d.delivered_at.get_or_insert(now);
                if let Some(e) = endpoint {
                    e.consecutive_failures = 0;
                }
            }
            failure => {
                stats.webhook_failed_attempts += 1;
                let (status, error) = match failure {
                    Ok(s) => (Some(s), format!("HTTP {s}")),
                    Err(e) => (None, e),
                };
                d.last_response_status = status;
                d.last_error = Some(error);
                if d.attempt_count >= MAX_ATTEMPTS {
                    d.status = "exhausted";
                    stats.webhooks_exhausted += 1;
                    if let Some(e) = endpoint {
                        e.consecutive_failures += 1;
                        if e.consecutive_failures >= lifecycle::DISABLE_AFTER && e.enabled {
                            e.enabled = false;
                            e.disabled_reason = Some("too_many_failures");
                            e.disabled_at = Some(now);
                            e.updated_at = now;
                            stats.endpoints_auto_disabled += 1;
                        }
                    }
                } else {
                    let delay = lifecycle::RETRY_DELAYS_SECS
                        .get(d.attempt_count as usize)
                        .copied()
                        .unwrap_or(86_400);
                    d.next_attempt_at = now + delay * 1000;
                }
            }
        }
        let call_id = d.call_id.clone();
        org.refresh_webhook_status(&call_id);
        return true;
    }
    false
}
