/**
 * The drizzle schema: the single description of every table. `drizzle-kit generate` turns it
 * into the SQL files in `migrations/`. Every tenant table carries `org_id`; stores always
 * filter on it, so one appliance can hold several orgs that never see each other.
 */
import {
  blob,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

const createdAt = () => integer("created_at").notNull();
const updatedAt = () => integer("updated_at").notNull();

/** One row: the installation's identity and the vault seal check value. */
export const appliance = sqliteTable("appliance", {
  id: integer("id").primaryKey(),
  installationId: text("installation_id").notNull(),
  sealCheck: blob("seal_check", { mode: "buffer" }).notNull(),
  createdAt: createdAt(),
});

export const orgs = sqliteTable("orgs", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  createdAt: createdAt(),
});

/** Per-org data keys, each wrapped by the key-encryption key derived from the master key. */
export const vaultKeys = sqliteTable(
  "vault_keys",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => orgs.id),
    version: integer("version").notNull(),
    wrapped: blob("wrapped", { mode: "buffer" }).notNull(),
    kekId: text("kek_id").notNull(),
    status: text("status", { enum: ["active", "decrypt_only", "retired"] }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.orgId, table.version] })],
);

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => orgs.id),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    isAdmin: integer("is_admin", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: ["active", "disabled"] })
      .notNull()
      .default("active"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [uniqueIndex("users_org_email").on(table.orgId, table.email)],
);

export const roles = sqliteTable(
  "roles",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => orgs.id),
    name: text("name").notNull(),
    tools: text("tools", { mode: "json" }).$type<Record<string, "allow" | "deny">>().notNull(),
    models: text("models", { mode: "json" }).$type<string[] | null>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [uniqueIndex("roles_org_name").on(table.orgId, table.name)],
);

export const userRoles = sqliteTable(
  "user_roles",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => orgs.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    roleId: text("role_id")
      .notNull()
      .references(() => roles.id, { onDelete: "cascade" }),
  },
  (table) => [primaryKey({ columns: [table.userId, table.roleId] })],
);

export const patKeys = sqliteTable(
  "pat_keys",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => orgs.id),
    label: text("label").notNull(),
    /** Vault envelope of the real Anthropic key. */
    secret: blob("secret", { mode: "buffer" }).notNull(),
    keyHint: text("key_hint").notNull(),
    modelAllowlist: text("model_allowlist", { mode: "json" }).$type<string[] | null>(),
    maxTokensPerRequest: integer("max_tokens_per_request"),
    monthlySpendCapUsd: real("monthly_spend_cap_usd"),
    status: text("status", { enum: ["ACTIVE", "ROTATED", "REVOKED"] }).notNull(),
    expiresAt: integer("expires_at"),
    /**
     * The first key of a rotation chain (null for that first key itself): spend caps count
     * the whole chain's month, so rotating a key does not reset its spend.
     */
    lineageId: text("lineage_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index("pat_keys_org").on(table.orgId), index("pat_keys_lineage").on(table.lineageId)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => orgs.id),
    name: text("name").notNull(),
    /** SHA-256 of the whole key; the key itself is shown once and never stored. */
    keyHash: blob("key_hash", { mode: "buffer" }).notNull().unique(),
    keyHint: text("key_hint").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    roleId: text("role_id").references(() => roles.id, { onDelete: "set null" }),
    patKeyId: text("pat_key_id").references(() => patKeys.id, { onDelete: "set null" }),
    status: text("status", { enum: ["ACTIVE", "ROTATED", "REVOKED"] }).notNull(),
    expiresAt: integer("expires_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index("api_keys_org").on(table.orgId)],
);

export const connectors = sqliteTable(
  "connectors",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => orgs.id),
    type: text("type").notNull(),
    name: text("name").notNull(),
    baseUrl: text("base_url").notNull(),
    settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** Vault envelope of the credentials JSON. */
    credentials: blob("credentials", { mode: "buffer" }).notNull(),
    credentialHints: text("credential_hints", { mode: "json" })
      .$type<Record<string, string>>()
      .notNull(),
    status: text("status", { enum: ["PENDING", "ACTIVE", "OFFLINE", "KILLED"] }).notNull(),
    lastTestAt: integer("last_test_at"),
    lastTestError: text("last_test_error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [uniqueIndex("connectors_org_name").on(table.orgId, table.name)],
);

/** Every governed decision (allowed, denied, error). Append-only: triggers refuse changes. */
export const auditEntries = sqliteTable(
  "audit_entries",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    ts: integer("ts").notNull(),
    requestId: text("request_id").notNull(),
    product: text("product", { enum: ["mcp", "pat"] }).notNull(),
    type: text("type").notNull(),
    decision: text("decision", { enum: ["allowed", "denied", "error"] }).notNull(),
    reason: text("reason"),
    target: text("target"),
    apiKeyId: text("api_key_id"),
    userId: text("user_id"),
    roleId: text("role_id"),
    ip: text("ip"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (table) => [
    index("audit_org_ts").on(table.orgId, table.ts),
    index("audit_request").on(table.requestId),
  ],
);

/**
 * The outcome of an allowed upstream call. A Claude call's row is written with its decision
 * as `reserved` (holding the worst-case cost against the spend cap) and settled when the
 * answer ends; a row still `reserved` at start-up was cut off by a crash and is settled
 * `unsettled` at its worst case, so caps stay safe.
 */
export const USAGE_OUTCOMES = [
  "reserved",
  "completed",
  "upstream_error",
  "aborted",
  "unsettled",
] as const;

export const usageRecords = sqliteTable(
  "usage_records",
  {
    auditId: text("audit_id").primaryKey(),
    orgId: text("org_id").notNull(),
    ts: integer("ts").notNull(),
    product: text("product", { enum: ["mcp", "pat"] }).notNull(),
    patKeyId: text("pat_key_id"),
    model: text("model"),
    statusCode: integer("status_code"),
    outcome: text("outcome", { enum: USAGE_OUTCOMES }).notNull(),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cacheCreationInputTokens: integer("cache_creation_input_tokens").notNull().default(0),
    cacheReadInputTokens: integer("cache_read_input_tokens").notNull().default(0),
    durationMs: integer("duration_ms").notNull(),
    /** Estimated from the embedded price table (metering/prices.ts), in USD. */
    costUsd: real("cost_usd").notNull().default(0),
    reservedUsd: real("reserved_usd").notNull().default(0),
  },
  (table) => [
    index("usage_org_ts").on(table.orgId, table.ts),
    index("usage_pat_key_ts").on(table.patKeyId, table.ts),
    index("usage_outcome").on(table.outcome),
  ],
);

/** Every admin mutation: who, what, before and after (secrets replaced by hints). */
export const changeLog = sqliteTable(
  "change_log",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    ts: integer("ts").notNull(),
    actorId: text("actor_id").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    before: text("before", { mode: "json" }).$type<Record<string, unknown> | null>(),
    after: text("after", { mode: "json" }).$type<Record<string, unknown> | null>(),
    requestId: text("request_id").notNull(),
  },
  (table) => [index("change_log_org_ts").on(table.orgId, table.ts)],
);
