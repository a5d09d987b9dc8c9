//! The sans-IO core: never touches JS, the network, a clock or randomness.

pub mod e164;
pub mod error;
pub mod host;
pub mod json;
pub mod ops;
pub mod request;
pub mod response;
pub mod retry;
pub mod scan;
pub mod sha256;
pub mod text;
pub mod webhook;
