/**
 * `mekong verify FILE --signature SIG --key KEY.pem --id org/name@n`: checks a downloaded dataset
 * version offline — its SHA-256 and the instance's Ed25519 signature over identity and hash.
 */
import { createHash, createPublicKey } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { versionSigningMessage } from "../catalog/versions.ts";
import { verifySignature } from "../keys/instance-key.ts";
import { runCommand } from "./common.ts";

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

export function registerVerifyCommand(program: Command) {
  program
    .command("verify <file>")
    .description("check a downloaded dataset version against its signature, offline")
    .requiredOption("--signature <sig>", "the version's signature (X-Mekong-Signature)")
    .requiredOption("--key <file>", "the instance's public key, PEM (from GET /api/v1/keys)")
    .requiredOption("--id <id>", "the version's identity org/name@n (X-Mekong-Version)")
    .option("--sha256 <hex>", "the SHA-256 the server announced (X-Mekong-Sha256), checked too")
    .action((file: string, opts: { signature: string; key: string; id: string; sha256?: string }) =>
      runCommand(async () => {
        const id = /^([a-z0-9][a-z0-9-]{1,62})\/([a-z0-9][a-z0-9_-]{1,99})@(\d+)$/.exec(opts.id);
        if (!id?.[1] || !id[2] || !id[3]) {
          console.error("mekong: --id must look like org/name@n");
          return 2;
        }
        let key: ReturnType<typeof createPublicKey>;
        let digest: string;
        try {
          key = createPublicKey(readFileSync(opts.key));
          digest = await sha256File(file);
        } catch (err) {
          console.error(`mekong: ${(err as Error).message}`);
          return 2;
        }
        if (opts.sha256 && opts.sha256.toLowerCase() !== digest) {
          console.log(`INVALID: ${file} has SHA-256 ${digest}, not the announced ${opts.sha256}`);
          return 1;
        }
        const message = versionSigningMessage({ org: id[1], name: id[2], n: Number(id[3]) }, digest);
        if (!verifySignature(key, message, opts.signature)) {
          console.log(`INVALID: the signature does not match ${opts.id} with SHA-256 ${digest}`);
          return 1;
        }
        console.log(`OK: ${file} is ${opts.id} (SHA-256 ${digest}), signed by this key`);
        return 0;
      }),
    );
}
