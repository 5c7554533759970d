/** Roles: create, read, update, delete, each with its change-log entry. */
import { type ChangeActor, recordChange } from "../change-log/service.ts";
import { countApiKeysWithRole, usersWithRole } from "../identity/store.ts";
import { type CoreDeps, inTransaction } from "../lib/deps.ts";
import { conflict, notFound } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { type Page, type PageQuery, toPage } from "../lib/pagination.ts";
import { isoTime } from "../lib/timestamps.ts";
import type { Role, RoleInput } from "./schema.ts";
import * as store from "./store.ts";

export function presentRole(row: store.RoleRow): Role {
  return {
    id: row.id,
    name: row.name,
    tools: row.tools,
    models: row.models ?? null,
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
  };
}

export function listRoles(deps: CoreDeps, orgId: string, page: PageQuery): Page<Role> {
  const rows = store.listRoles(deps.db, orgId, page.limit + 1, page.cursor);
  return toPage(rows, page.limit, presentRole);
}

export function getRole(deps: CoreDeps, orgId: string, id: string): Role {
  const row = store.findRole(deps.db, orgId, id);
  if (!row) throw notFound(`role ${id}`);
  return presentRole(row);
}

export function createRole(deps: CoreDeps, actor: ChangeActor, input: RoleInput): Role {
  const now = deps.clock.now();
  const row: store.RoleRow = {
    id: newId("rol", now),
    orgId: actor.orgId,
    name: input.name,
    tools: input.tools,
    models: input.models ?? null,
    createdAt: now,
    updatedAt: now,
  };
  inTransaction(deps, () => {
    if (store.findRoleByName(deps.db, actor.orgId, input.name)) {
      throw conflict(`a role named '${input.name}' already exists`);
    }
    store.insertRole(deps.db, row);
    recordChange(deps.db, deps.clock, actor, {
      action: "role.created",
      targetType: "role",
      targetId: row.id,
      after: presentRole(row),
    });
  });
  deps.invalidateLookups();
  return presentRole(row);
}

export function updateRole(deps: CoreDeps, actor: ChangeActor, id: string, input: RoleInput): Role {
  const updated = inTransaction(deps, () => {
    const before = store.findRole(deps.db, actor.orgId, id);
    if (!before) throw notFound(`role ${id}`);
    const clash = store.findRoleByName(deps.db, actor.orgId, input.name);
    if (clash && clash.id !== id) throw conflict(`a role named '${input.name}' already exists`);

    const patch = {
      name: input.name,
      tools: input.tools,
      models: input.models ?? null,
      updatedAt: deps.clock.now(),
    };
    store.updateRole(deps.db, actor.orgId, id, patch);
    const after = { ...before, ...patch };
    recordChange(deps.db, deps.clock, actor, {
      action: "role.updated",
      targetType: "role",
      targetId: id,
      before: presentRole(before),
      after: presentRole(after),
    });
    return after;
  });
  deps.invalidateLookups();
  return presentRole(updated);
}

/**
 * A role still assigned to a user or an org API key cannot be deleted: the holders would be
 * left with no role, and a principal without roles is not restricted to any model list.
 */
function assertRoleUnused(deps: CoreDeps, orgId: string, roleId: string): void {
  const users = usersWithRole(deps.db, orgId, [roleId]).length;
  const keys = countApiKeysWithRole(deps.db, orgId, roleId);
  if (users > 0 || keys > 0) {
    throw conflict(`role ${roleId} is assigned to ${users} user(s) and ${keys} API key(s)`);
  }
}

export function deleteRole(deps: CoreDeps, actor: ChangeActor, id: string): void {
  inTransaction(deps, () => {
    const before = store.findRole(deps.db, actor.orgId, id);
    if (!before) throw notFound(`role ${id}`);
    assertRoleUnused(deps, actor.orgId, id);
    store.deleteRole(deps.db, actor.orgId, id);
    recordChange(deps.db, deps.clock, actor, {
      action: "role.deleted",
      targetType: "role",
      targetId: id,
      before: presentRole(before),
    });
  });
  deps.invalidateLookups();
}
