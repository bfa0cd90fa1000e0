/**
 * The catalog's tables (Drizzle, pg-core). One schema for PGlite and PostgreSQL alike; migrations in
 * `./migrations` are generated from it with `npm run db:generate` and applied at start.
 * Each domain owns its tables; other modules reach them only through that domain's service functions.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

// --- auth ---

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    isPlatformAdmin: boolean("is_platform_admin").notNull().default(false),
    /** Platform roles beyond admin (e.g. `data-authority`), granted by platform admins. */
    platformRoles: text("platform_roles").array().notNull().default(sql`'{}'::text[]`),
    oidcIssuer: text("oidc_issuer"),
    oidcSubject: text("oidc_subject"),
    disabled: boolean("disabled").notNull().default(false),
    createdAt: createdAt(),
    lastLoginAt: tstz("last_login_at"),
  },
  (t) => [
    uniqueIndex("users_email_key").on(sql`lower(${t.email})`),
    uniqueIndex("users_oidc_key").on(t.oidcIssuer, t.oidcSubject),
  ],
);

export const sessions = pgTable(
  "sessions",
  {
    /** SHA-256 of the cookie secret; the secret itself is never stored. */
    idHash: text("id_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: tstz("expires_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** First characters of the secret, shown in listings so a user can tell tokens apart. */
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull().unique(),
    scopes: text("scopes").array().notNull(),
    expiresAt: tstz("expires_at"),
    lastUsedAt: tstz("last_used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

/** Fixed-window counters for rate limits shared by every process on one database. */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStart: tstz("window_start").notNull(),
  count: integer("count").notNull(),
});

/** In-flight OpenID Connect logins (state → PKCE verifier), so any process can finish the callback. */
export const oidcLogins = pgTable("oidc_logins", {
  state: text("state").primaryKey(),
  codeVerifier: text("code_verifier").notNull(),
  nonce: text("nonce").notNull(),
  returnTo: text("return_to").notNull(),
  createdAt: createdAt(),
});

// --- organizations ---

export const organizations = pgTable(
  "organizations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull().unique(),
    title: text("title").notNull(),
    titleEn: text("title_en"),
    kind: text("kind", {
      enum: ["ministry", "province", "agency", "company", "research", "other"],
    }).notNull(),
    description: text("description"),
    /** ISO 3166-1 alpha-2; decides cross-border rules for shared data. */
    country: text("country").notNull().default("VN"),
    website: text("website"),
    email: text("email"),
    createdAt: createdAt(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [check("organizations_name_format", sql`${t.name} ~ '^[a-z0-9][a-z0-9-]{1,62}$'`)],
);

export const memberships = pgTable(
  "memberships",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["admin", "editor", "member"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

// --- audit ---

export const auditLog = pgTable(
  "audit_log",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    at: tstz("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    resource: text("resource").notNull(),
    details: jsonb("details").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("audit_actor_idx").on(t.actor, t.seq),
    index("audit_resource_idx").on(t.resource, t.seq),
    index("audit_action_idx").on(t.action, t.seq),
    index("audit_at_idx").on(t.at),
  ],
);

export const auditCheckpoints = pgTable("audit_checkpoints", {
  seq: bigint("seq", { mode: "number" }).primaryKey(),
  hash: text("hash").notNull(),
  at: tstz("at").notNull(),
  keyId: text("key_id").notNull(),
  /** Ed25519 signature (base64url) over `mekong-audit-checkpoint:<seq>:<hash>`. */
  signature: text("signature").notNull(),
});

// --- jobs ---

export const jobs = pgTable(
  "jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    type: text("type").notNull(),
    payload: jsonb("payload").notNull(),
    state: text("state", { enum: ["queued", "running", "succeeded", "failed", "cancelled"] })
      .notNull()
      .default("queued"),
    progress: real("progress").notNull().default(0),
    message: text("message"),
    result: jsonb("result"),
    /** Why the last attempt failed: a stable code and a message fit for the job's owner. */
    error: jsonb("error").$type<{ code: string; message: string }>(),
    /** Attempts started so far; with `locked_by` it fences a worker whose lease was taken over. */
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(3),
    runAt: tstz("run_at").notNull().defaultNow(),
    leaseUntil: tstz("lease_until"),
    lockedBy: text("locked_by"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    orgId: uuid("org_id").references(() => organizations.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
    finishedAt: tstz("finished_at"),
  },
  (t) => [
    index("jobs_ready_idx").on(t.runAt).where(sql`${t.state} = 'queued'`),
    index("jobs_lease_idx").on(t.leaseUntil).where(sql`${t.state} = 'running'`),
    check("jobs_state_valid", sql`${t.state} in ('queued', 'running', 'succeeded', 'failed', 'cancelled')`),
    check("jobs_progress_range", sql`${t.progress} >= 0 and ${t.progress} <= 1`),
    check("jobs_attempts_valid", sql`${t.attempts} >= 0 and ${t.maxAttempts} >= 1`),
    check(
      "jobs_running_leased",
      sql`${t.state} <> 'running' or (${t.leaseUntil} is not null and ${t.lockedBy} is not null)`,
    ),
  ],
);

// --- catalog: datasets and their versions ---

export const datasets = pgTable(
  "datasets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    title: text("title").notNull(),
    description: text("description"),
    visibility: text("visibility", { enum: ["draft", "private", "shared", "open"] }).notNull(),
    /** The current Frictionless Table Schema (null until the first upload). */
    tableSchema: jsonb("table_schema"),
    /** Number of the newest version (null until the first upload). */
    currentVersion: integer("current_version"),
    /** Catalog metadata beyond the core fields (DCAT-AP properties), owned by the catalog. */
    metadata: jsonb("metadata").notNull().default(sql`'{}'::jsonb`),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
    deletedAt: tstz("deleted_at"),
    deletedBy: uuid("deleted_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("datasets_live_name_key").on(t.orgId, t.name).where(sql`${t.deletedAt} is null`),
    index("datasets_org_idx").on(t.orgId),
    check("datasets_name_format", sql`${t.name} ~ '^[a-z0-9][a-z0-9_-]{1,99}$'`),
  ],
);

export const datasetVersions = pgTable(
  "dataset_versions",
  {
    datasetId: uuid("dataset_id")
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    n: integer("n").notNull(),
    /** Content-addressed key of the version's Parquet file in the blob store. */
    blobKey: text("blob_key").notNull(),
    rows: bigint("rows", { mode: "number" }).notNull(),
    bytes: bigint("bytes", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    tableSchema: jsonb("table_schema").notNull(),
    schemaHash: text("schema_hash").notNull(),
    /** How this version came to be: an upload (replace/append/upsert) or a schema change. */
    mode: text("mode", { enum: ["replace", "append", "upsert", "schema"] }).notNull(),
    source: jsonb("source").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    keyId: text("key_id").notNull(),
    /** Ed25519 signature (base64url) over `versionSigningMessage(...)`. */
    signature: text("signature").notNull(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.n] }), index("dataset_versions_blob_idx").on(t.blobKey)],
);

// --- catalog: search and metadata history ---

/** PostgreSQL's full-text document type; written only by the database (see the search migration). */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * One search document per live dataset, derived from `datasets` (and the current version's formats) by
 * database triggers, never written by the application. It holds exactly what search, ranking and facets
 * read, so a search scans a narrow table instead of the datasets' wide metadata.
 */
export const datasetSearch = pgTable(
  "dataset_search",
  {
    datasetId: uuid("dataset_id")
      .primaryKey()
      .references(() => datasets.id, { onDelete: "cascade" }),
    orgId: uuid("org_id").notNull(),
    /** Whether everyone may see the dataset (visibility `open`); the rest only its organization's members. */
    isOpen: boolean("is_open").notNull(),
    updatedAt: tstz("updated_at").notNull(),
    /** Title folded (lowercase, no diacritics, đ→d): the `title` sort key. */
    titleFolded: text("title_folded").notNull(),
    /** Weighted document: A title (vi + en), B keywords, C description (vi + en), D column names and titles. */
    document: tsvector("document").notNull(),
    /** Facet values as `facet:value` (`theme:AGRI`, `org:bo-cong-thuong`, `keyword:gia lua`, …). */
    terms: text("terms").array().notNull(),
    /** The same values as codes from `search_terms` (facet number × 2²⁴ + n): integers count faster. */
    codes: integer("codes").array().notNull().default(sql`'{}'::integer[]`),
  },
  (t) => [
    index("dataset_search_document_idx").using("gin", t.document),
    index("dataset_search_terms_idx").using("gin", t.terms),
    index("dataset_search_updated_idx").on(t.updatedAt.desc(), t.datasetId.desc()),
    index("dataset_search_title_idx").on(t.titleFolded, t.datasetId),
  ],
);

/**
 * Every facet value a dataset has had, numbered: `code` = facet number (1 org, 2 theme, 3 format,
 * 4 licence, 5 classification, 6 personalData, 7 frequency, 8 province, 9 keyword) × 2²⁴ + a serial.
 * Written by the search trigger the first time a value is seen; values are never renumbered.
 */
export const searchTerms = pgTable("search_terms", {
  code: integer("code").primaryKey(),
  term: text("term").notNull().unique(),
});

/**
 * The words of every title seen (folded, 3+ letters or digits), with a trigram index: a misspelt query
 * word is replaced by its closest title words. Kept by the search trigger; words are never removed (a
 * word no title has any more only adds an alternative that matches nothing).
 */
export const searchWords = pgTable("search_words", { word: text("word").primaryKey() }, (t) => [
  index("search_words_trgm_idx").using("gin", sql`${t.word} gin_trgm_ops`),
]);

/**
 * Facet counts of the live datasets per organization and openness, kept by the same trigger as
 * `dataset_search`, so a search without text and filters (the catalog's front page) sums a few hundred
 * rows instead of counting every dataset's facet values.
 */
export const datasetFacetCounts = pgTable(
  "dataset_facet_counts",
  {
    orgId: uuid("org_id").notNull(),
    isOpen: boolean("is_open").notNull(),
    term: text("term").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.isOpen, t.term] })],
);

/**
 * Every metadata state a dataset has had: who changed it, when, the RFC 6902 patch from the previous
 * state and the full state after the change (so any state is one row away and any two can be diffed).
 */
export const datasetHistory = pgTable(
  "dataset_history",
  {
    datasetId: uuid("dataset_id")
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    at: tstz("at").notNull().defaultNow(),
    actor: text("actor").notNull(),
    /** `baseline`: a state found without its change (history started later, or the row was written directly). */
    action: text("action", { enum: ["create", "update", "baseline"] }).notNull(),
    patch: jsonb("patch").notNull(),
    state: jsonb("state").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.datasetId, t.seq] }),
    check("dataset_history_seq_positive", sql`${t.seq} >= 1`),
  ],
);
