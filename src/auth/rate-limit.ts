/**
 * Fixed-window rate limits kept in the database, so every API process behind a load balancer counts
 * the same attempts. One statement increments atomically and starts a new window when the old one ended.
 */
import { sql } from "drizzle-orm";
import { execute, type Queryable } from "../db/client.ts";

export interface RateLimitState {
  count: number;
  /** Seconds until the current window ends. */
  resetIn: number;
}

export async function hitRateLimit(
  q: Queryable,
  key: string,
  windowSeconds: number,
): Promise<RateLimitState> {
  const [row] = await execute<{ count: number; reset_in: number }>(
    q,
    sql`insert into rate_limits (key, window_start, count) values (${key}, now(), 1)
        on conflict (key) do update set
          count = case when rate_limits.window_start <= now() - make_interval(secs => ${windowSeconds})
                       then 1 else rate_limits.count + 1 end,
          window_start = case when rate_limits.window_start <= now() - make_interval(secs => ${windowSeconds})
                       then now() else rate_limits.window_start end
        returning count, ceil(extract(epoch from (window_start + make_interval(secs => ${windowSeconds}) - now())))::int as reset_in`,
  );
  return { count: row?.count ?? 1, resetIn: Math.max(1, row?.reset_in ?? windowSeconds) };
}

/** Current count without incrementing (0 when the window has ended). */
export async function peekRateLimit(
  q: Queryable,
  key: string,
  windowSeconds: number,
): Promise<RateLimitState> {
  const [row] = await execute<{ count: number; reset_in: number }>(
    q,
    sql`select count, ceil(extract(epoch from (window_start + make_interval(secs => ${windowSeconds}) - now())))::int as reset_in
        from rate_limits where key = ${key} and window_start > now() - make_interval(secs => ${windowSeconds})`,
  );
  return { count: row?.count ?? 0, resetIn: Math.max(1, row?.reset_in ?? windowSeconds) };
}

export async function clearRateLimit(q: Queryable, key: string): Promise<void> {
  await q.execute(sql`delete from rate_limits where key = ${key}`);
}
