//! `"\0<reason code>\0<message>"`: how a phone-number export answers a number the check refused.
//! Shared by path by the client's wasm (`checkE164`, src/lib.rs) and the phone wasm
//! (`checkPhone`, crates/callingbox-phone-wasm), whose JS reads both the same way.

use alloc_crate::string::String;
use callingbox_core::error::phone_message;
use callingbox_core::phone::Reason;
use callingbox_core::text::cat;

/// `"\0<reason code>\0<message>"` for a phone number the check refused: the message of the
/// `InvalidPhoneNumberError` a parameter would get, for the field "phone number" (without making
/// the error: its `message()` would link every kind of error's text into the phone wasm).
pub fn problem(input: &str, reason: Reason) -> String {
    cat(&[
        "\0",
        reason.code(),
        "\0phone number ",
        &phone_message(input, &reason),
    ])
}
