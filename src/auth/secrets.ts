/** Random bearer secrets (session cookies, API tokens) and the hashes they are stored as. */
import { createHash, randomBytes } from "node:crypto";

export const newSecret = (bytes = 32) => randomBytes(bytes).toString("base64url");
export const sha256Hex = (s: string) => createHash("sha256").update(s).digest("hex");
