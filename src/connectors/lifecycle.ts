/**
 * Which admin actions each connector status allows (the product docs' lifecycle table).
 * `test` is the docs' Test and Retry; `enable` is Re-enable; `disable` kills the connector.
 */
import { conflict } from "../lib/errors.ts";
import type { ConnectorStatus } from "./schema.ts";

export type ConnectorAdminAction = "edit" | "test" | "rotate" | "disable" | "enable" | "delete";

const ALLOWED: Record<ConnectorStatus, readonly ConnectorAdminAction[]> = {
  ACTIVE: ["edit", "test", "rotate", "disable", "delete"],
  OFFLINE: ["test", "edit", "rotate", "delete"],
  PENDING: ["test", "delete"],
  KILLED: ["rotate", "delete", "enable"],
};

export function assertTransition(status: ConnectorStatus, action: ConnectorAdminAction): void {
  if (!ALLOWED[status].includes(action)) {
    throw conflict(`cannot ${action} a connector that is ${status}`);
  }
}
