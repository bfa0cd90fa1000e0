/**
 * Input PostgreSQL cannot store never reaches it: a NUL character anywhere in the path, the query or a
 * JSON body is answered `validation_failed` up front instead of failing deep inside a query.
 */
import type { FastifyInstance } from "fastify";
import { AppError } from "../errors.ts";

function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path || "/" : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], `${path}/${i}`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const hit = findNul(k, `${path}/${k}`) ?? findNul(v, `${path}/${k}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

export function installInputGuards(app: FastifyInstance) {
  app.addHook("preValidation", async (req) => {
    for (const [part, value] of [
      ["params", req.params],
      ["query", req.query],
      ["body", req.body],
    ] as const) {
      const at = findNul(value, "");
      if (at) {
        throw new AppError("validation_failed", "text must not contain NUL characters", {
          errors: [{ path: `/${part}${at === "/" ? "" : at}`, message: "contains a NUL character" }],
        });
      }
    }
  });
}
