/**
 * A principal's compiled permissions: the union of its roles. A tool is allowed when any role
 * allows it (each role decides by its most specific pattern); a model is allowed when any role
 * has no model list or lists it. Compiled roles are cached by id and cleared on role changes.
 */
import type { Db } from "../db/open.ts";
import type { LookupCache } from "../lib/lookup-cache.ts";
import { findRole } from "./store.ts";
import { compileToolRules, type ToolRuleSet } from "./tool-rules.ts";

export interface CompiledRole {
  id: string;
  name: string;
  tools: ToolRuleSet;
  models: ReadonlySet<string> | null;
}

export interface ToolVerdict {
  allowed: boolean;
  roleId: string | null;
  pattern: string | null;
}

export interface Permissions {
  roles: readonly CompiledRole[];
  decideTool(tool: string): ToolVerdict;
  allowsModel(model: string): boolean;
}

export function loadPermissions(
  db: Db,
  cache: LookupCache<CompiledRole | null>,
  orgId: string,
  roleIds: readonly string[],
): Permissions {
  const roles = roleIds
    .map((roleId) => cache.getOrLoad(`${orgId}:${roleId}`, () => compileRole(db, orgId, roleId)))
    .filter((role): role is CompiledRole => role !== null);
  return buildPermissions(roles);
}

function compileRole(db: Db, orgId: string, roleId: string): CompiledRole | null {
  const row = findRole(db, orgId, roleId);
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    tools: compileToolRules(row.tools),
    models: row.models ? new Set(row.models) : null,
  };
}

export function buildPermissions(roles: readonly CompiledRole[]): Permissions {
  return {
    roles,
    decideTool(tool) {
      let denial: ToolVerdict = { allowed: false, roleId: null, pattern: null };
      for (const role of roles) {
        const { effect, pattern } = role.tools.decide(tool);
        if (effect === "allow") return { allowed: true, roleId: role.id, pattern };
        if (denial.roleId === null) denial = { allowed: false, roleId: role.id, pattern };
      }
      return denial;
    },
    allowsModel(model) {
      if (roles.length === 0) return true;
      return roles.some((role) => role.models === null || role.models.has(model));
    },
  };
}
