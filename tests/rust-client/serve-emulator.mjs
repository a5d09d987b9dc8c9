// The HTTP emulator for the Rust client's wasm tests (scripts/test-rust-client.sh): prints
// `listening on <url>` and serves until killed. Its admin routes also answer the page origins
// given as arguments (the Chromium run's wasm-bindgen-test page queues faults and reads stats).
// Usage: node tests/rust-client/serve-emulator.mjs [admin origin...]
import { startEmulatorServer } from "../../pkg/emulator-node.js";

const server = await startEmulatorServer({ port: 0, adminOrigins: process.argv.slice(2) });
console.log(`listening on ${server.url}`);
const stop = () => server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
