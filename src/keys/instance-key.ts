/**
 * The instance's Ed25519 signing key: signs audit checkpoints and, later, dataset versions and gateway
 * answers. Generated on first start into `<data>/keys/instance-key.pem` (mode 0600) unless
 * `MEKONG_SIGNING_KEY_FILE` names a PEM file — which every process of a scaled-out instance must share.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface InstanceKey {
  /** Short stable identifier: the first 16 hex digits of SHA-256 over the raw public key. */
  keyId: string;
  publicKey: KeyObject;
  /** The public key as SPKI PEM, for publishing. */
  publicKeyPem: string;
  sign(message: string | Uint8Array): string;
  verify(message: string | Uint8Array, signature: string): boolean;
}

export function loadInstanceKey(opts: { dataDir: string; keyFile?: string }): InstanceKey {
  const file = opts.keyFile ?? path.join(opts.dataDir, "keys", "instance-key.pem");
  if (!existsSync(file)) {
    if (opts.keyFile) throw new Error(`MEKONG_SIGNING_KEY_FILE ${opts.keyFile} does not exist`);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync("ed25519");
    writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
  }
  const privateKey = createPrivateKey(readFileSync(file));
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error(`${file} is not an Ed25519 private key`);
  return fromPrivateKey(privateKey);
}

function fromPrivateKey(privateKey: KeyObject): InstanceKey {
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    publicKey,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    sign: (message) => sign(null, toBytes(message), privateKey).toString("base64url"),
    verify: (message, signature) => verifySignature(publicKey, message, signature),
  };
}

export function keyIdOf(publicKey: KeyObject): string {
  const raw = publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(raw).digest("hex").slice(0, 16);
}

/** Checks an Ed25519 signature (base64url) with any public key; false rather than throwing on garbage. */
export function verifySignature(
  publicKey: KeyObject,
  message: string | Uint8Array,
  signature: string,
): boolean {
  try {
    return verify(null, toBytes(message), publicKey, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}

const toBytes = (m: string | Uint8Array) => (typeof m === "string" ? Buffer.from(m, "utf8") : m);
