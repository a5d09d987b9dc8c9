// One campaign's state, in its own SQLite-backed Durable Object (named by the campaign id).
//
// Why a Durable Object rather than D1: every change to a campaign (a queue consumer recording
// the calls it placed, webhooks, the polling fallback, a second "Start") goes through one
// object that runs one method at a time, and the methods make their changes before any await,
// so "create unless it exists" and "move a row's status forward only" are atomic without
// transactions or retries. Each campaign is its own object, so campaigns do not queue behind
// each other, and a campaign's rows and their changes stay together.
import { DurableObject } from "cloudflare:workers";
import { CallingBox } from "callingbox";

/**
 * Where a status is on the way to the end: rows only ever move forward. "extracting" is a
 * completed call whose result is not extracted yet (`result_status: "pending"`): not done.
 */
const RANK = { pending: 0, queued: 1, initiated: 2, ringing: 3, in_progress: 4, extracting: 4.5 };
export const TERMINAL = ["completed", "no_answer", "busy", "canceled", "failed", "not_placed"];
const rank = (status) => (TERMINAL.includes(status) ? 5 : (RANK[status] ?? 1));
/** A row whose call has not changed for this long is read from the API (webhooks may be lost). */
const POLL_SECONDS = 30;
const POLL_BATCH = 100; // calls read per alarm
/**
 * A campaign's unplaced rows are sent to the queue again (by its alarm, or a second "Start")
 * when nothing was placed for this long: a message lost after its last retry, a crash between
 * saving the campaign and sending its rows.
 */
const STALLED_MS = 10 * 60_000;
const ROWS_PER_MESSAGE = 20;
const MESSAGES_PER_SEND = 8; // sendBatch takes at most 256 KB

/** Sends rows to the dispatch queue, 20 to a message (what the consumer places side by side). */
export async function enqueue(queue, campaign, rows) {
  for (let i = 0; i < rows.length; i += ROWS_PER_MESSAGE * MESSAGES_PER_SEND) {
    const messages = [];
    for (let j = i; j < Math.min(rows.length, i + ROWS_PER_MESSAGE * MESSAGES_PER_SEND); j += ROWS_PER_MESSAGE) {
      messages.push({ body: { campaign, rows: rows.slice(j, j + ROWS_PER_MESSAGE) } });
    }
    await queue.sendBatch(messages);
  }
}

