// The README's main command (`npm start`): the whole CallingBox story against the built-in
// emulator served over real HTTP on 127.0.0.1 — no API key, no phone rings.
// In your own code, import from "callingbox" and "callingbox/emulator"; this file imports the
// freshly built package in ../pkg so it runs straight from a clone.
import { CallingBox, APIError } from "../pkg/node.js";
import { startEmulatorServer } from "../pkg/emulator-node.js";

const SPEED = Number(process.env.DEMO_SPEED || 40); // virtual seconds per real second
// Money: the API counts calls in milli-cents (1/1000 ¢) and numbers in cents; print dollars
// and cents, rounded half up to the cent.
const dollars = (cents) => `$${(Math.round(cents) / 100).toFixed(2)}`;
const fromMilliCents = (milli) => dollars(Math.round((milli ?? 0) / 1000));

const server = await startEmulatorServer({ port: 0, speed: SPEED });
console.log(`emulator: ${server.url} (virtual clock ×${SPEED}), test key ${server.apiKey}\n`);

try {
  const client = new CallingBox({ apiKey: server.apiKey, baseUrl: server.url });

  const [available] = await client.numbers.searchAvailable({ country_code: "US", area_code: "415", limit: 1 });
  const number = await client.numbers.purchase({ phone_number: available.phone_number });
  console.log(`bought ${number.e164} (${available.locality}, ${available.state}) for ${dollars(number.monthly_cost_cents)}/month`);

  let agent = await client.agents.create({
    name: "Appointment reminders",
    type: "outbound",
    instructions: "Confirm tomorrow's 2pm appointment. Offer to reschedule if needed.",
    returns: { confirmed: "boolean", reschedule_to: "string" },
  });
  agent = await client.agents.attachNumber(agent.id, { number_id: number.id, set_as_primary: true });
  console.log(`agent "${agent.name}" (${agent.type}) calls from ${agent.numbers.map((n) => n.e164).join(", ")}`);

  // Follows a call to its outcome: polls (from every 100 ms, growing) until the status is
  // final and a completed call's result is extracted, printing each status on the way.
  const follow = (call) =>
    client.calls.waitUntilDone(call, { pollInterval: 100, onStatus: (c) => console.log(`  … ${c.status}`) });

  const to = "+1 (555) 123-4567";
  let call = await client.calls.create({
    agent_id: agent.id,
    to,
    context: { patient: "Maria Lopez", doctor: "Dr. Chen" },
    metadata: { crm_id: "12345" },
  });
  console.log(`\ndispatched call ${call.id} to ${call.to_number} (request ${call.lastResponse.requestId})`);
  call = await follow(call);
  console.log(`  ✓ ${call.status}: ${call.duration_seconds}s, billed ${call.billed_duration_seconds}s = ${fromMilliCents(call.billing_amount_milli_cents)}`);
  console.log(`result (${call.result_status}):`, JSON.stringify(call.result));
  const transcript = await client.calls.getTranscript(call.id);
  console.log("transcript:");
  for (const s of transcript.segments) console.log(`  ${s.role.padEnd(5)} ${s.text}`);

  const busy = server.emulator.testNumbers.find((t) => t.outcome === "busy");
  console.log(`\ntest number ${busy.number}: ${busy.description}`);
  let failed = await client.calls.create({ agent_id: agent.id, to: busy.number });
  failed = await follow(failed);
  console.log(`  ✗ ${failed.status} (hangup_cause ${failed.hangup_cause}, reservation ${failed.reservation_status}, billed ${fromMilliCents(failed.billing_amount_milli_cents)})`);

  try {
    await client.calls.create({ agent_id: agent.id, to: "415 555 0123" });
  } catch (e) {
    console.log(`\nbad input never leaves the process: ${e.name} (${e.reason}): ${e.message}`);
  }
  try {
    await client.calls.retrieve("00000000-0000-4000-8000-000000000000");
  } catch (e) {
    if (!(e instanceof APIError)) throw e;
    console.log(`API errors are typed: ${e.name} ${e.status} ${e.code} (request ${e.requestId})`);
  }
  const stats = server.emulator.stats();
  console.log(`\nemulator: ${stats.requests} requests, ${stats.calls_placed} calls placed`);
} finally {
  await server.close();
}
