//! Phone numbers as people type them: the E.164 syntax check of [`crate::e164`], then the
//! numbering-plan checks libphonenumber-js's `isPossiblePhoneNumber` makes (with its "max"
//! metadata): the country calling code is assigned, the national number has a length that
//! country uses, and a trunk prefix written after the code (`+44 (0)20 …`) is dropped as
//! libphonenumber drops it. [`parse`] also reads national input (`020 7946 0958`) given a
//! default country.
//!
//! The metadata is generated from libphonenumber-js (`phone_metadata.rs`, written by
//! scripts/gen-phone-metadata.mjs; [`SOURCE`] names the version). libphonenumber's per-region
//! regular expressions are not carried: where it matches a national number against its
//! pattern (to decide whether a leading digit is a trunk prefix), this module uses the
//! pattern's possible lengths and first digits instead. docs/phone-numbers.md says how
//! closely that agrees (bench/phone-agreement.mjs measures it).

use crate::e164::{self, E164Reason};
use crate::prelude::*;
use crate::text;

#[path = "phone_metadata.rs"]
#[rustfmt::skip]
mod metadata;

/// Where the numbering-plan data comes from (`libphonenumber-js <version>`).
pub use metadata::SOURCE;

/// One numbering plan (a region, or a non-geographic calling code), read from the tables.
#[derive(Clone, Copy)]
struct Plan {
    /// Its index in the tables.
    index: usize,
    /// The country calling code.
    code: u16,
    /// Bit n set: a national (significant) number of n digits is possible.
    lengths: u32,
    /// The digits the national-number pattern allows first (empty: any).
    first: &'static str,
    /// The international (IDD) prefix, when it is one literal.
    idd: &'static str,
    /// The trunk prefixes, in the order the regex tries them: `prefix=digits after it`,
    /// separated by spaces.
    trunks: &'static str,
}

impl Plan {
    /// Plan `index`, whose calling code is `code`.
    fn at(index: usize, code: u16) -> Option<Plan> {
        let r = usize::from(*metadata::RULE.get(index)?);
        let start = usize::from(*metadata::RULE_AT.get(r)?);
        let end = usize::from(*metadata::RULE_AT.get(r + 1)?);
        // The rule's fields, separated by one space (see `metadata::RULES`).
        let (first, rest) = next_field(metadata::RULES.get(start..end)?).unwrap_or_default();
        let (idd, trunks) = next_field(rest).unwrap_or_default();
        Some(Plan {
            index,
            code,
            lengths: u32::from(*metadata::LENGTHS.get(index)?) << 2,
            first,
            idd,
            trunks,
        })
    }

    fn region(&self) -> Option<&'static str> {
        let i = self.index * 2;
        metadata::REGION.get(i..i + 2).filter(|r| *r != "--")
    }
}

/// How a national number's length is wrong (libphonenumber's `validatePhoneNumberLength`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// Shorter than any number of the plan.
    TooShort,
    /// Longer than any number of the plan.
    TooLong,
    /// Between the shortest and the longest, but a length no number of the plan has.
    Invalid,
}

/// What is wrong with a phone number. `code()` is stable; `message()` is for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The E.164 syntax check failed (letters, a missing `+`, more than 15 digits, …).
    Syntax(E164Reason),
    /// No country or non-geographic service has this calling code (`+891…`).
    UnassignedCountryCode,
    /// The national number has a length no number of that calling code has.
    InvalidLength(Length, u16),
    /// The default country is not a region the metadata knows (ISO 3166-1 alpha-2).
    UnknownDefaultCountry,
}

impl Reason {
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Syntax(e) => e.code(),
            Reason::UnassignedCountryCode => "unassigned_country_code",
            Reason::InvalidLength(..) => "invalid_length",
            Reason::UnknownDefaultCountry => "unknown_default_country",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Reason::Syntax(e) => e.message(),
            Reason::UnassignedCountryCode => "has a country code that is not assigned".into(),
            Reason::InvalidLength(how, code) => {
                let mut s = String::from("is ");
                s.push_str(match how {
                    Length::TooShort => "too short for",
                    Length::TooLong => "too long for",
                    Length::Invalid => "not a possible length for",
                });
                s.push_str(" a number with country code +");
                text::push_uint(&mut s, u64::from(*code));
                s
            }
            Reason::UnknownDefaultCountry => "has an unknown default country".into(),
        }
    }
}

