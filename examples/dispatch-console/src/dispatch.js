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

/** Requests in flight per message; max_batch_size and the queue's max_concurrency multiply it. */
const CONCURRENCY = 8;
const MAX_ATTEMPTS = 4;

export async function dispatch(batch, env) {
  const client = new CallingBox({ apiKey: env.CALLINGBOX_API_KEY, baseUrl: env.CALLINGBOX_BASE_URL || undefined, timeout: 15_000 });
  // The messages of a batch side by side: a slow row holds up only its own message.
  await Promise.all(batch.messages.map((message) => place(message, client, env)));
}

/** Places the calls of one message's rows, records them, and acks the message (or retries it). */
async function place(message, client, env) {
  const { campaign, rows } = message.body;
  const state = env.CAMPAIGNS.get(env.CAMPAIGNS.idFromName(campaign));
  const info = await state.dispatchInfo();
  if (!info) {
    message.ack(); // a campaign that does not exist has nothing to place
    return;
  }
  const crash = crashPoint(env, rows.length);
  crash.maybe();
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
    crash.maybe();
  }
  await state.recordPlaced(outcomes);
  crash.maybe();
  if (retry) message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
  else message.ack();
}

/** What another delivery of the message may fix: the API was busy, down or did not answer. */
function retryable(error) {
  if (["connection_error", "timeout", "outcome_unknown", "invalid_response"].includes(error.code)) return true;
  const { status } = error;
  return status === 408 || status === 429 || (status >= 500 && error.code !== "telephony_provider_error");
}

/**
 * For the scale test only (never set it in production): TEST_CRASH_RATE (0-1) is the share of
 * messages whose handling throws, as a crashed consumer would stop, at a random one of its
 * points: before placing, after any row, after recording. The queue delivers the batch again.
 */
function crashPoint(env, rows) {
  const rate = Number(env.TEST_CRASH_RATE ?? 0);
  const at = rate > 0 && Math.random() < rate ? Math.floor(Math.random() * (rows + 2)) : -1;
  let step = 0;
  return {
    maybe() {
      if (step++ === at) throw new Error(`injected crash at step ${at} of ${rows + 2}`);
    },
  };
}
