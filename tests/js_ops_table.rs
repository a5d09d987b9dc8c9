#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

//! js/client.js names each method's operation, its number of id arguments and whether it is a
//! POST (to draw an Idempotency-Key). Those facts are the Rust operation table's: this test
//! keeps the two in step, so an endpoint is still described once.

use callingbox::core::ops::{Method, Shape, OPS};

#[test]
fn the_js_method_table_matches_the_operation_table() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/js/client.js")).unwrap();
    let start = js.find("const OPERATIONS = {").unwrap();
    let table = &js[start..start + js[start..].find("\n};").unwrap()];
    let mut seen = Vec::new();
    for line in table.lines() {
        let Some(open) = line.find("[\"") else {
            continue;
        };
        let inner = &line[open + 1..line.rfind(']').unwrap()];
        let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
        let name = parts[0].trim_matches('"');
        let op = OPS
            .iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("js/client.js names unknown operation {name}"));
        let method = line.trim().split(':').next().unwrap();
        assert_eq!(name.split('.').nth(1), Some(method), "{name}: method name");
        assert_eq!(
            parts[1].parse::<usize>().unwrap(),
            op.path_args.len(),
            "{name}: id arguments"
        );
        let takes_params = parts[2] == "true";
        let lists = matches!(op.shape, Shape::List(_) | Shape::Array(_));
        assert_eq!(
            takes_params,
            !op.params.is_empty() || lists,
            "{name}: takes params"
        );
        let post = parts.get(3) == Some(&"true");
        assert_eq!(post, op.method == Method::Post, "{name}: POST flag");
        seen.push(name.to_string());
    }
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen.len(),
        OPS.len(),
        "every operation has exactly one JS method"
    );
}