/// A phone number read by [`parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The canonical form, `+<country calling code><national number>`.
    pub e164: String,
    pub country_calling_code: u16,
    /// The region: the default country for national input, the only region of the calling
    /// code otherwise; `None` for a code several regions share (+1, +7, +44, …: telling
    /// them apart needs libphonenumber's per-region patterns) and for non-geographic codes.
    pub country: Option<&'static str>,
    /// The digits of an extension written after the number (`ext. 12`, `x12`, `;ext=12`).
    pub extension: Option<String>,
}

impl Parsed {
    /// The national (significant) number: the E.164 form after the calling code (no trunk
    /// prefix).
    pub fn national_number(&self) -> &str {
        let digits = code_digits(self.country_calling_code);
        self.e164.get(1 + digits..).unwrap_or_default()
    }
}

/// Checks an international number (`+…`) to be dialled and returns its canonical E.164
/// form: what libphonenumber-js's `isPossiblePhoneNumber` accepts, with the E.164 syntax
/// rules of [`e164::parse`] (so at most 15 digits, no letters). Never panics.
pub fn check(input: &str) -> Result<String, Reason> {
    dialable(input, None)
}

/// The E.164 form of a number to be dialled, as [`parse`] reads it, except that an extension
/// is not read apart: its letters are `contains_letters` (the API dials numbers, and dropping
/// the extension would reach someone else than the one meant). What the client checks every
/// phone-number parameter with; it links neither the extension reader nor the region names
/// (~0.6 KB of wasm gzip less than `parse`).
pub fn dialable(input: &str, default_country: Option<&str>) -> Result<String, Reason> {
    read(input, default_plan(default_country)?).map(|f| f.e164)
}

/// The default country's plan; an unknown region is an error.
fn default_plan(default_country: Option<&str>) -> Result<Option<Plan>, Reason> {
    match default_country {
        Some(r) => region_plan(r)
            .map(Some)
            .ok_or(Reason::UnknownDefaultCountry),
        None => Ok(None),
    }
}

/// Reads a phone number: international (`+44 20 7946 0958`), or national with a default
/// country (`020 7946 0958` with `GB`, case-insensitive). A default country that is not a
/// known region is an error whatever the input (libphonenumber ignores it for
/// international input; a typo there would otherwise surface only on the first national
/// number). Never panics.
pub fn parse(input: &str, default_country: Option<&str>) -> Result<Parsed, Reason> {
    let default = default_plan(default_country)?;
    let (number, extension) = split_extension(text::trim(input));
    let found = read(number, default)?;
    // National input read with the default country's calling code is that country's.
    let default_region = match default {
        Some(d) if found.national_input && d.code == found.plan.code => d.region(),
        _ => None,
    };
    Ok(Parsed {
        country: sole_region(&found.plan).or(default_region),
        country_calling_code: found.plan.code,
        e164: found.e164,
        extension: extension.map(String::from),
    })
}

/// An accepted number: its E.164 form, the plan it was checked with, and whether it was
/// written without `+` and without an IDD prefix.
struct Found {
    e164: String,
    plan: Plan,
    national_input: bool,
}

/// `default`: the default country's plan.
fn read(input: &str, default: Option<Plan>) -> Result<Found, Reason> {
    let out = e164::scan(input).map_err(Reason::Syntax)?;
    let Some(digits) = out.strip_prefix('+') else {
        // National input: the E.164 limits do not apply to national digits.
        return national(
            &out,
            default.ok_or(Reason::Syntax(E164Reason::MissingPlus))?,
        );
    };
    match e164::limits(&out) {
        Ok(()) => international(digits),
        // 16 digits or more: fine if a trunk prefix after the code was the excess (`finish`
        // checks the number's own length).
        Err(E164Reason::TooLong) => {
            international(digits).map_err(|_| Reason::Syntax(E164Reason::TooLong))
        }
        Err(e) => Err(Reason::Syntax(e)),
    }
}

