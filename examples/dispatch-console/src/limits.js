// Rate limits for the console's API: token buckets in one SQLite-backed Durable Object. A
// Durable Object runs one method at a time and `take` awaits nothing, so two requests can
// never both spend the last token.
import { DurableObject } from "cloudflare:workers";

export class Limits extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, tokens REAL NOT NULL, at INTEGER NOT NULL)");
  }

  /**
   * Takes one token from the bucket `name` (holds up to `burst`, refilled at `perMinute`) and
   * returns 0, or, when it is empty, returns the seconds to wait and takes nothing.
   */
  take(name, { burst, perMinute }) {
    const now = Date.now();
    const perMs = perMinute / 60_000;
    const [row] = this.sql.exec("SELECT tokens, at FROM buckets WHERE name = ?", name).toArray();
    const tokens = row ? Math.min(burst, row.tokens + (now - row.at) * perMs) : burst;
    if (tokens < 1) return Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
    this.sql.exec("INSERT OR REPLACE INTO buckets (name, tokens, at) VALUES (?, ?, ?)", name, tokens - 1, now);
    return 0;
  }
}
