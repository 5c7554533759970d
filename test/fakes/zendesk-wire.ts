// Stateless pieces of the fake Zendesk (./zendesk.ts): the error envelopes, the 429, cursor
// encoding, the search query subset and the request-body readers, kept apart so the server
// file holds only routing and state.

export type TicketStatus = "new" | "open" | "pending" | "hold" | "solved" | "closed";
export type TicketPriority = "urgent" | "high" | "normal" | "low";

export interface FakeComment {
  body: string;
  public: boolean;
  author_id: number;
}

export type NewComment = Omit<FakeComment, "author_id">;

export type Json = Record<string, unknown>;

export const MAX_PAGE_SIZE = 100;
export const STATUSES: readonly string[] = ["new", "open", "pending", "hold", "solved", "closed"];
export const PRIORITIES: readonly string[] = ["urgent", "high", "normal", "low"];

export interface QueryTerms {
  type?: string;
  status?: string;
  assignee?: string;
  words: string[];
}

/** Zendesk search syntax, the subset the connector sends: `type:`, `status:`, `assignee:`. */
export function parseQuery(query: string): QueryTerms {
  const terms: QueryTerms = { words: [] };
  for (const token of query.trim().split(/\s+/)) {
    const [, key, raw] = /^(type|status|assignee):(.+)$/.exec(token) ?? [];
    const value = raw?.replace(/^"(.*)"$/, "$1");
    if (key === "type" || key === "status" || key === "assignee") terms[key] = value;
    else terms.words.push(token);
  }
  return terms;
}

export function ticketInput(body: unknown): Json {
  const ticket = isObject(body) ? body.ticket : undefined;
  return isObject(ticket) ? ticket : {};
}

export function commentInput(value: unknown): NewComment | undefined {
  if (!isObject(value) || typeof value.body !== "string" || value.body.trim() === "") {
    return undefined;
  }
  return { body: value.body, public: value.public !== false };
}

export function addFieldErrors(input: Json, details: Record<string, unknown[]>): void {
  if (input.status !== undefined && !STATUSES.includes(String(input.status))) {
    details.status = [{ description: "Status: is not valid", error: "InvalidValue" }];
  }
  if (input.priority !== undefined && !PRIORITIES.includes(String(input.priority))) {
    details.priority = [{ description: "Priority: is not valid", error: "InvalidValue" }];
  }
}

/** The audit that create and update return beside the ticket: one Comment event, if any. */
export function audit(ticketId: number, authorId: number, comment: NewComment | undefined) {
  const events = comment ? [{ id: 1, type: "Comment", ...comment, author_id: authorId }] : [];
  return { id: Date.now(), ticket_id: ticketId, author_id: authorId, events };
}

export function recordInvalid(details: Json): Response {
  return Response.json(
    { error: "RecordInvalid", description: "Record validation errors", details },
    { status: 422 },
  );
}

export function zendeskError(status: number, error: string, description: string): Response {
  return Response.json({ error, description }, { status });
}

export function rateLimited(retryAfterSeconds: number): Response {
  return new Response("Number of allowed API requests per minute exceeded", {
    status: 429,
    headers: { "content-type": "text/plain", "retry-after": String(retryAfterSeconds) },
  });
}

export function clampPageSize(value: string): number {
  const size = Math.trunc(Number(value));
  return Number.isFinite(size) ? Math.min(MAX_PAGE_SIZE, Math.max(1, size)) : MAX_PAGE_SIZE;
}

export function encodeCursor(id: number): string {
  return Buffer.from(`id:${id}`).toString("base64url");
}

export function decodeCursor(cursor: string | null): number | undefined {
  if (cursor === null) return undefined;
  const match = /^id:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}

export async function readBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
