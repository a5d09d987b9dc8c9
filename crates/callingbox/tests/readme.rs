//! The README's "From Rust" example is this file's `from_rust` body: compiled here, and shown
//! verbatim in README.md (checked below), so the snippet cannot drift from the API.

// Native: wasm32 runs tests/wasm.rs.
#![cfg(not(target_arch = "wasm32"))]

use callingbox::{CallCreateParams, Client, Error, RequestOptions};

#[allow(dead_code)]
async fn from_rust(agent_id: &str) -> Result<(), Box<dyn std::error::Error>> {
    // BEGIN README
    let client = Client::new(std::env::var("CALLINGBOX_API_KEY")?)?;
    match client
        .calls()
        .create(CallCreateParams::new(agent_id, "+15551234567"))
        .await
    {
        Ok(call) => println!("{} {:?}", call.id, call.status),
        // Resend with the same key: the original result, never a second call.
        Err(Error::OutcomeUnknown {
            idempotency_key: Some(key),
            ..
        }) => {
            let again = client.with_options(RequestOptions::new().idempotency_key(key));
            again
                .calls()
                .create(CallCreateParams::new(agent_id, "+15551234567"))
                .await?;
        }
        Err(e) => return Err(e.into()),
    }
    // END README
    Ok(())
}

#[test]
fn the_readme_shows_the_compiled_example() {
    let source = include_str!("readme.rs");
    let body = source
        .split("// BEGIN README\n")
        .nth(1)
        .and_then(|rest| rest.split("    // END README").next())
        .unwrap_or_default();
    let snippet: String = body
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix("    ").unwrap_or(l)))
        .collect();
    assert!(!snippet.is_empty());
    let readme = include_str!("../../../README.md");
    assert!(
        readme.contains(&format!("```rust\nuse callingbox::{{CallCreateParams, Client, Error, RequestOptions}};\n\n{snippet}```")),
        "README.md's \"From Rust\" block must be exactly:\n{snippet}"
    );
}
