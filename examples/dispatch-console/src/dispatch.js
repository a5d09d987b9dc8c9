// The queue consumer: places the calls of the rows in each message with createMany.
//
// Never twice: row `r` of campaign `c` is always sent with the Idempotency-Key `c-r`. A
// message delivered again (the consumer crashed, a retry, a second "Start") sends the same
// keys, and the API answers a key it has seen with the call it placed the first time.
//
// Backpressure: createMany slows itself on a 429 (it waits for Retry-After and halves its
// concurrency); rows still refused when its attempts run out are not failed: their message
// goes back to the queue with a delay that grows with each attempt, and the queue's
// max_concurrency (wrangler.toml) caps how many consumers run at once.
import { CallingBox } from "callingbox";
import { createMany } from "callingbox/batch";

/** Per consumer invocation; the queue's max_concurrency multiplies it. */
const CONCURRENCY = 8;
const MAX_ATTEMPTS = 4;

export async function dispatch(batch, env) {
  const client = new CallingBox({ apiKey: env.CALLINGBOX_API_KEY, baseUrl: env.CALLINGBOX_BASE_URL || undefined, timeout: 15_000 });
  for (const message of batch.messages) {
    const { campaign, rows } = message.body;
    const state = env.CAMPAIGNS.get(env.CAMPAIGNS.idFromName(campaign));
    const info = await state.dispatchInfo();
    if (!info) {
      message.ack(); // a campaign that does not exist has nothing to place
      continue;
    }
    crashMaybe(env, "before placing");
    const params = rows.map((r) => ({
      agent_id: info.agent_id,
      to: r.to,
      ...(info.from_number ? { from_number: info.from_number } : {}),
      context: r.context,
      metadata: { campaign, row: r.row },
      webhook_url: info.webhook_url,
    }));
    const outcomes = [];
    let retry = false;
    const run = createMany(client, params, {
      idempotencyKey: (_, i) => `${campaign}-${rows[i].row}`,
      concurrency: CONCURRENCY,
      maxAttempts: MAX_ATTEMPTS,
    });
    for await (const r of run) {
      const row = rows[r.index].row;
      if (r.call) outcomes.push({ row, call: r.call });
      else if (retryable(r.error)) retry = true; // left for the message's next delivery
      else outcomes.push({ row, error: r.error.apiCode ?? r.error.code });
      crashMaybe(env, "while placing");
    }
    await state.recordPlaced(outcomes);
    crashMaybe(env, "after recording");
    if (retry) message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
    else message.ack();
  }
}

/** What another delivery of the message may fix: the API was busy, down or did not answer. */
function retryable(error) {
  if (["connection_error", "timeout", "outcome_unknown", "invalid_response"].includes(error.code)) return true;
  const { status } = error;
  return status === 408 || status === 429 || (status >= 500 && error.code !== "telephony_provider_error");
}

/**
 * For the scale test only: TEST_CRASH_RATE (0-1) makes the consumer throw at random points,
 * as a crashed consumer would stop; the queue then delivers the whole batch again.
 */
function crashMaybe(env, where) {
  if (env.TEST_CRASH_RATE && Math.random() < Number(env.TEST_CRASH_RATE)) throw new Error(`injected crash ${where}`);
}
