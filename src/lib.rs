//! CallingBox API client.
//!
//! - [`core`]: the sans-IO core (models, E.164, request building, response decoding,
//!   retry policy, webhook verification). Pure functions, tested natively.
//! - [`emulator`]: a strict, deterministic emulator of the API (state machine on a
//!   virtual clock), also pure and native-tested.
//! - `wasm` (wasm32 only): the one layer that touches JS — binds the core to `fetch`
//!   and Promises.

// The client wasm is `no_std`: std's panic machinery (which formats every panic message
// with core::fmt, ~several KB of wasm) is replaced by a trap; panics abort either way.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "emulator")), no_std)]

extern crate alloc;

pub mod core;
#[cfg(any(not(target_arch = "wasm32"), feature = "emulator"))]
pub mod emulator;

#[cfg(target_arch = "wasm32")]
mod wasm;

/// A panic in the client wasm traps (`unreachable`), exactly like `panic = "abort"` under
/// std, without linking std's message formatting.
#[cfg(all(target_arch = "wasm32", not(feature = "emulator")))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}

/// What std's prelude provides, imported explicitly so the core also builds `no_std`.
#[allow(unused_imports)]
pub(crate) mod prelude {
    #[cfg(all(target_arch = "wasm32", not(feature = "emulator")))]
    pub use super::float::FloatExt;
    pub use alloc::borrow::ToOwned;
    pub use alloc::format;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

/// The f64 methods std adds to core, for the `no_std` build (`core::arch::wasm32::f64_trunc`
/// and friends are unstable). Same results as std's except possibly the sign of a zero,
/// which no caller can observe (they clamp to >= 1, compare with 0 or cast to an integer).
#[cfg(any(test, all(target_arch = "wasm32", not(feature = "emulator"))))]
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
