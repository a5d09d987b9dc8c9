// One run of the batch the kill test dispatches (tests/batch/kill-rerun.mjs): ROWS calls, each to
// its own number with metadata.row, under BATCH_ID. Prints the summary as JSON and exits 0 only
// when every row is placed. The parent kills it at random points and runs it again.
import { CallingBox } from "callingbox";
import { createMany } from "callingbox/batch";

const { BASE_URL, API_KEY, AGENT_ID, BATCH_ID, ROWS } = process.env;
const client = new CallingBox({ apiKey: API_KEY, baseUrl: BASE_URL, timeout: 250 });
const rows = Array.from({ length: Number(ROWS) }, (_, i) => ({
  agent_id: AGENT_ID,
  to: `+1415${String(2000000 + i).padStart(7, "0")}`,
  metadata: { row: String(i) },
}));
const summary = await createMany(client, rows, { batchId: BATCH_ID, concurrency: 16, maxAttempts: 30 }).done();
console.log(JSON.stringify(summary));
process.exit(summary.placed === rows.length ? 0 : 1);
