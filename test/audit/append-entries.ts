/**
 * A separate appender process for the audit concurrency test: opens its own context from the environment
 * (DATABASE_URL, MEKONG_DATA_DIR, MEKONG_SIGNING_KEY_FILE, …) and appends `count` entries concurrently,
 * each in its own transaction, as `actor`.
 * Usage: node --import tsx test/audit/append-entries.ts <actor> <count>
 */
import { loadConfig } from "../../src/config.ts";
import { closeContext, openContext } from "../../src/context.ts";

const [actor = "test:child", count = "50"] = process.argv.slice(2);
const ctx = await openContext(loadConfig(process.env));
try {
  await Promise.all(
    Array.from({ length: Number(count) }, (_, i) =>
      ctx.db.transaction((tx) =>
        ctx.audit.append(tx, { actor, action: "test.append", resource: `test:${i}` }),
      ),
    ),
  );
} finally {
  await closeContext(ctx);
}
