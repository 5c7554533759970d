/** Users of an org: CRUD with role assignment, each change in the change log. */
import { type ChangeActor, recordChange } from "../change-log/service.ts";
import { type CoreDeps, inTransaction } from "../lib/deps.ts";
import { conflict, invalidRequest, notFound } from "../lib/errors.ts";
import { newId } from "../lib/ids.ts";
import { type Page, type PageQuery, toPage } from "../lib/pagination.ts";
import { isoTime } from "../lib/timestamps.ts";
import { findRole } from "../policy/store.ts";
import type { User, UserCreate, UserUpdate } from "./schema.ts";
import * as store from "./store.ts";

function presentUser(deps: CoreDeps, row: store.UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role_ids: store.userRoleIds(deps.db, row.orgId, row.id),
    is_admin: row.isAdmin,
    status: row.status,
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
  };
}

function assertRolesExist(deps: CoreDeps, orgId: string, roleIds: string[]): void {
  for (const roleId of roleIds) {
    if (!findRole(deps.db, orgId, roleId)) throw invalidRequest(`role_ids: no role ${roleId}`);
  }
}

/** The last active admin of an org may not be demoted, disabled or deleted: nobody could log in. */
function assertAnAdminRemains(
  deps: CoreDeps,
  orgId: string,
  before: store.UserRow,
  patch: Partial<store.UserRow>,
): void {
  const wasActiveAdmin = before.isAdmin && before.status === "active";
  const staysActiveAdmin =
    (patch.isAdmin ?? before.isAdmin) && (patch.status ?? before.status) === "active";
  if (wasActiveAdmin && !staysActiveAdmin && store.countActiveAdmins(deps.db, orgId) <= 1) {
    throw conflict("this is the org's last active admin; make another admin first");
  }
}

export function listUsers(deps: CoreDeps, orgId: string, page: PageQuery): Page<User> {
  const rows = store.listUsers(deps.db, orgId, page.limit + 1, page.cursor);
  return toPage(rows, page.limit, (row) => presentUser(deps, row));
}

export function getUser(deps: CoreDeps, orgId: string, id: string): User {
  const row = store.findUser(deps.db, orgId, id);
  if (!row) throw notFound(`user ${id}`);
  return presentUser(deps, row);
}

export async function createUser(deps: CoreDeps, actor: ChangeActor, input: UserCreate) {
  const passwordHash = input.password ? await Bun.password.hash(input.password) : null;
  const now = deps.clock.now();
  const row: store.UserRow = {
    id: newId("usr", now),
    orgId: actor.orgId,
    email: input.email,
    name: input.name,
    passwordHash,
    isAdmin: input.is_admin,
    status: "active",
    createdAt: now,
    updatedAt: now,
  };
  const user = inTransaction(deps, () => {
    if (store.findUserByEmail(deps.db, actor.orgId, input.email)) {
      throw conflict(`a user with email '${input.email}' already exists`);
    }
    assertRolesExist(deps, actor.orgId, input.role_ids);
    store.insertUser(deps.db, row);
    store.replaceUserRoles(deps.db, actor.orgId, row.id, input.role_ids);
    const created = presentUser(deps, row);
    recordChange(deps.db, deps.clock, actor, {
      action: "user.created",
      targetType: "user",
      targetId: row.id,
      after: created,
    });
    return created;
  });
  deps.invalidateLookups();
  return user;
}

export async function updateUser(
  deps: CoreDeps,
  actor: ChangeActor,
  id: string,
  input: UserUpdate,
) {
  const passwordHash = input.password ? await Bun.password.hash(input.password) : undefined;
  const user = inTransaction(deps, () => {
    const before = store.findUser(deps.db, actor.orgId, id);
    if (!before) throw notFound(`user ${id}`);
    if (input.email && input.email !== before.email) {
      if (store.findUserByEmail(deps.db, actor.orgId, input.email)) {
        throw conflict(`a user with email '${input.email}' already exists`);
      }
    }
    const beforeView = presentUser(deps, before);
    const patch: Partial<store.UserRow> = { updatedAt: deps.clock.now() };
    if (input.email !== undefined) patch.email = input.email;
    if (input.name !== undefined) patch.name = input.name;
    if (input.is_admin !== undefined) patch.isAdmin = input.is_admin;
    if (input.status !== undefined) patch.status = input.status;
    if (passwordHash !== undefined) patch.passwordHash = passwordHash;
    assertAnAdminRemains(deps, actor.orgId, before, patch);
    store.updateUser(deps.db, actor.orgId, id, patch);
    if (patch.status === "disabled") {
      store.revokeUserApiKeys(deps.db, actor.orgId, id, deps.clock.now());
    }
    if (input.role_ids) {
      assertRolesExist(deps, actor.orgId, input.role_ids);
      store.replaceUserRoles(deps.db, actor.orgId, id, input.role_ids);
    }
    const after = presentUser(deps, { ...before, ...patch });
    recordChange(deps.db, deps.clock, actor, {
      action: "user.updated",
      targetType: "user",
      targetId: id,
      before: beforeView,
      after,
    });
    return after;
  });
  deps.invalidateLookups();
  return user;
}

export function deleteUser(deps: CoreDeps, actor: ChangeActor, id: string): void {
  if (id === actor.actorId) throw conflict("an admin cannot delete their own user");
  inTransaction(deps, () => {
    const before = store.findUser(deps.db, actor.orgId, id);
    if (!before) throw notFound(`user ${id}`);
    const beforeView = presentUser(deps, before);
    assertAnAdminRemains(deps, actor.orgId, before, { isAdmin: false });
    const revokedKeys = store.revokeUserApiKeys(deps.db, actor.orgId, id, deps.clock.now());
    store.deleteUser(deps.db, actor.orgId, id);
    recordChange(deps.db, deps.clock, actor, {
      action: "user.deleted",
      targetType: "user",
      targetId: id,
      before: beforeView,
      after: { revoked_api_key_ids: revokedKeys },
    });
  });
  deps.invalidateLookups();
}