export class Campaign extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS campaign (
        id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, from_number TEXT, webhook_url TEXT NOT NULL,
        columns TEXT NOT NULL,            -- the CSV's context columns, in order (JSON)
        fields TEXT NOT NULL,             -- the agent's result fields, in order (JSON)
        created_at INTEGER NOT NULL, progress_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS rows (
        row INTEGER PRIMARY KEY,          -- the row's line in the CSV: its idempotency key's end
        phone TEXT NOT NULL, context TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending', call_id TEXT, result TEXT, error TEXT,
        seq INTEGER NOT NULL,             -- when it last changed: what a page polls by
        changed_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS rows_seq ON rows (seq);
      CREATE TABLE IF NOT EXISTS counter (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL);
      INSERT OR IGNORE INTO counter VALUES (1, 0);
    `);
  }

  #nextSeq() {
    return this.sql.exec("UPDATE counter SET seq = seq + 1 RETURNING seq").one().seq;
  }

  #meta() {
    return this.sql.exec("SELECT * FROM campaign").toArray()[0] ?? null;
  }

  /**
   * Creates the campaign unless it exists. Answers whether it was created, and the rows to
   * send to the queue: all of them the first time; again, only the unplaced ones of a
   * campaign that has stalled. Sending a row twice is harmless: its idempotency key is fixed.
   */
  async start({ id, agent_id, from_number, webhook_url, columns, fields, rows }) {
    const now = Date.now();
    const existing = this.#meta();
    if (!existing) {
      this.sql.exec(
        "INSERT INTO campaign VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        id, agent_id, from_number, webhook_url, JSON.stringify(columns), JSON.stringify(fields), now, now,
      );
      for (const r of rows) {
        this.sql.exec("INSERT INTO rows (row, phone, context, seq, changed_at) VALUES (?, ?, ?, ?, ?)", r.row, r.to, JSON.stringify(r.context), this.#nextSeq(), now);
      }
    }
    const unplaced = !existing ? this.#unplaced() : this.#stalledRows(now);
    if (!existing) await this.ctx.storage.setAlarm(now + this.#pollMs());
    return { created: !existing, unplaced };
  }

  #unplaced() {
    return this.sql
      .exec("SELECT row, phone, context FROM rows WHERE status = 'pending' ORDER BY row")
      .toArray()
      .map((r) => ({ row: r.row, to: r.phone, context: JSON.parse(r.context) }));
  }

  /** The unplaced rows when nothing was placed for STALLED_MS (and the clock starts again), else none. */
  #stalledRows(now) {
    if (now - this.#meta().progress_at <= STALLED_MS) return [];
    this.sql.exec("UPDATE campaign SET progress_at = ?", now);
    return this.#unplaced();
  }

  /** What the queue consumer needs besides the rows. */
  dispatchInfo() {
    const meta = this.#meta();
    return meta && { agent_id: meta.agent_id, from_number: meta.from_number, webhook_url: meta.webhook_url };
  }

  /**
   * The consumer's outcomes: `{ row, call }` for a placed call (or the same call again, when an
   * idempotency key was replayed), `{ row, error }` for a row the API refused for good.
   */
  async recordPlaced(outcomes) {
    const now = Date.now();
    for (const o of outcomes) {
      if (o.call) this.#apply(o.row, o.call, now);
      // A refusal never undoes a call already placed for the row.
      else if (this.callOf(o.row) === null) this.#set(o.row, { status: "not_placed", error: o.error }, now);
    }
    this.sql.exec("UPDATE campaign SET progress_at = ?", now);
    // Every change is made above, before this first await: nothing else runs between them.
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + this.#pollMs());
  }

  /** A call's newer state (a verified webhook, or a poll): moves its row forward only. */
  recordCall(call) {
    const row = Number(call?.metadata?.row);
    if (!Number.isSafeInteger(row)) return false;
    return this.#apply(row, call, Date.now());
  }

  #apply(row, call, now) {
    const [current] = this.sql.exec("SELECT status, call_id FROM rows WHERE row = ?", row).toArray();
    if (!current || (current.call_id && current.call_id !== call.id)) return false;
    const status = call.status === "completed" && call.result_status === "pending" ? "extracting" : call.status;
    if (rank(status) <= rank(current.status) && current.call_id) return false;
    this.#set(row, { status: rank(status) > rank(current.status) ? status : current.status, call_id: call.id, result: call.result ? JSON.stringify(call.result) : null, error: call.error_code ?? null }, now);
    return true;
  }

  #set(row, { status, call_id = null, result = null, error = null }, now) {
    this.sql.exec(
      `UPDATE rows SET status = ?, call_id = COALESCE(?, call_id), result = COALESCE(?, result), error = COALESCE(?, error),
         seq = ?, changed_at = ? WHERE row = ?`,
      status, call_id, result, error, this.#nextSeq(), now, row,
    );
  }

  /**
   * What a page shows: the campaign, the counts by status, and the rows changed after `since`
   * (a `seq` of an earlier answer; 0 for all), at most `limit` of them, oldest change first.
   */
  changes(since, limit) {
    const meta = this.#meta();
    if (!meta) return null;
    const rows = this.sql
      .exec("SELECT row, phone, context, status, call_id, result, error, seq FROM rows WHERE seq > ? ORDER BY seq LIMIT ?", since, limit)
      .toArray()
      .map((r) => ({ ...r, context: JSON.parse(r.context), result: r.result && JSON.parse(r.result) }));
    const counts = Object.fromEntries(this.sql.exec("SELECT status, COUNT(*) AS n FROM rows GROUP BY status").toArray().map((c) => [c.status, c.n]));
    return {
      id: meta.id,
      agent_id: meta.agent_id,
      columns: JSON.parse(meta.columns),
      fields: JSON.parse(meta.fields),
      counts,
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      rows,
      seq: rows.length > 0 ? rows[rows.length - 1].seq : since,
      more: rows.length === limit,
    };
  }

  /** The call id of a row of this campaign (the only calls a page may read), or null. */
  callOf(row) {
    return this.sql.exec("SELECT call_id FROM rows WHERE row = ?", row).toArray()[0]?.call_id ?? null;
  }

  /** The results as CSV: one line per row, the CSV's columns, the call's status and result fields. */
  resultsCsv() {
    const meta = this.#meta();
    if (!meta) return null;
    const columns = JSON.parse(meta.columns);
    const fields = JSON.parse(meta.fields);
    const lines = [["row", "phone", ...columns, "status", "call_id", ...fields, "error"]];
    for (const r of this.sql.exec("SELECT * FROM rows ORDER BY row").toArray()) {
      const context = JSON.parse(r.context);
      const result = r.result ? JSON.parse(r.result) : {};
      lines.push([r.row, r.phone, ...columns.map((c) => context[c]), r.status, r.call_id, ...fields.map((f) => result[f]), r.error]);
    }
    return lines.map((line) => line.map(csvCell).join(",")).join("\r\n") + "\r\n";
  }

  // The polling fallback: while calls are under way, every POLL_SECONDS (a var of the Worker,
  // default 30) the calls that have not changed for that long are read from the API, in case
  // their webhooks were lost.
  #pollMs() {
    return 1000 * (Number(this.env.POLL_SECONDS) || POLL_SECONDS);
  }

  async alarm() {
    const stalled = this.#stalledRows(Date.now());
    if (stalled.length > 0) await enqueue(this.env.DISPATCH_QUEUE, this.#meta().id, stalled);
    const stale = this.sql
      .exec(`SELECT call_id FROM rows WHERE call_id IS NOT NULL AND status NOT IN (${TERMINAL.map(() => "?").join(",")}) AND changed_at < ? ORDER BY changed_at LIMIT ?`,
        ...TERMINAL, Date.now() - this.#pollMs(), POLL_BATCH)
      .toArray();
    const client = new CallingBox({ apiKey: this.env.CALLINGBOX_API_KEY, baseUrl: this.env.CALLINGBOX_BASE_URL || undefined });
    for (const { call_id } of stale) {
      try {
        this.recordCall(await client.calls.retrieve(call_id));
      } catch (e) {
        console.warn(`polling ${call_id} failed: ${e.code}`);
      }
    }
    const open = this.sql.exec(`SELECT COUNT(*) AS n FROM rows WHERE status NOT IN (${TERMINAL.map(() => "?").join(",")})`, ...TERMINAL).one().n;
    if (open > 0) await this.ctx.storage.setAlarm(Date.now() + this.#pollMs());
  }
}

/**
 * A CSV cell (RFC 4180 quoting). A text that a spreadsheet would run as a formula (=, +, -, @
 * first) gets a leading apostrophe, except a phone number in E.164.
 */
function csvCell(value) {
  if (value === null || value === undefined) return "";
  let text = typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^\+\d{7,15}$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
