#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

//! Deterministic fuzzing of everything that reads outside input: the JSON parser, E.164,
//! response decoding and request building must return a `Result` — never panic (a panic
//! poisons the wasm instance) — whatever the bytes. Mutations of valid documents reach deep
//! paths that random bytes would not.

use callingbox_core::e164;
use callingbox_core::json::Value;
use callingbox_core::ops::OPS;
use callingbox_core::request::{build, ClientConfig};
use callingbox_core::response::decode;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `v` with every string value emptied (member names kept): what `parse_shape` gives.
fn blank(v: &Value) -> Value {
    match v {
        Value::String(_) => Value::String(String::new()),
        Value::Array(a) => Value::Array(a.iter().map(blank).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), blank(x))).collect()),
        other => other.clone(),
    }
}

const ALPHABET: &[u8] = b"{}[]\":,0123456789.-+eEtrufalsn \\/u\x01\xc3\xa9abc+() ";

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut bytes = seed.as_bytes().to_vec();
    for _ in 0..=rng.below(4) {
        let at = if bytes.is_empty() {
            0
        } else {
            rng.below(bytes.len())
        };
        match rng.below(4) {
            0 if !bytes.is_empty() => {
                bytes.remove(at);
            }
            1 => bytes.insert(at, ALPHABET[rng.below(ALPHABET.len())]),
            2 => bytes.truncate(at),
            _ => {
                if let Some(b) = bytes.get_mut(at) {
                    *b = ALPHABET[rng.below(ALPHABET.len())];
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn outside_input_never_panics() {
    let fixtures: Vec<String> = [
        "call",
        "agent",
        "transcript",
        "list_envelope",
        "error",
        "webhook_delivery",
    ]
    .iter()
    .map(|n| {
        std::fs::read_to_string(format!(
            "{}/../../tests/fixtures/{n}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    })
    .collect();
    let cfg = ClientConfig::new(Some("sk_test_fuzz_key_1"), None, None, vec![]).unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut parsed = 0;
    for i in 0..30_000 {
        let doc = mutate(&mut rng, &fixtures[i % fixtures.len()]);
        let full = Value::parse(&doc);
        if full.is_ok() {
            parsed += 1;
        }
        // The shape-only parse (what response checks use) accepts exactly the same texts,
        // with the same structure and types.
        assert_eq!(full.map(|v| blank(&v)), Value::parse_shape(&doc), "{doc}");
        let op = &OPS[i % OPS.len()];
        let status = [200u16, 201, 204, 400, 404, 429, 500, 502][i % 8];
        let _ = decode(op, status, &doc, Some("req"), &["id"], Some("loc"));
        let _ = e164::parse(&mutate(&mut rng, "+1 (415) 555-0123"));
        if let Ok(params) = Value::parse(&mutate(
            &mut rng,
            r#"{"agent_id":"a","to":"+14155550123","limit":5,"context":{"x":[1,2]}}"#,
        )) {
            let _ = build(
                &cfg,
                op,
                &["x"; 2][..op.path_args.len()],
                Some(&params),
                Some("k"),
            );
        }
    }
    assert!(
        parsed > 1_000,
        "mutations should still often be valid JSON ({parsed})"
    );
}
