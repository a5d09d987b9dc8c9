//! Scenarios shared by the in-process and the real-HTTP tests, and the loopback HTTP server
//! that serves the emulator to reqwest.

// Test code: a failed step should stop the test.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use callingbox::emulator::EmulatorTransport;
use callingbox::transport::{HttpRequest, Transport, TransportFuture};
use callingbox::{
    AgentCreateParams, AgentType, AgentUpdateParams, AgentsAttachNumberParams, AgentsListParams,
    AgentsSetPrimaryNumberParams, CallCreateParams, CallsListParams, Client, NumbersListParams,
    NumbersPurchaseParams, NumbersSearchAvailableParams, WebhookDeliveriesListParams,
    WebhookEndpointsCreateParams, WebhookEndpointsUpdateParams,
};

pub const KEY: &str = "sk_test_emulator_local";

/// Counts the requests that reach the inner transport.
#[derive(Clone)]
pub struct Counting<T> {
    pub inner: T,
    pub sent: Arc<AtomicUsize>,
}

impl<T> Counting<T> {
    pub fn new(inner: T) -> Counting<T> {
        Counting {
            inner,
            sent: Arc::new(AtomicUsize::new(0)),
        }
    }

    pub fn count(&self) -> usize {
        self.sent.load(Ordering::SeqCst)
    }
}

impl<T: Transport> Transport for Counting<T> {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        self.sent.fetch_add(1, Ordering::SeqCst);
        self.inner.send(request)
    }
}

/// An outbound agent with a purchased primary number, ready to dispatch calls.
pub async fn outbound_agent(client: &Client) -> callingbox::Agent {
    let available = client
        .numbers()
        .search_available(NumbersSearchAvailableParams::new().limit(1))
        .await
        .unwrap();
    let number = client
        .numbers()
        .purchase(NumbersPurchaseParams::new(
            available[0].phone_number.clone(),
        ))
        .await
        .unwrap();
    client
        .agents()
        .create(
            AgentCreateParams::new("Reminders", AgentType::Outbound)
                .instructions("Confirm the booking")
                .number_ids(vec![number.id.clone()])
                .primary_number_id(number.id),
        )
        .await
        .unwrap()
}

