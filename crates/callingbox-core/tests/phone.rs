#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

//! `phone::check` / `phone::parse`: the examples of docs/phone-numbers.md, each reason, and
//! properties (nothing panics; accepted output is canonical E.164 that checks again to
//! itself). The Rust half of bench/phone-agreement.mjs is examples/phone_agreement.rs.

use callingbox_core::e164::{self, E164Reason};
use callingbox_core::phone::{self, Length, Parsed, Reason};
use proptest::prelude::*;

fn ok(input: &str) -> String {
    phone::check(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"))
}

#[test]
fn international_examples() {
    assert_eq!(ok("+1 (415) 555-0100"), "+14155550100");
    assert_eq!(ok("+44 20 7946 0958"), "+442079460958");
    // A trunk 0 after the code is dropped as libphonenumber drops it.
    assert_eq!(ok("+44 (0)20 7946 0958"), "+442079460958");
    assert_eq!(ok("+4402079460958"), "+442079460958");
    // …but not where the digit belongs to the number: +7 800 is a Russian toll-free range.
    assert_eq!(ok("+7 800 555 35 35"), "+78005553535");
    assert_eq!(ok("+7 8 800 555 35 35"), "+78005553535");
    assert_eq!(ok("+1 1 212 555 1234"), "+12125551234");
    // Non-geographic calling codes are assigned.
    assert_eq!(ok("+800 1234 5678"), "+80012345678");
    assert_eq!(ok("+683 7290"), "+6837290");
}

#[test]
fn unassigned_and_lengths() {
    assert_eq!(
        phone::check("+89116639560"),
        Err(Reason::UnassignedCountryCode)
    );
    assert_eq!(
        phone::check("+861370611688677"),
        Err(Reason::InvalidLength(Length::TooLong, 86))
    );
    assert_eq!(
        phone::check("+525550995"),
        Err(Reason::InvalidLength(Length::TooShort, 52))
    );
    // GB has 7, 9 and 10 digit numbers: 8 is between them.
    assert_eq!(
        phone::check("+44 1234 5678"),
        Err(Reason::InvalidLength(Length::Invalid, 44))
    );
    let e = Reason::InvalidLength(Length::TooShort, 52);
    assert_eq!(e.code(), "invalid_length");
    assert_eq!(
        e.message(),
        "is too short for a number with country code +52"
    );
    assert_eq!(
        Reason::UnassignedCountryCode.code(),
        "unassigned_country_code"
    );
}

#[test]
fn extensions_are_read_apart_and_never_dialled() {
    for (input, number) in [
        ("+1 415 555 0100 ext 12", "+14155550100"),
        ("+1 415 555 0100 ext. 12", "+14155550100"),
        ("+1 415 555 0100 EXTENSION: 12", "+14155550100"),
        ("+1 415 555 0100 extn 12", "+14155550100"),
        ("+1 415 555 0100 x12", "+14155550100"),
        ("+1 415 555 0100;ext=12", "+14155550100"),
        ("+44 20 7946 0958, ext 12", "+442079460958"),
    ] {
        let p = phone::parse(input, None).unwrap();
        assert_eq!(
            (p.e164.as_str(), p.extension.as_deref()),
            (number, Some("12")),
            "{input}"
        );
        // Where a number is dialled, an extension is letters: never dropped silently.
        let e = phone::check(input).unwrap_err();
        assert_eq!(e, Reason::Syntax(E164Reason::ContainsLetters), "{input}");
        assert!(e.message().contains("extension"), "{}", e.message());
        assert_eq!(phone::dialable(input, None), Err(e));
    }
    assert_eq!(
        phone::parse("020 7946 0958 x7", Some("GB"))
            .unwrap()
            .extension
            .as_deref(),
        Some("7")
    );
    assert_eq!(
        phone::parse("+1 415 555 0100", None).unwrap().extension,
        None
    );
    // Like libphonenumber-js's isPossiblePhoneNumber: no vanity letters, no tel: scheme.
    for input in [
        "+1 800 FLOWERS",
        "tel:+14155550100",
        "+1 415 555 01O0",
        "+1 415 555 0100 ext",
    ] {
        assert_eq!(
            phone::parse(input, None),
            Err(Reason::Syntax(E164Reason::ContainsLetters)),
            "{input}"
        );
    }
}

#[test]
fn what_is_sent_is_e164_after_the_trunk_prefix_goes() {
    // Dropping the trunk 0 would leave 6 digits, too few for E.164: it stays (or the number
    // is refused when it is then of no possible length), and a second check agrees.
    for input in ["+43 0 0234", "+49 (0) 2345", "+98 0 0234", "+43000000"] {
        match phone::check(input) {
            Ok(e) => {
                assert!(e164::is_canonical(&e), "{input} -> {e}");
                assert_eq!(phone::check(&e), Ok(e.clone()), "{input} -> {e}");
            }
            Err(r) => assert_eq!(r.code(), "invalid_length", "{input}"),
        }
    }
    assert_eq!(phone::check("+43000000"), Ok("+4300000".into()));
    // National input that makes more than 15 digits, and that makes fewer than 7.
    for (input, why) in [
        ("12345678901234", E164Reason::TooLong),
        ("0234", E164Reason::TooShort),
    ] {
        assert_eq!(phone::dialable(input, Some("DE")), Err(Reason::Syntax(why)));
    }
    // Not a fixed point, like libphonenumber: the first pass is what the client sends.
    let once = phone::check("+20 00 23456789").unwrap();
    assert_eq!(once, "+20023456789");
    assert!(phone::check(&once).is_ok());
}

#[test]
fn syntax_reasons_are_e164s() {
    for (input, want) in [
        ("", E164Reason::Empty),
        ("+1 800 FLOWERS", E164Reason::ContainsLetters),
        ("+1#4155550123", E164Reason::InvalidCharacter('#')),
        ("+1 415+5550123", E164Reason::MisplacedPlus),
        ("+0 415 555 0123", E164Reason::CountryCodeLeadingZero),
        ("+1234567890123456", E164Reason::TooLong),
        ("+12345", E164Reason::TooShort),
    ] {
        let got = phone::check(input);
        assert_eq!(got, Err(Reason::Syntax(want)), "{input:?}");
        assert_eq!(got.unwrap_err().code(), want.code());
    }
    // National input without a default country.
    let e = phone::check("14155550123").unwrap_err();
    assert_eq!(e, Reason::Syntax(E164Reason::MissingPlus));
    assert_eq!(e.code(), "missing_plus");
    assert!(
        e.message().contains("give a default country"),
        "{}",
        e.message()
    );
    assert!(e.message().contains("default country"));
}

#[test]
fn national_input() {
    let p = phone::parse("(415) 555-0100", Some("US")).unwrap();
    assert_eq!(
        p,
        Parsed {
            e164: "+14155550100".into(),
            country_calling_code: 1,
            country: Some("US"),
            extension: None,
        }
    );
    let p = phone::parse("020 7946 0958", Some("gb")).unwrap();
    assert_eq!(p.e164, "+442079460958");
    assert_eq!(p.national_number(), "2079460958");
    assert_eq!(p.country, Some("GB"));
    // 8 is Russia's trunk prefix.
    assert_eq!(
        phone::parse("8 (800) 555-35-35", Some("RU")).unwrap().e164,
        "+78005553535"
    );
    // The calling code written without +, and an IDD prefix.
    assert_eq!(
        phone::parse("1 415 555 0100", Some("US")).unwrap().e164,
        "+14155550100"
    );
    assert_eq!(
        phone::parse("00 33 1 23 45 67 89", Some("GB"))
            .unwrap()
            .e164,
        "+33123456789"
    );
    // International input ignores the default country; a shared code names no region.
    let p = phone::parse("+33 1 23 45 67 89", Some("US")).unwrap();
    assert_eq!((p.country_calling_code, p.country), (33, Some("FR")));
    assert_eq!(phone::parse("+1 415 555 0100", None).unwrap().country, None);
    // The default country names national input only.
    assert_eq!(
        phone::parse("+1 415 555 0100", Some("CA")).unwrap().country,
        None
    );
    assert_eq!(
        phone::parse("(416) 555-0100", Some("ca")).unwrap().country,
        Some("CA")
    );
    assert_eq!(
        phone::parse("011 44 20 7946 0958", Some("US"))
            .unwrap()
            .country,
        None
    );
    assert_eq!(
        phone::parse("011 33 1 23 45 67 89", Some("US"))
            .unwrap()
            .country,
        Some("FR")
    );
    // An unknown default country is an error even for international input (libphonenumber
    // ignores it there), so that a typo does not wait for the first national number.
    assert_eq!(
        phone::parse("+33 1 23 45 67 89", Some("XX")),
        Err(Reason::UnknownDefaultCountry)
    );
    assert!(phone::is_region("gb") && phone::is_region("US"));
    assert!(!phone::is_region("XX") && !phone::is_region("GBR") && !phone::is_region("--"));
    assert_eq!(
        phone::parse("020 7946 0958", None),
        Err(Reason::Syntax(E164Reason::MissingPlus))
    );
    assert_eq!(
        phone::parse("020 7946 0958", Some("XX")),
        Err(Reason::UnknownDefaultCountry)
    );
    assert_eq!(
        phone::parse("020 7946 0958", Some("GBR")),
        Err(Reason::UnknownDefaultCountry)
    );
    // As in libphonenumber: the 0 stays when the number without it has no possible length.
    assert_eq!(
        phone::parse("020 7946 09", Some("GB")).unwrap().e164,
        "+44020794609"
    );
    assert_eq!(
        phone::parse("020 79", Some("GB")),
        Err(Reason::InvalidLength(Length::TooShort, 44))
    );
    assert_eq!(
        phone::parse("020 ABC", Some("GB")),
        Err(Reason::Syntax(E164Reason::ContainsLetters))
    );
    assert_eq!(
        phone::parse(" - ", Some("GB")),
        Err(Reason::Syntax(E164Reason::Empty))
    );
    assert!(phone::SOURCE.starts_with("libphonenumber-js "));
}

#[test]
fn every_reason_has_a_distinct_code() {
    let mut codes = vec![
        Reason::UnassignedCountryCode.code(),
        Reason::InvalidLength(Length::TooLong, 1).code(),
        Reason::UnknownDefaultCountry.code(),
    ];
    for e in [
        E164Reason::Empty,
        E164Reason::ContainsLetters,
        E164Reason::InvalidCharacter('#'),
        E164Reason::MissingPlus,
        E164Reason::MisplacedPlus,
        E164Reason::CountryCodeLeadingZero,
        E164Reason::TooLong,
        E164Reason::TooShort,
    ] {
        codes.push(Reason::Syntax(e).code());
    }
    let n = codes.len();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), n);
}

