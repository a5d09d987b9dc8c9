//! A Cloudflare Worker in Rust (workers-rs) on the `callingbox` crate:
//!
//! - `POST /dispatch` with `{"agent_id", "to", "instructions"?}` places a call and answers the
//!   Call (201), or the client's typed error as `{"error", "code", "request_id"}` with the
//!   API's status (400 for a request refused before any I/O);
//! - `POST /webhooks` verifies the `CallingBox-Signature` over the raw body and answers
//!   `{"received": id, "type", "call_id"}`, or 400 with the `reason` when it does not verify.
//!
//! Settings (Worker vars/secrets): `CALLINGBOX_API_KEY`, `CALLINGBOX_WEBHOOK_SECRET`, and
//! `CALLINGBOX_BASE_URL` (optional; the emulator's address in tests).

#![cfg(target_arch = "wasm32")]

use callingbox::transport::WorkerTransport;
use callingbox::{CallCreateParams, Client, Error, Webhooks};
use serde::Deserialize;
use serde_json::json;
use worker::{event, Context, Env, Method, Request, Response, Result};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    match (req.method(), req.path().as_str()) {
        (Method::Post, "/dispatch") => dispatch(req, &env).await,
        (Method::Post, "/webhooks") => webhook(req, &env).await,
        _ => Response::error("not found", 404),
    }
}

/// What a dispatch request carries.
#[derive(Deserialize)]
struct Dispatch {
    agent_id: String,
    to: String,
    instructions: Option<String>,
}

async fn dispatch(mut req: Request, env: &Env) -> Result<Response> {
    let Ok(body) = req.json::<Dispatch>().await else {
        return Response::from_json(&json!({ "error": "expected {agent_id, to}" }))
            .map(|r| r.with_status(400));
    };
    let mut builder = Client::builder(env.secret("CALLINGBOX_API_KEY")?.to_string())
        .transport(WorkerTransport::new());
    if let Ok(url) = env.var("CALLINGBOX_BASE_URL") {
        builder = builder.base_url(url.to_string());
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => return error_response(&e),
    };
    let mut params = CallCreateParams::new(body.agent_id, body.to);
    if let Some(instructions) = body.instructions {
        params = params.instructions(instructions);
    }
    match client.calls().create(params).await {
        Ok(call) => Response::from_json(&call).map(|r| r.with_status(201)),
        Err(e) => error_response(&e),
    }
}

async fn webhook(mut req: Request, env: &Env) -> Result<Response> {
    let signature = req
        .headers()
        .get("CallingBox-Signature")?
        .unwrap_or_default();
    let body = req.bytes().await?;
    let webhooks = Webhooks::new(env.secret("CALLINGBOX_WEBHOOK_SECRET")?.to_string());
    match webhooks.construct_event(&body, &signature) {
        Ok(event) => Response::from_json(&json!({
            "received": event.id,
            "type": event.event_type.as_str(),
            "call_id": event.call_id,
        })),
        Err(Error::WebhookSignature { reason, .. }) => {
            Response::from_json(&json!({ "error": "invalid signature", "reason": reason }))
                .map(|r| r.with_status(400))
        }
        Err(e) => error_response(&e),
    }
}

/// The client's error as JSON, with the API's status (400 for one refused before any I/O,
/// 502 when the API could not be reached).
fn error_response(e: &Error) -> Result<Response> {
    let status = match e {
        Error::Validation { .. } | Error::InvalidPhoneNumber { .. } => 400,
        other => other.status().unwrap_or(502),
    };
    Response::from_json(&json!({
        "error": e.to_string(),
        "code": e.code(),
        "request_id": e.request_id(),
    }))
    .map(|r| r.with_status(status))
}
