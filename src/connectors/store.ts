import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { connectors } from "../db/schema.ts";

export type ConnectorRow = typeof connectors.$inferSelect;

export function findConnector(db: Db, orgId: string, id: string): ConnectorRow | undefined {
  return db
    .select()
    .from(connectors)
    .where(and(eq(connectors.orgId, orgId), eq(connectors.id, id)))
    .get();
}

export function findConnectorByName(db: Db, orgId: string, name: string): ConnectorRow | undefined {
  return db
    .select()
    .from(connectors)
    .where(and(eq(connectors.orgId, orgId), eq(connectors.name, name)))
    .get();
}

export function listConnectors(db: Db, orgId: string, limit: number, afterId?: string) {
  const conditions = [eq(connectors.orgId, orgId)];
  if (afterId) conditions.push(gt(connectors.id, afterId));
  return db
    .select()
    .from(connectors)
    .where(and(...conditions))
    .orderBy(asc(connectors.id))
    .limit(limit)
    .all();
}

export function listActiveConnectors(db: Db, orgId: string): ConnectorRow[] {
  return db
    .select()
    .from(connectors)
    .where(and(eq(connectors.orgId, orgId), eq(connectors.status, "ACTIVE")))
    .orderBy(asc(connectors.name))
    .all();
}

export function insertConnector(db: Db, row: ConnectorRow): void {
  db.insert(connectors).values(row).run();
}

export function updateConnector(db: Db, orgId: string, id: string, patch: Partial<ConnectorRow>) {
  db.update(connectors)
    .set(patch)
    .where(and(eq(connectors.orgId, orgId), eq(connectors.id, id)))
    .run();
}

export function deleteConnector(db: Db, orgId: string, id: string): void {
  db.delete(connectors)
    .where(and(eq(connectors.orgId, orgId), eq(connectors.id, id)))
    .run();
}
