// The HTTP emulator for the Rust client's wasm tests (scripts/test-rust-client.sh): prints
// `listening on <url>` and serves until killed. Its admin routes also answer the page origins
// given as arguments (the Chromium run's wasm-bindgen-test page queues faults and reads stats).
// Beside it, a hostile server (`hostile on <url>`): under /endless/ every answer is a 200
// whose chunked body never ends, under /endless-error/ a 500 whose body never ends (each
// stops when the client lets the connection go), under /hang/ there is never an answer;
// GET /__open says how many of those requests' connections are still open, and how many
// requests reached /hang/.
// Usage: node tests/rust-client/serve-emulator.mjs [admin origin...]
import { createServer } from "node:http";
import { startEmulatorServer } from "../../pkg/emulator-node.js";

const server = await startEmulatorServer({ port: 0, adminOrigins: process.argv.slice(2) });
console.log(`listening on ${server.url}`);

const chunk = Buffer.alloc(64 * 1024, " ");
const open = new Set();
let hung = 0;
const hostile = createServer((req, res) => {
  // Any page may call it (the Chromium run's page is another origin); the client's own
  // headers (Authorization) need a preflight.
  res.setHeader("access-control-allow-origin", "*");
  if (req.method === "OPTIONS") {
    res.writeHead(204, {
      "access-control-allow-methods": "GET, POST, PATCH, PUT, DELETE",
      "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "",
    });
    return res.end();
  }
  if (req.url === "/__open") return res.end(JSON.stringify({ open: open.size, hung }));
  open.add(req.socket);
  req.socket.once("close", () => open.delete(req.socket));
  req.resume();
  if (req.url.startsWith("/hang/")) return void hung++;
  res.writeHead(req.url.startsWith("/endless-error/") ? 500 : 200, { "content-type": "application/json" });
  const more = () => {
    while (!res.destroyed && res.write(chunk));
  };
  res.on("drain", more);
  more();
});
hostile.listen(0, "127.0.0.1", () => console.log(`hostile on http://127.0.0.1:${hostile.address().port}`));
const stop = () => { hostile.close(); hostile.closeAllConnections(); return server.close().then(() => process.exit(0)); };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