/// Every endpoint once, with the answers checked for their typed fields.
pub async fn every_endpoint(client: &Client) {
    // numbers
    let available = client
        .numbers()
        .search_available(NumbersSearchAvailableParams::new().limit(2))
        .await
        .unwrap();
    assert!(!available.is_empty());
    let first = client
        .numbers()
        .purchase(NumbersPurchaseParams::new(
            available[0].phone_number.clone(),
        ))
        .await
        .unwrap();
    assert_eq!(
        first.e164.as_deref(),
        Some(available[0].phone_number.as_str())
    );
    let second = client
        .numbers()
        .purchase(NumbersPurchaseParams::new(
            available[1].phone_number.clone(),
        ))
        .await
        .unwrap();
    let numbers = client
        .numbers()
        .list(NumbersListParams::new().limit(10))
        .await
        .unwrap();
    assert_eq!(numbers.data.len(), 2);
    assert!(!numbers.has_more);

    // agents
    let agent = client
        .agents()
        .create(
            AgentCreateParams::new("Reminders", "outbound")
                .number_ids(vec![first.id.clone()])
                .primary_number_id(first.id.clone()),
        )
        .await
        .unwrap();
    assert_eq!(agent.r#type, Some(AgentType::Outbound));
    let got = client.agents().retrieve(&agent.id).await.unwrap();
    assert_eq!(got.id, agent.id);
    let updated = client
        .agents()
        .update(
            &agent.id,
            AgentUpdateParams::new()
                .instructions("Say hello")
                .clear_persona(),
        )
        .await
        .unwrap();
    assert_eq!(updated.instructions.as_deref(), Some("Say hello"));
    let attached = client
        .agents()
        .attach_number(&agent.id, AgentsAttachNumberParams::new(second.id.clone()))
        .await
        .unwrap();
    assert_eq!(attached.id, agent.id);
    let primary = client
        .agents()
        .set_primary_number(
            &agent.id,
            AgentsSetPrimaryNumberParams::new(second.id.clone()),
        )
        .await
        .unwrap();
    assert_eq!(
        primary.primary_number_id.as_deref(),
        Some(second.id.as_str())
    );
    let detached = client
        .agents()
        .detach_number(&agent.id, &first.id)
        .await
        .unwrap();
    assert_eq!(detached.id, agent.id);
    let agents = client
        .agents()
        .list(AgentsListParams::new().r#type("outbound"))
        .await
        .unwrap();
    assert_eq!(agents.data.len(), 1);

    // calls
    let call = client
        .calls()
        .create(
            CallCreateParams::new(agent.id.clone(), "+1 (415) 555-0123")
                .instructions("Confirm the 3 pm booking")
                .metadata(
                    serde_json::json!({"order": 1234})
                        .as_object()
                        .cloned()
                        .unwrap(),
                ),
        )
        .await
        .unwrap();
    assert_eq!(call.to_number.as_deref(), Some("+14155550123"));
    assert_eq!(call.status, Some(callingbox::CallStatus::Queued));
    let again = client.calls().retrieve(&call.id).await.unwrap();
    assert_eq!(again.id, call.id);
    let calls = client
        .calls()
        .list(CallsListParams::new().limit(5))
        .await
        .unwrap();
    assert_eq!(calls.data.len(), 1);
    let transcript = client.calls().get_transcript(&call.id).await.unwrap();
    assert_eq!(transcript.call_id, call.id);

    // webhook endpoints and deliveries
    let endpoint = client
        .webhook_endpoints()
        .create(WebhookEndpointsCreateParams::new("https://example.com/hooks").description("ops"))
        .await
        .unwrap();
    assert!(endpoint
        .signing_secret
        .as_deref()
        .is_some_and(|s| s.starts_with("whsec_")));
    let endpoints = client.webhook_endpoints().list().await.unwrap();
    assert_eq!(endpoints.data.len(), 1);
    let got = client
        .webhook_endpoints()
        .retrieve(&endpoint.id)
        .await
        .unwrap();
    assert_eq!(got.id, endpoint.id);
    let disabled = client
        .webhook_endpoints()
        .update(
            &endpoint.id,
            WebhookEndpointsUpdateParams::new().status("disabled"),
        )
        .await
        .unwrap();
    assert_eq!(
        disabled.status,
        Some(callingbox::WebhookEndpointStatus::Disabled)
    );
    let rotated = client
        .webhook_endpoints()
        .rotate_secret(&endpoint.id)
        .await
        .unwrap();
    assert_ne!(rotated.signing_secret, endpoint.signing_secret);
    let deliveries = client
        .webhook_deliveries()
        .list(WebhookDeliveriesListParams::new().limit(10))
        .await
        .unwrap();
    if let Some(delivery) = deliveries.data.first() {
        let got = client
            .webhook_deliveries()
            .retrieve(&delivery.id)
            .await
            .unwrap();
        assert_eq!(got.id, delivery.id);
        client
            .webhook_deliveries()
            .redeliver(&delivery.id)
            .await
            .unwrap();
    }
    let deleted = client
        .webhook_endpoints()
        .delete(&endpoint.id)
        .await
        .unwrap();
    assert!(deleted.deleted.unwrap_or(false));

    let archived = client.agents().archive(&agent.id).await.unwrap();
    assert!(archived.archived_at.is_some());
}

/// A client on the in-process emulator, counting requests.
pub fn emulator_client() -> (Client, Counting<EmulatorTransport>, EmulatorTransport) {
    let emulator = EmulatorTransport::new();
    let counting = Counting::new(emulator.clone());
    let client = Client::builder(KEY)
        .transport(counting.clone())
        .initial_retry_delay(std::time::Duration::from_millis(1))
        .max_retry_delay(std::time::Duration::from_millis(20))
        .build()
        .unwrap();
    (client, counting, emulator)
}
