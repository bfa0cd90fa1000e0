/**
 * Periodic signed checkpoints. A checkpoint fixes the chain's head under the instance's signature, so
 * cutting entries off the end is detectable up to the last checkpoint; signing every few seconds keeps
 * that window short. Several processes may run the timer on one database: a checkpoint at a seq that
 * already has one is skipped.
 */
import type { AppContext } from "../context.ts";

export interface CheckpointTimerLog {
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface CheckpointTimer {
  /** Stops the timer and waits for a checkpoint in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Signs a checkpoint every `seconds` (normally `ctx.config.audit.checkpointSeconds`) when entries were
 * added since the last one. The timer does not keep the process alive; failures are logged, never thrown.
 */
export function startCheckpointTimer(
  ctx: Pick<AppContext, "audit" | "db">,
  seconds: number,
  log: CheckpointTimerLog,
): CheckpointTimer {
  let running: Promise<void> | undefined;
  const tick = async () => {
    try {
      const made = await ctx.audit.checkpoint(ctx.db);
      if (made) log.debug({ seq: made.seq }, "signed audit checkpoint");
    } catch (err) {
      log.error({ err }, "audit checkpoint failed");
    }
  };
  const timer = setInterval(() => {
    // A slow database must not pile ticks up on each other.
    if (running) return;
    running = tick().finally(() => {
      running = undefined;
    });
  }, seconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
