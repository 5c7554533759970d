import { and, eq } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { appliance, vaultKeys } from "../db/schema.ts";

export interface ApplianceRow {
  installationId: string;
  sealCheck: Uint8Array;
}

export interface OrgKeyRow {
  version: number;
  wrapped: Uint8Array;
  kekId: string;
}

export function readAppliance(db: Db): ApplianceRow | undefined {
  const row = db.select().from(appliance).where(eq(appliance.id, 1)).get();
  return row ? { installationId: row.installationId, sealCheck: row.sealCheck } : undefined;
}

export function insertAppliance(db: Db, row: ApplianceRow, now: number): void {
  db.insert(appliance)
    .values({
      id: 1,
      installationId: row.installationId,
      sealCheck: Buffer.from(row.sealCheck),
      createdAt: now,
    })
    .run();
}

export function readActiveOrgKey(db: Db, orgId: string): OrgKeyRow | undefined {
  return db
    .select({ version: vaultKeys.version, wrapped: vaultKeys.wrapped, kekId: vaultKeys.kekId })
    .from(vaultKeys)
    .where(and(eq(vaultKeys.orgId, orgId), eq(vaultKeys.status, "active")))
    .get();
}

export function readOrgKey(db: Db, orgId: string, version: number): OrgKeyRow | undefined {
  return db
    .select({ version: vaultKeys.version, wrapped: vaultKeys.wrapped, kekId: vaultKeys.kekId })
    .from(vaultKeys)
    .where(and(eq(vaultKeys.orgId, orgId), eq(vaultKeys.version, version)))
    .get();
}

export function insertOrgKey(db: Db, orgId: string, row: OrgKeyRow, now: number): void {
  db.insert(vaultKeys)
    .values({
      orgId,
      version: row.version,
      wrapped: Buffer.from(row.wrapped),
      kekId: row.kekId,
      status: "active",
      createdAt: now,
    })
    .run();
}
