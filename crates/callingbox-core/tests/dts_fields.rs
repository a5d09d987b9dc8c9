#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

//! The hand-written TypeScript declarations (js/index.d.ts) and the Rust decoding tables
//! (src/core/ops.rs) describe the same resources: every documented field of every resource
//! is declared on its interface, and the interface declares nothing the table lacks.

use callingbox_core::ops::Resource;

fn interface<'a>(dts: &'a str, name: &str) -> &'a str {
    let start = dts
        .find(&format!("export interface {name} {{"))
        .unwrap_or_else(|| panic!("index.d.ts has no interface {name}"));
    let body = &dts[start..];
    &body[..body.find("\n}").unwrap()]
}

#[test]
fn declarations_match_the_decoding_tables() {
    let dts = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../js/index.d.ts"))
        .unwrap();
    let all = [
        Resource::PhoneNumber,
        Resource::AvailableNumber,
        Resource::Agent,
        Resource::Call,
        Resource::Transcript,
        Resource::TranscriptSegment,
        Resource::WebhookEndpoint,
        Resource::WebhookDelivery,
        Resource::Deleted,
    ];
    for r in all {
        let body = interface(&dts, r.name());
        let declared: Vec<&str> = body
            .lines()
            .skip(1)
            .map(str::trim)
            .filter(|l| {
                !l.starts_with("/*")
                    && !l.starts_with('*')
                    && !l.starts_with("//")
                    && l.contains(':')
            })
            .map(|l| l.split(':').next().unwrap().trim_end_matches('?'))
            .collect();
        for (field, _) in r.fields() {
            assert!(
                declared.contains(field),
                "{}: field {field} is decoded but not declared in index.d.ts",
                r.name()
            );
        }
        for d in &declared {
            assert!(
                r.fields().iter().any(|(f, _)| f == d),
                "{}: index.d.ts declares {d}, which the decoding table lacks",
                r.name()
            );
        }
    }
}
