/**
 * The change log: who changed what, with the object before and after. Callers pass objects
 * already stripped of secrets (hints only); it is written inside the caller's transaction so
 * the change and its record commit together or not at all.
 */
import type { Db } from "../db/open.ts";
import type { Clock } from "../lib/clock.ts";
import { newId } from "../lib/ids.ts";
import { insertChange } from "./store.ts";

export interface ChangeActor {
  orgId: string;
  actorId: string;
  requestId: string;
}

export interface ChangeRecord {
  action: string;
  targetType: string;
  targetId: string;
  before?: object | null;
  after?: object | null;
}

/** Synchronous: call it inside the transaction that makes the change. */
export function recordChange(db: Db, clock: Clock, actor: ChangeActor, change: ChangeRecord): void {
  const now = clock.now();
  insertChange(db, {
    id: newId("chg", now),
    orgId: actor.orgId,
    ts: now,
    actorId: actor.actorId,
    action: change.action,
    targetType: change.targetType,
    targetId: change.targetId,
    before: (change.before ?? null) as Record<string, unknown> | null,
    after: (change.after ?? null) as Record<string, unknown> | null,
    requestId: actor.requestId,
  });
}
