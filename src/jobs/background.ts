/** PLACEHOLDER — the job worker loop and periodic audit checkpoints are being written. */
import type { FastifyBaseLogger } from "fastify";
import type { AppContext } from "../context.ts";

export function startBackgroundWork(_ctx: AppContext, _log: FastifyBaseLogger) {
  return { stop: async () => {} };
}
