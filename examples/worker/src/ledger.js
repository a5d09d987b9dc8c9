// The Worker's state, in one SQLite-backed Durable Object: the webhook events it has
// recorded, the calls its proxy placed (and for whom), and the proxy's rate-limit buckets.
//
// A Durable Object runs one method at a time, and none of the methods below awaits
// anything: each runs to completion on its own, so "insert unless present" is atomic. That
// is what makes a webhook delivered ten times at once count as new exactly once, which a
// KV get-then-put cannot promise (KV is eventually consistent and has no compare-and-set).
import { DurableObject } from "cloudflare:workers";

export class Ledger extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- order of arrival: the /events cursor
        id TEXT NOT NULL UNIQUE,                -- the signed event id
        type TEXT NOT NULL,
        call_id TEXT,
        status TEXT,
        created INTEGER
      );
      -- subject: the proxy token's subject the call was placed for; only they read it.
      CREATE TABLE IF NOT EXISTS proxied_calls (id TEXT PRIMARY KEY, subject TEXT NOT NULL, placed_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, tokens REAL NOT NULL, at INTEGER NOT NULL);
    `);
  }

  /** Records a verified event; true the first time its id is seen, false for every repeat. */
  recordEvent({ id, type, call_id, status, created }) {
    const inserted = this.sql.exec(
      "INSERT INTO events (id, type, call_id, status, created) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING seq",
      id, type, call_id, status, created,
    );
    return inserted.toArray().length === 1;
  }

  /** Up to `limit` events recorded after the cursor `after` (a seq), oldest first. */
  listEvents(after, limit) {
    const rows = this.sql
      .exec("SELECT seq, id, type, call_id, status, created FROM events WHERE seq > ? ORDER BY seq LIMIT ?", after, limit + 1)
      .toArray();
    const page = rows.slice(0, limit);
    return {
      data: page.map(({ seq, ...event }) => event),
      has_more: rows.length > limit,
      // Also when there is no more: keep it and ask again later for newer events.
      next_cursor: String(page.length > 0 ? page[page.length - 1].seq : after),
    };
  }

  /**
   * Remembers a call the proxy placed for `subject`. An idempotent replay records it again (a
   * no-op): the replay came with the same subject-scoped key, so from the same subject.
   */
  recordCall(id, subject) {
    this.sql.exec("INSERT INTO proxied_calls (id, subject, placed_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING", id, subject, Date.now());
  }

  /** Whether the proxy placed this call for `subject`: the proxy reads only those. */
  placedCall(id, subject) {
    return this.sql.exec("SELECT 1 FROM proxied_calls WHERE id = ? AND subject = ?", id, subject).toArray().length === 1;
  }

  /**
   * Token buckets, each `[name, { burst, perMinute }]`: holds up to `burst` tokens, refilled
   * at `perMinute`. Takes one from every bucket and returns 0, or, when any is empty, returns
   * the seconds to wait for it and takes nothing.
   */
  take(buckets) {
    const now = Date.now();
    const levels = buckets.map(([name, { burst, perMinute }]) => {
      const perMs = perMinute / 60_000;
      const [row] = this.sql.exec("SELECT tokens, at FROM buckets WHERE name = ?", name).toArray();
      const tokens = row ? Math.min(burst, row.tokens + (now - row.at) * perMs) : burst;
      return { name, tokens, wait: tokens < 1 ? Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) : 0 };
    });
    const wait = Math.max(...levels.map((l) => l.wait));
    if (wait > 0) return wait;
    for (const { name, tokens } of levels) {
      this.sql.exec("INSERT OR REPLACE INTO buckets (name, tokens, at) VALUES (?, ?, ?)", name, tokens - 1, now);
    }
    return 0;
  }
}
