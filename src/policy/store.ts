import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { roles } from "../db/schema.ts";

export type RoleRow = typeof roles.$inferSelect;

export function findRole(db: Db, orgId: string, id: string): RoleRow | undefined {
  return db
    .select()
    .from(roles)
    .where(and(eq(roles.orgId, orgId), eq(roles.id, id)))
    .get();
}

export function findRoleByName(db: Db, orgId: string, name: string): RoleRow | undefined {
  return db
    .select()
    .from(roles)
    .where(and(eq(roles.orgId, orgId), eq(roles.name, name)))
    .get();
}

export function listRoles(db: Db, orgId: string, limit: number, afterId?: string): RoleRow[] {
  const conditions = [eq(roles.orgId, orgId)];
  if (afterId) conditions.push(gt(roles.id, afterId));
  return db
    .select()
    .from(roles)
    .where(and(...conditions))
    .orderBy(asc(roles.id))
    .limit(limit)
    .all();
}

export function insertRole(db: Db, row: RoleRow): void {
  db.insert(roles).values(row).run();
}

export function updateRole(db: Db, orgId: string, id: string, patch: Partial<RoleRow>): void {
  db.update(roles)
    .set(patch)
    .where(and(eq(roles.orgId, orgId), eq(roles.id, id)))
    .run();
}

export function deleteRole(db: Db, orgId: string, id: string): void {
  db.delete(roles)
    .where(and(eq(roles.orgId, orgId), eq(roles.id, id)))
    .run();
}
