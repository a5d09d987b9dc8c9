//! An in-process transport to the CallingBox emulator (`callingbox-emulator`): the whole API,
//! strict and deterministic, with no network, for your tests.

use std::sync::{Arc, Mutex, MutexGuard};

use callingbox_emulator::{Config, Emulator, Fault, Request};

use crate::transport::{HttpRequest, HttpResponse, Transport, TransportError, TransportFuture};

/// Answers requests from an in-memory [`Emulator`]. Clones share the emulator, so a test can
/// keep one to inject faults or read its state while the client uses another.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), callingbox::Error> {
/// use callingbox::emulator::EmulatorTransport;
/// use callingbox::{AgentCreateParams, Client};
///
/// let client = Client::builder("sk_test_emulator_local")
///     .transport(EmulatorTransport::new())
///     .build()?;
/// let agent = client.agents().create(AgentCreateParams::new("Reminders", "outbound")).await?;
/// assert_eq!(agent.name.as_deref(), Some("Reminders"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct EmulatorTransport {
    emulator: Arc<Mutex<Emulator>>,
}

impl std::fmt::Debug for EmulatorTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorTransport").finish_non_exhaustive()
    }
}

impl Default for EmulatorTransport {
    fn default() -> Self {
        EmulatorTransport::new()
    }
}

impl EmulatorTransport {
    /// An emulator with the default configuration.
    pub fn new() -> EmulatorTransport {
        EmulatorTransport::with_config(Config::default())
    }

    /// An emulator with `config` (seed, clock, faults).
    pub fn with_config(config: Config) -> EmulatorTransport {
        EmulatorTransport {
            emulator: Arc::new(Mutex::new(Emulator::new(config))),
        }
    }

    /// The emulator, to inject faults, move its clock or read its state.
    pub fn emulator(&self) -> MutexGuard<'_, Emulator> {
        // A panic while the lock was held leaves the emulator usable.
        self.emulator.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Transport for EmulatorTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        Box::pin(async move {
            let mut req = Request::new(
                request.method,
                &request.url,
                request.body.as_deref().unwrap_or_default(),
            );
            for (name, value) in &request.headers {
                req = req.header(name, value);
            }
            let response = self.emulator().handle(&req);
            match response.fault {
                Some(Fault::Drop) => Err(TransportError::Lost(
                    "the emulator dropped the connection after processing the request".into(),
                )),
                Some(Fault::Delay { ms }) => {
                    crate::runtime::sleep(u64::from(ms)).await;
                    Ok(into_response(response))
                }
                None => Ok(into_response(response)),
            }
        })
    }
}

fn into_response(r: callingbox_emulator::Response) -> HttpResponse {
    HttpResponse {
        status: r.status,
        headers: r.headers,
        body: r.body.into_bytes(),
    }
}
