/** Users and org API keys: the only code that touches their tables. */
import { and, asc, eq, gt, inArray, ne } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { apiKeys, userRoles, users } from "../db/schema.ts";

export type UserRow = typeof users.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

export function findUserByEmail(db: Db, orgId: string, email: string): UserRow | undefined {
  return db
    .select()
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.email, email)))
    .get();
}

/** Admin login finds the user by email across orgs; emails are unique per org. */
export function findUsersByEmail(db: Db, email: string): UserRow[] {
  return db.select().from(users).where(eq(users.email, email)).all();
}

export function findUser(db: Db, orgId: string, id: string): UserRow | undefined {
  return db
    .select()
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.id, id)))
    .get();
}

export function listUsers(db: Db, orgId: string, limit: number, afterId?: string): UserRow[] {
  const conditions = [eq(users.orgId, orgId)];
  if (afterId) conditions.push(gt(users.id, afterId));
  return db
    .select()
    .from(users)
    .where(and(...conditions))
    .orderBy(asc(users.id))
    .limit(limit)
    .all();
}

export function insertUser(db: Db, row: typeof users.$inferInsert): void {
  db.insert(users).values(row).run();
}

export function updateUser(db: Db, orgId: string, id: string, patch: Partial<UserRow>): void {
  db.update(users)
    .set(patch)
    .where(and(eq(users.orgId, orgId), eq(users.id, id)))
    .run();
}

export function deleteUser(db: Db, orgId: string, id: string): void {
  db.delete(users)
    .where(and(eq(users.orgId, orgId), eq(users.id, id)))
    .run();
}

export function userRoleIds(db: Db, orgId: string, userId: string): string[] {
  return db
    .select({ roleId: userRoles.roleId })
    .from(userRoles)
    .where(and(eq(userRoles.orgId, orgId), eq(userRoles.userId, userId)))
    .all()
    .map((row) => row.roleId);
}

export function replaceUserRoles(db: Db, orgId: string, userId: string, roleIds: string[]): void {
  db.delete(userRoles)
    .where(and(eq(userRoles.orgId, orgId), eq(userRoles.userId, userId)))
    .run();
  for (const roleId of roleIds) db.insert(userRoles).values({ orgId, userId, roleId }).run();
}

export function usersWithRole(db: Db, orgId: string, roleIds: string[]): string[] {
  if (roleIds.length === 0) return [];
  return db
    .select({ userId: userRoles.userId })
    .from(userRoles)
    .where(and(eq(userRoles.orgId, orgId), inArray(userRoles.roleId, roleIds)))
    .all()
    .map((row) => row.userId);
}

export function countActiveAdmins(db: Db, orgId: string): number {
  return db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.isAdmin, true), eq(users.status, "active")))
    .all().length;
}

/** Revokes every key of a user; the keys would otherwise outlive the user (FK sets null). */
export function revokeUserApiKeys(db: Db, orgId: string, userId: string, now: number): string[] {
  const revoked = db
    .update(apiKeys)
    .set({ status: "REVOKED", updatedAt: now })
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.userId, userId), ne(apiKeys.status, "REVOKED")))
    .returning({ id: apiKeys.id })
    .all();
  return revoked.map((row) => row.id);
}

export function countApiKeysWithRole(db: Db, orgId: string, roleId: string): number {
  return db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.roleId, roleId), ne(apiKeys.status, "REVOKED")))
    .all().length;
}

/** Moves every live key bound to one PAT key onto another (PAT key rotation). */
export function rebindApiKeysToPatKey(
  db: Db,
  orgId: string,
  fromId: string,
  toId: string,
  now: number,
) {
  return db
    .update(apiKeys)
    .set({ patKeyId: toId, updatedAt: now })
    .where(
      and(eq(apiKeys.orgId, orgId), eq(apiKeys.patKeyId, fromId), ne(apiKeys.status, "REVOKED")),
    )
    .returning({ id: apiKeys.id })
    .all()
    .map((row) => row.id);
}

export function findApiKeyByHash(db: Db, keyHash: Uint8Array): ApiKeyRow | undefined {
  return db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, Buffer.from(keyHash)))
    .get();
}

export function findApiKey(db: Db, orgId: string, id: string): ApiKeyRow | undefined {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, id)))
    .get();
}

export function listApiKeys(db: Db, orgId: string, limit: number, afterId?: string): ApiKeyRow[] {
  const conditions = [eq(apiKeys.orgId, orgId)];
  if (afterId) conditions.push(gt(apiKeys.id, afterId));
  return db
    .select()
    .from(apiKeys)
    .where(and(...conditions))
    .orderBy(asc(apiKeys.id))
    .limit(limit)
    .all();
}

export function insertApiKey(db: Db, row: ApiKeyRow): void {
  db.insert(apiKeys).values(row).run();
}

export function updateApiKey(db: Db, orgId: string, id: string, patch: Partial<ApiKeyRow>): void {
  db.update(apiKeys)
    .set(patch)
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, id)))
    .run();
}
