#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

//! js/client.js lists each resource's methods (the operation is "resource.method") with their
//! number of id arguments, whether they take params and whether they are a POST (to draw an
//! Idempotency-Key). Those facts are the Rust operation table's: this test
//! keeps the two in step, so an endpoint is still described once.

use callingbox_core::ops::{Method, Shape, OPS};

#[test]
fn the_js_method_table_matches_the_operation_table() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../js/client.js"))
        .unwrap();
    let start = js.find("const OPERATIONS = {").unwrap();
    let table = &js[start..start + js[start..].find("\n};").unwrap()];
    let mut seen = Vec::new();
    let mut resource = "";
    for line in table.lines().skip(1) {
        let line = line.trim();
        // `numbers: {` opens a resource; `list: [0, true],` is one of its methods.
        if let Some(r) = line.strip_suffix(": {") {
            resource = r;
            continue;
        }
        let Some((method, rest)) = line.split_once(": [") else {
            continue;
        };
        let inner = &rest[..rest.rfind(']').unwrap()];
        let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
        let name = format!("{resource}.{method}");
        let op = OPS
            .iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("js/client.js names unknown operation {name}"));
        assert_eq!(
            parts[0].parse::<usize>().unwrap(),
            op.path_args.len(),
            "{name}: id arguments"
        );
        let takes_params = parts[1] == "true";
        let lists = matches!(op.shape, Shape::List(_) | Shape::Array(_));
        assert_eq!(
            takes_params,
            !op.params.is_empty() || lists,
            "{name}: takes params"
        );
        let post = parts.get(2) == Some(&"true");
        assert_eq!(post, op.method == Method::Post, "{name}: POST flag");
        seen.push(name);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen.len(),
        OPS.len(),
        "every operation has exactly one JS method"
    );
}
