//! The Rust half of bench/phone-agreement.mjs (a benchmark, not a test): reads the corpus the
//! bench wrote (PHONE_CORPUS), times `phone::parse` over it, prints agreement with
//! libphonenumber-js by kind, and checks that the shipped wasm (the bench's sixth column:
//! what callingbox/phone's `checkPhoneNumbers` answered, which the bench checks against
//! `checkPhoneNumber`'s) gave the same verdicts as this native build. Run by
//! `node bench/phone-agreement.mjs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use callingbox_core::phone;

fn main() {
    use std::collections::BTreeMap;
    let path = std::env::var("PHONE_CORPUS").expect("PHONE_CORPUS");
    let text = std::fs::read_to_string(path).unwrap();
    let unesc = |s: &str| {
        let mut out = String::new();
        let mut it = s.chars();
        while let Some(c) = it.next() {
            if c == '\\' {
                match it.next() {
                    Some('t') => out.push('\t'),
                    Some('n') => out.push('\n'),
                    Some(c) => out.push(c),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    let mut wasm = Vec::new();
    let rows: Vec<(String, String, String, bool, String)> = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            wasm.push(f.get(5).copied().unwrap_or_default().to_string());
            (
                f[0].to_string(),
                unesc(f[1]),
                f[2].to_string(),
                f[3] == "1",
                f[4].to_string(),
            )
        })
        .collect();
    let differ: Vec<&str> = rows
        .iter()
        .zip(&wasm)
        .filter(|((_, input, d, _, _), w)| {
            let d = (!d.is_empty()).then_some(d.as_str());
            phone::parse(input, d).map(|p| p.e164).unwrap_or_default() != **w
        })
        .map(|((_, input, _, _, _), _)| input.as_str())
        .collect();
    println!(
        "the package's wasm and this native build: {} of {} verdicts differ{}",
        differ.len(),
        rows.len(),
        if differ.is_empty() {
            String::new()
        } else {
            format!(" (e.g. {:?})", &differ[..differ.len().min(5)])
        }
    );
    fn dc(d: &str) -> Option<&str> {
        (!d.is_empty()).then_some(d)
    }
    // Speed: best of 5 rounds over the corpus.
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = std::time::Instant::now();
        let mut n = 0usize;
        for (_, input, d, _, _) in &rows {
            n += usize::from(std::hint::black_box(phone::parse(input, dc(d))).is_ok());
        }
        std::hint::black_box(n);
        best = best.min(t.elapsed().as_nanos() as f64);
    }
    let ours_ns = best / rows.len() as f64;
    struct Kind {
        n: usize,
        agree: usize,
        both_ok: usize,
        same_e164: usize,
        examples: BTreeMap<&'static str, Vec<String>>,
    }
    let mut kinds: BTreeMap<String, Kind> = BTreeMap::new();
    for (kind, input, d, lpn_ok, lpn_e164) in &rows {
        let k = kinds.entry(kind.clone()).or_insert(Kind {
            n: 0,
            agree: 0,
            both_ok: 0,
            same_e164: 0,
            examples: BTreeMap::new(),
        });
        k.n += 1;
        let ours = phone::parse(input, dc(d));
        let what = match (&ours, lpn_ok) {
            (Ok(p), true) => {
                k.both_ok += 1;
                if &p.e164 == lpn_e164 {
                    k.same_e164 += 1;
                    k.agree += 1;
                    None
                } else {
                    Some(("both accept, E.164 differs", format!("{p:?}")))
                }
            }
            (Err(_), false) => {
                k.agree += 1;
                None
            }
            (Ok(p), false) => Some(("we accept, libphonenumber rejects", p.e164.clone())),
            (Err(e), true) => Some(("we reject, libphonenumber accepts", e.code().to_string())),
        };
        if let Some((label, ours)) = what {
            let v = k.examples.entry(label).or_default();
            if v.len() < 4 {
                v.push(format!("{input:?} [{d}] ours {ours}, lpn {lpn_e164}"));
            }
        }
    }
    let total: usize = kinds.values().map(|k| k.n).sum();
    let agree: usize = kinds.values().map(|k| k.agree).sum();
    println!(
        "{:<28} {:>6} {:>9} {:>14}",
        "kind", "inputs", "agree %", "same E.164 %"
    );
    for (name, k) in &kinds {
        println!(
            "{:<28} {:>6} {:>9.2} {:>14}",
            name,
            k.n,
            100.0 * k.agree as f64 / k.n as f64,
            if k.both_ok == 0 {
                "-".to_string()
            } else {
                format!("{:.2}", 100.0 * k.same_e164 as f64 / k.both_ok as f64)
            }
        );
    }
    println!(
        "{:<28} {:>6} {:>9.2}",
        "all",
        total,
        100.0 * agree as f64 / total as f64
    );
    let lpn_ns: f64 = std::env::var("LPN_NS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    println!(
        "speed: phone::parse {ours_ns:.0} ns/number (native, release), isPossiblePhoneNumber {lpn_ns:.0} ns/number: {:.0}x",
        lpn_ns / ours_ns
    );
    for (name, k) in &kinds {
        for (label, ex) in &k.examples {
            println!("{name}: {label}:");
            for e in ex {
                println!("    {e}");
            }
        }
    }
}
