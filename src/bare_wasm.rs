//! What each small `no_std` wasm of the package (callingbox/webhooks, callingbox/phone) needs
//! besides its exports, shared by path: a panic handler that traps, and the client's bump
//! allocator (`alloc.rs`: these wasm keep no state between calls either, so the host may
//! replace an instance at any time).

/// A panic traps (`unreachable`), as `panic = "abort"` would under std, without linking std's
/// message formatting (core::fmt, several KB).
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}

#[path = "alloc.rs"]
mod alloc;

#[global_allocator]
static ALLOC: alloc::Bump = alloc::Bump::new();
