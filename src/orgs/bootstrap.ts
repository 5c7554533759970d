/**
 * First start on an empty data directory: the `default` org, its vault data key, and the
 * bootstrap admin. The admin's password comes from KESTRA_BOOTSTRAP_PASSWORD, else it is
 * generated and written once to `<data_dir>/initial-admin-password` (0600); it is never logged.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { orgs, users } from "../db/schema.ts";
import { type CoreDeps, inTransaction } from "../lib/deps.ts";
import { newId } from "../lib/ids.ts";

export const DEFAULT_ORG_NAME = "default";
export const INITIAL_PASSWORD_FILE = "initial-admin-password";

export interface BootstrapInput {
  dataDir: string;
  adminEmail: string;
  password: string | undefined;
}

export interface BootstrapResult {
  orgId: string;
  created: boolean;
  /** Where a generated password was written, if one was. */
  passwordFile: string | null;
}

export async function bootstrapDefaultOrg(
  deps: CoreDeps,
  input: BootstrapInput,
): Promise<BootstrapResult> {
  const existing = deps.db.select().from(orgs).where(eq(orgs.name, DEFAULT_ORG_NAME)).get();
  if (existing) return { orgId: existing.id, created: false, passwordFile: null };

  const password = input.password ?? randomBytes(18).toString("base64url");
  const passwordHash = await Bun.password.hash(password);
  const now = deps.clock.now();
  const orgId = newId("org", now);

  // The password file is written before the commit: a failed write must not leave an admin
  // whose password nobody knows (a failed commit just leaves a file the next start rewrites).
  const passwordFile =
    input.password === undefined ? join(input.dataDir, INITIAL_PASSWORD_FILE) : null;
  if (passwordFile) writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });

  inTransaction(deps, () => {
    deps.db.insert(orgs).values({ id: orgId, name: DEFAULT_ORG_NAME, createdAt: now }).run();
    deps.vault.ensureOrgKey(orgId);
    deps.db
      .insert(users)
      .values({
        id: newId("usr", now),
        orgId,
        email: input.adminEmail,
        name: "Administrator",
        passwordHash,
        isAdmin: true,
        status: "active",
        createdAt: now,
        updatedAt: now,
      })
      .run();
  });

  return { orgId, created: true, passwordFile };
}
