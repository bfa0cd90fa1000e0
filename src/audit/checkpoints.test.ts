import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startCheckpointTimer } from "./checkpoints.ts";
import type { AuditLog } from "./service.ts";

function fakeContext(checkpoint: AuditLog["checkpoint"]) {
  return { db: {} as never, audit: { checkpoint } as AuditLog };
}
const silentLog = () => ({ error: vi.fn(), debug: vi.fn() });

describe("startCheckpointTimer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("signs a checkpoint every period until stopped", async () => {
    const checkpoint = vi.fn(async () => ({ seq: 7 }));
    const log = silentLog();
    const timer = startCheckpointTimer(fakeContext(checkpoint), 60, log);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(checkpoint).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    expect(checkpoint).toHaveBeenCalledTimes(2);
    expect(log.debug).toHaveBeenCalledWith({ seq: 7 }, "signed audit checkpoint");
    await timer.stop();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(checkpoint).toHaveBeenCalledTimes(2);
  });

  it("logs a failed checkpoint and keeps going", async () => {
    const failure = new Error("database is gone");
    const checkpoint = vi.fn().mockRejectedValueOnce(failure).mockResolvedValue(null);
    const log = silentLog();
    const timer = startCheckpointTimer(fakeContext(checkpoint), 1, log);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(log.error).toHaveBeenCalledWith({ err: failure }, "audit checkpoint failed");
    expect(checkpoint).toHaveBeenCalledTimes(2);
    await timer.stop();
  });

  it("does not stack ticks while a checkpoint is slow, and stop waits for it", async () => {
    let finish = () => {};
    const checkpoint = vi.fn(
      () =>
        new Promise<{ seq: number }>((resolve) => {
          finish = () => resolve({ seq: 1 });
        }),
    );
    const timer = startCheckpointTimer(fakeContext(checkpoint), 1, silentLog());
    await vi.advanceTimersByTimeAsync(5_000);
    expect(checkpoint).toHaveBeenCalledTimes(1);
    let stopped = false;
    const stopping = timer.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
  });

  it("does not keep the process alive", () => {
    vi.useRealTimers();
    const spy = vi.spyOn(globalThis, "setInterval");
    const timer = startCheckpointTimer(fakeContext(vi.fn(async () => null)), 60, silentLog());
    const handle = spy.mock.results[0]?.value as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
    spy.mockRestore();
    return timer.stop();
  });
});
