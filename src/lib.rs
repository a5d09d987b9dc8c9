//! CallingBox API client.
//!
//! - [`core`]: the sans-IO core (models, E.164, request building, response decoding,
//!   retry policy, webhook verification). Pure functions, tested natively.
//! - [`emulator`]: a strict, deterministic emulator of the API (state machine on a
//!   virtual clock), also pure and native-tested.
//! - `wasm` (wasm32 only): the one layer that touches JS — binds the core to `fetch`
//!   and Promises.

pub mod core;
pub mod emulator;

#[cfg(target_arch = "wasm32")]
mod wasm;
