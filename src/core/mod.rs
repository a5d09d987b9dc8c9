//! The sans-IO core: never touches JS, the network, a clock or randomness.

pub mod e164;
pub mod json;
