//! E.164 phone numbers: `+`, a country code that does not start with 0, at most 15 digits
//! in all (ITU-T E.164). Users may write the usual separators (`+1 (415) 555-0123`);
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
/// ITU-T E.164 allows at most 15 digits, the country code included.
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
            E164Reason::ContainsLetters => {
                "contains letters (an extension such as \"ext. 12\" cannot be dialled)".into()
            }
            E164Reason::InvalidCharacter(c) => {
                let mut m = String::from("contains an invalid character \"");
                m.push(*c);
                m.push('"');
                m
            }
            E164Reason::MissingPlus => {
                "is missing the leading + (write +<country code><number>, or give a default country)".into()
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

/// Validates and canonicalises a phone number. Never panics, whatever the input.
pub fn parse(input: &str) -> Result<String, E164Reason> {
    let out = scan(input)?;
    limits(&out)?;
    Ok(out)
}

/// The syntax rules alone: the digits of `input`, after a `+` if it starts with one; no
/// letters, only the separators ` -.()` and U+00A0, at least one digit. Never panics.
///
/// Works on bytes (every character that can be valid is ASCII, or U+00A0): one pass with
/// no char decoding, except to name a non-ASCII character in an error. Bulk validation is
/// a use case (the E.164 benchmark in bench/ measures it).
pub fn scan(input: &str) -> Result<String, E164Reason> {
    let s = trim(input);
    let bytes = s.as_bytes();
    // A letter anywhere wins over any other complaint (ASCII letters are single bytes).
    if bytes.iter().any(u8::is_ascii_alphabetic) {
        return Err(E164Reason::ContainsLetters);
    }
    // The digits (and a leading +) are copied a run at a time, between separators.
    let mut out = String::with_capacity(s.len());
    let mut run = 0;
    let mut digits = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let separator = match b {
            b'0'..=b'9' => {
                digits += 1;
                0
            }
            b'+' if i == 0 => 0,
            b'+' => return Err(E164Reason::MisplacedPlus),
            b' ' | b'-' | b'.' | b'(' | b')' => 1,
            _ => {
                // A no-break space is a separator too; anything else is named in the error.
                let c = s
                    .get(i..)
                    .and_then(|rest| rest.chars().next())
                    .unwrap_or('?');
                if c != '\u{a0}' {
                    return Err(E164Reason::InvalidCharacter(c));
                }
                c.len_utf8()
            }
        };
        if separator > 0 {
            out.push_str(s.get(run..i).unwrap_or_default());
            run = i + separator;
        }
        i += separator.max(1);
    }
    out.push_str(s.get(run..).unwrap_or_default());
    if digits == 0 {
        return Err(E164Reason::Empty);
    }
    Ok(out)
}

/// The rules of E.164 for what [`scan`] read: a `+`, a country code that does not start
/// with 0, 7 to 15 digits.
pub fn limits(out: &str) -> Result<(), E164Reason> {
    let digits = out.len().saturating_sub(1);
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
    Ok(())
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

    /// The byte-level parser agrees with the plain char-by-char statement of the rules on
    /// random mixes of digits, separators, `+`, letters and non-ASCII text.
    #[test]
    fn agrees_with_the_char_by_char_rules() {
        fn reference(input: &str) -> Result<String, E164Reason> {
            let s = trim(input);
            if s.chars().any(|c| c.is_ascii_alphabetic()) {
                return Err(E164Reason::ContainsLetters);
            }
            let mut out = String::new();
            let mut digits = 0;
            for (i, c) in s.char_indices() {
                match c {
                    '0'..='9' => {
                        digits += 1;
                        out.push(c);
                    }
                    '+' if i == 0 => out.push('+'),
                    '+' => return Err(E164Reason::MisplacedPlus),
                    ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
                    c => return Err(E164Reason::InvalidCharacter(c)),
                }
            }
            match () {
                _ if digits == 0 => Err(E164Reason::Empty),
                _ if !out.starts_with('+') => Err(E164Reason::MissingPlus),
                _ if out.as_bytes().get(1) == Some(&b'0') => {
                    Err(E164Reason::CountryCodeLeadingZero)
                }
                _ if digits > MAX_DIGITS => Err(E164Reason::TooLong),
                _ if digits < MIN_DIGITS => Err(E164Reason::TooShort),
                _ => Ok(out),
            }
        }
        let pieces = [
            "0",
            "1",
            "4",
            "9",
            "+",
            " ",
            "-",
            ".",
            "(",
            ")",
            "\u{a0}",
            "x",
            "é",
            "☃",
            "👋",
            "\t",
            "/",
            "#",
            "\u{2007}",
            "44",
            "415",
            "\u{a0}\u{a0}",
        ];
        let mut seed: u64 = 0x5eed_e164;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        for _ in 0..20_000 {
            let mut input = String::new();
            if next(2) == 0 {
                input.push('+');
            }
            for _ in 0..next(18) {
                input.push_str(pieces[next(pieces.len())]);
            }
            assert_eq!(parse(&input), reference(&input), "{input:?}");
        }
    }
}
