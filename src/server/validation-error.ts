/**
 * Turns Elysia's body/query validation failure into the contract's `invalid_request_error`
 * message, naming each field. Elysia's own answer echoes the submitted body, which may hold
 * a secret (a PAT key, connector credentials), so it is never sent.
 */
import { invalidRequest, type KestraError } from "../lib/errors.ts";

interface ValidationDetail {
  path?: string;
  message?: string;
}

export function fromValidationError(error: { all?: unknown }, location: string): KestraError {
  const details = Array.isArray(error.all) ? (error.all as ValidationDetail[]) : [];
  const lines = details.map((detail) => describe(detail)).filter(Boolean);
  return invalidRequest(lines.length > 0 ? lines.join("; ") : `invalid ${location}`);
}

function describe(detail: ValidationDetail): string {
  const path =
    detail.path && detail.path !== "root"
      ? detail.path.replace(/^\//, "").replaceAll("/", ".")
      : "";
  const message = (detail.message ?? "invalid value").replace(/^Invalid input: /, "");
  const unknownKey = /^Unrecognized keys?: (.+)$/.exec(message);
  if (unknownKey?.[1]) {
    const names = unknownKey[1].replaceAll('"', "").split(", ");
    return `unknown field ${names.map((name) => `'${path ? `${path}.` : ""}${name}'`).join(", ")}`;
  }
  return path ? `${path}: ${message}` : message;
}
