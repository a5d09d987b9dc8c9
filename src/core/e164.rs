//! E.164 phone numbers: `+`, a country code that does not start with 0, at most 15 digits
//! in all (ITU-T E.164 §6). Users may write the usual separators (`+1 (415) 555-0123`);
//! [`parse`] removes them and returns the canonical form (`+14155550123`) that the API
//! expects, or says exactly what is wrong.

use crate::prelude::*;

/// What is wrong with a phone number. `code()` is stable (tests and JS branch on it);
/// `message()` is for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum E164Reason {
    /// Empty, or only separators.
    Empty,
    /// A letter anywhere (vanity numbers like `+1 800 FLOWERS` must be converted first).
    ContainsLetters,
    /// A character that is neither a digit, a leading `+`, nor a separator (` -.()`).
    InvalidCharacter(char),
    /// The number does not start with `+` (national or `00`-prefixed forms).
    MissingPlus,
    /// A `+` somewhere other than the start.
    MisplacedPlus,
    /// `+0…`: no country code starts with 0.
    CountryCodeLeadingZero,
    /// More than 15 digits.
    TooLong,
    /// Fewer than 7 digits: shorter than any real E.164 number.
    TooShort,
}

/// The shortest E.164 numbers in service have 7 digits (e.g. +683 plus 4 digits, Niue).
pub const MIN_DIGITS: usize = 7;
/// E.164 §6.1: at most 15 digits including the country code.
pub const MAX_DIGITS: usize = 15;

impl E164Reason {
    pub fn code(&self) -> &'static str {
        match self {
            E164Reason::Empty => "empty",
            E164Reason::ContainsLetters => "contains_letters",
            E164Reason::InvalidCharacter(_) => "invalid_character",
            E164Reason::MissingPlus => "missing_plus",
            E164Reason::MisplacedPlus => "misplaced_plus",
            E164Reason::CountryCodeLeadingZero => "country_code_leading_zero",
            E164Reason::TooLong => "too_long",
            E164Reason::TooShort => "too_short",
        }
    }

    pub fn message(&self) -> String {
        match self {
            E164Reason::Empty => "is empty".into(),
            E164Reason::ContainsLetters => "contains letters".into(),
            E164Reason::InvalidCharacter(c) => {
                let mut m = String::from("contains an invalid character \"");
                m.push(*c);
                m.push('"');
                m
            }
            E164Reason::MissingPlus => {
                "is missing the leading + (write it as +<country code><number>)".into()
            }
            E164Reason::MisplacedPlus => "has a + that is not at the start".into(),
            E164Reason::CountryCodeLeadingZero => {
                "has a country code that starts with 0 (country codes cannot start with 0)".into()
            }
            // The numbers are MAX_DIGITS and MIN_DIGITS (a test checks), written out so
            // that no formatting code is linked.
            E164Reason::TooLong => "has more than 15 digits".into(),
            E164Reason::TooShort => "has fewer than 7 digits".into(),
        }
    }
}

use super::text::trim;

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}')
}

/// Validates and canonicalises a phone number. Never panics, whatever the input.
pub fn parse(input: &str) -> Result<String, E164Reason> {
    let s = trim(input);
    if s.chars().any(|c| c.is_ascii_alphabetic()) {
        return Err(E164Reason::ContainsLetters);
    }
    let mut out = String::with_capacity(16);
    let mut digits = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '0'..='9' => {
                digits += 1;
                out.push(c);
            }
            '+' if i == 0 => out.push('+'),
            '+' => return Err(E164Reason::MisplacedPlus),
            c if is_separator(c) => {}
            c => return Err(E164Reason::InvalidCharacter(c)),
        }
    }
    if digits == 0 {
        return Err(E164Reason::Empty);
    }
    if !out.starts_with('+') {
        return Err(E164Reason::MissingPlus);
    }
    if out.as_bytes().get(1) == Some(&b'0') {
        return Err(E164Reason::CountryCodeLeadingZero);
    }
    if digits > MAX_DIGITS {
        return Err(E164Reason::TooLong);
    }
    if digits < MIN_DIGITS {
        return Err(E164Reason::TooShort);
    }
    Ok(out)
}

/// True only for the canonical form `^\+[1-9][0-9]{6,14}$` (what the strict emulator accepts).
pub fn is_canonical(s: &str) -> bool {
    matches!(parse(s), Ok(ref c) if c == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        use E164Reason::*;
        let cases: &[(&str, Result<&str, E164Reason>)] = &[
            ("+14155550123", Ok("+14155550123")),
            ("+1 (415) 555-0123", Ok("+14155550123")),
            ("  +44 20 7946 0958 ", Ok("+442079460958")),
            ("+49.30.123456", Ok("+4930123456")),
            ("+6831234", Ok("+6831234")),
            ("+123456789012345", Ok("+123456789012345")),
            ("", Err(Empty)),
            ("   ", Err(Empty)),
            ("+", Err(Empty)),
            ("(-)", Err(Empty)),
            ("14155550123", Err(MissingPlus)),
            ("0044 20 7946 0958", Err(MissingPlus)),
            ("+0 415 555 0123", Err(CountryCodeLeadingZero)),
            ("+1234567890123456", Err(TooLong)),
            ("+12345", Err(TooShort)),
            ("+1 800 FLOWERS", Err(ContainsLetters)),
            ("+1415555O123", Err(ContainsLetters)),
            ("phone", Err(ContainsLetters)),
            ("+1 415 555 0123 ext 5", Err(ContainsLetters)),
            ("+1#4155550123", Err(InvalidCharacter('#'))),
            ("+1/415/5550123", Err(InvalidCharacter('/'))),
            ("+1 415+5550123", Err(MisplacedPlus)),
            ("++14155550123", Err(MisplacedPlus)),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input).as_deref().map_err(|e| *e), *want, "{input:?}");
        }
    }

    #[test]
    fn canonical() {
        assert!(is_canonical("+14155550123"));
        assert!(!is_canonical("+1 415 555 0123"));
        assert!(!is_canonical("14155550123"));
    }

    #[test]
    fn every_reason_has_a_distinct_code() {
        use E164Reason::*;
        let all = [
            Empty,
            ContainsLetters,
            InvalidCharacter('#'),
            MissingPlus,
            MisplacedPlus,
            CountryCodeLeadingZero,
            TooLong,
            TooShort,
        ];
        let mut codes: Vec<_> = all.iter().map(E164Reason::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        assert!(MissingPlus.message().contains("missing the leading +"));
        assert!(CountryCodeLeadingZero
            .message()
            .contains("cannot start with 0"));
        assert!(TooLong.message().contains("more than 15 digits"));
        assert!(ContainsLetters.message().contains("contains letters"));
        // The messages spell out the limits literally; keep them in step.
        assert!(TooLong
            .message()
            .ends_with(&format!(" {MAX_DIGITS} digits")));
        assert!(TooShort
            .message()
            .ends_with(&format!(" {MIN_DIGITS} digits")));
    }
}
