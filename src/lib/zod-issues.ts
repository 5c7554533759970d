import type { z } from "zod";

/** One line per issue, naming the field by its dotted path: `server.listen: expected string`. */
export function describeIssues(error: z.ZodError, root = ""): string {
  return error.issues.map((issue) => describeIssue(issue, root)).join("; ");
}

function describeIssue(issue: z.core.$ZodIssue, root: string): string {
  const path = [root, ...issue.path.map(String)].filter(Boolean).join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => (path ? `${path}.${key}` : key));
    return `unknown field ${keys.map((key) => `'${key}'`).join(", ")}`;
  }
  const message = issue.message.replace(/^Invalid input: /, "");
  return path ? `${path}: ${message}` : message;
}
