/**
 * Every setting Mekong reads, from the environment, through one zod schema.
 * `loadConfig` fails with every problem listed at once, so a misconfigured server never starts listening.
 * Each variable is documented in docs/configuration.md; `*_FILE` variants read secrets from files.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const csv = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

export const ConfigSchema = z.object({
  MEKONG_HOST: z.string().min(1).default("0.0.0.0"),
  MEKONG_PORT: int(0, 65535).default(8080),
  MEKONG_DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  MEKONG_PUBLIC_URL: z.url().optional(),
  MEKONG_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MEKONG_TRUST_PROXY: bool.default(false),
  MEKONG_CORS_ORIGINS: csv.default([]),
  MEKONG_BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  MEKONG_UPLOAD_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 ** 3),
  MEKONG_INGEST_SYNC_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(16 * 1024 ** 2),
  MEKONG_SIGNING_KEY_FILE: z.string().optional(),
  MEKONG_SESSION_TTL_HOURS: int(1, 24 * 90).default(24 * 7),
  MEKONG_LOGIN_MAX_FAILURES_PER_ACCOUNT: int(1, 1000).default(5),
  MEKONG_LOGIN_MAX_ATTEMPTS_PER_IP: int(1, 100000).default(30),
  MEKONG_LOGIN_WINDOW_SECONDS: int(1, 86400).default(900),
  MEKONG_OIDC_ISSUER: z.url().optional(),
  MEKONG_OIDC_CLIENT_ID: z.string().optional(),
  MEKONG_OIDC_CLIENT_SECRET: z.string().optional(),
  MEKONG_OIDC_SCOPES: z.string().default("openid email profile"),
  MEKONG_OIDC_LABEL: z.string().default("OpenID Connect"),
  MEKONG_OIDC_ALLOW_HTTP: bool.default(false),
  MEKONG_OIDC_AUTO_CREATE_USERS: bool.default(true),
  MEKONG_AUDIT_CHECKPOINT_EVERY: int(1, 1_000_000).default(1000),
  MEKONG_AUDIT_CHECKPOINT_SECONDS: int(1, 86400).default(60),
  MEKONG_JOB_LEASE_SECONDS: int(5, 86400).default(60),
  MEKONG_WORKER_CONCURRENCY: int(0, 64).default(1),
  MEKONG_ENGINE_THREADS: int(1, 256).optional(),
  MEKONG_ENGINE_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, "like 2GB or 512MiB")
    .optional(),
  MEKONG_ENGINE_POOL_SIZE: int(1, 64).default(4),
  MEKONG_DEMO_ADMIN_EMAIL: z.email().default("admin@mekong.local"),
  MEKONG_DEMO_ADMIN_PASSWORD: z.string().min(8).optional(),
});

type RawConfig = z.infer<typeof ConfigSchema>;

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  databasePoolSize: number;
  publicUrl?: string;
  logLevel: RawConfig["MEKONG_LOG_LEVEL"];
  trustProxy: boolean;
  corsOrigins: string[];
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  /** Uploads up to this size are ingested within the request (201); larger ones become a job (202). */
  ingestSyncMaxBytes: number;
  signingKeyFile?: string;
  sessionTtlHours: number;
  login: { maxFailuresPerAccount: number; maxAttemptsPerIp: number; windowSeconds: number };
  oidc?: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    scopes: string;
    label: string;
    allowHttp: boolean;
    autoCreateUsers: boolean;
  };
  audit: { checkpointEvery: number; checkpointSeconds: number };
  jobs: { leaseSeconds: number; workerConcurrency: number };
  engine: { threads?: number; memoryLimit?: string; poolSize: number };
  demo: { adminEmail: string; adminPassword?: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Variables whose value may instead be read from the file named by `<NAME>_FILE`. */
const SECRET_VARIABLES = ["DATABASE_URL", "MEKONG_OIDC_CLIENT_SECRET", "MEKONG_DEMO_ADMIN_PASSWORD"];

function resolveSecretFiles(env: NodeJS.ProcessEnv, problems: string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const name of SECRET_VARIABLES) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    try {
      out[name] = readFileSync(file, "utf8").trim();
    } catch (err) {
      problems.push(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  for (const [k, v] of Object.entries(out)) if (v === "") delete out[k];
  return out;
}

/**
 * Reads the configuration from `env`, with `overrides` (from CLI flags) taking precedence.
 * @throws ConfigError listing every invalid or missing setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<RawConfig> = {}): Config {
  const problems: string[] = [];
  const resolved = resolveSecretFiles(env, problems);
  const known = Object.keys(ConfigSchema.shape);
  const input: Record<string, unknown> = {};
  for (const key of known) if (resolved[key] !== undefined) input[key] = resolved[key];
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) input[k] = v;
  const oidc = ["MEKONG_OIDC_ISSUER", "MEKONG_OIDC_CLIENT_ID", "MEKONG_OIDC_CLIENT_SECRET"];
  const givenOidc = oidc.filter((k) => input[k] !== undefined);
  if (givenOidc.length > 0 && givenOidc.length < oidc.length) {
    problems.push(
      `MEKONG_OIDC_ISSUER: ${oidc.join(", ")} go together (missing ${oidc.filter((k) => !givenOidc.includes(k)).join(", ")})`,
    );
  }
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push(`${issue.path.join(".") || "config"}: ${issue.message}`);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return toConfig(parsed.data);
}

function toConfig(c: RawConfig): Config {
  return {
    host: c.MEKONG_HOST,
    port: c.MEKONG_PORT,
    dataDir: path.resolve(c.MEKONG_DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    publicUrl: c.MEKONG_PUBLIC_URL?.replace(/\/$/, ""),
    logLevel: c.MEKONG_LOG_LEVEL,
    trustProxy: c.MEKONG_TRUST_PROXY,
    corsOrigins: c.MEKONG_CORS_ORIGINS,
    bodyLimitBytes: c.MEKONG_BODY_LIMIT_BYTES,
    uploadLimitBytes: c.MEKONG_UPLOAD_LIMIT_BYTES,
    ingestSyncMaxBytes: c.MEKONG_INGEST_SYNC_MAX_BYTES,
    signingKeyFile: c.MEKONG_SIGNING_KEY_FILE,
    sessionTtlHours: c.MEKONG_SESSION_TTL_HOURS,
    login: {
      maxFailuresPerAccount: c.MEKONG_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxAttemptsPerIp: c.MEKONG_LOGIN_MAX_ATTEMPTS_PER_IP,
      windowSeconds: c.MEKONG_LOGIN_WINDOW_SECONDS,
    },
    oidc:
      c.MEKONG_OIDC_ISSUER && c.MEKONG_OIDC_CLIENT_ID && c.MEKONG_OIDC_CLIENT_SECRET
        ? {
            issuer: c.MEKONG_OIDC_ISSUER,
            clientId: c.MEKONG_OIDC_CLIENT_ID,
            clientSecret: c.MEKONG_OIDC_CLIENT_SECRET,
            scopes: c.MEKONG_OIDC_SCOPES,
            label: c.MEKONG_OIDC_LABEL,
            allowHttp: c.MEKONG_OIDC_ALLOW_HTTP,
            autoCreateUsers: c.MEKONG_OIDC_AUTO_CREATE_USERS,
          }
        : undefined,
    audit: {
      checkpointEvery: c.MEKONG_AUDIT_CHECKPOINT_EVERY,
      checkpointSeconds: c.MEKONG_AUDIT_CHECKPOINT_SECONDS,
    },
    jobs: { leaseSeconds: c.MEKONG_JOB_LEASE_SECONDS, workerConcurrency: c.MEKONG_WORKER_CONCURRENCY },
    engine: {
      threads: c.MEKONG_ENGINE_THREADS,
      memoryLimit: c.MEKONG_ENGINE_MEMORY_LIMIT,
      poolSize: c.MEKONG_ENGINE_POOL_SIZE,
    },
    demo: { adminEmail: c.MEKONG_DEMO_ADMIN_EMAIL, adminPassword: c.MEKONG_DEMO_ADMIN_PASSWORD },
  };
}