/// Splits an extension off the end of `s`, as libphonenumber reads one: digits after
/// `ext`, `extn`, `extension` or `x` (any case; then optionally `.`, `:`, `=` or spaces), the
/// marker optionally after `;` or `,` (`;ext=12`, RFC 3966). Returns the number and the
/// extension's digits.
fn split_extension(s: &str) -> (&str, Option<&str>) {
    let b = s.as_bytes();
    let digits = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    let head = b.get(..b.len() - digits).unwrap_or_default();
    let seps = head
        .iter()
        .rev()
        .take_while(|c| matches!(c, b' ' | b'.' | b':' | b'='))
        .count();
    let word = head.get(..head.len() - seps).unwrap_or_default();
    let marker = ["extension", "extn", "ext", "x"].iter().find(|marker| {
        word.len() >= marker.len()
            && word
                .get(word.len() - marker.len()..)
                .is_some_and(|end| end.eq_ignore_ascii_case(marker.as_bytes()))
    });
    match marker {
        Some(m) if digits > 0 => {
            let mut end = word.len() - m.len();
            while end > 0 && matches!(b.get(end - 1), Some(b' ' | b';' | b',')) {
                end -= 1;
            }
            (s.get(..end).unwrap_or_default(), s.get(s.len() - digits..))
        }
        _ => (s, None),
    }
}

/// `digits`: everything after the `+`.
fn international(digits: &str) -> Result<Found, Reason> {
    let (plan, rest) = split_code(digits).ok_or(Reason::UnassignedCountryCode)?;
    finish(national_part(rest, &plan), plan)
}

/// National digits read with the default region's plan (libphonenumber's order: an IDD
/// prefix, then a trunk prefix). libphonenumber also reads digits that start with the
/// country's calling code written without `+` (`44 20 7946 0958` with GB) as international
/// when that makes a possible number; here those are read as national (and are usually too
/// long): 0.05 % of the agreement corpus, for ~190 B of wasm.
fn national(digits: &str, plan: Plan) -> Result<Found, Reason> {
    let idd = plan.idd;
    if !idd.is_empty() {
        if let Some(after) = digits.strip_prefix(idd) {
            // libphonenumber does not take it for an IDD prefix when a 0 follows.
            if !after.is_empty() && !after.starts_with('0') {
                return international(after);
            }
        }
    }
    let found = finish(national_part(digits, &plan), plan);
    found.map(|f| Found {
        national_input: true,
        ..f
    })
}

fn finish(national: &str, plan: Plan) -> Result<Found, Reason> {
    let code = plan.code;
    // libphonenumber's bounds for any national number, then the plan's lengths.
    let len = national.len();
    if len < 2 {
        return Err(Reason::InvalidLength(Length::TooShort, code));
    }
    if len > 17 {
        return Err(Reason::InvalidLength(Length::TooLong, code));
    }
    length_of(len, &plan).map_err(|how| Reason::InvalidLength(how, code))?;
    let mut e164 = String::with_capacity(len + 5);
    e164.push('+');
    text::push_uint(&mut e164, u64::from(code));
    e164.push_str(national);
    // What is sent must be E.164 too: dropping a trunk prefix can leave fewer than 7 digits,
    // and national input can make more than 15.
    e164::limits(&e164).map_err(Reason::Syntax)?;
    Ok(Found {
        e164,
        plan,
        national_input: false,
    })
}

/// libphonenumber's `checkNumberLength`, for a national number of `len` digits.
fn length_of(len: usize, plan: &Plan) -> Result<(), Length> {
    let lengths = plan.lengths;
    let min = lengths.trailing_zeros() as usize;
    let max = 31usize.saturating_sub(lengths.leading_zeros() as usize);
    if len == min {
        Ok(())
    } else if len < min {
        Err(Length::TooShort)
    } else if len > max {
        Err(Length::TooLong)
    } else if lengths & (1u32 << len) != 0 {
        Ok(())
    } else {
        Err(Length::Invalid)
    }
}

fn has_length(len: usize, plan: &Plan) -> bool {
    len < 32 && plan.lengths & (1u32 << len) != 0
}

/// Whether `digit` is one of the digits listed in `set`.
fn in_set(digit: Option<u8>, set: &str) -> bool {
    digit.is_some_and(|d| set.bytes().any(|b| b == d))
}

/// Stands in for "matches the plan's national-number pattern": a possible length and a
/// first digit the pattern allows.
fn matches(national: &str, plan: &Plan) -> bool {
    let first = plan.first;
    has_length(national.len(), plan) && (first.is_empty() || in_set(national.bytes().next(), first))
}

