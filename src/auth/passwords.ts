/** Password hashing with Argon2id (OWASP's first choice), via a native binding that does not block the loop. */
import { hash, verify } from "@node-rs/argon2";

export const MIN_PASSWORD_LENGTH = 10;

export const hashPassword = (password: string) => hash(password);

/** Compares in constant time; false for a malformed stored hash rather than throwing. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    // Spend the same time as a real check so response timing does not reveal which emails exist.
    await hash(password);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