fn phoneish() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[+]?[0-9 ()\\-.+a\u{a0}é#]{0,24}").unwrap()
}

fn region() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        Just("US".to_string()),
        Just("GB".to_string()),
        Just("RU".to_string()),
        Just("AR".to_string()),
        Just("BY".to_string()),
        Just("JP".to_string()),
        "[A-Za-z]{0,3}",
        any::<String>(),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Nothing panics on any string, with or without a default country.
    #[test]
    fn never_panics(input in any::<String>(), dc in region()) {
        let _ = phone::check(&input);
        let _ = phone::parse(&input, dc.as_deref());
    }

    /// On phone-like input: what is accepted is canonical E.164 that checks to itself, and the
    /// parts add up.
    #[test]
    fn accepted_is_canonical(input in phoneish(), dc in region()) {
        if let Ok(p) = phone::parse(&input, dc.as_deref()) {
            prop_assert!(e164::is_canonical(&p.e164), "{:?} -> {:?}", input, p);
            // Possible again, though not always unchanged: a second pass may drop one more
            // trunk 0 (`+20 00 2…` → `+20 02…` → `+20 2…`), as libphonenumber's would.
            prop_assert!(phone::check(&p.e164).is_ok(), "{:?} -> {:?}", input, p);
            let mut want = String::from("+");
            want.push_str(&p.country_calling_code.to_string());
            want.push_str(p.national_number());
            prop_assert_eq!(&want, &p.e164);
        }
        // check() never accepts what e164 rejects.
        if e164::parse(&input).is_err() {
            prop_assert!(phone::check(&input).is_err());
        }
    }
}
