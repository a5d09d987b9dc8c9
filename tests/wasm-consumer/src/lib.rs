//! Uses the core the way an app would (a phone number check), exported so that the linker
//! keeps it.

const EXAMPLES: [&str; 3] = ["+14155550123", "+1 (415) 555-0123", "+1"];

/// How many of `EXAMPLES` are valid phone numbers.
#[no_mangle]
pub extern "C" fn valid_examples() -> u32 {
    let valid = EXAMPLES
        .iter()
        .filter(|s| callingbox_core::e164::parse(s).is_ok());
    u32::try_from(valid.count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    #[test]
    fn checks_numbers() {
        assert_eq!(super::valid_examples(), 2);
    }
}