/// `number` without `prefix`, where `x` in `prefix` stands for any digit.
fn strip<'a>(number: &'a str, prefix: &str) -> Option<&'a str> {
    let head = number.get(..prefix.len())?;
    let same = head
        .bytes()
        .zip(prefix.bytes())
        .all(|(n, p)| n == p || (p == b'x' && n.is_ascii_digit()));
    if same {
        number.get(prefix.len()..)
    } else {
        None
    }
}

/// The first space-separated field of `s` and the rest (`None` when `s` is empty). Bytes, not
/// `str::split`: that one links the char-pattern searcher (~1 KB of wasm).
fn next_field(s: &str) -> Option<(&str, &str)> {
    if s.is_empty() {
        return None;
    }
    let end = s.bytes().position(|b| b == b' ').unwrap_or(s.len());
    Some((s.get(..end)?, s.get(end + 1..).unwrap_or_default()))
}

/// libphonenumber's `extractNationalNumber`: drops a trunk prefix unless the number is a
/// whole national number as it is and not after the change, or the result is too short or of
/// an impossible length.
fn national_part<'a>(number: &'a str, plan: &Plan) -> &'a str {
    // The regex stops at the first branch that matches: no other prefix is tried.
    let mut trunks = plan.trunks;
    while let Some((trunk, rest)) = next_field(trunks) {
        trunks = rest;
        let Some(eq) = trunk.bytes().position(|b| b == b'=') else {
            break;
        };
        let (prefix, next) = (
            trunk.get(..eq).unwrap_or_default(),
            trunk.get(eq + 1..).unwrap_or_default(),
        );
        let Some(after) = strip(number, prefix) else {
            continue;
        };
        let before_matches = has_length(number.len(), plan) && in_set(after.bytes().next(), next);
        if before_matches && !matches(after, plan) {
            return number;
        }
        // Also kept when dropping it would leave fewer digits than E.164 allows: then the
        // number as written is what is checked (and what a second check leaves alone).
        if code_digits(plan.code) + after.len() < e164::MIN_DIGITS {
            return number;
        }
        return match length_of(after.len(), plan) {
            Ok(()) | Err(Length::TooLong) => after,
            Err(_) => number,
        };
    }
    number
}

/// How many digits a calling code has.
fn code_digits(code: u16) -> usize {
    match code {
        0..=9 => 1,
        10..=99 => 2,
        _ => 3,
    }
}

/// Splits a calling code (1 to 3 digits; codes are prefix-free) off `digits`: the main plan
/// of that code and the rest. One pass over the codes: the candidates (the first 1, 2 and 3
/// digits) ascend as the codes do.
fn split_code(digits: &str) -> Option<(Plan, &str)> {
    let digit = |i: usize| {
        digits
            .as_bytes()
            .get(i)
            .map(|b| u16::from(b.wrapping_sub(b'0')))
    };
    let (mut len, mut want) = (1, digit(0)?);
    if want == 0 {
        return None; // no calling code starts with 0
    }
    let mut code = 0u16;
    for (i, &step) in metadata::CODE_STEP.iter().enumerate() {
        code += u16::from(step);
        while code > want {
            if len == 3 {
                return None;
            }
            want = want * 10 + digit(len)?;
            len += 1;
        }
        if code == want {
            return Some((Plan::at(i, code)?, digits.get(len..)?));
        }
    }
    None
}

/// The region of a main plan if no other region shares its calling code.
fn sole_region(main: &Plan) -> Option<&'static str> {
    if metadata::CODE_STEP.get(main.index + 1) == Some(&0) {
        return None;
    }
    main.region()
}

/// Whether `region` is an ISO 3166-1 alpha-2 code the metadata has a numbering plan for
/// (case-insensitive): what a default country may be.
pub fn is_region(region: &str) -> bool {
    region_plan(region).is_some()
}

fn region_plan(region: &str) -> Option<Plan> {
    let r = region.as_bytes();
    if r.len() != 2 {
        return None;
    }
    let key = [
        r.first()?.to_ascii_uppercase(),
        r.get(1)?.to_ascii_uppercase(),
    ];
    let i = metadata::REGION
        .as_bytes()
        .chunks_exact(2)
        .position(|name| name == key)?;
    let steps = metadata::CODE_STEP.get(..=i)?;
    let code = steps.iter().map(|&s| u16::from(s)).sum();
    Plan::at(i, code).filter(|p| p.region().is_some())
}
