//! The sans-IO core of the CallingBox client: models, E.164, request building, response
//! and error decoding, retry policy and webhook verification. It never touches JS, the
//! network, a clock or randomness, and it is `no_std` + `alloc` with no global allocator
//! and no panic handler, so any Rust program can depend on it, natively or in its own
//! wasm app. Every function that takes outside data returns a `Result`.

#![no_std]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod api;
pub mod e164;
pub mod error;
pub mod host;
pub mod json;
pub mod ops;
pub mod phone;
pub mod request;
pub mod response;
pub mod retry;
pub mod scan;
pub mod sha256;
pub mod text;
pub mod webhook;

/// What std's prelude provides, imported explicitly (the crate is `no_std`).
#[allow(unused_imports)]
pub(crate) mod prelude {
    pub use super::float::FloatExt;
    pub use alloc::borrow::ToOwned;
    pub use alloc::format;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

/// The f64 methods std adds to core, for this `no_std` crate (`core::arch::wasm32::f64_trunc`
/// and friends are unstable). Same results as std's except possibly the sign of a zero,
/// which no caller can observe (they clamp to >= 1, compare with 0 or cast to an integer).
mod float {
    pub trait FloatExt {
        fn trunc(self) -> f64;
        fn ceil(self) -> f64;
        fn floor(self) -> f64;
        fn fract(self) -> f64;
    }

    impl FloatExt for f64 {
        fn trunc(self) -> f64 {
            // Every double of magnitude 2^52 or more is a whole number (and NaN/inf stay).
            if self.abs() < 4_503_599_627_370_496.0 {
                self as i64 as f64
            } else {
                self
            }
        }
        fn ceil(self) -> f64 {
            let t = self.trunc();
            if t < self {
                t + 1.0
            } else {
                t
            }
        }
        fn floor(self) -> f64 {
            let t = self.trunc();
            if t > self {
                t - 1.0
            } else {
                t
            }
        }
        fn fract(self) -> f64 {
            self - self.trunc()
        }
    }

    #[cfg(test)]
    mod tests {
        use super::FloatExt;

        #[test]
        fn matches_std() {
            let values = [
                0.0,
                -0.0,
                0.5,
                -0.5,
                1.0,
                -1.0,
                1.5,
                -1.5,
                2.999,
                -2.999,
                1e15 + 0.5,
                -1e15 - 0.5,
                4_503_599_627_370_495.5,
                9.1e15,
                -9.1e15,
                1e300,
                f64::MAX,
                f64::MIN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NAN,
                2_147_483_647.4,
                123_456.789,
            ];
            let same = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
            for x in values {
                assert!(same(FloatExt::trunc(x), x.trunc()), "trunc {x}");
                assert!(same(FloatExt::ceil(x), x.ceil()), "ceil {x}");
                assert!(same(FloatExt::floor(x), x.floor()), "floor {x}");
                assert!(same(FloatExt::fract(x), x.fract()), "fract {x}");
            }
        }
    }
}
